import { access, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { parseJsonText, readBoundedFile, writeFileAtomic } from '../workspace/fs';
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

/** Claude Code tools that write files: its file tools, and Bash (`sed -i`, `tee`, scripts), followed by a working-tree diff. */
export const CLAUDE_MATCHER = 'Write|Edit|MultiEdit|Bash';

/** Gemini CLI tools that write files (`.gemini/settings.json` matchers are regular expressions on the tool name). */
export const GEMINI_MATCHER = 'write_file|replace';

/** Codex CLI tools that write files: `apply_patch`, and its shell tools (followed by a working-tree diff). */
export const CODEX_MATCHER = 'apply_patch|Bash|shell|exec_command';

/** Cursor events installed: agent edits, Tab completions, and the tool pair that snapshots before an edit. */
export const CURSOR_EVENTS = ['afterFileEdit', 'afterTabFileEdit', 'preToolUse', 'postToolUse'] as const;

/** Seconds an agent waits for the hook (it takes milliseconds; the margin covers a cold start). */
const HOOK_TIMEOUT_SECONDS = 30;

/**
 * The command each agent runs, through the launcher, relative to the project root so the
 * committed file holds no one's paths. Claude Code sets `CLAUDE_PROJECT_DIR` and Gemini CLI
 * `GEMINI_PROJECT_DIR`, and both may run hooks from a subfolder; Codex runs them in the session's
 * folder, so git names the root; Cursor runs project hooks from the project root; the Copilot entry
 * says `cwd: "."` (the repository root). `sh` runs it even where the executable bit was lost (a
 * checkout made on Windows).
 */
export function launcherCommand(agent: HookAgent): string {
  const launcher =
    agent === 'claude'
      ? `"\${CLAUDE_PROJECT_DIR:-.}/${HOOK_LAUNCHER_PATH}"`
      : agent === 'gemini'
        ? `"\${GEMINI_PROJECT_DIR:-.}/${HOOK_LAUNCHER_PATH}"`
        : agent === 'codex'
          ? `"$(git rev-parse --show-toplevel 2>/dev/null || pwd)/${HOOK_LAUNCHER_PATH}"`
          : HOOK_LAUNCHER_PATH;
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
async function readConfig(root: string, shown: string): Promise<Json> {
  // Bounded and confined: a `.claude` linked out of the workspace or to /dev/zero is refused, not followed.
  const read = await readBoundedFile(join(root, shown), { root, maxBytes: MAX_CONFIG_BYTES });
  if (read.kind === 'missing') return {};
  if (read.kind === 'refused') throw new HookConfigError(`cannot read ${read.reason.replace(root + '/', '')}`);
  const text = read.bytes.toString('utf8');
  if (text.trim() === '') return {};
  // parseJsonText names the position only: Node's message would quote the file.
  const parsed = parseJsonText<unknown>(text, shown);
  if (parsed.kind !== 'ok') throw new HookConfigError(`${parsed.kind === 'corrupt' ? parsed.message : `${shown} is not valid JSON`}; fix it and run again (it was left as it is)`);
  if (!isObject(parsed.value)) throw new HookConfigError(`${shown} is not a JSON object; fix it and run again (it was left as it is)`);
  return parsed.value;
}

/** An agent's hook configuration is refused above this size: they are a few KiB. */
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

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

/** How one agent nests its hooks: `[{ matcher, hooks: [{ type, command, timeout }] }]` (Claude Code, Gemini CLI, Codex CLI). */
interface NestedHooks {
  agent: HookAgent;
  matcher: string;
  /** In the agent's unit: seconds (Claude Code, Codex), milliseconds (Gemini CLI). */
  timeout: number;
}

/**
 * Adds our command to one event of an agent that nests hooks under matchers. A hook of ours
 * already there has its command and matcher brought up to date.
 */
function nestedEvent(list: unknown[], command: string, shape: NestedHooks): InstallOutcome {
  for (const entry of list) {
    if (!isObject(entry) || !Array.isArray(entry.hooks)) continue;
    const ours = entry.hooks.find((hook): hook is Json => isObject(hook) && isOurHookCommand(hook.command, shape.agent));
    if (!ours) continue;
    let outcome: InstallOutcome = 'unchanged';
    if (ours.command !== command) {
      ours.command = command;
      outcome = 'updated';
    }
    // Only an entry holding nothing but our hook may have its matcher changed.
    if (entry.matcher !== shape.matcher && entry.hooks.length === 1) {
      entry.matcher = shape.matcher;
      outcome = 'updated';
    }
    return outcome;
  }
  list.push({ matcher: shape.matcher, hooks: [{ type: 'command', command, timeout: shape.timeout }] });
  return 'installed';
}

/** Events and hook shape of the agents that nest hooks under matchers. */
const NESTED: Partial<Record<HookAgent, { events: readonly string[]; shape: NestedHooks }>> = {
  claude: { events: ['PreToolUse', 'PostToolUse'], shape: { agent: 'claude', matcher: CLAUDE_MATCHER, timeout: HOOK_TIMEOUT_SECONDS } },
  gemini: { events: ['BeforeTool', 'AfterTool'], shape: { agent: 'gemini', matcher: GEMINI_MATCHER, timeout: HOOK_TIMEOUT_SECONDS * 1000 } },
  codex: { events: ['PreToolUse', 'PostToolUse'], shape: { agent: 'codex', matcher: CODEX_MATCHER, timeout: HOOK_TIMEOUT_SECONDS } },
};

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
  const nested = NESTED[agent];
  if (nested) {
    const hooks = objectAt(config, 'hooks', shown);
    return combine(nested.events.map((event) => nestedEvent(listAt(hooks, event, `${shown} hooks`), posix, nested.shape)));
  }
  if (config.version === undefined) config.version = 1;
  const hooks = objectAt(config, 'hooks', shown);
  if (agent === 'cursor') return combine(CURSOR_EVENTS.map((event) => flatEvent(listAt(hooks, event, `${shown} hooks`), agent, { command: posix }, ['command'])));
  const entry: Json = { type: 'command', bash: posix, powershell, cwd: '.', timeoutSec: HOOK_TIMEOUT_SECONDS };
  return combine(['preToolUse', 'postToolUse'].map((event) => flatEvent(listAt(hooks, event, `${shown} hooks`), agent, entry, ['bash', 'powershell'])));
}

/** Writes `text` to `file` unless it already holds exactly that. */
async function writeIfChanged(root: string, file: string, text: string): Promise<InstallOutcome> {
  // A link (or device) there reads as no file: the write then replaces the link itself.
  const read = await readBoundedFile(file, { root, maxBytes: MAX_CONFIG_BYTES });
  const current = read.kind === 'ok' ? read.bytes.toString('utf8') : undefined;
  if (current === text) return 'unchanged';
  await writeFileAtomic(file, text, { root });
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
    const config = await readConfig(root, path);
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
    const outcome = await writeIfChanged(root, file, launcherScript());
    await chmod(file, 0o755);
    report.launcher = { path: HOOK_LAUNCHER_PATH, outcome };
    if (request.runtime) {
      const runtimeOutcome = await writeIfChanged(root, join(root, HOOK_RUNTIME_PATH), runtimeFileText(request.runtime));
      report.runtime = { path: HOOK_RUNTIME_PATH, outcome: runtimeOutcome, value: request.runtime };
    }
  }
  for (const { config, installed } of merged) {
    if (installed.outcome !== 'unchanged') await writeFileAtomic(join(root, installed.path), `${JSON.stringify(config, null, 2)}\n`, { root });
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
  await writeFileAtomic(join(root, HOOK_RUNTIME_PATH), runtimeFileText(runtime), { root });
  return true;
}
