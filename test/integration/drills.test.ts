import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { loadDrill } from '../../src/core/drills/drill';
import { loadHistory } from '../../src/core/practice';
import { click, getApi, keys, screenshot, waitFor, waitForSelector, workspaceRoot } from './harness';

const INLINE = 'editor.inlineSuggest.enabled';
const FILE = 'src/limit.mjs';
const CODE = ['// Rate limiting for the API client.', 'export function allowed(count, limit) {', '  return count < limit;', '}', ''].join('\n');
const TESTS = [
  "import { test } from 'node:test';",
  "import assert from 'node:assert/strict';",
  "import { allowed } from '../src/limit.mjs';",
  "test('allows below the limit', () => assert.equal(allowed(2, 3), true));",
  "test('refuses at the limit', () => assert.equal(allowed(3, 3), false));",
  '',
].join('\n');

/** Settings the test wrote, removed afterwards. */
const written: string[] = [];
async function setWorkspaceSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration().update(key, value, vscode.ConfigurationTarget.Workspace);
  written.push(key);
}

describe('Debugging drill', function () {
  this.timeout(180_000);

  afterEach(async () => {
    for (const key of written.splice(0)) await vscode.workspace.getConfiguration().update(key, undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('drill end to end: a planted bug fails a named test, a typed fix is verified, the time recorded, AI restored, the copy gone (screenshots)', async () => {
    const api = await getApi();
    await api.whenProvenanceReady();
    // Typing the fix must reach the document as typed.
    await setWorkspaceSetting('editor.quickSuggestions', { other: 'off', comments: 'off', strings: 'off' });
    await setWorkspaceSetting('editor.suggestOnTriggerCharacters', false);
    const root = workspaceRoot().fsPath;
    mkdirSync(join(root, 'test'), { recursive: true });
    writeFileSync(join(root, FILE), CODE);
    writeFileSync(join(root, 'test/limit.test.mjs'), TESTS);
    const uri = vscode.Uri.joinPath(workspaceRoot(), FILE);
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    // The AI block: lines 2-4 (0-based 1-3), as an agent would have written them.
    assert.ok(await vscode.commands.executeCommand('comprehension.markLines', uri, 1, 3, { agent: 'Copilot' }));
    await waitFor(api.onDidChangeBlocks, async () => (await api.getBlocks(uri)).length === 1, 'the AI block');
    const inlineBefore = vscode.workspace.getConfiguration().inspect(INLINE)?.globalValue;
    editor.selection = new vscode.Selection(2, 4, 2, 4);

    const started = (await vscode.commands.executeCommand('comprehension.drill.start')) as { ok: boolean; reason?: string; detail?: string };
    assert.ok(started.ok, started.reason);
    const drill = api.practice.drill;
    assert.ok(drill, 'a drill runs');
    assert.deepEqual(drill.failingTests, ['refuses at the limit'], drill.symptom);
    assert.match(drill.symptom, /refuses at the limit/);
    assert.ok(existsSync(drill.worktree), 'the drill copy exists');
    assert.equal(api.practice.isActive, true, 'the drill switched practice mode on');
    assert.equal(vscode.workspace.getConfiguration().inspect(INLINE)?.globalValue, false, 'AI completions are off');
    assert.equal(editor.document.getText(), CODE, 'the real file is untouched');

    const copyPath = join(drill.worktree, FILE);
    const copy = await waitFor(
      vscode.window.onDidChangeActiveTextEditor,
      () => (vscode.window.activeTextEditor?.document.uri.fsPath === copyPath ? vscode.window.activeTextEditor : undefined),
      'the drill copy in the active editor',
    );
    await waitForSelector('.codelens-decoration:has-text("Debugging drill — fix the planted bug")');
    await screenshot('drill');

    // Where the bug is (the test reads it from the server's session; the user would use the tests and hints).
    const session = await loadDrill(root);
    assert.ok(session);
    const plantedEnd = copy.document.positionAt(session.site.start + session.site.newText.length);
    copy.selection = new vscode.Selection(plantedEnd, plantedEnd);
    const fixed = waitFor(vscode.workspace.onDidChangeTextDocument, () => copy.document.getText() === CODE || undefined, 'the typed fix');
    // As a person fixes it: delete the planted text, type what belongs there.
    await keys(...[...session.site.newText].map(() => ({ type: 'press' as const, key: 'Backspace' })), { type: 'type', text: session.site.before });
    await fixed.catch(async (error: Error) => {
      await screenshot('drill-typing-failed');
      throw new Error(`${error.message}; the copy reads ${JSON.stringify(copy.document.getText())}, selection ${JSON.stringify(copy.selection)}, active ${vscode.window.activeTextEditor?.document.uri.toString()}`);
    });

    await vscode.window.showTextDocument(copy.document);
    const ended = waitFor(api.practice.onDidChangeDrill, () => api.practice.drill === undefined || undefined, 'the drill to end', 120_000);
    await click('.codelens-decoration a:has-text("Check")');
    await ended;

    const history = await loadHistory(api.practice.historyPath, Date.now());
    const record = history.history.drills?.find((entry) => entry.id === session.id);
    assert.ok(record, 'the drill is in the practice history');
    assert.equal(record.outcome, 'solved');
    assert.equal(record.verifiedBy, 'tests');
    assert.deepEqual(record.failingTests, ['refuses at the limit']);
    assert.ok(typeof record.diagnosisSeconds === 'number' && record.diagnosisSeconds >= 0, 'time to correct diagnosis recorded');
    assert.equal(api.practice.isActive, false, 'practice mode ended with the drill');
    assert.equal(vscode.workspace.getConfiguration().inspect(INLINE)?.globalValue, inlineBefore, 'AI settings restored');
    assert.ok(!existsSync(drill.worktree), 'the drill copy is removed');
    assert.ok(!execFileSync('git', ['worktree', 'list'], { cwd: root, encoding: 'utf8' }).includes(drill.worktree), 'git no longer lists the worktree');

    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const panel = (await vscode.commands.executeCommand('comprehension.practice.showStats')) as vscode.WebviewPanel;
    assert.ok(panel);
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await screenshot('drill-stats');
    panel.dispose();
  });
});
