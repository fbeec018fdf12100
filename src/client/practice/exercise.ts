import { randomUUID } from 'node:crypto';
import { extname } from 'node:path';
import * as vscode from 'vscode';
import { parseNote, readNoteFile } from '../../core/notes/note-file';
import { compareExercise, type ExerciseComparison } from '../../core/practice';
import type { Block } from '../../core/provenance/block';
import type { ProvenanceService } from '../provenance/events';
import type { PracticeController } from './controller';
import { renderNoteHtml } from '../../core/practice/note-html';
import { exerciseNoteMarkdown, exerciseReadiness } from '../../core/practice/note-view';
import { fromWireNoteState } from '../../shared/note-state-wire';
import { NOTE_STATES_REQUEST } from '../../shared/protocol';
import type { NotesServer } from '../notes/model';

/** Scheme of the read-only documents practice shows: the exercise's note, and the two sides of its diff. */
export const PRACTICE_SCHEME = 'comprehension-practice';
/** Context key set while an exercise runs (enables "Finish Exercise"). */
export const EXERCISE_CONTEXT_KEY = 'comprehension.practice.exerciseActive';
/** View type of the note shown beside the scratch editor. */
export const NOTE_VIEW_TYPE = 'comprehension.practiceNote';

/** Read-only virtual documents by path. */
export class PracticeDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changeEmitter.event;

  /** Stores a document and returns its URI. */
  put(path: string, content: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: PRACTICE_SCHEME, path });
    this.contents.set(uri.path, content);
    this.changeEmitter.fire(uri);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.path) ?? '';
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }
}

/** A running exercise. The original code is only in memory until the diff shows it. */
interface RunningExercise {
  id: string;
  blockId: string;
  uri: vscode.Uri;
  file: string;
  original: string;
  languageId: string;
  startedAt: number;
  scratch: vscode.TextDocument;
  noteUri: vscode.Uri;
}

/** Result of {@link ExerciseManager.start}. */
export type ExerciseStart =
  | { ok: true; exerciseId: string; blockId: string; scratchUri: vscode.Uri; noteUri: vscode.Uri; sessionId: string }
  | { ok: false; reason: string };

/** Result of {@link ExerciseManager.finish}. */
export type ExerciseFinish =
  | { ok: true; comparison: ExerciseComparison; recorded: boolean; originalUri: vscode.Uri; attemptUri: vscode.Uri }
  | { ok: false; reason: string };

/**
 * "Rewrite from your note": the user rewrites an AI block in an empty scratch editor with AI off,
 * reading only their comprehension note; Finish compares the attempt with the original, shows the
 * diff and records the attempt in the practice session.
 */
export class ExerciseManager implements vscode.Disposable {
  private current: RunningExercise | undefined;
  private notePanel: vscode.WebviewPanel | undefined;

  constructor(
    private readonly server: Pick<NotesServer, 'request'>,
    private readonly controller: PracticeController,
    private readonly provenance: Pick<ProvenanceService, 'getBlocks'>,
    private readonly documents: PracticeDocuments,
    private readonly extensionUri: vscode.Uri,
    private readonly inform: (message: string) => void,
    private readonly log: (lines: readonly string[]) => void,
    private readonly now: () => number = Date.now,
  ) {}

  get active(): boolean {
    return this.current !== undefined;
  }

  /** Starts an exercise for the block `blockId` of `uri`, or for the AI block at the cursor. */
  async start(target?: vscode.Uri | string, blockId?: string): Promise<ExerciseStart> {
    const fail = (reason: string): ExerciseStart => {
      this.inform(reason);
      return { ok: false, reason };
    };
    let uri = typeof target === 'string' ? vscode.Uri.parse(target) : target;
    let line: number | undefined;
    if (!uri) {
      const editor = vscode.window.activeTextEditor;
      if (!editor) return fail('Open a file and put the cursor in an AI block to rewrite it from its note.');
      uri = editor.document.uri;
      line = editor.selection.active.line + 1;
    }
    const document = await vscode.workspace.openTextDocument(uri);
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder || folder.uri.scheme !== 'file') return fail('Exercises work on files in a workspace folder: that is where comprehension notes are kept.');
    const root = folder.uri.fsPath;
    const file = vscode.workspace.asRelativePath(uri, false);

    const blocks = await this.provenance.getBlocks(uri);
    let block = blockId !== undefined ? blocks.find((candidate) => candidate.id === blockId) : blocks.find((candidate) => line !== undefined && candidate.startLine <= line && line <= candidate.endLine);
    if (!block && blockId === undefined) return fail('Put the cursor in an AI block (one flagged as AI-written) to rewrite it from its note.');
    const noteText = await readNoteFile(root, block?.id ?? blockId!);
    // Provenance may not know the block any more (its record was lost); the note records the code it explains.
    block ??= noteText !== undefined ? locateNotedBlock(blockId!, noteText, document) : undefined;
    if (!block) return fail(`There is no AI block ${blockId} in ${file}.`);

    // The note's state as the language server judges it (the one note assessment), for this block
    // even when provenance lost it.
    const judged = await this.server.request(NOTE_STATES_REQUEST, { uri: uri.toString(), blocks: [block] });
    const wire = judged.states.find((state) => state.block.id === block.id);
    if (!wire) return fail(`The comprehension policy ignores ${file}, so its blocks have no notes to rewrite from.`);
    const readiness = exerciseReadiness(fromWireNoteState(wire).status);
    const blockText = blockTextOf(document, block);
    if (!readiness.ready) return fail(readiness.reason);

    if (this.controller.state !== 'active') {
      const started = await this.controller.start();
      if (!started.ok) return fail(`The exercise needs a practice session (AI off): ${started.message}`);
    }
    const sessionId = this.controller.sessionId!;

    const id = randomUUID().slice(0, 8);
    const noteMarkdown = exerciseNoteMarkdown(noteText!, file);
    // Also as a read-only document, for "open as text" and for tests.
    const noteUri = this.documents.put(`/exercise-${id}/note-${safeName(block.id)}.md`, noteMarkdown);
    // The scratch editor takes the original's place in its column, so the original stays out of sight.
    const scratch = await vscode.workspace.openTextDocument({ language: document.languageId, content: '' });
    const scratchEditor = await vscode.window.showTextDocument(scratch, { viewColumn: vscode.ViewColumn.Active, preview: false });
    this.showNote(noteMarkdown, file, scratchEditor.viewColumn);

    this.current = { id, blockId: block.id, uri, file, original: blockText, languageId: document.languageId, startedAt: this.now(), scratch, noteUri };
    await vscode.commands.executeCommand('setContext', EXERCISE_CONTEXT_KEY, true);
    this.log([`Practice exercise started: rewrite block ${block.id} of ${file} from its note.`]);
    return { ok: true, exerciseId: id, blockId: block.id, scratchUri: scratch.uri, noteUri, sessionId };
  }

  /**
   * The note rendered in a view beside the scratch editor. A webview of our own rather than the
   * Markdown preview: the preview takes the focus when it finishes loading, away from the editor
   * the user is about to type in; this one opens without taking it, and runs no scripts.
   */
  private showNote(markdown: string, file: string, column: vscode.ViewColumn | undefined): vscode.WebviewPanel {
    this.notePanel?.dispose();
    const media = vscode.Uri.joinPath(this.extensionUri, 'media', 'practice');
    const panel = vscode.window.createWebviewPanel(
      NOTE_VIEW_TYPE,
      `Note: ${file.split('/').pop()}`,
      { viewColumn: column === undefined ? vscode.ViewColumn.Beside : column + 1, preserveFocus: true },
      { enableScripts: false, localResourceRoots: [media] },
    );
    const style = panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'note.css'));
    const csp = `default-src 'none'; style-src ${panel.webview.cspSource}; img-src ${panel.webview.cspSource}`;
    panel.webview.html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>Your note</title>
</head>
<body><article>${renderNoteHtml(markdown)}</article></body>
</html>`;
    this.notePanel = panel;
    panel.onDidDispose(() => {
      if (this.notePanel === panel) this.notePanel = undefined;
    });
    return panel;
  }

  /** Compares the scratch editor with the original, shows the diff, records the attempt. */
  async finish(): Promise<ExerciseFinish> {
    const exercise = this.current;
    if (!exercise) {
      const reason = 'No exercise is running. Start one with "Comprehension: Rewrite from Your Note" in an AI block.';
      this.inform(reason);
      return { ok: false, reason };
    }
    if (exercise.scratch.isClosed) {
      this.current = undefined;
      await vscode.commands.executeCommand('setContext', EXERCISE_CONTEXT_KEY, false);
      const reason = 'The exercise editor was closed, so there is no attempt to compare. Start the exercise again.';
      this.inform(reason);
      return { ok: false, reason };
    }
    const comparison = compareExercise({
      blockId: exercise.blockId,
      file: exercise.file,
      original: exercise.original,
      attempt: exercise.scratch.getText(),
      startedAt: exercise.startedAt,
      finishedAt: this.now(),
      languageId: exercise.languageId,
    });
    const recorded = this.controller.recordExercise(comparison.record);
    this.current = undefined;
    await vscode.commands.executeCommand('setContext', EXERCISE_CONTEXT_KEY, false);

    const extension = extname(exercise.uri.path);
    const originalUri = this.documents.put(`/exercise-${exercise.id}/original${extension}`, exercise.original);
    const attemptUri = this.documents.put(`/exercise-${exercise.id}/your-rewrite${extension}`, exercise.scratch.getText());
    const similarity = Math.round(comparison.similarity * 100);
    await vscode.commands.executeCommand('vscode.diff', originalUri, attemptUri, `Original ↔ Your Rewrite (${similarity}% similar)`, { preview: false });
    this.log([
      `Practice exercise finished: ${exercise.file} block ${exercise.blockId}: ${comparison.summary}${recorded ? '' : ' (not recorded: no practice session was running)'}`,
    ]);
    return { ok: true, comparison, recorded, originalUri, attemptUri };
  }

  dispose(): void {
    this.current = undefined;
    this.notePanel?.dispose();
  }
}

function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/** The code of a block: its whole lines, `\n`-joined. */
function blockTextOf(document: vscode.TextDocument, block: Pick<Block, 'startLine' | 'endLine'>): string {
  const lines: string[] = [];
  for (let line = block.startLine - 1; line <= block.endLine - 1 && line < document.lineCount; line++) lines.push(document.lineAt(line).text);
  return lines.join('\n');
}

/** Finds the code a note recorded in the document, as a block with the note's id and source. */
function locateNotedBlock(blockId: string, noteText: string, document: vscode.TextDocument): Block | undefined {
  const parsed = parseNote(noteText);
  const recorded = parsed.code?.text.replace(/\r\n?/g, '\n').replace(/\n+$/, '');
  const frontMatter = parsed.frontMatter;
  if (!recorded || !frontMatter) return undefined;
  const lines = document.getText().replace(/\r\n?/g, '\n').split('\n');
  const wanted = recorded.split('\n');
  for (let start = 0; start + wanted.length <= lines.length; start++) {
    if (wanted.every((text, offset) => lines[start + offset].trimEnd() === text.trimEnd())) {
      return {
        id: blockId,
        startLine: start + 1,
        endLine: start + wanted.length,
        source: frontMatter.source,
        confidence: 'likely',
        createdAt: frontMatter.createdAt,
        modified: false,
      };
    }
  }
  return undefined;
}
