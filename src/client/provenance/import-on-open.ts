import { createHash } from 'node:crypto';
import { type FSWatcher, watch } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import * as vscode from 'vscode';
import { importAgentTrace, type ImportCounts, importGitAiNotes, type ImportedRange, importRanges } from '../../core/provenance/import';
import { GIT_AI_NOTES_REF } from '../../core/provenance/git-ai';
import { ProvenanceLedger } from '../../core/provenance/ledger';
import { readBoundedFile } from '../../core/workspace/fs';
import { gitOrUndefined } from '../../core/workspace/git';
import type { RecordsFolder } from '../../shared/protocol';
import { Config } from '../config';

/** Where agents following Cursor's Agent Trace reference hook append their records. */
export const AGENT_TRACE_FILE = '.agent-trace/traces.jsonl';

/** How often a focused window looks at the notes ref and the trace file besides file events (a safety net: `git gc` moving refs, network drives). */
const POLL_MS = 30_000;

/** What the importer needs of the provenance controller. */
export interface RecordsFolders {
  recordsFolders(): RecordsFolder[];
  whenReady(): Promise<void>;
}

/**
 * Imports what other tools recorded (git-ai's `refs/notes/ai`, Agent Trace's
 * `.agent-trace/traces.jsonl`) when the window opens and whenever either changes
 * (`comprehension.provenance.importOnOpen`). The import itself is core's, the one `comprehension
 * import` runs: idempotent, and code that already has a block keeps it. The records it writes reach
 * the editor through the provenance controller's watcher like any other process's.
 *
 * What was imported last is remembered per folder (the notes ref's hash, a hash of the trace file), so an unchanged source is not read again, and a block someone removed is not brought back
 * until the source changes. Untrusted workspaces import nothing: git runs with the repository's
 * configuration.
 */
export class ImportOnOpen implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  /** Watchers of each folder's notes ref, packed refs and trace file. */
  private watchers: FileWatch[] = [];

  constructor(
    private readonly provenance: RecordsFolders,
    private readonly memory: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      vscode.window.onDidChangeWindowState((state) => {
        if (state.focused) void this.scheduleAll();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.rewatch().then(() => this.scheduleAll())),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.scheduleAll()),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (new Config().affects(event, 'provenance')) void this.scheduleAll();
      }),
    );
    this.timer = setInterval(() => {
      if (vscode.window.state.focused) void this.scheduleAll();
    }, POLL_MS);
    this.timer.unref?.();
    void this.provenance.whenReady().then(async () => {
      await this.rewatch();
      await this.scheduleAll();
    });
  }

  /**
   * Node watchers, not VS Code's workspace watcher: `.git/refs/notes/` and `.agent-trace/` usually
   * appear only after the window opened (the first `git notes` or trace record), and the workspace
   * watcher was seen to miss files in folders created later.
   */
  private async rewatch(): Promise<void> {
    for (const watch of this.watchers) watch.close();
    this.watchers = [];
    for (const folder of this.provenance.recordsFolders()) {
      const root = vscode.Uri.parse(folder.folderUri).fsPath;
      // Linked worktrees and submodules keep their refs in the common git folder, not in `.git/`.
      const common = (await gitOrUndefined(root, ['rev-parse', '--path-format=absolute', '--git-common-dir'], { timeout: 10_000 }))?.trim() || join(root, '.git');
      const changed = () => {
        // The records folder moves with the storage setting: import into the current one.
        const current = this.provenance.recordsFolders().find((candidate) => candidate.folderUri === folder.folderUri);
        if (current) void this.schedule(current);
      };
      for (const file of [join(common, 'refs/notes', GIT_AI_NOTES_REF), join(common, 'packed-refs'), join(root, AGENT_TRACE_FILE)]) {
        this.watchers.push(new FileWatch(file, changed, (message) => this.log.warn(`Provenance import: ${message}`)));
      }
    }
  }

  /** Runs (or queues) an import of every folder; resolves when they are done. */
  scheduleAll(): Promise<void> {
    if (!vscode.workspace.isTrusted || !new Config().importOnOpen) return Promise.resolve();
    return Promise.all(this.provenance.recordsFolders().map((folder) => this.schedule(folder))).then(() => undefined);
  }

  private schedule(folder: RecordsFolder): Promise<void> {
    if (!vscode.workspace.isTrusted || !new Config().importOnOpen) return Promise.resolve();
    const key = `${folder.folderUri}\0${folder.recordsPath}`;
    const current = this.running.get(key);
    if (current) {
      // A change during an import is looked at once that import is done.
      this.again.add(key);
      return current;
    }
    const run = (async () => {
      do {
        this.again.delete(key);
        try {
          await this.importFolder(folder, key);
        } catch (error) {
          this.log.warn(`Provenance import: ${vscode.Uri.parse(folder.folderUri).fsPath}: ${(error as Error).message}`);
        }
      } while (this.again.has(key));
    })().finally(() => this.running.delete(key));
    this.running.set(key, run);
    return run;
  }

  private async importFolder(folder: RecordsFolder, key: string): Promise<void> {
    const root = vscode.Uri.parse(folder.folderUri).fsPath;
    const ranges: ImportedRange[] = [];
    const seen: Record<string, string> = this.memory.get<Record<string, string>>(memoryKey(key)) ?? {};
    const next = { ...seen };

    const notes = (await gitOrUndefined(root, ['rev-parse', '--quiet', '--verify', `refs/notes/${GIT_AI_NOTES_REF}`], { timeout: 10_000 }))?.trim();
    if (notes && notes !== seen.gitAi) {
      const found = await importGitAiNotes(root);
      ranges.push(...found.ranges);
      for (const problem of found.problems.slice(0, 5)) this.log.info(`Provenance import (git-ai): ${problem}`);
      next.gitAi = notes;
    }

    const trace = await readBoundedFile(join(root, AGENT_TRACE_FILE), { root });
    if (trace.kind === 'ok') {
      const text = trace.bytes.toString('utf8');
      const stamp = hashOf(text);
      if (stamp !== seen.agentTrace) {
        const found = importAgentTrace(text);
        ranges.push(...found.ranges);
        for (const problem of found.problems.slice(0, 5)) this.log.info(`Provenance import (${AGENT_TRACE_FILE}): ${problem}`);
        next.agentTrace = stamp;
      }
    }
    if (ranges.length > 0) {
      const ledger = ProvenanceLedger.forWorkspace(root, folder.recordsPath);
      await ledger.store.load();
      const counts = await importRanges(root, ledger, ranges);
      this.log.info(`Provenance import: ${describe(counts)} (${root})`);
    }
    if (next.gitAi !== seen.gitAi || next.agentTrace !== seen.agentTrace) await this.memory.update(memoryKey(key), next);
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    for (const watch of this.watchers) watch.close();
    for (const disposable of this.disposables) disposable.dispose();
  }
}

/**
 * Calls `onChange` when `file` is created, replaced or changed, also when the folders holding it do
 * not exist yet: the nearest existing folder above it is watched until the next folder on the way
 * down appears, then that one, until the file's own folder is watched.
 */
class FileWatch {
  private watcher: FSWatcher | undefined;
  private closed = false;

  constructor(
    private readonly file: string,
    private readonly onChange: () => void,
    private readonly warn: (message: string) => void,
  ) {
    void this.arm();
  }

  private async arm(): Promise<void> {
    this.watcher?.close();
    this.watcher = undefined;
    let watched = dirname(this.file);
    while (!(await isDirectory(watched))) {
      const parent = dirname(watched);
      if (parent === watched) return;
      watched = parent;
    }
    if (this.closed) return;
    const next = watched === dirname(this.file) ? basename(this.file) : relative(watched, this.file).split(sep)[0];
    try {
      this.watcher = watch(watched, { persistent: false }, (_event, name) => {
        if (name !== next) return;
        // A folder on the way appeared: watch further down; the file may already be in it.
        if (watched !== dirname(this.file)) void this.arm();
        this.onChange();
      });
      this.watcher.on('error', () => void this.arm());
    } catch (error) {
      this.warn(`cannot watch ${watched}: ${(error as Error).message}`);
    }
  }

  close(): void {
    this.closed = true;
    this.watcher?.close();
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

function memoryKey(key: string): string {
  return `comprehension.importOnOpen:${key}`;
}

function describe(counts: ImportCounts): string {
  return `${counts.imported} imported, ${counts.alreadyPresent} already present, ${counts.notPlaced} not placed`;
}

/** The trace file's fingerprint: an append or a rewrite counts as a change. */
function hashOf(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16);
}
