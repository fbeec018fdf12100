import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blockContentHash } from '../../../src/core/provenance/hash';
import {
  importAgentTrace,
  importedBlockId,
  importGitAiNotes,
  parseGitAiNote,
  parseLineRanges,
  placeImportedRanges,
  recordsForImport,
} from '../../../src/core/provenance/import';
import { createRecord } from '../../../src/core/provenance/record';
import { RETRY } from './retry-fixture';

const GIT_AI_NOTE = [
  'src/retry.ts',
  '  abcd1234abcd1234 3-9',
  '"docs/read me.md"',
  '  ef01ef01ef01ef01 1,4-5',
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

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.invalid',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.invalid',
      GIT_CONFIG_NOSYSTEM: '1',
    },
  });
}

describe('provenance: import', () => {
  describe('Agent Trace', () => {
    const trace = {
      version: '0.1.0',
      id: '3f1c9a52-8a8e-4a8e-9c55-0c2f5b0f6d11',
      timestamp: '2026-02-01T09:30:00Z',
      vcs: { type: 'git', revision: 'a1b2c3d' },
      tool: { name: 'cursor', version: '2.0' },
      files: [
        {
          path: 'src/retry.ts',
          conversations: [
            {
              contributor: { type: 'ai', model_id: 'anthropic/claude-opus-4' },
              ranges: [
                { start_line: 3, end_line: 12, content_hash: 'sha256:abc' },
                { start_line: 14, end_line: 15, contributor: { type: 'human' } },
              ],
            },
            { contributor: { type: 'human' }, ranges: [{ start_line: 1, end_line: 1 }] },
            { contributor: { type: 'mixed' }, ranges: [{ start_line: 20, end_line: 22, contributor: { type: 'ai' } }] },
          ],
        },
      ],
    };

    it('takes the ranges whose contributor is ai, including per-range overrides', () => {
      const { ranges, problems } = importAgentTrace(trace);
      assert.deepEqual(problems, []);
      assert.deepEqual(
        ranges.map((r) => [r.path, r.startLine, r.endLine, r.agent, r.model, r.revision]),
        [
          ['src/retry.ts', 3, 12, 'cursor', 'anthropic/claude-opus-4', 'a1b2c3d'],
          ['src/retry.ts', 20, 22, 'cursor', undefined, 'a1b2c3d'],
        ],
      );
      assert.equal(ranges[0].contentHash, 'sha256:abc');
      assert.equal(ranges[0].timestamp, '2026-02-01T09:30:00Z');
    });

    it('reads JSON Lines and reports lines that are not JSON', () => {
      const jsonl = `${JSON.stringify(trace)}\n{ not json\n\n${JSON.stringify({ ...trace, files: [] })}\n`;
      const { ranges, problems } = importAgentTrace(jsonl);
      assert.equal(ranges.length, 2);
      assert.equal(problems.length, 1);
      assert.match(problems[0], /^line 2:/);
    });

    it('skips records this product wrote itself and reports records without files', () => {
      const own = { ...trace, tool: { name: 'comprehension-first', version: '0.1.0' } };
      const { ranges, problems } = importAgentTrace([own, { id: 'x' }]);
      assert.deepEqual(ranges, []);
      assert.deepEqual(problems, ['record 2: no `files` list']);
    });
  });

  describe('git-ai authorship logs', () => {
    it('parses the attestation section and the agents from the JSON part', () => {
      const log = parseGitAiNote(GIT_AI_NOTE);
      assert.deepEqual(log.problems, []);
      assert.equal(log.schemaVersion, 'authorship/3.0.0');
      assert.deepEqual(log.files, [
        { path: 'src/retry.ts', entries: [{ session: 'abcd1234abcd1234', ranges: [[3, 9]] }] },
        {
          path: 'docs/read me.md',
          entries: [
            {
              session: 'ef01ef01ef01ef01',
              ranges: [
                [1, 1],
                [4, 5],
              ],
            },
          ],
        },
      ]);
      assert.deepEqual(log.sessions.get('abcd1234abcd1234'), { tool: 'claude', model: 'claude-sonnet-4' });
    });

    it('keeps the ranges when the JSON part is damaged and reports stray lines', () => {
      const log = parseGitAiNote('src/a.ts\n  abc1234 1-2\n  this is not an entry\n---\n{ "prompts": ');
      assert.deepEqual(log.files[0].entries, [{ session: 'abc1234', ranges: [[1, 2]] }]);
      assert.equal(log.problems.length, 2);
    });

    it('parses and merges line range specs', () => {
      assert.deepEqual(parseLineRanges('12,1-4,5,9-10 20'), [
        [1, 5],
        [9, 10],
        [12, 12],
        [20, 20],
      ]);
      assert.deepEqual(parseLineRanges('0,x,5-3'), []);
    });

    describe('in a real repository', () => {
      let repo: string;
      beforeEach(() => {
        repo = mkdtempSync(join(tmpdir(), 'cf-git-ai-'));
        git(repo, 'init', '-q');
        mkdirSync(join(repo, 'src'));
        writeFileSync(join(repo, 'src/retry.ts'), `${RETRY.join('\n')}\n`);
        git(repo, 'add', '.');
        git(repo, 'commit', '-q', '-m', 'add retry');
      });
      afterEach(() => rmSync(repo, { recursive: true, force: true }));

      it('imports the noted ranges with their text, and finds them after later edits', async () => {
        git(repo, 'notes', '--ref=ai', 'add', '-m', GIT_AI_NOTE, 'HEAD');
        const head = git(repo, 'rev-parse', 'HEAD').trim();
        const { ranges, problems } = await importGitAiNotes(repo);
        assert.ok(problems.some((problem) => problem.includes('docs/read me.md')), 'the missing file is reported');
        const retry = ranges.filter((range) => range.path === 'src/retry.ts');
        assert.equal(retry.length, 1);
        assert.deepEqual([retry[0].startLine, retry[0].endLine, retry[0].agent, retry[0].model, retry[0].revision], [3, 9, 'claude', 'claude-sonnet-4', head]);
        assert.deepEqual(retry[0].lines, RETRY.slice(2, 9));

        // Since the commit, someone added a header: the imported block must follow its code.
        const today = ['// Retry helpers.', '// Owned by the platform team.', ...RETRY].join('\n');
        const placements = placeImportedRanges(ranges, today);
        const placed = placements.find((p) => p.range.path === 'src/retry.ts');
        assert.deepEqual([placed?.kind, placed?.startLine, placed?.endLine], ['exact', 5, 11]);

        const records = recordsForImport(
          placements.filter((p) => p.range.path === 'src/retry.ts'),
          'src/retry.ts',
          today,
        );
        assert.equal(records.length, 1);
        const meta = records[0].metadata.comprehension;
        assert.deepEqual([meta.source, meta.confidence, meta.editKind, meta.agent], ['imported', 'certain', 'imported', 'claude']);
        assert.equal(records[0].id, importedBlockId(retry[0]));
        assert.deepEqual(records[0].vcs, { type: 'git', revision: head });
      });

      it('returns nothing when the repository has no notes, and a problem outside a repository', async () => {
        assert.deepEqual(await importGitAiNotes(repo), { ranges: [], problems: [] });
        const outside = mkdtempSync(join(tmpdir(), 'cf-not-git-'));
        try {
          const result = await importGitAiNotes(outside);
          assert.deepEqual(result.ranges, []);
          assert.equal(result.problems.length, 1);
        } finally {
          rmSync(outside, { recursive: true, force: true });
        }
      });
    });
  });

  describe('placing ranges', () => {
    it('takes ranges without text at their recorded lines, verified by a matching content hash', () => {
      const text = RETRY.join('\n');
      const placements = placeImportedRanges(
        [
          { origin: 'agent-trace', path: 'src/retry.ts', startLine: 3, endLine: 12, contentHash: blockContentHash(RETRY.slice(2, 12)) },
          { origin: 'agent-trace', path: 'src/retry.ts', startLine: 5, endLine: 6 },
          { origin: 'agent-trace', path: 'src/retry.ts', startLine: 40, endLine: 41 },
        ],
        text,
      );
      assert.deepEqual(
        placements.map((p) => [p.kind, p.startLine, p.endLine, p.verified]),
        [
          ['recorded', 3, 12, true],
          ['lost', 40, 41, false],
        ],
      );
    });

    it('does not import over code that already has a record', () => {
      const text = RETRY.join('\n');
      const existing = createRecord({
        block: { id: 'mine', startLine: 4, endLine: 6, source: 'chat-edit', confidence: 'certain', createdAt: '2026-01-01T00:00:00Z', modified: false },
        path: 'src/retry.ts',
        lines: RETRY.slice(3, 6),
        editKind: 'chat-apply',
      });
      const placements = placeImportedRanges([{ origin: 'agent-trace', path: 'src/retry.ts', startLine: 3, endLine: 12 }], text);
      assert.deepEqual(recordsForImport(placements, 'src/retry.ts', text, [existing]), []);
    });
  });
});
