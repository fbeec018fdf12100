import { access, chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../workspace/fs';
import { HOOK_CONFIG_PATHS, type HookAgent, isOurHookCommand } from './agents';
import { ensureCacheIgnored } from './local-cache';
import { HOOK_LAUNCHER_PATH, HOOK_RUNTIME_PATH } from '../workspace/layout';
import { type HookRuntime, hookRuntimeExists, launcherScript, readHookRuntime, runtimeFileText } from './runtime';

/**
 * Installing the agents' PROJECT-level hooks: merging our hook into each agent's configuration
 * file (keeping everything else in it), writing the launcher those hooks run, and recording on
 * this machine where the launcher finds Node and the CLI. The CLI and the extension both call
 * {@link installAgentHooks}; they only differ in how they ask and report.
 */

/** Claude Code tools that write files. */
export const CLAUDE_MATCHER = 'Write|Edit|MultiEdit';

/** Seconds an agent waits for the hook (it takes milliseconds; the margin covers a cold start). */
const HOOK_TIMEOUT_SECONDS = 30;

/**
 * The command each agent runs, through the launcher, relative to the project root so the
 * committed file holds no one's paths. Claude Code sets `CLAUDE_PROJECT_DIR` and may run hooks
 * from a subfolder; Cursor runs project hooks from the project root; the Copilot entry says
 * `cwd: "."` (the repository root). `sh` runs it even where the executable bit was lost (a
 * checkout made on Windows).
 */
export function launcherCommand(agent: HookAgent): string {
  const launcher = agent === 'claude' ? `"\${CLAUDE_PROJECT_DIR:-.}/${HOOK_LAUNCHER_PATH}"` : HOOK_LAUNCHER_PATH;
  return `sh ${launcher} hook ${agent}`;
}

/** A configuration file that cannot be merged into; nothing was written. */
export class HookConfigError extends Error {}

/** What installing did to one file. */
export type InstallOutcome = 'installed' | 'updated' | 'unchanged';

/** What to install. */
export interface InstallRequest {
  /** Workspace root. */
  root: string;
  agents: readonly HookAgent[];
  /**
   * How the agent starts the CLI (e.g. `node /opt/cli.js`), instead of the launcher: the hooks
   * run `<command> hook <agent>` and neither the launcher nor the runtime file is written.
   */
  command?: string;
  /** Recorded for the launcher on this machine; undefined leaves any recorded runtime as it is. */
  runtime?: HookRuntime;
}

/** One agent's configuration file after installing. */
export interface InstalledConfig {
  agent: HookAgent;
  /** Workspace-relative path. */
  path: string;
  outcome: InstallOutcome;
  /** The command the agent now runs (for Copilot, its `bash` form). */
  command: string;
}

/** What {@link installAgentHooks} did. */
export interface InstallReport {
  configs: InstalledConfig[];
  /** The launcher (workspace-relative), unless a command was given. */
  launcher?: { path: string; outcome: InstallOutcome };
  /** The runtime recorded for this machine (workspace-relative path), when one was given. */
  runtime?: { path: string; outcome: InstallOutcome; value: HookRuntime };
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a JSON object config file; missing is `{}`; anything else unusable is an error and the file is left alone. */
async function readConfig(file: string, shown: string): Promise<Json> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new HookConfigError(`cannot read ${shown}: ${(error as Error).message}`);
  }
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HookConfigError(`${shown} is not valid JSON (${(error as Error).message}); fix it and run again (it was left as it is)`);
  }
  if (!isObject(value)) throw new HookConfigError(`${shown} is not a JSON object; fix it and run again (it was left as it is)`);
  return value;
}

function listAt(config: Json, key: string, shown: string): unknown[] {
  const value = config[key];
  if (value === undefined) {
    const list: unknown[] = [];
    config[key] = list;
    return list;
  }
  if (!Array.isArray(value)) throw new HookConfigError(`${shown}: "${key}" is not a list; fix it and run again (it was left as it is)`);
  return value;
}

function objectAt(config: Json, key: string, shown: string): Json {
  const value = config[key];
  if (value === undefined) {
    const object: Json = {};
    config[key] = object;
    return object;
  }
  if (!isObject(value)) throw new HookConfigError(`${shown}: "${key}" is not an object; fix it and run again (it was left as it is)`);
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
function flatEvent(list: unknown[], agent: HookAgent, wanted: Json, keys: readonly string[]): InstallOutcome {
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
  list.push({ ...wanted });
  return 'installed';
}

function combine(outcomes: readonly InstallOutcome[]): InstallOutcome {
  if (outcomes.includes('installed')) return 'installed';
  return outcomes.includes('updated') ? 'updated' : 'unchanged';
}

/** Merges our hook into one agent's configuration, in memory. */
function mergeConfig(config: Json, agent: HookAgent, shown: string, posix: string, powershell: string): InstallOutcome {
  if (agent === 'claude') {
    const hooks = objectAt(config, 'hooks', shown);
    return combine(['PreToolUse', 'PostToolUse'].map((event) => claudeEvent(listAt(hooks, event, `${shown} hooks`), posix)));
  }
  if (config.version === undefined) config.version = 1;
  const hooks = objectAt(config, 'hooks', shown);
  if (agent === 'cursor') return flatEvent(listAt(hooks, 'afterFileEdit', `${shown} hooks`), agent, { command: posix }, ['command']);
  const entry: Json = { type: 'command', bash: posix, powershell, cwd: '.', timeoutSec: HOOK_TIMEOUT_SECONDS };
  return combine(['preToolUse', 'postToolUse'].map((event) => flatEvent(listAt(hooks, event, `${shown} hooks`), agent, entry, ['bash', 'powershell'])));
}

/** Writes `text` to `file` unless it already holds exactly that. */
async function writeIfChanged(file: string, text: string): Promise<InstallOutcome> {
  let current: string | undefined;
  try {
    current = await readFile(file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === text) return 'unchanged';
  await writeFileAtomic(file, text);
  return current === undefined ? 'installed' : 'updated';
}

/**
 * Installs the hooks of `request.agents` under `request.root`. Every configuration file is read
 * and merged before anything is written, so an unusable one ({@link HookConfigError}) leaves the
 * whole workspace as it was. Installing again changes nothing, or updates our hook in place.
 */
export async function installAgentHooks(request: InstallRequest): Promise<InstallReport> {
  const { root, command } = request;
  const agents = [...new Set(request.agents)];
  const merged: Array<{ config: Json; installed: InstalledConfig }> = [];
  for (const agent of agents) {
    const path = HOOK_CONFIG_PATHS[agent];
    const config = await readConfig(join(root, path), path);
    const posix = command !== undefined ? `${command} hook ${agent}` : launcherCommand(agent);
    // The launcher is a POSIX script; PowerShell (Copilot on Windows) starts the CLI from PATH.
    const powershell = command !== undefined ? posix : `comprehension hook ${agent}`;
    const outcome = mergeConfig(config, agent, path, posix, powershell);
    merged.push({ config, installed: { agent, path, outcome, command: posix } });
  }

  await ensureCacheIgnored(root);
  const report: InstallReport = { configs: [] };
  if (command === undefined) {
    const file = join(root, HOOK_LAUNCHER_PATH);
    const outcome = await writeIfChanged(file, launcherScript());
    await chmod(file, 0o755);
    report.launcher = { path: HOOK_LAUNCHER_PATH, outcome };
    if (request.runtime) {
      const runtimeOutcome = await writeIfChanged(join(root, HOOK_RUNTIME_PATH), runtimeFileText(request.runtime));
      report.runtime = { path: HOOK_RUNTIME_PATH, outcome: runtimeOutcome, value: request.runtime };
    }
  }
  for (const { config, installed } of merged) {
    if (installed.outcome !== 'unchanged') await writeFileAtomic(join(root, installed.path), `${JSON.stringify(config, null, 2)}\n`);
    report.configs.push(installed);
  }
  return report;
}

/**
 * Records `runtime` for a launcher already in the workspace (a clone of a project whose team
 * installed the hooks, or an editor update that moved the bundled CLI), when the runtime recorded
 * there is missing or names files that no longer exist. Never replaces a working one, and does
 * nothing where the hooks were not installed. Returns whether it wrote.
 */
export async function repairHookRuntime(root: string, runtime: HookRuntime): Promise<boolean> {
  try {
    await access(join(root, HOOK_LAUNCHER_PATH));
  } catch {
    return false;
  }
  const recorded = await readHookRuntime(root);
  if (recorded && hookRuntimeExists(recorded)) return false;
  await ensureCacheIgnored(root);
  await writeFileAtomic(join(root, HOOK_RUNTIME_PATH), runtimeFileText(runtime));
  return true;
}
