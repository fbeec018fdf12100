import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { ts } from 'ts-morph';
import { ParseCache } from '../../src/core/check/parse-cache';

/** A structural dump of a tree, to compare an incremental parse with a fresh one. */
function dump(node: ts.Node, sourceFile: ts.SourceFile): string {
  const parts: string[] = [];
  const visit = (child: ts.Node) => {
    parts.push(`${ts.SyntaxKind[child.kind]}@${child.getStart(sourceFile)}-${child.end}`);
    ts.forEachChild(child, visit);
  };
  visit(node);
  return parts.join(' ');
}

describe('ParseCache', () => {
  it('gives the same tree as a fresh parse after any sequence of edits', () => {
    const pieces = ['const a = 1;\n', 'function f(x) { return x + 1; }\n', 'if (a) {\n', '}\n', '"str', '`t${a}`', '/* c */', '\n'];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.nat(20), fc.constantFrom(...pieces)), { minLength: 1, maxLength: 15 }), (edits) => {
        const cache = new ParseCache();
        let text = 'export const start = 0;\nfunction g() {}\n';
        cache.parse('a.ts', text, ts.ScriptKind.TS);
        for (const [at, remove, insert] of edits) {
          const start = at % (text.length + 1);
          text = text.slice(0, start) + insert + text.slice(start + remove);
          const incremental = cache.parse('a.ts', text, ts.ScriptKind.TS);
          const fresh = ts.createSourceFile('a.ts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
          assert.equal(incremental.text, text);
          assert.equal(dump(incremental, incremental), dump(fresh, fresh));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('returns the same tree for the same text', () => {
    const cache = new ParseCache();
    const first = cache.parse('a.ts', 'let x = 1;', ts.ScriptKind.TS);
    assert.equal(cache.parse('a.ts', 'let x = 1;', ts.ScriptKind.TS), first);
  });
});
