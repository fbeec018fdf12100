/**
 * The candidate a misspelt word most likely meant, or undefined when none is close.
 * Case differences, prefixes (`warn` for `warning`) and small edit distances count as close.
 */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  if (lower.length === 0) return undefined;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const other = candidate.toLowerCase();
    if (other === lower) return candidate;
    let distance = editDistance(lower, other);
    // A prefix is a strong hint even when the missing tail is long (`warn` → `warning`).
    if (lower.length >= 3 && (other.startsWith(lower) || lower.startsWith(other))) distance = Math.min(distance, 1);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const allowed = Math.max(2, Math.floor(lower.length / 3));
  return bestDistance <= allowed ? best : undefined;
}

/** ` Did you mean "x"?` or an empty string, ready to append to a message. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const match = closestMatch(word, candidates);
  return match === undefined ? '' : ` Did you mean "${match}"?`;
}

/** Levenshtein distance with one rolling row: policy words are short, so this stays cheap. */
function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}
