import type { Rule } from './rule';
import { securityEval } from './security-eval';

/** Every built-in rule, in a stable order (SARIF rule indices follow it). */
export const BUILTIN_RULES: readonly Rule[] = [securityEval];

export function findRule(id: string): Rule | undefined {
  return BUILTIN_RULES.find((rule) => rule.id === id);
}
