import * as assert from 'node:assert/strict';
import { answerFactProblem, type PermissionsFact, type TriggerFact } from '../../../src/core/notes/fact-check';
import { blockFacts } from '../../../src/core/notes/facts';
import { blockQuestions, questionId } from '../../../src/core/notes/questions';

const WORKFLOW = [
  'name: Triage', // 1
  'on:', // 2
  '  pull_request_target:', // 3
  '  issue_comment:', // 4
  'permissions:', // 5
  '  contents: write', // 6
  '  pull-requests: read', // 7
  'jobs:', // 8
  '  triage:', // 9
  '    runs-on: ubuntu-latest', // 10
  '    steps:', // 11
  '      - uses: actions/checkout@v4', // 12
  '      - uses: tj-actions/changed-files@v45', // 13
  '      - uses: peter-evans/create-pull-request@0123456789abcdef0123456789abcdef01234567', // 14
  '      - run: |', // 15
  '          echo "${{ github.repository }} ${{ github.event_name }} ${{ github.event.issue.title }}"', // 16
  '      - run: echo "${{ matrix.node }}"', // 17
  '',
].join('\n');

describe('block questions for workflows', () => {
  it('asks about outsiders\' triggers, write scopes, third-party actions and expressions in scripts', () => {
    const questions = blockQuestions('.github/workflows/triage.yml', WORKFLOW, { startLine: 1, endLine: 17 }, { maxQuestions: 20 });
    assert.deepEqual(
      questions.map((question) => [question.kind, question.line, question.text]),
      [
        ['shell', 15, 'Where does `github.event.issue.title` in this `run:` script come from, and what happens if it contains a quote or `$(…)`?'],
        ['permissions', 5, 'What can the token do with `contents: write`, and which step needs it?'],
        ['trigger', 3, 'Who can trigger this workflow (`pull_request_target`, `issue_comment`), and with which token permissions and secrets do its jobs run then?'],
        ['dependency', 13, 'What does `tj-actions/changed-files` do with the token and secrets it gets, and which version runs (`v45` can move)?'],
        ['dependency', 14, 'What does `peter-evans/create-pull-request` do with the token and secrets it gets, and which version runs?'],
      ],
    );
  });

  it('asks about a script\'s expressions only when their value comes from outside the workflow', () => {
    const text = [
      'on: push',
      'jobs:',
      '  a:',
      '    steps:',
      '      - run: echo "${{ github.sha }} ${{ matrix.node }} ${{ runner.os }} ${{ github.event.issue.number }} ${{ github.event.after }}"',
      '      - run: echo "${{ steps.meta.outputs.tags }}"',
      '',
    ].join('\n');
    const questions = blockQuestions('.github/workflows/ci.yml', text, { startLine: 1, endLine: 6 }, { maxQuestions: 20 });
    assert.deepEqual(questions.map((question) => [question.kind, question.line]), [['shell', 6]]);
    assert.match(questions[0]!.text, /`steps\.meta\.outputs\.tags`/);
  });

  it('asks only about constructs inside the block, with ids that survive lines moving', () => {
    const inSteps = blockQuestions('.github/workflows/triage.yml', WORKFLOW, { startLine: 12, endLine: 14 }, { maxQuestions: 20 });
    assert.deepEqual(inSteps.map((question) => question.kind), ['dependency', 'dependency']);
    const moved = blockQuestions('.github/workflows/triage.yml', `# a comment\n${WORKFLOW}`, { startLine: 13, endLine: 15 }, { maxQuestions: 20 });
    assert.deepEqual(moved.map((question) => question.id), inSteps.map((question) => question.id));
    assert.deepEqual(blockQuestions('.github/workflows/triage.yml', 'on: [\n', { startLine: 1, endLine: 1 }), []);
  });

  describe('facts: who can trigger it, what the token may write', () => {
    const factsOf = (text: string) => blockFacts('.github/workflows/triage.yml', text, { startLine: 1, endLine: text.split('\n').length });
    const trigger = (text: string) => factsOf(text).find((fact): fact is TriggerFact => fact.kind === 'trigger')!;
    const permissions = (text: string) => factsOf(text).find((fact): fact is PermissionsFact => fact.kind === 'permissions')!;

    it('knows the outsider events and the write scopes, under the ids of their questions', () => {
      const questions = blockQuestions('.github/workflows/triage.yml', WORKFLOW, { startLine: 1, endLine: 17 }, { maxQuestions: 20 });
      const fact = trigger(WORKFLOW);
      assert.deepEqual([fact.events, fact.guarded], [['pull_request_target', 'issue_comment'], false]);
      assert.ok(questions.some((question) => question.id === fact.questionId));
      assert.equal(fact.questionId, questionId('trigger', 'issue_comment,pull_request_target'));
      assert.deepEqual(permissions(WORKFLOW).writes, ['contents']);
      assert.ok(questions.some((question) => question.id === permissions(WORKFLOW).questionId));
      assert.deepEqual(blockFacts('.github/workflows/triage.yml', WORKFLOW, { startLine: 12, endLine: 17 }), [], 'nothing about lines outside the block');
    });

    it('refuses "only maintainers" when outsiders can start it, and an answer that never says who (an echoed question included)', () => {
      const fact = trigger(WORKFLOW);
      assert.equal(answerFactProblem('Anyone who opens a pull request from a fork, or comments on one, with a write token.', fact), undefined);
      assert.equal(answerFactProblem('External contributors can, by commenting; the job then has contents: write.', fact), undefined);
      const wrong = answerFactProblem('Only maintainers can trigger it, so the write token is fine.', fact);
      assert.equal(wrong?.code, 'wrong-fact');
      assert.equal(wrong!.message, 'This workflow can be started by anyone who opens a pull request, from a fork too (`pull_request_target`) and anyone who can comment on an issue or pull request (`issue_comment`); the answer says only maintainers can.');
      assert.equal(answerFactProblem('Only the team can merge, but anyone can comment and start it.', fact), undefined, 'an honest "only" about something else');
      assert.equal(answerFactProblem('It runs on pull_request_target and issue_comment with the default token.', fact)?.code, 'missing-fact');
      assert.equal(answerFactProblem('Who can trigger this workflow (`pull_request_target`, `issue_comment`), and with which token permissions and secrets do its jobs run then?', fact)?.code, 'missing-fact');
      // An `if:` may admit only members: "only maintainers" may then be right, and is not contradicted.
      const guarded = WORKFLOW.replace('    runs-on: ubuntu-latest', "    if: github.event.comment.author_association == 'MEMBER'\n    runs-on: ubuntu-latest");
      assert.equal(trigger(guarded).guarded, true);
      assert.equal(answerFactProblem('Only members: the job checks author_association.', trigger(guarded)), undefined);
    });

    it('refuses a token called read-only when it may write, and an answer that leaves a write scope out', () => {
      const fact = permissions(WORKFLOW);
      assert.equal(answerFactProblem('contents: write lets the changelog step push its commit; nothing else needs it.', fact), undefined);
      assert.equal(answerFactProblem('The token is read-only.', fact)?.code, 'wrong-fact');
      assert.equal(answerFactProblem('contents: write pushes the tag; the rest of the token is read-only.', fact), undefined, 'an honest "read-only" about the other scopes');
      assert.equal(answerFactProblem('It needs to write for the release step.', fact)?.code, 'missing-fact');
      const all = permissions(WORKFLOW.replace('permissions:\n  contents: write\n  pull-requests: read', 'permissions: write-all'));
      assert.deepEqual(all.writes, ['write-all']);
      assert.equal(answerFactProblem('write-all: every scope, though only the release step pushes.', all), undefined);
      assert.equal(answerFactProblem('It pushes a tag.', all)?.code, 'missing-fact');
    });
  });
});
