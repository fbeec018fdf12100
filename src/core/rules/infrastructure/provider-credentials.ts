import type { RuleFinding } from '../../check/findings';
import { isEnvReference, isPlaceholder } from '../secrets/filters';
import type { Rule } from '../rule';
import { allBlocks, hclFile, literalString, type HclBlock } from './hcl';
import { withoutReportedSecrets } from './secret-overlap';

/** Provider arguments that hold a credential (AWS, Azure, Google, Kubernetes, databases, SaaS providers). */
const CREDENTIAL_ARGUMENTS = new Set([
  'access_key',
  'secret_key',
  'token',
  'password',
  'client_secret',
  'client_certificate_password',
  'api_key',
  'api_token',
  'auth_token',
  'secret_access_key',
  'access_token',
]);

/**
 * Flags credentials written as literals in `provider` blocks (nested blocks such as `assume_role`
 * included) and in state backends (`terraform { backend "s3" { … } }`). Values the secrets rule already reports (a recognisable AWS key) are left to it;
 * stand-ins (`test`, `mock_access_key` for LocalStack) are not reported.
 */
export const infrastructureProviderCredentials: Rule = {
  id: 'infrastructure/provider-credentials',
  kind: 'language',
  defaultSeverity: 'error',
  summary: 'Credential written into a Terraform provider or backend block',
  rationale:
    'A key or password in a `provider` block is committed with the code, copied into every clone and CI log that prints ' +
    'the configuration, and usually has the rights to change the whole account. AI assistants fill in the argument ' +
    'because the provider documents it. Leave it out and let the provider read its environment variables ' +
    '(`AWS_ACCESS_KEY_ID`, `ARM_CLIENT_SECRET`, `GOOGLE_CREDENTIALS`…), a profile or workload identity, or pass a ' +
    '`sensitive` variable. Stand-in values (`test`, `mock`) and values the secrets rule already reports are not reported here.',
  check: () => [],
  languages: {
    terraform: {
      textTriggers: ['provider', 'backend'],
      terraformBlocks: (block) => block.type === 'provider' || block.type === 'terraform',
      check: (context) => {
        const candidates: RuleFinding[] = [];
        const enter = (block: HclBlock, parents: readonly HclBlock[]): boolean => ['provider', 'terraform'].includes((parents[0] ?? block).type);
        for (const { block, parents } of allBlocks(hclFile(context.document), enter)) {
          const provider = parents[0] ?? block;
          // A state backend (`terraform { backend "s3" { … } }`) takes the same credentials.
          const backend = provider.type === 'terraform' ? [...parents, block].find((candidate) => candidate.type === 'backend') : undefined;
          if (provider.type !== 'provider' && backend === undefined) continue;
          const owner = backend ? `backend "${backend.labels[0] ?? ''}"` : `provider "${provider.labels[0] ?? ''}"`;
          for (const argument of block.attributes) {
            const value = literalString(argument.value);
            if (!CREDENTIAL_ARGUMENTS.has(argument.name) || value === undefined || value.trim() === '' || isPlaceholder(value) || isEnvReference(value)) continue;
            candidates.push({
              start: argument.value.start,
              end: argument.value.end,
              message: `\`${argument.name}\` of ${owner} is written into the file. Remove it and let ${backend ? 'the backend' : 'the provider'} read its environment variables or a profile${backend ? ' (or `-backend-config` at init)' : ', or pass a `sensitive` variable'}.`,
              fingerprintSource: `infrastructure/provider-credentials|${owner}|${argument.name}`,
            });
          }
        }
        return withoutReportedSecrets(context, candidates);
      },
    },
  },
};
