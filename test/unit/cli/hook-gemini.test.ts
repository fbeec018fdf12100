import * as assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cli, write } from './run-cli';
import { fire, NEW_LINES, OLD_LINE, recorded, replaceIn, serverRepo } from './agent-hooks-fixture';

/**
 * Gemini CLI's hooks, with payloads shaped from its hooks reference (google-gemini/gemini-cli
 * docs/hooks/reference.md: settings.json `hooks.<Event>[{matcher, hooks[{type, command, timeout
 * (ms)}]}]`; input session_id, transcript_path, cwd, hook_event_name, timestamp; BeforeTool/
 * AfterTool add tool_name, tool_input, and tool_response after) and its tools reference
 * (`write_file` {file_path, content}, `replace` {file_path, old_string, new_string}).
 */

describe('hook gemini (Gemini CLI hooks reference)', () => {
  let root: string;

  beforeEach(() => {
    root = serverRepo('cf-hook-gemini-');
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const base = () => ({ session_id: 'gem-1', transcript_path: join(root, '..', 'gem-1.json'), cwd: root, timestamp: '2026-03-01T10:00:00.000Z' });

  it('BeforeTool then AfterTool of replace records the changed lines', async () => {
    const tool = { tool_name: 'replace', tool_input: { file_path: join(root, 'src/server.ts'), old_string: OLD_LINE, new_string: NEW_LINES } };
    await fire(root, 'gemini', { ...base(), hook_event_name: 'BeforeTool', ...tool });
    replaceIn(root, 'src/server.ts', OLD_LINE, NEW_LINES);
    await fire(root, 'gemini', { ...base(), hook_event_name: 'AfterTool', ...tool, tool_response: { llmContent: 'Successfully modified file', returnDisplay: 'ok' } });
    assert.deepEqual(recorded(root), ['src/server.ts:6-7 gemini-cli - agent-write certain']);
  });

  it('write_file creating a file records all its lines; a failed tool records nothing', async () => {
    const content = 'one\ntwo\nthree\n';
    const tool = { tool_name: 'write_file', tool_input: { file_path: join(root, 'src/new.ts'), content } };
    await fire(root, 'gemini', { ...base(), hook_event_name: 'BeforeTool', ...tool });
    write(root, 'src/new.ts', content);
    await fire(root, 'gemini', { ...base(), hook_event_name: 'AfterTool', ...tool, tool_response: { llmContent: 'ok' } });
    const failing = { tool_name: 'write_file', tool_input: { file_path: join(root, 'src/other.ts'), content: 'x\n' } };
    await fire(root, 'gemini', { ...base(), hook_event_name: 'BeforeTool', ...failing });
    write(root, 'src/other.ts', 'x\n');
    await fire(root, 'gemini', { ...base(), hook_event_name: 'AfterTool', ...failing, tool_response: { error: { message: 'denied' } } });
    assert.deepEqual(recorded(root), ['src/new.ts:1-3 gemini-cli - agent-write certain']);
  });

  it('hooks install gemini writes BeforeTool and AfterTool in .gemini/settings.json, keeping other settings', async () => {
    write(root, '.gemini/settings.json', JSON.stringify({ theme: 'GitHub', hooks: { SessionStart: [{ hooks: [{ type: 'command', command: './hi.sh' }] }] } }));
    const run = await cli(root, ['hooks', 'install', 'gemini']);
    assert.equal(run.code, 0, run.stderr);
    const settings = JSON.parse(readFileSync(join(root, '.gemini/settings.json'), 'utf8'));
    const ours = [{ matcher: 'write_file|replace', hooks: [{ type: 'command', command: 'sh "${GEMINI_PROJECT_DIR:-.}/.comprehension/bin/comprehension-hook" hook gemini', timeout: 30000 }] }];
    assert.deepEqual(settings, { theme: 'GitHub', hooks: { SessionStart: [{ hooks: [{ type: 'command', command: './hi.sh' }] }], BeforeTool: ours, AfterTool: ours } });
    assert.match((await cli(root, ['hooks', 'install', 'gemini'])).stdout, /Already installed: gemini/);
  });
});
