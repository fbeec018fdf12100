import { type Document, isAlias, isMap, isPair, isScalar, isSeq, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';

/**
 * Small, total lookups over `yaml` documents for rules on YAML languages (workflows, Kubernetes
 * manifests). Every function accepts any value (a broken document gives nulls, pairs without keys,
 * aliases to nothing) and answers undefined rather than throwing. Aliases are followed through the
 * document they belong to, so a rule sees `- *checkout` as the anchored step.
 */

/** A node with aliases followed (one level at a time, bounded, since an alias may point at an alias). */
export function resolveNode(node: unknown, document: Document.Parsed): Node | undefined {
  let current: unknown = node;
  for (let depth = 0; depth < 8 && isAlias(current); depth++) {
    try {
      current = current.resolve(document);
    } catch {
      return undefined;
    }
  }
  if (isAlias(current)) return undefined;
  return isMap(current) || isSeq(current) || isScalar(current) ? current : undefined;
}

/** The mapping a node is (aliases followed), or undefined. */
export function asMap(node: unknown, document: Document.Parsed): YAMLMap | undefined {
  const resolved = resolveNode(node, document);
  return isMap(resolved) ? resolved : undefined;
}

/** The sequence a node is (aliases followed), or undefined. */
export function asSeq(node: unknown, document: Document.Parsed): YAMLSeq | undefined {
  const resolved = resolveNode(node, document);
  return isSeq(resolved) ? resolved : undefined;
}

/** The scalar a node is (aliases followed), or undefined. */
export function asScalar(node: unknown, document: Document.Parsed): Scalar | undefined {
  const resolved = resolveNode(node, document);
  return isScalar(resolved) ? resolved : undefined;
}

/** A scalar's value as text (numbers and booleans in their YAML spelling), or undefined for collections and nulls. */
export function scalarText(node: unknown, document: Document.Parsed): string | undefined {
  const scalar = asScalar(node, document);
  if (scalar === undefined || scalar.value === null || scalar.value === undefined) return undefined;
  const value: unknown = scalar.value;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return undefined;
}

/** The key of a pair as text (`on` stays `on`: YAML 1.2 does not read it as a boolean). */
export function keyText(pair: Pair, document: Document.Parsed): string | undefined {
  return scalarText(pair.key, document);
}

/** The pairs of a mapping whose keys are text, in document order. */
export function mapEntries(node: unknown, document: Document.Parsed): { key: string; pair: Pair; value: unknown }[] {
  const map = asMap(node, document);
  if (map === undefined) return [];
  const entries: { key: string; pair: Pair; value: unknown }[] = [];
  for (const item of map.items) {
    if (!isPair(item)) continue;
    const key = keyText(item, document);
    if (key !== undefined) entries.push({ key, pair: item, value: item.value });
  }
  return entries;
}

/** The pair of `key` in a mapping (the last one when a broken file repeats it, as GitHub reads it). */
export function mapPair(node: unknown, key: string, document: Document.Parsed): Pair | undefined {
  let found: Pair | undefined;
  for (const entry of mapEntries(node, document)) if (entry.key === key) found = entry.pair;
  return found;
}

/** The value node of `key` in a mapping, or undefined. */
export function mapValue(node: unknown, key: string, document: Document.Parsed): unknown {
  return mapPair(node, key, document)?.value ?? undefined;
}

/** The value at a path of mapping keys (`['runs', 'steps']`), or undefined when a step of it is missing. */
export function valueAt(node: unknown, path: readonly string[], document: Document.Parsed): unknown {
  let current: unknown = node;
  for (const key of path) {
    current = mapValue(current, key, document);
    if (current === undefined) return undefined;
  }
  return current;
}

/** The items of a sequence (aliases followed, so each may still be any node), or [] for anything else. */
export function seqItems(node: unknown, document: Document.Parsed): unknown[] {
  return asSeq(node, document)?.items ?? [];
}

/** Offsets of a node in the file's text (`[start, end)`), or undefined when the parser gave none. */
export function nodeSpan(node: unknown, document: Document.Parsed): { start: number; end: number } | undefined {
  const resolved = isAlias(node) ? node : resolveNode(node, document);
  const range = (resolved as Node | undefined)?.range;
  if (!range || !Number.isInteger(range[0]) || !Number.isInteger(range[1]) || range[1] < range[0]) return undefined;
  return { start: range[0], end: range[1] };
}

/** Offsets of a pair from its key to the end of its value (the whole `key: value` entry). */
export function pairSpan(pair: Pair, document: Document.Parsed): { start: number; end: number } | undefined {
  const key = nodeSpan(pair.key, document);
  const value = nodeSpan(pair.value, document);
  if (key === undefined) return value;
  return { start: key.start, end: Math.max(key.end, value?.end ?? key.end) };
}
