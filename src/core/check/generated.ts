/**
 * Recognises files a tool wrote rather than a person: minified code, bundles, compiler output and
 * files that say so in their header. Findings of the code rules there are about the tool (a bundled
 * copy of a dependency, a transpiler's helper) and repeat, once per output, what the source already
 * says; only the secrets rules still run, because a key bundled into an output is leaked all the same.
 *
 * Detection reads a bounded head and tail of the text with line scans and literal searches: it
 * never parses, so a hostile file costs at most a few hundred KB of string scanning.
 */

/** How much of the start of a file is looked at. */
const HEAD_CHARS = 64 * 1024;
/** How much of the end of a file is looked at (where bundlers put their source-map comment). */
const TAIL_CHARS = 4 * 1024;
/** Lines of the head in which a "this file is generated" marker counts. */
const MARKER_LINES = 20;
/** A line longer than this is not one a person wrote. */
const LONG_LINE = 500;
/**
 * Below this size line statistics say nothing: a short one-liner is not a bundle, and a small
 * hostile file nested too deep must still be reported as not checked rather than pass as minified.
 */
const MIN_MINIFIED_CHARS = 8 * 1024;
/** The same in a build-output path (`dist/`, `*.min.js`), where a small minified file is expected. */
const MIN_MINIFIED_CHARS_IN_OUTPUT = 1024;
/** An inline (`data:`) source map is one line of this size at most that is looked at. */
const MAX_INLINE_MAP_CHARS = 4 * 1024 * 1024;

/** Files whose line statistics and bundle signatures are meaningful: scripts and style sheets. */
const CODE_EXTENSION = /\.(?:[cm]?[jt]sx?|css)$/i;

/**
 * Folders and names build tools write to: a weak hint, only counted with a signature in the content.
 * Module-format folders count too (`lib/esm/`, `lib/cjs/`, puppeteer's `lib/es5-iife/`).
 * Also a chunk named with its content hash (Vite and Rollup: `index.BY2vkw8A.js`, `index-Cq-34xZU.js`):
 * eight base64url characters mixing digits and both cases.
 */
const OUTPUT_PATH = /(?:^|\/)(?:dist|build|out|bundles?|umd|lib-cov|esm|cjs|es5|es6|es20\d\d|iife|es5-iife|amd)\/|\.(?:min|bundle|umd|prod|production)\.[cm]?js$/i;
const HASHED_CHUNK = /[.-](?=[\w-]{0,7}\d)(?=[\w-]{0,7}[A-Z])(?=[\w-]{0,7}[a-z])[\w-]{8}\.[cm]?js$/;

function isOutputPath(path: string): boolean {
  return OUTPUT_PATH.test(path) || HASHED_CHUNK.test(path);
}

/**
 * A comment near the top that declares the file generated: the `@generated` tag (Facebook's
 * convention, honoured by GitHub's linguist) or Go's "Code generated … DO NOT EDIT".
 */
const MARKER_PATTERNS: readonly RegExp[] = [
  /^\s*(?:\/\/|\/\*|\*|#|<!--)[^\n]*@generated\b/,
  /^\s*(?:\/\/|\/\*|\*|#|<!--)[^\n]*\bgenerated\b[^\n]*\bdo not edit\b/i,
];

/** The source-map comment bundlers and compilers append; in a comment at a line start, not in a string. */
const SOURCE_MAP_COMMENT = /^\s*(?:\/\/|\/\*)[#@] sourceMappingURL=/m;
/** The same comment read from a line start (sticky): tried only at the lines that hold the literal. */
const SOURCE_MAP_COMMENT_AT = /\s*(?:\/\/|\/\*)[#@] sourceMappingURL=/y;

/**
 * Definitions that only build tools emit, each with the name a skipped file is listed with, and
 * literals one of which each match contains: the expression runs only where one is found.
 */
const BUNDLE_SIGNATURES: readonly { name: string; pattern: RegExp; literals: readonly string[] }[] = [
  { name: 'webpack runtime', pattern: /\b__webpack_require__\b|\b__webpack_modules__\b|\bwebpackChunk\w*/, literals: ['webpack'] },
  { name: 'esbuild helpers', pattern: /\bvar __(?:commonJS|toESM|export|defProp|require) = /, literals: ['var __'] },
  { name: 'regenerator runtime', pattern: /\bregeneratorRuntime\b|\bfunction _regeneratorRuntime\(|\bfunction _regenerator\(/, literals: ['egenerator'] },
  {
    name: 'Babel helpers',
    pattern: /\bfunction _(?:classCallCheck|asyncToGenerator|interopRequireDefault|interopRequireWildcard|createClass|typeof|classPrivate\w+|checkPrivateRedeclaration|assertClassBrand|checkInRHS|objectSpread2|toPropertyKey|toPrimitive|slicedToArray|wrapNativeSuper)\(/,
    literals: ['function _'],
  },
  // `undefined && undefined.__…`, without the parentheses, once Babel has compiled TypeScript's output again (top-level `this` is undefined in a module).
  {
    name: 'TypeScript emit helpers',
    pattern: /\(?(?:this|undefined) && (?:this|undefined)\.__(?:awaiter|importDefault|importStar|createBinding|extends|disposeResources|addDisposableResource|decorate|metadata|generator|values|spreadArray|classPrivateFieldGet|classPrivateFieldSet|esDecorate|runInitializers)\b/,
    literals: ['this && this.__', 'undefined && undefined.__'],
  },
  {
    name: 'UMD wrapper',
    // Also minified: `"object"==typeof exports&&"undefined"!=typeof module` (bluebird's browser build).
    pattern: /typeof exports === ['"]object['"] && typeof module !== ['"]undefined['"]|typeof define === ['"]function['"] && define\.amd|["']object["']==typeof exports&&["']undefined["']!=typeof module|["']function["']==typeof define&&define\.amd/,
    literals: ['typeof exports', 'define.amd'],
  },
  { name: 'CommonJS interop emit', pattern: /^Object\.defineProperty\(exports, ['"]__esModule['"], \{ value: true \}\);/m, literals: ['Object.defineProperty(exports'] },
  { name: 'parcel runtime', pattern: /\bparcelRequire\b/, literals: ['parcelRequire'] },
  // @rollup/plugin-commonjs names each required module `require$$0`, `require$$1$1`…, with its interop helpers.
  {
    name: 'Rollup CommonJS interop',
    pattern: /\bvar require\$\$\d+(?:\$\d+)? = require\(|\bfunction (?:_interopDefaultLegacy|getDefaultExportFromCjs) ?\(/,
    literals: ['require$$', '_interopDefaultLegacy', 'getDefaultExportFromCjs'],
  },
  // `_dereq_` once derequire has renamed `require` in a standalone build (bluebird's browser build).
  { name: 'browserify runtime', pattern: /\[function\((?:require|_dereq_),module,exports\)\{/, literals: ['[function(require,module,exports){', '[function(_dereq_,module,exports){'] },
];

/**
 * Every signature's literals, searched as one alternation so that one pass over a head finds which
 * of them it holds (a search per literal read the head fifteen times). No literal is a prefix of
 * another (a test checks), so where one matches no other can: stepping one character past each
 * match finds every literal present, overlapping ones included.
 */
export const BUNDLE_SIGNATURE_LITERALS: readonly string[] = [...new Set(BUNDLE_SIGNATURES.flatMap(({ literals }) => literals))];
const SIGNATURE_LITERALS = new RegExp(BUNDLE_SIGNATURE_LITERALS.map((literal) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');

/** The signature literals found in `head`. */
function signatureLiteralsIn(head: string): Set<string> {
  const present = new Set<string>();
  SIGNATURE_LITERALS.lastIndex = 0;
  for (let match = SIGNATURE_LITERALS.exec(head); match !== null; match = SIGNATURE_LITERALS.exec(head)) {
    present.add(match[0]);
    SIGNATURE_LITERALS.lastIndex = match.index + 1;
  }
  return present;
}

/**
 * Why `text` (at workspace-relative `path`) is generated, in a few words for the list of skipped
 * files (e.g. `sourceMappingURL comment`), or undefined when it reads as written by a person.
 * Strong signals count alone: a generated marker, a source-map comment, minified line statistics,
 * module markers naming the source files a bundler concatenated.
 * A bundle signature counts in a build-output path (`dist/`, `*.min.js`…) or with a second one.
 */
export function generatedReason(path: string, text: string): string | undefined {
  const head = text.length > HEAD_CHARS ? text.slice(0, HEAD_CHARS) : text;
  const marker = markerIn(head);
  if (marker) return marker;
  const isCode = CODE_EXTENSION.test(path);
  if (!isCode) return undefined;
  const tail = text.length > TAIL_CHARS ? text.slice(text.length - TAIL_CHARS) : text;
  // The plain search first: the line-anchored expression tries every line start of the tail, and most files have no map.
  if (sourceMapCommentIn(tail) || inlineSourceMapAtEnd(text)) return 'sourceMappingURL comment';
  const minified = minifiedStatistics(head, isOutputPath(path) ? MIN_MINIFIED_CHARS_IN_OUTPUT : MIN_MINIFIED_CHARS);
  if (minified) return minified;
  const modules = bundledModuleMarkers(head);
  if (modules) return modules;
  const present = signatureLiteralsIn(head);
  const signatures = BUNDLE_SIGNATURES.filter(({ pattern, literals }) => literals.some((literal) => present.has(literal)) && pattern.test(head)).map(({ name }) => name);
  // One region is a module compiled alone (rolldown's per-file output): a signature, not proof.
  if (distinctAtLineStarts(head, '//#region ', MODULE_REGION, 1) === 1) signatures.push('module region naming its source file');
  if (head.includes('$1') && distinctRenamedBindings(head, 2) === 2) signatures.push('bindings renamed apart (name$1)');
  if (startsAsIifeBundle(head)) signatures.push('Rollup IIFE wrapper');
  if (signatures.length >= 2) return `bundle: ${signatures.slice(0, 2).join(', ')}`;
  if (signatures.length === 1 && isOutputPath(path)) return `bundle: ${signatures[0]} in a build output path`;
  return undefined;
}

/**
 * The comment a bundler writes before each module it concatenates, naming the module's source file:
 * rolldown's `//#region src/check/runner.ts` (closed by `//#endregion`) and esbuild's
 * `// src/check/runner.ts`. A person's folding region is named in words (`//#region Helpers`), and a
 * path-only comment at most heads the one file it names.
 */
const MODULE_REGION = /\/\/#region (\S+\.(?:[cm]?[jt]sx?|json|vue|svelte))[ \t]*(?:\r?\n|$)/y;
const MODULE_PATH_COMMENT = /\/\/ ((?:[\w@.-]+\/)+[\w@.-]+\.(?:[cm]?[jt]sx?|json|vue|svelte))[ \t]*(?:\r?\n|$)/y;

/**
 * A bundle named by its own module markers: regions naming two source files, or path comments
 * naming three (a hand-written file may start with its own path, or cite one more).
 */
function bundledModuleMarkers(head: string): string | undefined {
  if (distinctAtLineStarts(head, '//#region ', MODULE_REGION, 2) >= 2) return 'bundle: module regions naming their source files';
  if (distinctAtLineStarts(head, '// ', MODULE_PATH_COMMENT, 3) >= 3) return 'bundle: module comments naming their source files';
  return undefined;
}

/**
 * How many distinct first captures the sticky `pattern` finds at the line starts of `text` that
 * begin with `prefix`, counting no further than `enough`. Lines are found by a literal search: a
 * multi-line expression would be tried at every line of every file.
 */
function distinctAtLineStarts(text: string, prefix: string, pattern: RegExp, enough: number): number {
  const seen = new Set<string>();
  for (let at = text.startsWith(prefix) ? 0 : text.indexOf(`\n${prefix}`); at >= 0 && seen.size < enough; at = text.indexOf(`\n${prefix}`, at + 1)) {
    pattern.lastIndex = text.charCodeAt(at) === 10 ? at + 1 : at;
    const match = pattern.exec(text);
    if (match !== null) seen.add(match[1]);
  }
  return seen.size;
}

/**
 * Declarations Rollup and Babel renamed to keep two modules' names apart (`var FormData$1 = …`,
 * `function utils$1`): axios's and markdown-it's dist files hold several in their first 64 KB;
 * no hand-written file of four real trees (this repository's dependencies, 31 npm packages) held two.
 */
const RENAMED_BINDING = /\b(?:var|let|const|function|class) ([A-Za-z_]\w*\$\d+)\b/g;

function distinctRenamedBindings(text: string, enough: number): number {
  const seen = new Set<string>();
  RENAMED_BINDING.lastIndex = 0;
  for (let match = RENAMED_BINDING.exec(text); match !== null && seen.size < enough; match = RENAMED_BINDING.exec(text)) seen.add(match[1]);
  return seen.size;
}

/**
 * Rollup's `iife` output format as the file's first statement, after its banner comments: a global
 * assigned a function called at once, whose body opens with a strict-mode directive (Vue's and
 * Vuex's `*.global.js`: `var Vue = (function (exports) {` then `'use strict';`). A person writes
 * this module pattern too, so it is one signature, not proof.
 */
const IIFE_BUNDLE_START = /var [A-Za-z_$][\w$]* = \(function \([\w$, ]*\) \{\r?\n[ \t]*(['"])use strict\1;/y;

function startsAsIifeBundle(head: string): boolean {
  const start = firstStatementAt(head);
  if (start < 0 || !head.startsWith('var ', start)) return false;
  IIFE_BUNDLE_START.lastIndex = start;
  return IIFE_BUNDLE_START.test(head);
}

/** Where the first statement of `text` starts, past blank space and comments; -1 when a comment is not closed. */
function firstStatementAt(text: string): number {
  let at = 0;
  for (;;) {
    while (at < text.length && /\s/.test(text[at])) at++;
    if (text.startsWith('//', at)) {
      const end = text.indexOf('\n', at);
      if (end < 0) return -1;
      at = end + 1;
    } else if (text.startsWith('/*', at)) {
      const end = text.indexOf('*/', at + 2);
      if (end < 0) return -1;
      at = end + 2;
    } else return at;
  }
}

/**
 * An inline source map (`//# sourceMappingURL=data:…;base64,…`) is a last line longer than the
 * tail; its start is found by one backward search bounded by `MAX_INLINE_MAP_CHARS`.
 */
function inlineSourceMapAtEnd(text: string): boolean {
  const end = text.trimEnd().length;
  if (end <= TAIL_CHARS) return false;
  const from = Math.max(0, end - MAX_INLINE_MAP_CHARS);
  const newline = text.slice(from, end).lastIndexOf('\n');
  if (newline < 0 && from > 0) return false;
  const start = from + newline + 1;
  if (end - start <= TAIL_CHARS) return false;
  return SOURCE_MAP_COMMENT.test(text.slice(start, start + 64));
}

/**
 * Whether a source-map comment starts a line of `text` (the start of `text` counts as one): each
 * `sourceMappingURL=` found by a literal search is read from its line's start, instead of a
 * multi-line expression tried at every line.
 */
function sourceMapCommentIn(text: string): boolean {
  for (let at = text.indexOf(SOURCE_MAP_LITERAL); at >= 0; at = text.indexOf(SOURCE_MAP_LITERAL, at + 1)) {
    let lineStart = at;
    while (lineStart > 0 && !isLineTerminator(text.charCodeAt(lineStart - 1))) lineStart--;
    SOURCE_MAP_COMMENT_AT.lastIndex = lineStart;
    if (SOURCE_MAP_COMMENT_AT.test(text) && SOURCE_MAP_COMMENT_AT.lastIndex === at + SOURCE_MAP_LITERAL.length) return true;
  }
  return false;
}

const SOURCE_MAP_LITERAL = 'sourceMappingURL=';

/** What ends a line for `^` in a multi-line expression: line feed, carriage return, U+2028, U+2029. */
function isLineTerminator(code: number): boolean {
  return code === 10 || code === 13 || code === 0x2028 || code === 0x2029;
}

function markerIn(head: string): string | undefined {
  // Both markers contain the word: most files are let go by one search of their header lines.
  let headerEnd = 0;
  for (let line = 0; line < MARKER_LINES && headerEnd >= 0 && headerEnd < head.length; line++) headerEnd = head.indexOf('\n', headerEnd + (line > 0 ? 1 : 0));
  if (!/generated/i.test(headerEnd < 0 ? head : head.slice(0, headerEnd))) return undefined;
  let start = 0;
  for (let line = 0; line < MARKER_LINES && start < head.length; line++) {
    const end = head.indexOf('\n', start);
    const text = head.slice(start, end < 0 ? head.length : end);
    // Only the start of a long line: a marker is at the top of a short header comment.
    const bounded = text.length > 400 ? text.slice(0, 400) : text;
    if (MARKER_PATTERNS.some((pattern) => pattern.test(bounded))) return 'marked as generated in its header';
    if (end < 0) break;
    start = end + 1;
  }
  return undefined;
}

/**
 * Minified code: most of the head in lines longer than anyone writes, or a very high average line
 * length. Counted in one pass over line breaks.
 */
function minifiedStatistics(head: string, minChars: number): string | undefined {
  if (head.length < minChars) return undefined;
  let lines = 0;
  let longChars = 0;
  let start = 0;
  while (start <= head.length) {
    const end = head.indexOf('\n', start);
    const stop = end < 0 ? head.length : end;
    lines++;
    if (stop - start > LONG_LINE) longChars += stop - start;
    if (end < 0) break;
    start = end + 1;
  }
  if (longChars / head.length >= 0.5) return `minified: ${Math.round((100 * longChars) / head.length)}% of the first ${Math.round(head.length / 1024)} KB in lines over ${LONG_LINE} characters`;
  if (head.length / lines > 200) return `minified: ${Math.round(head.length / lines)} characters per line on average`;
  return undefined;
}

/** Rule ids that still run on a generated file: a secret bundled into an output is leaked all the same. */
export function runsOnGeneratedFiles(ruleId: string): boolean {
  return ruleId.startsWith('secrets/');
}
