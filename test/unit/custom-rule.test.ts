import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePolicy } from '../../src/core/policy/load';
import { PolicyWorkspace } from '../../src/core/workspace/policy-workspace';
import { evaluate } from '../../src/core/check/engine';
import { defaultPolicy } from '../../src/core/policy/policy';
import type { CustomRuleSpec } from '../../src/core/policy/policy';
import {
  compileCustomPattern,
  createCustomRule,
  CUSTOM_RULE_ID_PATTERN,
  customRulesFor,
  MAX_CUSTOM_MATCHES_PER_FILE,
  MAX_CUSTOM_PATTERN_LENGTH,
} from '../../src/core/rules/custom/custom-rule';
import type { RuleContext } from '../../src/core/rules/rule';
import { LineIndex } from '../../src/core/text/line-index';

function contextFor(path: string, text: string): RuleContext {
  return { path, text, lines: new LineIndex(text), options: {}, dependencies: { allow: [], deny: [] } };
}

function spec(overrides: Partial<CustomRuleSpec>): CustomRuleSpec {
  return { id: 'custom/test', pattern: 'x', message: 'matched', severity: 'warning', paths: [], ...overrides };
}

const SERVICE = [
  "import { logger } from './log';",
  '',
  'export async function charge(amount: number) {',
  '  console.log("charging", amount);',
  '  const result = await gateway.charge(amount);',
  '  console.log(result);',
  '  return result;',
  '}',
  '',
].join('\n');

describe('custom rules', () => {
  it('reports each match with the rule message and exact offsets', () => {
    const rule = createCustomRule(spec({ id: 'custom/no-console', pattern: 'console\\.log\\(', message: 'Use the logger.' }));
    assert.equal(rule.id, 'custom/no-console');
    assert.equal(rule.kind, 'text');
    assert.equal(rule.defaultSeverity, 'warning');
    const findings = rule.check(contextFor('src/pay.ts', SERVICE));
    assert.equal(findings.length, 2);
    for (const finding of findings) {
      assert.equal(SERVICE.slice(finding.start, finding.end), 'console.log(');
      assert.equal(finding.message, 'Use the logger.');
    }
    assert.equal(new LineIndex(SERVICE).positionAt(findings[1].start).line, 5);
  });

  it('finds nothing when nothing matches', () => {
    const rule = createCustomRule(spec({ pattern: 'debugger' }));
    assert.deepEqual(rule.check(contextFor('src/pay.ts', SERVICE)), []);
  });

  it('anchors ^ and $ at line boundaries and supports (?i)', () => {
    const text = 'ok\n  todo: later\nTODO now\n';
    const rule = createCustomRule(spec({ pattern: '(?i)^\\s*todo\\b' }));
    const found = rule.check(contextFor('notes.md', text)).map((finding) => text.slice(finding.start, finding.end));
    assert.deepEqual(found, ['  todo', 'TODO']);
  });

  it('reports UTF-16 offsets after astral characters', () => {
    const text = '// 😀 é secret=abc\n';
    const rule = createCustomRule(spec({ pattern: 'secret=\\w+' }));
    const [finding] = rule.check(contextFor('a.ts', text));
    assert.equal(text.slice(finding.start, finding.end), 'secret=abc');
  });

  it('skips zero-width matches', () => {
    const rule = createCustomRule(spec({ pattern: '^' }));
    assert.deepEqual(rule.check(contextFor('a.ts', 'a\nb\n')), []);
  });

  it('applies only to files matching its paths globs', () => {
    const rule = createCustomRule(spec({ pattern: 'console\\.log', paths: ['src/**', '!src/generated/**'] }));
    assert.equal(rule.check(contextFor('src/pay.ts', SERVICE)).length, 2);
    assert.equal(rule.check(contextFor('scripts/build.ts', SERVICE)).length, 0);
    const folderRule = createCustomRule(spec({ pattern: 'console\\.log', paths: ['src'] }));
    assert.equal(folderRule.check(contextFor('src/deep/pay.ts', SERVICE)).length, 2, 'a folder glob covers its files');
  });

  it('caps matches per file and says so in one extra info finding', () => {
    const text = 'x'.repeat(MAX_CUSTOM_MATCHES_PER_FILE + 500);
    const findings = createCustomRule(spec({ pattern: 'x' })).check(contextFor('a.txt', text));
    assert.equal(findings.length, MAX_CUSTOM_MATCHES_PER_FILE + 1);
    const last = findings[findings.length - 1];
    assert.equal(last.severity, 'info');
    assert.match(last.message, /more than 1000 times/);
  });

  it('completes a catastrophic-backtracking pattern on a long input (RE2: linear time)', () => {
    // With a backtracking engine, (a+)+$ against many a's followed by a non-a takes exponential time.
    const text = `${'a'.repeat(100_000)}!\n`;
    const findings = createCustomRule(spec({ pattern: '(a+)+$' })).check(contextFor('a.txt', text));
    assert.deepEqual(findings, []);
    const nested = createCustomRule(spec({ pattern: '(x+x+)+y' })).check(contextFor('a.txt', 'x'.repeat(50_000)));
    assert.deepEqual(nested, []);
  });

  it('throws on an invalid pattern and reports RE2-unsupported syntax', () => {
    assert.throws(() => createCustomRule(spec({ id: 'custom/bad', pattern: 'foo(' })), /custom\/bad: invalid pattern: missing closing \)/);
    const backreference = compileCustomPattern('(a)\\1');
    assert.equal(backreference.ok, false);
    assert.equal(compileCustomPattern('(?i)password\\s*=').ok, true);
  });

  it('validates custom rule ids', () => {
    assert.ok(CUSTOM_RULE_ID_PATTERN.test('custom/no-console'));
    assert.ok(CUSTOM_RULE_ID_PATTERN.test('custom/api.v2_timeout'));
    assert.ok(!CUSTOM_RULE_ID_PATTERN.test('no-console'));
    assert.ok(!CUSTOM_RULE_ID_PATTERN.test('custom/'));
    assert.ok(!CUSTOM_RULE_ID_PATTERN.test('custom/No-Console'));
    assert.ok(!CUSTOM_RULE_ID_PATTERN.test('security/eval'));
  });

  it('creates no custom rules for an untrusted workspace, and skips broken entries when trusted', () => {
    const policy = {
      ...defaultPolicy(),
      customRules: [spec({ id: 'custom/a', pattern: 'a' }), spec({ id: 'custom/broken', pattern: '(' }), spec({ id: 'custom/b', pattern: 'b' })],
    };
    assert.deepEqual(customRulesFor(policy, { trusted: false }), []);
    assert.deepEqual(
      customRulesFor(policy, { trusted: true }).map((rule) => rule.id),
      ['custom/a', 'custom/b'],
    );
  });

  it('compiles no pattern of an untrusted workspace: syntax errors are reported once trust is granted', () => {
    const text = 'customRules:\n  - id: custom/lookbehind\n    pattern: "(?<=token)x"\n    message: m\n';
    const untrusted = parsePolicy(text, { knownRuleIds: [], compilePatterns: false });
    assert.deepEqual(untrusted.problems, [], 'untrusted: the pattern is not compiled, so its RE2 error is not seen');
    assert.equal(untrusted.policy?.customRules.length, 1);
    const trusted = parsePolicy(text, { knownRuleIds: [] });
    assert.equal(trusted.problems.length, 1);
    assert.match(trusted.problems[0].message, /Invalid pattern \(RE2 syntax\)/);
    assert.equal(trusted.problems[0].line, 2);
    // The length cap needs no compiling, so it holds untrusted too.
    const long = `customRules:\n  - id: custom/long\n    pattern: "${'a'.repeat(MAX_CUSTOM_PATTERN_LENGTH + 1)}"\n    message: m\n`;
    assert.match(parsePolicy(long, { knownRuleIds: [], compilePatterns: false }).problems[0]?.message ?? '', /at most 1000/);
  });

  it('a policy workspace reads its patterns again when trust is granted, and drops the rules when it is withdrawn', () => {
    const root = mkdtempSync(join(tmpdir(), 'cf-trust-'));
    try {
      mkdirSync(join(root, '.comprehension'));
      writeFileSync(
        join(root, '.comprehension/policy.yaml'),
        'customRules:\n  - id: custom/todo\n    pattern: "TODO"\n    message: m\n  - id: custom/broken\n    pattern: "(?<=x)y"\n    message: m\n',
      );
      const workspace = new PolicyWorkspace(root, false);
      assert.deepEqual(workspace.loadPolicyFromDisk(), []);
      const customIds = () => workspace.rules.map((rule) => rule.id).filter((id) => id.startsWith('custom/'));
      assert.deepEqual(customIds(), []);
      workspace.setTrusted(true);
      assert.deepEqual(customIds(), ['custom/todo'], 'the pattern that compiles runs; the broken one is skipped');
      assert.equal(workspace.policyState.problems.length, 1);
      assert.match(workspace.policyState.problems[0].message, /RE2 syntax/);
      assert.equal(workspace.checkFile('a.ts', '// TODO\n').findings.filter((finding) => finding.ruleId === 'custom/todo').length, 1);
      workspace.setTrusted(false);
      assert.deepEqual(customIds(), []);
      assert.deepEqual(workspace.policyState.problems, [], 'untrusted again: nothing compiled, nothing reported');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('runs through the engine with the policy overriding its severity', () => {
    const custom = createCustomRule(spec({ id: 'custom/no-console', pattern: 'console\\.log\\(', severity: 'info' }));
    const policy = { ...defaultPolicy(), rules: { 'custom/no-console': { severity: 'error' as const } } };
    const result = evaluate('src/pay.ts', SERVICE, { policy, rules: [custom] });
    assert.equal(result.findings.length, 2);
    assert.ok(result.findings.every((finding) => finding.ruleId === 'custom/no-console' && finding.severity === 'error'));
    const plain = evaluate('src/pay.ts', SERVICE, { policy: defaultPolicy(), rules: [custom] });
    assert.ok(plain.findings.every((finding) => finding.severity === 'info'));
  });
});
