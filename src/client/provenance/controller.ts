import { createHash } from 'node:crypto';
import { git, showHead } from '../../core/workspace/git';
import { isDataPath } from '../../core/workspace/layout';
import { workspaceRelativePath } from '../../core/workspace/paths';
import { Config } from '../config';
import { type FSWatcher, watch } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import * as vscode from 'vscode';
import type { Block, BlockConfidence, BlockSource } from '../../core/provenance/block';
import { changedLineRanges } from '../../core/provenance/changed-ranges';
import { admitRecordedBlocks, type BlockState, ProvenanceLedger, yieldsToCertain } from '../../core/provenance/ledger';
import { GIT_RELOAD_WINDOW, GitActivity } from '../../core/provenance/reload';
import { type UndoneBlock, UndoHistory } from '../../core/provenance/undo';
import { blockFromRecord, type EditKind, type ProvenanceRecord, recordPath } from '../../core/provenance/record';
import { ProvenanceStore, recordsFolderOf } from '../../core/provenance/store';
import type { RecordsFolder } from '../../shared/protocol';
import { BlockTracker, type TextChange } from '../../core/provenance/tracker';
import { type Attribution, InsertionDetector, insertedRanges } from './detector';
import type { AttributedInsertion, ProvenanceService } from './events';
import { DocumentSnapshots } from './snapshots';

/** Provenance settings (`comprehension.provenance.*`). */
export interface ProvenanceSettings {
  storage: 'repository' | 'local';
  detectLikely: boolean;
  pasteMinLines: number;
}

/** The provenance settings, read through the one settings reader. */
export function readProvenanceSettings(): ProvenanceSettings {
  return new Config().provenance;
}

/** One open document's provenance. */
interface DocumentState {
  uri: vscode.Uri;
  folder: FolderStore;
  /** Workspace-relative POSIX path. */
  path: string;
  tracker: BlockTracker;
  editKinds: Map<string, EditKind>;
  /** Version at which the document last matched the file on disk (open, save, reload); -1 if never. */
  cleanVersion: number;
  /** The text at `cleanVersion`: what a reload from disk is compared with. */
  cleanText: string;
  /** Attributed insertions an undo may revert, and reverted ones a redo may bring back. */
  history: UndoHistory;
}

/** A workspace folder and its records: read through the store's cache, written through the ledger. */
interface FolderStore {
  folder: vscode.WorkspaceFolder;
  store: ProvenanceStore;
  ledger: ProvenanceLedger;
  /** Watches the records folder itself once it exists, else the nearest folder above it. */
  watcher?: FSWatcher;
  /** The folder {@link watcher} watches. */
  watching?: string;
  /** When git last moved HEAD, the index or a ref: a reload then is git's, not an agent's. */
  gitActivity: GitActivity;
  gitWatchers: FSWatcher[];
}

/** Writes of a document's blocks are gathered for this long after the last edit. */
const PERSIST_DELAY_MS = 400;

/**
 * Owns provenance in the editor: detects AI insertions, keeps each open document's blocks on the
 * right lines through edits, re-anchors them by content after reloads, renames and branch switches,
 * persists them as Agent-Trace-shaped records, and tells other features.
 */
export class ProvenanceController implements ProvenanceService, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  private readonly insertionEmitter = new vscode.EventEmitter<AttributedInsertion>();
  private readonly recordsFoldersEmitter = new vscode.EventEmitter<RecordsFolder[]>();
  readonly onDidChangeBlocks = this.changeEmitter.event;
  readonly onDidAttributeInsertion = this.insertionEmitter.event;
  /** The records folders moved (storage setting changed, folders added or removed). */
  readonly onDidChangeRecordsFolders = this.recordsFoldersEmitter.event;

  private readonly folders = new Map<string, FolderStore>();
  private readonly documents = new Map<string, DocumentState>();
  private readonly snapshots = new DocumentSnapshots();
  private readonly persistTimers = new Map<string, NodeJS.Timeout>();
  private readonly pendingPersists = new Set<Promise<void>>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly detector: InsertionDetector;
  private settings: ProvenanceSettings;
  private activeUri: string | undefined;
  private ready: Promise<void>;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.settings = readProvenanceSettings();
    this.detector = new InsertionDetector(this.settings);
    // Listen before loading, so no edit made while records load is missed.
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((event) => this.onChange(event)),
      vscode.workspace.onDidOpenTextDocument((document) => void this.attach(document)),
      vscode.workspace.onDidCloseTextDocument((document) => void this.detach(document)),
      vscode.workspace.onDidSaveTextDocument((document) => this.onSaved(document)),
      vscode.workspace.onDidRenameFiles((event) => void this.onRename(event)),
      vscode.window.onDidChangeActiveTextEditor((editor) => this.onActiveEditor(editor)),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.reloadFolders()),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (!new Config().affects(event, 'provenance')) return;
        const previous = this.settings.storage;
        this.settings = readProvenanceSettings();
        this.detector.setOptions(this.settings);
        if (previous !== this.settings.storage) void this.reloadFolders();
      }),
    );
    this.onActiveEditor(vscode.window.activeTextEditor);
    this.ready = this.reloadFolders();
  }

  /** Resolves once the stores are loaded and open documents attached. */
  whenReady(): Promise<void> {
    return this.ready;
  }

  /** Runs VS Code's real inline-suggestion accept command and attributes its edit. */
  runAttributed(editKind: EditKind, command: string, ...args: unknown[]): Promise<void> {
    return this.detector.runAttributed(editKind, command, ...args);
  }

  async getBlocks(uri: vscode.Uri): Promise<Block[]> {
    await this.ready;
    const state = this.documents.get(uri.toString());
    if (state) return state.tracker.toBlocks();
    const located = this.locate(uri);
    if (!located) return [];
    return located.folder.store
      .blocksForFile(located.path)
      .filter((record) => !record.metadata.comprehension.lost)
      .map(blockFromRecord);
  }

  /** Where each workspace folder's records live, for the language server (it reads records of closed files). */
  recordsFolders(): RecordsFolder[] {
    return (vscode.workspace.workspaceFolders ?? [])
      .filter((folder) => folder.uri.scheme === 'file')
      .map((folder) => ({ folderUri: folder.uri.toString(), recordsPath: this.storeRoot(folder) }));
  }

  /** Lost blocks (not found again by content) of every folder, for the view. */
  lostRecords(): ProvenanceRecord[] {
    return [...this.folders.values()].flatMap((folder) => folder.store.all().filter((record) => record.metadata.comprehension.lost));
  }

  /** Every record of every folder, for the view and the report. */
  allRecords(): { folder: vscode.WorkspaceFolder; record: ProvenanceRecord }[] {
    return [...this.folders.values()].flatMap((entry) => entry.store.all().map((record) => ({ folder: entry.folder, record })));
  }

  /** Marks lines of an open document as AI-written by hand (`manual`, certain). */
  async markLines(document: vscode.TextDocument, startLine: number, endLine: number, meta: { source?: BlockSource; agent?: string; model?: string } = {}): Promise<Block | undefined> {
    await this.ready;
    const state = this.documents.get(document.uri.toString()) ?? (await this.attach(document));
    if (!state) return undefined;
    const added = this.addBlock(state, document, startLine, endLine, {
      source: meta.source ?? 'manual',
      confidence: 'certain',
      editKind: 'manual',
      agent: meta.agent,
      model: meta.model,
    });
    return added;
  }

  /** Removes a block ("I wrote this"). */
  async unmark(uri: vscode.Uri, blockId: string): Promise<boolean> {
    await this.ready;
    const state = this.documents.get(uri.toString());
    const removed = state?.tracker.removeBlock(blockId);
    const located = state ?? this.locate(uri);
    if (!located) return false;
    const deleted = await located.folder.ledger.remove(blockId).catch((error: Error) => {
      this.log.error(`Could not remove block ${blockId}: ${error.message}`);
      return false;
    });
    this.changeEmitter.fire(uri);
    return Boolean(removed) || deleted;
  }

  /** Waits for queued writes (tests, deactivation). */
  async flush(): Promise<void> {
    for (const [key, timer] of this.persistTimers) {
      clearTimeout(timer);
      this.persistTimers.delete(key);
      const state = this.documents.get(key);
      if (state) this.persist(state);
    }
    await Promise.all([...this.pendingPersists]);
  }

  // ---- folders and documents ----

  private async reloadFolders(): Promise<void> {
    for (const entry of this.folders.values()) disposeWatchers(entry);
    this.folders.clear();
    this.documents.clear();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      const root = this.storeRoot(folder);
      // Records kept in the repository are confined to it: a linked records folder is refused, not written through.
      const ledger = new ProvenanceLedger(new ProvenanceStore(root, this.settings.storage === 'repository' ? folder.uri.fsPath : undefined));
      const loaded = await ledger.store.load();
      for (const problem of loaded.problems) this.log.warn(`Provenance record left untouched: ${problem.file}: ${problem.message}`);
      const entry: FolderStore = { folder, store: ledger.store, ledger, gitActivity: new GitActivity(), gitWatchers: [] };
      // Records written by the CLI, agent hooks or another window show up here.
      await this.watchRecords(entry);
      await this.watchGit(entry);
      this.folders.set(folder.uri.toString(), entry);
      this.log.info(`Provenance: ${loaded.records.length} block record(s) in ${root}.`);
    }
    await Promise.all(vscode.workspace.textDocuments.map((document) => this.attach(document)));
    this.recordsFoldersEmitter.fire(this.recordsFolders());
  }

  private storeRoot(folder: vscode.WorkspaceFolder): string {
    if (this.settings.storage === 'repository') return recordsFolderOf(folder.uri.fsPath);
    // Local-only: one folder per workspace folder in the extension's storage, outside the repository.
    const base = this.context.storageUri?.fsPath ?? this.context.globalStorageUri.fsPath;
    const key = createHash('sha256').update(folder.uri.toString()).digest('hex').slice(0, 16);
    return join(base, 'provenance', key);
  }

  private locate(uri: vscode.Uri): { folder: FolderStore; path: string } | undefined {
    if (uri.scheme !== 'file') return undefined;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const entry = folder && this.folders.get(folder.uri.toString());
    if (!entry) return undefined;
    const path = workspaceRelativePath(folder.uri.fsPath, uri.fsPath);
    if (!path || isDataPath(path)) return undefined;
    return { folder: entry, path };
  }

  private async attach(document: vscode.TextDocument): Promise<DocumentState | undefined> {
    const key = document.uri.toString();
    const existing = this.documents.get(key);
    if (existing) return existing;
    const located = this.locate(document.uri);
    if (!located) return undefined;
    const state: DocumentState = {
      uri: document.uri,
      folder: located.folder,
      path: located.path,
      tracker: new BlockTracker(),
      editKinds: new Map(),
      cleanVersion: document.isDirty ? -1 : document.version,
      cleanText: document.getText(),
      history: new UndoHistory(),
    };
    this.documents.set(key, state);
    // The records on disk, not only what the watcher delivered: its events were seen to go missing
    // (a records folder created mid-session), and a mark on a closed file must show when it opens.
    await this.refreshRecords(located.folder, located.path);
    if (this.documents.get(key) !== state) return state; // Closed meanwhile.
    const records = located.folder.store.blocksForFile(located.path);
    if (records.length > 0) this.anchorRecords(state, document, records, 'opened');
    return state;
  }

  private detach(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    const state = this.documents.get(key);
    if (!state) return;
    const timer = this.persistTimers.get(key);
    if (timer) {
      clearTimeout(timer);
      this.persistTimers.delete(key);
      this.persist(state);
    }
    this.documents.delete(key);
    this.snapshots.forget(key);
    state.history.clear();
  }

  /**
   * Reads again, from disk, the records the store may have missed for `path`: files it does not
   * know (new records of any file) and the files of `path`'s records (changed or deleted). Starts
   * watching the records folder itself if it appeared unseen.
   */
  private async refreshRecords(entry: FolderStore, path: string): Promise<void> {
    const root = entry.store.root;
    let names: string[];
    try {
      names = await readdir(root);
    } catch {
      return; // No records folder yet (or unreadable): nothing recorded to show.
    }
    if (entry.watching !== root) await this.watchRecords(entry);
    const own = entry.store.blocksForFile(path).map((record) => `${record.id}.json`);
    const unknown = names.filter((name) => name.endsWith('.json') && !entry.store.get(name.slice(0, -'.json'.length)));
    for (const name of new Set([...own, ...unknown])) {
      const outcome = await entry.store.reloadFile(join(root, name));
      if (outcome.kind === 'corrupt') this.log.warn(`Provenance record left untouched: ${outcome.problem.file}: ${outcome.problem.message}`);
      else if (outcome.kind === 'updated' && recordPath(outcome.record) !== path) this.changeEmitter.fire(vscode.Uri.joinPath(entry.folder.uri, recordPath(outcome.record)));
    }
  }

  /**
   * Places recorded blocks in the document by content: exact line hashes first, then fuzzy, else
   * the block is reported lost (kept on disk, never moved onto the wrong code).
   */
  private anchorRecords(state: DocumentState, document: vscode.TextDocument, records: readonly ProvenanceRecord[], why: string): void {
    const hashes = new Map<string, readonly string[]>();
    const blocks = records.map((record) => {
      hashes.set(record.id, record.metadata.comprehension.lineHashes);
      state.editKinds.set(record.id, record.metadata.comprehension.editKind);
      return blockFromRecord(record);
    });
    // Blocks already tracked keep their lines (added moments ago and not yet written, or moved since
    // their record was written), except that a certain record replaces a likely guess (the ledger's rule).
    const known = new Set(records.map((record) => record.id));
    const admitted = admitRecordedBlocks(state.tracker.toBlocks().filter((block) => !known.has(block.id)), blocks);
    state.tracker.setBlocks(admitted.blocks);
    for (const block of admitted.displaced) {
      this.log.info(`Provenance: likely block ${block.id} of ${state.path} (lines ${block.startLine}-${block.endLine}) replaced by a certain record.`);
      state.editKinds.delete(block.id);
      this.track(state.folder.ledger.remove(block.id));
    }
    const result = state.tracker.reanchor(document.getText(), hashes);
    for (const lost of result.lost) {
      this.log.warn(`Provenance: block ${lost.id} of ${state.path} (lines ${lost.startLine}-${lost.endLine}) not found after the file was ${why}; kept as lost.`);
    }
    for (const [id, found] of result.results) {
      if (found.kind === 'fuzzy') this.log.info(`Provenance: block ${id} of ${state.path} found again by similarity (${Math.round(found.similarity * 100)}%).`);
    }
    // Records whose place or state changed are rewritten; lost ones are flagged, not deleted.
    if (result.lost.length > 0) this.track(state.folder.ledger.markLost(result.lost.map((block) => block.id)));
    this.schedulePersist(state);
    this.changeEmitter.fire(state.uri);
  }

  // ---- edits ----

  private onActiveEditor(editor: vscode.TextEditor | undefined): void {
    const previous = this.activeUri && vscode.workspace.textDocuments.find((document) => document.uri.toString() === this.activeUri);
    if (previous) this.snapshots.becameBackground(previous);
    this.activeUri = editor?.document.uri.toString();
    if (editor) this.snapshots.becameActive(editor.document);
  }

  private onSaved(document: vscode.TextDocument): void {
    const state = this.documents.get(document.uri.toString());
    if (!state) return;
    state.cleanVersion = document.version;
    state.cleanText = document.getText();
  }

  private onChange(event: vscode.TextDocumentChangeEvent): void {
    if (event.contentChanges.length === 0) return;
    const key = event.document.uri.toString();
    const replaced = key === this.activeUri ? [] : this.snapshots.replacedTexts(event);
    const state = this.documents.get(key);
    if (!state) return;

    // VS Code reloads a clean document from disk as an ordinary minimal edit, and `isDirty` is not
    // yet updated when the change event fires. So the first change after a clean state is applied
    // like any edit and then checked against the file on disk (once per save, never per keystroke).
    const firstSinceClean = event.reason === undefined && event.document.uri.scheme === 'file' && event.document.version === state.cleanVersion + 1;
    const textAtEvent = firstSinceClean ? event.document.getText() : undefined;

    const changes: TextChange[] = event.contentChanges.map((change) => ({
      range: { start: change.range.start, end: change.range.end },
      text: change.text,
    }));
    const undone = event.reason === vscode.TextDocumentChangeReason.Undo ? this.undoneBlocks(state, event) : undefined;
    const applied = state.tracker.applyChanges(changes);
    const reverted = undone ? this.removeUndone(state, undone) : event.reason === vscode.TextDocumentChangeReason.Redo && this.restoreRedone(state, event);
    const attribution = this.detector.classify(event, this.activeUri, vscode.window.state.focused, replaced);
    const before = attribution ? new Set(state.tracker.toBlocks().map((block) => block.id)) : undefined;
    const added = attribution ? this.attribute(state, event.document, attribution, !firstSinceClean) : [];
    if (before) this.rememberInsertion(state, event.document, event.contentChanges, added, before);
    if (!attribution && key === this.activeUri && event.reason === undefined) {
      const large = insertedRanges(event.contentChanges).filter((range) => range.end - range.start + 1 >= this.settings.pasteMinLines);
      if (large.length === 1) this.track(this.checkPaste(state, event.document, event.document.version, large[0], event.contentChanges));
    }
    if (textAtEvent !== undefined) {
      this.track(this.settleFirstChange(state, event.document, event.document.version, textAtEvent, applied.dropped, added, attribution, Date.now()));
    } else {
      this.dropRecords(state, applied.dropped);
    }
    if (applied.changed || added.length > 0 || reverted) {
      this.schedulePersist(state);
      this.changeEmitter.fire(state.uri);
    }
  }

  /** An attributed insertion created blocks: remembered so that undo can take them away again. */
  private rememberInsertion(state: DocumentState, document: vscode.TextDocument, changes: readonly vscode.TextDocumentContentChangeEvent[], added: readonly Block[], before: ReadonlySet<string>): void {
    const created = added.filter((block) => !before.has(block.id)).map((block) => block.id);
    if (created.length > 0) state.history.inserted(document.getText(), changes, created);
  }

  /**
   * Before an undo is applied: the blocks of the attributed insertion it reverts (as they are now,
   * on the lines of the text the insertion left), or undefined when it reverts none.
   */
  private undoneBlocks(state: DocumentState, event: vscode.TextDocumentChangeEvent): { blocks: UndoneBlock[]; commit: (blocks: UndoneBlock[]) => void } | undefined {
    const match = state.history.undoes(event.contentChanges, event.document.getText());
    const blocks = match.blockIds.flatMap((id) => {
      const block = state.tracker.get(id);
      return block ? [{ block, editKind: state.editKinds.get(id) ?? 'unknown', record: state.folder.store.get(id) }] : [];
    });
    return blocks.length > 0 ? { blocks, commit: match.commit } : undefined;
  }

  /** The undo took the insertion's text away: its blocks go too, kept (with their records) for a redo. */
  private removeUndone(state: DocumentState, undone: { blocks: UndoneBlock[]; commit: (blocks: UndoneBlock[]) => void }): boolean {
    for (const { block } of undone.blocks) {
      state.tracker.removeBlock(block.id);
      this.log.info(`Provenance: block ${block.id} of ${state.path} removed: the insertion that made it was undone.`);
      this.track(state.folder.ledger.remove(block.id));
    }
    undone.commit(undone.blocks);
    return true;
  }

  /** A redo put an undone insertion back: its blocks come back with the same ids (their notes still belong to them). */
  private restoreRedone(state: DocumentState, event: vscode.TextDocumentChangeEvent): boolean {
    const redone = state.history.redoes(event.contentChanges, event.document.getText());
    for (const { block, editKind, record } of redone) {
      if (block.endLine > event.document.lineCount) continue;
      const { id, source, confidence, agent, model, createdAt, modified } = block;
      state.tracker.addBlock(block.startLine, block.endLine, { id, source, confidence, agent, model, createdAt, modified });
      state.editKinds.set(id, editKind);
      if (record) this.track(state.folder.ledger.write([record]));
      this.log.info(`Provenance: block ${id} of ${state.path} restored: the insertion that made it was redone.`);
    }
    return redone.length > 0;
  }

  /**
   * A large insertion into the focused editor that equals the clipboard is a paste. Reading the
   * clipboard (once, only for such insertions, only to compare) catches Ctrl+V, the context menu and
   * the browser's native paste alike, without taking over the paste key.
   */
  private async checkPaste(
    state: DocumentState,
    document: vscode.TextDocument,
    version: number,
    range: { start: number; end: number; text: string },
    changes: readonly vscode.TextDocumentContentChangeEvent[],
  ): Promise<void> {
    const clipboard = await Promise.resolve(vscode.env.clipboard.readText()).catch(() => '');
    const normalize = (text: string) => text.replace(/\r\n?/g, '\n').trim();
    if (!clipboard || normalize(clipboard) !== normalize(range.text) || document.version !== version) return;
    const paste: Attribution = { source: 'paste', confidence: 'certain', editKind: 'paste', ranges: [range], signal: 'inserted text equals the clipboard' };
    const before = new Set(state.tracker.toBlocks().map((block) => block.id));
    this.rememberInsertion(state, document, changes, this.attribute(state, document, paste, true), before);
    this.schedulePersist(state);
    this.changeEmitter.fire(state.uri);
  }

  private dropRecords(state: DocumentState, dropped: readonly Block[]): void {
    for (const block of dropped) {
      this.log.info(`Provenance: block ${block.id} of ${state.path} removed: its lines were deleted.`);
      this.track(state.folder.ledger.remove(block.id));
    }
  }

  /**
   * Decides whether the first change after a clean state was VS Code reloading the file from disk
   * (another process wrote it, or git checked out another version), and acts on it.
   */
  private async settleFirstChange(
    state: DocumentState,
    document: vscode.TextDocument,
    version: number,
    textAtEvent: string,
    dropped: readonly Block[],
    added: readonly Block[],
    attribution: Attribution | undefined,
    reloadAt: number,
  ): Promise<void> {
    const disk = await readFile(document.uri.fsPath, 'utf8').catch(() => undefined);
    const reloaded = disk === textAtEvent && state.cleanVersion < version;
    if (!reloaded) {
      this.dropRecords(state, dropped);
      if (attribution) this.announce(state, attribution, added);
      return;
    }
    // A reload: what the inferred signals guessed for this change is replaced by the reload's own
    // reading, and blocks whose lines the new text lacks are kept as lost, not deleted.
    for (const block of added) state.tracker.removeBlock(block.id);
    const before = state.cleanText;
    state.cleanVersion = version;
    state.cleanText = textAtEvent;
    if (dropped.length > 0) this.track(state.folder.ledger.markLost(dropped.map((block) => block.id)));
    this.anchorRecords(state, document, state.folder.store.blocksForFile(state.path), 'reloaded from disk');
    if (!this.settings.detectLikely || before === textAtEvent) return;
    // A checkout or pull puts the committed text back: not an agent's write.
    if ((await showHead(state.folder.folder.uri.fsPath, state.path)) === textAtEvent) return;
    // Stash, stash pop, rebase, merge, cherry-pick and reset write other text, but they move HEAD, a
    // ref or the index around the same moment; the last of those writes can come after the reload.
    await new Promise((done) => setTimeout(done, GIT_RELOAD_WINDOW.afterMs));
    if (state.folder.gitActivity.explains(reloadAt)) {
      this.log.info(`Provenance: ${state.path} reloaded while git changed HEAD, a ref or the index: git's write, not an agent's.`);
      return;
    }
    if (document.version !== version) return; // Edited meanwhile: the lines computed below would be off.
    const ranges = changedLineRanges(before, textAtEvent)
      .map((range) => ({ start: range.startLine - 1, end: range.endLine - 1, text: linesOf(document, range.startLine - 1, range.endLine - 1) }))
      .filter((range) => range.text.split('\n').filter((line) => line.trim()).length >= 2);
    if (ranges.length === 0) return;
    const diskWrite: Attribution = { source: 'agent-write', confidence: 'likely', editKind: 'agent-write', ranges, signal: 'file rewritten on disk by another process' };
    this.announce(state, diskWrite, this.attribute(state, document, diskWrite, true));
    this.schedulePersist(state);
    this.changeEmitter.fire(state.uri);
  }

  /** Adds blocks for an attribution; announces them now, or later when `announceNow` is false. */
  private attribute(state: DocumentState, document: vscode.TextDocument, attribution: Attribution, announceNow: boolean): Block[] {
    const blocks: Block[] = [];
    for (const range of attribution.ranges) {
      if (yieldsToCertain(attribution.confidence, range.start + 1, range.end + 1, state.tracker.toBlocks())) continue;
      const block = this.addBlock(state, document, range.start, range.end, attribution);
      if (block) blocks.push(block);
    }
    if (announceNow) this.announce(state, attribution, blocks);
    return blocks;
  }

  private announce(state: DocumentState, attribution: Attribution, blocks: readonly Block[]): void {
    attribution.ranges.forEach((range, index) => {
      const block = blocks[index] ?? state.tracker.blockAtLine(range.start + 1);
      if (!block || !state.tracker.get(block.id)) return;
      this.log.info(`Provenance: ${attribution.source} (${attribution.confidence}) at ${state.path}:${range.start + 1}-${range.end + 1} — ${attribution.signal}.`);
      this.insertionEmitter.fire({ uri: state.uri, block, source: attribution.source, confidence: attribution.confidence, editKind: attribution.editKind, agent: attribution.agent, text: range.text, at: Date.now() });
    });
  }

  private addBlock(
    state: DocumentState,
    document: vscode.TextDocument,
    start: number,
    end: number,
    meta: { source: BlockSource; confidence: BlockConfidence; editKind: EditKind; agent?: string; model?: string },
  ): Block | undefined {
    const last = Math.min(end, document.lineCount - 1);
    if (start > last) return undefined;
    const result = state.tracker.addBlock(start + 1, last + 1, { source: meta.source, confidence: meta.confidence, agent: meta.agent, model: meta.model });
    state.editKinds.set(result.block.id, meta.editKind);
    for (const removed of result.removed) {
      if (removed.id !== result.block.id) this.track(state.folder.ledger.remove(removed.id));
    }
    this.schedulePersist(state);
    this.changeEmitter.fire(state.uri);
    return result.block;
  }

  // ---- persistence ----

  private schedulePersist(state: DocumentState): void {
    const key = state.uri.toString();
    const existing = this.persistTimers.get(key);
    if (existing) clearTimeout(existing);
    this.persistTimers.set(
      key,
      setTimeout(() => {
        this.persistTimers.delete(key);
        this.persist(state);
      }, PERSIST_DELAY_MS),
    );
  }

  /** Writes the records of blocks whose place, text or flags changed since they were last written. */
  private persist(state: DocumentState): void {
    const document = vscode.workspace.textDocuments.find((candidate) => candidate.uri.toString() === state.uri.toString());
    if (!document) return;
    const blocks: BlockState[] = state.tracker
      .toBlocks()
      .filter((block) => block.endLine <= document.lineCount)
      .map((block) => ({ block, lines: linesOf(document, block.startLine - 1, block.endLine - 1).split('\n'), editKind: state.editKinds.get(block.id) ?? 'unknown' }));
    this.track(state.folder.ledger.persistBlocks(state.path, blocks));
  }

  private track(promise: Promise<unknown>): void {
    const tracked = promise.then(
      () => undefined,
      (error: Error) => this.log.error(`Provenance: could not write a record: ${error.message}`),
    );
    this.pendingPersists.add(tracked);
    void tracked.finally(() => this.pendingPersists.delete(tracked));
  }

  /**
   * Watches the records folder for files other processes write (the CLI, agent hooks, other windows).
   * Node's watcher on the folder itself, not VS Code's workspace watcher: in a folder created after
   * the window opened (a project's first record usually comes from an agent hook or the CLI) the
   * workspace watcher was seen to miss every later file. Until the folder exists, the nearest
   * existing folder above it is watched for the next folder on the way down to appear; then the
   * folder is read whole (files written right after their folder was created come before any
   * watcher sees them) and watched directly.
   */
  private async watchRecords(entry: FolderStore): Promise<void> {
    const root = entry.store.root;
    entry.watcher?.close();
    entry.watcher = undefined;
    entry.watching = undefined;
    let watched = root;
    while (!(await isDirectory(watched))) {
      const parent = dirname(watched);
      if (parent === watched) return;
      watched = parent;
    }
    const next = watched === root ? undefined : relative(watched, root).split(sep)[0];
    try {
      entry.watcher = watch(watched, { persistent: false }, (_event, name) => {
        if (name === null) return;
        if (next === undefined) {
          if (name.endsWith('.json')) void this.onRecordFileChanged(entry, vscode.Uri.file(join(root, name)));
          // The folder itself went away (a checkout, `git clean`): wait for it to come back.
          else if (name === basename(root)) void this.watchRecords(entry);
        } else if (name === next) {
          void this.onRecordFolderCreated(entry);
        }
      });
      entry.watcher.on('error', (error) => this.log.warn(`Provenance: stopped watching ${watched}: ${error.message}`));
      entry.watching = watched;
    } catch (error) {
      this.log.warn(`Provenance: cannot watch ${watched} for records written outside this window: ${(error as Error).message}`);
      return;
    }
    // The next folder may have appeared while this looked for the nearest existing one (`mkdir -p`
    // of the CLI's first record runs in the same instant): its creation came before the watcher, so
    // go down now rather than wait for an event that already passed.
    if (next !== undefined && (await isDirectory(join(watched, next)))) await this.onRecordFolderCreated(entry);
  }

  /**
   * Watches the folder's git state (HEAD, the index, refs and their logs) so that a reload git caused
   * is not taken for an agent's write. Plain watchers of a few fixed folders, not a recursive one:
   * the ref of the current branch and the stash are found there, and HEAD's log moves on any commit.
   */
  private async watchGit(entry: FolderStore): Promise<void> {
    for (const watcher of entry.gitWatchers) watcher.close();
    entry.gitWatchers = [];
    const root = entry.folder.uri.fsPath;
    const dirs = await git(root, ['rev-parse', '--absolute-git-dir', '--git-common-dir'], { timeout: 10000 }).then(
      (out) => out.split('\n').filter(Boolean).map((line) => resolve(root, line.trim())),
      () => [] as string[], // Not a repository (or no git): nothing git does can reload a file here.
    );
    for (const gitDir of new Set(dirs)) {
      for (const sub of ['', 'refs', 'refs/heads', 'logs', 'logs/refs', 'logs/refs/heads']) {
        const folder = join(gitDir, ...sub.split('/').filter(Boolean));
        if (!(await isDirectory(folder))) continue;
        try {
          const watcher = watch(folder, { persistent: false }, (_event, name) => {
            if (name !== null) entry.gitActivity.changed(sub ? `${sub}/${name}` : name);
          });
          watcher.on('error', () => watcher.close());
          entry.gitWatchers.push(watcher);
        } catch (error) {
          this.log.warn(`Provenance: cannot watch ${folder}; a git stash or rebase may be taken for an agent's write: ${(error as Error).message}`);
        }
      }
    }
  }

  /** The records folder (or a parent) appeared: every record in it is new; then watch it directly. */
  private async onRecordFolderCreated(entry: FolderStore): Promise<void> {
    await this.watchRecords(entry);
    let names: string[];
    try {
      names = await readdir(entry.store.root);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // `.comprehension/` without records yet
      this.log.warn(`Provenance: cannot list ${entry.store.root}: ${(error as Error).message}`);
      return;
    }
    for (const name of names.filter((candidate) => candidate.endsWith('.json')).sort()) {
      await this.onRecordFileChanged(entry, vscode.Uri.file(join(entry.store.root, name)));
    }
  }

  private async onRecordFileChanged(entry: FolderStore, file: vscode.Uri): Promise<void> {
    const outcome = await entry.store.reloadFile(file.fsPath);
    if (outcome.kind === 'ignored') return;
    if (outcome.kind === 'corrupt') {
      this.log.warn(`Provenance record left untouched: ${outcome.problem.file}: ${outcome.problem.message}`);
      return;
    }
    const record = outcome.kind === 'updated' ? outcome.record : outcome.record;
    if (!record) return;
    const path = recordPath(record);
    const document = vscode.workspace.textDocuments.find((candidate) => this.locate(candidate.uri)?.path === path && this.locate(candidate.uri)?.folder === entry);
    const state = document && this.documents.get(document.uri.toString());
    if (state && document) {
      if (outcome.kind === 'removed') state.tracker.removeBlock(outcome.id);
      else if (!sameOrigin(state.tracker.get(record.id), record)) this.anchorRecords(state, document, [record], 'marked from outside');
      this.changeEmitter.fire(state.uri);
    } else {
      this.changeEmitter.fire(vscode.Uri.joinPath(entry.folder.uri, path));
    }
  }

  private async onRename(event: vscode.FileRenameEvent): Promise<void> {
    for (const { oldUri, newUri } of event.files) {
      const from = this.locate(oldUri);
      const to = this.locate(newUri);
      if (!from || !to || from.folder !== to.folder) continue;
      // A folder rename moves every file below it.
      const moved = await from.folder.ledger.renameFile(from.path, to.path);
      for (const path of new Set(moved.map(recordPath))) this.log.info(`Provenance: ${from.path} renamed to ${to.path}; the blocks of ${path} follow.`);
      const state = this.documents.get(oldUri.toString());
      const opened = this.documents.get(newUri.toString());
      if (state && !opened) {
        this.documents.delete(oldUri.toString());
        state.path = to.path;
        state.uri = newUri;
        this.documents.set(newUri.toString(), state);
      } else if (opened) {
        // VS Code may open the document under its new name before the records were moved: place
        // them now, or the renamed file would show no blocks until it is reopened.
        const document = vscode.workspace.textDocuments.find((candidate) => candidate.uri.toString() === newUri.toString());
        if (document) this.anchorRecords(opened, document, to.folder.store.blocksForFile(to.path), 'renamed');
      }
      this.changeEmitter.fire(newUri);
    }
  }

  dispose(): void {
    void this.flush();
    for (const entry of this.folders.values()) disposeWatchers(entry);
    for (const disposable of this.disposables) disposable.dispose();
    this.changeEmitter.dispose();
    this.insertionEmitter.dispose();
    this.recordsFoldersEmitter.dispose();
  }
}

function linesOf(document: vscode.TextDocument, start: number, end: number): string {
  const lines: string[] = [];
  for (let line = start; line <= end && line < document.lineCount; line++) lines.push(document.lineAt(line).text);
  return lines.join('\n');
}


/**
 * Whether a tracked block already says what its record says about where it came from. A record
 * another process rewrote with a new origin (a likely guess the agent's hook made certain) is placed
 * again; one that only moved is not (the tracker follows edits the record has not seen yet).
 */
function sameOrigin(block: Block | undefined, record: ProvenanceRecord): boolean {
  if (!block) return false;
  const recorded = blockFromRecord(record);
  return block.confidence === recorded.confidence && block.source === recorded.source && block.agent === recorded.agent && block.model === recorded.model;
}

function disposeWatchers(entry: FolderStore): void {
  entry.watcher?.close();
  entry.watcher = undefined;
  entry.watching = undefined;
  for (const watcher of entry.gitWatchers) watcher.close();
  entry.gitWatchers = [];
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false; // Missing (or unreadable): treated as not there yet.
  }
}
