import type { RuleFinding } from '../../check/findings';
import { isDeclared } from './declaration';
import { suspiciousName } from './suspicious-names';
import { packageImports, packageNameSpan, RESOLVING_RULE_DEFAULT_OPTIONS, resolvesWithoutPackage } from './package-imports';
import type { Rule, RuleContext } from '../rule';
import { pythonUndeclared } from './python-dependencies';

/** Flags imports of packages that the nearest package.json does not declare. */
export const dependenciesUndeclared: Rule = {
  id: 'dependencies/undeclared',
  kind: 'syntax',
  readsModuleReferences: true,
  defaultSeverity: 'error',
  summary: 'Import of a package that package.json does not declare',
  rationale: [
    'An import of a package that the nearest `package.json` does not declare is the signature of a',
    '**hallucinated dependency**: AI assistants invent plausible package names, or reach for a package',
    'nobody on the team chose. At best the build breaks on a clean install; at worst someone runs',
    '`npm install <name>` to make the error go away and pulls in whatever a squatter published under it.',
    '',
    'Vet the package (does it exist, who maintains it, is it the one you meant?) and add it to',
    '`package.json`, or fix the name.',
    '',
    'Counted as declared: `dependencies`, `devDependencies`, `peerDependencies`, `optionalDependencies`,',
    "the package's own `name`, and for `import type` only, the matching `@types/` package. A type-only",
    'reference on the line after a `@ts-ignore` or `@ts-expect-error` comment may not resolve on purpose and',
    'is not checked. A `require()` or `import()` the code carries on without (in a `try` whose `catch` does not',
    'just throw, or an `import()` with a `.catch()`) is an optional dependency: undeclared, it is reported as',
    'info, unless its name is shaped like an invented one. `vscode` is',
    'provided by the editor and counts as declared when `@types/vscode` or `engines.vscode` is.',
    '',
    'Not checked: Node builtins (`fs`, `node:test`), relative and absolute paths, URLs, tsconfig `paths` and',
    '`baseUrl` aliases, Deno import-map entries, and framework virtual modules (policy',
    '`dependencies.virtualModules`: `@theme/*`, `@docusaurus/Link`, `$app/*`, `virtual:*`, `@/`, `~/`, `#x` by default). Add other',
    'aliases to the `ignore` option. Files in a `template(s)`, `scaffold(s)`, `boilerplate(s)`, `starter(s)` or',
    '`skeleton(s)` folder of a package with a `bin` (a scaffolding tool such as `create-next-app`), with or',
    'without a `package.json` of their own, are declared by the projects they are copied into and are not checked. The nearest `package.json` up the tree governs the file; one that',
    'declares no dependencies defers to the one above it, and in an npm, yarn or pnpm workspace the',
    "root's declarations count for every package. A private package of a workspace (an app of the monorepo)",
    "may import the workspace's other packages undeclared: the package manager links them for it. A published",
    'one must declare them, since whoever installs it gets only what it declares. An unpublished package (no `name`, or `private`: a',
    'test fixture, an example) resolves its imports through the folders above it, so what the',
    'package.json files above it declare counts too. When no package.json governs the file, or it is not valid JSON, this',
    'rule reports nothing.',
    '',
    'Python: an import that no distribution declared in the Python manifests from the file up to the',
    'workspace root provides (`requirements*.txt`, `pyproject.toml`, `setup.cfg`, literal `setup.py` lists,',
    '`Pipfile`), by PEP 503 name, a table of import names (`yaml` is PyYAML) or an installed `.venv`. The',
    'standard library, relative, local, `TYPE_CHECKING`, stub and `try`/`except ImportError` imports are not',
    'reported, nor files with no Python manifest.',
  ].join('\n'),
  defaultOptions: RESOLVING_RULE_DEFAULT_OPTIONS,
  languages: { python: pythonUndeclared },
  check(context: RuleContext): RuleFinding[] {
    const manifest = context.manifest;
    // A scaffolding tool's templates are checked in the projects it creates, which declare their imports.
    if (!manifest || manifest.scaffoldTemplate === true) return [];
    const findings: RuleFinding[] = [];
    for (const packageImport of packageImports(context)) {
      if (isDeclared(manifest, packageImport.packageName, packageImport.typeOnly)) continue;
      if (resolvesWithoutPackage(context, packageImport)) continue;
      const { start, end } = packageNameSpan(packageImport);
      // Code that carries on without the package does not break on a clean install, so nobody is
      // pushed to `npm install` a name that was made up; a name shaped like an invention still is.
      if (packageImport.optional && !suspiciousName(packageImport.packageName)) {
        findings.push({
          start,
          end,
          severity: 'info',
          message:
            `'${packageImport.packageName}' is loaded as optional (the code carries on when it fails to load) but is not declared in ${manifest.path}. ` +
            'Vet it and declare it in optionalDependencies (or as an optional peer dependency), so installs and audits see it.',
        });
        continue;
      }
      findings.push({
        start,
        end,
        message:
          `'${packageImport.packageName}' is not declared in ${manifest.path}. ` +
          'An undeclared import is the signature of a hallucinated package: vet it, then add it to package.json, or fix the name.' +
          nameWarning(packageImport.packageName),
      });
    }
    return findings;
  },
};

/** What the name itself gives away, when it is a known bad one or shaped like an invention (`suspicious-names.ts`). */
function nameWarning(name: string): string {
  const suspicion = suspiciousName(name);
  if (!suspicion) return '';
  if (suspicion.known?.kind === 'malicious') return ` Do not install it: it is a known malicious package name (${suspicion.known.source}).`;
  if (suspicion.known?.kind === 'hallucinated') return ` Its name is one language models are known to invent (${suspicion.known.source}).`;
  if (suspicion.known) return ` Its name is ${suspicion.known.source}.`;
  return ` Its name is '${suspicion.base}' with a generic word added, a shape invented names take.`;
}
