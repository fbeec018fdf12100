import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancellationTokenSource } from 'vscode-languageserver/node';
import { LspTestClient } from './lsp-client';
import { baselineEntriesFor, createBaseline, serializeBaseline } from '../../../src/core/check/baseline';
import { evaluate } from '../../../src/core/check/engine';
import { defaultPolicy } from '../../../src/core/policy/policy';
import { BUILTIN_RULES } from '../../../src/core/rules';

describe('language server over stdio', () => {
  let root: string;
  let client: LspTestClient;

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'cf-lsp-'));
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'fixture', dependencies: {} }));
    client = new LspTestClient();
    await client.initialize(root);
  });

  afterEach(async () => {
    await client.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('answers a pull after open, and again after an incremental edit', async () => {
    const uri = client.open(join(root, 'src/a.ts'), 'const x = 1;\nexport const y = eval("x + 1");\n');
    const first = await client.pull(uri);
    assert.equal(first.kind, 'full');
    const evalFinding = first.items.find((item) => item.code === 'security/eval');
    assert.ok(evalFinding, 'eval is reported');
    assert.equal(evalFinding.range.start.line, 1);
    // Replace `eval("x + 1")` on line 1 with `x + 1`.
    client.change(uri, 2, [{ range: { start: { line: 1, character: 17 }, end: { line: 1, character: 30 } }, text: 'x + 1' }]);
    const second = await client.pull(uri);
    assert.deepEqual(second.items.filter((item) => item.code === 'security/eval'), []);
  });

  it('offers a suppress-with-a-reason code action for a finding', async () => {
    const uri = client.open(join(root, 'src/b.ts'), '  eval(code);\n');
    const report = await client.pull(uri);
    const diagnostic = report.items.find((item) => item.code === 'security/eval');
    assert.ok(diagnostic);
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    })) as Array<{ title: string; command?: { command: string; arguments: Array<{ commentPrefix: string; indent: string; line: number }> } }>;
    const suppress = actions.find((action) => action.command?.command === 'comprehension.suppressWithReason');
    assert.ok(suppress, `actions: ${actions.map((a) => a.title).join(', ')}`);
    assert.equal(suppress.command?.arguments[0].commentPrefix, '// comprehension-ignore security/eval --');
    assert.equal(suppress.command?.arguments[0].indent, '  ');
    assert.equal(suppress.command?.arguments[0].line, 0);
  });

  it('shows the rule rationale on hover', async () => {
    const uri = client.open(join(root, 'src/c.ts'), 'eval(code);\n');
    await client.pull(uri);
    const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 2 } })) as {
      contents: { value: string };
    };
    assert.match(hover.contents.value, /\*\*security\/eval\*\*/);
    assert.match(hover.contents.value, /JSON\.parse/);
  });

  it('reports a broken policy file at its line and column, keeping the last valid policy', async () => {
    mkdirSync(join(root, '.comprehension'));
    const policyPath = join(root, '.comprehension/policy.yaml');
    const policyUri = client.open(policyPath, 'level: 1\nrules:\n  security/eval: off\n', 'yaml');
    assert.deepEqual((await client.pull(policyUri)).items, []);
    const fileUri = client.open(join(root, 'src/d.ts'), 'eval(code);\n');
    assert.deepEqual((await client.pull(fileUri)).items.filter((i) => i.code === 'security/eval'), [], 'the rule is off');
    // Break the policy: an unknown severity on line 3.
    client.change(policyUri, 2, [{ text: 'level: 1\nrules:\n  security/eval: loud\n' }]);
    const problems = (await client.pull(policyUri)).items;
    assert.equal(problems.length, 1);
    assert.equal(problems[0].code, 'policy/invalid');
    assert.equal(problems[0].range.start.line, 2);
    assert.equal(problems[0].range.start.character, 17);
    assert.match(problems[0].message, /last valid policy stays in force/);
    assert.deepEqual((await client.pull(fileUri)).items.filter((i) => i.code === 'security/eval'), [], 'still off: last valid policy');
  });

  it('pulling an unchanged, open policy file does not ask the client to refresh (no refresh loop)', async () => {
    mkdirSync(join(root, '.comprehension'));
    let refreshes = 0;
    client.connection.onRequest('workspace/diagnostic/refresh', () => {
      refreshes++;
      return null;
    });
    const policyUri = client.open(join(root, '.comprehension/policy.yaml'), 'level: 1\nrules:\n  security/eval: warning\n', 'yaml');
    // Opening it changes the policy (from the defaults): one refresh, sent right after that pull.
    await client.pull(policyUri);
    await client.pull(policyUri);
    const afterFirst = refreshes;
    assert.equal(afterFirst, 1);
    for (let i = 0; i < 5; i++) await client.pull(policyUri);
    // A later pull of another document flushes anything the server queued.
    await client.pull(client.open(join(root, 'src/z.ts'), 'export {};\n'));
    assert.equal(refreshes, afterFirst, 'the same policy text asks for no refresh');
  });

  it('reads a policy written without a watcher event on the next pull, and asks the client to pull the rest again', async () => {
    let refreshes = 0;
    let refreshed: () => void = () => {};
    client.connection.onRequest('workspace/diagnostic/refresh', () => {
      refreshes++;
      refreshed();
      return null;
    });
    const uri = client.open(join(root, 'src/w.ts'), 'eval(code);\n');
    const evalLines = async () => (await client.pull(uri)).items.filter((item) => item.code === 'security/eval').map((item) => item.severity);
    assert.deepEqual(await evalLines(), [1], 'the defaults: an error');
    // Written behind the server's back: no didChangeWatchedFiles follows (a lost watcher event).
    mkdirSync(join(root, '.comprehension'));
    writeFileSync(join(root, '.comprehension/policy.yaml'), 'level: 1\nrules:\n  security/eval: warning\n');
    const refresh = new Promise<void>((resolve) => (refreshed = resolve));
    assert.deepEqual(await evalLines(), [2], 'the policy on disk now');
    await refresh; // the other open documents are pulled again (mocha's timeout bounds the wait)
    assert.equal(refreshes, 1);
    assert.deepEqual(await evalLines(), [2]);
    // A later pull of another document flushes anything the server queued.
    await client.pull(client.open(join(root, 'src/v.ts'), 'export {};\n'));
    assert.equal(refreshes, 1, 'an unchanged file asks for no refresh');
    rmSync(join(root, '.comprehension/policy.yaml'));
    assert.deepEqual(await evalLines(), [1], 'deleted: the defaults again');
  });

  it('asks for no refresh on every pull when the policy folder cannot be looked into (no refresh loop)', async () => {
    // A file where the folder should be: every look at .comprehension/baseline.json fails with ENOTDIR.
    writeFileSync(join(root, '.comprehension'), 'not a folder\n');
    await client.stop();
    client = new LspTestClient();
    let refreshes = 0;
    client.connection.onRequest('workspace/diagnostic/refresh', () => {
      refreshes++;
      return null;
    });
    await client.initialize(root);
    const uri = client.open(join(root, 'src/n.ts'), 'eval(code);\n');
    for (let i = 0; i < 4; i++) assert.equal((await client.pull(uri)).items.filter((item) => item.code === 'security/eval').length, 1);
    await client.pull(client.open(join(root, 'src/m.ts'), 'export {};\n'));
    assert.equal(refreshes, 0);
  });

  it('reads a baseline written without a watcher event on the next pull', async () => {
    const text = 'eval(code);\n';
    const uri = client.open(join(root, 'src/b2.ts'), text);
    assert.equal((await client.pull(uri)).items.filter((item) => item.code === 'security/eval').length, 1);
    const findings = evaluate('src/b2.ts', text, { policy: defaultPolicy(), rules: BUILTIN_RULES }).findings;
    mkdirSync(join(root, '.comprehension'));
    writeFileSync(join(root, '.comprehension/baseline.json'), serializeBaseline(createBaseline(baselineEntriesFor('src/b2.ts', findings))));
    assert.deepEqual((await client.pull(uri)).items.filter((item) => item.code === 'security/eval'), [], 'baselined');
  });

  it('runs no custom rule in an untrusted workspace until trust is granted', async () => {
    await client.stop();
    client = new LspTestClient();
    mkdirSync(join(root, '.comprehension'));
    writeFileSync(join(root, '.comprehension/policy.yaml'), 'customRules:\n  - id: custom/no-todo\n    pattern: "TODO"\n    message: Resolve TODOs before merging.\n    severity: warning\n    paths: []\n');
    await client.initialize(root, false);
    const uri = client.open(join(root, 'src/t.ts'), '// TODO: later\nexport const x = 1;\n');
    assert.deepEqual((await client.pull(uri)).items.filter((item) => item.code === 'custom/no-todo'), [], 'untrusted: the workspace rule does not run');
    await client.connection.sendNotification('comprehension/trust', { trusted: true });
    const trusted = await client.pull(uri);
    assert.deepEqual(trusted.items.filter((item) => item.code === 'custom/no-todo').map((item) => item.range.start.line), [0]);
  });

  it('compiles an untrusted policy\'s patterns only once trust is granted (their errors appear then)', async () => {
    await client.stop();
    client = new LspTestClient();
    mkdirSync(join(root, '.comprehension'));
    const policyText = 'customRules:\n  - id: custom/broken\n    pattern: "(?<=x)y"\n    message: m\n';
    writeFileSync(join(root, '.comprehension/policy.yaml'), policyText);
    await client.initialize(root, false);
    const policyUri = client.open(join(root, '.comprehension/policy.yaml'), policyText, 'yaml');
    assert.deepEqual((await client.pull(policyUri)).items, [], 'untrusted: not compiled, so no RE2 error');
    await client.connection.sendNotification('comprehension/trust', { trusted: true });
    const problems = (await client.pull(policyUri)).items;
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /RE2 syntax/);
    assert.equal(problems[0].range.start.line, 2);
  });

  it('scopes trust to the workspace folders: a trusted window runs no custom rule of a folder outside them', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'cf-lsp-outside-'));
    try {
      const policy = 'customRules:\n  - id: custom/no-todo\n    pattern: "TODO"\n    message: Resolve TODOs.\n';
      for (const folder of [root, outside]) {
        mkdirSync(join(folder, '.comprehension'), { recursive: true });
        writeFileSync(join(folder, '.comprehension/policy.yaml'), policy);
      }
      await client.stop();
      client = new LspTestClient();
      await client.initialize(root, true);
      const inside = client.open(join(root, 'src/in.ts'), '// TODO: later\n');
      assert.equal((await client.pull(inside)).items.filter((item) => item.code === 'custom/no-todo').length, 1, 'the workspace folder is trusted');
      const foreign = client.open(join(outside, 'out.ts'), '// TODO: later\neval(x);\n');
      const items = (await client.pull(foreign)).items;
      assert.deepEqual(items.filter((item) => item.code === 'custom/no-todo'), [], 'a folder outside the workspace is not trusted');
      assert.ok(items.some((item) => item.code === 'security/eval'), 'built-in rules still run there');
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('honours cancellation of a diagnostic pull', async () => {
    const uri = client.open(join(root, 'src/e.ts'), 'eval(code);\n');
    const source = new CancellationTokenSource();
    const pending = client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } }, source.token);
    source.cancel();
    await assert.rejects(pending, (error: { code?: number }) => error.code === -32802 || error.code === -32800);
    // The next pull is answered normally.
    assert.ok((await client.pull(uri)).items.some((item) => item.code === 'security/eval'));
  });
});
