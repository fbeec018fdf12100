import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { splitLines } from '../text/diff';
import { readWorkspaceTextFile } from '../workspace/files';
import { git as runGit, gitIdentity } from '../workspace/git';
import { codeLines, placeRecords } from './ledger';
import { blockFromRecord, type ProvenanceRecord, recordPath, TOOL_NAME } from './record';
import type { ProvenanceStore } from './store';

/**
 * git-ai authorship logs (Git AI Standard v3.0.0, schema `authorship/3.0.0`), the note git-ai
 * attaches to each commit under `refs/notes/ai`, read and written without losing what git-ai wrote.
 *
 * A log is an attestation section, a line `---`, then a JSON object. Attestation: a file path at
 * column 0 (double-quoted when it holds whitespace), then lines indented by two spaces
 * `<key> <ranges>`, ranges `1-4,9,12-20` (1-based, inclusive) in the file as it is in the noted
 * commit. Keys: 16 hex digits (legacy, pre-1.4.0: `SHA-256("<tool>:<conversation id>")[0..16]`,
 * looked up in `prompts`), `s_<14 hex>::t_<14 hex>` (a session and one checkpoint, looked up by
 * the part before `::` in `sessions`) and `h_<14 hex>` (a known human, in `humans`). A prompt or
 * session record names the agent in `agent_id: { tool, id, model }`, all three strings.
 *
 * The export writes legacy `prompts` keys: every git-ai version reads them (the session keys only
 * 1.4.0 and later). Each of this product's blocks becomes one prompt whose `agent_id.id` is
 * `comprehension-first:<block id>`, which is how a later export recognises (and replaces) its own
 * entries and leaves everyone else's alone.
 */

/** The schema this module reads and writes. */
export const AUTHORSHIP_SCHEMA_VERSION = 'authorship/3.0.0';

/** The notes ref git-ai uses (`refs/notes/ai`), as `git notes --ref` takes it. */
export const GIT_AI_NOTES_REF = 'ai';

/** `agent_id.id` prefix of the prompts this product writes. */
export const EXPORTED_PROMPT_ID_PREFIX = `${TOOL_NAME}:`;

/** What git-ai's `agent_id` needs when a block does not know its agent or model (both fields are required strings). */
export const UNKNOWN_AGENT = 'unknown';

/** 1-based inclusive line ranges. */
export type LineRanges = Array<[number, number]>;

/** One `<key> <ranges>` line of an attestation section. */
export interface AttestationEntry {
  key: string;
  ranges: LineRanges;
  /** The line as it was read, written back unchanged so a merge never rewrites git-ai's entries. */
  raw?: string;
}

/** One file of an attestation section. */
export interface FileAttestation {
  path: string;
  entries: AttestationEntry[];
}

/** A parsed authorship log. */
export interface AuthorshipLog {
  files: FileAttestation[];
  /** The JSON part; undefined when there is none or it is not a JSON object (see `problems`). */
  metadata?: Record<string, unknown>;
  problems: string[];
}

const ENTRY = /^\s+([0-9A-Za-z_:]{4,80})\s+([\d,\-\s]+)$/;

/** Parses an authorship log, tolerating damage (stray lines and a broken JSON part are reported in `problems`). */
export function parseAuthorshipLog(text: string): AuthorshipLog {
  const lines = splitLines(text);
  const divider = lines.indexOf('---');
  const attestation = divider >= 0 ? lines.slice(0, divider) : lines;
  const log: AuthorshipLog = { files: [], problems: [] };
  let current: FileAttestation | undefined;
  attestation.forEach((line, index) => {
    if (line.trim().length === 0) return;
    if (!/^\s/.test(line)) {
      current = { path: line.trim().replace(/^"(.*)"$/, '$1'), entries: [] };
      log.files.push(current);
      return;
    }
    const match = ENTRY.exec(line);
    if (!match || !current) {
      log.problems.push(`line ${index + 1}: not an attestation entry: ${line.trim()}`);
      return;
    }
    const ranges = parseLineRanges(match[2]);
    if (ranges.length === 0) {
      log.problems.push(`line ${index + 1}: no line ranges`);
      return;
    }
    current.entries.push({ key: match[1], ranges, raw: line });
  });
  if (divider >= 0) {
    const json = lines.slice(divider + 1).join('\n').trim();
    if (json.length > 0) {
      try {
        const meta: unknown = JSON.parse(json);
        if (isObject(meta)) log.metadata = meta;
        else log.problems.push('metadata is not a JSON object');
      } catch (error) {
        log.problems.push(`metadata is not JSON: ${(error as Error).message}`);
      }
    }
  }
  return log;
}

/** `1-4,9,12-20` → [[1,4],[9,9],[12,20]], sorted and merged where consecutive; spaces are tolerated. */
export function parseLineRanges(spec: string): LineRanges {
  const ranges: LineRanges = [];
  for (const part of spec.split(/[,\s]+/)) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!match) continue;
    const start = Number(match[1]);
    const end = match[2] === undefined ? start : Number(match[2]);
    if (start < 1 || end < start) continue;
    ranges.push([start, end]);
  }
  return normalizeRanges(ranges);
}

/** [[1,4],[9,9]] → `1-4,9` (the form git-ai writes: no spaces, singles bare). */
export function formatLineRanges(ranges: LineRanges): string {
  return normalizeRanges(ranges)
    .map(([start, end]) => (start === end ? String(start) : `${start}-${end}`))
    .join(',');
}

/** Sorted, overlapping and touching ranges merged. */
function normalizeRanges(ranges: LineRanges): LineRanges {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: LineRanges = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last && range[0] <= last[1] + 1) last[1] = Math.max(last[1], range[1]);
    else merged.push([range[0], range[1]]);
  }
  return merged;
}

/** `ranges` without the lines of `taken`. */
export function subtractRanges(ranges: LineRanges, taken: LineRanges): LineRanges {
  let rest = normalizeRanges(ranges);
  for (const [start, end] of normalizeRanges(taken)) {
    rest = rest.flatMap(([a, b]): LineRanges => {
      if (end < a || start > b) return [[a, b]];
      const parts: LineRanges = [];
      if (a < start) parts.push([a, start - 1]);
      if (b > end) parts.push([end + 1, b]);
      return parts;
    });
  }
  return rest;
}

/** Lines in `ranges`. */
export function countLines(ranges: LineRanges): number {
  return ranges.reduce((sum, [start, end]) => sum + end - start + 1, 0);
}

/** git-ai's legacy key of a conversation: the first 16 hex digits of SHA-256 over `<tool>:<id>`. */
export function legacyPromptKey(tool: string, id: string): string {
  return createHash('sha256').update(`${tool}:${id}`, 'utf8').digest('hex').slice(0, 16);
}

/** The agent a key names (tool and model), per the key's kind; `human` for known-human keys. */
export type KeyAgent = { kind: 'ai'; tool?: string; model?: string; promptId?: string } | { kind: 'human' };

/** Resolves an attestation key to its agent through the log's `prompts` and `sessions` (see the module comment). */
export function agentOfKey(key: string, metadata: Record<string, unknown> | undefined): KeyAgent {
  if (key.startsWith('h_')) return { kind: 'human' };
  const lower = key.toLowerCase();
  let record: unknown;
  if (lower.startsWith('s_')) {
    const sessions = isObject(metadata?.sessions) ? metadata.sessions : {};
    record = sessions[lower.split('::')[0]];
  } else {
    const prompts = isObject(metadata?.prompts) ? metadata.prompts : {};
    // Versions before 1.0 wrote 7-digit keys; a prefix finds their prompt.
    record = prompts[lower] ?? Object.entries(prompts).find(([hash]) => hash.toLowerCase().startsWith(lower))?.[1];
  }
  // A key without its record still marks AI lines (git-ai looks such prompts up in other notes).
  if (!isObject(record) || !isObject(record.agent_id)) return { kind: 'ai' };
  const agent = record.agent_id;
  const known = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 && value !== UNKNOWN_AGENT ? value : undefined);
  const tool = known(agent.tool);
  const model = known(agent.model);
  return {
    kind: 'ai',
    ...(tool !== undefined ? { tool } : {}),
    ...(model !== undefined ? { model } : {}),
    ...(typeof agent.id === 'string' ? { promptId: agent.id } : {}),
  };
}

/** Writes a log back: existing entries as they were read, new ones formatted; files left without entries dropped. */
export function serializeAuthorshipLog(files: readonly FileAttestation[], metadata: Record<string, unknown>): string {
  const out: string[] = [];
  for (const file of files) {
    if (file.entries.length === 0) continue;
    out.push(/\s/.test(file.path) ? `"${file.path}"` : file.path);
    for (const entry of file.entries) out.push(entry.raw ?? `  ${entry.key} ${formatLineRanges(entry.ranges)}`);
  }
  out.push('---');
  out.push(JSON.stringify(metadata, null, 2));
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Export

/** Lines of one block that go into one commit's note. */
export interface ExportEntry {
  blockId: string;
  /** The block's path in the workspace today. */
  path: string;
  /** The block's lines today (1-based, inclusive). */
  startLine: number;
  endLine: number;
  /** The file's path in the noted commit (repository-relative; differs after a rename). */
  notePath: string;
  commit: string;
  /** Line numbers in the noted commit's version of the file. */
  ranges: LineRanges;
  tool: string;
  model?: string;
}

/** Why (some of) a block's lines were not exported. */
export type SkipReason = 'likely' | 'lost' | 'changed' | 'unreadable' | 'uncommitted' | 'other-commit' | 'attributed' | 'unmergeable';

/** Lines of a block that were not exported, and why. */
export interface SkippedLines {
  blockId: string;
  path: string;
  /** The block's lines today (1-based, inclusive). */
  startLine: number;
  endLine: number;
  reason: SkipReason;
  lines: number;
  detail?: string;
}

/** Options of {@link exportGitAiNotes}. */
export interface GitAiExportOptions {
  /** Only lines that this commit (any revision git understands) introduced. */
  commit?: string;
  /** Also export `likely` blocks (inferred, not reported by an agent or an accept command). */
  includeLikely?: boolean;
  /** Plan and report without writing notes. */
  dryRun?: boolean;
}

/** What an export did. */
export interface GitAiExportResult {
  /** The lines written (or, in a dry run, that would be), per block and commit. */
  exported: ExportEntry[];
  skipped: SkippedLines[];
  /** Commits whose note was written (full hashes). */
  commits: string[];
  problems: string[];
}

/** One line of `git blame --line-porcelain`: where the line of today's file came from. */
interface BlamedLine {
  commit: string;
  originalLine: number;
  originalPath: string;
  text: string;
}

const UNCOMMITTED = /^0{40}$|^0{64}$/;

/** Parses `git blame --line-porcelain` output into one entry per line of the blamed file, in order. */
export function parseLinePorcelain(output: string): BlamedLine[] {
  const lines: BlamedLine[] = [];
  let current: Partial<BlamedLine> | undefined;
  for (const line of output.split('\n')) {
    if (current === undefined) {
      const header = /^([0-9a-f]{40,64}) (\d+) \d+/.exec(line);
      if (header) current = { commit: header[1], originalLine: Number(header[2]) };
      continue;
    }
    if (line.startsWith('\t')) {
      lines.push({ commit: current.commit!, originalLine: current.originalLine!, originalPath: current.originalPath ?? '', text: line.slice(1).replace(/\r$/, '') });
      current = undefined;
    } else if (line.startsWith('filename ')) {
      current.originalPath = unquoteGitPath(line.slice('filename '.length));
    }
  }
  return lines;
}

/** git quotes unusual paths C-style (`"a\tb"`); blame's `filename` follows `core.quotepath`, which `git.ts` turns off. */
function unquoteGitPath(path: string): string {
  if (!path.startsWith('"') || !path.endsWith('"')) return path;
  try {
    return JSON.parse(path) as string;
  } catch {
    return path.slice(1, -1);
  }
}

/**
 * Plans the export of the records in `store` (loaded) as git-ai attestations: each block's lines
 * today are found by content, blamed (`git blame` of the working tree), and every committed line
 * whose text is the block's goes to the note of the commit that introduced it, at its line number
 * in that commit. Uncommitted lines, blocks whose text changed, lost and (unless asked) `likely`
 * blocks are reported as skipped.
 */
export async function planGitAiExport(root: string, store: ProvenanceStore, options: GitAiExportOptions = {}): Promise<GitAiExportResult> {
  const git = (args: string[]) => runGit(root, args, { maxBuffer: 256 * 1024 * 1024 });
  const result: GitAiExportResult = { exported: [], skipped: [], commits: [], problems: [] };
  let only: string | undefined;
  if (options.commit !== undefined) {
    try {
      only = (await git(['rev-parse', '--verify', '--quiet', `${options.commit}^{commit}`])).trim();
    } catch {
      throw new Error(`'${options.commit}' is not a commit in this repository`);
    }
  }
  const byPath = new Map<string, ProvenanceRecord[]>();
  for (const record of store.all()) {
    const block = blockFromRecord(record);
    const skip = (reason: SkipReason): void => {
      result.skipped.push({ blockId: record.id, path: recordPath(record), startLine: block.startLine, endLine: block.endLine, reason, lines: block.endLine - block.startLine + 1 });
    };
    if (record.metadata.comprehension.lost) skip('lost');
    else if (block.confidence === 'likely' && !options.includeLikely) skip('likely');
    else {
      const list = byPath.get(recordPath(record)) ?? [];
      list.push(record);
      byPath.set(recordPath(record), list);
    }
  }

  for (const [path, records] of [...byPath].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const skipAll = (reason: SkipReason, detail?: string): void => {
      for (const record of records) {
        const block = blockFromRecord(record);
        result.skipped.push({ blockId: record.id, path, startLine: block.startLine, endLine: block.endLine, reason, lines: block.endLine - block.startLine + 1, ...(detail ? { detail } : {}) });
      }
    };
    const file = await readWorkspaceTextFile(resolve(root, path), { root });
    if (file.kind !== 'text') {
      skipAll('unreadable', file.kind);
      continue;
    }
    const lines = codeLines(file.text);
    let blamed: BlamedLine[];
    try {
      blamed = parseLinePorcelain(await git(['blame', '--line-porcelain', '--', path]));
    } catch (error) {
      // Untracked files (and files git cannot blame) have no committed lines at all.
      skipAll('uncommitted', (error as Error).message);
      continue;
    }
    for (const { record, place } of placeRecords(records, lines)) {
      const block = blockFromRecord(record);
      if (place.kind !== 'exact') {
        result.skipped.push({ blockId: record.id, path, startLine: block.startLine, endLine: block.endLine, reason: 'changed', lines: block.endLine - block.startLine + 1 });
        continue;
      }
      const perCommit = new Map<string, { notePath: string; lines: number[] }>();
      const skippedLines = new Map<SkipReason, number>();
      for (let line = place.startLine; line <= place.endLine; line++) {
        const origin = blamed[line - 1];
        const reason: SkipReason | undefined =
          origin === undefined || origin.text !== lines[line - 1].replace(/\r$/, '') ? 'changed' : UNCOMMITTED.test(origin.commit) ? 'uncommitted' : only !== undefined && origin.commit !== only ? 'other-commit' : undefined;
        if (reason) {
          skippedLines.set(reason, (skippedLines.get(reason) ?? 0) + 1);
          continue;
        }
        const key = `${origin.commit}\0${origin.originalPath}`;
        const entry = perCommit.get(key) ?? { notePath: origin.originalPath, lines: [] };
        entry.lines.push(origin.originalLine);
        perCommit.set(key, entry);
      }
      for (const [reason, count] of skippedLines) {
        result.skipped.push({ blockId: record.id, path, startLine: place.startLine, endLine: place.endLine, reason, lines: count });
      }
      for (const [key, entry] of perCommit) {
        result.exported.push({
          blockId: record.id,
          path,
          startLine: place.startLine,
          endLine: place.endLine,
          notePath: entry.notePath,
          commit: key.split('\0')[0],
          ranges: normalizeRanges(entry.lines.map((line): [number, number] => [line, line])),
          tool: block.agent ?? UNKNOWN_AGENT,
          ...(block.model !== undefined ? { model: block.model } : {}),
        });
      }
    }
  }
  return result;
}

/** Whether a prompt record of a log was written by this product's export. */
function isOurPrompt(record: unknown): boolean {
  return isObject(record) && isObject(record.agent_id) && typeof record.agent_id.id === 'string' && record.agent_id.id.startsWith(EXPORTED_PROMPT_ID_PREFIX);
}

/** The outcome of merging entries into one commit's note. */
export interface MergedNote {
  text: string;
  /** The entries as written (lines git-ai already attributes taken out); empty entries dropped. */
  written: ExportEntry[];
  /** Lines left out because another key of the note already attributes them. */
  attributed: Array<{ entry: ExportEntry; lines: number }>;
}

/**
 * Merges `entries` (all for `commit`) into the commit's existing note (`existing`, undefined when
 * there is none): git-ai's entries and metadata stay as they are, lines another key already
 * attributes are left to it, and entries of earlier exports of the same blocks are replaced, so
 * exporting twice writes the same note. Undefined when the existing note cannot be merged safely
 * (its JSON part is missing or broken): a note this product does not understand is never rewritten.
 */
export function mergeIntoNote(existing: string | undefined, commit: string, entries: readonly ExportEntry[], humanAuthor?: string): MergedNote | undefined {
  const log: AuthorshipLog = existing === undefined ? { files: [], problems: [] } : parseAuthorshipLog(existing);
  if (existing !== undefined && log.metadata === undefined) return undefined;
  const metadata: Record<string, unknown> = log.metadata ?? { schema_version: AUTHORSHIP_SCHEMA_VERSION, base_commit_sha: commit, prompts: {} };
  if (typeof metadata.schema_version !== 'string') metadata.schema_version = AUTHORSHIP_SCHEMA_VERSION;
  if (typeof metadata.base_commit_sha !== 'string') metadata.base_commit_sha = commit;
  const prompts: Record<string, unknown> = isObject(metadata.prompts) ? metadata.prompts : {};
  metadata.prompts = prompts;

  const keyOf = (entry: ExportEntry): string => legacyPromptKey(entry.tool, `${EXPORTED_PROMPT_ID_PREFIX}${entry.blockId}`);
  // An earlier export of the same block (under another agent name, too) is replaced, not kept beside.
  const replacing = new Set(entries.map((entry) => `${EXPORTED_PROMPT_ID_PREFIX}${entry.blockId}`));
  const replaced = (key: string): boolean => {
    const prompt = prompts[key.toLowerCase()];
    return isOurPrompt(prompt) && replacing.has((prompt as { agent_id: { id: string } }).agent_id.id);
  };
  for (const file of log.files) file.entries = file.entries.filter((entry) => !replaced(entry.key));

  const written: ExportEntry[] = [];
  const attributed: MergedNote['attributed'] = [];
  for (const entry of entries) {
    let file = log.files.find((candidate) => candidate.path === entry.notePath);
    const taken = file ? file.entries.flatMap((other) => other.ranges) : [];
    const ranges = subtractRanges(entry.ranges, taken);
    const left = countLines(entry.ranges) - countLines(ranges);
    if (left > 0) attributed.push({ entry, lines: left });
    if (ranges.length === 0) continue;
    if (!file) {
      file = { path: entry.notePath, entries: [] };
      log.files.push(file);
    }
    const key = keyOf(entry);
    file.entries.push({ key, ranges });
    const count = countLines(ranges);
    prompts[key] = {
      agent_id: { tool: entry.tool, id: `${EXPORTED_PROMPT_ID_PREFIX}${entry.blockId}`, model: entry.model ?? UNKNOWN_AGENT },
      human_author: humanAuthor ?? null,
      total_additions: count,
      total_deletions: 0,
      accepted_lines: count,
      overriden_lines: 0,
    };
    written.push({ ...entry, ranges });
  }
  // A prompt of ours whose lines all went elsewhere is dropped with its entry.
  const used = new Set(log.files.flatMap((file) => file.entries.map((entry) => entry.key.toLowerCase())));
  for (const key of Object.keys(prompts)) if (isOurPrompt(prompts[key]) && !used.has(key.toLowerCase())) delete prompts[key];
  return { text: serializeAuthorshipLog(log.files, metadata), written, attributed };
}

/**
 * Exports the blocks of `store` (loaded) as git-ai authorship notes (`refs/notes/ai`) of the
 * commits that introduced their lines (see {@link planGitAiExport} and {@link mergeIntoNote}).
 * Git is the only writer: the note is stored as a blob and attached with `git notes add -f -C`,
 * which keeps its text byte for byte.
 */
export async function exportGitAiNotes(root: string, store: ProvenanceStore, options: GitAiExportOptions = {}): Promise<GitAiExportResult> {
  const plan = await planGitAiExport(root, store, options);
  const git = (args: string[], input?: string) => runGit(root, args, { maxBuffer: 64 * 1024 * 1024, ...(input !== undefined ? { input } : {}) });
  const identity = await gitIdentity(root);
  const human = identity.name !== undefined && identity.email !== undefined ? `${identity.name} <${identity.email}>` : identity.email ?? identity.name;
  const byCommit = new Map<string, ExportEntry[]>();
  for (const entry of plan.exported) {
    const list = byCommit.get(entry.commit) ?? [];
    list.push(entry);
    byCommit.set(entry.commit, list);
  }

  const result: GitAiExportResult = { exported: [], skipped: plan.skipped, commits: [], problems: plan.problems };
  for (const [commit, entries] of byCommit) {
    let existing: string | undefined;
    try {
      existing = await git(['notes', `--ref=${GIT_AI_NOTES_REF}`, 'show', commit]);
    } catch {
      existing = undefined; // No note yet.
    }
    const merged = mergeIntoNote(existing, commit, entries, human);
    if (!merged) {
      for (const entry of entries) {
        result.skipped.push({ blockId: entry.blockId, path: entry.path, startLine: entry.startLine, endLine: entry.endLine, reason: 'unmergeable', lines: countLines(entry.ranges), detail: commit });
      }
      result.problems.push(`${commit.slice(0, 12)}: its refs/notes/ai note is not a git-ai authorship log (no JSON part); left as it is`);
      continue;
    }
    for (const { entry, lines } of merged.attributed) {
      result.skipped.push({ blockId: entry.blockId, path: entry.path, startLine: entry.startLine, endLine: entry.endLine, reason: 'attributed', lines, detail: commit });
    }
    result.exported.push(...merged.written);
    if (merged.written.length === 0 || options.dryRun) continue;
    if (existing !== undefined && existing.trim() === merged.text.trim()) continue; // Exported before, nothing new.
    try {
      const blob = (await git(['hash-object', '-w', '--stdin'], merged.text)).trim();
      await git(['notes', `--ref=${GIT_AI_NOTES_REF}`, 'add', '-f', '-C', blob, commit]);
      result.commits.push(commit);
    } catch (error) {
      result.problems.push(`${commit.slice(0, 12)}: cannot write its note: ${(error as Error).message}`);
    }
  }
  return result;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
