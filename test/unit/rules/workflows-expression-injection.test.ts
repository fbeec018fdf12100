import * as assert from 'node:assert/strict';
import { workflowsExpressionInjection as rule } from '../../../src/core/rules/workflows/expression-injection';
import { covered, findingLines, runWorkflow, yaml } from './workflows-harness';

describe('rule workflows/expression-injection', () => {
  it('declares itself as an error on workflows', () => {
    assert.equal(rule.id, 'workflows/expression-injection');
    assert.equal(rule.kind, 'language');
    assert.equal(rule.defaultSeverity, 'error');
  });

  it('points at attacker-controlled expressions in literal, folded, stripped, plain and quoted scripts', () => {
    const text = yaml(
      'on:',
      '  issues:',
      '    types: [opened]',
      '  pull_request_target:',
      'jobs:',
      '  triage:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: |',
      '          echo "Title: ${{ github.event.issue.title }}"',
      '          if [[ "${{github.event.issue.body}}" == *bug* ]]; then echo bug; fi',
      '      - run: >',
      '          git switch -c',
      '          ${{ github.head_ref }}',
      '      - run: |-',
      "          echo '${{ github.event.pull_request.head.ref }}'",
      '      - run: echo ${{ github.event.comment.body }}',
      "      - run: 'echo ''${{ github.event.review.body }}'''",
      '      - run: "echo ${{ github.event.pull_request.title }}"',
    );
    const findings = runWorkflow(rule, text);
    assert.deepEqual(findingLines(findings), [10, 11, 14, 16, 17, 18, 19]);
    assert.deepEqual(findings.map((finding) => covered(text, finding)), [
      '${{ github.event.issue.title }}',
      '${{github.event.issue.body}}',
      '${{ github.head_ref }}',
      '${{ github.event.pull_request.head.ref }}',
      '${{ github.event.comment.body }}',
      '${{ github.event.review.body }}',
      '${{ github.event.pull_request.title }}',
    ]);
    assert.equal(
      findings[0]!.message,
      '`github.event.issue.title` is pasted into this `run:` script as code: whoever writes it can run commands with the job\'s token and secrets. Pass it through `env:` (`NAME: ${{ github.event.issue.title }}`) and use `"$NAME"` in the script.',
    );
    assert.ok(findings.every((finding) => finding.severity === 'error'));
  });

  it('points at expressions between escapes, at the whole script when an escape spells one, and at an expression split over lines', () => {
    const escaped = yaml(
      'on: issue_comment',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: "echo \\"${{ github.event.comment.body }}\\"\\n${{ github.event.issue.title }}"',
    );
    assert.deepEqual(runWorkflow(rule, escaped).map((finding) => covered(escaped, finding)), ['${{ github.event.comment.body }}', '${{ github.event.issue.title }}']);
    const unicode = yaml('on: issues', 'jobs:', '  a:', '    steps:', '      - run: "echo \\u0024{{ github.event.issue.title }}"');
    assert.equal(covered(unicode, runWorkflow(rule, unicode)[0]!), '"echo \\u0024{{ github.event.issue.title }}"', 'the escape hides it from a text search, not from GitHub');
    const split = yaml('on: issues', 'jobs:', '  a:', '    steps:', '      - run: echo ${{', '          github.event.issue.title }}');
    assert.equal(covered(split, runWorkflow(rule, split)[0]!), '${{\n          github.event.issue.title }}');
  });

  it('reads bracket access, toJSON of event objects, github-script and composite actions', () => {
    const text = yaml(
      'on: pull_request_target',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      "      - run: echo \"${{ github.event['pull_request']['title'] }}\"",
      "      - run: echo '${{ toJSON(github.event.pull_request) }}' | jq .",
      '      - run: echo "${{ github.event.commits[0].message }}"',
      '      - uses: actions/github-script@v7',
      '        with:',
      '          script: |',
      '            const title = "${{ github.event.pull_request.title }}";',
      '            console.log(title);',
    );
    assert.deepEqual(findingLines(runWorkflow(rule, text)), [6, 7, 8, 12]);
    assert.match(runWorkflow(rule, text)[3]!.message, /`github-script` script.*`process\.env\.NAME`/);
    const action = yaml('runs:', '  using: composite', '  steps:', '    - shell: bash', '      run: echo "${{ github.event.head_commit.message }}"');
    assert.deepEqual(findingLines(runWorkflow(rule, action, 'action.yml')), [5]);
  });

  it('reports `${{ env.X }}` in a script when X holds an attacker-controlled value (the env indirection undone)', () => {
    const text = yaml(
      'on: issues',
      'env:',
      '  TITLE: ${{ github.event.issue.title }}',
      '  SAFE: ${{ github.event.issue.number }}',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: echo "${{ env.TITLE }} ${{ env.SAFE }}"',
      '      - env:',
      '          TITLE: fixed text',
      '        run: echo "${{ env.TITLE }}"',
      '      - run: echo "$TITLE"',
    );
    const findings = runWorkflow(rule, text);
    assert.deepEqual(findings.map((finding) => covered(text, finding)), ['${{ env.TITLE }}']);
    assert.equal(findings[0]!.message, '`env.TITLE` holds `github.event.issue.title`, and `${{ }}` pastes it into this `run:` script as code all the same. Read the variable at run time instead (`"$TITLE"`).');
  });

  it('accepts values passed through env, trusted contexts, inputs, and expressions outside scripts', () => {
    const text = yaml(
      'on:',
      '  pull_request_target:',
      '  workflow_dispatch:',
      '    inputs:',
      '      version: { type: string }',
      'jobs:',
      '  a:',
      '    if: contains(github.event.pull_request.title, \'[skip]\') == false',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - name: Greet ${{ github.event.pull_request.title }}',
      '        env:',
      '          TITLE: ${{ github.event.pull_request.title }}',
      '          HEAD: ${{ github.head_ref }}',
      '        run: |',
      '          echo "$TITLE"',
      '          git fetch origin "$HEAD"',
      '          echo "${{ github.event.pull_request.number }} ${{ github.sha }} ${{ github.event.issue.html_url }}"',
      '          echo "${{ inputs.version }} ${{ github.event.inputs.version }} ${{ matrix.node }}"',
      '          # ${{ github.event.pull_request.head.sha }} is a hex SHA: safe',
      '          echo "${{ github.event.pull_request.head.sha }}"',
      '      - uses: some/action@0123456789abcdef0123456789abcdef01234567',
      '        with:',
      '          message: ${{ github.event.pull_request.body }}',
    );
    assert.deepEqual(runWorkflow(rule, text), []);
  });

  it('follows step outputs written from attacker-controlled values (the cheapest input that fooled it: env, then $GITHUB_OUTPUT, then ${{ }})', () => {
    const text = yaml(
      'on: [pull_request_target, issues]',
      'jobs:',
      '  triage:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - id: meta',
      '        env:',
      '          TITLE: ${{ github.event.issue.title }}',
      '        run: |',
      '          echo "title=$TITLE" >> "$GITHUB_OUTPUT"',
      '          echo "count=3" >> "$GITHUB_OUTPUT"',
      '      - id: branch',
      '        run: echo "::set-output name=ref::${{ github.head_ref }}"',
      '      - id: changed',
      '        uses: tj-actions/changed-files@ed68ef82c095e0d48ec87eccea555d944a631a4c',
      '      - run: |',
      '          echo "${{ steps.meta.outputs.title }}"',
      '          echo "${{ steps.meta.outputs.count }}"',
      '          git switch ${{ steps.branch.outputs.ref }}',
      '          for f in ${{ steps.changed.outputs.all_changed_files }}; do echo $f; done',
      '  other:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: echo "${{ steps.meta.outputs.title }}"',
    );
    const findings = runWorkflow(rule, text);
    // Line 13 is the direct expression in the set-output step itself.
    assert.deepEqual(findingLines(findings), [13, 17, 19, 20]);
    assert.match(findings[1].message, /`steps\.meta\.outputs\.title` holds `github\.event\.issue\.title` \(step `meta` wrote it\)/);
    assert.match(findings[3].message, /the names of the files the pull request changes/);
    assert.equal(findings[1].fixes?.[0]?.title, 'Pass it through env: as OUTPUTS_TITLE');
  });

  it('follows job outputs into the jobs that need them, and step outputs in a composite action', () => {
    const text = yaml(
      'on: issue_comment',
      'jobs:',
      '  read:',
      '    runs-on: ubuntu-latest',
      '    outputs:',
      '      body: ${{ steps.get.outputs.body }}',
      '      direct: ${{ github.event.comment.body }}',
      '      safe: ${{ steps.get.outputs.count }}',
      '    steps:',
      '      - id: get',
      '        env: { BODY: "${{ github.event.comment.body }}" }',
      '        run: |',
      '          echo "body=$BODY" >> $GITHUB_OUTPUT',
      '          echo "count=1" >> $GITHUB_OUTPUT',
      '  act:',
      '    needs: read',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: echo "${{ needs.read.outputs.body }}" "${{ needs.read.outputs.direct }}" "${{ needs.read.outputs.safe }}"',
    );
    const findings = runWorkflow(rule, text);
    assert.deepEqual(findings.map((finding) => covered(text, finding)), ['${{ needs.read.outputs.body }}', '${{ needs.read.outputs.direct }}']);
    assert.match(findings[0].message, /`needs\.read\.outputs\.body` holds `github\.event\.comment\.body` \(job `read` wrote it\)/);
    const action = yaml(
      'name: Greet',
      'runs:',
      '  using: composite',
      '  steps:',
      '    - id: title',
      '      shell: bash',
      '      run: echo "title=${{ github.event.pull_request.title }}" >> "$GITHUB_OUTPUT"',
      '    - shell: bash',
      '      run: echo "${{ steps.title.outputs.title }}"',
    );
    assert.deepEqual(findingLines(runWorkflow(rule, action, 'action.yml')), [7, 9]);
  });
});
