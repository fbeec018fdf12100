import { printable, workspaceRelativePath } from '../../core/workspace/paths';
import type { ProvenanceRecord } from '../../core/provenance/record';
import { readWorkspaceTextFile } from '../../core/workspace/files';

/**
 * What the CLI's record-writing commands (`mark`, `hook`, `import`) share: reading the file they
 * are told about and printing a block. The records themselves are written by the core ledger
 * (`core/provenance/ledger.ts`), the same one the editor uses.
 */

/** `absolute` as a workspace-relative POSIX path, or undefined when it lies outside `root`. */
export function workspaceRelative(root: string, absolute: string): string | undefined {
  // The root itself is no file to record lines of.
  return workspaceRelativePath(root, absolute) || undefined;
}

/** Why a file cannot be marked. */
export type UnreadableReason = 'missing' | 'not-a-file' | 'binary' | 'too-large';

/** The text of a file to mark, or why it has none. */
export type MarkableText =
  | { kind: 'text'; text: string }
  | { kind: 'missing' }
  | { kind: 'not-a-file' }
  | { kind: 'binary' }
  | { kind: 'too-large' }
  | { kind: 'refused'; reason: string };

/** Files larger than this are not marked (nor snapshotted): no one writes a note about them. */
export const MAX_MARKABLE_BYTES = 8 * 1024 * 1024;

/**
 * Reads a file as text for marking through the bounded reader: binary, missing, huge files and
 * refused ones (a FIFO or device, a link out of `root`) are reported, not thrown, and never block.
 */
export async function readMarkableText(absolute: string, root?: string): Promise<MarkableText> {
  const file = await readWorkspaceTextFile(absolute, { maxFileSizeBytes: MAX_MARKABLE_BYTES, root });
  switch (file.kind) {
    case 'text':
    case 'missing':
    case 'binary':
      return file;
    case 'too-large':
      return { kind: 'too-large' };
    case 'refused':
      return file.cause === 'folder' ? { kind: 'not-a-file' } : { kind: 'refused', reason: file.reason };
  }
}

/** `src/a.ts:3-7` */
export function describeRange(record: ProvenanceRecord): string {
  const range = record.files[0].conversations[0].ranges[0];
  return `${printable(record.files[0].path)}:${range.start_line}-${range.end_line}`;
}
