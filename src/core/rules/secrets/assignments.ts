import type { FileKind } from './file-kind';

/**
 * Reading `name = value` shapes out of raw text without parsing it, so one reader serves code,
 * YAML, JSON, .env, ini/properties and shell: `apiKey: "…"`, `"password": "…"`, `DB_PASS=…`,
 * `password := "…"`, `'token' => '…'`, `getenv("TOKEN", "…")`. Every loop is bounded, so long
 * minified lines cost no more than short ones.
 */

/** A value assigned to a name. */
export interface Assignment {
  name: string;
  nameStart: number;
  nameEnd: number;
  /** The value's text, without its quotes. */
  valueStart: number;
  valueEnd: number;
  quoted: boolean;
  /**
   * True for an unquoted word in code (`apiKey := abcd…` in Go) or a `name:value` inside a string: an
   * expression or prose more often than a literal, so only a vendor-named shape (secrets/vendor-names.ts)
   * is judged there, never the generic detector.
   */
  bareInCode?: boolean;
  /** True for a literal compared with the name (`password == "…"`, `"…" !== password`) rather than assigned to it. */
  comparison?: boolean;
}

const MAX_NAME = 200;
const MAX_VALUE = 2048;
const MAX_GAP = 32;

/** Identifier characters of names in code and config keys: letters, digits, `_`, `-`, `.`, `$`. */
function isNameCode(code: number): boolean {
  return (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code === 95 /* _ */ ||
    code === 45 /* - */ ||
    code === 46 /* . */ ||
    code === 36 /* $ */
  );
}

/** `.`, `-` and `$`: name characters that do not start or end a name. */
function isNamePunctuation(code: number): boolean {
  return code === 46 /* . */ || code === 45 /* - */ || code === 36 /* $ */;
}

/** An ASCII letter: what starts a type annotation (`string`, `str`). */
function isAsciiLetter(char: string | undefined): boolean {
  if (char === undefined || char.length !== 1) return false;
  const code = char.charCodeAt(0) | 0x20;
  return code >= 97 && code <= 122;
}

function isQuote(char: string): boolean {
  return char === '"' || char === "'" || char === '`';
}

function skipBlanks(text: string, at: number): number {
  const limit = Math.min(text.length, at + MAX_GAP);
  while (at < limit && (text[at] === ' ' || text[at] === '\t')) at++;
  return at;
}

function skipBlanksBack(text: string, at: number): number {
  const limit = Math.max(0, at - MAX_GAP);
  while (at > limit && (text[at - 1] === ' ' || text[at - 1] === '\t')) at--;
  return at;
}

/** Extends a name that contains `[from, to)` to its whole identifier. */
export function expandName(text: string, from: number, to: number): { start: number; end: number } {
  let start = from;
  let end = to;
  const startLimit = Math.max(0, from - MAX_NAME);
  const endLimit = Math.min(text.length, to + MAX_NAME);
  while (start > startLimit && isNameCode(text.charCodeAt(start - 1))) start--;
  while (end < endLimit && isNameCode(text.charCodeAt(end))) end++;
  // Names do not end with punctuation: `token.` before a method call, `key-` in prose.
  while (end > start && isNamePunctuation(text.charCodeAt(end - 1))) end--;
  while (start < end && isNamePunctuation(text.charCodeAt(start))) start++;
  return { start, end };
}

/**
 * Reads the operator after a name ending at `at`: `=`, `:`, `:=`, `=>`, and `,` after a quoted name
 * where the file allows pairs. Returns the offset just past it, or -1.
 */
function readOperator(text: string, at: number, quotedName: boolean, file: FileKind): number {
  const char = text[at];
  const next = text[at + 1];
  if (char === '=') {
    if (next === '>') return at + 2;
    if (next === '=' || next === '~') return -1;
    return at + 1;
  }
  if (char === ':') {
    if (next === '=') return at + 2;
    // Makefile's `::=` and `:::=`.
    if (next === ':') {
      if (text[at + 2] === '=') return at + 3;
      return text[at + 2] === ':' && text[at + 3] === '=' ? at + 4 : -1;
    }
    // YAML needs a blank or line end after the colon; `http:` and `a:b` are not mappings.
    if (file.yaml && next !== ' ' && next !== '\t' && next !== '\n' && next !== '\r' && next !== undefined) return -1;
    return at + 1;
  }
  if (char === ',' && quotedName && file.pairsByComma) return at + 1;
  // Makefile's `?=` and `+=`, PHP's `.=`; JavaScript's `||=` and `??=`.
  if ((char === '?' || char === '+' || char === '.') && next === '=' && text[at + 2] !== '=') return at + 2;
  if (((char === '|' && next === '|') || (char === '?' && next === '?')) && text[at + 2] === '=') return at + 3;
  return -1;
}

/**
 * Python's `__all__` before the bracket: its strings are the names a module exports, not a name and
 * its value (`__all__ = ('V3Saml2Password', 'V3ADFSPassword')` in keystoneauth1).
 */
const EXPORT_LIST_BEFORE = /\b__all__\s*\+?=\s*$/;

/**
 * Whether `'name', 'value'` (the name's opening quote at `nameQuote`, the value's at `valueQuote`)
 * is a pair: the two arguments of a call or the two items of a tuple (`set('Authorization', '…')`,
 * `('password', '…')`), not items of a longer list of strings (Django's `['old_password',
 * 'new_password1', 'new_password2']`): the name comes first, and no string follows the value.
 */
function isCommaPair(text: string, nameQuote: number, valueQuote: number): boolean {
  let before = nameQuote;
  while (before > 0 && nameQuote - before < 64 && /\s/.test(text[before - 1])) before--;
  const opener = text[before - 1];
  if (opener !== '(' && opener !== '[') return false;
  if (EXPORT_LIST_BEFORE.test(text.slice(Math.max(0, before - 1 - 16), before - 1))) return false;
  const quote = text[valueQuote];
  if (!isQuote(quote ?? '')) return true;
  const limit = Math.min(text.length, valueQuote + 1 + MAX_VALUE);
  let end = valueQuote + 1;
  while (end < limit && text[end] !== quote && text[end] !== '\n') end += text[end] === '\\' ? 2 : 1;
  if (text[end] !== quote) return true;
  const skipSpace = (from: number): number => {
    let at = from;
    while (at < text.length && at - from < 64 && /\s/.test(text[at])) at++;
    return at;
  };
  const next = skipSpace(end + 1);
  return !(text[next] === ',' && isQuote(text[skipSpace(next + 1)] ?? ''));
}

/** Type names that may sit between a name and `=` in TypeScript and Python annotations. */
const ANNOTATION_TYPES = new Set(['string', 'String', 'str', 'any', 'unknown']);

/**
 * Reads an assignment whose name contains the keyword found at `[hitStart, hitEnd)`.
 * Returns the assignment (if any) and where scanning may resume.
 */
export function readAssignmentAt(text: string, hitStart: number, hitEnd: number, file: FileKind): { assignment?: Assignment; resumeAt: number } {
  const name = expandName(text, hitStart, hitEnd);
  const resumeAt = Math.max(hitEnd, name.end);
  // `${DB_PASSWORD:-postgres}` (shell, Compose, .env): the default the variable falls back to is a literal.
  if (text[name.start - 1] === '{' && text[name.start - 2] === '$') {
    const value = readParameterDefault(text, name.end);
    return value ? { assignment: { name: text.slice(name.start, name.end), nameStart: name.start, nameEnd: name.end, ...value }, resumeAt } : { resumeAt };
  }
  // `--api-key VALUE`, `--token=VALUE`, `--set db.password=VALUE`, `-e API_TOKEN=VALUE`: a
  // command-line argument is a literal in any file.
  const argumentAt = shellArgumentValue(text, name.start, name.end);
  if (argumentAt >= 0) {
    const value = readShellWord(text, argumentAt);
    return value ? { assignment: { name: text.slice(name.start, name.end), nameStart: name.start, nameEnd: name.end, ...value }, resumeAt } : { resumeAt };
  }
  let at = name.end;
  let quotedName = false;
  if (isQuote(text[at] ?? '')) {
    // The closing quote of a value (`"…/token","next"`) does not make a quoted name.
    if (text[name.start - 1] !== text[at]) return { resumeAt };
    quotedName = true;
    at++;
    if (text[at] === ']') at++;
  }
  // `<apiToken>value</apiToken>` (XML and its config dialects).
  if (!quotedName && text[name.start - 1] === '<' && text[at] === '>') {
    const value = readElementValue(text, at + 1, text.slice(name.start, name.end));
    return value ? { assignment: { name: text.slice(name.start, name.end), nameStart: name.start, nameEnd: name.end, ...value }, resumeAt } : { resumeAt };
  }
  at = skipBlanks(text, at);
  if (!quotedName) {
    const compared = readComparedLiteral(text, name.start, at);
    if (compared) return { assignment: { name: text.slice(name.start, name.end), nameStart: name.start, nameEnd: name.end, ...compared, quoted: true, comparison: true }, resumeAt };
  }
  // `var apiToken string = "…"` (Go).
  if (!quotedName && at > name.end && isAsciiLetter(text[at])) {
    let typeEnd = at;
    while (typeEnd < text.length && typeEnd - at < 16 && isAsciiLetter(text[typeEnd])) typeEnd++;
    if (ANNOTATION_TYPES.has(text.slice(at, typeEnd))) {
      const afterType = skipBlanks(text, typeEnd);
      if (text[afterType] === '=' && text[afterType + 1] !== '=') at = afterType;
    }
  }
  // `` `password1234`, `P@ssw0rd!` `` is a list of code spans in a comment or Markdown, not a pair.
  const afterOperator = readOperator(text, at, quotedName && text[name.end] !== '`', file);
  if (afterOperator < 0) return { resumeAt };
  // `mode === AUTH ? AUTH : 'microsoftOAuth2Api'`: a conditional's second branch, not a key and its value.
  if (text[afterOperator - 1] === ':' && !file.yaml && isConditionalBranch(text, quotedName ? name.start - 1 : name.start)) return { resumeAt };
  if (text[at] === ',' && !isCommaPair(text, name.start - 1, skipBlanks(text, afterOperator))) return { resumeAt };
  at = skipBlanks(text, afterOperator);
  // `Authorization: Bearer …` unquoted in a header map, an HTTP file or a string: the scheme word
  // makes the next word the credential, whatever the file's rules for unquoted values.
  if (!isQuote(text[at] ?? '') && AUTH_SCHEME_AHEAD.test(text.slice(at, at + 16))) {
    const schemeWord = /^\S+/.exec(text.slice(at, at + 16))?.[0] ?? '';
    const word = readShellWord(text, skipBlanks(text, at + schemeWord.length));
    if (!word || word.quoted) return { resumeAt };
    return { assignment: { name: text.slice(name.start, name.end), nameStart: name.start, nameEnd: name.end, valueStart: at, valueEnd: word.valueEnd, quoted: true }, resumeAt };
  }
  // `password: string = "…"` (TypeScript) and `password: str = "…"` (Python).
  // Config files (`db_pass: value` in an .ini, .conf or .properties) have no annotations.
  if (text[afterOperator - 1] === ':' && !file.yaml && !file.unquotedValues && isAsciiLetter(text[at])) {
    let typeEnd = at;
    while (typeEnd < text.length && typeEnd - at < 16 && isAsciiLetter(text[typeEnd])) typeEnd++;
    if (!ANNOTATION_TYPES.has(text.slice(at, typeEnd))) return { resumeAt };
    at = skipBlanks(text, typeEnd);
    if (text[at] !== '=' || text[at + 1] === '=') return { resumeAt };
    at = skipBlanks(text, at + 1);
  }
  // `"DB_TOKEN=…\\n…"`: a .env or ini line held in a string of code or JSON.
  const embedded = !file.unquotedValues && text[afterOperator - 1] === '=' && afterOperator - name.end <= 1 && startsString(text, name.start);
  // `"sl_api_key:…"`, `"key:=…"`: a colon pair inside a string of code, judged by vendor shape only.
  const embeddedPair = !embedded && !file.unquotedValues && text[name.end] === ':' && afterOperator - name.end <= 2 && startsString(text, name.start);
  // `curl -H "X-Api-Key: …"`: a header given on a command line is a literal, not prose.
  const header = text[name.end] === ':' && afterOperator - name.end === 1 && HEADER_OPTION.test(text.slice(Math.max(0, name.start - 16), name.start));
  const value = embedded || header ? readEmbeddedValue(text, at) : embeddedPair ? bare(readEmbeddedValue(text, at)) : readValue(text, at, file);
  if (!value) return { resumeAt };
  return {
    assignment: { name: text.slice(name.start, name.end), nameStart: name.start, nameEnd: name.end, ...value },
    resumeAt,
  };
}

/** True when a conditional's `?` comes right before `start` (`cond ? name : …`, minified `c?n:…`). */
function isConditionalBranch(text: string, start: number): boolean {
  return text[skipBlanksBack(text, start) - 1] === '?';
}

/** curl's and HTTPie-style `-H "` / `--header '` right before a header string. */
const HEADER_OPTION = /(?:^|\s)(?:-H|--header)[ \t]*["']$/;

/** `==`, `===`, `!=`, `!==` at the start of the text. */
const EQUALITY_AHEAD = /^[!=]==?(?!=)/;
/** The same operators at the end of the text. */
const EQUALITY_BEHIND = /(?<![!=<>])[!=]==?$/;

/**
 * The quoted literal on one line that a name is compared with: after it (`password == "…"`, the
 * name ending where `after` starts) or before it (`"…" !== password`, the name starting at `nameStart`).
 */
function readComparedLiteral(text: string, nameStart: number, after: number): { valueStart: number; valueEnd: number } | undefined {
  // Both operators start (ahead) or end (behind) with `!` or `=`: most names have neither beside them.
  const aheadChar = text[after];
  const ahead = aheadChar === '!' || aheadChar === '=' ? EQUALITY_AHEAD.exec(text.slice(after, after + 3)) : null;
  if (ahead) {
    const at = skipBlanks(text, after + ahead[0].length);
    const open = text[at];
    if (!isQuote(open ?? '')) return undefined;
    const limit = Math.min(text.length, at + 1 + MAX_VALUE);
    for (let i = at + 1; i < limit; i++) {
      if (text[i] === '\\') i++;
      else if (text[i] === open) return i > at + 1 ? { valueStart: at + 1, valueEnd: i } : undefined;
      else if (text[i] === '\n' || text[i] === '\r') return undefined;
    }
    return undefined;
  }
  const operatorEnd = skipBlanksBack(text, nameStart);
  if (text[operatorEnd - 1] !== '=') return undefined;
  const behind = EQUALITY_BEHIND.exec(text.slice(Math.max(0, operatorEnd - 3), operatorEnd));
  if (!behind) return undefined;
  const close = skipBlanksBack(text, operatorEnd - behind[0].length) - 1;
  const quote = text[close];
  if (close < 1 || !isQuote(quote ?? '')) return undefined;
  const limit = Math.max(0, close - MAX_VALUE);
  for (let i = close - 1; i >= limit; i--) {
    if (text[i] === '\n' || text[i] === '\r') return undefined;
    if (text[i] === quote && text[i - 1] !== '\\') return i + 1 < close ? { valueStart: i + 1, valueEnd: close } : undefined;
  }
  return undefined;
}

/** `Bearer `, `Basic `, `Token `, `Bot ` before a credential. */
const AUTH_SCHEME_AHEAD = /^(?:Bearer|Basic|Token|Bot)[ \t]+[^\s'"`]/i;

/** Options of commands that take `NAME=VALUE` (Helm's `--set`, Docker's `-e` and `--build-arg`). */
const SETTER_OPTION = /(?:^|[\s'"])(?:--set(?:-string)?|--build-arg|--env|-e)[ \t]+$/;

/**
 * Where the value of a command-line argument named by `[start, end)` begins: after `--name=` or
 * `--name ` (a value, not another option), or after `NAME=` following a setter option. -1 otherwise.
 */
function shellArgumentValue(text: string, start: number, end: number): number {
  const flag = text[start - 1] === '-' && text[start - 2] === '-' && (start < 3 || /[\s'"`(]/.test(text[start - 3]));
  if (flag) {
    if (text[end] === '=') return end + 1;
    if (text[end] !== ' ') return -1;
    const at = skipBlanks(text, end);
    return at < text.length && !/[-\s\\|&;<>]/.test(text[at]) ? at : -1;
  }
  if (text[end] !== '=' || text[end + 1] === '=') return -1;
  return SETTER_OPTION.test(text.slice(Math.max(0, start - 24), start)) ? end + 1 : -1;
}

/**
 * The default of a parameter expansion whose name ends at `at`: `${NAME:-default}` and `${NAME:=default}`
 * (with or without the colon), on one line, quotes around it dropped. Undefined for the other forms
 * (`${NAME:?message}`, `${NAME:+alternate}`, `${NAME}`) and for an empty default.
 */
function readParameterDefault(text: string, at: number): { valueStart: number; valueEnd: number; quoted: boolean } | undefined {
  const operator = /^:?[-=]/.exec(text.slice(at, at + 2));
  if (!operator) return undefined;
  let start = at + operator[0].length;
  const limit = Math.min(text.length, start + MAX_VALUE);
  let end = start;
  while (end < limit && text[end] !== '}' && text[end] !== '\n' && text[end] !== '\r') end++;
  if (text[end] !== '}') return undefined;
  if (end - start >= 2 && isQuote(text[start]) && text[end - 1] === text[start]) {
    start++;
    end--;
  }
  return end > start ? { valueStart: start, valueEnd: end, quoted: true } : undefined;
}

/** One shell word: a quoted string on one line, or unquoted text up to a blank, quote or operator. */
function readShellWord(text: string, at: number): { valueStart: number; valueEnd: number; quoted: boolean } | undefined {
  const open = text[at];
  if (open === undefined) return undefined;
  const limit = Math.min(text.length, at + MAX_VALUE);
  if (isQuote(open)) {
    for (let i = at + 1; i < limit; i++) {
      if (text[i] === open) return i > at + 1 ? { valueStart: at + 1, valueEnd: i, quoted: true } : undefined;
      if (text[i] === '\n' || text[i] === '\r') return undefined;
    }
    return undefined;
  }
  let end = at;
  while (end < limit && !/[\s'"`\\;&|<>),]/.test(text[end])) end++;
  return end > at ? { valueStart: at, valueEnd: end, quoted: false } : undefined;
}

/** Reads a quoted string (on one line) or, where the file allows, an unquoted single-word value. */
function readValue(text: string, at: number, file: FileKind): { valueStart: number; valueEnd: number; quoted: boolean } | undefined {
  // Python string prefixes (`r"…"`, `b'…'`, `rb"…"`) and Objective-C's `@"…"`.
  const prefix = /^(?:[rRbBuUfF]{1,2}(?=["'])|@(?="))/.exec(text.slice(at, at + 3));
  if (prefix && !file.unquotedValues) at += prefix[0].length;
  const open = text[at];
  if (open === undefined || (open === "'" && file.charConstants)) return undefined;
  if (isQuote(open)) {
    // Python's triple quotes and empty strings hold no single-line secret.
    if (text[at + 1] === open) return undefined;
    const limit = Math.min(text.length, at + 1 + MAX_VALUE);
    for (let i = at + 1; i < limit; i++) {
      const char = text[i];
      if (char === '\\') {
        i++;
        continue;
      }
      if (char === open) return { valueStart: at + 1, valueEnd: i, quoted: true };
      if (char === '\n' || char === '\r') return undefined;
    }
    return undefined;
  }
  if (!file.unquotedValues) return bare(readBareWord(text, at));
  // YAML block scalars, anchors, aliases, tags and flow collections are not single literal values.
  if (/[|>&*!{[#\n\r]/.test(open)) return undefined;
  const limit = Math.min(text.length, at + MAX_VALUE);
  let end = at;
  while (end < limit && !/[\s'"`]/.test(text[end])) end++;
  if (file.yaml) while (end > at && text[end - 1] === ',') end--;
  // A value followed by more words on its line is prose, not a credential.
  const after = skipBlanks(text, end);
  if (after < text.length && text[after] !== '\n' && text[after] !== '\r' && text[after] !== '#') return undefined;
  return end > at ? { valueStart: at, valueEnd: end, quoted: false } : undefined;
}

/** Marks a value read where only a vendor-named shape may be judged. */
function bare(value: { valueStart: number; valueEnd: number; quoted: boolean } | undefined): { valueStart: number; valueEnd: number; quoted: boolean; bareInCode: true } | undefined {
  // Written out: V8 copies `{ ...value, bareInCode: true }` slowly, and this runs for most keyword hits in code.
  return value ? { valueStart: value.valueStart, valueEnd: value.valueEnd, quoted: value.quoted, bareInCode: true } : undefined;
}

/** An unquoted token-shaped word in code, ending at a blank, line end, `;`, `,`, `)` or `}`. */
function readBareWord(text: string, at: number): { valueStart: number; valueEnd: number; quoted: boolean } | undefined {
  const limit = Math.min(text.length, at + MAX_VALUE);
  let end = at;
  while (end < limit && /[A-Za-z0-9_+/=-]/.test(text[end])) end++;
  if (end === at || (end < text.length && !/[\s;,)}]/.test(text[end]))) return undefined;
  return { valueStart: at, valueEnd: end, quoted: false };
}

/** True when the name starting at `at` opens a string or follows an escaped newline or tab in one. */
function startsString(text: string, at: number): boolean {
  const before = text[at - 1];
  if (before === '"' || before === "'" || before === '`') return true;
  return text[at - 2] === '\\' && (before === 'n' || before === 't');
}

/** An unquoted value inside a string: up to a quote, a backslash escape, a blank, `;` or `&`. */
function readEmbeddedValue(text: string, at: number): { valueStart: number; valueEnd: number; quoted: boolean } | undefined {
  const limit = Math.min(text.length, at + MAX_VALUE);
  let end = at;
  while (end < limit && !/[\s'"`\\;&]/.test(text[end])) end++;
  return end > at ? { valueStart: at, valueEnd: end, quoted: true } : undefined;
}

/** The text of `<name>value</name>` after the opening tag, when it is one word on its own. */
function readElementValue(text: string, at: number, name: string): { valueStart: number; valueEnd: number; quoted: boolean } | undefined {
  const gapLimit = Math.min(text.length, at + MAX_GAP);
  let start = at;
  while (start < gapLimit && /\s/.test(text[start])) start++;
  const limit = Math.min(text.length, start + MAX_VALUE);
  let end = start;
  while (end < limit && !/[\s<>]/.test(text[end])) end++;
  if (end === start) return undefined;
  let close = end;
  while (close < end + MAX_GAP && close < text.length && /\s/.test(text[close])) close++;
  if (!text.startsWith(`</${name}>`, close)) return undefined;
  return { valueStart: start, valueEnd: end, quoted: true };
}

/**
 * The name a value starting at `valueAt` is assigned to, read backwards: `apiKey = "…"` →
 * `apiKey`; `"password": "…"` → `password`; `DB_URL=…` → `DB_URL`. Undefined when the value is
 * not directly assigned (a call argument, part of a larger string).
 */
export function nameBefore(text: string, valueAt: number, file: FileKind): string | undefined {
  let at = valueAt;
  if (at > 0 && isQuote(text[at - 1])) {
    at--;
    // Python string prefixes: `r"…"`, `rb'…'`.
    let prefixStart = at;
    while (prefixStart > 0 && at - prefixStart < 2 && /[rRbBuUfF]/.test(text[prefixStart - 1])) prefixStart--;
    if (prefixStart < at && !isNameCode(text.charCodeAt(prefixStart - 1))) at = prefixStart;
  }
  at = skipBlanksBack(text, at);
  const before = text[at - 1];
  if (before === '=' || before === ':' || (before === ',' && file.pairsByComma)) {
    at--;
    // `:=`, `::=`, `:::=`, `?=`, `+=`, `.=`, `||=`, `??=`.
    if (before === '=') while (at > 0 && valueAt - at < 6 && /[:?+.|]/.test(text[at - 1])) at--;
  } else if (before === '>' && text[at - 2] === '=') {
    at -= 2;
  } else return undefined;
  for (let attempts = 0; attempts < 2; attempts++) {
    at = skipBlanksBack(text, at);
    let quoted = false;
    if (text[at - 1] === ']') at--;
    if (at > 0 && isQuote(text[at - 1])) {
      quoted = true;
      at--;
    }
    if (before === ',' && !quoted) return undefined;
    let start = at;
    const limit = Math.max(0, at - MAX_NAME);
    while (start > limit && isNameCode(text.charCodeAt(start - 1))) start--;
    const name = text.slice(start, at);
    if (!name) return undefined;
    // `apiKey: string = "…"`: step over the annotation to the name.
    const beforeName = skipBlanksBack(text, start);
    if (ANNOTATION_TYPES.has(name) && text[beforeName - 1] === ':') {
      at = beforeName - 1;
      continue;
    }
    const trimmed = expandName(text, start, at);
    return trimmed.end > trimmed.start ? text.slice(trimmed.start, trimmed.end) : undefined;
  }
  return undefined;
}
