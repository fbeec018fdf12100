import { VERSION } from '../version';
import type { Block, BlockConfidence, BlockSource } from './block';
import { blockContentHash, lineHashes } from './hash';
import { unconfinedPathProblem } from '../workspace/paths';

/**
 * The persisted form of one AI block: an Agent Trace record (draft spec: `version`, `id`,
 * `timestamp`, `vcs`, `tool`, `files[].conversations[].ranges[]`, `metadata`) holding exactly one
 * file, one conversation and one range, with this product's own data under
 * `metadata.comprehension`. One record per block, one file per record, so two branches that add
 * blocks never touch the same file.
 */

/** The Agent Trace spec version these records follow. */
export const AGENT_TRACE_VERSION = '0.1.0';

/** The `tool.name` of records this product writes. */
export const TOOL_NAME = 'comprehension-first';

/**
 * How the code got into the editor (Agent Trace issues ask for the kind of edit).
 * Unknown strings from newer versions are kept as they are.
 */
export type EditKind =
  | 'tab-completion'
  | 'accept-word'
  | 'accept-line'
  | 'inline-edit'
  | 'chat-apply'
  | 'agent-hook'
  | 'agent-write'
  | 'paste'
  | 'manual'
  | 'imported'
  | 'unknown'
  | (string & {});

/** Agent Trace's contributor kinds. */
export type ContributorType = 'ai' | 'human' | 'mixed' | 'unknown';

/** One Agent Trace range: 1-based inclusive lines and the content hash of those lines. */
export interface TraceRange {
  start_line: number;
  end_line: number;
  content_hash: string;
}

/** One Agent Trace conversation: who contributed, and which ranges. */
export interface TraceConversation {
  contributor: { type: ContributorType; model_id?: string };
  ranges: TraceRange[];
}

/** One Agent Trace file entry; `path` is relative to the workspace folder, with `/` separators. */
export interface TraceFile {
  path: string;
  conversations: TraceConversation[];
}

/** This product's data about the block, under `metadata.comprehension`. */
export interface ComprehensionMetadata {
  source: BlockSource;
  confidence: BlockConfidence;
  agent?: string;
  editKind: EditKind;
  modified: boolean;
  /** Hashes of the block's lines as last saved (see `hash.ts`); used to find the block again. */
  lineHashes: string[];
  /** ISO 8601: when the block was inserted. */
  createdAt: string;
  /** ISO 8601: when this record last changed. */
  updatedAt: string;
  /** True when re-anchoring could not find the block; the range is its last known place. */
  lost?: boolean;
}

/** One persisted AI block. */
export interface ProvenanceRecord {
  version: string;
  id: string;
  /** ISO 8601: when this record was written (Agent Trace's `timestamp`). */
  timestamp: string;
  vcs?: { type: 'git'; revision?: string };
  tool: { name: string; version?: string };
  files: TraceFile[];
  metadata: { comprehension: ComprehensionMetadata; [key: string]: unknown };
}

/** Whether `id` can name a record file: letters, digits, `.`, `_`, `-`; no path tricks. */
export function isValidRecordId(id: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(id) && !id.includes('..');
}

/** A workspace-relative path in the form records store: `/` separators, no leading `./`. */
export function normalizeRecordPath(path: string): string {
  let out = path.replace(/\\/g, '/');
  while (out.startsWith('./')) out = out.slice(2);
  return out;
}

/** What {@link createRecord} needs. */
export interface CreateRecordInput {
  block: Block;
  /** Workspace-relative path of the file. */
  path: string;
  /** The block's current lines (exactly `block.endLine - block.startLine + 1` of them). */
  lines: readonly string[];
  editKind: EditKind;
  /** The commit the lines are relative to, when known. */
  revision?: string;
  /** ISO 8601; now when absent. */
  now?: string;
}

/** Builds the record of a block from its current lines. */
export function createRecord(input: CreateRecordInput): ProvenanceRecord {
  const { block } = input;
  checkLineCount(block, input.lines);
  const now = input.now ?? new Date().toISOString();
  const record: ProvenanceRecord = {
    version: AGENT_TRACE_VERSION,
    id: block.id,
    timestamp: now,
    tool: { name: TOOL_NAME, version: VERSION },
    files: [
      {
        path: normalizeRecordPath(input.path),
        conversations: [
          {
            contributor: contributorOf(block),
            ranges: [{ start_line: block.startLine, end_line: block.endLine, content_hash: blockContentHash(input.lines) }],
          },
        ],
      },
    ],
    metadata: {
      comprehension: {
        source: block.source,
        confidence: block.confidence,
        ...(block.agent !== undefined ? { agent: block.agent } : {}),
        editKind: input.editKind,
        modified: block.modified,
        lineHashes: lineHashes(input.lines),
        createdAt: block.createdAt,
        updatedAt: now,
      },
    },
  };
  if (input.revision !== undefined) record.vcs = { type: 'git', revision: input.revision };
  return record;
}

/** What {@link updateRecord} changes; absent fields stay as they are. */
export interface RecordUpdate {
  /** The block's new state (position, `modified`). */
  block?: Block;
  /** The block's current lines; required with `block` when the lines may have changed. */
  lines?: readonly string[];
  path?: string;
  lost?: boolean;
  revision?: string;
  now?: string;
}

/**
 * A copy of `record` with the block's new position, lines, flags or path, and a new `updatedAt`.
 * Line hashes and the content hash follow the lines given, so the block is found again by its
 * latest text.
 */
export function updateRecord(record: ProvenanceRecord, update: RecordUpdate): ProvenanceRecord {
  const now = update.now ?? new Date().toISOString();
  const next = structuredClone(record);
  const file = next.files[0];
  const conversation = file.conversations[0];
  const range = conversation.ranges[0];
  const meta = next.metadata.comprehension;
  if (update.block) {
    range.start_line = update.block.startLine;
    range.end_line = update.block.endLine;
    meta.modified = update.block.modified;
    conversation.contributor = contributorOf(update.block);
  }
  if (update.lines) {
    checkLineCount({ startLine: range.start_line, endLine: range.end_line }, update.lines);
    range.content_hash = blockContentHash(update.lines);
    meta.lineHashes = lineHashes(update.lines);
  }
  if (update.path !== undefined) file.path = normalizeRecordPath(update.path);
  if (update.lost === true) meta.lost = true;
  else if (update.lost === false) delete meta.lost;
  if (update.revision !== undefined) next.vcs = { type: 'git', revision: update.revision };
  meta.updatedAt = now;
  next.timestamp = now;
  return next;
}

function checkLineCount(range: { startLine: number; endLine: number }, lines: readonly string[]): void {
  const expected = range.endLine - range.startLine + 1;
  if (lines.length !== expected) throw new RangeError(`block has ${expected} lines but ${lines.length} were given`);
}

function contributorOf(block: Block): TraceConversation['contributor'] {
  // Agent Trace's `mixed`: AI code a person has since edited.
  const contributor: TraceConversation['contributor'] = { type: block.modified ? 'mixed' : 'ai' };
  if (block.model !== undefined) contributor.model_id = block.model;
  return contributor;
}

/** The file a record is about (workspace-relative). */
export function recordPath(record: ProvenanceRecord): string {
  return record.files[0].path;
}

/** The public {@link Block} a record describes (its last known position when it is lost). */
export function blockFromRecord(record: ProvenanceRecord): Block {
  const conversation = record.files[0].conversations[0];
  const range = conversation.ranges[0];
  const meta = record.metadata.comprehension;
  const block: Block = {
    id: record.id,
    startLine: range.start_line,
    endLine: range.end_line,
    source: meta.source,
    confidence: meta.confidence,
    createdAt: meta.createdAt,
    modified: meta.modified,
  };
  if (meta.agent !== undefined) block.agent = meta.agent;
  if (conversation.contributor.model_id !== undefined) block.model = conversation.contributor.model_id;
  return block;
}

const SOURCES: ReadonlySet<string> = new Set<BlockSource>(['inline-completion', 'chat-edit', 'agent-write', 'paste', 'manual', 'imported']);
const CONFIDENCES: ReadonlySet<string> = new Set<BlockConfidence>(['certain', 'likely']);
const CONTRIBUTORS: ReadonlySet<string> = new Set<ContributorType>(['ai', 'human', 'mixed', 'unknown']);

/** The outcome of checking untrusted JSON as a record. */
export type ParsedRecord = { ok: true; record: ProvenanceRecord } | { ok: false; message: string };

/**
 * Checks that a parsed JSON value is a record this product can use, without changing it. Unknown
 * extra fields (from other tools or newer versions) are allowed and kept.
 */
export function parseRecord(value: unknown): ParsedRecord {
  const fail = (message: string): ParsedRecord => ({ ok: false, message });
  if (!isObject(value)) return fail('not a JSON object');
  if (typeof value.version !== 'string') return fail('`version` is not a string');
  if (typeof value.id !== 'string' || !isValidRecordId(value.id)) return fail('`id` is missing or not usable as a file name');
  if (typeof value.timestamp !== 'string') return fail('`timestamp` is not a string');
  if (value.vcs !== undefined && (!isObject(value.vcs) || value.vcs.type !== 'git' || (value.vcs.revision !== undefined && typeof value.vcs.revision !== 'string'))) {
    return fail('`vcs` must be { type: "git", revision?: string }');
  }
  if (!isObject(value.tool) || typeof value.tool.name !== 'string') return fail('`tool.name` is not a string');
  if (!Array.isArray(value.files) || value.files.length === 0) return fail('`files` is empty');
  const file: unknown = value.files[0];
  if (!isObject(file) || typeof file.path !== 'string' || file.path.length === 0) return fail('`files[0].path` is not a string');
  const pathProblem = unconfinedPathProblem(file.path);
  if (pathProblem) return fail(`\`files[0].path\` is refused: ${pathProblem}`);
  if (!Array.isArray(file.conversations) || file.conversations.length === 0) return fail('`files[0].conversations` is empty');
  const conversation: unknown = file.conversations[0];
  if (!isObject(conversation) || !isObject(conversation.contributor) || !CONTRIBUTORS.has(conversation.contributor.type as string)) {
    return fail('`contributor.type` must be ai, human, mixed or unknown');
  }
  if (conversation.contributor.model_id !== undefined && typeof conversation.contributor.model_id !== 'string') return fail('`model_id` is not a string');
  if (!Array.isArray(conversation.ranges) || conversation.ranges.length === 0) return fail('`ranges` is empty');
  const range: unknown = conversation.ranges[0];
  if (!isObject(range) || !isLine(range.start_line) || !isLine(range.end_line) || (range.end_line as number) < (range.start_line as number)) {
    return fail('`ranges[0]` needs start_line <= end_line, both positive integers');
  }
  if (typeof range.content_hash !== 'string') return fail('`content_hash` is not a string');
  if (!isObject(value.metadata) || !isObject(value.metadata.comprehension)) return fail('`metadata.comprehension` is missing');
  const meta = value.metadata.comprehension;
  if (!SOURCES.has(meta.source as string)) return fail('`metadata.comprehension.source` is not a known source');
  if (!CONFIDENCES.has(meta.confidence as string)) return fail('`metadata.comprehension.confidence` must be certain or likely');
  if (meta.agent !== undefined && typeof meta.agent !== 'string') return fail('`metadata.comprehension.agent` is not a string');
  if (typeof meta.editKind !== 'string') return fail('`metadata.comprehension.editKind` is not a string');
  if (typeof meta.modified !== 'boolean') return fail('`metadata.comprehension.modified` is not a boolean');
  if (!Array.isArray(meta.lineHashes) || !meta.lineHashes.every((hash) => typeof hash === 'string')) return fail('`metadata.comprehension.lineHashes` is not a list of strings');
  if (typeof meta.createdAt !== 'string' || typeof meta.updatedAt !== 'string') return fail('`createdAt`/`updatedAt` are not strings');
  if (meta.lost !== undefined && typeof meta.lost !== 'boolean') return fail('`metadata.comprehension.lost` is not a boolean');
  return { ok: true, record: value as unknown as ProvenanceRecord };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isLine(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1;
}

const KEY_ORDER: Record<string, readonly string[]> = {
  record: ['version', 'id', 'timestamp', 'vcs', 'tool', 'files', 'metadata'],
  vcs: ['type', 'revision'],
  tool: ['name', 'version'],
  file: ['path', 'conversations'],
  conversation: ['contributor', 'ranges'],
  contributor: ['type', 'model_id'],
  range: ['start_line', 'end_line', 'content_hash'],
  metadata: ['comprehension'],
  comprehension: ['source', 'confidence', 'agent', 'editKind', 'modified', 'lineHashes', 'createdAt', 'updatedAt', 'lost'],
};

/** Known keys in schema order, then any others sorted, so the same record always prints the same. */
function ordered(value: unknown, kind: keyof typeof KEY_ORDER, children: Record<string, (child: unknown) => unknown> = {}): unknown {
  if (!isObject(value)) return value;
  const known = KEY_ORDER[kind];
  const keys = [...known.filter((key) => key in value), ...Object.keys(value).filter((key) => !known.includes(key)).sort()];
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    if (value[key] === undefined) continue;
    const child = children[key];
    out[key] = child ? child(value[key]) : value[key];
  }
  return out;
}

const mapArray = (each: (item: unknown) => unknown) => (value: unknown) => (Array.isArray(value) ? value.map(each) : value);

/**
 * The record as stored: pretty-printed JSON (two spaces, one hash per line) with a stable key order
 * and a final newline, so git diffs and merges of records stay small and readable.
 */
export function serializeRecord(record: ProvenanceRecord): string {
  const canonical = ordered(record, 'record', {
    vcs: (vcs) => ordered(vcs, 'vcs'),
    tool: (tool) => ordered(tool, 'tool'),
    files: mapArray((file) =>
      ordered(file, 'file', {
        conversations: mapArray((conversation) =>
          ordered(conversation, 'conversation', {
            contributor: (contributor) => ordered(contributor, 'contributor'),
            ranges: mapArray((range) => ordered(range, 'range')),
          }),
        ),
      }),
    ),
    metadata: (metadata) => ordered(metadata, 'metadata', { comprehension: (meta) => ordered(meta, 'comprehension') }),
  });
  return `${JSON.stringify(canonical, null, 2)}\n`;
}
