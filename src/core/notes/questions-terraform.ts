import type { LineRange } from '../check/engine';
import type { LanguageDocument } from '../languages/document';
import { allBlocks, attribute, hclFile, literalString, literalStrings, type HclBlock, type HclFile } from '../rules/infrastructure/hcl';
import { blockAddress, policyStatements, type PolicyStatement } from '../rules/infrastructure/policy-documents';
import type { KnownFact } from './fact-check';
import type { LanguageNoteSupport } from './language-notes';
import { questionCollector } from './question-collector';
import { type BlockQuestion, inlineCode, questionId } from './questions';

const SECURITY_GROUPS = new Set(['aws_security_group', 'aws_security_group_rule', 'aws_vpc_security_group_ingress_rule', 'google_compute_firewall']);
const BUCKET_ACCESS = new Set(['aws_s3_bucket_policy', 'aws_s3_bucket_acl', 'aws_s3_bucket_public_access_block']);

/**
 * Questions about Terraform in an AI block: what each IAM policy allows and on what (`permissions`),
 * who may assume a role, and who can reach a security group or a bucket (`exposure`).
 */
export const terraformNoteSupport: LanguageNoteSupport = {
  questions(document: LanguageDocument, text: string, range: LineRange): BlockQuestion[] {
    const file = hclFile(document);
    const { questions, inRange, ask } = questionCollector(text, range);

    for (const [owner, statements] of policiesInBlock(file, inRange)) {
      const wildcard = statements.some((statement) => statement.notAction || [...statement.actions, ...statement.resources].some((value) => value !== undefined && /(^|:)\*$/.test(value)));
      const first = statements[0];
      ask('permissions', first.start, statements[statements.length - 1].end, `What does ${inlineCode(blockAddress(owner))} allow, on which resources${wildcard ? ', and why does it need `*`' : ''}?`);
    }

    for (const { block, parents } of allBlocks(file)) {
      if (parents.length > 0 || block.type !== 'resource' || !inRange(block.start)) continue;
      const type = block.labels[0] ?? '';
      const address = inlineCode(blockAddress(block));
      if (type === 'aws_iam_role' && attribute(block, 'assume_role_policy')) {
        ask('permissions', block.start, block.end, `Who can assume ${address}, and what stops anyone else from doing so?`);
      } else if (/^google_.*_iam_(binding|member)$/.test(type)) {
        const role = literalString(attribute(block, 'role')?.value);
        ask('permissions', block.start, block.end, `Why do these members need ${role ? inlineCode(role) : 'this role'} through ${address}, and would a narrower role do?`);
      } else if (SECURITY_GROUPS.has(type)) {
        const open = [...collectSources(block)].some((source) => source === '0.0.0.0/0' || source === '::/0');
        ask('exposure', block.start, block.end, `Who can reach what through ${address}, on which ports${open ? ', and why from the whole internet' : ''}?`);
      } else if (BUCKET_ACCESS.has(type) || (type === 'aws_s3_bucket' && (attribute(block, 'acl') || attribute(block, 'policy')))) {
        ask('exposure', block.start, block.end, `Who can read or change the objects of the bucket behind ${address}, and is any of them private?`);
      }
    }
    // A public resource policy written in a statement: who "anyone" is here.
    for (const statement of policyStatements(file)) {
      if (statement.principal === 'anyone' && inRange(statement.start)) {
        ask('exposure', statement.start, statement.end, `${inlineCode(blockAddress(statement.owner))} grants \`Principal: "*"\`: who is meant to use it, and what keeps everyone else out?`);
      }
    }
    return questions;
  },

  /**
   * What each policy of the block allows, for its permissions question: its wildcards and the
   * actions that change or delete things (an answer calling it read-only is a wrong fact).
   */
  facts(document: LanguageDocument, text: string, range: LineRange): KnownFact[] {
    const file = hclFile(document);
    const { inRange } = questionCollector(text, range);
    const facts: KnownFact[] = [];
    for (const [owner, statements] of policiesInBlock(file, inRange)) {
      const allowed = statements.filter((statement) => statement.effect === 'Allow');
      const actions = allowed.flatMap((statement) => (statement.notAction ? [] : statement.actions.filter((action): action is string => action !== undefined)));
      const excepting = allowed.filter((statement) => statement.notAction).map((statement) => `every action but ${statement.actions.filter((action) => action !== undefined).join(', ')}`);
      const wildcardActions = [...new Set([...actions.filter((action) => action.includes('*')), ...excepting])];
      const writes = [...new Set([...actions.filter((action) => WRITE_ACTION.test(action)), ...excepting])].slice(0, 4);
      const everyResource = allowed.some((statement) => !statement.notResource && statement.resources.includes('*'));
      if (wildcardActions.length === 0 && writes.length === 0 && !everyResource) continue;
      const first = statements[0];
      facts.push({ kind: 'policy', questionId: questionId('permissions', text.slice(first.start, statements[statements.length - 1].end)), owner: blockAddress(owner), wildcardActions, everyResource, writes });
    }
    return facts;
  },
};

/** Actions that change or delete something: `*`, a service's `*`, or a writing verb (`s3:PutObject`, `iam:PassRole`). */
const WRITE_ACTION =
  /^(?:\*|[\w-]+:(?:\*|(?:Put|Delete|Create|Update|Attach|Detach|Modify|Write|Set|Add|Remove|Tag|Untag|Pass|Run|Start|Stop|Terminate|Invoke|Publish|Send|Upload|Import|Restore|Reboot|Replace|Associate|Disassociate|Enable|Disable|Change|Reset|Register|Deregister|Revoke|Authorize|Copy|Execute|Rotate|Purge|Cancel|Abort|Complete|Submit|Batch|Admin|Restart|Encrypt|Decrypt|Sign|Assume)\w*\*?))$/i;

/** The identity policies with a statement in the block, by holder (one permissions question each). */
function policiesInBlock(file: HclFile, inRange: (offset: number | undefined) => boolean): Map<HclBlock, PolicyStatement[]> {
  const byOwner = new Map<HclBlock, PolicyStatement[]>();
  for (const statement of policyStatements(file)) {
    if (!inRange(statement.start) || statement.principal === 'anyone') continue;
    byOwner.set(statement.owner, [...(byOwner.get(statement.owner) ?? []), statement]);
  }
  return byOwner;
}

function* collectSources(block: HclBlock): Generator<string | undefined> {
  for (const name of ['cidr_blocks', 'ipv6_cidr_blocks', 'cidr_ipv4', 'cidr_ipv6', 'source_ranges']) yield* literalStrings(attribute(block, name)?.value);
  for (const child of block.blocks) if (child.type === 'ingress') yield* collectSources(child);
}
