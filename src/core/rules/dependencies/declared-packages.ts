import { ts } from 'ts-morph';
import { DEPENDENCY_FIELDS, MANIFEST_FILE_NAME } from './manifest';

/** One entry of a package.json dependency field, with where it is written. */
export interface DeclaredPackage {
  /** The key (`lodash`, or the alias of an `npm:` spec). */
  name: string;
  /** The package installed under it: the key, or the target of an `npm:other@1` alias. */
  target: string;
  /** The version spec as written. */
  spec: string;
  field: (typeof DEPENDENCY_FIELDS)[number];
  /** Offsets of the key's text, inside its quotes. */
  start: number;
  end: number;
  /**
   * Where the package comes from when it is not the registry: `workspace:`, `file:`, `link:`,
   * `portal:`, a git or tarball URL, a GitHub shorthand (`user/repo`). Such a name is not looked
   * up on a registry, nor judged by its shape.
   */
  localSource?: string;
}

/** Specs that do not come from a registry. */
const NON_REGISTRY_SPEC = /^(?:workspace:|file:|link:|portal:|patch:|git(?:\+[a-z]+)?:|github:|gitlab:|bitbucket:|gist:|https?:|[\w.-]+\/[\w.-]+(?:#.*)?$|\.{0,2}\/)/i;

/**
 * The dependency declarations of a package.json text with their offsets, in the order written.
 * Broken JSON gives what could be read (the manifest rules report the breakage itself).
 */
export function declaredPackages(text: string): DeclaredPackage[] {
  const file = ts.parseJsonText('package.json', text);
  const top = file.statements[0]?.expression;
  if (!top || !ts.isObjectLiteralExpression(top)) return [];
  const declared: DeclaredPackage[] = [];
  for (const property of top.properties) {
    if (!ts.isPropertyAssignment(property) || !ts.isStringLiteral(property.name)) continue;
    const field = DEPENDENCY_FIELDS.find((candidate) => candidate === (property.name as ts.StringLiteral).text);
    if (!field || !ts.isObjectLiteralExpression(property.initializer)) continue;
    for (const entry of property.initializer.properties) {
      if (!ts.isPropertyAssignment(entry) || !ts.isStringLiteral(entry.name)) continue;
      const name = entry.name.text;
      const spec = ts.isStringLiteral(entry.initializer) ? entry.initializer.text : '';
      const start = entry.name.getStart(file) + 1;
      const item: DeclaredPackage = { name, target: name, spec, field, start, end: Math.max(start, entry.name.getEnd() - 1) };
      const alias = /^npm:((?:@[^/@]+\/)?[^@]+)(?:@.*)?$/.exec(spec.trim());
      if (alias) item.target = alias[1];
      else if (NON_REGISTRY_SPEC.test(spec.trim())) item.localSource = spec.trim();
      declared.push(item);
    }
  }
  return declared;
}

/** Whether a workspace-relative path is a package.json whose declarations count: not one under node_modules. */
export function isDeclaringManifestPath(path: string): boolean {
  return (path === MANIFEST_FILE_NAME || path.endsWith(`/${MANIFEST_FILE_NAME}`)) && !/(?:^|\/)node_modules\//.test(path);
}
