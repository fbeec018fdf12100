import * as assert from 'node:assert/strict';
import { workflowsPullRequestTargetCheckout as rule } from '../../../src/core/rules/workflows/pull-request-target-checkout';
import { covered, findingLines, runWorkflow, yaml } from './workflows-harness';

const checkoutHead = [
  '    runs-on: ubuntu-latest',
  '    steps:',
  '      - uses: actions/checkout@v4',
  '        with:',
  '          ref: ${{ github.event.pull_request.head.sha }}',
  '      - run: npm ci && npm test',
];

describe('rule workflows/pull-request-target-checkout', () => {
  it('declares itself as an error on workflows', () => {
    assert.equal(rule.id, 'workflows/pull-request-target-checkout');
    assert.equal(rule.kind, 'language');
    assert.equal(rule.defaultSeverity, 'error');
  });

  it('reports a checkout of the head under pull_request_target in its string, list and map forms', () => {
    for (const on of ['on: pull_request_target', 'on: [push, pull_request_target]', 'on:\n  pull_request_target:\n    types: [opened, synchronize]']) {
      const text = yaml(on, 'jobs:', '  test:', ...checkoutHead);
      const findings = runWorkflow(rule, text);
      assert.equal(findings.length, 1, on);
      assert.equal(covered(text, findings[0]!), '${{ github.event.pull_request.head.sha }}');
      assert.match(findings[0]!.message, /^`actions\/checkout` checks out the pull request's code \(`ref: \$\{\{ github\.event\.pull_request\.head\.sha \}\}`\): `pull_request_target` runs with this repository's secrets and a write token/);
    }
  });

  it('reports head refs, refs/pull, workflow_run heads, env indirection and git or gh commands (not a bare fetch)', () => {
    const text = yaml(
      'on:',
      '  workflow_run:',
      '    workflows: [CI]',
      '    types: [completed]',
      'env:',
      '  PR_SHA: ${{ github.event.workflow_run.head_sha }}',
      'jobs:',
      '  report:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '        with:',
      '          ref: ${{ github.event.workflow_run.head_branch }}',
      '      - uses: actions/checkout@v4',
      '        with:',
      '          ref: refs/pull/${{ github.event.workflow_run.pull_requests[0].number }}/merge',
      '      - uses: actions/checkout@v4',
      '        with:',
      '          ref: ${{ env.PR_SHA }}',
      '      - run: |',
      '          set -e',
      '          git fetch origin "$PR_SHA" && git checkout "$PR_SHA"',
      '      - run: gh pr checkout ${{ github.event.workflow_run.pull_requests[0].number }}',
      '      - run: git pull origin pull/${{ github.event.workflow_run.pull_requests[0].number }}/head',
      '      - run: git fetch origin pull/${{ github.event.workflow_run.pull_requests[0].number }}/head && git diff --name-only HEAD FETCH_HEAD',
    );
    const findings = runWorkflow(rule, text);
    assert.deepEqual(findingLines(findings), [13, 16, 19, 22, 23, 24]);
    const fetched = yaml(
      'on: pull_request_target',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - run: |',
      '          git fetch origin pull/${{ github.event.number }}/head:pr-head',
      '          git switch pr-head',
      '      - run: git fetch origin ${{ github.event.pull_request.head.sha }} && git checkout FETCH_HEAD',
      '      - run: git fetch origin main && git checkout FETCH_HEAD',
    );
    assert.deepEqual(runWorkflow(rule, fetched).map((finding) => covered(fetched, finding)), ['git switch pr-head', 'git checkout FETCH_HEAD']);
    assert.equal(covered(text, findings[3]!), 'git checkout "$PR_SHA"');
    assert.match(findings[3]!.message, /^`git checkout "\$PR_SHA"` checks out the pull request's code: `workflow_run`/);
  });

  it('accepts the base checkout, pull_request workflows, same-repository gates and composite actions', () => {
    const base = yaml(
      'on: pull_request_target',
      'permissions:',
      '  pull-requests: write',
      'jobs:',
      '  label:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - uses: actions/checkout@v4',
      '        with:',
      '          ref: ${{ github.event.pull_request.base.sha }}',
      '      - run: git checkout main && echo "${{ github.event.pull_request.head.sha }}"',
      '      - uses: actions/labeler@v5',
    );
    assert.deepEqual(runWorkflow(rule, base), []);
    assert.deepEqual(runWorkflow(rule, yaml('on: pull_request', 'jobs:', '  test:', ...checkoutHead)), []);
    const gated = yaml('on: pull_request_target', 'jobs:', '  test:', '    if: github.event.pull_request.head.repo.full_name == github.repository', ...checkoutHead);
    assert.deepEqual(runWorkflow(rule, gated), []);
    const labelled = yaml('on: pull_request_target', 'jobs:', '  test:', "    if: contains(github.event.pull_request.labels.*.name, 'safe to test')", ...checkoutHead);
    assert.equal(runWorkflow(rule, labelled).length, 1, 'a label does not pin the code it approved');
    const comment = yaml('# on: pull_request_target', 'on: push', 'jobs:', '  test:', ...checkoutHead);
    assert.deepEqual(runWorkflow(rule, comment), []);
  });
});
