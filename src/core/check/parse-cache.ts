import { ts } from 'ts-morph';

/**
 * One document's syntax tree, updated incrementally: after an edit, TypeScript's incremental
 * parser reuses every node outside the changed span, so a pull after a keystroke costs a fraction
 * of a full parse. Keep one per open document; never share the returned tree after the next call
 * (the incremental parser may reuse its nodes).
 */
export class ParseCache {
  private last: { text: string; kind: ts.ScriptKind; sourceFile: ts.SourceFile } | undefined;

  /** The tree of `text`, reusing the previous one when there is one. */
  parse(path: string, text: string, kind: ts.ScriptKind): ts.SourceFile {
    const last = this.last;
    let sourceFile: ts.SourceFile;
    if (last && last.kind === kind && last.sourceFile.fileName === path) {
      if (last.text === text) return last.sourceFile;
      sourceFile = ts.updateSourceFile(last.sourceFile, text, changeRange(last.text, text));
    } else {
      sourceFile = parseForRules(path, text, kind);
    }
    this.last = { text, kind, sourceFile };
    return sourceFile;
  }
}

/**
 * The tree the syntax rules walk. JSDoc comments are not parsed into nodes: no rule reads them (a
 * comment's words are read from the text), and in JavaScript, where TypeScript parses every JSDoc
 * comment for its types, they cost a tenth of the parse and of its memory.
 */
export function parseForRules(path: string, text: string, kind: ts.ScriptKind): ts.SourceFile {
  return ts.createSourceFile(path, text, { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone }, true, kind);
}

/** The span of `before` that changed, and the length of its replacement in `after` (common prefix and suffix trimmed). */
export function changeRange(before: string, after: string): ts.TextChangeRange {
  const max = Math.min(before.length, after.length);
  let start = 0;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let suffix = 0;
  while (suffix < max - start && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  return ts.createTextChangeRange(ts.createTextSpan(start, before.length - suffix - start), after.length - suffix - start);
}
