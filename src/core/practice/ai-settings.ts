import { cloneJson, isJsonValue, type JsonValue } from './json';

/** One setting that practice mode switches off, and the value that means "off". */
export interface AiSettingSpec {
  key: string;
  offValue: JsonValue;
  /** Built into the extension, or listed by the user in `comprehension.practice.disableSettings`. */
  origin: 'built-in' | 'user';
  /** Why the setting is on the list (shown in the practice report). */
  reason: string;
}

/**
 * The settings switched off for a practice session. Keys that the running VS Code does not
 * register (an extension not installed, a version that predates the setting) are skipped by
 * {@link planSwitchOff}, so the list can name settings from several versions safely; VS Code
 * refuses to write unregistered keys anyway.
 *
 * Nothing here stops agents running outside VS Code (Claude Code in a terminal, Aider): their
 * writes are caught as breaches by provenance tracking, not prevented.
 */
export const BUILT_IN_AI_SETTINGS: readonly AiSettingSpec[] = Object.freeze([
  {
    key: 'editor.inlineSuggest.enabled',
    offValue: false,
    origin: 'built-in',
    reason: 'Ghost-text completions from every provider (Copilot, Codeium, Tabnine, Continue...) go through this core switch.',
  },
  {
    key: 'editor.inlineSuggest.edits.enabled',
    offValue: false,
    origin: 'built-in',
    reason: 'Inline edit proposals in the editor, where the running VS Code registers this switch; skipped elsewhere.',
  },
  {
    key: 'github.copilot.nextEditSuggestions.enabled',
    offValue: false,
    origin: 'built-in',
    reason: "Copilot's next edit suggestions propose changes away from the cursor; inlineSuggest alone does not cover every version.",
  },
  {
    key: 'github.copilot.enable',
    offValue: { '*': false },
    origin: 'built-in',
    reason: 'Copilot completions per language; "*" covers every language, and VS Code merges it over the per-language defaults.',
  },
  {
    key: 'github.copilot.editor.enableAutoCompletions',
    offValue: false,
    origin: 'built-in',
    reason: 'Automatic Copilot completions in older Copilot versions that predate the per-language switch.',
  },
  {
    key: 'chat.disableAIFeatures',
    offValue: true,
    origin: 'built-in',
    reason: 'The broad switch (VS Code 1.104+): hides and disables chat, agent mode and built-in inline suggestions.',
  },
  {
    key: 'chat.agent.enabled',
    offValue: false,
    origin: 'built-in',
    reason: 'Agent mode writes files on its own; covers VS Code versions that have agents but not chat.disableAIFeatures.',
  },
  {
    key: 'chat.commandCenter.enabled',
    offValue: false,
    origin: 'built-in',
    reason:
      'Hides the chat menu in the title bar. Redundant with chat.disableAIFeatures, but the extension supports VS Code ' +
      'versions without that switch, where this removes the one-click way into chat.',
  },
] satisfies AiSettingSpec[]);

/** Our own settings steer the session; switching them off mid-session would pull the rug from under it. */
const RESERVED_PREFIX = 'comprehension.practice.';
const SETTING_KEY_PATTERN = /^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)+$/;

/** The user's extra settings, checked, with a message for each entry that was dropped. */
export interface ParsedDisableSettings {
  specs: AiSettingSpec[];
  problems: string[];
}

/**
 * Reads `comprehension.practice.disableSettings`. Accepted shapes, freely mixed:
 * - an array of entries, each either `"some.setting"` (switched off with `false`) or an object
 *   `{ "some.setting": <off value> }` (one or more keys);
 * - an object `{ "some.setting": <off value>, ... }`.
 * Keys must look like setting ids (`section.name`), must not be `comprehension.practice.*`, and
 * off values must be plain JSON. Later entries win over earlier ones for the same key.
 */
export function parseDisableSettings(raw: unknown): ParsedDisableSettings {
  const problems: string[] = [];
  const byKey = new Map<string, AiSettingSpec>();
  const add = (key: string, offValue: unknown, where: string): void => {
    if (!SETTING_KEY_PATTERN.test(key)) {
      problems.push(`${where}: "${key}" is not a setting id (expected something like "editor.inlineSuggest.enabled").`);
      return;
    }
    if (key.startsWith(RESERVED_PREFIX)) {
      problems.push(`${where}: "${key}" controls practice mode itself and cannot be switched off by it.`);
      return;
    }
    if (!isJsonValue(offValue)) {
      problems.push(`${where}: the off value for "${key}" is not plain JSON.`);
      return;
    }
    byKey.set(key, { key, offValue: cloneJson(offValue), origin: 'user', reason: 'Listed in comprehension.practice.disableSettings.' });
  };
  const addObject = (object: Record<string, unknown>, where: string): void => {
    for (const [key, value] of Object.entries(object)) add(key, value, where);
  };

  if (raw === undefined || raw === null) return { specs: [], problems };
  if (Array.isArray(raw)) {
    raw.forEach((entry, index) => {
      const where = `comprehension.practice.disableSettings[${index}]`;
      if (typeof entry === 'string') add(entry.trim(), false, where);
      else if (isPlainObject(entry)) addObject(entry, where);
      else problems.push(`${where}: expected a setting id or an object { "setting.id": offValue }.`);
    });
  } else if (isPlainObject(raw)) {
    addObject(raw, 'comprehension.practice.disableSettings');
  } else {
    problems.push('comprehension.practice.disableSettings: expected a list of setting ids or an object of setting ids to off values.');
  }
  return { specs: [...byKey.values()], problems };
}

/** The full list for a session: built-ins, then the user's entries (a user entry replaces a built-in's off value). */
export interface ResolvedAiSettings {
  specs: AiSettingSpec[];
  /** key → off value, the form {@link planSwitchOff} takes. */
  offValues: Record<string, JsonValue>;
  problems: string[];
}

/** Combines {@link BUILT_IN_AI_SETTINGS} with the user's `comprehension.practice.disableSettings` value. */
export function resolveAiSettings(userSetting: unknown): ResolvedAiSettings {
  const parsed = parseDisableSettings(userSetting);
  const byKey = new Map<string, AiSettingSpec>();
  for (const spec of BUILT_IN_AI_SETTINGS) byKey.set(spec.key, { ...spec, offValue: cloneJson(spec.offValue) });
  for (const spec of parsed.specs) byKey.set(spec.key, spec);
  const specs = [...byKey.values()];
  const offValues: Record<string, JsonValue> = {};
  for (const spec of specs) offValues[spec.key] = spec.offValue;
  return { specs, offValues, problems: parsed.problems };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
