import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { getApi, runBuiltCli, waitFor, workspaceRoot } from './harness';


const FILE = 'src/ledger.ts';
const CODE = [
  'export async function postEntry(url: string, cents: number): Promise<boolean> {',
  '  const response = await fetch(url, { method: "POST", body: JSON.stringify({ cents }) });',
  '  if (!response.ok) throw new Error(`ledger said ${response.status}`);',
  '  return true;',
  '}',
  '',
].join('\n');

/**
 * The note's creation time is the only part that depends on when it was written (the editor wrote
 * its note seconds before the CLI wrote its own); everything else must match byte for byte.
 */
function withoutTimestamps(note: string): string {
  return note.replace(/^(createdAt|updatedAt): .*$/gm, '$1: <time>');
}

describe('comprehension note FILE:LINE and the editor write the same note', function () {
  this.timeout(120000);

  it('"Explain this AI block" and the built CLI produce identical notes for the same block', async () => {
    const api = await getApi();
    await api.whenProvenanceReady();
    // A project set up for the product has .comprehension/; the CLI finds the workspace root by it.
    mkdirSync(join(workspaceRoot().fsPath, '.comprehension'), { recursive: true });
    const uri = vscode.Uri.joinPath(workspaceRoot(), FILE);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(CODE));

    // An agent's block, recorded the way agents record theirs; the editor picks it up from disk.
    const marked = await runBuiltCli(['mark', '--file', FILE, '--lines', '1-5', '--agent', 'claude-code']);
    assert.equal(marked.code, 0, marked.stdout + marked.stderr);
    const block = await waitFor(api.onDidChangeBlocks, async () => (await api.getBlocks(uri)).find((b) => b.agent === 'claude-code'), 'the marked block', 45000);
    assert.deepEqual([block.startLine, block.endLine], [1, 5]);

    const noteUri = await vscode.commands.executeCommand<vscode.Uri>('comprehension.notes.write', uri, block.id);
    assert.ok(noteUri && existsSync(noteUri.fsPath), 'the editor wrote the note');
    const fromEditor = readFileSync(noteUri.fsPath, 'utf8');
    assert.match(fromEditor, /^## What it does$/m);
    assert.match(fromEditor, /^### .*timeout.*fetch/im, 'the block questions come from the syntax tree');

    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(noteUri);
    assert.ok(!existsSync(noteUri.fsPath));

    const run = await runBuiltCli(['note', `${FILE}:3`]);
    assert.equal(run.code, 0, run.stderr);
    const relative = noteUri.fsPath.slice(workspaceRoot().fsPath.length + 1).split('\\').join('/');
    assert.equal(run.stdout, `${relative}\n`, 'the CLI prints the note path, relative to the workspace');
    const fromCli = readFileSync(noteUri.fsPath, 'utf8');
    assert.equal(withoutTimestamps(fromCli), withoutTimestamps(fromEditor));
    assert.notEqual(withoutTimestamps(fromCli), fromCli, 'the timestamps were there to normalise');

    const again = await runBuiltCli(['note', `${FILE}:1`]);
    assert.equal(again.stdout, run.stdout);
    assert.equal(readFileSync(noteUri.fsPath, 'utf8'), fromCli, 'a second run leaves the note as it is');
  });
});
