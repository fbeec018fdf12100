import * as assert from 'node:assert/strict';
import { workflowsWriteAllPermissions as rule } from '../../../src/core/rules/workflows/write-all-permissions';
import { covered, findingLines, runWorkflow, yaml } from './workflows-harness';

describe('rule workflows/write-all-permissions', () => {
  it('declares itself as an error on workflows', () => {
    assert.equal(rule.id, 'workflows/write-all-permissions');
    assert.equal(rule.kind, 'language');
    assert.equal(rule.defaultSeverity, 'error');
  });

  it('reports write-all at the workflow and job levels', () => {
    const text = yaml('on: push', 'permissions: write-all', 'jobs:', '  a:', '    runs-on: ubuntu-latest', '    permissions: write-all', '    steps: [{ run: make }]');
    const findings = runWorkflow(rule, text);
    assert.deepEqual(findingLines(findings), [2, 6]);
    assert.equal(covered(text, findings[0]!), 'permissions: write-all');
    assert.match(findings[1]!.message, /^`permissions: write-all` for job `a` lets any step push code/);
    assert.equal(findings[0]!.severity, 'error');
  });

  it('warns about write scopes at the top of a workflow outsiders start, when a job inherits them', () => {
    const text = yaml(
      'on:',
      '  issue_comment:',
      '    types: [created]',
      'permissions:',
      '  contents: write',
      '  pull-requests: write',
      '  issues: write',
      'jobs:',
      '  check:',
      '    runs-on: ubuntu-latest',
      '    steps: [{ run: make lint }]',
      '  comment:',
      '    runs-on: ubuntu-latest',
      '    permissions:',
      '      pull-requests: write',
      '    steps: [{ run: make comment }]',
    );
    const findings = runWorkflow(rule, text);
    assert.deepEqual(findingLines(findings), [5, 6]);
    assert.ok(findings.every((finding) => finding.severity === 'warning'));
    assert.equal(findings[0]!.message, '`contents: write` reaches job `check` of a workflow that `issue_comment` lets outsiders start. Set it on the job that needs it and keep the top level read-only.');
  });

  it('follows the token each outsider event really gets: the repository\'s for a fork or a star, read-only for a fork\'s review comment', () => {
    const workflow = (event: string) =>
      yaml(`on: ${event}`, 'permissions:', '  contents: write', 'jobs:', '  a:', '    runs-on: ubuntu-latest', '    steps: [{ run: make a }]', '  b:', '    runs-on: ubuntu-latest', '    steps: [{ run: make b }]');
    for (const event of ['fork', 'watch', 'issues']) assert.deepEqual(findingLines(runWorkflow(rule, workflow(event))), [3], event);
    for (const event of ['pull_request_review', 'pull_request_review_comment', 'pull_request', 'push']) assert.deepEqual(runWorkflow(rule, workflow(event)), [], event);
  });

  it('accepts narrow scopes, one-job workflows, jobs that narrow them, and push workflows', () => {
    const oneJob = yaml('on: pull_request_target', 'permissions:', '  pull-requests: write', 'jobs:', '  label:', '    runs-on: ubuntu-latest', '    steps: [{ uses: actions/labeler@v5 }]');
    assert.deepEqual(runWorkflow(rule, oneJob), []);
    const narrowed = yaml(
      'on: workflow_run',
      'permissions:',
      '  contents: write',
      'jobs:',
      '  a: { runs-on: x, permissions: { contents: read }, steps: [{ run: a }] }',
      '  b: { runs-on: x, permissions: {}, steps: [{ run: b }] }',
      '  c: { uses: ./.github/workflows/c.yml }',
    );
    assert.deepEqual(runWorkflow(rule, narrowed), []);
    const push = yaml('on: push', 'permissions:', '  contents: write', 'jobs:', '  a: { runs-on: x, steps: [{ run: a }] }', '  b: { runs-on: x, steps: [{ run: b }] }');
    assert.deepEqual(runWorkflow(rule, push), []);
    assert.deepEqual(runWorkflow(rule, yaml('on: push', 'permissions: read-all', 'jobs:', '  a: { runs-on: x, steps: [{ run: "echo write-all" }] }')), []);
  });
});
