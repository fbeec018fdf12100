import * as assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { defaultCodeCacheDir, requireWithCodeCache } from '../../../src/core/runtime/code-cache';
import { userCacheDir } from '../../../src/core/runtime/user-cache';

describe('V8 code cache (requireWithCodeCache)', () => {
  let root: string;
  let module: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'cf-code-cache-'));
    module = join(root, 'lib.js');
    // A module that uses what Node gives a CommonJS module: exports, require, __filename, __dirname.
    writeFileSync(module, "const { basename } = require('node:path');\nexports.name = basename(__filename);\nexports.dir = __dirname;\nmodule.exports.twice = (n) => n * 2;\n");
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const cacheFiles = (dir: string): string[] => readdirSync(dir).filter((name) => name.endsWith('.v8cache'));

  it('loads the module as require would, writes the cache once, then uses it', () => {
    const cacheDir = join(root, 'cache');
    const first = requireWithCodeCache(module, cacheDir);
    assert.equal(first.cache, 'written');
    const exports = first.exports as { name: string; dir: string; twice: (n: number) => number };
    assert.deepEqual([exports.name, exports.dir, exports.twice(21)], ['lib.js', root, 42]);
    assert.equal(cacheFiles(cacheDir).length, 1);
    const second = requireWithCodeCache(module, cacheDir);
    assert.equal(second.cache, 'used');
    assert.equal((second.exports as { twice: (n: number) => number }).twice(2), 4);
  });

  it('lets the module import() as it could under require, from a written cache and a used one', async () => {
    writeFileSync(module, "exports.load = () => import('node:path').then((path) => path.basename(__filename));\n");
    const cacheDir = join(root, 'cache');
    for (const expected of ['written', 'used']) {
      const loaded = requireWithCodeCache(module, cacheDir);
      assert.equal(loaded.cache, expected);
      assert.equal(await (loaded.exports as { load: () => Promise<string> }).load(), 'lib.js');
    }
  });

  it('never hands V8 a damaged cache, or the cache of another source of the same length', () => {
    const cacheDir = join(root, 'cache');
    requireWithCodeCache(module, cacheDir);
    const [name] = cacheFiles(cacheDir);
    // V8 itself accepts a cache with a changed byte, and one made for any source of the same length.
    const damaged = readFileSync(join(cacheDir, name));
    damaged[damaged.length - 5] ^= 0xff;
    writeFileSync(join(cacheDir, name), damaged);
    assert.equal(requireWithCodeCache(module, cacheDir).cache, 'written', 'the damaged cache was replaced');
    assert.equal(requireWithCodeCache(module, cacheDir).cache, 'used');
    writeFileSync(join(cacheDir, name), 'short');
    assert.equal(requireWithCodeCache(module, cacheDir).cache, 'written', 'a truncated cache was replaced');
    const source = readFileSync(module, 'utf8');
    const sameLength = source.replace('exports.name', 'exports.nome');
    assert.equal(sameLength.length, source.length);
    writeFileSync(module, sameLength);
    const changed = requireWithCodeCache(module, cacheDir);
    assert.deepEqual([changed.cache, (changed.exports as { nome: string }).nome], ['written', 'lib.js']);
    assert.equal(cacheFiles(cacheDir).length, 2);
  });

  it('still loads the module when the cache folder cannot be written', function () {
    if (process.getuid?.() === 0) this.skip(); // root writes through any mode
    const cacheDir = join(root, 'read-only');
    mkdirSync(cacheDir);
    chmodSync(cacheDir, 0o500);
    try {
      const loaded = requireWithCodeCache(module, cacheDir);
      assert.deepEqual([loaded.cache, (loaded.exports as { name: string }).name], ['unavailable', 'lib.js']);
    } finally {
      chmodSync(cacheDir, 0o700);
    }
  });

  it('still loads the module when the cache path is taken by a file', () => {
    const blocked = join(root, 'blocked');
    writeFileSync(blocked, 'a file where the folder should be');
    const loaded = requireWithCodeCache(module, join(blocked, 'v8'));
    assert.deepEqual([loaded.cache, (loaded.exports as { name: string }).name], ['unavailable', 'lib.js']);
  });

  it('lives in the user cache folder, never the repository', () => {
    assert.equal(userCacheDir({ XDG_CACHE_HOME: '/x' }, 'linux'), join('/x', 'comprehension-first'));
    assert.equal(defaultCodeCacheDir({ XDG_CACHE_HOME: '/x' }), join('/x', 'comprehension-first', 'v8'));
  });
});

describe('V8 code cache housekeeping', () => {
  it('keeps the three newest caches of a module (one per install), deleting older ones and those of retired modules', () => {
    const root = mkdtempSync(join(tmpdir(), 'cf-code-cache-prune-'));
    try {
      const cacheDir = join(root, 'cache');
      mkdirSync(cacheDir);
      // Caches of three older installs, and another module's that is not to be touched.
      const stale = ['0000000000000001', '0000000000000002', '0000000000000003'].map((key, index) => {
        const path = join(cacheDir, `lib.js-${key}.v8cache`);
        writeFileSync(path, 'old');
        utimesSync(path, new Date(2020, 0, index + 1), new Date(2020, 0, index + 1));
        return path;
      });
      writeFileSync(join(cacheDir, 'other.js-0000000000000000.v8cache'), 'other');
      // All of ts-morph, which earlier versions bundled and cached (8.6 MB each): retired, deleted.
      writeFileSync(join(cacheDir, 'ts-morph.js-00000000000000aa.v8cache'), 'retired');
      const module = join(root, 'lib.js');
      writeFileSync(module, 'exports.ok = true;\n');
      assert.equal(requireWithCodeCache(module, cacheDir).cache, 'written');
      const left = readdirSync(cacheDir).sort();
      assert.equal(left.length, 4, left.join(', '));
      assert.ok(!left.includes(basename(stale[0])), 'the oldest install cache is gone');
      assert.ok(left.includes('other.js-0000000000000000.v8cache'));
      assert.ok(!left.includes('ts-morph.js-00000000000000aa.v8cache'), 'a retired module\'s cache is gone');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
