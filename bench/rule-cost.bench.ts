import { ts } from 'ts-morph';
import { BUILTIN_RULES } from '../src/core/rules/index';
import type { Rule, RuleContext } from '../src/core/rules/rule';
import { LineIndex } from '../src/core/text/line-index';
import { percentile, round, syntheticTypeScript, syntheticVitestSuite } from './support';

/**
 * Each TypeScript syntax rule on its own (its `check`, its own walk where it has no visitor) on a
 * 5,000-line file, against `ts.createSourceFile` of the same text in the same run: a rule should
 * cost less than the parse it needs (the goal the unit tests once asserted with timers). Two files:
 * a service module (network calls, retries, try/catch, imports) and a vitest suite (doubles,
 * smoke tests, constant assertions) for the testing rules. Median of RUNS after one warm-up run.
 */

const RUNS = 7;

function time(run: () => void): number {
  run();
  const samples: number[] = [];
  for (let index = 0; index < RUNS; index++) {
    const started = performance.now();
    run();
    samples.push(performance.now() - started);
  }
  return percentile(samples, 50);
}

export async function run(): Promise<Record<string, unknown>> {
  const files = { 'src/service.ts': syntheticTypeScript(5000), 'test/service.test.ts': syntheticVitestSuite(5000) };
  const results: Record<string, unknown> = {};
  const over: string[] = [];
  for (const [path, text] of Object.entries(files)) {
    const parse = () => ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const parseMs = time(() => parse());
    const sourceFile = parse();
    const lines = new LineIndex(text);
    const perRule: Record<string, { ms: number; toParse: number }> = {};
    for (const rule of BUILTIN_RULES.filter((candidate: Rule) => candidate.kind === 'syntax')) {
      const context: RuleContext = { path, text, lines, sourceFile, options: { ...(rule.defaultOptions ?? {}) }, dependencies: { allow: [], deny: [] }, inTestPath: path.startsWith('test/') };
      const ms = time(() => rule.check(context));
      perRule[rule.id] = { ms: round(ms), toParse: round(ms / parseMs) };
      if (ms > parseMs) over.push(`${rule.id} on ${path}`);
    }
    results[path] = { lines: 5000, parseMs: round(parseMs), rules: perRule };
  }
  results.goal = { goal: 'every syntax rule alone <= 1x the parse of the file it checks', over, goalMet: over.length === 0 };
  return results;
}
