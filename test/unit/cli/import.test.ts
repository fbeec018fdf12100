import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { takeAgentTraceFiles } from '../../../src/cli/commands/import';
import { blockContentHash } from '../../../src/core/provenance/hash';
import { cli, git, ranges, records, tempRepo, write } from './run-cli';
import { PARSE_PORT as PARSE, RETRY } from '../provenance/retry-fixture';

/** A git-ai authorship log (authorship/3.0.0) as git-ai writes it into refs/notes/ai. */
const GIT_AI_NOTE = [
  'src/retry.ts',
  '  abcd1234abcd1234 3-9',
  'docs/gone.md',
  '  ef01ef01ef01ef01 1-2',
  '---',
  JSON.stringify(
    {
      schema_version: 'authorship/3.0.0',
      base_commit_sha: '0000000000000000000000000000000000000000',
      prompts: {
        abcd1234abcd1234: { agent_id: { tool: 'claude', id: 'session-1', model: 'claude-sonnet-4' }, messages: [], total_additions: 7, total_deletions: 0, accepted_lines: 7, overriden_lines: 0 },
        ef01ef01ef01ef01: { agent_id: { tool: 'cursor', id: 'session-2', model: 'gpt-5' }, messages: [] },
      },
    },
    null,
    2,
  ),
].join('\n');

describe('CLI import', () => {
  let root: string;

  beforeEach(() => {
    root = tempRepo('cf-import-');
    write(root, 'src/retry.ts', `${RETRY.join('\n')}\n`);
    write(root, 'src/port.ts', `${PARSE.join('\n')}\n`);
    git(root, ['add', '.']);
    git(root, ['commit', '-qm', 'add retry']);
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('imports git-ai notes where their code is today, and importing again adds nothing', async () => {
    git(root, ['notes', '--ref=ai', 'add', '-m', GIT_AI_NOTE, 'HEAD']);
    const head = git(root, ['rev-parse', 'HEAD']).trim();
    // Since the commit, someone added a header: the imported block follows its code.
    write(root, 'src/retry.ts', `// Retry helpers.\n// Owned by the platform team.\n${RETRY.join('\n')}\n`);

    const first = await cli(root, ['import', '--git-ai']);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, 'Imported 1 block; 0 already present; 1 could not be placed (of 2 AI ranges found).\n');
    assert.match(first.stderr, /docs\/gone\.md is not in that commit/);
    assert.deepEqual(ranges(root), ['src/retry.ts:5-11']);
    const [record] = records(root);
    const meta = record.metadata.comprehension;
    assert.deepEqual([meta.source, meta.confidence, meta.editKind, meta.agent], ['imported', 'certain', 'imported', 'claude']);
    assert.equal(record.files[0].conversations[0].contributor.model_id, 'claude-sonnet-4');
    assert.deepEqual(record.vcs, { type: 'git', revision: head });

    const second = await cli(root, ['import', '--git-ai']);
    assert.equal(second.stdout, 'Imported 0 blocks; 1 already present; 1 could not be placed (of 2 AI ranges found).\n');
    assert.equal(records(root).length, 1);
  });

  it('imports Agent Trace files (JSON Lines and JSON), idempotently, and leaves tracked code to its block', async () => {
    const traces = [
      {
        version: '0.1.0',
        id: '3f1c9a52-8a8e-4a8e-9c55-0c2f5b0f6d11',
        timestamp: '2026-02-01T09:30:00Z',
        tool: { name: 'cursor', version: '2.0' },
        files: [
          {
            path: 'src/retry.ts',
            conversations: [
              { contributor: { type: 'ai', model_id: 'anthropic/claude-opus-4' }, ranges: [{ start_line: 3, end_line: 12, content_hash: blockContentHash(RETRY.slice(2, 12)) }] },
              { contributor: { type: 'human' }, ranges: [{ start_line: 1, end_line: 1 }] },
            ],
          },
          { path: '../../etc/passwd', conversations: [{ contributor: { type: 'ai' }, ranges: [{ start_line: 1, end_line: 1 }] }] },
          { path: 'src/missing.ts', conversations: [{ contributor: { type: 'ai' }, ranges: [{ start_line: 1, end_line: 3 }] }] },
        ],
      },
    ];
    write(root, '.agent-trace/traces.jsonl', `${traces.map((trace) => JSON.stringify(trace)).join('\n')}\n`);
    const portTrace = { ...traces[0], id: 'b', files: [{ path: 'src/port.ts', conversations: [{ contributor: { type: 'ai' }, ranges: [{ start_line: 2, end_line: 4 }] }] }] };
    write(root, 'port-trace.json', JSON.stringify(portTrace));
    // The code of port.ts lines 1-5 is already a block (marked by a hook): it keeps that block.
    assert.equal((await cli(root, ['mark', '--file', 'src/port.ts', '--lines', '1-5', '--agent', 'claude-code'])).code, 0);

    const run = await cli(root, ['import', '--agent-trace', '.agent-trace/traces.jsonl', 'port-trace.json']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'Imported 1 block; 1 already present; 2 could not be placed (of 4 AI ranges found).\n');
    assert.deepEqual(ranges(root), ['src/port.ts:1-5', 'src/retry.ts:3-12']);
    const imported = records(root).find((record) => record.files[0].path === 'src/retry.ts')!;
    assert.equal(imported.metadata.comprehension.agent, 'cursor');
    assert.equal(imported.metadata.comprehension.createdAt, '2026-02-01T09:30:00Z');

    const again = await cli(root, ['import', '--agent-trace=.agent-trace/traces.jsonl', '--agent-trace', 'port-trace.json']);
    assert.equal(again.stdout, 'Imported 0 blocks; 2 already present; 2 could not be placed (of 4 AI ranges found).\n');
    assert.equal(records(root).length, 2);
  });

  it('exits 2 on usage errors', async () => {
    assert.equal((await cli(root, ['import'])).code, 2);
    const missing = await cli(root, ['import', '--agent-trace', 'nope.jsonl']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read nope\.jsonl: no such file/);
    assert.equal((await cli(root, ['import', '--agent-trace'])).code, 2);
    assert.equal((await cli(root, ['import', '--git-ai', 'extra'])).code, 2);
    assert.match((await cli(root, ['import', '--help'])).stdout, /^Usage: comprehension import/);
  });

  it('a repository without git-ai notes imports nothing and says why', async () => {
    const run = await cli(root, ['import', '--git-ai']);
    assert.equal(run.code, 0);
    assert.equal(run.stdout, 'Imported 0 blocks; 0 already present; 0 could not be placed (of 0 AI ranges found).\n');
    assert.match(run.stderr, /git-ai: no AI ranges in refs\/notes\/ai/);
  });

  it('takes several files after --agent-trace', () => {
    assert.deepEqual(takeAgentTraceFiles(['--agent-trace', 'a', 'b', '--root', 'x', '--agent-trace=c']), { files: ['a', 'b', 'c'], rest: ['--root', 'x'], present: true });
  });
});
