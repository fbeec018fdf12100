import * as assert from 'node:assert/strict';
import { blockQuestions } from '../../../src/core/notes/questions';

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
});
