import * as vscode from 'vscode';
import { notePathFor } from '../../core/notes/note-file';
import type { Block } from '../../core/provenance/block';
import { SIGN_OFF_REQUEST, type SignOffResult } from '../../shared/protocol';
import type { NotesModel, NotesServer } from './model';

/** The block to sign off, with its document and workspace place. */
export interface SignOffTarget {
  document: vscode.TextDocument;
  block: Block;
  folder: vscode.WorkspaceFolder;
  /** Workspace-relative path of the block's file. */
  path: string;
}

/**
 * "Review and Sign Off AI Block": shows the note beside the code, asks the language server whether
 * the current git identity may sign (a refusal is shown with its reason), asks for confirmation,
 * then has the server record the sign-off. The client shows and asks; core, through the server,
 * decides (the same rules as `comprehension review FILE:LINE`). Resolves true when signed.
 */
export async function reviewAndSignOff(
  target: SignOffTarget,
  model: Pick<NotesModel, 'noteText' | 'forgetNote' | 'assessFile'>,
  server: Pick<NotesServer, 'request'>,
  log: vscode.LogOutputChannel,
): Promise<boolean> {
  const { document, block, folder, path } = target;
  const where = `${path}:${block.startLine}`;
  const refuse = (reason: string): false => {
    void vscode.window.showErrorMessage(`Cannot sign off the AI block at ${where}: ${reason}`);
    return false;
  };
  if ((await model.noteText(folder, block.id)) === undefined) return refuse('it has no note yet; its author writes one first ("Explain this AI block").');

  const noteUri = vscode.Uri.joinPath(folder.uri, notePathFor(block.id));
  // The server signs the note file on disk: unsaved edits would be signed unseen or overwritten.
  const open = vscode.workspace.textDocuments.find((candidate) => candidate.uri.toString() === noteUri.toString());
  if (open?.isDirty && !(await open.save())) return refuse(`${notePathFor(block.id)} has unsaved changes that could not be saved.`);

  // What is signed, side by side: the block in its file and the note beside it.
  const code = await vscode.window.showTextDocument(document, { preview: false });
  const range = new vscode.Range(block.startLine - 1, 0, Math.max(block.startLine - 1, block.endLine - 1), 0);
  code.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  await vscode.window.showTextDocument(noteUri, { viewColumn: vscode.ViewColumn.Beside, preview: false, preserveFocus: true });

  const ask = async (dryRun: boolean): Promise<SignOffResult> => {
    try {
      return await server.request(SIGN_OFF_REQUEST, { uri: document.uri.toString(), block, dryRun });
    } catch (error) {
      return { ok: false, reason: (error as Error).message };
    }
  };
  const allowed = await ask(true);
  if (!allowed.ok) return refuse(allowed.reason);
  if (!(await confirmSignOff(where, allowed.signer, allowed.basis, allowed.notRequired))) return false;

  const signed = await ask(false);
  if (!signed.ok) return refuse(signed.reason);
  log.info(`Notes: ${signed.signer} signed off ${where} (${signed.notePath}).`);
  model.forgetNote(folder, block.id);
  await model.assessFile(document.uri);
  void vscode.window.showInformationMessage(`Signed off the AI block at ${where} as ${signed.signer}.`);
  return true;
}

/**
 * Asks before signing, in a quick pick that stays open when focus moves to the note (the reviewer
 * reads it first) and needs an explicit choice. Not a modal dialog: VS Code refuses those in its
 * extension test host, and this confirmation is what the integration test drives. True when confirmed.
 */
async function confirmSignOff(where: string, signer: string, basis: string, notRequired: string | undefined): Promise<boolean> {
  const sign: vscode.QuickPickItem = {
    label: '$(pass) Sign Off',
    description: `as ${signer}`,
    detail: `${basis}. The sign-off records the block as it is now; it no longer counts once the block changes.${notRequired ? ` Note: ${notRequired}.` : ''}`,
  };
  const cancel: vscode.QuickPickItem = { label: '$(close) Cancel', description: 'read the note again, or leave it to someone else' };
  const choice = await vscode.window.showQuickPick([sign, cancel], {
    title: `Sign off the AI block at ${where} and its note (beside the code)?`,
    placeHolder: 'You have read the note and the code it explains',
    ignoreFocusOut: true,
  });
  return choice === sign;
}
