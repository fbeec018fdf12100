import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { parsePolicy } from '../../src/core/policy/load';
import { defaultPolicy } from '../../src/core/policy/policy';
import { STARTER_POLICY_YAML } from '../../src/core/policy/starter';
import { BUILTIN_RULES } from '../../src/core/rules/index';
import { blockAccessibilityLabel } from '../../src/client/provenance/labels';

const root = join(__dirname, '../../..');

describe('onboarding', () => {
  it('the starter policy is valid and says exactly the defaults', () => {
    const result = parsePolicy(STARTER_POLICY_YAML, { knownRuleIds: BUILTIN_RULES.map((rule) => rule.id) });
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.policy, defaultPolicy());
  });

  it('the demo workspace policy is valid', () => {
    const text = readFileSync(join(root, 'test/fixtures/demo-workspace/.comprehension/policy.yaml'), 'utf8');
    const result = parsePolicy(text, { knownRuleIds: BUILTIN_RULES.map((rule) => rule.id) });
    assert.deepEqual(result.problems, []);
    assert.ok(result.policy?.criticalPaths.length, 'the demo has a critical path');
  });

  it('the sandbox demo extension never ships in the .vsix', () => {
    // .vscodeignore: `**` ignores everything, each `!glob` lets matching files back in.
    const allowed = readFileSync(join(root, '.vscodeignore'), 'utf8').split('\n').filter((line) => line.startsWith('!')).map((line) => picomatch(line.slice(1), { dot: true }));
    for (const file of ['scripts/sandbox-demo-extension/extension.js', 'scripts/sandbox-demo-extension/package.json']) {
      assert.ok(existsSync(join(root, file)), file);
      assert.ok(!allowed.some((matches) => matches(file)), `${file} is not allow-listed`);
    }
    const demo = JSON.parse(readFileSync(join(root, 'scripts/sandbox-demo-extension/package.json'), 'utf8')) as { private: boolean; publisher: string; contributes: { commands: { category: string }[] } };
    assert.equal(demo.private, true);
    assert.notEqual(demo.publisher, 'comprehension-first');
    assert.ok(demo.contributes.commands.every((command) => command.category === 'Comprehension Demo'));
  });

  describe('AI Blocks row accessible label', () => {
    const block = { startLine: 3, endLine: 9, source: 'inline-completion', confidence: 'certain' } as const;

    it('says the file, the line range, the source, the confidence and the note state in words', () => {
      assert.equal(
        blockAccessibilityLabel({ path: 'src/payments/charge.ts', block, lost: false, details: ['explained ✓', '2 findings'] }),
        'AI block in src/payments/charge.ts, lines 3 to 9, inline completion, certain, note: explained, 2 findings',
      );
    });

    it('names a missing, stale or draft note, a lost block and a one-line block', () => {
      const one = { ...block, endLine: 3, source: 'agent-write', confidence: 'likely' } as const;
      assert.equal(blockAccessibilityLabel({ path: 'a.ts', block: one, lost: false, details: ['no note'] }), 'AI block in a.ts, line 3, agent write, likely, note: no note');
      assert.equal(blockAccessibilityLabel({ path: 'a.ts', block, lost: false, details: ['note stale'] }).endsWith('note: stale'), true);
      assert.equal(blockAccessibilityLabel({ path: 'a.ts', block, lost: true, details: ['note draft'] }), 'AI block in a.ts, lines 3 to 9, inline completion, certain, lost, note: draft');
      assert.equal(blockAccessibilityLabel({ path: 'a.ts', block, lost: false, details: [] }), 'AI block in a.ts, lines 3 to 9, inline completion, certain, note: none');
    });
  });
});
