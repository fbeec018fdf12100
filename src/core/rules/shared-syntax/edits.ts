import { ts } from 'ts-morph';
import type { TextFix } from '../../check/findings';

/** One replacement, by offsets of the checked text (the shape `TextFix.edits` holds). */
export type TextEdit = TextFix['edits'][number];

/**
 * An edit that adds `propertyText` (e.g. `timeout: 10_000`) as the last property of an object literal,
 * keeping its layout: on a new line with the last property's indentation when the literal spans lines,
 * inline otherwise; a trailing comma stays trailing.
 */
export function insertPropertyEdit(objectLiteral: ts.ObjectLiteralExpression, propertyText: string, sourceFile: ts.SourceFile): TextEdit {
  const text = sourceFile.text;
  const properties = objectLiteral.properties;
  if (properties.length === 0) {
    return { start: objectLiteral.getStart(sourceFile), end: objectLiteral.getEnd(), newText: `{ ${propertyText} }` };
  }
  const last = properties[properties.length - 1];
  const closeBrace = objectLiteral.getEnd() - 1;
  const commaAt = properties.hasTrailingComma ? nextCodeCharacter(text, last.getEnd()) : -1;
  const multiline = lineOf(sourceFile, last.getStart(sourceFile)) !== lineOf(sourceFile, closeBrace);
  if (multiline) {
    const indent = indentationAt(text, last.getStart(sourceFile));
    if (commaAt >= 0) {
      return { start: lineEndAt(text, commaAt), end: lineEndAt(text, commaAt), newText: `\n${indent}${propertyText},` };
    }
    return { start: last.getEnd(), end: last.getEnd(), newText: `,\n${indent}${propertyText}` };
  }
  if (commaAt >= 0) return { start: commaAt + 1, end: commaAt + 1, newText: ` ${propertyText},` };
  return { start: last.getEnd(), end: last.getEnd(), newText: `, ${propertyText}` };
}

/**
 * An edit that makes `argumentText` the call's argument at `index`, padding skipped positions with
 * `undefined` (`axios.post(url)` → `axios.post(url, undefined, { timeout })`). Undefined when the call
 * already has an argument there.
 */
export function addArgumentEdit(call: ts.CallExpression, index: number, argumentText: string): TextEdit | undefined {
  const count = call.arguments.length;
  if (count > index) return undefined;
  const padding = Array.from({ length: index - count }, () => 'undefined');
  if (count === 0) {
    const newText = [...padding, argumentText].join(', ');
    return { start: call.arguments.pos, end: call.arguments.pos, newText };
  }
  const end = call.arguments[count - 1].getEnd();
  return { start: end, end, newText: [...padding, argumentText].map((part) => `, ${part}`).join('') };
}

/** Milliseconds as a readable literal: `10000` → `10_000`. */
export function millisecondsLiteral(milliseconds: number): string {
  if (!Number.isInteger(milliseconds) || milliseconds < 10_000) return String(milliseconds);
  return String(milliseconds).replace(/\B(?=(\d{3})+$)/g, '_');
}

/** Applies edits (non-overlapping, any order) to `text`; used by tests and by callers previewing a fix. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const ordered = [...edits].sort((a, b) => b.start - a.start);
  let result = text;
  for (const edit of ordered) result = result.slice(0, edit.start) + edit.newText + result.slice(edit.end);
  return result;
}

function lineOf(sourceFile: ts.SourceFile, offset: number): number {
  return sourceFile.getLineAndCharacterOfPosition(offset).line;
}

function indentationAt(text: string, offset: number): string {
  let lineStart = offset;
  while (lineStart > 0 && text[lineStart - 1] !== '\n' && text[lineStart - 1] !== '\r') lineStart--;
  let end = lineStart;
  while (end < offset && (text[end] === ' ' || text[end] === '\t')) end++;
  return text.slice(lineStart, end);
}

function lineEndAt(text: string, offset: number): number {
  let end = offset;
  while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
  return end;
}

/** Offset of the first character after `offset` that is neither whitespace nor inside a comment. */
function nextCodeCharacter(text: string, offset: number): number {
  let index = offset;
  while (index < text.length) {
    const char = text[index];
    if (char === ' ' || char === '\t' || char === '\n' || char === '\r') index++;
    else if (text.startsWith('//', index)) index = lineEndAt(text, index);
    else if (text.startsWith('/*', index)) {
      const close = text.indexOf('*/', index + 2);
      index = close < 0 ? text.length : close + 2;
    } else return index;
  }
  return -1;
}
