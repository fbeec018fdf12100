import type { RuleFinding } from '../../check/findings';
import { firstMatchingPattern } from './name-patterns';
import { DEPENDENCY_RULE_DEFAULT_OPTIONS, packageImports, packageNameSpan } from './package-imports';
import type { Rule, RuleContext } from '../rule';

/** Flags imports of packages the policy denies, or that are missing from its allow list. */
export const dependenciesUnapproved: Rule = {
  id: 'dependencies/unapproved',
  kind: 'syntax',
  readsModuleReferences: true,
  defaultSeverity: 'warning',
  summary: 'Import of a package the policy denies or has not approved',
  rationale: [
    'Teams vet dependencies for licence, maintenance, size and supply-chain risk. An AI assistant does',
    'not know which packages your team approved: it imports whatever its training data made common, so',
    '**unvetted dependencies** arrive one plausible import at a time.',
    '',
    'The policy lists them under `dependencies` in `.comprehension/policy.yaml`:',
    '- `deny`: packages that must not be used (deprecated, vulnerable, replaced by an in-house module);',
    '- `allow`: when not empty, the only packages that may be used.',
    '',
    'Entries are exact names (`lodash`) or globs (`@myorg/*`, `lodash.*`). A package denied and allowed at',
    "once is denied. The package's own name is always allowed. Node builtins, relative paths and the other",
    'imports that name no package are not checked (see `dependencies/undeclared`).',
  ].join('\n'),
  defaultOptions: DEPENDENCY_RULE_DEFAULT_OPTIONS,
  check(context: RuleContext): RuleFinding[] {
    const deny = context.dependencies?.deny ?? [];
    const allow = context.dependencies?.allow ?? [];
    if (deny.length === 0 && allow.length === 0) return [];
    const findings: RuleFinding[] = [];
    for (const packageImport of packageImports(context)) {
      const name = packageImport.packageName;
      if (name === context.manifest?.name) continue;
      const denied = firstMatchingPattern(deny, name);
      let message: string | undefined;
      if (denied !== undefined) {
        message =
          denied === name
            ? `'${name}' is denied by the policy (dependencies.deny).`
            : `'${name}' is denied by the policy (dependencies.deny: '${denied}').`;
      } else if (allow.length > 0 && firstMatchingPattern(allow, name) === undefined) {
        message = `'${name}' is not on the policy's approved list (dependencies.allow): get it vetted and added, or use an approved package.`;
      }
      if (message === undefined) continue;
      const { start, end } = packageNameSpan(packageImport);
      findings.push({ start, end, message });
    }
    return findings;
  },
};
