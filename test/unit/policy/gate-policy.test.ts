import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse as parseYaml } from 'yaml';
import { parsePolicy } from '../../../src/core/policy/load';
import { defaultPolicy } from '../../../src/core/policy/policy';

const options = { knownRuleIds: ['security/eval'] };
const schema = JSON.parse(readFileSync(join(__dirname, '../../../../schemas/policy.schema.json'), 'utf8')) as object;

describe('policy: check.failOn and notes.editorGraceHours', () => {
  it('defaults to failing on errors with a 24-hour editor grace', () => {
    assert.deepEqual(defaultPolicy().check, { failOn: 'error', failOnUncheckedFiles: true, skipGenerated: true });
    assert.equal(defaultPolicy().notes.editorGraceHours, 24);
  });

  it('reads valid values', () => {
    const policy = parsePolicy('check:\n  failOn: warning\nnotes:\n  editorGraceHours: 0.5\n', options).policy!;
    assert.equal(policy.check.failOn, 'warning');
    assert.equal(policy.notes.editorGraceHours, 0.5);
    assert.equal(parsePolicy('notes: { editorGraceHours: 0 }\n', options).policy!.notes.editorGraceHours, 0);
  });

  it('rejects bad values where they are written, with a suggestion for a near miss', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['check:\n  failOn: warn\n', 'warn', /check\.failOn must be one of error, warning, info\. Did you mean "warning"\?/],
      ['check:\n  failOn: off\n', 'off', /check\.failOn must be one of error, warning, info/],
      ['check: error\n', 'error', /check must be a mapping/],
      ['notes:\n  editorGraceHours: -1\n', '-1', /notes\.editorGraceHours must be a number from 0 to 8784/],
      ['notes:\n  editorGraceHours: a day\n', 'a day', /notes\.editorGraceHours must be a number/],
    ];
    for (const [text, underlined, message] of cases) {
      const result = parsePolicy(text, options);
      assert.equal(result.policy, undefined, text);
      assert.equal(result.problems.length, 1, text);
      const [problem] = result.problems;
      assert.match(problem.message, message);
      assert.equal(text.slice(problem.start, problem.end), underlined, text);
      assert.equal(problem.line, text.slice(0, problem.start).split('\n').length - 1);
    }
    const unknown = parsePolicy('check:\n  failon: error\n', options);
    assert.ok(unknown.policy, 'an unknown key is a warning');
    assert.match(unknown.problems[0].message, /Unknown key "failon" in check.*Did you mean "failOn"/);
  });

  it('the schema agrees with the loader', () => {
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    for (const text of ['check: { failOn: info }\n', 'notes: { editorGraceHours: 48 }\n']) {
      assert.ok(validate(parseYaml(text)), `${text}: ${JSON.stringify(validate.errors)}`);
      assert.ok(parsePolicy(text, options).policy, text);
    }
    for (const text of ['check: { failOn: off }\n', 'check: { failOn: warning, other: 1 }\n', 'notes: { editorGraceHours: -2 }\n', 'notes: { editorGraceHours: 9000 }\n']) {
      assert.equal(validate(parseYaml(text)), false, `schema accepts ${text}`);
    }
  });
});
