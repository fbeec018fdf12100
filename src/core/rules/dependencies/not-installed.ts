import type { RuleFinding } from '../../check/findings';
import { DEPENDENCY_RULE_DEFAULT_OPTIONS, packageImports, packageNameSpan } from './package-imports';
import { resolutionOf } from './resolution';
import type { Rule, RuleContext } from '../rule';

/** Flags imports of declared packages that were never installed: in neither the lockfile nor node_modules. */
export const dependenciesNotInstalled: Rule = {
  id: 'dependencies/not-installed',
  kind: 'syntax',
  readsModuleReferences: true,
  defaultSeverity: 'warning',
  summary: 'Declared package that is in neither the lockfile nor node_modules',
  rationale: [
    'A package that `package.json` declares but the lockfile does not list and `node_modules` does not',
    'hold was written into the manifest without ever being installed. That is how a **hallucinated',
    'dependency** gets past `dependencies/undeclared`: the assistant adds the made-up name to',
    '`package.json` too, and the install that would have failed never ran. Run the install and read',
    'what it says, and vet the package (does it exist, who publishes it, since when) before committing.',
    '',
    'Offline: only the lockfile nearest to the file (`package-lock.json`, `npm-shrinkwrap.json`,',
    '`pnpm-lock.yaml`, `yarn.lock`, `bun.lock`) and `node_modules` folders up to the workspace root are',
    "read. The lockfile must be the one that installs the file's package: in its package.json's folder, or",
    "at its workspace's root; one further up is another project's (a theme shipped inside an application).",
    'Without such a lockfile nothing is reported, and a package the lockfile names in any form counts',
    'as locked. Type-only imports and packages of the workspace itself are not checked.',
  ].join('\n'),
  defaultOptions: DEPENDENCY_RULE_DEFAULT_OPTIONS,
  check(context: RuleContext): RuleFinding[] {
    const manifest = context.manifest;
    const resolution = resolutionOf(manifest);
    if (!manifest || !resolution) return [];
    const findings: RuleFinding[] = [];
    const reported = new Set<string>();
    for (const packageImport of packageImports(context)) {
      const name = packageImport.packageName;
      if (packageImport.typeOnly || reported.has(name) || name === manifest.name || !manifest.declared.has(name)) continue;
      // Cheapest first: most declared packages are installed; a sibling workspace package is linked, and yarn 1 does not lock it.
      if (resolution.installed(name) || !resolution.lockfileLacks(name) || resolution.workspacePackage(name)) continue;
      reported.add(name);
      const { start, end } = packageNameSpan(packageImport);
      findings.push({
        start,
        end,
        message:
          `'${name}' is declared in ${manifest.path} but is in neither the lockfile nor node_modules: it was never installed here. ` +
          'Run the install and vet the package before committing; a made-up name fails there.',
      });
    }
    return findings;
  },
};
