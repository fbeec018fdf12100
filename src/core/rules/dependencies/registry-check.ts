import { homedir } from 'node:os';
import { join } from 'node:path';
import type { RuleFinding, Severity } from '../../check/findings';
import type { LocatedFinding } from '../../check/sarif';
import { filterNew } from '../../check/baseline';
import { evaluate } from '../../check/engine';
import { readBoundedTextFileSync } from '../../workspace/fs';
import type { PolicyWorkspace } from '../../workspace/policy-workspace';
import { type DeclaredPackage, declaredPackages, isDeclaringManifestPath } from './declared-packages';
import { firstMatchingPattern } from './name-patterns';
import { defaultRegistryCacheDir, NPM_DOWNLOADS_API, NPM_REGISTRY, type PackageFacts, RegistryClient } from './registry';
import { WELL_KNOWN_PACKAGE_SET } from './well-known';
import type { Rule } from '../rule';

/** The registry check's findings; reported by {@link checkRegistry}, not by the per-file engine. */
export const dependenciesRegistry: Rule = {
  id: 'dependencies/registry',
  kind: 'text',
  defaultSeverity: 'error',
  summary: 'Declared package that the npm registry does not have, or that is days old or barely downloaded (--registry-check)',
  rationale: [
    'The offline rules cannot tell a made-up name from a real package nobody on the team has installed',
    'yet. With `comprehension check --registry-check` (or policy `dependencies.registryCheck: true`) the',
    'check asks the registry about every package declared in a `package.json` of the workspace:',
    '- **not on the registry** (`error`): a hallucinated name, or a private package; declare private scopes in',
    '  policy `dependencies.privateScopes`, or give the scope its registry in `.npmrc` (`@myorg:registry=…`);',
    '- **first published fewer than `dependencies.minPackageAgeDays` days ago** (default 30) or **fewer than',
    '  `dependencies.minWeeklyDownloads` downloads last week** (default 100, npmjs.org only) (`warning`):',
    '  how a squatter\'s fresh registration of a hallucinated name looks.',
    '',
    'The registry is `--registry URL`, else `npm_config_registry`, else `registry=` in the workspace\'s or',
    "your `.npmrc`, else registry.npmjs.org. Answers are cached for a day in your cache folder",
    '(`$XDG_CACHE_HOME/comprehension-first/registry/`). Offline, the check is skipped with one warning',
    '(and a SARIF notification, and `summary.registryCheck` in JSON), never passed silently.',
    'Workspace packages and `file:`, `link:`, `workspace:` and git dependencies are not looked up; `npm:`',
    'aliases are looked up by their target.',
  ].join('\n'),
  // The engine checks one file at a time; this rule's findings come from one lookup for the whole workspace.
  check: (): RuleFinding[] => [],
};

/** How to run the registry check. */
export interface RegistryCheckOptions {
  /** `--registry URL`: overrides the environment and `.npmrc`. */
  registry?: string;
  /** The download-count API; default api.npmjs.org for registry.npmjs.org and none for any other registry (null: none). */
  downloadsApi?: string | null;
  /** Default: {@link defaultRegistryCacheDir}. */
  cacheDir?: string;
  /** Per request. */
  timeoutMs?: number;
  /** Environment to read `npm_config_registry` and the cache folder from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** The user's `.npmrc` (default `~/.npmrc`; null: none). */
  userNpmrc?: string | null;
  now?: () => number;
  /** Report findings the baseline covers too. */
  includeBaselined?: boolean;
}

/** What the registry check did, for the JSON summary and the warning line. */
export interface RegistryCheckSummary {
  registry: string;
  /** Distinct package names the registry answered for (from the cache or the network). */
  checked: number;
  /** Distinct names left unanswered (offline, an HTTP error). */
  skipped: number;
  /** Names not asked because they are private (policy `dependencies.privateScopes`, a scoped registry in `.npmrc`). */
  private: number;
  /** Why names were skipped, when any were. */
  reason?: string;
  /** Why download counts were not asked (their API unreachable), when they were wanted. */
  downloadsSkipped?: string;
}

/** The registry check's result: findings on package.json lines, and what was checked. */
export interface RegistryCheckResult {
  findings: LocatedFinding[];
  summary: RegistryCheckSummary;
}

/** The registry URL and the scopes with their own registry, from `.npmrc` text (`registry=`, `@scope:registry=`). */
export function parseNpmrc(text: string): { registry?: string; scopedRegistries: Set<string> } {
  const result: { registry?: string; scopedRegistries: Set<string> } = { scopedRegistries: new Set() };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('#') || line.startsWith(';')) continue;
    const match = /^(@[^:=\s]+:)?registry\s*=\s*(.+)$/.exec(line);
    if (!match) continue;
    const value = match[2].trim().replace(/^["']|["']$/g, '');
    if (match[1]) result.scopedRegistries.add(match[1].slice(0, -1));
    else result.registry = value;
  }
  return result;
}

/**
 * Asks the registry about every package declared in `manifestPaths` (workspace-relative
 * package.json paths) and returns findings at the declarations. Never throws for the network: an
 * unreachable registry is a reason in the summary.
 */
export async function checkRegistry(workspace: PolicyWorkspace, manifestPaths: readonly string[], options: RegistryCheckOptions = {}): Promise<RegistryCheckResult> {
  const policy = workspace.policyState.current;
  const env = options.env ?? process.env;
  const projectNpmrc = readNpmrc(join(workspace.root, '.npmrc'), workspace.root);
  const userNpmrcPath = options.userNpmrc === undefined ? join(homedir(), '.npmrc') : options.userNpmrc;
  const userNpmrc = userNpmrcPath === null ? undefined : readNpmrc(userNpmrcPath, undefined);
  const envRegistry = env.npm_config_registry || env.NPM_CONFIG_REGISTRY;
  const registry = options.registry ?? envRegistry ?? projectNpmrc?.registry ?? userNpmrc?.registry ?? NPM_REGISTRY;
  const scopedRegistries = new Set([...(projectNpmrc?.scopedRegistries ?? []), ...(userNpmrc?.scopedRegistries ?? [])]);
  const summary: RegistryCheckSummary = { registry, checked: 0, skipped: 0, private: 0 };
  if (policy.rules[dependenciesRegistry.id]?.severity === 'off') return { findings: [], summary: { ...summary, reason: `${dependenciesRegistry.id} is off in the policy` } };
  const registryUrl = parseUrl(registry);
  if (!registryUrl) return { findings: [], summary: { ...summary, reason: `the registry '${registry}' is not an http(s) URL` } };

  const manifests: { path: string; text: string; declared: DeclaredPackage[] }[] = [];
  const workspacePackages = new Set<string>();
  for (const path of manifestPaths) {
    const read = readBoundedTextFileSync(join(workspace.root, path), { root: workspace.root, maxBytes: 4 * 1024 * 1024 });
    if (read.kind !== 'ok') continue;
    const own = ownName(read.text);
    if (own) workspacePackages.add(own);
    manifests.push({ path, text: read.text, declared: declaredPackages(read.text) });
  }
  const isPrivate = (name: string): boolean => {
    const scope = name.startsWith('@') ? name.slice(0, name.indexOf('/')) : undefined;
    if (scope !== undefined && (scopedRegistries.has(scope) || policy.dependencies.privateScopes.includes(scope))) return true;
    return firstMatchingPattern(policy.dependencies.privateScopes, name) !== undefined;
  };
  const wanted = new Set<string>();
  const privateNames = new Set<string>();
  for (const manifest of manifests) {
    manifest.declared = manifest.declared.filter((entry) => entry.localSource === undefined && !workspacePackages.has(entry.target));
    for (const entry of manifest.declared) (isPrivate(entry.target) ? privateNames : wanted).add(entry.target);
  }
  summary.private = privateNames.size;
  if (wanted.size === 0) return { findings: [], summary };

  const isNpmjs = registryUrl.host === new URL(NPM_REGISTRY).host;
  const downloadsApi = options.downloadsApi === null ? undefined : (options.downloadsApi ?? (isNpmjs ? NPM_DOWNLOADS_API : undefined));
  const client = new RegistryClient({
    registry,
    downloadsApi,
    cacheDir: options.cacheDir ?? defaultRegistryCacheDir(env),
    timeoutMs: options.timeoutMs,
    recentDays: policy.dependencies.minPackageAgeDays,
    now: options.now,
  });
  const lookup = await client.lookup([...wanted]);
  // A registry that denies a package everyone uses is not answering for npm (a proxy that wants a login,
  // a mirror of something else): its "not found" is no evidence, so none of them is reported.
  const deniedWellKnown = [...lookup.facts].find(([name, facts]) => !facts.exists && WELL_KNOWN_PACKAGE_SET.has(name))?.[0];
  if (deniedWellKnown !== undefined) {
    for (const [name, facts] of [...lookup.facts]) {
      if (facts.exists) continue;
      lookup.facts.delete(name);
      lookup.unanswered.set(name, `the registry says '${deniedWellKnown}' does not exist either`);
    }
    lookup.unreachable ??= `${registryUrl.host} says the well-known package '${deniedWellKnown}' does not exist: it is not answering for npm (authentication, a mirror of something else), so its "not found" answers were not used`;
  }
  summary.checked = lookup.facts.size;
  summary.skipped = lookup.unanswered.size;
  if (lookup.downloadsUnreachable) summary.downloadsSkipped = `the download counts ${lookup.downloadsUnreachable}`;
  if (lookup.unreachable) summary.reason = deniedWellKnown !== undefined ? lookup.unreachable : `the registry ${lookup.unreachable}`;
  else if (lookup.unanswered.size > 0) {
    const [name, why] = lookup.unanswered.entries().next().value as [string, string];
    summary.reason = `${lookup.unanswered.size} of ${wanted.size} packages got no answer ('${name}': ${why})`;
  }

  const now = (options.now ?? Date.now)();
  // Age and downloads are a notch below "not there": a warning when the rule is at error, else the rule's own severity.
  const configured = policy.rules[dependenciesRegistry.id]?.severity ?? dependenciesRegistry.defaultSeverity;
  const weaker = configured === 'error' ? 'warning' : configured;
  const findings: LocatedFinding[] = [];
  for (const manifest of manifests) {
    const raw: RuleFinding[] = [];
    for (const entry of manifest.declared) {
      const facts = lookup.facts.get(entry.target);
      const finding = facts && describe(entry, facts, registryUrl.host, policy.dependencies, now, weaker);
      if (finding) raw.push(finding);
    }
    if (raw.length === 0) continue;
    // Through the engine, so policy severity, critical paths, test caps and fingerprints apply as to any rule.
    const rule: Rule = { ...dependenciesRegistry, check: () => raw };
    const evaluated = evaluate(manifest.path, manifest.text, {
      policy,
      rules: [rule],
      inCriticalPath: workspace.isCritical(manifest.path),
      inTestPath: workspace.isTest(manifest.path),
    });
    const baseline = workspace.baselineIndex;
    const kept = baseline && !options.includeBaselined ? filterNew(evaluated.findings, manifest.path, baseline) : evaluated.findings;
    for (const finding of kept) findings.push({ path: manifest.path, finding });
  }
  return { findings, summary };
}

/** One finding for a declaration, or undefined when the registry's answer is unremarkable. */
function describe(
  entry: DeclaredPackage,
  facts: PackageFacts,
  host: string,
  limits: { minPackageAgeDays: number; minWeeklyDownloads: number },
  now: number,
  severity: Severity,
): RuleFinding | undefined {
  const name = entry.target === entry.name ? `'${entry.name}'` : `'${entry.target}' (as '${entry.name}')`;
  if (!facts.exists) {
    return {
      start: entry.start,
      end: entry.end,
      message:
        `${name} is not on the npm registry (${host}): a hallucinated name, or a private package — declare private scopes in policy ` +
        'dependencies.privateScopes or give the scope its registry in .npmrc.',
    };
  }
  const figures: string[] = [];
  if (facts.created) {
    const days = Math.floor((now - Date.parse(facts.created)) / (24 * 60 * 60 * 1000));
    if (days < limits.minPackageAgeDays) figures.push(`first published ${days === 1 ? '1 day' : `${days} days`} ago (${facts.created.slice(0, 10)}; policy dependencies.minPackageAgeDays ${limits.minPackageAgeDays})`);
  }
  if (facts.weeklyDownloads !== undefined && facts.weeklyDownloads < limits.minWeeklyDownloads) {
    figures.push(`downloaded ${facts.weeklyDownloads} ${facts.weeklyDownloads === 1 ? 'time' : 'times'} last week (dependencies.minWeeklyDownloads ${limits.minWeeklyDownloads})`);
  }
  if (figures.length === 0) return undefined;
  return {
    start: entry.start,
    end: entry.end,
    severity,
    message: `${name} was ${figures.join(' and ')}: a squatted hallucinated name looks like this. Vet who publishes it before installing.`,
  };
}

function readNpmrc(path: string, root: string | undefined): ReturnType<typeof parseNpmrc> | undefined {
  const read = readBoundedTextFileSync(path, { root, maxBytes: 256 * 1024 });
  return read.kind === 'ok' ? parseNpmrc(read.text) : undefined;
}

function ownName(text: string): string | undefined {
  try {
    const value = JSON.parse(text) as { name?: unknown };
    return typeof value?.name === 'string' && value.name.length > 0 ? value.name : undefined;
  } catch {
    return undefined;
  }
}

function parseUrl(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** The package.json files among a check's listed files (workspace-relative), none under node_modules. */
export function manifestPathsOf(files: readonly string[]): string[] {
  return files.filter(isDeclaringManifestPath);
}
