import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { newNoteText } from '../../../src/core/notes/new-note';
import { parseNote } from '../../../src/core/notes/note-file';
import { defaultPolicy } from '../../../src/core/policy/policy';
import { AI_CODE, AI_FILE, aiBlock, notePath, writeAiBlock } from './ai-block-fixture';
import { cli, git, tempRepo, write } from './run-cli';

describe('CLI note FILE:LINE', () => {
  let root: string;

  beforeEach(() => {
    root = tempRepo('cf-note-');
    git(root, ['config', 'user.name', 'Ada Writer']);
    git(root, ['config', 'user.email', 'ada@example.com']);
    write(root, '.comprehension/policy.yaml', 'level: 1\ncriticalPaths: [src/payments]\n');
    writeAiBlock(root);
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('creates the note from the template, prints its path, and leaves it alone the second time', async () => {
    const first = await cli(root, ['note', `${AI_FILE}:5`]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, `${notePath()}\n`);
    const written = readFileSync(join(root, notePath()), 'utf8');
    const parsed = parseNote(written);
    assert.equal(parsed.frontMatter?.blockId, aiBlock().id);
    assert.equal(parsed.frontMatter?.author, 'Ada Writer <ada@example.com>');
    assert.deepEqual([...parsed.sections.keys()], ['what', 'why', 'failure-modes', 'observability'], 'level 1 outside critical paths');
    assert.ok(parsed.frontMatter!.questions.length > 0, 'the block questions are asked');

    // The same text the editor writes: one function, given the same inputs and time.
    const createdAt = new Date(parsed.frontMatter!.createdAt);
    const policy = { ...defaultPolicy(), criticalPaths: ['src/payments'] };
    const expected = newNoteText({ path: AI_FILE, text: AI_CODE, block: aiBlock(), policy, inCriticalPath: false, author: 'Ada Writer <ada@example.com>', now: createdAt });
    assert.equal(written, expected);

    write(root, notePath(), `${written}\nMy own words.\n`);
    const edited = readFileSync(join(root, notePath()), 'utf8');
    const second = await cli(root, ['note', `${AI_FILE}:3`]);
    assert.equal(second.code, 0);
    assert.equal(second.stdout, first.stdout);
    assert.equal(readFileSync(join(root, notePath()), 'utf8'), edited, 'an existing note is never rewritten');
  });

  it('works from a subfolder with a path relative to it, and with --root', async () => {
    const fromSrc = await cli(join(root, 'src'), ['note', 'retry.ts:8']);
    assert.equal(fromSrc.code, 0, fromSrc.stderr);
    assert.equal(fromSrc.stdout, `${notePath()}\n`);
    const elsewhere = tempRepo('cf-note-cwd-');
    try {
      const withRoot = await cli(elsewhere, ['note', join(root, AI_FILE) + ':4', '--root', root]);
      assert.equal(withRoot.code, 0, withRoot.stderr);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('exits 2 with a clear message for each bad input, writing nothing', async () => {
    write(root, 'src/plain.ts', 'export const plain = 1;\n');
    mkdirSync(join(root, 'src/folder'));
    const cases: Array<[string[], RegExp]> = [
      [[], /give the block as FILE:LINE/],
      [[AI_FILE], /expected FILE:LINE \(e\.g\. src\/app\.ts:12\), not 'src\/retry\.ts'/],
      [[`${AI_FILE}:x`], /expected FILE:LINE/],
      [[`${AI_FILE}:0`], /must be 1 or more/],
      [[`${AI_FILE}:3`, `${AI_FILE}:4`], /one FILE:LINE at a time/],
      [['src/missing.ts:3'], /^comprehension note: no such file: src\/missing\.ts$/m],
      [['src/folder:1'], /is a folder, not a file/],
      [['../outside.ts:1'], /is outside the workspace/],
      [[`${AI_FILE}:1`], /no AI block at src\/retry\.ts:1; its AI blocks are at lines 3–8/],
      [[`${AI_FILE}:99`], /no AI block at src\/retry\.ts:99; its AI blocks are at lines 3–8/],
      [['src/plain.ts:1'], /no AI block at src\/plain\.ts:1; it has no recorded AI blocks/],
      [[`${AI_FILE}:3`, '--nope'], /unknown option --nope/],
    ];
    for (const [args, message] of cases) {
      const run = await cli(root, ['note', ...args]);
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.stderr, message, args.join(' '));
      assert.equal(run.stdout, '', args.join(' '));
    }
    assert.throws(() => statSync(join(root, '.comprehension/notes')), /ENOENT/, 'no note was written');
  });

  it('exits 2 on a broken policy, and documents itself in --help', async () => {
    write(root, '.comprehension/policy.yaml', 'level: 7\n');
    const broken = await cli(root, ['note', `${AI_FILE}:3`]);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /policy\.yaml:1:8: error: level must be/);
    const help = await cli(root, ['note', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: comprehension note FILE:LINE \[--root DIR\]/);
    assert.match((await cli(root, ['--help'])).stdout, /note +start the comprehension note of the AI block at FILE:LINE/);
  });
});
