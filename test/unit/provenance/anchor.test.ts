import * as assert from 'node:assert/strict';
import { anchorBlocks, type AnchorInput } from '../../../src/core/provenance/anchor';
import { lineHashes } from '../../../src/core/provenance/hash';

/** A realistic file: a few functions, each with a distinctive body. */
function service(): string[] {
  return [
    "import { request } from './http';", // 1
    "import { log } from './log';", // 2
    '', // 3
    'export async function fetchUser(id: string) {', // 4
    '  const response = await request(`/users/${id}`, { timeoutMs: 5000 });', // 5
    '  if (!response.ok) {', // 6
    "    log.warn('user fetch failed', { id, status: response.status });", // 7
    '    return undefined;', // 8
    '  }', // 9
    '  return response.json();', // 10
    '}', // 11
    '', // 12
    'export function retry<T>(fn: () => Promise<T>, attempts = 3): Promise<T> {', // 13
    '  return fn().catch((error) => {', // 14
    '    if (attempts <= 1) throw error;', // 15
    '    return retry(fn, attempts - 1);', // 16
    '  });', // 17
    '}', // 18
    '', // 19
    'export function parsePort(value: string): number {', // 20
    '  const port = Number.parseInt(value, 10);', // 21
    '  if (Number.isNaN(port) || port <= 0) throw new Error(`bad port ${value}`);', // 22
    '  return port;', // 23
    '}', // 24
  ];
}

/** The input for a block recorded on 1-based lines `start..end` of `lines`. */
function recorded(id: string, lines: string[], start: number, end: number): AnchorInput {
  return { id, startLine: start, lineHashes: lineHashes(lines.slice(start - 1, end)) };
}

describe('provenance: anchor', () => {
  it('finds unchanged blocks exactly after code was added above them', () => {
    const before = service();
    const blocks = [recorded('fetch', before, 4, 11), recorded('retry', before, 13, 18)];
    const after = ["import { metrics } from './metrics';", '// Users service.', ...before];
    const results = anchorBlocks(blocks, after.join('\n'));
    assert.deepEqual(
      results.map((r) => [r.id, r.kind, r.startLine, r.endLine, r.similarity]),
      [
        ['fetch', 'exact', 6, 13, 1],
        ['retry', 'exact', 15, 20, 1],
      ],
    );
  });

  it('finds a block that moved below other code, and one re-indented by a formatter', () => {
    const before = service();
    const moved = [...before.slice(0, 12), ...before.slice(19), '', ...before.slice(12, 18)];
    const reindented = moved.map((line) => line.replace(/^( +)/, (spaces) => '\t'.repeat(spaces.length / 2)));
    const results = anchorBlocks([recorded('retry', before, 13, 18)], reindented);
    assert.deepEqual(
      results.map((r) => [r.kind, r.startLine, r.endLine]),
      [['exact', 19, 24]],
    );
  });

  it('places identical blocks on distinct copies, each nearest its old place', () => {
    const body = ['  if (!input) {', "    throw new Error('input is required');", '  }'];
    const before = ['function a(input) {', ...body, '}', '', 'function b(input) {', ...body, '}'];
    const blocks = [recorded('in-a', before, 2, 4), recorded('in-b', before, 8, 10)];
    const after = ['// header', ...before];
    const results = anchorBlocks(blocks, after);
    assert.deepEqual(
      results.map((r) => [r.id, r.kind, r.startLine]),
      [
        ['in-a', 'exact', 3],
        ['in-b', 'exact', 9],
      ],
    );
  });

  it('finds an edited block fuzzily, over its whole new extent', () => {
    const before = service();
    const after = before.slice();
    // The user edited one line of fetchUser and added a log line inside it.
    after[4] = '  const response = await request(`/users/${id}`, { timeoutMs: 2000 });';
    after.splice(9, 0, "  log.info('user fetched', { id });");
    const [result] = anchorBlocks([recorded('fetch', before, 4, 11)], after);
    assert.equal(result.kind, 'fuzzy');
    assert.deepEqual([result.startLine, result.endLine], [4, 12]);
    assert.ok(result.similarity >= 0.7 && result.similarity < 1, String(result.similarity));
  });

  it('does not stretch a fuzzy match over a stray brace and blank line further up', () => {
    const body = ['  step(1);', '  step(2);', '  step(3);', '  step(4);', '  step(5);'];
    const before = ['}', '', 'export function run() {', ...body, '}'];
    const edited = ['}', '', '// notes added by hand', '// more notes', '}', '', 'export function run() {', ...body, '}'];
    edited[9] = '  step(3, { verbose: true });';
    const [result] = anchorBlocks([recorded('run', before, 1, 9)], edited);
    // Lines 1-2 are a brace and a blank line that match the block's first two lines only by accident.
    assert.equal(result.kind, 'fuzzy');
    assert.equal(result.endLine, 13);
    assert.ok(result.startLine >= 5 && result.startLine <= 7, String(result.startLine));
  });

  it('places a block of braces when it is the only such place between its placed neighbours', () => {
    const before = ['function a() {', '  first();', '  second();', '  });', '}', 'function b() {', '  third();', '  fourth();', '}'];
    const blocks = [recorded('a', before, 1, 3), recorded('braces', before, 4, 5), recorded('b', before, 6, 8)];
    // Lines were added inside the gap, so the predicted line is off; the place is still unambiguous.
    const after = ['function a() {', '  first();', '  second();', '  // a comment', '  });', '}', 'function b() {', '  third();', '  fourth();', '}'];
    assert.deepEqual(
      anchorBlocks(blocks, after).map((r) => [r.kind, r.startLine, r.endLine]),
      [
        ['exact', 1, 3],
        ['exact', 5, 6],
        ['exact', 7, 9],
      ],
    );
  });

  it('reports a deleted block as lost rather than matching its braces elsewhere', () => {
    const before = service();
    const after = [...before.slice(0, 12), ...before.slice(19)];
    const [result] = anchorBlocks([recorded('retry', before, 13, 18)], after);
    assert.equal(result.kind, 'lost');
    assert.deepEqual([result.startLine, result.endLine], [13, 18]);
  });

  it('prefers lost over a weak match when most of the block was rewritten', () => {
    const before = service();
    const after = before.slice();
    after.splice(
      12,
      6,
      'export async function retry<T>(fn: () => Promise<T>, attempts = 3): Promise<T> {',
      '  for (let attempt = 1; ; attempt++) {',
      '    try { return await fn(); } catch (error) { if (attempt >= attempts) throw error; }',
      '  }',
    );
    const [result] = anchorBlocks([recorded('retry', before, 13, 18)], after);
    assert.equal(result.kind, 'lost');
    assert.ok(result.similarity < 0.7);
  });

  it('never places a block made only of punctuation anywhere but where it is expected', () => {
    const before = ['function a() {', '  work();', '  });', '}', 'function b() {', '  rest();', '}'];
    const blocks = [recorded('anchor', before, 1, 2), recorded('braces', before, 3, 4)];
    const kept = anchorBlocks(blocks, ['// x', ...before]);
    assert.deepEqual(
      kept.map((r) => [r.kind, r.startLine]),
      [
        ['exact', 2],
        ['exact', 4],
      ],
    );
    // The braces moved away from where the shift predicts: a different `});` is not them.
    const elsewhere = ['function a() {', '  work();', '}', 'function b() {', '  rest(() => {', '  });', '}'];
    const [, braces] = anchorBlocks(blocks, elsewhere);
    assert.equal(braces.kind, 'lost');
  });

  it('never lets placed blocks overlap', () => {
    const before = service();
    // Two records claim the same function (as after a bad merge of records): one of them must lose.
    const results = anchorBlocks([recorded('one', before, 13, 18), recorded('two', before, 13, 18)], before);
    assert.deepEqual(
      results.map((r) => r.kind),
      ['exact', 'lost'],
    );
  });

  it('returns lost for an empty block or empty text', () => {
    assert.equal(anchorBlocks([{ id: 'x', startLine: 1, lineHashes: [] }], service())[0].kind, 'lost');
    assert.equal(anchorBlocks([recorded('fetch', service(), 4, 11)], '')[0].kind, 'lost');
  });
});
