import type { TextFix } from '../../check/findings';
import type { EnvReadStyle, FileKind } from './file-kind';
import { envVarName } from './names';

/** Title of the fix, shared with tests and docs. */
export const ENV_READ_FIX_TITLE = 'Replace with an environment variable read';

/** What the fix needs to know about one secret. */
export interface EnvReadTarget {
  /** The text an environment read replaces (a token, or a whole connection string). */
  unitStart: number;
  unitEnd: number;
  /** The name the value is assigned to, if any. */
  name?: string;
  /** Env variable to read when the name gives none. */
  defaultEnvName: string;
}

/**
 * The environment variable a fix reads: from the assigned name (`apiKey` → `API_KEY`; the last
 * segment of `this.config.apiKey` in code, the whole dotted key in .properties so that Spring's
 * relaxed binding maps it), else the format's usual variable (`GITHUB_TOKEN`), else `SECRET`.
 */
export function envNameFor(target: EnvReadTarget, file: FileKind): string {
  if (target.name) {
    const source = file.dottedKeys ? target.name : target.name.slice(target.name.lastIndexOf('.') + 1);
    const derived = envVarName(source);
    if (derived) return derived;
  }
  return target.defaultEnvName || 'SECRET';
}

/**
 * A fix that replaces a hardcoded value with a read of the environment, or undefined where no
 * replacement is correct: the value is not a whole string literal, the file is JSON or .env (the
 * value's proper home), or the language has no env read we can write without knowing more.
 */
export function envReadFix(text: string, file: FileKind, target: EnvReadTarget): TextFix | undefined {
  const style = file.envRead;
  if (!style) return undefined;
  const envName = envNameFor(target, file);
  const edits = style === 'process-env' || style === 'python-environ'
    ? codeEdits(text, style, target, envName)
    : configEdits(text, style, target, envName);
  return edits ? { title: ENV_READ_FIX_TITLE, edits, preferred: true } : undefined;
}

type Edit = TextFix['edits'][number];

/** The string literal whose content is exactly the unit (allowing a trailing `\n` escape), as [open, close]. */
function enclosingLiteral(text: string, unitStart: number, unitEnd: number): { open: number; close: number } | undefined {
  const open = unitStart - 1;
  const quote = text[open];
  if (quote !== '"' && quote !== "'" && quote !== '`') return undefined;
  const tail = /^(?:\\r|\\n)*/.exec(text.slice(unitEnd, unitEnd + 16))?.[0] ?? '';
  const close = unitEnd + tail.length;
  return text[close] === quote ? { open, close } : undefined;
}

function codeEdits(text: string, style: 'process-env' | 'python-environ', target: EnvReadTarget, envName: string): Edit[] | undefined {
  const literal = enclosingLiteral(text, target.unitStart, target.unitEnd);
  if (!literal) return undefined;
  const unit = text.slice(target.unitStart, target.unitEnd);
  if (style === 'process-env') {
    if (text[literal.open] === '`' && (unit.includes('${') || /[\w$)\]]/.test(text[literal.open - 1] ?? ''))) return undefined;
    // A string used as an object key (`{ "…": 1 }`) cannot become an expression.
    const after = /^\s*(.)/.exec(text.slice(literal.close + 1, literal.close + 40))?.[1];
    const before = /(.)\s*$/.exec(text.slice(Math.max(0, literal.open - 40), literal.open))?.[1];
    if (after === ':' && (before === '{' || before === ',')) return undefined;
    const read = `process.env.${envName}`;
    return [{ start: literal.open, end: literal.close + 1, newText: isJsxAttributeValue(text, literal.open) ? `{${read}}` : read }];
  }
  // Python: string prefixes (r, u, f, b) belong to the literal; bytes would change type, so no fix.
  let start = literal.open;
  while (start > 0 && start > literal.open - 2 && /[rRuUfFbB]/.test(text[start - 1])) start--;
  if (/[bB]/.test(text.slice(start, literal.open))) return undefined;
  if (start > 0 && /[\w]/.test(text[start - 1])) return undefined;
  const edits: Edit[] = [{ start, end: literal.close + 1, newText: `os.environ["${envName}"]` }];
  const importEdit = pythonImportOs(text);
  if (importEdit) edits.unshift(importEdit);
  return edits;
}

/**
 * True when the literal at `open` is a JSX attribute value (`<Map apiKey="…" />`), where an
 * expression needs braces. Looks back over the attribute name and earlier attributes for a `<`
 * that opens a tag; stops at `;` or `>` (other than `=>`), which end a tag or a statement.
 */
function isJsxAttributeValue(text: string, open: number): boolean {
  if (text[open - 1] !== '=' || !/[\w-]/.test(text[open - 2] ?? '')) return false;
  const limit = Math.max(0, open - 1000);
  for (let i = open - 2; i > limit; i--) {
    const char = text[i];
    if (char === ';' || (char === '>' && text[i - 1] !== '=')) return false;
    if (char === '<' && /[A-Za-z]/.test(text[i + 1] ?? '')) return i === 0 || /[\s(=,?:&|[{]/.test(text[i - 1]);
  }
  return false;
}

/** An edit inserting `import os`, or undefined when the module already imports it. */
function pythonImportOs(text: string): Edit | undefined {
  if (/^import[ \t]+(?:[\w.]+[ \t]*,[ \t]*)*os[ \t]*(?:[,#;\r\n]|$)/m.test(text)) return undefined;
  // After the shebang, encoding line, comments, module docstring and `from __future__` imports.
  let offset = 0;
  let inDocstring: string | undefined;
  while (offset < text.length) {
    const lineEnd = text.indexOf('\n', offset);
    const next = lineEnd < 0 ? text.length : lineEnd + 1;
    const line = text.slice(offset, next).trim();
    if (inDocstring) {
      if (line.includes(inDocstring)) inDocstring = undefined;
    } else if (line.startsWith('"""') || line.startsWith("'''")) {
      const quote = line.slice(0, 3);
      if (!line.slice(3).includes(quote)) inDocstring = quote;
    } else if (!(line === '' || line.startsWith('#') || line.startsWith('from __future__'))) {
      break;
    }
    offset = next;
  }
  return { start: offset, end: offset, newText: 'import os\n' };
}

function configEdits(text: string, style: EnvReadStyle, target: EnvReadTarget, envName: string): Edit[] | undefined {
  const reference = style === 'actions-secret' ? `\${{ secrets.${envName} }}` : `\${${envName}}`;
  const quote = text[target.unitStart - 1];
  if (quote === '"' || quote === "'") {
    if (text[target.unitEnd] !== quote) return undefined;
  } else {
    // A plain value must stand alone: after `: `, `=` or `- `, and before the line end or a comment.
    const before = text[target.unitStart - 1];
    if (before !== ' ' && before !== '\t' && before !== '=' && before !== ':') return undefined;
    const rest = /^[ \t]*(?:#.*)?(?:\r?\n|$)/.test(text.slice(target.unitEnd, target.unitEnd + 200));
    if (!rest) return undefined;
  }
  return [{ start: target.unitStart, end: target.unitEnd, newText: reference }];
}
