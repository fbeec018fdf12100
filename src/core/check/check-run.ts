import { inShard, type Shard } from './shard';
import { sourceMapsBeside } from './compiled';
import { type BoundedReadOptions, readTextFileSync, resolvedRoot } from '../workspace/fs';
import { printable } from '../workspace/paths';
import { existsSync } from 'node:fs';
import { loadGrammarsForPaths } from '../languages/tree-sitter';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { type ResourceLimits, Worker } from 'node:worker_threads';
import { NOTE_RULE_IDS } from '../notes/diagnostics';
import type { Block } from '../provenance/block';
import { blockFromRecord } from '../provenance/record';
import { ProvenanceStore, type StoreProblem } from '../provenance/store';
import { notePathFor, PROVENANCE_DIR } from '../workspace/layout';
import { type Finding, severityAtLeast } from './findings';
import { FILE_NOT_CHECKED_RULE_ID } from './engine';
import { changedLinesSince, type LineRanges, touchesChangedLines } from '../workspace/git';
import type { LocatedFinding } from './sarif';
import { normalizeRelativePath } from '../policy/paths';
import type { FailOnSeverity } from '../policy/policy';
import { listWorkspaceFiles, readWorkspaceTextFileSync } from '../workspace/files';
import type { PolicyWorkspace } from '../workspace/policy-workspace';
import { checkRegistry, manifestPathsOf, type RegistryCheckOptions, type RegistryCheckSummary } from '../rules/dependencies/registry-check';

/**
 * Why a file was not read: binary, over the size limit, or refused or unreadable (see `detail`); or
 * why it was read by the secrets rules only: generated, minified or bundled (`detail` names the signal).
 */
export type SkipReason = 'binary' | 'too-large' | 'unreadable' | 'generated';

/** A file the check did not read, and why. */
export interface SkippedCheckFile {
  path: string;
  reason: SkipReason;
  /** The reader's own words (a refused link, a device), when it gave any. */
  detail?: string;
}

/** One line saying why a file was not checked, e.g. `logo.png: binary`. */
export function describeSkippedFile(file: SkippedCheckFile): string {
  const why =
    file.reason === 'too-large'
      ? 'larger than the size limit (--max-file-size-kb)'
      : file.reason === 'binary'
        ? 'binary'
        : file.reason === 'generated'
          ? `generated: ${file.detail ?? 'build output'}; secrets rules only (check.skipGenerated)`
          : (file.detail ?? 'unreadable');
  // The reader's reason starts with the absolute path; the workspace-relative one is enough.
  return printable(`${file.path}: ${why.replace(/^.*?: refused: /, 'refused: ')}`);
}

/** Options for checking a tree. */
export interface CheckRunOptions {
  /** Workspace-relative paths (files or folders) to limit the check to; empty = everything. */
  paths?: readonly string[];
  /** Only findings on lines changed since this git ref (the PR-gate mode). */
  changedSince?: string;
  /** Files larger than this are skipped (bytes). */
  maxFileSizeBytes?: number;
  /** Files longer than this (UTF-16 units) get text rules only. */
  maxParseLength?: number;
  /** Report baselined findings too. */
  includeBaselined?: boolean;
  /** Threads to check with (default: {@link defaultCheckThreads}); 1 = in this thread, unless `offMainThread`. */
  workers?: number;
  /** Never check in this thread, even with one check thread: a server keeps its main thread free to answer. */
  offMainThread?: boolean;
  /** Only the files of this shard (`--shard I/N`); skipped files are named by the shard they belong to. */
  shard?: Shard;
  /** Ask the registry about the declared packages of the checked package.json files (`--registry-check`). */
  registryCheck?: RegistryCheckOptions;
}

/** What a check of a tree found. */
export interface CheckRunResult {
  findings: LocatedFinding[];
  filesChecked: number;
  bytesChecked: number;
  /** Files not checked at all, each with why. */
  skipped: SkippedCheckFile[];
  suppressedCount: number;
  baselinedCount: number;
  /** Provenance records that could not be read (left untouched on disk). */
  provenanceProblems: StoreProblem[];
  /** Set when git refused to list the repository and the files were walked instead (`.gitignore` not applied): one line to announce. */
  gitFallback?: string;
  /** What the registry check asked and why it skipped names, when it ran. */
  registryCheck?: RegistryCheckSummary;
}

/** The announcement of a listing that fell back from git to a walk. */
function gitFallbackMessage(problem: string): string {
  return `git could not list the files (${problem}); every file under the root was checked instead, .gitignore not applied`;
}


/** The AI blocks recorded for each file of a workspace (lost ones left out), and unreadable records. */
export async function loadWorkspaceBlocks(root: string): Promise<{ byPath: Map<string, Block[]>; problems: StoreProblem[] }> {
  const store = new ProvenanceStore(join(root, PROVENANCE_DIR), root);
  const loaded = await store.load();
  const byPath = new Map<string, Block[]>();
  for (const record of loaded.records) {
    if (record.metadata.comprehension.lost) continue;
    const path = record.files[0].path;
    const list = byPath.get(path) ?? [];
    list.push(blockFromRecord(record));
    byPath.set(path, list);
  }
  return { byPath, problems: loaded.problems };
}

/** A note file is refused above this size: a note is a few paragraphs. */
const MAX_NOTE_BYTES = 1024 * 1024;

/** Reads a block's note from `.comprehension/notes/`, undefined when it has none. */
export function noteReader(root: string): (blockId: string) => string | undefined {
  return (blockId) => readTextFileSync(join(root, notePathFor(blockId)), { root, maxBytes: MAX_NOTE_BYTES });
}

/**
 * Checks every file of a workspace that git does not ignore (or every file, when the policy says
 * not to respect .gitignore), minus the policy's `ignore` globs, with the same engine as the editor.
 */
export async function runCheck(workspace: PolicyWorkspace, options: CheckRunOptions = {}): Promise<CheckRunResult> {
  const policy = workspace.policyState.current;
  const listing = await listWorkspaceFiles(workspace.root, {
    respectGitignore: policy.respectGitignore,
    isIgnored: (path) => workspace.isIgnored(path),
    // No size here: each file's read counts it (and skips it as too large) with no system call of its own.
  });
  const prefixes = (options.paths ?? []).map(normalizeRelativePath).filter((path) => path !== '' && path !== '.');
  const inScope = (path: string) =>
    (prefixes.length === 0 || prefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))) && (!options.shard || inShard(path, options.shard));
  const changed = options.changedSince ? await changedLinesSince(workspace.root, options.changedSince) : undefined;
  const { byPath: blocksByPath, problems: provenanceProblems } = await loadWorkspaceBlocks(workspace.root);

  const result: CheckRunResult = {
    findings: [],
    filesChecked: 0,
    bytesChecked: 0,
    skipped: listing.skipped.filter((file) => inScope(file.path)).map((file) => (file.reason === 'too-large' ? { path: file.path, reason: file.reason } : { path: file.path, reason: file.reason, detail: file.detail })),
    suppressedCount: 0,
    baselinedCount: 0,
    provenanceProblems,
    ...(listing.gitProblem !== undefined ? { gitFallback: gitFallbackMessage(listing.gitProblem) } : {}),
  };
  const wanted = listing.files.filter((path) => inScope(path) && (!changed || changed.has(path)));
  // Network next to the CPU-bound file check: the lookups wait on the registry while the files are parsed.
  const registryRun = options.registryCheck
    ? checkRegistry(workspace, manifestPathsOf(wanted), { includeBaselined: options.includeBaselined, ...options.registryCheck })
    : undefined;
  const outcomes = await checkFiles(workspace, wanted, {
    compiledFrom: compiledFilesOf(workspace, wanted, listing.files),
    maxFileSizeBytes: options.maxFileSizeBytes,
    maxParseLength: options.maxParseLength,
    includeBaselined: options.includeBaselined,
    workers: options.workers,
    offMainThread: options.offMainThread,
    blocksByPath,
  });
  for (const outcome of outcomes) {
    const { path } = outcome;
    if (outcome.kind === 'skipped') {
      result.skipped.push(outcome.detail ? { path, reason: outcome.reason, detail: outcome.detail } : { path, reason: outcome.reason });
      continue;
    }
    // Counted as checked (the secrets rules read it) and named among the skipped (the others did not).
    if (outcome.generated !== undefined) result.skipped.push({ path, reason: 'generated', detail: outcome.generated });
    result.filesChecked++;
    result.bytesChecked += outcome.bytes;
    result.suppressedCount += outcome.suppressedCount;
    result.baselinedCount += outcome.baselinedCount;
    const ranges: LineRanges | 'all' | undefined = changed?.get(path);
    const blocks = blocksByPath.get(path) ?? [];
    for (const finding of outcome.findings) {
      if (finding.severity === 'off') continue;
      if (changed) {
        // A note finding is about its whole block: it counts when any line of the block changed.
        const block = NOTE_RULE_IDS.includes(finding.ruleId) ? blocks.find((b) => b.startLine === finding.startPosition.line + 1) : undefined;
        const [from, to] = block ? [block.startLine, block.endLine] : [finding.startPosition.line + 1, finding.endPosition.line + 1];
        if (!touchesChangedLines(ranges, from, to)) continue;
      }
      result.findings.push({ path, finding });
    }
  }
  if (registryRun) {
    const registry = await registryRun;
    result.registryCheck = registry.summary;
    for (const located of registry.findings) {
      const line = located.finding.startPosition.line + 1;
      if (!changed || touchesChangedLines(changed.get(located.path), line, line)) result.findings.push(located);
    }
  }
  result.findings.sort(compareLocatedFindings);
  // Listed (unreadable folders) and read (too large, binary, generated) skips, merged in path order.
  result.skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return result;
}

/**
 * Report order: by path (code-unit order, not locale order, so every machine agrees), then line,
 * column and rule id. Reports are the same whatever worker finished first.
 */
export function compareLocatedFindings(a: LocatedFinding, b: LocatedFinding): number {
  return (
    compareStrings(a.path, b.path) ||
    a.finding.startPosition.line - b.finding.startPosition.line ||
    a.finding.startPosition.character - b.finding.startPosition.character ||
    compareStrings(a.finding.ruleId, b.finding.ruleId) ||
    a.finding.endPosition.line - b.finding.endPosition.line ||
    a.finding.endPosition.character - b.finding.endPosition.character
  );
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** When `comprehension check` fails (exit 1). */
export interface GateOptions {
  /** Fail when a finding is at this severity or above (the policy's `check.failOn`). */
  failOn: FailOnSeverity;
  /** Fail when there are more warnings than this (`--max-warnings`, ESLint's convention); undefined = no limit. */
  maxWarnings?: number;
  /** Fail when a file could not be checked (the policy's `check.failOnUncheckedFiles`; default true). */
  failOnUncheckedFiles?: boolean;
}

/** Why the gate fails, in one line each; empty when it passes. */
export function gateFailures(findings: readonly { path?: string; finding: Finding }[], options: GateOptions): string[] {
  const failures: string[] = [];
  const unchecked = new Set(findings.filter(({ finding }) => finding.ruleId === FILE_NOT_CHECKED_RULE_ID).map(({ path }) => path));
  if (unchecked.size > 0 && options.failOnUncheckedFiles !== false) {
    failures.push(`${plural(unchecked.size, 'file')} could not be fully checked (${FILE_NOT_CHECKED_RULE_ID}; check.failOnUncheckedFiles)`);
  }
  const atOrAbove = findings.filter(
    ({ finding }) => finding.ruleId !== FILE_NOT_CHECKED_RULE_ID && finding.severity !== 'off' && severityAtLeast(finding.severity, options.failOn),
  ).length;
  if (atOrAbove > 0) {
    const what = options.failOn === 'error' ? 'at error severity' : `at ${options.failOn} severity or above (check.failOn)`;
    failures.push(`${plural(atOrAbove, 'finding')} ${what}`);
  }
  const warnings = findings.filter(({ finding }) => finding.severity === 'warning').length;
  if (options.maxWarnings !== undefined && warnings > options.maxWarnings) {
    failures.push(`${plural(warnings, 'warning')}, more than --max-warnings ${options.maxWarnings}`);
  }
  return failures;
}

/** `1 file`, `2 files`; `info` and other mass nouns stay as they are. */
export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : pluralNoun}`;
}

/** What checking one file produced. */
export type FileOutcome =
  | { kind: 'checked'; path: string; bytes: number; findings: Finding[]; suppressedCount: number; baselinedCount: number; generated?: string }
  | { kind: 'skipped'; path: string; reason: SkipReason; detail?: string };

interface FileCheckOptions {
  maxFileSizeBytes?: number;
  maxParseLength?: number;
  includeBaselined?: boolean;
  /** Real paths of folders resolved so far by this thread's reads (see `BoundedReadOptions.realFolders`). */
  realFolders?: Map<string, string>;
  /** The compiled files of the listing and their sources (see `PolicyWorkspace.compiledSourceOf`); a file not in it is not compiled output. */
  compiledFrom?: ReadonlyMap<string, string>;
}

/**
 * Reads and checks one file of the workspace. Synchronous: a check thread has nothing else to do
 * while it reads. `realRoot` is the root's real path, resolved once for the whole check.
 */
export function checkOneFile(
  workspace: PolicyWorkspace,
  path: string,
  blocks: readonly Block[],
  readNote: (blockId: string) => string | undefined,
  options: FileCheckOptions,
  confinement: RootConfinement = resolvedRoot(workspace.root),
): FileOutcome {
  const file = readWorkspaceTextFileSync(join(workspace.root, path), {
    maxFileSizeBytes: options.maxFileSizeBytes,
    root: confinement.root,
    rootIsReal: confinement.rootIsReal,
    realFolders: options.realFolders,
    listedAsFile: true,
  });
  if (file.kind === 'missing') return { kind: 'skipped', path, reason: 'unreadable', detail: 'deleted while the check ran' };
  if (file.kind === 'refused') return { kind: 'skipped', path, reason: 'unreadable', detail: file.reason };
  if (file.kind !== 'text') return { kind: 'skipped', path, reason: file.kind };
  const checked = workspace.checkFile(path, file.text, {
    maxParseLength: options.maxParseLength,
    includeBaselined: options.includeBaselined,
    blocks,
    readNote,
    ...(options.compiledFrom !== undefined ? { compiledFrom: options.compiledFrom.get(path) ?? null } : {}),
  });
  return {
    kind: 'checked',
    path,
    bytes: Buffer.byteLength(file.text),
    findings: checked.findings,
    suppressedCount: checked.suppressedCount,
    baselinedCount: checked.baselinedCount,
    ...(checked.generated !== undefined ? { generated: checked.generated } : {}),
  };
}

/**
 * The files of `wanted` compiled from a source the listing has, by a source map beside them (see
 * `compiledSourceOf`): looked up once for the whole listing, with no read but the maps' own. Only
 * when the policy skips generated files.
 */
function compiledFilesOf(workspace: PolicyWorkspace, wanted: readonly string[], listed: readonly string[]): Map<string, string> {
  const compiled = new Map<string, string>();
  if (!workspace.policyState.current.check.skipGenerated) return compiled;
  const listedSet = new Set(listed);
  for (const path of wanted) {
    if (!sourceMapsBeside(path).some((map) => listedSet.has(map))) continue;
    const source = workspace.compiledSourceOf(path, listedSet);
    if (source !== undefined) compiled.set(path, source);
  }
  return compiled;
}

/** The root part of a check's reads (see {@link resolvedRoot}). */
export type RootConfinement = Pick<BoundedReadOptions, 'root' | 'rootIsReal'>;

/**
 * What a check thread's reads share: the root resolved once for the whole pass (a root that cannot
 * be resolved is left to each read, which reports its file), and the cache of real folder paths,
 * seeded with the root's when it resolved.
 */
export function checkThreadReads(root: string): { confinement: RootConfinement; realFolders: Map<string, string> } {
  const confinement = resolvedRoot(root);
  return { confinement, realFolders: seededRealFolders(root, confinement) };
}

/** A cache of real folder paths that knows the root's, when `confinement` resolved it. */
export function seededRealFolders(root: string, confinement: RootConfinement): Map<string, string> {
  return confinement.rootIsReal === true && confinement.root !== undefined ? new Map([[resolve(root), confinement.root]]) : new Map();
}

/** Below this many files per thread, starting another thread costs more than it saves. */
const MIN_FILES_PER_THREAD = 300;

/**
 * How many threads check `fileCount` files on a machine with `cores` cores: one per two cores, at
 * most 4. A V8 isolate keeps about one more core busy with its own compilation and collection, and
 * each thread compiles the bundle and warms up TypeScript's parser on its own: on 2 cores, the full
 * check of bench/check-speed.bench.ts took 3.9 s and 5.3 s of CPU in one thread against 4.6 s and
 * 7.6 s of CPU in two worker threads.
 */
export function defaultCheckThreads(fileCount: number, cores: number = availableParallelism()): number {
  return Math.max(1, Math.min(Math.floor(cores / 2), 4, Math.ceil(fileCount / MIN_FILES_PER_THREAD)));
}

/**
 * Heap limits of a check thread. A file's tree dies young, and V8's defaults (sized for a lone
 * main thread) let each thread's heap grow far past what it keeps: with these the full check of
 * bench/check-speed.bench.ts peaks near 250 MB instead of 500 MB, for about a tenth more CPU in
 * collection. The largest parsed file (1 MiB) needs under 100 MB; a thread that still runs out
 * has its share checked in this thread, without limits.
 */
const CHECK_WORKER_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 6, maxOldGenerationSizeMb: 192 };

/**
 * The script a check worker runs: the bundle this code is in (`dist/cli.js` or `dist/server.js`
 * start as a worker when their worker data says so; one bundle less in the .vsix), or
 * `check-worker.js` beside this module when it runs unbundled (tests).
 */
function checkWorkerScript(): string {
  const unbundled = join(__dirname, 'check-worker.js');
  return existsSync(unbundled) ? unbundled : __filename;
}

/** What a check worker is given (see check-worker.ts). */
export interface CheckWorkerInput {
  /** Tells the bundle the worker runs (`dist/cli.js`, `dist/server.js`) to be a check worker, not a CLI or a server. */
  checkWorker: true;
  root: string;
  trusted: boolean;
  /** The policy and baseline texts the main thread read, so every worker judges alike. */
  policyText: string | undefined;
  /** The rule globs the main thread selected (`check --rules`); empty = every rule. */
  ruleGlobs: readonly string[];
  paths: string[];
  blocksByPath: [string, Block[]][];
  options: FileCheckOptions;
}

/**
 * Checks files, in worker threads when there are many (a CPU-bound parse per file), and returns
 * the outcomes in the order of `paths`: workspace-relative paths {@link listWorkspaceFiles} listed
 * as regular files in this pass (each is opened without following a link in its last component).
 */
export async function checkFiles(
  workspace: PolicyWorkspace,
  paths: readonly string[],
  options: FileCheckOptions & { workers?: number; offMainThread?: boolean; blocksByPath?: Map<string, Block[]>; workerLimits?: ResourceLimits },
): Promise<FileOutcome[]> {
  const count = Math.max(1, Math.min(options.workers ?? defaultCheckThreads(paths.length), paths.length));
  const readNote = noteReader(workspace.root);
  const blocksByPath = options.blocksByPath ?? new Map<string, Block[]>();
  if (count === 1 && !options.offMainThread) {
    await loadGrammarsForPaths(paths);
    const { confinement, realFolders } = checkThreadReads(workspace.root);
    const threadOptions = { ...options, realFolders };
    return paths.map((path) => checkOneFile(workspace, path, blocksByPath.get(path) ?? [], readNote, threadOptions, confinement));
  }
  // Interleaved shares balance big and small files; results are put back in order by path index.
  const shares: string[][] = Array.from({ length: count }, () => []);
  paths.forEach((path, index) => shares[index % count].push(path));
  const policyText = workspace.policyText;
  const results = await Promise.all(
    shares.map(
      (share) =>
        new Promise<FileOutcome[]>((resolve, reject) => {
          const input: CheckWorkerInput = {
            checkWorker: true,
            root: workspace.root,
            trusted: workspace.isTrusted,
            policyText,
            ruleGlobs: workspace.selectedRuleGlobs,
            paths: share,
            blocksByPath: share.filter((path) => blocksByPath.has(path)).map((path) => [path, blocksByPath.get(path)!]),
            options: {
              maxFileSizeBytes: options.maxFileSizeBytes,
              maxParseLength: options.maxParseLength,
              includeBaselined: options.includeBaselined,
              ...(options.compiledFrom !== undefined ? { compiledFrom: new Map(share.filter((path) => options.compiledFrom!.has(path)).map((path) => [path, options.compiledFrom!.get(path)!])) } : {}),
            },
          };
          const worker = new Worker(checkWorkerScript(), { workerData: input, resourceLimits: options.workerLimits ?? CHECK_WORKER_LIMITS });
          worker.once('message', (outcomes: FileOutcome[]) => resolve(outcomes));
          worker.once('error', (error) => {
            if ((error as NodeJS.ErrnoException).code !== 'ERR_WORKER_OUT_OF_MEMORY') {
              reject(error);
              return;
            }
            const { confinement, realFolders } = checkThreadReads(workspace.root);
            const threadOptions = { ...options, realFolders };
            loadGrammarsForPaths(share).then(() => resolve(share.map((path) => checkOneFile(workspace, path, blocksByPath.get(path) ?? [], readNote, threadOptions, confinement))), reject);
          });
          worker.once('exit', (code) => {
            if (code !== 0) reject(new Error(`check worker exited with ${code}`));
          });
        }),
    ),
  );
  const byPath = new Map(results.flat().map((outcome) => [outcome.path, outcome]));
  return paths.map((path) => byPath.get(path) ?? { kind: 'skipped', path, reason: 'unreadable' });
}
