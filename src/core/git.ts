import { execFile } from 'node:child_process';

/** Runs git without a shell; resolves with stdout or rejects with git's own message. */
export function git(cwd: string, args: readonly string[], maxBuffer = 256 * 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', [...args], { cwd, maxBuffer, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new Error((stderr || error.message).trim()));
      else resolve(stdout);
    });
  });
}

/** 1-based inclusive line ranges. */
export type LineRanges = Array<[number, number]>;

/**
 * Lines added or changed in the working tree since `ref`, per repository-relative path: the
 * PR-gate view. Untracked (not ignored) files count as wholly changed (`'all'`).
 */
export async function changedLinesSince(root: string, ref: string): Promise<Map<string, LineRanges | 'all'>> {
  // Resolving first gives a clear error for a bad ref instead of a diff of nothing.
  await git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(() => {
    throw new Error(`'${ref}' is not a commit in this repository`);
  });
  const diff = await git(root, ['diff', '--unified=0', '--no-color', '--no-ext-diff', '--find-renames', ref, '--']);
  const changed = parseUnifiedZeroDiff(diff);
  const untracked = await git(root, ['ls-files', '-z', '--others', '--exclude-standard']);
  for (const path of untracked.split('\0').filter(Boolean)) changed.set(path, 'all');
  return changed;
}

/** Parses `git diff --unified=0` output into the added line ranges of each new-side path. */
export function parseUnifiedZeroDiff(diff: string): Map<string, LineRanges | 'all'> {
  const changed = new Map<string, LineRanges | 'all'>();
  let current: LineRanges | undefined;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ')) {
      const target = line.slice(4);
      if (target === '/dev/null') {
        current = undefined;
        continue;
      }
      const path = unquoteGitPath(target).replace(/^b\//, '');
      current = [];
      changed.set(path, current);
    } else if (line.startsWith('@@') && current) {
      const match = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
      if (!match) continue;
      const start = Number(match[1]);
      const count = match[2] === undefined ? 1 : Number(match[2]);
      if (count > 0) current.push([start, start + count - 1]);
    }
  }
  return changed;
}

/** git quotes paths with unusual characters as C strings ("a\303\251.ts"). */
function unquoteGitPath(path: string): string {
  if (!path.startsWith('"')) return path;
  const bytes: number[] = [];
  const body = path.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const char = body[i];
    if (char !== '\\') {
      bytes.push(...Buffer.from(char, 'utf8'));
      continue;
    }
    const next = body[++i];
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(body.slice(i, i + 3), 8));
      i += 2;
    } else {
      bytes.push(({ n: 10, t: 9, '"': 34, '\\': 92 } as Record<string, number>)[next] ?? next.charCodeAt(0));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Whether any line of `[startLine, endLine]` (1-based) is in `ranges`. */
export function touchesChangedLines(ranges: LineRanges | 'all' | undefined, startLine: number, endLine: number): boolean {
  if (ranges === undefined) return false;
  if (ranges === 'all') return true;
  return ranges.some(([from, to]) => from <= endLine && startLine <= to);
}
