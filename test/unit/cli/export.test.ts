import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { legacyPromptKey } from '../../../src/core/provenance/git-ai';
import { parseGitAiNote } from '../../../src/core/provenance/import';
import { PARSE_PORT as PORT, RETRY } from '../provenance/retry-fixture';
import { cli, git, rangeOf, records, tempRepo, write } from './run-cli';

// Round trip of acceptance 4 (issue 16): notes `comprehension export --git-ai` writes under
// refs/notes/ai are read back by `comprehension import --git-ai` to the same blocks. The note
// format is git-ai's authorship/3.0.0 (Git AI Standard v3.0.0, git-ai-project/git-ai
// `src/authorship/authorship_log_serialization.rs`); these tests build real repositories.

const HEAD_LINES = RETRY.slice(0, 2);
const RETRY_BODY = RETRY.slice(2);

/** The id of the one record of `path`. */
function blockIdOf(root: string, path: string): string {
  const found = records(root).filter((record) => record.files[0].path === path);
  assert.equal(found.length, 1, `one record of ${path}`);
  return found[0].id;
}

function note(root: string, rev: string): string {
  return git(root, ['notes', '--ref=ai', 'show', rev]);
}

/** What a round trip must keep: path, lines, agent, model. */
function summary(root: string): string[] {
  return records(root).map((record) => {
    const meta = record.metadata.comprehension;
    return `${record.files[0].path}:${rangeOf(record).join('-')} ${meta.agent ?? '-'} ${record.files[0].conversations[0].contributor.model_id ?? '-'}`;
  });
}

describe('CLI export --git-ai', () => {
  let root: string;
  let base: string;
  let aiCommit: string;

  beforeEach(async () => {
    root = tempRepo('cf-export-');
    git(root, ['config', 'user.name', 'Dana Dev']);
    git(root, ['config', 'user.email', 'dana@example.invalid']);
    write(root, 'src/retry.ts', `${HEAD_LINES.join('\n')}\n`);
    write(root, 'src/port.ts', `${PORT.join('\n')}\n`);
    git(root, ['add', '.']);
    git(root, ['commit', '-qm', 'base']);
    base = git(root, ['rev-parse', 'HEAD']).trim();
    write(root, 'src/retry.ts', `${[...HEAD_LINES, ...RETRY_BODY].join('\n')}\n`);
    git(root, ['add', '.']);
    git(root, ['commit', '-qm', 'retry, by an agent']);
    aiCommit = git(root, ['rev-parse', 'HEAD']).trim();
    // The records are the workspace's, not part of the commits (so a clone starts without them).
    for (const args of [
      ['--file', 'src/retry.ts', '--lines', '3-11', '--agent', 'claude', '--model', 'claude-sonnet-4'],
      ['--file', 'src/port.ts', '--lines', '1-5', '--agent', 'cursor'],
    ]) {
      const marked = await cli(root, ['mark', ...args]);
      assert.equal(marked.code, 0, marked.stderr);
    }
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('writes one authorship/3.0.0 note per commit that introduced the lines, at their lines in that commit', async () => {
    const retryId = blockIdOf(root, 'src/retry.ts');
    const portId = blockIdOf(root, 'src/port.ts');
    const run = await cli(root, ['export', '--git-ai']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '');
    assert.match(run.stdout, /^Exported 2 blocks \(14 lines\) to refs\/notes\/ai of 2 commits\.\n/);
    assert.ok(run.stdout.includes(`  src/retry.ts:3-11 → ${aiCommit.slice(0, 12)} src/retry.ts 3-11 (claude, claude-sonnet-4)\n`), run.stdout);
    assert.ok(run.stdout.includes(`  src/port.ts:1-5 → ${base.slice(0, 12)} src/port.ts 1-5 (cursor)\n`), run.stdout);

    const key = legacyPromptKey('claude', `comprehension-first:${retryId}`);
    assert.equal(
      note(root, aiCommit),
      [
        'src/retry.ts',
        `  ${key} 3-11`,
        '---',
        JSON.stringify(
          {
            schema_version: 'authorship/3.0.0',
            base_commit_sha: aiCommit,
            prompts: {
              [key]: {
                agent_id: { tool: 'claude', id: `comprehension-first:${retryId}`, model: 'claude-sonnet-4' },
                human_author: 'Dana Dev <dana@example.invalid>',
                total_additions: 9,
                total_deletions: 0,
                accepted_lines: 9,
                overriden_lines: 0,
              },
            },
          },
          null,
          2,
        ),
        '',
      ].join('\n'),
    );
    // A block without a model gets git-ai's required `model` as "unknown", which reads back as none.
    const portNote = parseGitAiNote(note(root, base));
    assert.deepEqual(portNote.files, [{ path: 'src/port.ts', entries: [{ session: legacyPromptKey('cursor', `comprehension-first:${portId}`), ranges: [[1, 5]] }] }]);
    assert.match(note(root, base), /"model": "unknown"/);
  });

  it('round trip: a clone that fetched the notes imports the same blocks (file, lines, agent, model)', async () => {
    const before = summary(root);
    assert.deepEqual(before, ['src/port.ts:1-5 cursor -', 'src/retry.ts:3-11 claude claude-sonnet-4']);
    assert.equal((await cli(root, ['export', '--git-ai'])).code, 0);

    const parent = mkdtempSync(join(tmpdir(), 'cf-export-clone-'));
    try {
      const clone = join(parent, 'clone');
      git(parent, ['clone', '-q', root, clone]);
      git(clone, ['fetch', '-q', 'origin', 'refs/notes/ai:refs/notes/ai']);
      assert.deepEqual(records(clone), []);
      const imported = await cli(clone, ['import', '--git-ai']);
      assert.equal(imported.code, 0, imported.stderr);
      assert.equal(imported.stdout, 'Imported 2 blocks; 0 already present; 0 could not be placed (of 2 AI ranges found).\n');
      assert.deepEqual(summary(clone), before);
      // The same blocks: their ids too, so a committed comprehension note is the block's note again.
      assert.deepEqual(
        records(clone).map((record) => record.id),
        records(root).map((record) => record.id),
      );
      assert.deepEqual(
        records(clone).map((record) => [record.metadata.comprehension.confidence, record.vcs?.revision]),
        [
          ['certain', base],
          ['certain', aiCommit],
        ],
      );
      // Importing again adds nothing.
      const again = await cli(clone, ['import', '--git-ai']);
      assert.equal(again.stdout, 'Imported 0 blocks; 2 already present; 0 could not be placed (of 2 AI ranges found).\n');
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }

    // In the workspace that exported them, the notes are its own blocks: importing makes no twins.
    const own = await cli(root, ['import', '--git-ai']);
    assert.equal(own.stdout, 'Imported 0 blocks; 2 already present; 0 could not be placed (of 2 AI ranges found).\n');
    assert.deepEqual(summary(root), before);
  });

  it('round trip: a block whose lines two commits introduced comes back as one block', async () => {
    write(root, 'src/split.ts', `${RETRY_BODY.slice(0, 5).join('\n')}\n`);
    git(root, ['add', 'src/split.ts']);
    git(root, ['commit', '-qm', 'first half']);
    const first = git(root, ['rev-parse', 'HEAD']).trim();
    write(root, 'src/split.ts', `${RETRY_BODY.join('\n')}\n`);
    git(root, ['commit', '-qam', 'second half']);
    const second = git(root, ['rev-parse', 'HEAD']).trim();
    assert.equal((await cli(root, ['mark', '--file', 'src/split.ts', '--lines', '1-10', '--agent', 'codex', '--model', 'gpt-5-codex'])).code, 0);

    const run = await cli(root, ['export', '--git-ai', '--commit', first]);
    assert.ok(run.stdout.includes(`  src/split.ts:1-10 → ${first.slice(0, 12)} src/split.ts 1-5 (codex, gpt-5-codex)\n`), run.stdout);
    assert.ok(run.stdout.includes('  src/split.ts:1-10: 5 lines introduced by another commit\n'), run.stdout);
    assert.equal((await cli(root, ['export', '--git-ai', '--commit', second])).code, 0);
    assert.match(note(root, second), /^src\/split\.ts\n {2}[0-9a-f]{16} 6-10\n---\n/);

    const id = blockIdOf(root, 'src/split.ts');
    rmSync(join(root, '.comprehension/provenance'), { recursive: true, force: true });
    const imported = await cli(root, ['import', '--git-ai']);
    assert.equal(imported.code, 0, imported.stderr);
    assert.equal(imported.stdout, 'Imported 1 block; 0 already present; 0 could not be placed (of 2 AI ranges found).\n');
    assert.deepEqual(summary(root), ['src/split.ts:1-10 codex gpt-5-codex']);
    assert.equal(records(root)[0].id, id);
  });

  it('merges into git-ai’s own note: its entries and prompts stay, its lines stay its own, and exporting again changes nothing', async () => {
    const gitAiNote = [
      'src/retry.ts',
      '  abcd1234abcd1234 3-4',
      '"docs/read me.md"',
      '  s_c9883b05a2487d::t_9f8e7d6c5b4a32 1-2',
      '---',
      JSON.stringify(
        {
          schema_version: 'authorship/3.0.0',
          git_ai_version: '1.4.5',
          base_commit_sha: aiCommit,
          prompts: { abcd1234abcd1234: { agent_id: { tool: 'cursor', id: 'conv-1', model: 'gpt-5' }, human_author: null, total_additions: 2, total_deletions: 0, accepted_lines: 2, overriden_lines: 0 } },
          sessions: { s_c9883b05a2487d: { agent_id: { tool: 'claude', id: 'conv-2', model: 'claude-opus-4' } } },
        },
        null,
        2,
      ),
    ].join('\n');
    git(root, ['notes', '--ref=ai', 'add', '-m', gitAiNote, aiCommit]);
    const retryId = blockIdOf(root, 'src/retry.ts');
    const key = legacyPromptKey('claude', `comprehension-first:${retryId}`);

    const run = await cli(root, ['export', '--git-ai', '--commit', aiCommit]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Exported 1 block \(7 lines\) to refs\/notes\/ai of 1 commit\.\n/);
    assert.ok(run.stdout.includes('  src/retry.ts:3-11: 2 lines already attributed in the note by git-ai\n'), run.stdout);
    assert.ok(run.stdout.includes('  src/port.ts:1-5: 5 lines introduced by another commit\n'), run.stdout);

    const merged = note(root, aiCommit);
    const [attestation, json] = merged.split('\n---\n');
    assert.equal(attestation, ['src/retry.ts', '  abcd1234abcd1234 3-4', `  ${key} 5-11`, '"docs/read me.md"', '  s_c9883b05a2487d::t_9f8e7d6c5b4a32 1-2'].join('\n'));
    const meta = JSON.parse(json) as Record<string, Record<string, unknown>>;
    assert.equal(meta.git_ai_version as unknown, '1.4.5');
    assert.deepEqual(Object.keys(meta.prompts), ['abcd1234abcd1234', key]);
    assert.deepEqual(meta.sessions, { s_c9883b05a2487d: { agent_id: { tool: 'claude', id: 'conv-2', model: 'claude-opus-4' } } });
    assert.ok(!git(root, ['notes', '--ref=ai', 'list']).includes(base), 'no note was written for the other commit');

    const again = await cli(root, ['export', '--git-ai', '--commit', aiCommit]);
    assert.match(again.stdout, /^Exported 1 block \(7 lines\) to refs\/notes\/ai of 1 commit \(0 changed\)\.\n/);
    assert.equal(note(root, aiCommit), merged);

    // Reading the merged note back: git-ai's lines keep their agents, ours come back as claude's.
    const parsed = parseGitAiNote(merged);
    assert.deepEqual(
      parsed.files.flatMap((file) => file.entries.map((entry) => `${file.path} ${entry.ranges.map((r) => r.join('-')).join(',')} ${parsed.sessions.get(entry.session)?.tool}`)),
      ['src/retry.ts 3-4 cursor', 'src/retry.ts 5-11 claude', 'docs/read me.md 1-2 claude'],
    );
  });

  it('skips lines not committed yet and blocks whose text changed, and says so', async () => {
    // An agent adds a helper after the last commit: its lines are the working tree's only.
    write(root, 'src/retry.ts', `${[...HEAD_LINES, ...RETRY_BODY, '', 'export const once = <T>(fn: () => Promise<T>) => retry(fn, 1);'].join('\n')}\n`);
    assert.equal((await cli(root, ['mark', '--file', 'src/retry.ts', '--lines', '14', '--agent', 'codex'])).code, 0);
    // Someone rewrote port.ts since its block was recorded (without the editor watching).
    write(root, 'src/port.ts', 'export const parsePort = (value: string): number => Number(value);\n');

    const run = await cli(root, ['export', '--git-ai']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Exported 1 block \(9 lines\) to refs\/notes\/ai of 1 commit\.\n/);
    assert.ok(run.stdout.includes('Skipped 6 lines:\n'), run.stdout);
    assert.ok(run.stdout.includes('  src/port.ts:1-5: 5 lines changed since it was recorded\n'), run.stdout);
    assert.ok(run.stdout.includes('  src/retry.ts:14-14: 1 line not committed yet\n'), run.stdout);
    assert.deepEqual(git(root, ['notes', '--ref=ai', 'list']).trim().split('\n').length, 1);
  });

  it('a dry run writes nothing; a note that is not git-ai’s is left alone; usage errors exit 2', async () => {
    const dry = await cli(root, ['export', '--git-ai', '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^Would export 2 blocks \(14 lines\) to refs\/notes\/ai of 2 commits\.\n/);
    assert.equal(git(root, ['notes', '--ref=ai', 'list']), '');

    git(root, ['notes', '--ref=ai', 'add', '-m', 'reviewed by Dana', aiCommit]);
    const run = await cli(root, ['export', '--git-ai']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /its refs\/notes\/ai note is not a git-ai authorship log \(no JSON part\); left as it is/);
    assert.equal(note(root, aiCommit), 'reviewed by Dana\n');
    assert.ok(run.stdout.includes('  src/retry.ts:3-11: 9 lines the existing note is not a git-ai log\n'), run.stdout);
    assert.match(note(root, base), /src\/port\.ts\n {2}[0-9a-f]{16} 1-5\n---\n/);

    assert.equal((await cli(root, ['export'])).code, 2);
    const bad = await cli(root, ['export', '--git-ai', '--commit', 'no-such-rev']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /'no-such-rev' is not a commit/);
  });
});
