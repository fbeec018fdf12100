import * as assert from 'node:assert/strict';
import { CATALOGUE, mutatorOf, type DefectKind } from '../../../src/core/drills/catalogue';
import { findDrillSites, hintsFor, orderSites, parseForDrill, plantSite, sameSyntax, syntaxErrors } from '../../../src/core/drills/plant';

/** Real-looking AI code: one snippet per defect kind, each with exactly the construct the kind plants into. */
const SNIPPETS: Record<DefectKind, { code: string; planted: string }> = {
  'off-by-one': {
    code: 'export function shouldRetry(attempt: number): boolean {\n  return attempt <= 3;\n}\n',
    planted: 'attempt < 3',
  },
  'inverted-condition': {
    code: 'export function label(user: { admin: boolean }): string {\n  if (user.admin) {\n    return "admin";\n  }\n  return "member";\n}\n',
    planted: 'if (!(user.admin))',
  },
  'missing-await': {
    code: 'export async function load(read: () => Promise<string>): Promise<number> {\n  const text = await read();\n  return text.length;\n}\n',
    planted: 'const text = read();',
  },
  'swapped-arguments': {
    code: 'export function middle(text: string, from: number, to: number): string {\n  return text.slice(from, to);\n}\n',
    planted: 'text.slice(to, from)',
  },
  'timeout-unit': {
    code: 'export function later(run: () => void): void {\n  setTimeout(run, 5000);\n}\n',
    planted: 'setTimeout(run, 5)',
  },
  'dropped-null-check': {
    code: 'export function nameOf(user?: { name: string }): string {\n  if (!user) return "anonymous";\n  return user.name;\n}\n',
    planted: 'string {\n  \n  return user.name;',
  },
  'swallowed-error': {
    code: 'export function parse(text: string): unknown {\n  try {\n    return JSON.parse(text);\n  } catch (error) {\n    throw new Error(`bad JSON: ${String(error)}`);\n  }\n}\n',
    planted: 'catch (error) {}',
  },
};

describe('drill catalogue', () => {
  for (const mutator of CATALOGUE) {
    it(`${mutator.kind}: finds its site in real code, plants a file that still parses, and describes the change`, () => {
      const { code, planted } = SNIPPETS[mutator.kind];
      const sourceFile = parseForDrill('snippet.ts', code)!;
      const sites = mutator.findSites(sourceFile, { startLine: 1, endLine: 100 });
      assert.ok(sites.length >= 1, `no ${mutator.kind} site`);
      const site = sites[0];
      const text = plantSite(code, site);
      assert.ok(text.includes(planted), `planted text lacks ${planted}:\n${text}`);
      assert.notEqual(text, code);
      assert.equal(syntaxErrors(parseForDrill('snippet.ts', text)!), 0, `planted file does not parse:\n${text}`);
      assert.ok(site.description.length > 0 && site.symptom.length > 0);
      assert.equal(site.kind, mutator.kind);
      assert.ok(site.line >= 1 && site.line <= code.split('\n').length);
    });
  }

  it('finds no site outside the line range (the AI block) even when the file has some', () => {
    const code = `${SNIPPETS['off-by-one'].code}\nexport const limit = 2;\n`;
    assert.equal(findDrillSites('a.ts', code, { startLine: 5, endLine: 5 }).length, 0);
    assert.ok(findDrillSites('a.ts', code, { startLine: 1, endLine: 3 }).some((site) => site.kind === 'off-by-one'));
  });

  it('does not swap equal arguments or treat a plain number as a duration', () => {
    const code = 'export function f(a: number): number {\n  const count = 5000;\n  return Math.max(a, a) + count;\n}\n';
    const kinds = findDrillSites('a.ts', code, { startLine: 1, endLine: 4 }).map((site) => site.kind);
    assert.ok(!kinds.includes('swapped-arguments'));
    assert.ok(!kinds.includes('timeout-unit'));
  });

  it('orders sites deterministically per seed, kinds interleaved', () => {
    const code = Object.values(SNIPPETS).map((snippet) => snippet.code).join('\n');
    const sites = findDrillSites('all.ts', code, { startLine: 1, endLine: 200 });
    const first = orderSites(sites, 7).map((site) => `${site.kind}@${site.start}`);
    assert.deepEqual(orderSites(sites, 7).map((site) => `${site.kind}@${site.start}`), first);
    assert.notDeepEqual(orderSites(sites, 8).map((site) => `${site.kind}@${site.start}`), first);
    assert.equal(new Set(orderSites(sites, 7).slice(0, CATALOGUE.length).map((site) => site.kind)).size, CATALOGUE.length);
  });

  it('gives three graded hints: the function, the kind, the line', () => {
    const site = findDrillSites('a.ts', SNIPPETS['off-by-one'].code, { startLine: 1, endLine: 3 })[0];
    const hints = hintsFor(site, 'a.ts');
    assert.match(hints[0], /shouldRetry\(\)/);
    assert.equal(hints[1], mutatorOf('off-by-one').kindHint);
    assert.match(hints[2], /line 2 of a\.ts/);
    assert.ok(!hints.join(' ').includes('attempt < 3'), 'a hint gave the answer away');
  });

  it('compares syntax ignoring whitespace and comments, but not a changed operator', () => {
    const original = SNIPPETS['off-by-one'].code;
    assert.ok(sameSyntax('a.ts', original, original.replace('return attempt <= 3;', '// fixed\n  return attempt<=3 ;')));
    assert.ok(!sameSyntax('a.ts', original, original.replace('<=', '<')));
    // The cheapest fool: the same tokens inside a comment or a string are not code.
    assert.ok(!sameSyntax('a.ts', original, original.replace('return attempt <= 3;', 'return attempt < 3; // attempt <= 3')));
    const template = 'const a = `x${1 + 2}y`;\n';
    assert.ok(!sameSyntax('t.ts', template, 'const a = `x${1 - 2}y`;\n'));
  });
});
