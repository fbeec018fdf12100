import * as assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Block } from '../../src/core/provenance/block';
import { EXTENSION_ID, getApi, keys, runBuiltCli, SELECTORS, waitFor, workspaceRoot } from './harness';

// Issue 16, the editor's side: agent edits as the editor must see them, each case driven the way
// it happens (a separate process writes and records, git moves the files, real keys undo and redo).

type Api = Awaited<ReturnType<typeof getApi>>;

function describeBlocks(blocks: readonly Block[]): string {
  return blocks.length === 0 ? 'none' : blocks.map((b) => `${b.source}/${b.confidence} ${b.startLine}-${b.endLine}`).join(', ');
}

/** Waits until the document's text is `text` (a reload from disk, an undo, a redo). */
function textIs(document: vscode.TextDocument, text: string, what: string): Promise<true> {
  return waitFor(vscode.workspace.onDidChangeTextDocument, () => document.getText() === text || undefined, what, 45000);
}

/** Waits until `uri`'s blocks read `expected` (see describeBlocks). */
function blocksRead(api: Api, uri: vscode.Uri, expected: string, what: string, timeoutMs = 45000): Promise<Block[]> {
  return waitFor(
    api.onDidChangeBlocks,
    async () => {
      const blocks = await api.getBlocks(uri);
      return describeBlocks(blocks) === expected ? blocks : undefined;
    },
    what,
    timeoutMs,
  ).catch(async (error: Error) => {
    throw new Error(`${error.message}; blocks: ${describeBlocks(await api.getBlocks(uri))}`);
  });
}

/**
 * The settled state: the editor's pending work done (a reload's reading, record writes). Twice,
 * because settling a reload can queue writes of its own.
 */
async function settled(api: Api, uri: vscode.Uri): Promise<Block[]> {
  await api.flushProvenance();
  await api.flushProvenance();
  return api.getBlocks(uri);
}

/** The record files of `path` on disk: [confidence, start, end, id]. */
function recordsOnDisk(path: string): [string, number, number, string][] {
  const folder = join(workspaceRoot().fsPath, '.comprehension/provenance');
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => name.endsWith('.json'))
    .map((name) => JSON.parse(readFileSync(join(folder, name), 'utf8')))
    .filter((record) => record.files[0].path === path)
    .map((record) => {
      const range = record.files[0].conversations[0].ranges[0];
      return [record.metadata.comprehension.confidence, range.start_line, range.end_line, record.id] as [string, number, number, string];
    });
}

/** Another process writes the file, as an agent's edit tool or shell command does. */
function agentWrites(path: string, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', 'require("fs").writeFileSync(process.argv[1], process.argv[2])', path, text], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } }, (error) =>
      error ? reject(error) : resolve(),
    );
  });
}

/** Runs the built CLI's Claude Code hook handler as the agent does: the hook input on stdin. */
function claudeHook(event: 'PreToolUse' | 'PostToolUse', toolInput: Record<string, unknown>): Promise<{ code: number | null; stderr: string }> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension);
  const root = workspaceRoot().fsPath;
  const input = JSON.stringify({
    session_id: '3f1c2b7a-9d4e-4c1b-8a6f-2e5d7c9b0a14',
    transcript_path: join(root, 'no-transcript.jsonl'),
    cwd: root,
    permission_mode: 'default',
    hook_event_name: event,
    tool_name: 'Edit',
    tool_input: toolInput,
    tool_use_id: 'toolu_01AgentEdits',
    ...(event === 'PostToolUse' ? { tool_response: { filePath: toolInput.file_path, success: true } } : {}),
  });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(extension.extensionPath, 'dist/cli.js'), 'hook', 'claude'], { cwd: root, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
    child.stdin.end(input);
  });
}

const GIT_ENV = { GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@comprehension.invalid', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@comprehension.invalid' };

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: workspaceRoot().fsPath, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } });
}

async function open(path: string, text: string): Promise<vscode.TextEditor> {
  const uri = vscode.Uri.joinPath(workspaceRoot(), path);
  writeFileSync(uri.fsPath, text);
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
}

const BEFORE = 'export const version = 1;\n';
const REWRITTEN =
  'export const version = 1;\nexport function parse(input: string): number {\n  const value = Number.parseInt(input, 10);\n  if (Number.isNaN(value)) throw new Error(`not a number: ${input}`);\n  return value;\n}\n';

describe('Agent edits in the editor', function () {
  this.timeout(600000);
  let api: Api;

  before(async () => {
    api = await getApi();
    await api.whenProvenanceReady();
  });

  // First, while the workspace has no .comprehension/provenance/ yet: the folder is created
  // mid-session by the first mark, the case where watcher events were seen to go missing.
  it('a mark on a closed file shows up when the file opens, 20 runs out of 20', async function () {
    // Room for every run to fail on its own timeout, so that a failure reports how many of 20 passed.
    this.timeout(20 * 30000 + 60000);
    assert.ok(!existsSync(join(workspaceRoot().fsPath, '.comprehension')), 'no .comprehension/ folder yet');
    const failures: string[] = [];
    for (let run = 1; run <= 20; run++) {
      const path = `src/closed-${run}.ts`;
      const uri = vscode.Uri.joinPath(workspaceRoot(), path);
      writeFileSync(uri.fsPath, `// run ${run}\nexport function area${run}(width: number, height: number): number {\n  const result = width * height;\n  return result;\n}\n`);
      assert.ok(!vscode.workspace.textDocuments.some((document) => document.uri.toString() === uri.toString()), 'the file is not open');
      const mark = await runBuiltCli(['mark', '--file', path, '--lines', '2-5', '--agent', 'claude-code']);
      assert.equal(mark.code, 0, mark.stdout + mark.stderr);
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      try {
        await blocksRead(api, uri, 'agent-write/certain 2-5', `the marked block of ${path} once opened`, 25000);
      } catch (error) {
        failures.push(`run ${run}: ${(error as Error).message}`);
      }
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    }
    console.log(`closed-file marks shown on open: ${20 - failures.length} of 20`);
    assert.deepEqual(failures, []);
  });

  it('an agent rewrites an open file, then marks the lines: one certain block, no likely twin', async () => {
    const path = 'src/agent-then-mark.ts';
    const editor = await open(path, BEFORE);
    await editor.document.save();
    const reloaded = textIs(editor.document, REWRITTEN, 'the reload from disk');
    await agentWrites(editor.document.uri.fsPath, REWRITTEN);
    // The agent's hook (here `comprehension mark`) runs right after its write, racing the editor's reload.
    const mark = await runBuiltCli(['mark', '--file', path, '--lines', '2-6', '--agent', 'claude-code']);
    assert.equal(mark.code, 0, mark.stdout + mark.stderr);
    await reloaded;
    await blocksRead(api, editor.document.uri, 'agent-write/certain 2-6', 'the certain block');
    assert.equal(describeBlocks(await settled(api, editor.document.uri)), 'agent-write/certain 2-6');
    assert.deepEqual(recordsOnDisk(path).map(([confidence, start, end]) => [confidence, start, end]), [['certain', 2, 6]]);
  });

  it('a mark that arrives after the editor guessed the write replaces the guess', async () => {
    const path = 'src/guess-then-mark.ts';
    const editor = await open(path, BEFORE);
    await editor.document.save();
    const reloaded = textIs(editor.document, REWRITTEN, 'the reload from disk');
    await agentWrites(editor.document.uri.fsPath, REWRITTEN);
    await reloaded;
    // The editor's own reading of the reload, first: a likely agent write.
    await blocksRead(api, editor.document.uri, 'agent-write/likely 2-6', 'the editor’s guess');
    await settled(api, editor.document.uri);
    assert.deepEqual(recordsOnDisk(path).map(([confidence]) => confidence), ['likely']);
    const mark = await runBuiltCli(['mark', '--file', path, '--lines', '2-6', '--agent', 'claude-code', '--model', 'claude-sonnet-4-5']);
    assert.equal(mark.code, 0, mark.stdout + mark.stderr);
    const [block] = await blocksRead(api, editor.document.uri, 'agent-write/certain 2-6', 'the certain block replacing the guess');
    assert.equal(block.model, 'claude-sonnet-4-5');
    assert.equal(describeBlocks(await settled(api, editor.document.uri)), 'agent-write/certain 2-6');
    assert.deepEqual(recordsOnDisk(path).map(([confidence, start, end, id]) => [confidence, start, end, id]), [['certain', 2, 6, block.id]]);
  });

  /** Accepts a completion with Tab, undoes it with Ctrl+Z and redoes it with Ctrl+Shift+Z, checking the block each time. */
  async function acceptUndoRedo(path: string, original: string, completion: string, anchor: string, at: vscode.Position, expected: string): Promise<void> {
    const editor = await open(path, original);
    await vscode.commands.executeCommand('comprehensionTest.setCompletion', completion, anchor);
    editor.selection = new vscode.Selection(at, at);
    const accepted = waitFor(vscode.workspace.onDidChangeTextDocument, () => editor.document.getText().includes(completion.trim().split('\n').pop()!.trim()) || undefined, 'the accepted completion');
    await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
    await keys({ type: 'waitForSelector', selector: SELECTORS.ghostText }, { type: 'press', key: 'Tab' });
    await accepted;
    await vscode.commands.executeCommand('comprehensionTest.setCompletion', '', '');
    const acceptedText = editor.document.getText();
    const [block] = await blocksRead(api, editor.document.uri, expected, 'the accepted block');
    await settled(api, editor.document.uri);
    assert.deepEqual(recordsOnDisk(path).map(([, , , id]) => id), [block.id]);

    const undone = textIs(editor.document, original, 'the undo');
    await keys({ type: 'press', key: 'Escape' }, { type: 'press', key: 'Control+z' });
    await undone;
    assert.equal(describeBlocks(await settled(api, editor.document.uri)), 'none', 'the undone completion leaves no block');
    assert.deepEqual(recordsOnDisk(path), [], 'and no record');

    const redone = textIs(editor.document, acceptedText, 'the redo');
    await keys({ type: 'press', key: 'Control+Shift+z' });
    await redone;
    const again = await settled(api, editor.document.uri);
    assert.equal(describeBlocks(again), expected, 'the redone completion is a block again');
    assert.equal(again[0].id, block.id, 'the same block (its note stays linked)');
    assert.deepEqual(recordsOnDisk(path).map(([confidence, , , id]) => [confidence, id]), [['certain', block.id]]);
  }

  it('Claude Code edits an open file and its hook records the edit: one certain block, no likely twin', async () => {
    const path = 'src/hooked-open.ts';
    const editor = await open(path, 'export function greet(name: string): string {\n  return `Hello, ${name}`;\n}\n');
    await editor.document.save();
    const file = editor.document.uri.fsPath;
    const toolInput = { file_path: file, old_string: '  return `Hello, ${name}`;', new_string: '  const trimmed = name.trim();\n  return `Hello, ${trimmed}`;' };
    const pre = await claudeHook('PreToolUse', toolInput);
    assert.deepEqual([pre.code, pre.stderr], [0, '']);
    const edited = readFileSync(file, 'utf8').replace(toolInput.old_string, toolInput.new_string);
    const reloaded = textIs(editor.document, edited, 'the reload from disk');
    await agentWrites(file, edited);
    const post = await claudeHook('PostToolUse', toolInput);
    assert.deepEqual([post.code, post.stderr], [0, '']);
    await reloaded;
    await blocksRead(api, editor.document.uri, 'agent-write/certain 2-3', 'the hook-recorded block');
    const blocks = await settled(api, editor.document.uri);
    assert.equal(describeBlocks(blocks), 'agent-write/certain 2-3');
    assert.equal(blocks[0].agent, 'claude-code');
    assert.deepEqual(recordsOnDisk(path).map(([confidence, start, end]) => [confidence, start, end]), [['certain', 2, 3]]);
  });

  it('undo removes an accepted completion’s block, and redo restores the same block', async () => {
    const provider = vscode.extensions.getExtension('comprehension-test.inline-provider');
    assert.ok(provider, 'the test inline completion provider is installed');
    await provider.activate();
    await vscode.workspace.getConfiguration('editor').update('inlineSuggest.enabled', true, vscode.ConfigurationTarget.Global);
    // Accepted at the end of a line: the completion's lines go below it.
    await acceptUndoRedo(
      'src/undo-after-line.ts',
      'export function total(items: number[]): number {\n  // sum the items\n}\n',
      '\n  let sum = 0;\n  for (const item of items) sum += item;\n  return sum;',
      '// sum the items',
      new vscode.Position(1, 18),
      'inline-completion/certain 3-5',
    );
    // Accepted on an indented empty line: its first line is the completion's too (the shape whose
    // undo used to leave the block shrunk to that line, its text gone).
    await acceptUndoRedo(
      'src/undo-empty-line.ts',
      'export function total(items: number[]): number {\n  \n}\n',
      'let sum = 0;\n  for (const item of items) sum += item;\n  return sum;',
      'number {\n  ',
      new vscode.Position(1, 2),
      'inline-completion/certain 2-4',
    );
  });

  it('git stash and stash pop with the file open leave no block', async () => {
    const path = 'src/stashed.ts';
    const committed = 'export const a = 1;\n';
    writeFileSync(join(workspaceRoot().fsPath, path), committed);
    git('add', path);
    git('commit', '-qm', 'stashed.ts', '--', path);
    const editor = await vscode.window.showTextDocument(vscode.Uri.joinPath(workspaceRoot(), path));
    editor.selection = new vscode.Selection(1, 0, 1, 0);
    // The user's own lines, typed and saved.
    const typed = waitFor(vscode.workspace.onDidChangeTextDocument, () => editor.document.getText().includes('return b + c') || undefined, 'typing');
    await keys({ type: 'type', text: 'export function sum(b: number, c: number) {' }, { type: 'press', key: 'Enter' }, { type: 'type', text: 'return b + c' });
    await typed;
    await keys({ type: 'press', key: 'Escape' });
    assert.ok(await editor.document.save());
    const userText = editor.document.getText();
    assert.equal(describeBlocks(await settled(api, editor.document.uri)), 'none', 'typing makes no block');

    const stashed = textIs(editor.document, committed, 'the reload after git stash');
    git('stash');
    await stashed;
    assert.equal(describeBlocks(await settled(api, editor.document.uri)), 'none', 'after git stash');
    const popped = textIs(editor.document, userText, 'the reload after git stash pop');
    git('stash', 'pop');
    await popped;
    assert.equal(describeBlocks(await settled(api, editor.document.uri)), 'none', 'after git stash pop');
    assert.deepEqual(recordsOnDisk(path), []);
  });
});
