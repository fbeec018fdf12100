import { basename } from 'node:path';
import { HOOK_AGENTS, type HookAgent, isHookAgent } from '../../core/hooks/agents';
import { HookConfigError, type InstallReport, installAgentHooks } from '../../core/hooks/install';
import { type HookRuntime, resolveHookRuntime, RUNTIME_FALLBACK } from '../../core/hooks/runtime';
import { HOOK_LAUNCHER_PATH, HOOK_RUNTIME_PATH } from '../../core/workspace/layout';
import { parseArgs, UsageError } from '../args';
import { type CliIo, EXIT, SUBCOMMANDS } from '../cli';
import { findWorkspaceRoot } from '../workspace-root';

const USAGE = `Usage: comprehension hooks install claude|cursor|copilot|gemini|codex... [--root DIR] [--command CMD]

Writes PROJECT-level hook configuration so the agent itself runs this CLI's 'hook <agent>' around
its file-writing tools, and every file it writes is recorded as certain AI blocks:
  claude   .claude/settings.json: PreToolUse and PostToolUse, matcher Write|Edit|MultiEdit|Bash
  cursor   .cursor/hooks.json: afterFileEdit, afterTabFileEdit, preToolUse and postToolUse
  copilot  .github/hooks/comprehension.json: preToolUse and postToolUse (Copilot CLI and cloud agent)
  gemini   .gemini/settings.json: BeforeTool and AfterTool, matcher write_file|replace
  codex    .codex/hooks.json: PreToolUse and PostToolUse, matcher apply_patch|Bash|shell|exec_command
Other hooks and settings in those files are kept; installing again changes nothing (or updates the
command of the hook installed before).

The hooks run ${HOOK_LAUNCHER_PATH}, a small POSIX script written next to them, by a
path relative to the project. It finds Node and this CLI through ${HOOK_RUNTIME_PATH},
where the install records (on this machine only, git-ignored) the Node and the CLI script that ran
it; then COMPREHENSION_CLI / COMPREHENSION_NODE override, 'comprehension' on PATH, and
node_modules/.bin/comprehension. Commit the hook files and the launcher to share the hooks with the
team; each person runs the install once (or the editor command "Comprehension: Install Agent
Hooks...") to record their own machine's runtime.

The hooks are run by the agent, never by the editor extension, so workspace trust is not involved;
review them like any script in the repository.

Options:
  --command CMD   start the CLI with CMD instead of the launcher (the hooks run 'CMD hook <agent>'),
                  e.g. --command comprehension when it is on every agent's PATH, or
                  --command "node <extension folder>/dist/cli.js" (a path of this machine)
  --root DIR      workspace root (default: nearest folder with .comprehension/ or .git)`;

/** The script Node started, when it is this CLI's bundle (`dist/cli.js`). */
function runningCliScript(): string | undefined {
  const main = require.main?.filename;
  return main !== undefined && basename(main) === 'cli.js' ? main : undefined;
}

function outcomeWord(outcome: 'installed' | 'updated' | 'unchanged'): string {
  return outcome === 'installed' ? 'Installed' : outcome === 'updated' ? 'Updated' : 'Already installed:';
}

function print(report: InstallReport, io: CliIo): void {
  if (report.launcher && report.launcher.outcome !== 'unchanged') {
    io.stdout.write(`${report.launcher.outcome === 'installed' ? 'Wrote' : 'Updated'} the hook launcher ${report.launcher.path} (commit it with the hook files).\n`);
  }
  for (const config of report.configs) {
    io.stdout.write(`${outcomeWord(config.outcome)} ${config.agent} hooks in ${config.path} (runs '${config.command}').\n`);
  }
  if (report.runtime) {
    const { node, electron, cli } = report.runtime.value;
    io.stdout.write(`On this machine the hooks run ${electron ? 'ELECTRON_RUN_AS_NODE=1 ' : ''}${node} ${cli} (recorded in ${report.runtime.path}, not committed).\n`);
  }
}

async function hooks(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, { valued: ['root', 'command'], flags: [] });
  const [action, ...agents] = parsed.positionals;
  if (action !== 'install') throw new UsageError(action === undefined ? 'say what to do: hooks install <agent>' : `unknown action '${action}'; only 'install' exists`);
  if (agents.length === 0) throw new UsageError(`which agent? one or more of ${HOOK_AGENTS.join(', ')}`);
  for (const agent of agents) if (!isHookAgent(agent)) throw new UsageError(`unknown agent '${agent}'; expected ${HOOK_AGENTS.join(', ')}`);
  const explicit = parsed.options.get('command') as string | undefined;
  const command = explicit?.trim();
  if (command === '') throw new UsageError('--command needs a command');
  const root = findWorkspaceRoot(io.cwd, parsed.options.get('root') as string | undefined);

  let runtime: HookRuntime | undefined;
  if (command === undefined) {
    const resolution = resolveHookRuntime({ execPath: process.execPath, electronVersion: process.versions.electron, cliScript: io.cliScript ?? runningCliScript() });
    if (resolution.kind === 'resolved') runtime = resolution.runtime;
    else io.stderr.write(`comprehension hooks: warning: ${resolution.problem}, so no runtime was recorded for this machine; ${RUNTIME_FALLBACK}.\n`);
  }
  let report: InstallReport;
  try {
    report = await installAgentHooks({ root, agents: agents as HookAgent[], ...(command !== undefined ? { command } : {}), ...(runtime ? { runtime } : {}) });
  } catch (error) {
    if (error instanceof HookConfigError) throw new UsageError(error.message);
    throw error;
  }
  print(report, io);
  return EXIT.ok;
}

SUBCOMMANDS.hooks = { summary: 'install agent hooks (Claude Code, Cursor, Copilot, Gemini CLI, Codex CLI) that record what agents write', usage: USAGE, run: hooks };
