import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { getApi, keys, openFile, screenshot, waitFor, waitForDiagnostics, workspaceRoot } from './harness';

const hasEvalFinding = (diagnostics: vscode.Diagnostic[]) => diagnostics.some((d) => d.code === 'security/eval');

async function runningServerPid(api: Awaited<ReturnType<typeof getApi>>, notPid?: number): Promise<number> {
  return waitFor(
    api.onDidChangeServerState,
    () => (api.serverState === 'running' && api.serverInfo && api.serverInfo.pid !== notPid ? api.serverInfo.pid : undefined),
    `a running server${notPid ? ` other than pid ${notPid}` : ''}`,
    30000,
  );
}

describe('Foundation', () => {
  it('activates on startup and starts the language server', async () => {
    const extension = vscode.extensions.getExtension('comprehension-first.comprehension-first');
    assert.ok(extension, 'extension is installed in the host');
    const api = await getApi();
    assert.equal(extension.isActive, true);
    const pid = await runningServerPid(api);
    assert.ok(pid > 0 && pid !== process.pid, 'the server runs in its own process');
  });

  it('reports a diagnostic after a WorkspaceEdit', async () => {
    const editor = await openFile('src/sample.ts');
    const edit = new vscode.WorkspaceEdit();
    edit.insert(editor.document.uri, new vscode.Position(3, 0), '\nexport const value = eval("1 + 1");\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const diagnostics = await waitForDiagnostics(editor.document.uri, hasEvalFinding, 'security/eval after a WorkspaceEdit');
    const finding = diagnostics.find((d) => d.code === 'security/eval');
    assert.equal(finding?.range.start.line, 4);
    assert.equal(finding?.severity, vscode.DiagnosticSeverity.Error);
  });

  it('reports a diagnostic after typing on the keyboard', async () => {
    const uri = vscode.Uri.joinPath(workspaceRoot(), 'src/typed.ts');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('// typed by the test\n'));
    const editor = await vscode.window.showTextDocument(uri);
    editor.selection = new vscode.Selection(1, 0, 1, 0);
    const typed = waitFor(vscode.workspace.onDidChangeTextDocument, () => editor.document.getText().includes('eval(input)'), 'the typed text');
    await keys({ type: 'type', text: 'const run = (input: string) => eval(input)' }, { type: 'press', key: 'Escape' });
    await typed;
    await waitForDiagnostics(uri, hasEvalFinding, 'security/eval after typing');
    await screenshot('foundation-typed-diagnostic');
  });

  it('shows the server state in the language status item', async () => {
    const api = await getApi();
    const pid = await runningServerPid(api);
    assert.match(api.serverStatusItem.text, /Comprehension/);
    assert.equal(api.serverStatusItem.detail, `server running (v${api.serverInfo?.version}, pid ${pid})`);
  });

  it('restarts the server after its process is killed, and diagnostics return', async () => {
    const api = await getApi();
    const editor = await openFile('src/sample.ts');
    await waitForDiagnostics(editor.document.uri, hasEvalFinding, 'the finding before the kill');
    const oldPid = await runningServerPid(api);
    const stopped = waitFor(api.onDidChangeServerState, () => api.serverState === 'restarting', 'the client to notice the dead server');
    process.kill(oldPid, 'SIGKILL');
    await stopped;
    const newPid = await runningServerPid(api, oldPid);
    assert.notEqual(newPid, oldPid);
    // The next edit is served by the new process.
    const edit = new vscode.WorkspaceEdit();
    edit.insert(editor.document.uri, new vscode.Position(0, 0), '// after restart\n');
    await vscode.workspace.applyEdit(edit);
    const diagnostics = await waitForDiagnostics(
      editor.document.uri,
      (items) => items.some((d) => d.code === 'security/eval' && d.range.start.line === 5),
      'the finding from the restarted server',
    );
    assert.ok(hasEvalFinding(diagnostics));
  });

  it('restarts the server with the Restart command', async () => {
    const api = await getApi();
    const oldPid = await runningServerPid(api);
    await vscode.commands.executeCommand('comprehension.restartServer');
    const newPid = await runningServerPid(api, oldPid);
    assert.notEqual(newPid, oldPid);
    const editor = await openFile('src/sample.ts');
    await waitForDiagnostics(editor.document.uri, hasEvalFinding, 'the finding after the Restart command');
  });
});
