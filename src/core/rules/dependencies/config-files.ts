/**
 * The files whose contents the dependency rules read besides the checked file: manifests,
 * workspace definitions, lockfiles, tsconfig/jsconfig (path aliases, with any `extends` base) and
 * Deno import maps. An editor watches them, and a change clears what the rules remember of them.
 * Kept free of imports: the extension bundle uses the watch pattern.
 */
export const DEPENDENCY_CONFIG_FILE_PATTERNS: readonly string[] = [
  'package.json',
  'package-lock.json',
  'npm-shrinkwrap.json',
  'pnpm-lock.yaml',
  'pnpm-workspace.yaml',
  'yarn.lock',
  'bun.lock',
  'tsconfig*.json',
  'jsconfig*.json',
  'deno.json',
  'deno.jsonc',
  'import_map.json',
  // Python manifests (python-project.ts); `requirements/*.txt` folders are matched by `*requirements*.txt` only in part.
  'pyproject.toml',
  'setup.cfg',
  'setup.py',
  'Pipfile',
  '*requirements*.txt',
  '*requirements*.in',
  'requirements/*.txt',
];

const CONFIG_FILE_NAME = /^(?:package-lock\.json|npm-shrinkwrap\.json|pnpm-lock\.yaml|pnpm-workspace\.yaml|yarn\.lock|bun\.lock|tsconfig.*\.json|jsconfig.*\.json|deno\.jsonc?|import_map\.json)$/;

/** What a changed file is to the dependency rules: their package.json, another file they read, or nothing. */
export function dependencyConfigKind(path: string): 'manifest' | 'config' | undefined {
  const name = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  if (name === 'package.json') return 'manifest';
  return CONFIG_FILE_NAME.test(name) ? 'config' : undefined;
}
