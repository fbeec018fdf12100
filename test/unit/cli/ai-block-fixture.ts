import { blockContentHash } from '../../../src/core/notes/content-hash';
import { assessBlockNote } from '../../../src/core/notes/diagnostics';
import { serializeNote } from '../../../src/core/notes/note-file';
import { notePathFor } from '../../../src/core/workspace/layout';
import type { Policy } from '../../../src/core/policy/policy';
import type { Block } from '../../../src/core/provenance/block';
import { createRecord, serializeRecord } from '../../../src/core/provenance/record';
import { LineIndex } from '../../../src/core/text/line-index';
import { write } from './run-cli';

/** A file with one AI-written function (lines 3–7) that needs a note at level 1. */
export const AI_FILE = 'src/retry.ts';
export const AI_CODE = [
  "import { setTimeout as sleep } from 'node:timers/promises';",
  '',
  'export async function withRetry<T>(task: () => Promise<T>, attempts: number): Promise<T> {',
  '  for (let attempt = 1; ; attempt++) {',
  '    try { return await task(); } catch (error) { if (attempt >= attempts) throw error; }',
  '    await sleep(100 * 2 ** attempt);',
  '  }',
  '}',
  '',
].join('\n');

/** The AI block of {@link AI_CODE}; `createdAt` decides its age. */
export function aiBlock(createdAt = new Date().toISOString(), id = 'blk-with-retry'): Block {
  return { id, startLine: 3, endLine: 8, source: 'inline-completion', confidence: 'certain', createdAt, modified: false };
}

/** Writes the file and the block's provenance record under `root`. */
export function writeAiBlock(root: string, block: Block = aiBlock(), path = AI_FILE, code = AI_CODE): void {
  write(root, path, code);
  const lines = code.split('\n').slice(block.startLine - 1, block.endLine);
  write(root, `.comprehension/provenance/${block.id}.json`, serializeRecord(createRecord({ block, path, lines, editKind: 'tab-completion' })));
}

/** A note that passes every check (each answer in prose, naming the code's functions), as a writer would leave it. */
export function passingNote(policy: Policy, block: Block = aiBlock(), path = AI_FILE, code = AI_CODE, inCriticalPath = false): string {
  const answers: Record<string, string> = {
    what: 'withRetry awaits task() and, when it throws, sleeps 100 * 2 ** attempt ms before the next attempt, up to attempts tries.',
    why: 'Exponential backoff gives a flaky dependency time to recover instead of hammering it with instant retries.',
    'failure-modes': 'After the last attempt the error from task is rethrown unchanged; a huge attempts value waits for minutes.',
    observability: 'Nothing here logs; the caller sees only the final error, so retries are invisible without a metric.',
    rollback: 'Revert the commit; callers fall back to calling the task once with no sleep between tries.',
    security: 'It trusts the caller to pass a small attempts count; no secrets pass through the loop.',
    cost: 'Each retry repeats the task, so a failing remote call costs up to attempts requests.',
  };
  const questionAnswers: Record<string, string> = {
    loop: 'The attempt counter: once attempt reaches attempts, the catch rethrows and the loop ends.',
    catch: 'It swallows the error while attempt < attempts and rethrows the last one to the caller.',
  };
  return noteWithAnswers({ policy, block, path, code, inCriticalPath }, (part, question) =>
    question ? (questionAnswers[part] ?? `withRetry handles ${question.replace(/[`?]/g, '')} by rethrowing after attempts tries.`) : answers[part],
  );
}

/** Where a note is written for, and how the policy sees it. */
export interface NoteSubject {
  policy: Policy;
  block: Block;
  path: string;
  code: string;
  inCriticalPath: boolean;
}

/**
 * A note for `subject` with every section and block question the policy asks, each answered by
 * `answer(part)`: a section id, or a question kind with the question's text. Tests build passing and
 * failing notes with it, so they differ only in their answers.
 */
export function noteWithAnswers(subject: NoteSubject, answer: (part: string, question?: string) => string): string {
  const { policy, block, path, code, inCriticalPath } = subject;
  const assessed = assessBlockNote({ path, text: code, lines: new LineIndex(code), block, noteText: undefined, policy, inCriticalPath });
  return serializeNote({
    frontMatter: {
      blockId: block.id,
      file: path,
      contentHash: blockContentHash(assessed.blockText),
      source: block.source,
      level: policy.level,
      questions: assessed.questions.map((q) => ({ id: q.id, text: q.text })),
      createdAt: block.createdAt,
      updatedAt: block.createdAt,
    },
    sections: assessed.requirement.sections,
    answers: Object.fromEntries(assessed.requirement.sections.map((section) => [section.id, answer(section.id)])),
    questionAnswers: Object.fromEntries(assessed.questions.map((q) => [q.id, answer(q.kind, q.text)])),
    code: assessed.blockText,
  });
}

/** Where the block's note lives. */
export function notePath(block: Block = aiBlock()): string {
  return notePathFor(block.id);
}
