import * as assert from 'node:assert/strict';
import { securityShellInjection as rule } from '../../../src/core/rules/security/shell-injection';
import { covered, lines, run, assertSameAtScale } from './syntax-rule-harness';

describe('rule security/shell-injection', () => {
  it('declares itself as a syntax error', () => {
    assert.equal(rule.id, 'security/shell-injection');
    assert.equal(rule.kind, 'syntax');
    assert.equal(rule.defaultSeverity, 'error');
    assert.match(rule.rationale, /execFile/);
  });

  it('reports exec with a template command imported by name (ESM, node: prefix)', () => {
    const text = [
      "import { exec } from 'node:child_process';",
      '',
      'export function showLog(branch: string) {',
      '  exec(`git log --oneline ${branch}`, (error, stdout) => {',
      '    if (error) throw error;',
      '    console.log(stdout);',
      '  });',
      '}',
    ].join('\n');
    const findings = run(rule, 'src/git.ts', text);
    assert.deepEqual(lines(findings), [4]);
    assert.equal(findings[0].ruleId, 'security/shell-injection');
    assert.equal(findings[0].severity, 'error');
    assert.equal(covered(text, findings[0]), '`git log --oneline ${branch}`');
    assert.equal(
      findings[0].message,
      '`exec` runs a shell command built from a template with `${…}`: `;`, `|` or `$(…)` in it would run as shell code. Use `execFile`/`spawn` with an argument array instead.',
    );
  });

  it('reports CommonJS forms: module object, destructuring, require().execSync and promisify', () => {
    const text = [
      "const cp = require('child_process');",
      "const { execSync } = require('child_process');",
      "const util = require('util');",
      'const run = util.promisify(cp.exec);',
      '',
      'function convert(input, output) {',
      "  cp.exec('convert ' + input + ' ' + output);",
      '  execSync(command);',
      "  require('child_process').execSync(`rm -rf ${dir}`);",
      '  return run(`ffmpeg -i ${input} ${output}`);',
      '}',
    ].join('\n');
    const findings = run(rule, 'convert.js', text);
    assert.deepEqual(lines(findings), [7, 8, 9, 10]);
    assert.match(findings[0].message, /^`cp\.exec` runs a shell command built from string concatenation:/);
    assert.match(findings[1].message, /^`execSync` runs a shell command built from a variable \(`command`\):/);
    assert.match(findings[3].message, /^`run` runs a shell command built from a template/);
  });

  it('follows a const command to the template that built it', () => {
    const text = [
      "import * as childProcess from 'child_process';",
      'export function archive(name: string) {',
      '  const command = `tar czf ${name}.tgz build/`;',
      '  childProcess.execSync(command);',
      '}',
    ].join('\n');
    const findings = run(rule, 'a.ts', text);
    assert.deepEqual(lines(findings), [4]);
    assert.match(findings[0].message, /built from a template with `\$\{…\}` \(through `command`\)/);
  });

  it('reports spawn and execFile with shell on, for the command or an argument', () => {
    const text = [
      "import { spawn, execFile } from 'child_process';",
      "spawn(`npm run ${script}`, { shell: true, stdio: 'inherit' });",
      "execFile('grep', ['-r', pattern, '.'], { shell: true }, done);",
      "spawn('sh', ['-c', `docker logs ${container} | tail -n 50`]);",
    ].join('\n');
    const findings = run(rule, 'a.ts', text);
    assert.deepEqual(lines(findings), [2, 3, 4]);
    assert.equal(
      findings[0].message,
      '`spawn` with `shell` on runs a command built from a template with `${…}` as shell code. Drop the `shell` option and pass arguments as an array.',
    );
    assert.equal(covered(text, findings[1]), 'pattern');
    assert.match(findings[1].message, /^`execFile` with `shell` on runs an argument built from a variable \(`pattern`\) as shell code\./);
    assert.match(findings[2].message, /^`spawn` runs a shell script \(`-c`\) built from a template/);
  });

  it('reports shelljs exec', () => {
    const text = ["const shell = require('shelljs');", 'shell.exec(`git checkout ${ref}`);'].join('\n');
    assert.deepEqual(lines(run(rule, 'a.js', text)), [2]);
  });

  it('accepts constant commands, escaped substitutions and argument arrays without a shell', () => {
    const text = [
      "import { exec, execSync, execFile, spawn } from 'node:child_process';",
      "import { quote } from 'shell-quote';",
      "const STATUS = 'git status --porcelain';",
      "const LOG = `git log -n ${10}`;",
      "exec('ls -la', done);",
      'execSync(STATUS);',
      'execSync(LOG);',
      "execSync('git ' + 'fetch');",
      'execSync(`git checkout ${quote([branch])}`);',
      "execSync(`ls ${verbose ? '-la' : '-l'}`);",
      "execFile('git', ['log', userArg], done);",
      "spawn('convert', [input, output], { stdio: 'inherit' });",
      "spawn('npm', ['run', script], { shell: false });",
      "spawn('sh', ['-c', 'npm ci && npm test']);",
    ].join('\n');
    assert.deepEqual(run(rule, 'a.ts', text), []);
  });

  it('takes a path joined from constants for a constant, and one joined from anything else for input (@nestjs/cli)', () => {
    const constant = [
      "import { spawn } from 'child_process';",
      "import * as path from 'node:path';",
      "import { join } from 'path';",
      "const bin = join('node_modules', '.bin', process.platform === 'win32' ? 'observe.cmd' : 'observe');",
      "spawn(bin, ['link'], { shell: process.platform === 'win32' });",
      "spawn(path.join('scripts', 'build.sh'), [], { shell: true });",
    ].join('\n');
    assert.deepEqual(run(rule, 'lib/utils/observe-link.ts', constant), []);
    const dynamic = [
      "import { execSync } from 'child_process';",
      "import * as path from 'path';",
      "import { join } from 'node:path';",
      "execSync(join('node_modules', '.bin', tool));",
      'execSync(path.join(...parts));',
      "execSync(path.resolve('bin', 'run'));",
      "execSync(join('bin', 'run') + ' ' + userArg);",
      "execSync(other.join('bin', 'run'));",
    ].join('\n');
    assert.deepEqual(lines(run(rule, 'lib/run.ts', dynamic)), [4, 5, 6, 7, 8]);
  });

  it('ignores exec methods that are not child_process', () => {
    const text = [
      'const match = /(\\d+)-(\\d+)/.exec(input);',
      'const result = pattern.exec(`${prefix}${line}`);',
      'await db.exec(`CREATE TABLE ${name} (id INTEGER)`);',
      'function exec(cmd) { return queue.push(cmd); }',
      'exec(`job ${id}`);',
      "const { exec: run } = require('./runner');",
      'run(`task ${id}`);',
    ].join('\n');
    assert.deepEqual(run(rule, 'a.js', text), []);
  });

  it('respects scope: a shadowing parameter is not the imported function', () => {
    const text = [
      "import { exec } from 'child_process';",
      'export function runWith(exec: (command: string) => void, target: string) {',
      '  exec(`deploy ${target}`);',
      '}',
      'exec(`deploy ${target}`);',
    ].join('\n');
    assert.deepEqual(lines(run(rule, 'a.ts', text)), [5]);
  });

  it('judges every copy of a block in a 5,000-line file as it judges one copy (its speed: bench/rule-cost)', () => {
    const block = [
      "import { execFile } from 'child_process';",
      'export function status$N(dir: string) {',
      "  execFile('git', ['status', dir], (error, stdout) => console.log(stdout));",
      '  const match = /x/.exec(dir);',
      '}',
    ].join('\n');
    assertSameAtScale(rule, 'big.ts', block, 5000);
  });
});
