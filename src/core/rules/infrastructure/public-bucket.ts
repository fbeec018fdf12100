import type { RuleFinding } from '../../check/findings';
import type { Rule } from '../rule';
import { attribute, hclFile, literalBool, literalString, literalStrings, resourcesOf } from './hcl';
import { blockAddress, loadedFilesOf, mayHoldLoadedPath, mayHoldPolicyStatement, policyStatements } from './policy-documents';

const BUCKETS_WITH_ACL = new Set(['aws_s3_bucket', 'aws_s3_bucket_acl']);
const PUBLIC_ACCESS_BLOCKS = new Set(['aws_s3_bucket_public_access_block', 'aws_s3_account_public_access_block']);
/** Google Cloud Storage bucket IAM grants: one to `allUsers` makes the bucket public. */
const GCS_BINDINGS = new Set(['google_storage_bucket_iam_binding', 'google_storage_bucket_iam_member']);
const READ_RESOURCES = new Set([...BUCKETS_WITH_ACL, ...PUBLIC_ACCESS_BLOCKS, ...GCS_BINDINGS]);
const PUBLIC_ACCESS_SETTINGS = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'];

/** Canned ACLs that open a bucket: to everyone, or to every AWS account. */
const PUBLIC_ACLS: Readonly<Record<string, string>> = {
  'public-read': 'anyone on the internet can list and read its objects',
  'public-read-write': 'anyone on the internet can read, write and delete its objects',
  'authenticated-read': 'every AWS account in the world (not only yours) can read its objects',
};

/** S3 actions that read or change objects; `s3:*` and `*` include them. */
const READ_OR_WRITE_ACTION = /^(\*|s3:\*|s3:(Get|List|Put|Delete)[\w*]*)$/i;

/**
 * Flags S3 buckets opened to the public: a public canned ACL, a bucket policy statement that
 * allows anyone (`Principal: "*"`) to read or write objects without a `Condition`, and a public
 * access block that switches one of its protections off; and Google Cloud Storage buckets granted
 * to `allUsers` or `allAuthenticatedUsers`.
 */
export const infrastructurePublicBucket: Rule = {
  id: 'infrastructure/public-bucket',
  kind: 'language',
  defaultSeverity: 'error',
  summary: 'S3 or Cloud Storage bucket readable or writable by anyone',
  rationale:
    'Public buckets are the classic cloud data leak: a `public-read` ACL or a policy with `"Principal": "*"` lets anyone ' +
    'who guesses the name download everything in it, and `public-read-write` lets them replace it. AI assistants copy ' +
    'these from static-website tutorials. Serve public files through CloudFront with an origin access control and keep ' +
    '`aws_s3_bucket_public_access_block` fully on. A statement with a `Condition` (a source VPC, an organisation) is not ' +
    'reported; a public access block setting written as `false` is a warning. Google Cloud Storage: a bucket role granted to ' +
    '`allUsers` or `allAuthenticatedUsers`.',
  check: () => [],
  languages: {
    terraform: {
      textTriggers: ['public', '*', 'false', 'allUsers', 'allAuthenticatedUsers', 'file'],
      terraformBlocks: (block, text) => mayHoldPolicyStatement(block, text) || mayHoldLoadedPath(block, text) || (block.type === 'resource' && READ_RESOURCES.has(block.labels[0] ?? '')),
      check: (context) => {
        const { document } = context;
        const file = hclFile(document);
        const findings: RuleFinding[] = [];
        for (const bucket of resourcesOf(file, BUCKETS_WITH_ACL)) {
          const acl = attribute(bucket, 'acl');
          const value = literalString(acl?.value);
          if (acl && value !== undefined && value in PUBLIC_ACLS) {
            findings.push({
              start: acl.start,
              end: acl.end,
              ...(value === 'authenticated-read' ? { severity: 'warning' as const } : {}),
              message: `\`${blockAddress(bucket)}\` has the \`${value}\` ACL: ${PUBLIC_ACLS[value]}. Use \`private\` and share through CloudFront or presigned URLs.`,
            });
          }
        }
        for (const statement of policyStatements(file, loadedFilesOf(context))) {
          if (statement.principal !== 'anyone' || statement.effect !== 'Allow' || statement.hasCondition || statement.notAction) continue;
          const opened = statement.actions.filter((action): action is string => action !== undefined && READ_OR_WRITE_ACTION.test(action));
          if (opened.length === 0) continue;
          const writes = opened.some((action) => !/^s3:(Get|List)/i.test(action));
          findings.push({
            start: statement.start,
            end: statement.end,
            message: `\`${blockAddress(statement.owner)}\`${statement.loadedFrom ? ` (its policy in \`${statement.loadedFrom}\`)` : ''} allows anyone (\`Principal: "*"\`) ${writes ? 'to change or read' : 'to read'} bucket objects (${opened.map((action) => `\`${action}\``).join(', ')}) with no \`Condition\`. Restrict the principal, or serve through CloudFront with an origin access control.`,
          });
        }
        for (const binding of resourcesOf(file, GCS_BINDINGS)) {
          const members = [...literalStrings(attribute(binding, 'members')?.value), ...literalStrings(attribute(binding, 'member')?.value)];
          const anyone = members.find((member) => member === 'allUsers' || member === 'allAuthenticatedUsers');
          const role = literalString(attribute(binding, 'role')?.value);
          if (anyone === undefined || role === undefined) continue;
          findings.push({
            start: binding.start,
            end: binding.end,
            message: `\`${blockAddress(binding)}\` grants \`${role}\` on the bucket to \`${anyone}\`: ${anyone === 'allUsers' ? 'anyone on the internet' : 'any Google account'} can use it. Grant it to named members, or serve public files through a CDN.`,
          });
        }
        for (const block of resourcesOf(file, PUBLIC_ACCESS_BLOCKS)) {
          for (const name of PUBLIC_ACCESS_SETTINGS) {
            const setting = attribute(block, name);
            if (setting && literalBool(setting.value) === false) {
              findings.push({
                start: setting.start,
                end: setting.end,
                severity: 'warning',
                message: `\`${blockAddress(block)}\` turns \`${name}\` off: public ACLs or policies on the bucket take effect. Set it to \`true\` unless the bucket is meant to be public.`,
              });
            }
          }
        }
        return findings;
      },
    },
  },
};
