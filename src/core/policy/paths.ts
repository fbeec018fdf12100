import picomatch from 'picomatch';
import type { Policy } from './policy';

/** A compiled test of one workspace-relative POSIX path. */
export type PathPredicate = (relativePath: string) => boolean;

/** The policy's path globs, compiled once. */
export interface PathMatchers {
  /** True when the path (or a folder above it) matches one of the policy's `ignore` globs. */
  isIgnored(relativePath: string): boolean;
  /** True when the path (or a folder above it) matches one of the policy's `criticalPaths` globs. */
  isCritical(relativePath: string): boolean;
}

/**
 * Brings a path or glob to the form the matchers compare: forward slashes, no leading `./` or `/`,
 * no trailing `/`. Globs are relative to the workspace root, so a leading `/` only restates that.
 */
export function normalizeRelativePath(path: string): string {
  let result = path.replace(/\\/g, '/');
  while (result.startsWith('./')) result = result.slice(2);
  result = result.replace(/^\/+/, '').replace(/\/+$/, '');
  return result;
}

/**
 * Compiles globs (picomatch syntax, `dot: true`) into one predicate. A glob that names a folder
 * covers everything below it (`src/auth` matches `src/auth/login.ts`), as people expect from
 * gitignore-style lists. Globs are anchored at the workspace root: use `**\/` to match at any depth.
 * Empty globs are dropped (picomatch rejects them; the policy loader reports them).
 */
export function compileGlobs(globs: readonly string[]): PathPredicate {
  const patterns = globs.map(normalizeRelativePath).filter((glob) => glob.length > 0);
  if (patterns.length === 0) return () => false;
  const matcher = picomatch(patterns, { dot: true });
  return (relativePath: string): boolean => {
    const path = normalizeRelativePath(relativePath);
    if (path.length === 0) return false;
    if (matcher(path)) return true;
    // Try each folder above the file, nearest last; folder prefixes end at a slash.
    for (let slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
      if (matcher(path.slice(0, slash))) return true;
    }
    return false;
  };
}

/** Reports a glob picomatch cannot compile, or undefined when it is fine. */
export function globProblem(glob: string): string | undefined {
  if (normalizeRelativePath(glob).length === 0) return 'An empty glob matches nothing.';
  try {
    picomatch(normalizeRelativePath(glob), { dot: true });
    return undefined;
  } catch (error) {
    return `Invalid glob: ${(error as Error).message}`;
  }
}

/** Compiles the policy's `ignore` and `criticalPaths` globs. Prefer {@link pathMatchersFor}, which caches. */
export function compilePathMatchers(policy: Pick<Policy, 'ignore' | 'criticalPaths'>): PathMatchers {
  const ignored = compileGlobs(policy.ignore);
  const critical = compileGlobs(policy.criticalPaths);
  return { isIgnored: ignored, isCritical: critical };
}

const cache = new WeakMap<object, PathMatchers>();

/**
 * The matchers of one policy object, compiled on first use and kept as long as the policy is.
 * Policies are treated as immutable: a reloaded policy is a new object and gets new matchers.
 */
export function pathMatchersFor(policy: Pick<Policy, 'ignore' | 'criticalPaths'>): PathMatchers {
  let matchers = cache.get(policy);
  if (!matchers) {
    matchers = compilePathMatchers(policy);
    cache.set(policy, matchers);
  }
  return matchers;
}
