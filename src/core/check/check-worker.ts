import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { type CheckWorkerInput, checkOneFile, checkThreadReads, type FileOutcome, noteReader } from './check-run';
import { PolicyWorkspace } from '../workspace/policy-workspace';
import { loadGrammarsForPaths } from '../languages/tree-sitter';

/**
 * A worker thread of `comprehension check`: judges its share of the files with the same policy
 * and baseline as the main thread, and posts the outcomes back.
 */
async function main(input: CheckWorkerInput): Promise<void> {
  await loadGrammarsForPaths(input.paths);
  const workspace = new PolicyWorkspace(input.root, input.trusted);
  workspace.updatePolicyText(input.policyText);
  workspace.selectRules(input.ruleGlobs);
  workspace.loadBaselineFromDisk();
  const blocks = new Map(input.blocksByPath);
  const readNote = noteReader(input.root);
  const { confinement, realFolders } = checkThreadReads(input.root);
  const options = { ...input.options, realFolders };
  const outcomes: FileOutcome[] = input.paths.map((path) => checkOneFile(workspace, path, blocks.get(path) ?? [], readNote, options, confinement));
  parentPort?.postMessage(outcomes);
}

/**
 * Runs this thread as a check worker when it was started as one (check-run.ts starts the bundle it
 * runs in, `dist/cli.js` or `dist/server.js`, with a {@link CheckWorkerInput}) and returns true; the
 * entry point then does nothing else. Returns false on the main thread and in other workers.
 */
export function startCheckWorkerIfAsked(): boolean {
  if (isMainThread || parentPort === null || (workerData as Partial<CheckWorkerInput> | undefined)?.checkWorker !== true) return false;
  void main(workerData as CheckWorkerInput);
  return true;
}

// Unbundled (tests), this file is the worker's script; in a bundle the entry point asks instead
// (asking here too would run the worker twice).
if (/check-worker\.[cm]?js$/.test(__filename)) startCheckWorkerIfAsked();
