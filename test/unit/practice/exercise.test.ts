import * as assert from 'node:assert/strict';
import { compareExercise, tokenize, tokenSimilarity } from '../../../src/core/practice/exercise';

const ORIGINAL = `export async function fetchWithRetry(url: string, attempts = 3): Promise<Response> {
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      return await fetch(url, { signal: AbortSignal.timeout(5000) });
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 2 ** attempt * 100));
    }
  }
  throw lastError;
}`;

describe('practice: exercise', () => {
  it('scores an identical attempt 1, whatever its layout and comments', () => {
    const reformatted = ORIGINAL.replace(/\n\s*/g, '\n      ').replace('let lastError', '// remember the failure\n let lastError');
    assert.equal(tokenSimilarity(ORIGINAL, reformatted, 'typescript'), 1);
  });

  it('sees through renamed identifiers in the structural score only', () => {
    const renamed = ORIGINAL.replace(/lastError/g, 'failure').replace(/attempts/g, 'tries').replace(/\battempt\b/g, 'i');
    const result = compareExercise({
      blockId: 'blk-7',
      file: 'src/net.ts',
      original: ORIGINAL,
      attempt: renamed,
      startedAt: Date.UTC(2025, 5, 10, 9, 0),
      finishedAt: Date.UTC(2025, 5, 10, 9, 6),
      languageId: 'typescript',
    });
    assert.ok(result.similarity < 0.95, String(result.similarity));
    assert.equal(result.structuralSimilarity, 1);
    assert.deepEqual(result.record, { blockId: 'blk-7', file: 'src/net.ts', at: Date.UTC(2025, 5, 10, 9, 6), similarity: Math.round(result.similarity * 1000) / 1000, durationSeconds: 360 });
    assert.ok(result.diff.includes('-  let lastError: unknown;'));
    assert.ok(result.diff.includes('+  let failure: unknown;'));
    assert.match(result.summary, /^\d+% similar \(100% ignoring names\); \d+ of 12 lines kept; 6 min$/);
  });

  it('scores a different implementation low and a partial one in between', () => {
    const different = `export function sum(values: number[]): number {\n  return values.reduce((a, b) => a + b, 0);\n}`;
    const partial = ORIGINAL.replace(/\s*try \{[\s\S]*?\n    \}\n/, '\n');
    const low = tokenSimilarity(ORIGINAL, different, 'typescript');
    const middle = tokenSimilarity(ORIGINAL, partial, 'typescript');
    assert.ok(low < 0.3, String(low));
    assert.ok(middle > low && middle < 1, String(middle));
  });

  it('counts kept, added and removed lines ignoring indentation and blank lines', () => {
    const attempt = ORIGINAL.replace('  throw lastError;', '\n\n  console.error(lastError);\n  throw lastError;').replace(/^ {2}/gm, '\t');
    const result = compareExercise({ blockId: 'b', file: 'f', original: ORIGINAL, attempt, startedAt: 0, finishedAt: 45_000 });
    assert.deepEqual(result.lines, { original: 12, attempt: 13, same: 12, added: 1, removed: 0 });
    assert.match(result.summary, /45 s$/);
  });

  it('handles empty input', () => {
    assert.equal(tokenSimilarity('', ''), 1);
    assert.equal(tokenSimilarity('x = 1', ''), 0);
  });

  it('tokenizes strings, numbers and operators, and # comments only where # means a comment', () => {
    assert.deepEqual(tokenize('a === "x, y" && b >= 0x1F // done'), ['a', '===', '"x, y"', '&&', 'b', '>=', '0x1F']);
    assert.deepEqual(tokenize('total += 2  # running sum', 'python'), ['total', '+=', '2']);
    assert.deepEqual(tokenize('this.#count++', 'javascript'), ['this', '.', '#', 'count', '++']);
    assert.deepEqual(tokenize('s = """doc\nstring"""', 'python'), ['s', '=', '"""doc\nstring"""']);
  });
});
