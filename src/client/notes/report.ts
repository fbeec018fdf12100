import * as vscode from 'vscode';
import type { RequestType } from 'vscode-languageclient/node';
import { practiceDaysOfHistory, practiceDrillsOfHistory } from '../../core/report/practice';
import { renderHtml } from '../../core/report/render-html';
import { type Scorecard, scorecardOf } from '../../core/report/scorecard';
import type { PracticeHistory } from '../../core/practice/history';
import { REPORT_REQUEST, type ReportParams, type ReportResult } from '../../shared/protocol';
import { type CommandHandlers, Commands } from '../commands';
import type { Config } from '../config';

/** What the report needs from the rest of the extension. */
export interface ReportDependencies {
  /** The language server, which gathers the inputs with the same core gatherer as `comprehension report`. */
  server: { request<P, R>(type: RequestType<P, R, void>, params: P): Promise<R> };
  /** The practice history as its export would hold it now. */
  practice: { currentHistory(): Promise<PracticeHistory> };
  log: vscode.LogOutputChannel;
  config: Config;
}

/**
 * "Comprehension: Show Report": the scorecard of a workspace folder in a webview (one panel,
 * reused). The server gathers the inputs over the whole folder (closed files included), from the
 * practice days this editor's export would write; the panel only renders.
 */
export class ReportPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  /** The last scorecard shown (for tests and the log). */
  lastScorecard: Scorecard | undefined;

  constructor(private readonly deps: ReportDependencies) {}

  /**
   * Builds the scorecard of `folder` (asked for when the window has several folders) and shows it.
   * Resolves with it, or undefined when there is no folder to report on or the pick was cancelled.
   */
  async show(folder?: vscode.WorkspaceFolder | vscode.Uri): Promise<Scorecard | undefined> {
    const target = await this.pickFolder(folder);
    if (!target) return undefined;
    const scorecard = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Comprehension: gathering the report' },
      () => this.build(target),
    );
    this.lastScorecard = scorecard;
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('comprehension.report', 'Comprehension Report', vscode.ViewColumn.Active, {
        enableScripts: false,
        enableFindWidget: true,
        retainContextWhenHidden: false,
      });
      this.panel.onDidDispose(() => (this.panel = undefined));
    }
    this.panel.title = scorecard.title;
    // The HTML carries its own CSP (nothing may load, no scripts) and inline styles only.
    this.panel.webview.html = renderHtml(scorecard);
    this.panel.reveal(this.panel.viewColumn ?? vscode.ViewColumn.Active);
    return scorecard;
  }

  /** The scorecard of one folder, from the server's gatherer. */
  async build(folder: vscode.WorkspaceFolder): Promise<Scorecard> {
    const periodDays = Math.max(1, this.deps.config.get('report.periodDays', folder.uri));
    const history = await this.deps.practice.currentHistory();
    const practice = practiceDaysOfHistory(history);
    const drills = practiceDrillsOfHistory(history);
    const params: ReportParams = { folderUri: folder.uri.toString(), periodDays, ...(practice.length > 0 ? { practice } : {}), ...(drills.length > 0 ? { drills } : {}) };
    const gathered = await this.deps.server.request<ReportParams, ReportResult>(REPORT_REQUEST, params);
    for (const warning of gathered.warnings) this.deps.log.warn(`Report: ${warning}`);
    return scorecardOf(gathered.inputs);
  }

  private async pickFolder(given: vscode.WorkspaceFolder | vscode.Uri | undefined): Promise<vscode.WorkspaceFolder | undefined> {
    if (given instanceof vscode.Uri) return vscode.workspace.getWorkspaceFolder(given);
    if (given) return given;
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file');
    if (folders.length <= 1) {
      if (folders.length === 0) void vscode.window.showInformationMessage('Open a folder to see its Comprehension report.');
      return folders[0];
    }
    return vscode.window.showWorkspaceFolderPick({ placeHolder: 'The Comprehension report of which folder?' });
  }

  dispose(): void {
    this.panel?.dispose();
  }
}

/** "Comprehension: Show Report"; the command resolves with the scorecard it shows. */
export function activateReport(deps: ReportDependencies): { disposable: vscode.Disposable; commands: CommandHandlers } {
  const report = new ReportPanel(deps);
  return { disposable: report, commands: { [Commands.showReport]: (folder?: vscode.WorkspaceFolder | vscode.Uri) => report.show(folder) } };
}
