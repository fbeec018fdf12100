import * as vscode from 'vscode';
import { exportCsv, exportJson, loadHistory } from '../../core/practice';

/** Export format; chosen from the file name when not given. */
export type ExportFormat = 'json' | 'csv';

/** Result of {@link exportPracticeHistory}. */
export interface ExportResult {
  uri: vscode.Uri;
  format: ExportFormat;
  sessions: number;
}

function formatOf(uri: vscode.Uri, requested: unknown): ExportFormat {
  if (requested === 'json' || requested === 'csv') return requested;
  return uri.path.toLowerCase().endsWith('.csv') ? 'csv' : 'json';
}

/**
 * Writes the practice history as JSON or CSV. With no `target` the user picks the file in a save
 * dialog; a `target` (path or URI) skips the dialog, for scripts and tests. Resolves undefined when
 * the dialog is cancelled.
 */
export async function exportPracticeHistory(historyPath: string, target?: string | vscode.Uri, format?: unknown): Promise<ExportResult | undefined> {
  let uri: vscode.Uri | undefined = typeof target === 'string' ? vscode.Uri.file(target) : target;
  const interactive = uri === undefined;
  if (!uri) {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    uri = await vscode.window.showSaveDialog({
      title: 'Export Practice History',
      saveLabel: 'Export',
      defaultUri: folder ? vscode.Uri.joinPath(folder, 'practice-history.json') : undefined,
      filters: { JSON: ['json'], CSV: ['csv'] },
    });
    if (!uri) return undefined;
  }
  const chosen = formatOf(uri, format);
  const { history } = await loadHistory(historyPath, Date.now());
  const text = chosen === 'csv' ? exportCsv(history) : exportJson(history);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  if (interactive) {
    // The answer to a command the user ran, not a routine notification.
    void vscode.window.showInformationMessage(`Exported ${history.sessions.length} practice session${history.sessions.length === 1 ? '' : 's'} to ${vscode.workspace.asRelativePath(uri)}.`);
  }
  return { uri, format: chosen, sessions: history.sessions.length };
}
