import type { NotesPolicy } from '../policy/policy';
import { LineIndex, type Position } from '../text/line-index';
import { type NoteAnswer, normalizeHeading, type NoteQuestionRef, type ParsedNote, parseNote, QUESTION_HINT, sectionHint } from './note-file';
import {
  blockSpecificTerms,
  codeContains,
  codeReferences,
  containment,
  contentStems,
  informativeStems,
  jaccard,
  lexicalDiversity,
  mentionsTerm,
  nonWordShare,
  stem,
} from './answer-text';
import { answerFactProblem, envNoteProblem, type KnownFact } from './fact-check';
import { ALL_SECTIONS, type Section, type SectionId } from './template';

/** Why a note does not (yet) explain its block. */
export type NoteProblemCode =
  | 'invalid-note'
  | 'missing-section'
  | 'unanswered'
  | 'too-short'
  | 'copies-code'
  | 'no-identifier'
  | 'missing-question'
  | 'unanswered-question'
  | 'repeated-answer'
  | 'echoes-prompt'
  | 'filler'
  | 'generic'
  | 'unknown-reference'
  | 'wrong-fact'
  | 'missing-fact';

/** A problem in a note file, located in that file so it can be shown as a diagnostic there. */
export interface NoteProblem {
  code: NoteProblemCode;
  message: string;
  /** Offsets in the note text. */
  start: number;
  end: number;
  startPosition: Position;
  endPosition: Position;
  sectionId?: SectionId;
  questionId?: string;
}

/** What a note is checked against. */
export interface NoteQualityInput {
  /** The block's current text. */
  blockText: string;
  /** Sections the policy requires (from `noteRequirement`). */
  sections: readonly Section[];
  /** The block's current questions (from `blockQuestions`). */
  questions: readonly NoteQuestionRef[];
  notes: NotesPolicy;
  /**
   * The whole file's current text: names an answer mentions may live outside the block but in its
   * file (a helper it calls). Without it only the block counts.
   */
  fileText?: string;
  /**
   * Facts the tool knows from the syntax tree (`blockFacts`): a question's fact is checked at its
   * answer, the environment variables the block reads against the whole note.
   */
  facts?: readonly KnownFact[];
}

/** The outcome of {@link checkNoteQuality}. */
export interface NoteQualityResult {
  /** True when there are no problems: the block is "explained" (unless the note is stale). */
  passes: boolean;
  problems: NoteProblem[];
  /** Highest code similarity of any answer (0..1), for hovers and tuning `maxCodeSimilarity`. */
  maxSimilarity: number;
}

/**
 * Checks a note against its block: every required section and every block question answered (not
 * empty, not the hint), each answer at least `minWordsPerAnswer` words, no answer a copy of the
 * code (similarity above `maxCodeSimilarity`), and, when `requireIdentifier`, at least one
 * identifier from the block mentioned somewhere in the answers.
 */
export function checkNoteQuality(noteText: string, input: NoteQualityInput, parsed: ParsedNote = parseNote(noteText)): NoteQualityResult {
  const lines = new LineIndex(noteText);
  const problems: NoteProblem[] = [];
  const push = (problem: Omit<NoteProblem, 'startPosition' | 'endPosition'>): void => {
    problems.push({ ...problem, startPosition: lines.positionAt(problem.start), endPosition: lines.positionAt(problem.end) });
  };
  for (const error of parsed.errors) push({ code: 'invalid-note', message: error.message, start: error.start, end: error.end });

  // Problems about something absent point at the closing front matter fence (or the file start).
  const anchorStart = parsed.frontMatterEnd > 3 ? parsed.frontMatterEnd - 3 : 0;
  const anchorEnd = parsed.frontMatterEnd;
  const codeTokens = wordTokens(input.blockText);
  const { minWordsPerAnswer, maxCodeSimilarity } = input.notes;
  let maxSimilarity = 0;
  const answered: NoteAnswer[] = [];
  const judged: JudgedAnswer[] = [];

  const checkAnswer = (answer: NoteAnswer, hint: string, label: string, ids: { sectionId?: SectionId; questionId?: string }): void => {
    const text = withoutHint(answer.text, hint);
    if (text === '') {
      push({
        code: ids.questionId ? 'unanswered-question' : 'unanswered',
        message: `${label} is not answered yet.`,
        start: answer.headingStart,
        end: answer.headingEnd,
        ...ids,
      });
      return;
    }
    answered.push(answer);
    const span = trimmedSpan(noteTextSlice(answer), answer.bodyStart);
    judged.push({ text: proseOf(text), label, ids, span });
    const words = countWords(text);
    if (words < minWordsPerAnswer) {
      push({
        code: 'too-short',
        message: `${label} has ${words} word${words === 1 ? '' : 's'}; write at least ${minWordsPerAnswer} in your own words.`,
        ...span,
        ...ids,
      });
    }
    const similarity = codeSimilarity(text, codeTokens);
    maxSimilarity = Math.max(maxSimilarity, similarity);
    if (similarity > maxCodeSimilarity) {
      push({
        code: 'copies-code',
        message: `${label} repeats the code (${Math.round(similarity * 100)}% of its words follow the code); explain it in prose instead.`,
        ...span,
        ...ids,
      });
    }
  };
  const noteTextSlice = (answer: NoteAnswer): string => noteText.slice(answer.bodyStart, answer.bodyEnd);

  for (const section of input.sections) {
    const answer = parsed.sections.get(section.id);
    if (!answer) {
      push({
        code: 'missing-section',
        message: `The note has no "## ${section.title}" section.`,
        start: anchorStart,
        end: anchorEnd,
        sectionId: section.id,
      });
      continue;
    }
    checkAnswer(answer, sectionHint(section), `"${section.title}"`, { sectionId: section.id });
  }

  for (const question of input.questions) {
    const answer = parsed.questions.get(question.id) ?? findByTitle(parsed, question.text);
    if (!answer) {
      const at = parsed.questionsHeadingStart ?? parsed.codeHeadingStart;
      const start = at ?? anchorStart;
      const end = at !== undefined ? lines.lineEnd(lines.positionAt(at).line) : anchorEnd;
      push({ code: 'missing-question', message: `The note does not answer: ${question.text}`, start, end, questionId: question.id });
      continue;
    }
    checkAnswer(answer, QUESTION_HINT, `The answer to "${question.text}"`, { questionId: question.id });
    for (const fact of input.facts ?? []) {
      if (fact.kind === 'env' || fact.questionId !== question.id) continue;
      const text = withoutHint(answer.text, QUESTION_HINT);
      const problem = text === '' ? undefined : answerFactProblem(text, fact);
      if (problem) push({ ...problem, ...trimmedSpan(noteTextSlice(answer), answer.bodyStart), questionId: question.id });
    }
  }

  if (input.notes.requireIdentifier && answered.length > 0) {
    const identifiers = blockIdentifiers(input.blockText);
    const mentioned = answered.some((answer) => mentionsAny(answer.text, identifiers));
    if (identifiers.size > 0 && !mentioned) {
      const what = parsed.sections.get('what') ?? answered[0];
      const examples = [...identifiers].slice(0, 3).map((name) => `\`${name}\``).join(', ');
      push({
        code: 'no-identifier',
        message: `The note never names anything from the code (for example ${examples}); say which functions and values it is about.`,
        start: what.headingStart,
        end: what.headingEnd,
        sectionId: what === parsed.sections.get('what') ? 'what' : undefined,
      });
    }
  }
  for (const fact of input.facts ?? []) {
    if (fact.kind !== 'env' || judged.length === 0) continue;
    const problem = envNoteProblem(judged.map((answer) => answer.text).join('\n'), fact);
    const at = parsed.sections.get('what') ?? answered[0];
    if (problem) push({ ...problem, start: at.headingStart, end: at.headingEnd, ...(at === parsed.sections.get('what') ? { sectionId: 'what' as const } : {}) });
  }
  checkGaming(judged, input, parsed, push);
  return { passes: problems.length === 0, problems, maxSimilarity };
}

/** An answered section or question, as the gaming checks see it. */
interface JudgedAnswer {
  /** The prose of the answer (hint and fenced code removed). */
  text: string;
  label: string;
  ids: { sectionId?: SectionId; questionId?: string };
  span: { start: number; end: number };
}

type PushProblem = (problem: Omit<NoteProblem, 'startPosition' | 'endPosition'>) => void;

/** Answers shorter than this (distinct content words) are too small to call an echo or a repeat. */
const MIN_COMPARABLE_WORDS = 4;
/** Below {@link MIN_COMPARABLE_WORDS}, an answer this long whose every content word is the prompt's is still an echo. */
const MIN_ECHO_WORDS = 2;
/** Over this many words, an answer with fewer distinct words than this share repeats itself. */
const DIVERSITY_MIN_WORDS = 10;
const MIN_LEXICAL_DIVERSITY = 0.4;
/** Above this share of words that are no words of any language, an answer is keyboard mash. */
const MAX_NON_WORD_SHARE = 0.3;

/**
 * The checks a word count cannot see (issue 11): answers that repeat each other, echo a hint or a
 * question, say nothing (stock phrases, repetition, keyboard mash), could describe any code, or
 * name code that is not there. Each problem is placed at the answer it is about.
 */
function checkGaming(judged: readonly JudgedAnswer[], input: NoteQualityInput, parsed: ParsedNote, push: PushProblem): void {
  const { notes } = input;
  const identifiers = blockIdentifiers(input.blockText);
  const prompts = [
    ...ALL_SECTIONS.map((section) => contentStems(`${section.title} ${sectionHint(section)}`)),
    ...input.questions.map((question) => contentStems(`${question.text} ${QUESTION_HINT}`)),
  ];
  const stems = judged.map((answer) => contentStems(answer.text));
  const codeNames = new Set([...blockIdentifiers(`${input.blockText}\n${input.fileText ?? ''}`)].map((name) => stem(name.toLowerCase())));

  judged.forEach((answer, index) => {
    const own = stems[index];
    // A short answer is an echo only when every word it has comes from the prompt: questions name
    // their construct, so copying one back ("when fetchToken() rejects, fetchToken rejects") needs
    // few words, while a terse honest answer brings at least one of its own.
    const comparable = own.size >= MIN_COMPARABLE_WORDS || own.size >= MIN_ECHO_WORDS;
    if (comparable) {
      const echo = Math.max(0, ...prompts.map((prompt) => containment(own, prompt)));
      if (echo >= (own.size >= MIN_COMPARABLE_WORDS ? notes.maxPromptOverlap : 1)) {
        push({
          code: 'echoes-prompt',
          message: `${answer.label} repeats the template's hint or question (${Math.round(echo * 100)}% of its words); answer it about this code instead.`,
          ...answer.span,
          ...answer.ids,
        });
        return;
      }
    }
    const informativeSet = informativeStems(answer.text);
    const informative = informativeSet.size;
    // Names from the code count as informative, but an answer that is only names wrapped in stock
    // phrases ("maxAttempts and lastError: it works fine") still says nothing about them.
    const prose = [...informativeSet].filter((word) => !codeNames.has(word) && !/^\p{N}/u.test(word)).length;
    const fillerReason =
      informative < notes.minInformativeWords
        ? `says nothing specific (${informative} informative word${informative === 1 ? '' : 's'} besides stock phrases like "it works", "errors are handled", "logs")`
        : prose === 0
          ? 'only lists names from the code between stock phrases'
          : answer.text.split(/\s+/).length >= DIVERSITY_MIN_WORDS && lexicalDiversity(answer.text) < MIN_LEXICAL_DIVERSITY
          ? 'repeats the same few words'
          : nonWordShare(answer.text, identifiers) > MAX_NON_WORD_SHARE
            ? 'is mostly not words'
            : undefined;
    if (fillerReason) {
      push({ code: 'filler', message: `${answer.label} ${fillerReason}; say what this code does, with its names and values.`, ...answer.span, ...answer.ids });
      return;
    }
    for (let earlier = 0; earlier < index; earlier++) {
      if (own.size < 2 || stems[earlier].size < 2) continue;
      const overlap = jaccard(own, stems[earlier]);
      if (overlap >= notes.maxAnswerOverlap) {
        push({
          code: 'repeated-answer',
          message: `${answer.label} repeats ${judged[earlier].label.replace(/^The answer/, 'the answer')} (${Math.round(overlap * 100)}% the same words); each part asks something different.`,
          ...answer.span,
          ...answer.ids,
        });
        return;
      }
    }
  });

  if (judged.length > 0 && identifiers.size > 0) {
    const terms = blockSpecificTerms(input.blockText, identifiers);
    const specific = judged.filter((answer) => mentionsTerm(answer.text, terms));
    const needed = Math.min(notes.minSpecificAnswers, judged.length);
    if (terms.size > 0 && specific.length < needed) {
      for (const answer of judged.filter((candidate) => !specific.includes(candidate))) {
        push({
          code: 'generic',
          message: `${answer.label} could describe any code: it names no value, call or name from this block (${specific.length} of ${judged.length} answers do, ${needed} needed).`,
          ...answer.span,
          ...answer.ids,
        });
      }
    }
  }

  const code = `${input.blockText}\n${input.fileText ?? ''}\n${parsed.frontMatter?.file ?? ''}`;
  const unknownByAnswer = judged.map((answer) => codeReferences(answer.text).filter((reference) => !codeContains(code, reference.name)));
  const unknownNames = new Set(unknownByAnswer.flat().map((reference) => reference.name));
  const knownCount = judged.reduce((count, answer) => count + codeReferences(answer.text).filter((reference) => codeContains(code, reference.name)).length, 0);
  const mentionsBlock = judged.some((answer) => [...identifiers].some((name) => codeContains(answer.text, name)));
  if (unknownNames.size > notes.maxUnknownReferences || (unknownNames.size > 0 && knownCount === 0 && !mentionsBlock)) {
    judged.forEach((answer, index) => {
      const unknown = unknownByAnswer[index];
      if (unknown.length === 0) return;
      const names = unknown.slice(0, 4).map((reference) => `\`${reference.name}\``).join(', ');
      push({
        code: 'unknown-reference',
        message: `${answer.label} names ${names}, which ${unknown.length === 1 ? 'is' : 'are'} not in this block or its file; describe the code that is here.`,
        ...answer.span,
        ...answer.ids,
      });
    });
  }
}

/** Headings the writer retitled so the front matter no longer matches: fall back to the current text. */
function findByTitle(parsed: ParsedNote, title: string): NoteAnswer | undefined {
  const key = normalizeHeading(title);
  // A question whose construct changed but reads the same is still recorded under its old id: its
  // answer is the answer to the current question (and is checked against the current facts).
  return (
    parsed.otherHeadings.find((heading) => normalizeHeading(heading.heading) === key) ??
    [...parsed.questions.values()].find((answer) => normalizeHeading(answer.heading) === key)
  );
}

/** The answer with the hint removed, in case the writer deleted the comment markers but kept the hint. */
function withoutHint(answer: string, hint: string): string {
  const squash = (text: string): string => text.replace(/\s+/g, ' ').trim();
  const squashed = squash(answer);
  const squashedHint = squash(hint);
  if (squashed === squashedHint) return '';
  return squashed.includes(squashedHint) ? squash(squashed.replace(squashedHint, '')) : squashed;
}

function trimmedSpan(body: string, offset: number): { start: number; end: number } {
  const leading = body.length - body.trimStart().length;
  const trailing = body.length - body.trimEnd().length;
  const start = offset + leading;
  return { start, end: Math.max(start, offset + body.length - trailing) };
}

/** Words of prose: fenced code is not counted, inline code is. */
export function countWords(answer: string): number {
  return proseOf(answer).split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
}

/** An answer without its fenced code blocks (inline code stays). */
function proseOf(answer: string): string {
  const proseLines: string[] = [];
  let fence: string | undefined;
  for (const line of answer.split(/\r\n|\r|\n/)) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === undefined && marker !== undefined) fence = marker;
    else if (fence !== undefined && marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
    else if (fence === undefined) proseLines.push(line);
  }
  return proseLines.join('\n');
}

/** Identifier-like words and numbers, in order. */
function wordTokens(text: string): string[] {
  return text.match(/[\p{L}_$][\p{L}\p{N}_$]*|\p{N}+(?:\.\p{N}+)?/gu) ?? [];
}

/** Bigger inputs fall back to an order-free comparison to keep the check linear-ish. */
const LCS_CELL_BUDGET = 8_000_000;

/**
 * How much of an answer follows the code: the longest common subsequence of their words divided
 * by the answer's word count (0..1). Prose that names a few identifiers scores low; pasted code
 * scores near 1, even with a few words changed.
 */
export function codeSimilarity(answer: string, codeTokensOrText: readonly string[] | string): number {
  const answerTokens = wordTokens(answer);
  const codeTokens = typeof codeTokensOrText === 'string' ? wordTokens(codeTokensOrText) : codeTokensOrText;
  if (answerTokens.length === 0 || codeTokens.length === 0) return 0;
  if (answerTokens.length * codeTokens.length > LCS_CELL_BUDGET) {
    const available = new Map<string, number>();
    for (const token of codeTokens) available.set(token, (available.get(token) ?? 0) + 1);
    let shared = 0;
    for (const token of answerTokens) {
      const count = available.get(token) ?? 0;
      if (count > 0) {
        shared++;
        available.set(token, count - 1);
      }
    }
    return shared / answerTokens.length;
  }
  return longestCommonSubsequence(answerTokens, codeTokens) / answerTokens.length;
}

function longestCommonSubsequence(a: readonly string[], b: readonly string[]): number {
  let previous = new Int32Array(b.length + 1);
  let current = new Int32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    const token = a[i - 1];
    for (let j = 1; j <= b.length; j++) {
      current[j] = token === b[j - 1] ? previous[j - 1] + 1 : Math.max(previous[j], current[j - 1]);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length];
}

/** Words that are syntax in common languages, never a name the writer chose. */
const KEYWORDS: ReadonlySet<string> = new Set(
  (
    'abstract any as async await boolean break case catch class const constructor continue debugger declare default delete do else ' +
    'enum export extends false finally for from function get if implements import in instanceof interface is keyof let module namespace ' +
    'never new null number object of package private protected public readonly require return satisfies set static string super switch ' +
    'symbol this throw true try type typeof undefined unique unknown var void while with yield ' +
    'def elif except lambda pass raise self none and not or func go chan defer map range struct fn impl mut pub use match loop'
  ).split(' '),
);

/** Names the block's code uses (three characters or more, not keywords, not inside strings or comments). */
export function blockIdentifiers(blockText: string): Set<string> {
  const code = blockText
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/(^|[^:\\])\/\/[^\n]*/g, '$1 ')
    .replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, ' ');
  const identifiers = new Set<string>();
  for (const match of code.matchAll(/[\p{L}_$][\p{L}\p{N}_$]*/gu)) {
    const name = match[0];
    if (name.length >= 3 && !KEYWORDS.has(name.toLowerCase())) identifiers.add(name);
  }
  return identifiers;
}

function mentionsAny(answer: string, identifiers: ReadonlySet<string>): boolean {
  const lower = new Set([...identifiers].map((name) => name.toLowerCase()));
  for (const match of answer.matchAll(/[\p{L}_$][\p{L}\p{N}_$]*/gu)) {
    if (lower.has(match[0].toLowerCase())) return true;
  }
  return false;
}
