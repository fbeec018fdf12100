import { readFile } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import * as vscode from 'vscode';
import { NOTES_DIR, readNoteFile } from '../../core/notes/note-file';
import { pathMatchersFor, type PathMatchers } from '../../core/policy/paths';
import { POLICY_PATH, type Policy } from '../../core/policy/policy';
import type { Block } from '../../core/provenance/block';
import { recordPath } from '../../core/provenance/record';
import { LineIndex } from '../../core/text';
import { readWorkspacePolicy } from '../practice/policy';
import type { ProvenanceController } from '../provenance/controller';
import { assessBlockNote, blockTextOf, type BlockNoteState } from './assess';

/** The policy of one workspace folder with its compiled path globs. */
export interface FolderPolicy {
  policy: Policy;
  matchers: PathMatchers;
}

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
  const path = relative(folder.uri.fsPath, uri.fsPath).split(sep).join('/');
  if (path === '' || path.startsWith('..') || path.startsWith('.comprehension/')) return undefined;
  return { folder, path };
}

/** What the notes feature reads of provenance: blocks of a file, their changes, and every record. */
export type NotesProvenance = Pick<ProvenanceController, 'getBlocks' | 'onDidChangeBlocks' | 'whenReady' | 'allRecords'>;

/** Debounce for re-assessing a file after typing. */
const REFRESH_DELAY_MS = 250;

/**
 * Every AI block's note status, kept current: on block changes, edits, note files and policy
 * changes. Hovers and the view read it synchronously; the CodeLens and commands assess afresh.
 */
export class NotesModel implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  /** Fires when any block's status (or the set of blocks) changed. */
  readonly onDidChange = this.changeEmitter.event;
  private readonly policies = new Map<string, Promise<FolderPolicy>>();
  private readonly loadedPolicies = new Map<string, FolderPolicy>();
  /** Note texts by folder and block id (undefined: no note file). */
  private readonly noteTexts = new Map<string, string | undefined>();
  private readonly files = new Map<string, FileNotes>();
  private readonly signatures = new Map<string, string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [];
  private folderWatchers: vscode.Disposable[] = [];

  constructor(
    private readonly provenance: NotesProvenance,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      this.changeEmitter,
      provenance.onDidChangeBlocks((uri) => this.schedule(uri)),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length > 0 && this.files.has(event.document.uri.toString())) this.schedule(event.document.uri);
      }),
      vscode.workspace.onDidSaveTextDocument((document) => this.onFileChanged(document.uri)),
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.watchFolders();
        void this.refreshAll();
      }),
    );
    this.watchFolders();
    void provenance.whenReady().then(() => this.refreshAll());
  }

  /** The policy of a folder (read once, again when the policy file changes). */
  policyFor(folder: vscode.WorkspaceFolder): Promise<FolderPolicy> {
    const key = folder.uri.toString();
    let pending = this.policies.get(key);
    if (!pending) {
      pending = readWorkspacePolicy(folder.uri.fsPath).then((policy) => {
        const loaded = { policy, matchers: pathMatchersFor(policy) };
        this.loadedPolicies.set(key, loaded);
        return loaded;
      });
      this.policies.set(key, pending);
    }
    return pending;
  }

  /** The note text of a block (cached until its file changes); undefined when it has no note. */
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

  /** The last known state of a block, for synchronous readers (view, status). */
  cached(uri: vscode.Uri, blockId: string): BlockNoteState | undefined {
    return this.files.get(uri.toString())?.states.find((state) => state.block.id === blockId);
  }

  /**
   * A block's state against the document's text now, computed on the spot from the cached policy
   * and note (the hover is synchronous); falls back to the last known state.
   */
  assessNow(document: vscode.TextDocument, block: Block): BlockNoteState | undefined {
    const located = locateInWorkspace(document.uri);
    if (!located) return undefined;
    const policy = this.loadedPolicies.get(located.folder.uri.toString());
    const key = noteKey(located.folder, block.id);
    if (!policy || !this.noteTexts.has(key)) return this.cached(document.uri, block.id);
    return assessBlockNote({
      block,
      blockText: blockTextOf(document.getText(), block),
      noteText: this.noteTexts.get(key),
      policy: policy.policy,
      inCriticalPath: policy.matchers.isCritical(located.path),
    });
  }

  /** Every file with AI blocks, as last assessed. */
  all(): FileNotes[] {
    return [...this.files.values()];
  }

  /**
   * Assesses a file's blocks now (the open document's text, else the file on disk) and keeps the
   * result; fires `onDidChange` only when something a reader shows changed.
   */
  async assessFile(uri: vscode.Uri): Promise<FileNotes | undefined> {
    const key = uri.toString();
    const located = locateInWorkspace(uri);
    const blocks = located ? await this.provenance.getBlocks(uri) : [];
    let result: FileNotes | undefined;
    if (located && blocks.length > 0) {
      const text = await this.textOf(uri);
      if (text !== undefined) {
        const { policy, matchers } = await this.policyFor(located.folder);
        const lines = new LineIndex(text);
        const inCriticalPath = matchers.isCritical(located.path);
        const ignored = matchers.isIgnored(located.path);
        const states: BlockNoteState[] = [];
        for (const block of blocks) {
          if (ignored) continue;
          const noteText = await this.noteText(located.folder, block.id);
          states.push(assessBlockNote({ block, blockText: blockTextOf(text, block, lines), noteText, policy, inCriticalPath }));
        }
        result = { uri, folder: located.folder, path: located.path, lineCount: lines.lineCount, states };
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
    const path = relative(folder.uri.fsPath, uri.fsPath).split(sep).join('/');
    if (path === POLICY_PATH) {
      this.policies.delete(folder.uri.toString());
      void this.refreshAll();
      return;
    }
    if (!path.startsWith(`${NOTES_DIR}/`) || !path.endsWith('.md')) return;
    const blockId = blockIdOfNotePath(path.slice(NOTES_DIR.length + 1));
    if (blockId === undefined) return;
    this.noteTexts.delete(noteKey(folder, blockId));
    const owner = this.all().find((file) => file.folder.uri.toString() === folder.uri.toString() && file.states.some((state) => state.block.id === blockId));
    if (owner) this.schedule(owner.uri);
    else void this.refreshAll();
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

  private async textOf(uri: vscode.Uri): Promise<string | undefined> {
    const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
    if (open) return open.getText();
    try {
      return await readFile(uri.fsPath, 'utf8');
    } catch {
      return undefined;
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
