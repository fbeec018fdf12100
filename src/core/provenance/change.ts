/**
 * How one incremental text change (LSP / VS Code `contentChanges` shape) acts on whole lines.
 * The tracker and the tests share this single definition of which lines survive an edit.
 */

/** A zero-based position; `character` counts UTF-16 code units, as in LSP. */
export interface ChangePosition {
  line: number;
  character: number;
}

/** One incremental change: `range` of the document as it is before this change is replaced by `text`. */
export interface TextChange {
  range: { start: ChangePosition; end: ChangePosition };
  text: string;
}

/**
 * The effect of a change on lines, all 0-based, in the coordinates before the change:
 * lines `< deletedFrom` stay where they are; lines in `[deletedFrom, deletedTo]` are gone (none when
 * `deletedFrom > deletedTo`); lines `> deletedTo` move by `shift`. The touched lines survive but
 * their text changed. `insertedCount` new lines appear from `insertedAt` (a line number after the
 * change).
 */
export interface LineEffect {
  deletedFrom: number;
  deletedTo: number;
  shift: number;
  /** The touched line (before the change), or -1. */
  touchedFirst: number;
  /** A second touched line (before the change), or -1. */
  touchedSecond: number;
  insertedAt: number;
  insertedCount: number;
}

/** Number of line breaks in `text` (`\r\n`, `\n` and a lone `\r` each count once). */
export function countLineBreaks(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 10) count++;
    else if (code === 13) {
      count++;
      if (text.charCodeAt(i + 1) === 10) i++;
    }
  }
  return count;
}

function endsWithLineBreak(text: string): boolean {
  const last = text.charCodeAt(text.length - 1);
  return last === 10 || last === 13;
}

function startsWithLineBreak(text: string): boolean {
  const first = text.charCodeAt(0);
  return first === 10 || first === 13;
}

/**
 * Decides which lines a change deletes, touches, inserts and shifts. Line identity follows what a
 * reader sees, without needing the document's text:
 * - Whole lines replaced at column 0 (`start.character === 0`, `end.character === 0`, and the text
 *   empty or ending in a line break): lines `[start.line, end.line)` are deleted, the new lines are
 *   inserted in their place, and line `end.line` is untouched. So lines typed or pasted at column 0
 *   of a line go above it, and deleting whole lines touches nothing else.
 * - A line break typed after column 0 at the start of the inserted text (Enter at the end of a line,
 *   with or without auto-indent): the line is untouched and the new lines go below it. The tracker
 *   cannot see line lengths, so Enter in the middle of a line is treated the same way.
 * - Its mirror, a deletion from after column 0 to column 0 of a later line (Delete at the end of a
 *   line, Backspace at the start of the next): the later lines are deleted and the first line is
 *   untouched. Deleting blank lines under a block thus leaves it unmodified; deleting from the
 *   middle of a line to the start of the next one is, unseen, treated the same way.
 * - Anything else: the first line keeps its identity with changed text; when the range spans
 *   several lines and the text has line breaks, the last line keeps its identity too (its tail
 *   survives on the last new line); lines in between are deleted; other new lines are inserted.
 * Returns undefined for a change that does nothing (empty range, empty text).
 */
export function lineEffectOf(change: TextChange): LineEffect | undefined {
  const { start, end } = change.range;
  const startLine = start.line;
  const endLine = end.line;
  const text = change.text;
  if (startLine === endLine && start.character === end.character && text.length === 0) return undefined;
  const breaks = countLineBreaks(text);

  if (start.character === 0 && end.character === 0 && (text.length === 0 || endsWithLineBreak(text)) && (endLine > startLine || breaks > 0)) {
    return {
      deletedFrom: startLine,
      deletedTo: endLine - 1,
      shift: breaks - (endLine - startLine),
      touchedFirst: -1,
      touchedSecond: -1,
      insertedAt: startLine,
      insertedCount: breaks,
    };
  }
  const isInsertion = startLine === endLine && start.character === end.character;
  if (isInsertion && breaks > 0 && start.character > 0 && startsWithLineBreak(text)) {
    return {
      deletedFrom: startLine + 1,
      deletedTo: startLine,
      shift: breaks,
      touchedFirst: -1,
      touchedSecond: -1,
      insertedAt: startLine + 1,
      insertedCount: breaks,
    };
  }
  if (endLine > startLine && text.length === 0 && start.character > 0 && end.character === 0) {
    return {
      deletedFrom: startLine + 1,
      deletedTo: endLine,
      shift: startLine - endLine,
      touchedFirst: -1,
      touchedSecond: -1,
      insertedAt: startLine + 1,
      insertedCount: 0,
    };
  }
  if (endLine > startLine && breaks > 0) {
    return {
      deletedFrom: startLine + 1,
      deletedTo: endLine - 1,
      shift: breaks - (endLine - startLine),
      touchedFirst: startLine,
      touchedSecond: endLine,
      insertedAt: startLine + 1,
      insertedCount: breaks - 1,
    };
  }
  // Same line with new line breaks, or several lines joined into one.
  return {
    deletedFrom: startLine + 1,
    deletedTo: endLine,
    shift: breaks - (endLine - startLine),
    touchedFirst: startLine,
    touchedSecond: -1,
    insertedAt: startLine + 1,
    insertedCount: breaks,
  };
}
