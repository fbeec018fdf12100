import * as assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/cli';
import { parseNote, updateNoteText } from '../../../src/core/notes/note-file';
import { defaultPolicy } from '../../../src/core/policy/policy';
import { AI_CODE, aiBlock, notePath, passingNote, writeAiBlock } from './ai-block-fixture';
import { cli, git, type Run, tempRepo, write } from './run-cli';

const PATH = 'src/payments/retry.ts';
const block = aiBlock('2026-01-05T10:00:00.000Z');
const policy = { ...defaultPolicy(), criticalPaths: ['src/payments/**'] };

/** A passing note for the critical-path block, written by Alice. */
function alicesNote(): string {
  return updateNoteText(passingNote(policy, block, PATH, AI_CODE, true), { frontMatter: { author: 'Alice Author <alice@example.com>' } });
}

describe('CLI review: reviewer sign-off of AI blocks in critical paths', () => {
  let root: string;

  /** Makes `name <email>` the repository's git identity (the signer). */
  function actAs(name: string, email: string): void {
    git(root, ['config', 'user.name', name]);
    git(root, ['config', 'user.email', email]);
  }

  async function check(): Promise<{ code: number; rules: string[] }> {
    const run = await cli(root, ['check', '--format', 'json']);
    const findings = (JSON.parse(run.stdout) as { findings: Array<{ ruleId: string }> }).findings;
    return { code: run.code, rules: findings.map((finding) => finding.ruleId) };
  }

  /** A review run with a terminal that answers `answer`. */
  async function reviewOnTerminal(answer: boolean): Promise<Run & { asked: string[] }> {
    let stdout = '';
    let stderr = '';
    const asked: string[] = [];
    const code = await runCli(['review', `${PATH}:4`], {
      cwd: root,
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      confirm: async (question) => {
        asked.push(question);
        return answer;
      },
    });
    return { code, stdout, stderr, asked };
  }

  const signOffsOnDisk = () => parseNote(readFileSync(join(root, notePath(block)), 'utf8')).frontMatter!.signOffs ?? [];

  beforeEach(() => {
    root = tempRepo('cf-review-');
    write(root, '.comprehension/policy.yaml', 'level: 1\ncriticalPaths:\n  - src/payments/**\n');
    writeAiBlock(root, block, PATH, AI_CODE);
    write(root, notePath(block), alicesNote());
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('acceptance: check fails unreviewed, passes after another person signs, fails again when the block changes; own notes are refused', async () => {
    const unreviewed = await check();
    assert.deepEqual(unreviewed, { code: 1, rules: ['comprehension/unreviewed-ai-block'] });

    actAs('Alice Author', 'ALICE@example.com');
    const own = await cli(root, ['review', `${PATH}:3`, '--yes']);
    assert.equal(own.code, 2);
    assert.match(own.stderr, /refused: Alice Author <alice@example\.com> wrote this note; a sign-off must come from someone else/);
    assert.deepEqual(signOffsOnDisk(), []);

    actAs('Bob Reviewer', 'bob@example.com');
    const signed = await cli(root, ['review', `${PATH}:5`, '--yes']);
    assert.equal(signed.code, 0, signed.stderr);
    assert.match(signed.stdout, /Reviewing the AI block at src\/payments\/retry\.ts \(lines 3–8, inline-completion\) as Bob Reviewer <bob@example\.com>/);
    assert.match(signed.stdout, /withRetry awaits task\(\)/, 'the note is shown');
    assert.match(signed.stdout, /^6 \| {5}await sleep\(100 \* 2 \*\* attempt\);$/m, 'the block is shown with its line numbers');
    assert.match(signed.stdout, /You may sign: anyone but the note's author may sign \(no CODEOWNERS file\)/);
    assert.match(signed.stdout, /Signed off src\/payments\/retry\.ts:3 as Bob Reviewer <bob@example\.com>; recorded in \.comprehension\/notes\/blk-with-retry\.md/);
    assert.deepEqual(signOffsOnDisk().map((signOff) => signOff.by), ['Bob Reviewer <bob@example.com>']);
    assert.deepEqual(await check(), { code: 0, rules: [] });

    write(root, PATH, AI_CODE.replace('100 * 2', '250 * 2'));
    const stale = await check();
    assert.equal(stale.code, 1, 'a stale sign-off fails the gate again');
    assert.deepEqual(stale.rules, ['comprehension/stale-note', 'comprehension/unreviewed-ai-block']);
    const text = await cli(root, ['check']);
    assert.match(text.stdout, /no valid sign-off: the sign-off by Bob Reviewer <bob@example\.com> \(\d{4}-\d\d-\d\d\) is for an earlier version of the block/);
    const staleNote = await cli(root, ['review', `${PATH}:3`, '--yes']);
    assert.equal(staleNote.code, 2);
    assert.match(staleNote.stderr, /refused: the note of the block at src\/payments\/retry\.ts:3 is stale/);
  });

  it('refuses without a block at the line, without a passing note, and without a git identity', async () => {
    actAs('Bob Reviewer', 'bob@example.com');
    const noBlock = await cli(root, ['review', `${PATH}:1`, '--yes']);
    assert.equal(noBlock.code, 2);
    assert.match(noBlock.stderr, /no AI block at src\/payments\/retry\.ts:1; its AI blocks are at lines 3–8/);

    write(root, notePath(block), alicesNote().replace(/withRetry awaits task\(\)[^\n]*/, 'it works.'));
    const draft = await cli(root, ['review', `${PATH}:3`, '--yes']);
    assert.equal(draft.code, 2);
    assert.match(draft.stderr, /refused: the note of the block at src\/payments\/retry\.ts:3 does not pass its checks yet/);

    rmSync(join(root, notePath(block)));
    const none = await cli(root, ['review', `${PATH}:3`, '--yes']);
    assert.match(none.stderr, /refused: the block at src\/payments\/retry\.ts:3 has no note; its author writes one first \(`comprehension note src\/payments\/retry\.ts:3`\)/);

    write(root, notePath(block), alicesNote());
    git(root, ['config', '--unset', 'user.name']);
    git(root, ['config', '--unset', 'user.email']);
    const saved = { global: process.env.GIT_CONFIG_GLOBAL, system: process.env.GIT_CONFIG_NOSYSTEM };
    // The machine's own identity must not stand in for the missing one.
    process.env.GIT_CONFIG_GLOBAL = '/dev/null';
    process.env.GIT_CONFIG_NOSYSTEM = '1';
    try {
      const anonymous = await cli(root, ['review', `${PATH}:3`, '--yes']);
      assert.equal(anonymous.code, 2);
      assert.match(anonymous.stderr, /refused: no git identity is configured: set `git config user\.name` and `git config user\.email`/);
    } finally {
      for (const [key, value] of [['GIT_CONFIG_GLOBAL', saved.global], ['GIT_CONFIG_NOSYSTEM', saved.system]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
    assert.deepEqual(signOffsOnDisk(), []);
  });

  it('asks on a terminal; without one it prints the note and asks for --yes', async () => {
    actAs('Bob Reviewer', 'bob@example.com');
    const noTerminal = await cli(root, ['review', `${PATH}:3`]);
    assert.equal(noTerminal.code, 2);
    assert.match(noTerminal.stdout, /withRetry awaits task\(\)/);
    assert.match(noTerminal.stderr, /not signed: no terminal to confirm on; read the note and code above, then pass --yes to sign/);

    const declined = await reviewOnTerminal(false);
    assert.equal(declined.code, 2);
    assert.deepEqual(declined.asked, ['Sign off this block as Bob Reviewer <bob@example.com>?']);
    assert.deepEqual(signOffsOnDisk(), []);

    const accepted = await reviewOnTerminal(true);
    assert.equal(accepted.code, 0, accepted.stderr);
    assert.equal(signOffsOnDisk().length, 1);
  });

  it('where CODEOWNERS names owners of the path, only an owner may sign; teams alone fall back to anyone but the author', async () => {
    write(root, '.github/CODEOWNERS', '*  @someone-else\n/src/payments/ @carol @acme/payments\n');
    actAs('Bob Reviewer', 'bob@example.com');
    const notOwner = await cli(root, ['review', `${PATH}:3`, '--yes']);
    assert.equal(notOwner.code, 2);
    assert.match(notOwner.stderr, /refused: Bob Reviewer <bob@example\.com> is not an owner of src\/payments\/retry\.ts in \.github\/CODEOWNERS:2 \(@carol @acme\/payments\)/);
    assert.match((await cli(root, ['check'])).stdout, /needs a sign-off by someone other than Alice Author <alice@example\.com> who owns src\/payments\/retry\.ts in \.github\/CODEOWNERS: @carol, @acme\/payments/);

    actAs('Carol Owner', 'carol@example.com');
    const owner = await cli(root, ['review', `${PATH}:3`, '--yes']);
    assert.equal(owner.code, 0, owner.stderr);
    assert.match(owner.stdout, /You may sign: @carol owns src\/payments\/retry\.ts \(\.github\/CODEOWNERS:2\)/);
    assert.equal((await check()).code, 0);

    write(root, '.github/CODEOWNERS', '/src/payments/ @acme/payments\n');
    write(root, notePath(block), alicesNote());
    actAs('Bob Reviewer', 'bob@example.com');
    const team = await cli(root, ['review', `${PATH}:3`, '--yes']);
    assert.equal(team.code, 0, team.stderr);
    assert.match(team.stdout, /names only teams \(@acme\/payments\) for src\/payments\/retry\.ts; team membership cannot be checked locally/);
    assert.equal((await check()).code, 0);
  });

  it('a policy without the level in notes.signOffLevels asks no sign-off', async () => {
    write(root, '.comprehension/policy.yaml', 'level: 1\ncriticalPaths:\n  - src/payments/**\nnotes:\n  signOffLevels: [0]\n');
    assert.deepEqual(await check(), { code: 0, rules: [] });
  });
});
