import * as assert from 'node:assert/strict';
import { reliabilityUnboundedRetry as rule } from '../../../src/core/rules/reliability/unbounded-retry';
import { covered, lines, run, assertSameAtScale } from './syntax-rule-harness';

const LOOP_MESSAGE =
  'Retry loop without an attempt limit: while the operation keeps failing it retries forever. ' +
  'Count attempts and throw after a maximum (with a growing delay between tries).';

describe('rule reliability/unbounded-retry', () => {
  it('declares itself as a syntax warning', () => {
    assert.equal(rule.id, 'reliability/unbounded-retry');
    assert.equal(rule.kind, 'syntax');
    assert.equal(rule.defaultSeverity, 'warning');
    assert.match(rule.rationale, /backoff/);
  });

  describe('loops', () => {
    it('reports while (true) that returns on success and sleeps on failure', () => {
      const text = [
        'export async function fetchWithRetry(url: string): Promise<Response> {',
        '  while (true) {',
        '    try {',
        '      return await fetch(url, { signal: AbortSignal.timeout(5000) });',
        '    } catch (error) {',
        "      console.warn('fetch failed, retrying', error);",
        '      await sleep(1000);',
        '    }',
        '  }',
        '}',
      ].join('\n');
      const findings = run(rule, 'src/http.ts', text);
      assert.deepEqual(lines(findings), [2]);
      assert.equal(findings[0].ruleId, 'reliability/unbounded-retry');
      assert.equal(findings[0].severity, 'warning');
      assert.equal(covered(text, findings[0]), 'while (true)');
      assert.equal(findings[0].message, LOOP_MESSAGE);
    });

    it('reports for (;;) with break, do … while (true) and a success flag (CommonJS)', () => {
      const text = [
        "const { setTimeout: delay } = require('node:timers/promises');",
        'async function connectForever(client) {',
        '  for (;;) {',
        '    try { await client.connect(); break; }',
        '    catch (e) { await delay(500); continue; }',
        '  }',
        '}',
        'async function readConfig() {',
        '  let text;',
        '  do {',
        "    try { text = await fs.promises.readFile('config.json', 'utf8'); } catch (e) { await delay(100); continue; }",
        '    return JSON.parse(text);',
        '  } while (true);',
        '}',
        'async function publish(message) {',
        '  let sent = false;',
        '  while (!sent) {',
        '    try {',
        '      await broker.publish(message);',
        '      sent = true;',
        '    } catch (err) {',
        '      await delay(1000);',
        '    }',
        '  }',
        '}',
      ].join('\n');
      const findings = run(rule, 'retry.js', text);
      assert.deepEqual(lines(findings), [3, 10, 17]);
      assert.equal(covered(text, findings[0]), 'for (;;)');
      assert.equal(covered(text, findings[1]), 'do');
      assert.equal(covered(text, findings[2]), 'while (!sent)');
    });

    it('reports a loop whose catch only filters error kinds', () => {
      const text = [
        'while (true) {',
        '  try {',
        '    return await db.connect();',
        '  } catch (error) {',
        "    if (error.code !== 'ECONNREFUSED') throw error;",
        '    await sleep(250);',
        '  }',
        '}',
      ].join('\n');
      assert.deepEqual(lines(run(rule, 'a.ts', text)), [1]);
    });

    it('accepts loops bounded by a counter, a named limit, a countdown or a deadline', () => {
      const text = [
        'for (let attempt = 1; attempt <= maxRetries; attempt++) {',
        '  try { return await op(); } catch (e) { await sleep(100 * 2 ** attempt); }',
        '}',
        'let attempt = 0;',
        'while (true) {',
        '  try { return await op(); }',
        '  catch (e) { if (++attempt >= MAX_ATTEMPTS) throw e; await sleep(backoff(attempt)); }',
        '}',
        'let i = 0;',
        'while (true) {',
        '  try { return await op(); }',
        '  catch (e) { i++; if (i > 3) throw e; }',
        '}',
        'let n = 5;',
        'for (;;) {',
        '  try { await op(); break; } catch (e) { if (!n--) throw e; }',
        '}',
        'const started = Date.now();',
        'while (true) {',
        '  try { const status = await poll(); if (status.done) return status; } catch (e) { log(e); }',
        '  if (Date.now() - started > 30_000) throw new Error("timed out");',
        '  await sleep(500);',
        '}',
      ].join('\n');
      assert.deepEqual(run(rule, 'a.ts', text), []);
    });

    it('accepts server and worker loops that never leave, and catches that leave', () => {
      const text = [
        'while (true) {',
        '  const socket = await server.accept();',
        '  handle(socket);',
        '}',
        'while (true) {',
        '  try {',
        '    const job = await queue.next();',
        '    await processJob(job);',
        '  } catch (error) {',
        '    logger.error({ error }, "job failed");',
        '    await sleep(1000);',
        '  }',
        '}',
        'while (true) {',
        '  try { return await op(); } catch (e) { logger.error(e); throw e; }',
        '}',
        'while (true) {',
        '  try { items.forEach((item) => { return item.id; }); } catch (e) {}',
        '}',
        'while (true) {',
        '  try { switch (state) { case "idle": break; } } catch (e) { await sleep(10); }',
        '}',
      ].join('\n');
      assert.deepEqual(run(rule, 'a.ts', text), []);
    });

    it('accepts loops that move on to another input until none is left, and bounds handed to a call or an abort signal (the Anthropic SDK); the same loops without them are reported', () => {
      const walkUp = [
        'async function makeDirAndAncestors(dir) {',
        '  let current = dir;',
        '  for (;;) {',
        '    try {',
        '      await fsp.stat(current);',
        '      break;',
        '    } catch (e) {',
        "      if (e.code !== 'ENOENT') throw e;",
        '    }',
        '    const parent = path.dirname(current);',
        '    if (parent === current) break;',
        '    current = parent;',
        '  }',
        '}',
      ].join('\n');
      const delegated = [
        'async function send(result) {',
        '  while (true) {',
        '    const attempt = this.attempts++;',
        '    try { await post(result); return undefined; }',
        '    catch (e) { if (isFatal4xx(e) || !(await this.waitToRetry(attempt))) return e; }',
        '  }',
        '}',
        'async function readSession(id, signal) {',
        '  for (;;) {',
        '    try { return await retrieve(id, { signal }); }',
        '    catch (e) { if (isFatal4xx(e) || signal.aborted) throw e; }',
        '    await sleep(1000, signal);',
        '  }',
        '}',
      ].join('\n');
      assert.deepEqual(run(rule, 'src/file-store.ts', walkUp), []);
      // Babel 7.29's source-map lookup: the `try` reads a path computed from the folder the loop walks up.
      const findUp = [
        'function findFile(name, cwd) {',
        '  let directory = path.resolve(cwd);',
        '  while (directory) {',
        '    const filePath = path.join(directory, name);',
        '    try { if (fs.statSync(filePath).isFile()) return filePath; } catch (_) {}',
        '    if (directory === root) break;',
        '    directory = path.dirname(directory);',
        '  }',
        '}',
      ].join('\n');
      assert.deepEqual(run(rule, 'src/find-up.js', findUp), []);
      assert.equal(run(rule, 'src/find-up.js', findUp.replace('    directory = path.dirname(directory);\n', '    other = path.dirname(other);\n')).length, 1, 'the folder the path is computed from never changes');
      const consume = 'function decodeAll(rest) {\n  const parts = [];\n  for (;;) {\n    try { return parts.concat(decode(rest)); }\n    catch (error) { parts.push(rest.slice(0, error.at)); rest = rest.slice(error.at + 1); }\n  }\n}';
      assert.deepEqual(run(rule, 'src/decode.ts', consume), [], 'the next input is computed from the last');
      assert.deepEqual(run(rule, 'src/worker.ts', delegated), []);
      // No test of the new input: a refreshed token is retried for as long as the server refuses it.
      const refresh = [
        'async function call(token) {',
        '  for (;;) {',
        '    try { return await api(token); }',
        '    catch (e) { if (e.status !== 401) throw e; token = await refreshToken(); }',
        '  }',
        '}',
      ].join('\n');
      assert.equal(run(rule, 'src/api.ts', refresh).length, 1);
      assert.equal(run(rule, 'src/file-store.ts', walkUp.replace('    if (parent === current) break;\n', '')).length, 1);
      assert.equal(run(rule, 'src/worker.ts', delegated.replace(' || signal.aborted', '').replace('this.waitToRetry(attempt)', 'this.waitToRetry()')).length, 2);
    });
  });

  describe('recursive retries', () => {
    it('reports a function that calls itself from its catch block', () => {
      const text = [
        'export async function connect(): Promise<void> {',
        '  try {',
        '    await client.connect();',
        '  } catch (error) {',
        '    await sleep(2000);',
        '    return connect();',
        '  }',
        '}',
      ].join('\n');
      const findings = run(rule, 'db.ts', text);
      assert.deepEqual(lines(findings), [6]);
      assert.equal(covered(text, findings[0]), 'connect()');
      assert.equal(
        findings[0].message,
        '`connect` calls itself from its error handler with no attempt limit: a lasting failure retries forever. Pass an attempt count and stop after a maximum.',
      );
    });

    it('reports self-calls from .catch, .then rejection handlers and scheduled timers', () => {
      const text = [
        'const subscribe = () => api.subscribe(topic).catch(() => subscribe());',
        'function load(url) {',
        '  return get(url).then(render, (err) => load(url));',
        '}',
        'class Feed {',
        '  async open() {',
        '    try { this.socket = await dial(this.url); }',
        '    catch (e) { setTimeout(() => this.open(), 1000); }',
        '  }',
        '}',
        'async function poll() {',
        '  try { await tick(); } catch (e) { setTimeout(poll, 5000); }',
        '}',
        'async function fetchData(url, options) {',
        '  if (url.length > 2000 || options) throw new Error("url too long");',
        '  for (let i = 0; i < options.headers.length; i++) check(options.headers[i]);',
        '  try { return await fetch(url); } catch { return fetchData(url); }',
        '}',
      ].join('\n');
      assert.deepEqual(lines(run(rule, 'a.js', text)), [1, 3, 8, 12, 17]);
    });

    it('accepts recursion bounded by a compared parameter, a flag parameter or a counter, self-replacing functions and recursion outside handlers', () => {
      const text = [
        'function retry(op, n) {',
        '  return op().catch((err) => (n > 0 ? retry(op, n - 1) : Promise.reject(err)));',
        '}',
        'async function withRetry<T>(fn: () => Promise<T>, { retries = 3 } = {}): Promise<T> {',
        '  try { return await fn(); } catch (error) {',
        '    if (retries <= 0) throw error;',
        '    return withRetry(fn, { retries: retries - 1 });',
        '  }',
        '}',
        'let reconnects = 0;',
        'function reconnect() {',
        '  try { socket.open(); } catch (e) { if (reconnects++ < 5) reconnect(); }',
        '}',
        'async function getToken(scopes, useBroker) {',
        '  try { return await app.acquire(scopes); }',
        '  catch (e) { if (useBroker) return getToken(scopes, false); throw e; }',
        '}',
        'class Poller {',
        '  pull() {',
        '    this.fetchAll().then(() => this.schedule(), (error) => {',
        '      this.errorCounter++;',
        '      if (this.errorCounter <= 5) setTimeout(() => this.pull(), 2000);',
        '    });',
        '  }',
        '}',
        'function bufferFrom(value) {',
        '  try { bufferFrom = Buffer.from; return bufferFrom(value); }',
        '  catch (e) { bufferFrom = legacyBufferFrom; return bufferFrom(value); }',
        '}',
        'function walk(node) { for (const child of node.children) walk(child); }',
        'function save() { try { write(); } catch (e) { report(e); } }',
      ].join('\n');
      assert.deepEqual(run(rule, 'a.ts', text), []);
    });

    it('a walk up the folders from a parameter is no retry (fs-extra 11\'s checkParentPaths); the same call with the same path still is', () => {
      const fsExtra = [
        'async function checkParentPaths(src, srcStat, dest, funcName) {',
        '  const srcParent = path.resolve(path.dirname(src));',
        '  const destParent = path.resolve(path.dirname(dest));',
        '  if (destParent === srcParent || destParent === path.parse(destParent).root) return;',
        '  let destStat;',
        '  try {',
        '    destStat = await fs.stat(destParent, { bigint: true });',
        '  } catch (err) {',
        '    if (err.code === "ENOENT") return checkParentPaths(src, srcStat, destParent, funcName);',
        '    throw err;',
        '  }',
        '  return checkParentPaths(src, srcStat, destParent, funcName);',
        '}',
        'function closestPackage(node) {',
        '  const up = node.parent;',
        '  if (!up) return undefined;',
        '  try { return read(up); } catch (e) { return closestPackage(up); }',
        '}',
      ].join('\n');
      assert.deepEqual(run(rule, 'stat.js', fsExtra), []);
      const same = [
        'async function ensure(dest) {',
        '  const parent = path.dirname(dest);',
        '  if (parent === "/") return;',
        '  try { await fs.mkdir(dest); } catch (err) { return ensure(dest); }',
        '}',
        'async function up(dest) {',
        '  const parent = path.dirname(dest);',
        '  try { await fs.stat(parent); } catch (err) { return up(parent); }',
        '}',
      ].join('\n');
      assert.deepEqual(lines(run(rule, 'a.js', same)), [4, 8]);
    });

    it('a poller that schedules its next run on success as on failure is no retry (Apollo Server\'s schema reporter); one that retries at once on failure still is', () => {
      const apollo = [
        'class SchemaReporter {',
        '  async sendOneReportAndScheduleNext(sendNextWithCoreSchema) {',
        '    if (this.stopped()) return;',
        '    try {',
        '      const result = await this.reportSchema(sendNextWithCoreSchema);',
        '      if (!result) return;',
        '      if (!this.stopped()) {',
        '        this.pollTimer = setTimeout(() => this.sendOneReportAndScheduleNext(result.withCoreSchema), result.inSeconds * 1000);',
        '      }',
        '      return;',
        '    } catch (error) {',
        '      this.logger.error(`Error reporting server info: ${error}`);',
        '      if (!this.stopped()) {',
        '        this.pollTimer = setTimeout(() => this.sendOneReportAndScheduleNext(false), this.fallbackReportingDelayInMs);',
        '      }',
        '    }',
        '  }',
        '}',
        'function tick() {',
        '  fetchAll().then(() => setTimeout(tick, 60000), () => setTimeout(tick, 5000));',
        '}',
      ].join('\n');
      assert.deepEqual(run(rule, 'reporter.ts', apollo), []);
      const hot = [
        'function sync() {',
        '  try { push(); setTimeout(sync, 1000); }',
        '  catch (e) { sync(); }',
        '}',
        'function later() {',
        '  try { push(); } catch (e) { setTimeout(later, 1000); }',
        '  setTimeout(other, 1000);',
        '}',
      ].join('\n');
      assert.deepEqual(lines(run(rule, 'a.js', hot)), [3, 6]);
    });

    it('a local binding of the same name is not the function: pino 10 calls its fallback stringify from the catch; the same code without the local is reported', () => {
      const pino = [
        'function stringify (obj, stringifySafeFn) {',
        '  try {',
        '    return JSON.stringify(obj)',
        '  } catch (_) {',
        '    try {',
        '      const stringify = stringifySafeFn || this[stringifySafeSym]',
        '      return stringify(obj)',
        '    } catch (_) {',
        '      return \'"[unable to serialize]"\'',
        '    }',
        '  }',
        '}',
        'function load (load) { try { return read() } catch (e) { return load() } }',
        'function connect () { try { open() } catch (connect) { setTimeout(connect, 10) } }',
      ].join('\n');
      assert.deepEqual(run(rule, 'lib/tools.js', pino), []);
      const recursive = pino.replace('      const stringify = stringifySafeFn || this[stringifySafeSym]\n', '');
      assert.equal(run(rule, 'lib/tools.js', recursive).length, 1);
    });

    it('a render run again once a thrown promise settles is the Suspense protocol (hono 4), not a retry; the same call for any error is one', () => {
      const hono = [
        'const childrenToString = async (children) => {',
        '  try {',
        '    return children.flat().map(resolveChildEarly);',
        '  } catch (e) {',
        '    if (e instanceof Promise) {',
        '      const resume = captureRenderContext();',
        '      await e;',
        '      return resume(() => childrenToString(children));',
        '    } else throw e;',
        '  }',
        '};',
      ].join('\n');
      assert.deepEqual(run(rule, 'src/jsx/components.ts', hono), []);
      assert.equal(run(rule, 'src/jsx/components.ts', hono.replace('if (e instanceof Promise) {', 'if (e) {')).length, 1);
    });

    it('a function that takes the next item off a queue first moves on, it does not retry (mongoose 9 creates indexes so); taking it after the failure is still reported', () => {
      const mongoose = [
        'function create() {',
        '  const index = indexes.shift();',
        '  if (!index) return done();',
        '  let promise = null;',
        '  try { promise = model.collection.createIndex(index[0], index[1]); }',
        '  catch (err) { indexError = err; create(); return; }',
        '  promise.then(() => create(), (err) => { indexError = err; create(); });',
        '}',
      ].join('\n');
      assert.deepEqual(run(rule, 'lib/model.js', mongoose), []);
      const retry = [
        'function send() {',
        '  const message = queue[0];',
        '  try { transport.write(message); queue.shift(); }',
        '  catch (err) { send(); }',
        '}',
      ].join('\n');
      assert.equal(run(rule, 'lib/send.js', retry).length, 1, 'the item is taken only on success: the same one is retried');
      // TypeScript's __disposeResources helper drains its stack in the loop the self-call sits in.
      const dispose = [
        'function next() {',
        '  while (r = env.stack.pop()) {',
        '    try {',
        '      if (r.async) return Promise.resolve(r.dispose()).then(next, function (e) { fail(e); return next(); });',
        '    } catch (e) { fail(e); }',
        '  }',
        '}',
      ].join('\n');
      assert.deepEqual(run(rule, 'lib/dispose.js', dispose), []);
      assert.equal(run(rule, 'lib/dispose.js', dispose.replace('while (r = env.stack.pop())', 'while (r = env.stack[0])')).length, 1, 'the same item each pass');
    });

    it('a function that passes on the rest of its candidates after testing what is left moves on (webpack 5.113 finds source maps so); without the test, or with the same list, it is reported', () => {
      const webpack = [
        'async function fetchPathsFromURL(readResource, possibleRequests, errorsAccumulator = "") {',
        '  let result;',
        '  try {',
        '    result = await readResource(possibleRequests[0]);',
        '  } catch (error) {',
        '    errorsAccumulator += `${error.message}\\n`;',
        '    const [, ...tailPossibleRequests] = possibleRequests;',
        '    if (tailPossibleRequests.length === 0) {',
        '      error.message = errorsAccumulator;',
        '      throw error;',
        '    }',
        '    return fetchPathsFromURL(readResource, tailPossibleRequests, errorsAccumulator);',
        '  }',
        '  return { path: possibleRequests[0], data: result.toString("utf8") };',
        '}',
      ].join('\n');
      assert.deepEqual(run(rule, 'lib/module/extractSourceMap.js', webpack), []);
      const sliced = webpack.replace('    const [, ...tailPossibleRequests] = possibleRequests;\n', '').replace('tailPossibleRequests.length === 0', 'possibleRequests.length < 2').replace('readResource, tailPossibleRequests,', 'readResource, possibleRequests.slice(1),');
      assert.deepEqual(run(rule, 'lib/module/extractSourceMap.js', sliced), []);
      const untested = webpack.replace(/    if \(tailPossibleRequests[^]*?\n    }\n/, '');
      assert.equal(run(rule, 'lib/module/extractSourceMap.js', untested).length, 1, 'an empty rest is passed on again and again');
      const same = webpack.replace('readResource, tailPossibleRequests,', 'readResource, possibleRequests,');
      assert.equal(run(rule, 'lib/module/extractSourceMap.js', same).length, 1, 'the same candidates are tried again');
    });
  });

  it('does not call regenerator state machines or error-forwarding helpers retries, and still reports a retry beside them', () => {
    const text = [
      'function _callee$(_context) {',
      '  while (1) switch (_context.prev = _context.next) {',
      '    case 0: _context.prev = 0; _context.next = 3; return fetchJson(url);',
      '    case 3: return _context.abrupt("return", _context.sent);',
      '    case 7: _context.prev = 7; _context.t0 = _context["catch"](0); _context.next = 0; break;',
      '    case "end": return _context.stop();',
      '  }',
      '}',
      'function step(machine) {',
      '  for (;;) {',
      '    try {',
      '      switch (machine.state) {',
      '        case "run": machine.state = "done"; work(); break;',
      '        case "done": return machine.value;',
      '      }',
      '    } catch (error) { machine.state = "failed"; }',
      '  }',
      '}',
      'function AsyncIterator(generator) {',
      '  function invoke(method, arg, resolve, reject) {',
      '    Promise.resolve(arg).then(function (value) { invoke("next", value, resolve, reject); },',
      '      function (err) { invoke("throw", err, resolve, reject); });',
      '    try { generator[method](arg); } catch (e) { invoke("throw", e, resolve, reject); }',
      '  }',
      '}',
      'async function sync() {',
      '  while (true) {',
      '    try { await push(); break; } catch (error) { await sleep(1000); }',
      '  }',
      '}',
      'function connect(url) {',
      '  return open(url).catch((err) => { log(err); return connect(url); });',
      '}',
    ].join('\n');
    const findings = run(rule, 'dist/bundle.js', text);
    assert.deepEqual(lines(findings), [27, 32]);
    assert.equal(findings[0].message, LOOP_MESSAGE);
    assert.match(findings[1].message, /^`connect` calls itself from its error handler/);
  });

  it('judges every copy of a block in a 5,000-line file as it judges one copy (its speed: bench/rule-cost)', () => {
    const block = [
      'export async function load$N(id: string) {',
      '  for (let attempt = 0; attempt < 3; attempt++) {',
      '    try { return await db.get(id); } catch (error) { await sleep(100 * attempt); }',
      '  }',
      '  if (items.length > 10) { return items.map((item) => item.id); }',
      '}',
    ].join('\n');
    assertSameAtScale(rule, 'big.ts', block, 5000);
  });
});
