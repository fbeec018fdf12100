import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { STARTER_POLICY_YAML } from '../../src/core/policy/starter';
import type { Block } from '../../src/core/provenance/block';
import { renderHtml } from '../../src/core/report/render-html';
import type { Scorecard } from '../../src/core/report/scorecard';
import { domTexts, EXTENSION_ID, getApi, keys, screenshot, waitFor, waitForDiagnostics, workspaceRoot } from './harness';

type Api = Awaited<ReturnType<typeof getApi>>;

/** Playwright's way into a webview's content frame (host iframe, then the active frame inside it). */
const WEBVIEW_FRAME = 'iframe.webview.ready >> internal:control=enter-frame >> iframe#active-frame >> internal:control=enter-frame';
const BLOCK_FILE = 'src/onboarding-totals.ts';
const BLOCK_TEXT = [
  '// Invoice totals.',
  'export function invoiceTotal(lines: { cents: number; quantity: number }[]): number {',
  '  let total = 0;',
  '  for (const line of lines) total += line.cents * line.quantity;',
  '  return total;',
  '}',
  '',
].join('\n');

/** Switches the colour theme through the configuration API and waits until the workbench shows it. */
async function useTheme(theme: string, kind: vscode.ColorThemeKind.Light | vscode.ColorThemeKind.Dark): Promise<void> {
  const applied = waitFor(vscode.window.onDidChangeActiveColorTheme, () => vscode.window.activeColorTheme.kind === kind, `the ${theme} theme`);
  await vscode.workspace.getConfiguration('workbench').update('colorTheme', theme, vscode.ConfigurationTarget.Global);
  await applied;
  // The workbench's root element carries the theme type once the theme is painted.
  await keys({ type: 'waitForSelector', selector: kind === vscode.ColorThemeKind.Dark ? '.monaco-workbench.vs-dark' : '.monaco-workbench.vs', state: 'attached' });
}

function hoverTexts(hovers: readonly vscode.Hover[]): string[] {
  return hovers.flatMap((hover) => hover.contents).map((content) => (typeof content === 'string' ? content : content.value));
}

describe('Onboarding', function () {
  this.timeout(120000);
  let api: Api;

  before(async () => {
    api = await getApi();
  });

  it('the status item shows from activation, quietly, with no AI block anywhere', async () => {
    // Right after activation: nothing recorded yet, and no editor open.
    assert.deepEqual(
      { visible: api.statusItem.visible, text: api.statusItem.text },
      { visible: true, text: '$(sparkle) 0 AI' },
    );
    assert.match(api.statusItem.tooltip, /Counts the blocks of the current file that an AI wrote/);
    assert.match(api.statusItem.tooltip, /\[Get started\]\(command:comprehension\.openWalkthrough\)/);
    assert.match(api.statusItem.tooltip, /\[Show AI Blocks\]\(command:comprehension\.aiBlocks\.focus\)/);
    await api.whenProvenanceReady();
    assert.equal(api.statusItem.text, '$(sparkle) 0 AI', 'still quiet once provenance is loaded');
    await keys({ type: 'waitForSelector', selector: '.statusbar-item:has-text("0 AI")' });
    assert.ok((await domTexts('.statusbar-item')).some((text) => text.trim() === '0 AI'), 'the status bar shows it');
  });

  it('the walkthrough is contributed and opens with its first step', async () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { walkthroughs: { id: string; title: string; steps: { id: string }[] }[] } };
    assert.deepEqual(
      manifest.contributes.walkthroughs.map((walkthrough) => [walkthrough.id, walkthrough.title, walkthrough.steps.length]),
      [['getStarted', 'Get started with Comprehension First', 4]],
    );
    // The step's media is laid out beside the steps only when the editor is wide enough.
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
    await vscode.commands.executeCommand('comprehension.openWalkthrough');
    await keys(
      { type: 'waitForSelector', selector: '.gettingStartedContainer h2:has-text("Get started with Comprehension First")' },
      { type: 'waitForSelector', selector: '.gettingStartedContainer .getting-started-step.expanded:has-text("See an AI block")' },
      // The step's Markdown media renders in a webview beside the steps.
      { type: 'waitForSelector', selector: `${WEBVIEW_FRAME} >> h1:has-text("See an AI block")`, timeout: 20000 },
    );
    await screenshot('walkthrough');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('an AI Blocks row reads out its file, lines, source and note state, in a light and a dark theme', async () => {
    await api.whenProvenanceReady();
    const uri = vscode.Uri.joinPath(workspaceRoot(), BLOCK_FILE);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(BLOCK_TEXT));
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const marked = await vscode.commands.executeCommand<Block | undefined>('comprehension.markLines', uri, 1, 5, { agent: 'Copilot' });
    assert.ok(marked, 'the lines are marked');
    await waitFor(api.onDidChangeBlocks, async () => (await api.getBlocks(uri)).length === 1, 'the marked block');
    assert.match(api.statusItem.text, /\$\(sparkle\) 1 AI/, 'the status item counts the block of this file');

    await api.flushProvenance();
    const row = await waitFor(api.onDidChangeAiBlocksRows, async () => (await api.aiBlocksRows()).find((candidate) => candidate.label === 'Lines 2–6'), 'the block row');
    assert.match(row.description, /^manual · certain/);
    assert.match(row.accessibilityLabel, /^AI block in src\/onboarding-totals\.ts, lines 2 to 6, marked by hand, certain, note: /);
    assert.doesNotMatch(row.accessibilityLabel, /[✓·]/, 'words, no symbols');

    await vscode.commands.executeCommand('comprehension.aiBlocks.focus');
    // The label reaches the DOM as the row's aria-label.
    await keys({ type: 'waitForSelector', selector: '.monaco-list-row[aria-label^="AI block in src/onboarding-totals.ts, lines 2 to 6"]' });
    editor.selection = new vscode.Selection(2, 0, 2, 0);
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('comprehension.aiBlocks.focus');

    for (const [theme, kind, name] of [
      ['Default Light Modern', vscode.ColorThemeKind.Light, 'ai-blocks-light'],
      ['Default Dark Modern', vscode.ColorThemeKind.Dark, 'ai-blocks-dark'],
    ] as const) {
      await useTheme(theme, kind);
      await keys({ type: 'waitForSelector', selector: '.monaco-list-row:has-text("Lines 2–6")' });
      // The focused row shows its inline action (the unmark icon), as under the mouse.
      await vscode.commands.executeCommand('comprehension.aiBlocks.focus');
      await vscode.commands.executeCommand('list.focusLast');
      await screenshot(name);
    }
  });

  it('the report webview takes the dark theme\'s colours', async () => {
    assert.equal(vscode.window.activeColorTheme.kind, vscode.ColorThemeKind.Dark);
    const scorecard = await vscode.commands.executeCommand<Scorecard>('comprehension.showReport');
    // The panel's HTML (renderHtml of this scorecard) takes its colours from the theme's variables…
    const html = renderHtml(scorecard);
    assert.ok(html.includes('--bg:var(--vscode-editor-background, #ffffff)'), 'the background is the editor\'s');
    assert.ok(html.includes('--fg:var(--vscode-editor-foreground, #1f2328)'), 'the text colour is the editor\'s');
    await keys(
      { type: 'waitForSelector', selector: `${WEBVIEW_FRAME} >> main h1` },
      // …which the webview defines on its root element, from the active (dark) theme.
      { type: 'waitForSelector', selector: `${WEBVIEW_FRAME} >> html[style*="--vscode-editor-background"]`, state: 'attached' },
      { type: 'waitForSelector', selector: `${WEBVIEW_FRAME} >> body.vscode-dark`, state: 'attached' },
    );
    await screenshot('scorecard-dark');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('a finding\'s hover is one short paragraph; More… opens the full rationale', async () => {
    const uri = vscode.Uri.joinPath(workspaceRoot(), 'src/onboarding-fetch.ts');
    const text = 'export async function ping(url: string): Promise<boolean> {\n  const response = await fetch(url);\n  return response.ok;\n}\n';
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const diagnostics = await waitForDiagnostics(uri, (items) => items.some((d) => String(typeof d.code === 'object' ? d.code.value : d.code) === 'reliability/missing-timeout'), 'the missing-timeout finding', 30000);
    const finding = diagnostics.find((d) => String(typeof d.code === 'object' ? d.code.value : d.code) === 'reliability/missing-timeout')!;
    const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, finding.range.start.translate(0, 1))) ?? [];
    const hover = hoverTexts(hovers).find((value) => value.includes('**reliability/missing-timeout**'));
    assert.ok(hover, hoverTexts(hovers).join('\n---\n'));
    const paragraphs = hover.split('\n\n');
    assert.equal(paragraphs.length, 3, hover);
    assert.ok(!paragraphs[1].includes('defaultTimeoutMs'), 'no implementation detail in the hover');
    const link = /\[More…\]\(command:comprehension\.showRuleRationale\?([^ )]+)/.exec(paragraphs[2]);
    assert.ok(link, paragraphs[2]);
    const args = JSON.parse(decodeURIComponent(link[1])) as [string, string, string];
    const shown = await vscode.commands.executeCommand<vscode.Uri>('comprehension.showRuleRationale', ...args);
    assert.ok(shown, 'the rationale document');
    const document = await vscode.workspace.openTextDocument(shown);
    assert.ok(document.getText().includes('defaultTimeoutMs'), 'the full rationale, implementation detail included');
    await waitFor(vscode.window.tabGroups.onDidChangeTabs, () => vscode.window.tabGroups.activeTabGroup.activeTab?.label.includes('missing-timeout'), 'the rationale preview tab');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Open Workspace Policy creates the starter policy when there is none, and opens it', async () => {
    const uri = vscode.Uri.joinPath(workspaceRoot(), '.comprehension/policy.yaml');
    assert.ok(!existsSync(uri.fsPath), 'the fixture workspace has no policy');
    const opened = await vscode.commands.executeCommand<vscode.Uri>('comprehension.openPolicy');
    assert.equal(opened?.toString(), uri.toString());
    assert.equal(readFileSync(uri.fsPath, 'utf8'), STARTER_POLICY_YAML);
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), uri.toString());
    // A second run opens the file as it is: nothing is overwritten.
    const edited = `${STARTER_POLICY_YAML}# mine\n`;
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(edited));
    await vscode.commands.executeCommand('comprehension.openPolicy');
    assert.equal(readFileSync(uri.fsPath, 'utf8'), edited);
  });
});
