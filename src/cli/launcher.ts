import { join } from 'node:path';
import { requireWithCodeCache } from '../core/runtime/code-cache';

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
