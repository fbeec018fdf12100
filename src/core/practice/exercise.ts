/**
 * Re-implementation exercises: the user rewrites an AI block from memory and understanding, and
 * this compares the attempt with the original — a line diff to look at, and a token-based
 * similarity score for the stats.
 *
 * Similarity works on tokens, not characters or lines, so layout, indentation and comments do
 * not count: `2 × common tokens / (tokens in original + tokens in attempt)`, where common tokens
 * are the longest common subsequence (found with the Myers diff of diff.ts). A second score
 * renames identifiers to placeholders in order of first use, so a faithful rewrite with other
 * names still scores high there.
 */
import { diffLines, splitLines, unifiedDiff } from '../text/diff';
import type { ExerciseRecord } from './history';

/** One finished exercise. */
export interface ExerciseInput {
  blockId: string;
  file: string;
  /** The AI block's code. */
  original: string;
  /** The user's re-implementation. */
  attempt: string;
  /** Epoch ms when the exercise started and ended. */
  startedAt: number;
  finishedAt: number;
  /** VS Code language id; decides whether `#` starts a comment. */
  languageId?: string;
}

/** The comparison, with the record to store in the history. */
export interface ExerciseComparison {
  record: ExerciseRecord;
  /** Token similarity, 0..1 (1: the same tokens in the same order). */
  similarity: number;
  /** The same with identifiers renamed consistently, 0..1. */
  structuralSimilarity: number;
  /** Line counts ignore blank lines and indentation. */
  lines: { original: number; attempt: number; same: number; added: number; removed: number };
  tokens: { original: number; attempt: number; common: number };
  /** Unified diff from the original to the attempt (empty when they have the same lines). */
  diff: string;
  /** One line for the stats view, e.g. `82% similar (94% ignoring names); 12 of 15 lines kept; 6 min`. */
  summary: string;
}

/** Languages where `#` starts a line comment. */
const HASH_COMMENT_LANGUAGES = new Set([
  'python', 'shellscript', 'ruby', 'perl', 'r', 'yaml', 'toml', 'dockerfile', 'makefile', 'powershell', 'coffeescript', 'julia', 'elixir', 'nim', 'crystal',
]);

/** Words that keep their meaning under renaming (keywords and literals of common languages). */
const KEYWORDS = new Set(
  (
    'abstract and as assert async await break case catch class const continue def default del delete do elif else enum ' +
    'except export extends false final finally fn for from func function go if impl implements import in instanceof interface ' +
    'is lambda let loop match mod module mut new nil none not null or override package pass private protected pub public raise ' +
    'readonly return self static struct super switch this throw throws trait true try type typeof undefined unsafe use val var ' +
    'void where while with yield None True False'
  ).split(' '),
);

const TOKEN_PATTERN = new RegExp(
  [
    String.raw`(?<space>\s+)`,
    String.raw`(?<block>\/\*[\s\S]*?(?:\*\/|$))`,
    String.raw`(?<slash>\/\/[^\r\n]*)`,
    String.raw`(?<hash>#[^\r\n]*)`,
    String.raw`(?<string>"""[\s\S]*?(?:"""|$)|'''[\s\S]*?(?:'''|$)|"(?:[^"\\\r\n]|\\.)*"?|'(?:[^'\\\r\n]|\\.)*'?|\x60(?:[^\x60\\]|\\[\s\S])*\x60?)`,
    String.raw`(?<number>0[xXbBoO][0-9a-fA-F_]+n?|(?:\d[\d_]*\.?\d*|\.\d+)(?:[eE][+-]?\d+)?n?)`,
    String.raw`(?<word>[\p{L}_$][\p{L}\p{N}_$]*)`,
    String.raw`(?<operator>===|!==|\*\*=|<<=|>>=|\.\.\.|=>|->|::|&&|\|\||\?\?|\?\.|[-+*/%&|^<>=!]=|\+\+|--|\*\*|<<|>>|[^\s])`,
  ].join('|'),
  'gu',
);

/** Splits code into tokens, dropping whitespace and comments (`#` comments only for hash-comment languages). */
export function tokenize(code: string, languageId?: string): string[] {
  const hashComments = languageId !== undefined && HASH_COMMENT_LANGUAGES.has(languageId);
  const tokens: string[] = [];
  for (const match of code.matchAll(TOKEN_PATTERN)) {
    const groups = match.groups ?? {};
    if (groups.space !== undefined || groups.block !== undefined || groups.slash !== undefined) continue;
    if (groups.hash !== undefined) {
      if (hashComments) continue;
      // Not a comment here (`#include`, `#private`): keep `#` and re-scan the rest as code.
      tokens.push('#', ...tokenize(groups.hash.slice(1), languageId));
      continue;
    }
    tokens.push(match[0]);
  }
  return tokens;
}

/** Renames identifiers to `$1`, `$2`... in order of first use; keywords stay. */
function canonicalNames(tokens: readonly string[]): string[] {
  const names = new Map<string, string>();
  return tokens.map((token) => {
    if (!/^[\p{L}_$]/u.test(token) || KEYWORDS.has(token)) return token;
    let name = names.get(token);
    if (!name) {
      name = `$${names.size + 1}`;
      names.set(token, name);
    }
    return name;
  });
}

function commonCount(a: readonly string[], b: readonly string[]): number {
  let common = 0;
  for (const run of diffLines(a, b)) if (run.kind === 'equal') common += run.aEnd - run.aStart;
  return common;
}

function dice(common: number, a: number, b: number): number {
  return a + b === 0 ? 1 : (2 * common) / (a + b);
}

/** Token similarity of two pieces of code, 0..1 (both empty: 1). */
export function tokenSimilarity(a: string, b: string, languageId?: string): number {
  const aTokens = tokenize(a, languageId);
  const bTokens = tokenize(b, languageId);
  return dice(commonCount(aTokens, bTokens), aTokens.length, bTokens.length);
}

function meaningfulLines(text: string): string[] {
  return splitLines(text)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

function percent(value: number): string {
  return `${Math.round(value * 100)}%`;
}

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** Compares an attempt with the original block and builds the exercise's history record. */
export function compareExercise(input: ExerciseInput): ExerciseComparison {
  const originalTokens = tokenize(input.original, input.languageId);
  const attemptTokens = tokenize(input.attempt, input.languageId);
  const common = commonCount(originalTokens, attemptTokens);
  const similarity = dice(common, originalTokens.length, attemptTokens.length);
  const structuralSimilarity = dice(
    commonCount(canonicalNames(originalTokens), canonicalNames(attemptTokens)),
    originalTokens.length,
    attemptTokens.length,
  );

  const originalLines = meaningfulLines(input.original);
  const attemptLines = meaningfulLines(input.attempt);
  let same = 0;
  let added = 0;
  let removed = 0;
  for (const run of diffLines(originalLines, attemptLines)) {
    if (run.kind === 'equal') same += run.aEnd - run.aStart;
    else if (run.kind === 'insert') added += run.bEnd - run.bStart;
    else removed += run.aEnd - run.aStart;
  }

  const durationSeconds = Math.max(0, Math.round((input.finishedAt - input.startedAt) / 1000));
  const record: ExerciseRecord = {
    blockId: input.blockId,
    file: input.file,
    at: input.finishedAt,
    similarity: Math.round(similarity * 1000) / 1000,
    durationSeconds,
  };
  const summary =
    `${percent(similarity)} similar (${percent(structuralSimilarity)} ignoring names); ` +
    `${same} of ${originalLines.length} lines kept; ${duration(durationSeconds)}`;
  return {
    record,
    similarity,
    structuralSimilarity,
    lines: { original: originalLines.length, attempt: attemptLines.length, same, added, removed },
    tokens: { original: originalTokens.length, attempt: attemptTokens.length, common },
    diff: unifiedDiff(input.original, input.attempt),
    summary,
  };
}
