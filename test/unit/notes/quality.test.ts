import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type NoteContent, parseNote, renderNewNote, serializeNote } from '../../../src/core/notes/note-file';
import { blockIdentifiers, checkNoteQuality, codeSimilarity, countWords, type NoteQualityInput } from '../../../src/core/notes/quality';
import { blockQuestions } from '../../../src/core/notes/questions';
import { CORE_SECTIONS, REVIEW_SECTIONS } from '../../../src/core/notes/template';
import { defaultPolicy } from '../../../src/core/policy/policy';
import type { Block } from '../../../src/core/provenance/block';

const fileText = readFileSync(join(__dirname, '../../../../test/fixtures/notes/upload-client.mjs'), 'utf8');
const range = { startLine: 30, endLine: 40 };
const blockText = fileText.split('\n').slice(range.startLine - 1, range.endLine).join('\n');
const questions = blockQuestions('src/upload-client.mjs', fileText, range);
const block: Block = { id: 'blk-up', ...range, source: 'agent-write', confidence: 'certain', agent: 'claude-code', createdAt: '2026-03-01T09:00:00.000Z', modified: false };

const goodAnswers: NoteContent['answers'] = {
  what: 'uploadAll sends each path to uploadFile one after another and collects the parsed responses in order.',
  why: 'Sequential uploads keep memory flat and stay under the API rate limit of a few requests per second.',
  'failure-modes': 'A failed upload is logged with console.warn and skipped, so the caller gets fewer results than paths.',
  observability: 'The warning lines carry the file path; the upload service dashboard shows the error rate per token.',
};
const goodQuestionAnswers = (): Record<string, string> => {
  const answers: Record<string, string> = {};
  for (const question of questions) {
    answers[question.id] =
      question.kind === 'loop'
        ? 'The length of the paths array the caller passes, at most a few hundred files per batch.'
        : 'Skipping keeps the batch going; the caller compares result count with paths to find failures.';
  }
  return answers;
};

function note(answers: NoteContent['answers'], questionAnswers: Record<string, string> = goodQuestionAnswers(), sections = CORE_SECTIONS): string {
  const fresh = parseNote(
    renderNewNote({ block, file: 'src/upload-client.mjs', blockText, level: 1, sections, questions, now: new Date('2026-03-01T10:00:00.000Z') }),
  );
  return serializeNote({ frontMatter: fresh.frontMatter!, sections, answers, questionAnswers, code: blockText });
}

function input(overrides: Partial<NoteQualityInput> = {}): NoteQualityInput {
  return { blockText, sections: CORE_SECTIONS, questions, notes: defaultPolicy().notes, ...overrides };
}

const codes = (text: string, overrides: Partial<NoteQualityInput> = {}): string[] => checkNoteQuality(text, input(overrides)).problems.map((problem) => problem.code);

describe('notes quality', () => {
  it('has questions to answer in the fixture block', () => {
    assert.deepEqual(
      questions.map((question) => question.kind),
      ['loop', 'catch'],
    );
  });

  it('passes a note with every part answered in prose that names the code', () => {
    const result = checkNoteQuality(note(goodAnswers), input());
    assert.deepEqual(result.problems, []);
    assert.equal(result.passes, true);
    assert.ok(result.maxSimilarity < 0.3, `similarity ${result.maxSimilarity}`);
  });

  it('fails a fresh note: every section and question unanswered, located at its heading', () => {
    const text = note({}, {});
    const result = checkNoteQuality(text, input());
    assert.equal(result.passes, false);
    assert.deepEqual(result.problems.map((problem) => problem.code), ['unanswered', 'unanswered', 'unanswered', 'unanswered', 'unanswered-question', 'unanswered-question']);
    const first = result.problems[0];
    assert.equal(text.slice(first.start, first.end), '## What it does');
    assert.equal(first.startPosition.line, text.split('\n').indexOf('## What it does'));
    assert.equal(first.sectionId, 'what');
  });

  it('treats a hint whose comment markers were removed as unanswered', () => {
    const text = note(goodAnswers).replace(
      goodAnswers.why!,
      'Your answer, in your own words. Why this approach and not a simpler or more familiar one? What constraints shaped it?',
    );
    assert.deepEqual(codes(text), ['unanswered']);
  });

  it('reports a missing section, e.g. the review questions in a critical path', () => {
    const text = note(goodAnswers);
    const result = checkNoteQuality(text, input({ sections: [...CORE_SECTIONS, ...REVIEW_SECTIONS] }));
    assert.deepEqual(result.problems.map((problem) => [problem.code, problem.sectionId]), [
      ['missing-section', 'rollback'],
      ['missing-section', 'security'],
      ['missing-section', 'cost'],
    ]);
    assert.equal(text.slice(result.problems[0].start, result.problems[0].end), '---');
  });

  it('requires notes.minWordsPerAnswer words, not counting fenced code', () => {
    const short = note({ ...goodAnswers, why: 'Rate limits on uploadFile.' });
    const result = checkNoteQuality(short, input());
    assert.deepEqual(result.problems.map((problem) => problem.code), ['too-short']);
    assert.match(result.problems[0].message, /has 4 words; write at least 8/);
    assert.equal(short.slice(result.problems[0].start, result.problems[0].end), 'Rate limits on uploadFile.');
    assert.deepEqual(codes(short, { notes: { ...defaultPolicy().notes, minWordsPerAnswer: 4 } }), []);
    assert.equal(countWords('Two words\n```\nconst a = b + c + d + e;\n```'), 2);
  });

  it('rejects an answer that pastes the code', () => {
    const pasted = note({ ...goodAnswers, what: ['```js', blockText.split('\n').slice(1, 8).join('\n'), '```', 'as above'].join('\n') });
    const result = checkNoteQuality(pasted, input());
    assert.ok(result.problems.some((problem) => problem.code === 'copies-code' && problem.sectionId === 'what'));
    assert.ok(result.maxSimilarity > 0.8);
    // The same paste passes the similarity check with a threshold of 1 (only the word count fails).
    assert.ok(!codes(pasted, { notes: { ...defaultPolicy().notes, maxCodeSimilarity: 1 } }).includes('copies-code'));
  });

  it('measures code similarity over words in order', () => {
    assert.ok(codeSimilarity('const results = []; for (const path of paths)', blockText) > 0.9);
    assert.ok(codeSimilarity('It uploads the files one by one and keeps the results of those that worked.', blockText) < 0.4);
    assert.equal(codeSimilarity('', blockText), 0);
  });

  it('requires naming an identifier from the block when notes.requireIdentifier', () => {
    const vague = note({
      what: 'It sends every file to the server one at a time and gathers what comes back.',
      why: 'Doing them one at a time keeps memory flat and respects the service rate limit.',
      'failure-modes': 'A failed upload is logged as a warning and skipped; fewer things come back.',
      observability: 'The warning lines carry the file name; the service dashboard shows the errors.',
    }, Object.fromEntries(questions.map((question, index) => [question.id, ['Until every item in the list has been tried exactly one time.', 'The batch carries on; the caller counts what came back to spot gaps.'][index % 2]])));
    const result = checkNoteQuality(vague, input());
    assert.deepEqual(result.problems.map((problem) => problem.code), ['no-identifier']);
    assert.match(result.problems[0].message, /`uploadAll`/);
    assert.equal(vague.slice(result.problems[0].start, result.problems[0].end), '## What it does');
    assert.deepEqual(codes(vague, { notes: { ...defaultPolicy().notes, requireIdentifier: false } }), []);
  });

  it('extracts identifiers from code, not keywords, strings or comments', () => {
    const names = blockIdentifiers("// retryCount is documented\nconst total = await sumAll(items, 'quietMode');");
    assert.deepEqual([...names].sort(), ['items', 'sumAll', 'total']);
  });

  it('requires every block question answered, including questions the note does not have yet', () => {
    const [loop, handler] = questions;
    const unanswered = note(goodAnswers, { [loop.id]: goodQuestionAnswers()[loop.id] });
    assert.deepEqual(
      checkNoteQuality(unanswered, input()).problems.map((problem) => [problem.code, problem.questionId]),
      [['unanswered-question', handler.id]],
    );
    const extra = { id: 'regex-000000000000', kind: 'regex' as const, text: 'What input does `/x/` reject?', line: 33 };
    const result = checkNoteQuality(note(goodAnswers), input({ questions: [...questions, extra] }));
    assert.deepEqual(result.problems.map((problem) => [problem.code, problem.questionId]), [['missing-question', extra.id]]);
    const text = note(goodAnswers);
    assert.equal(text.slice(result.problems[0].start, result.problems[0].end), '## Questions about this code');
  });

  it('finds a question answer under a retitled heading that matches the current question', () => {
    const [loop] = questions;
    const moved = { ...loop, id: loop.id, text: loop.text.replace(/line \d+/, 'line 99') };
    const text = note(goodAnswers).replace(`### ${loop.text}`, `### ${moved.text}`);
    // The front matter still has the old text, but the heading matches the question as it is now.
    assert.deepEqual(codes(text, { questions: [moved, questions[1]] }), []);
  });

  it('reports an invalid note file as a problem', () => {
    assert.deepEqual(codes('just some text\n'), ['invalid-note', 'missing-section', 'missing-section', 'missing-section', 'missing-section', 'missing-question', 'missing-question']);
  });

  describe('notes that cannot be gamed (issue 11)', () => {
    const problemsAt = (text: string, overrides: Partial<NoteQualityInput> = {}) =>
      checkNoteQuality(text, input(overrides)).problems.map((problem) => [problem.code, text.slice(problem.start, problem.end)]);

    it('refuses one filler pasted into every answer, the function name in front of one, at each answer', () => {
      const filler = 'it works. it is fine. no failures. logs.';
      const text = note({ what: `uploadAll: ${filler}`, why: filler, 'failure-modes': filler, observability: filler }, Object.fromEntries(questions.map((q) => [q.id, filler])));
      const problems = problemsAt(text);
      assert.equal(problems.filter(([code]) => code === 'filler').length, 6, JSON.stringify(problems));
      assert.deepEqual(problems[0], ['filler', `uploadAll: ${filler}`]);
    });

    it('refuses answers that repeat another answer with a few words changed', () => {
      const what = 'uploadAll sends every path to uploadFile in turn and collects the parsed responses in order.';
      const text = note({ ...goodAnswers, why: 'uploadAll sends each path to uploadFile in turn, collecting the parsed responses in order.' });
      assert.deepEqual(problemsAt(note({ ...goodAnswers, what })), []);
      assert.deepEqual(problemsAt(text).map(([code]) => code), ['repeated-answer']);
      assert.match(checkNoteQuality(text, input()).problems[0].message, /repeats "What it does"/);
    });

    it('refuses a hint or a question echoed back, but not a terse answer that reuses its key words', () => {
      const echo = note({ ...goodAnswers, why: 'This approach and not a simpler or more familiar one: constraints shaped it.' });
      assert.deepEqual(problemsAt(echo).map(([code]) => code), ['echoes-prompt']);
      const [loop, handler] = questions;
      const terse = note(goodAnswers, { [loop.id]: 'Nothing bounds the loop except paths, which the caller passes in.', [handler.id]: goodQuestionAnswers()[handler.id] });
      assert.deepEqual(problemsAt(terse), []);
    });

    it('refuses an answer that only lists names between stock phrases (the cheapest way past the word count)', () => {
      const text = note({ ...goodAnswers, observability: 'uploadFile and results: it works fine, no issues at all.' });
      assert.deepEqual(problemsAt(text).map(([code]) => code), ['filler']);
    });

    it('refuses a note that could describe any code, and passes it once two answers name this block', () => {
      const generic = {
        what: 'uploadAll takes the input, processes it according to the requirements and returns the output.',
        why: 'Chosen for maintainability, readability and separation of concerns across the codebase.',
        'failure-modes': 'Unexpected input could raise exceptions that propagate to the calling layer.',
        observability: 'Our standard observability stack surfaces anomalies through dashboards and alerts.',
      };
      const vague = Object.fromEntries(questions.map((q, index) => [q.id, ['It runs until its termination condition holds for the program.', 'Handling here follows our team conventions for exceptions.'][index]]));
      assert.ok(problemsAt(note(generic, vague)).every(([code]) => code === 'generic'));
      assert.deepEqual(problemsAt(note({ ...generic, 'failure-modes': goodAnswers['failure-modes'] }, vague)), []);
      assert.deepEqual(problemsAt(note(generic, vague), { notes: { ...defaultPolicy().notes, minSpecificAnswers: 1 } }), []);
    });

    it('refuses names the block and its file do not contain, allowing one (a caller elsewhere)', () => {
      const oneCaller = note({ ...goodAnswers, observability: 'The nightly `syncArchive` job calls uploadAll and logs how many results came back.' });
      assert.deepEqual(problemsAt(oneCaller), []);
      const madeUp = note({ ...goodAnswers, 'failure-modes': 'A failed upload is retried by `retryUpload()` and then reported through `uploadMetrics.fail`.' });
      const problems = problemsAt(madeUp);
      assert.deepEqual(problems.map(([code]) => code), ['unknown-reference']);
      assert.match(checkNoteQuality(madeUp, input()).problems[0].message, /`retryUpload`, `uploadMetrics`, `fail`/);
      const inFile = note({ ...goodAnswers, 'failure-modes': 'uploadFile throws on a non-2xx answer; `uploadAll` catches it and skips that path.' });
      assert.deepEqual(problemsAt(inFile, { fileText }), []);
    });
  });
});
