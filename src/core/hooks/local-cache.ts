import { join } from 'node:path';
import { readBoundedFile, writeFileAtomic } from '../workspace/fs';
import { GITIGNORE_PATH } from '../workspace/layout';

/**
 * `.comprehension/.cache/` holds what is true on one machine only (agent hook snapshots, where
 * the hooks find Node and the CLI): git must never pick it up.
 */

/** Workspace-relative folder of the machine-local cache. */
export { LOCAL_CACHE_DIR } from '../workspace/layout';

/** The line in `.comprehension/.gitignore` that keeps local caches out of commits. */
export const CACHE_IGNORE_LINE = '.cache/';

/**
 * Makes sure `.comprehension/.gitignore` ignores `.cache/`, adding the line (and the file) when
 * needed and leaving every other line as it is. Returns whether it changed anything.
 */
export async function ensureCacheIgnored(root: string): Promise<boolean> {
  const file = join(root, GITIGNORE_PATH);
  const read = await readBoundedFile(file, { root, maxBytes: 1024 * 1024 });
  // A refused one (a link, a device) is replaced by a plain file, never followed.
  const current = read.kind === 'ok' ? read.bytes.toString('utf8') : '';
  const lines = current.split(/\r?\n/).map((line) => line.trim());
  if (lines.some((line) => line === '.cache/' || line === '.cache' || line === '/.cache/' || line === '/.cache')) return false;
  const separator = current.length > 0 && !current.endsWith('\n') ? '\n' : '';
  const header = current.length === 0 ? '# Local caches of Comprehension First (agent hook snapshots, hook runtime); never committed.\n' : '';
  await writeFileAtomic(file, `${current}${separator}${header}${CACHE_IGNORE_LINE}\n`, { root });
  return true;
}
