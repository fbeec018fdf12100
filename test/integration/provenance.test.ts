import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Block } from '../../src/core/provenance/block';
import { EXTENSION_ID, getApi, keys, screenshot, SELECTORS, waitFor, windowFocused, workspaceRoot } from './harness';

type Api = Awaited<ReturnType<typeof getApi>>;

/** Each case of the classification table: what should be recorded, and what was. */
const table: { case: string; expected: string; found: string; pass: boolean }[] = [];

function describeBlocks(blocks: readonly Block[]): string {
  return blocks.length === 0 ? 'none' : blocks.map((b) => `${b.source}/${b.confidence} ${b.startLine}-${b.endLine}`).join(', ');
}

function record(name: string, expected: string, found: string): void {
  table.push({ case: name, expected, found, pass: expected === found });
}

async function writeAndOpen(path: string, text: string): Promise<vscode.TextEditor> {
  const uri = vscode.Uri.joinPath(workspaceRoot(), path);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  const document = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(document);
}

function textChanged(editor: vscode.TextEditor, predicate: (text: string) => boolean, what: string): Promise<true> {
  return waitFor(vscode.workspace.onDidChangeTextDocument, () => predicate(editor.document.getText()) || undefined, what);
}

async function blocksOf(api: Api, uri: vscode.Uri): Promise<Block[]> {
  await api.flushProvenance();
  return api.getBlocks(uri);
}

async function offerCompletion(text: string, anchor: string): Promise<void> {
  await vscode.commands.executeCommand('comprehensionTest.setCompletion', text, anchor);
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' });
}

describe('Provenance', function () {
  this.timeout(90000);
  let api: Api;

  before(async () => {
    api = await getApi();
    await api.whenProvenanceReady();
    const provider = vscode.extensions.getExtension('comprehension-test.inline-provider');
    assert.ok(provider, 'the test inline completion provider is installed');
    await provider.activate();
    await vscode.workspace.getConfiguration('editor').update('inlineSuggest.enabled', true, vscode.ConfigurationTarget.Global);
    console.log(`window focused as VS Code sees it: ${windowFocused()}`);
  });

  after(async () => {
    await offerCompletion('', '');
    const lines = ['| case | expected | found | ok |', '| --- | --- | --- | --- |', ...table.map((row) => `| ${row.case} | ${row.expected} | ${row.found} | ${row.pass ? 'yes' : 'NO'} |`)];
    console.log(`\nProvenance classification table\n${lines.join('\n')}\n`);
    const root = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
    mkdirSync(join(root, 'bench/results'), { recursive: true });
    writeFileSync(
      join(root, 'bench/results/provenance-classification.json'),
      `${JSON.stringify({ name: 'provenance-classification', date: new Date().toISOString(), vscode: vscode.version, cases: table, passed: table.filter((r) => r.pass).length, total: table.length }, null, 2)}\n`,
    );
  });

  it('a completion accepted with Tab is a certain block of exactly the accepted lines', async () => {
    const editor = await writeAndOpen('src/accept.ts', 'export function total(items: number[]): number {\n  // sum the items\n}\n');
    await offerCompletion('\n  let sum = 0;\n  for (const item of items) sum += item;\n  return sum;', '// sum the items');
    editor.selection = new vscode.Selection(1, 18, 1, 18);
    const accepted = textChanged(editor, (text) => text.includes('return sum;'), 'the accepted completion');
    await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
    await keys({ type: 'waitForSelector', selector: SELECTORS.ghostText }, { type: 'press', key: 'Tab' });
    await accepted;
    const blocks = await blocksOf(api, editor.document.uri);
    record('inline completion, Tab', 'inline-completion/certain 3-5', describeBlocks(blocks));
    assert.equal(blocks.length, 1, describeBlocks(blocks));
    assert.deepEqual([blocks[0].startLine, blocks[0].endLine, blocks[0].source, blocks[0].confidence], [3, 5, 'inline-completion', 'certain']);
  });

  it('word-by-word acceptance is a certain block of the accepted line', async () => {
    const editor = await writeAndOpen('src/words.ts', 'declare const user: { first: string; last: string };\nexport const greeting = \n');
    await offerCompletion('`Hello ${user.first} ${user.last}, welcome back`;', 'export const greeting = ');
    editor.selection = new vscode.Selection(1, 24, 1, 24);
    await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
    const before = editor.document.version;
    const words = waitFor(vscode.workspace.onDidChangeTextDocument, () => editor.document.version >= before + 3 || undefined, 'three accepted words');
    for (let i = 0; i < 3; i++) {
      await keys({ type: 'waitForSelector', selector: SELECTORS.ghostText }, { type: 'press', key: 'Control+ArrowRight' });
    }
    await words;
    await keys({ type: 'press', key: 'Escape' });
    const blocks = await blocksOf(api, editor.document.uri);
    record('inline completion, word by word', 'inline-completion/certain 2-2', describeBlocks(blocks));
    assert.equal(describeBlocks(blocks), 'inline-completion/certain 2-2');
  });

  it('a large paste with Ctrl+V is a paste block; a short paste is nothing', async () => {
    const editor = await writeAndOpen('src/pasted.ts', '// pasted below\n\n');
    editor.selection = new vscode.Selection(1, 0, 1, 0);
    const big = ['export function clamp(value: number, low: number, high: number): number {', '  if (value < low) return low;', '  if (value > high) return high;', '  return value;', '}', 'export const half = (n: number) => n / 2;'].join('\n');
    const pasted = textChanged(editor, (text) => text.includes('export const half'), 'the large paste');
    // The browser's clipboard feeds the native paste; headless Chromium does not let the extension
    // host read it back, so the same text also goes through VS Code's clipboard service (which the
    // extension reads). On desktop both are the one system clipboard.
    await vscode.env.clipboard.writeText(big);
    await keys({ type: 'clipboard', text: big }, { type: 'press', key: 'Control+v' });
    await pasted;
    const small = textChanged(editor, (text) => text.includes('const tiny = 1;'), 'the short paste');
    await vscode.env.clipboard.writeText('const tiny = 1;');
    await keys({ type: 'press', key: 'Control+End' }, { type: 'press', key: 'Enter' }, { type: 'clipboard', text: 'const tiny = 1;' }, { type: 'press', key: 'Control+v' });
    await small;
    const blocks = await blocksOf(api, editor.document.uri);
    record('paste of 6 lines, then of 1 line', 'paste/certain 2-7', describeBlocks(blocks));
    assert.equal(describeBlocks(blocks), 'paste/certain 2-7');
  });

  it('typing, multi-cursor and auto-closing pairs make no blocks', async () => {
    const editor = await writeAndOpen('src/typed-code.ts', 'export function f() {\n\n}\nexport function g() {\n\n}\n');
    editor.selection = new vscode.Selection(1, 0, 1, 0);
    const typed = textChanged(editor, (text) => text.includes('return total'), 'typing');
    await keys(
      { type: 'type', text: 'const values = [1, 2, 3' },
      { type: 'press', key: 'End' },
      { type: 'press', key: 'Enter' },
      { type: 'type', text: 'let total = 0;' },
      { type: 'press', key: 'Enter' },
      { type: 'type', text: 'for (const v of values) total += v;' },
      { type: 'press', key: 'Enter' },
      { type: 'type', text: 'return total' },
      { type: 'press', key: 'Escape' },
    );
    await typed;
    // Two cursors (Shift+Alt+Down adds one), then typing at both.
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    const both = textChanged(editor, (text) => (text.match(/\/\/ note/g) ?? []).length >= 2, 'multi-cursor typing');
    await keys({ type: 'press', key: 'Shift+Alt+ArrowDown' }, { type: 'type', text: '// note ' }, { type: 'press', key: 'Escape' });
    await both;
    const blocks = await blocksOf(api, editor.document.uri);
    record('typing, multi-cursor, auto-closing pairs', 'none', describeBlocks(blocks));
    assert.deepEqual(blocks, []);
  });

  it('IntelliSense accepts and snippets make no blocks', async () => {
    const editor = await writeAndOpen('src/intellisense.ts', 'const longVariableName = 1;\nexport const copy = \n');
    editor.selection = new vscode.Selection(1, 20, 1, 20);
    const accepted = textChanged(editor, (text) => text.includes('copy = longVariableName'), 'the IntelliSense accept');
    await keys(
      { type: 'type', text: 'longVar' },
      { type: 'press', key: 'Control+Space' },
      // Visible is not enough: the list may still be loading, and Enter would insert a line break.
      { type: 'waitForSelector', selector: SELECTORS.focusedSuggestion('longVariableName') },
      { type: 'press', key: 'Enter' },
    );
    await accepted;
    await vscode.commands.executeCommand('cursorBottom');
    await vscode.commands.executeCommand('editor.action.insertSnippet', {
      snippet: 'export function ${1:each}(items: number[]) {\n\tfor (let i = 0; i < items.length; i++) {\n\t\t$0\n\t}\n}\n',
    });
    const blocks = await blocksOf(api, editor.document.uri);
    assert.match(editor.document.getText(), /for \(let i = 0/);
    record('IntelliSense accept, snippet', 'none', describeBlocks(blocks));
    assert.deepEqual(blocks, []);
  });

  it('Format Document, Rename Symbol and Organize Imports make no blocks', async () => {
    const editor = await writeAndOpen(
      'src/refactor.ts',
      "import { join } from 'node:path';\nimport { readFileSync } from 'node:fs';\nexport function   load( name:string ){\nconst   data=readFileSync( name ,'utf8');\n      return data.split('\\n').map( (line)=>line.trim() );\n}\n",
    );
    // The TypeScript server answers document symbols once it has loaded the file's project.
    await waitFor(vscode.workspace.onDidChangeTextDocument, async () => {
      const symbols = await vscode.commands.executeCommand<unknown[]>('vscode.executeDocumentSymbolProvider', editor.document.uri);
      return (symbols?.length ?? 0) > 0 || undefined;
    }, 'the TypeScript server', 30000);
    await vscode.commands.executeCommand('editor.action.formatDocument');
    // Organize Imports through its real command; TypeScript applies the edit asynchronously.
    const beforeOrganize = editor.document.getText();
    const organized = textChanged(editor, (text) => text !== beforeOrganize, 'Organize Imports');
    await vscode.commands.executeCommand('editor.action.organizeImports');
    await organized;
    const dataAt = editor.document.positionAt(editor.document.getText().indexOf('data ='));
    editor.selection = new vscode.Selection(dataAt, dataAt);
    const renamed = textChanged(editor, (text) => text.includes('const contents'), 'the rename');
    await keys({ type: 'press', key: 'F2' }, { type: 'waitForSelector', selector: SELECTORS.renameInput }, { type: 'press', key: 'Control+a' }, { type: 'type', text: 'contents' });
    await keys({ type: 'press', key: 'Enter' });
    await renamed.catch(async (error: Error) => {
      await screenshot('provenance-rename-timeout');
      throw error;
    });
    const blocks = await blocksOf(api, editor.document.uri);
    record('Format Document, Rename Symbol, Organize Imports', 'none', describeBlocks(blocks));
    assert.deepEqual(blocks, []);
  });

  it('undo and redo make no blocks', async () => {
    const editor = await writeAndOpen('src/undo.ts', 'export const a = 1;\n');
    editor.selection = new vscode.Selection(1, 0, 1, 0);
    const typed = textChanged(editor, (text) => text.includes('export const c = 3;'), 'typing');
    await keys({ type: 'type', text: 'export const b = 2;\nexport const c = 3;\n' });
    await typed;
    const typedText = editor.document.getText();
    const undone = textChanged(editor, (text) => text !== typedText, 'undo');
    await keys({ type: 'press', key: 'Control+z' });
    await undone;
    const redone = textChanged(editor, (text) => text === typedText, 'redo');
    await keys({ type: 'press', key: 'Control+Shift+z' });
    await redone;
    const blocks = await blocksOf(api, editor.document.uri);
    record('undo, redo', 'none', describeBlocks(blocks));
    assert.deepEqual(blocks, []);
  });

  it('a WorkspaceEdit to a background document is a likely chat edit', async () => {
    const background = await writeAndOpen('src/background.ts', 'export const first = 1;\n');
    await writeAndOpen('src/foreground.ts', '// the file the user looks at\n');
    const edit = new vscode.WorkspaceEdit();
    edit.insert(background.document.uri, new vscode.Position(1, 0), 'export function retry<T>(run: () => Promise<T>, attempts = 3): Promise<T> {\n  return run().catch((error) => (attempts > 1 ? retry(run, attempts - 1) : Promise.reject(error)));\n}\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const blocks = await blocksOf(api, background.document.uri);
    record('WorkspaceEdit to a background document', 'chat-edit/likely 2-4', describeBlocks(blocks));
    assert.equal(describeBlocks(blocks), 'chat-edit/likely 2-4');
  });

  it('a file rewritten on disk by another process is a likely agent write', async () => {
    const editor = await writeAndOpen('src/on-disk.ts', 'export const version = 1;\n');
    await editor.document.save();
    const changed = blockChange(api, editor.document.uri);
    const rewritten = 'export const version = 1;\nexport function parse(input: string): number {\n  const value = Number.parseInt(input, 10);\n  if (Number.isNaN(value)) throw new Error(`not a number: ${input}`);\n  return value;\n}\n';
    // Another process writes the file, as an external agent would.
    execFileSync(process.execPath, ['-e', `require('fs').writeFileSync(process.argv[1], process.argv[2])`, editor.document.uri.fsPath, rewritten]);
    await waitFor(vscode.workspace.onDidChangeTextDocument, () => editor.document.getText() === rewritten || undefined, 'the reload from disk');
    await changed;
    const blocks = await blocksOf(api, editor.document.uri);
    record('file rewritten on disk', 'agent-write/likely 2-6', describeBlocks(blocks));
    assert.equal(describeBlocks(blocks), 'agent-write/likely 2-6');
  });

  it('a branch switch makes no blocks, and a block survives the switch and back', async () => {
    const root = workspaceRoot().fsPath;
    const path = 'src/branchy.ts';
    const mainText = 'export const a = 1;\nexport function keep(x: number) {\n  const doubled = x * 2;\n  return doubled + 1;\n}\n';
    const branchText = 'export const a = 1;\nexport const onlyOnBranch = true;\nexport const alsoOnBranch = "yes, this differs";\nexport const third = 3;\n';
    writeFileSync(join(root, path), mainText);
    git(root, 'add', path);
    git(root, 'commit', '-qm', 'main version', '--', path);
    git(root, 'checkout', '-q', '-b', 'feature');
    writeFileSync(join(root, path), branchText);
    git(root, 'commit', '-qm', 'branch version', '--', path);
    git(root, 'checkout', '-q', 'main');

    const editor = await vscode.window.showTextDocument(vscode.Uri.joinPath(workspaceRoot(), path));
    // Mark lines 2-5 by hand.
    editor.selection = new vscode.Selection(1, 0, 4, 13);
    await markSelection(api, editor);
    assert.equal(describeBlocks(await blocksOf(api, editor.document.uri)), 'manual/certain 2-5');

    const toBranch = waitFor(vscode.workspace.onDidChangeTextDocument, () => editor.document.getText() === branchText || undefined, 'checkout feature');
    git(root, 'checkout', '-q', 'feature');
    await toBranch;
    const onBranch = await blocksOf(api, editor.document.uri);
    record('git checkout of another branch', 'none', describeBlocks(onBranch));
    assert.deepEqual(onBranch, [], 'no block on the branch, and no new one');

    const back = waitFor(vscode.workspace.onDidChangeTextDocument, () => editor.document.getText() === mainText || undefined, 'checkout main');
    git(root, 'checkout', '-q', 'main');
    await back;
    const again = await blocksOf(api, editor.document.uri);
    record('block after switching branch and back', 'manual/certain 2-5', describeBlocks(again));
    assert.equal(describeBlocks(again), 'manual/certain 2-5');
  });

  it('a block survives closing and reopening its file, and a rename', async () => {
    const editor = await writeAndOpen('src/survivor.ts', 'export const a = 1;\nexport function kept() {\n  return "kept code";\n}\n');
    editor.selection = new vscode.Selection(1, 0, 3, 1);
    await markSelection(api, editor);
    await editor.document.save();
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    // Edited outside the editor: a line added above the block (one line: not a likely agent write).
    const uri = editor.document.uri;
    writeFileSync(uri.fsPath, `// header\n${editor.document.getText()}`);
    const reopened = await vscode.window.showTextDocument(uri);
    await waitFor(api.onDidChangeBlocks, async () => describeBlocks(await api.getBlocks(uri)) === 'manual/certain 3-5' || undefined, 'the re-anchored block');
    record('close, edit on disk, reopen', 'manual/certain 3-5', describeBlocks(await blocksOf(api, uri)));

    const renamedUri = vscode.Uri.joinPath(workspaceRoot(), 'src/renamed-survivor.ts');
    const rename = new vscode.WorkspaceEdit();
    rename.renameFile(uri, renamedUri);
    assert.ok(await vscode.workspace.applyEdit(rename));
    await waitFor(api.onDidChangeBlocks, async () => (await api.getBlocks(renamedUri)).length === 1 || undefined, 'the block under the new name');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const afterRename = await blocksOf(api, renamedUri);
    record('file rename', 'manual/certain 3-5', describeBlocks(afterRename));
    assert.equal(describeBlocks(afterRename), 'manual/certain 3-5');
    void reopened;
  });
});

/** Marks the editor's selection as AI-written without the agent prompt (the command's core). */
async function markSelection(api: Api, editor: vscode.TextEditor): Promise<void> {
  const { start, end } = editor.selection;
  const changed = blockChange(api, editor.document.uri);
  await vscode.commands.executeCommand('comprehension.markLines', editor.document.uri, start.line, end.line);
  await changed;
}

function blockChange(api: Api, uri: vscode.Uri): Promise<true> {
  return new Promise((resolve) => {
    const subscription = api.onDidChangeBlocks((changed) => {
      if (changed.toString() === uri.toString()) {
        subscription.dispose();
        resolve(true);
      }
    });
  });
}
