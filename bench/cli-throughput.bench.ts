import { readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkFiles, defaultCheckThreads } from '../src/core/check/check-run';
import { PolicyWorkspace } from '../src/core/workspace/policy-workspace';
import { isProbablyBinary } from '../src/core/workspace/files';
import { listFilesUnder, round } from './support';

const ROOT = join(__dirname, '../..');
const MAX_FILE_BYTES = 1024 * 1024;
const TEXT_EXTENSIONS = /\.(js|cjs|mjs|ts|mts|cts|json|md|yml|yaml|txt|map|d\.ts)$/;

/** Text files of the project's node_modules, in a stable order (a large real tree). */
function listFiles(): string[] {
  return listFilesUnder(join(ROOT, 'node_modules'), (_path, name, size) => size <= MAX_FILE_BYTES && TEXT_EXTENSIONS.test(name) && !name.endsWith('.map'));
}

/**
 * `comprehension check`'s engine with ALL rules over the project's node_modules, side by side with
 * secretlint and its recommended preset (secrets only) on the same files, in the same run.
 */
export async function run(): Promise<Record<string, unknown>> {
  const files = listFiles().filter((file) => !isProbablyBinary(readFileSync(file).subarray(0, 8192)));
  const bytes = files.reduce((sum, file) => sum + statSync(file).size, 0);

  // Exactly what `comprehension check` runs per file, with its default worker threads (one per core).
  const workspace = new PolicyWorkspace(ROOT, true);
  const ourStart = performance.now();
  const outcomes = await checkFiles(workspace, files.map((file) => relative(ROOT, file)), { maxFileSizeBytes: MAX_FILE_BYTES, maxParseLength: MAX_FILE_BYTES });
  const ourSeconds = (performance.now() - ourStart) / 1000;
  const findings = outcomes.reduce((sum, outcome) => sum + (outcome.kind === 'checked' ? outcome.findings.length : 0), 0);
  const singleStart = performance.now();
  await checkFiles(workspace, files.map((file) => relative(ROOT, file)), { maxFileSizeBytes: MAX_FILE_BYTES, maxParseLength: MAX_FILE_BYTES, workers: 1 });
  const singleSeconds = (performance.now() - singleStart) / 1000;

  const mb = bytes / 1048576;
  const ours = {
    tree: 'node_modules of this project (text files up to 1 MiB)',
    files: files.length,
    megabytes: round(mb, 1),
    comprehensionOneThread: { seconds: round(singleSeconds), mbPerSecond: round(mb / singleSeconds) },
    comprehension: { rules: workspace.rules.length, threads: defaultCheckThreads(files.length), seconds: round(ourSeconds), filesPerSecond: round(files.length / ourSeconds, 0), mbPerSecond: round(mb / ourSeconds), findings },
  };
  // secretlint 11 takes most of an hour on this tree (3,129 s on 2026-12-06): check-speed's smaller tree compares it too.
  if (process.env.CF_BENCH_SKIP_SECRETLINT) return { ...ours, skipped: { secretlint: 'CF_BENCH_SKIP_SECRETLINT is set' } };

  // secretlint's own engine (what its CLI runs), recommended preset, same file list.
  const { createEngine } = require('@secretlint/node') as typeof import('@secretlint/node');
  const engine = await createEngine({
    cwd: ROOT,
    formatter: 'json',
    color: false,
    configFileJSON: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] },
  });
  const secretlintStart = performance.now();
  const result = await engine.executeOnFiles({ filePathList: files });
  const secretlintSeconds = (performance.now() - secretlintStart) / 1000;
  let secretlintFindings = 0;
  try {
    for (const entry of JSON.parse(result.output) as Array<{ messages: unknown[] }>) secretlintFindings += entry.messages.length;
  } catch {
    secretlintFindings = -1;
  }
  return {
    ...ours,
    secretlint: { preset: 'recommend', seconds: round(secretlintSeconds), filesPerSecond: round(files.length / secretlintSeconds, 0), mbPerSecond: round(mb / secretlintSeconds), findings: secretlintFindings },
    speedupOverSecretlint: round(secretlintSeconds / ourSeconds),
    goal: 'faster than secretlint while running all rules',
    goalMet: ourSeconds < secretlintSeconds,
  };
}
