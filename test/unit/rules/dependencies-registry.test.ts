import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../src/cli/cli';
import '../../../src/cli/commands';
import { runCheck } from '../../../src/core/check/check-run';
import { defaultRegistryCacheDir, RegistryClient } from '../../../src/core/rules/dependencies/registry';
import { parseNpmrc, type RegistryCheckOptions } from '../../../src/core/rules/dependencies/registry-check';
import { PolicyWorkspace } from '../../../src/core/workspace/policy-workspace';
import { TempWorkspaces } from './temp-workspace';

const DAY = 24 * 60 * 60 * 1000;
/** The fixed "now" of these tests, so ages are exact. */
const NOW = Date.parse('2026-12-06T00:00:00Z');
const iso = (daysAgo: number): string => new Date(NOW - daysAgo * DAY).toISOString();

/**
 * Recorded registry answers, shaped like npm's: the abbreviated document (no `time`) for the
 * install Accept header, the full one otherwise; download points under /downloads/.
 */
const PACKUMENTS: Record<string, { abbreviated: object; full: object }> = {
  'left-pad': { abbreviated: { name: 'left-pad', modified: iso(400), versions: { '1.3.0': {} } }, full: { name: 'left-pad', time: { created: iso(3000), modified: iso(400) } } },
  'fresh-squat': { abbreviated: { name: 'fresh-squat', modified: iso(2), versions: { '0.0.1': {} } }, full: { name: 'fresh-squat', time: { created: iso(5), modified: iso(2) } } },
  'busy-new': { abbreviated: { name: 'busy-new', modified: iso(1), versions: {} }, full: { name: 'busy-new', time: { created: iso(200), modified: iso(1) } } },
  '@scope/pkg': { abbreviated: { name: '@scope/pkg', modified: iso(90), versions: {} }, full: { name: '@scope/pkg', time: { created: iso(900) } } },
};
const DOWNLOADS: Record<string, number> = { 'left-pad': 250_000, 'fresh-squat': 3, 'busy-new': 80_000, '@scope/pkg': 12 };

interface Registry {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 serving the recorded answers, counting what was asked. */
async function startRegistry(): Promise<Registry> {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    const url = decodeURIComponent(request.url ?? '/');
    requests.push(url);
    const send = (status: number, body: object): void => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (url.startsWith('/downloads/')) {
      const name = url.slice('/downloads/'.length);
      if (name in DOWNLOADS) send(200, { downloads: DOWNLOADS[name], package: name });
      else send(404, { error: `package ${name} not found` });
      return;
    }
    if (url === '/private-thing') return send(401, { error: 'unauthorized' });
    const packument = PACKUMENTS[url.slice(1)];
    if (!packument) return send(404, { error: 'Not found' });
    send(200, String(request.headers.accept).startsWith('application/vnd.npm.install-v1+json') ? packument.abbreviated : packument.full);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on: a server is started and closed, so connecting is refused. */
async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/`;
}

const workspaces = new TempWorkspaces('cf-deps-reg-');
const make = (files: Record<string, string | object>): string => workspaces.make(files);

const WORKSPACE = {
  'package.json': {
    name: 'app',
    workspaces: ['packages/*'],
    dependencies: { 'left-pad': '^1.3.0', 'fresh-squat': '^0.0.1', 'react-codeshift': '^1.0.0', lp: 'npm:left-pad@^1', local: 'file:../local', sib: '*' },
    devDependencies: { '@scope/pkg': '^1', '@corp/tools': '^2', '@acme/ui': '^3', 'busy-new': '^1' },
  },
  'packages/sib/package.json': { name: 'sib', dependencies: { 'left-pad': '^1.3.0' } },
  '.npmrc': '@acme:registry=https://npm.acme.example/\n',
  '.comprehension/policy.yaml': "dependencies:\n  privateScopes: ['@corp']\n",
};

async function check(root: string, options: RegistryCheckOptions) {
  const workspace = new PolicyWorkspace(root, true);
  assert.deepEqual(workspace.loadPolicyFromDisk(), []);
  const result = await runCheck(workspace, { workers: 1, registryCheck: { userNpmrc: null, env: {}, now: () => NOW, ...options } });
  const registryFindings = result.findings.filter(({ finding }) => finding.ruleId === 'dependencies/registry');
  return { result, findings: registryFindings.map(({ path: file, finding }) => `${file}:${finding.startPosition.line + 1} ${finding.severity} ${finding.message}`) };
}

describe('dependencies/registry (--registry-check) against a local registry', () => {
  let registry: Registry;
  let cacheDir: string;
  before(async () => {
    registry = await startRegistry();
  });
  after(async () => {
    await registry.close();
    workspaces.removeAll();
  });
  beforeEach(() => {
    registry.requests.length = 0;
    cacheDir = make({});
  });

  it('reports a missing name at error, a days-old or barely downloaded one at warning with its figures, on the declaration line', async () => {
    const root = make(WORKSPACE);
    const { result, findings } = await check(root, { registry: registry.url, downloadsApi: `${registry.url}downloads/`, cacheDir });
    assert.deepEqual(findings.map((line) => line.replace(/ (error|warning) .*?'([^']+)'.*/, ' $1 $2')), [
      'package.json:8 warning fresh-squat',
      'package.json:9 error react-codeshift',
      'package.json:15 warning @scope/pkg',
    ]);
    const [fresh, missing, scoped] = findings;
    assert.match(fresh, /first published 5 days ago \(2026-12-01; policy dependencies\.minPackageAgeDays 30\) and downloaded 3 times last week/);
    assert.match(missing, /not on the npm registry \(127\.0\.0\.1:\d+\): a hallucinated name, or a private package — declare private scopes in policy dependencies\.privateScopes/);
    assert.match(scoped, /downloaded 12 times last week/);
    assert.doesNotMatch(scoped, /first published/);
    // Local, workspace, private-scope and scoped-registry names were never asked; the alias was asked as its target.
    assert.deepEqual(result.registryCheck, { registry: registry.url, checked: 5, skipped: 0, private: 2 });
    const asked = registry.requests.filter((url) => !url.startsWith('/downloads/')).sort();
    // busy-new and fresh-squat changed recently: their full documents were fetched for the creation time.
    assert.deepEqual(asked, ['/@scope/pkg', '/busy-new', '/busy-new', '/fresh-squat', '/fresh-squat', '/left-pad', '/react-codeshift']);
  });

  it('answers a second run from the cache, without a request, and a stale cache asks again', async () => {
    const root = make(WORKSPACE);
    const options = { registry: registry.url, downloadsApi: `${registry.url}downloads/`, cacheDir };
    const first = await check(root, options);
    const asked = registry.requests.length;
    assert.ok(asked > 0);
    const second = await check(root, options);
    assert.equal(registry.requests.length, asked, 'no request the second time');
    assert.deepEqual(second.findings, first.findings);
    assert.ok(fs.readdirSync(cacheDir).every((file) => file.endsWith('.json')), 'no temp file left behind');
    // A day later every answer is stale; a "not found" is stale after an hour already.
    await check(root, { ...options, now: () => NOW + 2 * 60 * 60 * 1000 });
    assert.deepEqual(registry.requests.slice(asked), ['/react-codeshift']);
    await check(root, { ...options, now: () => NOW + 25 * 60 * 60 * 1000 });
    assert.ok(registry.requests.length > asked + 1 + 5);
  });

  it('asks no download counts of a registry other than npmjs.org unless told where', async () => {
    const root = make(WORKSPACE);
    const { findings } = await check(root, { registry: registry.url, cacheDir });
    assert.equal(registry.requests.filter((url) => url.startsWith('/downloads/')).length, 0);
    assert.deepEqual(findings.map((line) => line.replace(/ (error|warning) .*?'([^']+)'.*/, ' $1 $2')), ['package.json:8 warning fresh-squat', 'package.json:9 error react-codeshift']);
  });

  it('offline: skips with the reason, finds nothing, and never throws', async () => {
    const root = make(WORKSPACE);
    const { result, findings } = await check(root, { registry: await closedPortUrl(), cacheDir, timeoutMs: 2000 });
    assert.deepEqual(findings, []);
    assert.equal(result.registryCheck?.checked, 0);
    assert.equal(result.registryCheck?.skipped, 5);
    assert.match(result.registryCheck?.reason ?? '', /^the registry 127\.0\.0\.1:\d+ could not be reached \(ECONNREFUSED\)$/);
  });

  it('a download-count API that cannot be reached costs the counts only, is said once, and leaves nothing cached', async () => {
    const root = make(WORKSPACE);
    const { result, findings } = await check(root, { registry: registry.url, downloadsApi: await closedPortUrl(), cacheDir });
    assert.deepEqual(findings.map((line) => line.replace(/ (error|warning) .*?'([^']+)'.*/, ' $1 $2')), ['package.json:8 warning fresh-squat', 'package.json:9 error react-codeshift']);
    assert.equal(result.registryCheck?.checked, 5);
    assert.equal(result.registryCheck?.reason, undefined);
    assert.match(result.registryCheck?.downloadsSkipped ?? '', /^the download counts 127\.0\.0\.1:\d+ could not be reached \(ECONNREFUSED\)$/);
    // Only the "not found" answer is complete without counts.
    assert.equal(fs.readdirSync(cacheDir).length, 1);
  });

  it('a registry that denies a well-known package is not believed: no "not on the registry" finding, one reason', async () => {
    const root = make({ 'package.json': { name: 'app', dependencies: { react: '18', 'react-codeshift': '1', 'fresh-squat': '1' } } });
    const { result, findings } = await check(root, { registry: registry.url, cacheDir });
    assert.deepEqual(findings.map((line) => line.replace(/ (error|warning) .*?'([^']+)'.*/, ' $1 $2')), ['package.json:6 warning fresh-squat']);
    assert.equal(result.registryCheck?.checked, 1);
    assert.equal(result.registryCheck?.skipped, 2);
    assert.match(result.registryCheck?.reason ?? '', /says the well-known package 'react' does not exist: it is not answering for npm/);
  });

  it('keeps at most the given number of requests in flight, and uses them all', async () => {
    const names = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7'];
    const held: http.ServerResponse[] = [];
    let answered = 0;
    let maxInFlight = 0;
    // Answers are held until as many requests as the limit allows are waiting: a client that
    // serialised would hang here (and time out). The first batch is then held a little longer, so
    // that a client sending more than the limit shows it in maxInFlight; a correct client only waits
    // (the delay can let a bug through, never fail a correct client).
    const release = (): void => {
      for (const waiting of held.splice(0)) {
        answered++;
        waiting.writeHead(404, { 'content-type': 'application/json' }).end('{}');
      }
    };
    const server = http.createServer((_request, response) => {
      held.push(response);
      maxInFlight = Math.max(maxInFlight, held.length);
      if (held.length === Math.min(3, names.length - answered)) {
        if (answered === 0) setTimeout(release, 150);
        else release();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const client = new RegistryClient({ registry: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, concurrency: 3, timeoutMs: 5000 });
      const lookup = await client.lookup(names);
      assert.equal(lookup.facts.size, 7);
      assert.equal(maxInFlight, 3);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('an HTTP error for one name skips that name and says so; the others are answered', async () => {
    const root = make({ 'package.json': { name: 'app', dependencies: { 'private-thing': '1', 'left-pad': '1' } } });
    const { result } = await check(root, { registry: registry.url, cacheDir });
    assert.equal(result.registryCheck?.checked, 1);
    assert.equal(result.registryCheck?.skipped, 1);
    assert.match(result.registryCheck?.reason ?? '', /1 of 2 packages got no answer \('private-thing': 127\.0\.0\.1:\d+ answered HTTP 401\)/);
  });

  it('the policy tunes the thresholds and the severity; off asks nothing', async () => {
    const root = make({
      ...WORKSPACE,
      '.comprehension/policy.yaml': "dependencies:\n  privateScopes: ['@corp']\n  minPackageAgeDays: 3\n  minWeeklyDownloads: 0\nrules:\n  dependencies/registry: warning\n",
    });
    const { findings } = await check(root, { registry: registry.url, downloadsApi: `${registry.url}downloads/`, cacheDir });
    assert.deepEqual(findings.map((line) => line.replace(/ (error|warning) .*?'([^']+)'.*/, ' $1 $2')), ['package.json:9 warning react-codeshift']);
    fs.writeFileSync(path.join(root, '.comprehension/policy.yaml'), 'rules:\n  dependencies/registry: off\n');
    registry.requests.length = 0;
    const off = await check(root, { registry: registry.url, cacheDir: make({}) });
    assert.deepEqual(off.findings, []);
    assert.deepEqual(registry.requests, []);
  });

  it('comprehension check --registry-check: text warning, JSON summary and SARIF notification when offline; findings when online', async () => {
    const root = make(WORKSPACE);
    const saved = { ...process.env };
    process.env.XDG_CACHE_HOME = cacheDir;
    delete process.env.npm_config_registry;
    delete process.env.NPM_CONFIG_REGISTRY;
    try {
      const run = async (...args: string[]) => {
        let stdout = '';
        let stderr = '';
        const code = await runCli(['check', '--root', root, ...args], { cwd: root, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
        return { code, stdout, stderr };
      };
      const offline = await closedPortUrl();
      const text = await run('--registry-check', '--registry', offline);
      assert.match(text.stderr, /comprehension: warning: registry check skipped: the registry 127\.0\.0\.1:\d+ could not be reached \(ECONNREFUSED\)/);
      const json = await run('--registry-check', '--registry', offline, '--format', 'json');
      const summary = (JSON.parse(json.stdout) as { summary: { registryCheck: { checked: number; skipped: number; reason: string } } }).summary;
      assert.equal(summary.registryCheck.checked, 0);
      assert.equal(summary.registryCheck.skipped, 5);
      assert.match(summary.registryCheck.reason, /could not be reached/);
      const sarif = JSON.parse((await run('--registry-check', '--registry', offline, '--format', 'sarif')).stdout) as {
        runs: { invocations: { toolExecutionNotifications?: { message: { text: string } }[] }[] }[];
      };
      const notes = sarif.runs[0].invocations[0].toolExecutionNotifications ?? [];
      assert.ok(notes.some((note) => /registry check skipped/.test(note.message.text)), JSON.stringify(notes));
      const online = await run('--registry-check', '--registry', registry.url);
      assert.equal(online.code, 1, 'a missing package fails the gate');
      assert.match(online.stdout, /package\.json:9:\d+: error dependencies\/registry: 'react-codeshift' is not on the npm registry/);
      assert.ok(fs.readdirSync(path.join(cacheDir, 'comprehension-first', 'registry')).length > 0, 'cached under XDG_CACHE_HOME');
      assert.ok(!fs.existsSync(path.join(root, 'comprehension-first')), 'nothing cached in the repository');
      const withoutFlag = await run('--format', 'json');
      assert.equal((JSON.parse(withoutFlag.stdout) as { summary: { registryCheck?: unknown } }).summary.registryCheck, undefined);
      assert.match((await run('--registry', registry.url).catch((error: Error) => ({ code: 2, stdout: '', stderr: error.message }))).stderr, /--registry needs --registry-check/);
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });

  it('reads registries from .npmrc and finds the user cache folder', () => {
    assert.deepEqual(parseNpmrc('# comment\nregistry = "https://r.example/"\n@a:registry=https://a.example/\n;registry=https://no/\n'), {
      registry: 'https://r.example/',
      scopedRegistries: new Set(['@a']),
    });
    assert.equal(defaultRegistryCacheDir({ XDG_CACHE_HOME: '/x' }, 'linux'), path.join('/x', 'comprehension-first', 'registry'));
    assert.equal(defaultRegistryCacheDir({}, 'linux'), path.join(os.homedir(), '.cache', 'comprehension-first', 'registry'));
  });

  it('does not buffer a document larger than the cap: the age is unknown, nothing is reported', async () => {
    const client = new RegistryClient({ registry: registry.url, maxDocumentBytes: 40, now: () => NOW });
    const lookup = await client.lookup(['fresh-squat']);
    // The abbreviated document itself is over 40 bytes: the name gets no answer rather than a guess.
    assert.match(lookup.unanswered.get('fresh-squat') ?? '', /larger than/);
  });
});
