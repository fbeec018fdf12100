import * as vscode from 'vscode';
import type { ServerController, ServerState } from './client';
import { Commands } from './commands';

const LABELS: Record<ServerState, { text: string; detail: string; severity: vscode.LanguageStatusSeverity }> = {
  starting: { text: '$(sync~spin) Comprehension', detail: 'server starting', severity: vscode.LanguageStatusSeverity.Information },
  running: { text: '$(check) Comprehension', detail: 'server running', severity: vscode.LanguageStatusSeverity.Information },
  restarting: { text: '$(sync~spin) Comprehension', detail: 'server restarting', severity: vscode.LanguageStatusSeverity.Warning },
  stopped: { text: '$(circle-slash) Comprehension', detail: 'server stopped', severity: vscode.LanguageStatusSeverity.Warning },
  failed: { text: '$(error) Comprehension', detail: 'server failed; see the output', severity: vscode.LanguageStatusSeverity.Error },
};

/**
 * The language status item for the server (shown in the `{}` area of the status bar): its state,
 * and one action that offers Restart and Show Output.
 */
export class ServerStatusItem implements vscode.Disposable {
  private readonly item: vscode.LanguageStatusItem;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly controller: ServerController) {
    this.item = vscode.languages.createLanguageStatusItem('comprehension.server', [{ scheme: 'file' }, { scheme: 'untitled' }]);
    this.item.name = 'Comprehension Language Server';
    // A short pick of Restart / Show Output.
    this.item.command = { title: 'Restart / Output…', command: Commands.serverActions };
    this.subscription = controller.onDidChangeState(() => this.render());
    this.render();
  }

  /** What the item shows now (also exposed through the API for tests). */
  get snapshot(): { text: string; detail: string } {
    return { text: this.item.text, detail: this.item.detail ?? '' };
  }

  private render(): void {
    const state = this.controller.currentState;
    const label = LABELS[state];
    const info = this.controller.serverInfo;
    this.item.text = label.text;
    this.item.detail = state === 'running' && info ? `server running (v${info.version}, pid ${info.pid})` : label.detail;
    this.item.severity = label.severity;
    this.item.busy = state === 'starting' || state === 'restarting';
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}

/** Shows the Restart / Show Output pick. */
export async function pickServerAction(): Promise<void> {
  const restart = { label: '$(debug-restart) Restart Language Server', command: Commands.restartServer };
  const output = { label: '$(output) Show Output', command: Commands.showOutput };
  const choice = await vscode.window.showQuickPick([restart, output], { title: 'Comprehension' });
  if (choice) await vscode.commands.executeCommand(choice.command);
}
