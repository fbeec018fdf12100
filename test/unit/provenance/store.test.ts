import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Block } from '../../../src/core/provenance/block';
import { blockContentHash, lineHashes } from '../../../src/core/provenance/hash';
import {
  blockFromRecord,
  createRecord,
  parseRecord,
  type ProvenanceRecord,
  serializeRecord,
  updateRecord,
} from '../../../src/core/provenance/record';
import { ProvenanceLedger } from '../../../src/core/provenance/ledger';
import { CorruptRecordError, ProvenanceStore } from '../../../src/core/provenance/store';

const LINES = ['export function clamp(value: number, min: number, max: number): number {', '  return Math.min(max, Math.max(min, value));', '}'];

function block(id: string, startLine = 10, overrides: Partial<Block> = {}): Block {
  return {
    id,
    startLine,
    endLine: startLine + LINES.length - 1,
    source: 'agent-write',
    confidence: 'certain',
    agent: 'claude-code',
    model: 'claude-sonnet-4',
    createdAt: '2026-03-01T10:00:00.000Z',
    modified: false,
    ...overrides,
  };
}

function record(id: string, path = 'src/math.ts', startLine = 10): ProvenanceRecord {
  return createRecord({ block: block(id, startLine), path, lines: LINES, editKind: 'agent-hook', revision: 'abc123', now: '2026-03-01T10:00:01.000Z' });
}

describe('provenance: record', () => {
  it('builds an Agent Trace record with one file, conversation and range', () => {
    const rec = record('b1');
    assert.equal(rec.version, '0.1.0');
    assert.deepEqual(rec.tool.name, 'comprehension-first');
    assert.deepEqual(rec.vcs, { type: 'git', revision: 'abc123' });
    assert.deepEqual(rec.files, [
      {
        path: 'src/math.ts',
        conversations: [
          {
            contributor: { type: 'ai', model_id: 'claude-sonnet-4' },
            ranges: [{ start_line: 10, end_line: 12, content_hash: blockContentHash(LINES) }],
          },
        ],
      },
    ]);
    assert.deepEqual(rec.metadata.comprehension.lineHashes, lineHashes(LINES));
    assert.equal(rec.metadata.comprehension.editKind, 'agent-hook');
    assert.deepEqual(blockFromRecord(rec), block('b1'));
  });

  it('prints with a stable key order, whatever order the object was built in', () => {
    const rec = record('b1');
    const shuffled = JSON.parse(JSON.stringify({ metadata: rec.metadata, files: rec.files, id: rec.id, tool: rec.tool, version: rec.version, timestamp: rec.timestamp, vcs: rec.vcs }));
    const text = serializeRecord(shuffled);
    assert.equal(text, serializeRecord(rec));
    assert.deepEqual(Object.keys(JSON.parse(text)), ['version', 'id', 'timestamp', 'vcs', 'tool', 'files', 'metadata']);
    assert.ok(text.endsWith('}\n'));
    assert.match(text, /\n {2}"id": "b1",\n/);
  });

  it('updates position, lines and flags, and marks edited code as mixed', () => {
    const rec = record('b1');
    const edited = [...LINES.slice(0, 2), '  // clamps', '}'];
    const next = updateRecord(rec, { block: block('b1', 14, { endLine: 17, modified: true }), lines: edited, now: '2026-03-02T00:00:00.000Z' });
    assert.deepEqual(next.files[0].conversations[0].ranges[0], { start_line: 14, end_line: 17, content_hash: blockContentHash(edited) });
    assert.equal(next.files[0].conversations[0].contributor.type, 'mixed');
    assert.equal(next.metadata.comprehension.updatedAt, '2026-03-02T00:00:00.000Z');
    assert.equal(rec.files[0].conversations[0].ranges[0].start_line, 10, 'the original is not changed');
    assert.equal(updateRecord(next, { lost: true }).metadata.comprehension.lost, true);
    assert.throws(() => updateRecord(rec, { block: block('b1', 14), lines: LINES.slice(0, 2) }), RangeError);
  });

  it('rejects values that are not usable records', () => {
    assert.equal(parseRecord(record('b1')).ok, true);
    assert.equal(parseRecord({ ...record('b1'), id: '../escape' }).ok, false);
    const noMeta = JSON.parse(JSON.stringify(record('b1')));
    delete noMeta.metadata.comprehension;
    assert.equal(parseRecord(noMeta).ok, false);
    const badRange = JSON.parse(JSON.stringify(record('b1')));
    badRange.files[0].conversations[0].ranges[0].end_line = 2;
    assert.equal(parseRecord(badRange).ok, false);
  });
});

describe('provenance: store', () => {
  let root: string;
  beforeEach(() => {
    root = join(mkdtempSync(join(tmpdir(), 'cf-provenance-')), '.comprehension', 'provenance');
  });
  afterEach(() => rmSync(join(root, '..', '..'), { recursive: true, force: true }));

  it('loads nothing from a missing folder', async () => {
    assert.deepEqual(await new ProvenanceStore(root).load(), { records: [], problems: [] });
  });

  it('writes one pretty-printed file per block and reads them back', async () => {
    const store = new ProvenanceStore(root);
    await store.upsert(record('b1'));
    await store.upsert(record('b2', 'src/other.ts', 3));
    assert.deepEqual(readdirSync(root).sort(), ['b1.json', 'b2.json']);
    assert.equal(readFileSync(join(root, 'b1.json'), 'utf8'), serializeRecord(record('b1')));
    const fresh = new ProvenanceStore(root);
    const { records, problems } = await fresh.load();
    assert.deepEqual(problems, []);
    assert.deepEqual(
      records.map((r) => r.id),
      ['b1', 'b2'],
    );
    assert.deepEqual(
      fresh.blocksForFile('src/math.ts').map((r) => r.id),
      ['b1'],
    );
    assert.deepEqual(fresh.blocksForFile('./src/other.ts')[0], record('b2', 'src/other.ts', 3));
  });

  it('reports a corrupt file and never overwrites or deletes it', async () => {
    const store = new ProvenanceStore(root);
    await store.upsert(record('good'));
    const conflicted = '<<<<<<< HEAD\n{"id": "bad"}\n=======\n{}\n>>>>>>> theirs\n';
    writeFileSync(join(root, 'bad.json'), conflicted);
    writeFileSync(join(root, 'renamed.json'), serializeRecord(record('other-id')));
    const { records, problems } = await store.load();
    assert.deepEqual(
      records.map((r) => r.id),
      ['good'],
    );
    assert.deepEqual(problems.map((p) => p.file).sort(), [join(root, 'bad.json'), join(root, 'renamed.json')]);
    await assert.rejects(store.upsert(record('bad')), CorruptRecordError);
    await assert.rejects(store.remove('bad'), CorruptRecordError);
    assert.equal(readFileSync(join(root, 'bad.json'), 'utf8'), conflicted);
  });

  it('removes records', async () => {
    const store = new ProvenanceStore(root);
    await store.upsert(record('b1'));
    assert.equal(await store.remove('b1'), true);
    assert.equal(await store.remove('b1'), false);
    assert.deepEqual(readdirSync(root), []);
    assert.deepEqual(store.blocksForFile('src/math.ts'), []);
  });

  it('moves records when a file or a folder is renamed', async () => {
    const store = new ProvenanceStore(root);
    await store.upsert(record('b1', 'src/util/math.ts'));
    await store.upsert(record('b2', 'src/util/strings.ts'));
    await store.upsert(record('b3', 'src/utility.ts'));
    const ledger = new ProvenanceLedger(store);
    const moved = await ledger.renameFile('src/util/math.ts', 'src/lib/math.ts', '2026-04-01T00:00:00.000Z');
    assert.deepEqual(
      moved.map((r) => r.files[0].path),
      ['src/lib/math.ts'],
    );
    await ledger.renameFile('src/util', 'src/helpers');
    const reloaded = new ProvenanceStore(root);
    await reloaded.load();
    assert.deepEqual(
      reloaded.all().map((r) => [r.id, r.files[0].path]),
      [
        ['b2', 'src/helpers/strings.ts'],
        ['b1', 'src/lib/math.ts'],
        ['b3', 'src/utility.ts'],
      ],
    );
    assert.equal(reloaded.get('b1')?.metadata.comprehension.updatedAt, '2026-04-01T00:00:00.000Z');
  });

  it('follows changes another writer made, through reloadFile', async () => {
    const editor = new ProvenanceStore(root);
    const cli = new ProvenanceStore(root);
    await editor.load();
    await cli.upsert(record('b1'));
    assert.equal(editor.get('b1'), undefined);
    const added = await editor.reloadFile(join(root, 'b1.json'));
    assert.equal(added.kind, 'updated');
    assert.equal(editor.blocksForFile('src/math.ts').length, 1);

    writeFileSync(join(root, 'b1.json'), '{ "truncated": ');
    const corrupt = await editor.reloadFile('b1.json');
    assert.equal(corrupt.kind, 'corrupt');
    assert.equal(editor.get('b1')?.id, 'b1', 'the last good version stays cached');

    rmSync(join(root, 'b1.json'));
    const removed = await editor.reloadFile('b1.json');
    assert.equal(removed.kind, 'removed');
    assert.equal(editor.get('b1'), undefined);
    assert.equal((await editor.reloadFile('.b1.json.123.abcd.tmp')).kind, 'ignored');
  });

  it('loses nothing when two writers share the folder, even writing the same block at once', async () => {
    const windowA = new ProvenanceStore(root);
    const windowB = new ProvenanceStore(root);
    const sameFromA = updateRecord(record('shared'), { block: block('shared', 20), lines: LINES, now: '2026-03-01T11:00:00.000Z' });
    const sameFromB = updateRecord(record('shared'), { block: block('shared', 30), lines: LINES, now: '2026-03-01T11:00:00.000Z' });
    const writes: Array<Promise<void>> = [];
    for (let i = 0; i < 20; i++) {
      writes.push(windowA.upsert(record(`a-${i}`, 'src/a.ts', 1 + 4 * i)));
      writes.push(windowB.upsert(record(`b-${i}`, 'src/b.ts', 1 + 4 * i)));
    }
    writes.push(windowA.upsert(sameFromA), windowB.upsert(sameFromB));
    await Promise.all(writes);

    const third = new ProvenanceStore(root);
    const { records, problems } = await third.load();
    assert.deepEqual(problems, []);
    assert.equal(records.length, 41);
    assert.equal(third.blocksForFile('src/a.ts').length, 20);
    assert.equal(third.blocksForFile('src/b.ts').length, 20);
    const shared = third.get('shared');
    assert.ok(shared);
    assert.ok([20, 30].includes(shared.files[0].conversations[0].ranges[0].start_line), 'one complete version of the shared block');
    assert.deepEqual(
      readdirSync(root).filter((name) => name.endsWith('.tmp')),
      [],
      'no temp files left behind',
    );
  });
});
