import { createHash } from 'node:crypto';

/**
 * Content hashes of AI blocks.
 *
 * Hashes are whitespace-insensitive: every whitespace character is removed before hashing, not only
 * trailing whitespace. Formatters re-indent code, rewrap spaces around operators (`if(x)` vs
 * `if (x)`) and switch tabs for spaces; a block whose text changed only that way must still be found
 * by its hashes (Agent Trace users ask for ranges that survive formatters). The price is that lines
 * differing only in whitespace (`a b` vs `ab`) hash alike, which code almost never relies on.
 */

/** Removes all whitespace from a line: the form every hash here is computed over. */
export function normalizeLine(line: string): string {
  return line.replace(/\s+/g, '');
}

/** Hex digits kept from a line's SHA-256: 64 bits, so chance collisions in one file are negligible. */
const LINE_HASH_HEX_LENGTH = 16;

/**
 * The hash of one line: the first 16 hex digits of SHA-256 over the line without whitespace.
 * Stable across versions (it is persisted in records), so never change the recipe.
 */
export function lineHash(line: string): string {
  return createHash('sha256').update(normalizeLine(line), 'utf8').digest('hex').slice(0, LINE_HASH_HEX_LENGTH);
}

/** Line hashes of several lines, in order. */
export function lineHashes(lines: readonly string[]): string[] {
  return lines.map(lineHash);
}

/**
 * The content hash of a block, in Agent Trace's `sha256:<hex>` form: SHA-256 over the block's
 * lines without whitespace, joined by `\n` (so it is the same for LF and CRLF files and after
 * re-indenting).
 */
export function blockContentHash(lines: readonly string[]): string {
  const hash = createHash('sha256');
  lines.forEach((line, index) => {
    if (index > 0) hash.update('\n');
    hash.update(normalizeLine(line), 'utf8');
  });
  return `sha256:${hash.digest('hex')}`;
}

/**
 * Whether a line carries meaning of its own for matching: it has a letter or a digit. Blank lines
 * and lone punctuation (`}`, `});`, `]`) occur everywhere, so a match made of them proves nothing.
 */
export function isInformativeLine(line: string): boolean {
  return /[\p{L}\p{N}]/u.test(line);
}

/** Whether `lines` still have exactly the content recorded in `hashes` (whitespace aside). */
export function matchesLineHashes(lines: readonly string[], hashes: readonly string[]): boolean {
  if (lines.length !== hashes.length) return false;
  for (let i = 0; i < lines.length; i++) if (lineHash(lines[i]) !== hashes[i]) return false;
  return true;
}
