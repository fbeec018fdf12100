/**
 * Reviewing a stale note ("the block changed: is the note still true?"). A one-click rubber stamp
 * would keep an answer on record that the code now contradicts ("Nothing bounds the loop" after a
 * retry bound was added), so a review says which answers the change touched:
 * - answers the tool can prove wrong or incomplete against the current code (a `wrong-fact` or
 *   `missing-fact` problem): they must be edited before the note can be marked reviewed;
 * - answers to block questions whose construct changed or went away (their question id is not among
 *   the block's current questions): the reviewer confirms each is still true, with the diff beside.
 */
import type { BlockNoteState } from './assess';
import { normalizeBlockText } from './content-hash';
import { type NoteAnswer, normalizeHeading } from './note-file';

/** One answer a review of a stale note has to look at. */
export interface ReviewItem {
  /** The question or section title. */
  label: string;
  /** The answer as written (prose, trimmed). */
  answer: string;
  /** Why it needs a look, in plain words. */
  reason: string;
  /** True when the tool shows the answer is wrong or incomplete now: it must be edited first. */
  mustEdit: boolean;
  questionId?: string;
  sectionId?: string;
}

/** What a review of a stale note shows: the change, and the answers it touches. */
export interface NoteReview {
  /** Unified diff from the code recorded in the note to the block's current code. */
  diff: string;
  /** The code recorded in the note, and the block's code now (normalised), for a side-by-side diff. */
  recordedCode: string;
  currentCode: string;
  items: ReviewItem[];
}

/** Problem codes that make an answer wrong against the current code (not just a matter of judgement). */
const MUST_EDIT_CODES: ReadonlySet<string> = new Set(['wrong-fact', 'missing-fact']);

/**
 * The review of a block's note, or undefined when the note is not stale (nothing to review).
 * Items that must be edited come first.
 */
export function reviewOfNote(state: BlockNoteState): NoteReview | undefined {
  const { status } = state;
  if (status.kind !== 'stale' || !status.note) return undefined;
  const note = status.note;
  const items: ReviewItem[] = [];
  const questionTitle = (id: string): string => note.frontMatter?.questions.find((question) => question.id === id)?.text ?? id;
  const titleOf = (id: string): string | undefined => state.questions.find((question) => question.id === id)?.text;
  const answerOf = (ids: { questionId?: string; sectionId?: string }): NoteAnswer | undefined => {
    if (ids.sectionId !== undefined) return note.sections.get(ids.sectionId as never);
    if (ids.questionId === undefined) return undefined;
    const title = titleOf(ids.questionId);
    return note.questions.get(ids.questionId) ?? [...note.questions.values()].find((answer) => title !== undefined && normalizeHeading(answer.heading) === normalizeHeading(title));
  };

  for (const problem of status.quality?.problems ?? []) {
    if (!MUST_EDIT_CODES.has(problem.code)) continue;
    const answer = answerOf(problem);
    items.push({
      label: problem.questionId !== undefined ? (titleOf(problem.questionId) ?? questionTitle(problem.questionId)) : (answer?.heading ?? 'The note'),
      answer: answer?.text ?? '',
      reason: problem.message,
      mustEdit: true,
      ...(problem.questionId !== undefined ? { questionId: problem.questionId } : {}),
      ...(problem.sectionId !== undefined ? { sectionId: problem.sectionId } : {}),
    });
  }

  const current = new Set(state.questions.map((question) => question.id));
  // A question that reads the same after its construct changed is checked under its new id: its
  // answer is the same text, so it is listed once.
  const flaggedAnswers = new Set(items.map((item) => item.answer));
  for (const recorded of note.frontMatter?.questions ?? []) {
    if (current.has(recorded.id)) continue;
    const answer = note.questions.get(recorded.id);
    if (!answer || answer.text === '' || flaggedAnswers.has(answer.text)) continue;
    items.push({
      label: recorded.text,
      answer: answer.text,
      reason: 'The code this answer is about changed or is gone.',
      mustEdit: false,
      questionId: recorded.id,
    });
  }
  return { diff: status.diff ?? '', recordedCode: note.code?.text ?? '', currentCode: normalizeBlockText(state.blockText), items };
}
