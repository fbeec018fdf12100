import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { type WordHit, WordScanner } from '../../../src/core/rules/secrets/word-scanner';

/** The obvious answer: at each offset from `from`, the longest word that starts there, ASCII case ignored. */
function naiveFind(words: readonly string[], text: string, from: number): WordHit | undefined {
  const lower = (value: string): string => value.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
  const folded = lower(text);
  for (let at = Math.max(0, from); at < text.length; at++) {
    let longest = '';
    for (const word of words.map(lower)) if (word.length > longest.length && folded.startsWith(word, at)) longest = word;
    if (longest !== '') return { at, word: longest };
  }
  return undefined;
}

function allHits(find: (from: number) => WordHit | undefined): WordHit[] {
  const hits: WordHit[] = [];
  for (let hit = find(0); hit; hit = find(hit.at + hit.word.length)) hits.push(hit);
  return hits;
}

describe('secrets: the trigger word scanner', () => {
  it('finds the longest word at the first offset that has one, ignoring ASCII case only', () => {
    const scanner = new WordScanner(['key', 'keyid', 'ghp_', '0|', 'AKIA']);
    assert.deepEqual(scanner.find('const apiKeyId = 1', 0), { at: 9, word: 'keyid' });
    assert.deepEqual(scanner.find('const apiKeyId = 1', 10), undefined);
    assert.deepEqual(scanner.find('x akia', 0), { at: 2, word: 'akia' });
    assert.deepEqual(scanner.find('1|0|', 0), { at: 2, word: '0|' }, 'a two-character word, at the very end');
    // No fold from outside ASCII: the Kelvin sign is not K, the long s is not s.
    assert.equal(scanner.find('\u212Aey ſ ghp\u0131', 0), undefined);
    assert.equal(scanner.find('', 0), undefined);
    assert.equal(scanner.find('k', 0), undefined);
  });

  it('refuses words it cannot scan for', () => {
    assert.throws(() => new WordScanner(['k']), /two characters or more/);
    assert.throws(() => new WordScanner(['clé']), /ASCII word/);
  });

  it('finds what the obvious search finds, on random words and texts', () => {
    // A small alphabet with both cases and some non-ASCII, so words overlap, nest and repeat.
    const letter = fc.constantFrom('a', 'b', 'A', 'B', '_', '|', '0');
    const word = fc.array(letter, { minLength: 2, maxLength: 5 }).map((letters) => letters.join(''));
    const textChar = fc.constantFrom('a', 'b', 'A', 'B', '_', '|', '0', ' ', 'é', '\u212A', '\n');
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 8 }), fc.array(textChar, { maxLength: 60 }), (words, chars) => {
        const text = chars.join('');
        const scanner = new WordScanner(words);
        assert.deepEqual(
          allHits((from) => scanner.find(text, from)),
          allHits((from) => naiveFind(words, text, from)),
        );
      }),
      { numRuns: 500 },
    );
  });
});
