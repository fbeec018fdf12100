/**
 * Where a source file documents itself: a Python file's docstrings, and the `DOCUMENTATION`,
 * `EXAMPLES` and `RETURN` strings of an Ansible module (YAML that `ansible-doc` shows, with sample
 * passwords in it); a Rust file's doc comments, which rustdoc renders (and whose examples it runs as
 * tests); a Perl file's POD, which perldoc renders; a `/** … *\/` comment, which JSDoc, Javadoc,
 * PHPDoc and Doxygen render; markup an HTML page escapes to show it as text.
 * A password written there is an illustration, as in a README.
 */

/** A region of a text: a documentation string from its opening quotes to past its closing ones, a comment block, a test module. */
export interface TextSpan {
  start: number;
  end: number;
}

/** The names Ansible's module format gives its documentation strings. */
const ANSIBLE_DOC_NAME = /(?:^|\n)(?:DOCUMENTATION|EXAMPLES|RETURN)[ \t]*=[ \t]*$/;

/**
 * The documentation strings of a Python source: triple-quoted strings that are a module's, class's
 * or function's docstring (the first statement of a body: at the start of a line, after a line
 * ending with `:` or at the top of the file), or assigned to `DOCUMENTATION`, `EXAMPLES` or `RETURN`.
 * Strings, comments and escapes are read as Python's tokenizer reads them, so quotes inside them
 * open nothing; a string left open runs to the end of the text.
 */
export function pythonDocStrings(text: string): TextSpan[] {
  const spans: TextSpan[] = [];
  // Where the last statement-level token ended: what precedes a string decides if it documents.
  let lastCode = -1;
  let index = 0;
  const length = text.length;
  while (index < length) {
    const char = text.charCodeAt(index);
    if (char === 0x23 /* # */) {
      const newline = text.indexOf('\n', index);
      index = newline < 0 ? length : newline;
      continue;
    }
    if (char !== 0x22 /* " */ && char !== 0x27 /* ' */) {
      if (char !== 0x20 && char !== 0x09 && char !== 0x0a && char !== 0x0d) lastCode = index;
      index++;
      continue;
    }
    const quote = text[index]!;
    const triple = text.startsWith(quote.repeat(3), index);
    const prefixStart = stringPrefixStart(text, index);
    const close = triple ? closingTriple(text, index + 3, quote) : closingSingle(text, index + 1, quote);
    if (triple && documents(text, prefixStart, lastCode)) spans.push({ start: prefixStart, end: close });
    lastCode = close - 1;
    index = close;
  }
  return spans;
}

/** Where a string's prefix (`r`, `u`, `b`, `f`, `rb`…) starts, before the quote at `quoteAt`. */
function stringPrefixStart(text: string, quoteAt: number): number {
  let start = quoteAt;
  while (start > 0 && quoteAt - start < 2 && /[rRuUbBfF]/.test(text[start - 1]!)) start--;
  // A prefix is a whole token: `ur"…"` yes, `bar"…"` (a name, then a string) no.
  return start > 0 && /\w/.test(text[start - 1]!) ? quoteAt : start;
}

/** True when a triple-quoted string opening at `start` is a docstring or an Ansible documentation string. */
function documents(text: string, start: number, lastCode: number): boolean {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const before = text.slice(lineStart, start);
  if (/^[ \t]*$/.test(before)) return lastCode < 0 || text[lastCode] === ':';
  return ANSIBLE_DOC_NAME.test(text.slice(Math.max(0, lineStart - 1), start));
}

function closingTriple(text: string, from: number, quote: string): number {
  let index = from;
  for (;;) {
    const next = text.indexOf(quote.repeat(3), index);
    if (next < 0) return text.length;
    if (!isEscaped(text, next)) return next + 3;
    index = next + 1;
  }
}

function closingSingle(text: string, from: number, quote: string): number {
  for (let index = from; index < text.length; index++) {
    const char = text[index];
    if (char === '\\') index++;
    else if (char === quote) return index + 1;
    // An unterminated one-line string ends at its line, as Python reports it.
    else if (char === '\n') return index;
  }
  return text.length;
}

/** Where a block comment whose body starts at `from` ends: past its first `close`, or at the end of a text that never closes it. */
function pastClose(text: string, close: string, from: number): number {
  const at = text.indexOf(close, from);
  return at < 0 ? text.length : at + close.length;
}

/** True when the character at `at` follows an odd number of backslashes. */
function isEscaped(text: string, at: number): boolean {
  let count = 0;
  while (at - count - 1 >= 0 && text[at - count - 1] === '\\') count++;
  return count % 2 === 1;
}

/**
 * The doc comments of a Rust source: runs of lines that start (after blanks) with `///` or `//!`
 * (not `////`, an ordinary comment), and blocks opened by `/**` or `/*!` at a line's start. Read by
 * lines, not tokens: a string whose continuation line starts with `///` is rare enough to ignore.
 */
export function rustDocComments(text: string): TextSpan[] {
  const spans: TextSpan[] = [];
  let lineStart = 0;
  while (lineStart < text.length) {
    let at = lineStart;
    while (at < text.length && (text[at] === ' ' || text[at] === '\t')) at++;
    const lineEnd = text.indexOf('\n', at);
    const end = lineEnd < 0 ? text.length : lineEnd;
    if ((text.startsWith('///', at) && text[at + 3] !== '/') || text.startsWith('//!', at)) {
      const last = spans[spans.length - 1];
      // Consecutive doc lines make one span.
      if (last !== undefined && last.end === lineStart - 1) last.end = end;
      else spans.push({ start: at, end });
    } else if ((text.startsWith('/**', at) && text[at + 3] !== '*' && text[at + 3] !== '/') || text.startsWith('/*!', at)) {
      const blockEnd = pastClose(text, '*/', at + 3);
      spans.push({ start: at, end: blockEnd });
      const next = text.indexOf('\n', blockEnd);
      lineStart = next < 0 ? text.length : next + 1;
      continue;
    }
    lineStart = end + 1;
  }
  return spans;
}

/** How a language writes the comments its documentation tool reads above a declaration. */
interface DocCommentStyle {
  /** What a line comment starts with. */
  readonly line: string;
  /** True when an indented line comment counts (Ruby's methods sit inside classes); false: only at a line's start. */
  readonly indented: boolean;
  /** A block comment's opening, at a line's start, and its closing. */
  readonly block: readonly [open: string, close: string];
  /** What the declaration below starts with (after its indentation, when indented comments count). */
  readonly declaration: RegExp;
}

/**
 * The comments a documentation tool reads as a declaration's documentation: a group of line
 * comments, or a block comment, directly above the declaration, with no blank line between.
 * Other comments are not documentation. Read by lines, not tokens, like {@link rustDocComments}.
 */
function docCommentsAbove(text: string, style: DocCommentStyle): TextSpan[] {
  const spans: TextSpan[] = [];
  const [open, close] = style.block;
  /** The comment group the lines just read make, if they were comments. */
  let group: TextSpan | undefined;
  let lineStart = 0;
  while (lineStart < text.length) {
    const lineEnd = text.indexOf('\n', lineStart);
    const end = lineEnd < 0 ? text.length : lineEnd;
    let at = lineStart;
    if (style.indented) while (at < end && (text[at] === ' ' || text[at] === '\t')) at++;
    if (text.startsWith(style.line, at)) {
      group = { start: group?.start ?? at, end };
      lineStart = end + 1;
      continue;
    }
    if (text.startsWith(open, lineStart)) {
      const blockEnd = pastClose(text, close, lineStart + open.length);
      const next = text.indexOf('\n', blockEnd);
      // Code after the block on its last line makes the block no group of its own.
      const rest = text.slice(blockEnd, next < 0 ? text.length : next).trim();
      group = rest === '' ? { start: group?.start ?? lineStart, end: blockEnd } : undefined;
      lineStart = next < 0 ? text.length : next + 1;
      continue;
    }
    // Any other line ends the group: a blank line leaves it no declaration's documentation.
    if (group !== undefined && style.declaration.test(text.slice(at, Math.min(end, at + 16)))) spans.push(group);
    group = undefined;
    lineStart = end + 1;
  }
  return spans;
}

/**
 * The doc comments of a Go source, as `go doc` reads them: `//` lines or a `/* … *\/` block at a
 * line's start, directly above a top-level declaration (`package`, `func`, `type`, `var`, `const`,
 * `import`). `doc.go` files hold a package's whole documentation this way, examples included.
 */
export function goDocComments(text: string): TextSpan[] {
  return docCommentsAbove(text, { line: '//', indented: false, block: ['/*', '*/'], declaration: /^(?:package|import|func|type|var|const)\b/ });
}

/**
 * The documentation comments of a Ruby source, as RDoc and YARD read them: `#` lines (indented or
 * not) or an `=begin`…`=end` block, directly above a method, class, module, attribute or constant.
 */
export function rubyDocComments(text: string): TextSpan[] {
  return docCommentsAbove(text, { line: '#', indented: true, block: ['=begin', '\n=end'], declaration: /^(?:def|class|module|attr_(?:reader|writer|accessor))\b|^[A-Z]\w*\s*=[^=~]/ });
}

/**
 * The POD of a Perl source: from a line that starts with `=` and a word (`=head1`, `=item`, `=pod`)
 * to the next line that starts with `=cut`, or to the end, as perl skips it; and runs of `#pod` lines,
 * Pod::Weaver's POD kept in comments beside the code it documents.
 */
export function perlPod(text: string): TextSpan[] {
  const spans: TextSpan[] = [];
  let lineStart = 0;
  while (lineStart < text.length) {
    const lineEnd = text.indexOf('\n', lineStart);
    const end = lineEnd < 0 ? text.length : lineEnd;
    if (text[lineStart] === '=' && /[A-Za-z]/.test(text[lineStart + 1] ?? '') && !text.startsWith('=cut', lineStart)) {
      const cut = text.indexOf('\n=cut', lineStart);
      const blockEnd = cut < 0 ? text.length : cut + 5;
      spans.push({ start: lineStart, end: blockEnd });
      const next = text.indexOf('\n', blockEnd);
      lineStart = next < 0 ? text.length : next + 1;
      continue;
    }
    if (text.startsWith('#pod', lineStart) && (text[lineStart + 4] === undefined || /\s/.test(text[lineStart + 4]!))) {
      const last = spans[spans.length - 1];
      if (last !== undefined && last.end === lineStart - 1) last.end = end;
      else spans.push({ start: lineStart, end });
    }
    lineStart = end + 1;
  }
  return spans;
}

/** How far an escaped tag may run, over lines, before its `&gt;`: a `<Resource …/>` example with its attributes one per line. */
const MAX_ESCAPED_TAG = 2000;

/**
 * The markup an HTML or JSP page escapes to show it as text: from each `&lt;` to the `&gt;` that
 * closes it (or the end of its line, when none comes within {@link MAX_ESCAPED_TAG} characters).
 * Tomcat's manager pages show the `<user username="tomcat" password="…" …/>` line to add this
 * way; a browser displays it, nothing reads it as configuration.
 */
export function escapedMarkup(text: string): TextSpan[] {
  const spans: TextSpan[] = [];
  for (let start = text.indexOf('&lt;'); start >= 0; ) {
    const close = text.indexOf('&gt;', start + 4);
    let end: number;
    if (close >= 0 && close - start <= MAX_ESCAPED_TAG) end = close + 4;
    else {
      const lineEnd = text.indexOf('\n', start);
      end = lineEnd < 0 ? text.length : lineEnd;
    }
    spans.push({ start, end });
    start = text.indexOf('&lt;', end);
  }
  return spans;
}

/**
 * The documentation comments of a JavaScript, TypeScript, Java, PHP or C-family source: blocks opened
 * by `/**` at a line's start (after blanks), to their `*\/`, as JSDoc, Javadoc, PHPDoc and Doxygen read
 * them (`/**\/` is an empty ordinary comment). Only at a line's start, so a glob in a string
 * (`'src/**\/*.js'`) opens nothing.
 */
export function docBlockComments(text: string): TextSpan[] {
  const spans: TextSpan[] = [];
  for (let open = text.indexOf('/**'); open >= 0; ) {
    const lineStart = text.lastIndexOf('\n', open - 1) + 1;
    if (text[open + 3] === '/' || !/^[ \t]*$/.test(text.slice(lineStart, open))) {
      open = text.indexOf('/**', open + 3);
      continue;
    }
    const end = pastClose(text, '*/', open + 3);
    spans.push({ start: open, end });
    open = text.indexOf('/**', end);
  }
  return spans;
}
