import {
  type CancellationToken,
  type Connection,
  type Diagnostic,
  DiagnosticSeverity,
  type DocumentDiagnosticReport,
  DocumentDiagnosticReportKind,
  LSPErrorCodes,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from './uri';
import { evaluate } from '../core/engine';
import type { Finding, Severity } from '../core/findings';
import { defaultPolicy } from '../core/policy/policy';
import { BUILTIN_RULES } from '../core/rules';
import { VERSION } from '../core/version';
import { DEFAULT_SERVER_SETTINGS, SERVER_INFO_REQUEST, type ServerInfo, type ServerSettings } from './protocol';

/** The diagnostic `source` shown in the Problems panel. */
export const DIAGNOSTIC_SOURCE = 'comprehension';

/**
 * Wires the engine to an LSP connection: pull diagnostics for open documents, honouring the
 * client's cancellation, and logging to the client's output channel.
 */
export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const startedAt = new Date().toISOString();
  let workspaceRoots: string[] = [];
  let settings: ServerSettings = DEFAULT_SERVER_SETTINGS;
  let canPullConfiguration = false;
  const toldTooLarge = new Set<string>();

  connection.onInitialize((params) => {
    workspaceRoots = (params.workspaceFolders ?? []).map((folder) => URI.toFsPath(folder.uri)).filter(isString);
    if (workspaceRoots.length === 0 && params.rootUri) {
      const rootPath = URI.toFsPath(params.rootUri);
      if (rootPath) workspaceRoots = [rootPath];
    }
    canPullConfiguration = params.capabilities.workspace?.configuration === true;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        diagnosticProvider: { identifier: DIAGNOSTIC_SOURCE, interFileDependencies: false, workspaceDiagnostics: false },
      },
      serverInfo: { name: 'Comprehension First', version: VERSION },
    };
  });

  connection.onInitialized(async () => {
    await reloadSettings();
    connection.console.info(`Comprehension server ${VERSION} started (pid ${process.pid}, node ${process.version}); workspace: ${workspaceRoots.join(', ') || '(none)'}`);
  });

  connection.onDidChangeConfiguration(async () => {
    await reloadSettings();
    connection.languages.diagnostics.refresh();
  });

  connection.onRequest(SERVER_INFO_REQUEST, (): ServerInfo => ({
    pid: process.pid,
    version: VERSION,
    startedAt,
    openDocuments: documents.all().length,
  }));

  connection.languages.diagnostics.on(async (params, token): Promise<DocumentDiagnosticReport> => {
    const document = documents.get(params.textDocument.uri);
    if (!document || !settings.diagnostics.enable) {
      return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    }
    const items = diagnose(document, token);
    return { kind: DocumentDiagnosticReportKind.Full, items };
  });

  documents.onDidClose((event) => toldTooLarge.delete(event.document.uri));

  function diagnose(document: TextDocument, token: CancellationToken): Diagnostic[] {
    const path = relativePath(document.uri);
    const maxParseLength = settings.server.maxFileSizeKb * 1024;
    const result = evaluate(path, document.getText(), {
      policy: defaultPolicy(),
      rules: BUILTIN_RULES,
      maxParseLength,
      isCancelled: () => token.isCancellationRequested,
    });
    if (result.cancelled) {
      // The client asked for this pull to stop (a newer edit is coming): tell it to pull again.
      throw new ResponseError(LSPErrorCodes.ServerCancelled, 'Diagnostics cancelled', { retriggerRequest: true });
    }
    if (result.syntaxSkippedForSize && !toldTooLarge.has(document.uri)) {
      toldTooLarge.add(document.uri);
      connection.console.info(`${path}: larger than ${settings.server.maxFileSizeKb} KiB; text rules only, syntax rules skipped.`);
    }
    return result.findings.filter((finding) => finding.severity !== 'off').map(toDiagnostic);
  }

  function relativePath(uri: string): string {
    const fsPath = URI.toFsPath(uri);
    if (!fsPath) return uri;
    for (const root of workspaceRoots) {
      if (fsPath.startsWith(root + '/')) return fsPath.slice(root.length + 1);
    }
    return fsPath;
  }

  async function reloadSettings(): Promise<void> {
    if (!canPullConfiguration) return;
    try {
      const raw = (await connection.workspace.getConfiguration('comprehension')) as Partial<ServerSettings> | null;
      settings = {
        diagnostics: { ...DEFAULT_SERVER_SETTINGS.diagnostics, ...(raw?.diagnostics ?? {}) },
        server: { ...DEFAULT_SERVER_SETTINGS.server, ...(raw?.server ?? {}) },
      };
    } catch (error) {
      connection.console.warn(`Could not read settings, keeping the previous ones: ${(error as Error).message}`);
    }
  }

  documents.listen(connection);
  connection.listen();
}

function toDiagnostic(finding: Finding): Diagnostic {
  return {
    range: { start: finding.startPosition, end: finding.endPosition },
    severity: toLspSeverity(finding.severity),
    code: finding.ruleId,
    source: DIAGNOSTIC_SOURCE,
    message: finding.message,
    data: { fingerprint: finding.fingerprint },
  };
}

function toLspSeverity(severity: Severity): DiagnosticSeverity {
  switch (severity) {
    case 'error':
      return DiagnosticSeverity.Error;
    case 'warning':
      return DiagnosticSeverity.Warning;
    default:
      return DiagnosticSeverity.Information;
  }
}

function isString(value: string | undefined): value is string {
  return typeof value === 'string';
}
