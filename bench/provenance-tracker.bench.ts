import { random } from './support';
import { BlockTracker, type TextChange } from '../src/core/provenance/tracker';

/**
 * Cost of one change event for the block tracker: 1,000 blocks in a 20,000-line file, 20,000
 * random single-line edits (typing, Enter at the end of a line, a line pasted at column 0, a line
 * deleted), each timed alone. The baseline applies the same edits to a plain array of line strings,
 * the least any line-aware editor model pays, measured in the same run.
 */

const LINE_COUNT = 20_000;
const BLOCK_COUNT = 1_000;
const EVENT_COUNT = 20_000;
const WARMUP_EVENTS = 5_000;


function initialLines(): string[] {
  return Array.from({ length: LINE_COUNT }, (_, i) => (i % 7 === 0 ? '' : `  const value${i} = compute(${i}, options);`));
}

/** Edits generated against a line count that follows them, so every change is valid when applied. */
function makeEvents(count: number, seed: number): TextChange[] {
  const next = random(seed);
  let lineCount = LINE_COUNT;
  const events: TextChange[] = [];
  for (let i = 0; i < count; i++) {
    const line = Math.floor(next() * (lineCount - 1));
    const roll = next();
    const at = (character: number) => ({ line, character });
    if (roll < 0.4) {
      events.push({ range: { start: at(4), end: at(4) }, text: 'x' });
    } else if (roll < 0.6) {
      events.push({ range: { start: at(40), end: at(40) }, text: '\n  ' });
      lineCount++;
    } else if (roll < 0.75) {
      events.push({ range: { start: at(0), end: at(0) }, text: '  log.debug("step");\n' });
      lineCount++;
    } else {
      events.push({ range: { start: at(0), end: { line: line + 1, character: 0 } }, text: '' });
      lineCount--;
    }
  }
  return events;
}

function trackerWithBlocks(): BlockTracker {
  const tracker = new BlockTracker();
  const next = random(7);
  const stride = LINE_COUNT / BLOCK_COUNT;
  for (let i = 0; i < BLOCK_COUNT; i++) {
    const start = i * stride + 1 + Math.floor(next() * 5);
    const length = 3 + Math.floor(next() * 10);
    tracker.addBlock(start, Math.min(start + length - 1, (i + 1) * stride), {
      source: i % 2 === 0 ? 'inline-completion' : 'agent-write',
      confidence: 'certain',
    });
  }
  return tracker;
}

/** The baseline: the same edit on an array of line strings. */
function applyToLines(lines: string[], change: TextChange): void {
  const { start, end } = change.range;
  const first = lines[start.line];
  const last = lines[end.line];
  const head = first.slice(0, Math.min(start.character, first.length));
  const tail = last.slice(Math.min(end.character, last.length));
  const pieces = `${head}${change.text}${tail}`.split('\n');
  if (pieces.length === 1 && start.line === end.line) lines[start.line] = pieces[0];
  else lines.splice(start.line, end.line - start.line + 1, ...pieces);
}

function percentile(sorted: Float64Array, fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
}

function summarize(samples: Float64Array): { medianUs: number; p99Us: number; meanUs: number } {
  const sorted = Float64Array.from(samples).sort();
  const mean = samples.reduce((sum, value) => sum + value, 0) / samples.length;
  const round = (value: number) => Math.round(value * 1000) / 1000;
  return { medianUs: round(percentile(sorted, 0.5)), p99Us: round(percentile(sorted, 0.99)), meanUs: round(mean) };
}

/** Runs the benchmark and returns its figures (the runner writes them to bench/results/). */
export async function run(): Promise<Record<string, unknown>> {
  // Warm up both code paths so the JIT has compiled them before anything is timed.
  const warmTracker = trackerWithBlocks();
  const warmLines = initialLines();
  for (const change of makeEvents(WARMUP_EVENTS, 99)) {
    warmTracker.applyChanges([change]);
    applyToLines(warmLines, change);
  }

  const events = makeEvents(EVENT_COUNT, 42);
  const tracker = trackerWithBlocks();
  const trackerSamples = new Float64Array(EVENT_COUNT);
  let dropped = 0;
  let modified = 0;
  for (let i = 0; i < EVENT_COUNT; i++) {
    const batch = [events[i]];
    const started = process.hrtime.bigint();
    const result = tracker.applyChanges(batch);
    trackerSamples[i] = Number(process.hrtime.bigint() - started) / 1000;
    dropped += result.dropped.length;
    modified += result.newlyModified.length;
  }

  const lines = initialLines();
  const baselineSamples = new Float64Array(EVENT_COUNT);
  for (let i = 0; i < EVENT_COUNT; i++) {
    const change = events[i];
    const started = process.hrtime.bigint();
    applyToLines(lines, change);
    baselineSamples[i] = Number(process.hrtime.bigint() - started) / 1000;
  }

  // A timer-only loop: what measuring itself costs per sample.
  const timerSamples = new Float64Array(EVENT_COUNT);
  for (let i = 0; i < EVENT_COUNT; i++) {
    const started = process.hrtime.bigint();
    timerSamples[i] = Number(process.hrtime.bigint() - started) / 1000;
  }

  const trackerStats = summarize(trackerSamples);
  const baselineStats = summarize(baselineSamples);
  return {
    lines: LINE_COUNT,
    blocks: BLOCK_COUNT,
    events: EVENT_COUNT,
    tracker: trackerStats,
    baselineLineArray: baselineStats,
    timerOverhead: summarize(timerSamples),
    medianRatioTrackerToBaseline: Math.round((trackerStats.medianUs / baselineStats.medianUs) * 100) / 100,
    blocksRemaining: tracker.size,
    blocksDropped: dropped,
    blocksMarkedModified: modified,
    goalMedianUs: 50,
    meetsGoal: trackerStats.medianUs < 50,
    node: process.version,
  };
}
