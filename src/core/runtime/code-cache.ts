import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { constants, Script, type ScriptOptions } from 'node:vm';
import { userCacheDir } from './user-cache';

/** A cache file larger than this is not ours to trust: it is ignored (and replaced). */
const MAX_CACHE_BYTES = 128 * 1024 * 1024;
/**
 * Caches kept per module: each install (the CLI from npm, each extension version) has its own, and
 * an older one is deleted when a newer one is written, so upgrades do not pile caches (2.5 MB for TypeScript) up.
 */
const CACHES_KEPT_PER_MODULE = 3;
/**
 * Modules earlier versions cached and this one no longer loads: their caches are deleted with the
 * older ones (all of ts-morph, 8.6 MB a cache, before only its TypeScript was bundled).
 */
const RETIRED_MODULES: ReadonlySet<string> = new Set(['ts-morph.js']);

/** What {@link requireWithCodeCache} did with the cache, for tests and benchmarks. */
export type CodeCacheUse = 'used' | 'written' | 'unavailable';

/** The code cache folder: V8's compiled code for the bundled TypeScript (see {@link requireWithCodeCache}). */
export function defaultCodeCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(userCacheDir(env), 'v8');
}

/**
 * `import()` inside a module loaded here, as under `require`: Node's own loader, from Node 20.12.
 * Before it (VS Code's Electron among them) a module compiled this way cannot `import()` at all (the
 * option's function form needs `--experimental-vm-modules`), so the bundles make none at run time:
 * tree-sitter's grammars, for one, are read in languages/tree-sitter.ts and handed over as bytes.
 */
const DYNAMIC_IMPORT = (constants as unknown as { USE_MAIN_CONTEXT_DEFAULT_LOADER?: symbol } | undefined)?.USE_MAIN_CONTEXT_DEFAULT_LOADER as ScriptOptions['importModuleDynamically'];

/** Bytes of the SHA-256 that heads a cache file: V8 checks a cache's source length and its own version, not its bytes. */
const CHECKSUM_BYTES = 32;

/**
 * Loads a CommonJS file as `require` would, with V8's code cache kept in the user cache folder:
 * compiling TypeScript's 9 MB costs each process about 0.2 s, most of it spared
 * when V8 accepts the cache.
 *
 * V8 takes a cache made for any source of the same length, and does not check its bytes in release
 * builds, so both are checked here: the cache is named by a hash of the source (and Node's version
 * and architecture), and its file starts with a hash of the cache itself. A damaged, missing or
 * rejected cache is written anew (atomically: concurrent processes race harmlessly), and any failure
 * to read or write it only costs the compile, never the load.
 */
export function requireWithCodeCache(file: string, cacheDir: string = defaultCodeCacheDir()): { exports: unknown; cache: CodeCacheUse } {
  const bytes = readFileSync(file);
  const key = createHash('sha256').update(bytes).update(`\0${process.version}\0${process.arch}`).digest('hex').slice(0, 16);
  const cachePath = join(cacheDir, `${basename(file)}-${key}.v8cache`);
  const cached = readCache(cachePath);
  // The wrapper Node itself puts around a CommonJS module, on the module's first line so positions hold.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) { ${bytes.toString('utf8')}\n})`, {
    filename: file,
    cachedData: cached,
    importModuleDynamically: DYNAMIC_IMPORT,
  });
  const module = { exports: {} as unknown };
  (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  if (cached !== undefined && !script.cachedDataRejected) return { exports: module.exports, cache: 'used' };
  return { exports: module.exports, cache: writeCache(cachePath, script) ? 'written' : 'unavailable' };
}

/** The cache in `path` when its checksum holds, else undefined. */
function readCache(path: string): Buffer | undefined {
  let content: Buffer;
  try {
    if (statSync(path).size > MAX_CACHE_BYTES) return undefined;
    content = readFileSync(path);
  } catch {
    return undefined;
  }
  if (content.length <= CHECKSUM_BYTES) return undefined;
  const payload = content.subarray(CHECKSUM_BYTES);
  return createHash('sha256').update(payload).digest().equals(content.subarray(0, CHECKSUM_BYTES)) ? payload : undefined;
}

function writeCache(path: string, script: Script): boolean {
  const temp = `${path}.${process.pid}.${Math.random().toString(16).slice(2)}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    const payload = script.createCachedData();
    writeFileSync(temp, Buffer.concat([createHash('sha256').update(payload).digest(), payload]), { flag: 'wx' });
    renameSync(temp, path);
  } catch {
    try {
      rmSync(temp, { force: true });
    } catch {
      // A folder we cannot write to has no temp file to clean either.
    }
    return false;
  }
  try {
    pruneOlderCaches(path);
  } catch {
    // Housekeeping only: the cache is written.
  }
  return true;
}

/**
 * Deletes the oldest caches of the same module beyond {@link CACHES_KEPT_PER_MODULE}, and those of
 * {@link RETIRED_MODULES} (best effort).
 */
function pruneOlderCaches(path: string): void {
  const folder = dirname(path);
  const moduleName = basename(path).replace(/-[0-9a-f]{16}\.v8cache$/, '');
  const siblings: { path: string; mtimeMs: number }[] = [];
  for (const name of readdirSync(folder)) {
    if (!name.endsWith('.v8cache')) continue;
    const owner = name.replace(/-[0-9a-f]{16}\.v8cache$/, '');
    if (RETIRED_MODULES.has(owner) && owner !== moduleName) {
      rmSync(join(folder, name), { force: true });
      continue;
    }
    if (owner !== moduleName) continue;
    try {
      siblings.push({ path: join(folder, name), mtimeMs: statSync(join(folder, name)).mtimeMs });
    } catch {
      // Deleted meanwhile by another process.
    }
  }
  siblings.sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const old of siblings.slice(CACHES_KEPT_PER_MODULE)) rmSync(old.path, { force: true });
}
