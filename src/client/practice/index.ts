import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { loadHistory, type PracticeHistory } from '../../core/practice/history';
import { type CommandHandlers, Commands } from '../commands';
import type { ProvenanceService } from '../provenance/events';
import type { SharedStatusItem } from '../status-bar';
import { PracticeController, type PracticeState, type PracticeUi, type RecoveryChoice } from './controller';
import type { NotesServer } from '../notes/model';
import { EXERCISE_CONTEXT_KEY, ExerciseManager, PRACTICE_SCHEME, PracticeDocuments } from './exercise';
import { exportPracticeHistory } from './export';
import { DrillManager, type RunningDrill } from './drill';
import { PracticeProgress } from './progress';
import { PracticeStatsPanel } from './stats';
import { PracticeStatus } from './status';

/** Context key with the practice state (for command enablement). */
export const PRACTICE_STATE_CONTEXT_KEY = 'comprehension.practice.state';

/** What practice mode exposes in the extension's API (tests and other extensions). */
export interface PracticeApi {
  readonly state: PracticeState;
  readonly isActive: boolean;
  /** The running session, or the one left behind while `interrupted`. */
  readonly sessionId: string | undefined;
  /** The history file (JSON), in the extension's global storage. */
  readonly historyPath: string;
  /** AI insertions caught in the running session, with the lines flagged in the editor (1-based). */
  readonly breaches: readonly { uri: string; startLine: number; endLine: number; source: string }[];
  /** Fires when the state, the session or its breaches change. */
  readonly onDidChange: vscode.Event<void>;
  /** The debugging drill running in this window, if any. */
  readonly drill: RunningDrill | undefined;
  /** Fires when a drill starts or ends. */
  readonly onDidChangeDrill: vscode.Event<void>;
}

/** Practice mode as wired into the extension: dispose it with the extension. */
export interface PracticeFeature extends vscode.Disposable {
  readonly api: PracticeApi;
  /** The practice commands, for the extension's one command registration. */
  readonly commands: CommandHandlers;
  /** The history as "Export Practice History" would write it now (a running session's latest numbers saved first). */
  currentHistory(): Promise<PracticeHistory>;
}

/** What practice mode needs from the rest of the extension. */
export interface PracticeDependencies {
  provenance: Pick<ProvenanceService, 'onDidAttributeInsertion' | 'getBlocks' | 'onDidChangeBlocks'>;
  status: SharedStatusItem;
  /** The language server, which judges notes (the exercise needs an explained one). */
  server: Pick<NotesServer, 'request'>;
}

/** The extension's global storage as a local folder (the engine writes files with Node's fs). */
function storageFolder(context: vscode.ExtensionContext): string {
  const uri = context.globalStorageUri;
  // The extension host runs where the files are (also in remote windows), so a `file` URI is the rule;
  // a private temp folder keeps practice working (without crash recovery across machines) otherwise.
  return uri.scheme === 'file' ? uri.fsPath : join(tmpdir(), 'comprehension-practice', context.extension.id);
}

/** The controller's user interface: messages only for what is not routine, a summary output channel. */
function createUi(output: vscode.OutputChannel, showStats: () => void): PracticeUi {
  return {
    async askRecovery(message: string): Promise<RecoveryChoice | undefined> {
      const restore = 'Restore AI Settings';
      const resume = 'Resume Practice';
      const choice = await vscode.window.showWarningMessage(message, restore, resume);
      return choice === resume ? 'resume' : choice === restore ? 'restore' : undefined;
    },
    warn: (message, ...actions) => vscode.window.showWarningMessage(message, ...actions),
    inform: (message) => void vscode.window.showInformationMessage(message),
    sessionEnded(message: string): void {
      void vscode.window.showInformationMessage(message, 'Show Summary', 'Show Stats').then((choice) => {
        if (choice === 'Show Summary') output.show(true);
        else if (choice === 'Show Stats') showStats();
      });
    },
    log(lines: readonly string[]): void {
      for (const line of lines) output.appendLine(line);
    },
  };
}

/**
 * Wires practice mode into the extension: the controller (sessions, recovery, tracking,
 * breaches), its status segment, commands, the stats view, exercises and export. Recovery of a
 * session left behind by a previous VS Code starts here, without delaying activation. Pushes
 * itself onto `context.subscriptions`.
 */
export function activatePractice(context: vscode.ExtensionContext, deps: PracticeDependencies): PracticeFeature {
  const output = vscode.window.createOutputChannel('Comprehension Practice');
  let stats: PracticeStatsPanel | undefined;
  const showStats = (): void => void stats?.show();
  const ui = createUi(output, showStats);
  const controller = new PracticeController({ storageDir: storageFolder(context), provenance: deps.provenance, ui });
  const progress = new PracticeProgress(controller.historyPath, controller.timeZone);
  stats = new PracticeStatsPanel(context.extensionUri, () => progress.stats(Date.now(), controller.state === 'active'));
  const status = new PracticeStatus(deps.status.segment('practice', 30), controller, progress, context.globalState);
  const documents = new PracticeDocuments();
  const exercises = new ExerciseManager(deps.server, controller, deps.provenance, documents, context.extensionUri, ui.inform, ui.log);
  const drills = new DrillManager(deps.server, controller, deps.provenance, documents, controller.historyPath, ui.log);

  const updateContext = (): void => void vscode.commands.executeCommand('setContext', PRACTICE_STATE_CONTEXT_KEY, controller.state);
  const disposables: vscode.Disposable[] = [
    output,
    controller,
    status,
    stats,
    documents,
    exercises,
    drills,
    vscode.workspace.registerTextDocumentContentProvider(PRACTICE_SCHEME, documents),
    controller.onDidChange(() => {
      updateContext();
      if (stats?.webviewPanel?.visible) void stats.refresh();
    }),
  ];
  const commands: CommandHandlers = {
    [Commands.practiceStart]: async () => {
      const outcome = await controller.start();
      if (!outcome.ok && outcome.reason !== 'already-running') ui.inform(outcome.message);
      return outcome;
    },
    [Commands.practiceStop]: () => controller.stop(),
    [Commands.practiceResolveInterrupted]: async (choice?: RecoveryChoice) => {
      if (controller.state !== 'interrupted') return undefined;
      if (choice !== 'restore' && choice !== 'resume') {
        const picked = await vscode.window.showQuickPick(
          [
            { label: '$(debug-restart) Restore AI Settings', description: 'end the session', choice: 'restore' as const },
            { label: '$(mortar-board) Resume Practice', description: 'AI stays off', choice: 'resume' as const },
          ],
          { title: 'A practice session was interrupted when VS Code closed' },
        );
        if (!picked) return undefined;
        choice = picked.choice;
      }
      return controller.resolveInterrupted(choice);
    },
    [Commands.practiceShowStats]: async () => {
      await controller.heartbeat();
      return stats?.show();
    },
    [Commands.practiceExportHistory]: async (target?: string | vscode.Uri, format?: unknown) => {
      // A running session's latest numbers go into the file too.
      await controller.heartbeat();
      return exportPracticeHistory(controller.historyPath, target, format);
    },
    [Commands.practiceRewriteFromNote]: (target?: vscode.Uri | string, blockId?: string) => exercises.start(target, blockId),
    [Commands.practiceFinishExercise]: () => exercises.finish(),
    [Commands.drillStart]: (target?: vscode.Uri | string, line?: number) => drills.start(target, line),
    [Commands.drillCheck]: () => drills.check(),
    [Commands.drillHint]: () => drills.hint(),
    [Commands.drillGiveUp]: () => drills.giveUp(),
  };
  updateContext();
  void vscode.commands.executeCommand('setContext', EXERCISE_CONTEXT_KEY, false);
  // Start-up recovery runs after activation returns; the status shows the outcome.
  void controller.initialize().then(() => status.refreshProgress());
  // A drill copy left behind by a crashed editor is removed once the server answers.
  void drills.initialize();

  const feature: PracticeFeature = {
    commands,
    api: {
      get state() {
        return controller.state;
      },
      get isActive() {
        return controller.state === 'active';
      },
      get sessionId() {
        return controller.sessionId;
      },
      historyPath: controller.historyPath,
      get breaches() {
        return controller.breachMarks.map(({ uri, startLine, endLine, source }) => ({ uri, startLine, endLine, source }));
      },
      onDidChange: controller.onDidChange,
      get drill() {
        return drills.current;
      },
      onDidChangeDrill: drills.onDidChange,
    },
    async currentHistory(): Promise<PracticeHistory> {
      // As the export command does: the running session's numbers reach the file first.
      await controller.heartbeat();
      return (await loadHistory(controller.historyPath, Date.now())).history;
    },
    dispose(): void {
      for (const disposable of disposables.reverse()) disposable.dispose();
    },
  };
  context.subscriptions.push(feature);
  return feature;
}
