import type { Block } from '../provenance/block';
import { gitIdentity } from '../workspace/git';
import type { PolicyWorkspace } from '../workspace/policy-workspace';
import { assessBlockNote, type BlockNoteState } from './assess';
import { readNoteFile } from './note-file';
import { prepareSignOff, type PreparedSignOff } from './sign-off';
import { loadGrammarsForPaths } from '../languages/tree-sitter';

/** Inputs of {@link prepareWorkspaceSignOff}. */
export interface WorkspaceSignOffInput {
  workspace: PolicyWorkspace;
  /** Workspace-relative POSIX path of the block's file. */
  path: string;
  /** The file's current text. */
  text: string;
  block: Block;
  onQuestionsError?: (error: Error) => void;
}

/**
 * The one sign-off flow of `comprehension review` and the editor's command: reads the note file on
 * disk (the sign-off is written there), assesses the block with the workspace's policy and
 * CODEOWNERS, and prepares the sign-off as the git identity of the workspace. Writes nothing.
 */
export async function prepareWorkspaceSignOff(input: WorkspaceSignOffInput): Promise<{ state: BlockNoteState; noteText: string | undefined; prepared: PreparedSignOff }> {
  const { workspace, path, text, block } = input;
  const noteText = await readNoteFile(workspace.root, block.id);
  const codeOwners = workspace.codeOwners();
  await loadGrammarsForPaths([path]);
  const state = assessBlockNote({
    path,
    text,
    block,
    noteText,
    policy: workspace.policyState.current,
    inCriticalPath: workspace.isCritical(path),
    codeOwners: () => codeOwners,
    onQuestionsError: input.onQuestionsError,
  });
  const prepared = await prepareSignOff({ root: workspace.root, state, noteText, path, signer: await gitIdentity(workspace.root), codeOwners });
  return { state, noteText, prepared };
}
