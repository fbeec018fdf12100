import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, watch } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ComprehensionApi } from '../../src/client/extension';

/** The extension under test. */
export const EXTENSION_ID = 'comprehension-first.comprehension-first';

/** Activates the extension (if needed) and returns its API. */
export async function getApi(): Promise<ComprehensionApi> {
  const extension = vscode.extensions.getExtension<ComprehensionApi>(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not installed in this host`);
  return extension.isActive ? extension.exports : extension.activate();
}

/**
 * Waits until `check` returns a value (not undefined/false), re-checking whenever `event` fires,
 * with a timeout. The way to wait for an effect without sleeping.
 */
export function waitFor<T>(
  event: vscode.Event<unknown>,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 20000,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const finish = (error: Error | undefined, value?: T) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      subscription.dispose();
      if (error) reject(error);
      else resolve(value as T);
    };
    const attempt = async () => {
      try {
        const value = await check();
        if (value !== undefined && value !== false) finish(undefined, value);
      } catch (error) {
        finish(error as Error);
      }
    };
    const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
    const subscription = event(() => void attempt());
    void attempt();
  });
}

/** Diagnostics from our server for `uri`, once `predicate` holds. */
export function waitForDiagnostics(
  uri: vscode.Uri,
  predicate: (diagnostics: vscode.Diagnostic[]) => boolean,
  what: string,
  timeoutMs = 20000,
): Promise<vscode.Diagnostic[]> {
  const ours = (): vscode.Diagnostic[] => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'comprehension');
  return waitFor(vscode.languages.onDidChangeDiagnostics, () => (predicate(ours()) ? ours() : undefined), what, timeoutMs).catch((error: Error) => {
    // What the file shows instead says which step never happened (a policy not reloaded, a note not read).
    const shown = ours().map((d) => `${String(typeof d.code === 'object' ? d.code.value : d.code)} at ${d.range.start.line + 1}`);
    throw new Error(`${error.message}; the file shows ${shown.length > 0 ? shown.join(', ') : 'no finding'}`);
  });
}

const ackDir = process.env.COMPREHENSION_TEST_ACK_DIR ?? '';

/** Sends a request to the runner (outside the extension host) and waits for its acknowledgement file. */
async function askRunner<T>(kind: 'KEYS' | 'SCREENSHOT' | 'DOM', body: Record<string, unknown>, timeoutMs = 30000): Promise<T> {
  if (!ackDir) throw new Error('COMPREHENSION_TEST_ACK_DIR is not set: not running under scripts/vscode-host.mjs');
  const id = randomUUID();
  const ackPath = join(ackDir, `${id}.json`);
  const acknowledged = new Promise<T>((resolve, reject) => {
    let settled = false;
    const read = () => {
      if (settled || !existsSync(ackPath)) return false;
      const reply = JSON.parse(readFileSync(ackPath, 'utf8')) as { ok: boolean; error?: string } & T;
      settled = true;
      watcher.close();
      clearTimeout(timer);
      if (reply.ok) resolve(reply);
      else reject(new Error(`runner failed ${kind}: ${reply.error}`));
      return true;
    };
    const watcher = watch(ackDir, () => void read());
    const timer = setTimeout(() => {
      settled = true;
      watcher.close();
      reject(new Error(`runner did not acknowledge ${kind} in ${timeoutMs} ms`));
    }, timeoutMs);
    read();
  });
  console.log(`__CF_${kind}__ ${JSON.stringify({ id, ...body })}`);
  return acknowledged;
}

/** A keyboard action the runner plays in the browser, through the real workbench. */
export type KeyAction =
  | { type: 'focusEditor' }
  | { type: 'press'; key: string }
  | { type: 'type'; text: string; delay?: number }
  | { type: 'clipboard'; text: string }
  | { type: 'waitForSelector'; selector: string; state?: 'visible' | 'attached' | 'hidden'; timeout?: number }
  | { type: 'click'; selector: string; timeout?: number }
  | { type: 'wait'; ms: number };

/** CSS selectors of workbench elements tests wait for. */
export const SELECTORS = {
  ghostText: '.monaco-editor .ghost-text-decoration, .monaco-editor .ghost-text',
  suggestWidget: '.monaco-editor .suggest-widget.visible',
  /** The suggest widget with `label` as its focused row: Enter accepts exactly that suggestion. */
  focusedSuggestion: (label: string) => `.monaco-editor .suggest-widget.visible .monaco-list-row.focused:has-text("${label}")`,
  // Focused, not merely present: keys typed before the rename box takes focus go to the document.
  renameInput: '.monaco-editor .rename-box:focus-within',
} as const;

/** Plays real keyboard input into the focused editor (focus is put there first). */
export async function keys(...actions: KeyAction[]): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
  await askRunner('KEYS', { actions: [{ type: 'focusEditor' }, ...actions] });
}

/** Waits until an element matching `selector` (playwright syntax, e.g. `:has-text("…")`) is in the workbench. */
export async function waitForSelector(selector: string, timeoutMs = 20000): Promise<void> {
  await askRunner('KEYS', { actions: [{ type: 'waitForSelector', selector, state: 'attached', timeout: timeoutMs }] }, timeoutMs + 10000);
}

/**
 * Which start of VS Code this is in a suite that crashes it (1, then one more after each
 * {@link crashVsCode}); the runner sets it.
 */
export function testPhase(): number {
  return Number(process.env.COMPREHENSION_TEST_PHASE ?? '1');
}

/**
 * Has the runner SIGKILL code-server (this extension host with it) and the browser, then start
 * both again on the same user data, extensions and workspace; the suite then runs again with
 * {@link testPhase} one higher. Never resolves: this process is about to die.
 */
export function crashVsCode(): Promise<never> {
  console.log(`__CF_KILL__ ${JSON.stringify({ id: randomUUID(), pid: process.pid })}`);
  return new Promise<never>(() => undefined);
}

/** Saves a screenshot of the workbench as `test-results/<name>.png`. */
export async function screenshot(name: string): Promise<string> {
  const reply = await askRunner<{ path: string }>('SCREENSHOT', { name });
  return reply.path;
}

/** Text content of the workbench elements matching a CSS selector (e.g. the status bar). */
export async function domTexts(selector: string): Promise<string[]> {
  const reply = await askRunner<{ texts: string[] }>('DOM', { selector });
  return reply.texts;
}

/** The workspace folder of this run (a fresh copy of test/fixtures/workspace). */
export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder open');
  return folder.uri;
}

/** Whether the workbench window has focus as VS Code sees it (headless browsers may say no). */
export function windowFocused(): boolean {
  return vscode.window.state.focused;
}

/** Opens a workspace file in an editor and returns the editor. */
export async function openFile(relativePath: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(workspaceRoot(), relativePath));
  return vscode.window.showTextDocument(document);
}

/** Runs the BUILT CLI (`node <extension>/dist/cli.js ...`) in the workspace folder, as a terminal user, script or agent would. */
export function runBuiltCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, 'the extension is installed');
  const cliPath = join(extension.extensionPath, 'dist/cli.js');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cliPath, ...args],
      // The extension host may be Electron: make its binary behave as plain Node.
      { cwd: workspaceRoot().fsPath, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, encoding: 'utf8' },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** Clicks the element matching `selector` (playwright syntax), as a person would; waits for it first. */
export async function click(selector: string, timeoutMs = 20000): Promise<void> {
  await askRunner('KEYS', { actions: [{ type: 'click', selector, timeout: timeoutMs }] }, timeoutMs + 10000);
}

/** Presses keys without moving focus first (a notification or dialog that holds the focus itself). */
export async function pressKeys(...keyNames: string[]): Promise<void> {
  await askRunner('KEYS', { actions: keyNames.map((key) => ({ type: 'press', key })) });
}
