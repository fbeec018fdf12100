import { realpathSync, statSync } from 'node:fs';
import { readBoundedFile } from '../workspace/fs';
import { join } from 'node:path';
import { HOOK_RUNTIME_PATH } from '../workspace/layout';

/**
 * How an agent's hook reaches this CLI on a machine where `comprehension` is not on PATH (the
 * usual case after installing the extension's .vsix). The hook configuration the team commits
 * runs a small POSIX launcher kept in the repository; the launcher reads the machine-local
 * runtime file written at install time (git-ignored, in `.comprehension/.cache/`) to find the
 * Node and the CLI script of the machine it runs on. Nothing committed holds anyone's paths.
 */

/** The Node (or Electron binary acting as Node) and the CLI script the hooks run on one machine. */
export interface HookRuntime {
  /** Absolute path of the executable. */
  node: string;
  /** The executable is Electron: it runs scripts as Node only with `ELECTRON_RUN_AS_NODE=1`. */
  electron: boolean;
  /** Absolute real path of the CLI script (`dist/cli.js`). */
  cli: string;
}

/** What the hooks fall back to when no runtime is recorded; said in warnings and in the launcher. */
export const RUNTIME_FALLBACK =
  "the hooks will look for 'comprehension' on PATH, then node_modules/.bin/comprehension in the project (set COMPREHENSION_CLI to the path of dist/cli.js to choose one)";

/**
 * The launcher script. It is the same on every machine (so it can be committed), uses only shell
 * built-ins (it works with a PATH that has nothing on it), and always exits 0: a hook that fails
 * can block the agent (Claude Code reads exit 2 from PreToolUse as "deny the tool"), and one lost
 * attribution is better than stopping someone's work.
 */
export function launcherScript(): string {
  return `#!/bin/sh
# Comprehension First agent hook launcher, written by 'comprehension hooks install' (or the editor
# command "Comprehension: Install Agent Hooks..."). Commit it with the hook configuration; it holds
# no machine-specific paths. It runs the Comprehension CLI with its arguments ("hook claude", ...),
# finding a Node and the CLI, in this order:
#   1. COMPREHENSION_CLI (the CLI script, .../dist/cli.js) and COMPREHENSION_NODE, when set;
#   2. ${HOOK_RUNTIME_PATH}, written on this machine by the install (git-ignored);
#   3. 'comprehension' on PATH;
#   4. node_modules/.bin/comprehension in this project.
# It always exits 0, so a hook never blocks the agent. Installing again rewrites this file.

case $0 in
  */*) here=\${0%/*} ;;
  *) here=. ;;
esac
root=$(CDPATH= cd -- "$here/../.." 2>/dev/null && pwd) || root=.
runtime="$root/${HOOK_RUNTIME_PATH}"

recorded_node=
recorded_cli=
recorded_electron=
if [ -f "$runtime" ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    case $line in
      node=*) recorded_node=\${line#node=} ;;
      cli=*) recorded_cli=\${line#cli=} ;;
      electron=*) recorded_electron=\${line#electron=} ;;
    esac
  done < "$runtime"
fi

node=\${COMPREHENSION_NODE:-}
electron=
if [ -z "$node" ] && [ -n "$recorded_node" ] && [ -x "$recorded_node" ]; then
  node=$recorded_node
  [ "$recorded_electron" = 1 ] && electron=1
fi
if [ -z "$node" ]; then
  node=$(command -v node 2>/dev/null) || node=
fi
cli=\${COMPREHENSION_CLI:-}
if [ -z "$cli" ] && [ -n "$recorded_cli" ] && [ -f "$recorded_cli" ]; then
  cli=$recorded_cli
fi

# Runs a script with the Node found above (an Electron binary acts as Node only when told so).
run_node() {
  if [ -n "$electron" ]; then
    ELECTRON_RUN_AS_NODE=1 "$node" "$@"
  else
    "$node" "$@"
  fi
}

if [ -n "$cli" ] && [ -n "$node" ]; then
  run_node "$cli" "$@"
  exit 0
fi
if command -v comprehension >/dev/null 2>&1; then
  comprehension "$@"
  exit 0
fi
bin="$root/node_modules/.bin/comprehension"
if [ -x "$bin" ]; then
  # A shim ('#!/usr/bin/env node', or pnpm's sh script) finds its Node on PATH: the one found above.
  if [ -n "$node" ] && [ -z "$electron" ]; then
    PATH="\${node%/*}:$PATH" "$bin" "$@"
  else
    "$bin" "$@"
  fi
  exit 0
elif [ -f "$bin" ] && [ -n "$node" ]; then
  run_node "$bin" "$@"
  exit 0
fi

# Nothing to run: read the hook input (the agent may wait for it to be taken) and say how to fix it.
[ -t 0 ] || while IFS= read -r _ignored; do :; done
if [ -n "$cli" ]; then
  echo "comprehension-hook: found the CLI ($cli) but no Node to run it, so nothing was recorded; set COMPREHENSION_NODE, or run 'comprehension hooks install <agent>' (or 'Comprehension: Install Agent Hooks...' in VS Code) again on this machine" >&2
else
  echo "comprehension-hook: cannot find the Comprehension CLI, so nothing was recorded; run 'comprehension hooks install <agent>' (or 'Comprehension: Install Agent Hooks...' in VS Code) again on this machine, or set COMPREHENSION_CLI to the path of its dist/cli.js" >&2
fi
exit 0
`;
}

/** The runtime file's text: `key=value` lines the launcher reads without running anything. */
export function runtimeFileText(runtime: HookRuntime): string {
  return [
    '# Where the Comprehension agent hooks find Node and the CLI on this machine.',
    '# Written by the hook install; machine-local and git-ignored (never commit it).',
    `node=${runtime.node}`,
    `electron=${runtime.electron ? 1 : 0}`,
    `cli=${runtime.cli}`,
    '',
  ].join('\n');
}

/** Reads a runtime file's text; undefined when it lacks the node or the CLI. */
export function parseRuntimeFile(text: string): HookRuntime | undefined {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0 && !line.startsWith('#')) values.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const node = values.get('node');
  const cli = values.get('cli');
  if (!node || !cli) return undefined;
  return { node, cli, electron: values.get('electron') === '1' };
}

/** The runtime recorded under `root`, or undefined when there is none (or it is unreadable). */
export async function readHookRuntime(root: string): Promise<HookRuntime | undefined> {
  const read = await readBoundedFile(join(root, HOOK_RUNTIME_PATH), { root, maxBytes: 64 * 1024 });
  return read.kind === 'ok' ? parseRuntimeFile(read.bytes.toString('utf8')) : undefined;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Whether both files a runtime names still exist (an editor update moves the bundled CLI). */
export function hookRuntimeExists(runtime: HookRuntime): boolean {
  return isFile(runtime.node) && isFile(runtime.cli);
}

/** The process that installs the hooks, as {@link resolveHookRuntime} needs it. */
export interface RunningProcess {
  /** `process.execPath`. */
  execPath: string;
  /** `process.versions.electron`: set when the process is Electron (VS Code's extension host). */
  electronVersion?: string;
  /** The CLI script to record; undefined when the caller cannot tell. */
  cliScript: string | undefined;
}

/** A runtime to record, or why there is none. */
export type RuntimeResolution = { kind: 'resolved'; runtime: HookRuntime } | { kind: 'unresolved'; problem: string };

/**
 * The runtime the hooks should use on this machine: the executable running now (it can run the
 * CLI, since it is running it or the extension that bundles it) and the real path of the CLI script.
 */
export function resolveHookRuntime(running: RunningProcess): RuntimeResolution {
  if (!isFile(running.execPath)) return { kind: 'unresolved', problem: `the running executable ${running.execPath} is not a file` };
  if (running.cliScript === undefined) return { kind: 'unresolved', problem: 'cannot tell which file this CLI runs from' };
  let cli: string;
  try {
    cli = realpathSync(running.cliScript);
  } catch {
    return { kind: 'unresolved', problem: `the CLI script ${running.cliScript} does not exist` };
  }
  if (!isFile(cli)) return { kind: 'unresolved', problem: `the CLI script ${cli} is not a file` };
  // The launcher reads one path per line.
  if (/[\r\n]/.test(running.execPath + cli)) return { kind: 'unresolved', problem: 'the path of Node or of the CLI contains a line break' };
  return { kind: 'resolved', runtime: { node: running.execPath, electron: running.electronVersion !== undefined, cli } };
}
