import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The production bundles (`npm run build`: minified, as the .vsix and the npm package ship them),
 * which `npm run bench` builds into out/shipped beside the development build in dist/. The CLI
 * and server benchmarks time these: the development build's unminified TypeScript (9 MB instead of
 * 3.6 MB) alone adds about 0.08 s to every CLI start.
 */
export function shippedBundle(name: 'cli.js' | 'server.js'): string {
  const path = join(__dirname, '../../out/shipped', name);
  if (!existsSync(path)) throw new Error(`${path} is missing: run the benchmarks with npm run bench, which builds it`);
  return path;
}

/** Percentile of sorted-or-not samples (nearest rank). */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** A realistic TypeScript service file of about `lines` lines (network calls, loops, try/catch, imports). */
export function syntheticTypeScript(lines: number, seed = 1): string {
  const out = ["import axios from 'axios';", "import { readFile } from 'node:fs/promises';", ''];
  let i = seed;
  while (out.length < lines) {
    i++;
    out.push(
      `export async function loadRecord${i}(id: string, retries = 3): Promise<Record<string, unknown>> {`,
      `  const url = \`https://api.example.com/records/\${id}?page=${i}\`;`,
      '  for (let attempt = 0; attempt < retries; attempt++) {',
      '    try {',
      '      const response = await axios.get(url, { timeout: 5000 });',
      '      return response.data as Record<string, unknown>;',
      '    } catch (error) {',
      `      console.warn('attempt', attempt, 'failed for', id, error);`,
      '    }',
      '  }',
      `  const fallback = await readFile('/var/cache/records/${i}.json', 'utf8');`,
      '  return JSON.parse(fallback) as Record<string, unknown>;',
      '}',
      '',
    );
  }
  return out.slice(0, lines).join('\n');
}

/** The repeated block of {@link syntheticVitestSuite}: a test double, a smoke test and constant assertions per `$N`. */
export const VITEST_BLOCK = [
  "describe('case $N', () => {",
  "  it('adds $N', () => { const f = jest.fn().mockReturnValue($N); expect(total(f, $N)).toBe($N * 2); });",
  "  it('smoke $N', async () => { await run($N); });",
  "  it('const $N', () => { const one = 1; expect(one + $N).toBe(1 + $N); assert.equal(check($N), $N); });",
  '});',
].join('\n');

/** The header of {@link syntheticVitestSuite}. */
export const VITEST_HEADER = "import { describe, it, expect } from 'vitest';\n";

/** A vitest suite of at least `lines` lines: {@link VITEST_BLOCK} repeated, each copy numbered. */
export function syntheticVitestSuite(lines: number): string {
  const copies = Math.ceil(lines / VITEST_BLOCK.split('\n').length);
  return VITEST_HEADER + Array.from({ length: copies }, (_, index) => VITEST_BLOCK.replaceAll('$N', String(index))).join('\n');
}

/** Resident memory of a process in MiB, from /proc (Linux). */
export function rssMiB(pid: number): number {
  const status = require('node:fs').readFileSync(`/proc/${pid}/status`, 'utf8') as string;
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : NaN;
}

/** Small seeded generator (xorshift32) so every run measures the same inputs. */
export function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x1_0000_0000;
  };
}

/**
 * Regular files under `dir`, depth first in name order (a stable list), that `accept` takes; folders
 * `enter` refuses are not walked into.
 */
export function listFilesUnder(
  dir: string,
  accept: (path: string, name: string, size: number) => boolean,
  enter: (name: string) => boolean = () => true,
): string[] {
  const { readdirSync, statSync } = require('node:fs') as typeof import('node:fs');
  const { join } = require('node:path') as typeof import('node:path');
  const out: string[] = [];
  const walk = (from: string) => {
    for (const name of readdirSync(from).sort()) {
      const path = join(from, name);
      const stats = statSync(path, { throwIfNoEntry: false });
      if (!stats) continue;
      if (stats.isDirectory()) {
        if (enter(name)) walk(path);
      } else if (stats.isFile() && accept(path, name, stats.size)) {
        out.push(path);
      }
    }
  };
  walk(dir);
  return out;
}
