/**
 * Runs a labelled set of notes (test/fixtures/notes-labelled/*.yaml) through the real note checks
 * (the timeout facts included) and tallies, per class, how many were accepted and refused.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseNote, renderNewNote, serializeNote } from '../../../src/core/notes/note-file';
import { timeoutFacts } from '../../../src/core/notes/facts';
import { checkNoteQuality } from '../../../src/core/notes/quality';
import { blockQuestions } from '../../../src/core/notes/questions';
import { ALL_SECTIONS, CORE_SECTIONS, type SectionId } from '../../../src/core/notes/template';
import { defaultPolicy } from '../../../src/core/policy/policy';

export const LABELLED_DIR = join(__dirname, '../../../../test/fixtures/notes-labelled');

interface LabelledNote {
  id: string;
  block: string;
  label: 'honest' | 'gaming';
  class?: string;
  critical?: boolean;
  fill?: string;
  questions?: string[];
  [section: string]: unknown;
}

/** One note's verdict. */
export interface Verdict {
  id: string;
  label: 'honest' | 'gaming';
  className: string;
  refused: boolean;
  problems: string[];
}

/** Checks every note of a manifest against its block, as the server and CLI would. */
export function judgeManifest(file: string): Verdict[] {
  const manifest = parse(readFileSync(join(LABELLED_DIR, file), 'utf8')) as { notes: LabelledNote[] };
  return manifest.notes.map((entry) => {
    const path = `src/${entry.block}`;
    const text = readFileSync(join(LABELLED_DIR, 'blocks', entry.block), 'utf8');
    const range = { startLine: 1, endLine: text.split('\n').length };
    const questions = blockQuestions(path, text, range);
    const sections = entry.critical ? ALL_SECTIONS : CORE_SECTIONS;
    const block = { id: `blk-${entry.id}`, ...range, source: 'agent-write' as const, confidence: 'certain' as const, createdAt: '2026-03-01T09:00:00.000Z', modified: false };
    const fresh = parseNote(renderNewNote({ block, file: path, blockText: text, level: 1, sections, questions, now: new Date('2026-03-01T10:00:00.000Z') }));
    const answers: Partial<Record<SectionId, string>> = {};
    for (const section of sections) {
      const given = entry[section.id];
      const answer = typeof given === 'string' ? given : entry.fill;
      if (answer !== undefined) answers[section.id] = answer;
    }
    const questionAnswers = Object.fromEntries(
      questions.flatMap((question, index) => {
        const answer = entry.questions?.[index] ?? entry.fill;
        return answer === undefined ? [] : [[question.id, answer]];
      }),
    );
    const note = serializeNote({ frontMatter: fresh.frontMatter!, sections, answers, questionAnswers, code: text });
    const result = checkNoteQuality(note, { blockText: text, fileText: text, facts: timeoutFacts(path, text, range), sections, questions, notes: defaultPolicy().notes });
    return {
      id: entry.id,
      label: entry.label,
      className: entry.label === 'honest' ? 'honest' : (entry.class ?? 'gaming'),
      refused: !result.passes,
      problems: result.problems.map((problem) => `${problem.code}: ${problem.message}`),
    };
  });
}

/** "class: refused/total" lines, for the test log. */
export function confusion(verdicts: readonly Verdict[]): string {
  const byClass = new Map<string, { refused: number; total: number }>();
  for (const verdict of verdicts) {
    const tally = byClass.get(verdict.className) ?? { refused: 0, total: 0 };
    tally.total++;
    if (verdict.refused) tally.refused++;
    byClass.set(verdict.className, tally);
  }
  return [...byClass].map(([name, { refused, total }]) => `    ${name.padEnd(14)} refused ${refused}/${total}, accepted ${total - refused}/${total}`).join('\n');
}
