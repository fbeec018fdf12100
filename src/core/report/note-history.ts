/**
 * How the team's notes changed over time, from git's history of the notes folder: per month, the
 * note files added, revised and removed. Each note version is not assessed again (that would parse
 * every block at every commit); a revision therefore says a note was rewritten or re-reviewed, not
 * that a refused note became a passing one. The refused notes of today, by problem code, come from
 * the current assessment instead (`team.ts`).
 */
import { gitOrUndefined } from '../workspace/git';
import { NOTES_DIR } from '../workspace/layout';
import type { NoteHistoryMonth } from './team';

/** Separates commits in the log output (a byte no path or timestamp holds). */
const RECORD = '\x1e';

/**
 * Parses `git log --format=%x1e%ct --name-status --no-renames` output into months (UTC): a note
 * file added (`A`), changed (`M`, counted once per note and month) or deleted (`D`). Only `.md`
 * files count; merges list no files and add nothing.
 */
export function noteHistoryOfLog(output: string, since?: number): NoteHistoryMonth[] {
  const months = new Map<string, { created: number; revised: Set<string>; removed: number }>();
  for (const record of output.split(RECORD)) {
    const lines = record.split('\n');
    const seconds = Number(lines[0]?.trim());
    if (!Number.isFinite(seconds) || lines[0].trim() === '') continue;
    if (since !== undefined && seconds * 1000 < since) continue;
    const month = new Date(seconds * 1000).toISOString().slice(0, 7);
    for (const line of lines.slice(1)) {
      const match = /^([AMD])\t(.+)$/.exec(line);
      if (!match || !match[2].endsWith('.md')) continue;
      const bucket = months.get(month) ?? { created: 0, revised: new Set<string>(), removed: 0 };
      if (match[1] === 'A') bucket.created++;
      else if (match[1] === 'M') bucket.revised.add(match[2]);
      else bucket.removed++;
      months.set(month, bucket);
    }
  }
  return [...months.entries()]
    .map(([month, bucket]) => ({ month, created: bucket.created, revised: bucket.revised.size, removed: bucket.removed }))
    .sort((a, b) => a.month.localeCompare(b.month));
}

/**
 * The note history of the workspace at `root` since `since` (epoch ms; the whole history when
 * absent), from committed changes only. Undefined when `root` is not in a git repository or has no
 * commits.
 */
export async function gatherNoteHistory(root: string, since?: number): Promise<NoteHistoryMonth[] | undefined> {
  if ((await gitOrUndefined(root, ['rev-parse', '--verify', '-q', 'HEAD'])) === undefined) return undefined;
  const args = ['log', '--format=%x1e%ct', '--name-status', '--no-renames', '--relative'];
  if (since !== undefined) args.push(`--since=@${Math.floor(since / 1000)}`);
  const output = await gitOrUndefined(root, [...args, '--', NOTES_DIR]);
  return output === undefined ? undefined : noteHistoryOfLog(output, since);
}
