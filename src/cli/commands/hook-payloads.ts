import { changedLineRanges, type ChangedRange } from '../../core/provenance/changed-ranges';
import type { HookAgent } from '../../core/hooks/agents';
import { LineIndex } from '../../core/text/line-index';

/**
 * What the agents' hooks send on standard input, reduced to what provenance needs: which files a
 * file-writing tool is about to write (before) or wrote (after), and the text it wrote.
 *
 * - Claude Code (`.claude/settings.json`, events `PreToolUse`/`PostToolUse`): `hook_event_name`,
 *   `session_id`, `cwd`, `tool_name` (`Write`, `Edit`, `MultiEdit`), `tool_use_id`, `tool_input`
 *   with `file_path` and `content` (Write), `old_string`/`new_string` (Edit) or `edits[]` (MultiEdit).
 * - Cursor (`.cursor/hooks.json`, event `afterFileEdit`): `hook_event_name`, `workspace_roots[]`,
 *   optional `model`, `file_path`, `edits[{old_string, new_string}]`. Cursor has no hook before a
 *   file edit, so only the after side exists.
 * - GitHub Copilot (`.github/hooks/*.json`, Copilot CLI and cloud agent, events `preToolUse`/
 *   `postToolUse`): `cwd`, `toolName` (`edit`, `create`, ...), `toolArgs` (a JSON string with
 *   `path`, `old_str`/`new_str` or `file_text`), and `toolResult.resultType` after the tool ran.
 *   VS Code's agent hooks send `tool_name`/`tool_input`/`hook_event_name` instead; both are read.
 */

/** The agents whose hooks the CLI understands (defined in core, shared with the extension). */
export type { HookAgent };

/** The `agent` recorded in blocks for each hook. */
export const HOOK_AGENT_NAMES: Readonly<Record<HookAgent, string>> = { claude: 'claude-code', cursor: 'cursor', copilot: 'github-copilot' };

/** One replacement a tool made: `oldText` is empty when it wrote a whole file. */
export interface TextEdit {
  oldText: string;
  newText: string;
}

/** A file-writing tool call, before or after it ran. */
export interface HookEvent {
  phase: 'before' | 'after';
  /** Files the tool writes, as given (absolute, or relative to {@link cwd}). */
  files: string[];
  /** The agent's working folder, when it says. */
  cwd?: string;
  model?: string;
  /** Pairs the before and after calls of one tool use, when the agent gives an id. */
  callId?: string;
  /** What the tool wrote, to find it in the file when no snapshot was taken before. */
  edits: TextEdit[];
  /** The tool failed or was denied: nothing to record (a snapshot taken before is dropped). */
  failed?: boolean;
}

/** A hook input: a file-writing tool call, or something else to ignore (with why). */
export type ParsedHook = { kind: 'event'; event: HookEvent } | { kind: 'ignore'; reason: string };

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function modelOf(payload: Json): string | undefined {
  const model = payload.model;
  if (nonEmpty(model)) return (model as string).trim();
  if (isObject(model)) return nonEmpty(model.id) ?? nonEmpty(model.name);
  return undefined;
}

function ignore(reason: string): ParsedHook {
  return { kind: 'ignore', reason };
}

function editPair(value: unknown, oldKey: string, newKey: string): TextEdit | undefined {
  if (!isObject(value)) return undefined;
  const newText = text(value[newKey]);
  return newText === undefined ? undefined : { oldText: text(value[oldKey]) ?? '', newText };
}

const CLAUDE_WRITE_TOOLS: ReadonlySet<string> = new Set(['Write', 'Edit', 'MultiEdit']);

/** Reads a Claude Code `PreToolUse`/`PostToolUse` input. */
export function parseClaudeHook(payload: unknown): ParsedHook {
  if (!isObject(payload)) return ignore('the input is not a JSON object');
  const eventName = text(payload.hook_event_name);
  const phase = eventName === 'PreToolUse' ? 'before' : eventName === 'PostToolUse' ? 'after' : undefined;
  if (!phase) return ignore(`event ${eventName ?? '(none)'} is not PreToolUse or PostToolUse`);
  const tool = text(payload.tool_name) ?? '';
  if (!CLAUDE_WRITE_TOOLS.has(tool)) return ignore(`tool ${tool || '(none)'} does not write files`);
  const input = isObject(payload.tool_input) ? payload.tool_input : {};
  const file = nonEmpty(input.file_path);
  if (!file) return ignore('tool_input.file_path is missing');
  const edits: TextEdit[] = [];
  if (tool === 'Write') {
    const content = text(input.content);
    if (content !== undefined) edits.push({ oldText: '', newText: content });
  } else if (tool === 'Edit') {
    const edit = editPair(input, 'old_string', 'new_string');
    if (edit) edits.push(edit);
  } else if (Array.isArray(input.edits)) {
    for (const item of input.edits) {
      const edit = editPair(item, 'old_string', 'new_string');
      if (edit) edits.push(edit);
    }
  }
  const ids = [nonEmpty(payload.session_id), nonEmpty(payload.tool_use_id)].filter((id): id is string => id !== undefined);
  const model = modelOf(payload);
  const cwd = nonEmpty(payload.cwd);
  return {
    kind: 'event',
    event: { phase, files: [file], edits, ...(cwd ? { cwd } : {}), ...(model ? { model } : {}), ...(ids.length > 0 ? { callId: ids.join(':') } : {}) },
  };
}

/** Reads a Cursor `afterFileEdit` input. */
export function parseCursorHook(payload: unknown): ParsedHook {
  if (!isObject(payload)) return ignore('the input is not a JSON object');
  const eventName = text(payload.hook_event_name);
  if (eventName !== undefined && eventName !== 'afterFileEdit') return ignore(`event ${eventName} is not afterFileEdit`);
  const file = nonEmpty(payload.file_path);
  if (!file) return ignore('file_path is missing');
  const edits: TextEdit[] = [];
  if (Array.isArray(payload.edits)) {
    for (const item of payload.edits) {
      const edit = editPair(item, 'old_string', 'new_string');
      if (edit) edits.push(edit);
    }
  }
  const roots = Array.isArray(payload.workspace_roots) ? payload.workspace_roots.filter((root): root is string => nonEmpty(root) !== undefined) : [];
  const cwd = roots[0] ?? nonEmpty(payload.cwd);
  const model = modelOf(payload);
  const generation = nonEmpty(payload.generation_id);
  return {
    kind: 'event',
    event: { phase: 'after', files: [file], edits, ...(cwd ? { cwd } : {}), ...(model ? { model } : {}), ...(generation ? { callId: generation } : {}) },
  };
}

/** Copilot tools that write files: `edit`, `create` (Copilot CLI), `editFiles`, `create_file`, `replace_string_in_file`... */
const COPILOT_WRITE_TOOL = /edit|create|write|replace|insert/i;

const PATH_KEYS = ['path', 'file_path', 'filePath'] as const;
const EDIT_KEYS: ReadonlyArray<[string, string]> = [
  ['old_str', 'new_str'],
  ['old_string', 'new_string'],
  ['oldString', 'newString'],
];
const CONTENT_KEYS = ['file_text', 'content', 'code'] as const;

/** Reads a GitHub Copilot `preToolUse`/`postToolUse` input (Copilot CLI and cloud agent, or VS Code's form). */
export function parseCopilotHook(payload: unknown): ParsedHook {
  if (!isObject(payload)) return ignore('the input is not a JSON object');
  const tool = text(payload.toolName) ?? text(payload.tool_name) ?? '';
  if (!COPILOT_WRITE_TOOL.test(tool)) return ignore(`tool ${tool || '(none)'} does not write files`);
  let args: unknown = payload.toolArgs ?? payload.tool_input;
  if (typeof args === 'string') {
    try {
      args = JSON.parse(args);
    } catch {
      return ignore('toolArgs is not JSON');
    }
  }
  if (!isObject(args)) return ignore('the tool has no arguments');
  const eventName = text(payload.hook_event_name)?.toLowerCase();
  const phase = eventName === 'pretooluse' ? 'before' : eventName === 'posttooluse' || payload.toolResult !== undefined || payload.tool_response !== undefined ? 'after' : 'before';

  const files: string[] = [];
  for (const key of PATH_KEYS) {
    const path = nonEmpty(args[key]);
    if (path) files.push(path);
  }
  if (Array.isArray(args.files)) {
    for (const item of args.files) {
      const path = nonEmpty(item) ?? (isObject(item) ? (nonEmpty(item.path) ?? nonEmpty(item.filePath)) : undefined);
      if (path) files.push(path);
    }
  }
  if (files.length === 0) return ignore(`tool ${tool} names no file`);
  const edits: TextEdit[] = [];
  for (const [oldKey, newKey] of EDIT_KEYS) {
    const edit = editPair(args, oldKey, newKey);
    if (edit) edits.push(edit);
  }
  if (edits.length === 0) {
    for (const key of CONTENT_KEYS) {
      const content = text(args[key]);
      if (content !== undefined) {
        edits.push({ oldText: '', newText: content });
        break;
      }
    }
  }
  const result = isObject(payload.toolResult) ? payload.toolResult : undefined;
  const failed = result !== undefined && (result.resultType === 'failure' || result.resultType === 'denied');
  const cwd = nonEmpty(payload.cwd);
  const model = modelOf(payload);
  const callId = nonEmpty(payload.tool_use_id);
  return {
    kind: 'event',
    event: {
      phase,
      files: [...new Set(files)],
      edits,
      ...(cwd ? { cwd } : {}),
      ...(model ? { model } : {}),
      ...(callId ? { callId } : {}),
      ...(failed ? { failed } : {}),
    },
  };
}

/** The parser of each agent's hook input. */
export const HOOK_PARSERS: Readonly<Record<HookAgent, (payload: unknown) => ParsedHook>> = {
  claude: parseClaudeHook,
  cursor: parseCursorHook,
  copilot: parseCopilotHook,
};

/** What {@link locateEdits} found. */
export interface LocatedEdits {
  ranges: ChangedRange[];
  /** Edits whose new text occurs more than once in the file: which one is theirs is unknown, so none is recorded. */
  ambiguous: number;
  /** Edits whose new text is not in the file (a later edit changed it). */
  missing: number;
}

/**
 * Finds the lines each edit wrote in the file after the edits, when no snapshot from before exists
 * (Cursor has no before-edit hook). The edit's new text is located in the file; within it, only
 * the lines that differ from the old text count, because agents repeat unchanged lines around a
 * change to anchor it. Pure deletions write nothing.
 */
export function locateEdits(fileText: string, edits: readonly TextEdit[]): LocatedEdits {
  const index = new LineIndex(fileText);
  const found: ChangedRange[] = [];
  let ambiguous = 0;
  let missing = 0;
  for (const edit of edits) {
    if (edit.newText.trim() === '') continue;
    const at = fileText.indexOf(edit.newText);
    if (at < 0) {
      missing++;
      continue;
    }
    if (fileText.indexOf(edit.newText, at + 1) >= 0) {
      ambiguous++;
      continue;
    }
    const firstLine = index.positionAt(at).line + 1;
    for (const range of changedLineRanges(edit.oldText, edit.newText)) {
      found.push({ startLine: range.startLine + firstLine - 1, endLine: range.endLine + firstLine - 1 });
    }
  }
  return { ranges: mergeRanges(found), ambiguous, missing };
}

/** Sorted ranges, overlapping or adjacent ones joined. */
export function mergeRanges(ranges: readonly ChangedRange[]): ChangedRange[] {
  const sorted = [...ranges].sort((a, b) => a.startLine - b.startLine);
  const out: ChangedRange[] = [];
  for (const range of sorted) {
    const last = out[out.length - 1];
    if (last && range.startLine <= last.endLine + 1) last.endLine = Math.max(last.endLine, range.endLine);
    else out.push({ ...range });
  }
  return out;
}
