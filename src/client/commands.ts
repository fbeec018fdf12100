import type * as vscode from 'vscode';
import { SHOW_RULE_RATIONALE_COMMAND } from '../core/rules/hover';
import { SUPPRESS_COMMAND } from '../shared/protocol';

/**
 * Every command id the extension registers or runs, spelled once (after rust-analyzer's
 * `editors/code` command table). The `contributes.commands` of package.json must list exactly the
 * ids here minus {@link INTERNAL_COMMANDS} (a unit test checks both ways). Ids the server also
 * puts in hovers and code actions live beside that code and are only referenced here.
 */
export const Commands = {
  restartServer: 'comprehension.restartServer',
  showOutput: 'comprehension.showOutput',
  suppressWithReason: SUPPRESS_COMMAND,
  markSelectionAsAi: 'comprehension.markSelectionAsAi',
  unmarkBlock: 'comprehension.unmarkBlock',
  toggleBlockDecorations: 'comprehension.toggleBlockDecorations',
  inlineSuggestCommit: 'comprehension.inlineSuggest.commit',
  inlineSuggestAcceptNextWord: 'comprehension.inlineSuggest.acceptNextWord',
  inlineSuggestAcceptNextLine: 'comprehension.inlineSuggest.acceptNextLine',
  markLines: 'comprehension.markLines',
  practiceStart: 'comprehension.practice.start',
  practiceStop: 'comprehension.practice.stop',
  practiceResolveInterrupted: 'comprehension.practice.resolveInterrupted',
  practiceShowStats: 'comprehension.practice.showStats',
  practiceExportHistory: 'comprehension.practice.exportHistory',
  practiceRewriteFromNote: 'comprehension.practice.rewriteFromNote',
  practiceFinishExercise: 'comprehension.practice.finishExercise',
  drillStart: 'comprehension.drill.start',
  drillCheck: 'comprehension.drill.check',
  drillHint: 'comprehension.drill.hint',
  drillGiveUp: 'comprehension.drill.giveUp',
  notesWrite: 'comprehension.notes.write',
  notesOpen: 'comprehension.notes.open',
  notesMarkReviewed: 'comprehension.notes.markReviewed',
  notesSignOff: 'comprehension.notes.signOff',
  showReport: 'comprehension.showReport',
  installAgentHooks: 'comprehension.installAgentHooks',
  runMutationTesting: 'comprehension.runMutationTesting',
  openWalkthrough: 'comprehension.openWalkthrough',
  openPolicy: 'comprehension.openPolicy',
  showRuleRationale: SHOW_RULE_RATIONALE_COMMAND,
  // Internal: behind status items, not in the Command Palette.
  serverActions: 'comprehension.serverActions',
  statusActions: 'comprehension.statusActions',
  // VS Code's own: made for the AI Blocks view's `comprehension.aiBlocks` id, run from our UI.
  focusAiBlocks: 'comprehension.aiBlocks.focus',
} as const;

/** A command id of this extension. */
export type CommandId = (typeof Commands)[keyof typeof Commands];

/** Ids the extension uses that package.json does not contribute (internal, or made by VS Code). */
export const INTERNAL_COMMANDS: ReadonlySet<CommandId> = new Set([Commands.serverActions, Commands.statusActions, Commands.focusAiBlocks]);

/** Ids VS Code creates itself; registering them would fail. */
const MADE_BY_VS_CODE: ReadonlySet<CommandId> = new Set([Commands.focusAiBlocks]);

/** A command handler: what VS Code passes (from keybindings, links, `executeCommand`) arrives as the arguments. */
// `never[]` lets each feature type its own parameters; VS Code passes whatever the caller sent.
export type CommandHandler = (...args: never[]) => unknown;

/** The handlers one feature module contributes, by command id. */
export type CommandHandlers = Partial<Record<CommandId, CommandHandler>>;

/** The part of `vscode.commands` used here (passed in so this table stays importable without VS Code). */
export type CommandRegistry = Pick<typeof vscode.commands, 'registerCommand'>;

/**
 * The one place that registers the extension's commands: each feature module passes its handlers.
 * Throws when two modules claim the same id or a module claims one VS Code makes, which would
 * otherwise surface as "command already exists" at activation in the field.
 */
export function registerCommands(registry: CommandRegistry, ...tables: readonly CommandHandlers[]): vscode.Disposable[] {
  const seen = new Set<string>();
  const disposables: vscode.Disposable[] = [];
  for (const table of tables) {
    for (const [id, handler] of Object.entries(table) as Array<[CommandId, CommandHandler | undefined]>) {
      if (!handler) continue;
      if (seen.has(id)) throw new Error(`Command ${id} has two handlers.`);
      if (MADE_BY_VS_CODE.has(id)) throw new Error(`Command ${id} is made by VS Code and cannot be registered.`);
      seen.add(id);
      disposables.push(registry.registerCommand(id, handler as (...args: unknown[]) => unknown));
    }
  }
  return disposables;
}
