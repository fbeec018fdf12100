import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { assessBlockNote } from '../../src/core/notes/diagnostics';
import { closeTally, createTally, recordActivity, recordBreach } from '../../src/core/practice/accounting';
import { saveSession, sessionRecordFromTally } from '../../src/core/practice/history';
import type { Block } from '../../src/core/provenance/block';
import { blockFromRecord, parseRecord } from '../../src/core/provenance/record';
import type { Scorecard } from '../../src/core/report/scorecard';
import { PolicyWorkspace } from '../../src/core/workspace/policy-workspace';
import { notePathFor } from '../../src/core/workspace/layout';
import { noteWithAnswers } from '../unit/cli/ai-block-fixture';
import { getApi, runBuiltCli, screenshot, workspaceRoot } from './harness';

/**
 * The acceptance test of "the editor and the CLI give the same numbers": a fixture repository whose
 * AI blocks, notes and findings all sit in files the editor never opens, plus practice history;
 * then `comprehension report --format json` (built CLI) and Show Report (real command) side by side.
 */

/** The function every AI block of the fixture holds (lines 3–8 of its file). */
const RETRY = [
  "import { setTimeout as sleep } from 'node:timers/promises';",
  '',
  'export async function withRetry<T>(task: () => Promise<T>, attempts: number): Promise<T> {',
  '  for (let attempt = 1; ; attempt++) {',
  '    try { return await task(); } catch (error) { if (attempt >= attempts) throw error; }',
  '    await sleep(100 * 2 ** attempt);',
  '  }',
  '}',
  '',
].join('\n');

/** An AI block with findings inside (eval) and a finding outside it (fetch without a timeout). */
const NO_NOTE = [
  'export async function fetchConfig(url: string): Promise<unknown> {',
  '  const response = await fetch(url);',
  '  return response.json();',
  '}',
  '',
  'export function evaluate(expression: string): unknown {', // 6  block: lines 6–9
  '  const trimmed = expression.trim();',
  '  return eval(trimmed);',
  '}',
  '',
].join('\n');

/** No AI block; findings in a file nobody opens. */
const CLOSED_FINDINGS = [
  'export async function ping(host: string): Promise<number> {',
  '  const response = await fetch(`https://${host}/health`);',
  '  return response.status;',
  '}',
  '',
  'export const run = (code: string) => eval(code);',
  '',
].join('\n');

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

function git(root: string, args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Report Test', '-c', 'user.email=report@comprehension.invalid', ...args], { cwd: root, encoding: 'utf8' });
}

/** The record the CLI wrote for `path` (the block's id is the CLI's). */
function recordedBlock(root: string, path: string): Block {
  const folder = join(root, '.comprehension/provenance');
  for (const name of readdirSync(folder).filter((file) => file.endsWith('.json'))) {
    const parsed = parseRecord(JSON.parse(readFileSync(join(folder, name), 'utf8')));
    if (parsed.ok && parsed.record.files[0].path === path) return blockFromRecord(parsed.record);
  }
  throw new Error(`no record for ${path}`);
}

/** A note for the block, every answer written by `answer(part)` (prose that passes, or a shrug that does not). */
function noteFor(workspace: PolicyWorkspace, block: Block, path: string, code: string, answer: (part: string) => string): string {
  const inCriticalPath = workspace.isCritical(path);
  assert.ok(assessBlockNote({ path, text: code, block, noteText: undefined, policy: workspace.policyState.current, inCriticalPath }).requirement.required, `${path} needs a note`);
  return noteWithAnswers({ policy: workspace.policyState.current, block, path, code, inCriticalPath }, answer);
}

/** A writer's own answers about withRetry, one per part (a note pasting one answer everywhere is refused). */
const PROSE_ANSWERS: Record<string, string> = {
  what: 'withRetry runs task and, on a throw, waits 100 * 2 ** attempt ms before trying again, at most attempts times.',
  why: 'Doubling the pause gives the remote side room to recover rather than retrying it in a tight loop.',
  'failure-modes': 'Once attempt reaches attempts the last error is rethrown; a large attempts value can wait for minutes.',
  observability: 'No logs inside; the caller only ever sees the final error, so retries stay invisible.',
  loop: 'The attempt counter: when it reaches attempts, the catch rethrows and that ends the loop.',
  catch: 'Errors are dropped while attempts remain; the final one is thrown to the caller unchanged.',
};
const PROSE = (part: string) => PROSE_ANSWERS[part] ?? `withRetry answers this (${part}) by rethrowing the task's error after attempts tries.`;
const SHRUG = () => 'It works.';

/** Two days of practice before today and some today, one AI insertion caught: through the core history API the practice controller writes with. */
async function seedPractice(historyPath: string): Promise<void> {
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
  const now = Date.now();
  for (const [back, minutes] of [
    [2, 25],
    [1, 18],
    [0, 12],
  ] as const) {
    // Sessions end before now, so today's one is in the past too.
    const start = now - back * 86_400_000 - (minutes + 5) * 60_000;
    const tally = createTally(`report-seed-${back}`, timeZone, start);
    for (let minute = 1; minute <= minutes; minute++) recordActivity(tally, { at: start + minute * 60_000, kind: 'typing', file: 'src/kata.ts', typedChars: 40, typedLines: 2 });
    if (back === 1) recordBreach(tally, { file: 'src/kata.ts', line: 4, source: 'inline-completion', at: start + 3 * 60_000 });
    closeTally(tally, start + (minutes + 1) * 60_000);
    await saveSession(historyPath, sessionRecordFromTally(tally), now);
  }
}

/** The scorecard without the one field that must differ: when it was made. */
function comparable(scorecard: Scorecard): Omit<Scorecard, 'generatedAt'> {
  const { generatedAt: _generatedAt, ...rest } = scorecard;
  return rest;
}

describe('Report: the editor and the CLI', function () {
  this.timeout(120000);
  const files = ['src/report/none.ts', 'src/report/draft.ts', 'src/report/explained.ts', 'src/report/stale.ts', 'src/report/closed.ts'];

  it('give the same scorecard for blocks, notes and findings in files never opened, and practice', async () => {
    const api = await getApi();
    await api.whenProvenanceReady();
    const root = workspaceRoot().fsPath;

    // The code, committed: changed lines exist in git's history.
    write(root, 'src/report/none.ts', NO_NOTE);
    for (const path of ['src/report/draft.ts', 'src/report/explained.ts', 'src/report/stale.ts']) write(root, path, RETRY);
    write(root, 'src/report/closed.ts', CLOSED_FINDINGS);
    git(root, ['add', '-A']);
    git(root, ['commit', '-qm', 'report fixture: code']);

    // AI blocks recorded by the built CLI, as an agent hook does.
    for (const [path, lines] of [
      ['src/report/none.ts', '6-9'],
      ['src/report/draft.ts', '3-8'],
      ['src/report/explained.ts', '3-8'],
      ['src/report/stale.ts', '3-8'],
    ] as const) {
      const run = await runBuiltCli(['mark', '--file', path, '--lines', lines, '--agent', 'claude-code']);
      assert.equal(run.code, 0, run.stdout + run.stderr);
    }

    // Notes in every state: none (none.ts), draft, explained, and stale (explained, then the code changed).
    const workspace = new PolicyWorkspace(root, true);
    workspace.loadPolicyFromDisk();
    const draft = recordedBlock(root, 'src/report/draft.ts');
    const explained = recordedBlock(root, 'src/report/explained.ts');
    const stale = recordedBlock(root, 'src/report/stale.ts');
    write(root, notePathFor(draft.id), noteFor(workspace, draft, 'src/report/draft.ts', RETRY, SHRUG));
    write(root, notePathFor(explained.id), noteFor(workspace, explained, 'src/report/explained.ts', RETRY, PROSE));
    write(root, notePathFor(stale.id), noteFor(workspace, stale, 'src/report/stale.ts', RETRY, PROSE));
    write(root, 'src/report/stale.ts', RETRY.replace('100 * 2 ** attempt', '250 * 2 ** attempt'));
    git(root, ['add', '-A']);
    git(root, ['commit', '-qm', 'report fixture: records, notes, a changed block']);

    // Practice history, exported by the editor's own command for the CLI's --practice.
    await seedPractice(api.practice.historyPath);
    const exportPath = join(mkdtempSync(join(tmpdir(), 'cf-report-practice-')), 'practice.json');
    const exported = (await vscode.commands.executeCommand('comprehension.practice.exportHistory', exportPath)) as { sessions: number } | undefined;
    assert.ok(exported && exported.sessions >= 3, 'the export holds the seeded sessions');

    for (const path of files) {
      assert.ok(!vscode.workspace.textDocuments.some((document) => document.uri.fsPath === join(root, path)), `${path} was never opened`);
    }

    const editor = await vscode.commands.executeCommand<Scorecard | undefined>('comprehension.showReport');
    assert.ok(editor, 'Show Report resolves with the scorecard it shows');
    const cli = await runBuiltCli(['report', '--format', 'json', '--since', editor.period.from, '--practice', exportPath]);
    assert.equal(cli.code, 0, cli.stderr);
    const pipeline = JSON.parse(cli.stdout) as Scorecard;

    // What the fixture holds shows up (so "identical" is not two empty reports)…
    const byPath = new Map(editor.notes.byFile.map((file) => [file.path, file]));
    assert.deepEqual(
      files.slice(0, 4).map((path) => {
        const file = byPath.get(path);
        return file && [file.missing, file.draft, file.explained, file.stale];
      }),
      [
        [1, 0, 0, 0],
        [0, 1, 0, 0],
        [0, 0, 1, 0],
        [0, 0, 0, 1],
      ],
      'none, draft, explained and stale, one each',
    );
    const rules = new Map(editor.findings.byRule.map((rule) => [rule.ruleId, rule]));
    assert.ok((rules.get('security/eval')?.insideAi ?? 0) >= 1, 'eval inside the AI block of a closed file');
    assert.ok((rules.get('security/eval')?.outsideAi ?? 0) >= 1, 'eval outside AI blocks in a closed file');
    assert.ok((rules.get('reliability/missing-timeout')?.outsideAi ?? 0) >= 2, 'fetch without a timeout in closed files');
    assert.ok(!editor.findings.byRule.some((rule) => rule.ruleId.startsWith('comprehension/')), 'note findings are counted as notes, not findings');
    assert.ok(editor.aiShare.aiLines >= 22 && editor.aiShare.ratio !== null && editor.aiShare.ratio <= 1, JSON.stringify(editor.aiShare));
    assert.ok(editor.practice, 'the editor report has the practice section');
    assert.ok(editor.practice.totalMinutes >= 50 && editor.practice.breaches >= 1, JSON.stringify(editor.practice));

    // …and the two reports are the same, number for number.
    assert.deepEqual(comparable(editor), comparable(pipeline));
    await screenshot('report-editor-equals-cli');
  });
});
