import { join } from 'node:path';
import * as vscode from 'vscode';
import { HOOK_AGENT_LABELS, HOOK_AGENTS, HOOK_CONFIG_PATHS, type HookAgent, isHookAgent } from '../core/hooks/agents';
import { HookConfigError, type InstallReport, installAgentHooks, repairHookRuntime } from '../core/hooks/install';
import { type RuntimeResolution, resolveHookRuntime, RUNTIME_FALLBACK } from '../core/hooks/runtime';
import { HOOK_LAUNCHER_PATH } from '../core/workspace/layout';
import { type CommandHandlers, Commands } from './commands';

/**
 * "Comprehension: Install Agent Hooks…": the CLI's `hooks install`, from the editor, with the
 * CLI bundled in this extension and the extension host's own runtime recorded for the launcher.
 */

/** Arguments that skip the pickers (for keybindings, other extensions and tests). */
export interface InstallAgentHooksArgs {
  agents?: HookAgent[];
  /** The workspace folder to install into (or a file inside it). */
  folder?: vscode.Uri;
}

/** What the command did, for callers that pass arguments; undefined when it was refused or cancelled. */
export interface InstallAgentHooksResult {
  root: string;
  report: InstallReport;
  /** Why no runtime was recorded for this machine, when none was. */
  runtimeProblem?: string;
}

/** The extension host as the hooks should run the bundled CLI: Electron in desktop VS Code, Node elsewhere. */
function extensionRuntime(context: vscode.ExtensionContext): RuntimeResolution {
  return resolveHookRuntime({ execPath: process.execPath, electronVersion: process.versions.electron, cliScript: join(context.extensionPath, 'dist', 'cli.js') });
}

async function pickFolder(folder: vscode.Uri | undefined): Promise<vscode.WorkspaceFolder | undefined> {
  if (folder) {
    const owner = vscode.workspace.getWorkspaceFolder(folder);
    if (!owner) void vscode.window.showErrorMessage(`Install Agent Hooks: ${folder.fsPath} is not in an open workspace folder.`);
    return owner;
  }
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    void vscode.window.showErrorMessage('Install Agent Hooks: open the project folder first; the hooks are written into it.');
    return undefined;
  }
  if (folders.length === 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Install agent hooks into which folder?' });
}

async function pickAgents(requested: unknown[] | undefined): Promise<HookAgent[] | undefined> {
  if (requested !== undefined) {
    const unknown = requested.filter((agent) => !isHookAgent(agent));
    if (unknown.length > 0 || requested.length === 0) {
      void vscode.window.showErrorMessage(`Install Agent Hooks: expected agents among ${HOOK_AGENTS.join(', ')}, got ${JSON.stringify(requested)}.`);
      return undefined;
    }
    return requested as HookAgent[];
  }
  const items = HOOK_AGENTS.map((agent) => ({ label: HOOK_AGENT_LABELS[agent], description: HOOK_CONFIG_PATHS[agent], agent }));
  const picked = await vscode.window.showQuickPick(items, {
    canPickMany: true,
    title: 'Install Agent Hooks',
    placeHolder: 'Which agents should record what they write? (each writes its project hook file)',
  });
  return picked && picked.length > 0 ? picked.map((item) => item.agent) : undefined;
}

function describe(result: InstallAgentHooksResult): string {
  const { report } = result;
  const changed = report.configs.filter((config) => config.outcome !== 'unchanged');
  const named = (configs: typeof report.configs) => configs.map((config) => `${HOOK_AGENT_LABELS[config.agent]} (${config.path})`).join(', ');
  const parts = [changed.length > 0 ? `Installed agent hooks for ${named(changed)}.` : `Agent hooks were already installed for ${named(report.configs)}.`];
  if (report.launcher) parts.push(`They run ${HOOK_LAUNCHER_PATH}; commit it with the hook files.`);
  if (report.runtime) parts.push(`On this machine they use this extension's CLI (recorded in ${report.runtime.path}, not committed).`);
  else if (result.runtimeProblem) parts.push(`No runtime recorded for this machine (${result.runtimeProblem}): ${RUNTIME_FALLBACK}.`);
  return parts.join(' ');
}

async function installCommand(context: vscode.ExtensionContext, args: InstallAgentHooksArgs | undefined): Promise<InstallAgentHooksResult | undefined> {
  if (!vscode.workspace.isTrusted) {
    const choice = await vscode.window.showWarningMessage(
      'Install Agent Hooks writes an executable script and hook settings into this workspace, which is not trusted. Trust the workspace first.',
      'Manage Workspace Trust',
    );
    if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
    return undefined;
  }
  const folder = await pickFolder(args?.folder);
  if (!folder) return undefined;
  if (folder.uri.scheme !== 'file') {
    void vscode.window.showErrorMessage('Install Agent Hooks: the folder must be on this machine\'s disk (agents run the hooks there).');
    return undefined;
  }
  const agents = await pickAgents(args?.agents);
  if (!agents) return undefined;

  const root = folder.uri.fsPath;
  const resolution = extensionRuntime(context);
  let report: InstallReport;
  try {
    report = await installAgentHooks({ root, agents, ...(resolution.kind === 'resolved' ? { runtime: resolution.runtime } : {}) });
  } catch (error) {
    const message = error instanceof HookConfigError ? error.message : `could not install the hooks: ${error instanceof Error ? error.message : String(error)}`;
    void vscode.window.showErrorMessage(`Install Agent Hooks: ${message}`);
    return undefined;
  }
  const result: InstallAgentHooksResult = { root, report, ...(resolution.kind === 'unresolved' ? { runtimeProblem: resolution.problem } : {}) };
  const open = report.configs.length > 1 ? 'Open Files' : 'Open File';
  // Not awaited: the message stays until dismissed, and callers get the result now.
  void vscode.window.showInformationMessage(describe(result), open).then(async (choice) => {
    if (choice !== open) return;
    for (const config of report.configs) {
      await vscode.window.showTextDocument(vscode.Uri.joinPath(folder.uri, config.path), { preview: false });
    }
  });
  return result;
}

/**
 * Where the hooks are already installed (a clone of a project whose team installed them, or an
 * editor update that moved this extension's CLI), records this machine's runtime when the one
 * recorded is missing or gone, so the hooks work without anyone re-running the install. Quiet:
 * one log line. Trusted folders only.
 */
async function repairRuntimes(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): Promise<void> {
  if (!vscode.workspace.isTrusted) return;
  const resolution = extensionRuntime(context);
  if (resolution.kind !== 'resolved') return;
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if (folder.uri.scheme !== 'file') continue;
    try {
      if (await repairHookRuntime(folder.uri.fsPath, resolution.runtime)) log.info(`Agent hooks in ${folder.name}: recorded this machine's runtime (${resolution.runtime.cli}).`);
    } catch (error) {
      log.warn(`Agent hooks in ${folder.name}: could not record this machine's runtime: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** The install command, and listeners that keep the hooks' machine-local runtime working. */
export function activateAgentHooks(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): { disposables: vscode.Disposable[]; commands: CommandHandlers } {
  void repairRuntimes(context, log);
  return {
    disposables: [
      vscode.workspace.onDidGrantWorkspaceTrust(() => void repairRuntimes(context, log)),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void repairRuntimes(context, log)),
    ],
    commands: { [Commands.installAgentHooks]: (args?: InstallAgentHooksArgs) => installCommand(context, args) },
  };
}
