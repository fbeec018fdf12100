import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  type ProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver/node';

/** The server entry transpiled into the test output folder (unbundled; resolves node_modules). */
const SERVER_MAIN = join(__dirname, '../../../src/server/main.js');

/** A real language-server process spoken to over stdio, as an editor would. */
export class LspTestClient {
  readonly connection: ProtocolConnection;
  readonly logs: string[] = [];
  private readonly child: ChildProcess;

  /**
   * @param serverMain the server entry to run (default: the transpiled, unbundled one).
   * @param nodeArgs Node options for the server process (e.g. a heap limit).
   */
  constructor(serverMain: string = SERVER_MAIN, nodeArgs: readonly string[] = []) {
    this.child = spawn(process.execPath, [...nodeArgs, serverMain, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.connection = createProtocolConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    this.connection.onNotification('window/logMessage', (params: { message: string }) => {
      this.logs.push(params.message);
    });
    // The server asks for settings; answer with the defaults a client would send.
    this.connection.onRequest('workspace/configuration', (params) => (params as { items: unknown[] }).items.map(() => ({})));
    this.connection.onRequest('workspace/diagnostic/refresh', () => null);
    this.connection.listen();
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** @param options more `initializationOptions` (e.g. `recordsFolders`). */
  async initialize(root: string, trusted = true, options: Record<string, unknown> = {}): Promise<unknown> {
    const result = await this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(root).href,
      workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'test' }],
      capabilities: { workspace: { configuration: true, diagnostics: { refreshSupport: true } }, textDocument: { diagnostic: {} } },
      initializationOptions: { trusted, ...options },
    });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  open(path: string, text: string, languageId = 'typescript', version = 1): string {
    const uri = pathToFileURL(path).href;
    void this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
    return uri;
  }

  change(uri: string, version: number, changes: unknown[]): void {
    void this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
  }

  async pull(uri: string): Promise<{ kind: string; items: Array<{ code: string; message: string; severity: number; range: { start: { line: number; character: number }; end: { line: number; character: number } } }> }> {
    return this.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } });
  }

  async stop(): Promise<void> {
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } catch {
      /* already gone */
    }
    this.connection.dispose();
    this.child.kill();
  }
}
