import * as vscode from 'vscode';
import type { SuppressArguments } from '../shared/protocol';

/**
 * Inserts a `comprehension-ignore <rule> -- <reason>` comment above a finding. The reason is asked
 * for (a suppression without one is itself reported); tests and other extensions may pass it.
 */
export async function suppressWithReason(args: SuppressArguments, reason?: string): Promise<boolean> {
  const given =
    reason ??
    (await vscode.window.showInputBox({
      title: `Suppress ${args.ruleId}`,
      prompt: 'Why is this finding acceptable here? The reason is kept in the code for reviewers.',
      placeHolder: 'e.g. input is a constant from our own config, never user data',
      validateInput: (value) => (value.trim().length < 3 ? 'Give a short reason (a few words).' : undefined),
    }));
  if (!given?.trim()) return false;
  const uri = vscode.Uri.parse(args.uri);
  const edit = new vscode.WorkspaceEdit();
  const comment = `${args.indent}${args.commentPrefix} ${given.trim()}${args.commentSuffix}\n`;
  edit.insert(uri, new vscode.Position(args.line, 0), comment);
  return vscode.workspace.applyEdit(edit);
}
