import * as vscode from 'vscode';
import type { RequestType } from 'vscode-languageclient/node';
import type { BlockNoteState } from '../../core/notes/assess';
import { readNoteFile } from '../../core/notes/note-file';
import { isDataPath, NOTES_DIR, POLICY_PATH } from '../../core/workspace/layout';
import { workspaceRelativePath } from '../../core/workspace/paths';
import { recordPath } from '../../core/provenance/record';
import { fromWireNoteState } from '../../shared/note-state-wire';
import { NOTE_STATES_REQUEST } from '../../shared/protocol';
import type { ServerState } from '../client';
import type { ProvenanceController } from '../provenance/controller';

/** A file with AI blocks and where each block stands with its note. */
export interface FileNotes {
  uri: vscode.Uri;
  folder: vscode.WorkspaceFolder;
  /** Workspace-relative POSIX path. */
  path: string;
  lineCount: number;
  states: BlockNoteState[];
}

/** Where a document sits in the workspace: undefined outside any folder on disk or in `.comprehension/`. */
export function locateInWorkspace(uri: vscode.Uri): { folder: vscode.WorkspaceFolder; path: string } | undefined {
  if (uri.scheme !== 'file') return undefined;
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder || folder.uri.scheme !== 'file') return undefined;
  const path = workspaceRelativePath(folder.uri.fsPath, uri.fsPath);
  if (!path || isDataPath(path)) return undefined;
  return { folder, path };
}

/** What the notes feature reads of provenance: blocks of a file, their changes, and every record. */
export type NotesProvenance = Pick<ProvenanceController, 'getBlocks' | 'onDidChangeBlocks' | 'whenReady' | 'allRecords'>;

/** The language server as the notes feature uses it: its requests, and when it (re)starts. */
export interface NotesServer {
  request<P, R>(type: RequestType<P, R, void>, params: P): Promise<R>;
  readonly onDidChangeState: vscode.Event<ServerState>;
}

/** Debounce for re-assessing a file after typing. */
const REFRESH_DELAY_MS = 250;

/**
 * Every AI block's note status as the language server assesses it, kept current by re-asking on
 * the editor's triggers: block changes, edits, saves, note and policy files changing, the server
 * (re)starting. The server does not push states: every trigger is an editor event the client sees
 * first, and a request sent after the document's changes is answered on that text (one ordered
 * connection), so a push would only add bookkeeping. Hovers and the view read the cache
 * synchronously; the CodeLens asks afresh.
 */
export class NotesModel implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  /** Fires when any block's status (or the set of blocks) changed. */
  readonly onDidChange = this.changeEmitter.event;
  /** Note texts by folder and block id (undefined: no note file), for the commands. */
  private readonly noteTexts = new Map<string, string | undefined>();
  private readonly files = new Map<string, FileNotes>();
  private readonly signatures = new Map<string, string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [];
  private folderWatchers: vscode.Disposable[] = [];

  constructor(
    private readonly provenance: NotesProvenance,
    private readonly server: NotesServer,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      this.changeEmitter,
      provenance.onDidChangeBlocks((uri) => this.schedule(uri)),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length === 0) return;
        if (this.files.has(event.document.uri.toString())) this.schedule(event.document.uri);
        // The server judges a note by its open buffer, unsaved answers included.
        else this.onNoteEdited(event.document.uri);
      }),
      vscode.workspace.onDidSaveTextDocument((document) => this.onFileChanged(document.uri)),
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.watchFolders();
        void this.refreshAll();
      }),
      // A new server process may judge differently (a restart after a policy or settings change).
      server.onDidChangeState((state) => {
        if (state === 'running') void this.refreshAll();
      }),
    );
    this.watchFolders();
    void provenance.whenReady().then(() => this.refreshAll());
  }

  /** The note text of a block on disk (cached until its file changes); undefined when it has no note. */
  async noteText(folder: vscode.WorkspaceFolder, blockId: string): Promise<string | undefined> {
    const key = noteKey(folder, blockId);
    if (this.noteTexts.has(key)) return this.noteTexts.get(key);
    const text = await readNoteFile(folder.uri.fsPath, blockId).catch((error: Error) => {
      this.log.warn(`Could not read the note of block ${blockId}: ${error.message}`);
      return undefined;
    });
    this.noteTexts.set(key, text);
    return text;
  }

  /** Forgets a cached note text (after writing it). */
  forgetNote(folder: vscode.WorkspaceFolder, blockId: string): void {
    this.noteTexts.delete(noteKey(folder, blockId));
  }

  /** The last known state of a block, for synchronous readers (hover, view, status). */
  cached(uri: vscode.Uri, blockId: string): BlockNoteState | undefined {
    return this.files.get(uri.toString())?.states.find((state) => state.block.id === blockId);
  }

  /** Every file with AI blocks, as last assessed. */
  all(): FileNotes[] {
    return [...this.files.values()];
  }

  /**
   * Asks the server for a file's block states now and keeps them; fires `onDidChange` only when
   * something a reader shows changed. When the server cannot answer, the last known states stay.
   */
  async assessFile(uri: vscode.Uri): Promise<FileNotes | undefined> {
    const key = uri.toString();
    const located = locateInWorkspace(uri);
    const blocks = located ? await this.provenance.getBlocks(uri) : [];
    let result: FileNotes | undefined;
    if (located && blocks.length > 0) {
      let answer;
      try {
        answer = await this.server.request(NOTE_STATES_REQUEST, { uri: key, blocks });
      } catch (error) {
        this.log.warn(`Notes: the server could not assess ${located.path}: ${(error as Error).message}`);
        return this.files.get(key);
      }
      if (answer.path !== undefined) {
        result = { uri, folder: located.folder, path: located.path, lineCount: answer.lineCount, states: answer.states.map(fromWireNoteState) };
      }
    }
    if (result) this.files.set(key, result);
    else this.files.delete(key);
    const signature = result ? signatureOf(result) : '';
    if ((this.signatures.get(key) ?? '') !== signature) {
      if (signature) this.signatures.set(key, signature);
      else this.signatures.delete(key);
      this.changeEmitter.fire();
    }
    return result;
  }

  /** Re-assesses every file that has AI blocks (after start, a policy change, folders changing). */
  async refreshAll(): Promise<void> {
    const uris = new Map<string, vscode.Uri>();
    for (const { folder, record } of this.provenance.allRecords()) {
      const uri = vscode.Uri.joinPath(folder.uri, recordPath(record));
      uris.set(uri.toString(), uri);
    }
    for (const file of this.files.values()) uris.set(file.uri.toString(), file.uri);
    for (const uri of uris.values()) {
      try {
        await this.assessFile(uri);
      } catch (error) {
        this.log.warn(`Notes: could not assess ${uri.fsPath}: ${(error as Error).message}`);
      }
    }
  }

  /** Re-assesses a file shortly (edits come in bursts). */
  schedule(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.assessFile(uri).catch((error: Error) => this.log.warn(`Notes: could not assess ${uri.fsPath}: ${error.message}`));
      }, REFRESH_DELAY_MS),
    );
  }

  /** A note or policy file changed on disk: forget what was cached and re-assess what it affects. */
  onFileChanged(uri: vscode.Uri): void {
    if (uri.scheme !== 'file') return;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) return;
    const path = workspaceRelativePath(folder.uri.fsPath, uri.fsPath);
    if (path === POLICY_PATH) {
      void this.refreshAll();
      return;
    }
    const blockId = this.blockIdOfNote(uri);
    if (blockId === undefined) return;
    this.noteTexts.delete(noteKey(folder, blockId));
    const owner = this.all().find((file) => file.folder.uri.toString() === folder.uri.toString() && file.states.some((state) => state.block.id === blockId));
    if (owner) this.schedule(owner.uri);
    else void this.refreshAll();
  }

  /** A note open in an editor changed: re-assess its block's file (nothing when it is not a known block's note). */
  private onNoteEdited(uri: vscode.Uri): void {
    const blockId = this.blockIdOfNote(uri);
    if (blockId === undefined) return;
    const owner = this.all().find((file) => file.states.some((state) => state.block.id === blockId));
    if (owner) this.schedule(owner.uri);
  }

  private blockIdOfNote(uri: vscode.Uri): string | undefined {
    if (uri.scheme !== 'file') return undefined;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) return undefined;
    const path = workspaceRelativePath(folder.uri.fsPath, uri.fsPath);
    if (!path?.startsWith(`${NOTES_DIR}/`) || !path.endsWith('.md')) return undefined;
    return blockIdOfNotePath(path.slice(NOTES_DIR.length + 1));
  }

  private watchFolders(): void {
    for (const watcher of this.folderWatchers) watcher.dispose();
    this.folderWatchers = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      for (const pattern of [`${NOTES_DIR}/*.md`, POLICY_PATH]) {
        const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, pattern));
        const changed = (uri: vscode.Uri) => this.onFileChanged(uri);
        this.folderWatchers.push(watcher, watcher.onDidCreate(changed), watcher.onDidChange(changed), watcher.onDidDelete(changed));
      }
    }
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const watcher of this.folderWatchers) watcher.dispose();
    for (const disposable of this.disposables) disposable.dispose();
  }
}

function noteKey(folder: vscode.WorkspaceFolder, blockId: string): string {
  return `${folder.uri.toString()}\0${blockId}`;
}

/** The block id a note file name stands for (the reverse of `notePathFor`'s %-encoding). */
export function blockIdOfNotePath(fileName: string): string | undefined {
  try {
    return decodeURIComponent(fileName.replace(/\.md$/, ''));
  } catch {
    return undefined;
  }
}

/** What readers show of a file: block positions and statuses (a change here is worth a refresh). */
function signatureOf(file: FileNotes): string {
  return file.states
    .map((state) => `${state.block.id}:${state.block.startLine}-${state.block.endLine}:${state.status.kind}:${state.requirement.required}:${state.status.quality?.problems.length ?? 0}:${state.status.diff ?? ''}`)
    .join('|');
}
