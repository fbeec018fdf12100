import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../core/fsutil';
import { parseArgs, UsageError } from '../args';
import { type CliIo, EXIT, SUBCOMMANDS } from '../cli';
import { findWorkspaceRoot } from '../workspace-root';
import type { HookAgent } from './hook-payloads';
import { ensureCacheIgnored } from './hook-snapshots';

const USAGE = `Usage: comprehension hooks install claude|cursor|copilot... [--root DIR] [--command CMD]

Writes PROJECT-level hook configuration so the agent itself runs 'CMD hook <agent>' around its
file-writing tools, and every file it writes is recorded as certain AI blocks:
  claude   .claude/settings.json: PreToolUse and PostToolUse, matcher Write|Edit|MultiEdit
  cursor   .cursor/hooks.json: afterFileEdit
  copilot  .github/hooks/comprehension.json: preToolUse and postToolUse (Copilot CLI and cloud agent)
Other hooks and settings in those files are kept; installing again changes nothing (or updates the
command of the hook installed before). Commit the files to share the hooks with the team.

The hooks are run by the agent, never by the editor extension, so workspace trust is not involved;
review them like any script in the repository.

Options:
  --command CMD   how the agent starts this CLI (default: comprehension, found on PATH).
                  The VS Code extension bundles it: --command "node <extension folder>/dist/cli.js"
  --root DIR      workspace root (default: nearest folder with .comprehension/ or .git)`;

const AGENTS: readonly HookAgent[] = ['claude', 'cursor', 'copilot'];

/** Where each agent's project hook configuration lives (workspace-relative). */
export const HOOK_CONFIG_PATHS: Readonly<Record<HookAgent, string>> = {
  claude: '.claude/settings.json',
  cursor: '.cursor/hooks.json',
  copilot: '.github/hooks/comprehension.json',
};

/** Claude Code tools that write files. */
export const CLAUDE_MATCHER = 'Write|Edit|MultiEdit';

/** Seconds an agent waits for the hook (it takes milliseconds; the margin covers a cold start). */
const HOOK_TIMEOUT_SECONDS = 30;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether a configured command is this CLI's hook for `agent` (any way of starting the CLI). */
export function isOurHookCommand(command: unknown, agent: HookAgent): boolean {
  return typeof command === 'string' && new RegExp(`(^|\\s)hook\\s+${agent}(\\s+--[\\w-]+(=\\S+)?)*\\s*$`).test(command);
}

/** What installing did to one configuration file. */
export type InstallOutcome = 'installed' | 'updated' | 'unchanged';

/** Reads a JSON object config file; missing is `{}`; anything else unusable is a usage error and the file is left alone. */
async function readConfig(file: string, shown: string): Promise<Json> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new UsageError(`cannot read ${shown}: ${(error as Error).message}`);
  }
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${shown} is not valid JSON (${(error as Error).message}); fix it and run again (it was left as it is)`);
  }
  if (!isObject(value)) throw new UsageError(`${shown} is not a JSON object; fix it and run again (it was left as it is)`);
  return value;
}

function listAt(config: Json, key: string, shown: string): unknown[] {
  const value = config[key];
  if (value === undefined) {
    const list: unknown[] = [];
    config[key] = list;
    return list;
  }
  if (!Array.isArray(value)) throw new UsageError(`${shown}: "${key}" is not a list; fix it and run again (it was left as it is)`);
  return value;
}

function objectAt(config: Json, key: string, shown: string): Json {
  const value = config[key];
  if (value === undefined) {
    const object: Json = {};
    config[key] = object;
    return object;
  }
  if (!isObject(value)) throw new UsageError(`${shown}: "${key}" is not an object; fix it and run again (it was left as it is)`);
  return value;
}

/**
 * Adds our command to one Claude Code event: `[{ matcher, hooks: [{ type, command, timeout }] }]`.
 * A hook of ours already there has its command and matcher brought up to date.
 */
function claudeEvent(list: unknown[], command: string): InstallOutcome {
  for (const entry of list) {
    if (!isObject(entry) || !Array.isArray(entry.hooks)) continue;
    const ours = entry.hooks.find((hook): hook is Json => isObject(hook) && isOurHookCommand(hook.command, 'claude'));
    if (!ours) continue;
    let outcome: InstallOutcome = 'unchanged';
    if (ours.command !== command) {
      ours.command = command;
      outcome = 'updated';
    }
    // Only an entry holding nothing but our hook may have its matcher changed.
    if (entry.matcher !== CLAUDE_MATCHER && entry.hooks.length === 1) {
      entry.matcher = CLAUDE_MATCHER;
      outcome = 'updated';
    }
    return outcome;
  }
  list.push({ matcher: CLAUDE_MATCHER, hooks: [{ type: 'command', command, timeout: HOOK_TIMEOUT_SECONDS }] });
  return 'installed';
}

/** Adds our command to a Cursor or Copilot event list, where each entry is one command. */
function flatEvent(list: unknown[], agent: HookAgent, entryFor: () => Json, keys: readonly string[]): InstallOutcome {
  const wanted = entryFor();
  for (const entry of list) {
    if (!isObject(entry) || !keys.some((key) => isOurHookCommand(entry[key], agent))) continue;
    let outcome: InstallOutcome = 'unchanged';
    for (const key of keys) {
      if (entry[key] !== wanted[key]) {
        entry[key] = wanted[key];
        outcome = 'updated';
      }
    }
    return outcome;
  }
  list.push(wanted);
  return 'installed';
}

function combine(outcomes: readonly InstallOutcome[]): InstallOutcome {
  if (outcomes.includes('installed')) return 'installed';
  return outcomes.includes('updated') ? 'updated' : 'unchanged';
}

/**
 * Installs the hooks of one agent under `root`, merging into its existing project configuration.
 * Returns what changed; throws {@link UsageError} (and writes nothing) when the file is unusable.
 */
export async function installHooks(root: string, agent: HookAgent, cli: string): Promise<InstallOutcome> {
  const shown = HOOK_CONFIG_PATHS[agent];
  const file = join(root, shown);
  const config = await readConfig(file, shown);
  const command = `${cli} hook ${agent}`;
  let outcome: InstallOutcome;
  if (agent === 'claude') {
    const hooks = objectAt(config, 'hooks', shown);
    outcome = combine(['PreToolUse', 'PostToolUse'].map((event) => claudeEvent(listAt(hooks, event, `${shown} hooks`), command)));
  } else if (agent === 'cursor') {
    if (config.version === undefined) config.version = 1;
    const hooks = objectAt(config, 'hooks', shown);
    outcome = flatEvent(listAt(hooks, 'afterFileEdit', `${shown} hooks`), agent, () => ({ command }), ['command']);
  } else {
    if (config.version === undefined) config.version = 1;
    const hooks = objectAt(config, 'hooks', shown);
    const entry = (): Json => ({ type: 'command', bash: command, powershell: command, cwd: '.', timeoutSec: HOOK_TIMEOUT_SECONDS });
    outcome = combine(['preToolUse', 'postToolUse'].map((event) => flatEvent(listAt(hooks, event, `${shown} hooks`), agent, entry, ['bash', 'powershell'])));
  }
  if (outcome !== 'unchanged') await writeFileAtomic(file, `${JSON.stringify(config, null, 2)}\n`);
  return outcome;
}

async function hooks(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, { valued: ['root', 'command'], flags: [] });
  const [action, ...agents] = parsed.positionals;
  if (action !== 'install') throw new UsageError(action === undefined ? 'say what to do: hooks install <agent>' : `unknown action '${action}'; only 'install' exists`);
  if (agents.length === 0) throw new UsageError(`which agent? one or more of ${AGENTS.join(', ')}`);
  for (const agent of agents) if (!AGENTS.includes(agent as HookAgent)) throw new UsageError(`unknown agent '${agent}'; expected ${AGENTS.join(', ')}`);
  const cli = ((parsed.options.get('command') as string | undefined) ?? 'comprehension').trim();
  if (cli === '') throw new UsageError('--command needs a command');
  const root = findWorkspaceRoot(io.cwd, parsed.options.get('root') as string | undefined);
  await ensureCacheIgnored(root);
  for (const agent of new Set(agents as HookAgent[])) {
    const outcome = await installHooks(root, agent, cli);
    const what = outcome === 'installed' ? 'Installed' : outcome === 'updated' ? 'Updated' : 'Already installed:';
    io.stdout.write(`${what} ${agent} hooks in ${HOOK_CONFIG_PATHS[agent]} (runs '${cli} hook ${agent}').\n`);
  }
  return EXIT.ok;
}

SUBCOMMANDS.hooks = { summary: 'install agent hooks (Claude Code, Cursor, Copilot) that record what agents write', usage: USAGE, run: hooks };
