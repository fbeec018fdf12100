/**
 * Checking an answer against a fact the tool knows (facts.ts finds them in the syntax tree). Plain
 * text work, so the note checks can use it without a parser.
 */

/** A timeout the code sets on one network call. */
export interface TimeoutFact {
  kind: 'timeout';
  /** The id of the network question about that call (`questionId('network', call text)`). */
  questionId: string;
  /** The timeout in milliseconds. */
  milliseconds: number;
  /** Where the value is written, as code: `AbortSignal.timeout(5_000)`, `timeout: WEBHOOK_TIMEOUT_MS`. */
  source: string;
}

const UNIT_MILLISECONDS: ReadonlyArray<[RegExp, number]> = [
  [/^(?:ms|msec|millis|milliseconds?)$/i, 1],
  [/^(?:s|secs?|seconds?)$/i, 1000],
  [/^(?:m|mins?|minutes?)$/i, 60_000],
];

/** Durations an answer states ("5 s", "5000 ms", "5_000ms", "two minutes" is not read), in milliseconds. */
export function statedDurations(answer: string): number[] {
  const durations: number[] = [];
  for (const match of answer.matchAll(/(\d[\d_,]*(?:\.\d+)?)\s*([a-z]+)\b/gi)) {
    const value = Number(match[1].replace(/[_,]/g, ''));
    const unit = UNIT_MILLISECONDS.find(([pattern]) => pattern.test(match[2]));
    if (unit && Number.isFinite(value)) durations.push(value * unit[1]);
  }
  return durations;
}

/** "5 s", "1.5 s", "250 ms", "2 min": how the tool says a duration back. */
export function formatDuration(milliseconds: number): string {
  if (milliseconds >= 60_000 && milliseconds % 60_000 === 0) return `${milliseconds / 60_000} min`;
  if (milliseconds >= 1000) return `${milliseconds / 1000} s`;
  return `${milliseconds} ms`;
}

/**
 * What is wrong with an answer about a known timeout: undefined when it states the value (with a
 * unit), otherwise the plain-words message ("the timeout is 5 s (`AbortSignal.timeout(5_000)`);
 * the answer says 10 s").
 */
export function timeoutAnswerProblem(answer: string, fact: TimeoutFact): { code: 'wrong-fact' | 'missing-fact'; message: string } | undefined {
  const stated = statedDurations(answer);
  if (stated.includes(fact.milliseconds)) return undefined;
  const known = `the timeout is ${formatDuration(fact.milliseconds)} (\`${fact.source}\`)`;
  if (stated.length > 0) return { code: 'wrong-fact', message: `${capitalise(known)}; the answer says ${stated.map(formatDuration).join(', ')}.` };
  if (/\bno timeout\b|\bwithout (?:a )?timeout\b|\bnever times? out\b/i.test(answer)) {
    return { code: 'wrong-fact', message: `${capitalise(known)}; the answer says there is none.` };
  }
  return { code: 'missing-fact', message: `${capitalise(known)}; the answer does not say how long, with its unit.` };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
