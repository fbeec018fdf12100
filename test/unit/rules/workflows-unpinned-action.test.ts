import * as assert from 'node:assert/strict';
import { workflowsUnpinnedAction as rule } from '../../../src/core/rules/workflows/unpinned-action';
import { covered, findingLines, runWorkflow, yaml } from './workflows-harness';

describe('rule workflows/unpinned-action', () => {
  it('declares itself as a language rule for workflows', () => {
    assert.equal(rule.id, 'workflows/unpinned-action');
    assert.equal(rule.kind, 'language');
    assert.equal(rule.defaultSeverity, 'warning');
    assert.ok(rule.languages?.['github-actions']);
  });

  it('reports third-party actions at a tag, a branch or a short SHA, in steps and reusable workflow calls', () => {
    const text = yaml(
      'name: CI',
      'on: [push, pull_request]',
      'jobs:',
      '  test:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - uses: actions/setup-node@v4',
      '        with:',
      '          node-version: 20',
      '      - uses: pnpm/action-setup@v4',
      '      - uses: codecov/codecov-action@main',
      '      - name: Lint',
      '        uses: "reviewdog/action-eslint@a1b2c3d"',
      '      - uses: docker://alpine:3.20',
      '      - uses: docker://ghcr.io/owner/tool',
      '  release:',
      '    uses: org/shared/.github/workflows/release.yml@v2',
    );
    const findings = runWorkflow(rule, text);
    assert.deepEqual(findingLines(findings), [11, 12, 14, 15, 16, 18]);
    assert.equal(covered(text, findings[0]!), 'pnpm/action-setup@v4');
    assert.equal(covered(text, findings[2]!), '"reviewdog/action-eslint@a1b2c3d"');
    assert.match(findings[0]!.message, /^Action `pnpm\/action-setup` runs at `v4`, a tag or branch its owner can move\. Pin the full 40-character commit SHA .*`pnpm\/action-setup@<sha> # v4`.*no quick fix/);
    assert.match(findings[2]!.message, /short SHA `a1b2c3d`/);
    assert.match(findings[3]!.message, /Docker image `alpine:3\.20` is not pinned by digest.*`docker:\/\/alpine@sha256:<digest>`/);
    assert.match(findings[5]!.message, /^Reusable workflow `org\/shared\/\.github\/workflows\/release\.yml` runs at `v2`/);
    assert.ok(findings.every((finding) => finding.severity === 'warning' && finding.fixes === undefined));
  });

  it('accepts full SHAs, GitHub\'s own actions, local actions, digests and the SLSA generator', () => {
    const text = yaml(
      'on: push',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2',
      '      - uses: actions/cache@v4',
      '      - uses: github/codeql-action/init@v3',
      '      - uses: pnpm/action-setup@a7487c7e89a18df4991f7f222e4898a00d66ddda # v4.1.0',
      '      - uses: ./.github/actions/setup',
      '      - uses: docker://alpine@sha256:0a4eaa0eecf5f8c050e5bba433f58c052be7587ee8af3e8b3910ef9ab5fbe9f5',
      '      - run: echo uses: evil/action@main',
      '  provenance:',
      '    uses: slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@v2.0.0',
      '  local:',
      '    uses: ./.github/workflows/reusable.yml',
    );
    assert.deepEqual(runWorkflow(rule, text), []);
  });

  it('reads composite actions\' steps, aliases once, and trusts the owners the policy names', () => {
    const action = yaml(
      'name: setup',
      'runs:',
      '  using: composite',
      '  steps:',
      '    - uses: oven-sh/setup-bun@v2',
      '    - run: bun install',
      '      shell: bash',
    );
    assert.deepEqual(findingLines(runWorkflow(rule, action, '.github/actions/setup/action.yml')), [5]);
    assert.deepEqual(runWorkflow(rule, action, '.github/actions/setup/action.yml', { trustedOwners: ['actions', 'oven-sh'] }), []);
    const aliased = yaml(
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - &setup',
      '        uses: pnpm/action-setup@v4',
      '  b:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - *setup',
    );
    assert.deepEqual(findingLines(runWorkflow(rule, aliased)), [7], 'the anchored step, reported once');
  });

  it('says nothing about files that are not workflows, or that GitHub would refuse', () => {
    const step = yaml('on: push', 'jobs:', '  a:', '    steps:', '      - uses: pnpm/action-setup@v4');
    assert.deepEqual(runWorkflow(rule, step, 'config/ci.yml'), []);
    assert.deepEqual(runWorkflow(rule, `${step}  b: [\n`), [], 'broken YAML: GitHub does not run it');
  });
});
