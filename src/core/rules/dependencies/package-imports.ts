import type { RuleContext } from '../rule';
import { type ModuleReference, moduleReferences } from './imports';
import { firstMatchingPattern, stringList } from './name-patterns';
import { classifySpecifier } from './package-name';
import { DEFAULT_VIRTUAL_MODULES, isVirtualModule, resolutionOf } from './resolution';

/** A module reference that names an npm package. */
export interface PackageImport extends ModuleReference {
  /** `@scope/name` or `name`, without any subpath. */
  packageName: string;
}

/** Options every dependency rule accepts. */
export const DEPENDENCY_RULE_DEFAULT_OPTIONS: Readonly<Record<string, unknown>> = {
  /**
   * Exact names or globs matched against both the package name and the whole specifier; matching
   * imports are skipped. For path aliases the rules cannot know (tsconfig `paths`, bundler aliases).
   */
  ignore: [],
};

/**
 * The package imports of the checked file, skipping builtins, relative and absolute paths, URLs,
 * subpath imports, the `@/` and `~/` aliases, names that are not valid npm names, and whatever
 * the rule's `ignore` option matches. Empty when the file was not parsed.
 */
export function packageImports(context: RuleContext): PackageImport[] {
  if (!context.sourceFile) return [];
  const ignore = stringList(context.options.ignore);
  const imports: PackageImport[] = [];
  for (const reference of moduleReferences(context.sourceFile)) {
    const classified = classifySpecifier(reference.specifier);
    if (classified.kind !== 'package') continue;
    if (ignore.length > 0 && firstMatchingPattern(ignore, classified.name, reference.specifier) !== undefined) continue;
    if (reference.typeOnly && underTsIgnore(context.sourceFile.text, reference.start)) continue;
    // Written out: V8 copies a spread followed by more properties (`{ ...reference, packageName }`)
    // about ten times slower than a literal, and each dependency rule runs this for every import.
    const { specifier, kind, typeOnly, start, end, verbatim, optional } = reference;
    imports.push({ specifier, kind, typeOnly, start, end, verbatim, optional, packageName: classified.name });
  }
  return imports;
}

/** A comment TypeScript reads as a directive: it starts with `@ts-ignore` or `@ts-expect-error`. */
const TS_IGNORE_DIRECTIVE = /(?:\/\/|\/\*+)\s*@ts-(?:ignore|expect-error)\b/;

/**
 * True when the line before `offset` holds a `@ts-ignore` or `@ts-expect-error` comment: a type
 * that may not resolve, on purpose (the Anthropic SDK names `undici` and `node-fetch` types "for
 * users with" them). A package only referred to for its types there is optional, not undeclared.
 */
function underTsIgnore(text: string, offset: number): boolean {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  if (lineStart === 0) return false;
  const previousStart = text.lastIndexOf('\n', lineStart - 2) + 1;
  return TS_IGNORE_DIRECTIVE.test(text.slice(previousStart, lineStart - 1));
}

/** Offsets of the package-name part of an import's specifier (the whole specifier when it was written with escapes). */
export function packageNameSpan(packageImport: PackageImport): { start: number; end: number } {
  if (!packageImport.verbatim) return { start: packageImport.start, end: packageImport.end };
  return { start: packageImport.start, end: packageImport.start + packageImport.packageName.length };
}

/** Options of the rules that ask whether an import names a package at all (undeclared, lookalike). */
export const RESOLVING_RULE_DEFAULT_OPTIONS: Readonly<Record<string, unknown>> = {
  ...DEPENDENCY_RULE_DEFAULT_OPTIONS,
};

/**
 * The framework virtual modules for this rule: policy `dependencies.virtualModules`, unless the
 * rule's own `virtualModules` option (its place before the policy key) still sets them.
 */
export function virtualModulesFor(context: RuleContext): readonly unknown[] {
  const legacy = context.options.virtualModules;
  return legacy !== undefined ? stringList(legacy) : (context.dependencies.virtualModules ?? DEFAULT_VIRTUAL_MODULES);
}

/**
 * Whether something other than an npm package resolves the import: a framework virtual module (the
 * policy's `dependencies.virtualModules`), a tsconfig `paths`/`baseUrl` alias or a Deno import map. Asked
 * only of imports the manifest does not account for, since it may read config files.
 */
export function resolvesWithoutPackage(context: RuleContext, packageImport: PackageImport): boolean {
  if (isVirtualModule(virtualModulesFor(context), packageImport.specifier, packageImport.packageName)) return true;
  return resolutionOf(context.manifest)?.accountsFor(packageImport.specifier, packageImport.packageName) ?? false;
}
