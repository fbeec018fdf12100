import { basename, dirname, join } from 'node:path';
import { PolicyWorkspace } from '../core/workspace/policy-workspace';
import { POLICY_PATH } from '../core/workspace/layout';
import { workspaceRelativePath } from '../core/workspace/paths';

/**
 * The policy workspaces of the server: one per workspace folder, and one per folder of a file
 * opened outside every workspace folder (it gets the defaults unless that folder has a policy).
 * Trust covers the workspace folders it was granted for: a folder outside them is never trusted, so
 * its policy's custom rules are neither compiled nor run, whatever the window's trust.
 */
export class WorkspaceRegistry {
  private readonly byRoot = new Map<string, PolicyWorkspace>();
  private roots: string[] = [];
  private trusted = false;

  constructor(private readonly onProblem: (message: string) => void) {}

  setRoots(roots: string[], trusted: boolean): void {
    this.trusted = trusted;
    // Longest first, so nested workspace folders win over their parents.
    this.roots = [...roots].sort((a, b) => b.length - a.length);
    // A folder opened earlier from outside may have become a workspace folder, or stopped being one.
    for (const workspace of this.byRoot.values()) workspace.setTrusted(this.isTrustedRoot(workspace.root));
    for (const root of this.roots) this.open(root);
  }

  setTrusted(trusted: boolean): void {
    this.trusted = trusted;
    for (const workspace of this.byRoot.values()) workspace.setTrusted(this.isTrustedRoot(workspace.root));
  }

  /** Whether the window's trust applies to `root`: only to its workspace folders. */
  private isTrustedRoot(root: string): boolean {
    return this.trusted && this.roots.includes(root);
  }

  all(): PolicyWorkspace[] {
    return [...this.byRoot.values()];
  }

  /** The workspace a file belongs to and the file's path relative to it. */
  locate(fsPath: string): { workspace: PolicyWorkspace; relativePath: string } {
    // Roots are sorted longest first, so a nested workspace folder wins over its parent.
    for (const root of this.roots) {
      const relativePath = workspaceRelativePath(root, fsPath);
      if (relativePath) return { workspace: this.open(root), relativePath };
    }
    return { workspace: this.open(dirname(fsPath)), relativePath: basename(fsPath) };
  }

  private open(root: string): PolicyWorkspace {
    let workspace = this.byRoot.get(root);
    if (!workspace) {
      workspace = new PolicyWorkspace(root, this.isTrustedRoot(root));
      const problems = workspace.loadPolicyFromDisk();
      const errors = problems.filter((problem) => problem.severity === 'error');
      if (errors.length) this.onProblem(`${join(root, POLICY_PATH)} has ${errors.length} error(s); the defaults apply until it is fixed.`);
      workspace.loadBaselineFromDisk();
      if (workspace.baselineProblem) this.onProblem(`Baseline ignored: ${workspace.baselineProblem}`);
      this.byRoot.set(root, workspace);
    }
    return workspace;
  }
}
