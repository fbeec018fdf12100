import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as TsMorph from 'ts-morph';

/**
 * What the extension bundle gets for `import { ts } from 'ts-morph'` (see scripts/build.mjs): the
 * shared dist/vendor/ts-morph.js, loaded on first use. The extension needs the TypeScript parser
 * only when a note's questions are derived, so activation never pays for 7 MB of compiler.
 */
let loaded: typeof TsMorph | undefined;
function load(): typeof TsMorph {
  loaded ??= createRequire(__filename)(join(__dirname, 'vendor', 'ts-morph.js')) as typeof TsMorph;
  return loaded;
}

export const ts = new Proxy({} as typeof TsMorph.ts, {
  get: (_target, property) => Reflect.get(load().ts, property),
  has: (_target, property) => property in load().ts,
});
