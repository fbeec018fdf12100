import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Language, Parser, Range, Tree } from 'web-tree-sitter';
import { isTreeSitterLanguage, languageOfPath, type TreeSitterLanguageId } from './language';

/**
 * Where each grammar's WebAssembly comes from: `dist/grammars/<file>` beside the bundles (copied by
 * scripts/build.mjs, shipped in the .vsix), else the npm package (tests run from source).
 */
const GRAMMARS: Readonly<Record<TreeSitterLanguageId | 'runtime', { file: string; module: string }>> = {
  runtime: { file: 'tree-sitter.wasm', module: 'web-tree-sitter/tree-sitter.wasm' },
  python: { file: 'tree-sitter-python.wasm', module: 'tree-sitter-python/tree-sitter-python.wasm' },
  terraform: { file: 'tree-sitter-terraform.wasm', module: '@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm' },
};

/** The grammar files scripts/build.mjs copies into `dist/grammars/`, by npm module path. */
export const GRAMMAR_MODULE_PATHS: readonly string[] = Object.values(GRAMMARS).map((grammar) => grammar.module);

function locate(which: keyof typeof GRAMMARS): string {
  const { file, module } = GRAMMARS[which];
  const beside = join(__dirname, 'grammars', file);
  if (existsSync(beside)) return beside;
  return createRequire(__filename).resolve(module);
}

/** web-tree-sitter itself, imported on the first grammar load: a run that meets no such file never evaluates it. */
let runtime: Promise<typeof import('web-tree-sitter')> | undefined;
const loading = new Map<TreeSitterLanguageId, Promise<Language>>();
const loaded = new Map<TreeSitterLanguageId, Language>();
let parser: Parser | undefined;
let parserClass: typeof Parser | undefined;

/**
 * Loads the grammars of `languages` (and the tree-sitter runtime on first use). Idempotent and
 * cheap once done; parsing is synchronous afterwards (see {@link parseTree}). WebAssembly can only
 * be compiled asynchronously here, so every caller that may meet such a file loads first: the check
 * threads before their share of files, the server before a pull.
 */
export async function loadGrammars(languages: Iterable<TreeSitterLanguageId>): Promise<void> {
  const wanted = [...new Set(languages)].filter((language) => !loaded.has(language));
  if (wanted.length === 0) return;
  runtime ??= import('web-tree-sitter').then(async (module) => {
    await module.Parser.init({ locateFile: () => locate('runtime') });
    return module;
  });
  const { Language: LanguageClass, Parser: ParserClass } = await runtime;
  parserClass = ParserClass;
  await Promise.all(
    wanted.map((language) => {
      let promise = loading.get(language);
      if (promise === undefined) {
        // Handed the bytes: given a path, web-tree-sitter reads it through `import('fs/promises')`, which
        // the CLI's bundle, compiled through V8's code cache (src/cli/launcher.ts), cannot make before Node 20.12.
        promise = readFile(locate(language)).then((bytes) => LanguageClass.load(bytes)).then((grammar) => {
          loaded.set(language, grammar);
          return grammar;
        });
        // A failed load may be retried (a file replaced while an update installed).
        promise.catch(() => loading.delete(language));
        loading.set(language, promise);
      }
      return promise;
    }),
  );
}

/** Loads the grammars the files at `paths` need (none for TypeScript, YAML, Dockerfiles or plain text). */
export async function loadGrammarsForPaths(paths: Iterable<string>): Promise<void> {
  const languages = new Set<TreeSitterLanguageId>();
  for (const path of paths) {
    const language = languageOfPath(path);
    if (language !== undefined && isTreeSitterLanguage(language)) languages.add(language);
  }
  if (languages.size > 0) await loadGrammars(languages);
}

/** Thrown by {@link parseTree} for a language whose grammar {@link loadGrammars} has not loaded. */
export class GrammarNotLoadedError extends Error {
  constructor(readonly language: TreeSitterLanguageId) {
    super(`the ${language} grammar was not loaded`);
  }
}

export function grammarLoaded(language: TreeSitterLanguageId): boolean {
  return loaded.has(language);
}

/**
 * Parses `text` with a loaded grammar. With `previous` (the tree of the text before an edit, already
 * told of the edit with `Tree.edit`), tree-sitter reuses what did not change. The caller owns the
 * returned tree and must `delete()` it: it lives in WebAssembly memory, which no garbage collector frees.
 * With `includedRanges`, only those spans of `text` are parsed (offsets stay the text's).
 */
export function parseTree(language: TreeSitterLanguageId, text: string, previous?: Tree, includedRanges?: Range[]): Tree {
  const grammar = loaded.get(language);
  if (grammar === undefined) throw new GrammarNotLoadedError(language);
  parser ??= new parserClass!();
  parser.setLanguage(grammar);
  const tree = parser.parse(text, previous ?? null, includedRanges ? { includedRanges } : undefined);
  if (tree === null) throw new Error(`tree-sitter returned no tree for ${language}`);
  return tree;
}
