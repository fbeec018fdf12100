import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Block } from '../../../src/core/provenance/block';
import {
  codeLines,
  lostRecord,
  planAgentLines,
  ProvenanceLedger,
  RECORDS_LOCK_NAME,
  recordForBlock,
  renamedPath,
  touchingBlocks,
  yieldsToCertain,
} from '../../../src/core/provenance/ledger';
import { withFileLock } from '../../../src/core/workspace/lock';
import { createRecord, type ProvenanceRecord } from '../../../src/core/provenance/record';
import { ProvenanceStore } from '../../../src/core/provenance/store';
import { records, tempRepo, write } from '../cli/run-cli';

/** The CLI entry transpiled into the test output folder, run as separate processes. */
const CLI_MAIN = join(__dirname, '../../../src/cli/main.js');

const FILE = Array.from({ length: 40 }, (_, i) => `export const value${i + 1} = compute(${i + 1}, 'line ${i + 1}');`);
const NOW = '2026-05-01T10:00:00.000Z';

function block(id: string, startLine: number, endLine: number, overrides: Partial<Block> = {}): Block {
  return { id, startLine, endLine, source: 'agent-write', confidence: 'certain', agent: 'claude-code', createdAt: NOW, modified: false, ...overrides };
}

function recordOf(b: Block, path = 'src/values.ts'): ProvenanceRecord {
  return createRecord({ block: b, path, lines: FILE.slice(b.startLine - 1, b.endLine), editKind: 'agent-hook', now: NOW });
}

const claude = (startLine: number, endLine: number) => ({ startLine, endLine, agent: 'claude-code', source: 'agent-write' as const });

describe('provenance: ledger rules', () => {
  it('grows the same agent’s touching block, keeps other agents’ blocks apart', () => {
    const own = recordOf(block('own', 5, 8));
    const other = recordOf(block('other', 9, 12, { agent: 'cursor' }));
    const touching = touchingBlocks([own, other], FILE, claude(9, 10));
    assert.deepEqual(
      touching.map(({ record }) => record.id),
      ['own'],
    );
    const plan = planAgentLines('src/values.ts', FILE, claude(9, 10), touching, new Set(), NOW);
    assert.equal(plan.kind, 'extended');
    assert.deepEqual([plan.record.files[0].conversations[0].ranges[0].start_line, plan.record.files[0].conversations[0].ranges[0].end_line], [5, 10]);
    assert.deepEqual(plan.removes, []);
  });

  it('never merges a noted block away: the noted one keeps its id, the others join it', () => {
    const first = recordOf(block('first', 1, 2, { createdAt: '2026-05-01T09:00:00.000Z' }));
    const noted = recordOf(block('noted', 5, 6, { createdAt: '2026-05-01T09:30:00.000Z' }));
    const touching = touchingBlocks([first, noted], FILE, claude(3, 4));
    const plan = planAgentLines('src/values.ts', FILE, claude(3, 4), touching, new Set(['noted']), NOW);
    assert.equal(plan.record.id, 'noted');
    assert.deepEqual(plan.merged, ['first']);
    assert.deepEqual(plan.removes, ['first']);
  });

  it('reports lines already recorded as they are as unchanged, and writes nothing', () => {
    const own = recordOf(block('own', 5, 8));
    const plan = planAgentLines('src/values.ts', FILE, claude(6, 7), touchingBlocks([own], FILE, claude(6, 7)), new Set(), NOW);
    assert.equal(plan.kind, 'unchanged');
    assert.deepEqual(plan.upserts, []);
  });

  it('a likely guess yields to any certain block it overlaps, never to a likely one', () => {
    const blocks = [block('hook', 10, 20), block('guess', 30, 35, { confidence: 'likely' })];
    assert.equal(yieldsToCertain('likely', 20, 25, blocks), true);
    assert.equal(yieldsToCertain('likely', 21, 29, blocks), false);
    assert.equal(yieldsToCertain('likely', 31, 32, blocks), false);
    assert.equal(yieldsToCertain('certain', 12, 14, blocks), false);
  });

  it('rewrites a block’s record only when its place, text or flags changed; flags lost once', () => {
    const existing = recordOf(block('b', 5, 8));
    const lines = FILE.slice(4, 8);
    assert.equal(recordForBlock(existing, 'src/values.ts', { block: block('b', 5, 8), lines, editKind: 'agent-hook' }), undefined);
    const moved = recordForBlock(existing, 'src/values.ts', { block: block('b', 6, 9), lines, editKind: 'agent-hook' });
    assert.equal(moved?.files[0].conversations[0].ranges[0].start_line, 6);
    const lost = lostRecord(existing);
    assert.equal(lost?.metadata.comprehension.lost, true);
    assert.equal(lostRecord(lost!), undefined);
    // A lost block written again was found: it is no longer lost.
    assert.equal(recordForBlock(lost, 'src/values.ts', { block: block('b', 5, 8), lines, editKind: 'agent-hook' })?.metadata.comprehension.lost, undefined);
  });

  it('renames a file, and every file under a renamed folder, but not a file that only shares the prefix', () => {
    assert.equal(renamedPath('src/util/a.ts', 'src/util', 'src/lib/'), 'src/lib/a.ts');
    assert.equal(renamedPath('src/util.ts', 'src/util', 'src/lib'), undefined);
    assert.equal(renamedPath('src/a.ts', './src/a.ts', 'src/b.ts'), 'src/b.ts');
  });

  it('drops the empty line after a final line break', () => {
    assert.deepEqual(codeLines('a\nb\n'), ['a', 'b']);
    assert.deepEqual(codeLines(''), []);
  });
});

describe('provenance: ledger writes', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'cf-ledger-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reads the records again inside the lock, so another writer’s block is merged, not overwritten', async () => {
    const text = `${FILE.join('\n')}\n`;
    const ours = new ProvenanceLedger(new ProvenanceStore(root));
    const theirs = new ProvenanceLedger(new ProvenanceStore(root));
    await ours.store.load();
    await theirs.recordAgentEdit('src/values.ts', text, [claude(1, 4)], NOW);
    // `ours` loaded before `theirs` wrote: a merge over its stale cache would add a second block.
    const edit = await ours.recordAgentEdit('src/values.ts', text, [claude(5, 8)], NOW);
    assert.equal(edit.outcomes[0].kind, 'extended');
    const fresh = new ProvenanceStore(root);
    await fresh.load();
    assert.deepEqual(
      fresh.all().map((record) => record.files[0].conversations[0].ranges[0]).map((range) => [range.start_line, range.end_line]),
      [[1, 8]],
    );
    assert.equal(existsSync(join(root, RECORDS_LOCK_NAME)), false, 'the lock is released');
  });

  it('takes over a lock left by a process that is gone', async () => {
    const lock = join(root, RECORDS_LOCK_NAME);
    // A pid no process has (above the Linux maximum), as a crashed writer leaves it.
    writeFileSync(lock, `4194999 ${hostname()} 2026-01-01T00:00:00.000Z dead\n`);
    assert.equal(await withFileLock(lock, async () => 'ran', { timeoutMs: 2_000 }), 'ran');
    assert.equal(existsSync(lock), false);
  });

  it('waits for as long as the lock changes hands, however long the queue takes', async () => {
    const lock = join(root, RECORDS_LOCK_NAME);
    // Fifteen live holders one after the other, 100 ms each: 1.5 s in all, three times the waiter's timeout.
    const relay = (async () => {
      for (let turn = 0; turn < 15; turn++) {
        writeFileSync(lock, `${process.pid} ${hostname()} ${new Date().toISOString()} holder-${turn}\n`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      rmSync(lock, { force: true });
    })();
    const waited = withFileLock(lock, async () => 'ran', { timeoutMs: 500 });
    assert.equal(await waited, 'ran');
    await relay;
  });

  it('waits a bounded time for a live holder, then says who holds the lock', async () => {
    const lock = join(root, RECORDS_LOCK_NAME);
    writeFileSync(lock, `${process.pid} ${hostname()} ${new Date().toISOString()} live\n`);
    await assert.rejects(
      withFileLock(lock, async () => 'ran', { timeoutMs: 200 }),
      (error: Error) => error.name === 'LockTimeoutError' && error.message.includes(String(process.pid)),
    );
    assert.equal(existsSync(lock), true, 'a live holder’s lock is left alone');
  });
});

describe('provenance: concurrent marks and hooks (separate processes)', function () {
  this.timeout(180_000);

  // Issue 14, acceptance 2: 20 `mark`s and 10 agent hooks (Cursor afterFileEdit and Claude Code
  // PostToolUse, whose payload text locates the lines) at once on touching ranges of one file.
  const MARKS = 20;
  const HOOKS = 10;
  const LINES = 2 * (MARKS + HOOKS);
  const TEXT = Array.from({ length: LINES }, (_, i) => `export const value${i + 1} = compute(${i + 1}, 'line ${i + 1}');`);

  for (const round of [1, 2, 3, 4, 5]) {
    it(`20 marks and 10 hooks on touching ranges of one file at once lose no line and record none twice (round ${round})`, async () => {
      const repo = tempRepo('cf-ledger-race-');
      try {
        write(repo, 'src/values.ts', `${TEXT.join('\n')}\n`);
        const file = join(repo, 'src/values.ts');
        const marks = Array.from({ length: MARKS }, (_, i) => runCli(repo, ['mark', '--file', 'src/values.ts', '--lines', `${2 * i + 1}-${2 * i + 2}`, '--agent', 'claude-code']));
        const hooks = Array.from({ length: HOOKS }, (_, i) => {
          const first = 2 * (MARKS + i);
          const written = `${TEXT[first]}\n${TEXT[first + 1]}`;
          return i % 2 === 0
            ? runCli(repo, ['hook', 'cursor'], JSON.stringify({ hook_event_name: 'afterFileEdit', file_path: file, edits: [{ old_string: '', new_string: written }], conversation_id: 'c', generation_id: `g${i}`, workspace_roots: [repo] }))
            : runCli(repo, ['hook', 'claude'], JSON.stringify({ session_id: 's', cwd: repo, hook_event_name: 'PostToolUse', tool_name: 'Edit', tool_input: { file_path: file, old_string: 'x', new_string: written }, tool_use_id: `t${i}`, tool_response: { success: true } }));
        });
        const results = await Promise.all([...marks, ...hooks]);
        for (const result of results) {
          assert.equal(result.code, 0, result.stderr);
          assert.equal(result.stderr, '', 'a hook or mark reported a problem');
        }
        const covered = new Array<number>(LINES + 1).fill(0);
        for (const record of records(repo)) {
          const range = record.files[0].conversations[0].ranges[0];
          for (let line = range.start_line; line <= range.end_line; line++) covered[line]++;
        }
        const lost = covered.flatMap((count, line) => (line > 0 && count === 0 ? [line] : []));
        const twice = covered.flatMap((count, line) => (count > 1 ? [line] : []));
        assert.deepEqual({ lost, twice }, { lost: [], twice: [] });
        // Touching ranges of one agent are one block (the 20 marks: lines 1-40); the hooks alternate
        // between Cursor and Claude Code, so each of their ranges touches only the other agent's.
        assert.equal(records(repo).length, 1 + HOOKS);
      } finally {
        rmSync(repo, { recursive: true, force: true });
      }
    });
  }
});

/** The CLI as its own process (what agents and scripts start), with `stdin` as its input. */
function runCli(cwd: string, args: string[], stdin?: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_MAIN, ...args], { cwd, stdio: [stdin === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
    if (stdin !== undefined) child.stdin?.end(stdin);
  });
}

