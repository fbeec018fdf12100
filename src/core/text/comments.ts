/** How a language writes a comment: a line prefix, or a block pair when it has no line comments. */
export interface CommentSyntax {
  line?: string;
  block?: [string, string];
}

const SLASHES: CommentSyntax = { line: '//', block: ['/*', '*/'] };
const HASH: CommentSyntax = { line: '#' };
const DASHES: CommentSyntax = { line: '--', block: ['/*', '*/'] };
const MARKUP: CommentSyntax = { block: ['<!--', '-->'] };

const BY_LANGUAGE: Record<string, CommentSyntax> = {
  typescript: SLASHES, typescriptreact: SLASHES, javascript: SLASHES, javascriptreact: SLASHES,
  json: SLASHES, jsonc: SLASHES, java: SLASHES, c: SLASHES, cpp: SLASHES, csharp: SLASHES, go: SLASHES,
  rust: SLASHES, swift: SLASHES, kotlin: SLASHES, scala: SLASHES, dart: SLASHES, php: SLASHES,
  groovy: SLASHES, 'objective-c': SLASHES, fsharp: SLASHES, scss: SLASHES, less: SLASHES, vue: MARKUP,
  css: { block: ['/*', '*/'] },
  python: HASH, shellscript: HASH, ruby: HASH, perl: HASH, r: HASH, yaml: HASH, toml: HASH,
  dockerfile: HASH, makefile: HASH, powershell: HASH, properties: HASH, dotenv: HASH, ini: { line: ';' },
  elixir: HASH, julia: HASH, nix: HASH, terraform: HASH, coffeescript: HASH,
  sql: DASHES, lua: { line: '--' }, haskell: { line: '--' },
  html: MARKUP, xml: MARKUP, markdown: MARKUP, svelte: MARKUP,
  clojure: { line: ';;' }, lisp: { line: ';' }, bat: { line: 'REM' }, latex: { line: '%' }, erlang: { line: '%' },
};

const BY_EXTENSION: Record<string, string> = {
  '.ts': 'typescript', '.mts': 'typescript', '.cts': 'typescript', '.tsx': 'typescriptreact',
  '.js': 'javascript', '.mjs': 'javascript', '.cjs': 'javascript', '.jsx': 'javascriptreact',
  '.py': 'python', '.sh': 'shellscript', '.bash': 'shellscript', '.rb': 'ruby', '.yml': 'yaml', '.yaml': 'yaml',
  '.toml': 'toml', '.env': 'dotenv', '.ini': 'ini', '.go': 'go', '.rs': 'rust', '.java': 'java', '.kt': 'kotlin',
  '.c': 'c', '.h': 'c', '.cpp': 'cpp', '.cc': 'cpp', '.hpp': 'cpp', '.cs': 'csharp', '.php': 'php', '.sql': 'sql',
  '.html': 'html', '.xml': 'xml', '.md': 'markdown', '.css': 'css', '.scss': 'scss', '.lua': 'lua', '.swift': 'swift',
  '.tf': 'terraform', '.properties': 'properties', '.vue': 'vue', '.svelte': 'svelte',
};

/**
 * The comment syntax for a VS Code language id, falling back to the file's extension, then to `#`
 * for unknown plain-text-like files (most config formats use it).
 */
export function commentSyntaxFor(languageId: string | undefined, path: string): CommentSyntax {
  if (languageId && BY_LANGUAGE[languageId]) return BY_LANGUAGE[languageId];
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  if (name === 'dockerfile') return HASH;
  if (name === 'makefile') return HASH;
  if (name.startsWith('.env')) return HASH;
  const dot = name.lastIndexOf('.');
  const language = dot >= 0 ? BY_EXTENSION[name.slice(dot)] : undefined;
  return (language && BY_LANGUAGE[language]) || HASH;
}

/** A whole comment holding `body`, in the language's line style when it has one. */
export function commentLine(syntax: CommentSyntax, body: string): string {
  if (syntax.line) return `${syntax.line} ${body}`;
  const [open, close] = syntax.block ?? ['#', ''];
  return `${open} ${body} ${close}`.trimEnd();
}
