import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { git } from '../../core/git';
import { renderHtml } from '../../core/report/render-html';
import { buildScorecard, type ReportFindingInput, type Scorecard } from '../../core/report/scorecard';
import type { BlockNoteState } from './assess';
import { locateInWorkspace, type NotesModel } from './model';
import { addedLinesFromNumstat, aiLinesSince, changedLines, countLines, reportFile, reportFinding } from './report-inputs';

/** Untracked files larger than this are not counted as changed lines (generated or binary output). */
const MAX_UNTRACKED_BYTES = 1024 * 1024;
const DAY_MS = 86_400_000;

/** "Comprehension: Show Report": the scorecard of the workspace in a webview (one panel, reused). */
export class ReportPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  /** The last scorecard shown (for tests and the log). */
  lastScorecard: Scorecard | undefined;

  constructor(
    private readonly model: NotesModel,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Builds the scorecard and shows it. Resolves with it. */
  async show(): Promise<Scorecard> {
    const scorecard = await this.build();
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

  /** The scorecard inputs from the extension's view of the workspace. */
  async build(): Promise<Scorecard> {
    await this.model.refreshAll();
    const periodDays = Math.max(1, vscode.workspace.getConfiguration('comprehension.report').get<number>('periodDays', 30));
    const now = Date.now();
    const fromMs = now - (periodDays - 1) * DAY_MS;
    const files = this.model.all().filter((file) => file.states.length > 0);
    const allStates: BlockNoteState[] = files.flatMap((file) => file.states);

    const findings: ReportFindingInput[] = [];
    for (const [uri, diagnostics] of vscode.languages.getDiagnostics()) {
      const located = locateInWorkspace(uri);
      const ours = diagnostics.filter((diagnostic) => diagnostic.source === 'comprehension');
      if (!located || ours.length === 0) continue;
      const blocks = files.find((file) => file.uri.toString() === uri.toString())?.states.map((state) => state.block) ?? [];
      for (const diagnostic of ours) {
        findings.push(reportFinding(located.path, { code: diagnostic.code, severity: diagnostic.severity, line: diagnostic.range.start.line }, blocks));
      }
    }

    const folders = (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file');
    let gitAdded: number | undefined;
    for (const folder of folders) {
      const added = await this.addedLines(folder.uri.fsPath, new Date(fromMs));
      if (added !== undefined) gitAdded = (gitAdded ?? 0) + added;
    }
    const aiLines = aiLinesSince(allStates, fromMs);
    const policyLevel = folders[0] ? (await this.model.policyFor(folders[0])).policy.level : undefined;
    const name = vscode.workspace.name ?? folders[0]?.name;
    return buildScorecard({
      title: name ? `Comprehension scorecard: ${name}` : 'Comprehension scorecard',
      period: { from: isoDay(fromMs), to: isoDay(now) },
      policyLevel,
      files: files.map((file) => reportFile(file.path, file.lineCount, file.states)),
      findings,
      changedLines: changedLines(gitAdded, aiLines),
    });
  }

  /**
   * Lines added in the period: commits since `since`, uncommitted changes and new untracked
   * files. Undefined when git does not answer (no repository, no git).
   */
  private async addedLines(root: string, since: Date): Promise<number | undefined> {
    try {
      const committed = await git(root, ['log', `--since=${since.toISOString()}`, '--numstat', '--format=', '--no-renames']);
      let added = addedLinesFromNumstat(committed);
      added += addedLinesFromNumstat(await git(root, ['diff', 'HEAD', '--numstat', '--no-renames']).catch(() => ''));
      const untracked = (await git(root, ['ls-files', '--others', '--exclude-standard', '-z'])).split('\0').filter((path) => path && !path.startsWith('.comprehension/'));
      for (const path of untracked) {
        const buffer = await readFile(join(root, path)).catch(() => undefined);
        if (!buffer || buffer.length > MAX_UNTRACKED_BYTES || buffer.includes(0)) continue;
        added += countLines(buffer.toString('utf8'));
      }
      return added;
    } catch (error) {
      this.log.info(`Report: no git line counts for ${root} (${(error as Error).message.split('\n')[0]}); AI lines stand in for changed lines.`);
      return undefined;
    }
  }

  dispose(): void {
    this.panel?.dispose();
  }
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
