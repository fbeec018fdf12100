import * as vscode from 'vscode';
import { ServerController, type ServerState } from './client';
import { Config } from './config';
import { Commands, registerCommands } from './commands';
import { pickServerAction, ServerStatusItem } from './server-status';
import { BLOCKS_NOTIFICATION, type BlocksParams, RECORDS_FOLDERS_NOTIFICATION, type ServerInfo, type SuppressArguments } from '../shared/protocol';
import { suppressWithReason } from './suppress';
import { provenanceCommands } from './provenance/commands';
import { ProvenanceController } from './provenance/controller';
import { ImportOnOpen } from './provenance/import-on-open';
import { ProvenancePresentation } from './provenance/presentation';
import { AiBlocksView } from './provenance/view';
import type { ProvenanceService } from './provenance/events';
import { SharedStatusItem } from './status-bar';
import { activatePractice, type PracticeApi } from './practice';
import { activateNotes } from './notes';
import { activateMutation } from './mutation';
import { activateReport } from './notes/report';
import { activateOnboarding } from './onboarding';
import { activateAgentHooks } from './hooks';

/** What `activate()` returns: used by the integration tests and open to other extensions. */
export interface ComprehensionApi {
  /** The language server's state as the status item shows it. */
  readonly serverState: ServerState;
  /** Pid and version of the running server, once known. */
  readonly serverInfo: ServerInfo | undefined;
  /** Fires on every server state change. */
  readonly onDidChangeServerState: vscode.Event<ServerState>;
  /** Text and detail of the server's language status item. */
  readonly serverStatusItem: { text: string; detail: string };
  /** How long loading and activating took, in milliseconds (for `npm run bench`). */
  readonly activationTiming: ActivationTiming;
  /** The AI blocks of a document: 1-based inclusive lines, source, confidence, agent, model, modified. */
  getBlocks: ProvenanceService['getBlocks'];
  /** Fires when a document's blocks change. */
  readonly onDidChangeBlocks: ProvenanceService['onDidChangeBlocks'];
  /** Fires for each attributed AI (or paste) insertion. */
  readonly onDidAttributeInsertion: ProvenanceService['onDidAttributeInsertion'];
  /** Text and tooltip of the shared status-bar item. */
  readonly statusItem: { text: string; tooltip: string; visible: boolean };
  /** The AI Blocks view's block rows: label, description and accessible label. */
  aiBlocksRows(): Promise<{ label: string; description: string; accessibilityLabel: string }[]>;
  /** Fires when the AI Blocks view's rows may have changed. */
  readonly onDidChangeAiBlocksRows: vscode.Event<unknown>;
  /** No-AI practice: state, session and the AI insertions caught in it. */
  readonly practice: PracticeApi;
  /** Resolves once pending provenance records are written to disk. */
  flushProvenance(): Promise<void>;
  /** Resolves once provenance records are loaded and open documents attached. */
  whenProvenanceReady(): Promise<void>;
}

/** The extension's own start-up cost in milliseconds (host scheduling between the two excluded). */
export interface ActivationTiming {
  /** Evaluating the bundle (all modules it loads at start). */
  codeLoadMs: number;
  /** Inside `activate()`. */
  activateCallMs: number;
  /** `codeLoadMs + activateCallMs`: what activation costs the extension host. */
  totalMs: number;
  /** From entering `activate()` until the language server first answered; undefined while it starts. */
  serverReadyMs: number | undefined;
}

let controller: ServerController | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<ComprehensionApi> {
  const activateStart = performance.now();
  const marks = globalThis as { __comprehensionLoadStart?: number; __comprehensionLoadEnd?: number };
  const codeLoadMs = (marks.__comprehensionLoadEnd ?? 0) - (marks.__comprehensionLoadStart ?? 0);
  const timing: ActivationTiming = { codeLoadMs, activateCallMs: 0, totalMs: 0, serverReadyMs: undefined };
  const outputChannel = vscode.window.createOutputChannel('Comprehension', { log: true });
  const config = new Config();
  controller = new ServerController(context, config, outputChannel);
  const statusItem = new ServerStatusItem(controller);
  const server = controller;
  const sharedStatus = new SharedStatusItem();
  const provenance = new ProvenanceController(context, outputChannel);
  // The server reads records of closed files itself: it has to know where they are (local storage).
  server.recordsFolders = () => provenance.recordsFolders();
  context.subscriptions.push(provenance.onDidChangeRecordsFolders((folders) => void server.notify(RECORDS_FOLDERS_NOTIFICATION, { folders })));
  // git-ai notes and Agent Trace records other tools wrote become blocks when they appear.
  context.subscriptions.push(new ImportOnOpen(provenance, context.workspaceState, outputChannel));
  const provenancePresentation = new ProvenancePresentation(provenance, sharedStatus.segment('provenance', 10));
  const aiBlocksView = new AiBlocksView(provenance);
  const notes = activateNotes({ provenance, server, presentation: provenancePresentation, view: aiBlocksView, status: sharedStatus, log: outputChannel, config });
  context.subscriptions.push(notes.disposable);
  const practice = activatePractice(context, { provenance, status: sharedStatus, server });
  const report = activateReport({ server, practice, log: outputChannel, config });
  context.subscriptions.push(report.disposable);
  const mutation = activateMutation({ extensionPath: context.extensionPath, provenance, server, view: aiBlocksView, log: outputChannel });
  context.subscriptions.push(mutation.disposable);
  context.subscriptions.push(sharedStatus, provenance, provenancePresentation, aiBlocksView);
  const onboarding = activateOnboarding(context, sharedStatus);
  const agentHooks = activateAgentHooks(context, outputChannel);
  context.subscriptions.push(...onboarding.disposables, ...agentHooks.disposables);

  context.subscriptions.push(
    outputChannel,
    statusItem,
    // Every command of the extension is registered here, from its feature's table.
    ...registerCommands(
      vscode.commands,
      {
        [Commands.restartServer]: () => server.restart(),
        [Commands.showOutput]: () => outputChannel.show(true),
        [Commands.serverActions]: () => pickServerAction(),
        [Commands.suppressWithReason]: (args: SuppressArguments, reason?: string) => suppressWithReason(args, reason),
      },
      provenanceCommands(provenance),
      provenancePresentation.commands(),
      sharedStatus.commands(),
      practice.commands,
      onboarding.commands,
      agentHooks.commands,
      notes.commands,
      report.commands,
      mutation.commands,
    ),
    vscode.workspace.onDidGrantWorkspaceTrust(() => server.notifyTrusted()),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      const changed = config.restartRequiredChanges(event);
      if (changed.length === 0) return;
      // A settings change is the user's own action, so asking here is not a routine notification.
      const choice = await vscode.window.showInformationMessage(
        `Changing comprehension.${changed[0]} takes effect after the language server restarts.`,
        'Restart Now',
      );
      if (choice === 'Restart Now') await server.restart();
    }),
  );

  // The server raises findings inside AI blocks and checks each block's note: it needs the live blocks.
  // Each notification makes the server re-pull open documents, so unchanged blocks are not resent.
  const lastSent = new Map<string, string>();
  const sendBlocks = async (uri: vscode.Uri) => {
    const params: BlocksParams = { uri: uri.toString(), blocks: await provenance.getBlocks(uri) };
    const key = JSON.stringify(params.blocks);
    if (lastSent.get(params.uri) === key) return;
    lastSent.set(params.uri, key);
    await server.notify(BLOCKS_NOTIFICATION, params);
  };
  context.subscriptions.push(
    provenance.onDidChangeBlocks((uri) => void sendBlocks(uri)),
    vscode.workspace.onDidOpenTextDocument((document) => void sendBlocks(document.uri)),
    server.onDidChangeState(async (state) => {
      if (state !== 'running') return;
      lastSent.clear(); // A new server process knows nothing yet.
      await provenance.whenReady();
      for (const document of vscode.workspace.textDocuments) await sendBlocks(document.uri);
    }),
  );
  const serverReady = server.onDidChangeState((state) => {
    if (state !== 'running') return;
    timing.serverReadyMs = performance.now() - activateStart;
    serverReady.dispose();
  });
  context.subscriptions.push(serverReady);
  // Activation does not wait for the server: provenance must be listening as early as possible.
  void server.start();
  timing.activateCallMs = performance.now() - activateStart;
  timing.totalMs = timing.codeLoadMs + timing.activateCallMs;

  return {
    activationTiming: timing,
    get serverState() {
      return server.currentState;
    },
    get serverInfo() {
      return server.serverInfo;
    },
    onDidChangeServerState: server.onDidChangeState,
    get serverStatusItem() {
      return statusItem.snapshot;
    },
    getBlocks: (uri) => provenance.getBlocks(uri),
    onDidChangeBlocks: provenance.onDidChangeBlocks,
    onDidAttributeInsertion: provenance.onDidAttributeInsertion,
    get statusItem() {
      return sharedStatus.snapshot;
    },
    aiBlocksRows: () => aiBlocksView.blockRows(),
    onDidChangeAiBlocksRows: aiBlocksView.onDidChangeTreeData,
    practice: practice.api,
    flushProvenance: () => provenance.flush(),
    whenProvenanceReady: () => provenance.whenReady(),
  };
}

export async function deactivate(): Promise<void> {
  await controller?.dispose();
  controller = undefined;
}
