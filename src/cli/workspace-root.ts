import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The workspace a CLI run works on: the nearest folder up from `cwd` holding `.comprehension/`,
 * else the nearest holding `.git`, else `cwd` itself. `--root` overrides.
 */
export function findWorkspaceRoot(cwd: string, explicit?: string): string {
  if (explicit) return resolve(cwd, explicit);
  for (const marker of ['.comprehension', '.git']) {
    let folder = resolve(cwd);
    for (;;) {
      if (existsSync(join(folder, marker))) return folder;
      const parent = dirname(folder);
      if (parent === folder) break;
      folder = parent;
    }
  }
  return resolve(cwd);
}
