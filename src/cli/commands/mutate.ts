import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SURVIVING_MUTANT_RULE, SURVIVING_MUTANT_RULE_ID } from '../../core/mutate/findings';
import type { BlockMutationResult } from '../../core/mutate/results';
import { runMutationTesting } from '../../core/mutate/run';
import { toSarif } from '../../core/check/sarif';
import { plural } from '../../core/check/check-run';
import { printable } from '../../core/workspace/paths';
import { parseArgs, UsageError } from '../args';
import { type CliIo, EXIT, SUBCOMMANDS } from '../cli';
import { writeOutputFile } from '../output';
import { findWorkspaceRoot } from '../workspace-root';
import { findingJson, formatText, openWorkspace } from './check';

const USAGE = `Usage: comprehension mutate [paths...] [options]

Mutation-tests exactly the lines of the workspace's AI blocks with StrykerJS: it changes them (a
comparison, a condition, a constant) and runs the tests; a change no test notices is a finding,
comprehension/surviving-mutant, on its AI line ("tests still pass when \`attempt <= 3\` becomes
\`attempt < 3\`"). Stryker runs with the repository's own Stryker configuration when there is one,
otherwise with a default for the test runner package.json names (mocha, jest, vitest or
node --test). Results are cached per block in the local cache of the .comprehension folder, for
the editor.
Running the tests runs the repository's code: use it on code you trust.

Options:
  --changed-since GIT_REF    only AI blocks with lines changed since GIT_REF
  --block ID                 only the AI block with this id
  --format text|json|sarif   output format (default text)
  --output FILE              write the report to FILE instead of standard output
  --concurrency N            Stryker's test processes (default: the repository's Stryker
                             configuration, else one per core, up to 4)
  --root DIR                 workspace root (default: nearest folder with .comprehension/ or .git)

Stryker (@stryker-mutator/core and the runner plugin) is used from the repository's node_modules,
else from beside the CLI; when neither has it the command says what to install.
Progress goes to standard error; Ctrl-C stops Stryker and its test processes.

Exit codes: 0 no surviving mutant; 1 surviving mutants; 2 usage error, no test runner, Stryker
missing or failing (its initial test run must pass), or cancelled.`;

function describeBlock(result: BlockMutationResult, endLine: number): string {
  const { killed, timeout, survived, noCoverage, errors } = result.counts;
  const score = result.score === null ? 'no mutants' : `mutation score ${result.score}%`;
  const parts = [`${killed + timeout} killed`, `${survived} survived`, `${noCoverage} not covered`, ...(errors > 0 ? [`${errors} not run (errors, ignored)`] : [])];
  return `${printable(result.path)}:${result.startLine}-${endLine} (block ${result.blockId}): ${score} (${parts.join(', ')})`;
}

async function mutate(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, { valued: ['changed-since', 'block', 'format', 'output', 'concurrency', 'root'], flags: [] });
  const format = (parsed.options.get('format') as string | undefined) ?? 'text';
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`--format must be text, json or sarif, not '${format}'`);
  const concurrencyText = parsed.options.get('concurrency') as string | undefined;
  const concurrency = concurrencyText === undefined ? undefined : Number(concurrencyText);
  if (concurrency !== undefined && !(/^\d+$/.test(concurrencyText!.trim()) && concurrency >= 1 && concurrency <= 64)) {
    throw new UsageError(`--concurrency needs a whole number from 1 to 64, not '${concurrencyText}'`);
  }
  const root = findWorkspaceRoot(io.cwd, parsed.options.get('root') as string | undefined);
  const paths = parsed.positionals.map((path) => {
    const absolute = resolve(io.cwd, path);
    if (absolute !== root && !absolute.startsWith(`${root}/`)) throw new UsageError(`${path} is outside the workspace ${root}`);
    return absolute === root ? '' : absolute.slice(root.length + 1);
  });
  // The policy may turn the rule up (error, to fail a gate on warnings' terms) or off.
  const workspace = openWorkspace(io, root, false);
  if (!workspace) return EXIT.usage;
  const severity = workspace.policyState.current.rules[SURVIVING_MUTANT_RULE_ID]?.severity;

  const controller = new AbortController();
  const onInterrupt = () => {
    io.stderr.write('comprehension mutate: stopping Stryker…\n');
    controller.abort();
  };
  process.once('SIGINT', onInterrupt);
  process.once('SIGTERM', onInterrupt);
  let outcome;
  try {
    outcome = await runMutationTesting(root, {
      ownFolder: __dirname,
      changedSince: parsed.options.get('changed-since') as string | undefined,
      blockId: parsed.options.get('block') as string | undefined,
      paths,
      concurrency,
      severity,
      signal: controller.signal,
      onProgress: (line) => io.stderr.write(`  stryker: ${printable(line)}\n`),
    });
  } catch (error) {
    // A bad --changed-since ref and the like.
    throw new UsageError((error as Error).message);
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    process.removeListener('SIGTERM', onInterrupt);
  }
  if (outcome.kind === 'cancelled') {
    io.stderr.write('comprehension mutate: cancelled; nothing cached.\n');
    return EXIT.usage;
  }
  for (const problem of outcome.problems) io.stderr.write(`comprehension: warning: provenance record left untouched: ${printable(`${problem.file}: ${problem.message}`)}\n`);
  for (const skip of outcome.skipped) io.stderr.write(`  skipped block ${skip.blockId} in ${printable(skip.path)}: ${printable(skip.reason)}\n`);
  if (outcome.kind === 'setup-error') {
    io.stderr.write(`comprehension mutate: ${outcome.message}\n`);
    if (outcome.install) io.stderr.write(`Install it with:\n  ${outcome.install}\n`);
    return EXIT.usage;
  }
  const blockId = parsed.options.get('block') as string | undefined;
  if (blockId !== undefined && outcome.targets.length === 0 && outcome.skipped.length === 0) {
    // A typo must not read as "nothing survived".
    io.stderr.write(`comprehension mutate: no AI block with id ${printable(blockId)} (lost blocks are not tested)\n`);
    return EXIT.usage;
  }
  const { results, findings } = outcome;
  const endLines = new Map(outcome.targets.map((target) => [target.blockId, target.endLine]));
  const survivors = results.reduce((sum, result) => sum + result.counts.survived + result.counts.noCoverage, 0);
  const summary = {
    blocks: results.length,
    mutants: results.reduce((sum, result) => sum + result.counts.killed + result.counts.timeout + result.counts.survived + result.counts.noCoverage + result.counts.errors, 0),
    surviving: survivors,
    findings: findings.length,
    skippedBlocks: outcome.skipped.length,
    elapsedMs: outcome.elapsedMs,
    ...(outcome.stryker ? { stryker: outcome.stryker.version } : {}),
  };
  let report: string;
  if (format === 'sarif') report = `${JSON.stringify(toSarif(findings, [SURVIVING_MUTANT_RULE], pathToFileURL(root).href), null, 2)}\n`;
  else if (format === 'json') {
    const items = findings.map((located) => ({ ...findingJson(located), blockId: located.finding.blockId }));
    const blocks = results.map((result) => ({ ...result, endLine: endLines.get(result.blockId) }));
    report = `${JSON.stringify({ summary, blocks, findings: items, skippedBlocks: outcome.skipped }, null, 2)}\n`;
  } else report = formatText(findings);
  const output = parsed.options.get('output') as string | undefined;
  if (output) writeOutputFile(io.cwd, output, report);
  else io.stdout.write(report);
  const summaryStream = format === 'text' && !output ? io.stdout : io.stderr;
  if (results.length === 0) summaryStream.write(`No AI blocks to mutation-test${parsed.options.has('changed-since') ? ' changed since the ref' : ''}.\n`);
  for (const result of results) summaryStream.write(`${describeBlock(result, endLines.get(result.blockId) ?? result.startLine)}\n`);
  if (results.length > 0) summaryStream.write(`${plural(survivors, 'surviving mutant')} in ${plural(results.length, 'AI block')} (${summary.mutants} mutants, ${(outcome.elapsedMs / 1000).toFixed(1)} s).\n`);
  return findings.length > 0 ? EXIT.findings : EXIT.ok;
}

SUBCOMMANDS.mutate = { summary: 'mutation-test the lines of AI blocks with StrykerJS (text, JSON or SARIF)', usage: USAGE, run: mutate };
