import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { cli, git, tempRepo, write } from './run-cli';
import { recorded } from './agent-hooks-fixture';

/**
 * `comprehension import --aider`, in a real temp git repository. Aider has no hooks; per its git
 * documentation (aider.chat/docs/git.html) it commits each edit with "(aider)" appended to the
 * author name (`--attribute-author`, default on) and/or the committer name (`--attribute-committer`).
 */

const DEV = { GIT_AUTHOR_NAME: 'Dev', GIT_AUTHOR_EMAIL: 'dev@example.com', GIT_COMMITTER_NAME: 'Dev', GIT_COMMITTER_EMAIL: 'dev@example.com' };

function commit(root: string, message: string, env: Record<string, string>): void {
  git(root, ['add', '-A'], env);
  git(root, ['commit', '-qm', message], env);
}

describe('import --aider (aider git attribution)', () => {
  let root: string;

  beforeEach(() => {
    root = tempRepo('cf-import-aider-');
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("records the added lines of commits whose author or committer carries '(aider)' that still exist, as agent-write", async () => {
    write(root, 'src/app.ts', 'const a = 1;\nconst b = 2;\n');
    commit(root, 'init', DEV);
    // Author attribution: lines 2-3 added.
    write(root, 'src/app.ts', 'const a = 1;\nexport function add(x: number, y: number) {\n  return x + y;\n}\nconst b = 2;\n');
    commit(root, 'feat: add', { ...DEV, GIT_AUTHOR_NAME: 'Dev (aider)' });
    // Committer attribution only: a new file.
    write(root, 'src/util.ts', 'export const one = 1;\nexport const two = 2;\n');
    commit(root, 'feat: util', { ...DEV, GIT_COMMITTER_NAME: 'Dev (aider)' });
    // Aider added a line that the developer later rewrote: gone, so not recorded.
    write(root, 'src/app.ts', 'const a = 1;\nexport function add(x: number, y: number) {\n  return x + y;\n}\nconst b = 2;\nconst c = 3;\n');
    commit(root, 'feat: c', { ...DEV, GIT_AUTHOR_NAME: 'Dev (aider)' });
    write(root, 'src/app.ts', 'const a = 1;\nexport function add(x: number, y: number) {\n  return x + y;\n}\nconst b = 2;\nconst c = 30; // mine\n');
    // A developer's own commit is not aider's.
    write(root, 'src/mine.ts', 'export const mine = true;\n');
    commit(root, 'mine', DEV);

    const run = await cli(root, ['import', '--aider']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(recorded(root), ['src/app.ts:2-4 aider - agent-write certain', 'src/util.ts:1-2 aider - agent-write certain']);
    assert.match(run.stdout, /^Imported 2 blocks; 0 already present; 1 could not be placed \(of 3 AI ranges found\)\./);
    const again = await cli(root, ['import', '--aider']);
    assert.match(again.stdout, /^Imported 0 blocks; 2 already present/);
  });

  it('a repository without aider commits imports nothing, and one without commits says why', async () => {
    const empty = await cli(root, ['import', '--aider']);
    assert.equal(empty.code, 0);
    assert.match(empty.stderr, /aider: cannot read the git log/);
    write(root, 'a.ts', 'x\n');
    commit(root, 'init', DEV);
    assert.match((await cli(root, ['import', '--aider'])).stdout, /^Imported 0 blocks; 0 already present; 0 could not be placed \(of 0 AI ranges found\)/);
  });
});
