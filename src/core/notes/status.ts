import { unifiedDiff } from '../text/diff';
import { blockContentHash, normalizeBlockText } from './content-hash';
import { type NoteQuestionRef, type ParsedNote, parseNote, updateNoteText } from './note-file';
import { checkNoteQuality, type NoteQualityInput, type NoteQualityResult } from './quality';

/**
 * Where a block stands with its note:
 * - `none`: no note file;
 * - `draft`: a note exists but fails the checks;
 * - `explained`: the note passes the checks and matches the block's current code;
 * - `stale`: the block changed since the note was written or last reviewed.
 */
export type NoteStatusKind = 'none' | 'draft' | 'explained' | 'stale';

/** A block's note status with what explains it. */
export interface NoteStatus {
  kind: NoteStatusKind;
  /** The parsed note, when there is one. */
  note?: ParsedNote;
  /** The checks' outcome, when there is a note (a stale note is checked too, against the current code). */
  quality?: NoteQualityResult;
  /** For `stale`: unified diff from the code recorded in the note to the current code. */
  diff?: string;
}

/**
 * The note status of a block. `noteText` is the note file's content (undefined when there is none);
 * staleness compares {@link blockContentHash} of the current code with the note's `contentHash`,
 * and wins over the checks: a note about different code cannot explain this code.
 */
export function noteStatus(noteText: string | undefined, input: NoteQualityInput): NoteStatus {
  if (noteText === undefined) return { kind: 'none' };
  const note = parseNote(noteText);
  const quality = checkNoteQuality(noteText, input, note);
  if (note.frontMatter && note.frontMatter.contentHash !== blockContentHash(input.blockText)) {
    const recorded = note.code?.text ?? '';
    return { kind: 'stale', note, quality, diff: unifiedDiff(recorded, normalizeBlockText(input.blockText)) };
  }
  return { kind: quality.passes ? 'explained' : 'draft', note, quality };
}

/** Inputs for {@link markNoteReviewed}. */
export interface MarkReviewedInput {
  /** The block's current text. */
  blockText: string;
  /** The block's current questions: ones the note does not have yet are added as headings to answer. */
  questions?: readonly NoteQuestionRef[];
  now?: Date;
}

/**
 * "Mark as reviewed, note still true": the new note text with `contentHash`, the recorded code and
 * `reviewedAt` set to the current block, everything the writer wrote left as is. `updatedAt` is
 * kept: it records when the answers were last written. Throws when the note has no valid front matter.
 */
export function markNoteReviewed(noteText: string, input: MarkReviewedInput): string {
  return updateNoteText(noteText, {
    frontMatter: { contentHash: blockContentHash(input.blockText), reviewedAt: (input.now ?? new Date()).toISOString() },
    code: input.blockText,
    questions: input.questions,
  });
}
