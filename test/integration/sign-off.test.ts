import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { parseNote, updateNoteText } from '../../src/core/notes/note-file';
import { defaultPolicy } from '../../src/core/policy/policy';
import { notePathFor } from '../../src/core/workspace/layout';
import { AI_CODE, passingNote } from '../unit/cli/ai-block-fixture';
import { domTexts, getApi, pressKeys, runBuiltCli, screenshot, waitFor, waitForDiagnostics, waitForSelector, workspaceRoot } from './harness';

const FILE = 'src/payments/retry.ts';
const UNREVIEWED = 'comprehension/unreviewed-ai-block';
const MISSING = 'comprehension/missing-note';
/** The signer: this run's repository gets its own identity, whatever the machine's is. */
const REVIEWER = { name: 'Rita Reviewer', email: 'rita@example.com' };
const policy = { ...defaultPolicy(), criticalPaths: ['src/payments/**'] };

function codes(diagnostics: readonly vscode.Diagnostic[]): string[] {
  return diagnostics.map((diagnostic) => String(typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code));
}

async function writeText(uri: vscode.Uri, text: string): Promise<void> {
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
}

describe('Reviewer sign-off in the editor', function () {
  this.timeout(240000);

  it('signs off a critical-path AI block as someone other than its note\'s author; signing one\'s own note is refused', async () => {
    const api = await getApi();
    await api.whenProvenanceReady();
    await waitFor(api.onDidChangeServerState, () => api.serverState === 'running', 'the server', 60000);
    const root = workspaceRoot();
    execFileSync('git', ['config', 'user.name', REVIEWER.name], { cwd: root.fsPath });
    execFileSync('git', ['config', 'user.email', REVIEWER.email], { cwd: root.fsPath });
    await writeText(vscode.Uri.joinPath(root, '.comprehension/policy.yaml'), 'level: 1\ncriticalPaths:\n  - src/payments/**\n');
    const uri = vscode.Uri.joinPath(root, FILE);
    await writeText(uri, AI_CODE);

    // An agent's block, recorded as agents record theirs; the editor picks it up from disk.
    const marked = await runBuiltCli(['mark', '--file', FILE, '--lines', '3-8', '--agent', 'claude-code']);
    assert.equal(marked.code, 0, marked.stdout + marked.stderr);
    const block = await waitFor(api.onDidChangeBlocks, async () => (await api.getBlocks(uri)).find((b) => b.agent === 'claude-code'), 'the marked block', 60000);
    // Alice wrote the note (a passing one); the machine's one git identity is the reviewer's.
    const noteUri = vscode.Uri.joinPath(root, notePathFor(block.id));
    const alicesNote = updateNoteText(passingNote(policy, block, FILE, AI_CODE, true), { frontMatter: { author: 'Alice Author <alice@example.com>' } });
    await writeText(noteUri, alicesNote);

    await vscode.window.showTextDocument(uri);
    const before = await waitForDiagnostics(uri, (items) => codes(items).includes(UNREVIEWED) && !codes(items).includes(MISSING), 'the unreviewed-block finding', 90000);
    assert.match(before.find((d) => d.code === UNREVIEWED || (d.code as { value?: string })?.value === UNREVIEWED)!.message, /comprehension review src\/payments\/retry\.ts:3/);

    const signing = Promise.resolve(vscode.commands.executeCommand<boolean>('comprehension.notes.signOff', uri, block.id));
    const question = '.quick-input-widget:has-text("Sign off the AI block at src/payments/retry.ts:3")';
    const first = await Promise.race([
      signing.then((result) => `the command resolved (${String(result)}) without asking`),
      waitForSelector(question, 60000).then(() => 'asked'),
    ]);
    assert.equal(first, 'asked', 'the reviewer is asked before anything is signed');
    assert.ok(
      vscode.window.visibleTextEditors.some((editor) => editor.document.uri.fsPath === noteUri.fsPath),
      'the note is shown beside the code before the question',
    );
    assert.ok(vscode.window.visibleTextEditors.some((editor) => editor.document.uri.fsPath === uri.fsPath), 'and the code');
    const asked = (await domTexts('.quick-input-widget')).join('\n');
    assert.match(asked, /Sign Off/);
    assert.match(asked, /as Rita Reviewer <rita@example\.com>/);
    await screenshot('sign-off-confirm');
    // "Sign Off" is the first, active item.
    await pressKeys('Enter');
    assert.equal(await signing, true);
    const signOffs = parseNote(readFileSync(noteUri.fsPath, 'utf8')).frontMatter?.signOffs ?? [];
    assert.deepEqual(signOffs.map((signOff) => signOff.by), ['Rita Reviewer <rita@example.com>']);
    await waitForDiagnostics(uri, (items) => !codes(items).includes(UNREVIEWED), 'the unreviewed-block finding to go', 90000);

    // The same reviewer's own note: refused with the reason, nothing written.
    const ritasNote = updateNoteText(alicesNote, { frontMatter: { author: 'Rita Reviewer <RITA@example.com>' } });
    await writeText(noteUri, ritasNote);
    await waitForDiagnostics(uri, (items) => codes(items).includes(UNREVIEWED), 'the finding back for a note without a sign-off', 90000);
    const own = await vscode.commands.executeCommand<boolean>('comprehension.notes.signOff', uri, block.id);
    assert.equal(own, false);
    // The headless window may show no toasts; the notification centre lists every message.
    await vscode.commands.executeCommand('notifications.showList');
    const refusal = '.notifications-center .notification-list-item:has-text("wrote this note")';
    await waitForSelector(refusal, 60000);
    const message = (await domTexts(refusal)).join('\n');
    assert.match(message, /Cannot sign off the AI block at src\/payments\/retry\.ts:3: Rita Reviewer <RITA@example\.com> wrote this note; a sign-off must come from someone else/);
    await screenshot('sign-off-own-note-refused');
    await vscode.commands.executeCommand('notifications.hideList');
    assert.equal(readFileSync(noteUri.fsPath, 'utf8'), ritasNote, 'a refused sign-off writes nothing');
    // In the editor a fresh block's missing sign-off is information during notes.editorGraceHours; CI fails on it.
    const shown = vscode.languages.getDiagnostics(uri).filter((d) => codes([d])[0].startsWith('comprehension/'));
    assert.deepEqual(shown.map((d) => [codes([d])[0], d.severity]), [[UNREVIEWED, vscode.DiagnosticSeverity.Information]], JSON.stringify(vscode.languages.getDiagnostics(uri).map((d) => [d.code, d.severity, d.message])));
  });
});
