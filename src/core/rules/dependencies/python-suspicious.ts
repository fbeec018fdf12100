import type { RuleFinding } from '../../check/findings';
import type { RuleContext } from '../rule';
import { firstMatchingPattern, stringList } from './name-patterns';
import { distributionLookalike } from './python-dependencies';
import { parsePythonManifest, pythonManifestKindOfPath } from './python-manifests';
import { normalizeDistributionName } from './python-names';
import { PYTHON_STDLIB_MODULES } from './python-stdlib';
import type { KnownBadName } from './suspicious-names';

const SK_CSIRT = 'one of the typosquats PyPI removed after SK-CSIRT\'s advisory "Malicious software libraries in the official Python package repository" (September 2017)';
const DATEUTIL_2019 = 'removed from PyPI in December 2019 after it was found stealing SSH and GPG keys (reported by Lukas Martini; it imitated python-dateutil and jellyfish)';

/**
 * PyPI names that are bad wherever they are declared, with the public report that says why. PyPI
 * removes malware outright (no holding package), so a squatter may take a name again.
 */
export const KNOWN_BAD_DISTRIBUTIONS: ReadonlyMap<string, KnownBadName> = new Map<string, KnownBadName>([
  ['acqusition', { kind: 'malicious', source: SK_CSIRT }],
  ['apidev-coop', { kind: 'malicious', source: SK_CSIRT }],
  ['bzip', { kind: 'malicious', source: SK_CSIRT }],
  ['crypt', { kind: 'malicious', source: SK_CSIRT }],
  ['django-server', { kind: 'malicious', source: SK_CSIRT }],
  ['pwd', { kind: 'malicious', source: SK_CSIRT }],
  ['setup-tools', { kind: 'malicious', source: SK_CSIRT }],
  ['telnet', { kind: 'malicious', source: SK_CSIRT }],
  ['urlib3', { kind: 'malicious', source: SK_CSIRT }],
  ['urllib', { kind: 'malicious', source: SK_CSIRT }],
  ['jeilyfish', { kind: 'malicious', source: DATEUTIL_2019 }],
  ['python3-dateutil', { kind: 'malicious', source: DATEUTIL_2019 }],
  ['colourama', { kind: 'malicious', source: 'removed from PyPI in 2018: a colorama typosquat that swapped cryptocurrency addresses in the clipboard' }],
  ['huggingface-cli', { kind: 'hallucinated', source: 'invented by models for `pip install huggingface-cli` and registered empty to measure it, downloaded tens of thousands of times (Bar Lanyado, Lasso Security, 2024); the real CLI ships with huggingface_hub' }],
]);

/**
 * Distributions under the name of a standard library module that are genuine backports or
 * long-standing packages: never called suspicious for their name.
 */
const GENUINE_STDLIB_NAMES: ReadonlySet<string> = new Set([
  'typing', 'dataclasses', 'argparse', 'pathlib', 'asyncio', 'contextvars', 'enum', 'futures', 'mock', 'selectors',
  'statistics', 'ipaddress', 'importlib', 'unittest2', 'zipp', 'backports', 'ssl', 'json', 'uuid', 'logging',
  'readline', 'secrets', 'tomli', 'graphlib', 'zoneinfo', 'html5lib', 'configparser', 'functools32', 'subprocess32',
]);

/** Why the declared (normalised) distribution `name` looks wrong, when it does. */
function suspicionOf(name: string): { message: string; malicious: boolean } | undefined {
  const known = KNOWN_BAD_DISTRIBUTIONS.get(name);
  if (known?.kind === 'malicious') return { message: `"${name}" is a known malicious PyPI name (${known.source}). Remove it.`, malicious: true };
  if (known) return { message: `"${name}" is a distribution name language models are known to invent (${known.source}). Vet it on PyPI or fix the name.`, malicious: false };
  const stdlib = stdlibModuleNamed(name);
  if (stdlib !== undefined) {
    return { message: `"${name}" is named after the standard library module '${stdlib}', which needs no distribution: a distribution under that name is a squat or a mistake. Vet it on PyPI or remove it.`, malicious: false };
  }
  const lookalike = distributionLookalike(name);
  if (lookalike) return { message: `"${name}" looks like the well-known "${lookalike.target}" (${lookalike.kind === 'edit' ? `${lookalike.distance === 1 ? 'one edit' : 'two edits'} away` : 'the same name wrapped or re-separated'}): a typo or a typosquat? Vet it on PyPI or fix the name.`, malicious: false };
  return undefined;
}

/** The stdlib module a declared name copies (`urllib`, `python-sqlite` for `sqlite3`), unless it is a genuine backport. */
function stdlibModuleNamed(name: string): string | undefined {
  const isStdlib = (candidate: string): boolean => !GENUINE_STDLIB_NAMES.has(candidate) && !candidate.includes('-') && PYTHON_STDLIB_MODULES.has(candidate);
  const bare = name.replace(/^python3?-/, '');
  // `python-sqlite`: the wrapped name may drop the module's version digit.
  if (bare !== name) return [bare, `${bare}3`].find(isStdlib);
  return isStdlib(name) ? name : undefined;
}

/** Where the declaration of the normalised `name` is in the manifest text (any case and separators), or undefined. */
function declarationSpan(text: string, name: string): { start: number; end: number } | undefined {
  const pattern = new RegExp(`(?<![\\w.-])${name.split('-').map(escapeRegExp).join('[-_.]+')}(?![\\w])`, 'i');
  const match = pattern.exec(text);
  return match ? { start: match.index, end: match.index + match[0].length } : undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `dependencies/suspicious-name` on a Python manifest (`requirements*.txt`, `pyproject.toml`,
 * `setup.cfg`, `setup.py`, `Pipfile`): declared distributions that are known malicious or invented
 * names, named after a standard library module, or one slip from a well-known distribution.
 */
export function pythonManifestFindings(context: RuleContext): RuleFinding[] {
  const kind = pythonManifestKindOfPath(context.path);
  if (kind === undefined) return [];
  const ignore = stringList(context.options.ignore);
  const findings: RuleFinding[] = [];
  const seen = new Set<string>();
  for (const name of parsePythonManifest(kind, context.text).declared) {
    if (seen.has(name)) continue;
    seen.add(name);
    if (firstMatchingPattern(ignore, name, name) !== undefined) continue;
    const suspicion = suspicionOf(normalizeDistributionName(name));
    if (!suspicion) continue;
    const span = declarationSpan(context.text, name);
    if (!span) continue;
    const finding: RuleFinding = { ...span, message: suspicion.message };
    if (suspicion.malicious) finding.severity = 'error';
    findings.push(finding);
  }
  return findings;
}
