import * as assert from 'node:assert/strict';
import { blockContentHash } from '../../../src/core/notes/content-hash';
import { type NoteContent, parseNote, renderNewNote, serializeNote } from '../../../src/core/notes/note-file';
import { blockQuestions } from '../../../src/core/notes/questions';
import { markNoteReviewed, noteStatus } from '../../../src/core/notes/status';
import { CORE_SECTIONS } from '../../../src/core/notes/template';
import { defaultPolicy } from '../../../src/core/policy/policy';
import type { Block } from '../../../src/core/provenance/block';

const path = 'src/cache/warm.ts';
const fileText = [
  "import { loadKeys } from './keys';",
  '',
  'export async function warmCache(cache: Map<string, string>, limit: number) {',
  '  const keys = await loadKeys(limit);',
  '  for (const key of keys) cache.set(key, "");',
  '  return cache.size;',
  '}',
].join('\n');
const range = { startLine: 3, endLine: 7 };
const blockOf = (text: string): string => text.split('\n').slice(range.startLine - 1, range.endLine).join('\n');
const block: Block = { id: 'blk-warm', ...range, source: 'chat-edit', confidence: 'likely', createdAt: '2026-03-03T08:00:00.000Z', modified: false };

function explainedNote(text = fileText): string {
  const questions = blockQuestions(path, text, range);
  const fresh = parseNote(renderNewNote({ block, file: path, blockText: blockOf(text), level: 1, sections: CORE_SECTIONS, questions, now: new Date('2026-03-03T09:00:00.000Z') }));
  const answers: NoteContent['answers'] = {
    what: 'warmCache asks loadKeys for up to limit keys and puts an empty placeholder for each into the cache map.',
    why: 'Placeholders make the first real lookups skip the cold path without fetching any values yet.',
    'failure-modes': 'If loadKeys rejects, warmCache rejects too and the cache stays as it was before the call.',
    observability: 'Startup logs the returned cache size; a size of zero at boot raises the cache-empty alert.',
  };
  const questionAnswers = Object.fromEntries(
    questions.map((question) => [
      question.id,
      question.kind === 'loop'
        ? 'The limit argument bounds it: loadKeys never returns more than limit keys.'
        : 'warmCache does not catch a rejection of loadKeys: it propagates to whoever awaited the warm-up.',
    ]),
  );
  return serializeNote({ frontMatter: fresh.frontMatter!, sections: CORE_SECTIONS, answers, questionAnswers, code: blockOf(text) });
}

const input = (text: string) => ({ blockText: blockOf(text), sections: CORE_SECTIONS, questions: blockQuestions(path, text, range), notes: defaultPolicy().notes });

describe('notes status', () => {
  it('is none without a note', () => {
    assert.deepEqual(noteStatus(undefined, input(fileText)), { kind: 'none' });
  });

  it('is draft for a note that fails the checks', () => {
    const questions = blockQuestions(path, fileText, range);
    const draft = renderNewNote({ block, file: path, blockText: blockOf(fileText), level: 1, sections: CORE_SECTIONS, questions });
    const status = noteStatus(draft, input(fileText));
    assert.equal(status.kind, 'draft');
    assert.equal(status.quality?.passes, false);
  });

  it('is explained for a passing note about the current code', () => {
    const status = noteStatus(explainedNote(), input(fileText));
    assert.deepEqual(status.quality?.problems, []);
    assert.equal(status.kind, 'explained');
    assert.equal(status.diff, undefined);
  });

  it('ignores line-ending and trailing-space changes', () => {
    const reformatted = fileText.replace(/\n/g, '  \r\n');
    assert.equal(noteStatus(explainedNote(), input(reformatted)).kind, 'explained');
    assert.equal(blockContentHash('a\r\nb  \n\n'), blockContentHash('a\nb'));
  });

  it('is stale when the block changed, with a diff from the recorded code', () => {
    const changed = fileText.replace('loadKeys(limit)', 'loadKeys(limit * 2)');
    const status = noteStatus(explainedNote(), input(changed));
    assert.equal(status.kind, 'stale');
    assert.equal(
      status.diff,
      [
        '@@ -1,5 +1,5 @@',
        ' export async function warmCache(cache: Map<string, string>, limit: number) {',
        '-  const keys = await loadKeys(limit);',
        '+  const keys = await loadKeys(limit * 2);',
        '   for (const key of keys) cache.set(key, "");',
        '   return cache.size;',
        ' }',
      ].join('\n'),
    );
  });

  it('marks a stale note as reviewed: hash, code and reviewedAt updated, answers kept', () => {
    const changed = fileText.replace('loadKeys(limit)', 'loadAllKeys(limit)');
    const original = explainedNote();
    const reviewed = markNoteReviewed(original, { blockText: blockOf(changed), questions: blockQuestions(path, changed, range), now: new Date('2026-04-01T12:00:00.000Z') });
    const parsed = parseNote(reviewed);
    assert.equal(parsed.frontMatter?.contentHash, blockContentHash(blockOf(changed)));
    assert.equal(parsed.frontMatter?.reviewedAt, '2026-04-01T12:00:00.000Z');
    assert.equal(parsed.frontMatter?.updatedAt, '2026-03-03T09:00:00.000Z');
    assert.equal(parsed.code?.text, blockOf(changed));
    assert.equal(parsed.sections.get('what')?.text, parseNote(original).sections.get('what')?.text);
    // The awaited call changed, so its question is new: the note is a draft until it is answered.
    const status = noteStatus(reviewed, input(changed));
    assert.equal(status.kind, 'draft');
    assert.deepEqual(status.quality?.problems.map((problem) => problem.code), ['unanswered-question']);
  });

  it('keeps the answer of a question that reads the same after its construct changed, under the new id', () => {
    // The question shows a first argument of up to 24 characters; a longer one reads as `loadKeys(…)` either way.
    const base = fileText.replace('loadKeys(limit)', 'loadKeys(Math.min(limit, MAX_KEYS_PER_WARMUP))');
    const changed = fileText.replace('loadKeys(limit)', 'loadKeys(Math.min(limit * 2, MAX_KEYS_PER_WARMUP))');
    const questions = blockQuestions(path, changed, range);
    assert.notDeepEqual(blockQuestions(path, base, range).map((q) => q.id).sort(), questions.map((q) => q.id).sort(), 'the construct changed, so its id did');
    const reviewed = markNoteReviewed(explainedNote(base), { blockText: blockOf(changed), questions });
    const parsed = parseNote(reviewed);
    assert.deepEqual(
      parsed.frontMatter?.questions.map((question) => question.id).sort(),
      questions.map((question) => question.id).sort(),
    );
    assert.equal(reviewed.split('### What happens when').length, 2, 'no second heading with the same title');
    assert.equal(noteStatus(reviewed, input(changed)).kind, 'explained');
  });

  it('marks a note reviewed that stays explained when the questions did not change', () => {
    const changed = fileText.replace('return cache.size;', 'return cache.size; // warmed');
    const reviewed = markNoteReviewed(explainedNote(), { blockText: blockOf(changed), questions: blockQuestions(path, changed, range) });
    assert.equal(noteStatus(reviewed, input(changed)).kind, 'explained');
  });
});
