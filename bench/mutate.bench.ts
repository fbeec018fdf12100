import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { round } from './support';
import { ProvenanceLedger } from '../src/core/provenance/ledger';
import { runMutationTesting } from '../src/core/mutate/run';
import { parseMutationReport } from '../src/core/mutate/results';
import { configModuleText, defaultOptions, resolveInstalledPackage, runFolders, runOverrides, runStryker, STRYKER_CORE } from '../src/core/mutate/stryker';

/**
 * `comprehension mutate` on a 40-line AI block of a 170-line module with a mocha suite of 50 tests,
 * against Stryker on the whole file, in the same run with the same Stryker, runner and concurrency.
 * The runs alternate (mutate, whole file, whole file, mutate) so neither always runs on a cold or a
 * warm machine; each figure is the mean of its two runs.
 */

const FUNCTIONS = 20;
/** Lines per generated function, blank line included: 5 functions make the 40-line AI block. */
const FUNCTION_LINES = 8;
const AI_FIRST_FUNCTION = 8;
const AI_FUNCTIONS = 5;

function pricingModule(): { text: string; aiStart: number; aiEnd: number } {
  const lines = ["'use strict';", '// Pricing rules, one function per product line.', ''];
  let aiStart = 0;
  let aiEnd = 0;
  for (let i = 0; i < FUNCTIONS; i++) {
    if (i === AI_FIRST_FUNCTION) aiStart = lines.length + 1;
    lines.push(
      `function price${i}(unitPrice, quantity) {`,
      `  if (quantity >= ${10 + i} && unitPrice > ${i}) {`,
      `    return Math.round(unitPrice * quantity * 0.9);`,
      '  }',
      `  const total = unitPrice * quantity + ${i};`,
      `  return total > ${1000 + i} ? total - ${i} : total;`,
      '}',
      '',
    );
    if (i === AI_FIRST_FUNCTION + AI_FUNCTIONS - 1) aiEnd = lines.length;
  }
  lines.push(`module.exports = { ${Array.from({ length: FUNCTIONS }, (_, i) => `price${i}`).join(', ')} };`, '');
  return { text: lines.join('\n'), aiStart, aiEnd };
}

/** Two tests per function and a third for every other one: 50 tests, some boundaries pinned, some not. */
function pricingTests(): { text: string; count: number } {
  const out = ["const assert = require('assert');", "const pricing = require('../src/pricing');", "describe('pricing', () => {"];
  let count = 0;
  for (let i = 0; i < FUNCTIONS; i++) {
    out.push(`  it('price${i}: bulk discount', () => assert.strictEqual(pricing.price${i}(100, ${20 + i}), Math.round(100 * ${20 + i} * 0.9)));`);
    out.push(`  it('price${i}: small order', () => assert.strictEqual(pricing.price${i}(${i + 2}, 1), ${i + 2 + i}));`);
    count += 2;
    if (i % 2 === 0) {
      out.push(`  it('price${i}: large total', () => assert.ok(pricing.price${i}(500, 3) > 0));`);
      count++;
    }
  }
  out.push('});', '');
  return { text: out.join('\n'), count };
}

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

async function wholeFileRun(root: string, path: string, concurrency: number): Promise<{ ms: number; mutants: number; survived: number }> {
  const from = [root, __dirname];
  const core = resolveInstalledPackage(STRYKER_CORE, from)!;
  const plugin = resolveInstalledPackage('@stryker-mutator/mocha-runner', from);
  const temp = mkdtempSync(join(tmpdir(), 'cf-bench-whole-'));
  try {
    const folders = runFolders(temp);
    const overrides = { ...runOverrides([], folders), mutate: [path], concurrency };
    writeFileSync(folders.configFile, configModuleText(root, { options: defaultOptions({ kind: 'default', runner: 'mocha', plugin: plugin?.name }, plugin) }, overrides));
    const started = performance.now();
    const exit = await runStryker({ root, core, configFile: folders.configFile });
    const ms = performance.now() - started;
    if (exit.kind !== 'finished' || exit.exitCode !== 0) throw new Error(`whole-file Stryker failed: ${JSON.stringify(exit)}`);
    const file = parseMutationReport(JSON.parse(readFileSync(folders.reportFile, 'utf8'))).get(path)!;
    return { ms, mutants: file.mutants.length, survived: file.mutants.filter((m) => m.status === 'Survived' || m.status === 'NoCoverage').length };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

async function mutateRun(root: string, concurrency: number): Promise<{ ms: number; mutants: number; survived: number; score: number | null }> {
  const started = performance.now();
  const outcome = await runMutationTesting(root, { ownFolder: __dirname, concurrency });
  const ms = performance.now() - started;
  if (outcome.kind !== 'done' || outcome.results.length !== 1) throw new Error(`mutate failed: ${JSON.stringify(outcome)}`);
  const { counts, score } = outcome.results[0];
  return { ms, mutants: counts.killed + counts.timeout + counts.survived + counts.noCoverage + counts.errors, survived: counts.survived + counts.noCoverage, score };
}

export async function run(): Promise<object> {
  const root = mkdtempSync(join(tmpdir(), 'cf-bench-mutate-'));
  try {
    const module = pricingModule();
    const tests = pricingTests();
    write(root, 'package.json', JSON.stringify({ name: 'bench', version: '1.0.0', scripts: { test: 'mocha' }, devDependencies: { mocha: '^11.0.0' } }));
    write(root, '.mocharc.json', JSON.stringify({ spec: ['test/**/*.test.js'] }));
    write(root, 'src/pricing.js', module.text);
    write(root, 'test/pricing.test.js', tests.text);
    execFileSync('git', ['init', '-q'], { cwd: root });
    await ProvenanceLedger.forWorkspace(root).recordAgentEdit('src/pricing.js', module.text, [
      { startLine: module.aiStart, endLine: module.aiEnd, agent: 'bench', source: 'agent-write' },
    ]);
    const concurrency = Math.min(2, availableParallelism());
    const mutate1 = await mutateRun(root, concurrency);
    const whole1 = await wholeFileRun(root, 'src/pricing.js', concurrency);
    const whole2 = await wholeFileRun(root, 'src/pricing.js', concurrency);
    const mutate2 = await mutateRun(root, concurrency);
    const mean = (a: number, b: number) => (a + b) / 2;
    const mutateMs = mean(mutate1.ms, mutate2.ms);
    const wholeMs = mean(whole1.ms, whole2.ms);
    return {
      fileLines: module.text.split('\n').length - 1,
      aiBlockLines: module.aiEnd - module.aiStart + 1,
      tests: tests.count,
      concurrency,
      stryker: resolveInstalledPackage(STRYKER_CORE, [root, __dirname])?.version,
      mutate: { meanMs: Math.round(mutateMs), runsMs: [mutate1.ms, mutate2.ms].map(Math.round), mutants: mutate1.mutants, surviving: mutate1.survived, score: mutate1.score },
      wholeFile: { meanMs: Math.round(wholeMs), runsMs: [whole1.ms, whole2.ms].map(Math.round), mutants: whole1.mutants, surviving: whole1.survived },
      timeRatio: round(mutateMs / wholeMs, 3),
      mutantRatio: round(mutate1.mutants / whole1.mutants, 3),
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
