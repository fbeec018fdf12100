import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse as parseYaml } from 'yaml';
import { parsePolicy, POLICY_SEVERITIES, POLICY_TOP_LEVEL_KEYS, type PolicyProblem, PolicyState } from '../../src/core/policy/load';
import { defaultPolicy } from '../../src/core/policy/policy';

const BUILTIN_IDS = ['security/eval', 'secrets/generic', 'reliability/timeout'];
const options = { knownRuleIds: BUILTIN_IDS };

/** The text a problem underlines, so tests check positions, not just messages. */
function underlined(text: string, problem: PolicyProblem): string {
  return text.slice(problem.start, problem.end);
}

function only(problems: PolicyProblem[]): PolicyProblem {
  assert.equal(problems.length, 1, `expected one problem, got ${JSON.stringify(problems, null, 2)}`);
  return problems[0];
}

const FULL_POLICY = `# Team policy
level: 2
rules:
  security/eval: error
  secrets/generic:
    severity: warning
    options: { minEntropy: 3.5, allowTestFixtures: true }
  custom/no-console: info
criticalPaths:
  - src/auth
  - "**/migrations/**"
ignore: [dist, "**/*.min.js"]
respectGitignore: false
dependencies:
  allow: [lodash, zod]
  deny: [left-pad]
customRules:
  - id: custom/no-console
    pattern: 'console\\.log\\('
    message: Use the logger instead of console.log.
    severity: warning
    paths: ["src/**"]
  - id: custom/no-todo-without-ticket
    pattern: "TODO(?!\\\\()"
    message: x
notes:
  minBlockLines: 5
  maxCodeSimilarity: 0.5
  maxAnswerOverlap: 0.75
  minSpecificAnswers: 3
practice:
  weeklyGoalMinutes: 90
`;

describe('parsePolicy', () => {
  it('gives the defaults for an empty file, a comment-only file and an explicit null document', () => {
    for (const text of ['', '# nothing yet\n', '~\n', '---\n']) {
      const result = parsePolicy(text, options);
      assert.deepEqual(result.problems, [], text);
      assert.deepEqual(result.policy, defaultPolicy(), text);
    }
  });

  it('reads every section and merges it over the defaults', () => {
    const text = FULL_POLICY.replace('"TODO(?!\\\\()"', '"TODO[^(]"');
    const result = parsePolicy(text, options);
    assert.deepEqual(result.problems, []);
    const policy = result.policy!;
    assert.equal(policy.level, 2);
    assert.deepEqual(policy.rules, {
      'security/eval': { severity: 'error' },
      'secrets/generic': { severity: 'warning', options: { minEntropy: 3.5, allowTestFixtures: true } },
      'custom/no-console': { severity: 'info' },
    });
    assert.deepEqual(policy.criticalPaths, ['src/auth', '**/migrations/**']);
    assert.deepEqual(policy.ignore, ['dist', '**/*.min.js']);
    assert.equal(policy.respectGitignore, false);
    assert.deepEqual(policy.dependencies, { ...defaultPolicy().dependencies, allow: ['lodash', 'zod'], deny: ['left-pad'] });
    assert.deepEqual(policy.customRules, [
      { id: 'custom/no-console', pattern: 'console\\.log\\(', message: 'Use the logger instead of console.log.', severity: 'warning', paths: ['src/**'] },
      { id: 'custom/no-todo-without-ticket', pattern: 'TODO[^(]', message: 'x', severity: 'warning', paths: [] },
    ]);
    // Unset fields inside a section keep their defaults.
    assert.deepEqual(policy.notes, { ...defaultPolicy().notes, minBlockLines: 5, maxCodeSimilarity: 0.5, maxAnswerOverlap: 0.75, minSpecificAnswers: 3 });
    assert.deepEqual(policy.practice, { weeklyGoalMinutes: 90, dailyMinimumMinutes: 15 });
  });

  it('reports an RE2-invalid pattern (lookahead) at the pattern, with RE2js\'s message', () => {
    const result = parsePolicy(FULL_POLICY, options);
    assert.equal(result.policy, undefined);
    const problem = only(result.problems);
    assert.equal(problem.severity, 'error');
    assert.equal(underlined(FULL_POLICY, problem), '"TODO(?!\\\\()"');
    assert.match(problem.message, /^Invalid pattern \(RE2 syntax\): .*(?:named capture|perl|repetition|\(\?!)/);
    assert.doesNotMatch(problem.message, /\(\?m\)/, 'the internal multiline flag is not shown');
    // The position is 0-based line/character of the start.
    assert.equal(problem.line, FULL_POLICY.split('\n').findIndex((line) => line.includes('TODO(')));
    assert.equal(problem.character, FULL_POLICY.split('\n')[problem.line].indexOf('"TODO'));
  });

  it('reports YAML syntax errors with yaml\'s own message and position, and no policy', () => {
    const text = 'level: 1\nrules:\n  security/eval: [error\n';
    const result = parsePolicy(text, options);
    assert.equal(result.policy, undefined);
    assert.ok(result.problems.length >= 1);
    assert.ok(result.problems.every((problem) => problem.severity === 'error'));
    assert.ok(result.problems[0].start >= text.indexOf('[error'), 'points at or after the broken flow sequence');
    assert.doesNotMatch(result.problems[0].message, /\n/, 'no source excerpt in the message');
  });

  it('explains that the file holds a single YAML document', () => {
    const text = 'level: 1\n---\nlevel: 2\n';
    const problem = only(parsePolicy(text, options).problems);
    assert.equal(underlined(text, problem), '---');
    assert.match(problem.message, /one YAML document/);
    assert.doesNotMatch(problem.message, /parseAllDocuments/);
  });

  it('reports a duplicate key at the second occurrence', () => {
    const text = 'level: 1\nignore: []\nlevel: 2\n';
    const problem = only(parsePolicy(text, options).problems);
    assert.equal(problem.severity, 'error');
    assert.match(problem.message, /unique/);
    assert.equal(problem.line, 2);
  });

  it('warns about unknown top-level keys with a suggestion, and still applies the rest', () => {
    const text = 'level: 0\ncriticalpath: [src/auth]\nignores: [dist]\nfavouriteColour: blue\n';
    const result = parsePolicy(text, options);
    assert.equal(result.policy?.level, 0);
    const [first, second, third] = result.problems;
    assert.equal(result.problems.length, 3);
    assert.ok(result.problems.every((problem) => problem.severity === 'warning'));
    assert.equal(underlined(text, first), 'criticalpath');
    assert.match(first.message, /Did you mean "criticalPaths"\?/);
    assert.equal(underlined(text, second), 'ignores');
    assert.match(second.message, /Did you mean "ignore"\?/);
    assert.equal(underlined(text, third), 'favouriteColour');
    assert.doesNotMatch(third.message, /Did you mean/);
  });

  it('rejects unknown rule ids under rules: with a suggestion, at the id', () => {
    const text = 'rules:\n  security/evl: off\n  reliability/timeout: warning\n';
    const result = parsePolicy(text, options);
    assert.equal(result.policy, undefined);
    const problem = only(result.problems);
    assert.equal(problem.severity, 'error');
    assert.equal(underlined(text, problem), 'security/evl');
    assert.match(problem.message, /Unknown rule "security\/evl"\. Did you mean "security\/eval"\?/);
    assert.deepEqual({ line: problem.line, character: problem.character }, { line: 1, character: 2 });
  });

  it('accepts a custom rule id under rules: even when the rule is declared later in the file', () => {
    const text = 'rules:\n  custom/no-foo: error\ncustomRules:\n  - { id: custom/no-foo, pattern: foo, message: no foo }\n';
    const result = parsePolicy(text, options);
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.policy?.rules, { 'custom/no-foo': { severity: 'error' } });
  });

  it('checks severities, levels, booleans, numbers and list types, each at its value', () => {
    const cases: { text: string; at: string; message: RegExp }[] = [
      { text: 'level: 3\n', at: '3', message: /level must be 0 .*, 1 .* or 2/ },
      { text: 'level: "1"\n', at: '"1"', message: /level must be/ },
      { text: 'level:\n', at: 'level', message: /level must be/ },
      { text: 'rules:\n  security/eval: warn\n', at: 'warn', message: /one of error, warning, info, off\. Did you mean "warning"\?/ },
      { text: 'rules:\n  security/eval: { severity: loud }\n', at: 'loud', message: /rules\.security\/eval\.severity must be one of/ },
      { text: 'rules:\n  security/eval:\n', at: 'security/eval', message: /must be one of/ },
      { text: 'rules:\n  security/eval: { options: [1, 2] }\n', at: '[1, 2]', message: /options must be a mapping/ },
      { text: 'rules: [security/eval]\n', at: '[security/eval]', message: /rules must be a mapping/ },
      { text: 'ignore: dist/**\n', at: 'dist/**', message: /ignore must be a list of globs/ },
      { text: 'criticalPaths: [src, 42]\n', at: '42', message: /criticalPaths\[1\] must be a glob string/ },
      { text: 'criticalPaths: [""]\n', at: '""', message: /empty glob/ },
      { text: 'respectGitignore: "yes"\n', at: '"yes"', message: /true or false/ },
      { text: 'dependencies:\n  allow: lodash\n', at: 'lodash', message: /dependencies\.allow must be a list/ },
      { text: 'notes:\n  minWordsPerAnswer: 2.5\n', at: '2.5', message: /whole number/ },
      { text: 'notes:\n  maxCodeSimilarity: 1.5\n', at: '1.5', message: /from 0 to 1/ },
      { text: 'notes:\n  maxPromptOverlap: 1.2\n', at: '1.2', message: /from 0 to 1/ },
      { text: 'notes:\n  maxUnknownReferences: 0.5\n', at: '0.5', message: /whole number/ },
      { text: 'notes:\n  minInformativeWords: -1\n', at: '-1', message: /from 0/ },
      { text: 'practice:\n  dailyMinimumMinutes: -5\n', at: '-5', message: /from 0 to 1440/ },
      { text: 'practice: 30\n', at: '30', message: /practice must be a mapping/ },
      { text: '- level: 1\n', at: '- level: 1', message: /must be a mapping of keys/ },
    ];
    for (const { text, at, message } of cases) {
      const result = parsePolicy(text, options);
      assert.equal(result.policy, undefined, text);
      const problem = only(result.problems);
      assert.equal(problem.severity, 'error', text);
      assert.equal(underlined(text, problem).trim(), at, text);
      assert.match(problem.message, message, text);
    }
  });

  it('warns (without failing) about unknown keys inside sections', () => {
    const text = 'notes:\n  minBlockLine: 4\ndependencies:\n  allowed: [x]\npractice:\n  weeklyGoal: 60\nrules:\n  security/eval: { severity: off, option: {} }\n';
    const result = parsePolicy(text, options);
    assert.ok(result.policy);
    assert.deepEqual(
      result.problems.map((problem) => [underlined(text, problem), problem.severity, /Did you mean "([^"]+)"/.exec(problem.message)?.[1]]),
      [
        ['minBlockLine', 'warning', 'minBlockLines'],
        ['allowed', 'warning', 'allow'],
        ['weeklyGoal', 'warning', 'weeklyGoalMinutes'],
        ['option', 'warning', 'options'],
      ],
    );
    assert.deepEqual(result.policy.rules['security/eval'], { severity: 'off' });
  });

  it('validates custom rules: id form, clashes, duplicates, missing fields, severity and paths', () => {
    const text = [
      'customRules:',
      '  - id: no-prefix',
      '    pattern: a',
      '    message: m',
      '  - id: security/eval',
      '    pattern: a',
      '    message: m',
      '  - id: custom/dup',
      '    pattern: a',
      '    message: m',
      '  - id: custom/dup',
      '    pattern: b',
      '    message: m',
      '  - id: custom/no-message',
      '    pattern: a',
      '  - id: custom/bad-severity',
      '    pattern: a',
      '    message: m',
      '    severity: fatal',
      '  - id: custom/bad-paths',
      '    pattern: a',
      '    message: m',
      '    paths: src/**',
      '  - just a string',
      '',
    ].join('\n');
    const result = parsePolicy(text, { knownRuleIds: ['security/eval', 'custom/builtin-like'] });
    assert.equal(result.policy, undefined);
    const summary = result.problems.map((problem) => `${problem.line}:${underlined(text, problem).split('\n')[0]}: ${problem.message}`);
    assert.equal(summary.length, 7, summary.join('\n'));
    assert.match(summary[0], /^1:no-prefix: Custom rule id "no-prefix" must look like custom\/<name>/);
    assert.match(summary[1], /^4:security\/eval: Custom rule id "security\/eval" must look like custom/);
    assert.match(summary[2], /^10:custom\/dup: .*used twice/);
    assert.match(summary[3], /^13:id: custom\/no-message: customRules\[4\] needs "message"/);
    assert.match(summary[4], /^18:fatal: customRules\[5\]\.severity must be one of/);
    assert.match(summary[5], /^22:src\/\*\*: customRules\[6\]\.paths must be a list of globs/);
    assert.match(summary[6], /^23:just a string: customRules\[7\] must be a mapping/);
  });

  it('rejects a custom id that equals a built-in id', () => {
    const text = 'customRules:\n  - { id: custom/shipped, pattern: a, message: m }\n';
    const problem = only(parsePolicy(text, { knownRuleIds: ['custom/shipped'] }).problems);
    assert.equal(underlined(text, problem), 'custom/shipped');
    assert.match(problem.message, /already the id of a built-in rule/);
  });

  it('warns when level 2 has no weekly practice goal, at the level value', () => {
    const text = 'level: 2\n';
    const result = parsePolicy(text, options);
    assert.ok(result.policy, 'a warning does not block the policy');
    const problem = only(result.problems);
    assert.equal(problem.severity, 'warning');
    assert.equal(underlined(text, problem), '2');
    assert.match(problem.message, /weeklyGoalMinutes/);
  });

  it('follows YAML anchors and aliases, and reports an unknown alias', () => {
    const shared = 'x-globs: &generated [dist, build]\n';
    const good = parsePolicy(`ignore: &generated [dist, build]\ncriticalPaths: *generated\n`, options);
    assert.deepEqual(good.problems, []);
    assert.deepEqual(good.policy?.criticalPaths, ['dist', 'build']);
    const unknownKey = parsePolicy(shared, options);
    assert.equal(unknownKey.problems[0].severity, 'warning');
    const bad = parsePolicy('ignore: *nowhere\n', options);
    assert.equal(bad.policy, undefined);
    assert.ok(bad.problems.some((problem) => problem.severity === 'error'));
  });

  it('treats an empty section (all entries commented out) as empty, not as an error', () => {
    const text = 'rules:\n  # security/eval: off\nignore:\ncustomRules:\n';
    const result = parsePolicy(text, options);
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.policy?.rules, {});
    assert.deepEqual(result.policy?.ignore, []);
  });

  it('computes line and character in UTF-16 units after non-ASCII text', () => {
    const text = '# Politique d’équipe 😀\nlevel: 9\n';
    const problem = only(parsePolicy(text, options).problems);
    assert.deepEqual({ line: problem.line, character: problem.character }, { line: 1, character: 7 });
    assert.equal(underlined(text, problem), '9');
  });
});

describe('PolicyState', () => {
  it('keeps the last valid policy while the file has errors, and recovers when fixed', () => {
    const state = new PolicyState(options);
    assert.deepEqual(state.current, defaultPolicy());

    assert.deepEqual(state.update('level: 0\nignore: [dist]\n'), []);
    const valid = state.current;
    assert.equal(valid.level, 0);
    assert.equal(state.isStale, false);

    const problems = state.update('level: 0\nignore: [dist\n');
    assert.ok(problems.some((problem) => problem.severity === 'error'));
    assert.equal(state.current, valid, 'the previous policy object stays in force');
    assert.equal(state.isStale, true);
    assert.deepEqual(state.problems, problems);

    state.update('level: 2\npractice: { weeklyGoalMinutes: 60 }\n');
    assert.equal(state.current.level, 2);
    assert.notEqual(state.current, valid);
    assert.equal(state.isStale, false);
  });

  it('applies a file with only warnings, and the defaults when the file is deleted', () => {
    const state = new PolicyState(options);
    const problems = state.update('level: 0\ncolour: blue\n');
    assert.equal(problems.length, 1);
    assert.equal(state.current.level, 0);
    assert.deepEqual(state.update(undefined), []);
    assert.deepEqual(state.current, defaultPolicy());
  });
});

describe('policy schema', () => {
  const schemaPath = join(__dirname, '../../../schemas/policy.schema.json');
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as {
    properties: Record<string, Record<string, unknown>>;
    definitions: Record<string, Record<string, unknown>>;
  };

  it('names exactly the top-level keys the loader reads', () => {
    assert.deepEqual(Object.keys(schema.properties).sort(), [...POLICY_TOP_LEVEL_KEYS].sort());
  });

  it('has a description and a markdownDescription on every property, at every depth', () => {
    const missing: string[] = [];
    const visit = (node: unknown, path: string): void => {
      if (Array.isArray(node)) {
        node.forEach((item, index) => visit(item, `${path}[${index}]`));
        return;
      }
      if (node === null || typeof node !== 'object') return;
      const record = node as Record<string, unknown>;
      if (record.properties && typeof record.properties === 'object') {
        for (const [name, property] of Object.entries(record.properties as Record<string, Record<string, unknown>>)) {
          if (typeof property.description !== 'string' || typeof property.markdownDescription !== 'string') missing.push(`${path}.${name}`);
        }
      }
      for (const [key, value] of Object.entries(record)) visit(value, `${path}.${key}`);
    };
    visit(schema, '$');
    assert.deepEqual(missing, []);
  });

  it('enumerates the same severities and levels as the loader', () => {
    assert.deepEqual(schema.definitions.severity.enum, [...POLICY_SEVERITIES]);
    assert.deepEqual(schema.properties.level.enum, [0, 1, 2]);
  });

  it('agrees with the loader on valid and invalid documents (validated with ajv)', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    const valid = FULL_POLICY.replace('"TODO(?!\\\\()"', '"TODO[^(]"');
    assert.ok(validate(parseYaml(valid)), JSON.stringify(validate.errors));
    assert.ok(parsePolicy(valid, options).policy);
    const invalidDocuments = [
      'level: 3\n',
      'rules:\n  security/eval: warn\n',
      'ignore: dist\n',
      'customRules:\n  - { id: nope, pattern: a, message: m }\n',
      'customRules:\n  - { id: custom/a, pattern: a }\n',
      'notes:\n  maxCodeSimilarity: 2\n',
      'practice:\n  weeklyGoalMinutes: 20000\n',
      'respectGitignore: 1\n',
    ];
    for (const text of invalidDocuments) {
      assert.equal(validate(parseYaml(text)), false, `schema accepts ${text}`);
      assert.equal(parsePolicy(text, options).policy, undefined, `loader accepts ${text}`);
    }
  });
});
