import {
  type CancellationToken,
  type CodeAction,
  CodeActionKind,
  type CodeActionParams,
  type Connection,
  type Diagnostic,
  DiagnosticSeverity,
  type DocumentDiagnosticReport,
  DocumentDiagnosticReportKind,
  type Hover,
  type HoverParams,
  LSPErrorCodes,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { commentLine, commentSyntaxFor } from '../core/text/comments';
import type { Finding, Severity } from '../core/check/findings';
import { VERSION } from '../core/version';
import { BASELINE_PATH, NOTES_DIR, notePathFor, POLICY_PATH } from '../core/workspace/layout';
import { readTextFileSync as readText } from '../core/workspace/fs';
import { blockFromRecord, recordPath } from '../core/provenance/record';
import { ProvenanceStore, recordsFolderOf } from '../core/provenance/store';
import { join } from 'node:path';
import { editorNoteFinding, MISSING_NOTE_RULE_ID, STALE_NOTE_RULE_ID } from '../core/notes/diagnostics';
import { SUPPRESSION_UNREVIEWED_RULE_ID } from '../core/check/suppressions';
import { parseNote } from '../core/notes/note-file';
import { ruleHoverMarkdown } from '../core/rules/hover';
import type { Block } from '../core/provenance/block';
import { ParseCache } from '../core/check/parse-cache';
import {
  BLOCKS_NOTIFICATION,
  type BlocksParams,
  MARK_REVIEWED_COMMAND,
  WRITE_NOTE_COMMAND,
  DEFAULT_SERVER_SETTINGS,
  type InitializationOptions,
  SERVER_INFO_REQUEST,
  type ServerInfo,
  type ServerSettings,
  SUPPRESS_COMMAND,
  type SuppressArguments,
  RECORDS_FOLDERS_NOTIFICATION,
  type RecordsFolder,
  type RecordsFoldersParams,
  TRUST_NOTIFICATION,
  type TrustParams,
} from '../shared/protocol';
import { URI } from './uri';
import { WorkspaceRegistry } from './workspaces';
import type { PolicyWorkspace } from '../core/workspace/policy-workspace';
import { registerReportRequest } from './features/report';
import { registerDrillRequests } from './features/drills';
import { registerNotesFeature } from './features/notes';
import { registerMutationFeature } from './features/mutation';
import { loadGrammars, loadGrammarsForPaths } from '../core/languages/tree-sitter';
import { languageOf, TREE_SITTER_LANGUAGES } from '../core/languages/language';

/** The diagnostic `source` shown in the Problems panel. */
export const DIAGNOSTIC_SOURCE = 'comprehension';
/** Diagnostic code for problems in the policy file itself. */
export const POLICY_PROBLEM_CODE = 'policy/invalid';

/** Findings of the last pull of a document, for code actions and hovers on that version. */
interface DocumentFindings {
  version: number;
  findings: Finding[];
  ruleRationale: ReadonlyMap<string, { summary: string; rationale: string }>;
}

/**
 * Wires the engine to an LSP connection: pull diagnostics for open documents (cancellation
 * honoured, no debounce of our own: the client pulls when the document changes), code actions,
 * hovers, and re-evaluation when the policy, a package.json, lockfile, tsconfig or import map, or the baseline changes.
 */
export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const startedAt = new Date().toISOString();
  const registry = new WorkspaceRegistry((message) => connection.console.warn(message));
  const lastFindings = new Map<string, DocumentFindings>();
  const blocksByUri = new Map<string, Block[]>();
  const parseCaches = new Map<string, ParseCache>();
  const toldTooLarge = new Set<string>();
  /** Documents already announced as generated (once per open, like the size notice). */
  const toldGenerated = new Set<string>();
  let settings: ServerSettings = DEFAULT_SERVER_SETTINGS;
  let canPullConfiguration = false;
  /** Records folders the client named (local storage), by workspace root; others are in the repository. */
  const recordsFolders = new Map<string, string>();

  function setRecordsFolders(folders: readonly RecordsFolder[] | undefined): void {
    recordsFolders.clear();
    for (const folder of folders ?? []) {
      const root = URI.toFsPath(folder.folderUri);
      if (root !== undefined && typeof folder.recordsPath === 'string') recordsFolders.set(root, folder.recordsPath);
    }
  }

  connection.onInitialize((params) => {
    const options = (params.initializationOptions ?? {}) as Partial<InitializationOptions>;
    setRecordsFolders(options.recordsFolders);
    let roots = (params.workspaceFolders ?? []).map((folder) => URI.toFsPath(folder.uri)).filter(isString);
    if (roots.length === 0 && params.rootUri) roots = [URI.toFsPath(params.rootUri)].filter(isString);
    registry.setRoots(roots, options.trusted === true);
    canPullConfiguration = params.capabilities.workspace?.configuration === true;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        diagnosticProvider: { identifier: DIAGNOSTIC_SOURCE, interFileDependencies: true, workspaceDiagnostics: false },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix], resolveProvider: false },
        hoverProvider: true,
      },
      serverInfo: { name: 'Comprehension First', version: VERSION },
    };
  });

  connection.onInitialized(async () => {
    await reloadSettings();
    const roots = registry.all().map((workspace) => workspace.root);
    connection.console.info(
      `Comprehension server ${VERSION} started (pid ${process.pid}, node ${process.version}); workspace: ${roots.join(', ') || '(none)'}`,
    );
  });

  connection.onDidChangeConfiguration(async () => {
    await reloadSettings();
    connection.languages.diagnostics.refresh();
  });

  connection.onNotification(RECORDS_FOLDERS_NOTIFICATION, (params: RecordsFoldersParams) => {
    setRecordsFolders(params.folders);
    connection.languages.diagnostics.refresh();
  });

  connection.onNotification(TRUST_NOTIFICATION, (params: TrustParams) => {
    registry.setTrusted(params.trusted);
    connection.console.info(`Workspace trust: ${params.trusted ? 'trusted; custom rules enabled in the workspace folders' : 'restricted; custom rules off (their patterns are not compiled)'}.`);
    connection.languages.diagnostics.refresh();
  });

  connection.onNotification(BLOCKS_NOTIFICATION, (params: BlocksParams) => {
    blocksByUri.set(params.uri, params.blocks);
    connection.languages.diagnostics.refresh();
  });

  // A note edited in the editor changes its block's finding in another document.
  documents.onDidChangeContent((event) => {
    if (isNoteUri(event.document.uri)) connection.languages.diagnostics.refresh();
  });

  connection.onDidChangeWatchedFiles((params) => {
    let changed = false;
    for (const change of params.changes) {
      const fsPath = URI.toFsPath(change.uri);
      if (!fsPath) continue;
      const { workspace, relativePath } = registry.locate(fsPath);
      if (relativePath === POLICY_PATH) {
        // An open editor's buffer is the newer truth; the pull for that document reads it.
        if (!documents.get(change.uri)) reportPolicyProblems(workspace.loadPolicyFromDisk().length, relativePath);
        changed = true;
      } else if (relativePath === BASELINE_PATH) {
        workspace.loadBaselineFromDisk();
        if (workspace.baselineProblem) connection.console.warn(`Baseline ignored: ${workspace.baselineProblem}`);
        changed = true;
      } else if (relativePath.startsWith(`${NOTES_DIR}/`)) {
        changed = true;
      } else if (workspace.manifests.fileChanged(fsPath)) {
        // A package.json, lockfile, tsconfig or import map: what the dependency rules read from it is read again.
        changed = true;
      }
    }
    if (changed) connection.languages.diagnostics.refresh();
  });

  connection.onRequest(SERVER_INFO_REQUEST, (): ServerInfo => ({
    pid: process.pid,
    version: VERSION,
    startedAt,
    openDocuments: documents.all().length,
  }));

  connection.languages.diagnostics.on(async (params, token): Promise<DocumentDiagnosticReport> => {
    // Let pending messages in first: a `$/cancelRequest` (or a newer edit) queued behind this pull
    // is read, so a superseded pull stops here instead of evaluating an outdated text.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (token.isCancellationRequested) {
      throw new ResponseError(LSPErrorCodes.ServerCancelled, 'Diagnostics cancelled', { retriggerRequest: true });
    }
    const document = documents.get(params.textDocument.uri);
    if (!document || !settings.diagnostics.enable) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    // A Python or Terraform file's grammar loads on the first such file (then this returns at once).
    // A note file is checked against its block's code, whose language is known only once it is found.
    if (document.uri.includes(`/${NOTES_DIR}/`)) await loadGrammars(TREE_SITTER_LANGUAGES);
    else await loadGrammarsForPaths([document.uri]);
    return { kind: DocumentDiagnosticReportKind.Full, items: diagnose(document, token) };
  });

  connection.onCodeAction((params) => codeActions(params));
  connection.onHover((params) => hover(params));
  registerReportRequest(connection, registry);
  registerDrillRequests(connection, registry);
  registerNotesFeature({ connection, documents, registry, blocksFor: (uri) => blocksByUri.get(uri), readNote });
  registerMutationFeature({ connection, documents, registry, blocksFor: (uri) => blocksByUri.get(uri) });

  function parseCacheFor(uri: string): ParseCache {
    let cache = parseCaches.get(uri);
    if (!cache) {
      cache = new ParseCache();
      parseCaches.set(uri, cache);
    }
    return cache;
  }

  documents.onDidClose((event) => {
    toldTooLarge.delete(event.document.uri);
    toldGenerated.delete(event.document.uri);
    parseCaches.get(event.document.uri)?.dispose();
    parseCaches.delete(event.document.uri);
    lastFindings.delete(event.document.uri);
    const fsPath = URI.toFsPath(event.document.uri);
    if (!fsPath) return;
    const { workspace, relativePath } = registry.locate(fsPath);
    // Closing the policy file without saving: what is on disk is the policy again.
    if (relativePath === POLICY_PATH) {
      workspace.loadPolicyFromDisk();
      connection.languages.diagnostics.refresh();
    }
  });

  function diagnose(document: TextDocument, token: CancellationToken): Diagnostic[] {
    const fsPath = URI.toFsPath(document.uri);
    const { workspace, relativePath } = fsPath
      ? registry.locate(fsPath)
      : { workspace: registry.all()[0], relativePath: document.uri.replace(/^[a-z]+:/, '') };
    if (!workspace) return [];
    reloadChangedWorkspaceFiles(workspace);
    if (relativePath === POLICY_PATH) return policyDiagnostics(document, workspace);
    if (relativePath.startsWith(`${NOTES_DIR}/`)) return noteFileDiagnostics(document, workspace);
    if (fsPath && workspace.isIgnored(relativePath)) return [];
    const result = workspace.checkFile(relativePath, document.getText(), {
      blocks: blocksByUri.get(document.uri),
      readNote: (blockId) => readNote(workspace.root, blockId),
      parseCache: parseCacheFor(document.uri),
      cachedMutants: true,
      maxParseLength: settings.server.maxFileSizeKb * 1024,
      isCancelled: () => token.isCancellationRequested,
    });
    if (result.cancelled) {
      // The client stopped waiting (a newer edit is coming): ask it to pull again.
      throw new ResponseError(LSPErrorCodes.ServerCancelled, 'Diagnostics cancelled', { retriggerRequest: true });
    }
    if (result.syntaxSkippedForSize && !toldTooLarge.has(document.uri)) {
      toldTooLarge.add(document.uri);
      connection.console.info(`${relativePath}: larger than ${settings.server.maxFileSizeKb} KiB; text rules only, syntax rules skipped.`);
    }
    if (result.generated !== undefined && !toldGenerated.has(document.uri)) {
      toldGenerated.add(document.uri);
      connection.console.info(`${relativePath}: generated (${result.generated}); secrets rules only (check.skipGenerated).`);
    }
    const findings = result.findings.filter((finding) => finding.severity !== 'off');
    lastFindings.set(document.uri, {
      version: document.version,
      findings,
      ruleRationale: workspace.ruleDescriptions(languageOf(relativePath, document.getText())),
    });
    const now = Date.now();
    return findings.map((finding) => {
      const block = finding.blockId === undefined ? undefined : result.notes.find((state) => state.block.id === finding.blockId)?.block;
      // A fresh block's missing note shows as information during the policy's grace (CI never downgrades).
      const diagnostic = toDiagnostic(block ? editorNoteFinding(finding, block.createdAt, now, workspace.policyState.current) : finding);
      // Note findings carry their block id, for the code actions.
      if (block) diagnostic.data = { ...(diagnostic.data as object), blockId: block.id };
      return diagnostic;
    });
  }

  /** The note of a block: the open editor's text when the note is open (unsaved edits count), else the file. */
  function readNote(root: string, blockId: string): string | undefined {
    const path = join(root, notePathFor(blockId));
    const open = documents.all().find((document) => URI.toFsPath(document.uri) === path);
    return open ? open.getText() : readText(path, { root });
  }

  /** Quality problems shown inside a note file, checked against its block's current code. */
  function noteFileDiagnostics(document: TextDocument, workspace: ReturnType<typeof registry.all>[number]): Diagnostic[] {
    const text = document.getText();
    const parsed = parseNote(text);
    const blockId = parsed.frontMatter?.blockId;
    const located = blockId ? locateBlock(workspace.root, blockId) : undefined;
    if (!located) {
      const problems = parsed.errors.map((error) => ({ message: error.message, start: error.start, end: error.end }));
      return problems.map((problem) => ({
        range: { start: document.positionAt(problem.start), end: document.positionAt(problem.end) },
        severity: DiagnosticSeverity.Warning,
        code: 'comprehension/note-quality',
        source: DIAGNOSTIC_SOURCE,
        message: problem.message,
      }));
    }
    const assessed = workspace.checkFile(located.path, located.text, { blocks: [located.block], readNote: () => text }).notes[0];
    if (!assessed || !assessed.requirement.required) return [];
    return (assessed.status.quality?.problems ?? []).map((problem) => ({
      range: { start: problem.startPosition, end: problem.endPosition },
      severity: DiagnosticSeverity.Warning,
      code: `comprehension/note-${problem.code}`,
      source: DIAGNOSTIC_SOURCE,
      message: problem.message,
    }));
  }

  /** A block by id: from an open document's live blocks, else from its record and the file on disk. */
  function locateBlock(root: string, blockId: string): { path: string; text: string; block: Block } | undefined {
    for (const [uri, blocks] of blocksByUri) {
      const block = blocks.find((candidate) => candidate.id === blockId);
      const document = block && documents.get(uri);
      const fsPath = URI.toFsPath(uri);
      if (block && fsPath?.startsWith(`${root}/`)) {
        return { path: fsPath.slice(root.length + 1), text: document?.getText() ?? readText(fsPath, { root }) ?? '', block };
      }
    }
    // Through the store, from wherever the client keeps this folder's records (local storage included).
    const record = new ProvenanceStore(recordsFolders.get(root) ?? recordsFolderOf(root)).readRecordSync(blockId);
    if (!record) return undefined;
    const path = recordPath(record);
    const text = readText(join(root, path), { root });
    return text === undefined ? undefined : { path, text, block: blockFromRecord(record) };
  }

  function policyDiagnostics(document: TextDocument, workspace: ReturnType<typeof registry.all>[number]): Diagnostic[] {
    const before = workspace.policyState.current;
    const problems = workspace.updatePolicyText(document.getText());
    // A new valid policy changes every other file's findings.
    if (workspace.policyState.current !== before) setImmediate(() => connection.languages.diagnostics.refresh());
    return problems.map((problem) => ({
      range: { start: document.positionAt(problem.start), end: document.positionAt(Math.max(problem.end, problem.start)) },
      severity: problem.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
      code: POLICY_PROBLEM_CODE,
      source: DIAGNOSTIC_SOURCE,
      message:
        problem.severity === 'error' && workspace.policyState.isStale
          ? `${problem.message} (the last valid policy stays in force until this is fixed)`
          : problem.message,
    }));
  }

  /**
   * The policy and baseline as they are on disk now, even if the watcher's event for a change was
   * lost; when either changed, every open document is pulled again (this one already sees the change).
   */
  function reloadChangedWorkspaceFiles(workspace: PolicyWorkspace): void {
    const policyPath = join(workspace.root, POLICY_PATH);
    const policyHeldByEditor = documents.all().some((open) => URI.toFsPath(open.uri) === policyPath);
    const changed = workspace.reloadIfChangedOnDisk({ policyHeldByEditor });
    if (changed.policy) reportPolicyProblems(changed.policy.length, POLICY_PATH);
    if (changed.baseline && workspace.baselineProblem) connection.console.warn(`Baseline ignored: ${workspace.baselineProblem}`);
    if (changed.policy || changed.baseline) setImmediate(() => connection.languages.diagnostics.refresh());
  }

  function reportPolicyProblems(count: number, path: string): void {
    if (count > 0) connection.console.warn(`${path} has ${count} problem(s); open it to see them.`);
  }

  function codeActions(params: CodeActionParams): CodeAction[] {
    const document = documents.get(params.textDocument.uri);
    const cached = lastFindings.get(params.textDocument.uri);
    if (!document || !cached || cached.version !== document.version) return [];
    const actions: CodeAction[] = [];
    for (const diagnostic of params.context.diagnostics) {
      if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
      const finding = cached.findings.find(
        (candidate) =>
          candidate.ruleId === diagnostic.code &&
          candidate.startPosition.line === diagnostic.range.start.line &&
          candidate.startPosition.character === diagnostic.range.start.character,
      );
      if (!finding) continue;
      for (const fix of finding.fixes ?? []) {
        actions.push({
          title: fix.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          isPreferred: fix.preferred === true,
          edit: {
            changes: {
              [document.uri]: fix.edits.map((edit) => ({
                range: { start: document.positionAt(edit.start), end: document.positionAt(edit.end) },
                newText: edit.newText,
              })),
            },
          },
        });
      }
      const blockId = (diagnostic.data as { blockId?: string } | undefined)?.blockId;
      if (blockId && finding.ruleId === MISSING_NOTE_RULE_ID) {
        actions.push({ title: 'Write a comprehension note', kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: true, command: { title: 'Write a comprehension note', command: WRITE_NOTE_COMMAND, arguments: [document.uri, blockId] } });
      }
      if (blockId && finding.ruleId === SUPPRESSION_UNREVIEWED_RULE_ID) {
        const title = 'Explain this AI block, so the suppression counts';
        actions.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: true, command: { title, command: WRITE_NOTE_COMMAND, arguments: [document.uri, blockId] } });
      }
      if (blockId && finding.ruleId === STALE_NOTE_RULE_ID) {
        actions.push({ title: 'Mark as reviewed, note still true', kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], command: { title: 'Mark as reviewed', command: MARK_REVIEWED_COMMAND, arguments: [document.uri, blockId] } });
        actions.push({ title: 'Update the comprehension note', kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], command: { title: 'Open the note', command: WRITE_NOTE_COMMAND, arguments: [document.uri, blockId] } });
      }
      if (!finding.ruleId.startsWith('comprehension/suppression-')) actions.push(suppressAction(document, finding, diagnostic));
    }
    return actions;
  }

  function suppressAction(document: TextDocument, finding: Finding, diagnostic: Diagnostic): CodeAction {
    const line = finding.startPosition.line;
    const lineText = document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
    const indent = /^[ \t]*/.exec(lineText)?.[0] ?? '';
    const fsPath = URI.toFsPath(document.uri) ?? document.uri;
    const syntax = commentSyntaxFor(document.languageId, fsPath);
    const full = commentLine(syntax, `comprehension-ignore ${finding.ruleId} -- REASON`);
    const [commentPrefix, commentSuffix] = full.split('REASON');
    const args: SuppressArguments = { uri: document.uri, line, ruleId: finding.ruleId, commentPrefix: commentPrefix.trimEnd(), commentSuffix, indent };
    return {
      title: `Suppress ${finding.ruleId} here, with a reason…`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      command: { title: 'Suppress with a reason', command: SUPPRESS_COMMAND, arguments: [args] },
    };
  }

  function hover(params: HoverParams): Hover | null {
    const document = documents.get(params.textDocument.uri);
    const cached = lastFindings.get(params.textDocument.uri);
    if (!document || !cached || cached.version !== document.version) return null;
    const offset = document.offsetAt(params.position);
    const here = cached.findings.filter((finding) => finding.start <= offset && offset <= Math.max(finding.end, finding.start + 1));
    if (here.length === 0) return null;
    const sections = [...new Set(here.map((finding) => finding.ruleId))].map((ruleId) => {
      const rule = cached.ruleRationale.get(ruleId);
      const reasons = [...new Set(here.filter((f) => f.ruleId === ruleId).flatMap((f) => f.severityReasons))];
      return ruleHoverMarkdown({ ruleId, rule, severityReasons: reasons });
    });
    return { contents: { kind: 'markdown', value: sections.join('\n\n---\n\n') } };
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
    message: finding.severityReasons.length ? `${finding.message} (${finding.severityReasons.join('; ')})` : finding.message,
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

function isNoteUri(uri: string): boolean {
  return uri.includes(`/${NOTES_DIR}/`) && uri.endsWith('.md');
}

function isString(value: string | undefined): value is string {
  return typeof value === 'string';
}
