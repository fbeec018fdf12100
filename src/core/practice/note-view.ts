/**
 * The note side of the "rewrite from your note" exercise: whether a block's note is good enough
 * to rewrite the code from, and the note as the exercise shows it — without the copy of the code
 * that every note file records at its end. No `vscode` import.
 */
import { parseNote } from '../notes/note-file';
import type { NoteStatus } from '../notes/status';

/** Whether the exercise can start, and if not, why (a sentence for the user). */
export type ExerciseReadiness = { ready: true; status: NoteStatus } | { ready: false; status: NoteStatus; reason: string };

/**
 * Whether the exercise can start from the block's note status, as the language server judged it
 * (the one note assessment; the extension does not check notes itself). The exercise needs a note
 * that explains the block now (status `explained`).
 */
export function exerciseReadiness(status: NoteStatus): ExerciseReadiness {
  switch (status.kind) {
    case 'explained':
      return { ready: true, status };
    case 'none':
      return { ready: false, status, reason: 'This block has no comprehension note yet. Write the note first: the exercise is to rewrite the code from it.' };
    case 'stale':
      return {
        ready: false,
        status,
        reason: 'The block changed since its note was written. Review the note (and mark it reviewed) first, so you rewrite the code the note describes.',
      };
    case 'draft': {
      const first = status.quality?.problems[0]?.message;
      return {
        ready: false,
        status,
        reason: `The note for this block does not explain it yet${first ? `: ${first}` : '.'} Finish the note first; the exercise is to rewrite the code from it.`,
      };
    }
  }
}

/**
 * The note as Markdown for the exercise: without its front matter and without the recorded code
 * (the section that starts at the "Code when this note was written" heading, always the last one),
 * headed by what to do.
 */
export function exerciseNoteMarkdown(noteText: string, file: string): string {
  const parsed = parseNote(noteText);
  let end = noteText.length;
  if (parsed.codeHeadingStart !== undefined) end = parsed.codeHeadingStart;
  else if (parsed.code) end = parsed.code.fenceStart;
  const body = noteText.slice(parsed.frontMatterEnd, end).trim();
  const intro = [
    `# Rewrite from your note`,
    '',
    `> Practice exercise for a block in \`${file}\`. Write the code again in the editor beside this note, from what the note says.`,
    '> The original is hidden until you run **Comprehension: Finish Exercise**; then you see the difference.',
    '',
    '---',
    '',
  ];
  return `${intro.join('\n')}${body}\n`;
}
