import { join } from 'node:path';
import { cli, git, tempRepo, write } from '../cli/run-cli';

/**
 * A small repository for the mutation tests: a retry module whose middle (lines 6-15) an AI wrote,
 * between human code that no test touches (so mutating beyond the AI lines would show at once as
 * uncovered mutants there), and a mocha suite that is weak (passes for many mutants) or strong
 * (kills every mutant of the AI lines).
 */

/** The module; the AI block is {@link AI_LINES}. */
export const RETRY_SOURCE = [
  "'use strict';", // 1
  '// Human: nobody tests this, so any mutant here would be uncovered.', // 2
  'function describeStatus(status) {', // 3
  "  return status >= 500 ? 'server error' : 'other';", // 4
  '}', // 5
  'function shouldRetry(attempt, status) {', // 6 (AI from here)
  '  if (status >= 500 && attempt <= 3) {', // 7
  '    return true;', // 8
  '  }', // 9
  '  return false;', // 10
  '}', // 11
  'function backoffMs(attempt) {', // 12
  '  return Math.min(100 * 2 ** attempt, 5000);', // 13
  '}', // 14
  'const RETRYABLE = shouldRetry;', // 15 (AI to here)
  'function unusedHuman(a, b) {', // 16
  '  return a > b ? a - b : b - a;', // 17
  '}', // 18
  'module.exports = { shouldRetry, backoffMs, describeStatus, unusedHuman, RETRYABLE };', // 19
  '',
].join('\n');

/** The AI block's lines in {@link RETRY_SOURCE}. */
export const AI_LINES: [number, number] = [6, 15];

/** Tests that run the AI code but check little: several mutants of it survive. */
export const WEAK_TESTS = `const assert = require('assert');
const { shouldRetry, backoffMs } = require('../src/retry');
describe('retry', () => {
  it('retries a 503 on the first attempt', () => assert.strictEqual(shouldRetry(1, 503), true));
  it('backs off', () => assert.ok(backoffMs(1) > 0));
});
`;

/** Tests that pin every boundary of the AI code: no mutant of it survives. */
export const STRONG_TESTS = `const assert = require('assert');
const { shouldRetry, backoffMs, RETRYABLE } = require('../src/retry');
describe('retry', () => {
  it('retries server errors up to the third attempt', () => {
    assert.strictEqual(shouldRetry(3, 500), true);
    assert.strictEqual(shouldRetry(4, 500), false);
    assert.strictEqual(shouldRetry(1, 499), false);
    assert.strictEqual(shouldRetry(4, 499), false);
    assert.strictEqual(RETRYABLE, shouldRetry);
  });
  it('doubles the backoff up to a cap', () => {
    assert.strictEqual(backoffMs(1), 200);
    assert.strictEqual(backoffMs(2), 400);
    assert.strictEqual(backoffMs(10), 5000);
  });
});
`;

/**
 * A git repository in a temp folder with the module, the given tests, mocha declared in
 * package.json (no node_modules: Stryker's mocha runner brings mocha from beside the CLI), and the
 * AI block recorded with `comprehension mark`. Returns the root.
 */
export async function mutationFixture(tests: string, options: { strykerConfig?: string; packageJson?: object } = {}): Promise<string> {
  const root = tempRepo('cf-mutate-');
  write(root, 'package.json', JSON.stringify(options.packageJson ?? { name: 'fixture', version: '1.0.0', scripts: { test: 'mocha' }, devDependencies: { mocha: '^11.0.0' } }, null, 2));
  write(root, '.mocharc.json', JSON.stringify({ spec: ['test/**/*.test.js'] }));
  write(root, 'src/retry.js', RETRY_SOURCE);
  write(root, 'test/retry.test.js', tests);
  if (options.strykerConfig !== undefined) write(root, 'stryker.config.json', options.strykerConfig);
  const marked = await cli(root, ['mark', '--file', join('src', 'retry.js'), '--lines', `${AI_LINES[0]}-${AI_LINES[1]}`, '--agent', 'claude-code']);
  if (marked.code !== 0) throw new Error(`mark failed: ${marked.stderr}`);
  git(root, ['add', '-A']);
  git(root, ['commit', '-qm', 'fixture']);
  return root;
}
