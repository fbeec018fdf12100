// `npm run sandbox`: serves code-server's VS Code on 127.0.0.1 with the extension installed from a
// freshly built .vsix and ONLY the demo workspace (test/fixtures/demo-workspace, as its own git
// repository with a first commit) open, and prints the URL. Ctrl+C stops it.
//   --port N   listen on port N (default: a free port)
// Everything lives in a fresh folder under .vscode-test/runs/ (user data, extensions, XDG config,
// data and cache, TMPDIR): the user's own ~/.config, ~/.local and VS Code are never touched.
// Besides the extension it installs the sandbox-only demo extension (scripts/sandbox-demo-extension,
// never packaged): "Comprehension Demo: Play an AI Completion and an Agent Write".
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureHost, HostInstallError, hostPaths, prepareRun, startCodeServer } from './vscode-host.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const portIndex = process.argv.indexOf('--port');
const port = portIndex >= 0 ? Number(process.argv[portIndex + 1]) : 0;
if (portIndex >= 0 && !(Number.isInteger(port) && port > 0 && port < 65536)) {
  console.error(`sandbox: --port needs a port number from 1 to 65535, not "${process.argv[portIndex + 1] ?? ''}"`);
  process.exit(2);
}
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const vsix = join(root, `comprehension-first-${version}.vsix`);

try {
  // First use installs the host (about 3 minutes, cached); install-host.sh prints each step.
  ensureHost();
} catch (error) {
  if (!(error instanceof HostInstallError)) throw error;
  console.error(`sandbox: the VS Code host could not be installed: ${error.message}`);
  process.exit(1);
}
console.log('[sandbox] packaging the extension (npm run package)');
const packaged = spawnSync('npm', ['run', 'package', '--silent'], { cwd: root, stdio: 'inherit' });
if (packaged.status !== 0) process.exit(packaged.status ?? 1);

const dirs = prepareRun('sandbox', { workspace: join(root, 'test/fixtures/demo-workspace'), commitMessage: 'First commit', testExtensions: false });
const isolated = { ...process.env, XDG_CONFIG_HOME: join(dirs.xdg, 'config'), XDG_DATA_HOME: join(dirs.xdg, 'data'), XDG_CACHE_HOME: join(dirs.xdg, 'cache'), TMPDIR: dirs.tmp };

const { node24, codeServerEntry: entry } = hostPaths;
console.log('[sandbox] installing the extension into the sandbox');
const install = spawnSync(node24, [entry, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--install-extension', vsix], {
  stdio: ['ignore', 'ignore', 'inherit'],
  env: isolated,
});
if (install.status !== 0) process.exit(install.status ?? 1);
// The demo extension is plain JavaScript: installed by copying its folder, as the test fixtures are,
// and listing it in extensions.json (once a VS Code install has written that file, only what it
// lists is loaded).
const demoExtension = JSON.parse(readFileSync(join(root, 'scripts/sandbox-demo-extension/package.json'), 'utf8'));
const demoFolder = `${demoExtension.publisher}.${demoExtension.name}-${demoExtension.version}`;
cpSync(join(root, 'scripts/sandbox-demo-extension'), join(dirs.extensions, demoFolder), { recursive: true });
const installedPath = join(dirs.extensions, 'extensions.json');
const installed = existsSync(installedPath) ? JSON.parse(readFileSync(installedPath, 'utf8')) : [];
const demoPath = join(dirs.extensions, demoFolder);
installed.push({
  identifier: { id: `${demoExtension.publisher}.${demoExtension.name}` },
  version: demoExtension.version,
  location: { $mid: 1, fsPath: demoPath, external: pathToFileURL(demoPath).href, path: demoPath, scheme: 'file' },
  relativeLocation: demoFolder,
  metadata: { installedTimestamp: Date.now(), pinned: true, source: 'vsix' },
});
writeFileSync(installedPath, JSON.stringify(installed));

const bind = port > 0 ? ['--bind-addr', `127.0.0.1:${port}`] : [];
const server = await startCodeServer(dirs, { extraArgs: bind });
const url = `http://127.0.0.1:${server.port}/?folder=${encodeURIComponent(dirs.workspace)}`;
console.log(
  [
    '',
    `Comprehension First sandbox (VS Code 1.139 in code-server, extension ${version}). Open in a browser:`,
    '',
    `    ${url}`,
    '',
    'Then, from the Command Palette (Ctrl+Shift+P):',
    '  Comprehension: Open Walkthrough                                 a four-step tour',
    '  Comprehension Demo: Play an AI Completion and an Agent Write    makes two AI blocks to explore',
    '',
    `Workspace: ${dirs.workspace}`,
    'Press Ctrl+C to stop.',
  ].join('\n'),
);
const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.child.on('exit', () => process.exit(0));
