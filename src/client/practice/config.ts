import * as vscode from 'vscode';

/** The section of practice-mode settings. */
export const PRACTICE_SECTION = 'comprehension.practice';
/** The user's extra settings to switch off (see `parseDisableSettings`). */
export const DISABLE_SETTINGS_KEY = `${PRACTICE_SECTION}.disableSettings`;

/** Practice-mode settings, checked. */
export interface PracticeSettings {
  /** 0: no goal of the user's own (the policy's, or level 2's default, may apply). */
  weeklyGoalMinutes: number;
  /** 0: the policy's `practice.dailyMinimumMinutes`. */
  dailyMinimumMinutes: number;
  idleTimeoutSeconds: number;
  disableSettings: unknown;
}

function nonNegative(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}

/** Reads `comprehension.practice.*`; out-of-range numbers fall back to the defaults. */
export function readPracticeSettings(): PracticeSettings {
  const config = vscode.workspace.getConfiguration(PRACTICE_SECTION);
  const idle = nonNegative(config.get('idleTimeoutSeconds'), 120);
  return {
    weeklyGoalMinutes: nonNegative(config.get('weeklyGoalMinutes'), 0),
    dailyMinimumMinutes: nonNegative(config.get('dailyMinimumMinutes'), 0),
    // Below 30 s almost every pause to think would count as leaving.
    idleTimeoutSeconds: Math.max(30, idle),
    disableSettings: config.get('disableSettings'),
  };
}
