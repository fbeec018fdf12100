/**
 * The text of a new comprehension note, for the editor's "Explain this AI block" and for
 * `comprehension note FILE:LINE`: one implementation, so both write the same bytes.
 *
 * This module loads the TypeScript parser (block questions use ts-morph); the extension imports it
 * dynamically, when a note is written, to keep it off the activation path.
 */
import type { Policy } from '../policy/policy';
import type { Block } from '../provenance/block';
import { LineIndex } from '../text/line-index';
import { blockTextOf } from './content-hash';
import { type NoteQuestionRef, renderNewNote } from './note-file';
import { blockQuestions } from './questions';
import { noteRequirement, sectionsForNote } from './template';

/** Inputs of {@link newNoteText}. */
export interface NewNoteTextInput {
  /** Workspace-relative POSIX path of the block's file. */
  path: string;
  /** The file's current text. */
  text: string;
  block: Block;
  policy: Policy;
  /** Whether `path` matches one of the policy's critical paths. */
  inCriticalPath: boolean;
  /** `Name <email>` of the writer (see `readGitAuthor`), when known. */
  author?: string;
  /** The note's `createdAt` and `updatedAt` (default: now). */
  now?: Date;
  /** Told when the block's questions cannot be computed; the note is then written without them. */
  onQuestionsError?: (error: Error) => void;
}

/** A new note for `block`: the sections the policy asks for, the block's own questions, hints under each heading. */
export function newNoteText(input: NewNoteTextInput): string {
  const { block, policy, inCriticalPath } = input;
  const lines = new LineIndex(input.text);
  const requirement = noteRequirement(block, { policy, inCriticalPath });
  return renderNewNote({
    block,
    file: input.path,
    blockText: blockTextOf(input.text, block, lines),
    level: policy.level,
    sections: sectionsForNote(requirement, inCriticalPath),
    questions: questionsFor(input, lines),
    author: input.author,
    now: input.now,
  });
}

function questionsFor(input: NewNoteTextInput, lines: LineIndex): NoteQuestionRef[] {
  try {
    const endLine = Math.min(input.block.endLine, lines.lineCount);
    return blockQuestions(input.path, input.text, { startLine: input.block.startLine, endLine }).map((question) => ({ id: question.id, text: question.text }));
  } catch (error) {
    input.onQuestionsError?.(error as Error);
    return [];
  }
}
