import { realpath } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { ChangedRange } from '../../core/provenance/changed-ranges';
import { ProvenanceLedger } from '../../core/provenance/ledger';
import { parseArgs } from '../args';
import { type CliIo, EXIT, SUBCOMMANDS } from '../cli';
import { findWorkspaceRoot } from '../workspace-root';
import { modelFromTranscript } from '../../core/hooks/transcript';
import { gitOrUndefined, showHead } from '../../core/workspace/git';
import { isDataPath } from '../../core/workspace/layout';
import { WriteRefusedError } from '../../core/workspace/fs';
import { printable } from '../../core/workspace/paths';
import { HOOK_AGENT_NAMES, HOOK_PARSERS, type HookAgent, type HookEvent, locateEdits, type TextEdit } from './hook-payloads';
import { changedSince, digestLines, MAX_TREE_FILES, pruneSnapshots, sameLines, saveSnapshot, saveTreeSnapshot, type Snapshot, snapshotKey, takeSnapshot, takeTreeSnapshot } from './hook-snapshots';
import { describeRange, type MarkableText, readMarkableText, workspaceRelative } from './record-lines';

const USAGE = `Usage: comprehension hook claude|cursor|copilot|gemini|codex [--root DIR] [--verbose]

Run BY the coding agent, from the hook configuration 'comprehension hooks install' writes; not
meant to be typed. Reads the hook's JSON from standard input and records the lines the agent's
file-writing tool changed as certain AI blocks in .comprehension/provenance/. The before hook
copies the files the tool names to .comprehension/.cache/hooks/; the after hook diffs the copy
against the file now (waiting up to 2 s for a write that lands after the hook fires). Without a
copy, the payload's text (and line, when given) locates what was written.
  claude   PreToolUse/PostToolUse around Write, Edit, MultiEdit, and Bash (the working tree's
           changed files, at most ${MAX_TREE_FILES}, are copied and diffed); the model is read from
           the transcript (agent claude-code). VS Code's and Cursor's payloads, which reach
           .claude/settings.json hooks too, are recorded for them.
  cursor   afterFileEdit, preToolUse/postToolUse (Write, StrReplace, Delete, ApplyPatch), and
           afterTabFileEdit (Tab completions, source inline-completion) (agent cursor).
  copilot  preToolUse/postToolUse of GitHub Copilot (CLI, cloud agent, VS Code), apply_patch
           included (agent github-copilot).
  gemini   BeforeTool/AfterTool around write_file and replace (agent gemini-cli).
  codex    PreToolUse/PostToolUse around apply_patch and the shell (agent codex).

The workspace is where the hook runs (the nearest folder up with .comprehension/ or .git), or
--root; a payload's "cwd" outside it is ignored, never written to. A .comprehension/ folder that
leads out of the workspace through a link is not written through: nothing is recorded.

Options:
  --root DIR   workspace root (default: from the hook's working folder)
  --verbose    say on standard error what was recorded or why nothing was

Always exits 0, even on errors (reported on standard error): a hook that fails can block or
interrupt the agent (Claude Code treats exit 2 from PreToolUse as "deny the tool"), and losing one
attribution is better than stopping someone's work.`;

const AGENTS = Object.keys(HOOK_PARSERS) as HookAgent[];

/** Hook input larger than this is not read as JSON (no tool call is this large; a hostile one could be). */
const MAX_INPUT_CHARS = 32 * 1024 * 1024;

/**
 * How long an after hook waits for a file that still reads as it was before the tool, and how often
 * it looks again: VS Code fires PostToolUse before `apply_patch` has written (microsoft/vscode#315926).
 * Bounded well inside the hook's timeout; a tool that really changed nothing costs only this wait.
 */
const LATE_WRITE_WAIT_MS = 2000;
const LATE_WRITE_POLL_MS = 50;

/** Lines kept per file, and in all, by a shell tool's working-tree snapshot: taken before every shell command, it must stay cheap. */
const MAX_TREE_FILE_LINES = 50_000;
const MAX_TREE_LINES = 500_000;

/** The snapshot key of a shell tool's working-tree snapshot (no file has this name). */
const WORKING_TREE = '\0working-tree';

async function hook(args: string[], io: CliIo): Promise<number> {
  try {
    await runHook(args, io);
  } catch (error) {
    // A link out of the workspace is the repository's doing, not a failure to shout about on every edit.
    if (!(error instanceof WriteRefusedError) || args.includes('--verbose')) {
      io.stderr.write(`comprehension hook: ${error instanceof Error ? error.message : String(error)} (nothing recorded; the agent goes on)\n`);
    }
  }
  return EXIT.ok;
}

/** What the hook needs to record one file's change. */
interface Recorder {
  root: string;
  ledger: ProvenanceLedger;
  agentName: string;
  model?: string;
  source: 'agent-write' | 'inline-completion';
  say: (text: string) => void;
}

async function runHook(args: string[], io: CliIo): Promise<void> {
  const parsed = parseArgs(args, { valued: ['root'], flags: ['verbose'] });
  const verbose = parsed.options.has('verbose');
  const say = (text: string): void => {
    if (verbose) io.stderr.write(`comprehension hook: ${printable(text)}\n`);
  };
  const agent = parsed.positionals[0] as HookAgent | undefined;
  if (!agent || !AGENTS.includes(agent)) throw new Error(`which agent? expected one of ${AGENTS.join(', ')}, got '${agent ?? ''}'`);
  // Where the hook runs decides the workspace; the payload, which anyone can write, only names files in it.
  const root = findWorkspaceRoot(io.cwd, parsed.options.get('root') as string | undefined);
  // Every run, before and after alike: a snapshot whose after hook never came does not linger.
  const pruned = await pruneSnapshots(root);
  if (pruned > 0) say(`removed ${pruned} stale snapshot(s)`);
  const input = io.readStdin ? await io.readStdin() : '';
  if (input.trim() === '') throw new Error('no hook input on standard input');
  if (input.length > MAX_INPUT_CHARS) throw new Error(`the hook input is larger than ${MAX_INPUT_CHARS} characters`);
  let payload: unknown;
  try {
    payload = JSON.parse(input);
  } catch {
    throw new Error('the hook input on standard input is not JSON');
  }
  const result = HOOK_PARSERS[agent](payload);
  if (result.kind === 'ignore') {
    say(`ignored: ${result.reason}`);
    return;
  }
  const { event } = result;
  // A payload is recorded for the agent that sent it, whichever hook file ran us.
  const sender = event.sender ?? agent;
  if (sender !== agent) say(`the payload is ${sender}'s (it ran the ${agent} hooks); recorded as ${HOOK_AGENT_NAMES[sender]}`);
  const base = await payloadBase(root, io.cwd, event.cwd, say);
  const model = event.model ?? (event.phase === 'after' && event.transcriptPath ? await modelFromTranscript(resolve(base, event.transcriptPath)) : undefined);
  const recorder: Recorder = {
    root,
    ledger: ProvenanceLedger.forWorkspace(root),
    agentName: HOOK_AGENT_NAMES[sender],
    ...(model ? { model } : {}),
    source: event.source ?? 'agent-write',
    say,
  };
  if (event.workingTree) await workingTreeHook(recorder, snapshotKey(sender, WORKING_TREE, event.callId), event);
  for (const file of event.files) {
    const absolute = resolve(base, file.path);
    const path = workspaceRelative(root, absolute);
    if (path === undefined || !(await staysInside(root, absolute))) {
      say(`${file.path} is outside the workspace ${root}`);
      continue;
    }
    if (!isRecordable(path)) continue;
    const key = snapshotKey(sender, path, event.callId);
    if (event.phase === 'before') {
      await snapshot(root, key, path, absolute);
      say(`saved ${path} before the tool writes it`);
      continue;
    }
    const changed = await changedRanges(root, key, path, absolute, file.edits, event, say);
    if (changed) await record(recorder, path, changed.ranges, changed.text);
  }
}

/**
 * The folder the payload's relative paths are resolved against: its `cwd` when that lies inside the
 * workspace (a subfolder the agent works in), else where the hook runs, else the root.
 */
async function payloadBase(root: string, cwd: string, payloadCwd: string | undefined, say: (text: string) => void): Promise<string> {
  const fallback = workspaceRelative(root, cwd) !== undefined ? cwd : root;
  if (payloadCwd === undefined) return fallback;
  const claimed = resolve(cwd, payloadCwd);
  if (claimed === root || (workspaceRelative(root, claimed) !== undefined && (await staysInside(root, claimed)))) return claimed;
  say(`the payload's cwd ${JSON.stringify(payloadCwd)} is outside the workspace ${root}; ignored`);
  return fallback;
}

/**
 * Whether `absolute`, with symbolic links resolved (its folder's, when the file does not exist
 * yet), is inside `root`: a link in the repository must not make the hook read files elsewhere.
 */
async function staysInside(root: string, absolute: string): Promise<boolean> {
  const real = async (path: string): Promise<string | undefined> => realpath(path).catch(() => undefined);
  const realRoot = (await real(root)) ?? root;
  const target = (await real(absolute)) ?? (await real(dirname(absolute)));
  if (target === undefined) return true; // Neither exists: nothing to read, and nothing is recorded.
  return target === realRoot || workspaceRelative(realRoot, target) !== undefined;
}

/** The product's own data and git's internals are never AI code to explain. */
function isRecordable(path: string): boolean {
  return !isDataPath(path) && !path.startsWith('.git/') && path !== '.git';
}

/** Records the changed ranges of one file through the ledger (even a pure deletion moves the blocks below it). */
async function record(recorder: Recorder, path: string, changed: readonly ChangedRange[], text: string): Promise<void> {
  const ranges = changed.map((range) => ({
    startLine: range.startLine,
    endLine: range.endLine,
    agent: recorder.agentName,
    ...(recorder.model ? { model: recorder.model } : {}),
    source: recorder.source,
  }));
  const edit = await recorder.ledger.recordAgentEdit(path, text, ranges);
  if (edit.moved > 0) recorder.say(`${edit.moved} block(s) of ${path} moved with the edit`);
  for (const outcome of edit.outcomes) recorder.say(`${outcome.kind} ${describeRange(outcome.record)} (${outcome.record.id})`);
}

async function snapshot(root: string, key: string, path: string, absolute: string): Promise<void> {
  await saveSnapshot(root, key, await snapshotOf(path, absolute));
}

async function snapshotOf(path: string, absolute: string): Promise<Snapshot> {
  const read = await readMarkableText(absolute);
  const takenAt = new Date().toISOString();
  if (read.kind === 'missing') return { path, existed: false, takenAt };
  if (read.kind === 'text') return { path, existed: true, lines: digestLines(read.text), takenAt };
  return { path, existed: true, takenAt };
}

/**
 * The lines the tool changed and the file's text now: from the snapshot when there is one, else
 * found from the edits' text. Undefined when there is nothing to record.
 */
async function changedRanges(
  root: string,
  key: string,
  path: string,
  absolute: string,
  edits: readonly TextEdit[],
  event: HookEvent,
  say: (text: string) => void,
): Promise<{ ranges: ChangedRange[]; text: string } | undefined> {
  const before = await takeSnapshot(root, key);
  if (event.failed) {
    say(`the tool failed on ${path}; nothing to record`);
    return undefined;
  }
  if (before?.existed && before.lines === undefined) {
    say(`${path} was not a text file before the tool wrote it`);
    return undefined;
  }
  const after = before ? await readAfterWrite(absolute, before) : await readMarkableText(absolute);
  if (after.kind !== 'text') {
    say(`${path} is ${after.kind === 'missing' ? 'gone' : `not followed (${after.kind})`}`);
    return undefined;
  }
  if (before) return { ranges: changedSince(before.lines ?? digestLines(''), after.text), text: after.text };
  const located = locateEdits(after.text, edits);
  if (located.ambiguous > 0) say(`${located.ambiguous} edit(s) of ${path} wrote text found more than once; not recorded`);
  if (located.missing > 0) say(`${located.missing} edit(s) of ${path} wrote text no longer in the file`);
  return { ranges: located.ranges, text: after.text };
}

/**
 * The file after the tool, read again (for at most {@link LATE_WRITE_WAIT_MS}) while it still holds
 * the text it had before: an after hook that fires before the write would otherwise see no change.
 */
async function readAfterWrite(absolute: string, before: Snapshot): Promise<MarkableText> {
  const deadline = Date.now() + LATE_WRITE_WAIT_MS;
  for (;;) {
    const read = await readMarkableText(absolute);
    const unchanged = read.kind === 'text' ? before.lines !== undefined && sameLines(before.lines, read.text) : read.kind === 'missing' && !before.existed;
    if (!unchanged || Date.now() >= deadline) return read;
    // Polling, not an event: the writer is another process, and a watcher may miss an atomic rename.
    await new Promise((done) => setTimeout(done, LATE_WRITE_POLL_MS));
  }
}

/** The working tree's changed files (modified, added, untracked; not ignored), git's paths, or undefined outside git. */
async function changedTreeFiles(root: string): Promise<string[] | undefined> {
  const out = await gitOrUndefined(root, ['status', '--porcelain=v1', '-z', '--untracked-files=all']);
  if (out === undefined) return undefined;
  const paths: string[] = [];
  const entries = out.split('\0');
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (entry.length < 4) continue;
    // A rename or copy is followed by its source path, which is not a file of the tree now.
    if (entry[0] === 'R' || entry[0] === 'C') i++;
    if (entry[0] === 'D' || entry[1] === 'D') continue;
    paths.push(entry.slice(3));
  }
  return paths.filter(isRecordable);
}

/**
 * A shell tool (Claude Code's Bash, Codex's shell) may write any file: the before hook keeps the
 * text of the working tree's changed files; the after hook diffs every file changed now or then
 * against that text (or, for files clean before, against HEAD) and records what the tool changed.
 */
async function workingTreeHook(recorder: Recorder, key: string, event: HookEvent): Promise<void> {
  const { root, say } = recorder;
  const changedNow = await changedTreeFiles(root);
  if (changedNow === undefined) {
    say('not a git working tree; a shell tool\'s edits are followed only in git repositories');
    return;
  }
  if (event.phase === 'before') {
    const files: Snapshot[] = [];
    let bytes = 0;
    for (const path of changedNow.slice(0, MAX_TREE_FILES)) {
      const file = await snapshotOf(path, join(root, path));
      const size = file.lines?.hashes.length ?? 0;
      // A file too large to keep is kept without its lines: the diff afterwards skips it.
      if (size > MAX_TREE_FILE_LINES || bytes + size > MAX_TREE_LINES) delete file.lines;
      else bytes += size;
      files.push(file);
    }
    await saveTreeSnapshot(root, key, { files, truncated: changedNow.length > files.length, takenAt: new Date().toISOString() });
    say(`saved ${files.length} changed file(s) of the working tree before the shell tool runs`);
    return;
  }
  const tree = await takeTreeSnapshot(root, key);
  if (!tree) {
    say('no working-tree snapshot from before the shell tool; nothing recorded');
    return;
  }
  if (event.failed) return;
  const before = new Map(tree.files.map((file) => [file.path, file]));
  const paths = [...new Set([...before.keys(), ...changedNow])].slice(0, MAX_TREE_FILES);
  for (const path of paths) {
    const kept = before.get(path);
    // Changed before the tool but not kept (too many changed files): what the tool did is unknown.
    if (!kept && tree.truncated) continue;
    const beforeLines = kept ? (kept.existed ? kept.lines : digestLines('')) : digestLines((await showHead(root, path)) ?? '');
    if (beforeLines === undefined) continue;
    const after = await readMarkableText(join(root, path));
    if (after.kind !== 'text' || sameLines(beforeLines, after.text)) continue;
    await record(recorder, path, changedSince(beforeLines, after.text), after.text);
  }
}

SUBCOMMANDS.hook = { summary: 'record what an agent wrote (run by agent hooks; reads the hook JSON on stdin)', usage: USAGE, run: hook };
