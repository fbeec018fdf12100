import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse as parseYaml } from 'yaml';
import { parsePolicy } from '../../../src/core/policy/load';
import { defaultPolicy } from '../../../src/core/policy/policy';

const options = { knownRuleIds: ['comprehension/unreviewed-ai-block'] };
const schema = JSON.parse(readFileSync(join(__dirname, '../../../../schemas/policy.schema.json'), 'utf8')) as object;

describe('policy: notes.signOffLevels', () => {
  it('defaults to levels 0 and 1', () => {
    assert.deepEqual(defaultPolicy().notes.signOffLevels, [0, 1]);
    assert.deepEqual(parsePolicy('level: 2\n', options).policy!.notes.signOffLevels, [0, 1]);
  });

  it('reads a list of levels, an empty list and null as none', () => {
    assert.deepEqual(parsePolicy('notes:\n  signOffLevels: [1, 2]\n', options).policy!.notes.signOffLevels, [1, 2]);
    assert.deepEqual(parsePolicy('notes:\n  signOffLevels:\n    - 2\n    - 2\n', options).policy!.notes.signOffLevels, [2]);
    assert.deepEqual(parsePolicy('notes: { signOffLevels: [] }\n', options).policy!.notes.signOffLevels, []);
    assert.deepEqual(parsePolicy('notes:\n  signOffLevels:\n', options).policy!.notes.signOffLevels, []);
  });

  it('rejects anything but levels, where it is written', () => {
    for (const [text, underlined, message] of [
      ['notes:\n  signOffLevels: [1, 3]\n', '3', /notes\.signOffLevels\[1\] must be 0, 1 or 2/],
      ['notes:\n  signOffLevels: 1\n', '1', /notes\.signOffLevels must be a list of policy levels/],
      ['notes:\n  signOffLevels: [one]\n', 'one', /notes\.signOffLevels\[0\] must be 0, 1 or 2/],
    ] as const) {
      const result = parsePolicy(text, options);
      assert.equal(result.policy, undefined, text);
      assert.match(result.problems[0].message, message);
      assert.equal(text.slice(result.problems[0].start, result.problems[0].end), underlined, text);
    }
  });

  it('the schema agrees with the loader and names the rule', () => {
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    for (const text of ['notes: { signOffLevels: [0, 1] }\n', 'notes: { signOffLevels: [] }\n', 'rules: { comprehension/unreviewed-ai-block: warning }\n']) {
      assert.ok(validate(parseYaml(text)), `${text}: ${JSON.stringify(validate.errors)}`);
      assert.ok(parsePolicy(text, options).policy, text);
    }
    for (const text of ['notes: { signOffLevels: [3] }\n', 'notes: { signOffLevels: 1 }\n']) {
      assert.equal(validate(parseYaml(text)), false, `schema accepts ${text}`);
      assert.equal(parsePolicy(text, options).policy, undefined, text);
    }
  });
});
