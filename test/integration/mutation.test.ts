import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { BlockMutationRun } from '../../src/client/mutation';
import type { Block } from '../../src/core/provenance/block';
import { getApi, keys, screenshot, waitFor, waitForDiagnostics, workspaceRoot } from './harness';

const RULE = 'comprehension/surviving-mutant';

/** A retry module whose lines 2-9 an AI wrote, and a mocha suite that checks little of it. */
const SOURCE = [
  "'use strict';",
  'function shouldRetry(attempt, status) {',
  '  if (status >= 500 && attempt <= 3) {',
  '    return true;',
  '  }',
  '  return false;',
  '}',
  'const backoffMs = (attempt) => Math.min(100 * 2 ** attempt, 5000);',
  'module.exports = { shouldRetry, backoffMs };',
  '',
].join('\n');
const WEAK_TESTS = `const assert = require('assert');
const { shouldRetry, backoffMs } = require('../src/retry');
describe('retry', () => {
  it('retries a 503', () => assert.strictEqual(shouldRetry(1, 503), true));
  it('backs off', () => assert.ok(backoffMs(1) > 0));
});
`;

async function writeFile(path: string, text: string): Promise<vscode.Uri> {
  const uri = vscode.Uri.joinPath(workspaceRoot(), path);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return uri;
}

function code(diagnostic: vscode.Diagnostic): string {
  return String(typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code);
}

describe('Mutation testing of an AI block', function () {
  this.timeout(180_000);

  it('the command runs Stryker on the block under the cursor; survivors appear as diagnostics on its lines only', async () => {
    const api = await getApi();
    await api.whenProvenanceReady();
    // The workspace's package.json names no test runner: its own Stryker configuration says mocha.
    await writeFile('stryker.config.json', JSON.stringify({ testRunner: 'mocha', coverageAnalysis: 'perTest' }));
    await writeFile('.mocharc.json', JSON.stringify({ spec: ['test/retry.test.js'] }));
    await writeFile('test/retry.test.js', WEAK_TESTS);
    const uri = await writeFile('src/retry.js', SOURCE);
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const block = await vscode.commands.executeCommand<Block | undefined>('comprehension.markLines', uri, 1, 7, { agent: 'claude-code' }); // 0-based: lines 2-8
    assert.ok(block, 'the lines are marked');
    // The CLI reads the record from disk.
    await api.flushProvenance();
    // The cursor inside the block, as a person runs it from the Command Palette.
    editor.selection = new vscode.Selection(new vscode.Position(2, 10), new vscode.Position(2, 10));

    const run = await vscode.commands.executeCommand<BlockMutationRun>('comprehension.runMutationTesting');
    assert.equal(run.kind, 'done', JSON.stringify(run));
    assert.ok(run.kind === 'done' && run.surviving > 0 && run.score !== null && run.score < 100, JSON.stringify(run));

    const diagnostics = await waitForDiagnostics(uri, (all) => all.some((diagnostic) => code(diagnostic) === RULE), 'surviving-mutant diagnostics', 30_000);
    const mutants = diagnostics.filter((diagnostic) => code(diagnostic) === RULE);
    assert.equal(mutants.length, run.kind === 'done' ? run.surviving : -1);
    for (const diagnostic of mutants) {
      assert.ok(diagnostic.range.start.line + 1 >= block.startLine && diagnostic.range.end.line + 1 <= block.endLine, `diagnostic on line ${diagnostic.range.start.line + 1}`);
      assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Warning);
    }
    assert.ok(mutants.some((diagnostic) => diagnostic.message.includes('tests still pass when `attempt <= 3` becomes `attempt < 3`')), mutants.map((d) => d.message).join('\n'));
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await screenshot('mutation-diagnostics');

    // The AI Blocks view shows the block's mutation score from the cache (the server's read of it).
    const expected = run.kind === 'done' ? `mutation ${run.score}% (${run.surviving} surviving)` : '';
    const row = await waitFor(api.onDidChangeAiBlocksRows, async () => (await api.aiBlocksRows()).find((candidate) => candidate.description.includes(expected)), `an AI Blocks row with "${expected}"`, 30_000);
    assert.match(row.label, /^Lines 2–8/);
    // Room for the row's description: the panel closed and the side bar widened while the picture is taken.
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
    await vscode.commands.executeCommand('comprehension.aiBlocks.focus');
    // The width commands resize the active editor group: narrowing it widens the side bar.
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    for (let i = 0; i < 8; i++) await vscode.commands.executeCommand('workbench.action.decreaseViewWidth');
    await keys({ type: 'waitForSelector', selector: '.monaco-list-row:has-text("mutation")' });
    await screenshot('mutation-ai-blocks-view');
    for (let i = 0; i < 8; i++) await vscode.commands.executeCommand('workbench.action.increaseViewWidth');

    // Editing the block makes the cached result stale: its diagnostics go away without a rerun.
    await editor.edit((edit) => edit.replace(new vscode.Range(2, 0, 2, editor.document.lineAt(2).text.length), '  if (status >= 500 && attempt <= 4) {'));
    await waitForDiagnostics(uri, (all) => !all.some((diagnostic) => code(diagnostic) === RULE), 'no surviving-mutant diagnostics once the block changed', 30_000);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
