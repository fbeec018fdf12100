import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { getApi, keys, openFile, screenshot, waitFor, waitForDiagnostics, workspaceRoot } from './harness';

/** A GitHub-token-shaped fake, built at run time so the repository holds no scannable secret. */
function fakeGithubToken(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let body = '';
  for (let i = 0; i < 36; i++) body += alphabet[(i * 7 + 3) % alphabet.length];
  return ['gh', 'p_', body].join('');
}

async function codeActionsAt(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  return (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range)) ?? [];
}

describe('Policy diagnostics', () => {
  before(async () => {
    const api = await getApi();
    await waitFor(api.onDidChangeServerState, () => api.serverState === 'running', 'the server', 30000);
  });

  it('flags a secret typed into a file, and its quick fix replaces it with an environment read', async () => {
    const uri = vscode.Uri.joinPath(workspaceRoot(), 'src/config.ts');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('// service configuration\n'));
    const editor = await vscode.window.showTextDocument(uri);
    editor.selection = new vscode.Selection(1, 0, 1, 0);
    const token = fakeGithubToken();
    const typed = waitFor(vscode.workspace.onDidChangeTextDocument, () => editor.document.getText().includes(`${token}';`), 'the typed secret');
    await keys({ type: 'type', text: `export const githubToken = '${token}';` }, { type: 'press', key: 'Escape' });
    await typed;
    const diagnostics = await waitForDiagnostics(uri, (items) => items.some((d) => d.code === 'secrets/hardcoded-secret'), 'the secret finding');
    const finding = diagnostics.find((d) => d.code === 'secrets/hardcoded-secret')!;
    assert.equal(finding.range.start.line, 1);
    assert.ok(!finding.message.includes(token.slice(4)), 'the message never repeats the secret');
    await screenshot('policy-secret-flagged');

    const fix = (await codeActionsAt(uri, finding.range)).find((action) => /environment/i.test(action.title));
    assert.ok(fix?.edit, 'an environment-variable quick fix is offered');
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.match(editor.document.lineAt(1).text, /^export const githubToken = process\.env\.GITHUB_TOKEN;?$/);
    await waitForDiagnostics(uri, (items) => !items.some((d) => d.code === 'secrets/hardcoded-secret'), 'the finding to go');
  });

  it('flags a broken policy file at its line, and a fixed one takes effect', async () => {
    const policyUri = vscode.Uri.joinPath(workspaceRoot(), '.comprehension/policy.yaml');
    await vscode.workspace.fs.writeFile(policyUri, new TextEncoder().encode('level: 1\nrules:\n  security/eval: off\n'));
    const sample = await openFile('src/sample.ts');
    const edit = new vscode.WorkspaceEdit();
    edit.insert(sample.document.uri, new vscode.Position(0, 0), 'export const policyProbe = eval("2");\n');
    await vscode.workspace.applyEdit(edit);
    await waitForDiagnostics(sample.document.uri, (items) => !items.some((d) => d.code === 'security/eval'), 'eval off by policy');

    const policy = await vscode.window.showTextDocument(policyUri);
    const broken = new vscode.WorkspaceEdit();
    broken.replace(policyUri, policy.document.lineAt(2).range, '  security/eval: sometimes');
    await vscode.workspace.applyEdit(broken);
    const problems = await waitForDiagnostics(policyUri, (items) => items.some((d) => d.code === 'policy/invalid'), 'the policy problem');
    const problem = problems.find((d) => d.code === 'policy/invalid')!;
    assert.equal(problem.range.start.line, 2);
    assert.equal(problem.range.start.character, 17);
    assert.equal(problem.severity, vscode.DiagnosticSeverity.Error);
    await screenshot('policy-broken-file');

    // Fixing the file turns the rule back on for the other file.
    const fixed = new vscode.WorkspaceEdit();
    fixed.replace(policyUri, policy.document.lineAt(2).range, '  security/eval: warning');
    await vscode.workspace.applyEdit(fixed);
    await waitForDiagnostics(policyUri, (items) => items.length === 0, 'the policy to be clean');
    const back = await waitForDiagnostics(sample.document.uri, (items) => items.some((d) => d.code === 'security/eval'), 'eval back as a warning');
    assert.equal(back.find((d) => d.code === 'security/eval')?.severity, vscode.DiagnosticSeverity.Warning);
  });

  it('a suppression with a reason, added through the code action, silences the finding', async () => {
    const uri = vscode.Uri.joinPath(workspaceRoot(), 'src/formula.ts');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('export function compute(formula: string) {\n  return eval(formula);\n}\n'));
    const editor = await vscode.window.showTextDocument(uri);
    const diagnostics = await waitForDiagnostics(uri, (items) => items.some((d) => d.code === 'security/eval'), 'the eval finding');
    const finding = diagnostics.find((d) => d.code === 'security/eval')!;
    const suppress = (await codeActionsAt(uri, finding.range)).find((action) => action.command?.command === 'comprehension.suppressWithReason');
    assert.ok(suppress?.command, 'a suppress action is offered');
    // The command asks for the reason in an input box; the test passes it as the command's second argument.
    const [args] = suppress.command.arguments as [unknown];
    assert.equal(await vscode.commands.executeCommand(suppress.command.command, args, 'formulas come from our signed config only'), true);
    assert.equal(editor.document.lineAt(1).text, '  // comprehension-ignore security/eval -- formulas come from our signed config only');
    await waitForDiagnostics(uri, (items) => items.length === 0, 'the finding to be silenced');
  });
});
