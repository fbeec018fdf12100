import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { getApi, waitFor, workspaceRoot } from './harness';

// Across two extension hosts (the pattern of practice.test.ts): phase one marks a block, writes its
// records, and reloads the window; the workbench starts a new extension host that runs this suite
// again, and phase two checks the block is back on the same lines of the same file.
const runDir = process.env.COMPREHENSION_TEST_RUN_DIR;
const markerPath = runDir ? join(runDir, 'provenance-reload-marker.json') : undefined;
const FILE = 'src/reloaded.ts';

describe('Provenance across a window reload', function () {
  this.timeout(180000);

  before(async function () {
    if (!markerPath || existsSync(markerPath)) return;
    const api = await getApi();
    await api.whenProvenanceReady();
    const uri = vscode.Uri.joinPath(workspaceRoot(), FILE);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('export const a = 1;\nexport function kept() {\n  return "survives a reload";\n}\n'));
    await vscode.window.showTextDocument(uri);
    await vscode.commands.executeCommand('comprehension.markLines', uri, 1, 3);
    await api.flushProvenance();
    writeFileSync(markerPath, JSON.stringify({ pid: process.pid }));
    void vscode.commands.executeCommand('workbench.action.reloadWindow');
    // This host ends with the reload; the suite runs again in the next one.
    return new Promise<void>(() => undefined);
  });

  it('a block is on the same lines after the window reloads', async () => {
    assert.ok(markerPath && existsSync(markerPath), 'phase one ran');
    const marker = JSON.parse(readFileSync(markerPath, 'utf8')) as { pid: number };
    assert.notEqual(marker.pid, process.pid, 'a new extension host');
    const api = await getApi();
    await api.whenProvenanceReady();
    const uri = vscode.Uri.joinPath(workspaceRoot(), FILE);
    const closed = await api.getBlocks(uri);
    assert.deepEqual(closed.map((b) => `${b.source}/${b.confidence} ${b.startLine}-${b.endLine}`), ['manual/certain 2-4'], 'from the records, file not yet open');
    await vscode.window.showTextDocument(uri);
    const open = await waitFor(api.onDidChangeBlocks, async () => {
      const blocks = await api.getBlocks(uri);
      return blocks.length === 1 ? blocks : undefined;
    }, 'the block in the reopened file');
    assert.deepEqual([open[0].startLine, open[0].endLine, open[0].source], [2, 4, 'manual']);
  });
});
