import type { Scorecard } from './scorecard';

/** The scorecard as pretty-printed JSON (stable key order, trailing newline), for dashboards and CI artifacts. */
export function renderJson(scorecard: Scorecard): string {
  return `${JSON.stringify(scorecard, null, 2)}\n`;
}
