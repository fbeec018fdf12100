import type { Rule } from './rule';
import { dependenciesLookalike } from './dependencies-lookalike';
import { dependenciesUnapproved } from './dependencies-unapproved';
import { dependenciesUndeclared } from './dependencies-undeclared';
import { secretsHardcodedSecret } from './secrets-hardcoded-secret';
import { securityEval } from './security-eval';

/** Every built-in rule, in a stable order (SARIF rule indices follow it). */
export const BUILTIN_RULES: readonly Rule[] = [secretsHardcodedSecret, securityEval, dependenciesUndeclared, dependenciesUnapproved, dependenciesLookalike];

export function findRule(id: string): Rule | undefined {
  return BUILTIN_RULES.find((rule) => rule.id === id);
}
