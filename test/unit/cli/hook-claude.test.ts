import * as assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { write } from './run-cli';
import { fire, NEW_LINES, OLD_LINE, recorded, replaceIn, serverRepo } from './agent-hooks-fixture';

/**
 * Claude Code's hooks, with payloads shaped from its hooks reference
 * (https://docs.claude.com/en/docs/claude-code/hooks: PreToolUse/PostToolUse input: session_id,
 * transcript_path, cwd, permission_mode, hook_event_name, tool_name, tool_input, tool_use_id;
 * PostToolUse adds tool_response) and its transcript format (JSON Lines, assistant entries carry
 * message.model). The VS Code and Cursor payloads that reach `.claude/settings.json` hooks are
 * shaped from VS Code's agent hooks documentation (hookEventName, sessionId) and Cursor's hooks
 * reference (camelCase events, workspace_roots, cursor_version).
 */

const MODEL = 'claude-sonnet-4-5-20250929';

describe('hook claude (Claude Code hooks reference)', () => {
  let root: string;
  let transcript: string;

  beforeEach(() => {
    root = serverRepo('cf-hook-claude-');
    transcript = join(root, '..', `${root.split('/').pop()}-transcript.jsonl`);
    writeFileSync(
      transcript,
      [
        JSON.stringify({ type: 'user', message: { role: 'user', content: 'add uptime' }, sessionId: 's1' }),
        JSON.stringify({ type: 'assistant', message: { model: 'claude-opus-4-1-20250805', role: 'assistant', content: [] } }),
        JSON.stringify({ type: 'assistant', message: { model: MODEL, role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01A', name: 'Edit' }] } }),
        JSON.stringify({ type: 'assistant', message: { model: '<synthetic>', role: 'assistant', content: [] } }),
        '',
      ].join('\n'),
    );
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(transcript, { force: true });
  });

  function payload(event: 'PreToolUse' | 'PostToolUse', tool: string, toolInput: Record<string, unknown>, id = 'toolu_01A'): Record<string, unknown> {
    return {
      session_id: 'b7e3c1d2-5f6a-4b8c-9d0e-1f2a3b4c5d6e',
      transcript_path: transcript,
      cwd: root,
      permission_mode: 'default',
      hook_event_name: event,
      tool_name: tool,
      tool_input: toolInput,
      tool_use_id: id,
      ...(event === 'PostToolUse' ? { tool_response: { success: true } } : {}),
    };
  }

  it('records the model named by the latest assistant entry of the transcript (a real model id, not <synthetic>)', async () => {
    const input = { file_path: join(root, 'src/server.ts'), old_string: OLD_LINE, new_string: NEW_LINES };
    await fire(root, 'claude', payload('PreToolUse', 'Edit', input));
    replaceIn(root, 'src/server.ts', OLD_LINE, NEW_LINES);
    await fire(root, 'claude', payload('PostToolUse', 'Edit', input));
    assert.deepEqual(recorded(root), [`src/server.ts:6-7 claude-code ${MODEL} agent-write certain`]);
  });

  it('a missing or unreadable transcript records the lines without a model', async () => {
    const input = { file_path: join(root, 'src/server.ts'), old_string: OLD_LINE, new_string: NEW_LINES };
    const post = { ...payload('PostToolUse', 'Edit', input), transcript_path: join(root, 'no-such.jsonl') };
    await fire(root, 'claude', { ...payload('PreToolUse', 'Edit', input), transcript_path: root });
    replaceIn(root, 'src/server.ts', OLD_LINE, NEW_LINES);
    await fire(root, 'claude', post);
    assert.deepEqual(recorded(root), ['src/server.ts:6-7 claude-code - agent-write certain']);
  });

  it('Bash edits (sed -i, tee, a new file) are found by diffing the working tree around the command', async () => {
    // A file the user changed before the command: only what the command changes counts.
    write(root, 'README.md', 'user line\n');
    const bash = { command: "sed -i 's/3000/8080/' src/server.ts && printf 'a\\nb\\n' | tee src/new.ts", description: 'change the port' };
    await fire(root, 'claude', payload('PreToolUse', 'Bash', bash, 'toolu_02'));
    replaceIn(root, 'src/server.ts', 'app.listen(3000);', 'app.listen(8080);');
    write(root, 'src/new.ts', 'a\nb\n');
    await fire(root, 'claude', payload('PostToolUse', 'Bash', bash, 'toolu_02'));
    assert.deepEqual(recorded(root), [`src/new.ts:1-2 claude-code ${MODEL} agent-write certain`, `src/server.ts:9-9 claude-code ${MODEL} agent-write certain`]);
  });

  it('a Bash command that writes nothing records nothing, and a PostToolUse without its PreToolUse records nothing', async () => {
    await fire(root, 'claude', payload('PreToolUse', 'Bash', { command: 'ls' }, 'toolu_03'));
    await fire(root, 'claude', payload('PostToolUse', 'Bash', { command: 'ls' }, 'toolu_03'));
    write(root, 'src/server.ts', 'changed by someone\n');
    const stderr = await fire(root, 'claude', payload('PostToolUse', 'Bash', { command: 'true' }, 'toolu_04'));
    assert.match(stderr, /no working-tree snapshot/);
    assert.deepEqual(recorded(root), []);
  });

  it("VS Code's payload arriving through .claude/settings.json is recorded for GitHub Copilot, not Claude Code", async () => {
    const input = { filePath: join(root, 'src/server.ts'), oldString: OLD_LINE, newString: NEW_LINES };
    const vscode = (event: string) => ({ timestamp: '2026-03-01T10:00:00.000Z', cwd: root, sessionId: 'vs-1', hookEventName: event, transcript_path: transcript, tool_name: 'replace_string_in_file', tool_input: input, tool_use_id: 'call_9' });
    await fire(root, 'claude', vscode('PreToolUse'));
    replaceIn(root, 'src/server.ts', OLD_LINE, NEW_LINES);
    const stderr = await fire(root, 'claude', vscode('PostToolUse'));
    assert.match(stderr, /the payload is copilot's/);
    assert.deepEqual(recorded(root), ['src/server.ts:6-7 github-copilot - agent-write certain']);
  });

  it("Cursor's payload arriving through .claude/settings.json is recorded for Cursor; its own hook firing too adds no second block", async () => {
    replaceIn(root, 'src/server.ts', OLD_LINE, NEW_LINES);
    const cursor = {
      conversation_id: 'c1',
      generation_id: 'g1',
      model: 'gpt-5',
      hook_event_name: 'afterFileEdit',
      cursor_version: '1.7.2',
      workspace_roots: [root],
      file_path: join(root, 'src/server.ts'),
      edits: [{ old_string: OLD_LINE, new_string: NEW_LINES }],
    };
    await fire(root, 'claude', cursor);
    await fire(root, 'cursor', cursor);
    assert.deepEqual(recorded(root), ['src/server.ts:6-7 cursor gpt-5 agent-write certain']);
  });
});
