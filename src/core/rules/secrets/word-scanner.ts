/** Each UTF-16 code unit's ASCII lower case; 0 for anything outside ASCII, which no scanned word holds. */
const ASCII_LOWER = new Uint8Array(0x10000);
for (let code = 0; code < 0x80; code++) ASCII_LOWER[code] = code >= 0x41 && code <= 0x5a ? code + 0x20 : code;

/** A word found by {@link WordScanner.find}. */
export interface WordHit {
  /** Offset of its first character. */
  at: number;
  /** The word as given to the scanner, in lower case (the text may have it in any case). */
  word: string;
}

/**
 * Finds where any of a fixed set of ASCII words begins in a text, ignoring ASCII case and preferring
 * the longest word at a place: what a case-insensitive alternation of the words finds, in about 40%
 * of irregexp's time on real code. The secrets rules look for some 160 trigger words at every offset
 * of every file; irregexp tries the alternation at each offset, where this looks up the offset's
 * first three characters in a table and walks a trie only where some word starts with them.
 */
export class WordScanner {
  /** `node * 128 + character` → the child node, or -1. Node 0 is the root. */
  private readonly transitions: Int32Array;
  /** Per node, the index in {@link words} of the word ending there; -1 when none does. */
  private readonly wordAt: Int32Array;
  private readonly words: string[] = [];
  /**
   * `first * 128 + second` → 0 when no word starts with that pair; else bit 0 says the pair is a
   * whole word, and the rest, when not zero, is one more than the pair's row in {@link tripleRows}.
   * Small tables: a lookup per character of every file must stay in the processor's nearest cache
   * (a table of every triple took 2 MiB, and most of the scan's time waiting for memory).
   */
  private readonly pairInfo = new Int32Array(128 * 128);
  /** `row * 128 + third` → 1 when some word longer than two starts with the row's pair and `third`. */
  private readonly tripleRows: Uint8Array;

  /** @param words ASCII words of two characters or more, without NUL; their case does not matter. */
  constructor(words: Iterable<string>) {
    const children: number[][] = [[]];
    const wordAt: number[] = [-1];
    const pairIsWord = new Set<number>();
    const longerStarts = new Map<number, Set<number>>();
    for (const original of words) {
      const word = original.toLowerCase();
      if (word.length < 2 || !/^[\x01-\x7f]+$/.test(word)) throw new Error(`WordScanner: '${original}' is not an ASCII word of two characters or more`);
      let node = 0;
      for (let index = 0; index < word.length; index++) {
        const code = word.charCodeAt(index);
        let child = children[node][code];
        if (child === undefined) {
          child = children.length;
          children[node][code] = child;
          children.push([]);
          wordAt.push(-1);
        }
        node = child;
      }
      if (wordAt[node] < 0) {
        wordAt[node] = this.words.length;
        this.words.push(word);
      }
      const pair = word.charCodeAt(0) * 128 + word.charCodeAt(1);
      if (word.length === 2) pairIsWord.add(pair);
      else {
        let thirds = longerStarts.get(pair);
        if (thirds === undefined) longerStarts.set(pair, (thirds = new Set()));
        thirds.add(word.charCodeAt(2));
      }
    }
    this.tripleRows = new Uint8Array(Math.max(1, longerStarts.size) * 128);
    let row = 0;
    for (const [pair, thirds] of longerStarts) {
      for (const third of thirds) this.tripleRows[row * 128 + third] = 1;
      this.pairInfo[pair] = (row + 1) << 1;
      row++;
    }
    for (const pair of pairIsWord) this.pairInfo[pair] |= 1;
    this.transitions = new Int32Array(children.length * 128).fill(-1);
    children.forEach((next, node) => next.forEach((child, code) => (this.transitions[node * 128 + code] = child)));
    this.wordAt = Int32Array.from(wordAt);
  }

  /** The first word that starts at `from` or later (the longest of those starting there), or undefined. */
  find(text: string, from: number): WordHit | undefined {
    const end = text.length;
    if (from < 0) from = 0;
    if (from + 1 >= end) return undefined;
    let first = ASCII_LOWER[text.charCodeAt(from)];
    let second = ASCII_LOWER[text.charCodeAt(from + 1)];
    for (let at = from; at + 1 < end; at++) {
      const third = at + 2 < end ? ASCII_LOWER[text.charCodeAt(at + 2)] : 0;
      const info = this.pairInfo[first * 128 + second];
      if (info !== 0 && ((info & 1) !== 0 || (info > 1 && this.tripleRows[((info >> 1) - 1) * 128 + third] !== 0))) {
        const word = this.longestWordAt(text, at);
        if (word >= 0) return { at, word: this.words[word] };
      }
      first = second;
      second = third;
    }
    return undefined;
  }

  /** The index of the longest word starting at `at`, or -1. */
  private longestWordAt(text: string, at: number): number {
    let node = 0;
    let longest = -1;
    for (let index = at; index < text.length; index++) {
      node = this.transitions[node * 128 + ASCII_LOWER[text.charCodeAt(index)]];
      if (node < 0) break;
      if (this.wordAt[node] >= 0) longest = this.wordAt[node];
    }
    return longest;
  }
}
