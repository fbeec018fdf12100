/**
 * The language server's protocol extensions: every custom request and notification between the
 * client and the server, typed once here and used by both sides (as vscode-eslint shares its
 * protocol). Plain data only; the message types come from the LSP protocol package both bundles
 * already contain.
 */
import { NotificationType, RequestType0 } from 'vscode-languageserver-protocol';
import type { Block } from '../core/provenance/block';

/** `comprehension/serverInfo`: who is answering, for the status item and tests. */
export const SERVER_INFO_REQUEST = new RequestType0<ServerInfo, void>('comprehension/serverInfo');

export interface ServerInfo {
  pid: number;
  version: string;
  startedAt: string;
  /** Number of documents the server has open. */
  openDocuments: number;
}

/** `comprehension/trust` notification: workspace trust was granted (VS Code never revokes it in a session). */
export interface TrustParams {
  trusted: boolean;
}
export const TRUST_NOTIFICATION = new NotificationType<TrustParams>('comprehension/trust');

/**
 * `comprehension/blocks` notification: the AI blocks of a document as the editor tracks them now
 * (1-based inclusive lines). Findings inside them are raised; each is checked for its note.
 */
export interface BlocksParams {
  uri: string;
  blocks: Block[];
}
export const BLOCKS_NOTIFICATION = new NotificationType<BlocksParams>('comprehension/blocks');

/** Client commands the server's code actions call for comprehension notes. */
export const WRITE_NOTE_COMMAND = 'comprehension.notes.write';
export const MARK_REVIEWED_COMMAND = 'comprehension.notes.markReviewed';

/** What the client passes in `initializationOptions`. */
export interface InitializationOptions {
  trusted: boolean;
}

/** Client command behind the "Suppress with a reason" code action (it asks for the reason). */
export const SUPPRESS_COMMAND = 'comprehension.suppressWithReason';
export interface SuppressArguments {
  uri: string;
  /** 0-based line of the finding; the comment goes on a new line above it. */
  line: number;
  ruleId: string;
  /** The comment text before the reason: the language's comment starter, the marker, the rule id and `--`. */
  commentPrefix: string;
  /** Closes a block comment (`*\/`, `-->`) when the language has no line comments. */
  commentSuffix: string;
  indent: string;
}

/** Settings the server reads from the `comprehension` section. */
export interface ServerSettings {
  diagnostics: { enable: boolean };
  server: { maxFileSizeKb: number };
}

export const DEFAULT_SERVER_SETTINGS: ServerSettings = {
  diagnostics: { enable: true },
  server: { maxFileSizeKb: 1024 },
};
