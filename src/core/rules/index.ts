import type { Rule } from './rule';
import { dependenciesLookalike } from './dependencies/lookalike';
import { dependenciesNotInstalled } from './dependencies/not-installed';
import { dependenciesSuspiciousName } from './dependencies/suspicious-name';
import { dependenciesRegistry } from './dependencies/registry-check';
import { dependenciesUnapproved } from './dependencies/unapproved';
import { dependenciesUndeclared } from './dependencies/undeclared';
import { reliabilityMissingTimeout } from './reliability/missing-timeout';
import { reliabilitySwallowedError } from './reliability/swallowed-error';
import { reliabilityUnboundedRetry } from './reliability/unbounded-retry';
import { secretsHardcodedSecret } from './secrets/hardcoded-secret';
import { securityShellInjection } from './security/shell-injection';
import { securitySqlInjection } from './security/sql-injection';
import { securityTlsDisabled } from './security/tls-disabled';
import { securityEval } from './security/eval';
import { testingNoAssertion } from './testing/no-assertion';
import { testingTautologicalAssertion } from './testing/tautological-assertion';
import { workflowsUnpinnedAction } from './workflows/unpinned-action';
import { workflowsPullRequestTargetCheckout } from './workflows/pull-request-target-checkout';
import { workflowsExpressionInjection } from './workflows/expression-injection';
import { workflowsSecretEchoed } from './workflows/secret-echoed';
import { workflowsWriteAllPermissions } from './workflows/write-all-permissions';
import { infrastructureIamWildcard } from './infrastructure/iam-wildcard';
import { infrastructurePublicBucket } from './infrastructure/public-bucket';
import { infrastructureOpenAdminPort } from './infrastructure/open-admin-port';
import { infrastructureUnencryptedStorage } from './infrastructure/unencrypted-storage';
import { infrastructureProviderCredentials } from './infrastructure/provider-credentials';
import { infrastructurePrivilegedContainer } from './infrastructure/privileged-container';
import { infrastructureHostPath } from './infrastructure/host-path';
import { infrastructureRunsAsRoot } from './infrastructure/runs-as-root';
import { infrastructureNoResourceLimits } from './infrastructure/no-resource-limits';
import { infrastructureLatestTag } from './infrastructure/latest-tag';
import { infrastructurePipeToShell } from './infrastructure/pipe-to-shell';
import { infrastructureContainerRootUser } from './infrastructure/container-root-user';
import { infrastructureAddFromUrl } from './infrastructure/add-from-url';
import { infrastructureSecretInImage } from './infrastructure/secret-in-image';

/** Every built-in rule, in a stable order (SARIF rule indices follow it). */
export const BUILTIN_RULES: readonly Rule[] = [
  secretsHardcodedSecret,
  reliabilityMissingTimeout,
  reliabilityUnboundedRetry,
  reliabilitySwallowedError,
  securityEval,
  securityShellInjection,
  securityTlsDisabled,
  securitySqlInjection,
  dependenciesUndeclared,
  dependenciesUnapproved,
  dependenciesLookalike,
  dependenciesNotInstalled,
  dependenciesSuspiciousName,
  dependenciesRegistry,
  testingNoAssertion,
  testingTautologicalAssertion,
  workflowsUnpinnedAction,
  workflowsPullRequestTargetCheckout,
  workflowsExpressionInjection,
  workflowsSecretEchoed,
  workflowsWriteAllPermissions,
  infrastructureIamWildcard,
  infrastructurePublicBucket,
  infrastructureOpenAdminPort,
  infrastructureUnencryptedStorage,
  infrastructureProviderCredentials,
  infrastructurePrivilegedContainer,
  infrastructureHostPath,
  infrastructureRunsAsRoot,
  infrastructureNoResourceLimits,
  infrastructureLatestTag,
  infrastructurePipeToShell,
  infrastructureContainerRootUser,
  infrastructureAddFromUrl,
  infrastructureSecretInImage,
];

export function findRule(id: string): Rule | undefined {
  return BUILTIN_RULES.find((rule) => rule.id === id);
}
