import { evaluate } from '../src/core/check/engine';
import { defaultPolicy } from '../src/core/policy/policy';
import { BUILTIN_RULES } from '../src/core/rules/index';
import { secretsHardcodedSecret } from '../src/core/rules/secrets/hardcoded-secret';
import type { Rule } from '../src/core/rules/rule';
import { LineIndex } from '../src/core/text/line-index';
import { percentile, round, syntheticTypeScript } from './support';

/**
 * Inputs written to make a rule's regular expressions or walks blow up (backtracking, alias
 * expansion), timed per megabyte against ordinary text of the same rule in the same run. A linear
 * rule costs about the same per megabyte on both; catastrophic backtracking costs orders of
 * magnitude more. The unit tests only check these inputs finish with the right answer: timings
 * belong here (the goal the secrets tests once asserted with a 1.5 s timer).
 */

const RUNS = 5;
/** A linear scan may be a few times slower per megabyte on a pathological input; backtracking is hundreds of times. */
const GOAL_RATIO = 20;

/** Each pattern at about 200 KB: prefixes that start a match and never finish it. */
export const ADVERSARIAL_SECRETS: Readonly<Record<string, string>> = {
  'JWT header, no end': 'eyJ' + 'a'.repeat(200_000),
  'JWT-like segments': ('eyJhbGciOiJIUzI1NiJ9.eyJ' + 'b'.repeat(50)).repeat(4000),
  'Slack prefix, digits': 'xoxb-' + '1'.repeat(200_000),
  'key headers only': '-----BEGIN RSA PRIVATE KEY-----'.repeat(6_500),
  'connection string, colons': 'postgres://' + 'a:'.repeat(100_000),
  'unterminated assignment': 'token = "' + 'k'.repeat(200_000),
  'keywords only': 'password'.repeat(25_000),
  'colon pairs': ':AA'.repeat(60_000),
  'base64 JWT prefix': 'ZXlK' + 'A'.repeat(200_000),
  'Azure secret infix': 'x Q~'.repeat(50_000),
  'placeholder then spaces': '<token>' + ' '.repeat(200_000),
  'names and colons': 'a_TOKEN :::'.repeat(18_000),
  'Discord, no dot': 'discord ' + 'M'.repeat(200_000),
};

/** A workflow whose aliases expand to 9^5 steps if a reader resolved them. */
export const ALIAS_BOMB = [
  'on: push',
  'a: &a ["x","x","x","x","x","x","x","x","x"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  'jobs:',
  '  j:',
  '    steps: *e',
].join('\n');

const ORDINARY_WORKFLOW = [
  'on: [push, pull_request]',
  'permissions: { contents: read }',
  'jobs:',
  '  build:',
  '    runs-on: ubuntu-latest',
  '    steps:',
  '      - uses: actions/checkout@8e5e7e5ab8b370d6c329ec480221332ada57f0ab',
  '      - run: npm ci && npm test',
  '        env: { CI: "true" }',
].join('\n');

function msPerMegabyte(text: string, run: (text: string) => void): number {
  run(text);
  const samples: number[] = [];
  for (let index = 0; index < RUNS; index++) {
    const started = performance.now();
    run(text);
    samples.push(performance.now() - started);
  }
  return percentile(samples, 50) / (text.length / (1024 * 1024));
}

export async function run(): Promise<Record<string, unknown>> {
  const secrets = (text: string): void => {
    secretsHardcodedSecret.check({ path: 'dist/x.js', text, lines: new LineIndex(text), options: { ...secretsHardcodedSecret.defaultOptions }, dependencies: { allow: [], deny: [] } });
  };
  const ordinarySecrets = msPerMegabyte(syntheticTypeScript(5000), secrets);
  const results: Record<string, unknown> = { secretsOnOrdinaryCode: { msPerMegabyte: round(ordinarySecrets) } };
  const over: string[] = [];
  const perInput: Record<string, { kilobytes: number; msPerMegabyte: number; toOrdinary: number }> = {};
  for (const [name, text] of Object.entries(ADVERSARIAL_SECRETS)) {
    const ms = msPerMegabyte(text, secrets);
    perInput[name] = { kilobytes: round(text.length / 1024, 0), msPerMegabyte: round(ms), toOrdinary: round(ms / ordinarySecrets) };
    if (ms / ordinarySecrets > GOAL_RATIO) over.push(`secrets: ${name}`);
  }
  results.secretsOnAdversarialInputs = perInput;

  const workflowRules = BUILTIN_RULES.filter((rule: Rule) => rule.id.startsWith('workflows/'));
  const policy = defaultPolicy();
  const workflows = (text: string): void => {
    evaluate('.github/workflows/ci.yml', text, { policy, rules: workflowRules });
  };
  // Both files are a few hundred bytes: compared per file, not per megabyte.
  const ordinaryWorkflow = msPerMegabyte(ORDINARY_WORKFLOW, workflows) * (ORDINARY_WORKFLOW.length / (1024 * 1024));
  const bomb = msPerMegabyte(ALIAS_BOMB, workflows) * (ALIAS_BOMB.length / (1024 * 1024));
  results.workflowAliasBomb = { bytes: ALIAS_BOMB.length, ms: round(bomb, 3), ordinaryWorkflowMs: round(ordinaryWorkflow, 3), toOrdinary: round(bomb / ordinaryWorkflow) };
  if (bomb / ordinaryWorkflow > GOAL_RATIO) over.push('workflows: alias bomb');
  results.goal = { goal: `every adversarial input <= ${GOAL_RATIO}x the same rules on ordinary text (per megabyte; the alias bomb per file)`, over, goalMet: over.length === 0 };
  return results;
}
