import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { Commands } from '../commands';
import type { StatsModel } from '../../core/practice/stats-model';

/** Commands the stats view's buttons may run (nothing else is accepted from the webview). */
const WEBVIEW_COMMANDS = new Set<string>([Commands.practiceStart, Commands.practiceStop, Commands.practiceExportHistory]);
/** How often an open view refreshes while a session runs. */
const REFRESH_MS = 60_000;
/** A hidden view draws nothing; refreshes stop waiting for it after this long. */
const RENDER_WAIT_MS = 5_000;

/**
 * The practice stats view: a webview panel with charts of practice time per day and week, the
 * weekly goal, the streak, AI insertions and exercises. Plain JS and CSS from `media/practice/`,
 * a strict Content-Security-Policy (a nonce for the one script), theme colors from `--vscode-*`.
 */
export class PracticeStatsPanel implements vscode.Disposable {
  static readonly viewType = 'comprehension.practiceStats';
  private panel: vscode.WebviewPanel | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly panelSubscriptions: vscode.Disposable[] = [];
  private readonly renderWaiters: (() => void)[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly model: () => Promise<StatsModel>,
  ) {}

  /** The panel when open (tests look at it). */
  get webviewPanel(): vscode.WebviewPanel | undefined {
    return this.panel;
  }

  /** Opens the view, or brings it to the front, and resolves once it has drawn fresh numbers. */
  async show(): Promise<vscode.WebviewPanel> {
    if (this.panel) {
      this.panel.reveal(undefined, false);
      await this.refresh();
      return this.panel;
    }
    const media = vscode.Uri.joinPath(this.extensionUri, 'media', 'practice');
    const panel = vscode.window.createWebviewPanel(PracticeStatsPanel.viewType, 'Practice Stats', vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [media],
      retainContextWhenHidden: false,
    });
    this.panel = panel;
    let loadedBefore = false;
    const ready = new Promise<void>((resolve) => {
      this.panelSubscriptions.push(
        panel.webview.onDidReceiveMessage(async (message: { type?: string; command?: string }) => {
          if (message?.type === 'ready') {
            // The first load is answered by show(); later ones (the view was hidden and comes back) here.
            if (loadedBefore) void this.refresh();
            loadedBefore = true;
            resolve();
          }
          else if (message?.type === 'rendered') this.rendered();
          else if (message?.type === 'command' && typeof message.command === 'string' && WEBVIEW_COMMANDS.has(message.command)) {
            await vscode.commands.executeCommand(message.command);
          }
        }),
      );
    });
    this.panelSubscriptions.push(
      panel.onDidDispose(() => this.closed()),
    );
    panel.webview.html = this.html(panel.webview, media);
    this.timer = setInterval(() => {
      // A hidden view is reloaded when shown again, and asks for numbers then.
      if (panel.visible) void this.refresh();
    }, REFRESH_MS);
    await ready;
    await this.refresh();
    return panel;
  }

  /** Sends the current numbers to the open view and waits (a few seconds at most) until it has drawn them. */
  async refresh(): Promise<void> {
    const panel = this.panel;
    if (!panel) return;
    const model = await this.model();
    if (this.panel !== panel) return;
    const drawn = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, RENDER_WAIT_MS);
      this.renderWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    await panel.webview.postMessage({ type: 'model', model });
    await drawn;
  }

  private rendered(): void {
    for (const waiter of this.renderWaiters.splice(0)) waiter();
  }

  private html(webview: vscode.Webview, media: vscode.Uri): string {
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(media, 'stats.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(media, 'stats.css'));
    const csp = [
      "default-src 'none'",
      `style-src ${webview.cspSource}`,
      `img-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>Practice Stats</title>
</head>
<body>
<main id="app" aria-live="polite"><p class="loading">Loading practice history…</p></main>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }

  private closed(): void {
    this.rendered();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.panel = undefined;
    for (const subscription of this.panelSubscriptions.splice(0)) subscription.dispose();
  }

  dispose(): void {
    this.panel?.dispose();
    this.closed();
  }
}
