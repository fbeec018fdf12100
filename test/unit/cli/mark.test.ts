import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { notePathFor } from '../../../src/core/workspace/layout';
import { lineHashes } from '../../../src/core/provenance/hash';
import { RETRY as RETRY_HELPER } from '../provenance/retry-fixture';
import { cli, git, ranges, records, tempRepo, write } from './run-cli';

/** The shared retry helper (lines 1–12) and a constant after it (13–14). */
const RETRY = [...RETRY_HELPER, '', 'export const DEFAULT_ATTEMPTS = 3;'];

describe('CLI mark', () => {
  let root: string;

  beforeEach(() => {
    root = tempRepo('cf-mark-');
    write(root, 'src/retry.ts', `${RETRY.join('\n')}\n`);
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('records a certain agent-hook block with the hashes of the current lines', async () => {
    const run = await cli(root, ['mark', '--file', 'src/retry.ts', '--lines', '3-12', '--agent', 'claude-code', '--model', 'claude-sonnet-4-5']);
    assert.equal(run.code, 0, run.stderr);
    const [record] = records(root);
    assert.ok(record, 'a record was written');
    assert.match(run.stdout, new RegExp(`^Recorded src/retry\\.ts:3-12 as an AI block \\(claude-code, claude-sonnet-4-5, certain\\): ${record.id}\\n$`));
    assert.match(record.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'a random UUID');
    assert.ok(existsSync(join(root, '.comprehension/provenance', `${record.id}.json`)));
    const meta = record.metadata.comprehension;
    assert.deepEqual([meta.source, meta.confidence, meta.editKind, meta.agent, meta.modified], ['agent-write', 'certain', 'agent-hook', 'claude-code', false]);
    assert.deepEqual(meta.lineHashes, lineHashes(RETRY.slice(2, 12)));
    assert.deepEqual(record.files[0].conversations[0].contributor, { type: 'ai', model_id: 'claude-sonnet-4-5' });
    assert.deepEqual(ranges(root), ['src/retry.ts:3-12']);
  });

  it('takes the file relative to the current folder, a single line, and --source manual', async () => {
    const run = await cli(join(root, 'src'), ['mark', '--file', 'retry.ts', '--lines', '14', '--agent', 'aider', '--source', 'manual']);
    assert.equal(run.code, 0, run.stderr);
    const [record] = records(root);
    assert.deepEqual(ranges(root), ['src/retry.ts:14-14']);
    assert.equal(record.metadata.comprehension.source, 'manual');
    assert.equal(record.files[0].conversations[0].contributor.model_id, undefined);
  });

  it('grows the block of the same file and agent that the lines overlap or touch, instead of adding one', async () => {
    assert.equal((await cli(root, ['mark', '--file', 'src/retry.ts', '--lines', '3-5', '--agent', 'claude-code'])).code, 0);
    const [first] = records(root);
    const touching = await cli(root, ['mark', '--file', 'src/retry.ts', '--lines', '6-8', '--agent', 'claude-code']);
    assert.match(touching.stdout, /^Extended AI block .* to src\/retry\.ts:3-8 \(claude-code\)\.\n$/);
    assert.deepEqual(ranges(root), ['src/retry.ts:3-8']);
    assert.equal(records(root)[0].id, first.id, 'the same block');
    assert.deepEqual(records(root)[0].metadata.comprehension.lineHashes, lineHashes(RETRY.slice(2, 8)));

    // A gap of one line keeps blocks apart; another agent's lines are its own block.
    await cli(root, ['mark', '--file', 'src/retry.ts', '--lines', '10-11', '--agent', 'claude-code']);
    await cli(root, ['mark', '--file', 'src/retry.ts', '--lines', '4-6', '--agent', 'cursor']);
    assert.deepEqual(ranges(root), ['src/retry.ts:3-8', 'src/retry.ts:4-6', 'src/retry.ts:10-11']);

    // Line 9 touches both claude-code blocks: they become one, keeping the older block's id.
    const bridge = await cli(root, ['mark', '--file', 'src/retry.ts', '--lines', '9', '--agent', 'claude-code']);
    assert.match(bridge.stdout, /to src\/retry\.ts:3-11 \(claude-code\) and merged 1 other block into it\./);
    assert.deepEqual(ranges(root), ['src/retry.ts:3-11', 'src/retry.ts:4-6']);
    assert.ok(records(root).some((record) => record.id === first.id));

    const again = await cli(root, ['mark', '--file', 'src/retry.ts', '--lines', '5-7', '--agent', 'claude-code']);
    assert.match(again.stdout, /^Already recorded: src\/retry\.ts:3-11 /);
    assert.equal(records(root).length, 2);
  });

  it('finds a block again where it moved before growing it', async () => {
    await cli(root, ['mark', '--file', 'src/retry.ts', '--lines', '3-12', '--agent', 'claude-code']);
    // Someone added a header outside the editor: the recorded block (3-12) is now at 5-14.
    write(root, 'src/retry.ts', `// Retry helpers.\n// Owned by the platform team.\n${RETRY.join('\n')}\n`);
    const run = await cli(root, ['mark', '--file', 'src/retry.ts', '--lines', '15-16', '--agent', 'claude-code']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(ranges(root), ['src/retry.ts:5-16']);
  });

  it('never merges away a block that has a comprehension note', async () => {
    await cli(root, ['mark', '--file', 'src/retry.ts', '--lines', '3-4', '--agent', 'claude-code']);
    await cli(root, ['mark', '--file', 'src/retry.ts', '--lines', '6-7', '--agent', 'claude-code']);
    const noted = records(root).find((record) => record.files[0].conversations[0].ranges[0].start_line === 6)!;
    write(root, notePathFor(noted.id), '---\nblockId: x\n---\n# note\n');
    const run = await cli(root, ['mark', '--file', 'src/retry.ts', '--lines', '5', '--agent', 'claude-code']);
    assert.equal(run.code, 0, run.stderr);
    const all = records(root);
    assert.deepEqual(ranges(root), ['src/retry.ts:3-7']);
    assert.equal(all[0].id, noted.id, 'the noted block kept its id');
  });

  it('exits 2 with a clear message, and writes nothing, for a bad file or range', async () => {
    write(root, 'assets/logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 1, 2, 3]));
    write(root, 'empty.ts', '');
    const cases: [string[], RegExp][] = [
      [['--file', 'src/nope.ts', '--lines', '1-2', '--agent', 'a'], /src\/nope\.ts: no such file/],
      [['--file', 'src/retry.ts', '--lines', '12-15', '--agent', 'a'], /--lines 12-15 is outside src\/retry\.ts, which has 14 lines/],
      [['--file', 'src/retry.ts', '--lines', '5-3', '--agent', 'a'], /ends before it starts/],
      [['--file', 'src/retry.ts', '--lines', '0-3', '--agent', 'a'], /starts at line 1/],
      [['--file', 'src/retry.ts', '--lines', 'three', '--agent', 'a'], /--lines must look like A-B/],
      [['--file', 'assets/logo.png', '--lines', '1', '--agent', 'a'], /binary file/],
      [['--file', 'empty.ts', '--lines', '1', '--agent', 'a'], /which has 0 lines/],
      [['--file', 'src', '--lines', '1', '--agent', 'a'], /is a folder/],
      [['--file', 'src/retry.ts', '--lines', '1-2'], /--agent is required/],
      [['--lines', '1-2', '--agent', 'a'], /--file is required/],
      [['--file', 'src/retry.ts', '--lines', '1-2', '--agent', 'a', '--source', 'paste'], /--source must be agent-write or manual/],
      [['--file', '../outside.ts', '--lines', '1', '--agent', 'a'], /is outside the workspace/],
    ];
    for (const [args, message] of cases) {
      const run = await cli(root, ['mark', ...args]);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stdout}${run.stderr}`);
      assert.match(run.stderr, message, args.join(' '));
    }
    assert.deepEqual(records(root), []);
  });

  it('writes records git can commit, in the folder the editor watches', async () => {
    await cli(root, ['mark', '--file', 'src/retry.ts', '--lines', '3-12', '--agent', 'claude-code']);
    git(root, ['add', '.']);
    const staged = git(root, ['diff', '--cached', '--name-only']).split('\n');
    const [record] = records(root);
    assert.ok(staged.includes(`.comprehension/provenance/${record.id}.json`), staged.join(','));
    assert.match(readFileSync(join(root, '.comprehension/provenance', `${record.id}.json`), 'utf8'), /"editKind": "agent-hook"/);
  });

  it('has --help text', async () => {
    const run = await cli(root, ['mark', '--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^Usage: comprehension mark --file FILE --lines A-B --agent NAME/);
  });
});
