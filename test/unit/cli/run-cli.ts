import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCli } from '../../../src/cli/cli';
import '../../../src/cli/commands';
import type { ProvenanceRecord } from '../../../src/core/provenance/record';

/** Helpers shared by the CLI tests: in-process runs, temp git repositories, records on disk. */

/** One in-process CLI run. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in `cwd`; `stdin` is what the command reads from standard input. */
export async function cli(cwd: string, args: string[], stdin?: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    cwd,
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    ...(stdin !== undefined ? { readStdin: async () => stdin } : {}),
  });
  return { code, stdout, stderr };
}

/** Writes a file under `root`, creating folders. */
export function write(root: string, path: string, text: string | Buffer): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

/** Runs git in `root` (extra environment, e.g. commit dates). */
export function git(root: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });
}

/** A fresh repository (`git init -q -b main`) in a temp folder. */
export function tempRepo(prefix: string): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  git(root, ['init', '-q', '-b', 'main']);
  return root;
}

/** Every provenance record on disk, sorted by path then line. */
export function records(root: string): ProvenanceRecord[] {
  const folder = join(root, '.comprehension/provenance');
  let names: string[] = [];
  try {
    names = readdirSync(folder).filter((name) => name.endsWith('.json') && !name.startsWith('.'));
  } catch {
    return [];
  }
  return names
    .map((name) => JSON.parse(readFileSync(join(folder, name), 'utf8')) as ProvenanceRecord)
    .sort((a, b) => a.files[0].path.localeCompare(b.files[0].path) || rangeOf(a)[0] - rangeOf(b)[0]);
}

/** `[start, end]` of a record. */
export function rangeOf(record: ProvenanceRecord): [number, number] {
  const range = record.files[0].conversations[0].ranges[0];
  return [range.start_line, range.end_line];
}

/** `path:start-end` of every record, for compact assertions. */
export function ranges(root: string): string[] {
  return records(root).map((record) => `${record.files[0].path}:${rangeOf(record).join('-')}`);
}
