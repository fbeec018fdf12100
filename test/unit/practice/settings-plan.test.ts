import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { JsonValue } from '../../../src/core/practice/json';
import {
  findReenabled,
  planExtendSwitchOff,
  planRecoveryWithoutSnapshot,
  planRestore,
  planSwitchOff,
  settledSlotIds,
  slotId,
  type SettingInspection,
  type SettingsContext,
  type SettingUpdate,
} from '../../../src/core/practice/settings-plan';
import { FakeSettings } from './fake-settings';

const FOLDER: SettingsContext = { workspace: 'folder', workspaceId: 'file:///work/app' };
const NONE: SettingsContext = { workspace: 'none' };

async function applyAll(settings: FakeSettings, updates: readonly SettingUpdate[]): Promise<void> {
  for (const update of updates) await settings.apply(update);
}

function standardSettings(ctx: SettingsContext = FOLDER, folders: string[] = []): FakeSettings {
  return new FakeSettings(ctx, folders)
    .register('editor.inlineSuggest.enabled', true)
    .register('github.copilot.enable', { '*': true, plaintext: false, markdown: false, scminput: false })
    .register('chat.disableAIFeatures', false);
}

const OFF: Record<string, JsonValue> = {
  'editor.inlineSuggest.enabled': false,
  'github.copilot.enable': { '*': false },
  'chat.disableAIFeatures': true,
};

describe('practice: settings plan', () => {
  it('records set and unset values at user scope and writes the off value there', () => {
    const inspections: SettingInspection[] = [
      { key: 'editor.inlineSuggest.enabled', defaultValue: true, globalValue: true },
      { key: 'chat.disableAIFeatures', defaultValue: false },
    ];
    const plan = planSwitchOff(inspections, { 'editor.inlineSuggest.enabled': false, 'chat.disableAIFeatures': true }, NONE);
    assert.deepEqual(plan.updates, [
      { key: 'editor.inlineSuggest.enabled', scope: 'global', value: false },
      { key: 'chat.disableAIFeatures', scope: 'global', value: true },
    ]);
    assert.deepEqual(
      plan.snapshot.entries.map((e) => [e.key, e.scope, e.previous, e.written]),
      [
        ['editor.inlineSuggest.enabled', 'global', { state: 'set', value: true }, true],
        ['chat.disableAIFeatures', 'global', { state: 'unset' }, true],
      ],
    );
    // The snapshot survives JSON (the journal) with the unset marker intact.
    assert.deepEqual(JSON.parse(JSON.stringify(plan.snapshot)), plan.snapshot);
  });

  it('writes workspace scope only where a value is set there, and records unset workspace values', () => {
    const plan = planSwitchOff(
      [
        { key: 'editor.inlineSuggest.enabled', defaultValue: true, workspaceValue: true, workspaceFolderValue: true },
        { key: 'chat.disableAIFeatures', defaultValue: false },
      ],
      { 'editor.inlineSuggest.enabled': false, 'chat.disableAIFeatures': true },
      FOLDER,
    );
    assert.deepEqual(
      plan.updates.map((u) => [u.key, u.scope]),
      [
        ['editor.inlineSuggest.enabled', 'global'],
        ['editor.inlineSuggest.enabled', 'workspace'],
        ['chat.disableAIFeatures', 'global'],
      ],
    );
    const chatWorkspace = plan.snapshot.entries.find((e) => e.key === 'chat.disableAIFeatures' && e.scope === 'workspace');
    assert.deepEqual(chatWorkspace && [chatWorkspace.previous, chatWorkspace.written], [{ state: 'unset' }, false]);
    // A single folder is one file: no separate folder-scope write.
    assert.ok(!plan.updates.some((u) => u.scope === 'workspaceFolder'));
  });

  it('ignores workspace values when no workspace is open', () => {
    const plan = planSwitchOff([{ key: 'editor.inlineSuggest.enabled', defaultValue: true, workspaceValue: true }], { 'editor.inlineSuggest.enabled': false }, NONE);
    assert.deepEqual(plan.updates.map((u) => u.scope), ['global']);
  });

  it('leaves a slot that already holds the off value alone', () => {
    const plan = planSwitchOff(
      [{ key: 'editor.inlineSuggest.enabled', defaultValue: true, globalValue: false, workspaceValue: false }],
      { 'editor.inlineSuggest.enabled': false },
      FOLDER,
    );
    assert.deepEqual(plan.updates, []);
    assert.equal(plan.snapshot.entries.filter((e) => e.written).length, 0);
  });

  it('handles folders of a multi-root workspace and reports folder values it cannot target', () => {
    const multi: SettingsContext = { workspace: 'multiRoot', workspaceId: 'file:///work/all.code-workspace' };
    const plan = planSwitchOff(
      [
        { key: 'editor.inlineSuggest.enabled', defaultValue: true, folder: 'file:///work/api', workspaceFolderValue: true },
        { key: 'editor.inlineSuggest.enabled', defaultValue: true, folder: 'file:///work/web' },
      ],
      { 'editor.inlineSuggest.enabled': false },
      multi,
    );
    assert.deepEqual(
      plan.updates.map((u) => [u.scope, u.folder]),
      [
        ['global', undefined],
        ['workspaceFolder', 'file:///work/api'],
      ],
    );
    const orphan = planSwitchOff([{ key: 'editor.inlineSuggest.enabled', defaultValue: true, workspaceFolderValue: true }], { 'editor.inlineSuggest.enabled': false }, multi);
    assert.equal(orphan.problems.length, 1);
  });

  it('switches off language overrides, which beat plain values', async () => {
    const settings = standardSettings();
    settings.set('global', 'editor.inlineSuggest.enabled', true, { languageId: 'markdown' });
    settings.set('workspace', 'editor.inlineSuggest.enabled', true, { languageId: 'python' });
    const before = settings.dump();
    const plan = planSwitchOff(await settings.inspect(Object.keys(OFF)), OFF, settings.context());
    await applyAll(settings, plan.updates);
    for (const language of [undefined, 'markdown', 'python', 'rust']) assert.equal(settings.effective('editor.inlineSuggest.enabled', undefined, language), false, language);
    const restore = planRestore(plan.snapshot, await settings.inspect(Object.keys(OFF)), settings.context());
    await applyAll(settings, restore.updates);
    assert.deepEqual(settings.dump(), before);
  });

  it('restores object-valued settings exactly, comparing objects regardless of key order', async () => {
    const settings = standardSettings();
    settings.set('global', 'github.copilot.enable', { '*': true, markdown: true, yaml: false });
    settings.set('workspace', 'github.copilot.enable', { python: true });
    const before = settings.dump();
    const plan = planSwitchOff(await settings.inspect(Object.keys(OFF)), OFF, settings.context());
    await applyAll(settings, plan.updates);
    assert.deepEqual(settings.get('workspace', 'github.copilot.enable'), { '*': false });
    // A settings editor may rewrite our object with another key order: still ours.
    settings.set('global', 'github.copilot.enable', JSON.parse('{"*": false}'));
    const restore = planRestore(plan.snapshot, await settings.inspect(Object.keys(OFF)), settings.context());
    assert.equal(restore.respectedUserChanges.length, 0);
    await applyAll(settings, restore.updates);
    assert.deepEqual(settings.dump(), before);
  });

  it('removes values that were unset before the session', async () => {
    const settings = standardSettings();
    const plan = planSwitchOff(await settings.inspect(Object.keys(OFF)), OFF, settings.context());
    await applyAll(settings, plan.updates);
    assert.equal(settings.get('global', 'chat.disableAIFeatures'), true);
    const restore = planRestore(plan.snapshot, await settings.inspect(Object.keys(OFF)), settings.context());
    assert.ok(restore.updates.every((u) => u.value === undefined));
    await applyAll(settings, restore.updates);
    assert.deepEqual(settings.dump(), {});
  });

  it('keeps values the user changed during the session and reports them', async () => {
    const settings = standardSettings();
    settings.set('global', 'editor.inlineSuggest.enabled', true);
    settings.set('workspace', 'github.copilot.enable', { '*': true });
    const plan = planSwitchOff(await settings.inspect(Object.keys(OFF)), OFF, settings.context());
    await applyAll(settings, plan.updates);
    // The user re-enables chat at user scope with a new value, and our workspace value vanishes.
    settings.set('global', 'chat.disableAIFeatures', false);
    settings.set('workspace', 'github.copilot.enable', undefined);
    const restore = planRestore(plan.snapshot, await settings.inspect(Object.keys(OFF)), settings.context());
    assert.deepEqual(
      restore.respectedUserChanges.map((c) => [c.key, c.scope, c.current]),
      [['chat.disableAIFeatures', 'global', { state: 'set', value: false }]],
    );
    // A vanished value cannot be told from a settings file VS Code emptied while saving it: the
    // journal is the truth, so the value from before the session comes back.
    assert.deepEqual(restore.rebuilt, [JSON.stringify(['github.copilot.enable', 'workspace', null, null])]);
    await applyAll(settings, restore.updates);
    assert.equal(settings.get('global', 'chat.disableAIFeatures'), false);
    assert.deepEqual(settings.get('workspace', 'github.copilot.enable'), { '*': true });
    assert.equal(settings.get('global', 'editor.inlineSuggest.enabled'), true);
    assert.equal(settings.get('global', 'github.copilot.enable'), undefined);
  });

  it('restores idempotently: a second restore plans nothing', async () => {
    const settings = standardSettings();
    settings.set('global', 'editor.inlineSuggest.enabled', true);
    settings.set('workspace', 'editor.inlineSuggest.enabled', true);
    const plan = planSwitchOff(await settings.inspect(Object.keys(OFF)), OFF, settings.context());
    await applyAll(settings, plan.updates);
    const first = planRestore(plan.snapshot, await settings.inspect(Object.keys(OFF)), settings.context());
    await applyAll(settings, first.updates);
    const second = planRestore(plan.snapshot, await settings.inspect(Object.keys(OFF)), settings.context());
    assert.deepEqual(second.updates, []);
    assert.deepEqual(second.respectedUserChanges, []);
    assert.equal(second.alreadyRestored.length, first.restoring.length);
    assert.ok(second.complete);
  });

  it('treats updates that never landed (crash right after the journal write) as restored', async () => {
    const settings = standardSettings();
    settings.set('global', 'editor.inlineSuggest.enabled', true);
    const plan = planSwitchOff(await settings.inspect(Object.keys(OFF)), OFF, settings.context());
    const restore = planRestore(plan.snapshot, await settings.inspect(Object.keys(OFF)), settings.context());
    assert.deepEqual(restore.updates, []);
    assert.deepEqual(restore.respectedUserChanges, []);
  });

  it('skips a settled slot from an interrupted restore', async () => {
    const settings = standardSettings();
    const plan = planSwitchOff(await settings.inspect(Object.keys(OFF)), OFF, settings.context());
    await applyAll(settings, plan.updates);
    const full = planRestore(plan.snapshot, await settings.inspect(Object.keys(OFF)), settings.context());
    const partial = planRestore(plan.snapshot, await settings.inspect(Object.keys(OFF)), settings.context(), { settled: [full.restoring[0]] });
    assert.equal(partial.updates.length, full.updates.length - 1);
    assert.ok(!partial.restoring.includes(full.restoring[0]));
    assert.deepEqual(settledSlotIds(full).sort(), full.restoring.slice().sort());
  });

  it('skips keys VS Code does not register, and keys not inspected', () => {
    const plan = planSwitchOff(
      [
        { key: 'github.copilot.enable', defaultValue: undefined },
        { key: 'editor.inlineSuggest.enabled', registered: true },
      ],
      { 'github.copilot.enable': { '*': false }, 'editor.inlineSuggest.enabled': false, 'chat.disableAIFeatures': true },
      NONE,
    );
    assert.deepEqual(plan.snapshot.skipped, [
      { key: 'github.copilot.enable', reason: 'unregistered' },
      { key: 'chat.disableAIFeatures', reason: 'not-inspected' },
    ]);
    assert.deepEqual(plan.updates.map((u) => u.key), ['editor.inlineSuggest.enabled']);
  });

  it('adds keys listed mid-session without re-recording keys already switched off', async () => {
    const settings = standardSettings().register('tabnine.enable', true);
    settings.set('global', 'tabnine.enable', true);
    settings.set('global', 'editor.inlineSuggest.enabled', true);
    const before = settings.dump();
    const first = planSwitchOff(await settings.inspect(['editor.inlineSuggest.enabled']), { 'editor.inlineSuggest.enabled': false }, settings.context());
    await applyAll(settings, first.updates);
    const extended = planExtendSwitchOff(
      first.snapshot,
      await settings.inspect(['editor.inlineSuggest.enabled', 'tabnine.enable']),
      { 'editor.inlineSuggest.enabled': false, 'tabnine.enable': false },
      settings.context(),
    );
    assert.deepEqual(extended.updates.map((u) => u.key), ['tabnine.enable']);
    const inline = extended.snapshot.entries.find((e) => e.key === 'editor.inlineSuggest.enabled' && e.scope === 'global');
    assert.deepEqual(inline?.previous, { state: 'set', value: true });
    await applyAll(settings, extended.updates);
    // The user then drops tabnine from the list again: the snapshot still restores it.
    const restore = planRestore(extended.snapshot, await settings.inspect(['editor.inlineSuggest.enabled', 'tabnine.enable']), settings.context());
    await applyAll(settings, restore.updates);
    assert.deepEqual(settings.dump(), before);
  });

  it('picks up a key once its extension gets installed mid-session', () => {
    const first = planSwitchOff([{ key: 'github.copilot.enable', defaultValue: undefined }], { 'github.copilot.enable': { '*': false } }, NONE);
    assert.equal(first.snapshot.skipped.length, 1);
    const extended = planExtendSwitchOff(first.snapshot, [{ key: 'github.copilot.enable', defaultValue: { '*': true } }], { 'github.copilot.enable': { '*': false } }, NONE);
    assert.deepEqual(extended.snapshot.skipped, []);
    assert.equal(extended.updates.length, 1);
  });

  it('defers workspace slots until the same workspace is open, restoring user scope at once', async () => {
    const settings = standardSettings();
    settings.set('workspace', 'editor.inlineSuggest.enabled', true);
    const before = settings.dump();
    const plan = planSwitchOff(await settings.inspect(Object.keys(OFF)), OFF, settings.context());
    await applyAll(settings, plan.updates);

    const elsewhere = planRestore(plan.snapshot, await settings.inspect(Object.keys(OFF)), { workspace: 'folder', workspaceId: 'file:///other' });
    assert.deepEqual(elsewhere.deferred.map((d) => [d.key, d.scope, d.reason]), [['editor.inlineSuggest.enabled', 'workspace', 'other-workspace']]);
    assert.equal(elsewhere.complete, false);
    assert.ok(elsewhere.updates.every((u) => u.scope === 'global'));
    await applyAll(settings, elsewhere.updates);

    const back = planRestore(plan.snapshot, await settings.inspect(Object.keys(OFF)), settings.context(), { settled: settledSlotIds(elsewhere) });
    assert.ok(back.complete);
    await applyAll(settings, back.updates);
    assert.deepEqual(settings.dump(), before);
  });

  it('defers keys that VS Code stopped registering during the session', () => {
    const plan = planSwitchOff([{ key: 'github.copilot.enable', defaultValue: { '*': true } }], { 'github.copilot.enable': { '*': false } }, NONE);
    const restore = planRestore(plan.snapshot, [{ key: 'github.copilot.enable', defaultValue: undefined, globalValue: { '*': false } }], NONE);
    assert.deepEqual(restore.deferred.map((d) => d.reason), ['unregistered']);
    assert.deepEqual(restore.updates, []);
  });

  it('finds settings switched back on during the session', async () => {
    const settings = standardSettings();
    const plan = planSwitchOff(await settings.inspect(Object.keys(OFF)), OFF, settings.context());
    await applyAll(settings, plan.updates);
    assert.deepEqual(findReenabled(plan.snapshot, await settings.inspect(Object.keys(OFF)), settings.context()), []);
    settings.set('global', 'editor.inlineSuggest.enabled', true);
    const changes = findReenabled(plan.snapshot, await settings.inspect(Object.keys(OFF)), settings.context());
    assert.deepEqual(changes.map((c) => slotId(c)), [slotId({ key: 'editor.inlineSuggest.enabled', scope: 'global' })]);
  });

  it('without a snapshot, plans removing exactly the slots that hold an off value', async () => {
    const settings = standardSettings();
    settings.set('global', 'editor.inlineSuggest.enabled', false);
    settings.set('workspace', 'github.copilot.enable', { '*': false });
    settings.set('global', 'chat.disableAIFeatures', false);
    const updates = planRecoveryWithoutSnapshot(await settings.inspect(Object.keys(OFF)), OFF, settings.context());
    assert.deepEqual(
      updates.map((u) => [u.key, u.scope, u.value]),
      [
        ['editor.inlineSuggest.enabled', 'global', undefined],
        ['github.copilot.enable', 'workspace', undefined],
      ],
    );
  });

  it('restores any mix of user, workspace, folder and language values exactly (property)', async () => {
    const value = fc.constantFrom<JsonValue | undefined>(undefined, true, false, { '*': true }, { '*': false }, { python: true, '*': false });
    const state = fc.record({
      workspaceKind: fc.constantFrom<'none' | 'folder' | 'multiRoot'>('none', 'folder', 'multiRoot'),
      values: fc.array(
        fc.record({
          key: fc.constantFrom('editor.inlineSuggest.enabled', 'github.copilot.enable', 'chat.disableAIFeatures'),
          scope: fc.constantFrom<'global' | 'workspace' | 'workspaceFolder'>('global', 'workspace', 'workspaceFolder'),
          folder: fc.constantFrom('file:///a', 'file:///b'),
          languageId: fc.constantFrom<string | undefined>(undefined, undefined, 'markdown'),
          value,
        }),
        { maxLength: 12 },
      ),
    });
    await fc.assert(
      fc.asyncProperty(state, async ({ workspaceKind, values }) => {
        const ctx: SettingsContext = workspaceKind === 'none' ? NONE : { workspace: workspaceKind, workspaceId: 'w' };
        const settings = standardSettings(ctx, ['file:///a', 'file:///b']);
        for (const v of values) {
          if (ctx.workspace === 'none' && v.scope !== 'global') continue;
          if (ctx.workspace !== 'multiRoot' && v.scope === 'workspaceFolder') continue;
          settings.set(v.scope, v.key, v.value, { folder: v.folder, languageId: v.languageId });
        }
        const before = settings.dump();
        const plan = planSwitchOff(await settings.inspect(Object.keys(OFF)), OFF, ctx);
        await applyAll(settings, plan.updates);
        for (const key of Object.keys(OFF)) {
          for (const folder of ['file:///a', 'file:///b']) {
            for (const language of [undefined, 'markdown']) assert.deepEqual(settings.effective(key, folder, language), OFF[key], `${key} ${folder} ${language}`);
          }
        }
        const restore = planRestore(plan.snapshot, await settings.inspect(Object.keys(OFF)), ctx);
        assert.deepEqual(restore.respectedUserChanges, []);
        await applyAll(settings, restore.updates);
        assert.deepEqual(settings.dump(), before);
      }),
      { numRuns: 150 },
    );
  });
});
