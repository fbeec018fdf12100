import * as assert from 'node:assert/strict';
import { classifyDocumentChange } from '../../../src/core/practice/typing';

const one = (text: string, rangeLength = 0) => [{ text, rangeLength }];

describe('Practice client: typing classification', () => {
  it('counts one typed character as typing', () => {
    assert.deepEqual(classifyDocumentChange(one('a'), false), { kind: 'typing', chars: 1, lines: 0 });
    assert.deepEqual(classifyDocumentChange(one('x', 3), false), { kind: 'typing', chars: 1, lines: 0 }, 'typing over a selection');
  });

  it('counts a character with its auto-closed partner as one typed character', () => {
    for (const pair of ['()', '[]', '{}', '""', "''", '``']) assert.deepEqual(classifyDocumentChange(one(pair), false), { kind: 'typing', chars: 1, lines: 0 }, pair);
  });

  it('counts Enter with the indentation the editor adds as one typed line', () => {
    assert.deepEqual(classifyDocumentChange(one('\n    '), false), { kind: 'typing', chars: 0, lines: 1 });
    assert.deepEqual(classifyDocumentChange(one('\r\n\t'), false), { kind: 'typing', chars: 0, lines: 1 });
    assert.deepEqual(classifyDocumentChange(one('\n    \n'), false), { kind: 'typing', chars: 0, lines: 1 }, 'Enter between brackets');
  });

  it('counts deletions and Tab indentation as typing', () => {
    assert.deepEqual(classifyDocumentChange(one('', 1), false), { kind: 'typing', chars: 0, lines: 0 });
    assert.deepEqual(classifyDocumentChange(one('    '), false), { kind: 'typing', chars: 1, lines: 0 });
  });

  it('does not count accepted completions, pastes, multi-cursor edits or undo as typed text', () => {
    const edit = { kind: 'edit', chars: 0, lines: 0 };
    assert.deepEqual(classifyDocumentChange(one('items.reduce((sum, item) => sum + item, 0);'), false), edit);
    assert.deepEqual(classifyDocumentChange(one('\n  let sum = 0;\n  return sum;'), false), edit);
    assert.deepEqual(classifyDocumentChange(one('ab'), false), edit, 'two letters at once are not a keystroke');
    assert.deepEqual(classifyDocumentChange([{ text: 'a', rangeLength: 0 }, { text: 'a', rangeLength: 0 }], false), edit, 'two cursors');
    assert.deepEqual(classifyDocumentChange(one('a'), true), edit, 'undo');
  });

  it('ignores changes without content (dirty-state events)', () => {
    assert.equal(classifyDocumentChange([], false), undefined);
  });
});
