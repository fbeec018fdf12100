import type { LineRange } from '../check/engine';
import { disposeDocument, type LanguageDocument, parseLanguageDocument } from '../languages/document';
import { languageOf, type LanguageId } from '../languages/language';
import type { KnownFact } from './fact-check';
import { type BlockQuestion, QUESTION_KIND_PRIORITY } from './questions';
import { workflowNoteSupport } from './questions-workflows';
import { dockerfileNoteSupport } from './questions-dockerfile';
import { kubernetesNoteSupport } from './questions-kubernetes';
import { terraformNoteSupport } from './questions-terraform';
import { PYTHON_NOTE_SUPPORT } from './questions-python';

/**
 * Block questions and known facts for one language beyond TypeScript and JavaScript. Each language
 * has its own module beside this one (`questions-<language>.ts`), registered in
 * {@link LANGUAGE_NOTE_SUPPORT}. Both functions look at constructs that start inside `range`
 * (1-based, inclusive) and may read the whole document for context.
 */
export interface LanguageNoteSupport {
  questions?(document: LanguageDocument, text: string, range: LineRange): BlockQuestion[];
  facts?(document: LanguageDocument, text: string, range: LineRange): KnownFact[];
}

/** The languages whose AI blocks get their own questions and facts. */
export const LANGUAGE_NOTE_SUPPORT: Partial<Record<LanguageId, LanguageNoteSupport>> = {
  'github-actions': workflowNoteSupport,
  terraform: terraformNoteSupport,
  kubernetes: kubernetesNoteSupport,
  dockerfile: dockerfileNoteSupport,
  python: PYTHON_NOTE_SUPPORT,
};

/**
 * Questions about a block of a file in one of the other languages, most important first, at most
 * `max`; undefined when the file is in none of them (TypeScript, JavaScript, plain text). Throws
 * `GrammarNotLoadedError` when a tree-sitter grammar the file needs was not loaded first.
 */
export function languageBlockQuestions(path: string, text: string, range: LineRange, max: number): BlockQuestion[] | undefined {
  const language = languageOf(path, text);
  if (language === undefined) return undefined;
  const support = LANGUAGE_NOTE_SUPPORT[language];
  if (support?.questions === undefined) return [];
  const document = parseLanguageDocument(language, text);
  try {
    const seen = new Set<string>();
    const questions = support.questions(document, text, range).filter((question) => !seen.has(question.id) && seen.add(question.id));
    const rank = (question: BlockQuestion): number => QUESTION_KIND_PRIORITY.indexOf(question.kind);
    return questions.sort((a, b) => rank(a) - rank(b) || a.line - b.line).slice(0, Math.max(0, max));
  } finally {
    disposeDocument(document);
  }
}

/** Known facts about a block of a file in one of the other languages; undefined when it is in none of them. */
export function languageBlockFacts(path: string, text: string, range: LineRange): KnownFact[] | undefined {
  const language = languageOf(path, text);
  if (language === undefined) return undefined;
  const support = LANGUAGE_NOTE_SUPPORT[language];
  if (support?.facts === undefined) return [];
  const document = parseLanguageDocument(language, text);
  try {
    return support.facts(document, text, range);
  } finally {
    disposeDocument(document);
  }
}
