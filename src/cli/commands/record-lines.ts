import { randomUUID } from 'node:crypto';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { PROVENANCE_DIR } from '../../core/provenance/store';
import { splitLines } from '../../core/diff';
import { readNoteFile } from '../../core/notes/note-file';
import { anchorBlocks } from '../../core/provenance/anchor';
import type { Block, BlockSource } from '../../core/provenance/block';
import { blockFromRecord, createRecord, type ProvenanceRecord, updateRecord } from '../../core/provenance/record';
import { ProvenanceStore } from '../../core/provenance/store';
import { readWorkspaceTextFile } from '../../core/workspace-files';

/**
 * Writing AI line ranges reported from outside the editor (`comprehension mark`, agent hooks) as
 * provenance records, one per block, merged with the same agent's block they touch.
 */

/** The workspace's shared provenance store (`.comprehension/provenance`). */
export function workspaceStore(root: string): ProvenanceStore {
  return new ProvenanceStore(join(root, PROVENANCE_DIR));
}

/** `absolute` as a workspace-relative POSIX path, or undefined when it lies outside `root`. */
export function workspaceRelative(root: string, absolute: string): string | undefined {
  const path = relative(resolve(root), resolve(absolute));
  if (path === '' || path === '..' || path.startsWith(`..${sep}`) || isAbsolute(path)) return undefined;
  return path.split(sep).join('/');
}

/** Why a file cannot be marked. */
export type UnreadableReason = 'missing' | 'not-a-file' | 'binary' | 'too-large';

/** The text of a file to mark, or why it has none. */
export type MarkableText = { kind: 'text'; text: string } | { kind: 'missing' } | { kind: 'not-a-file' } | { kind: 'binary' } | { kind: 'too-large' };

/** Files larger than this are not marked (nor snapshotted): no one writes a note about them. */
export const MAX_MARKABLE_BYTES = 8 * 1024 * 1024;

/** Reads a file as text for marking; binary, missing and huge files are reported, not thrown. */
export async function readMarkableText(absolute: string): Promise<MarkableText> {
  try {
    const file = await readWorkspaceTextFile(absolute, { maxFileSizeBytes: MAX_MARKABLE_BYTES });
    if (file.kind === 'text') return file;
    return file.kind === 'binary' ? { kind: 'binary' } : { kind: 'too-large' };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    if (code === 'EISDIR') return { kind: 'not-a-file' };
    throw error;
  }
}

/** The lines of a text, without the empty "line" after a final line break (it holds no code). */
export function codeLines(text: string): string[] {
  if (text.length === 0) return [];
  const lines = splitLines(text);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** What to record: lines of one file, 1-based inclusive, written by `agent`. */
export interface LinesToRecord {
  /** Workspace-relative POSIX path. */
  path: string;
  /** The file's current text. */
  text: string;
  startLine: number;
  endLine: number;
  agent: string;
  model?: string;
  source: BlockSource;
  /** ISO 8601; now when absent. */
  now?: string;
}

/** What {@link recordLines} did. */
export interface RecordOutcome {
  /** `added`: a new block. `extended`: an existing block of the agent took the lines in. `unchanged`: they were already recorded as they are. */
  kind: 'added' | 'extended' | 'unchanged';
  record: ProvenanceRecord;
  /** Other blocks of the agent that the new lines joined into `record` (their records were removed). */
  merged: string[];
}

/**
 * Records lines as a `certain` AI block (edit kind `agent-hook`). When blocks of the same file and
 * agent overlap or touch the lines, the result is one block spanning all of them (the union), so
 * an agent that edits a function three times leaves one block, not three. Existing blocks are first
 * found again in the current text by their line hashes, since an edit may have moved them.
 *
 * The store must be loaded. A block with a comprehension note is never merged away: when several
 * blocks would join, the one with a note keeps its id, and other blocks with notes stay separate.
 */
export async function recordLines(root: string, store: ProvenanceStore, input: LinesToRecord): Promise<RecordOutcome> {
  const now = input.now ?? new Date().toISOString();
  const lines = codeLines(input.text);
  if (input.startLine < 1 || input.endLine < input.startLine || input.endLine > lines.length) {
    throw new RangeError(`lines ${input.startLine}-${input.endLine} are not inside ${input.path} (${lines.length} lines)`);
  }
  const candidates = store
    .blocksForFile(input.path)
    .filter((record) => !record.metadata.comprehension.lost && record.metadata.comprehension.agent === input.agent);
  const anchored = anchorBlocks(
    candidates.map((record) => ({ id: record.id, startLine: record.files[0].conversations[0].ranges[0].start_line, lineHashes: record.metadata.comprehension.lineHashes })),
    lines,
  );
  let touching = candidates
    .map((record, index) => ({ record, place: anchored[index] }))
    .filter(({ place }) => place.kind !== 'lost' && place.startLine <= input.endLine + 1 && place.endLine >= input.startLine - 1)
    .sort((a, b) => a.record.metadata.comprehension.createdAt.localeCompare(b.record.metadata.comprehension.createdAt) || a.record.id.localeCompare(b.record.id));

  if (touching.length === 0) {
    const block: Block = {
      id: randomUUID(),
      startLine: input.startLine,
      endLine: input.endLine,
      source: input.source,
      confidence: 'certain',
      agent: input.agent,
      ...(input.model !== undefined ? { model: input.model } : {}),
      createdAt: now,
      modified: false,
    };
    const record = createRecord({ block, path: input.path, lines: lines.slice(block.startLine - 1, block.endLine), editKind: 'agent-hook', now });
    await store.upsert(record);
    return { kind: 'added', record, merged: [] };
  }

  if (touching.length > 1) {
    // A note belongs to its block id: merging a noted block away would orphan the note.
    const noted = new Set<string>();
    for (const { record } of touching) if ((await readNoteFile(root, record.id)) !== undefined) noted.add(record.id);
    const keeperIndex = Math.max(0, touching.findIndex(({ record }) => noted.has(record.id)));
    const keeper = touching[keeperIndex];
    touching = [keeper, ...touching.filter((entry, index) => index !== keeperIndex && !noted.has(entry.record.id))];
  }
  const [keeper, ...others] = touching;
  const startLine = Math.min(input.startLine, ...touching.map(({ place }) => place.startLine));
  const endLine = Math.max(input.endLine, ...touching.map(({ place }) => place.endLine));
  const previous = blockFromRecord(keeper.record);
  const block: Block = { ...previous, startLine, endLine, confidence: 'certain', ...(input.model !== undefined ? { model: input.model } : {}) };
  const next = updateRecord(keeper.record, { block, lines: lines.slice(startLine - 1, endLine), lost: false, now });
  next.metadata.comprehension.confidence = 'certain';
  if (others.length === 0 && sameBlock(keeper.record, next)) return { kind: 'unchanged', record: keeper.record, merged: [] };
  await store.upsert(next);
  for (const { record } of others) await store.remove(record.id);
  return { kind: 'extended', record: next, merged: others.map(({ record }) => record.id) };
}

/**
 * Moves the records of a file whose lines are found, unchanged, at another place in its current
 * text (an agent's edit above them shifted them), so the records on disk match the file for the
 * check and for editors that open it later. Blocks whose text changed or is gone are left for the
 * editor, which tracks edits and decides whether they were modified or lost. Returns how many moved.
 */
export async function relocateMovedRecords(store: ProvenanceStore, path: string, text: string, now = new Date().toISOString()): Promise<number> {
  const current = store.blocksForFile(path).filter((record) => !record.metadata.comprehension.lost);
  if (current.length === 0) return 0;
  const lines = codeLines(text);
  const anchored = anchorBlocks(
    current.map((record) => ({ id: record.id, startLine: record.files[0].conversations[0].ranges[0].start_line, lineHashes: record.metadata.comprehension.lineHashes })),
    lines,
  );
  let moved = 0;
  for (const [index, record] of current.entries()) {
    const place = anchored[index];
    const range = record.files[0].conversations[0].ranges[0];
    if (place.kind !== 'exact' || (place.startLine === range.start_line && place.endLine === range.end_line)) continue;
    const block = { ...blockFromRecord(record), startLine: place.startLine, endLine: place.endLine };
    await store.upsert(updateRecord(record, { block, lines: lines.slice(place.startLine - 1, place.endLine), now }));
    moved++;
  }
  return moved;
}

function sameBlock(a: ProvenanceRecord, b: ProvenanceRecord): boolean {
  const ra = a.files[0].conversations[0].ranges[0];
  const rb = b.files[0].conversations[0].ranges[0];
  return (
    ra.start_line === rb.start_line &&
    ra.end_line === rb.end_line &&
    ra.content_hash === rb.content_hash &&
    a.metadata.comprehension.confidence === b.metadata.comprehension.confidence &&
    a.files[0].conversations[0].contributor.model_id === b.files[0].conversations[0].contributor.model_id
  );
}

/** `src/a.ts:3-7` */
export function describeRange(record: ProvenanceRecord): string {
  const range = record.files[0].conversations[0].ranges[0];
  return `${record.files[0].path}:${range.start_line}-${range.end_line}`;
}
