/**
 * Tells hand typing from other edits in a document change, for practice accounting. No `vscode`
 * import: the extension passes the change's `contentChanges` and whether it was an undo or redo.
 *
 * Typing is one small edit at one cursor: a character, a character with its auto-inserted closing
 * partner, a line break with the indentation the editor adds, a short run of indentation (Tab),
 * or a deletion. Anything larger (an accepted completion, a paste, a refactoring, a format, several
 * cursors at once) still shows presence and touches the file, but adds no typed characters: those
 * are the user's own keystrokes only.
 */

/** The parts of a `TextDocumentContentChangeEvent` that matter here. */
export interface ContentChangeLike {
  text: string;
  rangeLength: number;
}

/** What a document change means for the tally. */
export interface ChangeClassification {
  kind: 'typing' | 'edit';
  /** Characters typed by hand (line breaks excluded). */
  chars: number;
  /** Line breaks typed by hand. */
  lines: number;
}

/** Closing partners the editor inserts after the user types the opening character. */
const AUTO_CLOSED_PAIRS = new Set(['()', '[]', '{}', '""', "''", '``', '<>']);
/** One Enter, with the indentation the editor adds (twice when Enter splits a bracket pair). */
const LINE_BREAK = /^(?:\r?\n[ \t]*){1,2}$/;
/** One Tab press inserts at most this much indentation. */
const MAX_INDENT_RUN = 8;

/**
 * Classifies one document change. Returns undefined when nothing changed (VS Code also fires for
 * dirty-state changes with no content changes).
 */
export function classifyDocumentChange(changes: readonly ContentChangeLike[], isUndoOrRedo: boolean): ChangeClassification | undefined {
  if (changes.length === 0) return undefined;
  const edit: ChangeClassification = { kind: 'edit', chars: 0, lines: 0 };
  if (isUndoOrRedo || changes.length !== 1) return edit;
  const { text } = changes[0];
  if (text === '') return { kind: 'typing', chars: 0, lines: 0 };
  if (LINE_BREAK.test(text)) return { kind: 'typing', chars: 0, lines: 1 };
  if (text.length === 1) return { kind: 'typing', chars: 1, lines: 0 };
  if (text.length === 2 && AUTO_CLOSED_PAIRS.has(text)) return { kind: 'typing', chars: 1, lines: 0 };
  if (text.length <= MAX_INDENT_RUN && /^[ \t]+$/.test(text)) return { kind: 'typing', chars: 1, lines: 0 };
  return edit;
}
