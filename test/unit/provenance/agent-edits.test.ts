import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Block } from '../../../src/core/provenance/block';
import { admitRecordedBlocks, likelyGivingWay, ProvenanceLedger } from '../../../src/core/provenance/ledger';
import { createRecord, type ProvenanceRecord } from '../../../src/core/provenance/record';
import { GitActivity, isGitReload, isGitStatePath } from '../../../src/core/provenance/reload';
import { ProvenanceStore } from '../../../src/core/provenance/store';
import { applyOffsetChanges, type OffsetChange, UndoHistory } from '../../../src/core/provenance/undo';

const NOW = '2026-05-01T10:00:00.000Z';
const FILE = Array.from({ length: 20 }, (_, i) => `export const value${i + 1} = compute(${i + 1}, 'line ${i + 1}');`);

function block(id: string, startLine: number, endLine: number, overrides: Partial<Block> = {}): Block {
  return { id, startLine, endLine, source: 'agent-write', confidence: 'certain', createdAt: NOW, modified: false, ...overrides };
}

function likely(id: string, startLine: number, endLine: number): Block {
  return block(id, startLine, endLine, { confidence: 'likely' });
}

function recordOf(b: Block, editKind = 'agent-write'): ProvenanceRecord {
  return createRecord({ block: b, path: 'src/values.ts', lines: FILE.slice(b.startLine - 1, b.endLine), editKind, now: NOW });
}

describe('provenance: certain replaces likely', () => {
  it('picks the live likely records the certain lines overlap, wherever they are now', () => {
    const guess = recordOf(likely('guess', 3, 6));
    const apart = recordOf(likely('apart', 10, 12));
    const certain = recordOf(block('hook', 14, 15));
    const lost = recordOf(likely('lost', 4, 5));
    lost.metadata.comprehension.lost = true;
    assert.deepEqual(likelyGivingWay([guess, apart, certain, lost], FILE, 5, 8).map((record) => record.id), ['guess']);
    // Two lines were inserted above since the guess was recorded: it is found at 5-8 and still overlaps.
    const shifted = ['// a', '// b', ...FILE];
    assert.deepEqual(likelyGivingWay([guess], shifted, 8, 9).map((record) => record.id), ['guess']);
    assert.deepEqual(likelyGivingWay([guess], shifted, 9, 10), []);
  });

  it('admits a certain record over the likely blocks it overlaps, and nothing over a certain block', () => {
    const tracked = [likely('guess', 2, 6), block('typed', 10, 12, { source: 'inline-completion' })];
    const admitted = admitRecordedBlocks(tracked, [block('hook', 2, 5), block('other', 11, 14), likely('late-guess', 16, 17)]);
    assert.deepEqual(admitted.displaced.map((b) => b.id), ['guess']);
    assert.deepEqual(admitted.blocks.map((b) => b.id), ['typed', 'hook', 'late-guess']);
  });

  it('keeps a tracked likely block against a likely record, and a tracked block against a record overlapping both kinds', () => {
    const admitted = admitRecordedBlocks([likely('guess', 2, 6)], [likely('record', 3, 4)]);
    assert.deepEqual([admitted.blocks.map((b) => b.id), admitted.displaced], [['guess'], []]);
    const mixed = admitRecordedBlocks([likely('guess', 2, 6), block('certain', 7, 9)], [block('hook', 5, 8)]);
    assert.deepEqual([mixed.blocks.map((b) => b.id), mixed.displaced], [['guess', 'certain'], []]);
  });

  describe('in the ledger', () => {
    let root: string;
    beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'cf-agent-edits-'))));
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    it('a hook or mark over lines the editor guessed leaves one certain record, and no likely twin', async () => {
      const editor = new ProvenanceLedger(new ProvenanceStore(root));
      const guessId = randomUUID();
      await editor.write([recordOf(likely(guessId, 4, 9))]);
      const cli = new ProvenanceLedger(new ProvenanceStore(root));
      const edit = await cli.recordAgentEdit('src/values.ts', `${FILE.join('\n')}\n`, [{ startLine: 4, endLine: 9, agent: 'claude-code', source: 'agent-write' }], NOW);
      assert.equal(edit.outcomes[0].kind, 'added');
      const fresh = new ProvenanceStore(root);
      await fresh.load();
      assert.deepEqual(
        fresh.all().map((record) => [record.metadata.comprehension.confidence, record.files[0].conversations[0].ranges[0].start_line, record.files[0].conversations[0].ranges[0].end_line]),
        [['certain', 4, 9]],
      );
    });

    it('a guess with a note becomes the certain block, keeping its id (and so its note)', async () => {
      const guessId = randomUUID();
      const ledger = new ProvenanceLedger(new ProvenanceStore(root), { hasNote: async (id) => id === guessId });
      await ledger.write([recordOf(likely(guessId, 4, 9))]);
      const edit = await ledger.recordAgentEdit('src/values.ts', `${FILE.join('\n')}\n`, [{ startLine: 5, endLine: 9, agent: 'claude-code', model: 'claude-sonnet-4-5', source: 'agent-write' }], NOW);
      assert.deepEqual([edit.outcomes[0].kind, edit.outcomes[0].record.id], ['extended', guessId]);
      const fresh = new ProvenanceStore(root);
      await fresh.load();
      assert.deepEqual(
        fresh.all().map((record) => {
          const meta = record.metadata.comprehension;
          const range = record.files[0].conversations[0].ranges[0];
          return [record.id, meta.confidence, meta.agent, meta.editKind, record.files[0].conversations[0].contributor.model_id, range.start_line, range.end_line];
        }),
        [[guessId, 'certain', 'claude-code', 'agent-hook', 'claude-sonnet-4-5', 5, 9]],
      );
    });

    it('leaves a likely record that the certain lines do not overlap', async () => {
      const ledger = new ProvenanceLedger(new ProvenanceStore(root));
      await ledger.write([recordOf(likely(randomUUID(), 12, 14))]);
      await ledger.recordAgentEdit('src/values.ts', `${FILE.join('\n')}\n`, [{ startLine: 4, endLine: 9, agent: 'claude-code', source: 'agent-write' }], NOW);
      assert.deepEqual(ledger.store.all().map((record) => record.metadata.comprehension.confidence).sort(), ['certain', 'likely']);
    });
  });
});

describe('provenance: reloads that are git’s', () => {
  it('counts HEAD, the index, refs, reflogs and operations in progress; not objects, config or FETCH_HEAD', () => {
    for (const path of ['HEAD', 'index', 'index.lock', 'ORIG_HEAD', 'refs/stash', 'refs/heads/main.lock', 'logs/refs/stash', 'logs/HEAD', 'packed-refs', 'MERGE_HEAD', 'CHERRY_PICK_HEAD', 'rebase-merge/done']) {
      assert.ok(isGitStatePath(path), path);
    }
    for (const path of ['objects/ab/cdef', 'config', 'FETCH_HEAD', 'COMMIT_EDITMSG', 'hooks/pre-commit', 'description', '']) {
      assert.ok(!isGitStatePath(path), path);
    }
  });

  it('a reload within the window around a change of git’s state is git’s', () => {
    const window = { beforeMs: 3000, afterMs: 1500 };
    assert.ok(isGitReload(10_000, [8_000], window), 'stash: the ref moved, then the files');
    assert.ok(isGitReload(10_000, [11_000], window), 'stash pop: the files, then the ref');
    assert.ok(!isGitReload(10_000, [6_000, 12_000], window));
    assert.ok(!isGitReload(10_000, [], window));
  });

  it('remembers only changes of git’s state, and only recent ones', () => {
    const activity = new GitActivity({ beforeMs: 100, afterMs: 50 });
    assert.equal(activity.changed('objects/ab/cd', 1000), false);
    assert.ok(!activity.explains(1000));
    assert.equal(activity.changed('logs/refs/stash', 1000), true);
    assert.ok(activity.explains(1050));
    activity.changed('HEAD', 5000);
    assert.ok(!activity.explains(1050), 'the old change was forgotten');
    assert.ok(activity.explains(5020));
  });
});

describe('provenance: undo and redo of an attributed insertion', () => {
  const before = 'export function total(items: number[]): number {\n  // sum the items\n}\n';
  const inserted = '\n  let sum = 0;\n  for (const item of items) sum += item;\n  return sum;';
  const at = before.indexOf('items\n') + 'items'.length;
  const accept: OffsetChange = { rangeOffset: at, rangeLength: 0, text: inserted };
  const after = applyOffsetChanges(before, [accept]);
  const undo: OffsetChange = { rangeOffset: at, rangeLength: inserted.length, text: '' };
  const redo: OffsetChange = { rangeOffset: at, rangeLength: 0, text: inserted };

  it('an undo that reverts the insertion names its blocks; the redo brings them back', () => {
    const history = new UndoHistory();
    history.inserted(after, [accept], ['b1']);
    const match = history.undoes([undo], before);
    assert.deepEqual(match.blockIds, ['b1']);
    const kept = { block: block('b1', 3, 5, { source: 'inline-completion' }), editKind: 'tab-completion' };
    match.commit([kept]);
    assert.deepEqual(history.redoes([redo], after), [kept]);
    // And again: the redone insertion can be undone once more.
    assert.deepEqual(history.undoes([undo], before).blockIds, ['b1']);
  });

  it('an undo of a later edit is not the insertion’s undo', () => {
    const history = new UndoHistory();
    history.inserted(after, [accept], ['b1']);
    const typed = applyOffsetChanges(after, [{ rangeOffset: 0, rangeLength: 0, text: '// x\n' }]);
    // Undo of the typing: applied to `typed`, not to the text the insertion left.
    assert.deepEqual(history.undoes([{ rangeOffset: 0, rangeLength: 5, text: '' }], after).blockIds, []);
    // A change of the same size elsewhere that does not lead from the insertion's text to this text.
    assert.deepEqual(history.undoes([{ rangeOffset: 0, rangeLength: inserted.length, text: '' }], typed).blockIds, []);
  });

  it('a redo that does not end in the insertion’s text brings nothing back', () => {
    const history = new UndoHistory();
    history.inserted(after, [accept], ['b1']);
    history.undoes([undo], before).commit([{ block: block('b1', 3, 5), editKind: 'tab-completion' }]);
    assert.deepEqual(history.redoes([{ rangeOffset: 0, rangeLength: 0, text: 'x' }], `x${before}`), []);
  });
});
