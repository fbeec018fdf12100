/**
 * The `.comprehension/` folder of a workspace: every path in it, named once. Everything that reads
 * or writes workspace data (the server, the CLI, the extension, agent hooks) takes its paths from
 * here, so the layout can be read in one place and changed in one place.
 *
 * All paths are workspace-relative and POSIX (`/`), as they appear in records, SARIF and git.
 */

/** The folder that holds everything the product keeps in a repository. */
export const DATA_DIR = '.comprehension';

/** The policy file (YAML; `policy.json` is accepted by the schema association only). */
export const POLICY_PATH = `${DATA_DIR}/policy.yaml`;

/** Fingerprints of accepted findings (`comprehension baseline`). */
export const BASELINE_PATH = `${DATA_DIR}/baseline.json`;

/** One Agent Trace-shaped JSON record per AI block (repository storage). */
export const PROVENANCE_DIR = `${DATA_DIR}/provenance`;

/** One Markdown comprehension note per AI block. */
export const NOTES_DIR = `${DATA_DIR}/notes`;

/** Review audits of comprehension notes (`comprehension report --audit N`), one YAML file each. */
export const AUDITS_DIR = `${DATA_DIR}/audits`;

/** Machine-local state (hook snapshots, the hook runtime): git-ignored through `GITIGNORE_PATH`. */
export const LOCAL_CACHE_DIR = `${DATA_DIR}/.cache`;

/** The `.gitignore` inside the data folder that keeps `LOCAL_CACHE_DIR` out of commits. */
export const GITIGNORE_PATH = `${DATA_DIR}/.gitignore`;

/** The committed agent-hook launcher (see `core/hooks/runtime.ts`). */
export const HOOK_LAUNCHER_PATH = `${DATA_DIR}/bin/comprehension-hook`;

/** The machine-local runtime the launcher runs (git-ignored). */
export const HOOK_RUNTIME_PATH = `${LOCAL_CACHE_DIR}/hook-runtime`;

/** Where agent hooks keep the before-copies of files between their pre and post calls. */
export const HOOK_SNAPSHOTS_DIR = `${LOCAL_CACHE_DIR}/hooks`;

/**
 * Mutation-testing results per AI block (`comprehension mutate`), read by the editor without
 * rerunning Stryker; machine-local, since they depend on the tests and tools installed here.
 */
export const MUTATION_CACHE_DIR = `${LOCAL_CACHE_DIR}/mutation`;

/** Workspace-relative POSIX path of the cached mutation result of `blockId`; unsafe characters are %-encoded. */
export function mutationCachePathFor(blockId: string): string {
  return `${MUTATION_CACHE_DIR}/${safeFileName(blockId)}.json`;
}
/** The running debugging drill of this workspace (machine-local: its copy lives in a temporary folder). */
export const DRILL_SESSION_PATH = `${LOCAL_CACHE_DIR}/drill.json`;

/** Drills finished from the terminal (`comprehension drill`), a practice history file the report reads. */
export const DRILL_HISTORY_PATH = `${LOCAL_CACHE_DIR}/drill-history.json`;

/** Whether a workspace-relative POSIX path is the data folder or inside it (never checked as code). */
export function isDataPath(path: string): boolean {
  return path === DATA_DIR || path.startsWith(`${DATA_DIR}/`);
}

/** Workspace-relative POSIX path of the note for `blockId`; unsafe characters are %-encoded. */
export function notePathFor(blockId: string): string {
  return `${NOTES_DIR}/${safeFileName(blockId)}.md`;
}

/**
 * Workspace-relative POSIX path of the audit file named `name`: a plain file name, as the audit
 * writer makes it (`<date>-<id>.yaml`) or as listed in the folder (a reviewer may copy or rename one).
 */
export function auditPathFor(name: string): string {
  return `${AUDITS_DIR}/${name}`;
}

/** Workspace-relative POSIX path of the record file of `blockId` (ids are validated by the store). */
export function recordFilePathFor(blockId: string): string {
  return `${PROVENANCE_DIR}/${blockId}.json`;
}

function safeFileName(id: string): string {
  let out = '';
  for (const byte of Buffer.from(id, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9_.-]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  // Leading dots would hide the file or read as `..`; encode them.
  return out.replace(/^\.+/, (dots) => '%2E'.repeat(dots.length));
}
