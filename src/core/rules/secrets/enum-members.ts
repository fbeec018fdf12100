import { indentOf } from '../../text/spelling';

/**
 * Members of an enumeration: a Python `class Name(str, Enum)` body, a TypeScript `enum Name { … }`.
 * Generated API clients list what a field may hold there (the Azure SDK's `PasswordName`, whose
 * member `PASSWORD2` holds the word password2), and a member whose value spells its name is a
 * label, not a password.
 */

/** A class deriving from an enumeration type (`Enum`, `IntEnum`, `StrEnum`, `CaseInsensitiveEnumMeta`…, `Flag`). */
const PYTHON_ENUM_CLASS = /^[ \t]*class[ \t]+\w+[ \t]*\([^\n]*\b(?:\w*Enum\w*|\w*Flag)\b/;
/** `enum Name {`, `export const enum Name`, `declare enum Name`. */
const TYPESCRIPT_ENUM = /^[ \t]*(?:export[ \t]+)?(?:declare[ \t]+)?(?:const[ \t]+)?enum[ \t]+\w+/;
/** How far up the header is looked for: an enumeration's members are short lines. */
const MAX_LOOKBACK_CHARS = 16 * 1024;

/**
 * True when the line holding offset `at` is indented under an enumeration's header: the nearest line
 * above it with less indentation opens a Python enumeration class or a TypeScript `enum`.
 */
export function inEnumeration(text: string, at: number): boolean {
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const indent = indentOf(text.slice(lineStart, at));
  if (indent === 0) return false;
  const limit = Math.max(0, lineStart - MAX_LOOKBACK_CHARS);
  for (let end = lineStart - 1; end > limit; ) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const line = text.slice(start, end);
    if (line.trim() !== '' && indentOf(line) < indent) return PYTHON_ENUM_CLASS.test(line) || TYPESCRIPT_ENUM.test(line);
    end = start - 1;
  }
  return false;
}
