import type { RuleFinding } from '../../check/findings';
import type { RuleContext } from '../rule';
import { secretsHardcodedSecret } from '../secrets/hardcoded-secret';

/**
 * The spans `secrets/hardcoded-secret` reports in this file, under its default options: an
 * infrastructure finding about a value it already reports (a vendor key, a high-entropy password)
 * would say the same thing twice. Run only when an infrastructure rule has a candidate.
 */
export function secretSpans(context: RuleContext): readonly { start: number; end: number }[] {
  return secretsHardcodedSecret.check({ ...context, options: { ...secretsHardcodedSecret.defaultOptions } }).map(({ start, end }) => ({ start, end }));
}

/** True when a span of `spans` overlaps `[start, end)`. */
export function overlapsAny(spans: readonly { start: number; end: number }[], start: number, end: number): boolean {
  return spans.some((span) => span.start < end && start < span.end);
}

/** Drops the candidates the secrets rule already reports (computed only when there is a candidate). */
export function withoutReportedSecrets(context: RuleContext, candidates: RuleFinding[]): RuleFinding[] {
  if (candidates.length === 0) return candidates;
  const spans = secretSpans(context);
  return candidates.filter((candidate) => !overlapsAny(spans, candidate.start, candidate.end));
}
