import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The user's cache folder for this tool (`$XDG_CACHE_HOME/comprehension-first`, else
 * `~/Library/Caches/…` on macOS, `%LOCALAPPDATA%\…` on Windows, `~/.cache/…`), never the repository.
 * Registry answers and V8's code cache live in subfolders.
 */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const base =
    env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.length > 0
      ? env.XDG_CACHE_HOME
      : platform === 'win32' && env.LOCALAPPDATA
        ? env.LOCALAPPDATA
        : platform === 'darwin'
          ? join(homedir(), 'Library', 'Caches')
          : join(homedir(), '.cache');
  return join(base, 'comprehension-first');
}
