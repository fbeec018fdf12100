import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse as parseYaml } from 'yaml';
import { parsePolicy } from '../../../src/core/policy/load';
import { DEFAULT_VIRTUAL_MODULES, defaultPolicy } from '../../../src/core/policy/policy';

const options = { knownRuleIds: ['dependencies/undeclared', 'dependencies/registry'] };
const schema = JSON.parse(readFileSync(join(__dirname, '../../../../schemas/policy.schema.json'), 'utf8')) as {
  properties: { dependencies: { default: unknown; properties: Record<string, { default: unknown }> } };
};

describe('policy: dependencies keys', () => {
  it('the schema documents every key with the loader default', () => {
    const defaults = defaultPolicy().dependencies;
    assert.deepEqual(schema.properties.dependencies.default, defaults);
    assert.deepEqual(Object.keys(schema.properties.dependencies.properties).sort(), Object.keys(defaults).sort());
    for (const [key, value] of Object.entries(defaults)) assert.deepEqual(schema.properties.dependencies.properties[key].default, value, key);
    assert.deepEqual(defaults.virtualModules, DEFAULT_VIRTUAL_MODULES);
  });

  it('reads the registry check switch, thresholds, private scopes and virtual modules', () => {
    const text = "dependencies:\n  registryCheck: true\n  minPackageAgeDays: 7\n  minWeeklyDownloads: 0\n  privateScopes: ['@corp', 'internal-*']\n  virtualModules: ['@vmod/*']\n";
    const { policy, problems } = parsePolicy(text, options);
    assert.deepEqual(problems, []);
    assert.deepEqual(policy!.dependencies, { allow: [], deny: [], registryCheck: true, minPackageAgeDays: 7, minWeeklyDownloads: 0, privateScopes: ['@corp', 'internal-*'], virtualModules: ['@vmod/*'] });
  });

  it('the schema agrees with the loader on valid and invalid values', () => {
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    for (const text of ['dependencies: { registryCheck: true, minPackageAgeDays: 0 }\n', "dependencies: { privateScopes: ['@a'] }\n"]) {
      assert.ok(validate(parseYaml(text)), `${text}: ${JSON.stringify(validate.errors)}`);
      assert.deepEqual(parsePolicy(text, options).problems, [], text);
    }
    for (const text of ['dependencies: { registryCheck: yes please }\n', 'dependencies: { minPackageAgeDays: -1 }\n', 'dependencies: { minWeeklyDownloads: 1.5 }\n', 'dependencies: { privateScopes: "@a" }\n']) {
      assert.equal(validate(parseYaml(text)), false, `schema accepts ${text}`);
      assert.ok(parsePolicy(text, options).problems.some((problem) => problem.severity === 'error'), `loader accepts ${text}`);
    }
  });

  it('points a rule option virtualModules at the policy key, and keeps it', () => {
    const text = "rules:\n  dependencies/undeclared:\n    options:\n      virtualModules: ['@vmod/*']\n";
    const { policy, problems } = parsePolicy(text, options);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].severity, 'warning');
    assert.match(problems[0].message, /rules\.dependencies\/undeclared\.options\.virtualModules is now the policy key dependencies\.virtualModules/);
    assert.equal(problems[0].line, 3);
    assert.deepEqual(policy!.rules['dependencies/undeclared'].options, { virtualModules: ['@vmod/*'] });
  });
});
