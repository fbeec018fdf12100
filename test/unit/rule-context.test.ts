import * as assert from 'node:assert/strict';
import { evaluate } from '../../src/core/check/engine';
import { defaultPolicy } from '../../src/core/policy/policy';
import { parseManifest } from '../../src/core/rules/dependencies/manifest';
import { dependenciesLookalike } from '../../src/core/rules/dependencies/lookalike';
import { dependenciesUndeclared } from '../../src/core/rules/dependencies/undeclared';
import type { PackageManifestInfo, Rule, RuleContext } from '../../src/core/rules/rule';
import { secretsHardcodedSecret } from '../../src/core/rules/secrets/hardcoded-secret';

describe('the context a rule is given', () => {
  const manifestCounted = () => {
    const parsed = parseManifest(JSON.stringify({ name: 'service', dependencies: { express: '^4' } }), 'package.json');
    assert.ok(parsed.ok);
    const counter = { calls: 0 };
    const manifest = (): PackageManifestInfo => {
      counter.calls++;
      return parsed.manifest;
    };
    return { counter, manifest };
  };

  it('looks the package.json up once, for the first rule that reads it, and not at all for rules that do not', () => {
    const { counter, manifest } = manifestCounted();
    const text = "import express from 'express';\nimport leftpad from 'left-pad';\n";
    const findings = evaluate('src/app.ts', text, { policy: defaultPolicy(), rules: [secretsHardcodedSecret, dependenciesUndeclared, dependenciesLookalike], manifest }).findings;
    assert.deepEqual(findings.filter((finding) => finding.ruleId === 'dependencies/undeclared').map((finding) => text.slice(finding.start, finding.end)), ['left-pad']);
    assert.equal(counter.calls, 1);
    const secretsOnly = manifestCounted();
    evaluate('README.md', 'token = "not-a-secret"\n', { policy: defaultPolicy(), rules: [secretsHardcodedSecret], manifest: secretsOnly.manifest });
    assert.equal(secretsOnly.counter.calls, 0);
  });

  it("gives every rule the policy's options merged over the rule's defaults, read-only, and a changed policy its own", () => {
    const seen: Readonly<Record<string, unknown>>[] = [];
    const probe: Rule = {
      id: 'test/probe',
      kind: 'text',
      defaultSeverity: 'warning',
      summary: 'probe',
      rationale: 'probe',
      defaultOptions: { limit: 1, mode: 'default' },
      check(context: RuleContext) {
        seen.push(context.options);
        return [];
      },
    };
    const policy = defaultPolicy();
    policy.rules['test/probe'] = { options: { limit: 5 } };
    evaluate('a.txt', 'x', { policy, rules: [probe] });
    evaluate('b.txt', 'y', { policy, rules: [probe] });
    assert.deepEqual(seen[0], { limit: 5, mode: 'default' });
    assert.equal(seen[1], seen[0], 'merged once for the same configuration');
    assert.throws(() => {
      (seen[0] as Record<string, unknown>).limit = 6;
    }, TypeError);
    policy.rules['test/probe'] = { options: { mode: 'strict' } };
    evaluate('c.txt', 'z', { policy, rules: [probe] });
    assert.deepEqual(seen[2], { limit: 1, mode: 'strict' });
  });
});
