import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ts } from 'ts-morph';
import { LspTestClient } from '../test/unit/server/lsp-client';
import { percentile, round, shippedBundle, syntheticTypeScript } from './support';

const ITERATIONS = 60;

/**
 * The language server's diagnostic pull on a 5,000-line TypeScript file after an edit, over its
 * real transport (the production bundle of the server over stdio, as the .vsix ships it), against a bare `ts.createSourceFile` of
 * the same text measured in the same run (TypeScript's defaults: JSDoc parsed). Goal (issue 10): the
 * pull's p95 at most 2x the bare parse's p50.
 */
export async function run(): Promise<Record<string, unknown>> {
  const root = mkdtempSync(join(tmpdir(), 'cf-bench-lsp-'));
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'bench', dependencies: { axios: '1' } }));
  const text = syntheticTypeScript(5000);
  const client = new LspTestClient(shippedBundle('server.js'));
  try {
    await client.initialize(root);
    const uri = client.open(join(root, 'src/service.ts'), text);
    await client.pull(uri); // warm-up: first parse, JIT
    await client.pull(uri);
    const pulls: number[] = [];
    let version = 1;
    let findings = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const line = 100 + ((i * 811) % 4800);
      client.change(uri, ++version, [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: '// edited\n' }]);
      const started = performance.now();
      const report = await client.pull(uri);
      pulls.push(performance.now() - started);
      findings = report.items.length;
    }
    const parses: number[] = [];
    for (let i = 0; i < ITERATIONS + 2; i++) {
      const started = performance.now();
      ts.createSourceFile('service.ts', `${text}\n// ${i}`, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
      if (i >= 2) parses.push(performance.now() - started);
    }
    const pullP50 = percentile(pulls, 50);
    const pullP95 = percentile(pulls, 95);
    const parseP50 = percentile(parses, 50);
    const parseP95 = percentile(parses, 95);
    return {
      fileLines: 5000,
      iterations: ITERATIONS,
      findingsPerPull: findings,
      pullMs: { p50: round(pullP50), p95: round(pullP95) },
      bareParseMs: { p50: round(parseP50), p95: round(parseP95) },
      ratioP95: round(pullP95 / parseP95),
      ratioP50: round(pullP50 / parseP50),
      // Issue 10's goal: the slow pulls against a typical parse, not against the parse's own slow tail.
      ratioPullP95ToParseP50: round(pullP95 / parseP50),
      goal: 'pull p95 <= 2x bare parse p50',
      goalMet: pullP95 / parseP50 <= 2,
    };
  } finally {
    await client.stop();
    rmSync(root, { recursive: true, force: true });
  }
}
