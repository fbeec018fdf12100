/**
 * Every `comprehension.*` setting with its default, in one table (keys without the
 * `comprehension.` prefix). `Config` reads through it; a unit test checks it against package.json,
 * so a default cannot drift between the manifest and the code. No `vscode` import: tests load it.
 */
export const SETTING_DEFAULTS = {
  'diagnostics.enable': true as boolean,
  'server.maxFileSizeKb': 1024 as number,
  'server.nodeMemoryMb': 0 as number,
  'trace.server': 'off' as 'off' | 'messages' | 'verbose',
  'provenance.storage': 'repository' as 'repository' | 'local',
  'provenance.detectLikely': true as boolean,
  'provenance.pasteMinLines': 5 as number,
  'provenance.showDecorations': true as boolean,
  'provenance.importOnOpen': true as boolean,
  'practice.weeklyGoalMinutes': 0 as number,
  'practice.dailyMinimumMinutes': 0 as number,
  'practice.idleTimeoutSeconds': 120 as number,
  // An array or an object; `parseDisableSettings` checks its shape.
  'practice.disableSettings': [] as unknown,
  'notes.codeLens': true as boolean,
  'report.periodDays': 30 as number,
};

/** A setting key without the `comprehension.` prefix. */
export type SettingKey = keyof typeof SETTING_DEFAULTS;

/** The type of a setting's value. */
export type SettingValue<K extends SettingKey> = (typeof SETTING_DEFAULTS)[K];

/** The section every setting of the extension lives in. */
export const SETTINGS_SECTION = 'comprehension';
