import * as assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import type { Finding } from '../../../src/core/check/findings';
import { workflowsExpressionInjection as rule } from '../../../src/core/rules/workflows/expression-injection';
import { runWorkflow, yaml } from './workflows-harness';

/** The text after applying a finding's first fix (edits applied from the end, as an editor does). */
function applyFix(text: string, finding: Finding): string {
  const fix = finding.fixes?.[0];
  assert.ok(fix, `a quick fix on: ${finding.message}`);
  let result = text;
  for (const edit of [...fix.edits].sort((a, b) => b.start - a.start)) result = result.slice(0, edit.start) + edit.newText + result.slice(edit.end);
  return result;
}

function stepOf(text: string): Record<string, unknown> {
  const documents = parseAllDocuments(text);
  const [document] = Array.isArray(documents) ? documents : [];
  assert.ok(document && document.errors.length === 0, `valid YAML after the fix:\n${text}`);
  const workflow = document.toJS() as { jobs: Record<string, { steps: Record<string, unknown>[] }> };
  return Object.values(workflow.jobs)[0]!.steps[0]!;
}

describe('workflows/expression-injection quick fix: pass the value through env:', () => {
  it('adds an env: block before run: and reads the variable, quoted, in the script', () => {
    const text = yaml(
      'on: issues',
      'jobs:',
      '  triage:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - name: Greet',
      '        run: |',
      '          echo Thanks for ${{ github.event.issue.title }}',
      '          echo done',
    );
    const [finding] = runWorkflow(rule, text);
    assert.equal(finding!.fixes![0]!.title, 'Pass it through env: as ISSUE_TITLE');
    const fixed = applyFix(text, finding!);
    const step = stepOf(fixed);
    assert.deepEqual(step.env, { ISSUE_TITLE: '${{ github.event.issue.title }}' });
    assert.equal(step.run, 'echo Thanks for "${ISSUE_TITLE}"\necho done\n');
    assert.deepEqual(runWorkflow(rule, fixed), [], 'the fixed workflow is clean');
  });

  it('adds to an existing env: block, and uses ${NAME} inside double quotes', () => {
    const text = yaml(
      'on: pull_request_target',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - env:',
      '          MODE: fast',
      '        run: echo "branch ${{ github.head_ref }} in $MODE"',
    );
    const fixed = applyFix(text, runWorkflow(rule, text)[0]!);
    const step = stepOf(fixed);
    assert.deepEqual(step.env, { MODE: 'fast', HEAD_REF: '${{ github.head_ref }}' });
    assert.equal(step.run, 'echo "branch ${HEAD_REF} in $MODE"');
  });

  it('puts the env: block after a script that opens the step (- run:)', () => {
    const text = yaml('on: issue_comment', 'jobs:', '  reply:', '    runs-on: ubuntu-latest', '    steps:', '      - run: |', '          echo ${{ github.event.comment.body }}', '      - run: echo next');
    const fixed = applyFix(text, runWorkflow(rule, text)[0]!);
    const step = stepOf(fixed);
    assert.deepEqual(step.env, { COMMENT_BODY: '${{ github.event.comment.body }}' });
    assert.equal(step.run, 'echo "${COMMENT_BODY}"\n');
    assert.deepEqual(runWorkflow(rule, fixed), []);
  });

  it('offers nothing where the result would not be certain: single quotes, PowerShell, Windows runners, expressions that are not a path', () => {
    const base = (runsOn: string, line: string, shell?: string) =>
      yaml('on: issues', 'jobs:', '  t:', `    runs-on: ${runsOn}`, '    steps:', ...(shell ? [`      - shell: ${shell}`, `        run: ${line}`] : [`      - run: ${line}`]));
    const noFix = (text: string, why: string) => {
      const findings = runWorkflow(rule, text);
      assert.equal(findings.length, 1, why);
      assert.equal(findings[0]!.fixes, undefined, why);
    };
    noFix(base('ubuntu-latest', "echo '${{ github.event.issue.title }}'"), 'inside single quotes');
    noFix(base('ubuntu-latest', 'echo ${{ github.event.issue.title }}', 'pwsh'), 'PowerShell');
    noFix(base('windows-latest', 'echo ${{ github.event.issue.title }}'), 'Windows runner');
    noFix(base('${{ matrix.os }}', 'echo ${{ github.event.issue.title }}'), 'runner unknown');
    noFix(base('ubuntu-latest', 'echo ${{ toJSON(github.event.issue.title) }}'), 'a function call');
  });
});
