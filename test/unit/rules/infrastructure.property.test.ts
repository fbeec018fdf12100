import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { evaluate, FILE_NOT_CHECKED_RULE_ID } from '../../../src/core/check/engine';
import { loadGrammars } from '../../../src/core/languages/tree-sitter';
import { languageBlockFacts, languageBlockQuestions } from '../../../src/core/notes/language-notes';
import { defaultPolicy } from '../../../src/core/policy/policy';
import { BUILTIN_RULES } from '../../../src/core/rules';

const INFRASTRUCTURE_RULES = BUILTIN_RULES.filter((rule) => rule.id.startsWith('infrastructure/'));

/** Realistic starting points, mutated at random below: every construct the rules read. */
const SEEDS: Readonly<Record<'main.tf' | 'Dockerfile' | 'deploy.yaml', string>> = {
  'main.tf': [
    // comprehension-ignore secrets/hardcoded-secret -- a made-up key: the fixture of a rule about literal provider credentials
    'provider "aws" {\n  access_key = "AKIAIOSFODNN7EXAMPLE"\n  secret_key = "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"\n}',
    'resource "aws_iam_policy" "p" {\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["s3:*"], Resource = "*" }] })\n}',
    'resource "aws_iam_role_policy" "r" {\n  policy = <<EOF\n{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": ${jsonencode(var.x)}}]}\nEOF\n}',
    'data "aws_iam_policy_document" "d" {\n  statement {\n    principals {\n      type = "*"\n      identifiers = ["*"]\n    }\n    actions = ["s3:GetObject"]\n  }\n}',
    'resource "aws_security_group" "s" {\n  ingress {\n    from_port = -1\n    to_port = 65535\n    protocol = "-1"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}',
    'resource "aws_s3_bucket_acl" "a" { acl = "public-read" }',
    'resource "aws_db_instance" "d" { storage_encrypted = false }',
    'resource "google_compute_firewall" "f" {\n  allow {\n    protocol = "tcp"\n    ports = ["20-30"]\n  }\n  source_ranges = ["0.0.0.0/0"]\n}',
  ].join('\n'),
  Dockerfile: [
    'FROM node:20 AS build',
    'ARG NPM_TOKEN',
    'ENV API_KEY=abc123def456 PASSWORD="x y"',
    'RUN curl -fsSL https://x.sh | sudo bash -s -- \\',
    '    --flag',
    'ADD https://example.com/x.tgz /x',
    'RUN <<EOF',
    'echo ${NPM_TOKEN}',
    'EOF',
    'FROM build',
    'USER root',
  ].join('\n'),
  'deploy.yaml': [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'spec:',
    '  template:',
    '    spec:',
    '      hostPID: true',
    '      securityContext: &ctx { runAsUser: 0 }',
    '      containers:',
    '        - name: a',
    '          image: nginx',
    '          securityContext: *ctx',
    '          capabilities: { add: [ALL] }',
    '      volumes: [{ name: d, hostPath: { path: /var/run/docker.sock } }]',
    '---',
    'kind: List',
    'items: [{ kind: Pod, spec: { containers: [{ image: "x:latest", securityContext: { privileged: true } }] } }]',
  ].join('\n'),
};

const FRAGMENTS = ['{', '}', '[', ']', '"', '\n', '${', '<<EOF\n', 'EOF', '*', '- ', ': ', '  ', '\\\n', '#', '&a', '*a', '{{', '\u{1F600}', '\0', '\r\n', '= ', 'true', '0'];

describe('infrastructure rules never throw', () => {
  before(async () => loadGrammars(['terraform']));
  const policy = defaultPolicy();
  const run = (path: string, text: string): void => {
    const { findings } = evaluate(path, text, { policy, rules: INFRASTRUCTURE_RULES });
    assert.deepEqual(findings.filter((finding) => finding.ruleId === FILE_NOT_CHECKED_RULE_ID).map((finding) => finding.message), []);
    for (const finding of findings) assert.ok(finding.start >= 0 && finding.start <= finding.end && finding.end <= text.length, `${finding.ruleId} span`);
    // The block questions and facts read the same files: they must not throw either.
    const range = { startLine: 1, endLine: text.split('\n').length };
    languageBlockQuestions(path, text, range, 20);
    languageBlockFacts(path, text, range);
  };

  it('on arbitrary text in each language', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.constantFrom('main.tf', 'Dockerfile', 'deploy.yaml'), (text, path) => {
        run(path, path === 'deploy.yaml' ? `apiVersion: v1\nkind: Pod\n${text}` : text);
      }),
      { numRuns: 300 },
    );
  });

  it('on random mutations of realistic files', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...(Object.keys(SEEDS) as (keyof typeof SEEDS)[])),
        fc.array(fc.tuple(fc.nat(), fc.nat(20), fc.constantFrom(...FRAGMENTS)), { maxLength: 8 }),
        (path, edits) => {
          let text = SEEDS[path];
          for (const [at, remove, insert] of edits) {
            const start = at % (text.length + 1);
            text = text.slice(0, start) + insert + text.slice(start + remove);
          }
          run(path, text);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('on deep nesting', () => {
    run('main.tf', `locals {\n  x = ${'['.repeat(5000)}${']'.repeat(5000)}\n  y = jsonencode(${'{ a = '.repeat(3000)}1${' }'.repeat(3000)})\n}\n`);
    run('deploy.yaml', `apiVersion: v1\nkind: List\nitems: ${'[{kind: List, items: '.repeat(200)}[]${'}]'.repeat(200)}\n`);
    run('Dockerfile', `FROM a\nRUN ${'curl x | '.repeat(2000)}sh\n`);
  });
});
