import type { TextSpan } from './doc-strings';

/**
 * Where a source file holds its own tests: Rust keeps unit tests beside the code, in a module
 * compiled only for `cargo test` (`#[cfg(test)] mod tests { … }`). A guessable password or a
 * loopback login there is a fixture, as under `tests/`.
 */

/** After `#[cfg(test)]`: other attributes, then `mod name {` (optionally `pub` or `pub(crate)`). */
const TEST_MODULE_HEAD = /\s*(?:#\[[^\]\n]*\]\s*)*(?:pub(?:\([\w: ]*\))?\s+)?mod\s+[A-Za-z_]\w*\s*\{/y;

/**
 * The `#[cfg(test)]` modules of a Rust source, from the attribute to the module's closing brace. The
 * brace is found by reading the module as Rust's lexer does: strings (`"…"`, raw `r#"…"#`), character
 * literals and comments hold no braces that count. A module left open runs to the end of the text.
 */
export function rustTestModules(text: string): TextSpan[] {
  const spans: TextSpan[] = [];
  const attribute = '#[cfg(test)]';
  for (let at = text.indexOf(attribute); at >= 0; at = text.indexOf(attribute, at + 1)) {
    TEST_MODULE_HEAD.lastIndex = at + attribute.length;
    if (!TEST_MODULE_HEAD.test(text)) continue;
    const end = closingBrace(text, TEST_MODULE_HEAD.lastIndex);
    spans.push({ start: at, end });
    at = end - 1;
  }
  return spans;
}

/** Just past the brace that closes the block whose body starts at `from`, or the text's end. */
function closingBrace(text: string, from: number): number {
  let depth = 1;
  let index = from;
  const length = text.length;
  while (index < length) {
    const char = text[index];
    if (char === '{') depth++;
    else if (char === '}') {
      depth--;
      if (depth === 0) return index + 1;
    } else if (char === '/' && text[index + 1] === '/') {
      const newline = text.indexOf('\n', index);
      index = newline < 0 ? length : newline;
      continue;
    } else if (char === '/' && text[index + 1] === '*') {
      const close = text.indexOf('*/', index + 2);
      index = close < 0 ? length : close + 2;
      continue;
    } else if (char === '"') {
      index = stringEnd(text, index + 1);
      continue;
    } else if (char === 'r' && /^r#*"/.test(text.slice(index, index + 8)) && isRawPrefixStart(text, index)) {
      const hashes = text.slice(index + 1).match(/^#*/)![0].length;
      const close = text.indexOf(`"${'#'.repeat(hashes)}`, index + 2 + hashes);
      index = close < 0 ? length : close + 1 + hashes;
      continue;
    } else if (char === "'") {
      // `'{'` and `'\u{7b}'` are characters; `'a` in `&'a str` is a lifetime.
      const literal = /^'(?:\\(?:u\{[0-9a-fA-F]{1,6}\}|x[0-9a-fA-F]{2}|.)|[^\\'\n])'/.exec(text.slice(index, index + 12));
      if (literal) {
        index += literal[0].length;
        continue;
      }
    }
    index++;
  }
  return length;
}

/** True when the `r` at `index` starts a raw string's prefix: `r"…"` or `br"…"`, not the end of a name (`ptr"`). */
function isRawPrefixStart(text: string, index: number): boolean {
  const before = text[index - 1] ?? '';
  if (before === 'b') return !/\w/.test(text[index - 2] ?? '');
  return !/\w/.test(before);
}

/** Just past the closing quote of a `"…"` string whose body starts at `from`. */
function stringEnd(text: string, from: number): number {
  for (let index = from; index < text.length; index++) {
    if (text[index] === '\\') index++;
    else if (text[index] === '"') return index + 1;
  }
  return text.length;
}
