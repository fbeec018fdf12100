import type { Tree } from 'web-tree-sitter';
import { parseTree } from './tree-sitter';

/** A top-level block of a Terraform file as its header reads: `resource "aws_s3_bucket" "logs" {`. */
export interface TerraformBlockHeader {
  /** `resource`, `data`, `provider`, `variable`, `locals`… */
  readonly type: string;
  /** The labels, unquoted: `["aws_s3_bucket", "logs"]`. */
  readonly labels: readonly string[];
  /** Offset of the block's type word. */
  readonly start: number;
  /** Offset just past its closing `}`. */
  readonly end: number;
}

/** Says whether a rule reads a top-level block (`text` is the whole file's). */
export type TerraformBlockFilter = (block: TerraformBlockHeader, text: string) => boolean;

const IDENTIFIER = /[A-Za-z_][\w-]*/y;

/**
 * The top-level blocks of a Terraform file, found by a scanner that knows HCL's strings, templates,
 * heredocs and comments, or undefined when the file holds anything else at top level (a `.tfvars`
 * attribute) or anything the scanner is unsure of (an unterminated string, unbalanced braces). The
 * caller then parses the whole file: undefined only ever costs time.
 */
export function terraformTopLevelBlocks(text: string): TerraformBlockHeader[] | undefined {
  const blocks: TerraformBlockHeader[] = [];
  let at = skipSpaceAndComments(text, 0);
  while (at < text.length) {
    const start = at;
    IDENTIFIER.lastIndex = at;
    const type = IDENTIFIER.exec(text)?.[0];
    if (type === undefined) return undefined;
    at = skipSpaceAndComments(text, at + type.length, false);
    const labels: string[] = [];
    for (;;) {
      if (text[at] === '"') {
        const end = quotedEnd(text, at);
        if (end === undefined) return undefined;
        const label = text.slice(at + 1, end - 1);
        // A label with an escape or a template is rare enough to leave to the parser.
        if (/[\\$%]/.test(label)) return undefined;
        labels.push(label);
        at = end;
      } else {
        IDENTIFIER.lastIndex = at;
        const label = IDENTIFIER.exec(text)?.[0];
        if (label === undefined) break;
        labels.push(label);
        at += label.length;
      }
      at = skipSpaceAndComments(text, at, false);
    }
    if (text[at] !== '{') return undefined;
    const end = closingBrace(text, at + 1);
    if (end === undefined) return undefined;
    blocks.push({ type, labels, start, end });
    at = skipSpaceAndComments(text, end);
  }
  // Past the end: a comment that never closes.
  return at > text.length ? undefined : blocks;
}

/**
 * Parses `text` as Terraform with only the top-level blocks `keep` accepts handed to tree-sitter
 * (its included ranges): the rest are never lexed. Offsets in the tree are the file's. When the
 * blocks cannot be told apart with certainty, or the partial tree does not hold exactly the kept
 * blocks, the whole file is parsed: a rule never reads less than it asked for.
 */
export function parseTerraformBlocks(text: string, keep: TerraformBlockFilter): Tree {
  const blocks = terraformTopLevelBlocks(text);
  const kept = blocks?.filter((block) => keep(block, text));
  if (blocks === undefined || kept === undefined || kept.length === blocks.length) return parseTree('terraform', text);
  // No block to read: an empty tree, which holds no block.
  if (kept.length === 0) return parseTree('terraform', '');
  const rows = lineStarts(text);
  const point = (index: number): { row: number; column: number } => {
    const row = rowOf(rows, index);
    return { row, column: index - rows[row] };
  };
  const includedRanges = kept.map((block) => ({ startIndex: block.start, endIndex: block.end, startPosition: point(block.start), endPosition: point(block.end) }));
  const tree = parseTree('terraform', text, undefined, includedRanges);
  const body = tree.rootNode.hasError ? undefined : tree.rootNode.firstNamedChild;
  const parsedBlocks = body?.type === 'body' ? body.namedChildren.filter((child) => child?.type === 'block').length : 0;
  if (parsedBlocks === kept.length) return tree;
  tree.delete();
  return parseTree('terraform', text);
}

/** Skips spaces, newlines (unless `newlines` is false) and comments from `at`. */
function skipSpaceAndComments(text: string, at: number, newlines = true): number {
  while (at < text.length) {
    const char = text[at];
    if (char === ' ' || char === '\t' || char === '\r' || (newlines && char === '\n')) at++;
    else if (char === '#' || (char === '/' && text[at + 1] === '/')) {
      const end = text.indexOf('\n', at);
      if (end < 0) return text.length;
      at = newlines ? end + 1 : end;
    } else if (char === '/' && text[at + 1] === '*') {
      const end = text.indexOf('*/', at + 2);
      if (end < 0) return text.length + 1;
      at = end + 2;
    } else break;
  }
  return at;
}

/**
 * Offset just past the `}` that closes a brace opened before `at`, skipping strings, heredocs and
 * comments; undefined when there is none.
 */
function closingBrace(text: string, at: number): number | undefined {
  let depth = 1;
  while (at < text.length) {
    const char = text[at];
    if (char === '{') {
      depth++;
      at++;
    } else if (char === '}') {
      depth--;
      at++;
      if (depth === 0) return at;
    } else if (char === '"') {
      const end = quotedEnd(text, at);
      if (end === undefined) return undefined;
      at = end;
    } else if (char === '<' && text[at + 1] === '<') {
      const end = heredocEnd(text, at);
      if (end === undefined) return undefined;
      at = end;
    } else if (char === '#' || (char === '/' && (text[at + 1] === '/' || text[at + 1] === '*'))) {
      at = skipSpaceAndComments(text, at);
      if (at > text.length) return undefined;
    } else at++;
  }
  return undefined;
}

/** Offset just past the closing quote of the string opening at `at`, templates (`${…}`, `%{…}`) included. */
function quotedEnd(text: string, at: number): number | undefined {
  at++;
  while (at < text.length) {
    const char = text[at];
    if (char === '\\') at += 2;
    else if (char === '"') return at + 1;
    else if (char === '\n') return undefined;
    else if ((char === '$' || char === '%') && text[at + 1] === char && text[at + 2] === '{') at += 3;
    else if ((char === '$' || char === '%') && text[at + 1] === '{') {
      const end = closingBrace(text, at + 2);
      if (end === undefined) return undefined;
      at = end;
    } else at++;
  }
  return undefined;
}

/** Offset just past a heredoc (`<<EOT` or `<<-EOT` … a line holding only `EOT`) opening at `at`. */
function heredocEnd(text: string, at: number): number | undefined {
  const header = /<<-?([A-Za-z_][\w-]*)[ \t]*\r?\n/y;
  header.lastIndex = at;
  const match = header.exec(text);
  // `<<` that opens no heredoc is not HCL outside a string.
  if (match === null) return undefined;
  const marker = match[1];
  let line = header.lastIndex;
  while (line < text.length) {
    const next = text.indexOf('\n', line);
    const end = next < 0 ? text.length : next;
    if (text.slice(line, end).trim() === marker) return end;
    line = end + 1;
  }
  return undefined;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let index = text.indexOf('\n'); index >= 0; index = text.indexOf('\n', index + 1)) starts.push(index + 1);
  return starts;
}

function rowOf(starts: readonly number[], index: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle] <= index) low = middle;
    else high = middle - 1;
  }
  return low;
}
