import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/cli';
import '../../../src/cli/commands';
import { repairHookRuntime } from '../../../src/core/hooks/install';
import { parseRuntimeFile, readHookRuntime, resolveHookRuntime, runtimeFileText } from '../../../src/core/hooks/runtime';
import { HOOK_LAUNCHER_PATH, HOOK_RUNTIME_PATH } from '../../../src/core/workspace/layout';
import { git, ranges, type Run, tempRepo, write } from './run-cli';
import { claudeInput } from './agent-hooks-fixture';

/**
 * The hooks as the agents run them: installed by the BUILT CLI (`node dist/cli.js hooks install`,
 * as after installing the extension or the npm package), then each command written into an
 * agent's configuration run with `sh -c` in a clean environment, with that agent's input on stdin.
 */

const REPO = join(__dirname, '../../../..');
const BUILT_CLI = join(REPO, 'dist/cli.js');
/** As the install records it (symlinks resolved). */
const BUILT_CLI_REAL = existsSync(BUILT_CLI) ? realpathSync(BUILT_CLI) : BUILT_CLI;
const SERVER = "import express from 'express';\n\nconst app = express();\n\napp.listen(3000);\n";

/** Runs the built CLI in `cwd`, as a person does after installing it. */
function builtCli(cwd: string, args: string[]): Run {
  const run = spawnSync(process.execPath, [BUILT_CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}

/** Runs the CLI in-process with `cliScript` as the script it says it runs from. */
async function inProcessCli(cwd: string, args: string[], cliScript: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { cwd, cliScript, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { code, stdout, stderr };
}

/** A PATH folder holding only `sh`: no node, no comprehension, no coreutils. */
function shOnlyPath(): string {
  const folder = mkdtempSync(join(tmpdir(), 'cf-sh-only-'));
  symlinkSync('/bin/sh', join(folder, 'sh'));
  return folder;
}

/** Runs a configured hook command the way an agent does: `sh -c`, only the given environment. */
function runAsAgent(command: string, cwd: string, env: Record<string, string>, stdin: string): Run {
  // comprehension-ignore security/shell-injection -- the test runs the hook command exactly as the agent does, from the config file it just installed
  const run = spawnSync('/bin/sh', ['-c', command], { cwd, env, input: stdin, encoding: 'utf8', timeout: 30000 });
  return { code: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}

function json(root: string, path: string): Record<string, any> {
  return JSON.parse(readFileSync(join(root, path), 'utf8')) as Record<string, any>;
}


function replaceInFile(root: string, path: string, old: string, neu: string): void {
  const text = readFileSync(join(root, path), 'utf8');
  assert.ok(text.includes(old));
  write(root, path, text.replace(old, neu));
}

/** A command in a committed file must not name a path of one machine. */
function assertNoAbsolutePath(text: string, what: string): void {
  assert.doesNotMatch(text, /(^|[\s"'=])\//, `${what} holds an absolute path: ${text}`);
}

describe('agent hooks run where the agent runs (launcher)', function () {
  this.timeout(60000);
  let root: string;
  let noNodePath: string;

  before(function () {
    assert.ok(existsSync(BUILT_CLI), `build first (node scripts/build.mjs): ${BUILT_CLI} is missing`);
    noNodePath = shOnlyPath();
    const lookup = spawnSync('/bin/sh', ['-c', 'command -v node'], { env: { PATH: noNodePath }, encoding: 'utf8' });
    assert.deepEqual([lookup.status !== 0, lookup.stdout], [true, ''], 'the sh-only PATH has no node');
  });

  after(() => rmSync(noNodePath, { recursive: true, force: true }));

  beforeEach(() => {
    root = tempRepo('cf-hook-launcher-');
    write(root, 'src/server.ts', SERVER);
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('the built CLI writes the launcher, the runtime of this machine (git-ignored) and commands without absolute paths', () => {
    const run = builtCli(root, ['hooks', 'install', 'claude', 'cursor', 'copilot']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '', 'no warning: the runtime was resolved');
    assert.match(run.stdout, /^Wrote the hook launcher \.comprehension\/bin\/comprehension-hook/);
    assert.match(run.stdout, /^Installed cursor hooks in \.cursor\/hooks\.json \(runs 'sh \.comprehension\/bin\/comprehension-hook hook cursor'\)\.$/m);
    assert.match(run.stdout, /^On this machine the hooks run \S+ \S+dist\/cli\.js \(recorded in \.comprehension\/\.cache\/hook-runtime, not committed\)\.$/m);

    const launcher = join(root, HOOK_LAUNCHER_PATH);
    assert.equal(statSync(launcher).mode & 0o111, 0o111, 'the launcher is executable');
    const runtime = parseRuntimeFile(readFileSync(join(root, HOOK_RUNTIME_PATH), 'utf8'));
    assert.deepEqual(runtime, { node: process.execPath, electron: false, cli: BUILT_CLI_REAL });

    // What the team commits: the three hook files and the launcher, none naming this machine's paths.
    git(root, ['add', '-A']);
    const committed = git(root, ['diff', '--cached', '--name-only']).trim().split('\n').sort();
    assert.deepEqual(committed, ['.claude/settings.json', '.comprehension/.gitignore', '.comprehension/bin/comprehension-hook', '.cursor/hooks.json', '.github/hooks/comprehension.json', 'src/server.ts']);
    const commands = [
      ...['PreToolUse', 'PostToolUse'].map((event) => json(root, '.claude/settings.json').hooks[event][0].hooks[0].command as string),
      json(root, '.cursor/hooks.json').hooks.afterFileEdit[0].command as string,
      ...['bash', 'powershell'].map((key) => json(root, '.github/hooks/comprehension.json').hooks.postToolUse[0][key] as string),
    ];
    for (const command of commands) assertNoAbsolutePath(command, 'a hook command');
    const launcherText = readFileSync(launcher, 'utf8');
    for (const path of [root, BUILT_CLI, process.execPath]) assert.ok(!launcherText.includes(path), `the launcher does not name ${path}`);
  });

  for (const [label, path] of [
    ['/usr/bin:/bin (where this machine has a node)', '/usr/bin:/bin'],
    ['with no node at all', 'SH_ONLY'],
  ] as const) {
    it(`Claude Code's PreToolUse/PostToolUse commands record the edited lines, PATH ${label}`, () => {
      assert.equal(builtCli(root, ['hooks', 'install', 'claude']).code, 0);
      const settings = json(root, '.claude/settings.json');
      const pre = settings.hooks.PreToolUse[0].hooks[0].command as string;
      const post = settings.hooks.PostToolUse[0].hooks[0].command as string;
      const env = { PATH: path === 'SH_ONLY' ? noNodePath : path, CLAUDE_PROJECT_DIR: root };
      const input = { file_path: join(root, 'src/server.ts'), old_string: 'app.listen(3000);', new_string: "app.use(express.json());\napp.listen(3000);" };
      // Claude Code may run a hook from a subfolder the session moved into; CLAUDE_PROJECT_DIR finds the launcher.
      mkdirSync(join(root, 'src/sub'), { recursive: true });
      const before = runAsAgent(pre, join(root, 'src/sub'), env, claudeInput(root, 'PreToolUse', 'Edit', input));
      assert.deepEqual([before.code, before.stderr], [0, '']);
      replaceInFile(root, 'src/server.ts', input.old_string, input.new_string);
      const after = runAsAgent(post, join(root, 'src/sub'), env, claudeInput(root, 'PostToolUse', 'Edit', input));
      assert.deepEqual([after.code, after.stderr], [0, '']);
      assert.deepEqual(ranges(root), ['src/server.ts:5-5']);
    });
  }

  it("Cursor's afterFileEdit and Copilot's pre/postToolUse commands record the edited lines with no node on PATH", () => {
    assert.equal(builtCli(root, ['hooks', 'install', 'cursor', 'copilot']).code, 0);
    const env = { PATH: noNodePath };

    const cursorCommand = json(root, '.cursor/hooks.json').hooks.afterFileEdit[0].command as string;
    replaceInFile(root, 'src/server.ts', 'const app = express();', "const app = express();\napp.disable('x-powered-by');");
    const cursorInput = {
      conversation_id: '668320d2-2fd8-4888-b33c-2a466fec86e7',
      generation_id: '490b90b7-a2ce-4c2c-bb76-cb77b125df2f',
      hook_event_name: 'afterFileEdit',
      workspace_roots: [root],
      model: 'gpt-5',
      file_path: join(root, 'src/server.ts'),
      edits: [{ old_string: 'const app = express();', new_string: "const app = express();\napp.disable('x-powered-by');" }],
    };
    const cursor = runAsAgent(cursorCommand, root, env, JSON.stringify(cursorInput));
    assert.deepEqual([cursor.code, cursor.stderr], [0, '']);
    assert.deepEqual(ranges(root), ['src/server.ts:4-4']);

    const copilot = json(root, '.github/hooks/comprehension.json').hooks;
    assert.equal(copilot.preToolUse[0].cwd, '.', 'Copilot runs the command from the repository root');
    const args = JSON.stringify({ path: join(root, 'src/server.ts'), old_str: 'app.listen(3000);', new_str: 'app.listen(Number(process.env.PORT ?? 3000));' });
    const pre = runAsAgent(copilot.preToolUse[0].bash, root, env, JSON.stringify({ timestamp: 1704614600000, cwd: root, toolName: 'edit', toolArgs: args }));
    assert.deepEqual([pre.code, pre.stderr], [0, '']);
    replaceInFile(root, 'src/server.ts', 'app.listen(3000);', 'app.listen(Number(process.env.PORT ?? 3000));');
    const postInput = { timestamp: 1704614700000, cwd: root, toolName: 'edit', toolArgs: args, toolResult: { resultType: 'success', textResultForLlm: 'File edited' } };
    const post = runAsAgent(copilot.postToolUse[0].bash, root, env, JSON.stringify(postInput));
    assert.deepEqual([post.code, post.stderr], [0, '']);
    assert.deepEqual(ranges(root), ['src/server.ts:4-4', 'src/server.ts:6-6']);
  });

  it('with nothing to run, the launcher prints one line saying how to fix it and exits 0', () => {
    assert.equal(builtCli(root, ['hooks', 'install', 'claude']).code, 0);
    const command = json(root, '.claude/settings.json').hooks.PostToolUse[0].hooks[0].command as string;
    const input = claudeInput(root, 'PostToolUse', 'Edit', { file_path: join(root, 'src/server.ts'), old_string: 'a', new_string: 'b' });
    const check = (what: string): void => {
      const run = runAsAgent(command, root, { PATH: noNodePath, CLAUDE_PROJECT_DIR: root }, input);
      assert.equal(run.code, 0, what);
      assert.equal(run.stdout, '', what);
      const lines = run.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `${what}: one line, got ${run.stderr}`);
      assert.match(lines[0], /^comprehension-hook: cannot find the Comprehension CLI, so nothing was recorded; run 'comprehension hooks install <agent>'.* or set COMPREHENSION_CLI/, what);
    };
    // The CLI recorded here has gone (an editor update moved it).
    write(root, HOOK_RUNTIME_PATH, runtimeFileText({ node: process.execPath, electron: false, cli: join(root, 'gone/dist/cli.js') }));
    check('stale runtime');
    rmSync(join(root, HOOK_RUNTIME_PATH));
    check('no runtime');
    assert.deepEqual(ranges(root), []);
  });

  it('COMPREHENSION_CLI/COMPREHENSION_NODE override, node_modules/.bin is the last resort, and an Electron runtime gets ELECTRON_RUN_AS_NODE=1', () => {
    assert.equal(builtCli(root, ['hooks', 'install', 'cursor']).code, 0);
    rmSync(join(root, HOOK_RUNTIME_PATH));
    const command = json(root, '.cursor/hooks.json').hooks.afterFileEdit[0].command as string;
    let line = 0;
    const editAndRun = (env: Record<string, string>): Run => {
      line++;
      const added = `export const flag${line} = true;`;
      write(root, 'src/server.ts', `${readFileSync(join(root, 'src/server.ts'), 'utf8')}${added}\n`);
      const input = { hook_event_name: 'afterFileEdit', workspace_roots: [root], file_path: join(root, 'src/server.ts'), edits: [{ old_string: '', new_string: added }] };
      return runAsAgent(command, root, env, JSON.stringify(input));
    };

    const overridden = editAndRun({ PATH: noNodePath, COMPREHENSION_CLI: BUILT_CLI, COMPREHENSION_NODE: process.execPath });
    assert.deepEqual([overridden.code, overridden.stderr], [0, '']);
    assert.deepEqual(ranges(root), ['src/server.ts:6-6']);

    // npm links the bin to the script itself; pnpm writes a shell shim that runs 'node' from PATH.
    mkdirSync(join(root, 'node_modules/.bin'), { recursive: true });
    symlinkSync(BUILT_CLI, join(root, 'node_modules/.bin/comprehension'));
    const npmLink = editAndRun({ PATH: '/usr/bin:/bin' });
    assert.deepEqual([npmLink.code, npmLink.stderr], [0, '']);
    assert.deepEqual(ranges(root), ['src/server.ts:6-7']);
    rmSync(join(root, 'node_modules/.bin/comprehension'));
    write(root, 'node_modules/.bin/comprehension', `#!/bin/sh\nexec node "${BUILT_CLI}" "$@"\n`);
    chmodSync(join(root, 'node_modules/.bin/comprehension'), 0o755);
    // No node on PATH, and the recorded CLI is gone: the shim gets the recorded Node's folder on its PATH.
    write(root, HOOK_RUNTIME_PATH, runtimeFileText({ node: process.execPath, electron: false, cli: join(root, 'gone/cli.js') }));
    const pnpmShim = editAndRun({ PATH: noNodePath });
    rmSync(join(root, HOOK_RUNTIME_PATH));
    assert.deepEqual([pnpmShim.code, pnpmShim.stderr], [0, '']);
    assert.deepEqual(ranges(root), ['src/server.ts:6-8']);
    rmSync(join(root, 'node_modules'), { recursive: true });

    // A stand-in for VS Code's Electron binary: it runs scripts only as ELECTRON_RUN_AS_NODE=1.
    const electron = join(root, 'fake-electron');
    write(root, 'fake-electron', `#!/bin/sh\n[ "$ELECTRON_RUN_AS_NODE" = 1 ] || { echo "not as node" >&2; exit 3; }\nexec ${process.execPath} "$@"\n`);
    chmodSync(electron, 0o755);
    write(root, HOOK_RUNTIME_PATH, runtimeFileText({ node: electron, electron: true, cli: BUILT_CLI }));
    const viaElectron = editAndRun({ PATH: noNodePath });
    assert.deepEqual([viaElectron.code, viaElectron.stderr], [0, '']);
    assert.deepEqual(ranges(root), ['src/server.ts:6-9']);
  });

  it('installing again updates a hook installed another way instead of adding one, and then changes nothing', async () => {
    assert.equal(builtCli(root, ['hooks', 'install', 'claude', 'cursor', 'copilot', '--command', 'comprehension']).code, 0);
    assert.ok(!existsSync(join(root, HOOK_LAUNCHER_PATH)), '--command needs no launcher');
    assert.equal(json(root, '.cursor/hooks.json').hooks.afterFileEdit[0].command, 'comprehension hook cursor');

    const update = builtCli(root, ['hooks', 'install', 'claude', 'cursor', 'copilot']);
    assert.match(update.stdout, /^Updated claude hooks.*\nUpdated cursor hooks.*\nUpdated copilot hooks/m);
    const claude = json(root, '.claude/settings.json').hooks;
    assert.deepEqual([claude.PreToolUse.length, claude.PostToolUse.length, claude.PreToolUse[0].hooks.length], [1, 1, 1]);
    assert.equal(json(root, '.cursor/hooks.json').hooks.afterFileEdit.length, 1);
    assert.equal(json(root, '.github/hooks/comprehension.json').hooks.preToolUse.length, 1);

    const files = ['.claude/settings.json', '.cursor/hooks.json', '.github/hooks/comprehension.json', HOOK_LAUNCHER_PATH, HOOK_RUNTIME_PATH];
    const before = files.map((file) => readFileSync(join(root, file), 'utf8'));
    const again = builtCli(root, ['hooks', 'install', 'claude', 'cursor', 'copilot']);
    assert.match(again.stdout, /^Already installed: claude hooks/, 'no launcher line when it is unchanged');
    assert.deepEqual(files.map((file) => readFileSync(join(root, file), 'utf8')), before, 'byte for byte the same');

    // A broken file elsewhere stops the whole install before anything is written.
    write(root, '.cursor/hooks.json', '{ nope');
    rmSync(join(root, HOOK_LAUNCHER_PATH));
    const broken = await inProcessCli(root, ['hooks', 'install', 'claude', 'cursor'], BUILT_CLI);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /\.cursor\/hooks\.json is not valid JSON/);
    assert.ok(!existsSync(join(root, HOOK_LAUNCHER_PATH)), 'nothing written');
  });

  it('warns, and still installs, when it cannot tell where the CLI is', async () => {
    const run = await inProcessCli(root, ['hooks', 'install', 'claude'], join(root, 'no/such/cli.js'));
    assert.equal(run.code, 0);
    assert.match(run.stderr, /^comprehension hooks: warning: the CLI script .*no\/such\/cli\.js does not exist, so no runtime was recorded for this machine; the hooks will look for 'comprehension' on PATH, then node_modules\/\.bin\/comprehension/);
    assert.ok(existsSync(join(root, HOOK_LAUNCHER_PATH)));
    assert.ok(!existsSync(join(root, HOOK_RUNTIME_PATH)));
  });

  it("the editor records its runtime where the hooks are installed but this machine's is missing or gone, and never replaces a working one", async () => {
    const editor = { node: process.execPath, electron: false, cli: BUILT_CLI_REAL };
    assert.equal(await repairHookRuntime(root, editor), false, 'no launcher: the hooks are not installed here');
    assert.equal(existsSync(join(root, HOOK_RUNTIME_PATH)), false);
    // A clone of a project whose team committed the hooks: the launcher is there, no runtime yet.
    assert.equal((await inProcessCli(root, ['hooks', 'install', 'claude'], join(root, 'missing.js'))).code, 0);
    assert.equal(await repairHookRuntime(root, editor), true);
    assert.deepEqual(await readHookRuntime(root), editor);
    const working = { node: process.execPath, electron: false, cli: join(REPO, 'package.json') };
    write(root, HOOK_RUNTIME_PATH, runtimeFileText(working));
    assert.equal(await repairHookRuntime(root, editor), false);
    assert.deepEqual(await readHookRuntime(root), working, 'a working runtime is kept');
    write(root, HOOK_RUNTIME_PATH, runtimeFileText({ ...working, cli: join(root, 'old-version/dist/cli.js') }));
    assert.equal(await repairHookRuntime(root, editor), true, 'a runtime whose CLI is gone is replaced');
    assert.deepEqual(await readHookRuntime(root), editor);
    assert.equal(git(root, ['check-ignore', HOOK_RUNTIME_PATH]).trim(), HOOK_RUNTIME_PATH);
  });

  it('records an Electron host as needing ELECTRON_RUN_AS_NODE', () => {
    const resolved = resolveHookRuntime({ execPath: process.execPath, electronVersion: '37.2.0', cliScript: BUILT_CLI });
    assert.deepEqual(resolved, { kind: 'resolved', runtime: { node: process.execPath, electron: true, cli: BUILT_CLI_REAL } });
    assert.match(runtimeFileText({ node: '/a b/code', electron: true, cli: '/x/cli.js' }), /^node=\/a b\/code\nelectron=1\ncli=\/x\/cli\.js\n$/m);
  });
});
