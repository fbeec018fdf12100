import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from './args';

/**
 * Writes a report to `--output FILE` (relative to `cwd`). A file that cannot be written (a missing
 * folder, a full disk, `/dev/full`, no permission) is a {@link UsageError} naming the file and the
 * reason, so the run exits 2 with one line instead of a stack trace.
 */
export function writeOutputFile(cwd: string, output: string, text: string): void {
  try {
    writeFileSync(resolve(cwd, output), text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'its folder does not exist' : code === 'ENOSPC' ? 'no space left on the device' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message;
    throw new UsageError(`--output ${output}: cannot write the report: ${why}`);
  }
}
