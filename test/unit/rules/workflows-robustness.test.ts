import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { evaluate, FILE_NOT_CHECKED_RULE_ID } from '../../../src/core/check/engine';
import { defaultPolicy } from '../../../src/core/policy/policy';
import { BUILTIN_RULES } from '../../../src/core/rules';
import { languageBlockFacts, languageBlockQuestions } from '../../../src/core/notes/language-notes';
import { yaml } from './workflows-harness';
import { ALIAS_BOMB } from '../../../bench/adversarial.bench';

const WORKFLOW_RULES = BUILTIN_RULES.filter((rule) => rule.id.startsWith('workflows/'));

/** Real-idiom workflows the mutations start from: every construct the rules read. */
const FIXTURES: readonly string[] = [
  yaml(
    'on:',
    '  pull_request_target:',
    '    types: [opened]',
    'permissions: write-all',
    'env:',
    '  SHA: ${{ github.event.pull_request.head.sha }}',
    'jobs:',
    '  test:',
    '    runs-on: ubuntu-latest',
    '    permissions:',
    '      contents: write',
    '    steps:',
    '      - &co',
    '        uses: actions/checkout@v4',
    '        with:',
    '          ref: ${{ github.event.pull_request.head.ref }}',
    '      - *co',
    '      - run: |',
    '          set -x',
    '          echo "${{ github.event.pull_request.title }}" | base64',
    '          cat <<EOF',
    '          ${{ secrets.KEY }}',
    '          EOF',
    '          git checkout "$SHA" && gh pr checkout 1',
    '      - uses: actions/github-script@v7',
    '        with: { script: "core.info(`${{ github.event.issue.body }}`)" }',
    '  call:',
    '    uses: org/repo/.github/workflows/x.yml@main',
    '    secrets: inherit',
  ),
  yaml('name: a', 'runs:', '  using: composite', '  steps:', '    - uses: docker://alpine:3', '    - run: echo ${{ toJSON(secrets) }} > $GITHUB_STEP_SUMMARY', '      shell: bash'),
  yaml('on: [issue_comment, workflow_run]', 'jobs: { a: { steps: [ { run: ">-\\n  echo ${{ github.head_ref }}" } ] } }'),
];

function checkRobust(path: string, text: string): void {
  const result = evaluate(path, text, { policy: defaultPolicy(), rules: WORKFLOW_RULES });
  const notChecked = result.findings.filter((finding) => finding.ruleId === FILE_NOT_CHECKED_RULE_ID);
  assert.deepEqual(notChecked.map((finding) => finding.message), [], 'no rule throws');
  for (const finding of result.findings) {
    assert.ok(finding.start >= 0 && finding.start <= finding.end && finding.end <= text.length, `${finding.ruleId} points inside the text`);
  }
  const lines = text.split('\n').length;
  languageBlockQuestions(path, text, { startLine: 1, endLine: lines }, 20);
  languageBlockFacts(path, text, { startLine: 1, endLine: lines });
}

describe('workflow rules on arbitrary input', () => {
  it('report the fixtures (the mutations below start from files that have findings)', () => {
    for (const text of FIXTURES) {
      const result = evaluate('.github/workflows/ci.yml', text, { policy: defaultPolicy(), rules: WORKFLOW_RULES });
      assert.ok(result.findings.length > 0);
    }
    assert.equal(WORKFLOW_RULES.length, 5);
  });

  it('never throw or point outside the text on random text', () => {
    const alphabet = fc.constantFrom(...'ab :-|>\n\'"{}[]$&*!#@/.\\%?,u'.split(''), '${{', '}}', 'uses: ', 'run: ', 'on: ', '  ', '- ', 'secrets.X', 'github.head_ref', 'echo ', 'git checkout ', '<<EOF', 'jobs:', 'steps:');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 120 }).map((pieces) => pieces.join('')), fc.constantFrom('.github/workflows/x.yml', 'action.yaml'), (text, path) => checkRobust(path, text)),
      { numRuns: 300 },
    );
  });

  it('never throw or point outside the text on mutations of real workflows', () => {
    const insertions = fc.constantFrom('\n', '  ', '- ', ': ', '|', '>-', '"', "'", '\\', '${{ ', ' }}', '*co', '&x ', '[', '{', '#', '\t', '😀', 'é', '\r\n', '---\n');
    fc.assert(
      fc.property(fc.constantFrom(...FIXTURES), fc.array(fc.tuple(fc.nat(), fc.nat(6), insertions), { minLength: 1, maxLength: 8 }), (fixture, edits) => {
        let text = fixture;
        for (const [at, remove, insert] of edits) {
          const start = at % (text.length + 1);
          text = text.slice(0, start) + insert + text.slice(start + remove);
        }
        checkRobust('.github/workflows/ci.yml', text);
      }),
      { numRuns: 300 },
    );
  });

  it('checks a billion-laughs alias bomb without expanding it (its cost: bench/adversarial.bench.ts)', () => {
    checkRobust('.github/workflows/ci.yml', ALIAS_BOMB);
    // Still read as a workflow: a rule that should fire on it does.
    const findings = evaluate('.github/workflows/ci.yml', `${ALIAS_BOMB}\n    permissions: write-all`, { policy: defaultPolicy(), rules: WORKFLOW_RULES }).findings;
    assert.deepEqual(findings.map((finding) => finding.ruleId), ['workflows/write-all-permissions']);
  });
});
