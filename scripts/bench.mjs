// `npm run bench`: runs every benchmark and writes bench/results/<name>.json.
//  - bench/*.bench.ts: plain Node; each exports `run(): Promise<object>` (ratios against a baseline
//    measured in the same run are part of what it returns);
//  - the host benchmark: extension activation time inside code-server's VS Code;
//  - the .vsix size.
//   --only NAME   run one benchmark (file name without .bench.ts, or "activation", "vsix")
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { runSuite } from './vscode-host.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const resultsDir = join(root, 'bench/results');
const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex >= 0 ? process.argv[onlyIndex + 1] : undefined;
mkdirSync(resultsDir, { recursive: true });

const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
function write(name, results) {
  const path = join(resultsDir, `${name}.json`);
  writeFileSync(path, `${JSON.stringify({ name, date: new Date().toISOString(), machine, results }, null, 2)}\n`);
  console.log(`[bench] ${name}: ${JSON.stringify(results)}`);
  console.log(`[bench] wrote ${path.replace(root, '')}`);
}

const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(1);
// The production bundles, as the .vsix ships them, for the benchmarks that time the CLI and the server (bench/support.ts).
const shipped = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--production', '--dist', 'out/shipped'], { stdio: 'inherit' });
if (shipped.status !== 0) process.exit(1);

let failed = 0;
for (const file of readdirSync(join(root, 'out/bench')).filter((f) => f.endsWith('.bench.js')).sort()) {
  const name = file.replace(/\.bench\.js$/, '');
  if (only && only !== name) continue;
  try {
    const module = require(join(root, 'out/bench', file));
    write(name, await module.run());
  } catch (error) {
    failed++;
    console.error(`[bench] ${name} failed: ${error instanceof Error ? error.stack : error}`);
  }
}

if (!only || only === 'activation') {
  const out = join(resultsDir, 'activation.raw.tmp');
  const runs = [];
  // Three windows, each a cold start of the extension host; the median is reported.
  for (let i = 0; i < 3; i++) {
    try {
      await runSuite({ suitePath: join(root, 'out/bench/host/index.js'), label: 'bench', extraEnv: { COMPREHENSION_BENCH_OUT: out } });
      runs.push(JSON.parse(readFileSync(out, 'utf8')));
    } catch (error) {
      failed++;
      console.error(`[bench] activation run failed: ${error}`);
    }
  }
  if (runs.length) {
    const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
    write('activation', {
      runs: runs.length,
      medianTotalMs: median(runs.map((r) => r.activation.totalMs)),
      medianCodeLoadMs: median(runs.map((r) => r.activation.codeLoadMs)),
      medianActivateCallMs: median(runs.map((r) => r.activation.activateCallMs)),
      medianServerReadyMs: median(runs.map((r) => r.activation.serverReadyMs)),
      medianBaselineTotalMs: median(runs.map((r) => r.baselineMinimalExtension.totalMs)),
      medianRatioToBaseline: median(runs.map((r) => r.ratioToBaseline)),
      vscodeVersion: runs[0].vscodeVersion,
      all: runs,
    });
  }
}

if (!only || only === 'vsix') {
  const packaged = spawnSync('npm', ['run', 'package', '--silent'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (packaged.status !== 0) {
    failed++;
  } else {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const bytes = statSync(join(root, `comprehension-first-${version}.vsix`)).size;
    const dist = ['extension.js', 'server.js', 'cli.js', 'cli-main.js', 'vendor/typescript.js'].map((f) => [f, statSync(join(root, 'dist', f)).size]);
    write('vsix', { bytes, megabytes: Math.round((bytes / 1048576) * 100) / 100, limitMegabytes: 3, shareOfLimit: Math.round((bytes / (3 * 1048576)) * 1000) / 1000, bundles: Object.fromEntries(dist) });
  }
}
process.exit(failed ? 1 : 0);
