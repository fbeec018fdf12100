import type { RuleFinding } from '../../check/findings';
import type { LanguageCheck, LanguageRuleContext } from '../rule';
import { editDistance } from './edit-distance';
import { closestResemblance, describeResemblance, type Resemblance } from './lookalike-match';
import { firstMatchingPattern, stringList } from './name-patterns';
import { type PythonImport, pythonImports } from './python-imports';
import { GENUINE_NEIGHBOUR_DISTRIBUTIONS, IMPORT_DISTRIBUTIONS, normalizeDistributionName, WELL_KNOWN_DISTRIBUTIONS } from './python-names';
import type { PythonProject } from './python-project';
import { PYTHON_STDLIB_MODULES } from './python-stdlib';

/** The imports of the file that may name a distribution: not the standard library, not the project's own modules, not ignored. */
function distributionImports(context: LanguageRuleContext, project: PythonProject): PythonImport[] {
  if (!('tree' in context.document)) return [];
  const ignore = stringList(context.options.ignore);
  return pythonImports(context.document.tree, { stub: context.path.endsWith('.pyi') }).filter((entry) => {
    if (PYTHON_STDLIB_MODULES.has(entry.topLevel)) return false;
    if (project.ownNames.has(normalizeDistributionName(entry.topLevel))) return false;
    if (ignore.length > 0 && firstMatchingPattern(ignore, entry.topLevel, entry.module) !== undefined) return false;
    return true;
  });
}

/** The dotted prefixes of a module name, longest first (`a.b.c`, `a.b`, `a`). */
function prefixes(module: string): string[] {
  const parts = module.split('.');
  return parts.map((_, index) => parts.slice(0, parts.length - index).join('.'));
}

/**
 * The distributions that could provide `entry`, the likeliest first: the table's (`yaml` → PyYAML),
 * the installed environment's, then the module's own name and its usual wrappings (`python-x`,
 * `x-python`, `pyx`), and for a namespace package its dotted name (`google.cloud.storage` →
 * `google-cloud-storage`).
 */
function candidateDistributions(entry: PythonImport, project: PythonProject): string[] {
  const candidates: string[] = [];
  for (const prefix of prefixes(entry.module)) candidates.push(...(IMPORT_DISTRIBUTIONS.get(prefix) ?? []));
  candidates.push(...project.installedProviders(entry.topLevel));
  for (const prefix of prefixes(entry.module)) candidates.push(prefix);
  for (const submodule of entry.submodules ?? []) candidates.push(...(IMPORT_DISTRIBUTIONS.get(submodule) ?? []), submodule);
  const top = entry.topLevel;
  candidates.push(`python-${top}`, `${top}-python`, `py${top}`, `py-${top}`, `${top}-py`);
  return candidates;
}

/** Distributions every plugin of which (`pytest-<name>`) installs them: declaring a plugin declares its host. */
const PLUGIN_HOSTS: ReadonlySet<string> = new Set(['pytest']);

/** Whether the project declares a distribution that provides `entry`. */
function isProvided(entry: PythonImport, project: PythonProject): boolean {
  if (PLUGIN_HOSTS.has(entry.topLevel) && [...project.declared].some((name) => name.startsWith(`${entry.topLevel}-`))) return true;
  return candidateDistributions(entry, project).some((name) => project.declared.has(normalizeDistributionName(name)));
}

/** The distribution a message tells people to declare: the table's or the environment's, else the module's own name. */
function suggestedDistribution(entry: PythonImport, project: PythonProject): { name: string; known: boolean } {
  for (const prefix of prefixes(entry.module)) {
    const known = IMPORT_DISTRIBUTIONS.get(prefix)?.[0];
    if (known) return { name: known, known: true };
  }
  const installed = project.installedProviders(entry.topLevel)[0];
  if (installed) return { name: installed, known: true };
  return { name: entry.topLevel, known: false };
}

/** The Python project of the file, when one governs it (see `python-project.ts`). */
function projectOf(context: LanguageRuleContext): PythonProject | undefined {
  return context.manifest?.python;
}

/**
 * `dependencies/undeclared` for Python: an import that no declared distribution provides. Not
 * reported: the standard library, relative imports, the project's own modules and name, imports
 * under `if TYPE_CHECKING:` and optional imports (`try:` … `except ImportError:`), and every import
 * of a file with no Python manifest up to the workspace root.
 */
export const pythonUndeclared: LanguageCheck = {
  textTriggers: ['import'],
  check(context) {
    const project = projectOf(context);
    if (!project) return [];
    const findings: RuleFinding[] = [];
    for (const entry of distributionImports(context, project)) {
      if (entry.guarded !== undefined) continue;
      if (isProvided(entry, project)) continue;
      if (project.isLocalModule(entry.topLevel)) continue;
      const suggested = suggestedDistribution(entry, project);
      const what = suggested.known
        ? `add "${suggested.name}" to ${project.manifestPath}`
        : `add the distribution that provides it (on PyPI usually "${suggested.name}") to ${project.manifestPath}`;
      findings.push({
        start: entry.start,
        end: entry.end,
        message:
          `'${entry.module}' is imported but no distribution declared in ${project.manifestPath} (or the manifests above it) provides it. ` +
          `An undeclared import is the signature of a hallucinated package: vet it, then ${what}, or fix the name.`,
      });
    }
    return findings;
  },
};

/** Import names of the well-known distributions (`scikit-learn` → `scikit_learn`, plus the table's `sklearn`). */
const WELL_KNOWN_IMPORT_NAMES: readonly string[] = [
  ...new Set([
    ...WELL_KNOWN_DISTRIBUTIONS.map((name) => name.replace(/-/g, '_')),
    ...[...IMPORT_DISTRIBUTIONS.keys()].map((key) => key.split('.')[0]!),
  ]),
];
const WELL_KNOWN_IMPORT_SET: ReadonlySet<string> = new Set(WELL_KNOWN_IMPORT_NAMES);

/** `cymysql` for `sqlalchemy/dialects/mysql/cymysql.py`. */
function fileStem(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.indexOf('.');
  return dot < 0 ? name : name.slice(0, dot);
}
const WELL_KNOWN_DISTRIBUTION_SET: ReadonlySet<string> = new Set([...WELL_KNOWN_DISTRIBUTIONS, ...GENUINE_NEIGHBOUR_DISTRIBUTIONS].map(normalizeDistributionName));
/** Below this, one edit turns a real short name into another (`pyte`/`pytz`, `isal`/`msal`). */
const MIN_PYPI_LOOKALIKE_LENGTH = 5;

/**
 * Why the distribution name `name` (normalised) passes for a well-known one, or undefined: one edit
 * (insert, delete, replace, swap two neighbours: `urlib3`, `reqeusts`, `python3-dateutil`,
 * `jeilyfish`) from a well-known name of at least {@link MIN_PYPI_LOOKALIKE_LENGTH} characters. Unlike
 * npm's, PyPI's real names crowd each other at two edits (`azure-cosmos`/`azure-common`) and in
 * suffix families (`tree-sitter-python`, `opensearch-py`): on the 15,000 most downloaded
 * distributions, two edits or affix rules called hundreds of real ones look-alikes.
 */
export function distributionLookalike(name: string): Resemblance | undefined {
  if (WELL_KNOWN_DISTRIBUTION_SET.has(name) || name.length < MIN_PYPI_LOOKALIKE_LENGTH) return undefined;
  // Genuine families: typeshed stubs and plugins carry a well-known name on purpose.
  if (/^types-|-stubs$|^pytest-|^flake8-|^django-|^flask-|^sphinx-|^mkdocs-/.test(name)) return undefined;
  for (const target of WELL_KNOWN_DISTRIBUTIONS) {
    if (target.length < MIN_PYPI_LOOKALIKE_LENGTH || isNumberedSibling(name, target)) continue;
    if (editDistance(name, target, 1) <= 1) return { target, kind: 'edit', distance: 1 };
  }
  return undefined;
}

/**
 * Version-numbered siblings are their own projects: `elasticsearch8` and `markdown2` beside
 * `elasticsearch` and `markdown`, `pyqt6` beside `pyqt5`. A digit dropped from the well-known name
 * (`beautifulsoup` for `beautifulsoup4`) is still a slip.
 */
function isNumberedSibling(name: string, target: string): boolean {
  const stem = name.replace(/\d+$/, '');
  if (stem === name) return false;
  return stem === target || stem === target.replace(/\d+$/, '');
}

/**
 * `dependencies/lookalike` for Python: an import whose module name is one slip from a well-known
 * module or from a declared distribution's module (`reqeusts`, `urlib3`, `jeIlyfish`), and an import
 * provided only by a declared distribution whose own name is a look-alike of a well-known one
 * (`python3-dateutil` declared for `import dateutil`). Never flagged: a module the project declares,
 * installs or holds itself, and well-known names.
 */
export const pythonLookalike: LanguageCheck = {
  textTriggers: ['import'],
  check(context) {
    const project = projectOf(context);
    const findings: RuleFinding[] = [];
    if (!('tree' in context.document)) return findings;
    const imports = project ? distributionImports(context, project) : pythonImports(context.document.tree).filter((entry) => !PYTHON_STDLIB_MODULES.has(entry.topLevel));
    for (const entry of imports) {
      const top = entry.topLevel;
      if (project) {
        const declaredLookalike = lookalikeProvider(entry, project);
        if (declaredLookalike) {
          findings.push({ start: entry.start, end: entry.end, message: declaredLookalike });
          continue;
        }
        if (isProvided(entry, project) || project.installedProviders(top).length > 0 || project.isLocalModule(top)) continue;
      }
      // Exact spelling only: `Yaml` is not `yaml` to the import system. A lowercase module named like a
      // known distribution or genuine neighbour (`scapy`, `aiofile`) is that distribution's.
      if (WELL_KNOWN_IMPORT_SET.has(top) || (top === top.toLowerCase() && WELL_KNOWN_DISTRIBUTION_SET.has(normalizeDistributionName(top)))) continue;
      // `_billiard`, `_yaml`: a private or extension module inside another distribution; no PyPI name
      // starts with `_`, so none can be squatted. `cymysql` in `dialects/mysql/cymysql.py`: the file is
      // that package's adapter, named after it on purpose.
      if (top.startsWith('_') || top.toLowerCase() === fileStem(context.path).toLowerCase()) continue;
      const targets = project ? [...[...project.declared].map((name) => name.replace(/-/g, '_')), ...WELL_KNOWN_IMPORT_NAMES] : WELL_KNOWN_IMPORT_NAMES;
      const found = closestResemblance(top, targets);
      // One slip only, as for declarations: module names crowd each other at two edits as PyPI's do.
      if (!found || found.distance > 1 || isNumberedSibling(top.toLowerCase(), found.target.toLowerCase())) continue;
      // `PIL` and `pil`, `sklearn` and `sklear`: the module's own spelling matters, not a distribution's.
      findings.push({ start: entry.start, end: entry.start + top.length, message: describeResemblance(top, found, 'a typo, or a module from a typosquatted distribution?') });
    }
    return findings;
  },
};

/**
 * When the only declared distribution that could provide `entry` is a look-alike of the expected one
 * (`import dateutil` with `python3-dateutil` declared instead of `python-dateutil`), the message.
 */
function lookalikeProvider(entry: PythonImport, project: PythonProject): string | undefined {
  if (isProvided(entry, project)) return undefined;
  const expected = prefixes(entry.module).flatMap((prefix) => IMPORT_DISTRIBUTIONS.get(prefix) ?? []);
  if (expected.some((name) => project.declared.has(normalizeDistributionName(name)))) return undefined;
  const wanted = expected.length > 0 ? expected : [entry.topLevel];
  for (const declared of project.declared) {
    for (const target of wanted) {
      const normalisedTarget = normalizeDistributionName(target);
      if (declared === normalisedTarget) continue;
      const close = editDistance(declared, normalisedTarget, 1) <= 1;
      if (close && distributionLookalike(declared) !== undefined) {
        return `'${entry.topLevel}' is provided by "${target}", but ${project.manifestPath} (or a manifest above it) declares "${declared}", a look-alike of it: a typo or a typosquat?`;
      }
    }
  }
  return undefined;
}
