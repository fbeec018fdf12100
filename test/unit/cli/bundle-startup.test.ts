import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cliBundle = join(__dirname, '../../../../dist/cli.js');

/**
 * TypeScript (dist/vendor/typescript.js, a fifth of a second and tens of MB per thread) is loaded on
 * first use, not at startup: `--version` and a secrets-only check never parse, so never load it.
 * Its load leaves V8's code cache in the user cache folder, which tells whether it happened.
 */
describe('CLI bundle startup', function () {
  this.timeout(60000);
  let root: string;

  before(function () {
    // The unit run builds dist/ first; a transpile-only run has no bundle to look at.
    if (!existsSync(cliBundle)) this.skip();
    root = mkdtempSync(join(tmpdir(), 'cf-startup-'));
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: root });
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src/app.ts'), 'export const run = (code: string) => eval(code);\n');
  });

  after(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  /** Runs the CLI with an empty user cache folder; true when TypeScript was loaded (its code cache written there). */
  const loadsTypeScript = (cwd: string, ...args: string[]): boolean => {
    const cache = mkdtempSync(join(tmpdir(), 'cf-startup-cache-'));
    try {
      const run = spawnSync(process.execPath, [cliBundle, ...args], { cwd, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cache } });
      assert.ok(run.status === 0 || run.status === 1, run.stderr);
      const codeCache = join(cache, 'comprehension-first', 'v8');
      return existsSync(codeCache) && readdirSync(codeCache).some((name) => /^typescript\.js-[0-9a-f]{16}\.v8cache$/.test(name));
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  };

  it('writes nothing to stderr when it starts: the V8 flag the launcher sets is one this Node knows', () => {
    const run = spawnSync(process.execPath, [cliBundle, '--version'], { cwd: root, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '');
  });

  it("loads the CLI bundle through V8's code cache: the first run writes it, the next ones use it; COMPREHENSION_CODE_CACHE=0 loads it plainly", () => {
    const cache = mkdtempSync(join(tmpdir(), 'cf-startup-cache-'));
    try {
      const version = (env: NodeJS.ProcessEnv = {}) => {
        const run = spawnSync(process.execPath, [cliBundle, '--version'], { cwd: root, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cache, ...env } });
        assert.equal(run.status, 0, run.stderr);
        return run.stdout.trim();
      };
      const codeCache = join(cache, 'comprehension-first', 'v8');
      const cliCaches = () => (existsSync(codeCache) ? readdirSync(codeCache).filter((name) => /^cli-main\.js-[0-9a-f]{16}\.v8cache$/.test(name)) : []);
      const plain = version({ COMPREHENSION_CODE_CACHE: '0' });
      assert.match(plain, /^\d+\.\d+\.\d+/);
      assert.deepEqual(cliCaches(), []);
      assert.equal(version(), plain);
      const [written] = cliCaches();
      assert.ok(written, 'the first run wrote the cache');
      const writtenAt = statSync(join(codeCache, written)).mtimeMs;
      assert.equal(version(), plain);
      assert.deepEqual(cliCaches(), [written]);
      assert.equal(statSync(join(codeCache, written)).mtimeMs, writtenAt, 'the next run used the cache, not a new one');
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it('does not load TypeScript for --version or a secrets-only check', () => {
    assert.equal(loadsTypeScript(root, '--version'), false);
    assert.equal(loadsTypeScript(root, 'check', '--rules', 'secrets/*'), false);
  });

  it('loads it when a syntax rule parses a file', () => {
    assert.equal(loadsTypeScript(root, 'check', '--rules', 'security/eval'), true);
  });

  it('parses Python with the tree-sitter grammar shipped in dist/grammars, without loading TypeScript', () => {
    const python = mkdtempSync(join(tmpdir(), 'cf-startup-py-'));
    try {
      execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: python });
      writeFileSync(join(python, 'fetch.py'), 'import os\n\n\ndef run(code):\n    return eval(code)\n');
      const run = spawnSync(process.execPath, [cliBundle, 'check', '--root', python, '--format', 'json'], { cwd: python, encoding: 'utf8' });
      const findings = (JSON.parse(run.stdout) as { findings: { ruleId: string; path: string }[] }).findings;
      assert.deepEqual(findings.map((finding) => [finding.ruleId, finding.path]), [['security/eval', 'fetch.py']], run.stderr);
      assert.equal(loadsTypeScript(python, 'check', '--root', python), false);
    } finally {
      rmSync(python, { recursive: true, force: true });
    }
  });
});
