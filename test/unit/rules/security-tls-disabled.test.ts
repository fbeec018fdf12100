import * as assert from 'node:assert/strict';
import { securityTlsDisabled as rule } from '../../../src/core/rules/security/tls-disabled';
import { applyFix, covered, lines, run, assertSameAtScale } from './syntax-rule-harness';

describe('rule security/tls-disabled', () => {
  it('declares itself as a syntax error', () => {
    assert.equal(rule.id, 'security/tls-disabled');
    assert.equal(rule.kind, 'syntax');
    assert.equal(rule.defaultSeverity, 'error');
    assert.match(rule.rationale, /certificate/);
  });

  it('reports rejectUnauthorized: false in agents, tls.connect and axios options, with a fix', () => {
    const text = [
      "import https from 'node:https';",
      "import tls from 'node:tls';",
      "import axios from 'axios';",
      '',
      'const agent = new https.Agent({ keepAlive: true, rejectUnauthorized: false });',
      'const socket = tls.connect({ host, port: 8443, rejectUnauthorized: false });',
      'const client = axios.create({',
      '  baseURL,',
      '  httpsAgent: new https.Agent({ "rejectUnauthorized": 0 }),',
      '});',
    ].join('\n');
    const findings = run(rule, 'src/client.ts', text);
    assert.deepEqual(lines(findings), [5, 6, 9]);
    assert.equal(findings[0].ruleId, 'security/tls-disabled');
    assert.equal(findings[0].severity, 'error');
    assert.equal(covered(text, findings[0]), 'rejectUnauthorized: false');
    assert.equal(
      findings[0].message,
      '`rejectUnauthorized: false` turns off certificate checks: anyone on the network path can read and change this traffic. For a private CA, pass it with `ca` instead.',
    );
    const fix = findings[0].fixes?.[0];
    assert.ok(fix);
    assert.equal(fix.title, 'Verify certificates (rejectUnauthorized: true)');
    assert.equal(applyFix(text, fix), text.replace('keepAlive: true, rejectUnauthorized: false', 'keepAlive: true, rejectUnauthorized: true'));
    assert.equal(applyFix(text, findings[2].fixes![0]), text.replace('"rejectUnauthorized": 0', '"rejectUnauthorized": true'));
  });

  it('reports NODE_TLS_REJECT_UNAUTHORIZED set to 0 from code, CommonJS and ESM', () => {
    const text = [
      "process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';",
      'process.env["NODE_TLS_REJECT_UNAUTHORIZED"] = 0;',
      "spawn('node', ['worker.js'], { env: { ...process.env, NODE_TLS_REJECT_UNAUTHORIZED: '0' } });",
    ].join('\n');
    const findings = run(rule, 'setup.cjs', text);
    assert.deepEqual(lines(findings), [1, 2, 3]);
    assert.equal(
      findings[0].message,
      "`process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'` turns off certificate checks for every connection in this process. Remove it. For a private CA, pass it with `ca` instead.",
    );
    assert.equal(covered(text, findings[2]), "NODE_TLS_REJECT_UNAUTHORIZED: '0'");
  });

  it('reports assignments, strictSSL, insecure request options, permissive checkServerIdentity and disableTLSCerts', () => {
    const text = [
      'https.globalAgent.options.rejectUnauthorized = false;',
      "request({ url, strictSSL: false }, callback);",
      "needle('get', url, { insecure: true, headers });",
      'tls.connect(port, host, { ca, checkServerIdentity: () => undefined });',
      'const res = await superagent.get(url).disableTLSCerts();',
    ].join('\n');
    const findings = run(rule, 'a.js', text);
    assert.deepEqual(lines(findings), [1, 2, 3, 4, 5]);
    assert.equal(covered(text, findings[4]), 'disableTLSCerts()');
    assert.equal(applyFix(text, findings[1].fixes![0]), text.replace('strictSSL: false', 'strictSSL: true'));
  });

  it('accepts verification left on, values computed at run time, and reading the variable', () => {
    const text = [
      'const agent = new https.Agent({ rejectUnauthorized: true, ca: fs.readFileSync(caPath) });',
      "const options = { rejectUnauthorized: process.env.NODE_ENV === 'production' };",
      "if (process.env.NODE_TLS_REJECT_UNAUTHORIZED === '0') logger.warn('TLS verification is off');",
      "process.env.NODE_TLS_REJECT_UNAUTHORIZED = '1';",
      'delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;',
      'const flags = { insecure: true, experimental: false };',
      'tls.connect({ host, checkServerIdentity: (name, cert) => tls.checkServerIdentity(name, cert) });',
      'const cookie = { secure: false, httpOnly: true };',
      'const verificationOff = settings.rejectUnauthorized === false;',
    ].join('\n');
    assert.deepEqual(run(rule, 'a.ts', text), []);
  });

  it('does not report a library passing on its caller\'s TLS option (request 2), and still reports false set under any other condition', () => {
    const text = [
      'if (self.strictSSL === false) {',
      '  self.rejectUnauthorized = false;',
      '}',
      'if (options.insecure) agentOptions.rejectUnauthorized = false;',
      'if (config.tls_verify === false) opts.rejectUnauthorized = false;',
      'if (url.startsWith("https://internal")) opts.rejectUnauthorized = false;',
      'if (options.verify) { agent.ca = ca; } else { log("unverified"); agent.rejectUnauthorized = false; }',
      'if (self.strictSSL === false) { if (url) opts.rejectUnauthorized = false; }',
      'if (url.protocol === "https:") { opts.rejectUnauthorized = false; }',
    ].join('\n');
    assert.deepEqual(lines(run(rule, 'request.js', text)), [6, 8, 9]);
  });

  it('does not report the options of a mode the caller named (pg: PGSSLMODE=no-verify), and still reports them under any other case or condition', () => {
    const text = [
      'function fromEnvironment() {',
      '  switch (process.env.PGSSLMODE) {',
      "    case 'require': return true;",
      "    case 'no-verify': return { rejectUnauthorized: false };",
      "    case 'prefer': return { rejectUnauthorized: false };",
      '  }',
      "  if (this.ssl === 'no-verify') { this.ssl = { rejectUnauthorized: false }; }",
      "  if (this.host === 'db') { this.ssl = { rejectUnauthorized: false }; }",
      '  switch (options.mode) {',
      "    case 'fast': agent.options = { rejectUnauthorized: false }; break;",
      '  }',
      '  return { rejectUnauthorized: false };',
      '}',
    ].join('\n');
    assert.deepEqual(lines(run(rule, 'connection-parameters.js', text)), [5, 8, 10, 12]);
  });

  it('does not report a function named for building an unverified agent; the same assignment in another function is reported', () => {
    const text = [
      'function createInsecureAgent() { const agent = new https.Agent(); agent.options.rejectUnauthorized = false; return agent; }',
      'function createAgent() { const agent = new https.Agent(); agent.options.rejectUnauthorized = false; return agent; }',
    ].join('\n');
    assert.deepEqual(lines(run(rule, 'agents.js', text)), [2]);
  });

  it('judges every copy of a block in a 5,000-line file as it judges one copy (its speed: bench/rule-cost)', () => {
    const block = [
      'export function agent$N() {',
      '  const options = { host: "example.com", port: 443, rejectUnauthorized: true };',
      '  return new https.Agent({ ...options, keepAlive: true });',
      '}',
    ].join('\n');
    assertSameAtScale(rule, 'big.ts', block, 5000);
  });
});
