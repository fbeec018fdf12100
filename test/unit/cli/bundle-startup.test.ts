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
});
