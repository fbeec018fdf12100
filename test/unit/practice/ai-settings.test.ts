import * as assert from 'node:assert/strict';
import { BUILT_IN_AI_SETTINGS, parseDisableSettings, resolveAiSettings } from '../../../src/core/practice/ai-settings';

describe('practice: AI settings list', () => {
  it('switches off the core and Copilot switches with documented reasons', () => {
    const byKey = Object.fromEntries(BUILT_IN_AI_SETTINGS.map((s) => [s.key, s.offValue]));
    assert.equal(byKey['editor.inlineSuggest.enabled'], false);
    assert.deepEqual(byKey['github.copilot.enable'], { '*': false });
    assert.equal(byKey['github.copilot.nextEditSuggestions.enabled'], false);
    assert.equal(byKey['github.copilot.editor.enableAutoCompletions'], false);
    assert.equal(byKey['chat.disableAIFeatures'], true);
    assert.equal(byKey['chat.commandCenter.enabled'], false);
    assert.ok(BUILT_IN_AI_SETTINGS.every((s) => s.reason.length > 20));
  });

  it('reads user entries as ids (off = false), objects, or a mixed list', () => {
    const parsed = parseDisableSettings(['tabnine.enable', { 'codeium.enableConfig': { '*': false }, 'continue.enableTabAutocomplete': false }]);
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(
      parsed.specs.map((s) => [s.key, s.offValue, s.origin]),
      [
        ['tabnine.enable', false, 'user'],
        ['codeium.enableConfig', { '*': false }, 'user'],
        ['continue.enableTabAutocomplete', false, 'user'],
      ],
    );
    assert.deepEqual(parseDisableSettings({ 'tabnine.enable': 'off' }).specs.map((s) => s.offValue), ['off']);
    assert.deepEqual(parseDisableSettings(undefined), { specs: [], problems: [] });
  });

  it('rejects malformed entries with a message each, keeping the good ones', () => {
    const parsed = parseDisableSettings(['no spaces allowed', 'nodot', 'comprehension.practice.weeklyGoalMinutes', 42, 'ok.key', { 'bad.value': () => 1 }]);
    assert.deepEqual(parsed.specs.map((s) => s.key), ['ok.key']);
    assert.equal(parsed.problems.length, 5);
    assert.equal(parseDisableSettings('editor.inlineSuggest.enabled').problems.length, 1);
  });

  it('lets a user entry replace a built-in off value', () => {
    const resolved = resolveAiSettings([{ 'github.copilot.enable': { '*': false, markdown: false } }, 'tabnine.enable']);
    assert.deepEqual(resolved.offValues['github.copilot.enable'], { '*': false, markdown: false });
    assert.equal(resolved.offValues['tabnine.enable'], false);
    assert.equal(resolved.specs.length, BUILT_IN_AI_SETTINGS.length + 1);
    // The built-in list is not changed by resolving.
    assert.deepEqual(BUILT_IN_AI_SETTINGS.find((s) => s.key === 'github.copilot.enable')?.offValue, { '*': false });
  });
});
