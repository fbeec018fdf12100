/**
 * Languages beyond TypeScript and JavaScript that rules and block questions understand. TypeScript
 * and JavaScript keep their own path (ts-morph, `check/engine.ts`'s script kinds); these are parsed
 * by tree-sitter grammars (`tree-sitter.ts`), the `yaml` library or a line parser (`document.ts`).
 */
export type LanguageId = 'python' | 'terraform' | 'dockerfile' | 'github-actions' | 'kubernetes';

/** Languages parsed by a tree-sitter grammar, loaded on demand (see `tree-sitter.ts`). */
export type TreeSitterLanguageId = 'python' | 'terraform';

export const TREE_SITTER_LANGUAGES: readonly TreeSitterLanguageId[] = ['python', 'terraform'];

export function isTreeSitterLanguage(language: LanguageId): language is TreeSitterLanguageId {
  return language === 'python' || language === 'terraform';
}

/** What users call each language in messages. */
export const LANGUAGE_NAMES: Readonly<Record<LanguageId, string>> = {
  python: 'Python',
  terraform: 'Terraform',
  dockerfile: 'Dockerfile',
  'github-actions': 'GitHub Actions workflow',
  kubernetes: 'Kubernetes manifest',
};

/**
 * The language of a workspace file by its path alone, for the languages a path decides (every one
 * but Kubernetes, which needs the text: see {@link languageOf}).
 */
export function languageOfPath(path: string): LanguageId | undefined {
  const slash = path.lastIndexOf('/');
  const base = path.slice(slash + 1);
  const lower = base.toLowerCase();
  if (lower.endsWith('.py') || lower.endsWith('.pyi') || lower.endsWith('.pyw')) return 'python';
  if (lower.endsWith('.tf') || lower.endsWith('.tfvars')) return 'terraform';
  if (lower === 'dockerfile' || lower === 'containerfile' || lower.startsWith('dockerfile.') || lower.endsWith('.dockerfile') || lower.endsWith('.containerfile')) return 'dockerfile';
  if (/\.ya?ml$/i.test(base)) {
    // Workflows live in `.github/workflows/` at the repository root (or a nested one's); a
    // composite action is defined by `action.yml` anywhere.
    if (/(^|\/)\.github\/workflows\/[^/]+$/.test(path)) return 'github-actions';
    if (lower === 'action.yml' || lower === 'action.yaml') return 'github-actions';
  }
  return undefined;
}

/** `apiVersion:` and `kind:` at the start of a line: a Kubernetes object (any document of a multi-document file). */
const KUBERNETES_OBJECT = /^apiVersion:[ \t]*\S/m;
const KUBERNETES_KIND = /^kind:[ \t]*\S/m;

/**
 * The language of a file, or undefined when only text rules apply to it (and TypeScript and
 * JavaScript, which the engine handles itself). A YAML file is a Kubernetes manifest when one of its
 * documents has top-level `apiVersion` and `kind`.
 */
export function languageOf(path: string, text: string): LanguageId | undefined {
  const byPath = languageOfPath(path);
  if (byPath !== undefined) return byPath;
  if (/\.ya?ml$/i.test(path) && KUBERNETES_OBJECT.test(text) && KUBERNETES_KIND.test(text)) return 'kubernetes';
  return undefined;
}
