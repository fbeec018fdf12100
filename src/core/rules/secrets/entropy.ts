/** Per-character counts for ASCII, reused across calls: candidate values are short and many. */
const asciiCounts = new Uint32Array(128);

/**
 * Shannon entropy of `value` in bits per character (0 for the empty string).
 * Random base62 text of 16 characters scores about 3.8; English words and identifiers score lower
 * because they repeat letters.
 */
export function shannonEntropy(value: string): number {
  const length = value.length;
  if (length === 0) return 0;
  let others: Map<number, number> | undefined;
  for (let i = 0; i < length; i++) {
    const code = value.charCodeAt(i);
    if (code < 128) asciiCounts[code]++;
    else {
      others ??= new Map();
      others.set(code, (others.get(code) ?? 0) + 1);
    }
  }
  let entropy = 0;
  const add = (count: number): void => {
    const p = count / length;
    entropy -= p * Math.log2(p);
  };
  // Visit only the codes present, and reset them for the next call as we go.
  for (let i = 0; i < length; i++) {
    const code = value.charCodeAt(i);
    if (code < 128 && asciiCounts[code] > 0) {
      add(asciiCounts[code]);
      asciiCounts[code] = 0;
    }
  }
  if (others) for (const count of others.values()) add(count);
  return entropy;
}
