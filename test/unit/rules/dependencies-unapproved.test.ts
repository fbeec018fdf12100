import * as assert from 'node:assert/strict';
import { evaluate } from '../../../src/core/check/engine';
import { parseManifest } from '../../../src/core/rules/dependencies/manifest';
import { defaultPolicy, type Policy } from '../../../src/core/policy/policy';
import { dependenciesUnapproved } from '../../../src/core/rules/dependencies/unapproved';
import type { PackageManifestInfo } from '../../../src/core/rules/rule';

function policyWith(allow: string[], deny: string[]): Policy {
  const policy = defaultPolicy();
  policy.dependencies = { ...policy.dependencies, allow, deny };
  return policy;
}

function check(text: string, policy: Policy, manifest?: PackageManifestInfo) {
  return evaluate('src/service.ts', text, { policy, rules: [dependenciesUnapproved], manifest }).findings;
}

const serviceCode = [
  "import moment from 'moment';",
  "import { merge } from 'lodash';",
  "import { Client } from '@myorg/http-client/node';",
  "import axios from 'axios';",
  "import { readFile } from 'node:fs/promises';",
  "import { log } from './log';",
].join('\n');

describe('dependencies/unapproved', () => {
  it('reports nothing when the policy has neither list', () => {
    assert.deepEqual(check(serviceCode, defaultPolicy()), []);
  });

  it('flags denied packages as warnings that say they are denied', () => {
    const findings = check(serviceCode, policyWith([], ['moment', 'request']));
    assert.equal(findings.length, 1);
    assert.equal(findings[0].severity, 'warning');
    assert.equal(serviceCode.slice(findings[0].start, findings[0].end), 'moment');
    assert.equal(findings[0].message, "'moment' is denied by the policy (dependencies.deny).");
  });

  it('matches deny globs and names the pattern', () => {
    const text = "const merge = require('lodash.merge');\nimport get from 'lodash.get';\nimport _ from 'lodash';";
    const findings = check(text, policyWith([], ['lodash.*']));
    assert.deepEqual(findings.map((finding) => text.slice(finding.start, finding.end)), ['lodash.merge', 'lodash.get']);
    assert.match(findings[0].message, /denied by the policy \(dependencies\.deny: 'lodash\.\*'\)/);
  });

  it('with an allow list, flags every package not on it (exact names and scope globs)', () => {
    const findings = check(serviceCode, policyWith(['lodash', '@myorg/*'], []));
    assert.deepEqual(findings.map((finding) => serviceCode.slice(finding.start, finding.end)), ['moment', 'axios']);
    assert.match(findings[1].message, /'axios' is not on the policy's approved list \(dependencies\.allow\)/);
  });

  it('reports a package both allowed and denied as denied', () => {
    const findings = check("import moment from 'moment';", policyWith(['moment'], ['moment']));
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /denied/);
  });

  it("never flags builtins, relative paths or the package's own name", () => {
    const parsed = parseManifest(JSON.stringify({ name: '@myorg/service', dependencies: {} }), 'package.json');
    assert.ok(parsed.ok);
    const text = "import fs from 'fs';\nimport { x } from '../x';\nimport { api } from '@myorg/service/api';";
    assert.deepEqual(check(text, policyWith(['react'], []), parsed.manifest), []);
  });

  it('works without a manifest and skips ignored specifiers', () => {
    const policy = policyWith(['lodash'], []);
    policy.rules['dependencies/unapproved'] = { options: { ignore: ['@myorg/**'] } };
    const findings = check(serviceCode, policy);
    assert.deepEqual(findings.map((finding) => serviceCode.slice(finding.start, finding.end)), ['moment', 'axios']);
  });

  it('survives odd policy entries', () => {
    const policy = policyWith(['[', ''], ['(', '']);
    assert.doesNotThrow(() => check(serviceCode, policy));
    // '[' is not a valid glob: it matches only the literal name, so every import is unapproved.
    assert.equal(check(serviceCode, policy).length, 4);
  });
});
