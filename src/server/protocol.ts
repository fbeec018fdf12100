/** Custom requests between the client and the server. Plain data only: shared by both bundles. */

/** `comprehension/serverInfo`: who is answering, for the status item and tests. */
export const SERVER_INFO_REQUEST = 'comprehension/serverInfo';

export interface ServerInfo {
  pid: number;
  version: string;
  startedAt: string;
  /** Number of documents the server has open. */
  openDocuments: number;
}

/** `comprehension/trust` notification: workspace trust was granted (VS Code never revokes it in a session). */
export const TRUST_NOTIFICATION = 'comprehension/trust';
export interface TrustParams {
  trusted: boolean;
}

/** `comprehension/aiRanges` notification: the AI-written line ranges of a document (1-based, inclusive). */
export const AI_RANGES_NOTIFICATION = 'comprehension/aiRanges';
export interface AiRangesParams {
  uri: string;
  ranges: { startLine: number; endLine: number }[];
}

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
  /** The comment text before the reason, e.g. `// comprehension-ignore security/eval --`. */
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
