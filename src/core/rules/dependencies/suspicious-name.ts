import type { RuleFinding } from '../../check/findings';
import { declaredPackages, isDeclaringManifestPath } from './declared-packages';
import { firstMatchingPattern, stringList } from './name-patterns';
import { resolutionOf } from './resolution';
import { type SuspiciousName, suspiciousName } from './suspicious-names';
import type { Rule, RuleContext } from '../rule';
import { pythonManifestFindings } from './python-suspicious';

/** Flags package.json declarations whose names are known bad or shaped like made-up ones. */
export const dependenciesSuspiciousName: Rule = {
  id: 'dependencies/suspicious-name',
  kind: 'text',
  defaultSeverity: 'warning',
  summary: 'Declared package whose name is a known malicious or hallucinated one, or shaped like one and not installed',
  rationale: [
    'An assistant that invents a package name usually declares it too, so `dependencies/undeclared`',
    'never sees it. Squatters register such names ("slopsquatting"), and npm keeps a holding package',
    'under every name it took down for malware. This rule reads each `package.json` declaration:',
    '- a **known bad name** — removed malware (`flatmap-stream`, `crossenv`), a name public research',
    '  found models inventing (`react-codeshift`, `huggingface-cli`) — is reported wherever it is',
    '  declared, installed or not, at `error` for malware;',
    '- a name **shaped like an invention** — a well-known package with a generic word added',
    '  (`axios-helper`, `node-zod`, `express-utils`) that is not itself a widely used package, or the name',
    '  of a Python or vendor tool (`numpy`, `awscli`) — is reported only when neither `node_modules` nor the',
    '  lockfile has it: an installed package exists, and a real one is what you will find when you look.',
    '',
    'Vet the package on the registry (who publishes it, since when, how many use it) or fix the name.',
    '`comprehension check --registry-check` asks the registry itself. Workspace packages and `file:`,',
    '`link:`, `workspace:` and git dependencies are not judged; `npm:` aliases are judged by their target.',
    'The `ignore` option (names or globs) silences a name you have vetted.',
    '',
    'Python manifests (`requirements*.txt`, `pyproject.toml`, `setup.cfg`, `setup.py`, `Pipfile`): known',
    'malicious PyPI names (`jeIlyfish`, `python3-dateutil`, `colourama`, the 2017 `urlib3` family, at `error`),',
    'invented ones (`huggingface-cli`), names of standard library modules (`urllib`, `python-sqlite`; genuine',
    'backports such as `dataclasses` excepted) and names one slip from a well-known distribution (`reqeusts`).',
  ].join('\n'),
  defaultOptions: { ignore: [] },
  check(context: RuleContext): RuleFinding[] {
    if (!isDeclaringManifestPath(context.path)) return pythonManifestFindings(context);
    const ignore = stringList(context.options.ignore);
    const resolution = resolutionOf(context.manifest);
    const findings: RuleFinding[] = [];
    for (const declared of declaredPackages(context.text)) {
      if (declared.localSource !== undefined || firstMatchingPattern(ignore, declared.name, declared.target) !== undefined) continue;
      const suspicion = suspiciousName(declared.target);
      if (!suspicion) continue;
      const alwaysBad = suspicion.signal === 'known' && suspicion.known!.kind !== 'other-ecosystem';
      if (!alwaysBad) {
        // The shape is weak evidence: anything installed or locked exists, and a sibling package is linked.
        if (!resolution) continue;
        if (resolution.installed(declared.target) || resolution.lockfileMentions(declared.target) || resolution.workspacePackage(declared.target)) continue;
      }
      const finding: RuleFinding = { start: declared.start, end: declared.end, message: describe(declared.target, suspicion) };
      if (suspicion.known?.kind === 'malicious') finding.severity = 'error';
      findings.push(finding);
    }
    return findings;
  },
};

function describe(name: string, suspicion: SuspiciousName): string {
  const known = suspicion.known;
  if (known?.kind === 'malicious') return `'${name}' is a known malicious package name (${known.source}). Remove it.`;
  if (known?.kind === 'hallucinated') return `'${name}' is a package name language models are known to invent (${known.source}). Vet it on the registry or fix the name.`;
  const notInstalled = 'and neither node_modules nor the lockfile has it';
  if (known) return `'${name}' is ${known.source}, ${notInstalled}: a hallucinated dependency? Vet it on the registry or fix the name.`;
  return `'${name}' is '${suspicion.base}' with a generic word added, is not a widely used package, ${notInstalled}: a hallucinated dependency? Vet it on the registry or fix the name.`;
}
