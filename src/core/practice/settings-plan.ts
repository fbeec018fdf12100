/**
 * A pure model of switching AI settings off for a practice session and restoring them exactly.
 *
 * The input mirrors VS Code's `WorkspaceConfiguration.inspect(key)`; the output is a list of
 * updates the extension applies one by one with
 * `workspace.getConfiguration(undefined, { uri: folder, languageId }).update(key, value, target, languageId !== undefined)`,
 * where `target` is ConfigurationTarget.Global / Workspace / WorkspaceFolder for the update's
 * `scope`, and `value: undefined` removes the setting from that scope.
 *
 * Why every scope: VS Code resolves a setting from the most specific scope that sets it (folder
 * over workspace over user), and language-specific values (`"[python]": {...}`) over plain ones.
 * Writing the off value only at user scope would lose to any workspace or language value, so the
 * off value also goes to every scope that already holds a value.
 */
import { cloneJson, isJsonValue, jsonEqual, type JsonValue } from './json';

/** Where a setting value lives, as VS Code's ConfigurationTarget names it. */
export type ConfigScope = 'global' | 'workspace' | 'workspaceFolder';

/**
 * What the extension knows about the open window when it inspects settings.
 * - `none`: no folder open; only user (global) settings exist.
 * - `folder`: one folder; its `.vscode/settings.json` is the workspace scope (VS Code reports
 *   the same values as workspace and workspace-folder values; they are one file).
 * - `multiRoot`: a `.code-workspace` file (workspace scope) plus one settings file per folder.
 */
export interface SettingsContext {
  workspace: 'none' | 'folder' | 'multiRoot';
  /**
   * Stable identity of the open workspace (folder URI or `.code-workspace` URI). A crashed
   * session is often recovered in another window: workspace-scope values can only be restored
   * when the same workspace is open again.
   */
  workspaceId?: string;
}

/**
 * One key's inspection. The VS Code `inspect()` result can be passed as is (unknown fields are
 * ignored), with three fields the extension adds:
 * - `folder`: the folder URI the configuration was scoped to (multi-root: inspect once per folder);
 * - `languageId`: the language the configuration was scoped to; then the `*LanguageValue` fields
 *   are that language's override values (inspect once per id in `languageIds`);
 * - `registered`: false when VS Code does not know the key. When omitted, an inspection that has a
 *   `defaultValue` property holding `undefined` counts as unregistered, because VS Code gives every
 *   registered setting a default.
 * `undefined` at a scope means "not set there".
 */
export interface SettingInspection {
  key: string;
  defaultValue?: unknown;
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
  globalLanguageValue?: unknown;
  workspaceLanguageValue?: unknown;
  workspaceFolderLanguageValue?: unknown;
  languageIds?: readonly string[];
  folder?: string;
  languageId?: string;
  registered?: boolean;
}

/** One place a value can live: a key at a scope, for one folder and/or one language override. */
export interface SettingSlot {
  key: string;
  scope: ConfigScope;
  /** Folder URI, for `workspaceFolder` slots in a multi-root workspace. */
  folder?: string;
  /** Language override (`"[languageId]": { key: ... }`). */
  languageId?: string;
}

/** A value as it was in a slot. JSON has no `undefined`, so "not set" is an explicit marker. */
export type RecordedValue = { state: 'unset' } | { state: 'set'; value: JsonValue };

/** What the snapshot remembers about one slot. */
export interface SnapshotEntry extends SettingSlot {
  previous: RecordedValue;
  /** The value written (or that would have been written) there. */
  offValue: JsonValue;
  /** Whether the session writes this slot; only written slots are restored. */
  written: boolean;
}

/** A key left out of the session, and why. */
export interface SkippedKey {
  key: string;
  reason: 'unregistered' | 'not-inspected';
}

/** Everything needed to undo a switch-off, serializable as JSON (it lives in the journal). */
export interface SettingsSnapshot {
  format: 'comprehension-settings-snapshot';
  version: 1;
  context: SettingsContext;
  entries: SnapshotEntry[];
  skipped: SkippedKey[];
}

/** One `WorkspaceConfiguration.update` call; `value: undefined` removes the setting from the slot. */
export interface SettingUpdate extends SettingSlot {
  value: JsonValue | undefined;
}

/** Result of {@link planSwitchOff}. */
export interface SwitchOffPlan {
  /** Write it to the journal BEFORE applying the updates (write-ahead), so a crash can be undone. */
  snapshot: SettingsSnapshot;
  updates: SettingUpdate[];
  /** Inspections that could not be used (e.g. a folder value without the folder's URI). */
  problems: string[];
}

/** A slot the user changed during the session; restore leaves the user's value. */
export interface UserChange extends SettingSlot {
  previous: RecordedValue;
  offValue: JsonValue;
  current: RecordedValue;
}

/** A slot that cannot be restored from this window now. */
export interface DeferredSlot extends SettingSlot {
  reason: 'other-workspace' | 'not-inspected' | 'unregistered';
}

/** Result of {@link planRestore}. */
export interface RestorePlan {
  updates: SettingUpdate[];
  /** Slot ids the updates put back. */
  restoring: string[];
  /**
   * Slot ids among `restoring` whose value was missing (a settings file VS Code left empty or torn
   * when it was killed mid-save) and is rebuilt from the snapshot.
   */
  rebuilt: string[];
  /** Slot ids that already hold their previous value (a restore that ran before, or updates that never landed). */
  alreadyRestored: string[];
  respectedUserChanges: UserChange[];
  deferred: DeferredSlot[];
  /** Nothing deferred: once the updates are applied the session's changes are fully undone. */
  complete: boolean;
}

/** A stable string id for a slot, used for restore progress in the journal. */
export function slotId(slot: SettingSlot): string {
  return JSON.stringify([slot.key, slot.scope, slot.folder ?? null, slot.languageId ?? null]);
}

/** A human-readable slot name for messages: `editor.inlineSuggest.enabled (workspace folder file:///a, [python])`. */
export function describeSlot(slot: SettingSlot): string {
  const scope = slot.scope === 'global' ? 'user' : slot.scope === 'workspace' ? 'workspace' : 'workspace folder';
  const parts = [scope];
  if (slot.folder !== undefined) parts.push(slot.folder);
  if (slot.languageId !== undefined) parts.push(`[${slot.languageId}]`);
  return `${slot.key} (${parts.join(' ')})`;
}

interface ObservedSlot {
  slot: SettingSlot;
  value: RecordedValue;
}

interface Observation {
  slots: Map<string, ObservedSlot>;
  /** Keys with at least one inspection, and whether VS Code registers them. */
  registered: Map<string, boolean>;
  problems: string[];
}

function record(value: unknown): RecordedValue {
  if (value === undefined) return { state: 'unset' };
  // Settings come from JSON files; the round trip only guards against a caller passing odd objects.
  return { state: 'set', value: isJsonValue(value) ? cloneJson(value) : (JSON.parse(JSON.stringify(value) ?? 'null') as JsonValue) };
}

function sameRecorded(a: RecordedValue, b: RecordedValue): boolean {
  if (a.state === 'unset' || b.state === 'unset') return a.state === b.state;
  return jsonEqual(a.value, b.value);
}

function isRegistered(inspection: SettingInspection): boolean {
  if (inspection.registered !== undefined) return inspection.registered;
  if (Object.prototype.hasOwnProperty.call(inspection, 'defaultValue')) return inspection.defaultValue !== undefined;
  return true;
}

/** Turns inspections into the slots observable from this window. */
function observe(inspections: readonly SettingInspection[], context: SettingsContext): Observation {
  const slots = new Map<string, ObservedSlot>();
  const registered = new Map<string, boolean>();
  const problems: string[] = [];
  const add = (slot: SettingSlot, value: unknown): void => {
    const id = slotId(slot);
    if (!slots.has(id)) slots.set(id, { slot, value: record(value) });
  };
  const scopedSlots = (key: string, languageId: string | undefined, values: [unknown, unknown, unknown], folder: string | undefined): void => {
    const [globalValue, workspaceValue, folderValue] = values;
    const language = languageId === undefined ? {} : { languageId };
    add({ key, scope: 'global', ...language }, globalValue);
    if (context.workspace === 'folder') {
      // One file behind both scopes: treat it as the workspace scope only.
      add({ key, scope: 'workspace', ...language }, workspaceValue !== undefined ? workspaceValue : folderValue);
    } else if (context.workspace === 'multiRoot') {
      add({ key, scope: 'workspace', ...language }, workspaceValue);
      if (folder !== undefined) add({ key, scope: 'workspaceFolder', folder, ...language }, folderValue);
      else if (folderValue !== undefined) {
        problems.push(`${key}: a folder value was reported without the folder's URI; inspect per folder to switch it off there.`);
      }
    }
  };
  for (const inspection of inspections) {
    const key = inspection.key;
    registered.set(key, (registered.get(key) ?? true) && isRegistered(inspection));
    scopedSlots(key, undefined, [inspection.globalValue, inspection.workspaceValue, inspection.workspaceFolderValue], inspection.folder);
    if (inspection.languageId !== undefined) {
      scopedSlots(
        key,
        inspection.languageId,
        [inspection.globalLanguageValue, inspection.workspaceLanguageValue, inspection.workspaceFolderLanguageValue],
        inspection.folder,
      );
    }
  }
  return { slots, registered, problems };
}

const SCOPE_ORDER: Record<ConfigScope, number> = { global: 0, workspace: 1, workspaceFolder: 2 };

function slotOrder(a: SettingSlot, b: SettingSlot): number {
  return (
    (a.languageId === undefined ? 0 : 1) - (b.languageId === undefined ? 0 : 1) ||
    SCOPE_ORDER[a.scope] - SCOPE_ORDER[b.scope] ||
    (a.folder ?? '').localeCompare(b.folder ?? '') ||
    (a.languageId ?? '').localeCompare(b.languageId ?? '')
  );
}

function slotOf(entry: SettingSlot): SettingSlot {
  const slot: SettingSlot = { key: entry.key, scope: entry.scope };
  if (entry.folder !== undefined) slot.folder = entry.folder;
  if (entry.languageId !== undefined) slot.languageId = entry.languageId;
  return slot;
}

/**
 * Plans switching the given settings off. For each key in `offValues`:
 * - the user (global) scope always gets the off value, unless it already holds it;
 * - every other observable slot (workspace, folder, language override) gets it only where a
 *   value is set there and differs from the off value: an unset slot does not override ours,
 *   and leaving it alone keeps the user's files untouched.
 * Every observable slot is recorded in the snapshot with its previous value or "unset".
 * Keys that VS Code does not register, or that were not inspected, are skipped and listed.
 */
export function planSwitchOff(
  inspections: readonly SettingInspection[],
  offValues: Readonly<Record<string, JsonValue>>,
  context: SettingsContext,
): SwitchOffPlan {
  const observation = observe(inspections, context);
  const entries: SnapshotEntry[] = [];
  const skipped: SkippedKey[] = [];
  for (const [key, rawOffValue] of Object.entries(offValues)) {
    const known = observation.registered.get(key);
    if (known === undefined) {
      skipped.push({ key, reason: 'not-inspected' });
      continue;
    }
    if (!known) {
      skipped.push({ key, reason: 'unregistered' });
      continue;
    }
    const offValue = cloneJson(rawOffValue);
    const off: RecordedValue = { state: 'set', value: offValue };
    const observed = [...observation.slots.values()].filter((item) => item.slot.key === key).sort((a, b) => slotOrder(a.slot, b.slot));
    for (const { slot, value } of observed) {
      const isUserScope = slot.scope === 'global' && slot.languageId === undefined;
      const written = !sameRecorded(value, off) && (isUserScope || value.state === 'set');
      entries.push({ ...slotOf(slot), previous: value, offValue, written });
    }
  }
  const updates = entries.filter((entry) => entry.written).map((entry) => ({ ...slotOf(entry), value: cloneJson(entry.offValue) }));
  return {
    snapshot: { format: 'comprehension-settings-snapshot', version: 1, context: { ...context }, entries, skipped },
    updates,
    problems: observation.problems,
  };
}

/**
 * Adds keys to a running session (the user extended `comprehension.practice.disableSettings`,
 * or an extension that registers a listed key was installed mid-session). Keys the snapshot
 * already covers are left alone: their previous values were recorded before the session wrote
 * them, and re-reading them now would record our own off values as "previous".
 */
export function planExtendSwitchOff(
  snapshot: SettingsSnapshot,
  inspections: readonly SettingInspection[],
  offValues: Readonly<Record<string, JsonValue>>,
  context: SettingsContext,
): SwitchOffPlan {
  const covered = new Set(snapshot.entries.map((entry) => entry.key));
  const fresh: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(offValues)) if (!covered.has(key)) fresh[key] = value;
  const plan = planSwitchOff(inspections, fresh, context);
  // A key skipped before is either handled now or skipped again (listed once, with today's reason).
  const retried = new Set(Object.keys(fresh));
  const skipped = [...snapshot.skipped.filter((item) => !retried.has(item.key)), ...plan.snapshot.skipped];
  return {
    snapshot: { ...snapshot, entries: [...snapshot.entries, ...plan.snapshot.entries], skipped },
    updates: plan.updates,
    problems: plan.problems,
  };
}

/** Options for {@link planRestore}. */
export interface RestoreOptions {
  /** Slot ids a previous, interrupted restore already settled (from the journal). */
  settled?: Iterable<string>;
  /** Slot ids whose off value the session wrote (the journal's `appliedSlots`): evidence for a lost settings file. */
  applied?: Iterable<string>;
}

/** The language ids of a snapshot's slots: a restore must inspect them even when no settings file mentions them any more. */
export function snapshotLanguageIds(snapshot: SettingsSnapshot): string[] {
  return [...new Set(snapshot.entries.flatMap((entry) => (entry.languageId === undefined ? [] : [entry.languageId])))].sort();
}

/** The settings file a slot lives in (language overrides share their scope's file). */
function fileOf(slot: SettingSlot): string {
  return JSON.stringify([slot.scope, slot.folder ?? null]);
}

function sameWorkspace(a: SettingsContext, b: SettingsContext): boolean {
  return a.workspace === b.workspace && a.workspaceId === b.workspaceId;
}

/**
 * Plans putting back what {@link planSwitchOff} changed, slot by slot, for the slots it wrote:
 * - the slot still holds our off value → put back the previous value (remove it if it was unset);
 * - it already holds the previous value → nothing to do (so restoring twice is a no-op, and a
 *   crash between writing the journal and applying the updates is harmless);
 * - anything else → the user changed it during the session: leave it and report it.
 * Workspace and folder slots of another workspace, slots not inspected now, and keys VS Code no
 * longer registers (extension uninstalled mid-session; VS Code refuses to write them) are deferred.
 */
export function planRestore(
  snapshot: SettingsSnapshot,
  currentInspections: readonly SettingInspection[],
  context: SettingsContext,
  options: RestoreOptions = {},
): RestorePlan {
  const observation = observe(currentInspections, context);
  const settled = new Set(options.settled ?? []);
  const applied = new Set(options.applied ?? []);
  const plan: RestorePlan = { updates: [], restoring: [], rebuilt: [], alreadyRestored: [], respectedUserChanges: [], deferred: [], complete: true };
  // A file where a slot we wrote reads as unset was emptied or torn (VS Code truncates, then writes):
  // its other snapshot values, even those the session never touched, are rebuilt from the snapshot too.
  const lostFiles = new Set<string>();
  for (const entry of snapshot.entries) {
    if (!entry.written) continue;
    const current = observation.slots.get(slotId(entry))?.value;
    if (current?.state === 'unset' && (entry.previous.state === 'set' || applied.has(slotId(entry)))) lostFiles.add(fileOf(entry));
  }
  const sameContext = sameWorkspace(snapshot.context, context);
  for (const entry of snapshot.entries) {
    if (entry.written || entry.previous.state !== 'set' || !lostFiles.has(fileOf(entry))) continue;
    if (entry.scope !== 'global' && !sameContext) continue;
    const id = slotId(entry);
    if (observation.slots.get(id)?.value.state !== 'unset') continue;
    plan.updates.push({ ...slotOf(entry), value: cloneJson(entry.previous.value) });
    plan.restoring.push(id);
    plan.rebuilt.push(id);
  }
  for (const entry of snapshot.entries) {
    if (!entry.written) continue;
    const id = slotId(entry);
    const observed = observation.slots.get(id);
    // A settled slot is done, unless its value vanished since (a crash during Stop while VS Code saved that file).
    if (settled.has(id) && !(observed?.value.state === 'unset' && entry.previous.state === 'set')) continue;
    const slot = slotOf(entry);
    if (entry.scope !== 'global' && !sameWorkspace(snapshot.context, context)) {
      plan.deferred.push({ ...slot, reason: 'other-workspace' });
      continue;
    }
    if (!observed) {
      plan.deferred.push({ ...slot, reason: 'not-inspected' });
      continue;
    }
    const current = observed.value;
    if (sameRecorded(current, entry.previous)) {
      // Nothing to write, so it does not matter whether VS Code registers the key right now
      // (extensions such as Copilot register theirs late, or drop them while AI is disabled).
      plan.alreadyRestored.push(id);
      continue;
    }
    if (observation.registered.get(entry.key) === false) {
      plan.deferred.push({ ...slot, reason: 'unregistered' });
      continue;
    }
    if (sameRecorded(current, { state: 'set', value: entry.offValue })) {
      plan.updates.push({ ...slot, value: entry.previous.state === 'set' ? cloneJson(entry.previous.value) : undefined });
      plan.restoring.push(id);
    } else if (current.state === 'unset' && entry.previous.state === 'set') {
      // The journal, not the file, is the truth: a value that vanished (emptied or torn settings
      // file) is put back, never taken for a user's change.
      plan.updates.push({ ...slot, value: cloneJson(entry.previous.value) });
      plan.restoring.push(id);
      plan.rebuilt.push(id);
    } else {
      plan.respectedUserChanges.push({ ...slot, previous: entry.previous, offValue: entry.offValue, current });
    }
  }
  plan.complete = plan.deferred.length === 0;
  return plan;
}

/** Result of {@link planReapplyOff}. */
export interface ReapplyPlan {
  /** Off values to write again, in the snapshot's order. */
  updates: SettingUpdate[];
  /** Slot ids of `updates`. */
  slots: string[];
  /** Written slots that already hold their off value. */
  alreadyOff: string[];
  /** Slots that cannot be written from this window (another workspace, not inspected). */
  deferred: DeferredSlot[];
}

/**
 * Plans switching AI off again for a session that continues after a crash (Resume): every slot
 * the session writes gets its off value unless it holds it already. The crash may have come
 * part-way through the switch-off, or VS Code may have lost a settings file, so nothing can be
 * assumed to be off. The snapshot is not touched: its previous values stay what Restore puts back.
 */
export function planReapplyOff(snapshot: SettingsSnapshot, currentInspections: readonly SettingInspection[], context: SettingsContext): ReapplyPlan {
  const observation = observe(currentInspections, context);
  const plan: ReapplyPlan = { updates: [], slots: [], alreadyOff: [], deferred: [] };
  for (const entry of snapshot.entries) {
    if (!entry.written) continue;
    const id = slotId(entry);
    const slot = slotOf(entry);
    if (entry.scope !== 'global' && !sameWorkspace(snapshot.context, context)) {
      plan.deferred.push({ ...slot, reason: 'other-workspace' });
      continue;
    }
    const observed = observation.slots.get(id);
    if (!observed) {
      plan.deferred.push({ ...slot, reason: 'not-inspected' });
      continue;
    }
    if (observation.registered.get(entry.key) === false) {
      plan.deferred.push({ ...slot, reason: 'unregistered' });
      continue;
    }
    if (sameRecorded(observed.value, { state: 'set', value: entry.offValue })) {
      plan.alreadyOff.push(id);
      continue;
    }
    plan.updates.push({ ...slot, value: cloneJson(entry.offValue) });
    plan.slots.push(id);
  }
  return plan;
}

/**
 * How many of the slots a session writes hold their off value now (`off`), of how many it
 * writes (`total`): what the recovery question tells the user ("1 of 7 AI settings are still
 * off"). Slots of another workspace are not observable from here and count as not off.
 */
export function countSwitchedOff(snapshot: SettingsSnapshot, currentInspections: readonly SettingInspection[], context: SettingsContext): { off: number; total: number } {
  const observation = observe(currentInspections, context);
  const comparable = sameWorkspace(snapshot.context, context);
  let off = 0;
  let total = 0;
  for (const entry of snapshot.entries) {
    if (!entry.written) continue;
    total++;
    if (entry.scope !== 'global' && !comparable) continue;
    const observed = observation.slots.get(slotId(entry));
    if (observed && sameRecorded(observed.value, { state: 'set', value: entry.offValue })) off++;
  }
  return { off, total };
}

/** Slot ids a restore plan settles once its updates are applied (restored, already restored, or left to the user). */
export function settledSlotIds(plan: RestorePlan): string[] {
  return [...plan.restoring, ...plan.alreadyRestored, ...plan.respectedUserChanges.map((change) => slotId(change))];
}

/**
 * Written slots that no longer hold the off value: someone switched AI back on during the
 * session. The extension can warn, count it, or re-apply the off value.
 */
export function findReenabled(
  snapshot: SettingsSnapshot,
  currentInspections: readonly SettingInspection[],
  context: SettingsContext,
): UserChange[] {
  if (!sameWorkspace(snapshot.context, context)) {
    // Only the user scope is comparable from another workspace.
    snapshot = { ...snapshot, entries: snapshot.entries.filter((entry) => entry.scope === 'global') };
  }
  const observation = observe(currentInspections, context);
  const changes: UserChange[] = [];
  for (const entry of snapshot.entries) {
    if (!entry.written) continue;
    const observed = observation.slots.get(slotId(entry));
    if (!observed || sameRecorded(observed.value, { state: 'set', value: entry.offValue })) continue;
    changes.push({ ...slotOf(entry), previous: entry.previous, offValue: entry.offValue, current: observed.value });
  }
  return changes;
}

/**
 * The fallback when the snapshot is lost (corrupt journal): remove the off value from every
 * slot that holds exactly it. This can also remove a value the user had set to the same thing
 * before the session, so the extension must ask the user before applying it.
 */
export function planRecoveryWithoutSnapshot(
  inspections: readonly SettingInspection[],
  offValues: Readonly<Record<string, JsonValue>>,
  context: SettingsContext,
): SettingUpdate[] {
  const observation = observe(inspections, context);
  const updates: SettingUpdate[] = [];
  for (const { slot, value } of [...observation.slots.values()].sort((a, b) => slotOrder(a.slot, b.slot))) {
    const offValue = offValues[slot.key];
    if (offValue === undefined || observation.registered.get(slot.key) === false) continue;
    if (sameRecorded(value, { state: 'set', value: offValue })) updates.push({ ...slotOf(slot), value: undefined });
  }
  return updates;
}
