import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Block } from '../../src/core/provenance/block';
import { getApi, runBuiltCli, screenshot, waitFor, waitForDiagnostics, workspaceRoot } from './harness';

type Api = Awaited<ReturnType<typeof getApi>>;

/** A Python function an agent wrote: a `requests` call with no timeout. */
const PYTHON_FILE = 'app/prices.py';
const PYTHON = ['import requests', '', '', 'def load_prices(url):', '    response = requests.get(url)', '    response.raise_for_status()', '    return [price for price in response.json()["prices"] if price > 0]', ''].join('\n');
/** 0-based line of the call. */
const PYTHON_CALL_LINE = 4;

/** A workflow an agent wrote: anyone who opens an issue chooses its title, which the script runs. */
const WORKFLOW_FILE = '.github/workflows/triage.yml';
const WORKFLOW = [
  'on:',
  '  issues:',
  '    types: [opened]',
  'permissions:',
  '  issues: write',
  'jobs:',
  '  label:',
  '    runs-on: ubuntu-latest',
  '    steps:',
  '      - name: Label by title',
  '        run: |',
  '          echo "Triage: ${{ github.event.issue.title }}"',
  '          gh issue edit ${{ github.event.issue.number }} --add-label triage',
  '',
].join('\n');
/** 0-based line of the injected expression. */
const WORKFLOW_INJECTION_LINE = 11;

async function writeFile(path: string, text: string): Promise<vscode.Uri> {
  const uri = vscode.Uri.joinPath(workspaceRoot(), path);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return uri;
}

function codes(diagnostics: readonly vscode.Diagnostic[]): string[] {
  return diagnostics.map((diagnostic) => String(typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code));
}

async function codeActions(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  return (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range)) ?? [];
}

/** Waits (on onDidChangeBlocks, no sleeping) until `uri` has a block from `agent`. */
function blockFrom(api: Api, uri: vscode.Uri, agent: string, what: string): Promise<Block> {
  return waitFor(api.onDidChangeBlocks, async () => (await api.getBlocks(uri)).find((block) => block.agent === agent), what, 45000);
}

/** Waits for a condition the extension reaches on its own schedule (debounced refreshes): re-checked every 100 ms. */
function poll<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 45000): Promise<T> {
  const tick = new vscode.EventEmitter<void>();
  const timer = setInterval(() => tick.fire(), 100);
  return waitFor(tick.event, check, what, timeoutMs).finally(() => {
    clearInterval(timer);
    tick.dispose();
  });
}

/** Marks lines of `path` as an agent's block with the CLI and writes its note through the block's CodeLens; returns the new note's text. */
async function noteForMarkedBlock(api: Api, path: string, lines: string): Promise<string> {
  const uri = vscode.Uri.joinPath(workspaceRoot(), path);
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  // Nothing of this window's own still on its way to disk when the agent's record arrives.
  await api.flushProvenance();
  const run = await runBuiltCli(['mark', '--file', path, '--lines', lines, '--agent', 'claude-code']);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  await blockFrom(api, uri, 'claude-code', `the marked block of ${path}`);
  const lens = await poll(
    async () => ((await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? []).find((candidate) => candidate.command?.command === 'comprehension.notes.write'),
    `the "Explain this AI block" CodeLens of ${path}`,
  );
  const noteUri = await vscode.commands.executeCommand<vscode.Uri>(lens.command!.command, ...(lens.command!.arguments ?? []));
  assert.ok(noteUri, 'the command resolves with the note');
  const document = await vscode.workspace.openTextDocument(noteUri);
  // For the picture: the note beside the code, scrolled to its first block question.
  const noteEditor = await poll(() => vscode.window.activeTextEditor?.document.uri.toString() === noteUri.toString() && vscode.window.activeTextEditor, 'the note editor');
  const question = document.getText().split('\n').findIndex((line) => line.startsWith('### '));
  if (question >= 0) {
    noteEditor.selection = new vscode.Selection(question, 0, question, 0);
    noteEditor.revealRange(new vscode.Range(question, 0, question, 0), vscode.TextEditorRevealType.AtTop);
  }
  return document.getText();
}

describe('Python and GitHub Actions workflows in the editor', function () {
  this.timeout(150000);
  let api: Api;

  before(async () => {
    api = await getApi();
    await api.whenProvenanceReady();
    await waitFor(api.onDidChangeServerState, () => api.serverState === 'running', 'the server', 30000);
  });

  it('a Python file shows a missing timeout from the language server, and its quick fix adds one', async () => {
    const uri = await writeFile(PYTHON_FILE, PYTHON);
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const diagnostics = await waitForDiagnostics(uri, (items) => codes(items).includes('reliability/missing-timeout'), 'the Python missing-timeout finding', 45000);
    const finding = diagnostics.find((diagnostic) => codes([diagnostic])[0] === 'reliability/missing-timeout')!;
    assert.equal(finding.range.start.line, PYTHON_CALL_LINE);
    assert.match(finding.message, /requests\.get/);
    editor.selection = new vscode.Selection(finding.range.start, finding.range.start);
    await vscode.commands.executeCommand('editor.action.showHover');
    await screenshot('languages-python-diagnostic');

    const fix = (await codeActions(uri, finding.range)).find((action) => /^Add timeout=/.test(action.title));
    assert.ok(fix?.edit, `a timeout quick fix among: ${(await codeActions(uri, finding.range)).map((action) => action.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.match(editor.document.lineAt(PYTHON_CALL_LINE).text, /requests\.get\(url, timeout=\d+\)/);
    await waitForDiagnostics(uri, (items) => !codes(items).includes('reliability/missing-timeout'), 'the finding to go once the timeout is there', 45000);
    await editor.document.save();
  });

  it('a workflow file shows an injectable expression, and its quick fix passes it through env:', async () => {
    const uri = await writeFile(WORKFLOW_FILE, WORKFLOW);
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const diagnostics = await waitForDiagnostics(uri, (items) => codes(items).includes('workflows/expression-injection'), 'the expression-injection finding', 45000);
    const finding = diagnostics.find((diagnostic) => codes([diagnostic])[0] === 'workflows/expression-injection')!;
    assert.equal(finding.range.start.line, WORKFLOW_INJECTION_LINE);
    assert.equal(editor.document.getText(finding.range), '${{ github.event.issue.title }}');
    assert.equal(finding.severity, vscode.DiagnosticSeverity.Error);
    editor.selection = new vscode.Selection(finding.range.start, finding.range.start);
    await vscode.commands.executeCommand('editor.action.showHover');
    await screenshot('languages-workflow-diagnostic');

    const fix = (await codeActions(uri, finding.range)).find((action) => action.title === 'Pass it through env: as ISSUE_TITLE');
    assert.ok(fix?.edit, `the env: quick fix among: ${(await codeActions(uri, finding.range)).map((action) => action.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    const fixed = editor.document.getText();
    assert.match(fixed, /\n {8}env:\n {10}ISSUE_TITLE: \$\{\{ github\.event\.issue\.title \}\}\n {8}run: \|/);
    assert.match(fixed, /echo "Triage: \$\{ISSUE_TITLE\}"/);
    await waitForDiagnostics(uri, (items) => !codes(items).includes('workflows/expression-injection'), 'the finding to go once the value comes from env:', 45000);
    await editor.document.save();
  });

  it('an AI block in a Python file gets questions about its own Python constructs in the note', async () => {
    const note = await noteForMarkedBlock(api, PYTHON_FILE, '4-7');
    assert.match(note, /^### .*`requests\.get\(/m, 'a question naming the requests call');
    await screenshot('languages-python-note');
  });

  it('an AI block in a workflow gets questions about who can trigger it and with which permissions', async () => {
    const note = await noteForMarkedBlock(api, WORKFLOW_FILE, '1-14');
    assert.match(note, /^### Who can trigger this workflow \(.*issues.*\), and with which token permissions/m);
    await screenshot('languages-workflow-note');
  });
});
