import { fileURLToPath } from 'node:url';

/** File-URI helpers for the server (which has no `vscode.Uri`). */
export const URI = {
  /** The file-system path of a `file:` URI, or undefined for other schemes. */
  toFsPath(uri: string): string | undefined {
    if (!uri.startsWith('file:')) return undefined;
    try {
      return fileURLToPath(uri);
    } catch {
      return undefined;
    }
  },
};
