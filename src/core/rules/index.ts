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
];

export function findRule(id: string): Rule | undefined {
  return BUILTIN_RULES.find((rule) => rule.id === id);
}
