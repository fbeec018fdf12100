// Builds the bundles in dist/ (client, server and CLI as separate entries, `vscode` external) and,
// unless --production, transpiles src/, test/ and bench/ into out/ for mocha and benchmarks.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, statSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const watch = args.has('--watch');
// --transpile-only --out DIR: only transpile src/, test/, bench/ into DIR (lets several people run
// unit tests at once without sharing out/ or touching dist/).
const transpileOnly = args.has('--transpile-only');
const outArgIndex = process.argv.indexOf('--out');
const outDir = outArgIndex >= 0 ? process.argv[outArgIndex + 1] : 'out';
// --dist DIR: write the bundles to DIR instead of dist/ (the benchmarks time the production bundles
// there, as the .vsix ships them, while dist/ keeps the development build the tests run).
const distArgIndex = process.argv.indexOf('--dist');
const distDir = distArgIndex >= 0 ? process.argv[distArgIndex + 1] : 'dist';
// The folder is emptied first: only dist/ itself or a folder under out/ may be named.
if (!/^(?:dist|out\/[\w.-]+(?:\/[\w.-]+)*)$/.test(distDir ?? '') || distDir.split('/').some((part) => part === '..' || part === '.')) {
  console.error(`[build] --dist must be dist or a folder under out/ (it is emptied first); got ${distDir}`);
  process.exit(2);
}

/** @type {esbuild.BuildOptions} */
const bundleOptions = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['vscode'],
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
  legalComments: production ? 'none' : 'inline',
  define: { 'process.env.COMPREHENSION_BUILD': JSON.stringify(production ? 'production' : 'development') },
};

/**
 * The TypeScript compiler that ts-morph ships (`ts-morph`'s `ts` export, the only part of ts-morph the
 * bundles use) is most of the weight. The server and the CLI both need it (the extension does not),
 * so it is bundled once as dist/vendor/typescript.js and both load it from there. Without the rest of
 * ts-morph (its project API, 5 MB more) it loads in about 0.2 s instead of 0.35 s from the code cache.
 */
const shippedTypeScript = createRequire(createRequire(join(root, 'package.json')).resolve('ts-morph')).resolve('@ts-morph/common/dist/typescript.js');

const sharedTsMorph = {
  name: 'shared-ts-morph',
  setup(build) {
    // `ts` starts as a stand-in whose first use loads dist/vendor/typescript.js and rebinds `ts` to a
    // plain copy of TypeScript's exports. So `comprehension --version`, a secrets-only check and files
    // without syntax rules never pay a third of a second and 50 MB per thread for TypeScript; and
    // after the load every `ts.SyntaxKind.X` in a rule's walk is a plain property read, where
    // TypeScript's own exports are getters, two calls per use.
    build.onResolve({ filter: /^ts-morph$/ }, () => ({ path: 'lazy-ts-morph', namespace: 'lazy-ts-morph' }));
    build.onLoad({ filter: /.*/, namespace: 'lazy-ts-morph' }, () => ({
      // Loaded through V8's code cache in the user cache folder (src/core/runtime/code-cache.ts).
      contents: [
        "import { join } from 'node:path';",
        "import { requireWithCodeCache } from './src/core/runtime/code-cache';",
        'let loaded;',
        'function load() {',
        "  if (!loaded) { loaded = { ...requireWithCodeCache(join(__dirname, 'vendor', 'typescript.js')).exports }; ts = loaded; }",
        '  return loaded;',
        '}',
        'export let ts = new Proxy({}, { get: (_, name) => load()[name], has: (_, name) => name in load() });',
      ].join('\n'),
      resolveDir: root,
      loader: 'ts',
    }));
  },
};


/**
 * web-tree-sitter's ESM build (which `import()` would pick) finds its WebAssembly through
 * `import.meta.url`, empty in a CommonJS bundle; its CommonJS build uses `__dirname`, and we pass
 * `locateFile` anyway (src/core/languages/tree-sitter.ts).
 */
const webTreeSitterAsCommonJs = {
  name: 'web-tree-sitter-cjs',
  setup(build) {
    build.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: join(root, 'node_modules/web-tree-sitter/tree-sitter.cjs') }));
  },
};

const bundles = [
  // Banner and footer bracket the bundle's evaluation, so activation timing includes loading the code.
  {
    entryPoints: { extension: 'src/client/extension.ts' },
    banner: { js: 'globalThis.__comprehensionLoadStart = performance.now();' },
    footer: { js: 'globalThis.__comprehensionLoadEnd = performance.now();' },
    // No ts-morph and no note checks: the language server assesses notes (test/unit/extension-bundle.test.ts).
  },
  { entryPoints: { server: 'src/server/main.ts' }, plugins: [sharedTsMorph, webTreeSitterAsCommonJs] },
  // dist/cli.js is a launcher of a few KB that loads the CLI (dist/cli-main.js) through V8's code cache.
  { entryPoints: { 'cli-main': 'src/cli/main.ts' }, plugins: [sharedTsMorph, webTreeSitterAsCommonJs] },
  { entryPoints: { cli: 'src/cli/launcher.ts' }, banner: { js: '#!/usr/bin/env node' } },
  { entryPoints: { 'vendor/typescript': shippedTypeScript }, sourcemap: false },
];

function listTs(dir) {
  const files = [];
  let entries;
  try {
    entries = readdirSync(join(root, dir));
  } catch {
    return files;
  }
  for (const name of entries) {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures' || name === 'results') continue;
    if (statSync(join(root, path)).isDirectory()) files.push(...listTs(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) files.push(path);
  }
  return files;
}

/** @type {esbuild.BuildOptions} */
const transpileOptions = {
  absWorkingDir: root,
  entryPoints: [...listTs('src'), ...listTs('test'), ...listTs('bench')],
  outdir: outDir,
  outbase: '.',
  bundle: false,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  logLevel: 'warning',
};

const all = [];
if (!transpileOnly) {
  if (!watch) rmSync(join(root, distDir), { recursive: true, force: true });
  all.push(...bundles.map((b) => ({ ...bundleOptions, ...b, outdir: distDir })));
}
if (!production) {
  rmSync(join(root, outDir), { recursive: true, force: true });
  all.push(transpileOptions);
}

/** JSON schemas ship in dist/schemas (package.json's yamlValidation points there). */
function copySchemas() {
  mkdirSync(join(root, distDir, 'schemas'), { recursive: true });
  for (const name of readdirSync(join(root, 'schemas'))) copyFileSync(join(root, 'schemas', name), join(root, distDir, 'schemas', name));
}

/**
 * Tree-sitter's runtime and grammars (WebAssembly) ship in dist/grammars, where
 * src/core/languages/tree-sitter.ts looks first; each is loaded only when a file needs it.
 */
const GRAMMAR_FILES = [
  'web-tree-sitter/tree-sitter.wasm',
  'tree-sitter-python/tree-sitter-python.wasm',
  '@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm',
];
function copyGrammars() {
  mkdirSync(join(root, distDir, 'grammars'), { recursive: true });
  for (const file of GRAMMAR_FILES) copyFileSync(join(root, 'node_modules', file), join(root, distDir, 'grammars', file.slice(file.lastIndexOf('/') + 1)));
}

if (watch) {
  const contexts = await Promise.all(all.map((options) => esbuild.context(options)));
  await Promise.all(contexts.map((context) => context.watch()));
  copySchemas();
  copyGrammars();
  console.log('[watch] building; watching for changes');
} else {
  const started = Date.now();
  await Promise.all(all.map((options) => esbuild.build(options)));
  if (!transpileOnly) {
    copySchemas();
    copyGrammars();
  }
  const where = transpileOnly ? outDir : [relative(process.cwd(), join(root, distDir)) || distDir, ...(production ? [] : [outDir])].join(', ');
  console.log(`[build] ${transpileOnly ? 'transpile-only' : production ? 'production' : 'development'} build in ${Date.now() - started} ms (${where})`);
}
