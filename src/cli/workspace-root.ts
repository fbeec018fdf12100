import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DATA_DIR } from '../core/workspace/layout';

/**
 * The workspace a CLI run works on: the nearest folder up from `cwd` that holds `.comprehension/`
 * or `.git` (so a repository nested inside another project is its own workspace), else `cwd`
 * itself. `--root` overrides.
 */
export function findWorkspaceRoot(cwd: string, explicit?: string): string {
  if (explicit) return resolve(cwd, explicit);
  let folder = resolve(cwd);
  for (;;) {
    if (existsSync(join(folder, DATA_DIR)) || existsSync(join(folder, '.git'))) return folder;
    const parent = dirname(folder);
    if (parent === folder) return resolve(cwd);
    folder = parent;
  }
}
