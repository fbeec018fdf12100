import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DATA_DIR } from '../core/workspace/layout';
import { UsageError } from './args';

/**
 * The workspace a CLI run works on: the nearest folder up from `cwd` that holds `.comprehension/`
 * or `.git` (so a repository nested inside another project is its own workspace), else `cwd`
 * itself. `--root` overrides; it must name an existing folder (a typo in CI must not check an
 * empty tree and pass), else a {@link UsageError}.
 */
export function findWorkspaceRoot(cwd: string, explicit?: string): string {
  if (explicit) {
    const root = resolve(cwd, explicit);
    let isFolder = false;
    try {
      isFolder = statSync(root).isDirectory();
    } catch {
      throw new UsageError(`--root ${explicit}: no such folder`);
    }
    if (!isFolder) throw new UsageError(`--root ${explicit}: not a folder`);
    return root;
  }
  let folder = resolve(cwd);
  for (;;) {
    if (existsSync(join(folder, DATA_DIR)) || existsSync(join(folder, '.git'))) return folder;
    const parent = dirname(folder);
    if (parent === folder) return resolve(cwd);
    folder = parent;
  }
}
