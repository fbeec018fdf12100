import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { evaluate } from '../../../src/core/check/engine';
import type { Finding } from '../../../src/core/check/findings';
import { ParseCache } from '../../../src/core/check/parse-cache';
import { parseTerraformBlocks, terraformTopLevelBlocks } from '../../../src/core/languages/terraform-blocks';
import { loadGrammars, parseTree } from '../../../src/core/languages/tree-sitter';
import { defaultPolicy } from '../../../src/core/policy/policy';
import { BUILTIN_RULES } from '../../../src/core/rules/index';

/** Blocks written to trip a scanner: braces in strings, templates, heredocs and comments; policies in odd places. */
const POOL: readonly string[] = [
  'variable "region" {\n  type    = string\n  default = "eu-west-1"\n}\n',
  'variable "odd" {\n  default = "a } b { \\" } ${jsonencode({ x = "}" })} $${not} %{ if true }}%{ endif }"\n}\n',
  'output "doc" {\n  value = <<-EOT\n    } closing braces { and "quotes\n    EOT\n}\n',
  '# a } comment {\n// another } one\n/* and { a block } comment */\n',
  'locals {\n  admin = jsonencode({ Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })\n}\n',
  'variable "policy" {\n  default = <<EOF\n{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}\nEOF\n}\n',
  'module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n  cidr   = "10.0.0.0/16"\n  tags   = { Name = "x}" }\n}\n',
  'resource "aws_security_group" "ssh" {\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"] # open }\n  }\n}\n',
  'resource "aws_security_group_rule" "db" {\n  type        = "ingress"\n  from_port   = 5432\n  to_port     = 5432\n  protocol    = "tcp"\n  cidr_blocks = ["0.0.0.0/0"]\n}\n',
  'resource "aws_s3_bucket_acl" "site" {\n  bucket = aws_s3_bucket.site.id\n  acl    = "public-read"\n}\n',
  'resource "aws_ebs_volume" "data" {\n  availability_zone = "eu-west-1a"\n  size              = 40\n}\n',
  'provider "postgresql" {\n  host     = "db.internal"\n  password = "Sunday-Roast-42"\n}\n',
  'terraform {\n  backend "s3" {\n    bucket     = "state"\n    secret_key = "Sunday-Roast-42"\n  }\n}\n',
  'resource "google_project_iam_member" "public" {\n  role   = "roles/owner"\n  member = "allUsers"\n}\n',
  'resource "aws_iam_role_policy" "worker" {\n  policy = <<EOF\n{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}\nEOF\n}\n',
  'resource "aws_lambda_function" "fn" {\n  function_name = "fn"\n  environment {\n    variables = { A = "${var.a}" }\n  }\n}\n',
  'data "aws_iam_policy_document" "doc" {\n  statement {\n    actions   = ["*"]\n    resources = ["*"]\n  }\n}\n',
  'resource "aws_db_instance" "db" {\n  engine            = "postgres"\n  storage_encrypted = false\n}\n',
  'resource "x" "one_line" {}\n',
];

/** Findings without what differs between two runs of the same rules (nothing should). */
function summary(findings: readonly Finding[]): string[] {
  return findings.map((finding) => `${finding.ruleId} ${finding.start}-${finding.end} ${finding.severity} ${finding.message}`).sort();
}

function bothWays(text: string): { partial: string[]; whole: string[] } {
  const policy = defaultPolicy();
  const partial = summary(evaluate('main.tf', text, { policy, rules: BUILTIN_RULES }).findings);
  // A parse cache parses the whole file (an editor's document is re-parsed per edit).
  const cache = new ParseCache();
  try {
    return { partial, whole: summary(evaluate('main.tf', text, { policy, rules: BUILTIN_RULES, parseCache: cache }).findings) };
  } finally {
    cache.dispose();
  }
}

function parsesCleanly(text: string): boolean {
  const tree = parseTree('terraform', text);
  try {
    return !tree.rootNode.hasError;
  } finally {
    tree.delete();
  }
}

describe('Terraform: parsing only the blocks the rules read', () => {
  before(async () => loadGrammars(['terraform']));

  it('finds each top-level block past braces in strings, templates, heredocs and comments', () => {
    const text = POOL.join('\n');
    const blocks = terraformTopLevelBlocks(text);
    assert.ok(blocks);
    assert.deepEqual(
      blocks.map((block) => [block.type, ...block.labels].join(' ')),
      POOL.filter((snippet) => !snippet.startsWith('#')).map((snippet) => /^(\w+)((?: "[^"]+")*)/.exec(snippet)![0].replace(/"/g, '')),
    );
    // Each block ends at its own closing brace.
    for (const block of blocks) assert.equal(text[block.end - 1], '}');
    const tree = parseTree('terraform', text);
    try {
      const parsed = tree.rootNode.firstNamedChild!.namedChildren.filter((node) => node?.type === 'block');
      assert.deepEqual(
        blocks.map((block) => [block.start, block.end]),
        parsed.map((node) => [node!.startIndex, node!.endIndex]),
      );
    } finally {
      tree.delete();
    }
  });

  it('gives up, and the whole file is parsed, on what it is unsure of', () => {
    for (const text of [
      'region = "eu-west-1"\n', // a .tfvars file: attributes at top level
      'resource "a" "b" {\n  x = "unterminated\n}\n',
      'resource "a" "b" {\n  x = 1\n',
      'resource "a" "b" {\n  x = <<EOF\nnever closed\n}\n',
      'resource "a" "${var.x}" {\n}\n',
      'resource "a" "b" {\n}\n/* never closed',
      'resource "a" "b"\n{\n}\n',
    ]) {
      assert.equal(terraformTopLevelBlocks(text), undefined, text);
    }
  });

  it('parses only the blocks asked for, at their offsets in the file, non-ASCII text before them included', () => {
    const text = 'variable "é😀" {\n  default = "ü😀 }"\n}\n\nresource "aws_ebs_volume" "data" {\n  size = 40 # 😀\n}\n';
    const tree = parseTerraformBlocks(text, (block) => block.type === 'resource');
    try {
      const blocks = tree.rootNode.firstNamedChild!.namedChildren.filter((node) => node?.type === 'block');
      assert.equal(blocks.length, 1);
      assert.equal(blocks[0]!.startIndex, text.indexOf('resource'));
      assert.equal(blocks[0]!.text, text.slice(text.indexOf('resource'), text.lastIndexOf('}') + 1));
      assert.equal(tree.rootNode.hasError, false);
    } finally {
      tree.delete();
    }
    // The parser does not keep the ranges: the next whole parse sees every block.
    const whole = parseTree('terraform', text);
    try {
      assert.equal(whole.rootNode.firstNamedChild!.namedChildren.filter((node) => node?.type === 'block').length, 2);
    } finally {
      whole.delete();
    }
  });

  it('reports exactly what a whole parse reports, on every block of the pool', () => {
    const { partial, whole } = bothWays(POOL.join('\n'));
    assert.deepEqual(partial, whole);
    // Every rule finds something here (the credentials are reported by this rule or by the secrets rule).
    assert.equal(partial.filter((finding) => /^(infrastructure\/provider-credentials|secrets\/hardcoded-secret) /.test(finding)).length, 2);
    for (const rule of ['iam-wildcard', 'open-admin-port', 'public-bucket', 'unencrypted-storage']) {
      assert.ok(partial.some((finding) => finding.startsWith(`infrastructure/${rule} `)), rule);
    }
    // The policies in a variable's default and in locals are read too.
    assert.equal(partial.filter((finding) => finding.startsWith('infrastructure/iam-wildcard ') && finding.includes('every action (`*`) on every resource')).length, 3);
  });

  it('reports exactly what a whole parse reports, on random files of those blocks, cut and spliced', () => {
    let clean = 0;
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...POOL), { minLength: 1, maxLength: 8 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(12), fc.constantFrom('', '{', '}', '"', '\n', '${', '<<EOF\n', 'EOF\n', '#', '/*', '*/', 'Statement', '😀')), { maxLength: 3 }),
        (blocks, edits) => {
          let text = blocks.join('\n');
          for (const [at, remove, insert] of edits) {
            const start = at % (text.length + 1);
            text = text.slice(0, start) + insert + text.slice(start + remove);
          }
          const { partial, whole } = bothWays(text);
          // A file Terraform would refuse may differ: tree-sitter's recovery can swallow the block after a
          // broken one, which the partial parse, reading only the blocks it needs, still reports.
          if (!parsesCleanly(text)) return;
          clean++;
          assert.deepEqual(partial, whole);
        },
      ),
      { numRuns: 300 },
    );
    assert.ok(clean >= 60, `only ${clean} of the files were valid Terraform`);
  });
});
