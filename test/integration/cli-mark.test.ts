import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Block } from '../../src/core/provenance/block';
import { getApi, runBuiltCli, waitFor, waitForDiagnostics, workspaceRoot } from './harness';

type Api = Awaited<ReturnType<typeof getApi>>;


async function writeFile(path: string, text: string): Promise<vscode.Uri> {
  const uri = vscode.Uri.joinPath(workspaceRoot(), path);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return uri;
}

/** Waits (on onDidChangeBlocks, no sleeping) until `uri` has a block from `agent`. */
function blockFrom(api: Api, uri: vscode.Uri, agent: string, what: string): Promise<Block> {
  return waitFor(api.onDidChangeBlocks, async () => (await api.getBlocks(uri)).find((block) => block.agent === agent), what, 45000);
}

describe('CLI mark in the editor', function () {
  this.timeout(90000);
  let api: Api;

  before(async () => {
    api = await getApi();
    await api.whenProvenanceReady();
  });

  // First: the workspace has no .comprehension/provenance/ yet, as in a project whose first AI block
  // comes from an agent hook while the file is open (the editor once missed exactly this).
  it('the first record ever, written by the CLI for a file open in an editor, shows up there', async () => {
    assert.ok(!existsSync(join(workspaceRoot().fsPath, '.comprehension')), 'no .comprehension/ folder yet');
    // The CLI finds the workspace root by .git (the test workspace is its own repository).
    assert.ok(existsSync(join(workspaceRoot().fsPath, '.git')));
    const uri = await writeFile('src/agent-first.ts', 'export function half(value: number): number {\n  const result = value / 2;\n  return result;\n}\n');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const run = await runBuiltCli(['mark', '--file', 'src/agent-first.ts', '--lines', '1-4', '--agent', 'claude-code']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const block = await blockFrom(api, uri, 'claude-code', 'the first CLI-marked block, in an open file');
    assert.deepEqual([block.startLine, block.endLine, block.source], [1, 4, 'agent-write']);
  });

  it('a block marked by the CLI in a file that is not open is reported by getBlocks', async () => {
    const uri = await writeFile('src/agent-closed.ts', 'export function area(width: number, height: number): number {\n  const result = width * height;\n  return result;\n}\n');
    assert.ok(!vscode.workspace.textDocuments.some((document) => document.uri.toString() === uri.toString()), 'the file is not open');
    const run = await runBuiltCli(['mark', '--file', 'src/agent-closed.ts', '--lines', '1-4', '--agent', 'claude-code', '--model', 'claude-sonnet-4-5']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /^Recorded src\/agent-closed\.ts:1-4 as an AI block/);
    const block = await blockFrom(api, uri, 'claude-code', 'the CLI-marked block of a closed file');
    assert.deepEqual(
      [block.startLine, block.endLine, block.source, block.confidence, block.model],
      [1, 4, 'agent-write', 'certain', 'claude-sonnet-4-5'],
    );
  });

  it('a block marked by the CLI in a file open in an editor appears on the right lines', async () => {
    const uri = await writeFile(
      'src/agent-open.ts',
      ['// Totals for the invoice view.', 'export function total(items: number[]): number {', '  let sum = 0;', '  for (const item of items) sum += item;', '  return sum;', '}', ''].join('\n'),
    );
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    assert.equal(editor.document.lineCount, 7);
    assert.deepEqual(await api.getBlocks(uri), [], 'no block before the CLI runs');
    const run = await runBuiltCli(['mark', '--file', 'src/agent-open.ts', '--lines', '3-5', '--agent', 'cursor']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const block = await blockFrom(api, uri, 'cursor', 'the CLI-marked block of an open file');
    assert.deepEqual([block.startLine, block.endLine, block.source, block.confidence], [3, 5, 'agent-write', 'certain']);
    assert.equal((await api.getBlocks(uri)).length, 1);
  });

  it('a suppression in lines an agent wrote suppresses nothing in the editor while no note explains them', async () => {
    const uri = await writeFile(
      'src/agent-suppressed.ts',
      ['export function load(expression: string): unknown {', '  // comprehension-ignore security/eval -- the expression comes from our own config', '  return eval(expression);', '}', ''].join('\n'),
    );
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const code = (d: vscode.Diagnostic): string => String(typeof d.code === 'object' ? d.code.value : d.code);
    // A person's suppression: the file shows no eval finding.
    await waitForDiagnostics(uri, (diagnostics) => !diagnostics.some((d) => code(d) === 'security/eval'), 'the suppression written by hand holds');
    const run = await runBuiltCli(['mark', '--file', 'src/agent-suppressed.ts', '--lines', '1-4', '--agent', 'claude-code']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    await blockFrom(api, uri, 'claude-code', 'the agent-written block with the suppression');
    const shown = await waitForDiagnostics(
      uri,
      (diagnostics) => diagnostics.some((d) => code(d) === 'comprehension/suppression-unreviewed') && diagnostics.some((d) => code(d) === 'security/eval'),
      'the agent-written suppression set aside',
    );
    const unreviewed = shown.find((d) => code(d) === 'comprehension/suppression-unreviewed')!;
    assert.equal(unreviewed.range.start.line, 1);
    assert.equal(unreviewed.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(shown.find((d) => code(d) === 'security/eval')!.range.start.line, 2);
    // Its quick fix opens the block's note: explaining the block is what makes the suppression count.
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, unreviewed.range);
    assert.ok(actions.some((action) => action.title === 'Explain this AI block, so the suppression counts'), JSON.stringify(actions.map((action) => action.title)));
  });
});
