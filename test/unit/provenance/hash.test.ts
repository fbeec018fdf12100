import * as assert from 'node:assert/strict';
import { blockContentHash, isInformativeLine, lineHash, matchesLineHashes, normalizeLine } from '../../../src/core/provenance/hash';

describe('provenance: hash', () => {
  it('ignores indentation, trailing whitespace and spacing inside a line', () => {
    assert.equal(lineHash('    if (retries > 3) {'), lineHash('\tif(retries>3){  '));
    assert.equal(normalizeLine('  const x = 1;\r'), 'constx=1;');
  });

  it('tells different code apart', () => {
    assert.notEqual(lineHash('if (retries > 3) {'), lineHash('if (retries >= 3) {'));
    assert.match(lineHash('x'), /^[0-9a-f]{16}$/);
  });

  it('hashes a block in the Agent Trace sha256 form, the same after re-indenting and for CRLF text', () => {
    const block = ['function delay(ms) {', '  return new Promise((resolve) => setTimeout(resolve, ms));', '}'];
    const hash = blockContentHash(block);
    assert.match(hash, /^sha256:[0-9a-f]{64}$/);
    assert.equal(blockContentHash(block.map((line) => `    ${line}\r`)), hash);
    assert.notEqual(blockContentHash([...block, '']), hash);
    assert.notEqual(blockContentHash(block.slice().reverse()), hash);
  });

  it('knows lines without letters or digits carry no meaning for matching', () => {
    assert.equal(isInformativeLine('  });'), false);
    assert.equal(isInformativeLine(''), false);
    assert.equal(isInformativeLine('return 0;'), true);
    assert.equal(isInformativeLine('  ]; // é'), true);
  });

  it('checks lines against recorded hashes', () => {
    const lines = ['a = 1', 'b = 2'];
    const hashes = lines.map(lineHash);
    assert.equal(matchesLineHashes(['a=1', '  b = 2'], hashes), true);
    assert.equal(matchesLineHashes(['a = 1'], hashes), false);
    assert.equal(matchesLineHashes(['a = 1', 'b = 3'], hashes), false);
  });
});
