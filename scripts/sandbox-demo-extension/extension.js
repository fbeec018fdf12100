// Sandbox-only demo (copied into the sandbox's extensions folder by scripts/sandbox.mjs; never in the
// .vsix). "Comprehension Demo: Play an AI Completion and an Agent Write" does what an assistant would:
//   1. offers a multi-line inline completion (ghost text) in src/prices.ts and accepts it through
//      Comprehension First's tracked accept command, the one Tab runs while ghost text is shown,
//      so an `inline completion · certain` block appears;
//   2. writes a new file as a coding agent would and reports it through the bundled CLI's Claude
//      Code hook (`node dist/cli.js hook claude` with a PostToolUse payload), so an
//      `agent write · certain` block appears.
const { execFile } = require('node:child_process');
const path = require('node:path');
const vscode = require('vscode');

const MAIN_EXTENSION = 'comprehension-first.comprehension-first';
const COMPLETION_FILE = 'src/prices.ts';
const COMPLETION_ANCHOR = '// fetch the prices and keep the ones on sale';
const COMPLETION = [
  '',
  "  const response = await axios.get<{ prices: Price[] }>('https://pricing.example.com/v2/prices', {",
  "    params: { skus: skus.join(',') },",
  '  });',
  '  return response.data.prices.filter((price) => price.saleCents !== undefined && price.saleCents < price.cents);',
].join('\n');
const AGENT_FILE = 'src/payments/refund-notice.ts';
const AGENT_TEXT = [
  "import { exec } from 'node:child_process';",
  '',
  '/** Sends the customer a refund notice through the mail relay on this host. */',
  'export function sendRefundNotice(email: string, amountCents: number): void {',
  '  const amount = (amountCents / 100).toFixed(2);',
  '  exec(`mail -s "Your refund of ${amount} EUR" ${email} < templates/refund.txt`);',
  '}',
  '',
].join('\n');
/** How long the ghost text may take to show before the demo gives up. */
const GHOST_TEXT_TIMEOUT_MS = 8000;

let offered = '';

function activate(context) {
  context.subscriptions.push(
    vscode.languages.registerInlineCompletionItemProvider({ pattern: `**/${COMPLETION_FILE}` }, {
      provideInlineCompletionItems(document, position) {
        if (!offered) return [];
        const line = document.lineAt(position.line).text;
        if (!line.trimEnd().endsWith(COMPLETION_ANCHOR) || position.character < line.trimEnd().length) return [];
        return [new vscode.InlineCompletionItem(offered, new vscode.Range(position, position))];
      },
    }),
    vscode.commands.registerCommand('comprehensionDemo.play', () =>
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Comprehension Demo' }, async (progress) => {
        try {
          progress.report({ message: 'an AI completion in src/prices.ts…' });
          await playCompletion();
          progress.report({ message: 'an agent writes src/payments/refund-notice.ts…' });
          await playAgentWrite();
          await vscode.commands.executeCommand('comprehension.aiBlocks.focus');
        } catch (error) {
          void vscode.window.showErrorMessage(`Comprehension Demo: ${error instanceof Error ? error.message : error}`);
        } finally {
          offered = '';
        }
      }),
    ),
  );
}

function workspaceFolder() {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('open the demo workspace first');
  return folder;
}

async function playCompletion() {
  const uri = vscode.Uri.joinPath(workspaceFolder().uri, COMPLETION_FILE);
  const editor = await vscode.window.showTextDocument(uri);
  const document = editor.document;
  if (document.getText().includes(COMPLETION.trim().split('\n')[0])) throw new Error(`${COMPLETION_FILE} already holds the completion; undo it (Ctrl+Z) to play it again`);
  const lineIndex = [...Array(document.lineCount).keys()].find((index) => document.lineAt(index).text.trimEnd().endsWith(COMPLETION_ANCHOR));
  if (lineIndex === undefined) throw new Error(`${COMPLETION_FILE} no longer has the line "${COMPLETION_ANCHOR}"`);
  const end = new vscode.Position(lineIndex, document.lineAt(lineIndex).text.trimEnd().length);
  editor.selection = new vscode.Selection(end, end);
  editor.revealRange(new vscode.Range(end, end), vscode.TextEditorRevealType.InCenter);
  await vscode.workspace.getConfiguration('editor').update('inlineSuggest.enabled', true, vscode.ConfigurationTarget.Global);
  offered = COMPLETION;
  const accepted = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`the ghost text was not accepted within ${GHOST_TEXT_TIMEOUT_MS / 1000} s (is a no-AI practice session running?)`));
    }, GHOST_TEXT_TIMEOUT_MS);
    const subscription = vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.document !== document || !document.getText().includes(COMPLETION.trim().split('\n')[0])) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve();
    });
  });
  await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
  // The ghost text renders a moment after the trigger; the tracked accept does nothing until then,
  // so it is retried (as a person pressing Tab once it shows) until the completion lands.
  let landed = false;
  void accepted.then(() => (landed = true), () => (landed = true));
  for (let waited = 0; !landed && waited < GHOST_TEXT_TIMEOUT_MS; waited += 150) {
    await vscode.commands.executeCommand('comprehension.inlineSuggest.commit');
    if (!landed) await new Promise((resolve) => setTimeout(resolve, 150));
  }
  await accepted;
}

async function playAgentWrite() {
  const main = vscode.extensions.getExtension(MAIN_EXTENSION);
  if (!main) throw new Error(`${MAIN_EXTENSION} is not installed`);
  const root = workspaceFolder().uri.fsPath;
  const file = path.join(root, AGENT_FILE);
  // The agent writes the file, then its PostToolUse hook reports the write.
  await vscode.workspace.fs.writeFile(vscode.Uri.file(file), new TextEncoder().encode(AGENT_TEXT));
  const payload = {
    hook_event_name: 'PostToolUse',
    session_id: 'sandbox-demo',
    cwd: root,
    tool_name: 'Write',
    tool_use_id: `toolu_demo_${Date.now()}`,
    tool_input: { file_path: file, content: AGENT_TEXT },
    tool_response: { filePath: file, success: true },
  };
  await new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [path.join(main.extensionPath, 'dist/cli.js'), 'hook', 'claude', '--verbose'],
      // The extension host may be Electron: make its binary behave as plain Node.
      { cwd: root, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, encoding: 'utf8' },
      (error, _stdout, stderr) => (error ? reject(new Error(`comprehension hook claude failed: ${stderr || error.message}`)) : resolve()),
    );
    child.stdin.end(JSON.stringify(payload));
  });
  await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false });
}

module.exports = { activate, deactivate() {} };
