import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cliBundle = join(__dirname, '../../../../dist/cli.js');

/**
 * TypeScript (dist/vendor/ts-morph.js, a third of a second and tens of MB per thread) is loaded on
 * first use, not at startup: `--version` and a secrets-only check never parse, so never load it.
 */
describe('CLI bundle startup', function () {
  this.timeout(60000);
  let root: string;
  let preload: string;

  before(function () {
    // The unit run builds dist/ first; a transpile-only run has no bundle to look at.
    if (!existsSync(cliBundle)) this.skip();
    root = mkdtempSync(join(tmpdir(), 'cf-startup-'));
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: root });
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src/app.ts'), 'export const run = (code: string) => eval(code);\n');
    preload = join(root, 'report-ts-load.cjs');
    writeFileSync(preload, "process.on('exit', () => process.stderr.write(`typescript loaded: ${Object.keys(require.cache).some((path) => path.endsWith('vendor/ts-morph.js'))}\\n`));\n");
  });

  after(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const loadsTypeScript = (...args: string[]): boolean => {
    const run = spawnSync(process.execPath, ['--require', preload, cliBundle, ...args], { cwd: root, encoding: 'utf8' });
    const match = /typescript loaded: (true|false)/.exec(run.stderr);
    assert.ok(match, run.stderr);
    return match[1] === 'true';
  };

  it('does not load TypeScript for --version or a secrets-only check', () => {
    assert.equal(loadsTypeScript('--version'), false);
    assert.equal(loadsTypeScript('check', '--rules', 'secrets/*'), false);
  });

  it('loads it when a syntax rule parses a file', () => {
    assert.equal(loadsTypeScript('check', '--rules', 'security/eval'), true);
  });

  it('parses Python with the tree-sitter grammar shipped in dist/grammars, without loading TypeScript', () => {
    const python = mkdtempSync(join(tmpdir(), 'cf-startup-py-'));
    try {
      execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: python });
      writeFileSync(join(python, 'fetch.py'), 'import os\n\n\ndef run(code):\n    return eval(code)\n');
      const run = spawnSync(process.execPath, ['--require', preload, cliBundle, 'check', '--root', python, '--format', 'json'], { cwd: python, encoding: 'utf8' });
      const findings = (JSON.parse(run.stdout) as { findings: { ruleId: string; path: string }[] }).findings;
      assert.deepEqual(findings.map((finding) => [finding.ruleId, finding.path]), [['security/eval', 'fetch.py']], run.stderr);
      assert.match(run.stderr, /typescript loaded: false/);
    } finally {
      rmSync(python, { recursive: true, force: true });
    }
  });
});
