import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { diffLines, unifiedDiff } from '../../src/core/text/diff';

/** Rebuilds b from a and the runs: proves the runs describe the change completely. */
function apply(a: string[], b: string[], runs: ReturnType<typeof diffLines>): string[] {
  const out: string[] = [];
  for (const run of runs) {
    if (run.kind === 'equal') {
      assert.deepEqual(a.slice(run.aStart, run.aEnd), b.slice(run.bStart, run.bEnd));
      out.push(...a.slice(run.aStart, run.aEnd));
    } else if (run.kind === 'insert') out.push(...b.slice(run.bStart, run.bEnd));
  }
  return out;
}

describe('diff', () => {
  it('finds a one-line change in the middle', () => {
    const runs = diffLines(['a', 'b', 'c'], ['a', 'x', 'c']);
    assert.deepEqual(
      runs.map((r) => r.kind),
      ['equal', 'delete', 'insert', 'equal'],
    );
  });

  it('reconstructs the second text from the first for any pair', () => {
    const line = fc.constantFrom('a', 'b', 'c', 'd', '');
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.array(line, { maxLength: 30 }), (a, b) => {
        assert.deepEqual(apply(a, b, diffLines(a, b)), b);
      }),
    );
  });

  it('finds a minimal edit count on small inputs', () => {
    const runs = diffLines(['a', 'b', 'c', 'a', 'b', 'b', 'a'], ['c', 'b', 'a', 'b', 'a', 'c']);
    const edits = runs.filter((r) => r.kind !== 'equal').reduce((n, r) => n + (r.aEnd - r.aStart) + (r.bEnd - r.bStart), 0);
    assert.equal(edits, 5);
  });

  it('writes a unified diff with context', () => {
    const text = unifiedDiff('one\ntwo\nthree\nfour', 'one\n2\nthree\nfour');
    assert.equal(text, '@@ -1,4 +1,4 @@\n one\n-two\n+2\n three\n four');
    assert.equal(unifiedDiff('same', 'same'), '');
  });
});
