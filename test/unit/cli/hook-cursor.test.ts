import * as assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cli, write } from './run-cli';
import { fire, NEW_LINES, OLD_LINE, recorded, replaceIn, serverRepo } from './agent-hooks-fixture';

/**
 * Cursor's hooks, with payloads shaped from Cursor's hooks reference (cursor.com/docs/hooks: common
 * fields conversation_id, generation_id, model, hook_event_name, cursor_version, workspace_roots;
 * preToolUse/postToolUse with tool_name, tool_input, tool_use_id, cwd; afterFileEdit and
 * afterTabFileEdit with file_path and edits[{old_string, new_string}], Tab edits adding
 * range{start_line_number, start_column, end_line_number, end_column}), cross-checked with the
 * `cursor/agent-trace` reference hook and git-ai's Cursor installer (postToolUse on Write,
 * StrReplace, Delete, ApplyPatch with tool_input.file_path).
 */

describe('hook cursor (Cursor hooks reference)', () => {
  let root: string;

  beforeEach(() => {
    root = serverRepo('cf-hook-cursor-');
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const common = () => ({ conversation_id: 'conv-1', generation_id: 'gen-1', model: 'claude-4.5-sonnet', cursor_version: '2.0.77', workspace_roots: [root], user_email: 'dev@example.com' });

  it('preToolUse then postToolUse of StrReplace records the changed lines, with the model', async () => {
    const tool = { tool_name: 'StrReplace', tool_input: { file_path: join(root, 'src/server.ts'), old_string: OLD_LINE, new_string: NEW_LINES }, tool_use_id: 'tu-1', cwd: root };
    await fire(root, 'cursor', { ...common(), hook_event_name: 'preToolUse', ...tool });
    replaceIn(root, 'src/server.ts', OLD_LINE, NEW_LINES);
    await fire(root, 'cursor', { ...common(), hook_event_name: 'postToolUse', ...tool, tool_output: '{"success":true}', duration: 12 });
    assert.deepEqual(recorded(root), ['src/server.ts:6-7 cursor claude-4.5-sonnet agent-write certain']);
  });

  it('preToolUse then postToolUse of ApplyPatch (tool_input.file_path) records the lines the snapshot diff finds', async () => {
    const tool = { tool_name: 'ApplyPatch', tool_input: { file_path: join(root, 'src/server.ts') }, tool_use_id: 'tu-5', cwd: root };
    await fire(root, 'cursor', { ...common(), hook_event_name: 'preToolUse', ...tool });
    replaceIn(root, 'src/server.ts', OLD_LINE, NEW_LINES);
    await fire(root, 'cursor', { ...common(), hook_event_name: 'postToolUse', ...tool });
    assert.deepEqual(recorded(root), ['src/server.ts:6-7 cursor claude-4.5-sonnet agent-write certain']);
  });

  it('postToolUse of Write without a snapshot records the whole new file; Delete records nothing', async () => {
    const contents = 'export const a = 1;\nexport const b = 2;\n';
    write(root, 'src/new.ts', contents);
    await fire(root, 'cursor', { ...common(), hook_event_name: 'postToolUse', tool_name: 'Write', tool_input: { file_path: join(root, 'src/new.ts'), contents }, tool_use_id: 'tu-2', cwd: root });
    await fire(root, 'cursor', { ...common(), hook_event_name: 'postToolUse', tool_name: 'Delete', tool_input: { file_path: join(root, 'src/server.ts') }, tool_use_id: 'tu-3', cwd: root });
    assert.deepEqual(recorded(root), ['src/new.ts:1-2 cursor claude-4.5-sonnet agent-write certain']);
  });

  it('afterFileEdit whose new text occurs twice is placed by edits[].range', async () => {
    write(root, 'src/twice.ts', 'a\nb\n');
    const twice = 'a\nreturn 1;\nb\nreturn 1;\n';
    write(root, 'src/twice.ts', twice);
    const edit = (line: number) => ({ old_string: '', new_string: 'return 1;', range: { start_line_number: line, start_column: 1, end_line_number: line, end_column: 1 } });
    await fire(root, 'cursor', { ...common(), hook_event_name: 'afterFileEdit', file_path: join(root, 'src/twice.ts'), edits: [edit(4)] });
    assert.deepEqual(recorded(root), ['src/twice.ts:4-4 cursor claude-4.5-sonnet agent-write certain']);
    // Without a range it stays unrecorded: which occurrence is the edit's is unknown.
    const stderr = await fire(root, 'cursor', { ...common(), hook_event_name: 'afterFileEdit', file_path: join(root, 'src/twice.ts'), edits: [{ old_string: '', new_string: 'return 1;' }] });
    assert.match(stderr, /found more than once/);
    assert.equal(recorded(root).length, 1);
  });

  it('afterTabFileEdit is recorded as an inline completion, certain', async () => {
    replaceIn(root, 'src/server.ts', 'app.listen(3000);', 'app.listen(Number(process.env.PORT ?? 3000));');
    await fire(root, 'cursor', {
      ...common(),
      hook_event_name: 'afterTabFileEdit',
      file_path: join(root, 'src/server.ts'),
      edits: [{ old_string: '3000', new_string: 'Number(process.env.PORT ?? 3000)', range: { start_line_number: 9, start_column: 12, end_line_number: 9, end_column: 16 }, old_line: 'app.listen(3000);', new_line: 'app.listen(Number(process.env.PORT ?? 3000));' }],
    });
    assert.deepEqual(recorded(root), ['src/server.ts:9-9 cursor claude-4.5-sonnet inline-completion certain']);
  });

  it('afterFileEdit and postToolUse firing for one edit make one block', async () => {
    const tool = { tool_name: 'StrReplace', tool_input: { file_path: join(root, 'src/server.ts'), old_string: OLD_LINE, new_string: NEW_LINES }, tool_use_id: 'tu-4', cwd: root };
    await fire(root, 'cursor', { ...common(), hook_event_name: 'preToolUse', ...tool });
    replaceIn(root, 'src/server.ts', OLD_LINE, NEW_LINES);
    await fire(root, 'cursor', { ...common(), hook_event_name: 'afterFileEdit', file_path: join(root, 'src/server.ts'), edits: [{ old_string: OLD_LINE, new_string: NEW_LINES }] });
    await fire(root, 'cursor', { ...common(), hook_event_name: 'postToolUse', ...tool });
    assert.deepEqual(recorded(root), ['src/server.ts:6-7 cursor claude-4.5-sonnet agent-write certain']);
  });

  it('hooks install cursor adds afterFileEdit, afterTabFileEdit and the preToolUse/postToolUse pair', async () => {
    const run = await cli(root, ['hooks', 'install', 'cursor']);
    assert.equal(run.code, 0, run.stderr);
    const hooks = JSON.parse(readFileSync(join(root, '.cursor/hooks.json'), 'utf8')).hooks;
    const ours = [{ command: 'sh .comprehension/bin/comprehension-hook hook cursor' }];
    assert.deepEqual(hooks, { afterFileEdit: ours, afterTabFileEdit: ours, preToolUse: ours, postToolUse: ours });
  });
});
