import type { RuleFinding, TextFix } from '../../check/findings';
import { isDeclared } from './declaration';
import { closestResemblance, describeResemblance } from './lookalike-match';
import { packageImports, packageNameSpan, RESOLVING_RULE_DEFAULT_OPTIONS, resolvesWithoutPackage } from './package-imports';
import { HOST_MODULES } from './package-name';
import { resolutionOf } from './resolution';
import { WELL_KNOWN_PACKAGE_SET, WELL_KNOWN_PACKAGES } from './well-known';
import type { Rule, RuleContext } from '../rule';
import { pythonLookalike } from './python-dependencies';

/** Flags imports whose package name is a near miss of a declared or well-known package. */
export const dependenciesLookalike: Rule = {
  id: 'dependencies/lookalike',
  kind: 'syntax',
  readsModuleReferences: true,
  defaultSeverity: 'warning',
  summary: 'Package name one slip away from a declared or well-known package',
  rationale: [
    'Typosquatting publishes malware under names one slip away from popular packages (`loadsh`,',
    '`expres`, `@types-node`), and AI assistants produce exactly such near misses when they half-remember',
    'a name. Either way the import is an **unvetted dependency** that looks right in review.',
    '',
    'An imported package is flagged when its name is close to a package declared in `package.json` or',
    'to one of several hundred widely used npm packages:',
    '- one edit (insert, delete, replace, swap two neighbours) for names up to 8 characters, two beyond;',
    '  names shorter than 4 characters are too dense to compare this way;',
    '- only letter case, separators (`-`, `_`, `.`), a scope (`@types-node` for `@types/node`) or a',
    '  `js` suffix (`chartjs` for `chart.js`) differ.',
    '',
    'Never flagged: a name declared by any `package.json` in the workspace (root or nested) or installed',
    "(`node_modules/<name>/package.json` exists): someone chose it (`expect.js`, `tempy`); well-known",
    "packages (`preact` is not a typo of `react`); two names in the same scope (a scope has one owner on",
    "npm); the package's own name; framework virtual modules (policy `dependencies.virtualModules`), tsconfig path",
    'aliases and Deno import-map entries. If the package is what you meant, add it to the `ignore` option.',
    '',
    'Python: an import one slip from a well-known module or a declared distribution (`reqeusts`, `urlib3`,',
    '`jeIlyfish`) that nothing declares or installs, and an import whose only provider is a declared',
    'look-alike of the expected distribution (`python3-dateutil` declared for `import dateutil`).',
  ].join('\n'),
  defaultOptions: RESOLVING_RULE_DEFAULT_OPTIONS,
  languages: { python: pythonLookalike },
  check(context: RuleContext): RuleFinding[] {
    const manifest = context.manifest;
    const findings: RuleFinding[] = [];
    // Declared names first, so a near miss of the team's own dependency names that one.
    const allTargets = manifest === undefined ? WELL_KNOWN_PACKAGES : [...manifest.declared, ...WELL_KNOWN_PACKAGES];
    for (const packageImport of packageImports(context)) {
      const name = packageImport.packageName;
      if (WELL_KNOWN_PACKAGE_SET.has(name) || HOST_MODULES.has(name) || name === manifest?.name) continue;
      // Someone chose a declared package: on real repositories every declared near miss was genuine
      // (`expect.js`, `@eslint/js`, `tempy`); a declared squatter is the offline signals' business.
      if (manifest !== undefined && isDeclared(manifest, name, packageImport.typeOnly)) continue;
      const found = closestResemblance(name, allTargets);
      if (!found) continue;
      // The workspace and node_modules are only consulted for a candidate: most imports never get here.
      const resolution = resolutionOf(manifest);
      if (resolution && (resolution.declaredInWorkspace(name) || resolution.installed(name))) continue;
      if (resolvesWithoutPackage(context, packageImport)) continue;
      const { start, end } = packageNameSpan(packageImport);
      const targetDeclared = manifest?.declared.has(found.target) ?? false;
      const finding: RuleFinding = { start, end, message: describeResemblance(name, found, 'a typo or a typosquat?') };
      if (packageImport.verbatim) finding.fixes = [replaceWith(found.target, start, end, targetDeclared)];
      findings.push(finding);
    }
    return findings;
  },
};

function replaceWith(target: string, start: number, end: number, preferred: boolean): TextFix {
  return { title: `Import '${target}' instead`, edits: [{ start, end, newText: target }], preferred };
}
