import * as assert from 'node:assert/strict';
import { AttachedCache } from '../../../src/core/runtime/attached-cache';

describe('AttachedCache', () => {
  it('keeps one value per object, out of sight of the object\'s own keys, JSON and spreads', () => {
    const cache = new AttachedCache<object, number[]>('test.values');
    const tree = { kind: 'SourceFile', statements: [] as unknown[] };
    assert.equal(cache.get(tree), undefined);
    assert.equal(cache.has(tree), false);
    cache.set(tree, [1, 2]);
    assert.deepEqual(cache.get(tree), [1, 2]);
    assert.equal(cache.has(tree), true);
    assert.deepEqual(Object.keys(tree), ['kind', 'statements']);
    assert.equal(JSON.stringify(tree), '{"kind":"SourceFile","statements":[]}');
    assert.equal(cache.get({ ...tree }), undefined, 'a copy is another object');
    cache.set(tree, [3]);
    assert.deepEqual(cache.get(tree), [3], 'a value can be replaced');
  });

  it('gives each cache its own slot, even under the same description', () => {
    const first = new AttachedCache<object, string>('same');
    const second = new AttachedCache<object, string>('same');
    const owner = {};
    first.set(owner, 'first');
    assert.equal(second.get(owner), undefined);
    second.set(owner, 'second');
    assert.equal(first.get(owner), 'first');
    assert.equal(second.get(owner), 'second');
  });
});
