import { createHash } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import { splitLines } from '../text/diff';
import { readWorkspaceTextFile } from '../workspace/files';
import { parseUnifiedZeroDiff, git as runGit } from '../workspace/git';
import { workspaceRelativePath } from '../workspace/paths';
import { anchorBlocks } from './anchor';
import type { Block, BlockSource } from './block';
import { agentOfKey, EXPORTED_PROMPT_ID_PREFIX, parseAuthorshipLog } from './git-ai';
import { blockContentHash, lineHashes } from './hash';
import type { ProvenanceLedger } from './ledger';
import { createRecord, isValidRecordId, normalizeRecordPath, type ProvenanceRecord, TOOL_NAME } from './record';

export { parseLineRanges } from './git-ai';

/**
 * Import of AI line ranges recorded by other tools:
 * - Agent Trace records (JSON object, array of them, or JSON Lines such as `.agent-trace/traces.jsonl`):
 *   every range of a conversation (or a range) whose contributor type is `ai`.
 * - git-ai authorship logs in git notes (`refs/notes/ai`), read with `git` (no shell); the format
 *   (Git AI Standard v3.0.0) is described in `git-ai.ts`, which also writes it (the export). Line
 *   numbers are those of the file in the noted commit; the parser also accepts a missing or broken
 *   JSON part, 7-hex-digit hashes and ranges separated by spaces.
 * - Aider's commits: aider has no hooks, but commits each edit with "(aider)" appended to the author
 *   or committer name; the lines such a commit added become `agent-write` blocks (agent `aider`).
 * Imported blocks are `source: 'imported'` (aider's: `agent-write`), `confidence: 'certain'`,
 * `editKind: 'imported'`.
 */

/** One AI range found in another tool's record. */
export interface ImportedRange {
  origin: 'agent-trace' | 'git-ai' | 'aider';
  /** Repository- or workspace-relative path, `/` separators. */
  path: string;
  /** 1-based inclusive, in the file version the record describes. */
  startLine: number;
  endLine: number;
  contentHash?: string;
  /** The tool that wrote the code (git-ai `agent_id.tool`, Agent Trace `tool.name`). */
  agent?: string;
  model?: string;
  /** ISO 8601: when the record or commit was made. */
  timestamp?: string;
  /** The commit the line numbers refer to, when known. */
  revision?: string;
  /** The range's text in that version, when it could be read (git-ai); lets import find moved code. */
  lines?: string[];
  /** The block source to record; `imported` unless the origin says how the code was written (aider: `agent-write`). */
  source?: BlockSource;
  /**
   * The id of the block this range was exported from (this product's own `export --git-ai`): it
   * comes back under that id, so its comprehension note is its note again, and the pieces a block
   * was split into (lines introduced by different commits) become one block again.
   */
  blockId?: string;
}

/** Ranges found, and what could not be read. */
export interface ImportResult {
  ranges: ImportedRange[];
  problems: string[];
}

// ---------------------------------------------------------------------------------------------
// Agent Trace

/** Reads AI ranges from Agent Trace records: an object, an array, JSON text or JSON Lines text. */
export function importAgentTrace(input: unknown): ImportResult {
  const problems: string[] = [];
  const records: unknown[] = [];
  if (typeof input === 'string') {
    try {
      collect(JSON.parse(input), records);
    } catch {
      splitLines(input).forEach((line, index) => {
        if (line.trim().length === 0) return;
        try {
          collect(JSON.parse(line), records);
        } catch (error) {
          problems.push(`line ${index + 1}: not JSON (${(error as Error).message})`);
        }
      });
    }
  } else {
    collect(input, records);
  }
  const ranges: ImportedRange[] = [];
  records.forEach((record, index) => rangesOfTraceRecord(record, index, ranges, problems));
  return { ranges, problems };
}

function collect(value: unknown, into: unknown[]): void {
  if (Array.isArray(value)) into.push(...value);
  else into.push(value);
}

function rangesOfTraceRecord(record: unknown, index: number, out: ImportedRange[], problems: string[]): void {
  const where = `record ${index + 1}`;
  if (!isObject(record) || !Array.isArray(record.files)) {
    problems.push(`${where}: no \`files\` list`);
    return;
  }
  const tool = isObject(record.tool) && typeof record.tool.name === 'string' ? record.tool.name : undefined;
  if (tool === TOOL_NAME) return; // Our own records are already in the store.
  const timestamp = typeof record.timestamp === 'string' ? record.timestamp : undefined;
  const revision = isObject(record.vcs) && typeof record.vcs.revision === 'string' ? record.vcs.revision : undefined;
  for (const file of record.files) {
    const rawPath = isObject(file) ? (file.path ?? file.relative_path) : undefined;
    if (!isObject(file) || typeof rawPath !== 'string' || !Array.isArray(file.conversations)) {
      problems.push(`${where}: a file entry without path or conversations`);
      continue;
    }
    const path = normalizeRecordPath(rawPath);
    for (const conversation of file.conversations) {
      if (!isObject(conversation) || !Array.isArray(conversation.ranges)) continue;
      const conversationContributor = isObject(conversation.contributor) ? conversation.contributor : undefined;
      for (const range of conversation.ranges) {
        if (!isObject(range)) continue;
        const contributor = isObject(range.contributor) ? range.contributor : conversationContributor;
        if (!contributor || String(contributor.type).toLowerCase() !== 'ai') continue;
        const start = range.start_line;
        const end = range.end_line;
        if (!isLine(start) || !isLine(end) || end < start) {
          problems.push(`${where}: ${path}: a range without valid start_line/end_line`);
          continue;
        }
        const model = typeof contributor.model_id === 'string' ? contributor.model_id : undefined;
        out.push({
          origin: 'agent-trace',
          path,
          startLine: start,
          endLine: end,
          ...(typeof range.content_hash === 'string' ? { contentHash: range.content_hash } : {}),
          ...(tool !== undefined ? { agent: tool } : {}),
          ...(model !== undefined ? { model } : {}),
          ...(timestamp !== undefined ? { timestamp } : {}),
          ...(revision !== undefined ? { revision } : {}),
        });
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// git-ai

/** One parsed git-ai authorship log: its AI entries (known-human ones left out) and their agents. */
export interface GitAiLog {
  files: Array<{ path: string; entries: Array<{ session: string; ranges: Array<[number, number]> }> }>;
  /** Attestation key → agent details from the JSON part (`prompts` or `sessions`, per the key's kind); `blockId` for this product's own export. */
  sessions: Map<string, { tool?: string; model?: string; blockId?: string }>;
  schemaVersion?: string;
  problems: string[];
}

/**
 * Parses a git-ai authorship log (see `git-ai.ts` for the format), tolerating damage. Lines of
 * known humans (`h_` keys) are not AI lines and are left out; an agent recorded as `unknown` (what
 * the export writes for a block without one) counts as not known.
 */
export function parseGitAiNote(text: string): GitAiLog {
  const parsed = parseAuthorshipLog(text);
  const log: GitAiLog = { files: [], sessions: new Map(), problems: parsed.problems };
  if (typeof parsed.metadata?.schema_version === 'string') log.schemaVersion = parsed.metadata.schema_version;
  for (const file of parsed.files) {
    const entries: GitAiLog['files'][number]['entries'] = [];
    for (const entry of file.entries) {
      const agent = agentOfKey(entry.key, parsed.metadata);
      if (agent.kind === 'human') continue;
      const session = entry.key.toLowerCase();
      entries.push({ session, ranges: entry.ranges });
      if (parsed.metadata !== undefined) {
        const blockId = agent.promptId?.startsWith(EXPORTED_PROMPT_ID_PREFIX) ? agent.promptId.slice(EXPORTED_PROMPT_ID_PREFIX.length) : undefined;
        log.sessions.set(session, {
          ...(agent.tool !== undefined ? { tool: agent.tool } : {}),
          ...(agent.model !== undefined ? { model: agent.model } : {}),
          ...(blockId !== undefined && isValidRecordId(blockId) ? { blockId } : {}),
        });
      }
    }
    if (entries.length > 0) log.files.push({ path: normalizeRecordPath(file.path), entries });
  }
  return log;
}

/** Options of {@link importGitAiNotes}. */
export interface GitAiImportOptions {
  /** Notes ref; default `ai` (`refs/notes/ai`). */
  ref?: string;
  /** Newest noted commits read at most; default 200. */
  maxCommits?: number;
}

/**
 * Reads git-ai notes of a repository: every AI range of the newest noted commits (newest first),
 * with the text of each range in its commit so it can be found again in today's file.
 */
export async function importGitAiNotes(repoDir: string, options: GitAiImportOptions = {}): Promise<ImportResult> {
  const ref = options.ref ?? 'ai';
  const maxCommits = options.maxCommits ?? 200;
  const git = (args: string[]) => runGit(repoDir, args, { maxBuffer: 64 * 1024 * 1024 });
  const problems: string[] = [];
  let listing: string;
  try {
    listing = await git(['notes', `--ref=${ref}`, 'list']);
  } catch (error) {
    return { ranges: [], problems: [`cannot list git notes (${ref}): ${(error as Error).message}`] };
  }
  const commits = listing
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[1])
    .filter((commit): commit is string => commit !== undefined && /^[0-9a-f]{7,64}$/.test(commit));
  if (commits.length === 0) return { ranges: [], problems };

  // Commit dates, newest first (`--no-walk` sorts by date).
  const dated: Array<{ commit: string; date: string }> = [];
  const readDates = async (batch: string[]): Promise<void> => {
    const out = await git(['log', '--no-walk', '--format=%H %cI', ...batch]);
    for (const line of out.split('\n')) {
      const [commit, date] = line.trim().split(' ');
      if (commit && date) dated.push({ commit, date });
    }
  };
  for (let i = 0; i < commits.length; i += 100) {
    const batch = commits.slice(i, i + 100);
    try {
      await readDates(batch);
    } catch {
      // A note can outlive its commit (not fetched, or garbage-collected): find which, skip them.
      for (const commit of batch) {
        try {
          await readDates([commit]);
        } catch {
          problems.push(`${commit}: has a note but the commit is not in this repository`);
        }
      }
    }
  }
  dated.sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));

  const ranges: ImportedRange[] = [];
  for (const { commit, date } of dated.slice(0, maxCommits)) {
    let note: string;
    try {
      note = await git(['notes', `--ref=${ref}`, 'show', commit]);
    } catch (error) {
      problems.push(`${commit}: cannot read note: ${(error as Error).message}`);
      continue;
    }
    const log = parseGitAiNote(note);
    problems.push(...log.problems.map((problem) => `${commit}: ${problem}`));
    for (const file of log.files) {
      let fileLines: string[] | undefined;
      try {
        fileLines = splitLines(await git(['show', `${commit}:${file.path}`]));
      } catch {
        problems.push(`${commit}: ${file.path} is not in that commit; its ranges are imported without text`);
      }
      for (const entry of file.entries) {
        const session = log.sessions.get(entry.session);
        for (const [startLine, endLine] of entry.ranges) {
          const lines = fileLines && endLine <= fileLines.length ? fileLines.slice(startLine - 1, endLine) : undefined;
          ranges.push({
            origin: 'git-ai',
            path: file.path,
            startLine,
            endLine,
            ...(session?.tool !== undefined ? { agent: session.tool } : {}),
            ...(session?.model !== undefined ? { model: session.model } : {}),
            ...(session?.blockId !== undefined ? { blockId: session.blockId } : {}),
            timestamp: date,
            revision: commit,
            ...(lines ? { lines, contentHash: blockContentHash(lines) } : {}),
          });
        }
      }
    }
  }
  return { ranges, problems };
}

// ---------------------------------------------------------------------------------------------
// Aider commits

/** How aider marks its commits: appended to the author and/or committer name. */
const AIDER_MARK = '(aider)';

/** Options of {@link importAiderCommits}. */
export interface AiderImportOptions {
  /** Newest commits of HEAD's history looked at, at most; default 1000. */
  maxCommits?: number;
}

/**
 * The lines added by aider's commits in HEAD's history (newest first), each contiguous run of
 * added lines a range, with its text in that commit so it can be found again in today's file.
 */
export async function importAiderCommits(repoDir: string, options: AiderImportOptions = {}): Promise<ImportResult> {
  const git = (args: string[]) => runGit(repoDir, args, { maxBuffer: 64 * 1024 * 1024 });
  const problems: string[] = [];
  let log: string;
  try {
    log = await git(['log', `-n${options.maxCommits ?? 1000}`, '--format=%H%x00%an%x00%cn%x00%cI', 'HEAD']);
  } catch (error) {
    return { ranges: [], problems: [`cannot read the git log: ${(error as Error).message}`] };
  }
  const ranges: ImportedRange[] = [];
  for (const line of log.split('\n')) {
    const [commit, author, committer, date] = line.split('\0');
    if (!commit || !date || !(author.includes(AIDER_MARK) || committer.includes(AIDER_MARK))) continue;
    let diff: string;
    try {
      // First parent only: a merge's own lines are not aider's edit.
      diff = await git(['show', '--diff-merges=first-parent', '--format=', '--unified=0', '--no-color', '--no-ext-diff', '--no-renames', commit]);
    } catch (error) {
      problems.push(`${commit}: cannot read its diff: ${(error as Error).message}`);
      continue;
    }
    for (const [path, added] of parseUnifiedZeroDiff(diff)) {
      if (added === 'all' || added.length === 0) continue;
      let fileLines: string[] | undefined;
      try {
        fileLines = splitLines(await git(['show', `${commit}:${path}`]));
      } catch {
        problems.push(`${commit}: ${path} is not in that commit; its ranges are imported without text`);
      }
      for (const [startLine, endLine] of added) {
        const lines = fileLines && endLine <= fileLines.length ? fileLines.slice(startLine - 1, endLine) : undefined;
        ranges.push({
          origin: 'aider',
          path,
          startLine,
          endLine,
          agent: 'aider',
          source: 'agent-write',
          timestamp: date,
          revision: commit,
          ...(lines ? { lines, contentHash: blockContentHash(lines) } : {}),
        });
      }
    }
  }
  return { ranges, problems };
}

// ---------------------------------------------------------------------------------------------
// Placing imported ranges in today's files

/** Where an imported range landed in the current file. */
export interface ImportPlacement {
  range: ImportedRange;
  /**
   * `exact`/`fuzzy`/`lost`: found by content (the range's text was known). `recorded`: placed at
   * its recorded lines, whose current text matches the range's content hash (`verified`) or could
   * not be checked.
   */
  kind: 'exact' | 'fuzzy' | 'lost' | 'recorded';
  startLine: number;
  endLine: number;
  verified: boolean;
}

/**
 * Places the imported ranges of one file in its current text. Ranges whose text is known are found
 * by content (they may have moved since their commit); others are taken at their recorded lines
 * when those exist, checked against the content hash when it uses this product's recipe. Placements
 * never overlap: earlier ranges (newest commits first) win.
 */
export function placeImportedRanges(ranges: readonly ImportedRange[], text: string): ImportPlacement[] {
  const lines = splitLines(text);
  const withText = ranges.filter((range) => range.lines && range.lines.length > 0);
  const anchored = anchorBlocks(
    withText.map((range, index) => ({ id: String(index), startLine: range.startLine, lineHashes: lineHashes(range.lines!) })),
    lines,
  );
  const placements: ImportPlacement[] = withText.map((range, index) => ({
    range,
    kind: anchored[index].kind,
    startLine: anchored[index].startLine,
    endLine: anchored[index].endLine,
    verified: anchored[index].kind === 'exact',
  }));
  const taken = placements.filter((placement) => placement.kind !== 'lost');
  for (const range of ranges) {
    if (range.lines && range.lines.length > 0) continue;
    if (range.endLine > lines.length) {
      placements.push({ range, kind: 'lost', startLine: range.startLine, endLine: range.endLine, verified: false });
      continue;
    }
    const overlaps = taken.some((other) => other.startLine <= range.endLine && other.endLine >= range.startLine);
    if (overlaps) continue;
    const current = lines.slice(range.startLine - 1, range.endLine);
    const placement: ImportPlacement = {
      range,
      kind: 'recorded',
      startLine: range.startLine,
      endLine: range.endLine,
      verified: range.contentHash !== undefined && range.contentHash === blockContentHash(current),
    };
    placements.push(placement);
    taken.push(placement);
  }
  return placements;
}

/** A stable id for an imported range, so importing twice (or on two branches) writes the same file. */
export function importedBlockId(range: ImportedRange): string {
  const key = [range.origin, range.revision ?? '', range.path, range.startLine, range.endLine, range.contentHash ?? ''].join('\0');
  return `imported-${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
}

/** The id an imported range's record gets: the block it was exported from, else {@link importedBlockId}. */
export function importedRecordId(range: ImportedRange): string {
  return range.blockId ?? importedBlockId(range);
}

/**
 * Records for placed imports of one file (`path`, current `text`), skipping lost ones and any that
 * overlap `existing` records of the file (code already tracked keeps its record). Pieces of one
 * exported block that touch or overlap today are one record again; a piece apart from the rest
 * gets an id of its own.
 */
export function recordsForImport(
  placements: readonly ImportPlacement[],
  path: string,
  text: string,
  existing: readonly ProvenanceRecord[] = [],
  now = new Date().toISOString(),
): ProvenanceRecord[] {
  const lines = splitLines(text);
  const occupied = existing.map((record) => record.files[0].conversations[0].ranges[0]);
  const spans: Array<{ id: string; placement: ImportPlacement; startLine: number; endLine: number; modified: boolean }> = [];
  const byId = new Map<string, typeof spans>();
  for (const placement of placements) {
    if (placement.kind === 'lost') continue;
    const id = importedRecordId(placement.range);
    const pieces = byId.get(id) ?? [];
    const touching = pieces.find((span) => placement.startLine <= span.endLine + 1 && span.startLine <= placement.endLine + 1);
    if (touching) {
      touching.startLine = Math.min(touching.startLine, placement.startLine);
      touching.endLine = Math.max(touching.endLine, placement.endLine);
      touching.modified ||= placement.kind === 'fuzzy';
      continue;
    }
    const span = { id: pieces.length === 0 ? id : importedBlockId(placement.range), placement, startLine: placement.startLine, endLine: placement.endLine, modified: placement.kind === 'fuzzy' };
    pieces.push(span);
    byId.set(id, pieces);
    spans.push(span);
  }
  const records: ProvenanceRecord[] = [];
  for (const span of spans) {
    if (occupied.some((range) => range.start_line <= span.endLine && range.end_line >= span.startLine)) continue;
    const { range } = span.placement;
    const block: Block = {
      id: span.id,
      startLine: span.startLine,
      endLine: span.endLine,
      source: range.source ?? 'imported',
      confidence: 'certain',
      createdAt: range.timestamp ?? now,
      modified: span.modified,
      ...(range.agent !== undefined ? { agent: range.agent } : {}),
      ...(range.model !== undefined ? { model: range.model } : {}),
    };
    records.push(
      createRecord({
        block,
        path,
        lines: lines.slice(span.startLine - 1, span.endLine),
        editKind: 'imported',
        ...(range.revision !== undefined ? { revision: range.revision } : {}),
        now,
      }),
    );
    occupied.push({ start_line: span.startLine, end_line: span.endLine, content_hash: '' });
  }
  return records;
}

// ---------------------------------------------------------------------------------------------
// Writing imported ranges

/** Counts of one import. */
export interface ImportCounts {
  imported: number;
  alreadyPresent: number;
  notPlaced: number;
}

/** Files larger than this are not imported into (the CLI's `mark` refuses them too): no one writes a note about them. */
const MAX_IMPORT_FILE_BYTES = 8 * 1024 * 1024;

/**
 * Writes records for imported ranges, file by file (the records of `ledger.store`, loaded, are the
 * ones already there). A range counts as already present when its record exists (importing twice,
 * or the workspace that exported it) or when the code it covers already has a block; as not placed
 * when its file is gone, is not text, or no longer holds it. `imported` counts records written (the
 * pieces of one exported block make one).
 */
export async function importRanges(root: string, ledger: ProvenanceLedger, ranges: readonly ImportedRange[]): Promise<ImportCounts> {
  const { store } = ledger;
  const counts: ImportCounts = { imported: 0, alreadyPresent: 0, notPlaced: 0 };
  const unique = new Map<string, ImportedRange>();
  for (const range of ranges) {
    const path = workspacePath(root, range.path);
    if (path === undefined) {
      counts.notPlaced++;
      continue;
    }
    const id = importedBlockId({ ...range, path });
    if (!unique.has(id)) unique.set(id, { ...range, path });
  }
  const byPath = new Map<string, ImportedRange[]>();
  for (const [id, range] of unique) {
    if (store.get(id) || (range.blockId !== undefined && store.get(range.blockId))) {
      counts.alreadyPresent++;
      continue;
    }
    const list = byPath.get(range.path) ?? [];
    list.push(range);
    byPath.set(range.path, list);
  }
  for (const [path, fileRanges] of byPath) {
    const read = await readWorkspaceTextFile(resolve(root, path), { root, maxFileSizeBytes: MAX_IMPORT_FILE_BYTES });
    if (read.kind !== 'text') {
      counts.notPlaced += fileRanges.length;
      continue;
    }
    const placements = placeImportedRanges(fileRanges, read.text);
    const existing = store.blocksForFile(path).filter((record) => !record.metadata.comprehension.lost);
    const records = recordsForImport(placements, path, read.text, existing);
    await ledger.write(records);
    counts.imported += records.length;
    const placed = new Set(placements.filter((placement) => placement.kind !== 'lost').map((placement) => importedBlockId(placement.range)));
    for (const range of fileRanges) if (!placed.has(importedBlockId(range))) counts.notPlaced++;
    const written = new Set(records.map((record) => record.id));
    for (const range of fileRanges) {
      if (placed.has(importedBlockId(range)) && !written.has(importedRecordId(range)) && !written.has(importedBlockId(range))) counts.alreadyPresent++;
    }
  }
  return counts;
}

/** A recorded path as a workspace-relative one; undefined when it leads outside the workspace. */
function workspacePath(root: string, path: string): string | undefined {
  const normalized = normalizeRecordPath(path);
  if (!isAbsolute(path) && normalized.split('/').includes('..')) return undefined;
  // The root itself ('') is no file.
  return workspaceRelativePath(root, isAbsolute(path) ? path : resolve(root, normalized)) || undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isLine(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1;
}
