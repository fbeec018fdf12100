import * as assert from 'node:assert/strict';
import { ts } from 'ts-morph';
import { parseForRules } from '../../../src/core/check/parse-cache';
import { collectModuleReferencesDuringWalk, moduleReferences } from '../../../src/core/rules/dependencies/imports';
import { walkTree } from '../../../src/core/rules/shared-syntax/visitor';
import { classifySpecifier, isNodeBuiltin, packageNameOf, typesPackageFor } from '../../../src/core/rules/dependencies/package-name';

function parse(text: string, fileName = 'src/example.ts'): ts.SourceFile {
  const kind = fileName.endsWith('.js') ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
}

describe('dependencies: import extraction', () => {
  it('finds every static and literal dynamic form with its kind and type-only flag', () => {
    const text = [
      "import express, { Router } from 'express';",
      "import * as path from 'node:path';",
      "import 'reflect-metadata';",
      "import type { Request } from 'express-serve-static-core';",
      "import { type Logger, type Level } from 'pino';",
      "import { type Options, z } from 'zod';",
      "export { debounce } from 'lodash';",
      "export * from './local';",
      "export type { Config } from '@acme/config';",
      "import fs = require('fs-extra');",
      "const yaml = require('js-yaml');",
      "const lazy = await import('chalk');",
      "type Client = import('axios').AxiosInstance;",
      'const tmpl = require(`ejs`);',
      'const computed = require(moduleName);',
      "const dynamic = import('./plugins/' + name);",
      "const notRequire = load('left-pad');",
      "const twoArgs = require('a', 'b');",
    ].join('\n');
    const references = moduleReferences(parse(text)).map((reference) => [reference.specifier, reference.kind, reference.typeOnly]);
    assert.deepEqual(references, [
      ['express', 'import', false],
      ['node:path', 'import', false],
      ['reflect-metadata', 'side-effect-import', false],
      ['express-serve-static-core', 'import', true],
      ['pino', 'import', true],
      ['zod', 'import', false],
      ['lodash', 'export', false],
      ['./local', 'export', false],
      ['@acme/config', 'export', true],
      ['fs-extra', 'import-equals', false],
      ['js-yaml', 'require', false],
      ['chalk', 'dynamic-import', false],
      ['axios', 'import-type', true],
      ['ejs', 'require', false],
    ]);
  });

  it('spans the specifier text inside its quotes', () => {
    const text = "import { x } from '@scope/pkg/sub';\nconst y = require(\"left-pad\");";
    const [first, second] = moduleReferences(parse(text));
    assert.equal(text.slice(first.start, first.end), '@scope/pkg/sub');
    assert.equal(text.slice(second.start, second.end), 'left-pad');
    assert.ok(first.verbatim && second.verbatim);
  });

  it('marks a specifier written with escapes as not verbatim', () => {
    const text = "import x from 'lod\\u0061sh';";
    const [reference] = moduleReferences(parse(text));
    assert.equal(reference.specifier, 'lodash');
    assert.equal(reference.verbatim, false);
  });

  it('treats every reference in a declaration file as type-only', () => {
    const references = moduleReferences(parse("import { Stats } from 'fs-extra';\nexport declare function f(): void;", 'types/index.d.ts'));
    assert.equal(references.length, 1);
    assert.equal(references[0].typeOnly, true);
  });

  it('finds require calls nested in functions of a JavaScript file', () => {
    const text = "function load() {\n  if (process.env.DEBUG) {\n    return require('debug')('app');\n  }\n}\nmodule.exports = { load };";
    assert.deepEqual(moduleReferences(parse(text, 'lib/load.js')).map((reference) => reference.specifier), ['debug']);
  });

  it('finds imports inside declare module blocks and ignores import-looking text elsewhere', () => {
    const text = [
      "declare module 'express-serve-static-core' {",
      "  import { Session } from 'express-session';",
      '  interface Request { session: Session }',
      '}',
      "const note = 'import x from \"not-an-import\"';",
      '// import y from "commented-out"',
    ].join('\n');
    assert.deepEqual(moduleReferences(parse(text, 'types/augment.d.ts')).map((reference) => reference.specifier), ['express-session']);
  });

  it('returns the same array for the same tree (one walk shared by all rules)', () => {
    const sourceFile = parse("import 'a';");
    assert.equal(moduleReferences(sourceFile), moduleReferences(sourceFile));
  });

  it('does not throw on broken syntax', () => {
    assert.doesNotThrow(() => moduleReferences(parse("import { from 'x\nrequire(\nimport(")));
  });
  it('gathers the same references during a shared walk as on its own, optional loads included', () => {
    const texts = [
      "import a from 'a';\ndeclare module 'm' { import b from 'b'; export * from 'c'; }\nnamespace N.M { declare module 'n' { export { d } from 'd'; } }",
      [
        "try { require('opt-1'); } catch (error) { log(error); }",
        "try { run(); } catch { require('req-1'); } finally { require('req-2'); }",
        "try { const load = () => require('req-3'); register(load); } catch {}",
        "try { try { require('opt-2'); } catch (e) { throw e; } } catch {}",
        "try { (function () { try { require('opt-3'); } catch {} })(); } catch (e) { throw e; }",
        "const yaml = await import('opt-4').catch(() => undefined);",
        "const toml = (import('opt-5')).then((m) => m, () => null);",
        "import(require('opt-6')).catch(noop);",
        "import('req-4').then((m) => m.default).catch(() => import('opt-7').catch(noop));",
        "const ms = await import('req-5').catch((error) => { throw error; });",
        "function f(x = require('req-6')) {} type T = import('t').T;",
      ].join('\n'),
    ];
    for (const text of texts) {
      const alone = moduleReferences(parseForRules('src/load.ts', text, ts.ScriptKind.TS));
      const tree = parseForRules('src/load.ts', text, ts.ScriptKind.TS);
      const collector = collectModuleReferencesDuringWalk(tree)!;
      walkTree(tree, new Map(collector.kinds.map((kind) => [kind, [collector.observe]])));
      collector.done();
      assert.equal(collectModuleReferencesDuringWalk(tree), undefined, 'known once the walk is done');
      assert.deepEqual(moduleReferences(tree), alone);
    }
    const optional = (text: string) => moduleReferences(parseForRules('src/load.ts', text, ts.ScriptKind.TS)).map((reference) => `${reference.specifier}:${reference.optional}`);
    assert.deepEqual(optional(texts[1]), [
      'opt-1:true', 'req-1:false', 'req-2:false', 'req-3:false', 'opt-2:true', 'opt-3:true', 'opt-4:true', 'opt-5:true', 'opt-6:true',
      'req-4:false', 'opt-7:true', 'req-5:false', 'req-6:false', 't:false',
    ]);
    assert.deepEqual(moduleReferences(parseForRules('src/load.ts', texts[0], ts.ScriptKind.TS)).map((reference) => reference.specifier), ['a', 'b', 'c', 'd']);
  });

  it('leaves the references unknown when gathering them failed during the walk, so that the rules gather them on their own', () => {
    const tree = parseForRules('src/load.ts', "const a = require('a');", ts.ScriptKind.TS);
    const collector = collectModuleReferencesDuringWalk(tree)!;
    const broken = { kind: ts.SyntaxKind.CallExpression, get arguments(): never { throw new Error('a node it cannot read'); } } as unknown as ts.Node;
    assert.doesNotThrow(() => collector.observe(broken));
    collector.done();
    assert.notEqual(collectModuleReferencesDuringWalk(tree), undefined);
    assert.deepEqual(moduleReferences(tree).map((reference) => reference.specifier), ['a']);
  });
});

describe('dependencies: package names', () => {
  it('reduces specifiers to package names, scoped and unscoped', () => {
    assert.deepEqual(classifySpecifier('@scope/name/sub/path'), { kind: 'package', name: '@scope/name', subpath: 'sub/path' });
    assert.deepEqual(classifySpecifier('lodash/fp'), { kind: 'package', name: 'lodash', subpath: 'fp' });
    assert.equal(packageNameOf('react'), 'react');
    assert.equal(packageNameOf('JSONStream'), 'JSONStream');
    assert.equal(packageNameOf('lodash.merge'), 'lodash.merge');
    assert.equal(packageNameOf('punycode/'), 'punycode');
  });

  it('skips builtins with and without node:, including node:-only ones', () => {
    for (const specifier of ['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'path/posix', 'node:test', 'node:sqlite', 'node:sea', 'child_process']) {
      assert.equal(classifySpecifier(specifier).kind, 'builtin', specifier);
    }
    // Without the prefix these are npm packages, not builtins.
    assert.equal(isNodeBuiltin('test'), false);
    assert.equal(isNodeBuiltin('sqlite'), false);
    assert.equal(classifySpecifier('test').kind, 'package');
  });

  it('skips paths, URLs, subpath imports, aliases and invalid names', () => {
    const cases: [string, string][] = [
      ['./util', 'relative'],
      ['../lib/x', 'relative'],
      ['.', 'relative'],
      ['/opt/lib/x.js', 'absolute'],
      ['C:\\work\\x.js', 'absolute'],
      ['C:/work/x.js', 'absolute'],
      ['https://esm.sh/react', 'url'],
      ['npm:lodash', 'url'],
      ['virtual:pwa-register', 'url'],
      ['bun:test', 'url'],
      ['#internal/db', 'subpath-import'],
      ['@/components/Button', 'alias'],
      ['~/utils', 'alias'],
      ['$lib/stores', 'invalid'],
      ['style-loader!css-loader!./x.css', 'invalid'],
      ['@scope', 'package'],
      ['@', 'alias'],
      ['@a/', 'invalid'],
      ['@/', 'alias'],
      ['', 'invalid'],
      ['node:', 'invalid'],
      ['.hidden', 'invalid'],
      ['_private', 'invalid'],
    ];
    for (const [specifier, kind] of cases) assert.equal(classifySpecifier(specifier).kind, kind, specifier);
  });

  it('names the DefinitelyTyped package for plain and scoped names', () => {
    assert.equal(typesPackageFor('lodash'), '@types/lodash');
    assert.equal(typesPackageFor('@babel/core'), '@types/babel__core');
    assert.equal(typesPackageFor('@types/node'), '@types/node');
  });
});
