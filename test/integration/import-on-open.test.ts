import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Block } from '../../src/core/provenance/block';
import { getApi, waitFor, workspaceRoot } from './harness';

type Api = Awaited<ReturnType<typeof getApi>>;

// Issue 16, "the extension imports on open when new git-ai notes or Agent Trace records appear":
// another process (git-ai's post-commit hook, a `git fetch` of refs/notes/ai, an agent's Agent
// Trace hook) writes them while the window is open; the blocks show up without a command.

function git(args: string[]): string {
  return execFileSync('git', args, {
    cwd: workspaceRoot().fsPath,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@comprehension.invalid', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@comprehension.invalid' },
  });
}

function write(path: string, text: string): vscode.Uri {
  const absolute = join(workspaceRoot().fsPath, path);
  mkdirSync(join(absolute, '..'), { recursive: true });
  writeFileSync(absolute, text);
  return vscode.Uri.file(absolute);
}

function blockFrom(api: Api, uri: vscode.Uri, agent: string, what: string): Promise<Block> {
  // Well under the importer's 30 s safety poll: the file watchers must be what brings the block.
  return waitFor(api.onDidChangeBlocks, async () => (await api.getBlocks(uri)).find((block) => block.agent === agent), what, 20000);
}

describe('Import on open: git-ai notes and Agent Trace records', function () {
  this.timeout(60000);
  let api: Api;

  before(async () => {
    api = await getApi();
    await api.whenProvenanceReady();
  });

  it('a git-ai note added while the window is open becomes a certain block on its lines, once', async () => {
    const uri = write('src/gitai-noted.ts', ['// Money helpers.', 'export function cents(amount: number): number {', '  return Math.round(amount * 100);', '}', ''].join('\n'));
    git(['add', 'src/gitai-noted.ts']);
    git(['commit', '-qm', 'cents helper']);
    const note = [
      'src/gitai-noted.ts',
      '  abcd1234abcd1234 2-4',
      '---',
      JSON.stringify({ schema_version: 'authorship/3.0.0', base_commit_sha: git(['rev-parse', 'HEAD']).trim(), prompts: { abcd1234abcd1234: { agent_id: { tool: 'cursor', id: 'conv-1', model: 'gpt-5' }, human_author: null } } }, null, 2),
    ].join('\n');
    git(['notes', '--ref=ai', 'add', '-m', note, 'HEAD']);

    const block = await blockFrom(api, uri, 'cursor', 'the block of the git-ai note');
    assert.deepEqual([block.startLine, block.endLine, block.source, block.confidence, block.model], [2, 4, 'imported', 'certain', 'gpt-5']);
    assert.equal((await api.getBlocks(uri)).length, 1, 'one block, no twin');
  });

  it('an Agent Trace record appended to .agent-trace/traces.jsonl becomes a block', async () => {
    const uri = write('src/traced.ts', ['export function double(value: number): number {', '  const result = value * 2;', '  return result;', '}', ''].join('\n'));
    const record = {
      version: '0.1.0',
      id: 'trace-1',
      timestamp: new Date().toISOString(),
      tool: { name: 'cursor-agent-trace' },
      files: [{ path: 'src/traced.ts', conversations: [{ contributor: { type: 'ai', model_id: 'claude-sonnet-4-5' }, ranges: [{ start_line: 1, end_line: 4 }] }] }],
    };
    write('.agent-trace/traces.jsonl', `${JSON.stringify(record)}\n`);
    const block = await blockFrom(api, uri, 'cursor-agent-trace', 'the block of the Agent Trace record');
    assert.deepEqual([block.startLine, block.endLine, block.confidence, block.model], [1, 4, 'certain', 'claude-sonnet-4-5']);
  });
});
