import { compileGlobs } from '../../policy/paths';
import { DEFAULT_TEST_PATHS } from '../../policy/policy';

/**
 * How a file is written, as far as secret scanning cares: whether an unquoted value after `=` or `:`
 * is a literal (YAML, .env, ini) or an expression (code), and which environment read is a correct
 * replacement for a literal in it.
 */
export type EnvReadStyle =
  /** `process.env.NAME` (JavaScript and TypeScript). */
  | 'process-env'
  /** `os.environ["NAME"]` (Python). */
  | 'python-environ'
  /** `${NAME}`: Docker Compose and Spring interpolate it in any value. */
  | 'dollar-brace'
  /** `${{ secrets.NAME }}`: GitHub Actions workflows. */
  | 'actions-secret';

/** What the secret rule needs to know about one file. */
export interface FileKind {
  /** True when `key: value` / `KEY=value` without quotes is a literal value (config files). */
  readonly unquotedValues: boolean;
  /** True when `"name", "value"` (call arguments, pairs) may assign a value to a name. */
  readonly pairsByComma: boolean;
  /** The env read that may replace a hardcoded value, or undefined when none is correct here. */
  readonly envRead?: EnvReadStyle;
  /** True for C, C++ and Objective-C, where `'abcd'` is a (multi-)character constant, not a string. */
  readonly charConstants?: boolean;
  /** True for YAML, where a value may be a plain scalar that an env read can replace in place. */
  readonly yaml: boolean;
  /** True for .properties files, whose keys are dotted paths (`spring.datasource.password`). */
  readonly dottedKeys: boolean;
  /** True for test code and test data (the policy's `testPaths`: `test/`, `*.test.ts`, `test_*.py`…), where a guessable password is a fixture. */
  readonly test: boolean;
  /** True for documentation (Markdown, reStructuredText, AsciiDoc, POD) and examples (`examples/`, `.env.example`), where a guessable password is an illustration. */
  readonly docs: boolean;
  /** How the file's own documentation is written inside its code (secrets/doc-strings.ts), when the rule reads it as documentation. */
  readonly documentedBy?: 'python-docstrings' | 'rust-doc-comments' | 'go-doc-comments' | 'ruby-doc-comments' | 'perl-pod' | 'html-escaped-markup' | 'doc-block-comments';
}

/** Lock files: their contents are integrity hashes and resolved URLs, never hand-written secrets. */
const LOCK_FILES: ReadonlySet<string> = new Set([
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lock',
  'bun.lockb',
  'deno.lock',
  'cargo.lock',
  'poetry.lock',
  'pipfile.lock',
  'pdm.lock',
  'uv.lock',
  'gemfile.lock',
  'composer.lock',
  'go.sum',
  'flake.lock',
  'mix.lock',
  'pubspec.lock',
  'podfile.lock',
  'packages.lock.json',
  'gradle.lockfile',
  'package.resolved',
]);

const JAVASCRIPT = new Set(['js', 'mjs', 'cjs', 'jsx', 'ts', 'mts', 'cts', 'tsx']);
const PYTHON = new Set(['py', 'pyw']);
const C_FAMILY = new Set(['c', 'h', 'cc', 'cpp', 'cxx', 'hpp', 'hh', 'm', 'mm']);
/** Languages besides JavaScript and the C family whose `/** … *\/` comments are documentation: Javadoc, KDoc, Scaladoc, GroovyDoc, PHPDoc, Swift's, Dart's and C#'s. */
const DOC_BLOCK_LANGUAGES = new Set(['java', 'kt', 'kts', 'scala', 'groovy', 'php', 'swift', 'dart', 'cs']);
const YAML = new Set(['yml', 'yaml']);
const CONFIG = new Set(['ini', 'cfg', 'conf', 'properties', 'env', 'npmrc', 'pypirc', 'netrc', 'gitconfig', 'sh', 'bash', 'zsh', 'ksh', 'fish', 'envrc', 'dockerfile', 'mk', 'mak']);
const CONFIG_BASENAMES = new Set(['credentials', 'dockerfile', 'containerfile', '.npmrc', '.pypirc', '.netrc', '.envrc', '.gitconfig', '.yarnrc', 'makefile', 'gnumakefile']);

function basenameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1).toLowerCase();
}

function extensionOf(basename: string): string {
  const dot = basename.lastIndexOf('.');
  return dot <= 0 ? '' : basename.slice(dot + 1);
}

/** True for lock files, which the rule skips whole. */
export function isLockFile(path: string): boolean {
  return LOCK_FILES.has(basenameOf(path));
}

const DOC_EXTENSIONS = new Set(['md', 'mdx', 'markdown', 'rst', 'adoc', 'asciidoc', 'pod']);

/** Pages a browser shows, whose escaped markup (`&lt;user …/&gt;`) is text for a reader. */
const HTML_PAGES = new Set(['html', 'htm', 'xhtml', 'shtml', 'jsp', 'jspf', 'jspx']);

/** The policy's default `testPaths`, for a file judged without a policy (a rule's unit test). */
const isDefaultTestPath = compileGlobs(DEFAULT_TEST_PATHS);

/**
 * Classifies a workspace-relative POSIX path. `inTestPath` is what the policy's `testPaths` say of
 * it (a check always knows); without it the default `testPaths` decide.
 */
export function classifyFile(path: string, inTestPath?: boolean): FileKind {
  // Written out, not spread (`{ ...format, test, docs }`): V8 copied the format's several shapes in
  // some 6 µs per file, 40 ms of a secrets check of 7,500 files; a literal of one shape takes 0.5 µs.
  const format = classifyFormat(path);
  return {
    unquotedValues: format.unquotedValues,
    pairsByComma: format.pairsByComma,
    envRead: format.envRead,
    charConstants: format.charConstants === true,
    yaml: format.yaml,
    dottedKeys: format.dottedKeys,
    test: inTestPath ?? isDefaultTestPath(path),
    docs: isDocPath(path),
    documentedBy: format.documentedBy,
  };
}

/** `examples/`, `iam.examples.json`, `.env.example`: illustrations and templates, not configuration. */
const EXAMPLE_PATH = /(?:^|\/)examples?\/|(?:^|[/._-])examples?(?:[._-][^/]*)?$/i;

/**
 * A documentation folder: `docs/`, `doc/`, `documentation/`, Debian's `usr/share/doc/<package>/`.
 * What it holds is written for readers, whatever its format: Tomcat's guides are XML
 * (`webapps/docs/host-manager-howto.xml`), a gem's API reference HTML.
 */
const DOC_FOLDER = /(?:^|\/)(?:docs?|documentation)\//i;

function isDocPath(path: string): boolean {
  const basename = basenameOf(path);
  // Sphinx's `_sources/page.rst.txt`: the documentation's source, copied beside its HTML.
  return DOC_EXTENSIONS.has(extensionOf(basename)) || basename === 'readme' || EXAMPLE_PATH.test(path) || DOC_FOLDER.test(path) || /\.(?:rst|md)\.txt$/.test(basename);
}

function classifyFormat(path: string): Omit<FileKind, 'test' | 'docs'> {
  const basename = basenameOf(path);
  const extension = extensionOf(basename);
  const lowerPath = path.toLowerCase();
  if (JAVASCRIPT.has(extension)) {
    return { unquotedValues: false, pairsByComma: true, envRead: 'process-env', yaml: false, dottedKeys: false, documentedBy: 'doc-block-comments' };
  }
  if (PYTHON.has(extension)) {
    return { unquotedValues: false, pairsByComma: true, envRead: 'python-environ', yaml: false, dottedKeys: false, documentedBy: 'python-docstrings' };
  }
  if (YAML.has(extension)) {
    let envRead: EnvReadStyle | undefined;
    if (lowerPath.includes('.github/workflows/')) envRead = 'actions-secret';
    else if (/^(?:docker-)?compose(?:[.-][\w.-]+)?\.ya?ml$/.test(basename)) envRead = 'dollar-brace';
    else if (/^(?:application|bootstrap)(?:[-.][\w-]+)?\.ya?ml$/.test(basename)) envRead = 'dollar-brace';
    return { unquotedValues: true, pairsByComma: false, envRead, yaml: true, dottedKeys: false };
  }
  if (extension === 'properties') {
    const spring = /^(?:application|bootstrap)(?:[-.][\w-]+)?\.properties$/.test(basename);
    return { unquotedValues: true, pairsByComma: false, envRead: spring ? 'dollar-brace' : undefined, yaml: false, dottedKeys: true };
  }
  // .env, .env.local, prod.env: the value itself is the secret's home, so no env read replaces it.
  if (basename.startsWith('.env') || CONFIG.has(extension) || CONFIG_BASENAMES.has(basename) || basename.startsWith('dockerfile')) {
    return { unquotedValues: true, pairsByComma: false, yaml: false, dottedKeys: false };
  }
  if (extension === 'pm' || extension === 'pl' || extension === 't') {
    return { unquotedValues: false, pairsByComma: true, yaml: false, dottedKeys: false, documentedBy: 'perl-pod' };
  }
  if (extension === 'rs') {
    return { unquotedValues: false, pairsByComma: true, yaml: false, dottedKeys: false, documentedBy: 'rust-doc-comments' };
  }
  if (extension === 'rb' || extension === 'rake' || extension === 'gemspec') {
    return { unquotedValues: false, pairsByComma: true, yaml: false, dottedKeys: false, documentedBy: 'ruby-doc-comments' };
  }
  if (extension === 'go') {
    return { unquotedValues: false, pairsByComma: true, yaml: false, dottedKeys: false, documentedBy: 'go-doc-comments' };
  }
  if (C_FAMILY.has(extension)) {
    return { unquotedValues: false, pairsByComma: true, yaml: false, dottedKeys: false, charConstants: true, documentedBy: 'doc-block-comments' };
  }
  if (DOC_BLOCK_LANGUAGES.has(extension)) {
    return { unquotedValues: false, pairsByComma: true, yaml: false, dottedKeys: false, documentedBy: 'doc-block-comments' };
  }
  if (HTML_PAGES.has(extension)) {
    return { unquotedValues: false, pairsByComma: true, yaml: false, dottedKeys: false, documentedBy: 'html-escaped-markup' };
  }
  // Other code, JSON, Markdown and unknown files: only quoted values are literals.
  // JSON and source maps list strings side by side, so `"token", "…"` is two entries, not a pair.
  const listsStrings = extension === 'json' || extension === 'map' || extension === 'jsonc' || extension === 'json5';
  return { unquotedValues: false, pairsByComma: !listsStrings, yaml: false, dottedKeys: false };
}
