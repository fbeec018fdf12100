import type { RuleFinding } from '../../check/findings';
import type { Rule } from '../rule';
import { attribute, hclFile, literalString, literalStrings } from './hcl';
import { blockAddress, loadedFilesOf, mayHoldLoadedPath, mayHoldPolicyStatement, policyStatements, type PolicyStatement } from './policy-documents';

const GOOGLE_IAM_GRANT = /^google_.*_iam_(binding|member)$/;

/**
 * Flags identity policies (no `Principal`) whose Allow statements grant every action (`*`), every
 * action of a service (`s3:*`), everything but a list (`NotAction`), or any action on every
 * resource (`*`); and GCP primitive roles (`roles/owner`, `roles/editor`) bound to the public.
 * Statements with a principal are resource policies: `infrastructure/public-bucket` reads those.
 */
export const infrastructureIamWildcard: Rule = {
  id: 'infrastructure/iam-wildcard',
  kind: 'language',
  defaultSeverity: 'warning',
  summary: 'IAM policy allowing every action or every resource',
  rationale:
    'A policy with `"Action": "*"` is an administrator; `"s3:*"` includes deleting every bucket and rewriting its policy; ' +
    '`"Resource": "*"` lets the allowed actions reach every resource of the account, not the one the code uses. ' +
    'AI assistants write wildcards because they always work. Name the actions the code calls and the ARNs it touches ' +
    '(IAM Access Analyzer can generate a policy from CloudTrail). `Action: "*"` is an error; a service wildcard, `NotAction` ' +
    'with Allow and a `*` resource are warnings (information when every action only lists or describes, which many services accept only on `*`). ' +
    'Policies loaded with `file()` or `templatefile()` from a literal path (or `${path.module}/…`), also held in the `default` of a variable or in a local value declared in the same file or another `.tf` file of its folder (the module), or built from such plain strings in a quoted path, are read from the workspace and reported at the call; a path built from a variable without a default is not. GCP: `roles/owner` or `roles/editor` granted to `allUsers` or ' +
    '`allAuthenticatedUsers` is an error.',
  check: () => [],
  languages: {
    terraform: {
      // `file`: a policy loaded from another file has its `*` there.
      textTriggers: ['*', 'roles/owner', 'roles/editor', 'file'],
      terraformBlocks: (block, text) => mayHoldPolicyStatement(block, text) || mayHoldLoadedPath(block, text) || (block.type === 'resource' && GOOGLE_IAM_GRANT.test(block.labels[0] ?? '')),
      check: (context) => {
        const { document } = context;
        const file = hclFile(document);
        const findings: RuleFinding[] = [];
        for (const statement of policyStatements(file, loadedFilesOf(context))) {
          if (statement.principal === 'none' && statement.effect === 'Allow') findings.push(...statementFindings(statement));
        }
        for (const block of file.blocks) {
          if (block.type === 'resource' && GOOGLE_IAM_GRANT.test(block.labels[0] ?? '')) {
            const role = literalString(attribute(block, 'role')?.value);
            const members = [...literalStrings(attribute(block, 'members')?.value), ...literalStrings(attribute(block, 'member')?.value)];
            const publicMember = members.find((member) => member === 'allUsers' || member === 'allAuthenticatedUsers');
            if ((role === 'roles/owner' || role === 'roles/editor') && publicMember) {
              findings.push({
                start: block.start,
                end: block.end,
                severity: 'error',
                message: `\`${blockAddress(block)}\` grants \`${role}\` to \`${publicMember}\`: ${publicMember === 'allUsers' ? 'anyone on the internet' : 'any Google account'} can change the project. Grant a narrow role to named members.`,
              });
            }
          }
        }
        return findings;
      },
    },
  },
};

function statementFindings(statement: PolicyStatement): RuleFinding[] {
  const where = `\`${blockAddress(statement.owner)}\`${statement.loadedFrom ? ` (its policy in \`${statement.loadedFrom}\`)` : ''}`;
  const at = { start: statement.start, end: statement.end };
  const everyResource = !statement.notResource && statement.resources.includes('*');
  const onResources = everyResource ? ' on every resource (`*`)' : '';
  if (statement.notAction) {
    return [{ ...at, message: `${where} allows every action except those listed (\`NotAction\` with Allow)${onResources}: new AWS actions are allowed as they appear. List the actions the code needs.` }];
  }
  if (statement.actions.some((action) => action === '*' || action === '*:*')) {
    return [{ ...at, severity: 'error', message: `${where} allows every action (\`*\`)${onResources}: this is an administrator policy. List the actions the code calls.` }];
  }
  const serviceWildcards = statement.actions.filter((action): action is string => action !== undefined && /^[\w-]+:\*$/.test(action));
  if (serviceWildcards.length > 0) {
    return [{ ...at, message: `${where} allows every action of ${serviceWildcards.map((action) => `\`${action}\``).join(', ')}${onResources}, deletions and policy changes included. List the actions the code calls.` }];
  }
  if (everyResource) {
    // Listing and describing accept only `*` for many services (ec2:Describe*): worth a look, rarely a hole.
    const onlyListing = statement.actions.length > 0 && statement.actions.every((action) => action !== undefined && /:(Describe|List)[\w*]*$/.test(action));
    return [{ ...at, ...(onlyListing ? { severity: 'info' as const } : {}), message: `${where} allows its actions on every resource (\`*\`). Name the ARNs the code touches, or suppress with the reason if these actions only accept \`*\`.` }];
  }
  return [];
}
