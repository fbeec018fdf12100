import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import { blockContentHash, blockTextOf } from '../../../src/core/notes/content-hash';
import { currentMutationResult, readMutationResult } from '../../../src/core/mutate/cache';
import { SURVIVING_MUTANT_RULE_ID } from '../../../src/core/mutate/findings';
import { runMutationTesting } from '../../../src/core/mutate/run';
import { blockFromRecord } from '../../../src/core/provenance/record';
import { PolicyWorkspace } from '../../../src/core/workspace/policy-workspace';
import { cli, git, records, write } from '../cli/run-cli';
import { AI_LINES, mutationFixture, RETRY_SOURCE, STRONG_TESTS, WEAK_TESTS } from './mutate-fixture';

/** The SARIF 2.1.0 schema validator the check tests use. */
function validateSarif(value: unknown): void {
  const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
  // The official schema's language pattern has a stray `]` that only non-unicode regexes accept.
  const validate = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false, logger: false }).compile(schema);
  assert.ok(validate(value), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
}

interface JsonReport {
  summary: { blocks: number; mutants: number; surviving: number; findings: number };
  blocks: Array<{ blockId: string; score: number | null; counts: Record<string, number>; startLine: number; endLine: number }>;
  findings: Array<{ path: string; fingerprint: string; ruleId: string; severity: string; message: string; startLine: number; endLine: number; blockId: string }>;
}

// Real Stryker runs on real repositories: a few seconds each on two cores.
describe('comprehension mutate (real StrykerJS on a fixture repository)', function () {
  this.timeout(120_000);
  const roots: string[] = [];
  after(() => {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  describe('with weak tests', () => {
    let root: string;
    let json: JsonReport;
    let code: number;
    let stderr: string;
    before(async () => {
      root = await mutationFixture(WEAK_TESTS);
      roots.push(root);
      const run = await cli(root, ['mutate', '--format', 'json']);
      code = run.code;
      stderr = run.stderr;
      json = JSON.parse(run.stdout) as JsonReport;
    });

    it('reports surviving mutants, each on an AI line, and exits 1', () => {
      assert.equal(code, 1, stderr);
      assert.ok(json.findings.length >= 3, `expected several survivors, got ${JSON.stringify(json.findings)}`);
      for (const finding of json.findings) {
        assert.equal(finding.ruleId, SURVIVING_MUTANT_RULE_ID);
        assert.equal(finding.severity, 'warning');
        assert.equal(finding.path, 'src/retry.js');
        assert.ok(finding.startLine >= AI_LINES[0] && finding.endLine <= AI_LINES[1], `line ${finding.startLine}-${finding.endLine} is outside the AI block`);
      }
    });

    it('never mutates the human code around the block (untested, so any mutant there would be reported)', () => {
      // Lines 4 and 17 are human code no test runs: mutated, they would be "not covered" findings.
      assert.ok(!json.findings.some((finding) => finding.startLine < AI_LINES[0] || finding.startLine > AI_LINES[1]));
      assert.equal(json.blocks.length, 1);
      const counted = Object.values(json.blocks[0].counts).reduce((a, b) => a + b, 0);
      assert.equal(counted, json.summary.mutants);
    });

    it('says what changed and that no test noticed, with the code as written', () => {
      const messages = json.findings.map((finding) => finding.message);
      assert.ok(messages.includes('tests still pass when `attempt <= 3` becomes `attempt < 3` (EqualityOperator)'), messages.join('\n'));
      // The untested branch's `false` is reported as code no test runs.
      assert.ok(messages.some((message) => message.startsWith('no test runs this code: `false` could become `true`') || message.startsWith('tests still pass when `false` becomes `true`')), messages.join('\n'));
    });

    it('gives the block a mutation score below 100% and caches it under the block content', () => {
      const block = json.blocks[0];
      assert.ok(block.score !== null && block.score > 0 && block.score < 100, String(block.score));
      const id = records(root)[0].id;
      assert.equal(block.blockId, id);
      const hash = blockContentHash(blockTextOf(RETRY_SOURCE, { startLine: AI_LINES[0], endLine: AI_LINES[1] }));
      const cached = currentMutationResult(root, id, hash);
      assert.ok(cached, 'cached for the block as it is');
      assert.equal(cached.survivors.length, json.findings.length);
      assert.equal(cached.score, block.score);
      // The cache is machine-local: git ignores it.
      assert.equal(git(root, ['status', '--porcelain', '--', '.comprehension/.cache']).trim(), '');
    });

    it('shows a cached result only while the block content is the one tested', () => {
      const id = records(root)[0].id;
      const edited = RETRY_SOURCE.replace('attempt <= 3', 'attempt <= 5');
      const hash = blockContentHash(blockTextOf(edited, { startLine: AI_LINES[0], endLine: AI_LINES[1] }));
      assert.equal(currentMutationResult(root, id, hash), undefined);
      assert.ok(readMutationResult(root, id), 'still on disk, only stale');
    });

    it('the editor path: checkFile adds the cached survivors where the block is now, never in CI, never once it changed', () => {
      const workspace = new PolicyWorkspace(root, true);
      workspace.loadPolicyFromDisk();
      const block = blockFromRecord(records(root)[0]);
      // Two lines written above the block since the run: it moved, its content did not.
      const moved = { ...block, startLine: block.startLine + 2, endLine: block.endLine + 2 };
      const shifted = `// two new\n// lines\n${RETRY_SOURCE}`;
      const mutants = (text: string, blocks: typeof block[], cachedMutants = true) =>
        workspace.checkFile('src/retry.js', text, { blocks, cachedMutants }).findings.filter((finding) => finding.ruleId === SURVIVING_MUTANT_RULE_ID);
      const shown = mutants(shifted, [moved]);
      const lines = (values: number[]) => [...values].sort((a, b) => a - b);
      assert.deepEqual(lines(shown.map((finding) => finding.startPosition.line + 1 - 2)), lines(json.findings.map((finding) => finding.startLine)));
      assert.ok(shown.every((finding) => finding.blockId === block.id && finding.severity === 'warning'));
      // The same fingerprints as the CLI's, so a baseline taken from either holds for both.
      assert.deepEqual(new Set(shown.map((finding) => finding.fingerprint)), new Set(json.findings.map((finding) => finding.fingerprint)));
      assert.equal(mutants(shifted, [moved], false).length, 0, 'CI (no cachedMutants) never reads the machine-local cache');
      assert.equal(mutants(RETRY_SOURCE.replace('attempt <= 3', 'attempt <= 5'), [block]).length, 0, 'a changed block shows no stale survivors');
    });

    it('writes SARIF that validates against the 2.1.0 schema, with the rule described', async () => {
      const run = await cli(root, ['mutate', '--format', 'sarif', '--output', 'mutants.sarif']);
      assert.equal(run.code, 1, run.stderr);
      const sarif = JSON.parse(readFileSync(join(root, 'mutants.sarif'), 'utf8')) as {
        runs: Array<{ results: Array<{ ruleId: string; ruleIndex: number; level: string; locations: Array<{ physicalLocation: { region: { startLine: number } } }> }>; tool: { driver: { rules: Array<{ id: string; shortDescription: { text: string } }> } } }>;
      };
      validateSarif(sarif);
      const [run0] = sarif.runs;
      assert.equal(run0.results.length, json.findings.length);
      for (const result of run0.results) {
        assert.equal(run0.tool.driver.rules[result.ruleIndex].id, SURVIVING_MUTANT_RULE_ID);
        assert.equal(result.level, 'warning');
        const line = result.locations[0].physicalLocation.region.startLine;
        assert.ok(line >= AI_LINES[0] && line <= AI_LINES[1]);
      }
      assert.match(run0.tool.driver.rules[0].shortDescription.text, /no test noticed/);
    });

    it('--changed-since: a block untouched since the ref is not tested (and Stryker does not start)', async () => {
      const run = await cli(root, ['mutate', '--changed-since', 'HEAD']);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /No AI blocks to mutation-test changed since the ref/);
      assert.doesNotMatch(run.stderr, /stryker:/);
    });
  });

  it('with strong tests reports no surviving mutant and exits 0', async () => {
    const root = await mutationFixture(STRONG_TESTS);
    roots.push(root);
    const run = await cli(root, ['mutate']);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.doesNotMatch(run.stdout, /surviving-mutant/);
    assert.match(run.stdout, /mutation score 100% \(\d+ killed, 0 survived, 0 not covered\)/);
    assert.match(run.stdout, /0 surviving mutants in 1 AI block/);
    // Progress came on standard error.
    assert.match(run.stderr, /stryker: Instrumented 1 source file\(s\) with \d+ mutant\(s\)/);
  });

  it('--changed-since tests a block whose lines changed, and the policy sets the severity', async () => {
    const root = await mutationFixture(WEAK_TESTS);
    roots.push(root);
    write(root, 'src/retry.js', RETRY_SOURCE.replace('Math.min(100 *', 'Math.min(150 *'));
    write(root, '.comprehension/policy.yaml', 'version: 1\nlevel: 1\nrules: { comprehension/surviving-mutant: error }\n');
    const run = await cli(root, ['mutate', '--changed-since', 'HEAD']);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /src\/retry\.js:\d+:\d+: error comprehension\/surviving-mutant: /);
  });

  it("uses the repository's own Stryker configuration, overriding only what it must", async () => {
    // The repository's config names the runner and its own break threshold (which would fail the run).
    const own = JSON.stringify({ testRunner: 'mocha', coverageAnalysis: 'perTest', thresholds: { break: 99 }, mutate: ['src/**/*.js'] });
    const root = await mutationFixture(WEAK_TESTS, { strykerConfig: own, packageJson: { name: 'fixture', version: '1.0.0' } });
    roots.push(root);
    const run = await cli(root, ['mutate', '--format', 'json']);
    assert.equal(run.code, 1, run.stderr);
    const json = JSON.parse(run.stdout) as JsonReport;
    assert.ok(json.findings.length > 0);
    // Its `mutate: src/**/*.js` was replaced by the AI lines.
    assert.ok(json.findings.every((finding) => finding.startLine >= AI_LINES[0] && finding.endLine <= AI_LINES[1]));
    // Nothing written into the repository but the (ignored) cache and the ignore file that keeps it out of commits.
    assert.equal(git(root, ['status', '--porcelain']).trim(), '?? .comprehension/.gitignore');
  });

  it('without a test runner exits 2 and says why', async () => {
    const root = await mutationFixture(WEAK_TESTS, { packageJson: { name: 'fixture', version: '1.0.0' } });
    roots.push(root);
    const run = await cli(root, ['mutate']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /cannot run the tests: package\.json names no mocha, jest or vitest dependency/);
  });

  it('without Stryker installed exits 2 with the exact install command', async () => {
    const root = await mutationFixture(WEAK_TESTS);
    roots.push(root);
    const nowhere = mkdtempSync(join(tmpdir(), 'cf-no-stryker-'));
    roots.push(nowhere);
    // Looked up from the repository (no node_modules) and from a CLI install without Stryker.
    const outcome = await runMutationTesting(root, { ownFolder: nowhere });
    assert.equal(outcome.kind, 'setup-error');
    assert.ok(outcome.kind === 'setup-error');
    assert.equal(outcome.install, 'npm install --save-dev @stryker-mutator/core @stryker-mutator/mocha-runner');
  });

  it('a failing initial test run is a setup error (exit 2), not "no survivors"', async () => {
    const root = await mutationFixture(WEAK_TESTS.replace('assert.ok(backoffMs(1) > 0)', 'assert.ok(backoffMs(1) < 0)'));
    roots.push(root);
    const run = await cli(root, ['mutate']);
    assert.equal(run.code, 2, run.stdout);
    assert.match(run.stderr, /Stryker failed/);
  });

  it('cancelling stops Stryker and every process it started, and caches nothing', async () => {
    const root = await mutationFixture(WEAK_TESTS);
    roots.push(root);
    const controller = new AbortController();
    let pid: number | undefined;
    const outcome = await runMutationTesting(root, {
      ownFolder: __dirname,
      signal: controller.signal,
      onSpawn: (spawned) => (pid = spawned),
      // Cancel once Stryker has started its test processes.
      onProgress: (line) => {
        if (/Creating \d+ test runner process/.test(line)) controller.abort();
      },
    });
    assert.equal(outcome.kind, 'cancelled');
    assert.ok(pid !== undefined);
    // The whole process group is gone (bounded wait: the kernel reaps the killed workers).
    const deadline = Date.now() + 10_000;
    let alive = true;
    while (alive && Date.now() < deadline) {
      try {
        process.kill(-pid, 0);
        await new Promise((resolve) => setImmediate(resolve));
      } catch (error) {
        alive = (error as NodeJS.ErrnoException).code !== 'ESRCH';
      }
    }
    assert.equal(alive, false, 'Stryker\'s process group outlived the cancel');
    assert.equal(readMutationResult(root, records(root)[0].id), undefined);
  });

  it('refuses a bad --changed-since ref, a bad --concurrency and an unknown --block (exit 2)', async () => {
    const root = await mutationFixture(WEAK_TESTS);
    roots.push(root);
    assert.equal((await cli(root, ['mutate', '--changed-since', 'no-such-ref'])).code, 2);
    assert.equal((await cli(root, ['mutate', '--concurrency', '0'])).code, 2);
    assert.equal((await cli(root, ['mutate', '--format', 'xml'])).code, 2);
    const typo = await cli(root, ['mutate', '--block', 'no-such-block']);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /no AI block with id no-such-block/);
  });
});
