import * as vscode from 'vscode';

/** The `comprehension.*` settings, read in one place and typed (after rust-analyzer's `Config`). */
export class Config {
  static readonly section = 'comprehension';

  /** Settings that only take effect when the language server restarts. */
  static readonly restartRequired: readonly string[] = ['server.nodeMemoryMb'];

  private get configuration(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(Config.section);
  }

  get diagnosticsEnabled(): boolean {
    return this.configuration.get<boolean>('diagnostics.enable', true);
  }

  get maxFileSizeKb(): number {
    return this.configuration.get<number>('server.maxFileSizeKb', 1024);
  }

  /** Heap limit for the server process in MiB; 0 keeps Node's default. */
  get serverNodeMemoryMb(): number {
    const value = this.configuration.get<number>('server.nodeMemoryMb', 0);
    return Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
  }

  /** The restart-required keys touched by a configuration change. */
  restartRequiredChanges(event: vscode.ConfigurationChangeEvent): string[] {
    return Config.restartRequired.filter((key) => event.affectsConfiguration(`${Config.section}.${key}`));
  }
}
