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
 * the longest word at a place: what a case-insensitive alternation of the words finds, in a fraction
 * of irregexp's time on real code. The secrets rules look for some 160 trigger words at every offset
 * of every file; irregexp tries the alternation at each offset, where this keeps the last three
 * characters as one number, tests that number's bit in a set of the words' first three characters,
 * and walks a trie only where the bit is set (about one offset in seventy on real code).
 */
export class WordScanner {
  /** `node * 128 + character` → the child node, or -1. Node 0 is the root. */
  private readonly transitions: Int32Array;
  /** Per node, the index in {@link words} of the word ending there; -1 when none does. */
  private readonly wordAt: Int32Array;
  private readonly words: string[] = [];
  /**
   * One bit per three lower-cased ASCII characters (`first << 14 | second << 7 | third`, 2^21 bits,
   * 256 KiB): set when some word starts with them, and for a two-character word whatever follows it
   * (0 standing for a non-ASCII character or the text's end). One branch-free test per character:
   * a table of a pair's thirds behind a table of pairs took a third longer, for its dependent load.
   */
  private readonly startBits = new Int32Array(1 << 16);

  /** @param words ASCII words of two characters or more, without NUL; their case does not matter. */
  constructor(words: Iterable<string>) {
    const children: number[][] = [[]];
    const wordAt: number[] = [-1];
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
      const pair = (word.charCodeAt(0) << 14) | (word.charCodeAt(1) << 7);
      if (word.length > 2) this.setStart(pair | word.charCodeAt(2));
      else for (let third = 0; third < 128; third++) this.setStart(pair | third);
    }
    this.transitions = new Int32Array(children.length * 128).fill(-1);
    children.forEach((next, node) => next.forEach((child, code) => (this.transitions[node * 128 + code] = child)));
    this.wordAt = Int32Array.from(wordAt);
  }

  private setStart(triple: number): void {
    this.startBits[triple >>> 5] |= 1 << (triple & 31);
  }

  /** The first word that starts at `from` or later (the longest of those starting there), or undefined. */
  find(text: string, from: number): WordHit | undefined {
    const end = text.length;
    if (from < 0) from = 0;
    if (from + 1 >= end) return undefined;
    const startBits = this.startBits;
    // The characters at `at`, `at + 1` and `at + 2`, seven bits each.
    let triple = (ASCII_LOWER[text.charCodeAt(from)] << 7) | ASCII_LOWER[text.charCodeAt(from + 1)];
    for (let at = from; at + 1 < end; at++) {
      const third = at + 2 < end ? ASCII_LOWER[text.charCodeAt(at + 2)] : 0;
      triple = ((triple << 7) | third) & 0x1fffff;
      if (((startBits[triple >>> 5] >>> (triple & 31)) & 1) !== 0) {
        const word = this.longestWordAt(text, at);
        if (word >= 0) return { at, word: this.words[word] };
      }
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
