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

/** Settings the server reads from the `comprehension` section. */
export interface ServerSettings {
  diagnostics: { enable: boolean };
  server: { maxFileSizeKb: number };
}

export const DEFAULT_SERVER_SETTINGS: ServerSettings = {
  diagnostics: { enable: true },
  server: { maxFileSizeKb: 1024 },
};
