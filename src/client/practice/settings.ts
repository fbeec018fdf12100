import * as vscode from 'vscode';
import type { SettingInspection, SettingsContext, SettingsPort, SettingUpdate } from '../../core/practice';

const TARGETS = {
  global: vscode.ConfigurationTarget.Global,
  workspace: vscode.ConfigurationTarget.Workspace,
  workspaceFolder: vscode.ConfigurationTarget.WorkspaceFolder,
} as const;

/**
 * The practice engine's {@link SettingsPort} over VS Code's configuration API: `inspect()` at every
 * scope (per folder in a multi-root workspace, per language that overrides the key) and one
 * `WorkspaceConfiguration.update` per planned update (`undefined` removes the value).
 */
export class VsCodeSettingsPort implements SettingsPort {
  private writesWhileStalling = 0;

  context(): SettingsContext {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const workspaceFile = vscode.workspace.workspaceFile;
    // A `.code-workspace` file (saved or untitled) means a multi-root window, even with one folder.
    if (workspaceFile) return { workspace: 'multiRoot', workspaceId: workspaceFile.toString() };
    if (folders.length > 0) return { workspace: 'folder', workspaceId: folders[0].uri.toString() };
    return { workspace: 'none' };
  }

  async inspect(keys: readonly string[], options: { languageIds?: readonly string[] } = {}): Promise<SettingInspection[]> {
    const multiRoot = this.context().workspace === 'multiRoot';
    const folders = multiRoot ? (vscode.workspace.workspaceFolders ?? []) : [];
    const inspections: SettingInspection[] = [];
    for (const key of keys) {
      const base = vscode.workspace.getConfiguration().inspect(key);
      const registered = base?.defaultValue !== undefined;
      inspections.push({ ...base, key, registered });
      // Also the languages the caller names: an override in a settings file VS Code emptied is listed nowhere now.
      const languageIds = new Set([...(base?.languageIds ?? []), ...(options.languageIds ?? [])]);
      for (const folder of folders) {
        const inFolder = vscode.workspace.getConfiguration(undefined, folder.uri).inspect(key);
        inspections.push({ ...inFolder, key, registered, folder: folder.uri.toString() });
        for (const id of inFolder?.languageIds ?? []) languageIds.add(id);
      }
      for (const languageId of languageIds) {
        const inLanguage = vscode.workspace.getConfiguration(undefined, { languageId }).inspect(key);
        inspections.push({ ...inLanguage, key, registered, languageId });
        for (const folder of folders) {
          const both = vscode.workspace.getConfiguration(undefined, { uri: folder.uri, languageId }).inspect(key);
          inspections.push({ ...both, key, registered, languageId, folder: folder.uri.toString() });
        }
      }
    }
    return inspections;
  }

  async apply(update: SettingUpdate): Promise<void> {
    await this.stallForCrashTest();
    const folderUri = update.folder !== undefined ? vscode.Uri.parse(update.folder) : undefined;
    const scope: vscode.ConfigurationScope | undefined =
      update.languageId !== undefined ? { uri: folderUri, languageId: update.languageId } : folderUri;
    await vscode.workspace
      .getConfiguration(undefined, scope)
      .update(update.key, update.value, TARGETS[update.scope], update.languageId !== undefined ? true : undefined);
  }

  whenRegistered(keys: readonly string[], timeoutMs: number): Promise<boolean> {
    const registered = (): boolean => keys.every((key) => vscode.workspace.getConfiguration().inspect(key)?.defaultValue !== undefined);
    if (registered()) return Promise.resolve(true);
    // A newly registered setting comes with a configuration change event for its key.
    return new Promise((resolve) => {
      const finish = (value: boolean): void => {
        clearTimeout(timer);
        subscription.dispose();
        resolve(value);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      const subscription = vscode.workspace.onDidChangeConfiguration((event) => {
        if (keys.some((key) => event.affectsConfiguration(key)) && registered()) finish(true);
      });
    });
  }

  /**
   * Test-only: with `COMPREHENSION_TEST_PRACTICE_STALL_AFTER_WRITES=N` in the extension host's
   * environment, writes after the N-th (counted from when the variable appeared) never finish, so
   * an integration test can kill VS Code part-way through a switch-off, as a crash would.
   */
  private async stallForCrashTest(): Promise<void> {
    const limit = process.env.COMPREHENSION_TEST_PRACTICE_STALL_AFTER_WRITES;
    if (limit === undefined || limit === '') {
      this.writesWhileStalling = 0;
      return;
    }
    if (this.writesWhileStalling++ >= Number(limit)) await new Promise<never>(() => undefined);
  }
}
