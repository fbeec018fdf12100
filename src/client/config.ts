import * as vscode from 'vscode';
import { SETTING_DEFAULTS, SETTINGS_SECTION, type SettingKey, type SettingValue } from './settings';

/** Provenance settings (`comprehension.provenance.*`), checked. */
export interface ProvenanceSettings {
  storage: 'repository' | 'local';
  detectLikely: boolean;
  pasteMinLines: number;
}

/** Practice-mode settings (`comprehension.practice.*`), checked. */
export interface PracticeSettings {
  /** 0: no goal of the user's own (the policy's, or level 2's default, may apply). */
  weeklyGoalMinutes: number;
  /** 0: the policy's `practice.dailyMinimumMinutes`. */
  dailyMinimumMinutes: number;
  idleTimeoutSeconds: number;
  disableSettings: unknown;
}

/**
 * The `comprehension.*` settings, read in one place and typed (after rust-analyzer's `Config`).
 * It holds no state: every read asks VS Code, so a changed setting is seen at once.
 */
export class Config {
  static readonly section = SETTINGS_SECTION;

  /** Settings that only take effect when the language server restarts. */
  static readonly restartRequired: readonly SettingKey[] = ['server.nodeMemoryMb'];

  /** A setting's value in `scope` (a resource or language for settings that vary by one), or its default. */
  get<K extends SettingKey>(key: K, scope?: vscode.ConfigurationScope): SettingValue<K> {
    return vscode.workspace.getConfiguration(SETTINGS_SECTION, scope).get<SettingValue<K>>(key, SETTING_DEFAULTS[key]);
  }

  /** Whether a configuration change touched `keyOrSection` (`'provenance'` or `'provenance.storage'`). */
  affects(event: vscode.ConfigurationChangeEvent, keyOrSection: string, scope?: vscode.ConfigurationScope): boolean {
    return event.affectsConfiguration(`${SETTINGS_SECTION}.${keyOrSection}`, scope);
  }

  get diagnosticsEnabled(): boolean {
    return this.get('diagnostics.enable');
  }

  get maxFileSizeKb(): number {
    return this.get('server.maxFileSizeKb');
  }

  /** Heap limit for the server process in MiB; 0 keeps Node's default. */
  get serverNodeMemoryMb(): number {
    const value = this.get('server.nodeMemoryMb');
    return Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
  }

  get provenance(): ProvenanceSettings {
    return {
      storage: this.get('provenance.storage') === 'local' ? 'local' : 'repository',
      detectLikely: this.get('provenance.detectLikely'),
      pasteMinLines: Math.max(1, this.get('provenance.pasteMinLines')),
    };
  }

  /** Whether AI blocks are drawn in the editor. */
  get showDecorations(): boolean {
    return this.get('provenance.showDecorations');
  }

  /** Whether git-ai notes and Agent Trace records are imported when the window opens and when they change. */
  get importOnOpen(): boolean {
    return this.get('provenance.importOnOpen');
  }

  /** Saves `comprehension.provenance.showDecorations` in the user settings. */
  async setShowDecorations(visible: boolean): Promise<void> {
    await vscode.workspace.getConfiguration(SETTINGS_SECTION).update('provenance.showDecorations', visible, vscode.ConfigurationTarget.Global);
  }

  /** Practice settings; out-of-range numbers fall back to the defaults. */
  get practice(): PracticeSettings {
    return {
      weeklyGoalMinutes: nonNegative(this.get('practice.weeklyGoalMinutes'), SETTING_DEFAULTS['practice.weeklyGoalMinutes']),
      dailyMinimumMinutes: nonNegative(this.get('practice.dailyMinimumMinutes'), SETTING_DEFAULTS['practice.dailyMinimumMinutes']),
      // Below 30 s almost every pause to think would count as leaving.
      idleTimeoutSeconds: Math.max(30, nonNegative(this.get('practice.idleTimeoutSeconds'), SETTING_DEFAULTS['practice.idleTimeoutSeconds'])),
      disableSettings: this.get('practice.disableSettings'),
    };
  }

  /** Whether note code lenses show above AI blocks of `document`'s folder. */
  notesCodeLens(scope?: vscode.ConfigurationScope): boolean {
    return this.get('notes.codeLens', scope);
  }

  /** Days the report looks back; at least 1. */
  get reportPeriodDays(): number {
    return Math.max(1, this.get('report.periodDays'));
  }

  /** The restart-required keys touched by a configuration change. */
  restartRequiredChanges(event: vscode.ConfigurationChangeEvent): string[] {
    return Config.restartRequired.filter((key) => this.affects(event, key));
  }
}

function nonNegative(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}
