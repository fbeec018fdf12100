import * as assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assessBlockNote, vouchedFor } from '../../../src/core/notes/assess';
import { blockContentHash } from '../../../src/core/notes/content-hash';
import { editorNoteFinding, noteFindings, UNREVIEWED_AI_BLOCK_RULE_ID } from '../../../src/core/notes/diagnostics';
import { parseNote, updateNoteText } from '../../../src/core/notes/note-file';
import {
  addSignOff,
  CodeOwnersCache,
  codeOwnersOf,
  noteAuthor,
  parseCodeOwners,
  parsePerson,
  prepareSignOff,
  readCodeOwners,
  type SignOff,
  signerEligibility,
} from '../../../src/core/notes/sign-off';
import { describeNoteStatus, noteHoverMarkdown } from '../../../src/client/notes/presentation';
import { defaultPolicy, type Policy } from '../../../src/core/policy/policy';
import { LineIndex } from '../../../src/core/text/line-index';
import { notePathFor } from '../../../src/core/workspace/layout';
import { AI_CODE, aiBlock, passingNote } from '../cli/ai-block-fixture';
import { git, tempRepo, write } from '../cli/run-cli';

const PATH = 'src/payments/retry.ts';
const ALICE = 'Alice Author <alice@example.com>';
const BOB = { name: 'Bob Reviewer', email: 'bob@example.com' };
const policy: Policy = { ...defaultPolicy(), criticalPaths: ['src/payments/**'] };
const block = aiBlock('2026-01-05T10:00:00.000Z');

/** A passing critical-path note by `author` (no author field when null). */
function note(author: string | null = ALICE): string {
  const text = passingNote(policy, block, PATH, AI_CODE, true);
  return author === null ? text : updateNoteText(text, { frontMatter: { author } });
}

function assess(noteText: string | undefined, code = AI_CODE, codeOwners?: ReturnType<typeof readCodeOwners>) {
  return assessBlockNote({ path: PATH, text: code, block, noteText, policy, inCriticalPath: true, codeOwners: () => codeOwners });
}

function signed(noteText: string, by: string, code = AI_CODE): string {
  const signOff: SignOff = { by, at: '2026-01-06T09:00:00.000Z', contentHash: blockContentHash(assess(noteText, code).blockText) };
  return addSignOff(noteText, parseNote(noteText).frontMatter!, signOff);
}

describe('sign-off: who may sign an AI block off, and whether a sign-off holds', () => {
  let root: string;
  beforeEach(() => (root = tempRepo('cf-signoff-')));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reads people as git writes them', () => {
    assert.deepEqual(parsePerson('Jane Doe <Jane@X.org>'), { name: 'Jane Doe', email: 'Jane@X.org' });
    assert.deepEqual(parsePerson('<jane@x.org>'), { email: 'jane@x.org' });
    assert.deepEqual(parsePerson('jane@x.org'), { email: 'jane@x.org' });
    assert.deepEqual(parsePerson('Jane Doe'), { name: 'Jane Doe' });
  });

  it('keeps old notes readable and round-trips signOffs in the front matter', () => {
    const old = note();
    assert.ok(!old.includes('signOffs'));
    assert.equal(parseNote(old).frontMatter!.signOffs, undefined);
    const text = signed(old, 'Bob Reviewer <bob@example.com>');
    const parsed = parseNote(text);
    assert.deepEqual(parsed.errors, []);
    assert.deepEqual(parsed.frontMatter!.signOffs, [{ by: 'Bob Reviewer <bob@example.com>', at: '2026-01-06T09:00:00.000Z', contentHash: blockContentHash(assess(old).blockText) }]);
    assert.equal(text.replace(/signOffs:\n(?: {2}.*\n)+/, ''), old, 'nothing else in the note changes');
    // A second sign-off by the same person replaces theirs; another person's is added.
    const again = signed(signed(text, 'bob reviewer <BOB@example.com>'), 'Carol <carol@example.com>');
    assert.deepEqual(parseNote(again).frontMatter!.signOffs!.map((s) => s.by), ['bob reviewer <BOB@example.com>', 'Carol <carol@example.com>']);
    const broken = parseNote(old.replace('level:', 'signOffs:\n  - by: Bob\nlevel:'));
    assert.equal(broken.frontMatter, undefined);
    assert.match(broken.errors[0].message, /each entry of `signOffs` needs `by`, `at` and `contentHash`/);
  });

  it('a sign-off holds for the code it signed, by someone other than the author; it goes stale when the block changes', () => {
    assert.equal(assess(note()).signOff.required, true);
    assert.match(assess(note()).signOff.problem!, /nobody has signed it off yet/);
    // Explained but not signed off: nobody has vouched for it yet (a suppression in it counts for nothing).
    assert.equal(vouchedFor(assess(note())), false);
    const byBob = signed(note(), 'Bob Reviewer <bob@example.com>');
    const state = assess(byBob);
    assert.equal(state.status.kind, 'explained');
    assert.equal(state.signOff.valid?.by, 'Bob Reviewer <bob@example.com>');
    assert.equal(vouchedFor(state), true);
    assert.deepEqual(noteFindings([state], { lines: new LineIndex(AI_CODE), inCriticalPath: true }), []);

    const byAlice = assess(signed(note(), 'alice author <ALICE@example.com>'));
    assert.equal(byAlice.signOff.valid, undefined);
    assert.match(byAlice.signOff.problem!, /Alice Author <alice@example\.com> wrote this note; a sign-off must come from someone else/);

    const changed = AI_CODE.replace('100 * 2', '250 * 2');
    const stale = assess(byBob, changed);
    assert.equal(stale.signOff.valid, undefined);
    assert.match(stale.signOff.problem!, /sign-off by Bob Reviewer <bob@example\.com> \(2026-01-06\) is for an earlier version of the block/);
    const findings = noteFindings([stale], { lines: new LineIndex(changed), inCriticalPath: true });
    assert.deepEqual(findings.map((f) => `${f.ruleId} ${f.severity}`), ['comprehension/stale-note warning', 'comprehension/unreviewed-ai-block error']);
    assert.match(findings[1].finding.message, /`comprehension review src\/payments\/retry\.ts:3`/);
  });

  it('the hover and the AI Blocks view say who signed, or who may sign and how', () => {
    const awaiting = assess(note());
    assert.equal(describeNoteStatus(awaiting), 'explained, awaiting sign-off');
    assert.match(noteHoverMarkdown(awaiting, 'file:///x.ts')!, /\*\*Needs a sign-off\*\* by someone other than Alice Author \\<alice@example\.com\\>: `comprehension review src\/payments\/retry\.ts:3`/);
    const done = assess(signed(note(), 'Bob Reviewer <bob@example.com>'));
    assert.equal(describeNoteStatus(done), 'explained ✓ signed off');
    assert.match(noteHoverMarkdown(done, 'file:///x.ts')!, /\*\*Signed off\*\* by Bob Reviewer, 2026-01-06/);
  });

  it('is not asked outside critical paths, at levels not listed, or before the note is written', () => {
    const outside = assessBlockNote({ path: 'src/retry.ts', text: AI_CODE, block, noteText: undefined, policy, inCriticalPath: false });
    assert.equal(outside.signOff.required, false);
    const level2 = assessBlockNote({ path: PATH, text: AI_CODE, block, noteText: note(), policy: { ...policy, level: 2 }, inCriticalPath: true });
    assert.equal(level2.signOff.required, false);
    const missing = assess(undefined);
    assert.equal(missing.signOff.required, true);
    const findings = noteFindings([missing], { lines: new LineIndex(AI_CODE), inCriticalPath: true });
    assert.deepEqual(findings.map((f) => f.ruleId), ['comprehension/missing-note'], 'the note comes first');
    const offPolicy = noteFindings([assess(note())], { lines: new LineIndex(AI_CODE), inCriticalPath: true, configured: { [UNREVIEWED_AI_BLOCK_RULE_ID]: { severity: 'off' } } });
    assert.deepEqual(offPolicy, []);
  });

  it('the editor shows a fresh block\'s missing sign-off as information during the grace; CI never downgrades', () => {
    const [finding] = noteFindings([assess(note())], { lines: new LineIndex(AI_CODE), inCriticalPath: true });
    assert.equal(finding.ruleId, UNREVIEWED_AI_BLOCK_RULE_ID);
    const now = Date.parse(block.createdAt) + 3_600_000;
    assert.equal(editorNoteFinding(finding, block.createdAt, now, policy).severity, 'info');
    assert.equal(editorNoteFinding(finding, block.createdAt, now + 48 * 3_600_000, policy).severity, 'error');
  });

  it('a note without an author takes no sign-off in the check; signing records the git author of its last commit', async () => {
    const authorless = note(null);
    assert.match(assess(signed(authorless, 'Bob Reviewer <bob@example.com>')).signOff.problem!, /the note records no author/);

    const uncommitted = await prepareSignOff({ root, state: assess(authorless), noteText: authorless, path: PATH, signer: BOB, codeOwners: undefined });
    assert.equal(uncommitted.ok, false);
    assert.match(!uncommitted.ok ? uncommitted.reason : '', /no author and its file has no commit yet/);

    write(root, notePathFor(block.id), authorless);
    git(root, ['add', '.']);
    git(root, ['commit', '-q', '-m', 'note'], { GIT_AUTHOR_NAME: 'Alice Author', GIT_AUTHOR_EMAIL: 'alice@example.com' });
    assert.deepEqual(await noteAuthor(root, block.id, parseNote(authorless).frontMatter!), { author: ALICE, fromGit: true });
    const prepared = await prepareSignOff({ root, state: assess(authorless), noteText: authorless, path: PATH, signer: BOB, codeOwners: undefined });
    assert.ok(prepared.ok, !prepared.ok ? prepared.reason : '');
    assert.equal(parseNote(prepared.noteText).frontMatter!.author, ALICE, 'the author is recorded so the check knows it');
    assert.equal(assess(prepared.noteText).signOff.valid?.by, 'Bob Reviewer <bob@example.com>');

    const self = await prepareSignOff({ root, state: assess(authorless), noteText: authorless, path: PATH, signer: { name: 'A', email: 'Alice@Example.com' }, codeOwners: undefined });
    assert.equal(self.ok, false, 'the git author cannot sign their own note either');
  });

  it('refuses to sign a draft or stale note, and without a git identity', async () => {
    const draft = note().replace(/withRetry awaits task\(\)[^\n]*/, 'it works.');
    const refusals = await Promise.all([
      prepareSignOff({ root, state: assess(draft), noteText: draft, path: PATH, signer: BOB, codeOwners: undefined }),
      prepareSignOff({ root, state: assess(note(), AI_CODE.replace('100 * 2', '250 * 2')), noteText: note(), path: PATH, signer: BOB, codeOwners: undefined }),
      prepareSignOff({ root, state: assess(undefined), noteText: undefined, path: PATH, signer: BOB, codeOwners: undefined }),
      prepareSignOff({ root, state: assess(note()), noteText: note(), path: PATH, signer: { name: 'Bob' }, codeOwners: undefined }),
    ]);
    assert.deepEqual(
      refusals.map((r) => (r.ok ? 'ok' : r.reason.split(':')[0])),
      [
        'the note of the block at src/payments/retry.ts',
        'the note of the block at src/payments/retry.ts',
        'the block at src/payments/retry.ts',
        'no git identity is configured',
      ],
    );
    assert.match(!refusals[0].ok ? refusals[0].reason : '', /does not pass its checks yet/);
    assert.match(!refusals[1].ok ? refusals[1].reason : '', /is stale/);
  });

  describe('CODEOWNERS', () => {
    it('is read from .github/, the root or docs/, in GitHub\'s order, and re-read when it changes', () => {
      assert.equal(readCodeOwners(root), undefined);
      write(root, 'docs/CODEOWNERS', '* @docs-owner\n');
      write(root, 'CODEOWNERS', '* @root-owner\n');
      const cache = new CodeOwnersCache(root);
      assert.deepEqual(codeOwnersOf(cache.current()!, PATH).owners, ['@root-owner']);
      write(root, '.github/CODEOWNERS', '* @github-owner  # the platform team\n');
      assert.equal(cache.current()!.file, '.github/CODEOWNERS');
      assert.deepEqual(codeOwnersOf(cache.current()!, PATH).owners, ['@github-owner']);
      rmSync(join(root, '.github/CODEOWNERS'));
      writeFileSync(join(root, 'CODEOWNERS'), '* @root-owner @second\n');
      assert.deepEqual(codeOwnersOf(cache.current()!, PATH).owners, ['@root-owner', '@second']);
    });

    it('matches gitignore-style patterns, the last matching line winning', () => {
      const owners = parseCodeOwners(
        [
          '# comment',
          '*            @everyone',
          '*.md         docs@example.com',
          '/build/logs/ @logs',
          'apps/        @apps',
          'docs/*       @docs-top',
          '/src/payments/ @pay-lead @acme/payments',
          'src/payments/legacy.ts',
          '\\#notes.txt  @hash',
        ].join('\n'),
        'CODEOWNERS',
      );
      const of = (path: string) => codeOwnersOf(owners, path).owners.join(' ');
      assert.equal(of('README.md'), 'docs@example.com');
      assert.equal(of('deep/down/guide.md'), 'docs@example.com');
      assert.equal(of('build/logs/today.log'), '@logs');
      assert.equal(of('nested/build/logs/x.log'), '@everyone', 'a leading slash anchors to the root');
      assert.equal(of('web/apps/main.ts'), '@apps', 'a folder pattern without a leading slash matches at any depth');
      assert.equal(of('docs/index.ts'), '@docs-top');
      assert.equal(of('docs/api/index.ts'), '@everyone', '`docs/*` is one level deep');
      assert.equal(of('src/payments/retry.ts'), '@pay-lead @acme/payments');
      assert.equal(of('src/payments/legacy.ts'), '', 'a pattern without owners removes ownership');
      assert.equal(of('#notes.txt'), '@hash');
      assert.equal(codeOwnersOf(owners, 'src/payments/retry.ts').rule?.line, 7);
    });

    it('an owner is matched by email, or as @user by git name or the email\'s local part; teams fall back to anyone but the author', () => {
      const owners = parseCodeOwners(
        ['src/by-email/ BOB@example.com', 'src/by-login/ @bob', 'src/by-name/ @Bob-Reviewer', 'src/teams/ @acme/payments @acme/sre', 'src/mixed/ @carol @acme/sre'].join('\n'),
        'CODEOWNERS',
      );
      const may = (path: string, signer = { name: 'Bob-Reviewer', email: 'bob@example.com' }) => signerEligibility({ signer, author: ALICE, path, codeOwners: owners });
      for (const path of ['src/by-email/a.ts', 'src/by-login/a.ts', 'src/by-name/a.ts', 'src/other/a.ts']) assert.equal(may(path).ok, true, path);
      const teams = may('src/teams/a.ts');
      assert.ok(teams.ok);
      assert.match(teams.basis, /names only teams \(@acme\/payments, @acme\/sre\).*cannot be checked locally, so anyone but the note's author may sign/);
      const mixed = may('src/mixed/a.ts');
      assert.equal(mixed.ok, false);
      assert.match(!mixed.ok ? mixed.reason : '', /Bob-Reviewer <bob@example\.com> is not an owner of src\/mixed\/a\.ts in CODEOWNERS:5 \(@carol @acme\/sre\)/);
      const ownerButAuthor = signerEligibility({ signer: { name: 'bob', email: 'bob@example.com' }, author: 'Bob <Bob@Example.com>', path: 'src/by-login/a.ts', codeOwners: owners });
      assert.equal(ownerButAuthor.ok, false, 'an owner still cannot sign their own note');
    });

    it('a recorded sign-off by someone who does not own the path does not count in the check', () => {
      write(root, 'CODEOWNERS', '/src/payments/ @carol\n');
      const codeOwners = readCodeOwners(root);
      const byBob = signed(note(), 'Bob Reviewer <bob@example.com>');
      const state = assess(byBob, AI_CODE, codeOwners);
      assert.equal(state.signOff.valid, undefined);
      assert.match(state.signOff.problem!, /the recorded sign-off does not count: .*is not an owner of src\/payments\/retry\.ts/);
      assert.match(state.signOff.whoMaySign!, /owns src\/payments\/retry\.ts in CODEOWNERS: @carol/);
      assert.equal(assess(signed(note(), 'Carol <carol@example.com>'), AI_CODE, codeOwners).signOff.valid?.by, 'Carol <carol@example.com>');
    });
  });
});
