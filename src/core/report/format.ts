import { secondsDuration } from '../practice/format';
import type { DrillStats } from './scorecard';
/** `42%` for 0.42; `n/a` when there is nothing to divide by. */
export function formatPercent(value: number | null): string {
  if (value === null) return 'n/a';
  const percent = value * 100;
  // One decimal only where rounding would claim 0% or 100% for something that is not.
  if ((percent > 0 && percent < 1) || (percent > 99 && percent < 100)) return `${percent.toFixed(1)}%`;
  return `${Math.round(percent)}%`;
}

/** Integers with thousands separators (`12,345`), independent of the machine's locale. */
export function formatCount(value: number): string {
  const rounded = Math.round(value);
  return String(rounded).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A rate with one decimal, or `n/a`. */
export function formatRate(value: number | null): string {
  return value === null ? 'n/a' : value.toFixed(1);
}

/** `1 day`, `3 days`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(count)} ${count === 1 ? singular : pluralForm}`;
}

/** Minutes as `45 min` or `2 h 05 min`. */
export function formatMinutes(minutes: number): string {
  const rounded = Math.round(minutes);
  if (rounded < 60) return `${rounded} min`;
  return `${Math.floor(rounded / 60)} h ${String(rounded % 60).padStart(2, '0')} min`;
}

/** The drill figures in one sentence (Markdown and HTML both show it). */
export function drillSentence(drills: DrillStats): string {
  if (drills.total === 0) return 'Debugging drills: none in this period.';
  const median = drills.medianDiagnosisSeconds === null ? 'none solved' : secondsDuration(drills.medianDiagnosisSeconds);
  return (
    `Debugging drills: ${drills.solved} solved of ${drills.total} (${drills.givenUp} given up${drills.abandoned > 0 ? `, ${drills.abandoned} abandoned` : ''}); ` +
    `median time to correct diagnosis ${median}; ${drills.hintsUsed} hint${drills.hintsUsed === 1 ? '' : 's'} taken.`
  );
}
