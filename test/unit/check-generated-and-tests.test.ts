import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Ajv from 'ajv';
import { parse as parseYaml } from 'yaml';
import { describeSkippedFile, runCheck } from '../../src/core/check/check-run';
import { compiledSourceOf, sourceMapsBeside } from '../../src/core/check/compiled';
import { evaluate } from '../../src/core/check/engine';
import { BUNDLE_SIGNATURE_LITERALS, generatedReason } from '../../src/core/check/generated';
import { parsePolicy } from '../../src/core/policy/load';
import { defaultPolicy, type Policy } from '../../src/core/policy/policy';
import { BUILTIN_RULES } from '../../src/core/rules';
import { PolicyWorkspace } from '../../src/core/workspace/policy-workspace';

/** A Stripe-shaped test key (built here so the file itself holds no key). */
const STRIPE_KEY = ['sk', 'live', '4eC39HqLyjWDarjtT1zdp7dc'].join('_');

/** Axios 1.7.9's `dist/axios.js`, trimmed: a rollup UMD bundle whose Babel async-generator helper reads as a retry loop. */
const UMD_BUNDLE = `// Axios v1.7.9 Copyright (c) 2024 Matt Zabriskie and contributors
(function (global, factory) {
  typeof exports === 'object' && typeof module !== 'undefined' ? module.exports = factory() :
  typeof define === 'function' && define.amd ? define(factory) :
  (global = typeof globalThis !== 'undefined' ? globalThis : global || self, global.axios = factory());
})(this, (function () { 'use strict';

  function _AsyncGenerator(e) {
    var r, t;
    function resume(r, t) {
      try {
        var n = e[r](t),
          o = n.value,
          u = o instanceof _OverloadYield;
        Promise.resolve(u ? o.v : o).then(function (t) {
          if (u) {
            var i = "return" === r ? "return" : "next";
            if (!o.k || t.done) return resume(i, t);
            t = e[i](t).value;
          }
          settle(n.done ? "return" : "normal", t);
        }, function (e) {
          resume("throw", e);
        });
      } catch (e) {
        settle("throw", e);
      }
    }
    function settle(e, n) {
      (r = r.next) ? resume(r.key, r.arg) : t = null;
    }
    this._invoke = function (e, n) {
      return new Promise(function (o, u) {
        var i = { key: e, arg: n, resolve: o, reject: u, next: null };
        t ? t = t.next = i : (r = t = i, resume(e, n));
      });
    };
  }

  const fetchAdapter = async (config) => {
    const response = await fetch(config.url);
    try { return await response.json(); } catch (e) {
      // the body was not JSON
    }
  };

  return fetchAdapter;

}));
`;

/** The same bundle, as a committed build output would end. */
const DIST_BUNDLE = `${UMD_BUNDLE}//# sourceMappingURL=axios.js.map\n`;

/** A minified bundle with regenerator-runtime's helper: `invoke` calls itself from its error handler. */
function minifiedRegenerator(): string {
  const helper =
    'var regeneratorRuntime=function(t){"use strict";function invoke(r,o,i,a){var c=tryCatch(t[r],t,o);if("throw"!==c.type){var u=c.arg,h=u.value;' +
    'return h&&"object"==typeof h&&n.call(h,"__await")?e.resolve(h.__await).then(function(t){invoke("next",t,i,a)},function(t){invoke("throw",t,i,a)}):' +
    'e.resolve(h).then(function(t){u.value=t,i(u)},function(t){return invoke("throw",t,i,a)})}a(c.arg)}return t}({});';
  const filler = 'function f(n){return fetch("/api/"+n).then(function(r){return r.json()}).catch(function(){})}'.repeat(120);
  return `${helper}${filler}\n`;
}

const policy = defaultPolicy();
const OPTIONS = { knownRuleIds: BUILTIN_RULES.map((rule) => rule.id) };
const run = (path: string, text: string, options: { policy?: Policy; inTestPath?: boolean; aiRanges?: { startLine: number; endLine: number }[] } = {}) =>
  evaluate(path, text, { policy: options.policy ?? policy, rules: BUILTIN_RULES, inTestPath: options.inTestPath, aiRanges: options.aiRanges });
/** Runs `body` with a fresh workspace in a temporary folder (its policy file written first when given), then removes it. */
async function withWorkspace(body: (workspace: PolicyWorkspace, root: string) => void | Promise<void>, policyText?: string): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'cf-generated-'));
  try {
    if (policyText !== undefined) {
      mkdirSync(join(root, '.comprehension'));
      writeFileSync(join(root, '.comprehension/policy.yaml'), policyText);
    }
    const workspace = new PolicyWorkspace(root, false);
    assert.deepEqual(workspace.loadPolicyFromDisk(), []);
    await body(workspace, root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
const ruleIds = (result: ReturnType<typeof run>) => result.findings.map((finding) => finding.ruleId).sort();

describe('check: generated, minified and bundled files', () => {
  it('recognises each signal and names it', () => {
    assert.equal(generatedReason('dist/axios.js', DIST_BUNDLE), 'sourceMappingURL comment');
    assert.match(generatedReason('vendor/app.js', minifiedRegenerator())!, /^minified: /);
    assert.equal(generatedReason('src/schema.ts', '// @generated by protoc-gen-ts\nexport const x = 1;\n'), 'marked as generated in its header');
    assert.equal(generatedReason('api/types.py', '# Code generated by sqlc. DO NOT EDIT.\nx = 1\n'), 'marked as generated in its header');
    // The Azure SDK's clients and models (AutoRest): the warning is on the line after the generator's name.
    const autorest = '# coding=utf-8\n# ---\n# Code generated by Microsoft (R) Python Code Generator.\n# Changes may cause incorrect behavior and will be lost if the code is regenerated.\n# ---\n';
    assert.equal(generatedReason('azure/ai/anomalydetector/_client.py', `${autorest}x = 1\n`), 'marked as generated in its header');
    assert.equal(generatedReason('src/Client.cs', '// Code generated by Microsoft (R) AutoRest Code Generator.\n// Changes may cause incorrect behavior and will be lost if the code is regenerated.\nclass A {}\n'), 'marked as generated in its header');
    // Said in prose or code, not in a header comment, it marks nothing.
    assert.equal(generatedReason('docs/regen.py', 'WARNING = "edits will be lost if the code is regenerated"\nx = 1\n'), undefined);
    assert.equal(generatedReason('dist/axios.js', UMD_BUNDLE), 'bundle: UMD wrapper in a build output path');
    const webpack = 'var __webpack_modules__ = {};\nfunction __webpack_require__(moduleId) {\n  return __webpack_modules__[moduleId];\n}\n';
    assert.match(generatedReason('static/main.js', `${webpack}var regeneratorRuntime = {};\n`)!, /^bundle: webpack runtime, regenerator runtime/);
    const inlineMap = `//# sourceMappingURL=data:application/json;charset=utf-8;base64,${'A'.repeat(20_000)}\n`;
    assert.equal(generatedReason('lib/diff.js', `"use strict";\nexports.x = 1;\n${inlineMap}`), 'sourceMappingURL comment', 'an inline map longer than the tail');
    assert.match(generatedReason('dist/umd/uuidv5.min.js', `!function(){${'var a=1;'.repeat(200)}}();`)!, /^minified/, 'a small minified file in a build output');
    assert.match(generatedReason('dist/jszip.js', '!function(e){}({1:[function(require,module,exports){\n"use strict";\n}]});\n')!, /browserify runtime in a build output path/);
    // bluebird 3.7's js/browser/bluebird.js: a standalone browserify build, minified UMD prelude and `_dereq_`, in a folder that says nothing.
    const bluebird = '!function(e){if("object"==typeof exports&&"undefined"!=typeof module)module.exports=e();else if("function"==typeof define&&define.amd)define([],e);else{}}(function(){return (function(){})()({1:[function(_dereq_,module,exports){\n"use strict";\nvar util = _dereq_("./util");\n},{}]});\n';
    assert.equal(generatedReason('js/browser/bluebird.js', bluebird), 'bundle: UMD wrapper, browserify runtime');
    assert.equal(generatedReason('js/release/util.js', '"use strict";\nvar es5 = require("./es5");\nmodule.exports = {};\n'), undefined, 'its unbundled modules');
    // prisma 7's build/child.js (Rollup with its CommonJS plugin), trimmed.
    const rollup = "'use strict';\n\nvar require$$0 = require('fs');\nvar require$$1$1 = require('os');\n\nfunction _interopDefaultLegacy (e) { return e && typeof e === 'object' && 'default' in e ? e : { 'default': e }; }\n";
    assert.equal(generatedReason('build/child.js', rollup), 'bundle: Rollup CommonJS interop in a build output path');
    assert.equal(generatedReason('src/child.js', "var fs = require('fs');\nfunction interopDefault(e) { return e; }\n"), undefined);
    // playwright-core's lib/vite/traceViewer/index.BY2vkw8A.js: a 6.6 KB one-line chunk named by its content hash.
    const chunk = `import{r as e}from"./assets/rolldown-runtime-QTnfLwEv.js";${'var f=e(t(),1),p=e(d(),1);'.repeat(240)}`;
    assert.match(generatedReason('lib/vite/traceViewer/index.BY2vkw8A.js', chunk)!, /^minified/);
    assert.match(generatedReason('assets/index-Cq-34xZU.js', chunk)!, /^minified/);
    assert.equal(generatedReason('lib/vite/traceViewer/index.settings.js', chunk), undefined, 'a name, not a hash: under 8 KB, not judged');
    assert.equal(generatedReason('lib/vite/traceViewer/sha256sum.js', chunk), undefined);
    // axios 1.21's dist/esm/axios.js (Rollup, no map, no module markers), trimmed.
    const renamed = '/*! Axios v1.21.1 */\nfunction bind(fn, thisArg) { return fn; }\nvar utils$1 = { bind };\nclass AxiosError$1 extends Error {}\nexport { utils$1 as utils };\n';
    assert.equal(generatedReason('dist/esm/axios.js', renamed), 'bundle: bindings renamed apart (name$1) in a build output path');
    assert.equal(generatedReason('src/axios.js', renamed), undefined, 'one signature outside a build folder');
    assert.equal(generatedReason('dist/esm/replace.js', "const out = text.replace(/(a)/, '$1');\nvar price$1 = 1;\n"), undefined, 'one renamed name');
    // fast-check 4's lib/fast-check.js (rolldown) and esbuild's own lib/main.js, trimmed: no output folder, no second signature.
    const rolldown = '//#region src/check/precondition/PreconditionFailure.ts\nclass PreconditionFailure extends Error {}\n//#endregion\n//#region src/random/generator/Random.ts\nclass Random {}\n//#endregion\n';
    assert.equal(generatedReason('lib/fast-check.js', rolldown), 'bundle: module regions naming their source files');
    const esbuild = '"use strict";\n// lib/npm/node.ts\nvar node_exports = {};\n// lib/shared/stdio_protocol.ts\nfunction encodePacket() {}\n// lib/shared/common.ts\nvar quote = JSON.stringify;\n';
    assert.equal(generatedReason('lib/main.js', esbuild), 'bundle: module comments naming their source files');
    // hono 4's dist/jsx/components.js: rolldown's output of one module, in a build folder.
    const oneModule = 'import { raw } from "../utils/html.js";\n//#region src/jsx/components.ts\nconst x = 1;\n//#endregion\nexport { x };\n';
    assert.equal(generatedReason('dist/jsx/components.js', oneModule), 'bundle: module region naming its source file in a build output path');
    assert.equal(generatedReason('src/jsx/components.js', oneModule), undefined, 'one region outside a build folder');
    // puppeteer-core 24's lib/es5-iife/puppeteer-core-browser.js (Rollup, then Babel), trimmed: modern helpers in a module-format folder.
    const iife = 'function _checkInRHS(e) { return e; }\nfunction _classPrivateGetter(s, r, a) { return a(s); }\nvar Puppeteer = function (exports) {\n  var __disposeResources$c = undefined && undefined.__disposeResources || function () {};\n}({});\n';
    assert.equal(generatedReason('lib/es5-iife/puppeteer-core-browser.js', iife), 'bundle: Babel helpers, TypeScript emit helpers');
    assert.equal(generatedReason('lib/esm/index.js', iife.split('\n').slice(0, 2).join('\n')), 'bundle: Babel helpers in a build output path');
    assert.equal(generatedReason('src/index.js', iife.split('\n').slice(0, 2).join('\n')), undefined, 'one signature outside a build folder');
    // Vue 3.3's vue.global.js (Rollup's iife format) as MediaWiki ships it in resources/lib/vue/, trimmed: its banner, its wrapper, renamed bindings.
    const vueGlobal = "/**\n * vue v3.3.4\n * (c) 2018-present Yuxi (Evan) You and Vue contributors\n * @license MIT\n **/\nvar Vue = (function (exports) {\n  'use strict';\n\n  function get$1(target, key) { return target[key]; }\n  function warn$1(msg) { console.warn(msg); }\n  return exports;\n\n})({});\n";
    assert.equal(generatedReason('resources/lib/vue/vue.global.js', vueGlobal), 'bundle: bindings renamed apart (name$1), Rollup IIFE wrapper');
    assert.equal(generatedReason('dist/vue.global.js', vueGlobal.replace(/\$1/g, '')), 'bundle: Rollup IIFE wrapper in a build output path');
    assert.equal(generatedReason('resources/lib/vue/vue.global.js', vueGlobal.replace(/\$1/g, '')), undefined, 'the wrapper alone, outside a build folder');
    // A hand-written module pattern with renamed-looking names, not at the file's start: not the wrapper.
    const handWritten = "var helper$1 = 1;\nvar helper$2 = 2;\nvar App = (function () {\n  'use strict';\n  return {};\n})();\n";
    assert.equal(generatedReason('resources/app.js', handWritten), undefined, 'the wrapper after other statements');
    assert.equal(generatedReason('resources/app.js', vueGlobal.replace("'use strict';", 'var x = 1;')), undefined, 'no strict-mode directive');
    assert.equal(generatedReason('resources/app.js', vueGlobal.replace(' **/', ' **')), undefined, 'a banner that never closes');
  });

  it('a library copied into the sources as released is vendored: its file named for it, its banner naming it with a version', () => {
    const body = 'function each(list, fn) {\n  try { list.forEach(fn); } catch (e) {}\n}\n';
    const banners: [string, string, string][] = [
      ['src/scaladoc/resource/lib/jquery.js', '/*!\n * jQuery JavaScript Library v1.8.3\n * http://jquery.com/\n */\n', 'vendored library: jQuery JavaScript Library v1.8.3'],
      ['resource/lib/jquery-ui.js', '/*! jQuery UI - v1.9.0 - 2012-10-05\n', 'vendored library: jQuery UI - v1.9.0'],
      ['resource/lib/jquery.layout.js', '/**\n * @preserve jquery.layout 1.3.0 - Release Candidate 30.62\n', 'vendored library: jquery.layout 1.3.0'],
      ['skin/prototype.js', '/*  Prototype JavaScript framework, version 1.6.0.3\n', 'vendored library: Prototype JavaScript framework, version 1.6.0.3'],
      ['webapp/resources/raphael.js', '// │ Raphaël 2.1.0 - JavaScript Vector Library │\n', 'vendored library: Raphaël 2.1.0'],
      ['static/require.js', '/** vim: et:ts=4:sw=4:sts=4\n * @license RequireJS 2.1.22 Copyright (c) 2010-2015, The Dojo Foundation\n', 'vendored library: RequireJS 2.1.22'],
    ];
    for (const [path, banner, reason] of banners) assert.equal(generatedReason(path, `${banner}${body}`), reason, path);
    // The project's own files: a banner without a version, a library's banner in a file named otherwise, a version far below the top.
    assert.equal(generatedReason('static/js/jquery.helpers.js', `// Helpers for our jQuery code.\n${body}`), undefined);
    assert.equal(generatedReason('skin/prototype.js', `// Prototype of the new editor, version 2 draft\n${body}`), undefined);
    assert.equal(generatedReason('static/js/app.js', `/*! jQuery JavaScript Library v1.8.3 */\n${body}`), undefined);
    assert.equal(generatedReason('static/js/jquery.js', `${'// notes\n'.repeat(300)}// jQuery 1.8.3\n${body}`), undefined);
  });

  it('finds a signature whose literal overlaps another: Rollup\'s `function _interopDefaultLegacy` beside a UMD wrapper', () => {
    // `function _` (Babel's literal) starts where `_interopDefaultLegacy` (Rollup's) overlaps it: both must be seen.
    const rollupUmd = [
      '(function (global, factory) {',
      "  typeof exports === 'object' && typeof module !== 'undefined' ? module.exports = factory() : global.x = factory();",
      '})(this, function () {',
      "  function _interopDefaultLegacy (e) { return e && typeof e === 'object' && 'default' in e ? e : { default: e }; }",
      '  return {};',
      '});',
    ].join('\n');
    assert.equal(generatedReason('src/x.js', rollupUmd), 'bundle: UMD wrapper, Rollup CommonJS interop');
    // The one-pass search finds every literal only while none is a prefix of another.
    for (const literal of BUNDLE_SIGNATURE_LITERALS) {
      for (const other of BUNDLE_SIGNATURE_LITERALS) if (other !== literal) assert.ok(!other.startsWith(literal), `${literal} is a prefix of ${other}`);
    }
  });

  it('leaves hand-written code alone: one signature outside a build folder, a marker below the header, short lines', () => {
    assert.equal(generatedReason('src/umd.js', UMD_BUNDLE), undefined, 'a hand-written UMD module in src/');
    assert.equal(generatedReason('src/a.ts', `${'const a = 1;\n'.repeat(30)}// @generated\n`), undefined);
    assert.equal(generatedReason('src/a.ts', 'const s = "//# sourceMappingURL=x.map";\n'), undefined, 'in a string, not a comment at a line start');
    assert.equal(generatedReason('src/a.ts', 'const s = "x";\n// see //# sourceMappingURL=x.map\n'), undefined, 'quoted in a comment, not starting it');
    assert.equal(generatedReason('lib/a.js', 'exports.x = 1;\r  //# sourceMappingURL=a.js.map'), 'sourceMappingURL comment', 'indented, after a carriage return');
    assert.equal(generatedReason('lib/a.js', 'exports.x = 1; /*# sourceMappingURL=a.js.map */\n/*# sourceMappingURL=a.js.map */'), 'sourceMappingURL comment', 'the second on its own line');
    assert.equal(generatedReason('src/a.ts', `${'// a header line\n'.repeat(20)}// @generated\nexport {};\n`), undefined, 'a marker on line 21');
    assert.equal(generatedReason('src/a.ts', `${'// a header line\n'.repeat(19)}// @generated\nexport {};\n`), 'marked as generated in its header', 'a marker on line 20');
    assert.equal(generatedReason('data/big.json', `{"a":"${'x'.repeat(9000)}"}`), undefined, 'line statistics only for code');
    assert.equal(generatedReason('src/a.js', `x = ${'('.repeat(800)}1${')'.repeat(800)};\n`), undefined, 'a small file is judged, not skipped');
    const folding = '//#region Helpers\nfunction a() {}\n//#endregion\n//#region Public API\nexport function b() {}\n//#endregion\n';
    assert.equal(generatedReason('src/api.ts', folding), undefined, 'folding regions named in words');
    assert.equal(generatedReason('src/api.ts', '//#region src/api.ts\nexport function b() {}\n//#endregion\n'), undefined, 'one region naming a file');
    assert.equal(generatedReason('src/cli/run.ts', '// src/cli/run.ts\nimport { x } from "./x";\n// see src/cli/x.ts\n// src/cli/x.ts\n'), undefined, 'a file headed by its own path, citing one more');
  });

  it('reads a bounded head and tail of a huge file: signals in its middle are not seen', () => {
    const lines = 'const a = 1;\n'.repeat(400_000);
    assert.equal(generatedReason('dist/a.js', lines), undefined);
    const middle = '//#region src/a.ts\n//#endregion\n//#region src/b.ts\nvar __webpack_modules__ = {};\n//#endregion\n';
    assert.equal(generatedReason('dist/a.js', `${lines}${middle}${lines}`), undefined, 'module regions and a bundle runtime past the head');
    assert.equal(generatedReason('dist/a.js', `${middle}${lines}`), 'bundle: module regions naming their source files', 'the same in the head');
  });

  it('a committed dist/ bundle: the code rules are skipped, the same code in src/ still reports', () => {
    const source = run('src/adapter.js', UMD_BUNDLE.replace(/\(function \(global, factory\)[\s\S]*?\{ 'use strict';/, '{'));
    assert.ok(ruleIds(source).includes('reliability/missing-timeout'), JSON.stringify(ruleIds(source)));
    assert.ok(ruleIds(source).includes('reliability/swallowed-error'));
    const bundle = run('dist/axios.js', DIST_BUNDLE);
    assert.deepEqual(bundle.findings, []);
    assert.equal(bundle.generated, 'sourceMappingURL comment');
  });

  it('a minified regenerator helper is not a retry loop', () => {
    const text = minifiedRegenerator();
    const unskipped = run('dist/vendor.min.js', text, { policy: { ...policy, check: { ...policy.check, skipGenerated: false } } });
    // The rule itself may learn the helper (reliability/unbounded-retry); the code rules report on the bundle either way.
    assert.ok(unskipped.findings.some((finding) => finding.ruleId.startsWith('reliability/')), 'reproduces without the skip');
    const skipped = run('dist/vendor.min.js', text);
    assert.deepEqual(ruleIds(skipped), []);
    assert.match(skipped.generated!, /^minified/);
  });

  it('secrets are still found in a generated file', () => {
    const result = run('dist/app.js', `${DIST_BUNDLE}var stripe = "${STRIPE_KEY}";\n//# sourceMappingURL=app.js.map\n`);
    assert.deepEqual(ruleIds(result), ['secrets/hardcoded-secret']);
    assert.equal(result.findings[0].severity, 'error');
  });

  it('a file with AI-written blocks is never taken for generated', () => {
    const result = run('dist/axios.js', DIST_BUNDLE, { aiRanges: [{ startLine: 40, endLine: 45 }] });
    assert.equal(result.generated, undefined);
    assert.ok(result.findings.length > 0);
  });

  it('check.skipGenerated: defaults to true, reads false, rejects a non-boolean where it is written', () => {
    assert.equal(defaultPolicy().check.skipGenerated, true);
    assert.equal(parsePolicy('check:\n  skipGenerated: false\n', OPTIONS).policy!.check.skipGenerated, false);
    const text = 'check:\n  skipGenerated: sometimes\n';
    const bad = parsePolicy(text, OPTIONS);
    assert.equal(bad.policy, undefined);
    assert.match(bad.problems[0].message, /check\.skipGenerated/);
    assert.equal(text.slice(bad.problems[0].start, bad.problems[0].end), 'sometimes');
  });

  it('names a generated file among the skipped in a whole-tree check, and still counts it as checked', () =>
    withWorkspace(async (workspace, root) => {
      const put = (path: string, text: string) => {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), text);
      };
      put('dist/axios.js', DIST_BUNDLE);
      put('src/app.js', 'export const x = 1;\n');
      const result = await runCheck(workspace, { workers: 1 });
      assert.equal(result.filesChecked, 2);
      assert.deepEqual(result.findings, []);
      assert.deepEqual(result.skipped.map(describeSkippedFile), ['dist/axios.js: generated: sourceMappingURL comment; secrets rules only (check.skipGenerated)']);
    }));
});

describe('check: compiled files whose source is checked', () => {
  /** @auth/core 0.41.3's `providers/github.js` (trimmed): tsc output of `src/providers/github.ts`, shipped beside it. */
  const COMPILED = "export default function GitHub(config) {\n  return { userinfo: { async request({ tokens }) { const res = await fetch('https://api.github.com/user', { headers: { Authorization: `Bearer ${tokens.access_token}` } }); return res.json(); } } };\n}\n";
  const SOURCE = COMPILED.replace('function GitHub(config)', 'function GitHub(config: unknown)');
  const DECLARATION_MAP = JSON.stringify({ version: 3, file: 'github.d.ts', sourceRoot: '', sources: ['../src/providers/github.ts'], names: [], mappings: 'AAAA' });

  /** The compiled provider, its declaration map and its source, written into `root`. */
  const writeCompiledProvider = (root: string): void => {
    mkdirSync(join(root, 'providers'), { recursive: true });
    mkdirSync(join(root, 'src/providers'), { recursive: true });
    writeFileSync(join(root, 'providers/github.js'), COMPILED);
    writeFileSync(join(root, 'providers/github.d.ts.map'), DECLARATION_MAP);
    writeFileSync(join(root, 'src/providers/github.ts'), SOURCE);
  };
  const access = (files: Record<string, string>) => ({ exists: (path: string) => path in files, read: (path: string) => files[path] });

  it('names the maps a compiler writes beside a script, and the source one of them names when it exists', () => {
    assert.deepEqual(sourceMapsBeside('lib/a.js'), ['lib/a.d.ts.map', 'lib/a.js.map']);
    assert.deepEqual(sourceMapsBeside('lib/a.mjs'), ['lib/a.d.mts.map', 'lib/a.mjs.map']);
    assert.deepEqual(sourceMapsBeside('lib/a.cjs'), ['lib/a.d.cts.map', 'lib/a.cjs.map']);
    assert.deepEqual(sourceMapsBeside('lib/a.jsx'), ['lib/a.jsx.map']);
    assert.deepEqual(sourceMapsBeside('src/a.ts'), []);
    const files = { 'providers/github.d.ts.map': DECLARATION_MAP, 'src/providers/github.ts': SOURCE };
    assert.equal(compiledSourceOf('providers/github.js', access(files)), 'src/providers/github.ts');
    // A stripped comment's map, with a source root; Babel's output of a JavaScript source.
    const jsMap = JSON.stringify({ version: 3, sourceRoot: '../src/', sources: ['util.js'], mappings: '' });
    assert.equal(compiledSourceOf('lib/util.js', access({ 'lib/util.js.map': jsMap, 'src/util.js': '' })), 'src/util.js');
    assert.equal(compiledSourceOf('util.js', access({ 'util.d.ts.map': JSON.stringify({ sources: ['src/util.ts'] }), 'src/util.ts': '' })), 'src/util.ts');
  });

  it('is no compiled file when the source is missing, outside the workspace, a URL, the file itself, or the map unreadable', () => {
    const map = (sources: unknown, sourceRoot?: string) => JSON.stringify({ version: 3, sources, ...(sourceRoot !== undefined ? { sourceRoot } : {}) });
    const cases: Record<string, string>[] = [
      { 'providers/github.d.ts.map': DECLARATION_MAP },
      { 'providers/github.d.ts.map': map(['../../outside/github.ts']), '../outside/github.ts': '' },
      { 'providers/github.d.ts.map': map(['webpack://app/./src/providers/github.ts']), 'src/providers/github.ts': '' },
      { 'providers/github.d.ts.map': map(['github.ts'], 'https://cdn.example/'), 'providers/https:/cdn.example/github.ts': '', 'providers/github.ts': '' },
      { 'providers/github.js.map': map(['github.js']), 'providers/github.js': '' },
      // An absolute source is the build machine's file.
      { 'providers/github.d.ts.map': map(['/src/providers/github.ts']), 'src/providers/github.ts': '', 'providers/src/providers/github.ts': '' },
      { 'providers/github.d.ts.map': 'null', 'src/providers/github.ts': '' },
      { 'providers/github.d.ts.map': '{"sources": ["../src/providers/github.ts"]', 'src/providers/github.ts': '' },
      { 'providers/github.d.ts.map': '"../src/providers/github.ts"', 'src/providers/github.ts': '' },
      { 'providers/github.d.ts.map': map('../src/providers/github.ts'), 'src/providers/github.ts': '' },
      { 'src/providers/github.ts': '' },
    ];
    for (const files of cases) assert.equal(compiledSourceOf('providers/github.js', access(files)), undefined, JSON.stringify(files));
    // An unreadable map (refused, too large) says nothing either.
    assert.equal(compiledSourceOf('providers/github.js', { exists: () => true, read: () => undefined }), undefined);
  });

  it('checks the source and names the compiled copy among the skipped, in a whole-tree check and in the editor alike', () =>
    withWorkspace(async (workspace, root) => {
      const put = (path: string, text: string) => {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), text);
      };
      writeCompiledProvider(root);
      // No source beside this one: the compiled file is the only copy of its code, and is checked.
      put('providers/gitlab.js', COMPILED.replace('GitHub', 'GitLab'));
      put('providers/gitlab.d.ts.map', DECLARATION_MAP.replace('github.ts', 'gitlab.ts'));
      const result = await runCheck(workspace, { workers: 1 });
      const byFile = result.findings.map(({ path, finding }) => `${path}:${finding.ruleId}`);
      assert.deepEqual(byFile, ['providers/gitlab.js:reliability/missing-timeout', 'src/providers/github.ts:reliability/missing-timeout']);
      assert.deepEqual(result.skipped.map(describeSkippedFile), [
        'providers/github.js: generated: compiled from src/providers/github.ts, which is checked; secrets rules only (check.skipGenerated)',
      ]);
      // The editor's check of the one file looks beside it and agrees; an AI block there is checked all the same.
      assert.equal(workspace.checkFile('providers/github.js', COMPILED).generated, 'compiled from src/providers/github.ts, which is checked');
      assert.equal(workspace.checkFile('providers/gitlab.js', COMPILED).generated, undefined);
      put('index.js', COMPILED);
      put('index.d.ts.map', JSON.stringify({ version: 3, sources: ['src/index.ts'] }));
      put('src/index.ts', SOURCE);
      assert.equal(workspace.checkFile('index.js', COMPILED).generated, 'compiled from src/index.ts, which is checked');
      const withBlock = workspace.checkFile('providers/github.js', COMPILED, { aiRanges: [{ startLine: 1, endLine: 3 }] });
      assert.equal(withBlock.generated, undefined);
      assert.equal(withBlock.findings.length, 1);
    }));

  it('checks the compiled copy when the policy ignores its source', () =>
    withWorkspace(async (workspace, root) => {
      writeCompiledProvider(root);
      const result = await runCheck(workspace, { workers: 1 });
      assert.deepEqual(result.findings.map((located) => located.path), ['providers/github.js']);
      assert.equal(workspace.checkFile('providers/github.js', COMPILED).generated, undefined);
    }, 'ignore:\n  - "src/**"\n'));

  it('check.skipGenerated: false checks the compiled copy too', () =>
    withWorkspace(async (workspace, root) => {
      writeCompiledProvider(root);
      const result = await runCheck(workspace, { workers: 1 });
      assert.deepEqual(result.findings.map((finding) => finding.path), ['providers/github.js', 'src/providers/github.ts']);
      assert.deepEqual(result.skipped, []);
    }, 'check:\n  skipGenerated: false\n'));
});

describe('check: test code (testPaths, testSeverities)', () => {
  const TLS_ASSERTION = `import assert from 'node:assert';
import { buildAgentOptions } from '../src/agent.js';

it('turns certificate checks off when asked', () => {
  assert.deepEqual(buildAgentOptions({ insecure: true }), { rejectUnauthorized: false });
});
`;
  const SELF_SIGNED_SERVER = `import https from 'node:https';
import { key, cert } from './fixtures/self-signed.js';

const server = https.createServer({ key, cert }, (req, res) => res.end('ok'));
server.listen(0);
const agent = new https.Agent({ rejectUnauthorized: false });
`;
  const GLOBAL_THIS = `const root = Function('return this')();\nexport default root;\n`;
  /** A template test compiling its fixture: a real \`Function\` from a non-constant string. */
  const COMPILED_TEMPLATE = `import { readFileSync } from 'node:fs';\nconst source = readFileSync(process.argv[2], 'utf8');\nconst render = new Function('data', source);\n`;

  it('defaults: conventional test and benchmark paths; reliability and security at info, secrets unchanged', () => {
    const defaults = defaultPolicy();
    assert.deepEqual(defaults.testSeverities, { reliability: 'info', security: 'info' });
    return withWorkspace((workspace) => {
      for (const path of ['test/a.js', 'src/__tests__/a.ts', 'lib/a.test.ts', 'a.spec.js', 'packages/x/tests/b.ts', 'test/fixtures/c.js']) assert.equal(workspace.isTest(path), true, path);
      // Benchmarks never ship either (zod 4's `try { schema.parse(null) } catch {}` measures a failure).
      for (const path of ['bench/parse.ts', 'src/v3/benchmarks/union.ts', 'packages/x/benchmark/run.js', 'src/parse.bench.ts']) assert.equal(workspace.isTest(path), true, path);
      for (const path of ['src/a.ts', 'lib/testing.ts', 'contest/a.js', 'src/benchmark.ts', 'lib/workbench/a.js']) assert.equal(workspace.isTest(path), false, path);
      // Other ecosystems' conventions: Go's testdata, end-to-end suites, RSpec, JUnit and .NET classes, Perl's t/*.t.
      for (const path of ['pkg/testdata/key.pem', 'e2e/login.ts', 'spec/user_spec.rb', 'lib/user-spec.js', 'src/Tests/Login.cs', 'app/UserServiceTest.java', 'Api/LoginTests.cs', 't/mojo/url.t', 'test.py']) {
        assert.equal(workspace.isTest(path), true, path);
      }
      for (const path of ['src/Latest.java', 'src/attest.ts', 'lib/contest.rb', 'bin/t/run.pl']) assert.equal(workspace.isTest(path), false, path);
    });
  });

  for (const [name, text, ruleId] of [
    ['TLS flags in an assertion’s expected value', TLS_ASSERTION, 'security/tls-disabled'],
    ['a local self-signed server', SELF_SIGNED_SERVER, 'security/tls-disabled'],
    ['a template compiled with new Function', COMPILED_TEMPLATE, 'security/eval'],
  ] as const) {
    it(`${name}: info in test code, still reported in source`, () =>
      withWorkspace((workspace) => {
        const inSource = workspace.checkFile('src/code.js', text).findings.filter((finding) => finding.ruleId === ruleId);
        assert.ok(inSource.length > 0, 'reproduces in source');
        assert.ok(inSource.every((finding) => finding.severity !== 'info'), JSON.stringify(inSource.map((finding) => finding.severity)));
        const inTest = workspace.checkFile('test/code.test.js', text).findings.filter((finding) => finding.ruleId === ruleId);
        assert.equal(inTest.length, inSource.length);
        for (const finding of inTest) {
          assert.equal(finding.severity, 'info');
          assert.match(finding.severityReasons.join(' '), /lowered to info: file is test code/);
        }
      }));
  }

  it('Function("return this") with a constant string is not reported, in tests or in source (fixed in the rule)', () =>
    withWorkspace((workspace) => {
      for (const path of ['src/global.js', 'test/global.test.js']) {
        assert.deepEqual(workspace.checkFile(path, GLOBAL_THIS).findings.filter((finding) => finding.ruleId === 'security/eval'), [], path);
      }
    }));

  it('secrets in test code stay errors; critical paths do not lift a test finding above its cap', () => {
    const text = `const stripe = "${STRIPE_KEY}";\nconst agent = { rejectUnauthorized: false };\n`;
    const critical = { ...policy, criticalPaths: ['test'] };
    const result = run('test/a.test.js', text, { policy: critical, inTestPath: true });
    const byRule = new Map(result.findings.map((finding) => [finding.ruleId, finding.severity]));
    assert.equal(byRule.get('secrets/hardcoded-secret'), 'error');
    assert.equal(byRule.get('security/tls-disabled'), 'info');
  });

  it('reads testPaths and testSeverities from the policy, merging categories over the defaults', () => {
    const parsed = parsePolicy('testPaths: [e2e, "**/*.cy.ts"]\ntestSeverities:\n  security: warning\n  dependencies: off\n', OPTIONS).policy!;
    assert.deepEqual(parsed.testPaths, ['e2e', '**/*.cy.ts']);
    assert.deepEqual(parsed.testSeverities, { reliability: 'info', security: 'warning', dependencies: 'off' });
    assert.deepEqual(parsePolicy('testPaths: []\n', OPTIONS).policy!.testPaths, []);
    const unknown = parsePolicy('testSeverities: { reliabilty: info }\n', OPTIONS);
    assert.ok(unknown.policy);
    assert.match(unknown.problems[0].message, /Unknown rule category "reliabilty" in testSeverities.*Did you mean "reliability"/);
    const bad = parsePolicy('testSeverities: { security: low }\n', OPTIONS);
    assert.equal(bad.policy, undefined);
    assert.match(bad.problems[0].message, /testSeverities\.security must be one of/);
  });

  it('the schema agrees with the loader on testPaths, testSeverities and check.skipGenerated', () => {
    const schema = JSON.parse(readFileSync(join(__dirname, '../../../schemas/policy.schema.json'), 'utf8')) as { properties: Record<string, { default?: unknown }> };
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    assert.deepEqual(schema.properties.testPaths.default, defaultPolicy().testPaths);
    assert.deepEqual(schema.properties.testSeverities.default, defaultPolicy().testSeverities);
    for (const text of ['testPaths: [e2e]\n', 'testSeverities: { secrets: warning, custom: off }\n', 'check: { skipGenerated: false }\n']) {
      assert.ok(validate(parseYaml(text)), `${text}: ${JSON.stringify(validate.errors)}`);
      assert.ok(parsePolicy(text, OPTIONS).policy, text);
    }
    for (const text of ['testSeverities: { security: low }\n', 'check: { skipGenerated: sometimes }\n', 'testPaths: e2e\n']) {
      assert.equal(validate(parseYaml(text)), false, `schema accepts ${text}`);
      assert.equal(parsePolicy(text, OPTIONS).policy, undefined, text);
    }
  });

  it('a workspace policy with testPaths: [] reports test files like source', () =>
    withWorkspace((workspace) => {
      const finding = workspace.checkFile('test/a.test.js', COMPILED_TEMPLATE).findings.find((f) => f.ruleId === 'security/eval');
      assert.ok(finding);
      assert.notEqual(finding.severity, 'info');
      // The secrets rule judges fixtures by the same list: a guessable password in test/ is no fixture here.
      const guessable = `const password = '${['Summer', '2024!'].join('')}';\n`;
      assert.equal(workspace.checkFile('test/login.test.js', guessable).findings.filter((f) => f.ruleId === 'secrets/hardcoded-secret').length, 1);
    }, 'testPaths: []\n'));

  it("the secrets rule's fixtures follow the policy's testPaths", () =>
    withWorkspace((workspace) => {
      const guessable = `const password = '${['Summer', '2024!'].join('')}';\n`;
      const secrets = (path: string) => workspace.checkFile(path, guessable).findings.filter((f) => f.ruleId === 'secrets/hardcoded-secret').length;
      assert.equal(secrets('qa/login.js'), 0, 'a folder the policy names');
      assert.equal(secrets('test/login.test.js'), 1, 'a default the policy replaced');
      assert.equal(secrets('src/login.js'), 1);
    }, 'testPaths: ["qa/**"]\n'));
});
