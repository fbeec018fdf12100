import * as assert from 'node:assert/strict';
import { loadGrammars } from '../../../src/core/languages/tree-sitter';
import { infrastructureIamWildcard as iamWildcard } from '../../../src/core/rules/infrastructure/iam-wildcard';
import { infrastructureOpenAdminPort as openAdminPort } from '../../../src/core/rules/infrastructure/open-admin-port';
import { infrastructureProviderCredentials as providerCredentials } from '../../../src/core/rules/infrastructure/provider-credentials';
import { infrastructurePublicBucket as publicBucket } from '../../../src/core/rules/infrastructure/public-bucket';
import { infrastructureUnencryptedStorage as unencryptedStorage } from '../../../src/core/rules/infrastructure/unencrypted-storage';
import { secretsHardcodedSecret } from '../../../src/core/rules/secrets/hardcoded-secret';
import { evaluate } from '../../../src/core/check/engine';
import { defaultPolicy } from '../../../src/core/policy/policy';
import { ParseCache } from '../../../src/core/check/parse-cache';
import { check, covered, where } from './infrastructure-harness';

describe('infrastructure rules on Terraform', () => {
  before(async () => loadGrammars(['terraform']));

  describe('infrastructure/iam-wildcard', () => {
    it('reports Action "*" as an error and service wildcards, NotAction and Resource "*" as warnings, in jsonencode', () => {
      const text = [
        'resource "aws_iam_policy" "admin" {',
        '  policy = jsonencode({',
        '    Version = "2012-10-17"',
        '    Statement = [',
        '      { Effect = "Allow", Action = "*", Resource = "*" },',
        '      { Effect = "Allow", Action = ["s3:*"], Resource = [aws_s3_bucket.data.arn] },',
        '      { Effect = "Allow", NotAction = ["iam:*"], Resource = "*" },',
        '      { Effect = "Allow", Action = ["sqs:SendMessage"], Resource = "*" },',
        '      { Effect = "Allow", Action = ["ec2:DescribeInstances", "ec2:List*"], Resource = "*" },',
        '      { Effect = "Deny", Action = "*", Resource = "*" },',
        '      { Effect = "Allow", Action = ["sqs:SendMessage"], Resource = "${aws_sqs_queue.jobs.arn}" },',
        '    ]',
        '  })',
        '}',
      ].join('\n');
      const findings = check(iamWildcard, 'iam.tf', text);
      assert.deepEqual(where(findings), [[5, 'error'], [6, 'warning'], [7, 'warning'], [8, 'warning'], [9, 'info']]);
      assert.match(findings[0].message, /`aws_iam_policy\.admin` allows every action \(`\*`\) on every resource/);
      assert.match(findings[1].message, /every action of `s3:\*`/);
      assert.equal(covered(text, findings[0]), '{ Effect = "Allow", Action = "*", Resource = "*" }');
    });

    it('reads heredoc and quoted JSON policies, with interpolations inside and outside JSON strings', () => {
      const text = [
        'resource "aws_iam_role_policy" "worker" {',
        '  role = aws_iam_role.worker.id',
        '  policy = <<EOF',
        '{',
        '  "Version": "2012-10-17",',
        '  "Statement": [{"Effect": "Allow", "Action": "dynamodb:*", "Resource": "${aws_dynamodb_table.jobs.arn}"}]',
        '}',
        'EOF',
        '}',
        'resource "aws_iam_user_policy" "ci" {',
        '  policy = "{\\"Statement\\": [{\\"Effect\\": \\"Allow\\", \\"Action\\": \\"*\\", \\"Resource\\": ${jsonencode(var.arns)}}]}"',
        '}',
      ].join('\n');
      assert.deepEqual(where(check(iamWildcard, 'iam.tf', text)), [[3, 'warning'], [11, 'error']]);
    });

    it('reads aws_iam_policy_document statements, whose effect defaults to Allow', () => {
      const text = [
        'data "aws_iam_policy_document" "deploy" {',
        '  statement {',
        '    actions   = ["*"]',
        '    resources = ["*"]',
        '  }',
        '  statement {',
        '    effect    = "Allow"',
        '    actions   = ["s3:GetObject"]',
        '    resources = ["${aws_s3_bucket.site.arn}/*"]',
        '  }',
        '}',
      ].join('\n');
      const findings = check(iamWildcard, 'iam.tf', text);
      assert.deepEqual(where(findings), [[2, 'error']]);
      assert.match(findings[0].message, /`data\.aws_iam_policy_document\.deploy`/);
    });

    it('leaves trust policies and resource policies (with a Principal) alone, and reports GCP owner granted to allUsers', () => {
      const text = [
        'resource "aws_iam_role" "lambda" {',
        '  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "*" } }] })',
        '}',
        'resource "aws_sqs_queue_policy" "q" {',
        '  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { Service = "sns.amazonaws.com" }, Action = "sqs:*", Resource = "*" }] })',
        '}',
        'resource "google_project_iam_member" "oops" {',
        '  project = var.project',
        '  role    = "roles/editor"',
        '  member  = "allUsers"',
        '}',
        'resource "google_project_iam_member" "fine" {',
        '  role    = "roles/editor"',
        '  member  = "serviceAccount:${google_service_account.ci.email}"',
        '}',
      ].join('\n');
      assert.deepEqual(where(check(iamWildcard, 'iam.tf', text)), [[7, 'error']]);
    });

    it('reads policies loaded with file() and templatefile() from a path known here (the cheapest input that fooled it), never outside the workspace', () => {
      const files: Record<string, string> = {
        'infra/policies/admin.json': '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}',
        'infra/policies/read.json.tpl': '{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "${bucket_arn}"}]}',
        'infra/nope.txt': 'not a policy',
      };
      const asked: string[] = [];
      const readWorkspaceFile = (path: string): string | undefined => {
        asked.push(path);
        return files[path];
      };
      const text = [
        'resource "aws_iam_policy" "admin" {',
        '  policy = file("${path.module}/policies/admin.json")',
        '}',
        'resource "aws_iam_role_policy" "read" {',
        '  policy = templatefile("policies/read.json.tpl", { bucket_arn = aws_s3_bucket.b.arn })',
        '}',
        'resource "aws_iam_policy" "built" {',
        '  policy = file(var.policy_path)',
        '}',
        'resource "aws_iam_policy" "escape" {',
        '  policy = file("../../../etc/admin.json")',
        '}',
        'resource "aws_iam_policy" "other" {',
        '  policy = file("nope.txt")',
        '}',
      ].join('\n');
      const findings = evaluate('infra/iam.tf', text, { policy: defaultPolicy(), rules: [iamWildcard], readWorkspaceFile }).findings;
      assert.deepEqual(where(findings), [[2, 'error'], [5, 'warning']]);
      assert.equal(covered(text, findings[0]), 'file("${path.module}/policies/admin.json")');
      assert.match(findings[0].message, /^`aws_iam_policy\.admin` \(its policy in `infra\/policies\/admin\.json`\) allows every action \(`\*`\) on every resource/);
      assert.deepEqual(asked.sort(), ['infra/nope.txt', 'infra/policies/admin.json', 'infra/policies/read.json.tpl'], 'a path that leaves the workspace is never asked for');
      // Without a reader (a file checked on its own), nothing is read and nothing is guessed.
      assert.deepEqual(check(iamWildcard, 'infra/iam.tf', text), []);
    });

    it('reads a policy path held in a variable default or a local value of the same file, parsed whole or in part', () => {
      const files: Record<string, string> = {
        'infra/policies/admin.json': '{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}',
        'infra/policies/ops.json': '{"Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]}',
      };
      const readWorkspaceFile = (path: string): string | undefined => files[path];
      const text = [
        'variable "admin_policy" {',
        '  type    = string',
        '  default = "policies/admin.json"',
        '  validation {',
        '    condition = length(var.admin_policy) > 0',
        '    error_message = "Set it."',
        '  }',
        '}',
        'variable "unset_policy" { type = string }',
        'variable "unused" { default = "policies/admin.json" }',
        'locals {',
        '  ops_policy = "${path.module}/policies/ops.json"',
        '  built      = "${path.module}/${var.unused}"',
        '}',
        'resource "aws_iam_policy" "admin" {',
        '  policy = file(var.admin_policy)',
        '}',
        'resource "aws_iam_policy" "ops" {',
        '  policy = templatefile(local.ops_policy, {})',
        '}',
        'resource "aws_iam_policy" "unset" {',
        '  policy = file(var.unset_policy)',
        '}',
        'resource "aws_iam_policy" "built" {',
        '  policy = file(local.built)',
        '}',
      ].join('\n');
      const findings = evaluate('infra/iam.tf', text, { policy: defaultPolicy(), rules: [iamWildcard], readWorkspaceFile }).findings;
      // `local.built` names `var.unused`, whose default is known: followed too.
      assert.deepEqual(where(findings), [[16, 'error'], [19, 'warning'], [25, 'error']]);
      assert.match(findings[0].message, /^`aws_iam_policy\.admin` \(its policy in `infra\/policies\/admin\.json`\)/);
      assert.equal(covered(text, findings[1]), 'templatefile(local.ops_policy, {})');
      // The editor parses the whole document: the same findings.
      const whole = evaluate('infra/iam.tf', text, { policy: defaultPolicy(), rules: [iamWildcard], readWorkspaceFile, parseCache: new ParseCache() }).findings;
      assert.deepEqual(where(whole), where(findings));
    });

    it('reads a variable default or local value declared in another .tf file of the module, and nothing else there', () => {
      const files: Record<string, string> = {
        'infra/policies/admin.json': '{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}',
        'infra/policies/ops.json': '{"Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]}',
        'infra/variables.tf': ['variable "admin_policy" {', '  default = "policies/admin.json"', '}', 'variable "unset_policy" {', '  type = string', '}'].join('\n'),
        'infra/locals.tf': ['locals {', '  ops_policy = "${path.module}/policies/ops.json"', '}'].join('\n'),
        // Another module's variable of the same name, and a non-Terraform file, are not read for it.
        'other/variables.tf': 'variable "elsewhere_policy" { default = "../infra/policies/admin.json" }',
        'infra/notes.txt': 'variable "elsewhere_policy" { default = "policies/admin.json" }',
      };
      const read: string[] = [];
      const readWorkspaceFile = (path: string): string | undefined => {
        read.push(path);
        return files[path];
      };
      const listWorkspaceFolder = (folder: string): string[] =>
        Object.keys(files)
          .filter((path) => path.slice(0, path.lastIndexOf('/')) === folder)
          .map((path) => path.slice(folder.length + 1))
          .concat('iam.tf')
          .sort();
      const text = [
        'resource "aws_iam_policy" "admin" {',
        '  policy = file(var.admin_policy)',
        '}',
        'resource "aws_iam_policy" "ops" {',
        '  policy = templatefile(local.ops_policy, {})',
        '}',
        'resource "aws_iam_policy" "unset" {',
        '  policy = file(var.unset_policy)',
        '}',
        'resource "aws_iam_policy" "elsewhere" {',
        '  policy = file(var.elsewhere_policy)',
        '}',
      ].join('\n');
      const options = { policy: defaultPolicy(), rules: [iamWildcard], readWorkspaceFile, listWorkspaceFolder };
      const findings = evaluate('infra/iam.tf', text, options).findings;
      assert.deepEqual(where(findings), [[2, 'error'], [5, 'warning']]);
      assert.match(findings[0].message, /^`aws_iam_policy\.admin` \(its policy in `infra\/policies\/admin\.json`\)/);
      assert.deepEqual([...new Set(read)].sort(), ['infra/locals.tf', 'infra/policies/admin.json', 'infra/policies/ops.json', 'infra/variables.tf'], 'only .tf files of its own folder, not itself');
      const whole = evaluate('infra/iam.tf', text, { ...options, parseCache: new ParseCache() }).findings;
      assert.deepEqual(where(whole), where(findings), 'the editor\'s whole parse agrees');
      // Declared in this file without a default: the module's other files are not asked to guess one.
      const declaredHere = `variable "admin_policy" { type = string }\n${text}`;
      assert.deepEqual(where(evaluate('infra/iam.tf', declaredHere, options).findings), [[6, 'warning']]);
      // Without a folder listing (a file checked on its own), the same file alone decides.
      assert.deepEqual(where(evaluate('infra/iam.tf', text, { ...options, listWorkspaceFolder: undefined }).findings), []);
    });

    it('reads a quoted path built from variables and local values the module knows as plain strings, and no other', () => {
      const files: Record<string, string> = {
        'infra/policies/prod/admin.json': '{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}',
        'infra/variables.tf': ['variable "env" {', '  default = "prod"', '}', 'variable "region" {', '  type = string', '}', 'variable "escape" {', '  default = "../../.."', '}'].join('\n'),
        'etc/admin.json': '{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}',
      };
      const read: string[] = [];
      const readWorkspaceFile = (path: string): string | undefined => {
        read.push(path);
        return files[path];
      };
      const listWorkspaceFolder = (folder: string): string[] => (folder === 'infra' ? ['iam.tf', 'variables.tf'] : []);
      const text = [
        'locals {',
        '  policy_name = "admin"',
        '}',
        'resource "aws_iam_policy" "admin" {',
        '  policy = file("${path.module}/policies/${var.env}/${local.policy_name}.json")',
        '}',
        'resource "aws_iam_policy" "regional" {',
        '  policy = file("${path.module}/policies/${var.region}/admin.json")',
        '}',
        'resource "aws_iam_policy" "escape" {',
        '  policy = file("${var.escape}/etc/admin.json")',
        '}',
      ].join('\n');
      const options = { policy: defaultPolicy(), rules: [iamWildcard], readWorkspaceFile, listWorkspaceFolder };
      const findings = evaluate('infra/iam.tf', text, options).findings;
      assert.deepEqual(where(findings), [[5, 'error']]);
      assert.match(findings[0].message, /its policy in `infra\/policies\/prod\/admin\.json`/);
      assert.ok(!read.includes('etc/admin.json'), 'a default that climbs out of the workspace is not followed');
      assert.deepEqual(where(evaluate('infra/iam.tf', text, { ...options, parseCache: new ParseCache() }).findings), where(findings), 'the editor\'s whole parse agrees');
    });

    it('follows a local value that names a variable or another local, here or in the module\'s other files, and stops at a cycle', () => {
      const files: Record<string, string> = {
        'infra/policies/prod/admin.json': '{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}',
        'infra/variables.tf': ['variable "env" {', '  default = "prod"', '}'].join('\n'),
        'infra/locals.tf': ['locals {', '  policy_dir = "${path.module}/policies/${var.env}"', '  ops_file = "${local.policy_dir}/admin.json"', '}'].join('\n'),
      };
      const readWorkspaceFile = (path: string): string | undefined => files[path];
      const listWorkspaceFolder = (folder: string): string[] => (folder === 'infra' ? ['iam.tf', 'locals.tf', 'variables.tf'] : []);
      const text = [
        'locals {',
        '  admin_file = "${path.module}/policies/${var.env}/admin.json"',
        '  loop_a = "${local.loop_b}/admin.json"',
        '  loop_b = "${local.loop_a}"',
        '}',
        'resource "aws_iam_policy" "here" {',
        '  policy = file(local.admin_file)',
        '}',
        'resource "aws_iam_policy" "module" {',
        '  policy = file(local.ops_file)',
        '}',
        'resource "aws_iam_policy" "cycle" {',
        '  policy = file(local.loop_a)',
        '}',
      ].join('\n');
      const options = { policy: defaultPolicy(), rules: [iamWildcard], readWorkspaceFile, listWorkspaceFolder };
      const findings = evaluate('infra/iam.tf', text, options).findings;
      assert.deepEqual(where(findings), [[7, 'error'], [10, 'error']]);
      assert.match(findings[1].message, /its policy in `infra\/policies\/prod\/admin\.json`/);
      assert.deepEqual(where(evaluate('infra/iam.tf', text, { ...options, parseCache: new ParseCache() }).findings), where(findings), 'the editor\'s whole parse agrees');
    });
  });

  describe('infrastructure/public-bucket', () => {
    it('reports public ACLs, public bucket policies without a condition and disabled public access blocks', () => {
      const text = [
        'resource "aws_s3_bucket" "site" {',
        '  bucket = "my-site"',
        '  acl    = "public-read"',
        '}',
        'resource "aws_s3_bucket_acl" "logs" {',
        '  bucket = aws_s3_bucket.logs.id',
        '  acl    = "private"',
        '}',
        'resource "aws_s3_bucket_policy" "site" {',
        '  bucket = aws_s3_bucket.site.id',
        '  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "${aws_s3_bucket.site.arn}/*" }] })',
        '}',
        'resource "aws_s3_bucket_policy" "cdn" {',
        '  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "s3:GetObject", Resource = "*",',
        '    Condition = { StringEquals = { "aws:SourceVpce" = "vpce-1a2b3c" } } }] })',
        '}',
        'resource "aws_s3_bucket_public_access_block" "site" {',
        '  bucket                  = aws_s3_bucket.site.id',
        '  block_public_acls       = true',
        '  block_public_policy     = false',
        '  ignore_public_acls      = true',
        '  restrict_public_buckets = true',
        '}',
        'data "aws_iam_policy_document" "public_read" {',
        '  statement {',
        '    principals {',
        '      type        = "*"',
        '      identifiers = ["*"]',
        '    }',
        '    actions   = ["s3:PutObject"]',
        '    resources = ["arn:aws:s3:::uploads/*"]',
        '  }',
        '}',
      ].join('\n');
      const findings = check(publicBucket, 's3.tf', text);
      assert.deepEqual(where(findings), [[3, 'error'], [11, 'error'], [25, 'error'], [20, 'warning']]);
      assert.match(findings[0].message, /`aws_s3_bucket\.site` has the `public-read` ACL/);
      assert.match(findings[2].message, /to change or read/);
    });
  });

  it('infrastructure/public-bucket: Cloud Storage buckets granted to allUsers (caught on real files)', () => {
    const text = [
      'resource "google_storage_bucket_iam_binding" "allow_public_read" {',
      '  bucket  = google_storage_bucket.site.id',
      '  members = ["allUsers"]',
      '  role    = "roles/storage.objectViewer"',
      '}',
      'resource "google_storage_bucket_iam_member" "ci" {',
      '  bucket = google_storage_bucket.site.id',
      '  member = "serviceAccount:${google_service_account.ci.email}"',
      '  role   = "roles/storage.objectAdmin"',
      '}',
    ].join('\n');
    const findings = check(publicBucket, 'gcs.tf', text);
    assert.deepEqual(where(findings), [[1, 'error']]);
    assert.match(findings[0].message, /grants `roles\/storage\.objectViewer` on the bucket to `allUsers`/);
  });

  describe('infrastructure/open-admin-port', () => {
    it('reports SSH, databases and all traffic open to the internet, not HTTPS or a private range', () => {
      const text = [
        'resource "aws_security_group" "web" {',
        '  ingress {',
        '    from_port   = 443',
        '    to_port     = 443',
        '    protocol    = "tcp"',
        '    cidr_blocks = ["0.0.0.0/0"]',
        '  }',
        '  ingress {',
        '    from_port   = 22',
        '    to_port     = 22',
        '    protocol    = "tcp"',
        '    cidr_blocks = ["0.0.0.0/0"]',
        '  }',
        '  ingress {',
        '    from_port   = 5432',
        '    to_port     = 5432',
        '    protocol    = "tcp"',
        '    cidr_blocks = ["10.0.0.0/8"]',
        '  }',
        '  egress {',
        '    from_port   = 0',
        '    to_port     = 0',
        '    protocol    = "-1"',
        '    cidr_blocks = ["0.0.0.0/0"]',
        '  }',
        '}',
        'resource "aws_security_group_rule" "all" {',
        '  type             = "ingress"',
        '  from_port        = 0',
        '  to_port          = 0',
        '  protocol         = "-1"',
        '  ipv6_cidr_blocks = ["::/0"]',
        '  security_group_id = aws_security_group.web.id',
        '}',
        'resource "aws_vpc_security_group_ingress_rule" "db" {',
        '  cidr_ipv4   = "0.0.0.0/0"',
        '  from_port   = 3000',
        '  to_port     = 6400',
        '  ip_protocol = "tcp"',
        '}',
        'resource "aws_security_group_rule" "var" {',
        '  type        = "ingress"',
        '  from_port   = var.port',
        '  to_port     = var.port',
        '  protocol    = "tcp"',
        '  cidr_blocks = ["0.0.0.0/0"]',
        '}',
        'resource "google_compute_firewall" "ssh" {',
        '  allow {',
        '    protocol = "tcp"',
        '    ports    = ["22", "8000-8080"]',
        '  }',
        '  source_ranges = ["0.0.0.0/0"]',
        '}',
      ].join('\n');
      const findings = check(openAdminPort, 'sg.tf', text);
      assert.deepEqual(where(findings), [[8, 'error'], [27, 'error'], [35, 'error'], [49, 'error']]);
      assert.match(findings[0].message, /`aws_security_group\.web` opens SSH \(22\) to `0\.0\.0\.0\/0`/);
      assert.match(findings[1].message, /every port to `::\/0`/);
      assert.match(findings[2].message, /MySQL \(3306\), PostgreSQL \(5432\), Redis \(6379\)/);
    });
  });

  describe('infrastructure/unencrypted-storage', () => {
    it('reports encryption off or absent where AWS defaults to off, and knows what inherits it', () => {
      const text = [
        'resource "aws_ebs_volume" "data" {',
        '  size = 100',
        '}',
        'resource "aws_ebs_volume" "enc" {',
        '  size      = 100',
        '  encrypted = true',
        '}',
        'resource "aws_db_instance" "db" {',
        '  engine            = "postgres"',
        '  storage_encrypted = false',
        '}',
        'resource "aws_db_instance" "replica" {',
        '  replicate_source_db = aws_db_instance.db.identifier',
        '}',
        'resource "aws_db_instance" "aurora" {',
        '  engine             = "aurora-postgresql"',
        '  cluster_identifier = aws_rds_cluster.main.id',
        '}',
        'resource "aws_efs_file_system" "shared" {}',
        'resource "aws_elasticache_replication_group" "cache" {',
        '  engine = "valkey"',
        '}',
        'resource "aws_elasticache_replication_group" "redis" {',
        '  at_rest_encryption_enabled = var.encrypt',
        '}',
        'resource "aws_neptune_cluster" "graph" {',
        '  storage_encrypted = false',
        '}',
        'resource "aws_s3_bucket" "b" {}',
        'resource "aws_dynamodb_table" "t" {}',
      ].join('\n');
      const findings = check(unencryptedStorage, 'storage.tf', text);
      assert.deepEqual(where(findings), [[1, 'warning'], [10, 'warning'], [19, 'warning'], [27, 'warning']]);
      assert.equal(covered(text, findings[0]), 'resource "aws_ebs_volume" "data" {');
      assert.match(findings[1].message, /`aws_db_instance\.db` \(RDS instance\) turns encryption at rest off/);
    });
  });

  describe('infrastructure/provider-credentials', () => {
    it('reports literal credentials in provider blocks, not variables, stand-ins or what the secrets rule reports', () => {
      const text = [
        'provider "aws" {',
        '  region     = "eu-west-1"',
        '  access_key = var.access_key',
        // comprehension-ignore secrets/hardcoded-secret -- a made-up key: the fixture of a rule about literal provider credentials
        '  secret_key = "Hq3v9Tz0pLw7Rk2Nf5Yd8Sx1Gb6Jm4Uc0Ea2Wi7Q"',
        '}',
        'provider "postgresql" {',
        '  password = "Sunday-Roast-42"',
        '}',
        'provider "aws" {',
        '  alias      = "localstack"',
        '  access_key = "test"',
        '  secret_key = "mock_secret_key"',
        '}',
        'provider "azurerm" {',
        '  client_secret = "${var.client_secret}"',
        '}',
        'resource "aws_db_instance" "db" {',
        '  password = "not-a-provider"',
        '}',
      ].join('\n');
      const findings = check(providerCredentials, 'providers.tf', text);
      const secrets = check(secretsHardcodedSecret, 'providers.tf', text);
      const mine = where(findings).map(([line]) => line);
      const theirs = where(secrets).map(([line]) => line);
      assert.ok(mine.includes(7) || theirs.includes(7), 'the database password is reported once, by one of the rules');
      assert.ok(mine.includes(4) || theirs.includes(4), 'the secret key is reported once, by one of the rules');
      for (const line of mine) assert.ok(!theirs.includes(line), `line ${line} reported twice`);
      assert.ok(mine.every((line) => line === 4 || line === 7), `only the literal credentials: ${mine}`);
    });

    it('reads state backends too (the cheapest input that fooled it: credentials moved into terraform { backend })', () => {
      const text = 'terraform {\n  backend "s3" {\n    bucket     = "state"\n    access_key = var.key\n    secret_key = "Sunday-Roast-42"\n  }\n}\n';
      const findings = [...check(providerCredentials, 'main.tf', text), ...check(secretsHardcodedSecret, 'main.tf', text)];
      assert.equal(findings.filter((finding) => finding.startPosition.line === 4).length, 1, 'reported once, by one of the rules');
      const mine = check(providerCredentials, 'main.tf', text);
      if (mine.length > 0) assert.match(mine[0].message, /`secret_key` of backend "s3"/);
    });
  });

  it('reads a file that starts with a comment (the grammar puts it before the body; caught on real files)', () => {
    const text = '# ------ Create an IAM role\nresource "aws_iam_role_policy" "demo" {\n  policy = jsonencode({ "Statement" : [{ "Effect" : "Allow", "Action" : ["s3:*"], "Resource" : "*" }] })\n}\n';
    assert.deepEqual(where(check(iamWildcard, 'iam.tf', text)), [[3, 'warning']]);
  });

  it('raises severity inside AI blocks through the engine', () => {
    const text = 'resource "aws_efs_file_system" "shared" {\n  encrypted = false\n}\n';
    assert.deepEqual(where(check(unencryptedStorage, 'efs.tf', text, { startLine: 1, endLine: 3 })), [[2, 'error']]);
  });
});
