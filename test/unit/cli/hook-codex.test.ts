import * as assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from './run-cli';
import { fire, OLD_LINE, NEW_LINES, recorded, replaceIn, SERVER_PATCH, serverRepo } from './agent-hooks-fixture';

/**
 * Codex CLI's hooks, with payloads shaped from its hooks documentation (developers.openai.com/codex
 * hooks, `.codex/hooks.json` `hooks.<Event>[{matcher, hooks[{type, command, timeout}]}]`; input
 * session_id, transcript_path, cwd, hook_event_name, model, tool_name, tool_use_id, tool_input; the
 * `apply_patch` tool carries its patch in tool_input.command, in the `*** Begin Patch` format).
 */

describe('hook codex (Codex CLI hooks)', () => {
  let root: string;

  beforeEach(() => {
    root = serverRepo('cf-hook-codex-');
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const tool = (event: string) => ({ session_id: 'cx-1', transcript_path: null, cwd: root, hook_event_name: event, model: 'gpt-5.1-codex', turn_id: 't1', tool_name: 'apply_patch', tool_use_id: 'call_1', tool_input: { command: SERVER_PATCH } });

  it('PreToolUse then PostToolUse around apply_patch records the patched lines and the model', async () => {
    await fire(root, 'codex', tool('PreToolUse'));
    replaceIn(root, 'src/server.ts', OLD_LINE, NEW_LINES);
    await fire(root, 'codex', { ...tool('PostToolUse'), tool_response: { output: 'Success. Updated the following files:\nM src/server.ts' } });
    assert.deepEqual(recorded(root), ['src/server.ts:6-7 codex gpt-5.1-codex agent-write certain']);
  });

  it('hooks install codex writes PreToolUse and PostToolUse in .codex/hooks.json', async () => {
    const run = await cli(root, ['hooks', 'install', 'codex']);
    assert.equal(run.code, 0, run.stderr);
    const config = JSON.parse(readFileSync(join(root, '.codex/hooks.json'), 'utf8'));
    const ours = [{ matcher: 'apply_patch|Bash|shell|exec_command', hooks: [{ type: 'command', command: 'sh "$(git rev-parse --show-toplevel 2>/dev/null || pwd)/.comprehension/bin/comprehension-hook" hook codex', timeout: 30 }] }];
    assert.deepEqual(config, { hooks: { PreToolUse: ours, PostToolUse: ours } });
  });
});
