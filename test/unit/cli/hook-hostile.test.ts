import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, write } from './run-cli';
import { recorded, replaceIn, serverRepo } from './agent-hooks-fixture';

/**
 * Acceptance 2 of issue 16: malformed, huge or hostile payloads never block the agent (exit 0 well
 * inside the hook's 30 s timeout) and nothing is written outside the repository. The payloads are
 * the agents' documented shapes (see the per-agent tests for the sources) with hostile values.
 */

const HOOK_TIMEOUT_MS = 30_000;

describe('hook: malformed, huge and hostile payloads', () => {
  let outer: string;
  let root: string;

  beforeEach(() => {
    outer = mkdtempSync(join(tmpdir(), 'cf-hook-hostile-'));
    const repo = serverRepo('cf-hook-hostile-repo-');
    root = join(outer, 'repo');
    renameSync(repo, root);
    writeFileSync(join(outer, 'secret.txt'), 'outside\n');
  });

  afterEach(() => rmSync(outer, { recursive: true, force: true }));

  async function within(agent: string, payload: string): Promise<void> {
    const started = Date.now();
    const run = await cli(root, ['hook', agent], payload);
    assert.equal(run.code, 0, `exit 0 for ${payload.slice(0, 80)}`);
    assert.equal(run.stdout, '');
    assert.ok(Date.now() - started < HOOK_TIMEOUT_MS / 3, 'well inside the timeout');
  }

  it('paths outside the repository (absolute, ../, through a symbolic link) are neither snapshotted nor recorded, and nothing is written outside', async () => {
    symlinkSync(outer, join(root, 'link'));
    const targets = [join(outer, 'secret.txt'), '../secret.txt', 'link/secret.txt', '/etc/passwd'];
    for (const target of targets) {
      const claude = (event: string) => JSON.stringify({ session_id: 's', cwd: root, hook_event_name: event, tool_name: 'Write', tool_input: { file_path: target, content: 'x' }, tool_use_id: 't' });
      await within('claude', claude('PreToolUse'));
      await within('claude', claude('PostToolUse'));
      const patch = `*** Begin Patch\n*** Add File: ${target}\n+x\n*** End Patch`;
      await within('codex', JSON.stringify({ session_id: 's', cwd: root, hook_event_name: 'PostToolUse', tool_name: 'apply_patch', tool_input: { command: patch } }));
      await within('copilot', JSON.stringify({ cwd: root, toolName: 'apply_patch', toolArgs: patch, toolResult: { resultType: 'success' } }));
      await within('cursor', JSON.stringify({ hook_event_name: 'afterFileEdit', workspace_roots: [root], file_path: target, edits: [{ old_string: '', new_string: 'outside' }] }));
    }
    assert.deepEqual(recorded(root), []);
    assert.deepEqual(readdirSync(outer).sort(), ['repo', 'secret.txt']);
    const cache = join(root, '.comprehension/.cache/hooks');
    assert.deepEqual(existsSync(cache) ? readdirSync(cache).filter((name) => name.endsWith('.json')) : [], [], 'no snapshot of an outside file');
  });

  it('missing files, a FIFO named as a file or transcript, and junk values exit 0 and record nothing', async () => {
    const fifo = join(root, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const payloads: Array<[string, unknown]> = [
      ['claude', { hook_event_name: 'PostToolUse', cwd: root, tool_name: 'Edit', tool_input: { file_path: join(root, 'src/gone.ts'), old_string: 'a', new_string: 'b' } }],
      ['claude', { hook_event_name: 'PreToolUse', cwd: root, tool_name: 'Write', tool_input: { file_path: fifo, content: 'x' }, transcript_path: fifo }],
      ['claude', { hook_event_name: 'PostToolUse', cwd: root, tool_name: 'Write', tool_input: { file_path: fifo, content: 'x' }, transcript_path: fifo }],
      ['claude', { hook_event_name: 'PostToolUse', cwd: 42, tool_name: ['Edit'], tool_input: 'nope' }],
      ['cursor', { hook_event_name: 'afterTabFileEdit', workspace_roots: [root], file_path: 'src/server.ts', edits: [{ old_string: 1, new_string: { x: 1 }, range: { start_line_number: -5 } }] }],
      ['copilot', { cwd: root, toolName: 'edit', toolArgs: '{"path": ' }],
      ['copilot', { cwd: root, toolName: 'apply_patch', toolArgs: '*** Begin Patch\n*** Update File: \n*** End Patch' }],
      ['gemini', { hook_event_name: 'AfterTool', cwd: root, tool_name: 'replace', tool_input: { file_path: null } }],
      ['codex', { hook_event_name: 'PostToolUse', cwd: root, tool_name: 'apply_patch', tool_input: { command: 12 } }],
      ['codex', 'null'],
      ['gemini', '[1,2,3]'],
    ];
    for (const [agent, payload] of payloads) await within(agent, typeof payload === 'string' ? payload : JSON.stringify(payload));
    assert.deepEqual(recorded(root), []);
  });

  it('a huge payload (a 20 MB patch) and an oversized input exit 0 quickly', async () => {
    const big = `*** Begin Patch\n*** Add File: src/big.ts\n${'+x\n'.repeat(7_000_000)}*** End Patch`;
    await within('copilot', JSON.stringify({ cwd: root, toolName: 'apply_patch', toolArgs: big, toolResult: { resultType: 'success' } }));
    await within('claude', `{"x": "${'a'.repeat(33 * 1024 * 1024)}"}`);
    assert.deepEqual(recorded(root), []);
  });

  it('a shell tool in a tree with more changed files than the bound records only what it can tell', async () => {
    mkdirSync(join(root, 'gen'));
    for (let i = 0; i < 250; i++) write(root, `gen/f${i}.txt`, `${i}\n`);
    const bash = (event: string) => JSON.stringify({ session_id: 's', cwd: root, hook_event_name: event, tool_name: 'Bash', tool_input: { command: 'echo hi >> gen/f249.txt' }, tool_use_id: 'b1' });
    await within('claude', bash('PreToolUse'));
    write(root, 'gen/f0.txt', '0\nadded\n');
    await within('claude', bash('PostToolUse'));
    assert.deepEqual(recorded(root).map((line) => line.split(' ')[0]), ['gen/f0.txt:2-2']);
  });

  it("a shell tool's snapshot keeps nothing of a changed file over 50,000 lines: its edit is not recorded, a small file's is", async () => {
    write(root, 'big.txt', 'x\n'.repeat(600_000));
    const bash = (event: string) => JSON.stringify({ session_id: 's', cwd: root, hook_event_name: event, tool_name: 'Bash', tool_input: { command: 'sed -i ...' }, tool_use_id: 'b2' });
    await within('claude', bash('PreToolUse'));
    write(root, 'big.txt', `${'x\n'.repeat(600_000)}tail\n`);
    replaceIn(root, 'src/server.ts', 'app.listen(3000);', 'app.listen(8080);');
    await within('claude', bash('PostToolUse'));
    assert.deepEqual(recorded(root).map((line) => line.split(' ')[0]), ['src/server.ts:9-9']);
  });
});
