/**
 * Damerau–Levenshtein distance in its "optimal string alignment" form: insertions, deletions,
 * substitutions and transpositions of adjacent characters each cost 1 (a substring is never edited
 * twice, which makes no difference at the distances typos live at). Compares UTF-16 code units.
 *
 * Returns `limit + 1` as soon as the distance is known to exceed `limit`, so comparing one name
 * against hundreds stays cheap.
 */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;

  // Three rolling rows: two back for transpositions, one back, and the current one.
  let twoBack = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMinimum = current[0];
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        value = Math.min(value, twoBack[j - 2] + 1);
      }
      current[j] = value;
      if (value < rowMinimum) rowMinimum = value;
    }
    // No later row can go below this row's minimum (a transposition costs as much as the diagonal it skips), so stop early.
    if (rowMinimum > limit) return limit + 1;
    [twoBack, previous, current] = [previous, current, twoBack];
  }
  const distance = previous[b.length];
  return distance > limit ? limit + 1 : distance;
}
