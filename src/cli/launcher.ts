import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { requireWithCodeCache } from '../core/runtime/code-cache';

/**
 * A check spends most of its time in TypeScript's parser, and on a small machine most of that
 * waiting for V8's optimising compiler to finish the parser's large functions (with compilation
 * made synchronous, compiling alone costs a check 1.3 s). A smaller budget for what one compilation
 * inlines finishes those compilations sooner: the full check of the speed benchmark's tree took
 * 2.58 s against 2.80 s on Node 20, 2.46 s against 2.55 s on Node 24 (medians of interleaved runs
 * on 2 cores). Set before any of the CLI is compiled; V8 reads the limit at each compilation.
 *
 * V8 writes `Error: unrecognized flag` to stderr for a flag it does not have, so the flag is set
 * only in the V8 versions known to have it (Node 20 to 24's: 11 to 13).
 */
const V8_MAJOR = Number(process.versions.v8.split('.')[0]);
if (V8_MAJOR >= 11 && V8_MAJOR <= 13) setFlagsFromString('--max-inlined-bytecode-size-cumulative=300');

/**
 * `comprehension` (dist/cli.js): loads the CLI bundle, dist/cli-main.js, through V8's code cache in
 * the user cache folder, as the bundled TypeScript already is. Agent hooks start the CLI before and
 * after every edit an agent makes, and compiling the 1 MB bundle was about 30 ms of a hook's 210 ms
 * (`comprehension hook claude` on the bench machine: 0.21 s without the cache, 0.18 s with it).
 * `COMPREHENSION_CODE_CACHE=0` loads the bundle as plain `require` does.
 */
const bundle = join(__dirname, 'cli-main.js');
if (process.env.COMPREHENSION_CODE_CACHE === '0') require(bundle);
else requireWithCodeCache(bundle);
