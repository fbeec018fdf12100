import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parsePatch } from '../../../src/cli/commands/hook-payloads';
import { write } from './run-cli';
import { fire, NEW_LINES, OLD_LINE, recorded, replaceIn, SERVER_PATCH, serverRepo } from './agent-hooks-fixture';

/**
 * GitHub Copilot's hooks, with payloads shaped from GitHub's Copilot CLI hooks reference and hooks
 * configuration (docs.github.com, "About hooks" / "Hooks configuration": preToolUse/postToolUse
 * input timestamp, cwd, toolName, toolArgs as a JSON string, toolResult.resultType; no tool call
 * id), the Copilot CLI `apply_patch` tool (raw patch text as toolArgs; in the PascalCase format,
 * a patch string as tool_input), and VS Code's agent hooks documentation
 * (code.visualstudio.com/docs/copilot/customization/hooks: hookEventName, sessionId, tool_name,
 * tool_input, tool_use_id) with the Copilot Chat tools applyPatchTool (`{input}`) and
 * multiReplaceStringTool (`{replacements[{filePath, oldString, newString}]}`).
 */

describe('hook copilot (Copilot CLI hooks reference, VS Code agent hooks)', () => {
  let root: string;

  beforeEach(() => {
    root = serverRepo('cf-hook-copilot-');
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const applyTheEdit = (): void => replaceIn(root, 'src/server.ts', OLD_LINE, NEW_LINES);

  it('Copilot CLI apply_patch with raw patch text as toolArgs', async () => {
    const base = { timestamp: 1767225600000, cwd: root, sessionId: 'cli-1', toolName: 'apply_patch', toolArgs: SERVER_PATCH };
    await fire(root, 'copilot', base);
    applyTheEdit();
    await fire(root, 'copilot', { ...base, toolResult: { resultType: 'success', textResultForLlm: 'Done' } });
    assert.deepEqual(recorded(root), ['src/server.ts:6-7 github-copilot - agent-write certain']);
  });

  it('Copilot CLI PascalCase Edit with a patch string as tool_input', async () => {
    const base = { session_id: 'cli-2', cwd: root, tool_name: 'Edit', tool_input: SERVER_PATCH };
    await fire(root, 'copilot', { ...base, hook_event_name: 'PreToolUse' });
    applyTheEdit();
    await fire(root, 'copilot', { ...base, hook_event_name: 'PostToolUse' });
    assert.deepEqual(recorded(root), ['src/server.ts:6-7 github-copilot - agent-write certain']);
  });

  it('a patch whose before hook was missed is located from its hunks', async () => {
    applyTheEdit();
    await fire(root, 'copilot', { timestamp: 1, cwd: root, sessionId: 'cli-3', toolName: 'apply_patch', toolArgs: SERVER_PATCH, toolResult: { resultType: 'success' } });
    assert.deepEqual(recorded(root), ['src/server.ts:6-7 github-copilot - agent-write certain']);
  });

  it("VS Code apply_patch ({input: patch}), adding a file and updating another", async () => {
    const patch = ['*** Begin Patch', '*** Add File: src/util.ts', '+export const one = 1;', '+export const two = 2;', SERVER_PATCH.split('\n').slice(1).join('\n')].join('\n');
    const base = { timestamp: '2026-03-01T10:00:00.000Z', cwd: root, sessionId: 'vs-1', tool_name: 'apply_patch', tool_input: { input: patch, explanation: 'add uptime' }, tool_use_id: 'call_1' };
    await fire(root, 'copilot', { ...base, hookEventName: 'PreToolUse' });
    applyTheEdit();
    write(root, 'src/util.ts', 'export const one = 1;\nexport const two = 2;\n');
    await fire(root, 'copilot', { ...base, hookEventName: 'PostToolUse', tool_response: 'ok' });
    assert.deepEqual(recorded(root), ['src/server.ts:6-7 github-copilot - agent-write certain', 'src/util.ts:1-2 github-copilot - agent-write certain']);
  });

  it('VS Code fires PostToolUse before apply_patch has written (microsoft/vscode#315926): the hook re-reads until the write lands', async () => {
    const base = { cwd: root, sessionId: 'vs-2', tool_name: 'apply_patch', tool_input: { input: SERVER_PATCH }, tool_use_id: 'call_2' };
    await fire(root, 'copilot', { ...base, hookEventName: 'PreToolUse' });
    // The agent's write lands while the after hook runs, as VS Code's does.
    const post = fire(root, 'copilot', { ...base, hookEventName: 'PostToolUse' });
    setTimeout(applyTheEdit, 300);
    await post;
    assert.deepEqual(recorded(root), ['src/server.ts:6-7 github-copilot - agent-write certain']);
  });

  it('VS Code multi_replace_string_in_file records each replacement in each file', async () => {
    write(root, 'src/b.ts', 'let x = 1;\nlet y = 2;\n');
    const replacements = [
      { filePath: join(root, 'src/server.ts'), oldString: OLD_LINE, newString: NEW_LINES, explanation: 'uptime' },
      { filePath: join(root, 'src/b.ts'), oldString: 'let y = 2;', newString: 'let y = 3;', explanation: 'y' },
    ];
    const base = { cwd: root, sessionId: 'vs-3', tool_name: 'multi_replace_string_in_file', tool_input: { explanation: 'two edits', replacements }, tool_use_id: 'call_3' };
    await fire(root, 'copilot', { ...base, hookEventName: 'PreToolUse' });
    applyTheEdit();
    replaceIn(root, 'src/b.ts', 'let y = 2;', 'let y = 3;');
    await fire(root, 'copilot', { ...base, hookEventName: 'PostToolUse' });
    assert.deepEqual(recorded(root), ['src/b.ts:2-2 github-copilot - agent-write certain', 'src/server.ts:6-7 github-copilot - agent-write certain']);
  });

  it('two Copilot CLI sessions editing one file keep their own snapshots (paired by sessionId)', async () => {
    const edit = (session: string, old: string, neu: string) => ({ timestamp: 1, cwd: root, sessionId: session, toolName: 'edit', toolArgs: JSON.stringify({ path: 'src/server.ts', old_str: old, new_str: neu }) });
    const first = edit('s-A', OLD_LINE, NEW_LINES);
    const second = edit('s-B', 'app.listen(3000);', 'app.listen(8080);');
    await fire(root, 'copilot', first);
    await fire(root, 'copilot', second);
    assert.equal(readdirSync(join(root, '.comprehension/.cache/hooks')).filter((name) => name.endsWith('.json')).length, 2, 'one snapshot per session');
    applyTheEdit();
    replaceIn(root, 'src/server.ts', 'app.listen(3000);', 'app.listen(8080);');
    await fire(root, 'copilot', { ...second, toolResult: { resultType: 'success' } });
    await fire(root, 'copilot', { ...first, toolResult: { resultType: 'success' } });
    assert.match(readFileSync(join(root, 'src/server.ts'), 'utf8'), /8080/);
    assert.deepEqual(recorded(root), ['src/server.ts:6-7 github-copilot - agent-write certain', 'src/server.ts:10-10 github-copilot - agent-write certain']);
  });
});

describe('parsePatch (the apply_patch envelope and unified diffs)', () => {
  it('names added, updated and moved files, leaves deleted ones out, and keeps an added line starting with "++" as a line', () => {
    const patch = ['*** Begin Patch', '*** Add File: a.ts', '+one', '+++ two', '*** Delete File: gone.ts', '*** Update File: b.ts', '*** Move to: c.ts', '@@', '-x', '+y', '*** End Patch'].join('\n');
    assert.deepEqual(parsePatch(patch), [
      { path: 'a.ts', edits: [{ oldText: '', newText: 'one\n++ two' }] },
      { path: 'c.ts', edits: [{ oldText: 'x', newText: 'y' }] },
    ]);
    const unified = ['--- a/src/x.ts', '+++ b/src/x.ts', '@@ -1 +1 @@', '-old', '+new'].join('\n');
    assert.deepEqual(parsePatch(unified), [{ path: 'src/x.ts', edits: [{ oldText: 'old', newText: 'new' }] }]);
  });
});
