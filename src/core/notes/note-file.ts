import { join } from 'node:path';
import { isMap, isSeq, parseDocument, stringify } from 'yaml';
import { readBoundedFile, writeFileAtomic } from '../workspace/fs';
import { type GitIdentity, gitIdentity } from '../workspace/git';
import type { PolicyLevel } from '../policy/policy';
import type { Block, BlockSource } from '../provenance/block';
import { blockContentHash, normalizeBlockText } from './content-hash';
import type { SignOff } from './sign-off';
import { ALL_SECTIONS, type Section, type SectionId } from './template';

import { notePathFor } from '../workspace/layout';

export { NOTES_DIR, notePathFor } from '../workspace/layout';

/** Heading of the closing code block that records the block as it was when the note was written. */
export const CODE_HEADING = 'Code when this note was written';
/** Heading that groups the block-specific questions. */
export const QUESTIONS_HEADING = 'Questions about this code';

const SECTION_HINT_PREFIX = 'Your answer, in your own words. ';
/** The hint written under each question heading of a new note. */
export const QUESTION_HINT = 'Your answer to this question about the code, in your own words.';
const CODE_HINT = 'Recorded so a stale note can show what changed. Updated when you mark the note as reviewed.';

/** A question as recorded in a note's front matter. */
export interface NoteQuestionRef {
  id: string;
  text: string;
}

/** The YAML front matter of a note file. */
export interface NoteFrontMatter {
  blockId: string;
  /** Workspace-relative POSIX path of the block's file when the note was written. */
  file: string;
  /** {@link blockContentHash} of the block when the note was written or last reviewed. */
  contentHash: string;
  source: BlockSource;
  /** `Name <email>` from git config, when known. */
  author?: string;
  level: PolicyLevel;
  questions: NoteQuestionRef[];
  createdAt: string;
  updatedAt: string;
  reviewedAt?: string;
  /** Reviewers' sign-offs (`sign-off.ts`); absent in notes nobody signed. */
  signOffs?: SignOff[];
}

/** Everything a note file holds, as written by {@link serializeNote}. */
export interface NoteContent {
  frontMatter: NoteFrontMatter;
  /** Sections in the order they appear. */
  sections: readonly Section[];
  /** Answers by section id; missing or empty answers are written as a hint comment. */
  answers: Partial<Record<SectionId, string>>;
  /** Answers by question id (the questions come from `frontMatter.questions`). */
  questionAnswers: Record<string, string>;
  /** The block's text when the note was written. */
  code: string;
}

/** The text under one heading of a parsed note, with where it is in the note file. */
export interface NoteAnswer {
  /** The heading as written. */
  heading: string;
  headingLevel: number;
  /** Offsets of the heading line (without its line break). */
  headingStart: number;
  headingEnd: number;
  /** Offsets of everything between the heading line and the next heading that ends it. */
  bodyStart: number;
  bodyEnd: number;
  /** The answer: body text without HTML comments (hints), trimmed. Empty when unanswered. */
  text: string;
}

/** A problem reading a note file, with offsets in it. */
export interface NoteParseError {
  message: string;
  start: number;
  end: number;
}

/** A note file as read back, tolerant of edits: headings are matched by title, case-insensitively. */
export interface ParsedNote {
  /** Undefined when the front matter is missing or invalid (see `errors`). */
  frontMatter?: NoteFrontMatter;
  /** Offsets of the front matter block including its `---` fences; `{0, 0}` when absent. */
  frontMatterStart: number;
  frontMatterEnd: number;
  /** Answers by section id, for headings that match a section's title or one of its aliases. */
  sections: Map<SectionId, NoteAnswer>;
  /** Answers by question id, for headings that match a question text from the front matter. */
  questions: Map<string, NoteAnswer>;
  /** Level 1–2 headings, and deeper ones outside any answer, that match nothing known. */
  otherHeadings: NoteAnswer[];
  /**
   * The recorded code: its text, the offsets of the fenced block's content (`start`, `end`) and of
   * the whole fenced block from the opening fence to the end of the closing one.
   */
  code?: { text: string; start: number; end: number; fenceStart: number; fenceEnd: number };
  /** Offsets of the code heading line, when present. */
  codeHeadingStart?: number;
  /** Offsets of the questions heading line, when present. */
  questionsHeadingStart?: number;
  errors: NoteParseError[];
}


/** Reads the note of `blockId` under workspace `root`; undefined when there is none. */
export async function readNoteFile(root: string, blockId: string): Promise<string | undefined> {
  // Bounded and confined: a note linked to /dev/zero or out of the workspace is no note.
  const read = await readBoundedFile(join(root, notePathFor(blockId)), { root, maxBytes: MAX_NOTE_FILE_BYTES });
  return read.kind === 'ok' ? read.bytes.toString('utf8') : undefined;
}

/** A note file is refused above this size: a note is a few paragraphs. */
const MAX_NOTE_FILE_BYTES = 1024 * 1024;

/** Writes the note of `blockId` under workspace `root` atomically (readers never see half a note). */
export async function writeNoteFile(root: string, blockId: string, text: string): Promise<void> {
  await writeFileAtomic(join(root, notePathFor(blockId)), text, { root });
}

/**
 * `Name <email>` from git's `user.name` / `user.email` in `cwd` (either part alone when only one is
 * set); undefined when neither is set or git is unavailable. `identity` is injectable for tests.
 */
export async function readGitAuthor(cwd: string, identity: (cwd: string) => Promise<GitIdentity> = gitIdentity): Promise<string | undefined> {
  const { name, email } = await identity(cwd);
  if (name && email) return `${name} <${email}>`;
  if (name) return name;
  if (email) return `<${email}>`;
  return undefined;
}

/** Inputs for {@link renderNewNote}. */
export interface NewNoteInput {
  block: Block;
  /** Workspace-relative POSIX path of the block's file. */
  file: string;
  /** The block's current text. */
  blockText: string;
  level: PolicyLevel;
  /** Sections the policy requires (from `noteRequirement`). */
  sections: readonly Section[];
  questions: readonly NoteQuestionRef[];
  author?: string;
  now?: Date;
}

/** A new note for a block: every heading present, each with a short hint and no answer yet. */
export function renderNewNote(input: NewNoteInput): string {
  const now = (input.now ?? new Date()).toISOString();
  const frontMatter: NoteFrontMatter = {
    blockId: input.block.id,
    file: input.file,
    contentHash: blockContentHash(input.blockText),
    source: input.block.source,
    ...(input.author ? { author: input.author } : {}),
    level: input.level,
    questions: input.questions.map((question) => ({ id: question.id, text: question.text })),
    createdAt: now,
    updatedAt: now,
  };
  return serializeNote({ frontMatter, sections: input.sections, answers: {}, questionAnswers: {}, code: input.blockText });
}

/** Writes a note's content as Markdown with YAML front matter; empty answers become hints. */
export function serializeNote(content: NoteContent): string {
  const out: string[] = [];
  out.push(`---\n${frontMatterYaml(content.frontMatter)}---`, '');
  out.push(`# Comprehension note: ${content.frontMatter.file}`, '');
  out.push(
    '<!-- Answer under each heading in your own words, about this code. Keep the headings; they are matched by title. ' +
      'The note is checked: every part answered, long enough, not a copy of the code, naming what the code uses. -->',
    '',
  );
  for (const section of content.sections) {
    out.push(`## ${section.title}`, '', answerOrHint(content.answers[section.id], sectionHint(section)), '');
  }
  if (content.frontMatter.questions.length > 0) {
    out.push(`## ${QUESTIONS_HEADING}`, '');
    for (const question of content.frontMatter.questions) {
      out.push(`### ${question.text}`, '', answerOrHint(content.questionAnswers[question.id], QUESTION_HINT), '');
    }
  }
  out.push(`## ${CODE_HEADING}`, '', `<!-- ${CODE_HINT} -->`, '', codeFence(content.code, content.frontMatter.file), '');
  return out.join('\n');
}

/** The hint written under a section heading of a new note. */
export function sectionHint(section: Section): string {
  return `${SECTION_HINT_PREFIX}${section.prompt}`;
}

function answerOrHint(answer: string | undefined, hint: string): string {
  const trimmed = answer?.trim() ?? '';
  return trimmed === '' ? `<!-- ${hint.replace(/--/g, '- -')} -->` : trimmed;
}

function frontMatterYaml(frontMatter: NoteFrontMatter): string {
  // Fixed key order keeps diffs of note files small and reviewable.
  const ordered: Record<string, unknown> = {
    blockId: frontMatter.blockId,
    file: frontMatter.file,
    contentHash: frontMatter.contentHash,
    source: frontMatter.source,
  };
  if (frontMatter.author !== undefined) ordered.author = frontMatter.author;
  ordered.level = frontMatter.level;
  ordered.questions = frontMatter.questions.map((question) => ({ id: question.id, text: question.text }));
  ordered.createdAt = frontMatter.createdAt;
  ordered.updatedAt = frontMatter.updatedAt;
  if (frontMatter.reviewedAt !== undefined) ordered.reviewedAt = frontMatter.reviewedAt;
  if (frontMatter.signOffs !== undefined) ordered.signOffs = frontMatter.signOffs.map(({ by, at, contentHash }) => ({ by, at, contentHash }));
  return stringify(ordered, { lineWidth: 0 });
}

const FENCE_LANGUAGES: Readonly<Record<string, string>> = {
  ts: 'ts',
  mts: 'ts',
  cts: 'ts',
  tsx: 'tsx',
  js: 'js',
  mjs: 'js',
  cjs: 'js',
  jsx: 'jsx',
  py: 'python',
  rb: 'ruby',
  rs: 'rust',
  go: 'go',
  java: 'java',
  kt: 'kotlin',
  cs: 'csharp',
  sh: 'sh',
  yml: 'yaml',
  yaml: 'yaml',
  json: 'json',
  md: 'markdown',
};

/** A fenced code block around `code`, with a fence longer than any backtick run inside it. */
function codeFence(code: string, file: string): string {
  const longestRun = Math.max(0, ...(code.match(/`{3,}/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  const extension = file.includes('.') ? file.slice(file.lastIndexOf('.') + 1).toLowerCase() : '';
  const language = FENCE_LANGUAGES[extension] ?? '';
  return `${fence}${language}\n${normalizeBlockText(code)}\n${fence}`;
}

interface Line {
  text: string;
  start: number;
  /** Offset just past the line's text (before its line break). */
  end: number;
  /** Offset of the next line's start. */
  next: number;
}

function splitWithOffsets(text: string, from: number): Line[] {
  const lines: Line[] = [];
  const pattern = /\r\n|\r|\n/g;
  let start = from;
  pattern.lastIndex = from;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text)) !== null) {
    lines.push({ text: text.slice(start, match.index), start, end: match.index, next: match.index + match[0].length });
    start = match.index + match[0].length;
  }
  lines.push({ text: text.slice(start), start, end: text.length, next: text.length });
  return lines;
}

/** Heading titles are compared without case, emphasis, backticks, trailing punctuation or extra spaces. */
export function normalizeHeading(title: string): string {
  return title
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\s?:.!]+$/, '');
}

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/;
const HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;

interface HeadingLine {
  level: number;
  title: string;
  start: number;
  end: number;
  next: number;
}

type HeadingRole =
  | { kind: 'section'; id: SectionId }
  | { kind: 'question'; id: string }
  | { kind: 'code' }
  | { kind: 'questions' }
  | { kind: 'other' };

/**
 * Reads a note file. Never throws: a missing or invalid front matter is reported in `errors` and the
 * answers are still read. Headings inside fenced code are not headings; unknown headings of level 3
 * and deeper inside an answer belong to that answer.
 */
export function parseNote(text: string): ParsedNote {
  const errors: NoteParseError[] = [];
  const result: ParsedNote = {
    frontMatterStart: 0,
    frontMatterEnd: 0,
    sections: new Map(),
    questions: new Map(),
    otherHeadings: [],
    errors,
  };
  const bodyStart = readFrontMatter(text, result);

  const sectionTitles = new Map<string, SectionId>();
  for (const section of ALL_SECTIONS) {
    for (const title of [section.title, ...section.aliases]) sectionTitles.set(normalizeHeading(title), section.id);
  }
  const questionTitles = new Map<string, string>();
  for (const question of result.frontMatter?.questions ?? []) questionTitles.set(normalizeHeading(question.text), question.id);

  const role = (heading: HeadingLine): HeadingRole => {
    const key = normalizeHeading(heading.title);
    const section = sectionTitles.get(key);
    if (section !== undefined) return { kind: 'section', id: section };
    const question = questionTitles.get(key);
    if (question !== undefined) return { kind: 'question', id: question };
    if (key === normalizeHeading(CODE_HEADING)) return { kind: 'code' };
    if (key === normalizeHeading(QUESTIONS_HEADING)) return { kind: 'questions' };
    return { kind: 'other' };
  };

  const lines = splitWithOffsets(text, bodyStart);
  const headings: { line: HeadingLine; role: HeadingRole; index: number }[] = [];
  const fences: { open: number; close: number }[] = [];
  let fence: { char: string; length: number; open: number } | undefined;
  lines.forEach((line, index) => {
    if (fence) {
      const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line.text);
      if (close && close[1][0] === fence.char && close[1].length >= fence.length) {
        fences.push({ open: fence.open, close: index });
        fence = undefined;
      }
      return;
    }
    const open = FENCE_OPEN.exec(line.text);
    if (open) {
      fence = { char: open[1][0], length: open[1].length, open: index };
      return;
    }
    const heading = HEADING.exec(line.text);
    if (heading) {
      const headingLine: HeadingLine = { level: heading[1].length, title: heading[2], start: line.start, end: line.end, next: line.next };
      headings.push({ line: headingLine, role: role(headingLine), index });
    }
  });
  if (fence) fences.push({ open: fence.open, close: lines.length });

  // A heading ends the answer above it when it is known, or an unknown heading of level 1 or 2. Under
  // the questions heading every `###` is a question, even one retitled beyond recognition.
  let inQuestions = false;
  const delimiters = headings.filter((heading) => {
    if (heading.role.kind === 'questions') inQuestions = true;
    else if (heading.line.level <= 2) inQuestions = false;
    return heading.role.kind !== 'other' || heading.line.level <= 2 || (inQuestions && heading.line.level === 3);
  });
  const answerFor = (heading: HeadingLine, nextDelimiter: number): NoteAnswer => {
    const bodyEnd = nextDelimiter < delimiters.length ? delimiters[nextDelimiter].line.start : text.length;
    const bodyFrom = Math.min(heading.next, bodyEnd);
    return {
      heading: heading.title,
      headingLevel: heading.level,
      headingStart: heading.start,
      headingEnd: heading.end,
      bodyStart: bodyFrom,
      bodyEnd,
      text: cleanAnswer(text.slice(bodyFrom, bodyEnd)),
    };
  };

  delimiters.forEach((heading, position) => {
    const answer = answerFor(heading.line, position + 1);
    switch (heading.role.kind) {
      case 'section':
        if (!result.sections.has(heading.role.id)) result.sections.set(heading.role.id, answer);
        else result.otherHeadings.push(answer);
        break;
      case 'question':
        if (!result.questions.has(heading.role.id)) result.questions.set(heading.role.id, answer);
        else result.otherHeadings.push(answer);
        break;
      case 'code': {
        result.codeHeadingStart ??= heading.line.start;
        const codeFenceBlock = fences.find((candidate) => candidate.open > heading.index && lines[candidate.open].start < answer.bodyEnd);
        if (codeFenceBlock && result.code === undefined) {
          const contentStart = lines[codeFenceBlock.open].next;
          const contentEnd = codeFenceBlock.close < lines.length ? lines[codeFenceBlock.close].start : text.length;
          const contentLines = lines.slice(codeFenceBlock.open + 1, codeFenceBlock.close).map((line) => line.text);
          const fenceEnd = codeFenceBlock.close < lines.length ? lines[codeFenceBlock.close].end : text.length;
          result.code = {
            text: contentLines.join('\n'),
            start: contentStart,
            end: Math.max(contentStart, contentEnd),
            fenceStart: lines[codeFenceBlock.open].start,
            fenceEnd,
          };
        }
        break;
      }
      case 'questions':
        result.questionsHeadingStart ??= heading.line.start;
        break;
      case 'other':
        result.otherHeadings.push(answer);
        break;
    }
  });
  return result;
}

/** An answer without hint comments, with `\n` line breaks, trimmed. */
export function cleanAnswer(body: string): string {
  return body
    .replace(/\r\n?/g, '\n')
    .replace(/<!--[\s\S]*?(?:-->|$)/g, '')
    .replace(/[ \t]+$/gm, '')
    .trim();
}

function readFrontMatter(text: string, result: ParsedNote): number {
  const bom = text.startsWith('\uFEFF') ? 1 : 0;
  const open = /^---[ \t]*(\r\n|\r|\n)/.exec(text.slice(bom));
  if (!open) {
    result.errors.push({ message: 'The note has no YAML front matter (a `---` block at the top).', start: 0, end: 0 });
    return bom;
  }
  const yamlStart = bom + open[0].length;
  const closePattern = /^(?:---|\.\.\.)[ \t]*$/gm;
  closePattern.lastIndex = yamlStart;
  const close = closePattern.exec(text);
  if (!close) {
    result.errors.push({ message: 'The front matter has no closing `---` line.', start: 0, end: Math.min(text.length, bom + 3) });
    return bom;
  }
  const yamlEnd = close.index;
  const afterClose = /\r\n|\r|\n/.exec(text.slice(close.index));
  const bodyStart = afterClose ? close.index + afterClose.index + afterClose[0].length : text.length;
  result.frontMatterStart = bom;
  result.frontMatterEnd = close.index + close[0].length;

  const document = parseDocument(text.slice(yamlStart, yamlEnd));
  if (document.errors.length > 0) {
    const error = document.errors[0];
    result.errors.push({ message: `Invalid front matter: ${error.message.split('\n')[0]}`, start: yamlStart + error.pos[0], end: yamlStart + error.pos[1] });
    return bodyStart;
  }
  const value: unknown = document.toJS();
  const problem = validateFrontMatter(value);
  if (typeof problem === 'string') {
    result.errors.push({ message: `Invalid front matter: ${problem}`, start: result.frontMatterStart, end: result.frontMatterEnd });
  } else {
    result.frontMatter = problem;
  }
  return bodyStart;
}

function validateFrontMatter(value: unknown): NoteFrontMatter | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected a mapping of fields.';
  const record = value as Record<string, unknown>;
  for (const key of ['blockId', 'file', 'contentHash', 'source', 'createdAt', 'updatedAt']) {
    if (typeof record[key] !== 'string' || record[key] === '') return `\`${key}\` must be a non-empty string.`;
  }
  if (record.level !== 0 && record.level !== 1 && record.level !== 2) return '`level` must be 0, 1 or 2.';
  for (const key of ['author', 'reviewedAt']) {
    if (record[key] !== undefined && record[key] !== null && typeof record[key] !== 'string') return `\`${key}\` must be a string.`;
  }
  const questionsValue = record.questions ?? [];
  if (!Array.isArray(questionsValue)) return '`questions` must be a list.';
  const questions: NoteQuestionRef[] = [];
  for (const item of questionsValue) {
    const question = item as Record<string, unknown> | null;
    if (typeof question !== 'object' || question === null || typeof question.id !== 'string' || typeof question.text !== 'string') {
      return 'each entry of `questions` needs an `id` and a `text`.';
    }
    questions.push({ id: question.id, text: question.text });
  }
  const signOffs = readSignOffs(record.signOffs);
  if (typeof signOffs === 'string') return signOffs;
  const frontMatter: NoteFrontMatter = {
    blockId: record.blockId as string,
    file: record.file as string,
    contentHash: record.contentHash as string,
    source: record.source as BlockSource,
    level: record.level,
    questions,
    createdAt: record.createdAt as string,
    updatedAt: record.updatedAt as string,
  };
  if (typeof record.author === 'string') frontMatter.author = record.author;
  if (typeof record.reviewedAt === 'string') frontMatter.reviewedAt = record.reviewedAt;
  if (signOffs !== undefined) frontMatter.signOffs = signOffs;
  return frontMatter;
}

/** `signOffs` of a front matter; undefined when absent (older notes), a message when malformed. */
function readSignOffs(value: unknown): SignOff[] | string | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) return '`signOffs` must be a list.';
  const signOffs: SignOff[] = [];
  for (const item of value) {
    const entry = item as Record<string, unknown> | null;
    // `at` may be written unquoted, which YAML reads as a timestamp string or (with some schemas) a Date.
    const at = entry?.at instanceof Date ? entry.at.toISOString() : entry?.at;
    if (typeof entry !== 'object' || entry === null || typeof entry.by !== 'string' || typeof at !== 'string' || typeof entry.contentHash !== 'string') {
      return 'each entry of `signOffs` needs `by`, `at` and `contentHash` strings.';
    }
    signOffs.push({ by: entry.by, at, contentHash: entry.contentHash });
  }
  return signOffs;
}

/** Reads a note back into the content {@link serializeNote} writes (answers only for known headings). */
export function noteContentOf(parsed: ParsedNote, sections: readonly Section[]): NoteContent | undefined {
  if (!parsed.frontMatter) return undefined;
  const answers: Partial<Record<SectionId, string>> = {};
  for (const [id, answer] of parsed.sections) answers[id] = answer.text;
  const questionAnswers: Record<string, string> = {};
  for (const [id, answer] of parsed.questions) questionAnswers[id] = answer.text;
  return { frontMatter: parsed.frontMatter, sections, answers, questionAnswers, code: parsed.code?.text ?? '' };
}

/** What {@link updateNoteText} changes; absent fields are left as they are. */
export interface NoteUpdate {
  /** Front matter fields to set (`questions` is merged: see `questions` below). */
  frontMatter?: Partial<Omit<NoteFrontMatter, 'questions'>>;
  /** Replaces the recorded code block. */
  code?: string;
  /** Sections that must have a heading; missing ones are added with a hint, before the questions. */
  sections?: readonly Section[];
  /**
   * Questions that must have a heading; new ones are added to the front matter and under the
   * questions heading. Questions already recorded keep their text (it is what their heading says).
   */
  questions?: readonly NoteQuestionRef[];
}

/**
 * Edits a note file in place: sets front matter fields (keeping comments and unknown keys), replaces
 * the recorded code, adds missing section and question headings. Everything the writer wrote
 * elsewhere is kept byte for byte. Throws when the note has no valid front matter.
 */
export function updateNoteText(noteText: string, update: NoteUpdate): string {
  let text = noteText;
  let parsed = parseNote(text);
  if (!parsed.frontMatter) throw new Error(parsed.errors[0]?.message ?? 'The note has no front matter.');

  const recorded = new Set(parsed.frontMatter.questions.map((question) => question.id));
  const wanted = new Set((update.questions ?? []).map((question) => question.id));
  // A changed construct gets a new id; when its question reads the same, the recorded answer is
  // kept under the new id instead of adding a second heading with the same title.
  const renamed = new Map<string, string>();
  const newQuestions: NoteQuestionRef[] = [];
  for (const question of update.questions ?? []) {
    if (recorded.has(question.id)) continue;
    const same = parsed.frontMatter.questions.find(
      (old) => !wanted.has(old.id) && !renamed.has(old.id) && normalizeHeading(old.text) === normalizeHeading(question.text),
    );
    if (same) renamed.set(same.id, question.id);
    else newQuestions.push(question);
  }
  text = replaceFrontMatter(text, parsed, update.frontMatter ?? {}, newQuestions, renamed);
  parsed = parseNote(text);

  const missingSections = (update.sections ?? []).filter((section) => !parsed.sections.has(section.id));
  if (missingSections.length > 0) {
    const insertAt = parsed.questionsHeadingStart ?? parsed.codeHeadingStart ?? text.length;
    const block = missingSections.map((section) => `## ${section.title}\n\n${answerOrHint(undefined, sectionHint(section))}\n\n`).join('');
    text = insertBlock(text, insertAt, block);
    parsed = parseNote(text);
  }

  if (newQuestions.length > 0) {
    const insertAt = parsed.codeHeadingStart ?? text.length;
    const headings = newQuestions.map((question) => `### ${question.text}\n\n${answerOrHint(undefined, QUESTION_HINT)}\n\n`).join('');
    const block = parsed.questionsHeadingStart === undefined ? `## ${QUESTIONS_HEADING}\n\n${headings}` : headings;
    text = insertBlock(text, insertAt, block);
    parsed = parseNote(text);
  }

  if (update.code !== undefined) {
    const file = parsed.frontMatter?.file ?? '';
    if (parsed.code) {
      // Replace the whole fenced block so the fence can grow if the new code holds backticks.
      text = text.slice(0, parsed.code.fenceStart) + codeFence(update.code, file) + text.slice(parsed.code.fenceEnd);
    } else {
      const separator = text.endsWith('\n') ? '\n' : '\n\n';
      const heading = parsed.codeHeadingStart === undefined ? `## ${CODE_HEADING}\n\n<!-- ${CODE_HINT} -->\n\n` : '';
      text = `${text}${separator}${heading}${codeFence(update.code, file)}\n`;
    }
  }
  return text;
}

function insertBlock(text: string, at: number, block: string): string {
  const before = text.slice(0, at);
  const lead = before === '' || before.endsWith('\n\n') ? '' : before.endsWith('\n') ? '\n' : '\n\n';
  return `${before}${lead}${block}${text.slice(at)}`;
}

function replaceFrontMatter(
  text: string,
  parsed: ParsedNote,
  fields: Partial<Omit<NoteFrontMatter, 'questions'>>,
  newQuestions: readonly NoteQuestionRef[],
  renamed: ReadonlyMap<string, string>,
): string {
  const whole = text.slice(parsed.frontMatterStart, parsed.frontMatterEnd);
  const firstBreak = /\r\n|\r|\n/.exec(whole);
  const lastLineStart = Math.max(whole.lastIndexOf('\n', whole.length - 1), whole.lastIndexOf('\r', whole.length - 1)) + 1;
  const yamlText = whole.slice(firstBreak ? firstBreak.index + firstBreak[0].length : 3, lastLineStart);
  const document = parseDocument(yamlText);
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) document.delete(key);
    else document.set(key, value);
  }
  const recorded = document.get('questions');
  if (isSeq(recorded)) {
    for (const item of recorded.items) {
      if (!isMap(item)) continue;
      const id = item.get('id');
      if (typeof id === 'string' && renamed.has(id)) item.set('id', renamed.get(id));
    }
  }
  if (newQuestions.length > 0) {
    const existing = document.get('questions');
    if (isSeq(existing)) {
      for (const question of newQuestions) existing.add(document.createNode({ id: question.id, text: question.text }));
    } else {
      document.set('questions', newQuestions.map((question) => ({ id: question.id, text: question.text })));
    }
  }
  if (!isMap(document.contents)) throw new Error('The note front matter is not a mapping.');
  const newYaml = document.toString({ lineWidth: 0 });
  return `${text.slice(0, parsed.frontMatterStart)}---\n${newYaml}---${text.slice(parsed.frontMatterEnd)}`;
}
