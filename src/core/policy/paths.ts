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
  /** True when the path (or a folder above it) matches one of the policy's `testPaths` globs. */
  isTest(relativePath: string): boolean;
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
 * A glob starting with `!` excludes what it matches, whatever its place in the list; a list of only
 * exclusions starts from every path. Empty globs are dropped (the policy loader reports them).
 */
export function compileGlobs(globs: readonly string[]): PathPredicate {
  const included: string[] = [];
  const excluded: string[] = [];
  for (const glob of globs) {
    const negated = glob.startsWith('!');
    const pattern = normalizeRelativePath(negated ? glob.slice(1) : glob);
    if (pattern.length > 0) (negated ? excluded : included).push(pattern);
  }
  if (included.length === 0 && excluded.length === 0) return () => false;
  const isIncluded = included.length > 0 ? matchSelfOrFolder(picomatch(included, { dot: true })) : () => true;
  const isExcluded = excluded.length > 0 ? matchSelfOrFolder(picomatch(excluded, { dot: true })) : () => false;
  return (relativePath: string): boolean => {
    const path = normalizeRelativePath(relativePath);
    return path.length > 0 && isIncluded(path) && !isExcluded(path);
  };
}

/** Folders whose answers one matcher keeps; past this it forgets them all (a server lives long). */
const MAX_REMEMBERED_FOLDERS = 50_000;

/**
 * True when the path or one of the folders above it matches. A folder's answer is kept: the files
 * of a tree share their folders, and asking every folder again for every file of a check was most
 * of what matching cost.
 */
function matchSelfOrFolder(matcher: (path: string) => boolean): (path: string) => boolean {
  const folders = new Map<string, boolean>();
  const folderMatches = (folder: string): boolean => {
    let answer = folders.get(folder);
    if (answer === undefined) {
      const slash = folder.lastIndexOf('/');
      answer = matcher(folder) || (slash > 0 && folderMatches(folder.slice(0, slash)));
      if (folders.size >= MAX_REMEMBERED_FOLDERS) folders.clear();
      folders.set(folder, answer);
    }
    return answer;
  };
  return (path: string): boolean => {
    if (matcher(path)) return true;
    const slash = path.lastIndexOf('/');
    return slash > 0 && folderMatches(path.slice(0, slash));
  };
}

/** Reports a glob picomatch cannot compile, or undefined when it is fine. */
export function globProblem(glob: string): string | undefined {
  const pattern = normalizeRelativePath(glob.startsWith('!') ? glob.slice(1) : glob);
  if (pattern.length === 0) return 'An empty glob matches nothing.';
  try {
    picomatch(pattern, { dot: true });
    return undefined;
  } catch (error) {
    return `Invalid glob: ${(error as Error).message}`;
  }
}

/** Compiles the policy's `ignore`, `criticalPaths` and `testPaths` globs. Prefer {@link pathMatchersFor}, which caches. */
export function compilePathMatchers(policy: Pick<Policy, 'ignore' | 'criticalPaths' | 'testPaths'>): PathMatchers {
  const ignored = compileGlobs(policy.ignore);
  const critical = compileGlobs(policy.criticalPaths);
  const test = compileGlobs(policy.testPaths);
  return { isIgnored: ignored, isCritical: critical, isTest: test };
}

const cache = new WeakMap<object, PathMatchers>();

/**
 * The matchers of one policy object, compiled on first use and kept as long as the policy is.
 * Policies are treated as immutable: a reloaded policy is a new object and gets new matchers.
 */
export function pathMatchersFor(policy: Pick<Policy, 'ignore' | 'criticalPaths' | 'testPaths'>): PathMatchers {
  let matchers = cache.get(policy);
  if (!matchers) {
    matchers = compilePathMatchers(policy);
    cache.set(policy, matchers);
  }
  return matchers;
}
