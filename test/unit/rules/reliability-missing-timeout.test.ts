import * as assert from 'node:assert/strict';
import { MISSING_TIMEOUT_TRIGGERS, reliabilityMissingTimeout as rule } from '../../../src/core/rules/reliability/missing-timeout';
import { applyFix, assertParses, covered, lines, run, assertSameAtScale } from './syntax-rule-harness';
import { evaluate } from '../../../src/core/check/engine';
import { defaultPolicy } from '../../../src/core/policy/policy';

function fixed(path: string, text: string, findingIndex = 0, fixIndex = 0, options?: Record<string, unknown>): string {
  const findings = run(rule, path, text, options);
  const fix = findings[findingIndex]?.fixes?.[fixIndex];
  assert.ok(fix, `finding ${findingIndex} has no fix ${fixIndex}`);
  const result = applyFix(text, fix);
  assertParses(path, result);
  return result;
}

describe('rule reliability/missing-timeout', () => {
  it('declares itself as a syntax warning with a defaultTimeoutMs option', () => {
    assert.equal(rule.id, 'reliability/missing-timeout');
    assert.equal(rule.kind, 'syntax');
    assert.equal(rule.defaultSeverity, 'warning');
    assert.deepEqual(rule.defaultOptions, { defaultTimeoutMs: 10000 });
    assert.match(rule.rationale, /timeout/i);
  });

  describe('fetch', () => {
    it('reports fetch(url) and fixes it with an AbortSignal.timeout argument', () => {
      const text = [
        'export async function loadUser(id: string) {',
        '  const response = await fetch(`https://api.example.com/users/${id}`);',
        '  return response.json();',
        '}',
      ].join('\n');
      const findings = run(rule, 'src/users.ts', text);
      assert.deepEqual(lines(findings), [2]);
      assert.equal(findings[0].ruleId, 'reliability/missing-timeout');
      assert.equal(findings[0].severity, 'warning');
      assert.equal(covered(text, findings[0]), 'fetch');
      assert.equal(
        findings[0].message,
        '`fetch` has no timeout and waits forever on a stalled server. Pass `signal: AbortSignal.timeout(ms)`.',
      );
      assert.equal(findings[0].fixes?.[0].preferred, true);
      assert.equal(
        fixed('src/users.ts', text),
        text.replace('${id}`);', '${id}`, { signal: AbortSignal.timeout(10_000) });'),
      );
    });

    it('adds the signal into an existing one-line init object', () => {
      const text = "await fetch(url, { method: 'POST', body });\n";
      assert.equal(fixed('a.mjs', text), "await fetch(url, { method: 'POST', body, signal: AbortSignal.timeout(10_000) });\n");
    });

    it('adds the signal on its own line in a multi-line init, keeping the trailing comma', () => {
      const text = [
        'const res = await fetch(endpoint, {',
        "  method: 'POST',",
        "  headers: { 'content-type': 'application/json' },",
        '  body: JSON.stringify(payload), // the order',
        '});',
      ].join('\n');
      assert.deepEqual(lines(run(rule, 'client.ts', text)), [1]);
      assert.equal(
        fixed('client.ts', text),
        [
          'const res = await fetch(endpoint, {',
          "  method: 'POST',",
          "  headers: { 'content-type': 'application/json' },",
          '  body: JSON.stringify(payload), // the order',
          '  signal: AbortSignal.timeout(10_000),',
          '});',
        ].join('\n'),
      );
    });

    it('adds the signal after the last property of a multi-line init without a trailing comma', () => {
      const text = 'await fetch(url, {\n  method: "DELETE"\n});\n';
      assert.equal(fixed('a.js', text), 'await fetch(url, {\n  method: "DELETE",\n  signal: AbortSignal.timeout(10_000)\n});\n');
    });

    it('replaces an empty init object and uses the defaultTimeoutMs option', () => {
      const text = 'await fetch(url, {});\n';
      assert.equal(fixed('a.ts', text, 0, 0, { defaultTimeoutMs: 2500 }), 'await fetch(url, { signal: AbortSignal.timeout(2500) });\n');
      assert.equal(run(rule, 'a.ts', text, { defaultTimeoutMs: 2500 })[0].fixes?.[0].title, 'Add signal: AbortSignal.timeout(2500)');
    });

    it('follows a const init object in the same scope and fixes it there', () => {
      const text = ["const init = { headers: { accept: 'application/json' } };", 'const res = await fetch(url, init);'].join('\n');
      const findings = run(rule, 'a.ts', text);
      assert.deepEqual(lines(findings), [2]);
      assert.equal(
        fixed('a.ts', text),
        ["const init = { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(10_000) };", 'const res = await fetch(url, init);'].join('\n'),
      );
    });

    it('reports window.fetch, globalThis.fetch and node-fetch, cross-fetch and undici imports', () => {
      const text = [
        "const fetchPolyfill = require('node-fetch');",
        "import { fetch as undiciFetch } from 'undici';",
        'window.fetch(url);',
        'globalThis.fetch(url);',
        'fetchPolyfill(url);',
        'undiciFetch(url);',
      ].join('\n');
      assert.deepEqual(lines(run(rule, 'a.ts', text)), [3, 4, 5, 6]);
    });

    it("takes a call without a timeout beside the same call bounded as the caller's choice, as the Python rule does; not one alone", () => {
      const text = [
        'export async function get(url: string, timeoutMs?: number) {',
        '  if (timeoutMs !== undefined) return fetch(url, { signal: AbortSignal.timeout(timeoutMs) });',
        '  return fetch(url);',
        '}',
        'export async function post(url: string, body: string) {',
        '  await fetch(url, { method: "POST", body });',
        '  return fetch(url);',
        '}',
        'export async function head(url: string) { return fetch(url); }',
        'export async function two(url: string, other: string) {',
        '  await fetch(url, { signal: AbortSignal.timeout(1000) });',
        '  return fetch(other);',
        '}',
      ].join('\n');
      assert.deepEqual(lines(run(rule, 'src/http.ts', text)), [6, 7, 9, 12], 'another request in the same function is not the same call');
    });

    it("accepts node-fetch 2's timeout option (telegraf 4), and only node-fetch's", () => {
      const text = [
        "import fetch from 'node-fetch';",
        "import { fetch as undiciFetch } from 'undici';",
        'const res = await fetch(media.url, { agent, timeout: 500_000 });',
        'await undiciFetch(url, { timeout: 5000 });',
        'await globalThis.fetch(url, { timeout: 5000 });',
      ].join('\n');
      assert.deepEqual(lines(run(rule, 'src/core/network/client.ts', text)), [4, 5]);
    });

    it('accepts calls with a signal, an init it cannot see, or a Request object', () => {
      const text = [
        'const controller = new AbortController();',
        'await fetch(url, { signal: controller.signal });',
        'await fetch(url, { signal: AbortSignal.timeout(5000), method: "GET" });',
        'await fetch(url, { ...defaults });',
        'export function get(url: string, init: RequestInit) { return fetch(url, init); }',
        'await fetch(new Request(url, { signal }));',
        'export const fetchJson = (...args: Parameters<typeof fetch>) => fetch(...args).then((r) => r.json());',
      ].join('\n');
      assert.deepEqual(run(rule, 'a.ts', text), []);
    });

    it('sees the signal of a Request built in the same function, and reports a Request built without one', () => {
      const text = [
        'export async function a(url: string) { return fetch(new Request(url, { signal: AbortSignal.timeout(5000) })); }',
        'export async function b(url: string, signal: AbortSignal) { const req = new Request(url, { signal }); return fetch(req); }',
        'export async function c(url: string) { let req = new Request(url, { signal: AbortSignal.timeout(5000) }); return fetch(req); }',
        'export async function d(url: string) { let req; req = new Request(url, { signal: AbortSignal.timeout(5000) }); return fetch(req.clone()); }',
        'export async function e(url: string) { const base = new Request(url, { signal: AbortSignal.timeout(5000) }); return fetch(new Request(base, { method: "POST" }), { headers: {} }); }',
        'export async function f(request: Request) { return fetch(new Request(request, { method: "POST" })); }',
        'export async function g(url: string) { const req = new Request(url); return fetch(req); }',
        'export async function h(url: string) { let req = new Request(url, { method: "POST" }); return fetch(req); }',
      ].join('\n');
      const findings = run(rule, 'src/api.ts', text);
      assert.deepEqual(lines(findings), [7, 8]);
      assert.match(findings[0].message, /^`fetch` has no timeout/);
    });

    it('leaves a Request from elsewhere alone, whose signal the file does not show (msw 2\'s service worker and SSE client); not a URL', () => {
      const text = [
        'export async function proxy(request: Request) { return fetch(request); }',
        'export async function passthrough(req: Request, headers: Headers) { return fetch(req, { headers }); }',
        'self.addEventListener("fetch", (event) => { const requestClone = event.request.clone(); event.respondWith(fetch(requestClone, { headers })); });',
        'class EventSource { async connect() { await fetch(this[kRequest]); } }',
        'export async function get(url: string) { return fetch(url); }',
        'export async function load(input: string) { return fetch(input, { headers: {} }); }',
        'export async function rebuilt(request: Request) { request = new Request(request.url); return fetch(request); }',
      ].join('\n');
      assert.deepEqual(lines(run(rule, 'src/mockServiceWorker.ts', text)), [5, 6, 7]);
    });

    it('ignores fetch methods of other objects and a locally defined fetch', () => {
      const text = [
        'store.fetch(id);',
        'this.fetch(url);',
        'await queryClient.fetchQuery({ queryKey });',
        'function fetch(id) { return cache.get(id); }',
        'fetch(1);',
      ].join('\n');
      assert.deepEqual(run(rule, 'a.js', text), []);
    });

    it('in test code, a request to the server the test started is not reported (fastify 5 tests, 440 of them); one elsewhere still is', () => {
      const text = [
        "const { test } = require('node:test');",
        "const http = require('node:http');",
        "test('routes', async (t) => {",
        '  const fastifyServer = await fastify.listen({ port: 0 });',
        '  await fetch(fastifyServer);',
        "  await fetch(fastifyServer + '/first');",
        '  await fetch(`${fastifyServer}/test`, { method: "POST" });',
        '  await fetch(`http://localhost:${fastify.server.address().port}/test`);',
        "  await fetch('http://127.0.0.1:' + port);",
        "  http.get(`http://[::1]:${port}`, () => {});",
        "  await fetch('https://api.github.com/repos/fastify/fastify');",
        '  await fetch(`http://localhost.example.com/x`);',
        '  await fetch(remoteUrl);',
        '});',
      ].join('\n');
      const inTest = (path: string, inTestPath: boolean) => evaluate(path, text, { policy: defaultPolicy(), rules: [rule], inTestPath }).findings;
      assert.deepEqual(lines(inTest('test/routes.test.js', true)), [11, 12, 13]);
      // The same requests in source code are judged like any other.
      assert.equal(inTest('src/routes.js', false).length, 9);
    });
  });

  describe('axios', () => {
    it('reports axios.get without a config and adds one', () => {
      const text = ["import axios from 'axios';", '', 'export const getUser = (id: string) => axios.get(`/users/${id}`);'].join('\n');
      const findings = run(rule, 'a.ts', text);
      assert.deepEqual(lines(findings), [3]);
      assert.equal(covered(text, findings[0]), 'axios.get');
      assert.equal(
        findings[0].message,
        '`axios.get` has no timeout and axios waits forever by default. Set `timeout` in the request config.',
      );
      assert.equal(fixed('a.ts', text), text.replace('${id}`)', '${id}`, { timeout: 10_000 })'));
    });

    it('adds the config after the data argument of post, padding a missing data argument', () => {
      const text = ["const axios = require('axios');", "axios.post('/orders', order);", "axios.post('/ping');"].join('\n');
      assert.deepEqual(lines(run(rule, 'a.js', text)), [2, 3]);
      assert.equal(fixed('a.js', text, 0), text.replace('order);', 'order, { timeout: 10_000 });'));
      assert.equal(fixed('a.js', text, 1), text.replace("'/ping');", "'/ping', undefined, { timeout: 10_000 });"));
    });

    it('inserts timeout into an existing config object and into axios(config)', () => {
      const text = [
        "import axios from 'axios';",
        "await axios.get('/search', { params: { q } });",
        "await axios({ method: 'put', url: '/profile', data });",
        "await axios.request({ url: '/health' });",
      ].join('\n');
      assert.deepEqual(lines(run(rule, 'a.ts', text)), [2, 3, 4]);
      assert.equal(fixed('a.ts', text, 0), text.replace('{ params: { q } }', '{ params: { q }, timeout: 10_000 }'));
      assert.equal(fixed('a.ts', text, 1), text.replace('data }', 'data, timeout: 10_000 }'));
      assert.equal(fixed('a.ts', text, 2), text.replace("'/health' }", "'/health', timeout: 10_000 }"));
    });

    it('reports timeout: 0 and fixes the value', () => {
      const text = "import axios from 'axios';\naxios.get(url, { timeout: 0 });\n";
      const findings = run(rule, 'a.ts', text);
      assert.equal(
        findings[0].message,
        '`axios.get` has `timeout: 0`, which axios treats as no timeout: it waits forever. Set a limit in milliseconds.',
      );
      assert.equal(fixed('a.ts', text), "import axios from 'axios';\naxios.get(url, { timeout: 10_000 });\n");
    });

    it('accepts configs with timeout or signal, configs it cannot see, and axios.defaults.timeout', () => {
      const bounded = [
        "import axios from 'axios';",
        "await axios.get('/a', { timeout: 5000 });",
        "await axios.post('/b', body, { timeout: TIMEOUT_MS });",
        "await axios.get('/c', { signal: AbortSignal.timeout(5000) });",
        "await axios.get('/d', { ...requestDefaults });",
        "await axios.get('/e', config);",
      ].join('\n');
      assert.deepEqual(run(rule, 'a.ts', bounded), []);
      const withDefaults = ["const axios = require('axios');", 'axios.defaults.timeout = 8000;', "axios.get('/a');"].join('\n');
      assert.deepEqual(run(rule, 'a.js', withDefaults), []);
    });

    it('reports axios.create without timeout and each instance call, preferring the fix on the instance', () => {
      const text = [
        "import axios from 'axios';",
        '',
        'const api = axios.create({',
        "  baseURL: 'https://api.example.com',",
        '});',
        '',
        'export async function listOrders() {',
        "  const { data } = await api.get('/orders');",
        '  return data;',
        '}',
      ].join('\n');
      const findings = run(rule, 'api.ts', text);
      assert.deepEqual(lines(findings), [3, 8]);
      assert.equal(
        findings[0].message,
        '`axios.create` without `timeout`: every request through this instance can wait forever. Add a default `timeout`.',
      );
      assert.equal(
        findings[1].message,
        "`api.get` has no timeout: `api` comes from `axios.create` (line 3) without one. Set `timeout` on the instance or on this request.",
      );
      const instanceFixed = text.replace("'https://api.example.com',", "'https://api.example.com',\n  timeout: 10_000,");
      assert.equal(fixed('api.ts', text, 0), instanceFixed);
      assert.equal(findings[1].fixes?.length, 2);
      assert.equal(findings[1].fixes?.[0].preferred, true);
      assert.equal(fixed('api.ts', text, 1, 0), instanceFixed);
      assert.equal(fixed('api.ts', text, 1, 1), text.replace("api.get('/orders')", "api.get('/orders', { timeout: 10_000 })"));
    });

    it('fixes axios.create() with no arguments', () => {
      const text = "import axios from 'axios';\nexport const http = axios.create();\n";
      assert.equal(fixed('a.ts', text), "import axios from 'axios';\nexport const http = axios.create({ timeout: 10_000 });\n");
    });

    it('accepts instances with a default timeout, set at creation or through defaults', () => {
      const text = [
        "const axios = require('axios');",
        "const api = axios.create({ baseURL, timeout: 5_000 });",
        "api.get('/a');",
        'const other = axios.create({ baseURL });',
        'other.defaults.timeout = 3000;',
        "other.post('/b', body);",
      ].join('\n');
      assert.deepEqual(run(rule, 'a.js', text), []);
    });

    it('tracks instances stored on this in a class', () => {
      const text = [
        "import axios, { type AxiosInstance } from 'axios';",
        'export class BillingClient {',
        '  private readonly http: AxiosInstance;',
        '  constructor(baseURL: string) {',
        '    this.http = axios.create({ baseURL });',
        '  }',
        '  charge(amount: number) {',
        "    return this.http.post('/charges', { amount });",
        '  }',
        '}',
      ].join('\n');
      const findings = run(rule, 'billing.ts', text);
      assert.deepEqual(lines(findings), [5, 8]);
      assert.match(findings[1].message, /^`this\.http\.post` has no timeout: `this\.http` comes from `axios\.create` \(line 5\)/);
    });

    it('ignores get/post on objects that are not axios', () => {
      const text = [
        "import express from 'express';",
        'const app = express();',
        "app.get('/health', (req, res) => res.send('ok'));",
        "router.post('/orders', createOrder);",
        'const value = cache.get(key);',
        "const client = createClient(); client.get('/x');",
        "const api = makeApi(); api.get('/x');",
      ].join('\n');
      assert.deepEqual(run(rule, 'a.ts', text), []);
    });
  });

  describe('the words a file needs for the rule to run (textTriggers)', () => {
    // Each client named only by its module specifier: the URL is a variable, so no other trigger word is in the file.
    const clients: [string, string][] = [
      ["import nodeFetch from 'node-fetch';", 'nodeFetch(target);'],
      ["import { fetch as call } from 'undici';", 'call(target);'],
      ["const client = require('http');", 'client.get(target, onResponse);'],
      ['const client = require("https");', 'client.request(target, onResponse);'],
      ['const client = require(`http`);', 'client.get(target, onResponse);'],
      ["import { get } from 'node:http';", 'get(target, onResponse);'],
      ["import client from 'axios';", 'client.get(target);'],
      ["import client from 'got';", 'client(target);'],
      ["import client from 'superagent';", 'client.get(target);'],
      ["import client from 'ky';", 'client.get(target, { timeout: false });'],
    ];
    for (const [load, call] of clients) {
      it(`runs on a file that names its client only in \`${load}\``, () => {
        assert.deepEqual(lines(run(rule, 'a.js', [load, call].join('\n'))), [2]);
      });
    }

    it('runs on a file that spells the client or fetch with escapes', () => {
      const escaped = [
        ['\\u0066etch(target);'],
        ["const client = require('\\x68ttp');", 'client.get(target, onResponse);'],
        ["const client = require('\\u0068ttp');", 'client.get(target, onResponse);'],
        ["const client = require('ht\\\ntp');", 'client.get(target, onResponse);'],
        ["const client = require('\\150ttp');", 'client.get(target, onResponse);'],
      ];
      for (const source of escaped) {
        const text = source.join('\n');
        assert.equal(run(rule, 'a.js', text).length, 1, text);
      }
    });

    it('does not run on a file without any of them', () => {
      const text = ['// See http://example.com/license', 'const value = load(target);', 'export default value;'].join('\n');
      assert.equal(MISSING_TIMEOUT_TRIGGERS.some((word) => text.includes(word)), false);
      assert.deepEqual(run(rule, 'a.js', text), []);
    });
  });

  describe('node http and other clients', () => {
    it('reports http.get and https.request without timeout, CommonJS and ESM', () => {
      const text = [
        "const https = require('node:https');",
        "import { get } from 'http';",
        'https.request(url, (res) => res.pipe(out)).end();',
        "get('http://localhost:8080/status', onResponse);",
        "https.get({ hostname: 'example.com', path: '/' }, onResponse);",
      ].join('\n');
      const findings = run(rule, 'a.ts', text);
      assert.deepEqual(lines(findings), [3, 4, 5]);
      assert.equal(
        findings[0].message,
        '`https.request` has no timeout and waits forever on an idle socket. Pass `signal: AbortSignal.timeout(ms)` (or `timeout` and destroy the request on `timeout`).',
      );
    });

    it('accepts http calls with timeout, signal, a chained or later setTimeout, or options it cannot see', () => {
      const text = [
        "const http = require('http');",
        "http.get(url, { timeout: 5000 }, onResponse);",
        'http.get(url, { signal: AbortSignal.timeout(5000) }, onResponse);',
        'http.get(url, onResponse).setTimeout(5000, () => {});',
        'const req = http.request(url, onResponse);',
        'req.setTimeout(5000);',
        'http.request(requestOptions, onResponse);',
        'http.request({ ...base }, onResponse);',
      ].join('\n');
      assert.deepEqual(run(rule, 'a.js', text), []);
    });

    it('reports got without timeout and superagent without .timeout()', () => {
      const text = [
        "import got from 'got';",
        "import superagent from 'superagent';",
        "const body = await got('https://example.com/feed').json();",
        "const res = await superagent.get(url).set('accept', 'json');",
        'await got.post(url, { json: payload });',
      ].join('\n');
      const findings = run(rule, 'a.ts', text);
      assert.deepEqual(lines(findings), [3, 4, 5]);
      assert.equal(
        findings[0].message,
        '`got` has no timeout and got waits forever by default. Pass `timeout: { request: ms }`.',
      );
      assert.equal(
        findings[1].message,
        '`superagent.get` has no `.timeout()` and waits forever by default. Chain `.timeout(ms)`.',
      );
    });

    it('accepts got with timeout and superagent with .timeout()', () => {
      const text = [
        "const got = require('got');",
        "const request = require('superagent');",
        'await got(url, { timeout: { request: 5000 } });',
        'await request.post(url).send(body).timeout({ response: 5000, deadline: 30000 });',
      ].join('\n');
      assert.deepEqual(run(rule, 'a.js', text), []);
    });

    it('reports ky only when its default timeout is switched off', () => {
      const text = ["import ky from 'ky';", 'await ky.get(url).json();', 'await ky.post(url, { json, timeout: false });'].join('\n');
      const findings = run(rule, 'a.ts', text);
      assert.deepEqual(lines(findings), [3]);
      assert.equal(covered(text, findings[0]), 'timeout: false');
    });
  });

  it('judges every copy of a block in a 5,000-line file as it judges one copy (its speed: bench/rule-cost)', () => {
    const block = [
      "import axios from 'axios';",
      'export async function load$N(id: string) {',
      '  const res = await fetch(`/api/$N/${id}`, { headers: { accept: "json" } });',
      "  const other = await axios.get('/x', { timeout: 1000 });",
      '  for (const item of items) { total += item.price * item.count; }',
      '  return res.json();',
      '}',
    ].join('\n');
    assertSameAtScale(rule, 'big.ts', block, 5000);
  });
});
