import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { Scorecard } from '../../src/core/report/scorecard';
import { click, domTexts, getApi, keys, screenshot, SELECTORS, waitFor, waitForDiagnostics, waitForSelector, workspaceRoot } from './harness';

type Api = Awaited<ReturnType<typeof getApi>>;

const MISSING = 'comprehension/missing-note';
/** Playwright's way into the webview's content frame (host iframe, then the active frame inside it). */
const REPORT_FRAME = 'iframe.webview.ready >> internal:control=enter-frame >> iframe#active-frame >> internal:control=enter-frame';
const STALE = 'comprehension/stale-note';

/** A function that asks for prices: three AI lines with a network call the note's questions ask about. */
const FILE = 'src/prices.ts';
const BEFORE = 'export async function loadPrices(url: string): Promise<number[]> {\n  // fetch the prices\n}\n';
const ANCHOR = '// fetch the prices';
const COMPLETION = '\n  const response = await fetch(url);\n  const body = (await response.json()) as { prices: number[] };\n  return body.prices.filter((price) => price > 0);';
/** 0-based line of the block's first line (the completion starts after the comment line). */
const BLOCK_LINE = 2;

/** Answers in the writer's own words, naming what the code uses (each over the 8-word minimum). */
const ANSWERS: Record<string, string> = {
  'What it does':
    'loadPrices asks the price service at the given url with fetch, reads the JSON body of the response and keeps only the prices above zero.',
  'Why it is designed this way':
    'The service already returns a list under prices, so reading it straight from the body is simpler than a client library, and zero or negative entries mean missing data.',
  'Failure modes':
    'A slow service makes the request hang because there is no timeout; a network error or a body that is not JSON rejects the promise returned by loadPrices.',
  'How it is observed in production':
    'Callers log a rejected loadPrices with the url, and the pricing dashboard alerts when the number of prices shown drops to zero for five minutes.',
};
/** Answers to the block's questions, by a word of the question (each part answered on its own). */
const QUESTION_ANSWERS: ReadonlyArray<[RegExp, string]> = [
  [/timeout/, 'There is no timeout or retry here yet: if the price service stalls, loadPrices waits until the caller gives up.'],
  [/rejects/, 'A body that is not JSON makes response.json reject; the SyntaxError goes up to the caller, which logs it with the url.'],
];

function codeUri(): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), FILE);
}

async function offerCompletion(text: string, anchor: string): Promise<void> {
  await vscode.commands.executeCommand('comprehensionTest.setCompletion', text, anchor);
}

/** Waits for a condition the extension reaches on its own schedule (debounced refreshes): re-checked every 100 ms. */
function poll<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 20000): Promise<T> {
  const tick = new vscode.EventEmitter<void>();
  const timer = setInterval(() => tick.fire(), 100);
  return waitFor(tick.event, check, what, timeoutMs).finally(() => {
    clearInterval(timer);
    tick.dispose();
  });
}

async function codeLenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
}

/** Our CodeLens titles on a line (other providers, e.g. references, are left out). */
async function noteLensTitles(uri: vscode.Uri, line: number): Promise<string[]> {
  return (await codeLenses(uri)).filter((lens) => lens.range.start.line === line && lens.command?.command.startsWith('comprehension.notes.')).map((lens) => lens.command!.title);
}

async function hoverText(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position)) ?? [];
  return hovers
    .flatMap((hover) => hover.contents)
    .map((content) => (typeof content === 'string' ? content : content.value))
    .join('\n');
}

function codes(diagnostics: readonly vscode.Diagnostic[]): string[] {
  return diagnostics.map((diagnostic) => String(typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code));
}

describe('Notes', function () {
  this.timeout(120000);
  let api: Api;
  let noteUri: vscode.Uri;

  before(async () => {
    api = await getApi();
    await api.whenProvenanceReady();
    await waitFor(api.onDidChangeServerState, () => api.serverState === 'running', 'the server', 30000);
    const provider = vscode.extensions.getExtension('comprehension-test.inline-provider');
    assert.ok(provider, 'the test inline completion provider is installed');
    await provider.activate();
    await vscode.workspace.getConfiguration('editor').update('inlineSuggest.enabled', true, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await offerCompletion('', '');
  });

  it('an accepted inline completion gets one "Explain this AI block" CodeLens', async () => {
    const uri = codeUri();
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(BEFORE));
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await offerCompletion(COMPLETION, ANCHOR);
    editor.selection = new vscode.Selection(1, 21, 1, 21);
    const accepted = waitFor(vscode.workspace.onDidChangeTextDocument, () => editor.document.getText().includes('price > 0);') || undefined, 'the accepted completion');
    await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
    await keys({ type: 'waitForSelector', selector: SELECTORS.ghostText }, { type: 'press', key: 'Tab' });
    await accepted;
    await offerCompletion('', '');
    await api.flushProvenance();
    const blocks = await api.getBlocks(uri);
    assert.deepEqual(
      blocks.map((block) => [block.startLine, block.endLine, block.source]),
      [[3, 5, 'inline-completion']],
    );

    const titles = await poll(async () => {
      const found = await noteLensTitles(uri, BLOCK_LINE);
      return found.length > 0 ? found : undefined;
    }, 'the note CodeLens');
    assert.deepEqual(titles, ['$(note) Explain this AI block'], 'exactly one prompt, on the block\'s first line');
    const elsewhere = (await codeLenses(uri)).filter((lens) => lens.command?.command.startsWith('comprehension.notes.') && lens.range.start.line !== BLOCK_LINE);
    assert.deepEqual(elsewhere, [], 'no prompt on other lines');
    await poll(() => api.statusItem.text.includes('$(note) 1'), 'one block awaiting a note in the status item');

    // The picture: the prompt above the block, the block's row in the AI Blocks view, the status item.
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
    await vscode.commands.executeCommand('comprehension.aiBlocks.focus');
    // Widen the side bar (by narrowing the editor) so the block's row shows its note status.
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    for (let i = 0; i < 4; i++) await vscode.commands.executeCommand('workbench.action.decreaseViewWidth');
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    await keys(
      { type: 'waitForSelector', selector: '.monaco-editor .codelens-decoration a:has-text("Explain this AI block")' },
      { type: 'waitForSelector', selector: '.monaco-list-row:has-text("Lines 3–5")' },
    );
    await screenshot('notes-codelens');

    const diagnostics = await waitForDiagnostics(uri, (items) => codes(items).includes(MISSING), 'the missing-note finding from the server', 30000);
    const missing = diagnostics.find((d) => codes([d])[0] === MISSING)!;
    assert.equal(missing.range.start.line, BLOCK_LINE);
    // A block accepted seconds ago: information in the editor (the CodeLens is the prompt), an error in CI.
    assert.equal(missing.severity, vscode.DiagnosticSeverity.Information);
    assert.match(missing.message, /info in the editor until .* UTC; CI fails on this \(error\)/);
  });

  it('writing the note through the CodeLens saves it and clears comprehension/missing-note', async () => {
    const uri = codeUri();
    const lens = (await codeLenses(uri)).find((candidate) => candidate.command?.command === 'comprehension.notes.write');
    assert.ok(lens?.command, 'the Explain CodeLens');
    const returned = await vscode.commands.executeCommand<vscode.Uri>(lens.command.command, ...(lens.command.arguments ?? []));
    assert.ok(returned, 'the command resolves with the note');
    noteUri = returned;
    assert.match(noteUri.path, /\/\.comprehension\/notes\/[^/]+\.md$/);
    assert.ok(existsSync(noteUri.fsPath), 'the note file is created on disk');

    const noteEditor = await poll(() => vscode.window.activeTextEditor?.document.uri.toString() === noteUri.toString() && vscode.window.activeTextEditor, 'the note editor');
    assert.ok(noteEditor.viewColumn !== undefined && noteEditor.viewColumn > 1, 'the note opens beside the code');
    assert.ok(vscode.window.visibleTextEditors.some((editor) => editor.document.uri.toString() === uri.toString()), 'the code stays visible');
    const fresh = noteEditor.document.getText();
    for (const heading of Object.keys(ANSWERS)) assert.ok(fresh.includes(`## ${heading}`), `the template has "## ${heading}"`);
    assert.match(fresh, /### What is the timeout on `fetch\(url\)`, and what happens when it fails\?/, 'a question derived from the block\'s syntax tree, naming its construct');
    assert.ok(fresh.includes('return body.prices.filter((price) => price > 0);'), 'the block\'s code is recorded');

    // Answer every hint with real keys: select the hint comment and type over it.
    for (let guard = 0; guard < 12; guard++) {
      const document = noteEditor.document;
      const text = document.getText();
      const hint = /<!-- Your answer[^\n]*?-->/.exec(text);
      if (!hint) break;
      const heading = [...text.slice(0, hint.index).matchAll(/^#{2,3} (.+)$/gm)].pop()?.[1] ?? '';
      const answer = ANSWERS[heading] ?? QUESTION_ANSWERS.find(([word]) => word.test(heading))?.[1] ?? QUESTION_ANSWERS[1][1];
      noteEditor.selection = new vscode.Selection(document.positionAt(hint.index), document.positionAt(hint.index + hint[0].length));
      const typed = waitFor(vscode.workspace.onDidChangeTextDocument, () => document.getText().includes(answer) || undefined, `the answer to "${heading}"`);
      await keys({ type: 'type', text: answer, delay: 2 }, { type: 'press', key: 'Escape' });
      await typed;
    }
    assert.doesNotMatch(noteEditor.document.getText(), /<!-- Your answer/, 'every part is answered');
    const saved = waitFor(vscode.workspace.onDidSaveTextDocument, () => !noteEditor.document.isDirty || undefined, 'the note to be saved');
    await keys({ type: 'press', key: 'Control+S' });
    await saved;
    assert.equal(readFileSync(noteUri.fsPath, 'utf8'), noteEditor.document.getText(), 'the saved file is what was typed');

    await poll(async () => (await noteLensTitles(uri, BLOCK_LINE)).length === 0, 'the prompt to go once the block is explained');
    await poll(() => !api.statusItem.text.includes('$(note)'), 'no block awaiting a note in the status item');
    const hover = await hoverText(uri, new vscode.Position(BLOCK_LINE, 8));
    assert.match(hover, /explained/);
    assert.ok(hover.includes('loadPrices asks the price service'), 'the hover shows the note\'s answers');
    assert.ok(hover.includes('command:comprehension.notes.open'), 'with a link to edit it');

    await waitForDiagnostics(noteUri, (items) => items.length === 0, 'a note without quality problems', 30000);
    await waitForDiagnostics(uri, (items) => !codes(items).includes(MISSING), 'the missing-note finding to go', 30000);
  });

  it('editing the block makes the note stale; the hover shows what changed, and marking it reviewed clears it', async () => {
    const uri = codeUri();
    const document = await vscode.workspace.openTextDocument(uri);
    const line = document.lineAt(BLOCK_LINE + 2);
    const column = line.text.indexOf('price > 0');
    assert.ok(column >= 0);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(BLOCK_LINE + 2, column, BLOCK_LINE + 2, column + 'price > 0'.length), 'price >= 0');
    assert.ok(await vscode.workspace.applyEdit(edit));

    const titles = await poll(async () => {
      const found = await noteLensTitles(uri, BLOCK_LINE);
      return found.some((title) => title.includes('stale')) ? found : undefined;
    }, 'the stale CodeLens');
    assert.deepEqual(titles, ['$(note) Note is stale: still true?', 'Mark reviewed']);
    const hover = await hoverText(uri, new vscode.Position(BLOCK_LINE, 8));
    assert.match(hover, /stale/);
    assert.match(hover, /```diff\n[\s\S]*-  return body\.prices\.filter\(\(price\) => price > 0\);\n\+  return body\.prices\.filter\(\(price\) => price >= 0\);/);
    await waitForDiagnostics(uri, (items) => codes(items).includes(STALE), 'the stale-note finding from the server', 30000);

    // What a person sees: the block hover with the note status and the diff.
    const code = await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
    code.selection = new vscode.Selection(BLOCK_LINE + 2, 10, BLOCK_LINE + 2, 10);
    await vscode.commands.executeCommand('editor.action.showHover');
    await keys(
      // The editor redraws its CodeLens on its own schedule (a debounce that grows when the machine is slow).
      { type: 'waitForSelector', selector: '.monaco-editor .codelens-decoration a:has-text("Note is stale")', timeout: 30000 },
      { type: 'waitForSelector', selector: '.monaco-hover .rendered-markdown' },
    );
    await screenshot('notes-hover-stale');
    await keys({ type: 'press', key: 'Escape' });

    const review = (await codeLenses(uri)).find((lens) => lens.command?.command === 'comprehension.notes.markReviewed');
    assert.ok(review?.command);
    // No rubber stamp: the change is shown beside the code, and the note is saved only once confirmed.
    const marked = Promise.resolve(vscode.commands.executeCommand<boolean>(review.command.command, ...(review.command.arguments ?? [])));
    const diff = await poll(() => vscode.window.tabGroups.all.flatMap((group) => group.tabs).find((tab) => tab.input instanceof vscode.TabInputTextDiff), 'the diff of the block beside the code');
    // The headless window may show no toasts; the notification centre lists every message (opened
    // once the diff has taken the focus, which would close it).
    await vscode.commands.executeCommand('notifications.showList');
    const question = '.notifications-center .notification-list-item:has-text("Is every answer of the note still true?")';
    const first = await Promise.race([
      marked.then((result) => `the command resolved (${String(result)}) without asking`),
      waitForSelector(question, 30000).then(
        () => 'asked',
        async (error: Error) => {
          const shot = await screenshot('notes-review-not-asked');
          throw new Error(`${error.message}; notifications: ${JSON.stringify(await domTexts('.notifications-toasts, .notifications-center'))}; tabs: ${vscode.window.tabGroups.all.flatMap((group) => group.tabs.map((tab) => tab.label)).join(', ')}; screenshot ${shot}`);
        },
      ),
    ]);
    assert.equal(first, 'asked', 'the reviewer is asked before anything is saved');
    assert.ok(diff.input instanceof vscode.TabInputTextDiff);
    const [before, after] = await Promise.all([vscode.workspace.openTextDocument(diff.input.original), vscode.workspace.openTextDocument(diff.input.modified)]);
    assert.ok(before.getText().includes('price > 0') && after.getText().includes('price >= 0'), 'the diff shows the code as noted and as it is now');
    await screenshot('notes-review-confirm');
    await click(`${question} .monaco-button:has-text("Still True")`);
    assert.equal(await marked, true);
    await vscode.commands.executeCommand('notifications.hideList');
    const note = readFileSync(noteUri.fsPath, 'utf8');
    assert.match(note, /^reviewedAt: /m, 'reviewedAt is recorded');
    assert.ok(note.includes('price >= 0'), 'the recorded code is the current code');
    assert.ok(note.includes(ANSWERS['What it does']), 'the answers are kept');
    await poll(async () => (await noteLensTitles(uri, BLOCK_LINE)).length === 0, 'the stale prompt to go');
    await waitForDiagnostics(uri, (items) => !codes(items).includes(STALE) && !codes(items).includes(MISSING), 'the stale-note finding to go', 30000);
  });

  it('the report shows the workspace scorecard in a webview', async () => {
    await vscode.workspace.saveAll(false);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.window.showTextDocument(codeUri());
    const findings = await waitForDiagnostics(codeUri(), (items) => items.length > 0, 'the policy findings of the file', 30000);
    const scorecard = await vscode.commands.executeCommand<Scorecard>('comprehension.showReport');
    // The report checks the whole tree (closed files too) and leaves the note rules' findings to the notes section.
    const counted = findings.filter((finding) => !String(finding.code).startsWith('comprehension/'));
    assert.ok(scorecard.findings.total >= counted.length, 'every finding of the open file is counted');
    const inBlock = counted.filter((finding) => finding.range.end.line >= BLOCK_LINE && finding.range.start.line <= BLOCK_LINE + 2);
    assert.equal(scorecard.findings.insideAi, inBlock.length, 'findings overlapping lines 3–5 count as inside the AI block');
    assert.equal(scorecard.notes.aiBlocks, 1);
    assert.equal(scorecard.notes.needingNotes, 1);
    assert.equal(scorecard.notes.explained, 1);
    assert.equal(scorecard.notes.coverage, 1);
    assert.equal(scorecard.aiShare.aiLines, 3);
    assert.ok(scorecard.aiShare.totalLines >= 5, `git counts the new file's lines (${scorecard.aiShare.totalLines})`);
    assert.equal(scorecard.notes.byFile[0].path, FILE);
    const tab = await poll(
      () => vscode.window.tabGroups.activeTabGroup.activeTab?.input instanceof vscode.TabInputWebview && vscode.window.tabGroups.activeTabGroup.activeTab,
      'the report tab',
    );
    assert.match(tab.label, /Comprehension scorecard/);
    // The page is two iframes down; wait for its heading to be drawn.
    await keys({ type: 'waitForSelector', selector: `${REPORT_FRAME} >> main h1` });
    await screenshot('report');
  });
});
