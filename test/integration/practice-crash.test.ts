// Practice mode through real crashes: the runner SIGKILLs code-server (this extension host with it)
// and the browser mid-practice, then starts VS Code again on the same user data, extensions and
// workspace (`crashVsCode`, see scripts/vscode-host.mjs). The suite runs once per start; the phase
// number says which part of the story this start plays, and a state file in the run folder carries
// what earlier phases saw. Tests only run in the last phase, which asserts on all of it.
//   1: settings at several scopes, practice on, crash                          (a: after the switch-off)
//   2: recovery question → Restore; then practice on again, stalled after one write, crash
//                                                                               (b: part-way through it)
//   3: recovery question → Resume, every setting off; Stop; then practice on, user settings.json emptied
//      (what VS Code leaves when killed while saving it), crash                (c: emptied settings file)
//   4: recovery question → Restore; the tests run
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, renameSync, statSync, truncateSync, watch, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { BUILT_IN_AI_SETTINGS, type RestoreResult } from '../../src/core/practice';
import { processIsAlive } from '../../src/core/runtime/process-alive';
import { crashVsCode, domTexts, getApi, screenshot, testPhase, waitFor, waitForSelector } from './harness';

type Api = Awaited<ReturnType<typeof getApi>>;
const { Global, Workspace } = vscode.ConfigurationTarget;

const INLINE = 'editor.inlineSuggest.enabled';
const CHAT_OFF = 'chat.disableAIFeatures';
const AGENT = 'chat.agent.enabled';
const COMMAND_CENTER = 'chat.commandCenter.enabled';
/** The test-only hook of the settings port (src/client/practice/settings.ts). */
const STALL_ENV = 'COMPREHENSION_TEST_PRACTICE_STALL_AFTER_WRITES';
const LAST_PHASE = 4;
const SUITE_TITLE = 'Practice through real crashes (code-server SIGKILLed and started again on the same profile)';
const TITLES = {
  a: 'a crash after the switch-off: Restore brings every AI setting at every scope back exactly, journal closed',
  b: 'a crash part-way through the switch-off: the question counts what is off; Resume switches every setting off; Stop brings every one back',
  c: 'an emptied user settings.json: Restore rebuilds every value from the journal, journal closed',
};
const QUESTION = '.notification-list-item-message';

const runDir = process.env.COMPREHENSION_TEST_RUN_DIR;
const statePath = runDir ? join(runDir, 'practice-crash-state.json') : undefined;
const userSettingsPath = runDir ? join(runDir, 'user-data/User/settings.json') : undefined;

/** Every value of every AI setting at every scope, per key. */
type Values = Record<string, Record<string, unknown>>;

interface Recovery {
  /** The recovery question as the workbench shows it. */
  question: string;
  /** How many recovery questions the window showed (one: a single user action). */
  questionsAsked: number;
  /** Whether the extension host killed before is still alive (it must not be). */
  previousHostAlive: boolean;
  outcome: unknown;
  after: Values;
  journal: string;
  setAside: string[];
  state: string;
}

interface Variant {
  before?: Values;
  recovery?: Recovery;
  /** b only: the values right after Resume, and the Stop that followed. */
  whileResumed?: Values;
  stateAfterResume?: string;
  stop?: { result: RestoreResult | undefined; after: Values; journal: string; state: string };
  /** c only: the size of the user settings.json when VS Code came back. */
  userSettingsBytesAtStart?: number;
}

interface CrashState {
  hostPids: number[];
  a: Variant;
  b: Variant;
  c: Variant;
}

function inspectAll(key: string): Record<string, unknown> {
  const all: Record<string, unknown> = {};
  for (const languageId of ['', 'typescript', 'markdown']) {
    const inspected = vscode.workspace.getConfiguration(undefined, languageId ? { languageId } : undefined).inspect(key);
    const prefix = languageId ? `[${languageId}] ` : '';
    for (const field of ['globalValue', 'workspaceValue', 'workspaceFolderValue', 'globalLanguageValue', 'workspaceLanguageValue', 'workspaceFolderLanguageValue'] as const) {
      if (inspected?.[field] !== undefined) all[`${prefix}${field}`] = inspected[field];
    }
  }
  return all;
}

function allValues(): Values {
  return Object.fromEntries(BUILT_IN_AI_SETTINGS.map((spec) => [spec.key, inspectAll(spec.key)]));
}

function isRegistered(key: string): boolean {
  return vscode.workspace.getConfiguration().inspect(key)?.defaultValue !== undefined;
}

async function update(key: string, value: unknown, target: vscode.ConfigurationTarget, languageId?: string): Promise<void> {
  await vscode.workspace.getConfiguration(undefined, languageId ? { languageId } : undefined).update(key, value, target, languageId ? true : undefined);
}

/** AI settings at user, workspace and language-override scopes, one of them already off and so never written. */
async function setUpSettings(): Promise<void> {
  await update(INLINE, true, Global);
  await update(INLINE, true, Workspace);
  await update(INLINE, true, Global, 'typescript');
  await update(INLINE, true, Workspace, 'typescript');
  await update(INLINE, false, Global, 'markdown');
  if (isRegistered(AGENT)) await update(AGENT, true, Workspace);
  if (isRegistered(COMMAND_CENTER)) await update(COMMAND_CENTER, true, Global);
}

function loadState(): CrashState {
  if (!statePath || !existsSync(statePath)) return { hostPids: [], a: {}, b: {}, c: {} };
  return JSON.parse(readFileSync(statePath, 'utf8')) as CrashState;
}

function saveState(state: CrashState): void {
  if (!statePath) throw new Error('COMPREHENSION_TEST_RUN_DIR is not set');
  // Whole or not at all: this process may be killed right after.
  writeFileSync(`${statePath}.tmp`, JSON.stringify(state, null, 2));
  renameSync(`${statePath}.tmp`, statePath);
}

function journalPath(api: Api): string {
  return join(dirname(api.practice.historyPath), 'practice-journal.json');
}

/** `none` (no journal), or the journal's status. */
function journalStatus(api: Api): string {
  const path = journalPath(api);
  return existsSync(path) ? String((JSON.parse(readFileSync(path, 'utf8')) as { status?: unknown }).status) : 'none';
}

function setAsideJournals(api: Api): string[] {
  const folder = dirname(journalPath(api));
  return readdirSync(folder).filter((name) => name.startsWith(`${basename(journalPath(api))}.`) && !name.endsWith('.tmp') && !name.endsWith('.lock'));
}

/** Waits until the file's text satisfies `predicate`, on file events with a timeout (no polling sleeps). */
function waitForFileText(path: string, predicate: (text: string) => boolean, what: string, timeoutMs = 20000): Promise<void> {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (error?: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      watcher.close();
      if (error) reject(error);
      else resolve();
    };
    const check = (): void => {
      let text: string | undefined;
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        return; // Not there yet.
      }
      if (predicate(text)) finish();
    };
    const watcher = watch(dirname(path), () => check());
    const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
    check();
  });
}

/** A top-level value of a settings file's text; undefined while the file is being written. */
function userValue(text: string, key: string): unknown {
  try {
    return (JSON.parse(text) as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

async function startPractice(): Promise<void> {
  const outcome = (await vscode.commands.executeCommand('comprehension.practice.start')) as { ok: boolean; message?: string };
  assert.ok(outcome.ok, `practice started: ${outcome.message ?? ''}`);
}

/**
 * The one user action after a crash: the start-up recovery finds the session by itself and asks;
 * the test answers as the notification's button would (the command it runs).
 */
async function recover(api: Api, state: CrashState, choice: 'restore' | 'resume'): Promise<Recovery> {
  await waitFor(api.practice.onDidChange, () => api.practice.state === 'interrupted' || undefined, 'the start-up recovery to find the session', 60_000);
  // Toasts may stay hidden in the headless workbench; the notification centre lists every notification.
  await vscode.commands.executeCommand('notifications.showList');
  try {
    await waitForSelector(`${QUESTION}:has-text("was still running when VS Code closed")`);
  } catch (error) {
    const shot = await screenshot(`practice-crash-question-${testPhase()}`);
    throw new Error(`${(error as Error).message}; notifications: ${JSON.stringify(await domTexts('.notifications-toasts, .notifications-center'))}; screenshot ${shot}`);
  }
  const questions = (await domTexts(QUESTION)).filter((text) => text.includes('was still running when VS Code closed'));
  const question = questions[0] ?? '';
  const previousHostAlive = processIsAlive(state.hostPids[state.hostPids.length - 2]);
  const outcome = await vscode.commands.executeCommand('comprehension.practice.resolveInterrupted', choice);
  return { question, questionsAsked: questions.length, previousHostAlive, outcome, after: allValues(), journal: journalStatus(api), setAside: setAsideJournals(api), state: api.practice.state };
}

let final: CrashState | undefined;

/**
 * The phases crash VS Code: only when the runner gave this file its own window (as `runIntegration`
 * does for every file) and the grep selects one of its tests.
 */
function phasesWanted(): boolean {
  const files = process.env.COMPREHENSION_TEST_FILES?.split(',') ?? [];
  const grep = process.env.COMPREHENSION_TEST_GREP;
  const selected = Object.values(TITLES).some((title) => !grep || new RegExp(grep).test(`${SUITE_TITLE} ${title}`));
  return files.length === 1 && files[0] === basename(__filename) && selected;
}

before(async function () {
  this.timeout(0);
  if (!statePath || !userSettingsPath || !phasesWanted()) return;
  const api = await getApi();
  const phase = testPhase();
  const state = loadState();
  state.hostPids.push(process.pid);
  if (phase === 1) {
    await setUpSettings();
    state.a.before = allValues();
    await startPractice();
    saveState(state);
    return crashVsCode();
  }
  if (phase === 2) {
    state.a.recovery = await recover(api, state, 'restore');
    state.b.before = allValues();
    // Practice again, but the switch-off stops after its first write, where the crash hits.
    process.env[STALL_ENV] = '1';
    void vscode.commands.executeCommand('comprehension.practice.start');
    await waitForFileText(userSettingsPath, (text) => userValue(text, INLINE) === false, 'the first off value in the user settings.json');
    saveState(state);
    return crashVsCode();
  }
  if (phase === 3) {
    state.b.recovery = await recover(api, state, 'resume');
    state.b.whileResumed = allValues();
    state.b.stateAfterResume = api.practice.state;
    const result = (await vscode.commands.executeCommand('comprehension.practice.stop')) as RestoreResult | undefined;
    state.b.stop = { result, after: allValues(), journal: journalStatus(api), state: api.practice.state };
    state.c.before = allValues();
    saveState(state); // What b saw, should the rest of this phase fail.
    await startPractice();
    // VS Code killed while saving settings.json: truncated, never written again.
    truncateSync(userSettingsPath, 0);
    saveState(state);
    return crashVsCode();
  }
  if (phase === LAST_PHASE) {
    // Nothing writes settings before the user answers: the file is still as the crash left it.
    state.c.userSettingsBytesAtStart = statSync(userSettingsPath).size;
    state.c.recovery = await recover(api, state, 'restore');
    saveState(state);
    final = state;
    await vscode.commands.executeCommand('notifications.clearAll');
  }
});

describe(SUITE_TITLE, function () {
  this.timeout(60_000);

  before(function () {
    if (!statePath || !phasesWanted()) this.skip();
    assert.equal(testPhase(), LAST_PHASE, 'the tests run in the last phase only');
    assert.ok(final, 'every phase ran');
    assert.equal(new Set(final.hostPids).size, LAST_PHASE, `a new extension host in every phase: ${final.hostPids.join(', ')}`);
  });

  function recovered(variant: Variant): Recovery {
    assert.ok(variant.recovery, 'the recovery ran');
    assert.equal(variant.recovery.previousHostAlive, false, 'the killed extension host is gone');
    assert.equal(variant.recovery.questionsAsked, 1, 'one question, answered once: the only user action');
    return variant.recovery;
  }

  it(TITLES.a, function () {
    const variant = final!.a;
    const recovery = recovered(variant);
    const counted = /; (\d+) of (\d+) AI settings are still off\./.exec(recovery.question);
    assert.ok(counted, `the question says how many are off: ${recovery.question}`);
    assert.equal(counted[1], counted[2], 'all of them are off');
    const result = recovery.outcome as RestoreResult;
    assert.equal(result.complete, true, JSON.stringify(result));
    assert.deepEqual(result.respectedUserChanges, []);
    assert.deepEqual(recovery.after, variant.before);
    assert.deepEqual([recovery.journal, recovery.setAside, recovery.state], ['done', [], 'idle']);
  });

  it(TITLES.b, function () {
    const variant = final!.b;
    const recovery = recovered(variant);
    const counted = /; 1 of (\d+) AI settings are still off\./.exec(recovery.question);
    assert.ok(counted, `only the first write landed: ${recovery.question}`);
    assert.ok(Number(counted[1]) >= 5, `several settings to switch off: ${counted[1]}`);
    assert.deepEqual(recovery.outcome && (recovery.outcome as { ok: boolean; resumed: boolean }).ok, true, JSON.stringify(recovery.outcome));
    assert.equal(variant.stateAfterResume, 'active');
    const on = variant.whileResumed!;
    assert.equal(on[INLINE].globalValue, false, 'user scope off');
    assert.equal(on[INLINE].workspaceValue, false, 'workspace scope off');
    assert.equal(on[INLINE]['[typescript] globalLanguageValue'], false, 'user [typescript] override off');
    assert.equal(on[INLINE]['[typescript] workspaceLanguageValue'], false, 'workspace [typescript] override off');
    assert.equal(on[INLINE]['[markdown] globalLanguageValue'], false, '[markdown] already off, untouched');
    if (isRegistered(CHAT_OFF)) assert.equal(on[CHAT_OFF].globalValue, true, `${CHAT_OFF} on (= AI off)`);
    if (isRegistered(AGENT)) assert.deepEqual([on[AGENT].globalValue, on[AGENT].workspaceValue], [false, false], `${AGENT} off at user and workspace scope`);
    if (isRegistered(COMMAND_CENTER)) assert.equal(on[COMMAND_CENTER].globalValue, false);
    const stop = variant.stop!;
    assert.equal(stop.result?.complete, true, JSON.stringify(stop.result));
    assert.deepEqual(stop.result?.respectedUserChanges, []);
    assert.deepEqual(stop.after, variant.before);
    assert.deepEqual([stop.journal, stop.state], ['done', 'idle']);
  });

  it(TITLES.c, function () {
    const variant = final!.c;
    assert.equal(variant.userSettingsBytesAtStart, 0, 'VS Code came back with an empty user settings.json');
    const recovery = recovered(variant);
    const result = recovery.outcome as RestoreResult;
    assert.equal(result.complete, true, JSON.stringify(result));
    assert.deepEqual(result.respectedUserChanges, [], 'lost values are not taken for changes by the user');
    assert.ok((result.rebuilt ?? 0) >= 3, `rebuilt from the journal: ${result.rebuilt}`);
    assert.deepEqual(recovery.after, variant.before);
    assert.equal(recovery.after[INLINE]['[typescript] globalLanguageValue'], true, 'the user [typescript] block is back');
    assert.deepEqual([recovery.journal, recovery.setAside, recovery.state], ['done', [], 'idle']);
  });
});
