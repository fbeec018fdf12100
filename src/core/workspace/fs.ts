import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Writes a file so that readers see either the old or the new content, never a torn write:
 * the text goes to a temp file in the same folder, then replaces the target by rename.
 */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = tempPathFor(path);
  try {
    await writeFile(temp, content, { encoding: 'utf8', flush: true });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Synchronous twin of {@link writeFileAtomic}, for shutdown paths that cannot await. */
export function writeFileAtomicSync(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = tempPathFor(path);
  try {
    writeFileSync(temp, content, { encoding: 'utf8', flush: true });
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** A file's UTF-8 text, or undefined when it cannot be read (missing, a folder, no permission). */
export function readTextFileSync(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The outcome of reading a JSON file that may be missing or damaged. */
export type JsonRead<T> =
  | { kind: 'ok'; value: T }
  | { kind: 'missing' }
  | { kind: 'corrupt'; message: string };

/**
 * Reads and parses a JSON file without throwing: a missing file and a damaged one are results,
 * so callers can report a corrupt file clearly and leave it untouched (nothing is lost).
 */
export async function readJsonFile<T>(path: string): Promise<JsonRead<T>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'corrupt', message: `cannot read ${path}: ${(error as Error).message}` };
  }
  return parseJsonText<T>(text, path);
}

/** Synchronous twin of {@link readJsonFile}. */
export function readJsonFileSync<T>(path: string): JsonRead<T> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'corrupt', message: `cannot read ${path}: ${(error as Error).message}` };
  }
  return parseJsonText<T>(text, path);
}

function parseJsonText<T>(text: string, path: string): JsonRead<T> {
  try {
    return { kind: 'ok', value: JSON.parse(text) as T };
  } catch (error) {
    return { kind: 'corrupt', message: `${path} is not valid JSON: ${(error as Error).message}` };
  }
}
