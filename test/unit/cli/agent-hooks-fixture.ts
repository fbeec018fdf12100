import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, git, rangeOf, records, tempRepo, write } from './run-cli';

/** Shared by the per-agent hook tests: a small repository, a way to play an agent's tool call, and what got recorded. */

/** The file every agent edits in these tests. */
export const SERVER = [
  "import express from 'express';", // 1
  '', // 2
  'const app = express();', // 3
  '', // 4
  "app.get('/health', (_req, res) => {", // 5
  "  res.json({ status: 'ok' });", // 6
  '});', // 7
  '', // 8
  'app.listen(3000);', // 9
];

/** A temp git repository holding `src/server.ts`, committed (so HEAD has it). */
export function serverRepo(prefix: string): string {
  const root = tempRepo(prefix);
  write(root, 'src/server.ts', `${SERVER.join('\n')}\n`);
  write(root, '.gitignore', 'node_modules/\n');
  const env = { GIT_AUTHOR_NAME: 'Dev', GIT_AUTHOR_EMAIL: 'dev@example.com', GIT_COMMITTER_NAME: 'Dev', GIT_COMMITTER_EMAIL: 'dev@example.com' };
  git(root, ['add', '-A'], env);
  git(root, ['commit', '-qm', 'init'], env);
  return root;
}

/** Replaces `old` by `neu` once in a file of `root`, as an agent's edit tool does. */
export function replaceIn(root: string, path: string, old: string, neu: string): void {
  const text = readFileSync(join(root, path), 'utf8');
  assert.ok(text.includes(old), 'the edit applies');
  write(root, path, text.replace(old, neu));
}

/** Runs `comprehension hook <agent>` with the payload; asserts it exits 0 and prints nothing on stdout. */
export async function fire(root: string, agent: string, payload: unknown): Promise<string> {
  const run = await cli(root, ['hook', agent, '--verbose'], typeof payload === 'string' ? payload : JSON.stringify(payload));
  assert.equal(run.code, 0);
  assert.equal(run.stdout, '', 'a hook must print nothing on stdout (some agents parse it)');
  return run.stderr;
}

/** What each record says: `path:start-end agent model source confidence`. */
export function recorded(root: string): string[] {
  return records(root).map((record) => {
    const meta = record.metadata.comprehension;
    return `${record.files[0].path}:${rangeOf(record).join('-')} ${meta.agent} ${record.files[0].conversations[0].contributor.model_id ?? '-'} ${meta.source} ${meta.confidence}`;
  });
}

/** The edit every test makes: line 6 becomes two lines (6-7). */
export const OLD_LINE = "  res.json({ status: 'ok' });";
export const NEW_LINES = "  const uptime = process.uptime();\n  res.json({ status: 'ok', uptime });";

/** That edit as an `apply_patch` patch (the `*** Begin Patch` envelope of Codex, Copilot CLI and VS Code). */
export const SERVER_PATCH = [
  '*** Begin Patch',
  '*** Update File: src/server.ts',
  "@@ app.get('/health', (_req, res) => {",
  "-  res.json({ status: 'ok' });",
  '+  const uptime = process.uptime();',
  "+  res.json({ status: 'ok', uptime });",
  ' });',
  '*** End Patch',
].join('\n');

/** A Claude Code hook input (as its hooks reference documents it) for a file-writing tool. */
export function claudeInput(root: string, event: 'PreToolUse' | 'PostToolUse', tool: string, toolInput: Record<string, unknown>, toolUseId = 'toolu_01A'): string {
  return JSON.stringify({
    session_id: 'b7e3c1d2-5f6a-4b8c-9d0e-1f2a3b4c5d6e',
    transcript_path: '/home/dev/.claude/projects/app/b7e3c1d2.jsonl',
    cwd: root,
    permission_mode: 'default',
    hook_event_name: event,
    tool_name: tool,
    tool_input: toolInput,
    tool_use_id: toolUseId,
    ...(event === 'PostToolUse' ? { tool_response: { filePath: toolInput.file_path, success: true } } : {}),
  });
}
