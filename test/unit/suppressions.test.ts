import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  parseSuppressions,
  SUPPRESSION_REASON_RULE_ID,
  SUPPRESSION_UNKNOWN_RULE_ID,
  SUPPRESSION_UNREVIEWED_RULE_ID,
  SUPPRESSION_UNUSED_RULE_ID,
  type SuppressionSet,
} from '../../src/core/check/suppressions';
import { evaluate } from '../../src/core/check/engine';
import { defaultPolicy } from '../../src/core/policy/policy';
import { BUILTIN_RULES } from '../../src/core/rules';
import { LineIndex } from '../../src/core/text/line-index';

const KNOWN = ['security/eval', 'secrets/generic', 'reliability/timeout', 'custom/no-console'];

function parse(text: string): SuppressionSet {
  return parseSuppressions(text, new LineIndex(text), { knownRuleIds: KNOWN });
}

describe('suppressions', () => {
  const commentStyles: { language: string; line: string }[] = [
    { language: 'TypeScript //', line: '// comprehension-ignore security/eval -- parses our own build manifest' },
    { language: 'Rust ///', line: '/// comprehension-ignore security/eval -- parses our own build manifest' },
    { language: 'C block', line: '/* comprehension-ignore security/eval -- parses our own build manifest */' },
    { language: 'JSDoc /**', line: '/** comprehension-ignore security/eval -- parses our own build manifest */' },
    { language: 'JSDoc continuation', line: ' * comprehension-ignore security/eval -- parses our own build manifest' },
    { language: 'Python #', line: '# comprehension-ignore security/eval -- parses our own build manifest' },
    { language: 'HTML', line: '<!-- comprehension-ignore security/eval -- parses our own build manifest -->' },
    { language: 'SQL --', line: '-- comprehension-ignore security/eval -- parses our own build manifest' },
    { language: 'Lisp ;', line: ';; comprehension-ignore security/eval -- parses our own build manifest' },
    { language: 'TeX %', line: '% comprehension-ignore security/eval -- parses our own build manifest' },
    { language: 'trailing //', line: 'const config = eval(source); // comprehension-ignore security/eval -- parses our own build manifest' },
    { language: 'trailing #', line: 'value = eval(source)  # comprehension-ignore security/eval -- parses our own build manifest' },
  ];
  for (const { language, line } of commentStyles) {
    it(`reads a ${language} comment, covering its line and the next`, () => {
      const text = `${line}\nconst config = eval(source);\nconst other = eval(more);\n`;
      const set = parse(text);
      assert.deepEqual(set.problems, []);
      assert.equal(set.suppressions.length, 1);
      assert.equal(set.suppressions[0].reason, 'parses our own build manifest');
      assert.deepEqual(set.suppressions[0].ruleIds.map((rule) => text.slice(rule.start, rule.end)), ['security/eval']);
      assert.equal(set.isSuppressed('security/eval', 0), true);
      assert.equal(set.isSuppressed('security/eval', 1), true);
      assert.equal(set.isSuppressed('security/eval', 2), false, 'only the next line');
      assert.equal(set.isSuppressed('secrets/generic', 1), false, 'only the named rule');
    });
  }

  it('ignores the marker outside a comment, or not at the start of one', () => {
    const text = [
      'const marker = "comprehension-ignore security/eval -- no";',
      '// We document comprehension-ignore security/eval -- in the README.',
      '// comprehension-ignored security/eval -- a different word',
      'comprehension-ignore security/eval -- bare text',
      'eval(x);',
    ].join('\n');
    const set = parse(text);
    assert.deepEqual(set.suppressions, []);
    for (let line = 0; line < 5; line++) assert.equal(set.isSuppressed('security/eval', line), false);
  });

  it('ignores a comment starter inside a string or code span on its line (test fixtures, a README showing the syntax), not a comment after one', () => {
    const text = [
      "const fixture = '// comprehension-ignore security/eval --';",
      'put(root, "deep.js", `// comprehension-ignore comprehension/file-not-checked: trust me\\n${deep}`);',
      '**Suppressions:** `// comprehension-ignore <rule-id> -- <reason>` in any comment.',
      'const s = "a // b"; // comprehension-ignore security/eval -- parses our own manifest',
      "note: it's fine # comprehension-ignore secrets/generic -- a documented test value",
      "const q = 'it\\'s'; // comprehension-ignore reliability/timeout -- the socket has its own",
    ].join('\n');
    const set = parse(text);
    assert.deepEqual(set.suppressions.map((suppression) => suppression.line), [3, 4, 5]);
    assert.deepEqual(set.problems, []);
  });

  it('accepts several rule ids separated by commas or spaces', () => {
    const text = '# comprehension-ignore security/eval, secrets/generic reliability/timeout -- fixture data\n';
    const set = parse(text);
    assert.deepEqual(set.problems, []);
    assert.deepEqual(
      set.suppressions[0].ruleIds.map((rule) => rule.id),
      ['security/eval', 'secrets/generic', 'reliability/timeout'],
    );
    assert.equal(set.isSuppressed('reliability/timeout', 1), true);
  });

  it('reports a suppression without a reason, but still applies it', () => {
    const text = 'x = 1\nconst key = "abc"; // comprehension-ignore secrets/generic\n';
    const set = parse(text);
    assert.equal(set.isSuppressed('secrets/generic', 1), true);
    assert.equal(set.problems.length, 1);
    const [problem] = set.problems;
    assert.equal(problem.ruleId, SUPPRESSION_REASON_RULE_ID);
    assert.equal(problem.severity, 'warning');
    assert.equal(problem.message, 'Explain why: comprehension-ignore secrets/generic -- <reason>');
    assert.equal(text.slice(problem.start, problem.end), 'comprehension-ignore secrets/generic');
  });

  it('treats an empty reason after -- and a closing */ as missing', () => {
    for (const line of ['// comprehension-ignore security/eval --', '/* comprehension-ignore security/eval -- */', '<!-- comprehension-ignore security/eval -->']) {
      const set = parse(`${line}\n`);
      assert.deepEqual(set.problems.map((problem) => problem.ruleId), [SUPPRESSION_REASON_RULE_ID], line);
      assert.deepEqual(set.suppressions[0].ruleIds.map((rule) => rule.id), ['security/eval'], line);
    }
  });

  it('takes prose after the id without -- as a reason missing its separator', () => {
    const set = parse('// comprehension-ignore security/eval because the input is ours\n');
    assert.deepEqual(set.suppressions[0].ruleIds.map((rule) => rule.id), ['security/eval']);
    assert.deepEqual(set.problems.map((problem) => problem.ruleId), [SUPPRESSION_REASON_RULE_ID]);
  });

  it('reports unknown rule ids at the id, with a suggestion', () => {
    const text = '// comprehension-ignore security/evl, made/up -- legacy code\n';
    const set = parse(text);
    assert.deepEqual(set.problems.map((problem) => [problem.ruleId, text.slice(problem.start, problem.end)]), [
      [SUPPRESSION_UNKNOWN_RULE_ID, 'security/evl'],
      [SUPPRESSION_UNKNOWN_RULE_ID, 'made/up'],
    ]);
    assert.match(set.problems[0].message, /Did you mean "security\/eval"\?/);
    assert.doesNotMatch(set.problems[1].message, /Did you mean/);
    // Without a list of known ids, ids are not checked.
    assert.deepEqual(parseSuppressions(text, new LineIndex(text)).problems, []);
  });

  it('reports a suppression that names no rule', () => {
    const set = parse('// comprehension-ignore -- trust me\neval(x)\n');
    assert.deepEqual(set.problems.map((problem) => problem.ruleId), [SUPPRESSION_UNKNOWN_RULE_ID]);
    assert.match(set.problems[0].message, /Name the rule/);
    assert.equal(set.isSuppressed('security/eval', 1), false);
  });

  it('reports suppressions that silenced nothing, only for rules that ran', () => {
    const text = '// comprehension-ignore security/eval, reliability/timeout -- old endpoint\nfetch(url);\n';
    const set = parse(text);
    assert.equal(set.isSuppressed('security/eval', 1), true);
    const unused = set.unusedProblems();
    assert.deepEqual(unused.map((problem) => [problem.ruleId, problem.severity, text.slice(problem.start, problem.end)]), [
      [SUPPRESSION_UNUSED_RULE_ID, 'info', 'reliability/timeout'],
    ]);
    assert.deepEqual(set.unusedProblems(new Set(['security/eval'])), [], 'reliability/timeout did not run');
  });

  it('reads CRLF text and several suppressions per file', () => {
    const text = 'a();\r\n// comprehension-ignore security/eval -- one\r\neval(a);\r\n\r\n# comprehension-ignore secrets/generic -- two\r\nkey = "x"\r\n';
    const set = parse(text);
    assert.deepEqual(set.problems, []);
    assert.deepEqual(set.suppressions.map((suppression) => [suppression.line, suppression.reason]), [
      [1, 'one'],
      [4, 'two'],
    ]);
    assert.equal(set.isSuppressed('security/eval', 2), true);
    assert.equal(set.isSuppressed('secrets/generic', 5), true);
    assert.equal(set.isSuppressed('secrets/generic', 2), false);
  });

  it('finds nothing in text without the marker', () => {
    const set = parse('eval(x); // eslint-disable-line no-eval -- legacy\n');
    assert.deepEqual(set.suppressions, []);
    assert.deepEqual(set.problems, []);
    assert.deepEqual(set.unusedProblems(), []);
  });
});

describe('comprehension-ignore injection grammar', () => {
  interface Capture {
    name?: string;
    patterns?: { include: string }[];
  }
  interface Grammar {
    scopeName: string;
    injectionSelector: string;
    patterns: { include: string }[];
    repository: Record<string, { match: string; name?: string; captures?: Record<string, Capture> }>;
  }
  const grammar = JSON.parse(
    readFileSync(join(__dirname, '../../../syntaxes/comprehension-ignore.tmLanguage.json'), 'utf8'),
  ) as Grammar;
  const suppression = new RegExp(grammar.repository.suppression.match);
  const ruleId = new RegExp(grammar.repository['rule-id'].match, 'g');

  /** What a theme would colour: the marker, each rule id, the separator and the reason. */
  function tokens(commentText: string): { keyword?: string; ids: string[]; separator?: string; reason?: string } | undefined {
    const match = suppression.exec(commentText);
    if (!match) return undefined;
    return { keyword: match[1], ids: [...(match[2] ?? '').matchAll(ruleId)].map((id) => id[0]), separator: match[3], reason: match[4] };
  }

  it('is an injection grammar into comments with the expected scope names', () => {
    assert.equal(grammar.scopeName, 'comprehension-ignore.injection');
    assert.equal(grammar.injectionSelector, 'L:comment');
    assert.deepEqual(grammar.patterns, [{ include: '#suppression' }]);
    const captures = grammar.repository.suppression.captures!;
    assert.match(captures['1'].name!, /^keyword\./);
    assert.deepEqual(captures['2'].patterns, [{ include: '#rule-id' }, { include: '#comma' }]);
    assert.match(grammar.repository['rule-id'].name!, /^entity\.name\.tag\./);
    assert.match(captures['3'].name!, /^punctuation\.separator\./);
    assert.match(captures['4'].name!, /^string\.unquoted\./);
    for (const [name, entry] of Object.entries(grammar.repository)) {
      assert.ok(entry.name === undefined || entry.name.endsWith('.comprehension-ignore'), name);
    }
  });

  it('scopes the keyword, ids and reason in every comment style', () => {
    const samples: [string, string][] = [
      ['// comprehension-ignore security/eval -- parses our manifest', 'parses our manifest'],
      ['/* comprehension-ignore security/eval -- parses our manifest */', 'parses our manifest'],
      ['<!-- comprehension-ignore security/eval -- parses our manifest -->', 'parses our manifest'],
      ['# comprehension-ignore security/eval -- parses our manifest', 'parses our manifest'],
      ['-- comprehension-ignore security/eval -- parses our manifest', 'parses our manifest'],
      ['; comprehension-ignore security/eval -- parses -- twice', 'parses -- twice'],
    ];
    for (const [line, reason] of samples) {
      assert.deepEqual(tokens(line), { keyword: 'comprehension-ignore', ids: ['security/eval'], separator: '--', reason }, line);
    }
  });

  it('scopes several ids, and no reason when there is none', () => {
    assert.deepEqual(tokens('// comprehension-ignore security/eval, secrets/generic -- fixtures'), {
      keyword: 'comprehension-ignore',
      ids: ['security/eval', 'secrets/generic'],
      separator: '--',
      reason: 'fixtures',
    });
    assert.deepEqual(tokens('<!-- comprehension-ignore custom/no-inline-style -->'), {
      keyword: 'comprehension-ignore',
      ids: ['custom/no-inline-style'],
      separator: undefined,
      reason: undefined,
    });
    assert.equal(tokens('// comprehension-ignored security/eval -- other word'), undefined);
    assert.equal(tokens('// my-comprehension-ignore security/eval -- other word'), undefined);
  });

  it('an assistant\'s suppression in its own block suppresses nothing until a person explains the block', () => {
    const text = ['// comprehension-ignore security/eval -- the expression comes from our own config', 'export const value = eval(expression);', ''].join('\n');
    const run = (aiRanges?: { startLine: number; endLine: number }[], unreviewedAiRanges?: { startLine: number; endLine: number }[]) => {
      const result = evaluate('src/config.ts', text, { policy: defaultPolicy(), rules: BUILTIN_RULES, knownRuleIds: BUILTIN_RULES.map((rule) => rule.id), aiRanges, unreviewedAiRanges });
      return { findings: result.findings.map((finding) => `${finding.startPosition.line + 1} ${finding.severity} ${finding.ruleId}`), suppressed: result.suppressedCount };
    };
    // A person's suppression, also of a finding in an AI block below it.
    assert.deepEqual(run(), { findings: [], suppressed: 1 });
    assert.deepEqual(run([{ startLine: 2, endLine: 2 }]), { findings: [], suppressed: 1 });
    // Written in the block: the finding stands (raised for the block), and the comment is reported, not as unused.
    assert.deepEqual(run([{ startLine: 1, endLine: 2 }]), { findings: ['2 error security/eval', '1 warning ' + SUPPRESSION_UNREVIEWED_RULE_ID], suppressed: 0 });
    // A block above the suppression leaves it a person's.
    const below = `const limit = 1;\n${text}`;
    assert.equal(evaluate('src/config.ts', below, { policy: defaultPolicy(), rules: BUILTIN_RULES, knownRuleIds: BUILTIN_RULES.map((rule) => rule.id), aiRanges: [{ startLine: 1, endLine: 1 }] }).suppressedCount, 1);
    // Once the block's note explains it, the suppression counts.
    assert.deepEqual(run([{ startLine: 1, endLine: 2 }], []), { findings: [], suppressed: 1 });
    // The reader alone: the suppression is set aside, with the problem in its place.
    const set = parseSuppressions(text, new LineIndex(text), { knownRuleIds: KNOWN, unreviewedAiBlock: (line) => (line === 0 ? { blockId: 'blk-1' } : undefined) });
    assert.deepEqual(set.suppressions, []);
    assert.deepEqual(set.problems.map((problem) => [problem.ruleId, problem.blockId]), [[SUPPRESSION_UNREVIEWED_RULE_ID, 'blk-1']]);
    assert.match(set.problems[0].message, /suppresses nothing\. Explain the block, and the suppression counts\./);
  });

  it('agrees with parseSuppressions on ids and reasons', () => {
    const lines = [
      '// comprehension-ignore security/eval -- parses our manifest',
      '/* comprehension-ignore security/eval, reliability/timeout -- batch job */',
      '<!-- comprehension-ignore custom/no-console -- demo page -->',
      '# comprehension-ignore secrets/generic',
    ];
    for (const line of lines) {
      const parsed = parse(`${line}\n`).suppressions[0];
      const scoped = tokens(line)!;
      assert.deepEqual(scoped.ids, parsed.ruleIds.map((rule) => rule.id), line);
      assert.equal(scoped.reason ?? '', parsed.reason, line);
    }
  });

  it('uses only regex syntax shared by Oniguruma and JavaScript', () => {
    for (const [name, entry] of Object.entries(grammar.repository)) {
      // Possessive quantifiers, atomic groups, \h, \A, \z, \G and (?x) are Oniguruma-only.
      assert.doesNotMatch(entry.match, /\(\?>|[*+?]\+|\\[hHAzZG]|\(\?[imx]+\)/, name);
      assert.doesNotThrow(() => new RegExp(entry.match, 'u'), name);
    }
  });
});
