import * as vscode from 'vscode';
import { notePathFor, writeNoteFile } from '../../core/notes/note-file';
import type { Block } from '../../core/provenance/block';
import type { NoteReview } from '../../core/notes/review';
import { confirmReview } from './review';
import { MARK_REVIEWED_REQUEST, NEW_NOTE_REQUEST } from '../../shared/protocol';
import { type CommandHandlers, Commands } from '../commands';
import type { ProvenanceService } from '../provenance/events';
import { locateInWorkspace, type NotesModel, type NotesServer } from './model';
import { reviewAndSignOff } from './sign-off';


/** The block a command is about, with its document and workspace place. */
interface Target {
  document: vscode.TextDocument;
  block: Block;
  folder: vscode.WorkspaceFolder;
  path: string;
}

/**
 * What a command may be given: `(uri, blockId)` from CodeLens, hovers and code actions (the URI as
 * a string from the latter two), a row of the AI Blocks view, or nothing (the block at the cursor).
 */
type TargetArgument = vscode.Uri | string | { uri: vscode.Uri | string; block?: Block; blockId?: string } | undefined;

/** The handlers of write, open and mark-reviewed (the language server's code actions run them too). */
export function noteCommands(
  provenance: Pick<ProvenanceService, 'getBlocks'>,
  model: NotesModel,
  server: Pick<NotesServer, 'request'>,
  log: vscode.LogOutputChannel,
): CommandHandlers {
  const commands = new NoteCommands(provenance, model, server, log);
  return {
    [Commands.notesWrite]: (target?: TargetArgument, blockId?: string) => commands.write(target, blockId),
    [Commands.notesOpen]: (target?: TargetArgument, blockId?: string) => commands.open(target, blockId),
    [Commands.notesMarkReviewed]: (target?: TargetArgument, blockId?: string) => commands.markReviewed(target, blockId),
    [Commands.notesSignOff]: (target?: TargetArgument, blockId?: string) => commands.signOff(target, blockId),
  };
}

class NoteCommands {
  constructor(
    private readonly provenance: Pick<ProvenanceService, 'getBlocks'>,
    private readonly model: NotesModel,
    private readonly server: Pick<NotesServer, 'request'>,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Creates the note from the template if it does not exist, and opens it beside the code. Resolves with its URI. */
  async write(argument: TargetArgument, blockId: string | undefined): Promise<vscode.Uri | undefined> {
    const target = await this.resolve(argument, blockId);
    if (!target) return undefined;
    const noteUri = noteUriOf(target);
    const existing = await this.model.noteText(target.folder, target.block.id);
    if (existing !== undefined) {
      await showNote(noteUri, false);
      return noteUri;
    }
    // The server writes the text with the same function as `comprehension note FILE:LINE`.
    let note: string;
    try {
      ({ text: note } = await this.server.request(NEW_NOTE_REQUEST, { uri: target.document.uri.toString(), block: target.block }));
    } catch (error) {
      void vscode.window.showErrorMessage(`The note could not be written: ${(error as Error).message}`);
      return undefined;
    }
    await writeNoteFile(target.folder.uri.fsPath, target.block.id, note);
    this.log.info(`Notes: created ${notePathFor(target.block.id)} for ${target.path} lines ${target.block.startLine}–${target.block.endLine}.`);
    this.model.forgetNote(target.folder, target.block.id);
    this.model.schedule(target.document.uri);
    await showNote(noteUri, true);
    return noteUri;
  }

  /** Opens the block's note beside the code; writes a new one when there is none. */
  async open(argument: TargetArgument, blockId: string | undefined): Promise<vscode.Uri | undefined> {
    const target = await this.resolve(argument, blockId);
    if (!target) return undefined;
    if ((await this.model.noteText(target.folder, target.block.id)) === undefined) return this.write(target.document.uri, target.block.id);
    const noteUri = noteUriOf(target);
    await showNote(noteUri, false);
    return noteUri;
  }

  /**
   * "The note is still true": records the current code, its hash and `reviewedAt` in the note
   * (adding headings for new block questions) and saves the note file. Resolves true when done.
   */
  async markReviewed(argument: TargetArgument, blockId: string | undefined): Promise<boolean> {
    const target = await this.resolve(argument, blockId);
    if (!target) return false;
    const noteUri = noteUriOf(target);
    const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === noteUri.toString());
    const noteText = open ? open.getText() : await this.model.noteText(target.folder, target.block.id);
    if (noteText === undefined) {
      await this.write(target.document.uri, target.block.id);
      return false;
    }
    let reviewed: string;
    let review: NoteReview | undefined;
    try {
      ({ text: reviewed, review } = await this.server.request(MARK_REVIEWED_REQUEST, { uri: target.document.uri.toString(), block: target.block, noteText }));
    } catch (error) {
      // An answer the code now contradicts: show the note, where that answer carries its diagnostic.
      await vscode.window.showTextDocument(noteUri, { viewColumn: vscode.ViewColumn.Beside, preview: false });
      void vscode.window.showErrorMessage(`The note cannot be marked as reviewed: ${(error as Error).message}`);
      return false;
    }
    if (review && !(await confirmReview(review, target.path))) {
      await vscode.window.showTextDocument(noteUri, { viewColumn: vscode.ViewColumn.Beside, preview: false });
      return false;
    }
    if (open) {
      // Edit the open note in place so its undo history and unsaved answers are kept.
      const edit = new vscode.WorkspaceEdit();
      edit.replace(noteUri, new vscode.Range(open.positionAt(0), open.positionAt(open.getText().length)), reviewed);
      if (!(await vscode.workspace.applyEdit(edit)) || !(await open.save())) {
        void vscode.window.showErrorMessage(`Could not save ${notePathFor(target.block.id)}.`);
        return false;
      }
    } else {
      await writeNoteFile(target.folder.uri.fsPath, target.block.id, reviewed);
    }
    this.model.forgetNote(target.folder, target.block.id);
    await this.model.assessFile(target.document.uri);
    return true;
  }

  /** "Review and Sign Off AI Block" (./sign-off). Resolves true when signed. */
  async signOff(argument: TargetArgument, blockId: string | undefined): Promise<boolean> {
    const target = await this.resolve(argument, blockId);
    return target ? reviewAndSignOff(target, this.model, this.server, this.log) : false;
  }

  private async resolve(argument: TargetArgument, blockId: string | undefined): Promise<Target | undefined> {
    let uri: vscode.Uri | undefined;
    let id = blockId;
    if (typeof argument === 'string') uri = vscode.Uri.parse(argument);
    else if (argument instanceof vscode.Uri) uri = argument;
    else if (argument && typeof argument === 'object') {
      uri = typeof argument.uri === 'string' ? vscode.Uri.parse(argument.uri) : argument.uri;
      id = argument.block?.id ?? argument.blockId ?? id;
    }
    let cursorLine: number | undefined;
    if (!uri) {
      const editor = vscode.window.activeTextEditor;
      if (!editor) {
        void vscode.window.showInformationMessage('Open a file and put the cursor in an AI block to write its note.');
        return undefined;
      }
      uri = editor.document.uri;
      cursorLine = editor.selection.active.line + 1;
    }
    const located = locateInWorkspace(uri);
    if (!located) {
      void vscode.window.showInformationMessage(
        cursorLine !== undefined ? 'The cursor is not in an AI block.' : 'Comprehension notes are kept for files in a workspace folder.',
      );
      return undefined;
    }
    const blocks = await this.provenance.getBlocks(uri);
    const block = id !== undefined ? blocks.find((candidate) => candidate.id === id) : blocks.find((candidate) => candidate.startLine <= cursorLine! && cursorLine! <= candidate.endLine);
    if (!block) {
      void vscode.window.showInformationMessage(id !== undefined ? 'That AI block is no longer in the file.' : 'The cursor is not in an AI block.');
      return undefined;
    }
    const document = await vscode.workspace.openTextDocument(uri);
    return { document, block, folder: located.folder, path: located.path };
  }
}

function noteUriOf(target: Target): vscode.Uri {
  return vscode.Uri.joinPath(target.folder.uri, notePathFor(target.block.id));
}

/** Opens a note beside the code; a new note gets its first hint selected, so typing replaces it. */
async function showNote(noteUri: vscode.Uri, selectFirstHint: boolean): Promise<vscode.TextEditor> {
  const editor = await vscode.window.showTextDocument(noteUri, { viewColumn: vscode.ViewColumn.Beside, preview: false });
  if (selectFirstHint) {
    const text = editor.document.getText();
    const hint = /<!-- Your answer[^\n]*?-->/.exec(text);
    if (hint) {
      const range = new vscode.Range(editor.document.positionAt(hint.index), editor.document.positionAt(hint.index + hint[0].length));
      editor.selection = new vscode.Selection(range.start, range.end);
      editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
  }
  return editor;
}
