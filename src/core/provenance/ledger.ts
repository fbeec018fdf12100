import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { splitLines } from '../text/diff';
import { readNoteFile } from '../notes/note-file';
import { anchorBlocks, type AnchoredBlock } from './anchor';
import type { Block, BlockConfidence, BlockSource } from './block';
import { withFileLock } from '../workspace/lock';
import { blockFromRecord, createRecord, type EditKind, normalizeRecordPath, type ProvenanceRecord, recordPath, updateRecord } from './record';
import { ProvenanceStore, recordsFolderOf } from './store';

/**
 * The one writer of provenance records. Every rule about how blocks are created, extended, lost,
 * moved and renamed lives here, as pure functions over records and text; {@link ProvenanceLedger}
 * applies them to a {@link ProvenanceStore} (which does the atomic file I/O). The editor's
 * provenance controller and the CLI (`comprehension mark`, agent hooks, `import`) only say what
 * happened; they never build or write a record themselves.
 *
 * Every write goes through one locked section ({@link ProvenanceLedger} `#commit`): a lock file
 * in the records folder, so read-merge-write steps of several processes (twenty agent hooks at
 * once, the CLI beside the editor) follow one another instead of losing each other's lines.
 */

// ---------------------------------------------------------------------------------------------
// Pure rules

/** The lines of a text, without the empty "line" after a final line break (it holds no code). */
export function codeLines(text: string): string[] {
  if (text.length === 0) return [];
  const lines = splitLines(text);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** A record's first and last line (1-based, inclusive), as recorded. */
export function recordedRange(record: ProvenanceRecord): { startLine: number; endLine: number } {
  const range = record.files[0].conversations[0].ranges[0];
  return { startLine: range.start_line, endLine: range.end_line };
}

/** Where each record's block is in `lines` now, found by its line hashes (see `anchor.ts`); in the order given. */
export function placeRecords(records: readonly ProvenanceRecord[], lines: readonly string[]): { record: ProvenanceRecord; place: AnchoredBlock }[] {
  const anchored = anchorBlocks(
    records.map((record) => ({ id: record.id, startLine: recordedRange(record).startLine, lineHashes: record.metadata.comprehension.lineHashes })),
    lines,
  );
  return records.map((record, index) => ({ record, place: anchored[index] }));
}

/**
 * "A likely guess never overrides what is certain": whether a `likely` attribution of lines
 * `startLine`-`endLine` (1-based) must be dropped because a certain block (an agent hook, an
 * intercepted accept, a hand mark) already holds some of them. Certain attributions always stand.
 */
export function yieldsToCertain(confidence: BlockConfidence, startLine: number, endLine: number, blocks: readonly Block[]): boolean {
  return confidence === 'likely' && blocks.some((block) => block.confidence === 'certain' && block.startLine <= endLine && startLine <= block.endLine);
}

/**
 * "Certain replaces likely": the live `likely` records of a file whose block (where it is in `lines`
 * now) overlaps certain lines `startLine`-`endLine` (1-based). They are removed, not clipped: the
 * certain report says what the agent wrote; the guess about the lines around it was only a guess.
 * (The editor guesses `agent-write`/`likely` when a file it has open is rewritten on disk; the agent's
 * hook or `comprehension mark` reports the same edit a moment later.)
 */
export function likelyGivingWay(records: readonly ProvenanceRecord[], lines: readonly string[], startLine: number, endLine: number): ProvenanceRecord[] {
  const likely = records.filter((record) => !record.metadata.comprehension.lost && record.metadata.comprehension.confidence === 'likely');
  return placeRecords(likely, lines)
    .filter(({ place }) => place.kind !== 'lost' && place.startLine <= endLine && startLine <= place.endLine)
    .map(({ record }) => record);
}

/**
 * A `likely` record that has a comprehension note, made the certain block of the agent's lines
 * instead of giving way: it keeps its id, so the note stays linked to it.
 */
export function upgradedLikely(record: ProvenanceRecord, lines: readonly string[], input: AgentLines, now: string): ProvenanceRecord {
  const block: Block = {
    ...blockFromRecord(record),
    startLine: input.startLine,
    endLine: input.endLine,
    source: input.source,
    confidence: 'certain',
    agent: input.agent,
    modified: false,
    ...(input.model !== undefined ? { model: input.model } : {}),
  };
  const next = updateRecord(record, { block, lines: lines.slice(input.startLine - 1, input.endLine), lost: false, now });
  const meta = next.metadata.comprehension;
  meta.source = input.source;
  meta.confidence = 'certain';
  meta.agent = input.agent;
  meta.editKind = 'agent-hook';
  return next;
}

/**
 * Blocks read from records, joining the blocks a document already tracks: which are admitted and
 * which tracked blocks give way. A tracked block keeps its lines against a recorded one (it may have
 * moved since the record was written), except that a certain record replaces the `likely` blocks it
 * overlaps ({@link likelyGivingWay}'s rule, for the editor). `blocks` is the new set, tracked blocks
 * first, for a tracker that resolves any remaining overlap in that order.
 */
export function admitRecordedBlocks(tracked: readonly Block[], recorded: readonly Block[]): { blocks: Block[]; displaced: Block[] } {
  const overlaps = (a: Block, b: Block) => a.startLine <= b.endLine && b.startLine <= a.endLine;
  const displaced = new Map<string, Block>();
  const admitted: Block[] = [];
  for (const block of recorded) {
    const against = tracked.filter((other) => !displaced.has(other.id) && overlaps(block, other));
    if (against.length === 0) {
      admitted.push(block);
    } else if (block.confidence === 'certain' && against.every((other) => other.confidence === 'likely')) {
      for (const other of against) displaced.set(other.id, other);
      admitted.push(block);
    }
  }
  return { blocks: [...tracked.filter((block) => !displaced.has(block.id)), ...admitted], displaced: [...displaced.values()] };
}

/** Lines of one file, 1-based inclusive, that an agent (or a person, through `mark`) wrote. */
export interface AgentLines {
  startLine: number;
  endLine: number;
  agent: string;
  model?: string;
  source: BlockSource;
}

/** What recording lines did to the ledger. */
export interface RecordOutcome {
  /** `added`: a new block. `extended`: an existing block of the agent took the lines in. `unchanged`: they were already recorded as they are. */
  kind: 'added' | 'extended' | 'unchanged';
  record: ProvenanceRecord;
  /** Other blocks of the agent that the new lines joined into `record` (their records were removed). */
  merged: string[];
}

/** Writes a rule asks for: records to write and ids to delete. */
export interface LedgerWrites {
  upserts: ProvenanceRecord[];
  removes: string[];
}

/**
 * The same agent's live blocks of the file that overlap or touch the lines, where they are in
 * `lines` now, oldest first: the blocks {@link planAgentLines} grows into one.
 */
export function touchingBlocks(records: readonly ProvenanceRecord[], lines: readonly string[], input: AgentLines): { record: ProvenanceRecord; place: AnchoredBlock }[] {
  const candidates = records.filter((record) => !record.metadata.comprehension.lost && record.metadata.comprehension.agent === input.agent);
  return placeRecords(candidates, lines)
    .filter(({ place }) => place.kind !== 'lost' && place.startLine <= input.endLine + 1 && place.endLine >= input.startLine - 1)
    .sort((a, b) => a.record.metadata.comprehension.createdAt.localeCompare(b.record.metadata.comprehension.createdAt) || a.record.id.localeCompare(b.record.id));
}

/**
 * Records lines as a `certain` AI block (edit kind `agent-hook`). When blocks of the same file and
 * agent overlap or touch the lines (`touching`, from {@link touchingBlocks}), the result is one
 * block spanning all of them, so an agent that edits a function three times leaves one block, not
 * three. A block with a comprehension note (`noted`) is never merged away: the oldest noted block
 * keeps its id, and other noted blocks stay separate, since a note belongs to its block id.
 */
export function planAgentLines(
  path: string,
  lines: readonly string[],
  input: AgentLines,
  touching: readonly { record: ProvenanceRecord; place: AnchoredBlock }[],
  noted: ReadonlySet<string>,
  now: string,
): RecordOutcome & LedgerWrites {
  if (input.startLine < 1 || input.endLine < input.startLine || input.endLine > lines.length) {
    throw new RangeError(`lines ${input.startLine}-${input.endLine} are not inside ${path} (${lines.length} lines)`);
  }
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
    const record = createRecord({ block, path, lines: lines.slice(block.startLine - 1, block.endLine), editKind: 'agent-hook', now });
    return { kind: 'added', record, merged: [], upserts: [record], removes: [] };
  }
  let joined = [...touching];
  if (joined.length > 1) {
    const keeperIndex = Math.max(0, joined.findIndex(({ record }) => noted.has(record.id)));
    const keeper = joined[keeperIndex];
    joined = [keeper, ...joined.filter((entry, index) => index !== keeperIndex && !noted.has(entry.record.id))];
  }
  const [keeper, ...others] = joined;
  const startLine = Math.min(input.startLine, ...joined.map(({ place }) => place.startLine));
  const endLine = Math.max(input.endLine, ...joined.map(({ place }) => place.endLine));
  const block: Block = { ...blockFromRecord(keeper.record), startLine, endLine, confidence: 'certain', ...(input.model !== undefined ? { model: input.model } : {}) };
  const next = updateRecord(keeper.record, { block, lines: lines.slice(startLine - 1, endLine), lost: false, now });
  next.metadata.comprehension.confidence = 'certain';
  if (others.length === 0 && sameAgentBlock(keeper.record, next)) return { kind: 'unchanged', record: keeper.record, merged: [], upserts: [], removes: [] };
  const merged = others.map(({ record }) => record.id);
  return { kind: 'extended', record: next, merged, upserts: [next], removes: merged };
}

/**
 * Records of a file whose lines are found, unchanged, at another place in its current text (an
 * edit above them shifted them), moved there. Blocks whose text changed or is gone are left for the
 * editor, which tracks edits and decides whether they were modified or lost.
 */
export function relocatedRecords(records: readonly ProvenanceRecord[], lines: readonly string[], now: string): ProvenanceRecord[] {
  const live = records.filter((record) => !record.metadata.comprehension.lost);
  if (live.length === 0) return [];
  const moved: ProvenanceRecord[] = [];
  for (const { record, place } of placeRecords(live, lines)) {
    const recorded = recordedRange(record);
    if (place.kind !== 'exact' || (place.startLine === recorded.startLine && place.endLine === recorded.endLine)) continue;
    const block = { ...blockFromRecord(record), startLine: place.startLine, endLine: place.endLine };
    moved.push(updateRecord(record, { block, lines: lines.slice(place.startLine - 1, place.endLine), now }));
  }
  return moved;
}

/** A tracked block as the editor has it now: its lines and how it got there. */
export interface BlockState {
  block: Block;
  /** The block's current lines (`endLine - startLine + 1` of them). */
  lines: readonly string[];
  /** Used when the block has no record yet. */
  editKind: EditKind;
}

/**
 * The record to write for a block's current state, or undefined when the record on disk already
 * says the same (place, text, flags, path): unchanged blocks are never rewritten. A written block is
 * found, so it is no longer lost.
 */
export function recordForBlock(existing: ProvenanceRecord | undefined, path: string, state: BlockState, now?: string): ProvenanceRecord | undefined {
  const { block, lines } = state;
  if (!existing) return createRecord({ block, path, lines, editKind: state.editKind, ...(now !== undefined ? { now } : {}) });
  const record = updateRecord(existing, { block, lines, path, lost: false, ...(now !== undefined ? { now } : {}) });
  return sameRecordContent(existing, record) ? undefined : record;
}

/** The record flagged lost (its block was not found in the file; kept, never moved onto other code), or undefined when it already is. */
export function lostRecord(record: ProvenanceRecord, now?: string): ProvenanceRecord | undefined {
  return record.metadata.comprehension.lost === true ? undefined : updateRecord(record, { lost: true, ...(now !== undefined ? { now } : {}) });
}

/** Where `path` goes when `from` (a file or a folder) is renamed to `to`; undefined when it is not under `from`. */
export function renamedPath(path: string, from: string, to: string): string | undefined {
  const source = normalizeRecordPath(from).replace(/\/+$/, '');
  const target = normalizeRecordPath(to).replace(/\/+$/, '');
  if (path === source) return target;
  if (path.startsWith(`${source}/`)) return `${target}${path.slice(source.length)}`;
  return undefined;
}

/** The records that move when `from` is renamed to `to` (a folder moves every record under it), at their new path. */
export function renamedRecords(records: readonly ProvenanceRecord[], from: string, to: string, now: string): ProvenanceRecord[] {
  const moved: ProvenanceRecord[] = [];
  for (const record of records) {
    const target = renamedPath(recordPath(record), from, to);
    if (target !== undefined) moved.push(updateRecord(record, { path: target, now }));
  }
  return moved;
}

function sameAgentBlock(a: ProvenanceRecord, b: ProvenanceRecord): boolean {
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

function sameRecordContent(a: ProvenanceRecord, b: ProvenanceRecord): boolean {
  const ra = a.files[0].conversations[0].ranges[0];
  const rb = b.files[0].conversations[0].ranges[0];
  return (
    a.files[0].path === b.files[0].path &&
    ra.start_line === rb.start_line &&
    ra.end_line === rb.end_line &&
    ra.content_hash === rb.content_hash &&
    a.metadata.comprehension.modified === b.metadata.comprehension.modified &&
    Boolean(a.metadata.comprehension.lost) === Boolean(b.metadata.comprehension.lost)
  );
}

// ---------------------------------------------------------------------------------------------
// The ledger: the rules applied to a store, under the records lock

/** The lock file of a records folder (a dot file, so the store and watchers skip it). */
export const RECORDS_LOCK_NAME = '.records.lock';

/** Options of a {@link ProvenanceLedger}. */
export interface LedgerOptions {
  /** Whether a block has a comprehension note (such blocks are never merged away); default: none has. */
  hasNote?: (blockId: string) => Promise<boolean>;
}

/** What {@link ProvenanceLedger.recordAgentEdit} did. */
export interface AgentEditOutcome {
  /** Records of the file moved to where their unchanged lines are now. */
  moved: number;
  /** Per range, in the order given. */
  outcomes: RecordOutcome[];
}

/** Applies the ledger's rules to one records folder; see the module comment. */
export class ProvenanceLedger {
  private readonly hasNote: (blockId: string) => Promise<boolean>;
  /** Sections of this process run one after another; the lock file orders them with other processes. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly store: ProvenanceStore,
    options: LedgerOptions = {},
  ) {
    this.hasNote = options.hasNote ?? (async () => false);
  }

  /**
   * The ledger of a workspace's records, `.comprehension/provenance` unless `recordsFolder` says
   * where they live (local storage); notes are looked up in the workspace.
   */
  static forWorkspace(root: string, recordsFolder?: string): ProvenanceLedger {
    return new ProvenanceLedger(new ProvenanceStore(recordsFolder ?? recordsFolderOf(root), recordsFolder === undefined ? root : undefined), {
      hasNote: async (id) => (await readNoteFile(root, id)) !== undefined,
    });
  }

  /**
   * What an agent's edit (or `comprehension mark`) did to a file: first the file's unchanged blocks
   * are moved to where their lines are now (even a pure deletion moves the blocks below it), then
   * each range replaces the `likely` blocks it overlaps ({@link likelyGivingWay}) and is recorded by
   * {@link planAgentLines}. The records are read again inside the lock,
   * so lines another process recorded a moment ago are merged, not overwritten.
   */
  async recordAgentEdit(path: string, text: string, ranges: readonly AgentLines[], now = new Date().toISOString()): Promise<AgentEditOutcome> {
    const lines = codeLines(text);
    const file = normalizeRecordPath(path);
    return this.commit(async () => {
      await this.store.load();
      const moved = relocatedRecords(this.store.blocksForFile(file), lines, now);
      await this.apply({ upserts: moved, removes: [] });
      const outcomes: RecordOutcome[] = [];
      for (const range of ranges) {
        // The editor may have guessed this edit already (a likely agent write); the report replaces the
        // guess. A guess with a note becomes the certain block instead, so its note stays linked (and
        // a second noted guess is left as it is: a noted block is never deleted here).
        const displaced = likelyGivingWay(this.store.blocksForFile(file), lines, range.startLine, range.endLine);
        const notedGuesses = new Set<string>();
        for (const record of displaced) if (await this.hasNote(record.id)) notedGuesses.add(record.id);
        const keeper = displaced.find((record) => notedGuesses.has(record.id));
        await this.apply({
          upserts: keeper ? [upgradedLikely(keeper, lines, range, now)] : [],
          removes: displaced.filter((record) => !notedGuesses.has(record.id)).map((record) => record.id),
        });
        const touching = touchingBlocks(this.store.blocksForFile(file), lines, range);
        const noted = new Set<string>();
        if (touching.length > 1) for (const { record } of touching) if (await this.hasNote(record.id)) noted.add(record.id);
        const plan = planAgentLines(file, lines, range, touching, noted, now);
        await this.apply(plan);
        // A noted guess made certain just now was changed, even if the plan finds nothing left to do.
        const kind = plan.kind === 'unchanged' && plan.record.id === keeper?.id ? 'extended' : plan.kind;
        outcomes.push({ kind, record: plan.record, merged: plan.merged });
      }
      return { moved: moved.length, outcomes };
    });
  }

  /** Writes the records of blocks whose place, text or flags changed (see {@link recordForBlock}); returns how many were written. */
  async persistBlocks(path: string, blocks: readonly BlockState[]): Promise<number> {
    return this.commit(async () => {
      const upserts = blocks.flatMap((state) => recordForBlock(this.store.get(state.block.id), path, state) ?? []);
      await this.apply({ upserts, removes: [] });
      return upserts.length;
    });
  }

  /** Flags blocks lost (not found again by content); their records stay, at their last known place. */
  async markLost(ids: readonly string[]): Promise<void> {
    await this.commit(() => this.apply({ upserts: ids.flatMap((id) => this.lostOf(id)), removes: [] }));
  }

  /** Deletes a block's record ("I wrote this", or its lines were deleted); returns whether there was one. */
  async remove(id: string): Promise<boolean> {
    return this.commit(() => this.store.remove(id));
  }

  /** Moves the records of a renamed file or folder (workspace-relative paths); returns them at their new path. */
  async renameFile(from: string, to: string, now = new Date().toISOString()): Promise<ProvenanceRecord[]> {
    return this.commit(async () => {
      const moved = renamedRecords(this.store.all(), from, to, now);
      await this.apply({ upserts: moved, removes: [] });
      return moved;
    });
  }

  /** Writes records built elsewhere by a core rule (imports: `import.ts` decides ids and places). */
  async write(records: readonly ProvenanceRecord[]): Promise<void> {
    await this.commit(() => this.apply({ upserts: [...records], removes: [] }));
  }

  private lostOf(id: string): ProvenanceRecord[] {
    const record = this.store.get(id);
    const lost = record && lostRecord(record);
    return lost ? [lost] : [];
  }

  private async apply(writes: LedgerWrites): Promise<void> {
    for (const record of writes.upserts) await this.store.upsert(record);
    for (const id of writes.removes) await this.store.remove(id);
  }

  /**
   * The one place records are written: `section` reads, merges and writes while this process's
   * other sections wait (in order) and other processes wait on the lock file.
   */
  private commit<T>(section: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      // Before the lock file is created there: a records folder that leads out is refused first.
      this.store.prepareFolder();
      return withFileLock(join(this.store.root, RECORDS_LOCK_NAME), section);
    });
    // The caller gets the error through `run`; the queue only orders the next section.
    this.queue = run.catch(() => undefined);
    return run;
  }
}
