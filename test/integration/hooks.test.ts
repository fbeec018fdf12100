import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { InstallAgentHooksResult } from '../../src/client/hooks';
import { parseRuntimeFile } from '../../src/core/hooks/runtime';
import { HOOK_LAUNCHER_PATH, HOOK_RUNTIME_PATH } from '../../src/core/workspace/layout';
import { domTexts, EXTENSION_ID, getApi, keys, screenshot, waitFor, workspaceRoot } from './harness';

type Api = Awaited<ReturnType<typeof getApi>>;

/** Runs a hook command as Claude Code does: `sh -c`, a clean environment, the hook input on stdin. */
function runAsClaude(command: string, root: string, stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // `env -i PATH=/usr/bin:/bin`: nothing of the extension host's environment reaches the hook.
    // comprehension-ignore security/shell-injection -- the test runs the hook command exactly as the agent does, from the config file it just installed
    const child = spawn('/bin/sh', ['-c', command], { cwd: root, env: { PATH: '/usr/bin:/bin', CLAUDE_PROJECT_DIR: root } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

function claudeInput(root: string, event: 'PreToolUse' | 'PostToolUse', toolInput: Record<string, unknown>): string {
  return JSON.stringify({
    session_id: '3f1c2b7a-9d4e-4c1b-8a6f-2e5d7c9b0a14',
    transcript_path: '/home/dev/.claude/projects/app/3f1c2b7a.jsonl',
    cwd: root,
    permission_mode: 'default',
    hook_event_name: event,
    tool_name: 'Edit',
    tool_input: toolInput,
    tool_use_id: 'toolu_01Hooks',
    ...(event === 'PostToolUse' ? { tool_response: { filePath: toolInput.file_path, success: true } } : {}),
  });
}

describe('Install Agent Hooks', function () {
  this.timeout(90000);
  let api: Api;
  let root: string;

  before(async () => {
    api = await getApi();
    await api.whenProvenanceReady();
    root = workspaceRoot().fsPath;
    // The CLI finds the workspace by .comprehension/ (the test workspace may sit inside another repository).
    mkdirSync(join(root, '.comprehension'), { recursive: true });
  });

  it('installs Claude Code hooks with the bundled CLI, and the hook the agent runs records its edit with only /usr/bin:/bin on PATH', async () => {
    const result = await vscode.commands.executeCommand<InstallAgentHooksResult | undefined>('comprehension.installAgentHooks', { agents: ['claude'] });
    assert.ok(result, 'the command ran (workspace trusted, folder given)');
    assert.equal(result.root, root);
    assert.deepEqual(result.report.configs.map((config) => [config.agent, config.path, config.outcome]), [['claude', '.claude/settings.json', 'installed']]);
    assert.equal(result.runtimeProblem, undefined);
    // One message says what was written, with a button to open it. The headless window shows no
    // toasts, so it is read from the notification centre (the runner waits for it to render).
    await vscode.commands.executeCommand('notifications.showList');
    await keys({ type: 'waitForSelector', selector: '.notifications-center .notification-list-item', timeout: 15000 });
    const toast = (await domTexts('.notifications-center .notification-list-item')).find((text) => text.includes('agent hooks'));
    assert.ok(toast, 'the information message is shown');
    assert.match(toast, /Installed agent hooks for Claude Code \(\.claude\/settings\.json\)\. They run \.comprehension\/bin\/comprehension-hook; commit it with the hook files\./);
    assert.match(toast, /Open File/);
    await screenshot('hooks-installed-message');
    await vscode.commands.executeCommand('notifications.hideList');

    // The runtime of this machine is the extension host's executable and the extension's own bundled CLI.
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    const runtime = parseRuntimeFile(readFileSync(join(root, HOOK_RUNTIME_PATH), 'utf8'));
    assert.deepEqual(runtime, { node: process.execPath, electron: process.versions.electron !== undefined, cli: realpathSync(join(extension.extensionPath, 'dist/cli.js')) });
    assert.ok(existsSync(join(root, HOOK_LAUNCHER_PATH)));

    const settings = JSON.parse(readFileSync(join(root, '.claude/settings.json'), 'utf8'));
    const pre: string = settings.hooks.PreToolUse[0].hooks[0].command;
    const post: string = settings.hooks.PostToolUse[0].hooks[0].command;
    assert.equal(post, pre);
    assert.ok(!pre.includes(root) && !pre.includes(extension.extensionPath), `the committed command names no local path: ${pre}`);

    const path = 'src/hooked-by-agent.ts';
    const file = join(root, path);
    writeFileSync(file, 'export function greet(name: string): string {\n  return `Hello, ${name}`;\n}\n');
    const toolInput = { file_path: file, old_string: '  return `Hello, ${name}`;', new_string: '  const trimmed = name.trim();\n  return `Hello, ${trimmed}`;' };
    const before = await runAsClaude(pre, root, claudeInput(root, 'PreToolUse', toolInput));
    assert.deepEqual([before.code, before.stderr], [0, '']);
    writeFileSync(file, readFileSync(file, 'utf8').replace(toolInput.old_string, toolInput.new_string));
    const after = await runAsClaude(post, root, claudeInput(root, 'PostToolUse', toolInput));
    assert.deepEqual([after.code, after.stderr], [0, '']);

    // The record is on disk when the hook exits...
    const folder = join(root, '.comprehension/provenance');
    const records = readdirSync(folder)
      .filter((name) => name.endsWith('.json'))
      .map((name) => JSON.parse(readFileSync(join(folder, name), 'utf8')))
      .filter((record) => record.files[0].path === path);
    assert.equal(records.length, 1);
    const range = records[0].files[0].conversations[0].ranges[0];
    assert.deepEqual([range.start_line, range.end_line, records[0].metadata.comprehension.agent], [2, 3, 'claude-code']);

    // ...and the editor shows it as a block of the agent.
    const uri = vscode.Uri.file(file);
    const block = await waitFor(api.onDidChangeBlocks, async () => (await api.getBlocks(uri)).find((candidate) => candidate.agent === 'claude-code'), 'the hook-recorded block', 45000);
    assert.deepEqual([block.startLine, block.endLine, block.source, block.confidence], [2, 3, 'agent-write', 'certain']);

    // Running the command again changes nothing.
    const again = await vscode.commands.executeCommand<InstallAgentHooksResult | undefined>('comprehension.installAgentHooks', { agents: ['claude'], folder: workspaceRoot() });
    assert.deepEqual(again?.report.configs.map((config) => config.outcome), ['unchanged']);
    assert.equal(again?.report.launcher?.outcome, 'unchanged');
  });
});
