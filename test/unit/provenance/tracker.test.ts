import * as assert from 'node:assert/strict';
import { lineHashes } from '../../../src/core/provenance/hash';
import { type BlockMeta, BlockTracker, type TextChange } from '../../../src/core/provenance/tracker';

const AGENT: BlockMeta = { source: 'agent-write', confidence: 'certain', agent: 'claude-code' };
const COMPLETION: BlockMeta = { source: 'inline-completion', confidence: 'certain' };

function insert(line: number, character: number, text: string): TextChange {
  return { range: { start: { line, character }, end: { line, character } }, text };
}

function replace(startLine: number, startCharacter: number, endLine: number, endCharacter: number, text: string): TextChange {
  return { range: { start: { line: startLine, character: startCharacter }, end: { line: endLine, character: endCharacter } }, text };
}

/** A tracker holding one agent block on 1-based lines 5-7 (0-based 4-6). */
function trackerWithBlock(): { tracker: BlockTracker; id: string } {
  const tracker = new BlockTracker({ now: () => 1_000 });
  const { block } = tracker.addBlock(5, 7, AGENT);
  return { tracker, id: block.id };
}

function only(tracker: BlockTracker): { startLine: number; endLine: number; modified: boolean } {
  const [block] = tracker.toBlocks();
  assert.equal(tracker.size, 1);
  return { startLine: block.startLine, endLine: block.endLine, modified: block.modified };
}

describe('provenance: tracker', () => {
  it('shifts a block when lines are inserted above it', () => {
    const { tracker } = trackerWithBlock();
    const result = tracker.applyChanges([insert(0, 0, 'import a from "a";\nimport b from "b";\n')]);
    assert.deepEqual(only(tracker), { startLine: 7, endLine: 9, modified: false });
    assert.equal(result.changed, true);
    assert.deepEqual(result.newlyModified, []);
  });

  it('treats whole lines inserted at column 0 of the first line as above the block', () => {
    const { tracker } = trackerWithBlock();
    tracker.applyChanges([insert(4, 0, '// added by hand\n')]);
    assert.deepEqual(only(tracker), { startLine: 6, endLine: 8, modified: false });
  });

  it('does not grow when Enter is pressed at the end of the last line', () => {
    const { tracker } = trackerWithBlock();
    tracker.applyChanges([insert(6, 14, '\n    '), insert(7, 4, 'log.info("done");')]);
    assert.deepEqual(only(tracker), { startLine: 5, endLine: 7, modified: false });
  });

  it('does not grow when lines are inserted at the start of the next line', () => {
    const { tracker } = trackerWithBlock();
    tracker.applyChanges([insert(7, 0, 'const extra = 1;\n')]);
    assert.deepEqual(only(tracker), { startLine: 5, endLine: 7, modified: false });
  });

  it('marks the block modified on typing inside, without moving it', () => {
    const { tracker, id } = trackerWithBlock();
    const result = tracker.applyChanges([replace(5, 10, 5, 15, 'timeoutMs')]);
    assert.deepEqual(only(tracker), { startLine: 5, endLine: 7, modified: true });
    assert.deepEqual(result.newlyModified, [id]);
  });

  it('grows when lines are inserted inside and shrinks when lines inside are deleted', () => {
    const { tracker } = trackerWithBlock();
    tracker.applyChanges([insert(5, 0, 'if (!ok) return;\n')]);
    assert.deepEqual(only(tracker), { startLine: 5, endLine: 8, modified: true });
    tracker.applyChanges([replace(5, 0, 7, 0, '')]);
    assert.deepEqual(only(tracker), { startLine: 5, endLine: 6, modified: true });
  });

  it('clips the block when a deletion crosses its first line', () => {
    const { tracker } = trackerWithBlock();
    // Deletes lines 3-5 (1-based) whole; the block loses its first line.
    tracker.applyChanges([replace(2, 0, 5, 0, '')]);
    assert.deepEqual(only(tracker), { startLine: 3, endLine: 4, modified: true });
  });

  it('clips the block when a multi-line selection from above is replaced', () => {
    const { tracker } = trackerWithBlock();
    // From the middle of line 3 to the middle of line 6 (1-based), replaced by one word.
    tracker.applyChanges([replace(2, 4, 5, 3, 'x')]);
    // Line 3 keeps its identity (not AI); block lines 5 and 6 are gone; line 7 survives as line 4.
    assert.deepEqual(only(tracker), { startLine: 4, endLine: 4, modified: true });
  });

  it('drops a block whose lines are all deleted and reports it', () => {
    const { tracker, id } = trackerWithBlock();
    const result = tracker.applyChanges([replace(3, 0, 8, 0, '')]);
    assert.equal(tracker.size, 0);
    assert.deepEqual(
      result.dropped.map((block) => [block.id, block.startLine, block.endLine]),
      [[id, 5, 7]],
    );
  });

  it('loses its first line when that line is joined into the line above', () => {
    const { tracker } = trackerWithBlock();
    // Join line 4 and line 5 (1-based): backspace at the start of the block's first line.
    tracker.applyChanges([replace(3, 12, 4, 0, '')]);
    // Line 5 merged into line 4 (which keeps its identity); block lines 6-7 move up.
    assert.deepEqual(only(tracker), { startLine: 5, endLine: 6, modified: true });
  });

  it('stays unmodified when a blank line under it is deleted with Backspace', () => {
    const { tracker } = trackerWithBlock();
    tracker.applyChanges([replace(6, 14, 7, 0, '')]);
    assert.deepEqual(only(tracker), { startLine: 5, endLine: 7, modified: false });
  });

  it('applies the changes of one event in order', () => {
    const { tracker } = trackerWithBlock();
    // Insert two lines above, then type inside the block at its new position.
    tracker.applyChanges([insert(0, 0, 'a\nb\n'), replace(7, 0, 7, 0, 'x')]);
    assert.deepEqual(only(tracker), { startLine: 7, endLine: 9, modified: true });
  });

  it('counts CRLF line breaks once', () => {
    const { tracker } = trackerWithBlock();
    tracker.applyChanges([insert(1, 0, 'one\r\ntwo\r\n')]);
    assert.deepEqual(only(tracker), { startLine: 7, endLine: 9, modified: false });
  });

  it('leaves blocks above a change alone and shifts many blocks below it', () => {
    const tracker = new BlockTracker();
    for (let i = 0; i < 50; i++) tracker.addBlock(10 * i + 1, 10 * i + 3, AGENT);
    tracker.applyChanges([replace(204, 0, 206, 0, '')]);
    const blocks = tracker.toBlocks();
    assert.deepEqual([blocks[19].startLine, blocks[19].endLine], [191, 193]);
    assert.deepEqual([blocks[20].startLine, blocks[20].endLine], [201, 203]);
    assert.deepEqual([blocks[21].startLine, blocks[21].endLine], [209, 211]);
    assert.deepEqual([blocks[49].startLine, blocks[49].endLine], [489, 491]);
    assert.equal(blocks.filter((block) => block.modified).length, 0);
  });

  describe('addBlock', () => {
    it('merges an adjacent block of the same origin added within the merge window', () => {
      let now = 1_000;
      const tracker = new BlockTracker({ now: () => now, mergeWindowMs: 5_000 });
      const first = tracker.addBlock(3, 3, COMPLETION);
      now = 3_000;
      const second = tracker.addBlock(4, 5, COMPLETION);
      assert.equal(second.outcome, 'merged');
      assert.equal(second.block.id, first.block.id);
      assert.deepEqual([second.block.startLine, second.block.endLine], [3, 5]);
    });

    it('keeps blocks separate after the merge window or with another origin', () => {
      let now = 1_000;
      const tracker = new BlockTracker({ now: () => now, mergeWindowMs: 5_000 });
      tracker.addBlock(3, 3, COMPLETION);
      now = 10_000;
      assert.equal(tracker.addBlock(4, 4, COMPLETION).outcome, 'added');
      assert.equal(tracker.addBlock(5, 6, AGENT).outcome, 'added');
      assert.equal(tracker.size, 3);
    });

    it('leaves lines already inside a block to that block', () => {
      const { tracker, id } = trackerWithBlock();
      const result = tracker.addBlock(6, 6, COMPLETION);
      assert.equal(result.outcome, 'absorbed');
      assert.equal(result.block.id, id);
      assert.equal(tracker.size, 1);
    });

    it('clips blocks it overlaps and removes blocks it covers', () => {
      const tracker = new BlockTracker({ mergeWindowMs: 0 });
      const upper = tracker.addBlock(1, 4, COMPLETION).block;
      const covered = tracker.addBlock(6, 7, COMPLETION).block;
      const lower = tracker.addBlock(9, 12, COMPLETION).block;
      const result = tracker.addBlock(3, 10, AGENT);
      assert.equal(result.outcome, 'added');
      assert.deepEqual(
        result.removed.map((block) => block.id),
        [covered.id],
      );
      assert.deepEqual(
        tracker.toBlocks().map((block) => [block.id === upper.id || block.id === lower.id ? 'old' : 'new', block.startLine, block.endLine]),
        [
          ['old', 1, 2],
          ['new', 3, 10],
          ['old', 11, 12],
        ],
      );
    });

    it('rejects invalid lines', () => {
      const tracker = new BlockTracker();
      assert.throws(() => tracker.addBlock(0, 3, AGENT), RangeError);
      assert.throws(() => tracker.addBlock(5, 4, AGENT), RangeError);
    });
  });

  it('finds the block at a line, removes blocks and sets the modified flag', () => {
    const { tracker, id } = trackerWithBlock();
    assert.equal(tracker.blockAtLine(4), undefined);
    assert.equal(tracker.blockAtLine(5)?.id, id);
    assert.equal(tracker.blockAtLine(7)?.id, id);
    assert.equal(tracker.blockAtLine(8), undefined);
    tracker.applyChanges([insert(5, 0, 'x')]);
    assert.equal(tracker.setModified(id, false)?.modified, false);
    assert.equal(tracker.removeBlock(id)?.id, id);
    assert.equal(tracker.removeBlock(id), undefined);
    assert.equal(tracker.size, 0);
  });

  it('re-anchors blocks by content after the document was replaced wholesale', () => {
    const before = ['import x from "x";', '', 'export function retry(fn) {', '  for (let i = 0; i < 3; i++) {', '    try { return fn(); } catch {}', '  }', '}'];
    const tracker = new BlockTracker();
    const { block } = tracker.addBlock(3, 7, AGENT);
    const gone = tracker.addBlock(1, 1, COMPLETION).block;
    const hashes = new Map([
      [block.id, lineHashes(before.slice(2, 7))],
      [gone.id, lineHashes(before.slice(0, 1))],
    ]);
    const after = ['// header', '', ...before.slice(1)].join('\n');
    const result = tracker.reanchor(after, hashes);
    assert.deepEqual(
      tracker.toBlocks().map((b) => [b.id, b.startLine, b.endLine]),
      [[block.id, 4, 8]],
    );
    assert.equal(result.results.get(block.id)?.kind, 'exact');
    assert.deepEqual(
      result.lost.map((b) => b.id),
      [gone.id],
    );
  });
});
