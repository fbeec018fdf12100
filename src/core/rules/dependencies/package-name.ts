import { builtinModules } from 'node:module';

/**
 * What a module specifier refers to, as far as the dependency rules care.
 *
 * Only `package` specifiers name something that must be declared in package.json. Everything else
 * is resolved without node_modules (builtins, files, URLs) or by project configuration the rules
 * cannot see (subpath imports `#x`, path aliases `@/x` and `~/x`, bundler-specific syntax), so the
 * rules skip it rather than guess.
 */
export type SpecifierClass =
  | { kind: 'package'; name: string; subpath: string }
  | { kind: 'builtin' }
  | { kind: 'relative' }
  | { kind: 'absolute' }
  | { kind: 'url' }
  | { kind: 'subpath-import' }
  | { kind: 'alias' }
  | { kind: 'invalid' };

/**
 * Bare names Node resolves to builtins. Read from the running Node so new builtins appear without
 * a release; `node:`-only modules (`node:test`, `node:sqlite`, `node:sea`) are deliberately absent:
 * without the prefix, `test` and `sqlite` are ordinary npm packages.
 */
const BARE_BUILTINS: ReadonlySet<string> = new Set(builtinModules.filter((name) => !name.startsWith('node:')));

/**
 * A URL-like scheme (`https:`, `data:`, `npm:`, `jsr:`, `bun:`, `virtual:`, ...). At least two
 * characters, so Windows drive letters (`C:`) stay absolute paths.
 */
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]+:/;

/**
 * One segment of an npm package name: URL-safe characters, not starting with `.` or `_`.
 * Upper case is accepted because legacy packages (`JSONStream`) still carry it.
 */
const NAME_SEGMENT = /^[A-Za-z0-9~-][A-Za-z0-9._~-]*$/;

/** Whether `specifier` names a Node builtin, with or without the `node:` prefix. */
export function isNodeBuiltin(specifier: string): boolean {
  if (specifier.startsWith('node:')) return specifier.length > 'node:'.length;
  if (BARE_BUILTINS.has(specifier)) return true;
  // `fs/promises` and friends are listed; an unlisted subpath of a builtin (`fs/whatever`) is no
  // package either. A trailing slash (`punycode/`) is Node's idiom for "the npm package, not the builtin".
  const slash = specifier.indexOf('/');
  return slash > 0 && slash < specifier.length - 1 && BARE_BUILTINS.has(specifier.slice(0, slash));
}

/**
 * Classifies a module specifier and, for packages, splits it into the package name and the rest:
 * `@scope/name/sub/path` → `@scope/name` + `sub/path`; `lodash/fp` → `lodash` + `fp`.
 */
export function classifySpecifier(specifier: string): SpecifierClass {
  if (specifier.length === 0) return { kind: 'invalid' };
  if (specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..') {
    return { kind: 'relative' };
  }
  if (specifier.startsWith('/') || specifier.startsWith('\\') || /^[A-Za-z]:[\\/]/.test(specifier)) return { kind: 'absolute' };
  if (isNodeBuiltin(specifier)) return { kind: 'builtin' };
  if (specifier.startsWith('node:')) return { kind: 'invalid' };
  if (SCHEME.test(specifier)) return { kind: 'url' };
  if (specifier.startsWith('#')) return { kind: 'subpath-import' };
  if (specifier.startsWith('@/') || specifier.startsWith('~/') || specifier === '~' || specifier === '@') return { kind: 'alias' };

  const parts = specifier.split('/');
  let name: string;
  let rest: string[];
  if (specifier.startsWith('@')) {
    const scope = parts[0].slice(1);
    if (!NAME_SEGMENT.test(scope)) return { kind: 'invalid' };
    if (parts.length < 2) {
      // `@types-node` cannot be published (a scope needs a name after it), so it is a slip for
      // `@types/node` or an alias: either way something the dependency rules should surface.
      name = parts[0];
      rest = [];
    } else {
      if (!NAME_SEGMENT.test(parts[1])) return { kind: 'invalid' };
      name = `${parts[0]}/${parts[1]}`;
      rest = parts.slice(2);
    }
  } else {
    // Anything that is not a valid npm name (`$lib/x` in SvelteKit, `style!css` loader chains)
    // is project configuration, not a dependency.
    if (!NAME_SEGMENT.test(parts[0])) return { kind: 'invalid' };
    name = parts[0];
    rest = parts.slice(1);
  }
  if (name.length > 214) return { kind: 'invalid' };
  return { kind: 'package', name, subpath: rest.join('/') };
}

/** The package name a specifier imports, or undefined when it is not a package import. */
export function packageNameOf(specifier: string): string | undefined {
  const classified = classifySpecifier(specifier);
  return classified.kind === 'package' ? classified.name : undefined;
}

/**
 * The DefinitelyTyped package holding types for `name`: `lodash` → `@types/lodash`,
 * `@babel/core` → `@types/babel__core`. `@types/*` packages map to themselves.
 */
export function typesPackageFor(name: string): string {
  if (name.startsWith('@types/')) return name;
  const slash = name.indexOf('/');
  if (name.startsWith('@') && slash > 0) {
    return `@types/${name.slice(1, slash)}__${name.slice(slash + 1)}`;
  }
  return `@types/${name}`;
}

/**
 * Modules the host application provides at run time, so they are never installed; their types
 * come from the package named here. `vscode` is the one an extension in this ecosystem meets.
 */
export const HOST_MODULES: ReadonlyMap<string, string> = new Map([['vscode', '@types/vscode']]);
