import * as assert from 'node:assert/strict';
import { assessBlockNote, type BlockNoteState } from '../../../src/core/notes/assess';
import { blockTextOf } from '../../../src/core/notes/content-hash';
import { renderNewNote } from '../../../src/core/notes/note-file';
import { blockQuestions } from '../../../src/core/notes/questions';
import { CORE_SECTIONS } from '../../../src/core/notes/template';
import { defaultPolicy, type Policy } from '../../../src/core/policy/policy';
import type { Block } from '../../../src/core/provenance/block';
import { describeNoteStatus, isAwaiting, noteHoverMarkdown, noteLenses } from '../../../src/client/notes/presentation';
import { fromWireNoteState, toWireNoteState } from '../../../src/shared/note-state-wire';

const FILE_TEXT = [
  'export async function loadPrices(url: string): Promise<number[]> {',
  '  // fetch the prices',
  '  const response = await fetch(url);',
  '  const body = (await response.json()) as { prices: number[] };',
  '  return body.prices.filter((price) => price > 0);',
  '}',
  '',
].join('\n');

const BLOCK: Block = {
  id: 'blk-1',
  startLine: 3,
  endLine: 5,
  source: 'inline-completion',
  confidence: 'certain',
  createdAt: '2026-11-20T10:00:00.000Z',
  modified: false,
};

/** The block's questions from its syntax tree, as the server computes them. */
const QUESTIONS = blockQuestions('src/prices.ts', FILE_TEXT, { startLine: 3, endLine: 5 }).map(({ id, text }) => ({ id, text }));

const ANSWERS = [
  'loadPrices asks the price service at the given url with fetch and keeps only the prices above zero.',
  'The service already returns a list under prices, so reading the body directly is simpler than a client library.',
  'A slow service makes the request hang because there is no timeout, and bad JSON rejects the returned promise.',
  'Callers log a rejected loadPrices with the url, and the pricing dashboard alerts when no prices are shown.',
];
const QUESTION_ANSWERS: Record<string, string> = {
  network: 'There is no timeout yet: a stalled price service keeps loadPrices waiting until the caller gives up on it.',
  'unhandled-await': 'Invalid JSON makes response.json reject with a SyntaxError, which reaches whoever awaited loadPrices.',
};

function newNote(blockText: string): string {
  return renderNewNote({
    block: BLOCK,
    file: 'src/prices.ts',
    blockText,
    level: 1,
    sections: CORE_SECTIONS,
    questions: QUESTIONS,
    author: 'Ada Lovelace <ada@example.invalid>',
    now: new Date('2026-11-20T11:00:00.000Z'),
  });
}

/** Replaces each hint comment, in order, with an answer. */
function answered(note: string, answers: readonly string[]): string {
  let index = 0;
  return note.replace(/<!-- Your answer[^\n]*?-->/g, () => answers[index++] ?? '');
}

/**
 * The state the client shows: the core assessment, sent as JSON over the connection and read back
 * (so every test also checks that nothing the presentation needs is lost on the way).
 */
function assess(noteText: string | undefined, text = FILE_TEXT, policy: Policy = defaultPolicy(), block: Block = BLOCK, inCriticalPath = false): BlockNoteState {
  const state = assessBlockNote({ path: 'src/prices.ts', text, block, noteText, policy, inCriticalPath });
  return fromWireNoteState(JSON.parse(JSON.stringify(toWireNoteState(state, noteText))));
}

/** Every answer of a full note: the sections, then one per block question. */
const ALL_ANSWERS = [...ANSWERS, ...QUESTIONS.map((question) => QUESTION_ANSWERS[question.id.replace(/-[0-9a-f]{12}$/, '')])];

describe('Notes client: presentation of the server\'s note states', () => {
  const blockText = blockTextOf(FILE_TEXT, BLOCK);

  it('cuts the block text from its lines without the final line break', () => {
    assert.equal(blockText, FILE_TEXT.split('\n').slice(2, 5).join('\n'));
    assert.equal(blockTextOf('a\nb', { startLine: 2, endLine: 9 }), 'b', 'clipped to the file');
    assert.equal(blockTextOf('a\nb', { startLine: 5, endLine: 9 }), '');
  });

  it('a block without a note needs one: a prompt, counted as awaiting, "no note" in the view', () => {
    const state = assess(undefined);
    assert.equal(state.status.kind, 'none');
    assert.equal(state.requirement.required, true);
    assert.ok(isAwaiting(state));
    assert.equal(describeNoteStatus(state), 'no note');
    assert.deepEqual(
      noteLenses(state).map((lens) => [lens.title, lens.command]),
      [['$(note) Explain this AI block', 'comprehension.notes.write']],
    );
    const hover = noteHoverMarkdown(state, 'file:///w/src/prices.ts')!;
    assert.match(hover, /none yet/);
    assert.ok(hover.includes(`command:comprehension.notes.write?${encodeURIComponent(JSON.stringify(['file:///w/src/prices.ts', 'blk-1']))}`));
  });

  it('a block under notes.minBlockLines gets no prompt and does not wait', () => {
    const small: Block = { ...BLOCK, endLine: 4 };
    const state = assess(undefined, FILE_TEXT, defaultPolicy(), small);
    assert.equal(state.requirement.required, false);
    assert.deepEqual(noteLenses(state), []);
    assert.equal(isAwaiting(state), false);
    assert.equal(describeNoteStatus(state), 'no note needed');
  });

  it('a fresh note from the template is a draft: "Finish the note" instead of "Explain"', () => {
    const state = assess(newNote(blockText));
    assert.equal(state.status.kind, 'draft');
    assert.ok(isAwaiting(state));
    const lenses = noteLenses(state);
    assert.equal(lenses.length, 1);
    assert.match(lenses[0].title, /^\$\(note\) Finish the note \(\d+ to fix\)$/);
    assert.equal(lenses[0].command, 'comprehension.notes.open');
  });

  it('an answered note explains the block: no prompt, the hover shows the first answer, who wrote it and a link to the note', () => {
    const state = assess(answered(newNote(blockText), ALL_ANSWERS));
    assert.equal(state.status.kind, 'explained', JSON.stringify(state.status.quality?.problems));
    assert.equal(isAwaiting(state), false);
    assert.deepEqual(noteLenses(state), []);
    assert.equal(describeNoteStatus(state), 'explained ✓');
    const hover = noteHoverMarkdown(state, 'file:///w/src/prices.ts')!;
    assert.match(hover, /explained by Ada Lovelace, 2026-11-20/);
    assert.ok(!hover.includes('ada@example.invalid'), 'no e-mail address in the hover');
    assert.ok(hover.includes(`**${CORE_SECTIONS[0].title}.** ${ANSWERS[0]}`), hover);
    for (const answer of ALL_ANSWERS.slice(1)) assert.ok(!hover.includes(answer), `only the first answer: ${answer}`);
    assert.ok(hover.includes(`[Open note](command:comprehension.notes.open?${encodeURIComponent(JSON.stringify(['file:///w/src/prices.ts', 'blk-1']))})`));
    assert.equal(hover.split('\n\n').length, 3, 'status, first answer, link');
  });

  it('a long first answer is cut to about two lines in the hover', () => {
    const long = `${ANSWERS[0]} It also keeps every price the service sends in the order given, drops zero and negative amounts, leaves currencies as they came, never rounds, never sorts, and returns a fresh array each call so callers may mutate it freely without affecting later results.`;
    const state = assess(answered(newNote(blockText), [long, ...ALL_ANSWERS.slice(1)]));
    assert.equal(state.status.kind, 'explained', JSON.stringify(state.status.quality?.problems));
    const answerLine = noteHoverMarkdown(state, 'file:///w/src/prices.ts')!.split('\n\n')[1];
    assert.ok(answerLine.endsWith('…'), answerLine);
    assert.ok(answerLine.length <= `**${CORE_SECTIONS[0].title}.** `.length + 160, `${answerLine.length} characters`);
  });

  it('the block has its network question (from the syntax tree, not from the note)', () => {
    assert.ok(QUESTIONS.some((question) => question.text.includes('timeout on `fetch(url)`')), JSON.stringify(QUESTIONS));
    assert.deepEqual(assess(undefined).questions.map(({ id, text }) => ({ id, text })), QUESTIONS);
  });

  it('the question in the note is checked: leaving it unanswered keeps the note a draft', () => {
    const state = assess(answered(newNote(blockText), [...ANSWERS]));
    assert.equal(state.status.kind, 'draft');
    assert.ok(state.status.quality?.problems.some((problem) => problem.code === 'unanswered-question'));
  });

  it('a changed block makes the note stale: two lenses, and the hover shows the diff', () => {
    const note = answered(newNote(blockText), ALL_ANSWERS);
    const edited = FILE_TEXT.replace('price > 0', 'price >= 0');
    const state = assess(note, edited);
    assert.equal(state.status.kind, 'stale');
    assert.ok(isAwaiting(state));
    assert.deepEqual(
      noteLenses(state).map((lens) => lens.command),
      ['comprehension.notes.open', 'comprehension.notes.markReviewed'],
    );
    const hover = noteHoverMarkdown(state, 'file:///w/src/prices.ts')!;
    assert.match(hover, /```diff\n[\s\S]*-  return body\.prices\.filter\(\(price\) => price > 0\);\n\+  return body\.prices\.filter\(\(price\) => price >= 0\);/);
  });

  it('trailing spaces and line endings do not make a note stale', () => {
    const note = answered(newNote(blockText), ALL_ANSWERS);
    const reformatted = FILE_TEXT.replace(/\n/g, '  \r\n');
    assert.equal(assess(note, reformatted).status.kind, 'explained');
  });

  it('command links written in a note are made inert in the hover', () => {
    const sneaky = `${ANSWERS[0]} [click](command:comprehension.unmarkBlock?%5B%5D)`;
    const state = assess(answered(newNote(blockText), [sneaky, ...ALL_ANSWERS.slice(1)]));
    assert.equal(state.status.kind, 'explained', JSON.stringify(state.status.quality?.problems));
    const hover = noteHoverMarkdown(state, 'file:///w/src/prices.ts')!;
    assert.ok(!hover.includes('command:comprehension.unmarkBlock'));
    assert.ok(hover.includes('[click](#'));
  });

  it('level 0 in a critical path flags the block without asking for a note', () => {
    const policy: Policy = { ...defaultPolicy(), level: 0 };
    const state = assess(undefined, FILE_TEXT, policy, BLOCK, true);
    assert.equal(state.requirement.flagOnly, true);
    assert.deepEqual(noteLenses(state), []);
    assert.equal(isAwaiting(state), false);
    assert.equal(describeNoteStatus(state), 'discouraged here');
    assert.match(noteHoverMarkdown(state, 'file:///w/a.ts')!, /discouraged/);
  });
});
