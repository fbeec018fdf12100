import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LspTestClient } from '../test/unit/server/lsp-client';
import { round, rssMiB, syntheticTypeScript } from './support';

/**
 * The language server's resident memory with 50 open 500-line files (each pulled once), against
 * an idle Node process started in the same run.
 */
export async function run(): Promise<Record<string, unknown>> {
  const root = mkdtempSync(join(tmpdir(), 'cf-bench-mem-'));
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'bench', dependencies: { axios: '1' } }));
  const idle = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  const client = new LspTestClient(join(__dirname, '../../dist/server.js'));
  try {
    await client.initialize(root);
    const afterStart = rssMiB(client.pid);
    for (let i = 0; i < 50; i++) {
      const uri = client.open(join(root, `src/file${i}.ts`), syntheticTypeScript(500, i * 1000));
      await client.pull(uri);
    }
    const withFiles = rssMiB(client.pid);
    const idleRss = rssMiB(idle.pid ?? -1);
    return {
      openFiles: 50,
      linesPerFile: 500,
      serverRssMiB: { afterStart: round(afterStart, 1), with50Files: round(withFiles, 1) },
      idleNodeRssMiB: round(idleRss, 1),
      ratioToIdleNode: round(withFiles / idleRss),
      perFileMiB: round((withFiles - afterStart) / 50, 2),
    };
  } finally {
    idle.kill();
    await client.stop();
    rmSync(root, { recursive: true, force: true });
  }
}
