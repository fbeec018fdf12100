import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ts } from 'ts-morph';
import { evaluate, FILE_NOT_CHECKED_RULE_ID, MAX_SYNTAX_DEPTH } from '../../../src/core/check/engine';
import { ParseCache } from '../../../src/core/check/parse-cache';
import { defaultPolicy } from '../../../src/core/policy/policy';
import { BUILTIN_RULES } from '../../../src/core/rules';
import type { Rule } from '../../../src/core/rules/rule';
import { walkTree } from '../../../src/core/rules/shared-syntax/visitor';
import { LineIndex } from '../../../src/core/text/line-index';

const root = join(__dirname, '../../../..');
const fixture = readFileSync(join(root, 'test/fixtures/shared-walk/mixed.ts'), 'utf8');
/** The engine's findings on the fixture at 2308199, before any rule had a visitor (every rule walked on its own). */
const recorded = JSON.parse(readFileSync(join(root, 'test/fixtures/shared-walk/mixed.findings.json'), 'utf8')) as {
  path: string;
  ruleId: string;
  start: number;
  end: number;
  severity: string;
  message: string;
}[];
const manifest = { path: 'package.json', declared: new Set(['axios', 'pg', 'left-pad', 'lodahs']), name: 'app' };
const visitorRules = BUILTIN_RULES.filter((rule) => rule.visitor !== undefined);

/**
 * A parse cache whose trees count how often a walk enters them: every walk of a source file, shared
 * or a rule's own, reads the root's `statements` once (through `ts.forEachChild`).
 */
class CountingParseCache extends ParseCache {
  rootWalks = 0;

  override parse(path: string, text: string, kind: ts.ScriptKind): ts.SourceFile {
    const sourceFile = super.parse(path, text, kind);
    const statements = sourceFile.statements;
    Object.defineProperty(sourceFile, 'statements', {
      configurable: true,
      get: () => {
        this.rootWalks++;
        return statements;
      },
    });
    return sourceFile;
  }
}

describe('the shared syntax walk', () => {
  it('visits nodes in the order of a recursive forEachChild walk and measures the depth it would reach', () => {
    const tree = ts.createSourceFile('mixed.ts', fixture, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const expected: ts.Node[] = [];
    let deepest = 0;
    const visit = (node: ts.Node, depth: number): void => {
      expected.push(node);
      deepest = Math.max(deepest, depth);
      ts.forEachChild(node, (child) => visit(child, depth + 1));
    };
    visit(tree, 1);
    const everyNode: ts.Node[] = [];
    const calls: ts.Node[] = [];
    const table = new Map([[ts.SyntaxKind.CallExpression, [(node: ts.Node) => calls.push(node)]]]);
    assert.equal(walkTree(tree, table, (node) => everyNode.push(node)), deepest);
    assert.ok(everyNode.length > 200, 'a file of every rule\'s shapes');
    assert.ok(everyNode.every((node, index) => node === expected[index]) && everyNode.length === expected.length, 'pre-order, as forEachChild visits');
    assert.deepEqual(calls, expected.filter((node) => node.kind === ts.SyntaxKind.CallExpression));
  });

  it('gives every rule the findings it gave with a walk of its own, on a file that every syntax rule reports in', () => {
    const found = ['src/mixed.ts', 'test/mixed.test.ts'].flatMap((path) =>
      evaluate(path, fixture, {
        policy: defaultPolicy(),
        rules: BUILTIN_RULES,
        manifest,
        inTestPath: path.startsWith('test/'),
        knownRuleIds: BUILTIN_RULES.map((rule) => rule.id),
      }).findings.map(({ ruleId, start, end, severity, message }) => ({ path, ruleId, start, end, severity, message })),
    );
    assert.deepEqual(found, recorded);
    // The fixture must keep exercising every converted rule, or the comparison proves nothing for it.
    for (const rule of visitorRules) assert.ok(recorded.some((finding) => finding.ruleId === rule.id), `${rule.id} finds nothing in the fixture`);
  });

  it('a rule run on its own (check) finds what the engine finds for it', () => {
    for (const rule of visitorRules) {
      const throughEngine = evaluate('src/mixed.ts', fixture, { policy: defaultPolicy(), rules: [rule], manifest }).findings.map((finding) => [finding.start, finding.end, finding.message]);
      const sourceFile = ts.createSourceFile('src/mixed.ts', fixture, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
      const alone = rule.check({ path: 'src/mixed.ts', text: fixture, lines: new LineIndex(fixture), sourceFile, options: { ...(rule.defaultOptions ?? {}) }, manifest, dependencies: defaultPolicy().dependencies });
      assert.deepEqual(alone.map((finding) => [finding.start, finding.end, finding.message]), throughEngine, rule.id);
    }
  });

  it('walks each tree once for every rule that has a visitor, the depth limit, the shared name table and the module references included', () => {
    const cache = new CountingParseCache();
    const readsReferences = BUILTIN_RULES.filter((rule) => rule.readsModuleReferences === true);
    assert.ok(readsReferences.length >= 4, `only ${readsReferences.length} rules read module references`);
    const oneWalk = [...visitorRules.filter((rule) => rule.id !== 'reliability/unbounded-retry'), ...readsReferences];
    const result = evaluate('src/mixed.ts', fixture, { policy: defaultPolicy(), rules: oneWalk, manifest, parseCache: cache });
    assert.ok(result.findings.length > 10);
    assert.equal(cache.rootWalks, 1);
    assert.ok(visitorRules.length >= 7, `only ${visitorRules.length} rules have visitors`);
  });

  it('unbounded-retry walks a file again only when it has an endless loop (the count sees walks)', () => {
    const retry = BUILTIN_RULES.find((rule) => rule.id === 'reliability/unbounded-retry')!;
    const withEndlessLoop = new CountingParseCache();
    evaluate('src/mixed.ts', fixture, { policy: defaultPolicy(), rules: [...visitorRules], manifest, parseCache: withEndlessLoop });
    assert.match(fixture, /while \(true\)|for \(;;\)/, 'the fixture has an endless loop');
    assert.equal(withEndlessLoop.rootWalks, 2);

    // Bounded loops and a function that retries itself from its handler: one walk, and the finding.
    const bounded = [
      'export async function load(url: string) {',
      '  for (let attempt = 0; attempt < 3; attempt++) {',
      '    try { return await get(url); } catch (error) { log(error); }',
      '  }',
      '}',
      'export async function poll() {',
      '  try { await tick(); } catch (error) { setTimeout(poll, 5000); }',
      '}',
    ].join('\n');
    const withoutEndlessLoop = new CountingParseCache();
    const findings = evaluate('src/poll.ts', bounded, { policy: defaultPolicy(), rules: [retry], manifest, parseCache: withoutEndlessLoop }).findings;
    assert.equal(withoutEndlessLoop.rootWalks, 1);
    assert.deepEqual(findings.map((finding) => [finding.ruleId, finding.startPosition.line + 1]), [['reliability/unbounded-retry', 7]]);
  });

  it('a rule that throws on a node is reported as not having checked the file; the other rules keep their findings', () => {
    const throwing: Rule = {
      id: 'test/throws-on-calls',
      kind: 'syntax',
      defaultSeverity: 'warning',
      summary: 'throws',
      rationale: 'throws',
      check: () => [],
      visitor: () => ({
        visit: {
          [ts.SyntaxKind.CallExpression]: () => {
            throw new Error('boom');
          },
        },
        end: () => [{ start: 0, end: 1, message: 'must not be reported: the rule failed' }],
      }),
    };
    const eval_ = BUILTIN_RULES.find((rule) => rule.id === 'security/eval')!;
    const findings = evaluate('src/mixed.ts', fixture, { policy: defaultPolicy(), rules: [throwing, eval_] }).findings;
    assert.deepEqual(
      findings.filter((finding) => finding.ruleId === FILE_NOT_CHECKED_RULE_ID).map((finding) => finding.message),
      ['src/mixed.ts was not fully checked: rule test/throws-on-calls failed on it (boom).'],
    );
    assert.equal(findings.filter((finding) => finding.ruleId === 'test/throws-on-calls').length, 0);
    assert.equal(findings.filter((finding) => finding.ruleId === 'security/eval').length, 4);
  });

  it('refuses a tree deeper than the limit, without the visitors findings from it', () => {
    // `a + a + … + a` nests left-deep: a deep tree with no brackets at all.
    const text = `const x = ${Array.from({ length: MAX_SYNTAX_DEPTH + 10 }, () => 'a').join(' + ')};\neval(x);\n`;
    const findings = evaluate('src/deep.ts', text, { policy: defaultPolicy(), rules: visitorRules }).findings;
    assert.deepEqual(
      findings.map((finding) => finding.ruleId),
      [FILE_NOT_CHECKED_RULE_ID],
    );
    assert.match(findings[0].message, /levels deep/);
  });
});
