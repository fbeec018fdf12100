import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Severity } from '../check/findings';
import type { LocatedFinding } from '../check/sarif';
import { LineIndex } from '../text/line-index';
import { readJsonFile, writeFileAtomic } from '../workspace/fs';
import type { StoreProblem } from '../provenance/store';
import { writeMutationResults } from './cache';
import { locateFindings, survivingMutantFindings } from './findings';
import { blockResults, MutationReportError, parseMutationReport, type BlockMutationResult } from './results';
import {
  configModuleText,
  defaultOptions,
  detectTestSetup,
  installCommand,
  type InstalledPackage,
  type ProgressListener,
  requiredPackages,
  resolveInstalledPackage,
  runFolders,
  runOverrides,
  runStryker,
  STRYKER_CORE,
  type TestSetup,
} from './stryker';
import { selectMutationTargets, type MutationTarget, type SkippedTarget, type TargetSelection } from './targets';

/** Options of {@link runMutationTesting}. */
export interface MutationRunOptions extends TargetSelection {
  /** Where the CLI itself is installed: Stryker is looked for here after the repository. */
  ownFolder: string;
  /** Stryker's worker processes; default the repository's configuration, else up to 4 by the cores. */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** Called with Stryker's process id once it started. */
  onSpawn?: (pid: number) => void;
  /** The Node executable for Stryker (default this process's; the editor passes a real Node). */
  nodePath?: string;
  /** The policy's severity for surviving mutants (default warning; `off` reports none). */
  severity?: Severity;
  /** Write the results into the cache (default true). */
  writeCache?: boolean;
}

/** What a mutation run did. */
export type MutationRunOutcome =
  /** Could not run: no test runner, Stryker missing (with the command that installs it), Stryker failed. */
  | { kind: 'setup-error'; message: string; install?: string; skipped: SkippedTarget[]; problems: StoreProblem[] }
  | { kind: 'cancelled' }
  | {
      kind: 'done';
      targets: MutationTarget[];
      results: BlockMutationResult[];
      /** One finding per surviving mutant, on the lines Stryker tested. */
      findings: LocatedFinding[];
      skipped: SkippedTarget[];
      problems: StoreProblem[];
      setup?: TestSetup;
      stryker?: InstalledPackage;
      elapsedMs: number;
    };

/**
 * `comprehension mutate`: selects the AI blocks, finds the test setup and Stryker, runs Stryker
 * once over all the blocks' lines (one run shares one initial test run), reads its JSON report
 * into per-block results and caches them. Nothing to test (no AI block, none changed) is `done`
 * with no results.
 */
export async function runMutationTesting(root: string, options: MutationRunOptions): Promise<MutationRunOutcome> {
  const started = Date.now();
  const { targets, skipped, problems } = await selectMutationTargets(root, options);
  if (targets.length === 0) return { kind: 'done', targets, results: [], findings: [], skipped, problems, elapsedMs: Date.now() - started };
  const setup = await detectTestSetup(root);
  if (setup.kind === 'none') return { kind: 'setup-error', message: `cannot run the tests: ${setup.why}`, skipped, problems };
  const from = [root, options.ownFolder];
  const missing = requiredPackages(setup).filter((name) => resolveInstalledPackage(name, from) === undefined);
  if (missing.length > 0) {
    return { kind: 'setup-error', message: `${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not installed in ${root} or beside the CLI`, install: installCommand(requiredPackages(setup)), skipped, problems };
  }
  const core = resolveInstalledPackage(STRYKER_CORE, from)!;
  const tempFolder = mkdtempSync(join(tmpdir(), 'comprehension-mutate-'));
  try {
    const folders = runFolders(tempFolder);
    const concurrency = options.concurrency ?? (setup.kind === 'default' ? Math.max(1, Math.min(availableParallelism(), 4)) : undefined);
    const overrides = runOverrides(targets, folders);
    if (concurrency !== undefined) overrides.concurrency = concurrency;
    let base: { configFile: string } | { options: Record<string, unknown> };
    if (setup.kind === 'stryker-config') base = { configFile: setup.configFile };
    else {
      const plugin = setup.plugin ? resolveInstalledPackage(setup.plugin, from) : undefined;
      base = { options: defaultOptions(setup, plugin) };
    }
    await writeFileAtomic(folders.configFile, configModuleText(root, base, overrides));
    const exit = await runStryker({ root, core, configFile: folders.configFile, signal: options.signal, onProgress: options.onProgress, onSpawn: options.onSpawn, nodePath: options.nodePath });
    if (exit.kind === 'cancelled') return exit;
    if (exit.exitCode !== 0) return { kind: 'setup-error', message: `Stryker failed (exit code ${exit.exitCode}):\n${exit.outputTail}`, skipped, problems };
    const read = await readJsonFile<unknown>(folders.reportFile, { maxBytes: 512 * 1024 * 1024 });
    if (read.kind !== 'ok') return { kind: 'setup-error', message: `Stryker wrote no readable report (${read.kind === 'missing' ? 'none' : read.message}):\n${exit.outputTail}`, skipped, problems };
    let report: ReturnType<typeof parseMutationReport>;
    try {
      report = parseMutationReport(read.value);
    } catch (error) {
      if (error instanceof MutationReportError) return { kind: 'setup-error', message: error.message, skipped, problems };
      throw error;
    }
    const results = blockResults(report, targets, { testedAt: new Date().toISOString(), strykerVersion: core.version });
    const findings: LocatedFinding[] = [];
    for (const result of results) {
      const source = report.get(result.path)?.source;
      if (source === undefined) continue;
      // Located in the text Stryker mutated, which is what the results describe.
      const lines = new LineIndex(source);
      for (const finding of locateFindings(survivingMutantFindings(result, result.startLine, lines, options.severity), lines)) findings.push({ path: result.path, finding });
    }
    if (options.writeCache !== false) await writeMutationResults(root, results);
    return { kind: 'done', targets, results, findings, skipped, problems, setup, stryker: core, elapsedMs: Date.now() - started };
  } finally {
    rmSync(tempFolder, { recursive: true, force: true });
  }
}
