import * as vscode from 'vscode';
import type { ActivityEvent } from '../../core/practice';
import { classifyDocumentChange } from '../../core/practice/typing';

/** Document schemes whose edits are the user's work (not output panes, settings, diffs or our own views). */
const WORK_SCHEMES = new Set(['file', 'untitled', 'vscode-remote', 'vscode-notebook-cell']);
/** Selection events come in bursts (dragging, holding an arrow key); one per this many ms is plenty. */
const SELECTION_THROTTLE_MS = 1000;

/** How a file is named in the history: workspace-relative when it is in the workspace. */
export function practiceFileName(uri: vscode.Uri): string {
  if (uri.scheme === 'untitled') return `untitled:${uri.path}`;
  const relative = vscode.workspace.asRelativePath(uri, false);
  return relative === uri.fsPath || relative === uri.toString() ? uri.toString() : relative;
}

/**
 * Feeds editor activity to the practice accounting while a session runs: typing and edits in the
 * editors the user works in (changes to documents in no visible editor — an agent or a refactoring
 * writing in the background — are not the user's presence), selections, editor and window focus,
 * saves. Heartbeat-style: the accounting decides what counts as active time.
 */
export class ActivityTracker implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];
  private lastSelectionAt = 0;

  constructor(
    private readonly report: (event: ActivityEvent) => void,
    private readonly isTracking: () => boolean,
    private readonly now: () => number = Date.now,
  ) {
    this.subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((event) => this.onDocumentChange(event)),
      vscode.window.onDidChangeTextEditorSelection((event) => this.onSelection(event)),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor) this.emit({ at: this.now(), kind: 'focus', file: this.fileOf(editor.document) });
      }),
      vscode.window.onDidChangeWindowState((state) => this.emit({ at: this.now(), kind: state.focused ? 'focus' : 'blur' })),
      vscode.workspace.onDidSaveTextDocument((document) => this.emit({ at: this.now(), kind: 'save', file: this.fileOf(document) })),
    );
  }

  private fileOf(document: vscode.TextDocument): string | undefined {
    return WORK_SCHEMES.has(document.uri.scheme) ? practiceFileName(document.uri) : undefined;
  }

  private emit(event: ActivityEvent): void {
    if (this.isTracking()) this.report(event);
  }

  private onDocumentChange(event: vscode.TextDocumentChangeEvent): void {
    if (!this.isTracking() || !WORK_SCHEMES.has(event.document.uri.scheme)) return;
    if (!vscode.window.visibleTextEditors.some((editor) => editor.document === event.document)) return;
    const undoOrRedo = event.reason === vscode.TextDocumentChangeReason.Undo || event.reason === vscode.TextDocumentChangeReason.Redo;
    const change = classifyDocumentChange(event.contentChanges, undoOrRedo);
    if (!change) return;
    this.emit({ at: this.now(), kind: change.kind, file: this.fileOf(event.document), typedChars: change.chars, typedLines: change.lines });
  }

  private onSelection(event: vscode.TextEditorSelectionChangeEvent): void {
    if (!WORK_SCHEMES.has(event.textEditor.document.uri.scheme)) return;
    const at = this.now();
    if (at - this.lastSelectionAt < SELECTION_THROTTLE_MS) return;
    this.lastSelectionAt = at;
    this.emit({ at, kind: 'selection' });
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
