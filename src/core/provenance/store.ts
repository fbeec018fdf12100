import { readdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { type JsonRead, prepareWriteFolder, readJsonFile, readJsonFileSync, writeFileAtomic } from '../workspace/fs';
import { PROVENANCE_DIR } from '../workspace/layout';
import { isValidRecordId, normalizeRecordPath, parseRecord, type ProvenanceRecord, recordPath, serializeRecord } from './record';
export { PROVENANCE_DIR } from '../workspace/layout';

/** The absolute records folder of a workspace whose records are kept in the repository. */
export function recordsFolderOf(root: string): string {
  return join(root, ...PROVENANCE_DIR.split('/'));
}

/** A record file the store could not use; it is left on disk exactly as it is. */
export interface StoreProblem {
  /** Absolute path of the file. */
  file: string;
  message: string;
}

/** What {@link ProvenanceStore.load} found. */
export interface LoadResult {
  records: ProvenanceRecord[];
  problems: StoreProblem[];
}

/** What {@link ProvenanceStore.reloadFile} did with a file another process changed. */
export type ReloadOutcome =
  | { kind: 'updated'; record: ProvenanceRecord }
  | { kind: 'removed'; id: string; record?: ProvenanceRecord }
  | { kind: 'corrupt'; problem: StoreProblem }
  | { kind: 'ignored' };

/** Thrown when a write or delete would replace a record file the store cannot read. */
export class CorruptRecordError extends Error {
  constructor(readonly problem: StoreProblem) {
    super(`${problem.message} (left untouched; fix or delete it by hand)`);
    this.name = 'CorruptRecordError';
  }
}

/** Reads this many record files at once, to stay far from the open-file limit. */
const READ_BATCH = 64;
/** A record file is refused above this size: one record is a few KiB. */
const MAX_RECORD_BYTES = 1024 * 1024;

/**
 * Provenance records in one folder, one `<id>.json` file per block: the workspace's
 * `.comprehension/provenance` (shared through git) or a local-only folder in extension storage.
 *
 * Several writers (two editor windows, the CLI and the editor) can share a folder: every record is
 * its own file and every write replaces the file atomically (temp file + rename), so writers of
 * different blocks never interfere and readers never see a torn file. Two writers of the same block
 * at once leave one complete version (the last rename wins). Each writer keeps its own cache and
 * learns about the others' writes through {@link reloadFile} (a file watcher calls it).
 *
 * A file that cannot be read or parsed, or is not a record, is reported and never overwritten or
 * deleted: {@link upsert} and {@link remove} refuse to touch it.
 */
export class ProvenanceStore {
  private readonly records = new Map<string, ProvenanceRecord>();
  private readonly idsByPath = new Map<string, Set<string>>();
  private readonly problemsByFile = new Map<string, StoreProblem>();

  /**
   * @param root the records folder.
   * @param workspaceRoot the workspace the folder belongs to, when it is the repository's
   * `.comprehension/provenance`: record files are then read and written only inside it, so a
   * committed link (`provenance -> /elsewhere`) neither feeds records in nor takes writes out.
   */
  constructor(
    readonly root: string,
    readonly workspaceRoot?: string,
  ) {}

  /** Where record files must stay: the workspace when known, else the records folder itself. */
  private get confinedTo(): string {
    return this.workspaceRoot ?? this.root;
  }

  /**
   * Creates the records folder when needed and refuses (a `WriteRefusedError`) when it leads out of
   * the workspace: the ledger calls it before taking its lock file there.
   */
  prepareFolder(): void {
    prepareWriteFolder(this.root, this.root, { root: this.workspaceRoot });
  }

  /** The file that holds the record `id`. */
  fileFor(id: string): string {
    if (!isValidRecordId(id)) throw new Error(`invalid record id ${JSON.stringify(id)}`);
    return join(this.root, `${id}.json`);
  }

  /**
   * Reads one record straight from its file, bypassing the cache: for callers that hold no loaded
   * store and cannot wait (the language server's diagnostics). Undefined when it is missing or unusable.
   */
  readRecordSync(id: string): ProvenanceRecord | undefined {
    if (!isValidRecordId(id)) return undefined;
    const file = this.fileFor(id);
    const read = checkRecordFile(file, readJsonFileSync<unknown>(file, { root: this.confinedTo, maxBytes: MAX_RECORD_BYTES }));
    return read.kind === 'ok' ? read.record : undefined;
  }

  /** Reads every record in the folder (a missing folder is empty), replacing the cache. */
  async load(): Promise<LoadResult> {
    this.records.clear();
    this.idsByPath.clear();
    this.problemsByFile.clear();
    let names: string[];
    try {
      names = await readdir(this.root);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], problems: [] };
      throw error;
    }
    const recordNames = names.filter(isRecordFileName).sort();
    for (let i = 0; i < recordNames.length; i += READ_BATCH) {
      const batch = recordNames.slice(i, i + READ_BATCH);
      const reads = await Promise.all(batch.map((name) => this.readRecordFile(join(this.root, name))));
      for (const read of reads) {
        if (read.kind === 'ok') this.remember(read.record);
        else if (read.kind === 'problem') this.problemsByFile.set(read.problem.file, read.problem);
      }
    }
    return { records: this.all(), problems: this.problems() };
  }

  /** Files the store could not use, as of the last load or reload. */
  problems(): StoreProblem[] {
    return [...this.problemsByFile.values()];
  }

  /** All cached records, sorted by path and then line. */
  all(): ProvenanceRecord[] {
    return [...this.records.values()].sort(byPathThenLine);
  }

  /** The cached record `id`. */
  get(id: string): ProvenanceRecord | undefined {
    return this.records.get(id);
  }

  /** The records of one file (workspace-relative path), lost ones included, sorted by line. */
  blocksForFile(path: string): ProvenanceRecord[] {
    const ids = this.idsByPath.get(normalizeRecordPath(path));
    if (!ids) return [];
    return [...ids].map((id) => this.records.get(id)!).sort(byPathThenLine);
  }

  /**
   * Writes a record (atomically) and caches it. Throws {@link CorruptRecordError} when the file on
   * disk exists but is unreadable (it is left as it is), and an Error for an invalid record.
   */
  async upsert(record: ProvenanceRecord): Promise<void> {
    const checked = parseRecord(record);
    if (!checked.ok) throw new Error(`not a valid provenance record: ${checked.message}`);
    const file = this.fileFor(record.id);
    await this.refuseIfCorrupt(file);
    await writeFileAtomic(file, serializeRecord(record), { root: this.workspaceRoot });
    this.problemsByFile.delete(file);
    this.remember(structuredClone(record));
  }

  /**
   * Deletes record `id`; returns whether a file was there. Throws {@link CorruptRecordError} when the
   * file is unreadable, because deleting it might lose what a person has to recover by hand.
   */
  async remove(id: string): Promise<boolean> {
    const file = this.fileFor(id);
    const existed = await this.refuseIfCorrupt(file);
    await rm(file, { force: true });
    this.forget(id);
    return existed;
  }

  /**
   * Re-reads one record file after a watcher event (created, changed or deleted by another window
   * or the CLI). `file` is the file's path or its name in the folder. Temp files and other names
   * are ignored.
   */
  async reloadFile(file: string): Promise<ReloadOutcome> {
    const name = basename(file);
    if (!isRecordFileName(name)) return { kind: 'ignored' };
    const id = name.slice(0, -'.json'.length);
    const path = join(this.root, name);
    const read = await this.readRecordFile(path);
    if (read.kind === 'missing') {
      const record = this.records.get(id);
      this.forget(id);
      this.problemsByFile.delete(path);
      return record ? { kind: 'removed', id, record } : { kind: 'removed', id };
    }
    if (read.kind === 'problem') {
      // The last good version stays cached so the editor keeps showing the block meanwhile.
      this.problemsByFile.set(path, read.problem);
      return { kind: 'corrupt', problem: read.problem };
    }
    this.problemsByFile.delete(path);
    this.remember(read.record);
    return { kind: 'updated', record: read.record };
  }

  private async readRecordFile(file: string): Promise<RecordFileRead> {
    return checkRecordFile(file, await readJsonFile<unknown>(file, { root: this.confinedTo, maxBytes: MAX_RECORD_BYTES }));
  }

  /** Throws when `file` exists but is unusable; returns whether it exists. */
  private async refuseIfCorrupt(file: string): Promise<boolean> {
    const read = await this.readRecordFile(file);
    if (read.kind === 'problem') {
      this.problemsByFile.set(file, read.problem);
      throw new CorruptRecordError(read.problem);
    }
    return read.kind === 'ok';
  }

  private remember(record: ProvenanceRecord): void {
    this.forget(record.id);
    this.records.set(record.id, record);
    const path = recordPath(record);
    let ids = this.idsByPath.get(path);
    if (!ids) this.idsByPath.set(path, (ids = new Set()));
    ids.add(record.id);
  }

  private forget(id: string): void {
    const previous = this.records.get(id);
    if (!previous) return;
    this.records.delete(id);
    const ids = this.idsByPath.get(recordPath(previous));
    ids?.delete(id);
    if (ids && ids.size === 0) this.idsByPath.delete(recordPath(previous));
  }
}

type RecordFileRead = { kind: 'ok'; record: ProvenanceRecord } | { kind: 'missing' } | { kind: 'problem'; problem: StoreProblem };

/** A record file's JSON checked as the record its name promises. */
function checkRecordFile(file: string, read: JsonRead<unknown>): RecordFileRead {
  if (read.kind === 'missing') return read;
  if (read.kind === 'corrupt') return { kind: 'problem', problem: { file, message: read.message } };
  const parsed = parseRecord(read.value);
  if (!parsed.ok) return { kind: 'problem', problem: { file, message: `${file} is not a provenance record: ${parsed.message}` } };
  const expectedName = `${parsed.record.id}.json`;
  if (basename(file) !== expectedName) {
    return { kind: 'problem', problem: { file, message: `${file} holds record ${parsed.record.id}; it should be named ${expectedName}` } };
  }
  return { kind: 'ok', record: parsed.record };
}

/** Record files are `<id>.json`; temp files of atomic writes start with a dot. */
function isRecordFileName(name: string): boolean {
  return name.endsWith('.json') && !name.startsWith('.') && isValidRecordId(name.slice(0, -'.json'.length));
}

function byPathThenLine(a: ProvenanceRecord, b: ProvenanceRecord): number {
  const pathA = recordPath(a);
  const pathB = recordPath(b);
  if (pathA !== pathB) return pathA < pathB ? -1 : 1;
  return a.files[0].conversations[0].ranges[0].start_line - b.files[0].conversations[0].ranges[0].start_line;
}
