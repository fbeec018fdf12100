import { realpathSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { type CheckWorkerInput, checkOneFile, type FileOutcome, noteReader } from './check-run';
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
  const realRoot = realpathSync.native(input.root);
  const options = { ...input.options, realFolders: new Map<string, string>() };
  const outcomes: FileOutcome[] = input.paths.map((path) => checkOneFile(workspace, path, blocks.get(path) ?? [], readNote, options, realRoot));
  parentPort?.postMessage(outcomes);
}

if (parentPort) void main(workerData as CheckWorkerInput);
