import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeSkippedFile, gateFailures, plural, runCheck } from '../../core/check/check-run';
import { toSarif, type LocatedFinding } from '../../core/check/sarif';
import { parseShard } from '../../core/check/shard';
import { BUILTIN_RULES } from '../../core/rules';
import { POLICY_PATH } from '../../core/workspace/layout';
import { printable } from '../../core/workspace/paths';
import { PolicyWorkspace } from '../../core/workspace/policy-workspace';
import { parseArgs, UsageError } from '../args';
import { type CliIo, EXIT, SUBCOMMANDS } from '../cli';
import { writeOutputFile } from '../output';
import { findWorkspaceRoot } from '../workspace-root';

const USAGE = `Usage: comprehension check [paths...] [options]

Checks the workspace (files git does not ignore, minus the policy's ignore globs) with the policy in
.comprehension/policy.yaml, the same engine the editor uses. Findings are listed by file, line and
column. At policy level 1 an AI block without a passing comprehension note is an error (at level 2,
in critical paths); the editor shows it as information for notes.editorGraceHours first, CI never.

Options:
  --format text|json|sarif   output format (default text)
  --output FILE              write the report to FILE instead of standard output
  --changed-since GIT_REF    only findings on lines changed since GIT_REF (pull-request gate)
  --max-warnings N           also fail when there are more than N warnings (0: fail on any warning)
  --root DIR                 workspace root (default: nearest folder with .comprehension/ or .git)
  --include-baselined        also report findings recorded in .comprehension/baseline.json
  --no-custom-rules          do not run the policy's custom rules (for untrusted checkouts)
  --max-file-size-kb N       skip larger files (default 1024)
  --rules GLOB[,GLOB...]     run and report only the rules whose id matches (e.g. 'secrets/*' for a
                             secrets-only scan, 'security/*,reliability/*'); the default is every rule
  --shard I/N                check only the I-th of N stable parts of the tree (by path), for a CI
                             matrix; join the parts' SARIF with 'comprehension sarif merge'
  --registry-check           ask the npm registry whether each declared package exists, its age and
                             weekly downloads (also policy dependencies.registryCheck; answers cached
                             for a day in the user cache folder; offline: skipped with a warning)
  --registry URL             the registry to ask (default: npm_config_registry, .npmrc registry=,
                             else https://registry.npmjs.org/)

Exit codes: 0 passed; 1 some finding at or above the failing severity (check.failOn in the policy,
default error) or more warnings than --max-warnings; 2 usage or policy error, or a path that does
not exist.`;

/** Loads the workspace's policy and baseline; a broken policy is a usage error (exit 2) with its positions. */
export function openWorkspace(io: CliIo, root: string, trusted: boolean): PolicyWorkspace | undefined {
  const workspace = new PolicyWorkspace(root, trusted);
  const problems = workspace.loadPolicyFromDisk();
  for (const problem of problems) {
    io.stderr.write(`${POLICY_PATH}:${problem.line + 1}:${problem.character + 1}: ${problem.severity}: ${problem.message}\n`);
  }
  if (problems.some((problem) => problem.severity === 'error')) {
    io.stderr.write(`comprehension: ${POLICY_PATH} has errors; fix them and run again.\n`);
    return undefined;
  }
  workspace.loadBaselineFromDisk();
  if (workspace.baselineProblem) io.stderr.write(`comprehension: warning: baseline ignored: ${workspace.baselineProblem}\n`);
  return workspace;
}

/** Findings as text, one a line: `path:line:column: severity rule: message` (also `comprehension mutate`'s). */
export function formatText(findings: readonly LocatedFinding[]): string {
  return findings
    // Paths and messages (which may quote a path) come from the repository: one finding, one line.
    .map(({ path, finding }) => `${printable(path)}:${finding.startPosition.line + 1}:${finding.startPosition.character + 1}: ${finding.severity} ${finding.ruleId}: ${printable(finding.message)}\n`)
    .join('');
}

/** A finding as the JSON reports list it (1-based lines and columns), also `comprehension mutate`'s. */
export function findingJson({ path, finding }: LocatedFinding): object {
  return {
    path,
    ruleId: finding.ruleId,
    severity: finding.severity,
    message: finding.message,
    startLine: finding.startPosition.line + 1,
    startColumn: finding.startPosition.character + 1,
    endLine: finding.endPosition.line + 1,
    endColumn: finding.endPosition.character + 1,
    severityReasons: finding.severityReasons,
    fingerprint: finding.fingerprint,
  };
}

function formatJson(findings: readonly LocatedFinding[], summary: object): string {
  const items = findings.map(findingJson);
  return `${JSON.stringify({ summary, findings: items }, null, 2)}\n`;
}

async function check(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, {
    valued: ['format', 'output', 'changed-since', 'root', 'max-file-size-kb', 'max-warnings', 'shard', 'registry', 'rules'],
    flags: ['include-baselined', 'no-custom-rules', 'registry-check'],
  });
  const format = (parsed.options.get('format') as string | undefined) ?? 'text';
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`--format must be text, json or sarif, not '${format}'`);
  const maxKb = Number(parsed.options.get('max-file-size-kb') ?? 1024);
  if (!Number.isFinite(maxKb) || maxKb <= 0) throw new UsageError('--max-file-size-kb needs a positive number');
  const maxWarningsText = parsed.options.get('max-warnings') as string | undefined;
  const maxWarnings = maxWarningsText === undefined ? undefined : Number(maxWarningsText);
  if (maxWarnings !== undefined && !(/^\d+$/.test(maxWarningsText!.trim()) && Number.isSafeInteger(maxWarnings))) {
    throw new UsageError(`--max-warnings needs a whole number of 0 or more, not '${maxWarningsText}'`);
  }
  const shardText = parsed.options.get('shard') as string | undefined;
  const shard = shardText === undefined ? undefined : parseShard(shardText);
  if (typeof shard === 'string') throw new UsageError(shard);
  const root = findWorkspaceRoot(io.cwd, parsed.options.get('root') as string | undefined);
  const workspace = openWorkspace(io, root, !parsed.options.has('no-custom-rules'));
  if (!workspace) return EXIT.usage;
  const rulesText = parsed.options.get('rules') as string | undefined;
  if (rulesText !== undefined) {
    const globs = rulesText.split(',').map((glob) => glob.trim()).filter((glob) => glob !== '');
    if (globs.length === 0) throw new UsageError(`--rules needs at least one rule id or glob, such as 'secrets/*'`);
    // A typo must not turn the gate into "no rule ran, passed".
    const unmatched = workspace.selectRules(globs);
    if (unmatched.length > 0) throw new UsageError(`--rules: ${unmatched.map((glob) => `'${glob}'`).join(', ')} matches no rule (built-in: ${BUILTIN_RULES.map((rule) => rule.id).join(', ')})`);
  }

  // Paths are given relative to where the command runs; the engine works relative to the root.
  const paths = parsed.positionals.map((path) => {
    const absolute = resolve(io.cwd, path);
    if (absolute !== root && !absolute.startsWith(`${root}/`)) throw new UsageError(`${path} is outside the workspace ${root}`);
    // A typo in CI must not turn the gate into "0 files checked, passed".
    if (!existsSync(absolute)) throw new UsageError(`no such file or folder: ${path}`);
    return absolute.slice(root.length + 1);
  });
  const registry = parsed.options.get('registry') as string | undefined;
  const registryCheck = parsed.options.has('registry-check') || workspace.policyState.current.dependencies.registryCheck;
  if (registry !== undefined && !registryCheck) throw new UsageError('--registry needs --registry-check (or policy dependencies.registryCheck: true)');
  let result;
  try {
    result = await runCheck(workspace, {
      ...(registryCheck ? { registryCheck: registry !== undefined ? { registry } : {} } : {}),
      paths,
      changedSince: parsed.options.get('changed-since') as string | undefined,
      maxFileSizeBytes: maxKb * 1024,
      maxParseLength: maxKb * 1024,
      includeBaselined: parsed.options.has('include-baselined'),
      ...(shard ? { shard } : {}),
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  for (const problem of result.provenanceProblems) {
    io.stderr.write(`comprehension: warning: provenance record left untouched: ${printable(`${problem.file}: ${problem.message}`)}\n`);
  }
  if (result.gitFallback) io.stderr.write(`comprehension: warning: ${printable(result.gitFallback)}\n`);
  // A skipped registry check is said once, in every format: it must not read as a pass.
  const registrySkipped = [
    result.registryCheck?.reason !== undefined ? `registry check skipped: ${result.registryCheck.reason}` : undefined,
    result.registryCheck?.downloadsSkipped !== undefined ? `registry check without download counts: ${result.registryCheck.downloadsSkipped}` : undefined,
  ].filter((line): line is string => line !== undefined);
  for (const line of registrySkipped) io.stderr.write(`comprehension: warning: ${printable(line)}\n`);
  const counts = { error: 0, warning: 0, info: 0 };
  for (const { finding } of result.findings) if (finding.severity !== 'off') counts[finding.severity]++;
  const summary = {
    filesChecked: result.filesChecked,
    findings: result.findings.length,
    ...counts,
    suppressed: result.suppressedCount,
    baselined: result.baselinedCount,
    skipped: result.skipped.length,
    ...(result.gitFallback ? { gitFallback: result.gitFallback } : {}),
    ...(result.registryCheck ? { registryCheck: result.registryCheck } : {}),
  };
  let report: string;
  if (format === 'sarif') report = `${JSON.stringify(toSarif(result.findings, workspace.rules, pathToFileURL(root).href, result.skipped, [...(result.gitFallback ? [result.gitFallback] : []), ...registrySkipped]), null, 2)}\n`;
  else if (format === 'json') report = formatJson(result.findings, { ...summary, skippedFiles: result.skipped.map(describeSkippedFile) });
  else report = formatText(result.findings);

  const output = parsed.options.get('output') as string | undefined;
  if (output) writeOutputFile(io.cwd, output, report);
  else io.stdout.write(report);
  const line =
    `${plural(summary.findings, 'finding')} (${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${counts.info} info) ` +
    `in ${plural(summary.filesChecked, 'file')}; ${summary.suppressed} suppressed, ${summary.baselined} baselined, ${summary.skipped} skipped.\n`;
  // The summary goes to stderr when stdout carries a machine-readable report.
  const summaryStream = format === 'text' && !output ? io.stdout : io.stderr;
  // Named, not only counted: a file nobody read must not pass unnoticed. One write: the speed tree
  // of bench/check-speed.bench.ts names 4,058 generated files, a write each cost some 40 ms.
  summaryStream.write(line + result.skipped.map((file) => `  skipped ${describeSkippedFile(file)}\n`).join(''));
  const failures = gateFailures(result.findings, { ...workspace.policyState.current.check, maxWarnings });
  if (failures.length > 0) io.stderr.write(`comprehension check: failed: ${failures.join('; ')}.\n`);
  return failures.length > 0 ? EXIT.findings : EXIT.ok;
}

SUBCOMMANDS.check = { summary: 'check the workspace against the policy (text, JSON or SARIF)', usage: USAGE, run: check };
