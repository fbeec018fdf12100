import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { changedLinesSince, git, GitError, gitIdentity, gitOrUndefined, listGitFiles, listUntrackedFiles, numstat, parseNumstat, showHead } from '../../src/core/workspace/git';

describe('git runner', () => {
  let repo: string;
  const run = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });

  beforeEach(() => {
    repo = mkdtempSync(join(tmpdir(), 'cf-git-'));
    run('init', '-q', '-b', 'main');
    run('config', 'user.name', 'Ada Lovelace');
    run('config', 'user.email', 'ada@example.invalid');
    writeFileSync(join(repo, 'café.ts'), 'one\ntwo\n');
    writeFileSync(join(repo, '.gitignore'), 'ignored.txt\n');
    run('add', '.');
    run('commit', '-q', '-m', 'first');
  });

  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  it('resolves with stdout and prints non-ASCII paths as they are', async () => {
    assert.equal(await git(repo, ['ls-files']), '.gitignore\ncafé.ts\n');
  });

  it('rejects with the first line of git stderr as a GitError', async () => {
    const error = await git(repo, ['show', 'HEAD:missing.ts']).then(
      () => assert.fail('git show of a missing path succeeded'),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof GitError);
    assert.equal(error.reason, 'failed');
    assert.match(error.message, /missing\.ts/);
    assert.doesNotMatch(error.message, /\n/);
    assert.equal(await gitOrUndefined(repo, ['show', 'HEAD:missing.ts']), undefined);
  });

  it('says git is not installed when it is not on the PATH, and names a missing folder', async () => {
    const path = process.env.PATH;
    process.env.PATH = join(repo, 'no-bin-here');
    try {
      await assert.rejects(git(repo, ['status']), (error: unknown) => error instanceof GitError && error.reason === 'not-installed' && /not installed/.test(error.message));
    } finally {
      process.env.PATH = path;
    }
    await assert.rejects(git(join(repo, 'gone'), ['status']), (error: unknown) => error instanceof GitError && error.reason === 'failed' && /does not exist/.test(error.message));
  });

  it('writes input to git and stops it at the timeout', async () => {
    const hash = (await git(repo, ['hash-object', '--stdin'], { input: 'hello\n' })).trim();
    assert.equal(hash, 'ce013625030ba8dba906f756967f9e9ca394464a');
    // `cat-file --batch` waits on stdin forever when none is given: only the timeout ends it.
    await assert.rejects(git(repo, ['cat-file', '--batch'], { timeout: 200 }), GitError);
  });

  it('rejects output over maxBuffer', async () => {
    await assert.rejects(git(repo, ['show', 'HEAD:café.ts'], { maxBuffer: 3 }), GitError);
  });

  it('lists files, untracked files and HEAD text the way callers need them', async () => {
    writeFileSync(join(repo, 'new.ts'), 'x\n');
    writeFileSync(join(repo, 'ignored.txt'), 'x\n');
    assert.deepEqual((await listGitFiles(repo))?.sort(), ['.gitignore', 'café.ts', 'new.ts']);
    assert.deepEqual(await listUntrackedFiles(repo), ['new.ts']);
    assert.equal(await showHead(repo, 'café.ts'), 'one\ntwo\n');
    assert.equal(await showHead(repo, 'new.ts'), undefined);
    const outside = mkdtempSync(join(tmpdir(), 'cf-not-git-'));
    try {
      assert.equal(await listGitFiles(outside), undefined);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('reads the identity from git config', async () => {
    assert.deepEqual(await gitIdentity(repo), { name: 'Ada Lovelace', email: 'ada@example.invalid' });
  });

  it('counts added lines with numstat and finds lines changed since a ref', async () => {
    writeFileSync(join(repo, 'café.ts'), 'one\nTWO\nthree\n');
    writeFileSync(join(repo, 'new.ts'), 'x\n');
    assert.deepEqual(await numstat(repo, ['diff', 'HEAD']), [{ added: 2, deleted: 1, path: 'café.ts' }]);
    assert.deepEqual(parseNumstat('-\t-\tlogo.png\n3\t0\ta.ts\nnoise'), [
      { added: undefined, deleted: undefined, path: 'logo.png' },
      { added: 3, deleted: 0, path: 'a.ts' },
    ]);
    const changed = await changedLinesSince(repo, 'HEAD');
    assert.deepEqual(changed.get('café.ts'), [[2, 3]]);
    assert.equal(changed.get('new.ts'), 'all');
    await assert.rejects(changedLinesSince(repo, 'no-such-ref'), /not a commit/);
  });
});
