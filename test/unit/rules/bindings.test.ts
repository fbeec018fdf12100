import * as assert from 'node:assert/strict';
import { ts } from 'ts-morph';
import { parseForRules } from '../../../src/core/check/parse-cache';
import { FileBindings } from '../../../src/core/rules/shared-syntax/bindings';

/** The identifiers named `name` in `text`, in source order, with what each resolves to (kind@line, or `global`). */
function resolutions(text: string, name: string): string[] {
  const tree = parseForRules('a.ts', text, ts.ScriptKind.TS);
  const bindings = FileBindings.of(tree);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    // Uses only: a declaration's own name is not a reference.
    if (ts.isIdentifier(node) && node.text === name && !(ts.isVariableDeclaration(node.parent) || ts.isParameter(node.parent) || ts.isFunctionLike(node.parent) || ts.isImportSpecifier(node.parent) || ts.isCatchClause(node.parent))) {
      const binding = bindings.resolve(node);
      found.push(binding === undefined ? 'global' : `${binding.kind}@${tree.getLineAndCharacterOfPosition(binding.declaration.getStart(tree)).line + 1}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(tree);
  return found;
}

describe('FileBindings', () => {
  it('resolves a name declared once to its scope, and not outside it', () => {
    const text = ['function f() {', '  { const x = 1; use(x); }', '  use(x);', '}', 'use(x);'].join('\n');
    assert.deepEqual(resolutions(text, 'x'), ['const@2', 'global', 'global']);
  });

  it('resolves a name declared in several scopes to the nearest enclosing one (shadowing)', () => {
    const text = [
      "import { exec } from 'child_process';",
      'exec(a);',
      'function run(exec) {',
      '  exec(b);',
      '  { let exec = safe; exec(c); }',
      '  exec(d);',
      '}',
      'for (const exec of list) exec(e);',
      'exec(f);',
    ].join('\n');
    assert.deepEqual(resolutions(text, 'exec'), ['import@1', 'parameter@3', 'let@5', 'parameter@3', 'const@8', 'import@1']);
  });

  it('a var belongs to its function, a redeclaration keeps the first, a named function expression sees only itself', () => {
    const text = [
      'function f() {',
      '  if (a) { var v = 1; }',
      '  var v = 2;',
      '  use(v);',
      '}',
      'const g = function self() { use(self); };',
      'use(self);',
      'try { run(); } catch (err) { use(err); }',
      'use(err);',
    ].join('\n');
    assert.deepEqual(resolutions(text, 'v'), ['var@2']);
    assert.deepEqual(resolutions(text, 'self'), ['function@6', 'global']);
    assert.deepEqual(resolutions(text, 'err'), ['catch@8', 'global']);
  });

  it('follows a destructured require to its module export', () => {
    const text = ["const { exec: run } = require('node:child_process');", 'run(cmd);'].join('\n');
    const tree = parseForRules('a.ts', text, ts.ScriptKind.TS);
    const call = (tree.statements[1] as ts.ExpressionStatement).expression as ts.CallExpression;
    assert.deepEqual(FileBindings.of(tree).moduleOf(call.expression), { module: 'child_process', member: 'exec' });
  });
});
