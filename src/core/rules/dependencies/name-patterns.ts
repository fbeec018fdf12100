import picomatch from 'picomatch';

/** A compiled pattern, or undefined when picomatch rejects the glob (then it only matches exactly). */
type CompiledPattern = ((name: string) => boolean) | undefined;

/**
 * Policies are loaded once and checked against every import of every file: compile each pattern
 * once. Patterns come from a handful of policy lists, so the cache stays small; the cap only guards
 * against a policy being edited live many times in one server session.
 */
const compiled = new Map<string, CompiledPattern>();
const MAX_COMPILED = 2000;

function compile(pattern: string): CompiledPattern {
  if (compiled.has(pattern)) return compiled.get(pattern);
  let matcher: CompiledPattern;
  try {
    matcher = picomatch(pattern, { dot: true });
  } catch {
    matcher = undefined;
  }
  if (compiled.size >= MAX_COMPILED) compiled.clear();
  compiled.set(pattern, matcher);
  return matcher;
}

/**
 * The first entry of `patterns` that matches one of `candidates`, or undefined. An entry is an
 * exact package name (`lodash`) or a picomatch glob (`@myorg/*`, `lodash.*`).
 */
export function firstMatchingPattern(patterns: readonly unknown[], ...candidates: string[]): string | undefined {
  for (const pattern of patterns) {
    if (typeof pattern !== 'string' || pattern.length === 0) continue;
    if (candidates.includes(pattern)) return pattern;
    const matcher = compile(pattern);
    if (matcher && candidates.some((candidate) => matcher(candidate))) return pattern;
  }
  return undefined;
}

/** The string entries of an option that should be a list of strings; anything else counts as empty. */
export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string' && entry.length > 0) : [];
}
