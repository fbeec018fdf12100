import { changedLineRanges, type ChangedRange } from '../../core/provenance/changed-ranges';
import type { HookAgent } from '../../core/hooks/agents';
import { LineIndex } from '../../core/text/line-index';

/**
 * What the agents' hooks send on standard input, reduced to what provenance needs: which files a
 * file-writing tool is about to write (before) or wrote (after), and the text it wrote.
 *
 * - Claude Code (`.claude/settings.json`, `PreToolUse`/`PostToolUse`): `hook_event_name`,
 *   `session_id`, `transcript_path`, `cwd`, `tool_name` (`Write`, `Edit`, `MultiEdit`, `Bash`),
 *   `tool_use_id`, `tool_input` with `file_path` and `content` (Write), `old_string`/`new_string`
 *   (Edit) or `edits[]` (MultiEdit); Bash names no file (the working tree is diffed).
 * - Cursor (`.cursor/hooks.json`): `afterFileEdit` and `afterTabFileEdit` (`file_path`,
 *   `edits[{old_string, new_string, range?}]`), `preToolUse`/`postToolUse` (`tool_name` `Write`,
 *   `StrReplace`, `Delete`, `ApplyPatch`, `tool_input.file_path`); `workspace_roots[]`, `model`.
 * - GitHub Copilot (`.github/hooks/*.json`, Copilot CLI and cloud agent, `preToolUse`/
 *   `postToolUse`): `cwd`, `sessionId`, `toolName` (`edit`, `create`, `apply_patch`...), `toolArgs`
 *   (a JSON string, or raw patch text for `apply_patch`), `toolResult.resultType` after. Its
 *   PascalCase format and VS Code's agent hooks send `tool_name`/`tool_input` with
 *   `hook_event_name` or `hookEventName`; VS Code's `apply_patch` sends `{input: patch}` and
 *   `multi_replace_string_in_file` `{replacements[{filePath, oldString, newString}]}`.
 * - Gemini CLI (`.gemini/settings.json`, `BeforeTool`/`AfterTool`): `tool_name` `write_file`/`replace`,
 *   `tool_input.file_path`, `tool_response` after.
 * - Codex CLI (`.codex/hooks.json`, `PreToolUse`/`PostToolUse`): `apply_patch` with the patch in
 *   `tool_input.command`, `model`; its shell tools diff the working tree like Claude Code's Bash.
 */

/** The agents whose hooks the CLI understands (defined in core, shared with the extension). */
export type { HookAgent };

/** The `agent` recorded in blocks for each hook. */
export const HOOK_AGENT_NAMES: Readonly<Record<HookAgent, string>> = {
  claude: 'claude-code',
  cursor: 'cursor',
  copilot: 'github-copilot',
  gemini: 'gemini-cli',
  codex: 'codex',
};

/**
 * One replacement a tool made: `oldText` is empty when it wrote a whole file. `startLine` (1-based,
 * in the file after the edit) is where the payload says the new text starts, when it says.
 */
export interface TextEdit {
  oldText: string;
  newText: string;
  startLine?: number;
}

/** One file a tool writes, with what the payload says it wrote there. */
export interface HookFile {
  /** As given (absolute, or relative to {@link HookEvent.cwd}). */
  path: string;
  edits: TextEdit[];
}

/** A file-writing tool call, before or after it ran. */
export interface HookEvent {
  phase: 'before' | 'after';
  /** Files the tool writes; empty for a shell tool (see {@link workingTree}). */
  files: HookFile[];
  /** The agent's working folder, when it says. */
  cwd?: string;
  model?: string;
  /** Claude Code's session transcript (JSON Lines), where the model is named. */
  transcriptPath?: string;
  /** Pairs the before and after calls of one tool use, when the agent gives an id. */
  callId?: string;
  /** The tool failed or was denied: nothing to record (a snapshot taken before is dropped). */
  failed?: boolean;
  /** What wrote the lines: an agent's tool (default) or an inline completion (Cursor Tab). */
  source?: 'agent-write' | 'inline-completion';
  /**
   * The tool runs shell commands, which may write any file: the before hook snapshots the working
   * tree's changed files and the after hook diffs them (both bounded).
   */
  workingTree?: boolean;
  /**
   * The agent that really sent the payload, when it is not the one whose hook file ran: VS Code and
   * Cursor also run `.claude/settings.json` hooks, with payloads of their own shape.
   */
  sender?: HookAgent;
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

function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : undefined;
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

function editList(value: unknown, oldKey: string, newKey: string): TextEdit[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => editPair(item, oldKey, newKey) ?? []);
}

/** The optional fields every event may carry, left out when absent. */
function common(fields: { cwd?: string; model?: string; callId?: string; transcriptPath?: string; failed?: boolean; sender?: HookAgent }): Partial<HookEvent> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined && value !== false)) as Partial<HookEvent>;
}

function joinIds(...ids: Array<string | undefined>): string | undefined {
  const present = ids.filter((id): id is string => id !== undefined);
  return present.length > 0 ? present.join(':') : undefined;
}

// ---------------------------------------------------------------------------------------------
// Patches: the `apply_patch` tool of Codex CLI, Copilot CLI and VS Code's Copilot Chat.

const PATCH_FILE_HEADER = /^\*\*\* (Add|Update|Delete) File: (.+)$/;
const PATCH_MOVE_HEADER = /^\*\*\* Move to: (.+)$/;
const UNIFIED_NEW_FILE = /^\+\+\+ (?:b\/)?(.+?)\s*$/;

/** Whether a tool argument is patch text rather than JSON. */
export function looksLikePatch(value: string): boolean {
  return /^\*\*\* (Begin Patch|(Add|Update|Delete) File: )/m.test(value) || /^\+\+\+ /m.test(value);
}

/**
 * The files a patch writes and, per file, the hunks as replacements (context and `-` lines are the
 * old text, context and `+` lines the new), used when no snapshot was taken before. A deleted file
 * writes nothing and is left out. Both the `*** Begin Patch` envelope and unified diffs are read.
 */
export function parsePatch(patch: string): HookFile[] {
  const files: HookFile[] = [];
  let current: HookFile | undefined;
  let oldLines: string[] = [];
  let newLines: string[] = [];
  const flush = (): void => {
    if (current && (oldLines.length > 0 || newLines.length > 0)) current.edits.push({ oldText: oldLines.join('\n'), newText: newLines.join('\n') });
    oldLines = [];
    newLines = [];
  };
  const open = (path: string): void => {
    flush();
    const trimmed = path.trim();
    current = files.find((file) => file.path === trimmed);
    if (!current) {
      current = { path: trimmed, edits: [] };
      files.push(current);
    }
  };
  // In the envelope, a `+++ ` line is an added line starting with `++`, not a unified diff's header.
  const envelope = /^\*\*\* (Add|Update|Delete) File: /m.test(patch);
  for (const line of patch.split(/\r?\n/)) {
    const header = PATCH_FILE_HEADER.exec(line);
    if (header) {
      if (header[1] === 'Delete') {
        flush();
        current = undefined;
      } else open(header[2]);
      continue;
    }
    const moved = PATCH_MOVE_HEADER.exec(line);
    if (moved && current) {
      // The file is written at its new name; the old one is gone.
      const edits = current.edits;
      files.splice(files.indexOf(current), 1);
      open(moved[1]);
      current.edits.push(...edits);
      continue;
    }
    const unified = envelope ? null : UNIFIED_NEW_FILE.exec(line);
    if (unified) {
      if (unified[1] === '/dev/null') {
        flush();
        current = undefined;
      } else open(unified[1]);
      continue;
    }
    if (!current) continue;
    if (line.startsWith('@@') || line.startsWith('*** ')) flush();
    else if (line.startsWith('+')) newLines.push(line.slice(1));
    else if (line.startsWith('-')) {
      if (!line.startsWith('--- ')) oldLines.push(line.slice(1));
    } else if (line.startsWith(' ')) {
      oldLines.push(line.slice(1));
      newLines.push(line.slice(1));
    }
  }
  flush();
  return files;
}

// ---------------------------------------------------------------------------------------------
// Claude Code

const CLAUDE_WRITE_TOOLS: ReadonlySet<string> = new Set(['Write', 'Edit', 'MultiEdit']);
/** Claude Code's shell tool: it can write any file (`sed -i`, `tee`, scripts). */
const CLAUDE_SHELL_TOOL = 'Bash';

/** Cursor's hook events (camelCase), which Cursor also sends to `.claude/settings.json` hooks. */
const CURSOR_EVENTS: ReadonlySet<string> = new Set(['afterFileEdit', 'afterTabFileEdit', 'preToolUse', 'postToolUse', 'postToolUseFailure']);

/**
 * Reads a Claude Code `PreToolUse`/`PostToolUse` input. VS Code and Cursor run the hooks of
 * `.claude/settings.json` too (VS Code ignoring matchers): a payload with VS Code's `hookEventName`
 * or Cursor's camelCase events or fields is read as theirs and attributed to them, as git-ai does.
 */
export function parseClaudeHook(payload: unknown): ParsedHook {
  if (!isObject(payload)) return ignore('the input is not a JSON object');
  if (payload.hookEventName !== undefined) return withSender(parseCopilotHook(payload), 'copilot');
  const eventName = text(payload.hook_event_name);
  if ((eventName !== undefined && CURSOR_EVENTS.has(eventName)) || payload.cursor_version !== undefined || payload.workspace_roots !== undefined) {
    return withSender(parseCursorHook(payload), 'cursor');
  }
  const phase = eventName === 'PreToolUse' ? 'before' : eventName === 'PostToolUse' ? 'after' : undefined;
  if (!phase) return ignore(`event ${eventName ?? '(none)'} is not PreToolUse or PostToolUse`);
  const tool = text(payload.tool_name) ?? '';
  const ids = { callId: joinIds(nonEmpty(payload.session_id), nonEmpty(payload.tool_use_id)), cwd: nonEmpty(payload.cwd), model: modelOf(payload), transcriptPath: nonEmpty(payload.transcript_path) };
  if (tool === CLAUDE_SHELL_TOOL) return { kind: 'event', event: { phase, files: [], workingTree: true, ...common(ids) } };
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
  } else edits.push(...editList(input.edits, 'old_string', 'new_string'));
  return { kind: 'event', event: { phase, files: [{ path: file, edits }], ...common(ids) } };
}

function withSender(parsed: ParsedHook, sender: HookAgent): ParsedHook {
  return parsed.kind === 'event' ? { kind: 'event', event: { ...parsed.event, sender } } : parsed;
}

// ---------------------------------------------------------------------------------------------
// Cursor

/** Cursor agent tools that write files, as `preToolUse`/`postToolUse` name them. */
const CURSOR_WRITE_TOOLS: ReadonlySet<string> = new Set(['Write', 'StrReplace', 'Delete', 'ApplyPatch', 'Edit', 'MultiEdit']);

/** Cursor's edits: `{old_string, new_string}`, with `range.start_line_number` for Tab edits. */
function cursorEdits(value: unknown): TextEdit[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    const edit = editPair(item, 'old_string', 'new_string');
    if (!edit || !isObject(item)) return [];
    const startLine = isObject(item.range) ? positiveInteger(item.range.start_line_number) : undefined;
    return [startLine !== undefined ? { ...edit, startLine } : edit];
  });
}

/**
 * Reads a Cursor hook input: `afterFileEdit` (agent edits), `afterTabFileEdit` (Tab completions,
 * recorded as `inline-completion`), and `preToolUse`/`postToolUse` around the file tools.
 */
export function parseCursorHook(payload: unknown): ParsedHook {
  if (!isObject(payload)) return ignore('the input is not a JSON object');
  const eventName = text(payload.hook_event_name) ?? 'afterFileEdit';
  const roots = Array.isArray(payload.workspace_roots) ? payload.workspace_roots.filter((root): root is string => nonEmpty(root) !== undefined) : [];
  const ids = { cwd: nonEmpty(payload.cwd) ?? roots[0], model: modelOf(payload) };
  if (eventName === 'afterFileEdit' || eventName === 'afterTabFileEdit') {
    const file = nonEmpty(payload.file_path);
    if (!file) return ignore('file_path is missing');
    const source = eventName === 'afterTabFileEdit' ? 'inline-completion' : 'agent-write';
    const callId = nonEmpty(payload.generation_id);
    return { kind: 'event', event: { phase: 'after', files: [{ path: file, edits: cursorEdits(payload.edits) }], source, ...common({ ...ids, callId }) } };
  }
  const phase = eventName === 'preToolUse' ? 'before' : eventName === 'postToolUse' || eventName === 'postToolUseFailure' ? 'after' : undefined;
  if (!phase) return ignore(`event ${eventName} is not one Cursor sends around file edits`);
  const tool = text(payload.tool_name) ?? '';
  if (!CURSOR_WRITE_TOOLS.has(tool)) return ignore(`tool ${tool || '(none)'} does not write files`);
  const input = isObject(payload.tool_input) ? payload.tool_input : {};
  const file = nonEmpty(input.file_path) ?? nonEmpty(input.path);
  const patch = text(input.patch) ?? text(input.input) ?? text(payload.tool_input);
  let files: HookFile[];
  if (file) {
    const edits: TextEdit[] = [];
    const replaced = editPair(input, 'old_string', 'new_string');
    if (replaced) edits.push(replaced);
    const content = text(input.contents) ?? text(input.content);
    if (!replaced && content !== undefined) edits.push({ oldText: '', newText: content });
    files = [{ path: file, edits }];
  } else if (patch !== undefined && looksLikePatch(patch)) files = parsePatch(patch);
  else return ignore(`tool ${tool} names no file`);
  const callId = joinIds(nonEmpty(payload.conversation_id), nonEmpty(payload.tool_use_id) ?? nonEmpty(payload.generation_id));
  const failed = eventName === 'postToolUseFailure' || tool === 'Delete';
  return { kind: 'event', event: { phase, files, ...common({ ...ids, callId, failed: phase === 'after' && failed }) } };
}

// ---------------------------------------------------------------------------------------------
// GitHub Copilot (Copilot CLI and cloud agent; VS Code's agent hooks)

/** Copilot tools that write files: `edit`, `create`, `apply_patch` (Copilot CLI), `create_file`, `replace_string_in_file`, `multi_replace_string_in_file`... */
const COPILOT_WRITE_TOOL = /edit|create|write|replace|insert|patch/i;

const PATH_KEYS = ['path', 'file_path', 'filePath'] as const;
const EDIT_KEYS: ReadonlyArray<[string, string]> = [
  ['old_str', 'new_str'],
  ['old_string', 'new_string'],
  ['oldString', 'newString'],
];
const CONTENT_KEYS = ['file_text', 'content', 'code'] as const;

/** The replacements of one argument object: the first old/new pair found, else its whole content. */
function copilotEdits(args: Json): TextEdit[] {
  for (const [oldKey, newKey] of EDIT_KEYS) {
    const edit = editPair(args, oldKey, newKey);
    if (edit) return [edit];
  }
  for (const key of CONTENT_KEYS) {
    const content = text(args[key]);
    if (content !== undefined) return [{ oldText: '', newText: content }];
  }
  return [];
}

function firstPath(args: Json): string | undefined {
  for (const key of PATH_KEYS) {
    const path = nonEmpty(args[key]);
    if (path) return path;
  }
  return undefined;
}

/** Adds `edits` to `path` in `files`, keeping one entry per path. */
function addFile(files: HookFile[], path: string, edits: readonly TextEdit[]): void {
  const existing = files.find((file) => file.path === path);
  if (existing) existing.edits.push(...edits);
  else files.push({ path, edits: [...edits] });
}

/** The files of a Copilot tool's arguments: an object, a JSON string, or patch text. */
function copilotFiles(raw: unknown): HookFile[] | string {
  let args = raw;
  if (typeof args === 'string') {
    if (looksLikePatch(args)) return parsePatch(args);
    try {
      args = JSON.parse(args);
    } catch {
      return 'the tool arguments are neither JSON nor a patch';
    }
  }
  if (!isObject(args)) return 'the tool has no arguments';
  // VS Code's apply_patch: `{input: "*** Begin Patch ..."}`.
  const patch = text(args.input) ?? text(args.patch);
  if (patch !== undefined && looksLikePatch(patch)) return parsePatch(patch);
  const files: HookFile[] = [];
  const path = firstPath(args);
  if (path) addFile(files, path, copilotEdits(args));
  // VS Code's multi_replace_string_in_file: `{replacements: [{filePath, oldString, newString}]}`.
  for (const list of [args.replacements, args.files]) {
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      if (nonEmpty(item)) addFile(files, item as string, []);
      else if (isObject(item)) {
        const itemPath = firstPath(item);
        if (itemPath) addFile(files, itemPath, copilotEdits(item));
      }
    }
  }
  return files;
}

/** Reads a GitHub Copilot `preToolUse`/`postToolUse` input (Copilot CLI and cloud agent, or VS Code's form). */
export function parseCopilotHook(payload: unknown): ParsedHook {
  if (!isObject(payload)) return ignore('the input is not a JSON object');
  const tool = text(payload.toolName) ?? text(payload.tool_name) ?? '';
  if (!COPILOT_WRITE_TOOL.test(tool)) return ignore(`tool ${tool || '(none)'} does not write files`);
  const files = copilotFiles(payload.toolArgs ?? payload.tool_input);
  if (typeof files === 'string') return ignore(files);
  if (files.length === 0) return ignore(`tool ${tool} names no file`);
  const eventName = (text(payload.hookEventName) ?? text(payload.hook_event_name))?.toLowerCase();
  const phase = eventName === 'pretooluse' ? 'before' : eventName === 'posttooluse' || payload.toolResult !== undefined || payload.tool_response !== undefined ? 'after' : 'before';
  const result = isObject(payload.toolResult) ? payload.toolResult : undefined;
  const failed = result !== undefined && (result.resultType === 'failure' || result.resultType === 'denied');
  // Copilot CLI's camelCase payloads have no tool call id: the session pairs its before and after hooks.
  const callId = nonEmpty(payload.tool_use_id) ?? nonEmpty(payload.sessionId) ?? nonEmpty(payload.session_id);
  return { kind: 'event', event: { phase, files, ...common({ cwd: nonEmpty(payload.cwd), model: modelOf(payload), callId, failed }) } };
}

// ---------------------------------------------------------------------------------------------
// Gemini CLI

/** Gemini CLI's file tools: `write_file` (`file_path`, `content`) and `replace` (`file_path`, `old_string`, `new_string`). */
const GEMINI_WRITE_TOOLS: ReadonlySet<string> = new Set(['write_file', 'replace']);

/** Reads a Gemini CLI `BeforeTool`/`AfterTool` input (`.gemini/settings.json`). */
export function parseGeminiHook(payload: unknown): ParsedHook {
  if (!isObject(payload)) return ignore('the input is not a JSON object');
  const eventName = text(payload.hook_event_name);
  const phase = eventName === 'BeforeTool' ? 'before' : eventName === 'AfterTool' ? 'after' : undefined;
  if (!phase) return ignore(`event ${eventName ?? '(none)'} is not BeforeTool or AfterTool`);
  const tool = text(payload.tool_name) ?? '';
  if (!GEMINI_WRITE_TOOLS.has(tool)) return ignore(`tool ${tool || '(none)'} does not write files`);
  const input = isObject(payload.tool_input) ? payload.tool_input : {};
  const file = nonEmpty(input.file_path) ?? nonEmpty(input.absolute_path) ?? nonEmpty(input.path);
  if (!file) return ignore('tool_input.file_path is missing');
  const edits = tool === 'replace' ? [editPair(input, 'old_string', 'new_string')].filter((edit): edit is TextEdit => edit !== undefined) : [{ oldText: '', newText: text(input.content) ?? '' }];
  const response = isObject(payload.tool_response) ? payload.tool_response : undefined;
  const failed = response !== undefined && response.error !== undefined && response.error !== null;
  return {
    kind: 'event',
    event: { phase, files: [{ path: file, edits }], ...common({ cwd: nonEmpty(payload.cwd), model: modelOf(payload), callId: nonEmpty(payload.session_id), failed }) },
  };
}

// ---------------------------------------------------------------------------------------------
// Codex CLI

/** Codex CLI's shell tools: its edits may also be made through them. */
const CODEX_SHELL_TOOLS: ReadonlySet<string> = new Set(['Bash', 'shell', 'exec_command', 'local_shell']);

/** Reads a Codex CLI `PreToolUse`/`PostToolUse` input (`.codex/hooks.json`): `apply_patch` carries its patch in `tool_input.command`. */
export function parseCodexHook(payload: unknown): ParsedHook {
  if (!isObject(payload)) return ignore('the input is not a JSON object');
  const eventName = text(payload.hook_event_name);
  const phase = eventName === 'PreToolUse' ? 'before' : eventName === 'PostToolUse' ? 'after' : undefined;
  if (!phase) return ignore(`event ${eventName ?? '(none)'} is not PreToolUse or PostToolUse`);
  const tool = text(payload.tool_name) ?? '';
  const ids = { cwd: nonEmpty(payload.cwd), model: modelOf(payload), callId: joinIds(nonEmpty(payload.session_id), nonEmpty(payload.tool_use_id)) };
  const input = payload.tool_input;
  const command = isObject(input) ? (text(input.command) ?? text(input.patch) ?? text(input.input)) : text(input);
  if (tool === 'apply_patch' || (command !== undefined && looksLikePatch(command))) {
    const files = command !== undefined ? parsePatch(command) : [];
    if (files.length === 0) return ignore('the patch names no file it writes');
    return { kind: 'event', event: { phase, files, ...common(ids) } };
  }
  if (CODEX_SHELL_TOOLS.has(tool)) return { kind: 'event', event: { phase, files: [], workingTree: true, ...common(ids) } };
  return ignore(`tool ${tool || '(none)'} does not write files`);
}

/** The parser of each agent's hook input. */
export const HOOK_PARSERS: Readonly<Record<HookAgent, (payload: unknown) => ParsedHook>> = {
  claude: parseClaudeHook,
  cursor: parseCursorHook,
  copilot: parseCopilotHook,
  gemini: parseGeminiHook,
  codex: parseCodexHook,
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
    let firstLine = index.positionAt(at).line + 1;
    if (fileText.indexOf(edit.newText, at + 1) >= 0) {
      // Text found more than once: the payload's line says which (Cursor's `range`), else none is recorded.
      const hinted = edit.startLine !== undefined ? occurrenceAtLine(fileText, edit.newText, edit.startLine, index) : undefined;
      if (hinted === undefined) {
        ambiguous++;
        continue;
      }
      firstLine = hinted;
    }
    for (const range of changedLineRanges(edit.oldText, edit.newText)) {
      found.push({ startLine: range.startLine + firstLine - 1, endLine: range.endLine + firstLine - 1 });
    }
  }
  return { ranges: mergeRanges(found), ambiguous, missing };
}

/**
 * The first line of the occurrence of `needle` that starts on `line` (or whose changed part does:
 * an edit's new text may begin with an unchanged line), undefined when none does.
 */
function occurrenceAtLine(haystack: string, needle: string, line: number, index: LineIndex): number | undefined {
  const span = needle.split('\n').length;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
    const first = index.positionAt(at).line + 1;
    if (line >= first && line < first + span) return first;
  }
  return undefined;
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
