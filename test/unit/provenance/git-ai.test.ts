import * as assert from 'node:assert/strict';
import {
  type ExportEntry,
  formatLineRanges,
  legacyPromptKey,
  mergeIntoNote,
  parseAuthorshipLog,
  parseLinePorcelain,
  subtractRanges,
} from '../../../src/core/provenance/git-ai';
import { parseGitAiNote } from '../../../src/core/provenance/import';

// Format: Git AI Standard v3.0.0 (git-ai-project/git-ai, the standard's document and
// `src/authorship/authorship_log_serialization.rs`): the session-format example of its section
// 1.2.5 (`s_` session keys, `h_` known humans), and the legacy `prompts` format of 1.2.6.

/** The standard's complete example in the sessions format (1.2.5), shortened to its keys. */
const SESSIONS_NOTE = [
  'src/main.rs',
  '  s_c9883b05a2487d::t_9f8e7d6c5b4a32 1-10,15-20',
  '  s_c9883b05a2487d::t_a1b2c3d4e5f678 25,30-35',
  '  h_31dce776f88375 42-50',
  'src/lib.rs',
  '  s_e7f2a90b31cc48::t_deadbeef012345 1-50',
  '---',
  JSON.stringify(
    {
      schema_version: 'authorship/3.0.0',
      git_ai_version: '1.4.5',
      base_commit_sha: '7734793b756b3921c88db5375a8c156e9532447b',
      prompts: {},
      humans: { h_31dce776f88375: { author: 'Developer <dev@example.com>' } },
      sessions: {
        s_c9883b05a2487d: { agent_id: { tool: 'cursor', id: '6ef2299e', model: 'claude-sonnet-4-5-20250514' }, human_author: 'dev@example.com' },
        s_e7f2a90b31cc48: { agent_id: { tool: 'claude', id: 'conv_abc123def456', model: 'claude-sonnet-4-5-20250514' } },
      },
    },
    null,
    2,
  ),
].join('\n');

function entry(overrides: Partial<ExportEntry> = {}): ExportEntry {
  return { blockId: 'block-1', path: 'src/a.ts', startLine: 3, endLine: 9, notePath: 'src/a.ts', commit: 'c'.repeat(40), ranges: [[3, 9]], tool: 'claude', model: 'claude-sonnet-4', ...overrides };
}

describe('provenance: git-ai authorship logs', () => {
  it('reads session keys through `sessions` and leaves known humans out', () => {
    const log = parseGitAiNote(SESSIONS_NOTE);
    assert.deepEqual(log.problems, []);
    assert.deepEqual(
      log.files.map((file) => [file.path, file.entries.map((e) => [e.session, e.ranges.map((r) => r.join('-')).join(',')])]),
      [
        [
          'src/main.rs',
          [
            ['s_c9883b05a2487d::t_9f8e7d6c5b4a32', '1-10,15-20'],
            ['s_c9883b05a2487d::t_a1b2c3d4e5f678', '25-25,30-35'],
          ],
        ],
        ['src/lib.rs', [['s_e7f2a90b31cc48::t_deadbeef012345', '1-50']]],
      ],
    );
    assert.deepEqual(log.sessions.get('s_c9883b05a2487d::t_a1b2c3d4e5f678'), { tool: 'cursor', model: 'claude-sonnet-4-5-20250514' });
    assert.deepEqual(log.sessions.get('s_e7f2a90b31cc48::t_deadbeef012345'), { tool: 'claude', model: 'claude-sonnet-4-5-20250514' });
  });

  it('formats, subtracts and keys ranges the way git-ai does', () => {
    assert.equal(
      formatLineRanges([
        [9, 9],
        [1, 4],
        [5, 5],
        [12, 20],
      ]),
      '1-5,9,12-20',
    );
    assert.deepEqual(
      subtractRanges(
        [
          [1, 10],
          [20, 22],
        ],
        [
          [3, 4],
          [10, 21],
        ],
      ),
      [
        [1, 2],
        [5, 9],
        [22, 22],
      ],
    );
    // SHA-256("<tool>:<id>"), first 16 hex digits (the standard's legacy hash); this very key is
    // in the standard's legacy example, for the Cursor conversation of its 1.2.6 example.
    assert.equal(legacyPromptKey('cursor', '6ef2299e-a67f-432b-aa80-3d2fb4d28999'), '866dabf162e96bcb');
    assert.notEqual(legacyPromptKey('cursor', 'abc'), legacyPromptKey('claude', 'abc'));
  });

  it('a new note: attestation, divider, metadata with the required fields', () => {
    const merged = mergeIntoNote(undefined, 'c'.repeat(40), [entry({ model: undefined, tool: 'unknown' })]);
    assert.ok(merged);
    const log = parseAuthorshipLog(merged.text);
    assert.deepEqual(log.problems, []);
    const key = legacyPromptKey('unknown', 'comprehension-first:block-1');
    assert.deepEqual(log.files, [{ path: 'src/a.ts', entries: [{ key, ranges: [[3, 9]], raw: `  ${key} 3-9` }] }]);
    assert.deepEqual(log.metadata, {
      schema_version: 'authorship/3.0.0',
      base_commit_sha: 'c'.repeat(40),
      prompts: { [key]: { agent_id: { tool: 'unknown', id: 'comprehension-first:block-1', model: 'unknown' }, human_author: null, total_additions: 7, total_deletions: 0, accepted_lines: 7, overriden_lines: 0 } },
    });
    // "unknown" is what the export writes for an absent agent or model; it reads back as absent.
    // The prompt's id names the block, which the import brings back under its id.
    assert.deepEqual(parseGitAiNote(merged.text).sessions.get(key), { blockId: 'block-1' });
  });

  it('replaces its own earlier entry of a block, keeps other blocks’ and git-ai’s, and quotes paths with spaces', () => {
    const first = mergeIntoNote(undefined, 'c'.repeat(40), [entry(), entry({ blockId: 'block-2', ranges: [[20, 21]], notePath: 'docs/read me.md' })]);
    assert.ok(first);
    assert.match(first.text, /^"docs\/read me\.md"$/m);
    const second = mergeIntoNote(first.text, 'c'.repeat(40), [entry({ ranges: [[4, 9]] })]);
    assert.ok(second);
    const log = parseGitAiNote(second.text);
    assert.deepEqual(
      log.files.map((file) => `${file.path} ${file.entries.map((e) => e.ranges.map((r) => r.join('-')).join(',')).join(' ')}`),
      ['src/a.ts 4-9', 'docs/read me.md 20-21'],
    );
    assert.equal(Object.keys(JSON.parse(second.text.split('\n---\n')[1]).prompts as object).length, 2);
    // A note whose JSON part is missing is not this format: never rewritten.
    assert.equal(mergeIntoNote('src/a.ts\n  abcd1234abcd1234 1-2\n', 'c'.repeat(40), [entry()]), undefined);
  });

  it('parses git blame --line-porcelain, uncommitted lines and renamed files included', () => {
    const a = 'a'.repeat(40);
    const zero = '0'.repeat(40);
    const output = [
      `${a} 7 1 2`,
      'author Dana',
      'filename "old name.ts"',
      '\tfirst',
      `${a} 8 2`,
      'author Dana',
      'filename "old name.ts"',
      '\tsecond\r',
      `${zero} 3 3 1`,
      'author Not Committed Yet',
      'filename new.ts',
      '\tthird',
      '',
    ].join('\n');
    assert.deepEqual(parseLinePorcelain(output), [
      { commit: a, originalLine: 7, originalPath: 'old name.ts', text: 'first' },
      { commit: a, originalLine: 8, originalPath: 'old name.ts', text: 'second' },
      { commit: zero, originalLine: 3, originalPath: 'new.ts', text: 'third' },
    ]);
  });
});
