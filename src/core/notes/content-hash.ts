import { createHash } from 'node:crypto';
import { LineIndex } from '../text/line-index';

/**
 * The text of a block as notes compare it: `\n` line breaks, no trailing spaces, no leading or
 * trailing blank lines. A formatter that only touches line endings or trailing whitespace does not
 * make a note stale.
 */
export function normalizeBlockText(text: string): string {
  const lines = text.split(/\r\n|\r|\n/).map((line) => line.replace(/[ \t]+$/, ''));
  let first = 0;
  while (first < lines.length && lines[first] === '') first++;
  let last = lines.length;
  while (last > first && lines[last - 1] === '') last--;
  return lines.slice(first, last).join('\n');
}

/** `sha256:<32 hex>` of the normalised block text: the `contentHash` a note records. */
export function blockContentHash(text: string): string {
  return `sha256:${createHash('sha256').update(normalizeBlockText(text)).digest('hex').slice(0, 32)}`;
}

/**
 * The text of a block's lines (1-based, inclusive, clipped to the file) without the final line
 * break: what a note records and what its `contentHash` is compared with, everywhere.
 */
export function blockTextOf(text: string, block: { startLine: number; endLine: number }, lines: LineIndex = new LineIndex(text)): string {
  const first = Math.max(1, block.startLine);
  const last = Math.min(block.endLine, lines.lineCount);
  if (last < first) return '';
  return text.slice(lines.lineStart(first - 1), lines.lineEnd(last - 1));
}
