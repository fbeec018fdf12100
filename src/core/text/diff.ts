/** One run of a line diff: `a[aStart, aEnd)` became `b[bStart, bEnd)`. */
export interface DiffRun {
  kind: 'equal' | 'delete' | 'insert';
  aStart: number;
  aEnd: number;
  bStart: number;
  bEnd: number;
}

/**
 * Line diff by Myers' O(ND) algorithm: runs in order, covering both sequences completely.
 * Adjacent deletes and inserts are reported as separate runs (delete first).
 * `maxCost` caps D (edits); past it the middle is reported as one delete plus one insert, so a
 * pathological pair of files cannot make the diff quadratic.
 */
export function diffLines(a: readonly string[], b: readonly string[], maxCost = 4000): DiffRun[] {
  // Trim the common prefix and suffix first: most real diffs are small changes in big files.
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;

  const runs: DiffRun[] = [];
  if (prefix > 0) runs.push({ kind: 'equal', aStart: 0, aEnd: prefix, bStart: 0, bEnd: prefix });
  const aMid = a.slice(prefix, a.length - suffix);
  const bMid = b.slice(prefix, b.length - suffix);
  for (const run of myers(aMid, bMid, maxCost)) {
    runs.push({ kind: run.kind, aStart: run.aStart + prefix, aEnd: run.aEnd + prefix, bStart: run.bStart + prefix, bEnd: run.bEnd + prefix });
  }
  if (suffix > 0) {
    runs.push({ kind: 'equal', aStart: a.length - suffix, aEnd: a.length, bStart: b.length - suffix, bEnd: b.length });
  }
  return mergeAdjacent(runs);
}

function myers(a: readonly string[], b: readonly string[], maxCost: number): DiffRun[] {
  const n = a.length;
  const m = b.length;
  if (n === 0 && m === 0) return [];
  if (n === 0) return [{ kind: 'insert', aStart: 0, aEnd: 0, bStart: 0, bEnd: m }];
  if (m === 0) return [{ kind: 'delete', aStart: 0, aEnd: n, bStart: 0, bEnd: 0 }];
  const max = Math.min(n + m, maxCost);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  if (!found) {
    return [
      { kind: 'delete', aStart: 0, aEnd: n, bStart: 0, bEnd: 0 },
      { kind: 'insert', aStart: n, aEnd: n, bStart: 0, bEnd: m },
    ];
  }
  // Walk the trace back from (n, m) to (0, 0), collecting single-line steps.
  const steps: DiffRun[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0 && (x > 0 || y > 0); d--) {
    const vd = trace[d];
    const k = x - y;
    const previousK = k === -d || (k !== d && vd[offset + k - 1] < vd[offset + k + 1]) ? k + 1 : k - 1;
    const previousX = d === 0 ? 0 : vd[offset + previousK];
    const previousY = previousX - previousK;
    while (x > previousX && y > previousY && x > 0 && y > 0) {
      steps.push({ kind: 'equal', aStart: x - 1, aEnd: x, bStart: y - 1, bEnd: y });
      x--;
      y--;
    }
    if (d === 0) break;
    if (x === previousX) {
      steps.push({ kind: 'insert', aStart: x, aEnd: x, bStart: y - 1, bEnd: y });
    } else {
      steps.push({ kind: 'delete', aStart: x - 1, aEnd: x, bStart: y, bEnd: y });
    }
    x = previousX;
    y = previousY;
  }
  while (x > 0 && y > 0) {
    steps.push({ kind: 'equal', aStart: x - 1, aEnd: x, bStart: y - 1, bEnd: y });
    x--;
    y--;
  }
  steps.reverse();
  return reorderDeletesFirst(mergeAdjacent(steps));
}

function mergeAdjacent(runs: DiffRun[]): DiffRun[] {
  const merged: DiffRun[] = [];
  for (const run of runs) {
    const last = merged[merged.length - 1];
    if (last && last.kind === run.kind && last.aEnd === run.aStart && last.bEnd === run.bStart) {
      last.aEnd = run.aEnd;
      last.bEnd = run.bEnd;
    } else {
      merged.push({ ...run });
    }
  }
  return merged;
}

/** Within a block of changes, put deletes before inserts so hunks read naturally. */
function reorderDeletesFirst(runs: DiffRun[]): DiffRun[] {
  const out: DiffRun[] = [];
  let i = 0;
  while (i < runs.length) {
    if (runs[i].kind === 'equal') {
      out.push(runs[i++]);
      continue;
    }
    const start = i;
    while (i < runs.length && runs[i].kind !== 'equal') i++;
    const group = runs.slice(start, i);
    const aStart = Math.min(...group.map((r) => r.aStart));
    const aEnd = Math.max(...group.map((r) => r.aEnd));
    const bStart = Math.min(...group.map((r) => r.bStart));
    const bEnd = Math.max(...group.map((r) => r.bEnd));
    if (aEnd > aStart) out.push({ kind: 'delete', aStart, aEnd, bStart, bEnd: bStart });
    if (bEnd > bStart) out.push({ kind: 'insert', aStart: aEnd, aEnd, bStart, bEnd });
  }
  return out;
}

/** Splits text into lines without their line breaks (`\n`, `\r\n`, `\r`). */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/**
 * A unified diff of two texts with `context` lines around each hunk (no file headers), for
 * hovers, notes and exercises. Empty string when the texts have the same lines.
 */
export function unifiedDiff(before: string, after: string, context = 3): string {
  const a = splitLines(before);
  const b = splitLines(after);
  const runs = diffLines(a, b);
  if (runs.every((run) => run.kind === 'equal')) return '';
  const out: string[] = [];
  let i = 0;
  while (i < runs.length) {
    while (i < runs.length && runs[i].kind === 'equal') i++;
    if (i >= runs.length) break;
    // Gather changes until a stretch of equal lines longer than twice the context separates them.
    let j = i;
    while (j < runs.length && (runs[j].kind !== 'equal' || (j + 1 < runs.length && runs[j].aEnd - runs[j].aStart <= 2 * context))) j++;
    const first = runs[i];
    const last = runs[j - 1];
    const aFrom = Math.max(0, first.aStart - context);
    const bFrom = Math.max(0, first.bStart - context);
    const aTo = Math.min(a.length, last.aEnd + context);
    const bTo = Math.min(b.length, last.bEnd + context);
    out.push(`@@ -${aFrom + 1},${aTo - aFrom} +${bFrom + 1},${bTo - bFrom} @@`);
    for (let line = aFrom; line < first.aStart; line++) out.push(` ${a[line]}`);
    for (let r = i; r < j; r++) {
      const run = runs[r];
      if (run.kind === 'equal') for (let line = run.aStart; line < run.aEnd; line++) out.push(` ${a[line]}`);
      else if (run.kind === 'delete') for (let line = run.aStart; line < run.aEnd; line++) out.push(`-${a[line]}`);
      else for (let line = run.bStart; line < run.bEnd; line++) out.push(`+${b[line]}`);
    }
    for (let line = last.aEnd; line < aTo; line++) out.push(` ${a[line]}`);
    i = j;
  }
  return out.join('\n');
}
