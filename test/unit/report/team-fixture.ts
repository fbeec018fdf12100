import { parseNote } from '../../../src/core/notes/note-file';
import { addSignOff } from '../../../src/core/notes/sign-off';
import type { Block } from '../../../src/core/provenance/block';
import { notePathFor } from '../../../src/core/workspace/layout';
import { PolicyWorkspace } from '../../../src/core/workspace/policy-workspace';
import { AI_CODE, aiBlock, noteWithAnswers, passingNote, writeAiBlock } from '../cli/ai-block-fixture';
import { git, tempRepo, write } from '../cli/run-cli';

/**
 * A repository with known team figures, for the team scorecard's tests and its screenshot:
 *
 * | block        | file                 | critical path | note                         |
 * | ------------ | -------------------- | ------------- | ---------------------------- |
 * | blk-pay-a    | src/pay/charge.ts    | src/pay/**    | passing, Ada <ada@…>         |
 * | blk-pay-b    | src/pay/refund.ts    | src/pay/**    | passing, Bob <BOB@…>         |
 * | blk-pay-c    | src/pay/payout.ts    | src/pay/**    | refused (filler), Carol      |
 * | blk-auth-a   | src/auth/login.ts    | src/auth/**   | passing, Ada (second email case) |
 * | blk-auth-b   | src/auth/session.ts  | src/auth/**   | none                         |
 * | blk-util     | src/util/retry.ts    | —             | passing, Dan                 |
 *
 * Sign-offs: Rita signed blk-pay-a as it is now; Sam signed an earlier version of blk-auth-a (a
 * stale sign-off, which does not count). `src/ops/**` is a critical path without AI blocks. Git history of the notes folder: January adds
 * five notes (one, blk-gone, for no block); February adds blk-auth-a, revises blk-pay-a twice and
 * blk-pay-b once, and removes blk-gone.
 */
export const TEAM_POLICY = 'level: 1\ncriticalPaths: [src/pay/**, src/auth/**, src/ops/**]\n';

const FILES: Record<string, string> = {
  'blk-pay-a': 'src/pay/charge.ts',
  'blk-pay-b': 'src/pay/refund.ts',
  'blk-pay-c': 'src/pay/payout.ts',
  'blk-auth-a': 'src/auth/login.ts',
  'blk-auth-b': 'src/auth/session.ts',
  'blk-util': 'src/util/retry.ts',
};

const AUTHORS: Record<string, string> = {
  'blk-pay-a': 'Ada Lovelace <ada@example.com>',
  'blk-pay-b': 'Bob <BOB@Example.com>',
  'blk-pay-c': 'Carol <carol@example.com>',
  'blk-auth-a': 'A. Lovelace <Ada@example.com>',
  'blk-util': 'Dan <dan@example.com>',
};

const CREATED = '2026-01-09T09:00:00Z';

function blockOf(id: string): Block {
  return aiBlock(CREATED, id);
}

function withAuthor(note: string, author: string): string {
  return note.replace(/^---\n/, `---\nauthor: ${JSON.stringify(author)}\n`);
}

/** `note` with a sign-off by `by`, of the block as the note records it or, with `stale`, of other content. */
function signed(note: string, by: string, stale = false): string {
  const frontMatter = parseNote(note).frontMatter!;
  const contentHash = stale ? `sha256:${'0'.repeat(32)}` : frontMatter.contentHash;
  return addSignOff(note, frontMatter, { by, at: '2026-02-21T09:00:00Z', contentHash });
}

function commit(root: string, message: string, date: string): void {
  git(root, ['add', '-A']);
  git(root, ['commit', '-qm', message], { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
}

/** Opens the repository's policy workspace as the CLI does. */
export function openTeamWorkspace(root: string): PolicyWorkspace {
  const workspace = new PolicyWorkspace(root, true);
  workspace.loadPolicyFromDisk();
  workspace.loadBaselineFromDisk();
  return workspace;
}

/** Builds the repository described above in a temp folder and returns its root. */
export function teamFixtureRepo(): string {
  const root = tempRepo('cf-team-');
  write(root, '.comprehension/policy.yaml', TEAM_POLICY);
  for (const [id, path] of Object.entries(FILES)) writeAiBlock(root, blockOf(id), path);
  const policy = openTeamWorkspace(root).policyState.current;
  const note = (id: string): string => {
    const critical = !id.startsWith('blk-util');
    const text =
      id === 'blk-pay-c'
        ? noteWithAnswers({ policy, block: blockOf(id), path: FILES[id], code: AI_CODE, inCriticalPath: critical }, () => 'it works. it is fine. no failures. logs.')
        : passingNote(policy, blockOf(id), FILES[id], AI_CODE, critical);
    return withAuthor(text, AUTHORS[id]);
  };
  for (const id of ['blk-pay-a', 'blk-pay-b', 'blk-pay-c', 'blk-util']) write(root, notePathFor(id), note(id));
  write(root, notePathFor('blk-gone'), note('blk-util').replace(/blk-util/g, 'blk-gone'));
  commit(root, 'January: code and notes', '2026-01-10T10:00:00Z');

  write(root, notePathFor('blk-auth-a'), signed(note('blk-auth-a'), 'Sam <sam@example.com>', true));
  // A revision that keeps the note passing: the writer's update time moves.
  write(root, notePathFor('blk-pay-a'), note('blk-pay-a').replace(/^updatedAt: .*$/m, "updatedAt: '2026-02-03T10:00:00Z'"));
  git(root, ['rm', '-q', notePathFor('blk-gone')]);
  commit(root, 'February: auth note, pay-a revised, gone removed', '2026-02-03T10:00:00Z');

  write(root, notePathFor('blk-pay-a'), signed(note('blk-pay-a').replace(/^updatedAt: .*$/m, "updatedAt: '2026-02-20T10:00:00Z'"), 'Rita <Rita@example.com>'));
  write(root, notePathFor('blk-pay-b'), note('blk-pay-b').replace(/^updatedAt: .*$/m, "updatedAt: '2026-02-20T10:00:00Z'"));
  commit(root, 'February: pay-a and pay-b revised', '2026-02-20T10:00:00Z');
  return root;
}
