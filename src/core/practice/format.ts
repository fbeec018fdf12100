/**
 * Texts of practice mode: the live minute count of a running session, the status-bar text, and
 * the end-of-session summary. No `vscode` import, so the wording is unit-tested in plain Node.
 */
import {
  describeSlot,
  sessionTotals,
  type DeferredSlot,
  type PracticeTally,
  type RecordedValue,
  type RestoreResult,
  type SessionRecord,
  type SkippedKey,
  type UpdateFailure,
} from './index';

/**
 * Active time of a running session at `now`: what the tally credited up to its last event, plus
 * the stretch since then as the next event would credit it (all of it within the idle timeout,
 * the grace after a longer gap, nothing after a blur). The tally itself is not changed.
 */
export function liveActiveMs(tally: PracticeTally, now: number): number {
  const credited = sessionTotals(tally).activeMs;
  if (tally.endedAt !== undefined || tally.idle || now <= tally.lastEventAt) return credited;
  const gap = now - Math.max(tally.lastEventAt, tally.startedAt);
  return credited + (gap <= tally.idleTimeoutMs ? gap : Math.min(tally.graceMs, gap));
}

/** Whole minutes, rounded down (a minute shows once it is complete). */
export function wholeMinutes(ms: number): number {
  return Math.max(0, Math.floor(ms / 60_000));
}

/** `45m`, `1h 05m`: short enough for the status bar. */
export function shortDuration(ms: number): string {
  const minutes = wholeMinutes(ms);
  if (minutes < 60) return `${minutes}m`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** `38 min`, `1 h 5 min`: for sentences. */
export function longDuration(ms: number): string {
  const minutes = wholeMinutes(ms);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** `42 s`, `3 min 5 s`: a drill's time to correct diagnosis, where seconds matter. */
export function secondsDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const minutes = Math.floor(whole / 60);
  return minutes > 0 ? `${minutes} min ${whole % 60} s` : `${whole} s`;
}

/** The status-bar text while practising: `$(mortar-board) 12m`. */
export function practisingStatusText(activeMs: number): string {
  return `$(mortar-board) ${shortDuration(activeMs)}`;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** `14:05` in the zone. */
export function clockTime(epochMs: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(epochMs);
}

/** `2026-03-15 14:05` in the zone. */
export function dateTime(epochMs: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(epochMs);
  return `${parts} ${clockTime(epochMs, timeZone)}`;
}

function showValue(value: RecordedValue): string {
  return value.state === 'unset' ? 'not set' : JSON.stringify(value.value);
}

/** Why a session ended, as the summary's first line says it. */
export type SessionEnd = 'stopped' | 'recovered';

/** Everything the end-of-session summary reports. */
export interface SessionSummaryInput {
  result: RestoreResult;
  end: SessionEnd;
  timeZone: string;
  /** Keys the session could not switch off (not registered in this VS Code), from the start. */
  skipped?: readonly SkippedKey[];
  /** Updates VS Code refused when the session started. */
  startFailures?: readonly UpdateFailure[];
}

const DEFERRED_REASONS: Record<DeferredSlot['reason'], string> = {
  'other-workspace': 'belongs to another workspace; it is restored when that workspace is opened',
  'not-inspected': 'could not be read from this window',
  unregistered: 'is no longer known to VS Code (its extension was removed?)',
};

/** The summary shown in the practice output channel when a session ends (plain text lines). */
export function sessionSummaryLines(input: SessionSummaryInput): string[] {
  const { result, timeZone } = input;
  const session: SessionRecord | undefined = result.session;
  const totals = result.totals ?? (session ? sessionTotals(session) : undefined);
  const lines: string[] = [];
  const started = session ? dateTime(session.startedAt, timeZone) : 'unknown start';
  const ended = session?.endedAt !== undefined ? clockTime(session.endedAt, timeZone) : '?';
  const how = input.end === 'recovered' ? ' (ended by VS Code closing; recovered at the next start)' : '';
  lines.push(`Practice session ${started} – ${ended}${how}`);
  if (totals) {
    lines.push(`  Active time: ${longDuration(totals.activeMs)}`);
    lines.push(`  Typed by hand: ${plural(totals.typedChars, 'character')}, ${plural(totals.typedLines, 'line')}`);
    lines.push(`  Files touched: ${totals.files.length}${totals.files.length > 0 ? ` (${totals.files.join(', ')})` : ''}`);
    lines.push(`  AI insertions during practice: ${totals.breaches.length}`);
    for (const breach of totals.breaches) {
      lines.push(`    ${breach.file}:${breach.line}  ${breach.source}  at ${clockTime(breach.at, timeZone)}`);
    }
  }
  const exercises = session?.exercises ?? [];
  if (exercises.length > 0) {
    lines.push(`  Exercises: ${exercises.length}`);
    for (const exercise of exercises) {
      lines.push(`    ${exercise.file} (block ${exercise.blockId}): ${Math.round(exercise.similarity * 100)}% similar, ${longDuration(exercise.durationSeconds * 1000)}`);
    }
  }
  lines.push(`  AI settings restored: ${result.restored}${result.complete ? '' : ' (not all; see below)'}`);
  if (result.rebuilt) lines.push(`  Of those, rebuilt from the practice journal because a settings file had lost them (emptied or damaged when VS Code was killed while saving it): ${result.rebuilt}`);
  if (result.respectedUserChanges.length > 0) {
    lines.push('  Settings you changed during the session (left as you set them):');
    for (const change of result.respectedUserChanges) {
      lines.push(`    ${describeSlot(change)}: ${showValue(change.current)} (was ${showValue(change.previous)} before the session)`);
    }
  }
  for (const slot of result.deferred) lines.push(`  Not restored yet: ${describeSlot(slot)} ${DEFERRED_REASONS[slot.reason]}.`);
  for (const failure of result.failures) lines.push(`  VS Code refused to restore ${describeSlot(failure.update)}: ${failure.message}`);
  for (const failure of input.startFailures ?? []) lines.push(`  Could not switch off ${describeSlot(failure.update)}: ${failure.message}`);
  const skipped = input.skipped ?? [];
  if (skipped.length > 0) lines.push(`  Not switched off (not known to this VS Code): ${skipped.map((item) => item.key).join(', ')}`);
  if (result.historyError) lines.push(`  The practice history could not be saved: ${result.historyError}`);
  if (result.journalError) lines.push(`  Practice journal: ${result.journalError}`);
  if (result.journalSetAside) lines.push(`  The practice journal (with the earlier values of what was not restored) was kept as ${result.journalSetAside}; practice can start again.`);
  return lines;
}

/** The one message at the end of a session: `Practice ended: 38 min active, 1 AI insertion.` */
export function sessionEndMessage(result: RestoreResult): string {
  const totals = result.totals ?? (result.session ? sessionTotals(result.session) : undefined);
  const active = totals ? longDuration(totals.activeMs) : '0 min';
  const breaches = totals?.breaches.length ?? 0;
  let message = `Practice ended: ${active} active, ${plural(breaches, 'AI insertion')}.`;
  if (result.respectedUserChanges.length > 0) message += ` ${plural(result.respectedUserChanges.length, 'setting')} you changed during the session stayed as you set them.`;
  if (!result.complete) {
    const unrestored = [...result.deferred.map((slot) => describeSlot(slot)), ...result.failures.map((failure) => describeSlot(failure.update))];
    message += unrestored.length > 0 ? ` Some AI settings could not be restored: ${unrestored.join(', ')}; see the summary.` : ' Some AI settings could not be restored; see the summary.';
    if (result.journalSetAside) message += ` The practice journal with their earlier values was kept as ${result.journalSetAside}.`;
  }
  return message;
}

/**
 * The question about a session VS Code left behind, with how many of its AI settings are
 * actually off now: a crash part-way through the switch-off leaves only some of them off.
 */
export function interruptedSessionMessage(startedAt: string, switched: { off: number; total: number }): string {
  const { off, total } = switched;
  const state =
    total === 0
      ? 'it switched no AI settings off'
      : off === 0
        ? `none of its ${plural(total, 'AI setting')} is off now`
        : `${off} of ${plural(total, 'AI setting')} are still off`;
  return `A practice session (started ${startedAt}) was still running when VS Code closed; ${state}. Restore them and end the session, or resume practising (every AI setting switched off again)?`;
}
