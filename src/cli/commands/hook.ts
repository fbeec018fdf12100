import { resolve } from 'node:path';
import { changedLineRanges, type ChangedRange } from '../../core/provenance/changed-ranges';
import { ProvenanceLedger } from '../../core/provenance/ledger';
import { parseArgs } from '../args';
import { type CliIo, EXIT, SUBCOMMANDS } from '../cli';
import { findWorkspaceRoot } from '../workspace-root';
import { HOOK_AGENT_NAMES, HOOK_PARSERS, type HookAgent, type HookEvent, locateEdits } from './hook-payloads';
import { pruneSnapshots, saveSnapshot, snapshotKey, takeSnapshot } from './hook-snapshots';
import { describeRange, readMarkableText, workspaceRelative } from './record-lines';
import { isDataPath } from '../../core/workspace/layout';

const USAGE = `Usage: comprehension hook claude|cursor|copilot [--root DIR] [--verbose]

Run BY the coding agent, from the hook configuration 'comprehension hooks install' writes; not
meant to be typed. Reads the hook's JSON from standard input and records the lines the agent's
file-writing tool changed as certain AI blocks in .comprehension/provenance/:
  claude   PreToolUse copies the file to .comprehension/.cache/hooks/; PostToolUse diffs the copy
           against the file now and records each changed range (agent claude-code).
  cursor   afterFileEdit: each edit's new text is found in the file and its changed lines recorded
           (Cursor has no hook before an edit; text that occurs twice is left unrecorded).
  copilot  preToolUse/postToolUse of GitHub Copilot's agent, like claude (agent github-copilot).

Options:
  --root DIR   workspace root (default: from the hook's working folder)
  --verbose    say on standard error what was recorded or why nothing was

Always exits 0, even on errors (reported on standard error): a hook that fails can block or
interrupt the agent (Claude Code treats exit 2 from PreToolUse as "deny the tool"), and losing one
attribution is better than stopping someone's work.`;

const AGENTS = Object.keys(HOOK_PARSERS) as HookAgent[];

async function hook(args: string[], io: CliIo): Promise<number> {
  try {
    await runHook(args, io);
  } catch (error) {
    io.stderr.write(`comprehension hook: ${error instanceof Error ? error.message : String(error)} (nothing recorded; the agent goes on)\n`);
  }
  return EXIT.ok;
}

async function runHook(args: string[], io: CliIo): Promise<void> {
  const parsed = parseArgs(args, { valued: ['root'], flags: ['verbose'] });
  const verbose = parsed.options.has('verbose');
  const say = (text: string): void => {
    if (verbose) io.stderr.write(`comprehension hook: ${text}\n`);
  };
  const agent = parsed.positionals[0] as HookAgent | undefined;
  if (!agent || !AGENTS.includes(agent)) throw new Error(`which agent? expected one of ${AGENTS.join(', ')}, got '${agent ?? ''}'`);
  const input = io.readStdin ? await io.readStdin() : '';
  if (input.trim() === '') throw new Error('no hook input on standard input');
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
  const base = event.cwd ? resolve(io.cwd, event.cwd) : io.cwd;
  const root = findWorkspaceRoot(base, parsed.options.get('root') as string | undefined);
  const ledger = ProvenanceLedger.forWorkspace(root);
  for (const file of event.files) {
    const absolute = resolve(base, file);
    const path = workspaceRelative(root, absolute);
    if (path === undefined) {
      say(`${file} is outside the workspace ${root}`);
      continue;
    }
    // The product's own data and git's internals are never AI code to explain.
    if (isDataPath(path) || path.startsWith('.git/')) continue;
    const key = snapshotKey(agent, path, event.callId);
    if (event.phase === 'before') {
      await snapshot(root, key, path, absolute);
      say(`saved ${path} before the tool writes it`);
      continue;
    }
    const changed = await changedRanges(root, key, path, absolute, event, say);
    if (!changed) continue;
    const agentName = HOOK_AGENT_NAMES[agent];
    const ranges = changed.ranges.map((range) => ({
      startLine: range.startLine,
      endLine: range.endLine,
      agent: agentName,
      ...(event.model ? { model: event.model } : {}),
      source: 'agent-write' as const,
    }));
    // Even a pure deletion (no range) moves the blocks below it.
    const edit = await ledger.recordAgentEdit(path, changed.text, ranges);
    if (edit.moved > 0) say(`${edit.moved} block(s) of ${path} moved with the edit`);
    for (const outcome of edit.outcomes) say(`${outcome.kind} ${describeRange(outcome.record)} (${outcome.record.id})`);
  }
  if (event.phase === 'before') await pruneSnapshots(root);
}

async function snapshot(root: string, key: string, path: string, absolute: string): Promise<void> {
  const read = await readMarkableText(absolute);
  const takenAt = new Date().toISOString();
  if (read.kind === 'missing') await saveSnapshot(root, key, { path, existed: false, takenAt });
  else if (read.kind === 'text') await saveSnapshot(root, key, { path, existed: true, text: read.text, takenAt });
  else await saveSnapshot(root, key, { path, existed: true, takenAt });
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
  event: HookEvent,
  say: (text: string) => void,
): Promise<{ ranges: ChangedRange[]; text: string } | undefined> {
  const before = await takeSnapshot(root, key);
  if (event.failed) {
    say(`the tool failed on ${path}; nothing to record`);
    return undefined;
  }
  const after = await readMarkableText(absolute);
  if (after.kind !== 'text') {
    say(`${path} is ${after.kind === 'missing' ? 'gone' : `not followed (${after.kind})`}`);
    return undefined;
  }
  if (before) {
    if (before.existed && before.text === undefined) {
      say(`${path} was not a text file before the tool wrote it`);
      return undefined;
    }
    return { ranges: changedLineRanges(before.text ?? '', after.text), text: after.text };
  }
  const located = locateEdits(after.text, event.edits);
  if (located.ambiguous > 0) say(`${located.ambiguous} edit(s) of ${path} wrote text found more than once; not recorded`);
  if (located.missing > 0) say(`${located.missing} edit(s) of ${path} wrote text no longer in the file`);
  return { ranges: located.ranges, text: after.text };
}

SUBCOMMANDS.hook = { summary: 'record what an agent wrote (run by agent hooks; reads the hook JSON on stdin)', usage: USAGE, run: hook };
