import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readBoundedFileSync, readBoundedFile } from '../../../src/core/workspace/fs';
import { PolicyWorkspace } from '../../../src/core/workspace/policy-workspace';
import { runCheck } from '../../../src/core/check/check-run';
import { FILE_NOT_CHECKED_RULE_ID } from '../../../src/core/check/engine';
import { LspTestClient } from '../server/lsp-client';

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

/** The built CLI in `cwd` with a 256 MiB heap and a 20 s limit: a blow-up or a hang fails here. */
function run(cwd: string, args: string[]): ChildRun {
  const child = spawnSync(process.execPath, ['--max-old-space-size=256', BUILT_CLI, ...args], { cwd, encoding: 'utf8', timeout: 20_000 });
  return { code: child.status, stdout: child.stdout, stderr: child.stderr, signal: child.signal };
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
      const started = Date.now();
      const result = run(root, ['check']);
      expectExit(result, 1);
      assert.ok(Date.now() - started < 15_000);
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
});
