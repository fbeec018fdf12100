import { join, relative, isAbsolute } from 'node:path';
import * as vscode from 'vscode';
import { secondsDuration } from '../../core/practice/format';
import {
  DRILL_CHECK_REQUEST,
  DRILL_GIVE_UP_REQUEST,
  DRILL_HINT_REQUEST,
  DRILL_START_REQUEST,
  DRILL_STATE_REQUEST,
  NOTE_STATES_REQUEST,
  type DrillCheckResult,
  type DrillFolderParams,
  type DrillStarted,
} from '../../shared/protocol';
import { fromWireNoteState } from '../../shared/note-state-wire';
import { Commands } from '../commands';
import type { NotesServer } from '../notes/model';
import type { ProvenanceService } from '../provenance/events';
import type { PracticeController } from './controller';
import type { PracticeDocuments } from './exercise';

/** Context key: a drill runs in this window (enables Check, Hint, Give Up). */
export const DRILL_ACTIVE_CONTEXT_KEY = 'comprehension.drill.active';
/** Context key: the active editor shows a file of the drill copy (the editor title buttons). */
export const DRILL_IN_COPY_CONTEXT_KEY = 'comprehension.drill.inCopy';

/** The drill running in this window. */
export interface RunningDrill extends DrillStarted {
  folder: vscode.WorkspaceFolder;
  /** The drill switched practice mode on, so it switches it off at the end (a session the user started stays). */
  startedPractice: boolean;
  hintsUsed: number;
}

/** What a drill command returns (tests read it; the user sees messages). */
export type DrillCommandResult = { ok: true; detail: string } | { ok: false; reason: string };

/**
 * Debugging drills in the editor: "Start Debugging Drill" on the AI block under the cursor asks
 * the server to plant a bug in a drill copy (a git worktree in a temporary folder), switches
 * practice mode on (AI off, through the practice controller, restored exactly as a session is),
 * opens the copy's file with a CodeLens banner (fix the planted bug · Check · Hint · Give up) and
 * the symptom beside it. Check saves the copy's files and asks the server to verify; at the end
 * practice is stopped (when the drill started it) and the copy's editors closed.
 */
export class DrillManager implements vscode.CodeLensProvider, vscode.Disposable {
  private running: RunningDrill | undefined;
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  private readonly lensEmitter = new vscode.EventEmitter<void>();
  /** Fires when a drill starts or ends. */
  readonly onDidChange = this.changeEmitter.event;
  readonly onDidChangeCodeLenses = this.lensEmitter.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly server: Pick<NotesServer, 'request'>,
    private readonly controller: Pick<PracticeController, 'start' | 'stop' | 'state'>,
    private readonly provenance: Pick<ProvenanceService, 'getBlocks'>,
    private readonly documents: PracticeDocuments,
    private readonly historyPath: string,
    private readonly log: (lines: readonly string[]) => void,
  ) {
    this.subscriptions.push(
      this.changeEmitter,
      this.lensEmitter,
      vscode.languages.registerCodeLensProvider({ scheme: 'file' }, this),
      vscode.window.onDidChangeActiveTextEditor(() => this.updateContext()),
    );
  }

  /** The running drill, if any. */
  get current(): RunningDrill | undefined {
    return this.running;
  }

  /**
   * At start-up: asks the server about each folder's drill. A drill whose editor process is gone
   * (a crash, a closed window) is recorded as abandoned and its copy removed by the server; stale
   * copies go too. Never throws.
   */
  async initialize(): Promise<void> {
    if (!vscode.workspace.isTrusted) return;
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      try {
        const state = await this.server.request(DRILL_STATE_REQUEST, this.params(folder));
        if (state.abandoned) this.log([`Drill: a drill on ${state.abandoned.file} was left behind by a closed or crashed editor; its copy is removed and it is recorded as abandoned.`]);
        if (state.removedCopies.length > 0) this.log(state.removedCopies.map((copy) => `Drill: removed the stale drill copy ${copy}`));
      } catch (error) {
        this.log([`Drill: could not check for drills left behind in ${folder.name}: ${(error as Error).message}`]);
      }
    }
  }

  /** Starts a drill on the AI block at `line` (1-based) of `target`, or under the cursor. */
  async start(target?: vscode.Uri | string, line?: number): Promise<DrillCommandResult> {
    if (this.running) return this.fail(`A drill is running on ${this.running.file}: check it or give up first.`);
    if (!vscode.workspace.isTrusted) return this.fail("A debugging drill runs the workspace's tests: trust the workspace first.");
    let uri = typeof target === 'string' ? vscode.Uri.parse(target) : target;
    if (!uri) {
      const editor = vscode.window.activeTextEditor;
      if (!editor) return this.fail('Open a file and put the cursor in an AI block to start a debugging drill on it.');
      uri = editor.document.uri;
      line ??= editor.selection.active.line + 1;
    }
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder || folder.uri.scheme !== 'file') return this.fail('Debugging drills work on files in a workspace folder under git.');
    const blocks = await this.provenance.getBlocks(uri);
    let block = line === undefined ? undefined : blocks.find((candidate) => candidate.startLine <= line && line <= candidate.endLine);
    if (!block) {
      if (blocks.length === 0) return this.fail('This file has no AI blocks: a drill plants its bug in code an AI wrote.');
      // Blocks you have explained first: a drill is practice on code you claim to understand.
      const states = await this.server.request(NOTE_STATES_REQUEST, { uri: uri.toString(), blocks }).catch(() => undefined);
      const explained = new Set(states?.states.filter((state) => fromWireNoteState(state).status.kind === 'explained').map((state) => state.block.id));
      const items = blocks
        .map((candidate) => ({
          label: `Lines ${candidate.startLine}–${candidate.endLine}`,
          description: `${candidate.source}${explained.has(candidate.id) ? ' · explained' : ' · no passing note'}`,
          block: candidate,
        }))
        .sort((a, b) => Number(explained.has(b.block.id)) - Number(explained.has(a.block.id)));
      const picked = await vscode.window.showQuickPick(items, { title: 'Debugging drill: which AI block? (explained ones first)' });
      if (!picked) return { ok: false, reason: 'cancelled' };
      block = picked.block;
    }
    // The copy is made from the files on disk: unsaved edits would be missing from it (and saving them is the user's call).
    if (vscode.workspace.textDocuments.some((document) => document.isDirty && document.uri.toString() === uri.toString())) {
      return this.fail(`Save ${vscode.workspace.asRelativePath(uri, false)} first: the drill copies the files as they are on disk.`);
    }
    const startedPractice = this.controller.state !== 'active';
    if (startedPractice) {
      const started = await this.controller.start();
      if (!started.ok) return this.fail(`A drill runs in practice mode (AI off): ${started.message}`);
    }
    let started: DrillStarted;
    try {
      started = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Debugging drill: planting a bug and running the tests in a copy…' },
        () => this.server.request(DRILL_START_REQUEST, { ...this.params(folder), uri: uri.toString(), startLine: block.startLine, endLine: block.endLine, ownerPid: process.pid }),
      );
    } catch (error) {
      if (startedPractice) await this.controller.stop();
      return this.fail(`The drill could not start: ${(error as Error).message}`);
    }
    this.running = { ...started, folder, startedPractice, hintsUsed: 0 };
    this.log([`Drill: bug planted in ${started.file}; drill copy ${started.worktree}; tests: ${started.testCommand}`]);
    const symptom = this.documents.put(`/drill/${started.file.replace(/[\\/]/g, '_')} - symptom.md`, this.symptomText(started));
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(join(started.worktree, started.file)));
    await vscode.window.showTextDocument(document, { preview: false, viewColumn: vscode.ViewColumn.Active });
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(symptom), { preview: true, preserveFocus: true, viewColumn: vscode.ViewColumn.Beside });
    this.changed();
    return { ok: true, detail: started.worktree };
  }

  /** Saves the copy's files and asks the server to verify the fix; ends the drill when solved. */
  async check(): Promise<DrillCommandResult & { result?: DrillCheckResult }> {
    const drill = this.running;
    if (!drill) return this.fail('No debugging drill is running.');
    for (const document of vscode.workspace.textDocuments) {
      if (document.isDirty && this.inCopy(document.uri)) await document.save();
    }
    let result: DrillCheckResult;
    try {
      result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Checking the drill' }, () => this.server.request(DRILL_CHECK_REQUEST, this.params(drill.folder)));
    } catch (error) {
      return this.fail(`The drill could not be checked: ${(error as Error).message}`);
    }
    if (!result.solved) {
      void vscode.window.showWarningMessage(`Not solved yet: ${result.reason}.`);
      return { ok: false, reason: result.reason, result };
    }
    const { record } = result;
    await this.end();
    const detail = `Drill solved in ${secondsDuration(record.diagnosisSeconds ?? 0)} with ${record.hintsUsed} hint${record.hintsUsed === 1 ? '' : 's'}${drill.startedPractice ? '; AI settings restored' : ''}.`;
    this.log([`Drill: ${detail} Verified by ${result.verifiedBy === 'tests' ? `the tests (${record.failingTests.join(', ')})` : 'comparing the code with the original'}.`]);
    void vscode.window.showInformationMessage(detail, 'Show Stats').then((choice) => {
      if (choice === 'Show Stats') void vscode.commands.executeCommand(Commands.practiceShowStats);
    });
    return { ok: true, detail, result };
  }

  /** The next hint, counted. */
  async hint(): Promise<DrillCommandResult> {
    const drill = this.running;
    if (!drill) return this.fail('No debugging drill is running.');
    const hint = await this.server.request(DRILL_HINT_REQUEST, this.params(drill.folder));
    drill.hintsUsed = hint.number;
    const text = `Hint ${hint.number} of ${hint.of}: ${hint.hint}`;
    void vscode.window.showInformationMessage(text);
    this.lensEmitter.fire();
    return { ok: true, detail: text };
  }

  /** Ends the drill unsolved and shows what was planted. */
  async giveUp(): Promise<DrillCommandResult> {
    const drill = this.running;
    if (!drill) return this.fail('No debugging drill is running.');
    const { planted } = await this.server.request(DRILL_GIVE_UP_REQUEST, this.params(drill.folder));
    await this.end();
    this.log(['Drill: given up. The planted bug:', ...planted.split('\n')]);
    void vscode.window.showInformationMessage(`The planted bug: ${planted.split('\n')[0]}`);
    return { ok: true, detail: planted };
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const drill = this.running;
    if (!drill || document.uri.fsPath !== join(drill.worktree, drill.file)) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    const hints = drill.hintsUsed > 0 ? ` (${drill.hintsUsed} used)` : '';
    return [
      new vscode.CodeLens(top, { title: '$(debug) Debugging drill — fix the planted bug (a copy; your code is untouched)', command: '' }),
      new vscode.CodeLens(top, { title: 'Check', command: Commands.drillCheck }),
      new vscode.CodeLens(top, { title: `Hint${hints}`, command: Commands.drillHint }),
      new vscode.CodeLens(top, { title: 'Give up', command: Commands.drillGiveUp }),
    ];
  }

  private symptomText(started: DrillStarted): string {
    return [
      '# Debugging drill',
      '',
      `A realistic bug is planted in \`${started.file}\`, in a copy of your repository (\`${started.worktree}\`). Your working tree is untouched. AI is off while you hunt it.`,
      '',
      '## Symptom',
      '',
      '```text',
      started.symptom.trimEnd(),
      '```',
      '',
      'Fix it in the copy, then **Check** (the CodeLens at the top of the file). Hints are counted.',
      '',
    ].join('\n');
  }

  /** Closes the copy's editors and the symptom, stops practice if the drill started it. */
  private async end(): Promise<void> {
    const drill = this.running;
    if (!drill) return;
    this.running = undefined;
    const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter((tab) => {
      const input = tab.input;
      const uri = input instanceof vscode.TabInputText ? input.uri : undefined;
      return uri !== undefined && (this.isUnder(uri, drill.worktree) || (uri.scheme !== 'file' && uri.path.startsWith('/drill/')));
    });
    // The copy is gone on disk; its editors would only show a deleted file.
    await vscode.window.tabGroups.close(tabs, true);
    if (drill.startedPractice) await this.controller.stop();
    this.changed();
  }

  private inCopy(uri: vscode.Uri): boolean {
    return this.running !== undefined && this.isUnder(uri, this.running.worktree);
  }

  private isUnder(uri: vscode.Uri, folder: string): boolean {
    if (uri.scheme !== 'file') return false;
    const path = relative(folder, uri.fsPath);
    return path !== '' && !path.startsWith('..') && !isAbsolute(path);
  }

  private params(folder: vscode.WorkspaceFolder): DrillFolderParams {
    return { folderUri: folder.uri.toString(), historyPath: this.historyPath };
  }

  private fail(reason: string): DrillCommandResult {
    void vscode.window.showInformationMessage(reason);
    return { ok: false, reason };
  }

  private changed(): void {
    this.updateContext();
    this.lensEmitter.fire();
    this.changeEmitter.fire();
  }

  private updateContext(): void {
    void vscode.commands.executeCommand('setContext', DRILL_ACTIVE_CONTEXT_KEY, this.running !== undefined);
    const uri = vscode.window.activeTextEditor?.document.uri;
    void vscode.commands.executeCommand('setContext', DRILL_IN_COPY_CONTEXT_KEY, uri !== undefined && this.inCopy(uri));
  }

  dispose(): void {
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
  }
}
