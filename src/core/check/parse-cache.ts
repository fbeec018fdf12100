import { ts } from 'ts-morph';
import type { Point } from 'web-tree-sitter';
import { disposeDocument, type LanguageDocument, parseLanguageDocument } from '../languages/document';
import type { LanguageId } from '../languages/language';
import { parseTree } from '../languages/tree-sitter';

/**
 * One document's syntax tree, updated incrementally: after an edit, TypeScript's incremental
 * parser reuses every node outside the changed span, so a pull after a keystroke costs a fraction
 * of a full parse. Keep one per open document; never share the returned tree after the next call
 * (the incremental parser may reuse its nodes).
 */
export class ParseCache {
  private last: { text: string; kind: ts.ScriptKind; sourceFile: ts.SourceFile } | undefined;
  private lastDocument: { language: LanguageId; path: string; text: string; document: LanguageDocument } | undefined;

  /**
   * The document of `text` in one of the other languages: a tree-sitter tree is edited and
   * re-parsed incrementally; YAML and Dockerfiles are parsed again (they are cheap). The cache owns
   * what it returns: it is valid until the next call or {@link ParseCache.dispose}.
   */
  document(language: LanguageId, path: string, text: string): LanguageDocument {
    const last = this.lastDocument;
    if (last && last.language === language && last.path === path && last.text === text) return last.document;
    let document: LanguageDocument;
    if (last && last.language === language && last.path === path && 'tree' in last.document) {
      const span = changedSpan(last.text, text);
      const previous = last.document.tree;
      previous.edit({
        startIndex: span.start,
        oldEndIndex: span.oldEnd,
        newEndIndex: span.newEnd,
        startPosition: pointAt(last.text, span.start),
        oldEndPosition: pointAt(last.text, span.oldEnd),
        newEndPosition: pointAt(text, span.newEnd),
      });
      document = { language: last.document.language, tree: parseTree(last.document.language, text, previous), text };
    } else {
      document = parseLanguageDocument(language, text);
    }
    disposeDocument(last?.document);
    this.lastDocument = { language, path, text, document };
    return document;
  }

  /** Frees what the cache holds outside the JavaScript heap; call when the document closes. */
  dispose(): void {
    disposeDocument(this.lastDocument?.document);
    this.lastDocument = undefined;
    this.last = undefined;
  }

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
  const sourceFile = ts.createSourceFile(path, text, { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone }, false, kind);
  setParents(sourceFile);
  return sourceFile;
}

/**
 * Sets every node's `parent`, as `createSourceFile(…, setParentNodes: true)` does. TypeScript's own
 * pass gathers each node's children into a fresh array (reversed with `unshift`) and queues them:
 * a sixth of the parse of a check's files. This one pushes nodes on one stack (a tree as deep as a
 * chain of ten thousand `+` cannot overflow it, as the rules' walk cannot) and allocates nothing
 * per node. With JSDoc parsing off there are no JSDoc nodes to bind.
 */
function setParents(sourceFile: ts.SourceFile): void {
  const firstNodeKind = ts.SyntaxKind.FirstNode;
  const pending: ts.Node[] = [sourceFile];
  let parent: ts.Node = sourceFile;
  const bind = (child: ts.Node): undefined => {
    (child as { parent: ts.Node }).parent = parent;
    // Tokens (keywords, punctuation) have no children.
    if (child.kind >= firstNodeKind) pending.push(child);
    return undefined;
  };
  while (pending.length > 0) {
    parent = pending.pop()!;
    ts.forEachChild(parent, bind);
  }
}

/** The span of `before` that changed, and the length of its replacement in `after` (common prefix and suffix trimmed). */
export function changeRange(before: string, after: string): ts.TextChangeRange {
  const span = changedSpan(before, after);
  return ts.createTextChangeRange(ts.createTextSpan(span.start, span.oldEnd - span.start), span.newEnd - span.start);
}

/** Where `before` and `after` differ: `[start, oldEnd)` of `before` became `[start, newEnd)` of `after`. */
export function changedSpan(before: string, after: string): { start: number; oldEnd: number; newEnd: number } {
  const max = Math.min(before.length, after.length);
  const beforeLength = before.length;
  const afterLength = after.length;
  // Whole chunks first (V8 compares two slices as memory), then character by character: a
  // keystroke in a 200 KB file costs 0.02 ms instead of 0.5 ms.
  let start = 0;
  while (start + SPAN_CHUNK <= max && before.slice(start, start + SPAN_CHUNK) === after.slice(start, start + SPAN_CHUNK)) start += SPAN_CHUNK;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let suffix = 0;
  while (suffix + SPAN_CHUNK <= max - start && before.slice(beforeLength - suffix - SPAN_CHUNK, beforeLength - suffix) === after.slice(afterLength - suffix - SPAN_CHUNK, afterLength - suffix)) {
    suffix += SPAN_CHUNK;
  }
  while (suffix < max - start && before.charCodeAt(beforeLength - 1 - suffix) === after.charCodeAt(afterLength - 1 - suffix)) suffix++;
  return { start, oldEnd: beforeLength - suffix, newEnd: afterLength - suffix };
}

/** Characters {@link changedSpan} compares at once before it goes character by character. */
const SPAN_CHUNK = 1024;

/** Tree-sitter's point (row, column in UTF-16 units, as web-tree-sitter counts) of an offset. */
function pointAt(text: string, offset: number): Point {
  let row = 0;
  let lineStart = 0;
  for (let index = text.indexOf('\n'); index >= 0 && index < offset; index = text.indexOf('\n', index + 1)) {
    row++;
    lineStart = index + 1;
  }
  return { row, column: offset - lineStart };
}
