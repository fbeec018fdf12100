import * as vscode from 'vscode';
import {
  CloseAction,
  type CloseHandlerResult,
  ErrorAction,
  type ErrorHandler,
  type ErrorHandlerResult,
  LanguageClient,
  type NotificationType,
  type RequestType,
  type RequestParam,
  type LanguageClientOptions,
  type ServerOptions,
  State,
  TransportKind,
} from 'vscode-languageclient/node';
import { type InitializationOptions, type RecordsFolder, SERVER_INFO_REQUEST, type ServerInfo, TRUST_NOTIFICATION, type TrustParams } from '../shared/protocol';
import type { Config } from './config';
import { DEPENDENCY_CONFIG_FILE_PATTERNS } from '../core/rules/dependencies/config-files';
import { SHOW_RULE_RATIONALE_COMMAND } from '../core/rules/hover';
import { BASELINE_PATH, NOTES_DIR, POLICY_PATH } from '../core/workspace/layout';

/** What the status item and the API report about the server. */
export type ServerState = 'starting' | 'running' | 'restarting' | 'stopped' | 'failed';

/** Restarts after a crash within this window count towards the limit. */
const RESTART_WINDOW_MS = 3 * 60 * 1000;
const MAX_RESTARTS_IN_WINDOW = 5;

/**
 * Owns the language client: starts the bundled server over IPC, restarts it when it dies (up to
 * a limit, logging each time), and reports its state. Modelled on vscode-eslint's client.
 */
export class ServerController implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private state: ServerState = 'stopped';
  private info: ServerInfo | undefined;
  private readonly crashes: number[] = [];
  private readonly stateEmitter = new vscode.EventEmitter<ServerState>();
  /** Fires when the server's state changes (and once more when its info is known after a start). */
  readonly onDidChangeState = this.stateEmitter.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly config: Config,
    readonly outputChannel: vscode.LogOutputChannel,
  ) {}

  /** Where the records of each workspace folder live, sent when the server starts (set by provenance). */
  recordsFolders: () => RecordsFolder[] = () => [];

  get currentState(): ServerState {
    return this.state;
  }

  get serverInfo(): ServerInfo | undefined {
    return this.info;
  }

  get languageClient(): LanguageClient | undefined {
    return this.client;
  }

  async start(): Promise<void> {
    this.setState('starting');
    const client = this.createClient();
    this.client = client;
    client.onDidChangeState((event) => {
      if (event.newState === State.Running) {
        void this.refreshInfo(client);
      } else if (event.newState === State.Starting) {
        this.setState(this.state === 'running' ? 'restarting' : 'starting');
      }
    });
    try {
      await client.start();
    } catch (error) {
      this.outputChannel.error(`The language server did not start: ${(error as Error).message}`);
      this.setState('failed');
    }
  }

  /** Sends a notification when the server runs (dropped while it is down: state is re-sent on start). */
  async notify<P>(type: NotificationType<P>, params: P): Promise<void> {
    if (this.client?.state !== State.Running) return;
    await this.client.sendNotification(type, params as RequestParam<P>).catch((error: Error) => this.outputChannel.warn(`${type.method}: ${error.message}`));
  }

  /**
   * Sends a request and resolves with the server's answer. While the server is starting or
   * restarting it waits for it (up to `startTimeoutMs`); rejects when it is stopped or failed.
   */
  async request<P, R>(type: RequestType<P, R, void>, params: P, startTimeoutMs = 30_000): Promise<R> {
    if (this.state === 'starting' || this.state === 'restarting') {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          subscription.dispose();
          reject(new Error(`the language server did not start within ${startTimeoutMs / 1000} s`));
        }, startTimeoutMs);
        const subscription = this.onDidChangeState((state) => {
          if (state === 'starting' || state === 'restarting') return;
          clearTimeout(timer);
          subscription.dispose();
          resolve();
        });
      });
    }
    const client = this.client;
    if (this.state !== 'running' || client?.state !== State.Running) throw new Error(`the language server is ${this.state}`);
    return client.sendRequest(type, params as RequestParam<P>);
  }

  /** Tells the server that workspace trust was granted, so custom rules may run. */
  async notifyTrusted(): Promise<void> {
    await this.client?.sendNotification(TRUST_NOTIFICATION, { trusted: true } satisfies TrustParams);
  }

  /** Stops and starts the server (the Restart command and restart-required settings). */
  async restart(): Promise<void> {
    this.outputChannel.info('Restarting the language server.');
    this.crashes.length = 0;
    const previous = this.client;
    this.client = undefined;
    this.info = undefined;
    this.setState('restarting');
    if (previous) {
      try {
        await previous.dispose(5000);
      } catch (error) {
        this.outputChannel.warn(`Stopping the old server failed (${(error as Error).message}); starting a new one anyway.`);
      }
    }
    await this.start();
  }

  async dispose(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.stateEmitter.dispose();
    if (client) await client.dispose(2000).catch(() => undefined);
  }

  private setState(state: ServerState): void {
    this.state = state;
    this.stateEmitter.fire(state);
  }

  private async refreshInfo(client: LanguageClient): Promise<void> {
    try {
      this.info = await client.sendRequest(SERVER_INFO_REQUEST);
    } catch (error) {
      this.outputChannel.warn(`Could not read the server's info: ${(error as Error).message}`);
    }
    if (this.client === client) this.setState('running');
  }

  private createClient(): LanguageClient {
    const module = this.context.asAbsolutePath('dist/server.js');
    const memory = this.config.serverNodeMemoryMb;
    const execArgv = memory > 0 ? [`--max-old-space-size=${memory}`] : [];
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc, options: { execArgv } },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: [...execArgv, '--nolazy', '--inspect=6019'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ scheme: 'file' }, { scheme: 'untitled' }],
      diagnosticPullOptions: { onChange: true, onSave: true, onTabs: false },
      outputChannel: this.outputChannel,
      errorHandler: this.errorHandler(),
      initializationOptions: { trusted: vscode.workspace.isTrusted, recordsFolders: this.recordsFolders() } satisfies InitializationOptions,
      // The finding hover's "More…" link opens the rule's full rationale; no other command runs from it.
      markdown: { isTrusted: { enabledCommands: [SHOW_RULE_RATIONALE_COMMAND] } },
      synchronize: {
        configurationSection: 'comprehension',
        // The policy, the baseline and the dependency rules' files (package.json, lockfiles, tsconfig…) change what every open file reports.
        fileEvents: vscode.workspace.createFileSystemWatcher(`**/{${[...DEPENDENCY_CONFIG_FILE_PATTERNS, POLICY_PATH, BASELINE_PATH, `${NOTES_DIR}/*.md`].join(',')}}`),
      },
    };
    return new LanguageClient('comprehension', 'Comprehension', serverOptions, clientOptions);
  }

  /** Restarts a crashed server unless it crashed too often lately; logs every decision. */
  private errorHandler(): ErrorHandler {
    return {
      error: (error, _message, count): ErrorHandlerResult => {
        this.outputChannel.error(`Connection error (${count ?? 1}): ${error.message}`);
        return { action: ErrorAction.Continue, handled: true };
      },
      closed: (): CloseHandlerResult => {
        const now = Date.now();
        this.crashes.push(now);
        while (this.crashes.length > 0 && now - this.crashes[0] > RESTART_WINDOW_MS) this.crashes.shift();
        this.info = undefined;
        if (this.crashes.length > MAX_RESTARTS_IN_WINDOW) {
          this.outputChannel.error(
            `The language server stopped ${this.crashes.length} times in ${RESTART_WINDOW_MS / 60000} minutes; not restarting. Use "Comprehension: Restart Language Server" after fixing the cause.`,
          );
          this.setState('failed');
          return { action: CloseAction.DoNotRestart, handled: true };
        }
        this.outputChannel.warn(`The language server stopped unexpectedly; restarting (${this.crashes.length} in the last ${RESTART_WINDOW_MS / 60000} minutes).`);
        this.setState('restarting');
        return { action: CloseAction.Restart, handled: true };
      },
    };
  }
}
