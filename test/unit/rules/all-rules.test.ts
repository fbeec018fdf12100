import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { evaluate } from '../../../src/core/check/engine';
import { defaultPolicy } from '../../../src/core/policy/policy';
import { BUILTIN_RULES } from '../../../src/core/rules';

/** Fragments that reach the syntax rules' interesting paths when glued together at random. */
const FRAGMENTS = [
  'fetch(url', 'axios.get(', 'axios.create({', 'await ', 'try {', '} catch (e) {', '}', '{', ')', '(', ';', '\n',
  'while (true) {', 'for (;;) {', 'exec(`rm ${x}`', 'db.query("SELECT * FROM t WHERE id=" + id', 'rejectUnauthorized: false',
  'process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0"', 'eval(', 'new Function(', "require('", "import x from '", "'", '"', '`', '${',
  'const token = "', 'AKIA', 'ghp_', '-----BEGIN RSA PRIVATE KEY-----', 'password: ', '\u{1F600}', '\uFFFD', '\0', '\r\n',
];

describe('all rules', () => {
  const policy = defaultPolicy();
  const manifest = { path: 'package.json', declared: new Set(['axios', 'lodash']), name: 'app' };
  const run = (path: string, text: string) => evaluate(path, text, { policy, rules: BUILTIN_RULES, manifest, knownRuleIds: BUILTIN_RULES.map((r) => r.id) });
  const failures = (result: ReturnType<typeof run>) => result.findings.filter((f) => / failed: /.test(f.message));

  it('no rule throws on arbitrary text, in any file kind', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), fc.constantFrom('a.ts', 'a.js', 'a.tsx', 'a.py', 'a.yaml', '.env', 'a.json', 'README'), (text, path) => {
        assert.deepEqual(failures(run(path, text)), []);
      }),
      { numRuns: 300 },
    );
  });

  it('no rule throws on random code-like fragments', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 60 }), fc.constantFrom('a.ts', 'a.js', 'a.mjs'), (parts, path) => {
        const result = run(path, parts.join(' '));
        assert.deepEqual(failures(result), []);
        for (const finding of result.findings) assert.ok(finding.start <= finding.end && finding.end <= parts.join(' ').length);
      }),
      { numRuns: 300 },
    );
  });

  it('every built-in rule has a unique id, a summary and a rationale, and the policy schema knows it with its current summary', () => {
    const ids = BUILTIN_RULES.map((rule) => rule.id);
    assert.equal(new Set(ids).size, ids.length);
    const schema = JSON.parse(readFileSync(join(__dirname, '../../../../schemas/policy.schema.json'), 'utf8')) as { properties: { rules: { properties: Record<string, { description?: string }> } } };
    const known = schema.properties.rules.properties;
    for (const rule of BUILTIN_RULES) {
      assert.ok(rule.summary.length > 0 && rule.rationale.length > 40, rule.id);
      // A stale summary is what an editor completes the id with: regenerate with scripts/schema-rules.mjs.
      assert.equal(known[rule.id]?.description, `${rule.summary} (default: ${rule.defaultSeverity}).`, `the policy schema's entry for ${rule.id}`);
    }
  });
});

describe('rule text triggers', () => {
  it('a rule is skipped when none of its trigger words occurs, and runs when one does', () => {
    let calls = 0;
    const probe = { id: 'test/probe', kind: 'text' as const, defaultSeverity: 'warning' as const, summary: 's', rationale: 'r', textTriggers: ['needle'], check: () => (calls++, []) };
    evaluate('a.txt', 'hay only', { policy: defaultPolicy(), rules: [probe] });
    assert.equal(calls, 0);
    evaluate('a.txt', 'hay and a needle', { policy: defaultPolicy(), rules: [probe] });
    assert.equal(calls, 1);
  });
});
