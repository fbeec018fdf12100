import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCheck } from '../../../src/core/check/check-run';
import { newNoteText } from '../../../src/core/notes/new-note';
import { defaultPolicy, type Policy } from '../../../src/core/policy/policy';
import { PolicyWorkspace } from '../../../src/core/workspace/policy-workspace';
import { AI_CODE, AI_FILE, aiBlock, notePath, passingNote, writeAiBlock } from './ai-block-fixture';
import { cli, git, tempRepo, write } from './run-cli';

interface JsonReport {
  summary: { findings: number; error: number; warning: number; info: number };
  findings: Array<{ path: string; ruleId: string; severity: string; startLine: number; startColumn: number }>;
}

const json = (stdout: string): JsonReport => JSON.parse(stdout) as JsonReport;
const level1: Policy = { ...defaultPolicy(), level: 1 };

describe('CLI check gates', () => {
  let root: string;

  beforeEach(() => {
    root = tempRepo('cf-gate-');
    write(root, 'package.json', JSON.stringify({ name: 'app' }));
    write(root, '.comprehension/policy.yaml', 'level: 1\n');
    git(root, ['add', '.']);
    git(root, ['commit', '-qm', 'initial']);
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  describe('comprehension notes at level 1', () => {
    it('fails on an unexplained AI block outside critical paths, and passes once its note passes', async () => {
      writeAiBlock(root);
      const missing = await cli(root, ['check', '--format', 'json']);
      assert.equal(missing.code, 1, missing.stdout + missing.stderr);
      assert.deepEqual(
        json(missing.stdout).findings.map((f) => `${f.path}:${f.startLine} ${f.severity} ${f.ruleId}`),
        [`${AI_FILE}:3 error comprehension/missing-note`],
      );
      assert.match(missing.stderr, /comprehension check: failed: 1 finding at error severity\./);

      write(root, notePath(), passingNote(level1));
      const explained = await cli(root, ['check', '--format', 'json']);
      assert.equal(explained.code, 0, explained.stdout + explained.stderr);
      assert.deepEqual(json(explained.stdout).findings, []);
    });

    it('a suppression an assistant wrote in its own block counts once a person has explained the block', async () => {
      // A token the secrets rule reads as random, made at run time so this file holds none.
      const token = createHash('sha256').update('gate-suppression').digest('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, 32);
      const lines = AI_CODE.split('\n');
      const code = [
        ...lines.slice(0, 3),
        '  // comprehension-ignore secrets/hardcoded-secret -- a fixture token for the retry demo',
        `  const apiToken = '${token}';`,
        ...lines.slice(3),
      ].join('\n');
      const block = { ...aiBlock(), endLine: aiBlock().endLine + 2 };
      writeAiBlock(root, block, AI_FILE, code);
      const unexplained = await cli(root, ['check', '--format', 'json']);
      assert.equal(unexplained.code, 1, unexplained.stdout + unexplained.stderr);
      assert.deepEqual(
        json(unexplained.stdout).findings.map((f) => `${f.startLine} ${f.severity} ${f.ruleId}`),
        ['3 error comprehension/missing-note', '4 warning comprehension/suppression-unreviewed', '5 error secrets/hardcoded-secret'],
      );
      // The same without the note rules: `--rules` does not change what is suppressed.
      const secretsOnly = await cli(root, ['check', '--format', 'json', '--rules', 'secrets/*']);
      assert.deepEqual(json(secretsOnly.stdout).findings.map((f) => `${f.startLine} ${f.ruleId}`), ['5 secrets/hardcoded-secret']);

      write(root, notePath(), passingNote(level1, block, AI_FILE, code));
      const explained = await cli(root, ['check', '--format', 'json']);
      assert.equal(explained.code, 0, explained.stdout + explained.stderr);
      assert.deepEqual(json(explained.stdout).findings, []);
      const secretsOnlyExplained = await cli(root, ['check', '--format', 'json', '--rules', 'secrets/*']);
      assert.deepEqual(json(secretsOnlyExplained.stdout).findings, []);
    });

    it('an empty note, the untouched template, or the template with a wrong contentHash still fails', async () => {
      writeAiBlock(root);
      write(root, notePath(), '');
      const empty = await cli(root, ['check', '--format', 'json']);
      assert.equal(empty.code, 1, 'an empty note file');
      assert.match(empty.stdout, /does not pass its checks yet/);

      const template = newNoteText({ path: AI_FILE, text: AI_CODE, block: aiBlock(), policy: level1, inCriticalPath: false });
      write(root, notePath(), template);
      const untouched = await cli(root, ['check', '--format', 'json']);
      assert.equal(untouched.code, 1, 'the template as written');
      assert.equal(json(untouched.stdout).findings[0].ruleId, 'comprehension/missing-note');

      // A stale note is only a warning; an unanswered one must not pass as "stale" by faking the hash.
      write(root, notePath(), template.replace(/contentHash: sha256:[0-9a-f]+/, 'contentHash: sha256:00000000000000000000000000000000'));
      const faked = await cli(root, ['check', '--format', 'json']);
      assert.equal(faked.code, 1, faked.stdout);
      assert.deepEqual(json(faked.stdout).findings.map((f) => f.ruleId), ['comprehension/missing-note']);
    });

    it('the policy overrides the severity; level 2 fails only in critical paths', async () => {
      writeAiBlock(root);
      write(root, '.comprehension/policy.yaml', 'level: 1\nrules:\n  comprehension/missing-note: warning\n');
      const warned = await cli(root, ['check', '--format', 'json']);
      assert.equal(warned.code, 0, 'a warning does not fail the default gate');
      assert.equal(json(warned.stdout).findings[0].severity, 'warning');

      write(root, '.comprehension/policy.yaml', 'level: 2\npractice: { weeklyGoalMinutes: 60 }\n');
      assert.equal((await cli(root, ['check'])).code, 0, 'level 2 asks no note outside critical paths');
      write(root, '.comprehension/policy.yaml', 'level: 2\npractice: { weeklyGoalMinutes: 60 }\ncriticalPaths: [src]\n');
      const critical = await cli(root, ['check', '--format', 'json']);
      assert.equal(critical.code, 1);
      assert.equal(json(critical.stdout).findings[0].severity, 'error');
    });
  });

  describe('failing severity and --max-warnings', () => {
    beforeEach(() => {
      write(
        root,
        '.comprehension/policy.yaml',
        'level: 1\ncustomRules:\n  - { id: custom/todo, pattern: "TODO", message: Finish it., severity: warning, paths: ["src/**"] }\n  - { id: custom/note, pattern: "NOTE", message: Noted., severity: info, paths: ["src/**"] }\n',
      );
    });

    it('--max-warnings 0 fails when there are warnings and passes when there are none', async () => {
      write(root, 'src/a.ts', '// TODO later\nexport const a = 1;\n');
      const some = await cli(root, ['check', '--max-warnings', '0']);
      assert.equal(some.code, 1, some.stdout);
      assert.match(some.stderr, /failed: 1 warning, more than --max-warnings 0\./);
      assert.equal((await cli(root, ['check', '--max-warnings', '1'])).code, 0, 'one warning is not more than 1');
      assert.equal((await cli(root, ['check'])).code, 0, 'warnings alone do not fail the default gate');
      write(root, 'src/a.ts', 'export const a = 1;\n');
      assert.equal((await cli(root, ['check', '--max-warnings=0'])).code, 0);
    });

    it('rejects a --max-warnings that is not a whole number (exit 2)', async () => {
      for (const bad of ['-1', 'many', '1.5', '']) {
        const run = await cli(root, ['check', `--max-warnings=${bad}`]);
        assert.equal(run.code, 2, `--max-warnings=${bad}`);
        assert.match(run.stderr, /--max-warnings needs a whole number/);
      }
    });

    it('check.failOn: warning fails on warnings, info on any finding', async () => {
      write(root, 'src/a.ts', '// NOTE only information\nexport const a = 1;\n');
      assert.equal((await cli(root, ['check'])).code, 0);
      const policy = readFileSync(join(root, '.comprehension/policy.yaml'), 'utf8');
      write(root, '.comprehension/policy.yaml', `${policy}check:\n  failOn: warning\n`);
      assert.equal((await cli(root, ['check'])).code, 0, 'info is below warning');
      write(root, 'src/b.ts', '// TODO soon\n');
      const warned = await cli(root, ['check']);
      assert.equal(warned.code, 1);
      assert.match(warned.stderr, /1 finding at warning severity or above \(check\.failOn\)/);
      write(root, '.comprehension/policy.yaml', `${policy}check: { failOn: info }\n`);
      rmSync(join(root, 'src/b.ts'));
      assert.equal((await cli(root, ['check'])).code, 1, 'failOn info fails on the info finding');
    });
  });

  it('exits 2 naming a path that does not exist, and keeps refusing paths outside the workspace', async () => {
    const missing = await cli(root, ['check', 'nonexistent.ts']);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, 'comprehension check: no such file or folder: nonexistent.ts\n');
    assert.equal(missing.stdout, '');
    const outside = await cli(root, ['check', '../elsewhere.ts']);
    assert.equal(outside.code, 2);
    assert.match(outside.stderr, /is outside the workspace/);
  });

  it('lists findings by file, line and column in text, JSON and SARIF, in threads or not', async () => {
    write(root, '.comprehension/policy.yaml', 'level: 1\ncustomRules:\n  - { id: custom/todo, pattern: "TODO", message: Finish it., severity: warning, paths: ["src/**"] }\n');
    write(root, 'src/b.ts', 'export const b = eval("2"); // TODO\neval("1");\n');
    write(root, 'src/a/z.ts', '\n\neval("z");\n');
    write(root, 'src/a.ts', '// TODO one\n// TODO two\n');
    write(root, 'src/A.ts', 'eval("upper");\n');
    const expected = ['src/A.ts:1:1', 'src/a.ts:1:4', 'src/a.ts:2:4', 'src/a/z.ts:3:1', 'src/b.ts:1:18', 'src/b.ts:1:32', 'src/b.ts:2:1'];

    const text = await cli(root, ['check']);
    const textOrder = [...text.stdout.matchAll(/^(\S+?:\d+:\d+): /gm)].map((match) => match[1]);
    assert.deepEqual(textOrder, expected);

    const report = json((await cli(root, ['check', '--format', 'json'])).stdout);
    assert.deepEqual(report.findings.map((f) => `${f.path}:${f.startLine}:${f.startColumn}`), expected);

    await cli(root, ['check', '--format', 'sarif', '--output', 'out.sarif']);
    const sarif = JSON.parse(readFileSync(join(root, 'out.sarif'), 'utf8')) as {
      runs: Array<{ results: Array<{ locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }> }> }>;
    };
    assert.deepEqual(
      sarif.runs[0].results.map(({ locations: [{ physicalLocation: p }] }) => `${p.artifactLocation.uri}:${p.region.startLine}:${p.region.startColumn}`),
      expected,
    );

    const workspace = new PolicyWorkspace(root, true);
    workspace.loadPolicyFromDisk();
    const threaded = await runCheck(workspace, { workers: 3 });
    assert.deepEqual(threaded.findings.map(({ path, finding }) => `${path}:${finding.startPosition.line + 1}:${finding.startPosition.character + 1}`), expected);
  });

  it('counts in the summary line with the right plurals', async () => {
    write(root, 'src/bad.ts', 'eval("x");\n');
    const one = await cli(root, ['check', 'src/bad.ts']);
    assert.match(one.stdout, /^1 finding \(1 error, 0 warnings, 0 info\) in 1 file; 0 suppressed, 0 baselined, 0 skipped\.$/m);
    write(root, 'src/worse.ts', 'eval("y");\n');
    const two = await cli(root, ['check', 'src']);
    assert.match(two.stdout, /^2 findings \(2 errors, 0 warnings, 0 info\) in 2 files;/m);
  });
});
