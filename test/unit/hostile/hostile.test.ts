import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listBoundedFolderSync, readBoundedFileSync, readBoundedFile, resolvedRoot, writeFileAtomic, writeFileAtomicSync, WriteRefusedError } from '../../../src/core/workspace/fs';
import { PolicyWorkspace } from '../../../src/core/workspace/policy-workspace';
import { checkOneFile, checkThreadReads, runCheck, seededRealFolders } from '../../../src/core/check/check-run';
import { FILE_NOT_CHECKED_RULE_ID } from '../../../src/core/check/engine';
import { LspTestClient } from '../server/lsp-client';
import { sarifUri } from '../../../src/core/check/sarif';
import { printable } from '../../../src/core/workspace/paths';
import { changedSince, digestLines, sameLines } from '../../../src/cli/commands/hook-snapshots';
import { changedLineRanges } from '../../../src/core/provenance/changed-ranges';

/**
 * Hostile repositories (issue 14): every attack is built at test time in a temp folder holding the
 * workspace and a sibling `outside/` folder with a canary. The BUILT CLI runs as a child process
 * with a 256 MiB heap and a 20 s timeout, so an unbounded read or a hang fails the test instead of
 * the machine; each test asserts the exit code and message, and that the canary was neither read
 * (its text in no output) nor written (its folder unchanged).
 */

const REPO = join(__dirname, '../../../..');
const BUILT_CLI = join(REPO, 'dist/cli.js');
const CANARY = 'CANARY_outside_the_workspace_9f3b';
/** Built at run time (random, so not Stripe's documented example key) so no scanner flags this file. */
const STRIPE_KEY = ['sk', 'live', randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, 'q')].join('_');

interface Attack {
  /** The workspace (a git repository). */
  root: string;
  /** A sibling folder outside the workspace, with a canary file. */
  outside: string;
}

interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
  signal: NodeJS.Signals | null;
}

const made: string[] = [];

function attack(): Attack {
  const base = mkdtempSync(join(tmpdir(), 'cf-hostile-'));
  made.push(base);
  const root = join(base, 'repo');
  const outside = join(base, 'outside');
  mkdirSync(join(root, '.comprehension'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'x'), `const token = "${CANARY}";\n`);
  writeFileSync(join(outside, 'rec.json'), JSON.stringify({ note: CANARY }));
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: root });
  return { root, outside };
}

function put(root: string, path: string, text: string | Buffer): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

function link(root: string, path: string, target: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  symlinkSync(target, join(root, path));
}

/** The built CLI in `cwd` with a 256 MiB heap and a 20 s limit: a blow-up or a hang fails here. `input` is its standard input (hook payloads). */
function run(cwd: string, args: string[], input?: string): ChildRun {
  const child = spawnSync(process.execPath, ['--max-old-space-size=256', BUILT_CLI, ...args], { cwd, encoding: 'utf8', timeout: 20_000, ...(input !== undefined ? { input } : {}) });
  return { code: child.status, stdout: child.stdout, stderr: child.stderr, signal: child.signal };
}

/** Every file under `folder` (relative paths, links not followed), for "nothing was written there". */
function tree(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return (readdirSync(folder, { recursive: true }) as string[]).sort();
}

/** A Claude Code PreToolUse/PostToolUse payload of an Edit (the fields its hooks reference documents). */
function claudeEdit(event: 'PreToolUse' | 'PostToolUse', cwd: string, filePath: string, oldString: string, newString: string, id = 'toolu_1'): string {
  return JSON.stringify({
    session_id: 's-1',
    cwd,
    hook_event_name: event,
    tool_name: 'Edit',
    tool_input: { file_path: filePath, old_string: oldString, new_string: newString },
    tool_use_id: id,
    ...(event === 'PostToolUse' ? { tool_response: { success: true } } : {}),
  });
}

/** The provenance records on disk as `path:start-end agent`, sorted. */
function recordedRanges(root: string): string[] {
  const folder = join(root, '.comprehension/provenance');
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => name.endsWith('.json') && !name.startsWith('.'))
    .map((name) => {
      const rec = JSON.parse(readFileSync(join(folder, name), 'utf8')) as { files: { path: string; conversations: { contributor?: unknown; ranges: { start_line: number; end_line: number }[] }[] }[]; metadata: { comprehension: { agent: string } } };
      const range = rec.files[0].conversations[0].ranges[0];
      return `${rec.files[0].path}:${range.start_line}-${range.end_line} ${rec.metadata.comprehension.agent}`;
    })
    .sort();
}

/** Asserts a clean, bounded finish with `code`: not killed, no stack trace, the canary never shown. */
function expectExit(result: ChildRun, code: number): void {
  assert.equal(result.signal, null, `killed by ${result.signal} (timeout or memory): ${result.stderr}`);
  assert.equal(result.code, code, `exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  const all = result.stdout + result.stderr;
  assert.doesNotMatch(all, /\n\s+at .+:\d+:\d+\)?\n/, 'a stack trace');
  assert.doesNotMatch(all, /internal error|Maximum call stack/);
  assert.ok(!all.includes(CANARY), 'text from outside the workspace reached the output');
}

function outsideSnapshot(outside: string): string {
  return readdirSync(outside)
    .map((name) => `${name}:${statSync(join(outside, name)).mtimeMs}:${readFileSync(join(outside, name), 'utf8')}`)
    .join('\n');
}

function record(id: string, path: string): string {
  return JSON.stringify({
    version: '0.1.0',
    id,
    timestamp: new Date().toISOString(),
    tool: { name: 'comprehension-first' },
    files: [{ path, conversations: [{ contributor: { type: 'ai' }, ranges: [{ start_line: 1, end_line: 1 }] }] }],
    metadata: { comprehension: { source: 'agent-write', confidence: 'certain', agent: 'x', contentHash: 'h', lineHashes: ['h'] } },
  });
}

describe('hostile repositories', function () {
  this.timeout(60_000);

  after(() => {
    for (const folder of made) rmSync(folder, { recursive: true, force: true });
  });

  describe('the bounded reader', () => {
    it('refuses devices, FIFOs and links out of the root, and counts the size while reading', async () => {
      const { root, outside } = attack();
      link(root, 'zero', '/dev/zero');
      link(root, 'out', join(outside, 'x'));
      execFileSync('mkfifo', [join(root, 'fifo')]);
      put(root, 'big', Buffer.alloc(1000, 0x61));
      put(root, 'ok', 'fine');
      for (const read of [readBoundedFileSync, readBoundedFile]) {
        const started = Date.now();
        const zero = await read(join(root, 'zero'), { root });
        assert.equal(zero.kind === 'refused' && zero.cause, 'outside-root');
        // Without a root a device is still refused: a stat size of 0 is not trusted.
        const device = await read('/dev/zero');
        assert.equal(device.kind === 'refused' && device.cause, 'not-regular');
        const fifo = await read(join(root, 'fifo'), { root });
        assert.equal(fifo.kind === 'refused' && fifo.cause, 'not-regular');
        assert.match(fifo.kind === 'refused' ? fifo.reason : '', /fifo: refused: not a regular file/);
        const out = await read(join(root, 'out'), { root });
        assert.equal(out.kind === 'refused' && out.cause, 'outside-root');
        const big = await read(join(root, 'big'), { root, maxBytes: 999 });
        assert.equal(big.kind === 'refused' && big.cause, 'too-large');
        assert.equal((await read(join(root, 'big'), { root, maxBytes: 1000 })).kind, 'ok');
        const ok = await read(join(root, 'ok'), { root });
        assert.equal(ok.kind === 'ok' && ok.bytes.toString(), 'fine');
        assert.equal((await read(join(root, 'nothing'), { root })).kind, 'missing');
        assert.ok(Date.now() - started < 5000, 'a FIFO blocked the read');
      }
    });

    it('refuses the same links when folders are resolved once per pass (a check run)', () => {
      const { root, outside } = attack();
      link(root, 'zero', '/dev/zero');
      link(root, 'out', join(outside, 'x'));
      link(root, 'away', outside);
      put(root, 'sub/ok', 'fine');
      link(root, 'inner', join(root, 'sub/ok'));
      put(outside, 'y', 'secret outside');
      put(outside, 'deeper/z', 'secret outside');
      link(root, 'innerdir', join(root, 'sub'));
      put(root, 'sub/real/w', 'inside');
      execFileSync('mkfifo', [join(root, 'fifo')]);
      // Empty, as a one-off pass starts, and seeded with the root's real path, as a check thread starts.
      // And with each path taken as listed as a regular file (as the check's reads take them): a
      // link, FIFO or folder found there since is opened without following and refused all the same.
      for (const listedAsFile of [false, true])
      for (const realFolders of [new Map<string, string>(), seededRealFolders(root, { root: realpathSync.native(root), rootIsReal: true })])
      for (let pass = 0; pass < 2; pass++) {
        const read = (path: string) => readBoundedFileSync(join(root, path), { root, realFolders, listedAsFile });
        // A folder below a linked one is reached through the link: it leads out too.
        const belowLink = read('away/deeper/z');
        assert.equal(belowLink.kind === 'refused' && belowLink.cause, 'outside-root', 'a folder inside a linked folder leads out');
        const throughInnerLink = read('innerdir/real/w');
        assert.equal(throughInnerLink.kind === 'ok' && throughInnerLink.bytes.toString(), 'inside', 'a linked folder that stays inside is followed');
        const zero = read('zero');
        assert.equal(zero.kind === 'refused' && zero.cause, 'outside-root');
        const out = read('out');
        assert.equal(out.kind === 'refused' && out.cause, 'outside-root');
        const throughFolder = read('away/y');
        assert.equal(throughFolder.kind === 'refused' && throughFolder.cause, 'outside-root', 'a linked folder leads out');
        const fifo = read('fifo');
        assert.equal(fifo.kind === 'refused' && fifo.cause, 'not-regular');
        const ok = read('sub/ok');
        assert.equal(ok.kind === 'ok' && ok.bytes.toString(), 'fine');
        const inner = read('inner');
        assert.equal(inner.kind === 'ok' && inner.bytes.toString(), 'fine', 'a link that stays inside is followed');
        const folder = read('sub');
        assert.equal(folder.kind === 'refused' && folder.cause, 'folder');
        assert.equal(read('sub/none').kind, 'missing');
        assert.ok(realFolders.size >= 2, 'folders were remembered');
      }
    });

    it('confines reads to a root resolved once as it does to one resolved per read, the root itself reached by a link', () => {
      const { root, outside } = attack();
      put(root, 'sub/ok', 'fine');
      link(root, 'out', join(outside, 'x'));
      const linkedRoot = `${root}-link`;
      symlinkSync(root, linkedRoot);
      const once = resolvedRoot(linkedRoot);
      assert.deepEqual(once, { root: realpathSync.native(root), rootIsReal: true });
      for (const confinement of [{ root: linkedRoot }, once]) {
        const out = readBoundedFileSync(join(linkedRoot, 'out'), { ...confinement });
        assert.equal(out.kind === 'refused' && out.cause, 'outside-root');
        const ok = readBoundedFileSync(join(linkedRoot, 'sub/ok'), { ...confinement });
        assert.equal(ok.kind === 'ok' && ok.bytes.toString(), 'fine');
      }
      // A root that cannot be resolved now is left for each read to resolve, and report.
      assert.deepEqual(resolvedRoot(join(root, 'none')), { root: join(root, 'none') });
      assert.equal(readBoundedFileSync(join(root, 'none/x'), { ...resolvedRoot(join(root, 'none')) }).kind, 'missing');
    });

    it('a check thread whose root is gone reports each file unreadable, and throws nothing', () => {
      const { root } = attack();
      put(root, 'app/a.ts', 'export const a = 1;\n');
      const workspace = new PolicyWorkspace(join(root, 'app'), true);
      const reads = checkThreadReads(workspace.root);
      assert.deepEqual(reads.confinement, { root: realpathSync.native(join(root, 'app')), rootIsReal: true });
      assert.equal(reads.realFolders.size, 1);
      rmSync(join(root, 'app'), { recursive: true });
      const gone = checkThreadReads(workspace.root);
      assert.deepEqual(gone.confinement, { root: join(root, 'app') });
      assert.equal(gone.realFolders.size, 0);
      for (const confinement of [reads.confinement, gone.confinement, undefined]) {
        const outcome = checkOneFile(workspace, 'a.ts', [], () => undefined, { realFolders: new Map() }, confinement);
        assert.equal(outcome.kind === 'skipped' && outcome.reason, 'unreadable');
      }
    });

    it('lists the regular files of a folder only, confined to the root, and stops after a capped number of entries', () => {
      const { root, outside } = attack();
      put(root, 'mod/main.tf', 'x');
      put(root, 'mod/variables.tf', 'x');
      put(root, 'mod/sub/deep.tf', 'x');
      link(root, 'mod/linked.tf', join(outside, 'x'));
      link(root, 'mod/zero', '/dev/zero');
      execFileSync('mkfifo', [join(root, 'mod/fifo')]);
      link(root, 'away', outside);
      put(outside, 'y.tf', 'x');
      const listed = listBoundedFolderSync(join(root, 'mod'), { root, maxEntries: 100 });
      assert.deepEqual(listed, { kind: 'ok', names: ['main.tf', 'variables.tf'], truncated: false });
      const away = listBoundedFolderSync(join(root, 'away'), { root, maxEntries: 100 });
      assert.equal(away.kind === 'refused' && away.cause, 'outside-root', 'a linked folder leads out');
      assert.equal(listBoundedFolderSync(join(root, 'none'), { root, maxEntries: 100 }).kind, 'missing');
      assert.equal(listBoundedFolderSync(join(root, 'mod/main.tf'), { root, maxEntries: 100 }).kind, 'missing', 'a file is no folder');
      for (let index = 0; index < 50; index++) put(root, `many/f${index}`, 'x');
      const capped = listBoundedFolderSync(join(root, 'many'), { root, maxEntries: 10 });
      assert.ok(capped.kind === 'ok' && capped.truncated && capped.names.length === 10, 'ten entries read, and said to be cut');
    });
  });

  describe('links to /dev/zero and FIFOs', () => {
    it('a policy file linked to /dev/zero is a policy error (exit 2) naming it', () => {
      const { root } = attack();
      link(root, '.comprehension/policy.yaml', '/dev/zero');
      const result = run(root, ['check']);
      expectExit(result, 2);
      assert.match(result.stderr, /policy\.yaml: refused: it leads outside the workspace/);
    });

    it('a policy file that is a FIFO inside the workspace is refused at once', () => {
      const { root } = attack();
      execFileSync('mkfifo', [join(root, '.comprehension/policy.yaml')]);
      const result = run(root, ['check']);
      expectExit(result, 2);
      assert.match(result.stderr, /policy\.yaml: refused: not a regular file/);
    });

    it('a baseline, a package.json and a note linked to /dev/zero: the check finishes and says so', () => {
      const { root, outside } = attack();
      const before = outsideSnapshot(outside);
      link(root, '.comprehension/baseline.json', '/dev/zero');
      link(root, 'package.json', '/dev/zero');
      put(root, 'src/a.js', 'const { exec } = require("child_process");\nexec("ls " + x);\n');
      put(root, '.comprehension/provenance/rec1.json', record('rec1', 'src/a.js'));
      link(root, '.comprehension/notes/rec1.md', '/dev/zero');
      const result = run(root, ['check']);
      expectExit(result, 1);
      assert.match(result.stderr, /baseline ignored: .*baseline\.json: refused/);
      assert.match(result.stdout, /src\/a\.js:2:\d+: error security\/shell-injection/);
      assert.equal(outsideSnapshot(outside), before);
    });

    it('mark on a FIFO is refused at once (exit 2), nothing recorded', () => {
      const { root } = attack();
      execFileSync('mkfifo', [join(root, 'pipe.ts')]);
      const result = run(root, ['mark', '--file', 'pipe.ts', '--lines', '1-1', '--agent', 'x']);
      expectExit(result, 2);
      assert.match(result.stderr, /pipe\.ts: refused: not a regular file/);
      assert.deepEqual(readdirSync(join(root, '.comprehension')), []);
    });

    it('import --agent-trace of a FIFO or /dev/zero is refused at once (exit 2)', () => {
      const { root } = attack();
      execFileSync('mkfifo', [join(root, 'trace.jsonl')]);
      const fifo = run(root, ['import', '--agent-trace', 'trace.jsonl']);
      expectExit(fifo, 2);
      assert.match(fifo.stderr, /trace\.jsonl: refused: not a regular file/);
      const zero = run(root, ['import', '--agent-trace', '/dev/zero']);
      expectExit(zero, 2);
      assert.match(zero.stderr, /\/dev\/zero: refused: not a regular file/);
    });
  });

  describe('paths from records', () => {
    it('a record naming ../../dev/zero or ../outside/x is refused by report, named, and nothing outside is read', () => {
      const { root, outside } = attack();
      const before = outsideSnapshot(outside);
      put(root, 'src/a.js', 'let a = 1;\n');
      put(root, '.comprehension/provenance/zero.json', record('zero', '../../../../../../../dev/zero'));
      put(root, '.comprehension/provenance/out.json', record('out', '../outside/x'));
      link(root, '.comprehension/provenance/linked.json', join(outside, 'rec.json'));
      const result = run(root, ['report', '--format', 'json']);
      expectExit(result, 0);
      assert.match(result.stderr + result.stdout, /files\[0\]\.path` is refused: the path leads outside the workspace/);
      assert.match(result.stderr + result.stdout, /linked\.json: refused: it leads outside the workspace/);
      assert.ok(!result.stdout.includes('outside/x'));
      assert.equal(outsideSnapshot(outside), before);
    });
  });

  describe('one bad file never sinks the run, and the gate fails closed', () => {
    const deepParens = `x = ${'('.repeat(800)}1${')'.repeat(800)};\n`;
    const nestedIfs = (depth: number, braces: boolean): string => {
      let body = 'exec("ls " + x);\ndb.query("SELECT * FROM t WHERE id = " + id);\n';
      for (let i = 0; i < depth; i++) body = braces ? `if (a) {\n${body}}\n` : `if (a)\n${body}`;
      return `const { exec } = require("child_process");\n${body}`;
    };

    it('800-deep parentheses and 3,500 nested ifs: exit 1, both files named, the other findings kept', () => {
      const { root } = attack();
      put(root, 'deep.js', deepParens);
      put(root, 'ifs.js', nestedIfs(3500, true));
      put(root, 'bare-ifs.js', nestedIfs(3500, false));
      put(root, 'plain.js', 'const { exec } = require("child_process");\nexec("ls " + x);\n');
      const result = run(root, ['check']);
      expectExit(result, 1);
      for (const file of ['deep.js', 'ifs.js', 'bare-ifs.js']) {
        assert.match(result.stdout, new RegExp(`^${file.replace('.', '\\.')}:1:1: error comprehension/file-not-checked: ${file.replace('.', '\\.')} was not fully checked: `, 'm'));
      }
      assert.match(result.stdout, /^plain\.js:2:\d+: error security\/shell-injection/m);
      assert.match(result.stderr, /3 files could not be fully checked/);
    });

    it('a comment in the file itself cannot silence it, and check.failOnUncheckedFiles: false reports without failing', () => {
      const { root } = attack();
      put(root, 'deep.js', `// comprehension-ignore comprehension/file-not-checked: trust me\n${deepParens}`);
      const failing = run(root, ['check']);
      expectExit(failing, 1);
      assert.match(failing.stdout, /deep\.js:1:1: error comprehension\/file-not-checked/);
      put(root, '.comprehension/policy.yaml', 'check:\n  failOnUncheckedFiles: false\n');
      const passing = run(root, ['check']);
      expectExit(passing, 0);
      assert.match(passing.stdout, /deep\.js:1:1: error comprehension\/file-not-checked/);
    });

    it('gives the same findings in the main thread and in worker threads, at and beyond the depth limits', async () => {
      const { root } = attack();
      put(root, 'deep.js', deepParens);
      put(root, 'ifs.js', nestedIfs(3500, true));
      put(root, 'bare-ifs.js', nestedIfs(3500, false));
      // Just below the limits: checked fully, in both.
      put(root, 'near-ifs.js', nestedIfs(700, false));
      put(root, 'near-sum.js', `const { exec } = require("child_process");\nx = ${Array.from({ length: 1400 }, () => '1').join(' + ')};\nexec("ls " + x);\n`);
      for (let i = 0; i < 6; i++) put(root, `filler${i}.js`, 'let a = 1;\n');
      const workspace = new PolicyWorkspace(root, false);
      const files = ['deep.js', 'ifs.js', 'bare-ifs.js', 'near-ifs.js', 'near-sum.js', ...Array.from({ length: 6 }, (_, i) => `filler${i}.js`)];
      const main = await runCheck(workspace, { workers: 1 });
      const workers = await runCheck(workspace, { workers: 3 });
      const shape = (result: typeof main) => result.findings.map(({ path, finding }) => `${path}:${finding.startPosition.line + 1} ${finding.severity} ${finding.ruleId}`);
      assert.deepEqual(shape(workers), shape(main));
      assert.equal(main.filesChecked, files.length);
      const unchecked = main.findings.filter(({ finding }) => finding.ruleId === FILE_NOT_CHECKED_RULE_ID).map(({ path }) => path);
      assert.deepEqual(unchecked, ['bare-ifs.js', 'deep.js', 'ifs.js']);
      assert.ok(main.findings.some(({ path, finding }) => path === 'near-ifs.js' && finding.ruleId === 'security/shell-injection'));
      assert.ok(main.findings.some(({ path, finding }) => path === 'near-sum.js' && finding.ruleId === 'security/shell-injection'));
    });
  });

  describe('policies and custom rules', () => {
    it('a policy nested 10,000 brackets deep, or indented 2,000 columns, is a policy error with a position (exit 2)', () => {
      const { root } = attack();
      put(root, '.comprehension/policy.yaml', `rules:\n  x: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`);
      const flow = run(root, ['check']);
      expectExit(flow, 2);
      assert.match(flow.stderr, /policy\.yaml:2:\d+: error: The policy nests more than 32 brackets deep/);
      let deep = 'notes:\n';
      for (let level = 1; level < 2000; level += 50) deep += `${' '.repeat(level)}k${level}:\n`;
      put(root, '.comprehension/policy.yaml', deep);
      const indented = run(root, ['check']);
      expectExit(indented, 2);
      assert.match(indented.stderr, /policy\.yaml:\d+:129: error: The policy is indented more than 128 columns deep/);
    });

    it('an apostrophe in a plain scalar cannot hide a deep flow collection from the nesting check', () => {
      const { root } = attack();
      put(root, '.comprehension/policy.yaml', `customRules:\n  - id: custom/x\n    message: don't\n    pattern: a\nrules: ${'{a: '.repeat(5000)}1${'}'.repeat(5000)}\n`);
      const result = run(root, ['check']);
      expectExit(result, 2);
      assert.match(result.stderr, /nests more than 32 brackets deep/);
    });

    it('a custom pattern over 1,000 characters is a policy error at the pattern; a big file over the work budget is not checked by the rule', () => {
      const { root } = attack();
      const huge = `(${Array.from({ length: 2000 }, (_, i) => `w${i}`).join('|')})`;
      put(root, '.comprehension/policy.yaml', `customRules:\n  - id: custom/huge\n    message: no\n    pattern: '${huge}'\n`);
      const refused = run(root, ['check']);
      expectExit(refused, 2);
      assert.match(refused.stderr, /policy\.yaml:4:\d+: error: Invalid pattern \(RE2 syntax\): the pattern is \d+ characters long; at most 1000/);
      const long = `(${Array.from({ length: 150 }, (_, i) => `w${i}`).join('|')})`;
      put(root, '.comprehension/policy.yaml', `customRules:\n  - id: custom/long\n    message: no\n    severity: error\n    paths: ['*.txt']\n    pattern: '${long}'\n`);
      put(root, 'big.txt', 'word '.repeat(200_000));
      put(root, 'small.txt', 'w7\n');
      const result = run(root, ['check']);
      expectExit(result, 1);
      assert.match(result.stdout, /^big\.txt:1:1: error comprehension\/file-not-checked: big\.txt was not fully checked: rule custom\/long failed on it \(the file \(1000000 characters\) is too large for this pattern/m);
      assert.match(result.stdout, /^small\.txt:1:1: error custom\/long/m);
      // Without custom rules neither is judged by the pattern, in check, report and baseline alike.
      const plain = run(root, ['check', '--no-custom-rules']);
      expectExit(plain, 0);
      expectExit(run(root, ['report', '--no-custom-rules']), 0);
      expectExit(run(root, ['baseline', '--no-custom-rules']), 0);
    });
  });

  describe('the language server', () => {
    /** Rejects after `ms`: a hung server fails the test instead of stalling the suite. */
    const within = <T>(ms: number, promise: Promise<T>): Promise<T> =>
      Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);

    it('answers initialize with a policy linked to /dev/zero, and reports a deeply nested document as not checked', async () => {
      const { root } = attack();
      link(root, '.comprehension/policy.yaml', '/dev/zero');
      link(root, 'package.json', '/dev/zero');
      const client = new LspTestClient(undefined, ['--max-old-space-size=256']);
      try {
        await within(20_000, client.initialize(root, false));
        const uri = client.open(join(root, 'deep.js'), `x = ${'('.repeat(800)}1${')'.repeat(800)};\n`, 'javascript');
        const report = await within(20_000, client.pull(uri));
        const unchecked = report.items.filter((item) => item.code === FILE_NOT_CHECKED_RULE_ID);
        assert.equal(unchecked.length, 1, JSON.stringify(report.items));
        assert.equal(unchecked[0].severity, 1, 'an error, not an info');
        assert.match(unchecked[0].message, /deep\.js was not fully checked: brackets nested 800 deep/);
      } finally {
        await client.stop();
      }
    });
  });

  describe('silent holes', () => {
    it('a NUL byte beside a Stripe key does not hide it from the secrets rule', () => {
      const { root } = attack();
      put(root, 'config.js', `// generated\0\nconst stripe = "${STRIPE_KEY}";\n`);
      const result = run(root, ['check']);
      expectExit(result, 1);
      assert.match(result.stdout, /config\.js:2:\d+: error secrets\/hardcoded-secret/);
      assert.ok(!result.stdout.includes(STRIPE_KEY), 'the key itself was echoed');
    });

    it('skipped files are named in the text summary, the JSON report and as SARIF notifications', () => {
      const { root } = attack();
      put(root, 'logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0]));
      put(root, 'big.js', `// ${'x'.repeat(3000)}\n`);
      const text = run(root, ['check', '--max-file-size-kb', '1']);
      expectExit(text, 0);
      assert.match(text.stdout, /2 skipped\.\n {2}skipped big\.js: larger than the size limit \(--max-file-size-kb\)\n {2}skipped logo\.png: binary\n/);
      const json = JSON.parse(run(root, ['check', '--format', 'json', '--max-file-size-kb', '1']).stdout) as { summary: { skippedFiles: string[] } };
      assert.deepEqual(json.summary.skippedFiles, ['big.js: larger than the size limit (--max-file-size-kb)', 'logo.png: binary']);
      const sarif = JSON.parse(run(root, ['check', '--format', 'sarif', '--max-file-size-kb', '1']).stdout) as {
        runs: { invocations: { toolExecutionNotifications: { message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] }[];
      };
      const notes = sarif.runs[0].invocations[0].toolExecutionNotifications;
      assert.deepEqual(notes.map((note) => [note.message.text, note.locations[0].physicalLocation.artifactLocation.uri]), [
        ['Not checked: big.js: larger than the size limit (--max-file-size-kb)', 'big.js'],
        ['Not checked: logo.png: binary', 'logo.png'],
      ]);
    });

    it('--root that does not exist, and --output into a missing folder or /dev/full, are clean exit-2 messages', () => {
      const { root } = attack();
      const missingRoot = run(root, ['check', '--root', join(root, 'nonexistent')]);
      expectExit(missingRoot, 2);
      assert.match(missingRoot.stderr, /--root .*nonexistent: no such folder/);
      const missingFolder = run(root, ['check', '--output', 'no/such/folder/out.txt']);
      expectExit(missingFolder, 2);
      assert.match(missingFolder.stderr, /--output no\/such\/folder\/out\.txt: cannot write the report: its folder does not exist/);
      const full = run(root, ['check', '--format', 'json', '--output', '/dev/full']);
      expectExit(full, 2);
      assert.match(full.stderr, /--output \/dev\/full: cannot write the report: no space left on the device/);
      const report = run(root, ['report', '--output', 'no/such/folder/r.md']);
      expectExit(report, 2);
    });

    it('a damaged baseline holding a token is reported without quoting it', () => {
      const { root } = attack();
      const token = ['ghp', '9NoPOUxq3M1kTzWc8eR7yB2nLd5vJ0aHsGf4'].join('_');
      put(root, '.comprehension/baseline.json', `${token} and more`);
      const result = run(root, ['check']);
      // The token itself is found by the secrets rule (masked); the parse error says where, not what.
      expectExit(result, 1);
      assert.match(result.stderr, /baseline ignored: .*baseline\.json is not valid JSON/);
      assert.ok(!(result.stdout + result.stderr).includes(token.slice(0, 8)), 'the damaged file was quoted');
    });
  });
  describe('writes that would follow a link out of the workspace', () => {
    it('the atomic writer, given the root, refuses a folder a link leads out of (sync and async) and creates nothing through it', async () => {
      const { root, outside } = attack();
      const before = outsideSnapshot(outside);
      link(root, 'linked', outside);
      link(root, 'dangling', join(outside, 'nothing'));
      for (const path of ['linked/a.json', 'linked/deeper/a.json', 'dangling/a.json', 'dangling/deeper/a.json']) {
        await assert.rejects(writeFileAtomic(join(root, path), '{}', { root }), (error: Error) => error instanceof WriteRefusedError && error.message.includes('refused to write'), path);
        assert.throws(() => writeFileAtomicSync(join(root, path), '{}', { root }), WriteRefusedError, path);
      }
      assert.equal(outsideSnapshot(outside), before);
      assert.ok(!existsSync(join(outside, 'deeper')) && !existsSync(join(outside, 'nothing')), 'a folder was created through the link');
      // A link at the target itself is replaced, never written through.
      link(root, 'file.json', join(outside, 'x'));
      await writeFileAtomic(join(root, 'file.json'), '{}', { root });
      assert.equal(readFileSync(join(root, 'file.json'), 'utf8'), '{}');
      assert.equal(outsideSnapshot(outside), before);
      await writeFileAtomic(join(root, 'inside/new/a.json'), '{}', { root });
      assert.equal(readFileSync(join(root, 'inside/new/a.json'), 'utf8'), '{}');
    });

    it('mark into a linked .comprehension/provenance is refused (exit 2) and nothing is written there', () => {
      const { root, outside } = attack();
      const before = outsideSnapshot(outside);
      put(root, 'src/a.ts', 'export const a = 1;\n');
      link(root, '.comprehension/provenance', outside);
      const result = run(root, ['mark', '--file', 'src/a.ts', '--lines', '1-1', '--agent', 'x']);
      expectExit(result, 2);
      assert.match(result.stderr, /comprehension mark: .*refused to write: .*\.comprehension\/provenance leads outside the workspace/);
      assert.equal(outsideSnapshot(outside), before);
    });

    it('mark and baseline through a linked .comprehension folder are refused (exit 2)', () => {
      const { root, outside } = attack();
      const target = join(outside, 'data');
      mkdirSync(target);
      rmSync(join(root, '.comprehension'), { recursive: true });
      link(root, '.comprehension', target);
      put(root, 'src/a.ts', 'export const a = 1;\n');
      const mark = run(root, ['mark', '--file', 'src/a.ts', '--lines', '1-1', '--agent', 'x']);
      expectExit(mark, 2);
      assert.match(mark.stderr, /refused to write: .*leads outside the workspace/);
      const baseline = run(root, ['baseline']);
      expectExit(baseline, 2);
      assert.match(baseline.stderr, /baseline\.json: refused to write: .*leads outside the workspace/);
      assert.deepEqual(tree(target), []);
    });

    it('a hook with a linked .comprehension/.cache or provenance exits 0, records nothing there, and says why only with --verbose', () => {
      const { root, outside } = attack();
      const before = outsideSnapshot(outside);
      put(root, 'src/a.ts', 'export const a = 1;\n');
      const file = join(root, 'src/a.ts');
      link(root, '.comprehension/.cache', outside);
      const quiet = run(root, ['hook', 'claude'], claudeEdit('PreToolUse', root, file, 'a = 1', 'a = 2'));
      expectExit(quiet, 0);
      assert.equal(quiet.stderr, '');
      const verbose = run(root, ['hook', 'claude', '--verbose'], claudeEdit('PreToolUse', root, file, 'a = 1', 'a = 2'));
      expectExit(verbose, 0);
      assert.match(verbose.stderr, /\.cache\/hooks\/[0-9a-f]+\.json: refused to write: .*leads outside the workspace.*nothing recorded/);
      assert.equal(outsideSnapshot(outside), before);

      rmSync(join(root, '.comprehension/.cache'));
      link(root, '.comprehension/provenance', outside);
      put(root, 'src/a.ts', 'export const a = 2;\n');
      const post = run(root, ['hook', 'cursor', '--verbose'], JSON.stringify({ hook_event_name: 'afterFileEdit', file_path: file, edits: [{ old_string: 'a = 1', new_string: 'a = 2' }], conversation_id: 'c', generation_id: 'g', workspace_roots: [root] }));
      expectExit(post, 0);
      assert.match(post.stderr, /provenance leads outside the workspace/);
      assert.equal(outsideSnapshot(outside), before);
    });

    it('hooks install into a linked .claude, .cursor, .github/hooks, .gemini or .codex is refused (exit 2); nothing is read or written there', () => {
      for (const [agent, folder] of [['claude', '.claude'], ['cursor', '.cursor'], ['copilot', '.github/hooks'], ['gemini', '.gemini'], ['codex', '.codex']] as const) {
        const { root, outside } = attack();
        writeFileSync(join(outside, 'settings.json'), JSON.stringify({ note: CANARY }));
        writeFileSync(join(outside, 'hooks.json'), JSON.stringify({ note: CANARY }));
        writeFileSync(join(outside, 'comprehension.json'), JSON.stringify({ note: CANARY }));
        const before = outsideSnapshot(outside);
        link(root, folder, outside);
        const result = run(root, ['hooks', 'install', agent, '--command', 'comprehension']);
        expectExit(result, 2);
        assert.match(result.stderr, /refused: it leads outside the workspace/, agent);
        assert.equal(outsideSnapshot(outside), before, agent);
        // The missing-file case: nothing to read there, the write itself is refused.
        rmSync(join(outside, 'settings.json'));
        rmSync(join(outside, 'hooks.json'));
        rmSync(join(outside, 'comprehension.json'));
        const empty = run(root, ['hooks', 'install', agent, '--command', 'comprehension']);
        expectExit(empty, 2);
        assert.match(empty.stderr, /refused to write: .*leads outside the workspace/, agent);
        assert.deepEqual(tree(outside).filter((name) => name !== 'x' && name !== 'rec.json'), [], agent);
      }
    });

    it('the cache files of hooks install (.gitignore line, runtime) are not written through a linked .comprehension/.cache', () => {
      const { root, outside } = attack();
      const before = outsideSnapshot(outside);
      link(root, '.comprehension/.cache', outside);
      const result = run(root, ['hooks', 'install', 'claude']);
      expectExit(result, 2);
      assert.match(result.stderr, /refused to write: .*\.cache leads outside the workspace/);
      assert.equal(outsideSnapshot(outside), before);
    });
  });

  describe('hook payloads name files, not the workspace', () => {
    it('a payload cwd outside the repository gets nothing written there; the root comes from where the hook runs', () => {
      const { root, outside } = attack();
      const before = outsideSnapshot(outside);
      put(root, 'src/a.ts', 'export const a = 1;\n');
      for (const event of ['PreToolUse', 'PostToolUse'] as const) {
        const result = run(root, ['hook', 'claude', '--verbose'], claudeEdit(event, outside, join(outside, 'x'), 'a', 'b'));
        expectExit(result, 0);
        assert.match(result.stderr, /the payload's cwd ".*outside" is outside the workspace .*repo; ignored/);
      }
      assert.ok(!existsSync(join(outside, '.comprehension')), 'a .comprehension folder was made outside');
      assert.equal(outsideSnapshot(outside), before);
      // A relative path of such a payload is taken in the workspace, never in the claimed cwd.
      put(root, 'src/a.ts', 'export const a = 2;\n');
      const relative = run(root, ['hook', 'claude'], claudeEdit('PostToolUse', outside, 'src/a.ts', 'a = 1', 'a = 2'));
      expectExit(relative, 0);
      assert.deepEqual(recordedRanges(root), ['src/a.ts:1-1 claude-code']);
      // A cwd inside the workspace (a subfolder) still resolves relative paths.
      put(root, 'src/b.ts', 'export const b = 1;\n');
      const sub = run(root, ['hook', 'claude'], claudeEdit('PostToolUse', join(root, 'src'), 'b.ts', 'x', 'b = 1'));
      expectExit(sub, 0);
      assert.deepEqual(recordedRanges(root), ['src/a.ts:1-1 claude-code', 'src/b.ts:1-1 claude-code']);
    });
  });

  describe('hook snapshots', () => {
    it('keep no text of the file (a .env with a key), and the diff afterwards still finds the changed lines', () => {
      const { root } = attack();
      const env = `DEBUG=1\nSTRIPE_KEY=${STRIPE_KEY}\nPORT=3000\n`;
      put(root, '.env', env);
      const file = join(root, '.env');
      expectExit(run(root, ['hook', 'claude'], claudeEdit('PreToolUse', root, file, 'PORT=3000', 'PORT=8080')), 0);
      const cache = join(root, '.comprehension/.cache/hooks');
      const kept = readdirSync(cache).map((name) => readFileSync(join(cache, name), 'utf8')).join('\n');
      assert.ok(kept.length > 0, 'no snapshot was taken');
      for (const line of env.split('\n').filter(Boolean)) assert.ok(!kept.includes(line), `the snapshot holds ${line.slice(0, 6)}…`);
      assert.ok(!kept.includes(STRIPE_KEY.slice(8)), 'the snapshot holds the key');
      put(root, '.env', env.replace('PORT=3000', 'PORT=8080\nHOST=0.0.0.0'));
      expectExit(run(root, ['hook', 'claude'], claudeEdit('PostToolUse', root, file, 'PORT=3000', 'PORT=8080\nHOST=0.0.0.0')), 0);
      assert.deepEqual(recordedRanges(root), ['.env:3-4 claude-code']);
      assert.deepEqual(readdirSync(cache), [], 'the snapshot is removed once used');
    });

    it('a line digest compares and diffs like the text, with a fresh salt each time', () => {
      const before = 'a\nb\nc\n';
      const after = 'a\nB\nc\nd\n';
      const digest = digestLines(before);
      assert.deepEqual(changedSince(digest, after), changedLineRanges(before, after));
      assert.deepEqual(changedSince(digestLines(''), after), changedLineRanges('', after));
      assert.ok(sameLines(digest, before));
      assert.ok(!sameLines(digest, after));
      assert.notDeepEqual(digestLines(before).hashes, digest.hashes, 'the same text hashes differently under another salt');
    });

    it('stale snapshots (over 24 h) are removed by every hook run, before or after, and by one that records nothing; fresh ones and other files stay', () => {
      const { root } = attack();
      const cache = join(root, '.comprehension/.cache/hooks');
      const old = (Date.now() - 25 * 3600 * 1000) / 1000;
      const payloads = [
        ['PreToolUse', claudeEdit('PreToolUse', root, join(root, 'a.ts'), 'a', 'b', 'p1')],
        ['PostToolUse', claudeEdit('PostToolUse', root, join(root, 'a.ts'), 'a', 'b', 'p2')],
        ['a tool that writes nothing', JSON.stringify({ session_id: 's', cwd: root, hook_event_name: 'PostToolUse', tool_name: 'Read', tool_input: { file_path: join(root, 'a.ts') } })],
      ];
      for (const [what, payload] of payloads) {
        put(root, '.comprehension/.cache/hooks/0123456789abcdef0123456789abcdef.json', '{"path":"a.ts","existed":false,"takenAt":"2020-01-01T00:00:00.000Z"}');
        utimesSync(join(cache, '0123456789abcdef0123456789abcdef.json'), old, old);
        put(root, '.comprehension/.cache/hooks/fedcba9876543210fedcba9876543210.json', '{"path":"b.ts","existed":false,"takenAt":"2020-01-01T00:00:00.000Z"}');
        put(root, '.comprehension/.cache/hooks/notes.txt', 'not a snapshot');
        utimesSync(join(cache, 'notes.txt'), old, old);
        expectExit(run(root, ['hook', 'claude'], payload), 0);
        const left = readdirSync(cache);
        assert.ok(!left.includes('0123456789abcdef0123456789abcdef.json'), `${what}: the stale snapshot stayed`);
        assert.ok(left.includes('fedcba9876543210fedcba9876543210.json'), `${what}: a fresh snapshot was removed`);
        assert.ok(left.includes('notes.txt'), `${what}: a file that is no snapshot was removed`);
      }
    });

    it('pruning does not follow a linked cache folder out of the workspace', () => {
      const { root, outside } = attack();
      const victim = join(outside, '0123456789abcdef0123456789abcdef.json');
      writeFileSync(victim, '{}');
      const old = (Date.now() - 25 * 3600 * 1000) / 1000;
      utimesSync(victim, old, old);
      mkdirSync(join(root, '.comprehension/.cache'), { recursive: true });
      link(root, '.comprehension/.cache/hooks', outside);
      expectExit(run(root, ['hook', 'claude'], claudeEdit('PostToolUse', root, join(root, 'a.ts'), 'a', 'b')), 0);
      assert.ok(existsSync(victim), 'a file outside the workspace was deleted');
    });
  });

  describe('orphan temp files of killed writers', () => {
    it('are removed on the next write to their folder when older than a minute; a fresh one (a write in progress) stays', () => {
      const { root } = attack();
      put(root, 'src/a.ts', 'export const a = 1;\n');
      const minutesAgo = (Date.now() - 2 * 60 * 1000) / 1000;
      const orphans = ['.comprehension/provenance/.rec.json.4242.0badf00d.tmp', '.comprehension/.baseline.json.4242.deadbeef.tmp'];
      const fresh = ['.comprehension/provenance/.rec.json.4243.00c0ffee.tmp', '.comprehension/.baseline.json.4243.0000beef.tmp'];
      for (const path of [...orphans, ...fresh]) put(root, path, '{"half":');
      for (const path of orphans) utimesSync(join(root, path), minutesAgo, minutesAgo);
      put(root, '.comprehension/provenance/.keep.tmp', 'not ours');
      utimesSync(join(root, '.comprehension/provenance/.keep.tmp'), minutesAgo, minutesAgo);
      expectExit(run(root, ['mark', '--file', 'src/a.ts', '--lines', '1-1', '--agent', 'x']), 0);
      expectExit(run(root, ['baseline']), 0);
      for (const path of orphans) assert.ok(!existsSync(join(root, path)), `${path} stayed`);
      for (const path of fresh) assert.ok(existsSync(join(root, path)), `${path} was removed while it may be in use`);
      assert.ok(existsSync(join(root, '.comprehension/provenance/.keep.tmp')), 'a file of another name was removed');
    });
  });

  describe('listing: unreadable folders and a repository git refuses', () => {
    it('names an unreadable folder as skipped and announces the walk without .gitignore (text, JSON, SARIF), run as another user', function () {
      // Root reads chmod-000 folders, so the check runs as `nobody` through setpriv: then the folder
      // is really unreadable, and git really refuses the root-owned repository ("dubious ownership").
      if (process.getuid?.() !== 0 || spawnSync('setpriv', ['--version']).status !== 0) this.skip();
      const { root } = attack();
      const base = dirname(root);
      chmodSync(base, 0o755);
      chmodSync(root, 0o755);
      put(root, 'ok.js', 'let ok = 1;\n');
      put(root, '.gitignore', 'ignored.js\n');
      put(root, 'ignored.js', 'let ignored = 1;\n');
      put(root, 'locked/inner.js', 'let inner = 1;\n');
      chmodSync(join(root, 'locked'), 0o000);
      const asNobody = (args: string[]): ChildRun => {
        const child = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--', process.execPath, '--max-old-space-size=256', BUILT_CLI, ...args], {
          cwd: root,
          encoding: 'utf8',
          timeout: 20_000,
          env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: base },
        });
        return { code: child.status, stdout: child.stdout, stderr: child.stderr, signal: child.signal };
      };
      try {
        const text = asNobody(['check']);
        expectExit(text, 0);
        assert.match(text.stdout, /^ {2}skipped locked: a folder that cannot be read \(EACCES\)$/m);
        assert.match(text.stderr, /^comprehension: warning: git could not list the files \(.*dubious ownership.*\); every file under the root was checked instead, \.gitignore not applied$/m);
        const json = JSON.parse(asNobody(['check', '--format', 'json']).stdout) as { summary: { skippedFiles: string[]; gitFallback?: string } };
        assert.deepEqual(json.summary.skippedFiles, ['locked: a folder that cannot be read (EACCES)']);
        assert.match(json.summary.gitFallback ?? '', /dubious ownership/);
        const sarif = JSON.parse(asNobody(['check', '--format', 'sarif']).stdout) as { runs: { invocations: { toolExecutionNotifications: { level: string; message: { text: string } }[] }[] }[] };
        const notes = sarif.runs[0].invocations[0].toolExecutionNotifications;
        assert.deepEqual(notes.map((note) => [note.level, note.message.text.replace(/\(.*\)/, '(…)')]), [
          ['warning', 'git could not list the files (…); every file under the root was checked instead, .gitignore not applied'],
          ['note', 'Not checked: locked: a folder that cannot be read (…)'],
        ]);
        // As root, git lists the repository: no announcement, .gitignore applied.
        const owner = run(root, ['check', '--format', 'json']);
        expectExit(owner, 0);
        assert.equal((JSON.parse(owner.stdout) as { summary: { gitFallback?: string } }).summary.gitFallback, undefined);
        assert.doesNotMatch(owner.stderr, /git could not list/);
      } finally {
        chmodSync(join(root, 'locked'), 0o755);
      }
    });
  });

  describe('paths with odd characters in the output', () => {
    const exec = 'const { exec } = require("child_process");\nexec("ls " + x);\n';

    it('SARIF URIs of names with #, ?, %, spaces and non-ASCII resolve back to the file', () => {
      const { root } = attack();
      const names = ['a#b.js', 'q?x.js', '100%.js', 'sp ace/ç é.js', 'c:d.js'];
      for (const name of names) put(root, name, exec);
      const result = run(root, ['check', '--format', 'sarif']);
      expectExit(result, 1);
      const sarif = JSON.parse(result.stdout) as { runs: { originalUriBaseIds: Record<string, { uri: string }>; results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
      const base = sarif.runs[0].originalUriBaseIds['%SRCROOT%'].uri;
      const resolved = sarif.runs[0].results.map((r) => fileURLToPath(new URL(r.locations[0].physicalLocation.artifactLocation.uri, base)));
      assert.deepEqual([...new Set(resolved)].sort(), names.map((name) => join(root, name)).sort());
      assert.equal(sarifUri('a b/#1?.js'), 'a%20b/%231%3F.js');
    });

    it('a newline in a file name cannot forge a line of the text output', () => {
      const { root } = attack();
      const name = 'evil\nforged.js:1:1: error security:forged.js';
      put(root, name, exec);
      put(root, 'big\nline.js', `// ${'x'.repeat(3000)}\n`);
      const result = run(root, ['check', '--max-file-size-kb', '1']);
      expectExit(result, 1);
      for (const line of result.stdout.split('\n').filter(Boolean)) {
        assert.match(line, /^(evil\\nforged\.js:1:1: error security:forged\.js:\d+:\d+: error |\d+ findings? |\s+skipped big\\nline\.js: )/, line);
      }
      assert.equal(printable('a\nb\u001b[31m\\n\u2028'), 'a\\nb\\u001b[31m\\\\n\\u2028');
      assert.equal(printable('plain\\path'), 'plain\\path', 'text with no control characters is left as it is');
    });
  });

  describe('baselined secrets and the scorecard', () => {
    it('a baselined live secret still counts in the secrets exposure, marked as baselined; the gate passes', () => {
      const { root } = attack();
      put(root, 'config.js', `const stripe = "${STRIPE_KEY}";\n`);
      expectExit(run(root, ['baseline']), 0);
      expectExit(run(root, ['check']), 0);
      const json = run(root, ['report', '--format', 'json']);
      expectExit(json, 0);
      const card = JSON.parse(json.stdout) as { secrets: { events: number; baselined: number }; findings: { total: number } };
      assert.deepEqual(card.secrets, { events: 1, insideAi: 0, baselined: 1 });
      assert.equal(card.findings.total, 0, 'the baseline still hides the finding from the finding figures');
      const markdown = run(root, ['report']);
      expectExit(markdown, 0);
      assert.match(markdown.stdout, /Secrets exposure events.*1.*1 accepted by the baseline \(still in the code\)/);
      assert.ok(!(json.stdout + markdown.stdout).includes(STRIPE_KEY));
    });
  });
});
