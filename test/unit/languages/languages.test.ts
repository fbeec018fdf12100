import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { ParseCache } from '../../../src/core/check/parse-cache';
import { evaluate, FILE_NOT_CHECKED_RULE_ID } from '../../../src/core/check/engine';
import { defaultPolicy } from '../../../src/core/policy/policy';
import { parseDockerfile } from '../../../src/core/languages/dockerfile';
import { disposeDocument, parseLanguageDocument } from '../../../src/core/languages/document';
import { languageOf } from '../../../src/core/languages/language';
import { loadGrammars, parseTree } from '../../../src/core/languages/tree-sitter';
import { languageRationale, type Rule } from '../../../src/core/rules/rule';
import { BUILTIN_RULES } from '../../../src/core/rules/index';

describe('languages beyond TypeScript', () => {
  before(async () => {
    await loadGrammars(['python', 'terraform']);
  });

  it('tells languages by path, and Kubernetes manifests by their text', () => {
    assert.equal(languageOf('app/main.py', ''), 'python');
    assert.equal(languageOf('infra/main.tf', ''), 'terraform');
    assert.equal(languageOf('Dockerfile', ''), 'dockerfile');
    assert.equal(languageOf('images/api.Dockerfile', ''), 'dockerfile');
    assert.equal(languageOf('Dockerfile.dev', ''), 'dockerfile');
    assert.equal(languageOf('.github/workflows/ci.yml', ''), 'github-actions');
    assert.equal(languageOf('actions/setup/action.yml', ''), 'github-actions');
    assert.equal(languageOf('deploy/api.yaml', 'apiVersion: apps/v1\nkind: Deployment\n'), 'kubernetes');
    assert.equal(languageOf('config/app.yaml', 'name: x\nkind: of-thing\n'), undefined);
    assert.equal(languageOf('src/a.ts', ''), undefined);
    assert.equal(languageOf('README.md', ''), undefined);
  });

  it('parses Python with offsets in UTF-16 units, as the rest of the engine counts', () => {
    const text = 'é😀 = "ü"\nrequests.get(url)\n';
    const tree = parseTree('python', text);
    try {
      const call = tree.rootNode.descendantsOfType('call')[0]!;
      assert.equal(call.startIndex, text.indexOf('requests'));
      assert.equal(call.text, 'requests.get(url)');
    } finally {
      tree.delete();
    }
  });

  it('re-parses a Python document incrementally to the same tree as a fresh parse', () => {
    const pieces = ['import os\n', 'def f(x):\n    return x\n', 'try:\n', '    pass\n', 'except:\n', '"é', '😀', '\n', '  '];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.nat(12), fc.constantFrom(...pieces)), { minLength: 1, maxLength: 12 }), (edits) => {
        const cache = new ParseCache();
        let text = 'import requests\nx = 1\n';
        cache.document('python', 'a.py', text);
        for (const [at, remove, insert] of edits) {
          const start = at % (text.length + 1);
          text = text.slice(0, start) + insert + text.slice(start + remove);
          const incremental = cache.document('python', 'a.py', text);
          const fresh = parseTree('python', text);
          try {
            assert.ok('tree' in incremental);
            assert.equal(incremental.tree.rootNode.endIndex, fresh.rootNode.endIndex);
            // Where the text does not parse, tree-sitter's error recovery after an edit may shape the
            // broken part differently from a fresh parse (`x =except:` found by fast-check); valid
            // code must come out the same.
            if (!fresh.rootNode.hasError) assert.equal(incremental.tree.rootNode.toString(), fresh.rootNode.toString());
          } finally {
            fresh.delete();
          }
        }
        cache.dispose();
      }),
      { numRuns: 300 },
    );
  });

  it('reads Dockerfile instructions with continuations, comments between them and here-documents', () => {
    const text = [
      'FROM node:20 AS build',
      '# a comment',
      'RUN apt-get update && \\',
      '    # the comment inside is dropped',
      '    apt-get install -y curl',
      'RUN <<EOF',
      'curl https://x | sh',
      'EOF',
      'from scratch',
      'USER app',
    ].join('\n');
    const instructions = parseDockerfile(text);
    assert.deepEqual(
      instructions.map((instruction) => [instruction.keyword, instruction.stage]),
      [['FROM', 0], ['RUN', 0], ['RUN', 0], ['FROM', 1], ['USER', 1]],
    );
    assert.equal(instructions[1]!.arguments, 'apt-get update &&     apt-get install -y curl');
    assert.match(instructions[2]!.arguments, /curl https:\/\/x \| sh/);
    assert.equal(text.slice(instructions[4]!.start, instructions[4]!.end), 'USER app');
  });

  it('parses workflows and manifests as YAML documents without throwing on broken YAML', () => {
    const document = parseLanguageDocument('kubernetes', 'apiVersion: v1\nkind: Pod\n---\nkind: [\n');
    assert.ok('documents' in document);
    assert.equal(document.documents.length, 2);
    assert.ok(document.documents[1]!.errors.length > 0);
    disposeDocument(document);
  });

  it('runs a rule\'s language implementation on its language only, under the rule\'s id', () => {
    const rule: Rule = {
      id: 'reliability/probe',
      kind: 'syntax',
      defaultSeverity: 'warning',
      summary: 'probe',
      rationale: 'probe',
      check: () => [{ start: 0, end: 1, message: 'typescript' }],
      languages: {
        python: {
          textTriggers: ['requests'],
          check: (context) => {
            assert.ok('tree' in context.document);
            return context.document.tree.rootNode.descendantsOfType('call').flatMap((call) => call === null ? [] : [{ start: call.startIndex, end: call.endIndex, message: `call ${call.text}` }]);
          },
        },
      },
    };
    const policy = defaultPolicy();
    const python = evaluate('a.py', 'import requests\nrequests.get(url)\n', { policy, rules: [rule], aiRanges: [{ startLine: 2, endLine: 2 }] });
    assert.deepEqual(python.findings.map((finding) => [finding.ruleId, finding.message, finding.severity, finding.startPosition.line]), [['reliability/probe', 'call requests.get(url)', 'error', 1]]);
    assert.deepEqual(evaluate('a.py', 'print(1)\n', { policy, rules: [rule] }).findings, [], 'the language trigger word is absent');
    assert.deepEqual(evaluate('a.ts', 'x', { policy, rules: [rule] }).findings.map((finding) => finding.message), ['typescript']);
    assert.deepEqual(evaluate('main.tf', 'requests', { policy, rules: [rule] }).findings, [], 'no Terraform implementation: the syntax rule does not run');
  });

  it('reports a file as not checked when a language implementation throws', () => {
    const rule: Rule = {
      id: 'security/probe',
      kind: 'language',
      defaultSeverity: 'warning',
      summary: 'probe',
      rationale: 'probe',
      check: () => [],
      languages: { terraform: { check: () => { throw new Error('boom'); } } },
    };
    const result = evaluate('main.tf', 'resource "a" "b" {}\n', { policy: defaultPolicy(), rules: [rule] });
    assert.deepEqual(result.findings.map((finding) => [finding.ruleId, finding.severity]), [[FILE_NOT_CHECKED_RULE_ID, 'error']]);
    assert.match(result.findings[0]!.message, /security\/probe failed on it \(boom\)/);
  });

  it('gives a language implementation its own words first in the hover\'s rationale', () => {
    const rule: Rule = {
      id: 'reliability/probe',
      kind: 'syntax',
      defaultSeverity: 'warning',
      summary: 'probe',
      rationale: 'Neither fetch nor axios has a default timeout.',
      check: () => [],
      languages: { python: { rationale: '`requests` has no default timeout.', check: () => [] } },
    };
    assert.equal(languageRationale(rule, 'python'), '`requests` has no default timeout.\n\nNeither fetch nor axios has a default timeout.');
    assert.equal(languageRationale(rule, undefined), rule.rationale);
    assert.equal(languageRationale(rule, 'terraform'), rule.rationale);
  });

  it('every built-in rule with a Python implementation opens its Python hover with Python, and keeps Python out of its TypeScript one', () => {
    const withPython = BUILTIN_RULES.filter((rule) => rule.languages?.python !== undefined && (rule.id.startsWith('reliability/') || rule.id.startsWith('security/')));
    assert.ok(withPython.length >= 7);
    for (const rule of withPython) {
      assert.match(languageRationale(rule, 'python'), /^In Python: /, rule.id);
      assert.doesNotMatch(rule.rationale, /In Python/, rule.id);
    }
  });
});

