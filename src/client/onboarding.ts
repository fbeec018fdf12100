import * as vscode from 'vscode';
import { POLICY_PATH } from '../core/workspace/layout';
import { STARTER_POLICY_YAML } from '../core/policy/starter';
import { type CommandHandlers, Commands } from './commands';
import type { SharedStatusItem } from './status-bar';

/** The walkthrough's id in `contributes.walkthroughs`. */
export const WALKTHROUGH_ID = 'getStarted';
/** Scheme of the read-only documents that show a rule's full rationale. */
const RULE_SCHEME = 'comprehension-rule';

/**
 * A newcomer's way in: the walkthrough command, the status item's quiet look before the first AI
 * block (what it counts, links to the walkthrough and the AI Blocks view), the command that opens
 * or creates the workspace policy, and the rule rationale behind a finding hover's "More…".
 */
export function activateOnboarding(
  context: vscode.ExtensionContext,
  status: Pick<SharedStatusItem, 'setIdle'>,
): { disposables: vscode.Disposable[]; commands: CommandHandlers } {
  const rationales = new RuleRationaleDocuments();
  status.setIdle({
    text: '$(sparkle) 0 AI',
    tooltip: [
      '**Comprehension First**: no AI blocks in this file.',
      '',
      'Counts the blocks of the current file that an AI wrote (accepted inline completions, agent edits, large pastes, lines marked by hand).',
      '',
      `[Show AI Blocks](command:${Commands.focusAiBlocks}) · [Get started](command:${Commands.openWalkthrough})`,
    ].join('\n'),
    command: { title: 'Show AI Blocks', command: Commands.focusAiBlocks },
    trustedCommands: [Commands.focusAiBlocks, Commands.openWalkthrough],
  });
  return {
    disposables: [{ dispose: () => status.setIdle(undefined) }, vscode.workspace.registerTextDocumentContentProvider(RULE_SCHEME, rationales)],
    commands: {
      [Commands.openWalkthrough]: () => vscode.commands.executeCommand('workbench.action.openWalkthrough', `${context.extension.id}#${WALKTHROUGH_ID}`, false),
      [Commands.openPolicy]: () => openPolicy(),
      [Commands.showRuleRationale]: (ruleId: unknown, summary: unknown, rationale: unknown) =>
        rationales.show(String(ruleId ?? ''), String(summary ?? ''), String(rationale ?? '')),
    },
  };
}

/**
 * Opens the first workspace folder's `.comprehension/policy.yaml`, writing the starter policy first
 * when there is none (an existing file is never overwritten). Resolves with its URI.
 */
async function openPolicy(): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.find((candidate) => candidate.uri.scheme === 'file');
  if (!folder) {
    void vscode.window.showWarningMessage('Open a folder first: the policy lives in its .comprehension/policy.yaml.');
    return undefined;
  }
  const uri = vscode.Uri.joinPath(folder.uri, POLICY_PATH);
  const exists = await vscode.workspace.fs.stat(uri).then(
    () => true,
    () => false,
  );
  if (!exists) await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(STARTER_POLICY_YAML));
  await vscode.window.showTextDocument(uri);
  return uri;
}

/** Read-only Markdown documents `comprehension-rule:/<rule id>.md`, shown as a Markdown preview. */
class RuleRationaleDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.path) ?? `# ${uri.path.replace(/^\/|\.md$/g, '')}\n\nNo rationale is known for this rule.`;
  }

  async show(ruleId: string, summary: string, rationale: string): Promise<vscode.Uri | undefined> {
    if (!ruleId) return undefined;
    const uri = vscode.Uri.from({ scheme: RULE_SCHEME, path: `/${ruleId}.md` });
    this.texts.set(uri.path, `# \`${ruleId}\`\n\n**${summary}**\n\n${rationale}\n\nSilence one finding with a reason: \`comprehension-ignore ${ruleId} -- <why>\`\n`);
    this.emitter.fire(uri);
    try {
      await vscode.commands.executeCommand('markdown.showPreview', uri);
    } catch {
      // Without the built-in Markdown extension the source is readable too.
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
    }
    return uri;
  }
}
