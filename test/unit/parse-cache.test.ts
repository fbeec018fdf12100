import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { ts } from 'ts-morph';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { changedSpan, ParseCache, parseForRules } from '../../src/core/check/parse-cache';

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

/** Nodes whose `parent` is not the node that `forEachChild` reached them from (empty when all agree). */
function misparented(root: ts.Node): string[] {
  const wrong: string[] = [];
  const pending: ts.Node[] = [root];
  while (pending.length > 0) {
    const node = pending.pop()!;
    ts.forEachChild(node, (child) => {
      if (child.parent !== node) wrong.push(`${ts.SyntaxKind[child.kind]}@${child.pos}`);
      pending.push(child);
    });
  }
  return wrong;
}

/** This project's own source files: real TypeScript of every shape the rules meet. */
function projectSources(): string[] {
  const root = join(__dirname, '../../../src/core');
  const paths: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(folder, entry.name));
      else if (entry.name.endsWith('.ts')) paths.push(join(folder, entry.name));
    }
  };
  walk(root);
  return paths;
}

describe('parseForRules', () => {
  it('gives every node the parent TypeScript\'s own setParentNodes gives it, on real files and JSX', () => {
    const sources = projectSources();
    assert.ok(sources.length > 100, 'the project\'s sources were found');
    const inputs: [string, string, ts.ScriptKind][] = sources.map((path) => [path, readFileSync(path, 'utf8'), ts.ScriptKind.TS]);
    inputs.push(['view.tsx', 'export const View = ({ items }: Props) => <ul>{items.map((item) => <li key={item.id} {...item}>{item.name}</li>)}</ul>;', ts.ScriptKind.TSX]);
    inputs.push(['old.js', 'var self = this; module.exports = function (a, b) { label: for (;;) { if (a) break label; } return b ? `x${a}` : /re/g; };', ts.ScriptKind.JS]);
    for (const [path, text, kind] of inputs) {
      const ours = parseForRules(path, text, kind);
      assert.deepEqual(misparented(ours), [], path);
      // The same trees node for node, so the same parents as TypeScript's pass gives.
      const theirs = ts.createSourceFile(path, text, { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone }, true, kind);
      assert.equal(dump(ours, ours), dump(theirs, theirs), path);
    }
  });

  it('binds the parents of a tree deeper than the call stack allows a recursion', () => {
    // `1 + 1 + …` nests each `+` in the left operand of the next: a tree 20,000 deep.
    const text = `export const sum = ${Array.from({ length: 20_000 }, () => '1').join(' + ')};`;
    const tree = parseForRules('deep.ts', text, ts.ScriptKind.TS);
    assert.deepEqual(misparented(tree), []);
  });
});

describe('changedSpan', () => {
  it('finds the span a character-by-character comparison finds, across whole chunks and their edges', () => {
    const naive = (before: string, after: string) => {
      const max = Math.min(before.length, after.length);
      let start = 0;
      while (start < max && before[start] === after[start]) start++;
      let suffix = 0;
      while (suffix < max - start && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++;
      return { start, oldEnd: before.length - suffix, newEnd: after.length - suffix };
    };
    // Texts of a few thousand characters from a small alphabet (long common runs, repeats on both
    // sides of the edit) with one edit anywhere, chunk edges included.
    const text = fc.tuple(fc.stringMatching(/^[ab\n]{1,8}$/), fc.nat(700)).map(([unit, times]) => unit.repeat(times));
    const inserted = fc.tuple(fc.stringMatching(/^[ab\n]{0,4}$/), fc.nat(600)).map(([unit, times]) => unit.repeat(times));
    fc.assert(
      fc.property(text, fc.nat(), fc.nat(3000), inserted, (before, at, remove, insert) => {
        const start = at % (before.length + 1);
        const after = before.slice(0, start) + insert + before.slice(start + remove);
        assert.deepEqual(changedSpan(before, after), naive(before, after));
        assert.deepEqual(changedSpan(after, before), naive(after, before));
      }),
      { numRuns: 300 },
    );
    // Every edge of a chunk: texts of one repeated character around its multiples, edited at each edge.
    for (const length of [1023, 1024, 1025, 2047, 2048, 2049, 3072, 3073]) {
      const before = 'a'.repeat(length);
      for (const at of [0, 1, 1023, 1024, 1025, 2048, length - 1, length]) {
        for (const [remove, insert] of [[0, 'a'], [0, 'b'], [1, ''], [1, 'b'], [2, 'aa'], [0, 'a'.repeat(1024)]] as const) {
          const start = Math.min(at, length);
          const after = before.slice(0, start) + insert + before.slice(start + remove);
          assert.deepEqual(changedSpan(before, after), naive(before, after), `${length} ${at} ${remove} ${insert.length}`);
          assert.deepEqual(changedSpan(after, before), naive(after, before), `${length} ${at} ${remove} ${insert.length} reversed`);
        }
      }
    }
  });
});

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
          assert.deepEqual(misparented(incremental), []);
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
