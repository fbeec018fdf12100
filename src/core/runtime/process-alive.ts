import { readFileSync } from 'node:fs';

/**
 * Whether process `pid` on this machine is still running: the lock holders, practice journal owners
 * and editor drills judge a holder gone by it.
 *
 * `kill(pid, 0)` answers for a process that has exited but was never reaped too. Where PID 1 does not
 * reap orphans (containers without an init, such as Docker's default, and some CI sandboxes), an editor
 * killed with its extension host stays a zombie for good, and everything it held would look held
 * forever. On Linux a zombie (`Z`) or dead (`X`) state in `/proc/<pid>/stat` counts as gone.
 */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists, owned by another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !hasExited(pid);
}

/** True when Linux's process table shows `pid` as exited and not yet reaped; false anywhere it cannot tell. */
function hasExited(pid: number): boolean {
  if (process.platform !== 'linux') return false;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return false;
  }
  // `pid (command name) state …`: the name may hold spaces and parentheses, so the state follows the last `)`.
  const state = stat.charAt(stat.lastIndexOf(')') + 2);
  return state === 'Z' || state === 'X';
}
