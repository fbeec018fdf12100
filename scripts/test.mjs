// `npm test`: builds, runs the unit suite (plain Node) and the integration suite (inside code-server's
// real VS Code), and ends with one line `N passed, N failed` for the whole run.
//   --unit          unit tests only
//   --integration   integration tests only
//   --grep PATTERN  only tests whose title matches (both suites)
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Mocha from 'mocha';
import { runIntegration } from './vscode-host.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
// Tests make real git repositories; a fresh machine may have no git identity configured.
for (const [key, value] of Object.entries({
  GIT_AUTHOR_NAME: 'Comprehension Test',
  GIT_AUTHOR_EMAIL: 'test@comprehension.invalid',
  GIT_COMMITTER_NAME: 'Comprehension Test',
  GIT_COMMITTER_EMAIL: 'test@comprehension.invalid',
})) {
  process.env[key] ??= value;
}
const argv = process.argv.slice(2);
const only = argv.includes('--unit') ? 'unit' : argv.includes('--integration') ? 'integration' : 'all';
const grepIndex = argv.indexOf('--grep');
const grep = grepIndex >= 0 ? argv[grepIndex + 1] : undefined;
// --out DIR (unit only): transpile into a private folder and leave dist/ alone.
const outIndex = argv.indexOf('--out');
const privateOut = outIndex >= 0 ? argv[outIndex + 1] : undefined;
const outDir = privateOut ?? 'out';

function build() {
  const extra = privateOut ? ['--transpile-only', '--out', privateOut] : [];
  const result = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), ...extra], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('build failed');
}

function listTests(dir) {
  const out = [];
  let names = [];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names.sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listTests(path));
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

async function runUnit() {
  // forbidOnly: a stray `.only` would silently run one test and pass the suite.
  const mocha = new Mocha({ reporter: 'spec', timeout: 20000, grep, forbidOnly: true });
  for (const file of listTests(join(resolve(root, outDir), 'test/unit'))) mocha.addFile(file);
  return new Promise((resolve) => {
    const runner = mocha.run(() => resolve({ passed: runner.stats?.passes ?? 0, failed: runner.stats?.failures ?? 0 }));
  });
}

let passed = 0;
let failed = 0;
try {
  build();
  if (only !== 'integration') {
    const unit = await runUnit();
    console.log(`unit: ${unit.passed} passed, ${unit.failed} failed`);
    passed += unit.passed;
    failed += unit.failed;
  }
  if (only !== 'unit') {
    const integration = await runIntegration({ grep });
    console.log(`integration: ${integration.passed} passed, ${integration.failed} failed`);
    passed += integration.passed;
    failed += integration.failed;
  }
} catch (error) {
  console.error(`test run failed: ${error instanceof Error ? error.stack : error}`);
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
