import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Real workspaces in temp folders for the dependency rules' tests: each file is written as given
 * (an object as pretty-printed JSON, one key a line, as package.json files are). `removeAll` in `after`.
 */
export class TempWorkspaces {
  private readonly roots: string[] = [];

  constructor(private readonly prefix: string) {}

  /** A new folder holding `files` (relative path → text or JSON value); returns its absolute path. */
  make(files: Record<string, string | object>): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), this.prefix));
    this.roots.push(root);
    for (const [relative, content] of Object.entries(files)) {
      const target = path.join(root, relative);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    }
    return root;
  }

  removeAll(): void {
    for (const root of this.roots.splice(0)) fs.rmSync(root, { recursive: true, force: true });
  }
}
