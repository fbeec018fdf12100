/**
 * The coding agents whose own hooks can record what they write, and where each keeps its
 * project-level hook configuration. Shared by the CLI (`comprehension hooks install`, `hook`) and
 * the extension's "Install Agent Hooks" command.
 */

/** The agents whose hooks the product understands, by the name used on the command line. */
export type HookAgent = 'claude' | 'cursor' | 'copilot' | 'gemini' | 'codex';

/** Every {@link HookAgent}, in the order they are offered. */
export const HOOK_AGENTS: readonly HookAgent[] = ['claude', 'cursor', 'copilot', 'gemini', 'codex'];

/** How people name each agent. */
export const HOOK_AGENT_LABELS: Readonly<Record<HookAgent, string>> = { claude: 'Claude Code', cursor: 'Cursor', copilot: 'GitHub Copilot', gemini: 'Gemini CLI', codex: 'Codex CLI' };

/** Where each agent's project hook configuration lives (workspace-relative). */
export const HOOK_CONFIG_PATHS: Readonly<Record<HookAgent, string>> = {
  claude: '.claude/settings.json',
  cursor: '.cursor/hooks.json',
  copilot: '.github/hooks/comprehension.json',
  gemini: '.gemini/settings.json',
  codex: '.codex/hooks.json',
};

/** Whether `value` names a {@link HookAgent}. */
export function isHookAgent(value: unknown): value is HookAgent {
  return typeof value === 'string' && (HOOK_AGENTS as readonly string[]).includes(value);
}

/**
 * Whether a configured command is this CLI's hook for `agent`, however it starts the CLI
 * (`comprehension hook claude`, `node …/dist/cli.js hook claude`, the launcher): re-installing
 * finds it by this and updates it instead of adding a second one.
 */
export function isOurHookCommand(command: unknown, agent: HookAgent): boolean {
  return typeof command === 'string' && new RegExp(`(^|\\s)hook\\s+${agent}(\\s+--[\\w-]+(=\\S+)?)*\\s*$`).test(command);
}
