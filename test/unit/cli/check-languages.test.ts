import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCli } from '../../../src/cli/cli';
import '../../../src/cli/commands';

async function cli(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { cwd, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { code, stdout, stderr };
}

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

const PYTHON = ['import os', '', '', 'def run(command):', '    return eval(command)', ''].join('\n');
const WORKFLOW = ['on: issues', 'jobs:', '  t:', '    runs-on: ubuntu-latest', '    steps:', '      - run: echo "${{ github.event.issue.title }}"', ''].join('\n');
const DOCKERFILE = ['FROM node:20', 'RUN curl -fsSL https://example.com/install.sh | sh', 'USER root', ''].join('\n');

/**
 * The new languages go through the same gate as TypeScript: SARIF, suppression comments in their
 * own comment syntax, the baseline, and severities raised inside AI blocks.
 */
describe('CLI check on Python, workflows and Dockerfiles', function () {
  this.timeout(60000);
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'cf-cli-languages-'));
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: root });
    write(root, 'app/run.py', PYTHON);
    write(root, '.github/workflows/triage.yml', WORKFLOW);
    write(root, 'Dockerfile', DOCKERFILE);
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reports them in SARIF with their rules, honours # suppressions and the baseline, and fails the gate until then', async () => {
    const sarifPath = join(root, 'out.sarif');
    const first = await cli(root, 'check', '--format', 'sarif', '--output', sarifPath);
    assert.equal(first.code, 1, first.stdout + first.stderr);
    const sarif = JSON.parse(readFileSync(sarifPath, 'utf8')) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[]; tool: { driver: { rules: { id: string }[] } } }[] };
    const results = sarif.runs[0]!.results.map((result) => [result.ruleId, result.locations[0]!.physicalLocation.artifactLocation.uri, result.locations[0]!.physicalLocation.region.startLine]);
    const byRule = (rows: (string | number)[][]) => [...rows].sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    assert.deepEqual(
      byRule(results.filter(([ruleId]) => ruleId === 'security/eval' || ruleId === 'workflows/expression-injection' || ruleId === 'infrastructure/pipe-to-shell')),
      byRule([
        ['infrastructure/pipe-to-shell', 'Dockerfile', 2],
        ['workflows/expression-injection', '.github/workflows/triage.yml', 6],
        ['security/eval', 'app/run.py', 5],
      ]),
    );
    const ruleIds = sarif.runs[0]!.tool.driver.rules.map((rule) => rule.id);
    for (const id of ['security/eval', 'workflows/expression-injection', 'infrastructure/pipe-to-shell']) assert.ok(ruleIds.includes(id), id);

    // A suppression in Python's comment syntax, with a reason.
    write(root, 'app/run.py', PYTHON.replace('    return eval(command)', '    # comprehension-ignore security/eval -- the command comes from our own CLI flags\n    return eval(command)'));
    const suppressed = await cli(root, 'check', '--format', 'json');
    const findings = (JSON.parse(suppressed.stdout) as { findings: { ruleId: string; path: string }[]; summary: { suppressed: number } });
    assert.ok(!findings.findings.some((finding) => finding.path === 'app/run.py' && finding.ruleId === 'security/eval'));
    assert.equal(findings.summary.suppressed, 1);

    // The baseline takes the rest; a new finding in a workflow still fails.
    assert.equal((await cli(root, 'baseline')).code, 0);
    const clean = await cli(root, 'check');
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    write(root, '.github/workflows/triage.yml', `${WORKFLOW}      - run: echo "\${{ github.event.issue.body }}"\n`);
    const again = await cli(root, 'check');
    assert.equal(again.code, 1);
    assert.match(again.stdout, /\.github\/workflows\/triage\.yml:7:\d+: error workflows\/expression-injection: `github\.event\.issue\.body`/);
  });

  it('raises a Python finding inside an AI block one step, as for TypeScript', async () => {
    write(root, 'app/fetch.py', ['import requests', '', '', 'def load(url):', '    return requests.get(url).json()', ''].join('\n'));
    const outside = await cli(root, 'check', '--format', 'json', 'app/fetch.py');
    const before = (JSON.parse(outside.stdout) as { findings: { ruleId: string; severity: string }[] }).findings.find((finding) => finding.ruleId === 'reliability/missing-timeout');
    assert.equal(before?.severity, 'warning');
    assert.equal((await cli(root, 'mark', '--file', 'app/fetch.py', '--lines', '4-5', '--agent', 'claude-code')).code, 0);
    const inside = await cli(root, 'check', '--format', 'json', 'app/fetch.py');
    const after = (JSON.parse(inside.stdout) as { findings: { ruleId: string; severity: string; severityReasons: string[] }[] }).findings.find((finding) => finding.ruleId === 'reliability/missing-timeout');
    assert.equal(after?.severity, 'error');
    assert.ok(after?.severityReasons.includes('raised: inside an AI-written block'));
  });
});

describe('CLI check on Terraform policies loaded from files', function () {
  this.timeout(60000);
  let root: string;
  let outside: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'cf-cli-tf-files-'));
    outside = mkdtempSync(join(tmpdir(), 'cf-cli-tf-outside-'));
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: root });
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('reads a policy document through the bounded reader, and not one a link takes outside the workspace', async () => {
    const admin = '{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}';
    write(root, 'infra/policies/admin.json', admin);
    write(outside, 'admin.json', admin);
    symlinkSync(join(outside, 'admin.json'), join(root, 'infra/policies/linked.json'));
    write(
      root,
      'infra/iam.tf',
      [
        'resource "aws_iam_policy" "admin" {',
        '  policy = file("${path.module}/policies/admin.json")',
        '}',
        'resource "aws_iam_policy" "linked" {',
        '  policy = file("${path.module}/policies/linked.json")',
        '}',
        '',
      ].join('\n'),
    );
    const run = await cli(root, 'check', '--rules', 'infrastructure/*', '--format', 'json');
    assert.equal(run.code, 1, run.stdout + run.stderr);
    const findings = (JSON.parse(run.stdout) as { findings: { path: string; startLine: number; ruleId: string; message: string }[] }).findings;
    assert.deepEqual(
      findings.map((finding) => [finding.path, finding.startLine, finding.ruleId]),
      [['infra/iam.tf', 2, 'infrastructure/iam-wildcard']],
    );
    assert.match(findings[0]!.message, /its policy in `infra\/policies\/admin\.json`/);
  });

  it('finds a variable declared in the module variables.tf, but not through a link to a file outside the workspace', async () => {
    write(root, 'infra/policies/admin.json', '{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}');
    write(root, 'infra/variables.tf', 'variable "admin_policy" {\n  default = "policies/admin.json"\n}\n');
    // A link posing as a module file, to a declaration outside the workspace: listed as no file, never read.
    write(outside, 'vars.tf', 'variable "linked_policy" {\n  default = "policies/admin.json"\n}\n');
    symlinkSync(join(outside, 'vars.tf'), join(root, 'infra/linked.tf'));
    write(root, 'infra/iam.tf', ['resource "aws_iam_policy" "admin" {', '  policy = file(var.admin_policy)', '}', 'resource "aws_iam_policy" "linked" {', '  policy = file(var.linked_policy)', '}', ''].join('\n'));
    const run = await cli(root, 'check', '--rules', 'infrastructure/*', '--format', 'json');
    assert.equal(run.code, 1, run.stdout + run.stderr);
    const findings = (JSON.parse(run.stdout) as { findings: { path: string; startLine: number; ruleId: string }[] }).findings;
    assert.deepEqual(
      findings.map((finding) => [finding.path, finding.startLine, finding.ruleId]),
      [['infra/iam.tf', 2, 'infrastructure/iam-wildcard']],
    );
  });
});

