
import { BASELINE_PATH } from '../workspace/layout';

/** The only baseline format version this code reads and writes. */
export const BASELINE_VERSION = 1;

/** One accepted finding: no message, no code, no secret; only the hash the engine computed. */
export interface BaselineEntry {
  ruleId: string;
  /** Workspace-relative POSIX path. */
  path: string;
  /** `Finding.fingerprint`. */
  fingerprint: string;
}

/** The contents of `.comprehension/baseline.json`. */
export interface Baseline {
  version: typeof BASELINE_VERSION;
  /** ISO 8601 time the baseline was written. */
  generatedAt: string;
  /** Sorted by path, rule id, fingerprint; a fingerprint may repeat (identical findings). */
  findings: BaselineEntry[];
}

/** The outcome of reading a baseline file: a corrupted file is an error value, never a throw. */
export type ParseBaselineResult = { ok: true; baseline: Baseline } | { ok: false; error: string };

/** Orders entries by path, then rule id, then fingerprint, by code unit (stable across locales). */
export function compareBaselineEntries(a: BaselineEntry, b: BaselineEntry): number {
  return compareText(a.path, b.path) || compareText(a.ruleId, b.ruleId) || compareText(a.fingerprint, b.fingerprint);
}

/** A baseline of the given entries, sorted, keeping only the three fields a baseline stores. */
export function createBaseline(entries: Iterable<BaselineEntry>, generatedAt: Date = new Date()): Baseline {
  const findings = Array.from(entries, ({ ruleId, path, fingerprint }) => ({ ruleId, path, fingerprint }));
  findings.sort(compareBaselineEntries);
  return { version: BASELINE_VERSION, generatedAt: generatedAt.toISOString(), findings };
}

/** Baseline entries for the findings of one file. */
export function baselineEntriesFor(path: string, findings: Iterable<{ ruleId: string; fingerprint: string }>): BaselineEntry[] {
  return Array.from(findings, (finding) => ({ ruleId: finding.ruleId, path, fingerprint: finding.fingerprint }));
}

/**
 * The baseline as JSON with one finding per line, so git merges two branches' additions line by line.
 * Entries are sorted again here: a hand-edited baseline still serializes in canonical order.
 */
export function serializeBaseline(baseline: Baseline): string {
  const findings = [...baseline.findings].sort(compareBaselineEntries);
  const lines = findings.map(
    (entry) => `    { "ruleId": ${JSON.stringify(entry.ruleId)}, "path": ${JSON.stringify(entry.path)}, "fingerprint": ${JSON.stringify(entry.fingerprint)} }`,
  );
  const body = lines.length > 0 ? `[\n${lines.join(',\n')}\n  ]` : '[]';
  return `{\n  "version": ${BASELINE_VERSION},\n  "generatedAt": ${JSON.stringify(baseline.generatedAt)},\n  "findings": ${body}\n}\n`;
}

/** Reads a baseline file's text, checking its shape entry by entry. */
export function parseBaseline(text: string): ParseBaselineResult {
  let data: unknown;
  try {
    data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    // Not Node's message: it quotes the text near the error, and a damaged baseline may hold a secret.
    return { ok: false, error: `${BASELINE_PATH} is not valid JSON` };
  }
  if (!isRecord(data)) return { ok: false, error: `${BASELINE_PATH} must contain a JSON object.` };
  if (data.version !== BASELINE_VERSION) {
    return { ok: false, error: `${BASELINE_PATH} has version ${JSON.stringify(data.version)}; this version of Comprehension First reads version ${BASELINE_VERSION}.` };
  }
  const generatedAt = typeof data.generatedAt === 'string' ? data.generatedAt : '';
  if (!Array.isArray(data.findings)) return { ok: false, error: `${BASELINE_PATH}: "findings" must be an array.` };
  const findings: BaselineEntry[] = [];
  for (let index = 0; index < data.findings.length; index++) {
    const entry: unknown = data.findings[index];
    if (!isRecord(entry) || !isNonEmptyString(entry.ruleId) || !isNonEmptyString(entry.path) || !isNonEmptyString(entry.fingerprint)) {
      return { ok: false, error: `${BASELINE_PATH}: findings[${index}] needs string "ruleId", "path" and "fingerprint".` };
    }
    findings.push({ ruleId: entry.ruleId, path: entry.path, fingerprint: entry.fingerprint });
  }
  findings.sort(compareBaselineEntries);
  return { ok: true, baseline: { version: BASELINE_VERSION, generatedAt, findings } };
}

/** Baseline entries counted by path, rule and fingerprint, for fast lookups across many files. */
export type BaselineIndex = ReadonlyMap<string, number>;

const indexCache = new WeakMap<Baseline, BaselineIndex>();

/** Counts a baseline's entries; cached per baseline object, which must not be mutated afterwards. */
export function indexBaseline(baseline: Baseline): BaselineIndex {
  let index = indexCache.get(baseline);
  if (!index) {
    const counts = new Map<string, number>();
    for (const entry of baseline.findings) {
      const key = entryKey(entry.path, entry.ruleId, entry.fingerprint);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    index = counts;
    indexCache.set(baseline, index);
  }
  return index;
}

/**
 * The findings of `path` that the baseline does not cover. Identical fingerprints are counted: a
 * baseline holding a fingerprint twice covers two such findings, and a third one is new. Findings
 * are consumed in the order given, so the earliest ones are the baselined ones.
 */
export function filterNew<T extends { ruleId: string; fingerprint: string }>(findings: readonly T[], path: string, baseline: Baseline | BaselineIndex): T[] {
  const index = baseline instanceof Map ? baseline : indexBaseline(baseline as Baseline);
  const remaining = new Map<string, number>();
  const fresh: T[] = [];
  for (const finding of findings) {
    const key = entryKey(path, finding.ruleId, finding.fingerprint);
    const left = remaining.get(key) ?? index.get(key) ?? 0;
    if (left > 0) remaining.set(key, left - 1);
    else fresh.push(finding);
  }
  return fresh;
}

function entryKey(path: string, ruleId: string, fingerprint: string): string {
  return `${path}\0${ruleId}\0${fingerprint}`;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}
