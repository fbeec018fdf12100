import { spawn } from 'node:child_process';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { NotificationType, RequestType } from 'vscode-languageclient/node';
import type { Block } from '../core/provenance/block';
import type { ProvenanceRecord } from '../core/provenance/record';
import { recordPath } from '../core/provenance/record';
import { type BlockMutationSummary, MUTATION_RESULTS_CHANGED_NOTIFICATION, MUTATION_SCORES_REQUEST } from '../shared/protocol';
import { type CommandHandlers, Commands } from './commands';
import type { BlockDescriber } from './provenance/view';

/** What the mutation feature needs from the rest of the extension. */
export interface MutationDependencies {
  extensionPath: string;
  provenance: {
    getBlocks(uri: vscode.Uri): Promise<Block[]>;
    allRecords(): { folder: vscode.WorkspaceFolder; record: ProvenanceRecord }[];
    whenReady(): Promise<void>;
    readonly onDidChangeBlocks: vscode.Event<vscode.Uri>;
  };
  server: {
    request<P, R>(type: RequestType<P, R, void>, params: P): Promise<R>;
    notify<P>(type: NotificationType<P>, params: P): Promise<void>;
    readonly onDidChangeState: vscode.Event<string>;
  };
  view: { addDescriber(describer: BlockDescriber): vscode.Disposable; refresh(): void };
  log: vscode.LogOutputChannel;
}

/** How a run of the command ended (returned for tests and callers). */
export type BlockMutationRun =
  | { kind: 'done'; exitCode: 0 | 1; score: number | null; surviving: number }
  | { kind: 'failed'; message: string }
  | { kind: 'cancelled' }
  | { kind: 'refused'; reason: string };

/**
 * Mutation testing in the editor. The command "Run Mutation Testing on This Block" runs the CLI's
 * `comprehension mutate --block ID` in a child process (the same core path as the terminal) with a
 * cancellable progress notification, refused in an untrusted workspace since it runs the
 * repository's tests. The server shows the cached surviving mutants as diagnostics; this module
 * asks it for each block's mutation score for the AI Blocks view.
 */
export function activateMutation(deps: MutationDependencies): { disposable: vscode.Disposable; commands: CommandHandlers } {
  const scores = new Map<string, Map<string, BlockMutationSummary>>();

  const refresh = async (uri: vscode.Uri): Promise<void> => {
    const blocks = await deps.provenance.getBlocks(uri);
    let answer: BlockMutationSummary[] = [];
    if (blocks.length > 0) {
      try {
        answer = (await deps.server.request(MUTATION_SCORES_REQUEST, { uri: uri.toString(), blocks })).scores;
      } catch (error) {
        deps.log.warn(`Mutation: no scores for ${uri.fsPath}: ${(error as Error).message}`);
        return;
      }
    }
    const before = JSON.stringify([...(scores.get(uri.toString())?.values() ?? [])]);
    if (answer.length > 0) scores.set(uri.toString(), new Map(answer.map((summary) => [summary.blockId, summary])));
    else scores.delete(uri.toString());
    if (JSON.stringify(answer) !== before) deps.view.refresh();
  };
  const refreshAll = async (): Promise<void> => {
    await deps.provenance.whenReady();
    const uris = new Map<string, vscode.Uri>();
    for (const { folder, record } of deps.provenance.allRecords()) {
      const uri = vscode.Uri.joinPath(folder.uri, recordPath(record));
      uris.set(uri.toString(), uri);
    }
    for (const uri of uris.values()) await refresh(uri);
  };

  const describer: BlockDescriber = (uri, block) => {
    const summary = scores.get(uri.toString())?.get(block.id);
    if (!summary || summary.score === null) return undefined;
    return `mutation ${summary.score}%${summary.surviving > 0 ? ` (${summary.surviving} surviving)` : ''}`;
  };

  const run = async (target?: { uri: vscode.Uri | string; block?: Block; blockId?: string }): Promise<BlockMutationRun> => {
    if (!vscode.workspace.isTrusted) {
      const reason = 'Mutation testing runs the repository\'s tests, which executes its code: it is not available in Restricted Mode. Trust the workspace first.';
      void vscode.window.showWarningMessage(reason);
      return { kind: 'refused', reason };
    }
    let uri = typeof target?.uri === 'string' ? vscode.Uri.parse(target.uri) : target?.uri;
    let blockId = target?.block?.id ?? target?.blockId;
    if (!uri || !blockId) {
      const editor = vscode.window.activeTextEditor;
      const line = editor ? editor.selection.active.line + 1 : 0;
      uri = editor?.document.uri;
      blockId = uri ? (await deps.provenance.getBlocks(uri)).find((block) => block.startLine <= line && line <= block.endLine)?.id : undefined;
    }
    const folder = uri ? vscode.workspace.getWorkspaceFolder(uri) : undefined;
    if (!uri || !blockId || !folder) {
      const reason = 'The cursor is not in an AI block of a workspace folder.';
      void vscode.window.showInformationMessage(reason);
      return { kind: 'refused', reason };
    }
    // Unsaved edits would not be what Stryker tests.
    await vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri!.toString() && document.isDirty)?.save();
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Mutation testing the AI block', cancellable: true },
      (progress, token) => runCli(deps, folder.uri.fsPath, blockId!, (line) => progress.report({ message: line }), token),
    );
    if (outcome.kind === 'done') {
      await deps.server.notify(MUTATION_RESULTS_CHANGED_NOTIFICATION, undefined);
      await refresh(uri);
      const score = outcome.score === null ? 'no mutants could be made of it' : `mutation score ${outcome.score}%`;
      const message = outcome.surviving > 0 ? `AI block: ${score}; ${outcome.surviving} change(s) no test noticed (see Problems).` : `AI block: ${score}; every change was caught by a test.`;
      void vscode.window.showInformationMessage(message);
    } else if (outcome.kind === 'failed') {
      void vscode.window.showErrorMessage(`Mutation testing did not run: ${outcome.message}`);
    }
    return outcome;
  };

  const disposable = vscode.Disposable.from(
    deps.view.addDescriber(describer),
    deps.provenance.onDidChangeBlocks((uri) => void refresh(uri)),
    deps.server.onDidChangeState((state) => {
      if (state === 'running') void refreshAll();
    }),
  );
  return { disposable, commands: { [Commands.runMutationTesting]: run } };
}

/** Runs `comprehension mutate --block ID --format json` with the extension's own CLI, relaying its progress; a cancel stops it (and it stops Stryker). */
function runCli(deps: MutationDependencies, root: string, blockId: string, onProgress: (line: string) => void, token: vscode.CancellationToken): Promise<BlockMutationRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(deps.extensionPath, 'dist', 'cli.js'), 'mutate', '--block', blockId, '--root', root, '--format', 'json'], {
      cwd: root,
      // The editor's executable runs the CLI as Node.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    let stdout = '';
    const stderrLines: string[] = [];
    let cancelled = false;
    const cancel = token.onCancellationRequested(() => {
      cancelled = true;
      // The CLI stops Stryker's whole process group on SIGTERM, then exits.
      child.kill('SIGTERM');
    });
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split(/\r?\n/)) {
        if (line.trim() === '') continue;
        stderrLines.push(line);
        if (stderrLines.length > 20) stderrLines.shift();
        deps.log.info(`mutate: ${line}`);
        const progress = /^\s*stryker: (.*)$/.exec(line);
        if (progress) onProgress(progress[1]);
      }
    });
    child.on('error', (error) => {
      cancel.dispose();
      resolve({ kind: 'failed', message: error.message });
    });
    child.on('close', (code) => {
      cancel.dispose();
      if (cancelled) return resolve({ kind: 'cancelled' });
      if (code !== 0 && code !== 1) return resolve({ kind: 'failed', message: stderrLines.filter((line) => !/^\s*stryker: /.test(line)).join(' ').slice(0, 600) || `exit code ${code}` });
      try {
        const report = JSON.parse(stdout) as { blocks: Array<{ score: number | null; counts: { survived: number; noCoverage: number } }> };
        const block = report.blocks[0];
        resolve({ kind: 'done', exitCode: code, score: block?.score ?? null, surviving: block ? block.counts.survived + block.counts.noCoverage : 0 });
      } catch (error) {
        resolve({ kind: 'failed', message: `unreadable output of comprehension mutate: ${(error as Error).message}` });
      }
    });
  });
}
