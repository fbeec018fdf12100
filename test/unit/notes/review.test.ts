import * as assert from 'node:assert/strict';
import { assessBlockNote } from '../../../src/core/notes/assess';
import { parseNote, renderNewNote, serializeNote } from '../../../src/core/notes/note-file';
import { blockQuestions } from '../../../src/core/notes/questions';
import { reviewOfNote } from '../../../src/core/notes/review';
import { CORE_SECTIONS } from '../../../src/core/notes/template';
import { defaultPolicy } from '../../../src/core/policy/policy';
import type { Block } from '../../../src/core/provenance/block';

const path = 'src/poll.ts';
const forever = [
  "import { setTimeout as sleep } from 'node:timers/promises';",
  'export async function waitForReady(check: () => Promise<boolean>) {',
  '  while (true) {',
  '    if (await check()) return;',
  '    await sleep(500);',
  '  }',
  '}',
  '',
].join('\n');
const block: Block = { id: 'blk-poll', startLine: 2, endLine: 7, source: 'agent-write', confidence: 'certain', agent: 'claude-code', createdAt: '2026-03-01T09:00:00.000Z', modified: false };
const range = { startLine: 2, endLine: 7 };

/** A passing note about `text`, answering every block question with `answerOf(question kind)`. */
function noteAbout(text: string, answerOf: (kind: string, questionText: string) => string): string {
  const questions = blockQuestions(path, text, range);
  const blockText = text.split('\n').slice(1, 7).join('\n');
  const fresh = parseNote(renderNewNote({ block, file: path, blockText, level: 1, sections: CORE_SECTIONS, questions, now: new Date('2026-03-01T10:00:00.000Z') }));
  return serializeNote({
    frontMatter: fresh.frontMatter!,
    sections: CORE_SECTIONS,
    answers: {
      what: 'waitForReady calls check every 500 ms and returns once it resolves true, for the deploy script to wait on the service.',
      why: 'The service has no readiness event, so polling check with a short sleep is the simplest thing that works here.',
      'failure-modes': 'If check rejects, waitForReady rejects with that error; a service that never gets ready keeps the caller waiting.',
      observability: 'The deploy log shows the wait starting; a deploy stuck past ten minutes pages the on-call through the pipeline timeout.',
    },
    questionAnswers: Object.fromEntries(questions.map((question) => [question.id, answerOf(question.kind, question.text)])),
    code: blockText,
  });
}

const assess = (text: string, noteText: string) => assessBlockNote({ path, text, block, noteText, policy: defaultPolicy(), inCriticalPath: false });

const honestAnswers = (kind: string, text: string): string =>
  kind === 'loop'
    ? 'Nothing bounds it: the loop only ends when check resolves true, so the pipeline timeout is the real limit.'
    : text.includes('sleep')
      ? 'The promise-based sleep only rejects when given an abort signal, and none is passed, so in practice never.'
      : 'A rejection of check propagates out of waitForReady to the deploy script, which fails the deploy.';

describe('reviewing a stale note', () => {
  it('is nothing to review while the note is current', () => {
    const state = assess(forever, noteAbout(forever, honestAnswers));
    assert.equal(state.status.kind, 'explained', JSON.stringify(state.status.quality?.problems));
    assert.equal(reviewOfNote(state), undefined);
  });

  it('asks to confirm the answer about a loop a retry bound replaced, with the diff (the issue\'s rubber stamp)', () => {
    const bounded = forever
      .replace("import { setTimeout as sleep } from 'node:timers/promises';", "import { setTimeout as sleep } from 'node:timers/promises';\nconst MAX_CHECKS = 20;")
      .replace('  while (true) {', '  for (let attempt = 0; attempt < MAX_CHECKS; attempt++) {');
    const boundedBlock = { ...block, startLine: 3, endLine: 8 };
    const state = assessBlockNote({ path, text: bounded, block: boundedBlock, noteText: noteAbout(forever, honestAnswers), policy: defaultPolicy(), inCriticalPath: false });
    assert.equal(state.status.kind, 'stale');
    const review = reviewOfNote(state);
    assert.ok(review);
    assert.match(review.diff, /\+ {2}for \(let attempt = 0; attempt < MAX_CHECKS; attempt\+\+\) \{/);
    const mustEdit = review.items.filter((item) => item.mustEdit);
    assert.equal(mustEdit.length, 0, 'the loop question itself changed: its old answer is asked about, not proven wrong');
    const loop = review.items.find((item) => item.label.includes('while (true)'));
    assert.ok(loop, JSON.stringify(review.items));
    assert.match(loop.answer, /Nothing bounds it/);
    assert.equal(loop.mustEdit, false);
  });

  it('proves an answer wrong when the question stayed and its fact changed', () => {
    const text = (ms: string) =>
      [
        'export async function ping(url: string) {',
        `  const response = await fetch(url, { signal: AbortSignal.timeout(${ms}) });`,
        '  return response.ok;',
        '}',
        '',
      ].join('\n');
    const pingBlock: Block = { ...block, startLine: 1, endLine: 4 };
    const questionsBefore = blockQuestions('src/ping.ts', text('5_000'), { startLine: 1, endLine: 4 });
    const fresh = parseNote(renderNewNote({ block: pingBlock, file: 'src/ping.ts', blockText: text('5_000').split('\n').slice(0, 4).join('\n'), level: 1, sections: CORE_SECTIONS, questions: questionsBefore, now: new Date() }));
    const note = serializeNote({
      frontMatter: fresh.frontMatter!,
      sections: CORE_SECTIONS,
      answers: {
        what: 'ping fetches url with a 5 s AbortSignal timeout and returns whether response.ok is true for the health page.',
        why: 'The health page polls many services, so each ping must give up quickly instead of holding a connection open.',
        'failure-modes': 'A slow service makes fetch reject with a TimeoutError after 5 s, which the health page shows as down.',
        observability: 'The health page lists each url with its last result; a TimeoutError shows there as timed out.',
      },
      // The network question keeps its text (`fetch(url, …)`) when only the timeout changes.
      questionAnswers: Object.fromEntries(questionsBefore.map((question) => [question.id, 'After 5 s the signal aborts and fetch rejects with a TimeoutError for the caller.'])),
      code: text('5_000').split('\n').slice(0, 4).join('\n'),
    });
    const state = assessBlockNote({ path: 'src/ping.ts', text: text('30_000'), block: pingBlock, noteText: note, policy: defaultPolicy(), inCriticalPath: false });
    const review = reviewOfNote(state);
    assert.ok(review);
    const wrong = review.items.filter((item) => item.mustEdit);
    assert.equal(wrong.length, 1, JSON.stringify(review.items));
    assert.match(wrong[0].reason, /The timeout is 30 s \(`AbortSignal.timeout\(30_000\)`\); the answer says 5 s/);
    assert.match(wrong[0].answer, /After 5 s/);
  });
});
