import * as vscode from 'vscode';
import { type CommandHandlers, Commands } from '../commands';
import type { ProvenanceController } from './controller';

/**
 * Inline-suggestion accept commands we put in front of VS Code's own (through keybindings with the
 * same `when` clauses): each runs the real command and attributes exactly the text it inserted.
 * Other extensions' inline completion providers keep working: the accept itself is VS Code's.
 */
export const ACCEPT_COMMANDS = [
  { ours: Commands.inlineSuggestCommit, real: 'editor.action.inlineSuggest.commit', editKind: 'tab-completion' },
  { ours: Commands.inlineSuggestAcceptNextWord, real: 'editor.action.inlineSuggest.acceptNextWord', editKind: 'accept-word' },
  { ours: Commands.inlineSuggestAcceptNextLine, real: 'editor.action.inlineSuggest.acceptNextLine', editKind: 'accept-line' },
] as const;

/** The accept, mark and unmark commands. */
export function provenanceCommands(provenance: ProvenanceController): CommandHandlers {
  const handlers: CommandHandlers = {
    [Commands.markSelectionAsAi]: async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor) return undefined;
      const { start, end } = editor.selection;
      // A selection ending at column 0 of a line does not include that line.
      const last = end.character === 0 && end.line > start.line ? end.line - 1 : end.line;
      const agent = await vscode.window.showInputBox({ title: 'Mark as AI-written', prompt: 'Which assistant wrote it? (optional)', placeHolder: 'e.g. Copilot, Claude Code' });
      if (agent === undefined) return undefined;
      return provenance.markLines(editor.document, start.line, last, { agent: agent.trim() || undefined });
    },
    // For other extensions, agents and tests: mark 0-based lines of a file as AI-written.
    [Commands.markLines]: async (target: vscode.Uri | string, startLine: number, endLine: number, meta?: { agent?: string; model?: string }) => {
      const uri = typeof target === 'string' ? vscode.Uri.parse(target) : target;
      const document = await vscode.workspace.openTextDocument(uri);
      return provenance.markLines(document, startLine, endLine, meta ?? {});
    },
    [Commands.unmarkBlock]: async (target?: { uri: vscode.Uri | string; blockId: string }) => {
      // From a hover link the URI arrives as a string.
      let uri = typeof target?.uri === 'string' ? vscode.Uri.parse(target.uri) : target?.uri;
      let blockId = target?.blockId;
      if (!uri || !blockId) {
        const editor = vscode.window.activeTextEditor;
        if (!editor) return false;
        uri = editor.document.uri;
        const line = editor.selection.active.line + 1;
        blockId = (await provenance.getBlocks(uri)).find((block) => block.startLine <= line && line <= block.endLine)?.id;
        if (!blockId) {
          void vscode.window.showInformationMessage('The cursor is not in an AI block.');
          return false;
        }
      }
      return provenance.unmark(uri, blockId);
    },
  };
  for (const { ours, real, editKind } of ACCEPT_COMMANDS) handlers[ours] = (...args: unknown[]) => provenance.runAttributed(editKind, real, ...args);
  return handlers;
}
