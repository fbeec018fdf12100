import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { evaluate } from '../src/core/check/engine';
import { parseForRules } from '../src/core/check/parse-cache';
import { generatedReason } from '../src/core/check/generated';
import { scriptKindFor } from '../src/core/check/engine';
import { defaultPolicy } from '../src/core/policy/policy';
import { BUILTIN_RULES } from '../src/core/rules/index';
import { terraformTopLevelBlocks } from '../src/core/languages/terraform-blocks';
import { loadGrammars, parseTree } from '../src/core/languages/tree-sitter';
import { listFilesUnder, percentile, random, round } from './support';

/**
 * Issue 13's speed goal: parse plus every rule, per megabyte, for Python and Terraform within 2x
 * of the TypeScript path, measured in the same run on the same machine.
 *  - TypeScript/JavaScript: the hand-written (not generated, not minified) JavaScript of a fixed
 *    list of this project's dependencies, up to CORPUS_BYTES.
 *  - Python: Debian's Python standard library (`/usr/lib/python3.*`), up to CORPUS_BYTES; skipped
 *    with a message where there is none.
 *  - Terraform: no Terraform ships with npm packages or Debian, so a generated corpus of realistic
 *    modules (providers, variables, IAM policies in `jsonencode` and policy documents, security
 *    groups, buckets, databases, locals, outputs), seeded so every run measures the same text.
 * Each corpus is checked REPEATS times in this process (grammars and TypeScript loaded first); the
 * median pass is reported. The bare parse of each corpus is reported beside it for context; a
 * Terraform check parses only the top-level blocks its rules read, and reports what share that is.
 */

const CORPUS_BYTES = 3 * 1024 * 1024;
const REPEATS = 5;
const JS_PACKAGES = ['ajv', 'yaml', 'picomatch', 'commander', 'semver', 'undici', 'fast-check', 'marked', 'esbuild', 'mocha', 'js-yaml', 'lodash'];

interface Corpus {
  what: string;
  files: { path: string; text: string }[];
  bytes: number;
}

function take(paths: readonly string[], base: string, accept: (path: string, text: string) => boolean): Corpus['files'] {
  const files: Corpus['files'] = [];
  let bytes = 0;
  for (const path of paths) {
    if (bytes >= CORPUS_BYTES) break;
    const text = readFileSync(path, 'utf8');
    const name = relative(base, path).split('\\').join('/');
    if (!accept(name, text)) continue;
    files.push({ path: name, text });
    bytes += Buffer.byteLength(text);
  }
  return files;
}

function corpus(what: string, files: Corpus['files']): Corpus {
  return { what, files, bytes: files.reduce((sum, file) => sum + Buffer.byteLength(file.text), 0) };
}

function javascriptCorpus(root: string): Corpus {
  const modules = join(root, 'node_modules');
  const paths = JS_PACKAGES.flatMap((name) => (existsSync(join(modules, name)) ? listFilesUnder(join(modules, name), (path, file, size) => /\.(?:[cm]?js|ts)$/.test(file) && !/\.d\.[cm]?ts$/.test(file) && size < 512 * 1024, (folder) => folder !== 'node_modules') : []));
  return corpus(
    `hand-written JavaScript of ${JS_PACKAGES.join(', ')} (node_modules; generated and minified files left out)`,
    take(paths, modules, (path, text) => scriptKindFor(path) !== undefined && generatedReason(path, text) === undefined),
  );
}

function pythonCorpus(): Corpus | undefined {
  const base = ['/usr/lib/python3.13', '/usr/lib/python3.12', '/usr/lib/python3.11'].find((folder) => existsSync(folder));
  if (base === undefined) return undefined;
  const paths = listFilesUnder(base, (_path, file, size) => file.endsWith('.py') && size < 512 * 1024, (folder) => folder !== '__pycache__' && folder !== 'site-packages' && folder !== 'dist-packages');
  return corpus(`Python standard library (${base})`, take(paths, base, () => true));
}

const TERRAFORM_SNIPPETS: readonly ((n: number) => string)[] = [
  (n) => `variable "name_${n}" {\n  type        = string\n  description = "Name of service ${n}"\n  default     = "svc-${n}"\n}\n`,
  (n) =>
    `resource "aws_iam_policy" "read_${n}" {\n  name   = "read-${n}"\n  policy = jsonencode({\n    Version = "2012-10-17"\n    Statement = [{\n      Effect   = "Allow"\n      Action   = ["s3:GetObject", "s3:ListBucket"]\n      Resource = ["arn:aws:s3:::bucket-${n}", "arn:aws:s3:::bucket-${n}/*"]\n    }]\n  })\n}\n`,
  (n) =>
    `data "aws_iam_policy_document" "assume_${n}" {\n  statement {\n    effect  = "Allow"\n    actions = ["sts:AssumeRole"]\n    principals {\n      type        = "Service"\n      identifiers = ["lambda.amazonaws.com"]\n    }\n  }\n}\n`,
  (n) =>
    `resource "aws_security_group" "web_${n}" {\n  name   = "web-${n}"\n  vpc_id = var.vpc_id\n  ingress {\n    from_port   = 443\n    to_port     = 443\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n  egress {\n    from_port   = 0\n    to_port     = 0\n    protocol    = "-1"\n    cidr_blocks = ["10.0.0.0/8"]\n  }\n  tags = local.tags\n}\n`,
  (n) =>
    `resource "aws_s3_bucket" "assets_${n}" {\n  bucket = "\${var.prefix}-assets-${n}"\n  tags   = merge(local.tags, { Name = "assets-${n}" })\n}\n\nresource "aws_s3_bucket_public_access_block" "assets_${n}" {\n  bucket                  = aws_s3_bucket.assets_${n}.id\n  block_public_acls       = true\n  block_public_policy     = true\n  ignore_public_acls      = true\n  restrict_public_buckets = true\n}\n`,
  (n) =>
    `resource "aws_db_instance" "db_${n}" {\n  identifier        = "db-${n}"\n  engine            = "postgres"\n  instance_class    = "db.t3.micro"\n  allocated_storage = ${20 + (n % 50)}\n  storage_encrypted = true\n  username          = var.db_user\n  password          = var.db_password\n  skip_final_snapshot = false\n}\n`,
  (n) => `locals {\n  tags_${n} = {\n    Team        = "platform"\n    Environment = var.environment\n    Service     = "svc-${n}"\n  }\n  subnets_${n} = [for index, cidr in var.cidrs : cidrsubnet(cidr, 4, index) if index < ${n % 7 + 1}]\n}\n`,
  (n) =>
    `module "queue_${n}" {\n  source  = "terraform-aws-modules/sqs/aws"\n  version = "~> 4.0"\n  name    = "queue-${n}"\n  count   = var.enabled ? 1 : 0\n}\n\noutput "queue_url_${n}" {\n  value = module.queue_${n}[0].queue_url\n}\n`,
];

export function terraformCorpus(): Corpus {
  const next = random(13);
  const files: Corpus['files'] = [];
  let bytes = 0;
  for (let index = 0; bytes < CORPUS_BYTES; index++) {
    const parts: string[] = [`provider "aws" {\n  region = var.region\n}\n`];
    const count = 20 + Math.floor(next() * 40);
    for (let block = 0; block < count; block++) parts.push(TERRAFORM_SNIPPETS[Math.floor(next() * TERRAFORM_SNIPPETS.length)](index * 100 + block));
    const text = parts.join('\n');
    files.push({ path: `modules/m${index}/main.tf`, text });
    bytes += Buffer.byteLength(text);
  }
  return corpus('generated Terraform modules (seeded; no real Terraform ships with npm or Debian packages)', files);
}

/**
 * The share of a Terraform corpus's text the check hands to tree-sitter: the top-level blocks some
 * rule reads (`LanguageCheck.terraformBlocks`), counting every rule as triggered. The bare parse
 * beside it parses all of it.
 */
function terraformShareParsed(corpus: Corpus): number {
  const filters = BUILTIN_RULES.flatMap((rule) => (rule.languages?.terraform?.terraformBlocks ? [rule.languages.terraform.terraformBlocks] : []));
  let parsed = 0;
  for (const file of corpus.files) {
    const blocks = terraformTopLevelBlocks(file.text);
    parsed += blocks === undefined ? file.text.length : blocks.filter((block) => filters.some((filter) => filter(block, file.text))).reduce((sum, block) => sum + block.end - block.start, 0);
  }
  return parsed / corpus.files.reduce((sum, file) => sum + file.text.length, 0);
}

/** Median milliseconds per megabyte over REPEATS passes of `pass` on `corpus`. */
function msPerMegabyte(corpus: Corpus, pass: (file: Corpus['files'][number]) => void): number {
  const passes: number[] = [];
  for (let repeat = 0; repeat < REPEATS + 1; repeat++) {
    const started = performance.now();
    for (const file of corpus.files) pass(file);
    if (repeat > 0) passes.push(performance.now() - started);
  }
  return percentile(passes, 50) / (corpus.bytes / (1024 * 1024));
}

export async function run(): Promise<Record<string, unknown>> {
  const root = join(__dirname, '../..');
  await loadGrammars(['python', 'terraform']);
  const policy = defaultPolicy();
  const check = (file: Corpus['files'][number]): void => {
    evaluate(file.path, file.text, { policy, rules: BUILTIN_RULES });
  };
  const corpora: Record<string, Corpus | undefined> = { typescript: javascriptCorpus(root), python: pythonCorpus(), terraform: terraformCorpus() };
  const results: Record<string, unknown> = {};
  const perMegabyte: Record<string, number> = {};
  for (const [language, corpus] of Object.entries(corpora)) {
    if (corpus === undefined) {
      results[language] = { skipped: 'no corpus on this machine (Debian: apt-get install python3)' };
      continue;
    }
    const checkMs = msPerMegabyte(corpus, check);
    const parseMs = msPerMegabyte(corpus, (file) => {
      if (language === 'typescript') parseForRules(file.path, file.text, scriptKindFor(file.path)!);
      else parseTree(language as 'python' | 'terraform', file.text).delete();
    });
    perMegabyte[language] = checkMs;
    const findings = corpus.files.reduce((sum, file) => sum + evaluate(file.path, file.text, { policy, rules: BUILTIN_RULES }).findings.length, 0);
    results[language] = {
      corpus: corpus.what,
      files: corpus.files.length,
      megabytes: round(corpus.bytes / (1024 * 1024)),
      checkMsPerMegabyte: round(checkMs),
      bareParseMsPerMegabyte: round(parseMs),
      ...(language === 'terraform' ? { shareOfTextParsed: round(terraformShareParsed(corpus)) } : {}),
      findings,
    };
  }
  const ratio = (language: string): number | undefined => (perMegabyte[language] !== undefined ? round(perMegabyte[language] / perMegabyte.typescript) : undefined);
  results.goals = {
    pythonToTypescript: { goal: '<= 2', ratio: ratio('python'), goalMet: ratio('python') === undefined ? 'skipped' : ratio('python')! <= 2 },
    terraformToTypescript: { goal: '<= 2', ratio: ratio('terraform'), goalMet: ratio('terraform')! <= 2 },
  };
  return results;
}
