import { join } from 'node:path';
import { baselineEntriesFor, createBaseline, serializeBaseline } from '../../core/check/baseline';
import { BASELINE_PATH } from '../../core/workspace/layout';
import { runCheck } from '../../core/check/check-run';
import { FILE_NOT_CHECKED_RULE_ID } from '../../core/check/engine';
import { writeFileAtomic } from '../../core/workspace/fs';
import { parseArgs } from '../args';
import { type CliIo, EXIT, SUBCOMMANDS } from '../cli';
import { findWorkspaceRoot } from '../workspace-root';
import { openWorkspace } from './check';

const USAGE = `Usage: comprehension baseline [--root DIR] [--no-custom-rules]

Records every current finding in .comprehension/baseline.json (fingerprints only, never secret
text), so that later checks report only new findings. Commit the file; run again to refresh it.
Files that could not be checked (comprehension/file-not-checked) are never recorded.

  --no-custom-rules   do not run the policy's custom rules (for untrusted checkouts)`;

async function baseline(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, { valued: ['root'], flags: ['no-custom-rules'] });
  const root = findWorkspaceRoot(io.cwd, parsed.options.get('root') as string | undefined);
  const workspace = openWorkspace(io, root, !parsed.options.has('no-custom-rules'));
  if (!workspace) return EXIT.usage;
  const result = await runCheck(workspace, { includeBaselined: true });
  const byPath = new Map<string, { ruleId: string; fingerprint: string }[]>();
  for (const { path, finding } of result.findings) {
    if (finding.ruleId === FILE_NOT_CHECKED_RULE_ID) continue;
    const list = byPath.get(path) ?? [];
    list.push(finding);
    byPath.set(path, list);
  }
  const entries = [...byPath].flatMap(([path, findings]) => baselineEntriesFor(path, findings));
  await writeFileAtomic(join(root, BASELINE_PATH), serializeBaseline(createBaseline(entries)), { root });
  io.stdout.write(`Recorded ${entries.length} finding${entries.length === 1 ? '' : 's'} in ${BASELINE_PATH} (${result.filesChecked} files checked).\n`);
  return EXIT.ok;
}

SUBCOMMANDS.baseline = { summary: 'record current findings so only new ones are reported', usage: USAGE, run: baseline };
