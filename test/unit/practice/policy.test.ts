import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configuredRuleIds, policyFromText, readWorkspacePolicy } from '../../../src/core/practice/policy';

describe('Practice client: workspace policy without the rule engine', () => {
  it('reads level and practice goals from a policy that configures built-in rules', () => {
    const text = [
      'level: 2',
      'rules:',
      '  security/eval: error',
      '  reliability/missing-timeout: { severity: warning, options: { maxMs: 30000 } }',
      'practice:',
      '  weeklyGoalMinutes: 90',
      '  dailyMinimumMinutes: 20',
      'notes:',
      '  minWordsPerAnswer: 12',
    ].join('\n');
    const policy = policyFromText(text);
    assert.equal(policy.level, 2);
    assert.deepEqual(policy.practice, { weeklyGoalMinutes: 90, dailyMinimumMinutes: 20 });
    assert.equal(policy.notes.minWordsPerAnswer, 12);
  });

  it('keeps custom rules working (their ids are not treated as built-in ones)', () => {
    const text = [
      'level: 0',
      'customRules:',
      '  - id: custom/no-console',
      '    pattern: "console\\\\.log"',
      '    message: No console.log',
      'rules:',
      '  custom/no-console: warning',
    ].join('\n');
    assert.deepEqual(configuredRuleIds(text), []);
    assert.equal(policyFromText(text).level, 0);
  });

  it('falls back to the defaults for a missing file and for a file with errors', async () => {
    const root = mkdtempSync(join(tmpdir(), 'practice-policy-'));
    assert.equal((await readWorkspacePolicy(root)).level, 1);
    mkdirSync(join(root, '.comprehension'));
    writeFileSync(join(root, '.comprehension/policy.yaml'), 'level: 7\npractice:\n  weeklyGoalMinutes: 30\n');
    const policy = await readWorkspacePolicy(root);
    assert.equal(policy.level, 1, 'an invalid level is an error: the defaults stay in force');
    assert.equal(policy.practice.weeklyGoalMinutes, 0);
    writeFileSync(join(root, '.comprehension/policy.yaml'), 'level: 2\n');
    assert.equal((await readWorkspacePolicy(root)).level, 2);
  });
});
