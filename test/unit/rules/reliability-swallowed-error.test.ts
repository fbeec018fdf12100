import * as assert from 'node:assert/strict';
import { reliabilitySwallowedError as rule } from '../../../src/core/rules/reliability/swallowed-error';
import { covered, lines, run, assertSameAtScale } from './syntax-rule-harness';

describe('rule reliability/swallowed-error', () => {
  it('declares itself as a syntax warning', () => {
    assert.equal(rule.id, 'reliability/swallowed-error');
    assert.equal(rule.kind, 'syntax');
    assert.equal(rule.defaultSeverity, 'warning');
    assert.match(rule.rationale, /silent/i);
  });

  it('reports empty catch blocks, with or without a binding', () => {
    const text = [
      'export async function save(order: Order) {',
      '  try {',
      '    await db.insert(order);',
      '  } catch (e) {}',
      '  try {',
      '    fs.unlinkSync(tmpFile);',
      '  } catch {',
      '  }',
      '}',
    ].join('\n');
    const findings = run(rule, 'src/orders.ts', text);
    assert.deepEqual(lines(findings), [4, 7]);
    assert.equal(findings[0].ruleId, 'reliability/swallowed-error');
    assert.equal(findings[0].severity, 'warning');
    assert.equal(covered(text, findings[0]), 'catch (e) {}');
    assert.equal(findings[0].message, 'Empty `catch` drops the error without a trace. Log it, rethrow it, or handle it.');
  });

  it('reports a catch block holding only a comment or empty statements', () => {
    const text = [
      'try {',
      '  config = JSON.parse(raw);',
      '} catch (err) {',
      '  // ignore',
      '}',
      'try { run(); } catch (err) { /* best effort */ }',
      'try { run(); } catch (err) { ; }',
    ].join('\n');
    const findings = run(rule, 'load.js', text);
    assert.deepEqual(lines(findings), [3, 6, 7]);
    assert.equal(
      findings[0].message,
      '`catch` with only a comment drops the error without a trace. Log it, rethrow it, or handle it.',
    );
    assert.equal(findings[2].message, 'Empty `catch` drops the error without a trace. Log it, rethrow it, or handle it.');
  });

  it('reports a catch whose comment explains the ignore as information, not as a swallowed error', () => {
    const text = [
      'export function readOptional(path: string) {',
      '  try {',
      '    return fs.readFileSync(path, "utf8");',
      '  } catch { /* ENOENT is expected here: the file is optional */ }',
      '  try { cache.write(path); } catch (e) {',
      '    // best effort: the cache is optional',
      '  }',
      '  try { cache.write(path); } catch (e) { /* best effort */ }',
      '  try { cache.write(path); } catch (e) { // ignore error, intentionally empty',
      '  }',
      '  try { cache.write(path); } catch (e) { // TODO handle this case properly later',
      '  }',
      '  cache.flush().catch(() => { /* the socket may already be closed on shutdown */ });',
      '  cache.flush().catch(() => { /* already closed */ });',
      '}',
    ].join('\n');
    const findings = run(rule, 'src/cache.ts', text);
    assert.deepEqual(lines(findings), [4, 5, 8, 9, 11, 13, 14]);
    assert.deepEqual(
      findings.map((finding) => finding.severity),
      ['info', 'info', 'warning', 'warning', 'warning', 'info', 'warning'],
    );
    assert.equal(
      findings[0].message,
      '`catch` ignores the error on purpose, and its comment says why. Check the reason still holds.',
    );
    assert.equal(
      findings[5].message,
      '`.catch` ignores the rejection on purpose, and its comment says why. Check the reason still holds.',
    );
    assert.match(findings[2].message, /^`catch` with only a comment drops the error/);
  });

  it('reads an explanation at the end of the handler\'s line (bull 4 writes them so), and not one past more code', () => {
    const text = [
      'queue.pause().catch(() => void 0); // Ignore possible error from pause, the queue is closing',
      'queue.pause().catch(() => void 0); // ignore',
      'try { cache.write(path); } catch (e) {} /* the cache is optional: a miss only costs a read */',
      'queue.pause().catch(() => void 0); next(); // the queue may be closing already',
    ].join('\n');
    const findings = run(rule, 'lib/queue.js', text);
    assert.deepEqual(lines(findings), [1, 2, 3, 4]);
    assert.deepEqual(findings.map((finding) => finding.severity), ['info', 'warning', 'info', 'warning']);
  });

  it('reads an explanation just above a promise handler\'s statement (bullmq, Nest, the OpenAI SDK write them so), not one past a blank line, above an enclosing call or saying only what the statement does', () => {
    const text = [
      'function close(conn) {',
      '  conn.disconnect();',
      '  // Suppress any rejection from the in-flight init() so it does not',
      '  // become an unhandled rejection after we close the connection.',
      '  (_a = conn.initializing) === null || _a === void 0 ? void 0 : _a.catch(() => { });',
      '  // the socket may already be closed on shutdown',
      '',
      '  conn.flush().catch(() => {});',
      '  // Ensure any pending flush is completed before the timer goes',
      '  conn.flush().catch(() => {});',
      '  // ignore',
      '  conn.flush().catch(() => {});',
      '  // Reads every path; a missing one is fine because the caller checks the stats',
      '  const stats = await Promise.all(paths.map((path) => stat(path).catch(() => {})));',
      '  if (ready) {',
      '    /* A rejection of the run is the caller\'s to handle: it holds the same promise. */',
      '    run.finally(() => signal.removeEventListener("abort", onAbort)).catch(() => undefined);',
      '  }',
      '}',
    ].join('\n');
    const findings = run(rule, 'lib/connection.js', text);
    assert.deepEqual(lines(findings), [5, 8, 10, 12, 14, 17]);
    assert.deepEqual(findings.map((finding) => finding.severity), ['info', 'warning', 'warning', 'warning', 'warning', 'info']);
    assert.equal(findings[0].message, '`.catch` ignores the rejection on purpose, and its comment says why. Check the reason still holds.');
  });

  it('reports a try that only adds a detail as information: span attributes (the Anthropic SDK), an error\'s text (firebase-admin, sharp); not one that also does the work or whose part is used for more', () => {
    const text = [
      'export function setResponseAttributes(span, name, data) {',
      '  for (const [attribute, path] of ATTRIBUTES[name] ?? []) {',
      '    try {',
      '      const value = dig(data, path);',
      '      if (value !== undefined) {',
      '        span.setAttribute(attribute, value);',
      '      }',
      '    } catch {}',
      '  }',
      '}',
      'function fromServer(error, raw) {',
      '  try {',
      '    error.message += ` Raw server response: "${JSON.stringify(raw)}"`;',
      '  } catch (e) {',
      '    // Ignore JSON parsing error.',
      '  }',
      '  return error;',
      '}',
      'const invalidParameterError = (name, actual) => {',
      '  let actualString;',
      '  try {',
      '    actualString = String(actual).slice(0, 100);',
      '  } catch {}',
      '  return new Error(`Expected ${name} but received ${actualString}`);',
      '};',
      'function loadFailed(err) {',
      '  const help = [`Could not load the module`];',
      '  try {',
      '    const { config } = require("./package");',
      '    help.push("- Update your OS:", `    Requires ${config.glibc}`);',
      '  } catch (_errEngines) {}',
      '  help.push("- Consult the installation documentation");',
      '  throw new Error(help.join("\\n"));',
      '}',
      'async function save(span, user, items, order) {',
      '  try { await db.insert(order); span.setAttribute("saved", true); } catch {}',
      '  try { const row = await db.insert(order); span.setAttribute("id", row.id); } catch {}',
      '  try { user.message = await fetchMessage(user); } catch {}',
      '  try { items.push(await fetchItem(order)); } catch {}',
      '  let saved;',
      '  try { saved = await db.save(order); } catch {}',
      '  if (saved) log(saved);',
      '  return items;',
      '}',
    ].join('\n');
    const findings = run(rule, 'src/tracing.js', text);
    assert.deepEqual(lines(findings), [8, 14, 23, 31, 36, 37, 38, 39]);
    assert.deepEqual(findings.map((finding) => finding.severity), ['info', 'info', 'info', 'info', 'warning', 'warning', 'warning', 'warning']);
    assert.match(findings[0].message, /^The `try` only adds a detail/);
  });

  it('reads a catch block\'s explanation above its try or above what it tries (sinon), when it speaks of the failure; takes a kept error thrown to be caught for nothing dropped; clean-up verbs with a resource are clean-up', () => {
    const text = [
      'function restore(object, property) {',
      '  try {',
      '    // In some cases `delete` may throw an error',
      '    delete object[property];',
      '  } catch (e) {} // eslint-disable-line no-empty',
      '  // Old engines may throw on a frozen prototype; the property stays then',
      '  try { delete object.prototype[property]; } catch (e) {}',
      '  try {',
      '    // Removes the property',
      '    delete object[property];',
      '  } catch (e) {}',
      '}',
      'function withStack(err) {',
      '  try {',
      '    throw err;',
      '  } catch (e) {',
      '    /* empty */',
      '  }',
      '  try { throw new Error("boom"); run(); } catch (e) {}',
      '}',
      'function closeAll(channel, session, accounts) {',
      '  channel.closeModel(model).catch(() => {});',
      '  session.endSession().catch(() => {});',
      '  accounts.closeAccount(id).catch(() => {});',
      '  str.endsWith("x").catch(() => {});',
      '}',
    ].join('\n');
    const findings = run(rule, 'lib/sinon/wrap-method.js', text);
    assert.deepEqual(lines(findings), [5, 7, 11, 19, 22, 23, 24, 25]);
    assert.deepEqual(findings.map((finding) => finding.severity), ['info', 'info', 'warning', 'warning', 'info', 'info', 'warning', 'warning']);
    assert.match(findings[0].message, /comment says why/);
    assert.match(findings[4].message, /clean-up call/);
  });

  it('reports promise handlers that do nothing', () => {
    const text = [
      "const _ = require('lodash');",
      'sendAnalytics(event).catch(() => {});',
      'cache.warm().catch(() => undefined);',
      'client.close().catch(function () { /* already closed */ });',
      'queue.flush().catch(noop);',
      'socket.end().catch(_.noop);',
      'job.start().then(onStarted, () => {});',
      'refresh().catch(async (_error) => void 0);',
    ].join('\n');
    const findings = run(rule, 'a.js', text);
    assert.deepEqual(lines(findings), [2, 3, 4, 5, 6, 7, 8]);
    assert.equal(covered(text, findings[0]), 'catch(() => {})');
    assert.equal(
      findings[0].message,
      '`.catch` with a handler that does nothing drops the rejection without a trace. Log it, rethrow it, or handle it.',
    );
    assert.equal(
      findings[5].message,
      '`.then` with a rejection handler that does nothing drops the error without a trace. Log it, rethrow it, or handle it.',
    );
  });

  it('accepts handlers that log, rethrow, handle or return a deliberate fallback', () => {
    const text = [
      'try { await save(); } catch (error) { logger.error({ error }, "save failed"); }',
      'try { await save(); } catch (error) { throw new SaveError("save failed", { cause: error }); }',
      'try { return JSON.parse(raw); } catch { return null; }',
      'try { await save(); } catch (error) { retries.push(error); }',
      'fetchUser().catch((error) => console.warn("no user", error));',
      'fetchUser().catch(() => null);',
      'loadList().catch(() => []);',
      'loadList().catch(handleError);',
      'job.start().then(() => {}, reportFailure);',
      'job.start().then(() => {});',
      'job.start().finally(() => {});',
      'const disk = await readFile(path, "utf8").catch(() => undefined);',
      'return git(root, args).catch(() => undefined);',
      'use(await load().catch(() => void 0));',
    ].join('\n');
    assert.deepEqual(run(rule, 'a.ts', text), []);
    // The same handlers on a result nobody reads drop the error.
    const dropped = ['await readFile(path, "utf8").catch(() => undefined);', 'void load().catch(() => void 0);', 'const x = await load().catch(() => {});'].join('\n');
    assert.deepEqual(lines(run(rule, 'b.ts', dropped)), [1, 2, 3]);
  });

  it('does not report marking a kept promise handled when it is consumed elsewhere (the Anthropic SDK\'s message streams)', () => {
    const text = [
      'class MessageStream {',
      '  #connectedPromise = new Promise((resolve, reject) => { this.#resolve = resolve; this.#reject = reject; });',
      '  constructor() {',
      '    this.#connectedPromise.catch(() => {});',
      '  }',
      '  async connected() { await this.#connectedPromise; }',
      '}',
      'async function race(previous, signal) {',
      '  const aborted = new Promise((_, reject) => signal.addEventListener("abort", reject));',
      '  aborted.catch(() => undefined);',
      '  return Promise.race([previous, aborted]);',
      '}',
      'function save(saved) {',
      '  pending = saved.catch(() => {});',
      '  return saved.catch(() => remove());',
      '}',
    ].join('\n');
    assert.deepEqual(run(rule, 'src/lib/MessageStream.ts', text), []);
    // A kept promise nobody else takes, or only looks at, or only drops again, is still dropped.
    const dropped = [
      'const started = start();',
      'started.catch(() => {});',
      'if (started) log("started");',
      'class Job {',
      '  run() { this.done = work(); this.done.catch(noop); }',
      '  stop() { this.done.catch(() => {}); this.done = undefined; }',
      '}',
      // A compiler's temporary of the same name in another function is another promise.
      'function close() { var _a; (_a = this.initializing) === null || _a === void 0 ? void 0 : _a.catch(() => { }); }',
      'function later() { var _a; return (_a = this.pending) === null || _a === void 0 ? void 0 : _a.then(use); }',
    ].join('\n');
    assert.deepEqual(lines(run(rule, 'src/job.ts', dropped)), [2, 5, 6, 8]);
  });

  it('reports a clean-up step that drops its own error before the handled error is rethrown as information', () => {
    const text = [
      'async function writeAtomic(path, data) {',
      '  let handle;',
      '  try {',
      '    handle = await fs.open(tempPath, "w");',
      '    await handle.writeFile(data);',
      '  } catch (err) {',
      '    if (handle) await handle.close().catch(() => {});',
      '    await fs.unlink(tempPath).catch(() => {});',
      '    throw err;',
      '  }',
      '}',
      'async function exec(raw, commands) {',
      '  try { await raw.exec(commands); } catch (err) {',
      '    try { await raw.customCommand(["DISCARD"]); } catch (_a) {',
      '      // ignore',
      '    }',
      '    throw err;',
      '  }',
      '}',
      'async function notRethrown(raw) {',
      '  try { await raw.exec(); } catch (err) {',
      '    try { await raw.discard(); } catch {}',
      '    log(err);',
      '  }',
      '  try { await raw.exec(); } catch (err) {',
      '    setTimeout(() => { try { raw.discard(); } catch {} });',
      '    throw err;',
      '  }',
      '}',
    ].join('\n');
    const findings = run(rule, 'src/fs-util.js', text);
    assert.deepEqual(lines(findings), [7, 8, 14, 22, 26]);
    assert.deepEqual(findings.map((finding) => finding.severity), ['info', 'info', 'info', 'warning', 'warning']);
    assert.match(findings[0].message, /on the way to a `throw` drops its own error; the error thrown reports the failure/);
  });

  it('accepts an empty catch the code falls back from: a value tested after the try (webpack 5.113, zod 4\'s coercion), another way returned after it (sharp 0.35)', () => {
    const text = [
      'function parseGitUrl(gitUrl) {',
      '  let parsed;',
      '  try {',
      '    parsed = new URL(gitUrl);',
      '  } catch (_err) {}',
      '  if (!parsed) return false;',
      '  return parsed.host;',
      '}',
      'function pickMechanism(value) {',
      '  let mechanism;',
      '  try { [mechanism] = MECHANISMS.filter((m) => m.match(RegExp(value, "i"))); } catch {}',
      '  return mechanism ?? DEFAULT_MECHANISM;',
      '}',
      'function libvipsInclude() {',
      '  try {',
      "    return require('@img/sharp-libvips-dev/include');",
      '  } catch {}',
      "  return '';",
      '}',
      'function load(candidates) {',
      '  for (const candidate of candidates) {',
      '    try { return require(candidate); } catch {}',
      '  }',
      '  throw new Error("none of the candidates loads");',
      '}',
    ].join('\n');
    assert.deepEqual(run(rule, 'lib/utils.js', text), []);
    // discord.js 14's optional zlib-sync, and graphql 16's defensive handler on a promise that never rejects.
    const optional = ["let zlib;", "try {", "  zlib = require('zlib-sync');", "} catch {} // eslint-disable-line no-empty", 'try { const { Batch } = await import("@valkey/valkey-glide"); } catch {}', 'Promise.allSettled(results).catch(() => {});'].join('\n');
    assert.deepEqual(run(rule, 'src/client/websocket/WebSocketManager.js', optional), []);
    // ssh2 1.17's optional native binding, assigned and then destructured; using what was loaded is work of its own.
    const binding = ['let binding, AESGCMCipher;', 'try {', "  binding = require('./crypto/build/Release/sshcrypto.node');", '  ({ AESGCMCipher } = binding);', '} catch {}'].join('\n');
    assert.deepEqual(run(rule, 'lib/protocol/crypto.js', binding), []);
    const used = ['let binding;', 'try {', "  binding = require('./crypto/build/Release/sshcrypto.node');", '  binding.init();', '} catch {}', 'try {', "  binding = require('./sshcrypto.node');", '  cipher = other.Cipher;', '} catch {}'].join('\n');
    assert.deepEqual(lines(run(rule, 'lib/protocol/crypto.js', used)), [5, 9]);
    // webpack 5.113's feature detection and package.json lookup: a flag left at its default, a probe that moves on.
    const probes = [
      'let isBase64URLSupported = false;',
      'try {',
      '  isBase64URLSupported = Boolean(Buffer.from("", "base64url"));',
      '} catch (_err) {}',
      'function findRoot(dir) {',
      '  for (;;) {',
      '    try {',
      '      if (fs.statSync(path.join(dir, "package.json")).isFile()) break;',
      '    } catch (_err) {}',
      '    const parent = path.dirname(dir);',
      '    if (dir === parent) return undefined;',
      '    dir = parent;',
      '  }',
      '  return dir;',
      '}',
    ].join('\n');
    assert.deepEqual(run(rule, 'lib/util/hash/hash-digest.js', probes), []);
    // telegraf 4's cli: the value is tested after the block the try sits in.
    const telegraf = [
      'async function main(args) {',
      '  let [, , file] = args._;',
      '  if (!file) {',
      '    try {',
      "      const packageJson = await import(path.resolve(process.cwd(), 'package.json'));",
      "      file = packageJson.main || 'index.js';",
      '    } catch (err) { }',
      '  }',
      '  if (!file) return 2;',
      '}',
    ].join('\n');
    assert.deepEqual(run(rule, 'lib/cli.mjs', telegraf), []);
    // zod 4's coercion: a property assigned in the try, tested after it, directly or through a const.
    const coercion = [
      'inst.parse = (payload) => {',
      '  if (def.coerce)',
      '    try {',
      '      payload.value = String(payload.value);',
      '    } catch (_) {}',
      '  if (typeof payload.value === "string") return payload;',
      '  payload.issues.push({ expected: "string" });',
      '};',
      'inst.parseNumber = (payload) => {',
      '  try { payload.value = Number(payload.value); } catch (_) {}',
      '  const input = payload.value;',
      '  if (typeof input === "number" && !Number.isNaN(input)) return payload;',
      '};',
    ].join('\n');
    assert.deepEqual(run(rule, 'src/v4/core/schemas.ts', coercion), []);
    // Nothing handles the missing value, or nothing comes after the failed return: the error is dropped.
    const dropped = [
      'function readConfig(text) {',
      '  let config = {};',
      '  try { config = JSON.parse(text); } catch {}',
      '  return config;',
      '}',
      'async function save(order) {',
      '  try { return await db.insert(order); } catch {}',
      '}',
      'function parse(text) {',
      '  let parsed;',
      '  try { parsed = JSON.parse(text); audit(parsed); } catch {}',
      '  if (!parsed) return null;',
      '}',
      "try { plugin = require('./plugin'); plugin.init(); } catch {}",
      'Promise.all(results).catch(() => {});',
      'let count = 0;',
      'try { count = db.count(); } catch {}',
      'try { if (cache.has(key)) return cache.get(key); cache.warm(); } catch {}',
      // A property assigned, then only used: another property, or a const of it only passed on.
      'try { this.config = JSON.parse(text); } catch {}',
      'if (this.other) start(this.config);',
      'try { payload.value = Number(payload.value); } catch {}',
      'const input = payload.value;',
      'send(input);',
    ].join('\n');
    assert.deepEqual(lines(run(rule, 'lib/config.js', dropped)), [3, 7, 11, 14, 15, 17, 18, 19, 21]);
  });

  it('reports clean-up calls and steps followed by a throw as information', () => {
    const text = [
      'function close(socket) {',
      '  try { socket.destroy(); } catch (_E) { /* ignore */ }',
      '  this.raw.quit().catch(() => {});',
      '  fs.rm(name, { force: true }).catch(() => {});',
      '}',
      'function validate(result) {',
      '  if (result instanceof Promise) {',
      '    result.catch(() => {});',
      '    throw new Error("async validation is not supported");',
      '  }',
      '}',
    ].join('\n');
    const findings = run(rule, 'lib/socket.js', text);
    assert.deepEqual(lines(findings), [2, 3, 4, 8]);
    assert.deepEqual(findings.map((finding) => finding.severity), ['info', 'info', 'info', 'info']);
    assert.match(findings[0].message, /clean-up call .* drops its error/);
    assert.match(findings[3].message, /on the way to a `throw`/);
    // Work that is not clean-up, or a throw only on some path, is still a dropped error.
    const dropped = ['try { socket.write(data); } catch {}', 'try { socket.destroy(); send(); } catch {}', 'job.start().catch(() => {});', 'if (failed) throw new Error("x");'].join('\n');
    assert.deepEqual(lines(run(rule, 'lib/socket.js', dropped)), [1, 2, 3]);
    // A clean-up behind an `if` that only asks whether it is needed (ssh2's client, bullmq's Bun client).
    const guarded = ['try { if (isWritable(sock)) sock.end(); } catch {}', 'try {', '  if (raw.connected) {', '    raw.close();', '  }', '} catch (_err) {', '  // swallow', '}'].join('\n');
    const guardedFindings = run(rule, 'lib/client.js', guarded);
    assert.deepEqual(lines(guardedFindings), [1, 6]);
    assert.deepEqual(guardedFindings.map((finding) => finding.severity), ['info', 'info']);
    // A test that does work of its own, or an `else` that does, is not only clean-up.
    const working = [
      'try { if (await flush(sock)) sock.end(); } catch {}',
      'try { if (check(sock)) sock.end(); } catch {}',
      'try { if (isOpen(sock)) sock.end(); else reconnect(sock); } catch {}',
      'try { if (sock.isOpen()) { sock.end(); send(); } } catch {}',
      'try { if (items.some((item) => item.isOpen())) sock.end(); } catch {}',
      'try { if (await isReady(sock)) sock.end(); } catch {}',
      'try { if (hasAny(items, (item) => item.flush())) sock.end(); } catch {}',
      'try { if (sock.writable && drain(sock)) sock.end(); } catch {}',
      'try { if (sock.writable) {} } catch {}',
    ].join('\n');
    const workingFindings = run(rule, 'lib/client.js', working);
    assert.deepEqual(lines(workingFindings), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.ok(workingFindings.every((finding) => finding.severity === 'warning'), JSON.stringify(workingFindings.map((finding) => finding.severity)));
  });

  it('takes a value converted in place for information (NestJS\'s ParseArrayPipe, jsonwebtoken\'s decode); a var the try sets and the code tests after (lodash\'s getRawTag) is a fallback; iterator.return() and unpipe are clean-up', () => {
    const text = [
      'function toItem(item) {',
      '  if (isString(item)) {',
      '    try {',
      '      item = JSON.parse(item);',
      '    } catch {',
      '      // Do nothing',
      '    }',
      '  }',
      '  return validate(item);',
      '}',
      'function decode(payload) {',
      '  if (typeof payload === "string") {',
      '    try {',
      '      var obj = JSON.parse(payload);',
      '      if (obj !== null && typeof obj === "object") {',
      '        payload = obj;',
      '      }',
      '    } catch (e) { }',
      '  }',
      '  return payload;',
      '}',
    ].join('\n');
    const findings = run(rule, 'lib/decode.js', text);
    assert.deepEqual(lines(findings), [5, 18]);
    assert.deepEqual(findings.map((finding) => finding.severity), ['info', 'info']);
    assert.match(findings[0].message, /converts a value in place/);
    // A value from elsewhere, a different target, an awaited conversion, a test that calls: still dropped errors.
    const dropped = [
      'let config = {}; try { config = JSON.parse(text); } catch {}',
      'try { user = JSON.parse(item); } catch {}',
      'async function f(row) { try { row = await enrich(row); } catch {} return row; }',
      'try { var obj = JSON.parse(payload); if (save(obj)) payload = obj; } catch {}',
      'try { item = JSON.parse(item); send(item); } catch {}',
    ].join('\n');
    const kept = run(rule, 'lib/decode.js', dropped);
    assert.deepEqual(lines(kept), [1, 2, 3, 4, 5]);
    assert.deepEqual(kept.map((finding) => finding.severity), ['warning', 'warning', 'warning', 'warning', 'warning']);

    const lodash = [
      'function getRawTag(value) {',
      '  var isOwn = hasOwnProperty.call(value, symToStringTag), tag = value[symToStringTag];',
      '  try {',
      '    value[symToStringTag] = undefined;',
      '    var unmasked = true;',
      '  } catch (e) {}',
      '  var result = nativeObjectToString.call(value);',
      '  if (unmasked) { if (isOwn) value[symToStringTag] = tag; else delete value[symToStringTag]; }',
      '  return result;',
      '}',
    ].join('\n');
    assert.deepEqual(run(rule, 'lib/clone.js', lodash), []);
    // A block-scoped one is not seen after the try, nor is a var nothing tests.
    assert.deepEqual(lines(run(rule, 'lib/clone.js', lodash.replace('var unmasked', 'let unmasked'))), [6]);
    assert.deepEqual(lines(run(rule, 'lib/clone.js', lodash.replace('if (unmasked)', 'if (isOwn)'))), [6]);

    const cleanup = [
      'if (!first) {',
      '  void iterator.return().catch(() => undefined);',
      '  return;',
      '}',
      'try { this._currentDataStream.unpipe(this._socket); } catch (_E) { /* ignore */ }',
      'order.return().catch(() => {});',
      'iterator.return(value).catch(() => {});',
    ].join('\n');
    const closed = run(rule, 'lib/stream.js', cleanup);
    assert.deepEqual(lines(closed), [2, 5, 6, 7]);
    assert.deepEqual(closed.map((finding) => finding.severity), ['info', 'info', 'warning', 'warning']);
  });

  it('takes feature detection in an immediately invoked function for a fallback when its variable is tested or exported (lodash\'s nodeUtil and defineProperty); not one nobody tests, one that goes on after the try, or one that awaits', () => {
    const lodash = [
      'var nodeUtil = (function() {',
      '  try {',
      '    var types = freeModule && freeModule.require && freeModule.require("util").types;',
      '    if (types) { return types; }',
      '    return freeProcess && freeProcess.binding && freeProcess.binding("util");',
      '  } catch (e) {}',
      '}());',
      'var nodeIsMap = nodeUtil && nodeUtil.isMap;',
      'var defineProperty = (function() {',
      '  try {',
      '    var func = getNative(Object, "defineProperty");',
      '    func({}, "", {});',
      '    return func;',
      '  } catch (e) {}',
      '}());',
      'var baseSetToString = !defineProperty ? identity : setter;',
    ].join('\n');
    assert.deepEqual(run(rule, 'lodash.js', lodash), []);
    const module = ['var defineProperty = (function() {', '  try { var func = getNative(Object, "defineProperty"); func({}, "", {}); return func; } catch (e) {}', '}());', 'module.exports = defineProperty;'].join('\n');
    assert.deepEqual(run(rule, '_defineProperty.js', module), []);
    assert.deepEqual(run(rule, 'probe.ts', 'export const supported = (() => { try { return probe(); } catch {} })();'), []);
    // objection 3's copy of lodash tests it in a function declared after it.
    const inFunction = ['var defineProperty = (function () {', '  try { var func = getNative(Object, "defineProperty"); func({}, "", {}); return func; } catch (e) {}', '})();', 'function baseAssignValue(object, key, value) {', '  if (key == "__proto__" && defineProperty) defineProperty(object, key, { value });', '  else object[key] = value;', '}'].join('\n');
    assert.deepEqual(run(rule, 'clone.js', inFunction), []);
    assert.deepEqual(lines(run(rule, 'clone.js', inFunction.replace('&& defineProperty)', '&& value)'))), [2]);
    const dropped = [
      'var config = (function() { try { return load(); } catch (e) {} }());',
      'use(config.port);',
      'var user = (function() { try { return load(); } catch (e) {} audit("no user"); }());',
      'if (!user) signIn();',
      'var row = (async function() { try { return await db.get(); } catch (e) {} }());',
      'if (!row) retry();',
      'var saved = (function() { try { save(); } catch (e) {} }());',
      'if (!saved) retry();',
    ].join('\n');
    assert.deepEqual(lines(run(rule, 'a.js', dropped)), [1, 3, 5, 7]);
  });

  it('takes an optional load inside an if, taken apart after it, for an optional module (handlebars 4\'s source-map); not one that then does work with it', () => {
    const handlebars = [
      'let SourceNode;',
      'try {',
      '  if (typeof define !== "function" || !define.amd) {',
      '    let SourceMap = require("source-map");',
      '    SourceNode = SourceMap.SourceNode;',
      '  }',
      '} catch (err) {',
      '  /* NOP */',
      '}',
    ].join('\n');
    assert.deepEqual(run(rule, 'code-gen.js', handlebars), []);
    const work = [
      'try { if (enabled()) { const m = require("m"); m.start(); } } catch (err) {}',
      'try { const m = require("m"); config = m.load(file); } catch (err) {}',
    ].join('\n');
    assert.deepEqual(lines(run(rule, 'a.js', work)), [1, 2]);
  });

  it('ignores look-alikes that are not rejection handlers', () => {
    const text = [
      'const matcher = { catch: () => {} };',
      'matcher.catch;',
      'promise.catch();',
      'catchErrors(() => {});',
      'router.get("/", () => {});',
    ].join('\n');
    assert.deepEqual(run(rule, 'a.ts', text), []);
  });

  it('judges every copy of a block in a 5,000-line file as it judges one copy (its speed: bench/rule-cost)', () => {
    const block = [
      'export async function load$N(id: string) {',
      '  try { return await db.get(id); } catch (error) { logger.error(error); throw error; }',
      '  const rows = await pool.query("SELECT 1").catch((e) => { log(e); return []; });',
      '  for (const row of rows) { total += row.count; }',
      '}',
    ].join('\n');
    assertSameAtScale(rule, 'big.ts', block, 5000);
  });
});
