import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = join(__dirname, '../..');

/**
 * The shared secrets benchmark (the peers' own labelled test data: gitleaks' rule tests, secretlint's
 * snapshots, detect-secrets' cases), scanned by our CLI and, in the same run, by gitleaks and
 * secretlint. It lives outside the project (`../shared/benchmarks/secrets/`, or the folder named by
 * COMPREHENSION_SECRETS_BENCHMARK) and its data is never copied in; without it this benchmark skips.
 */
export async function run(): Promise<Record<string, unknown>> {
  const folder = resolve(process.env.COMPREHENSION_SECRETS_BENCHMARK ?? join(ROOT, '../shared/benchmarks/secrets'));
  const script = join(folder, 'run.sh');
  if (!existsSync(script)) {
    console.log(`[bench] secrets-benchmark: skipped, no shared benchmark at ${folder}`);
    return { skipped: true, reason: `no shared benchmark at ${folder}` };
  }
  // `npm run bench` has just built dist/ (the same code as the production bundle, unminified).
  // Outside the repository: inside it, the corpus would be a git-ignored folder with no files to check.
  const work = join(tmpdir(), 'comprehension-secrets-benchmark');
  const result = spawnSync('bash', [script, join(ROOT, 'dist/cli.js'), work], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const summaryPath = join(work, 'summary.txt');
  if (!existsSync(summaryPath)) throw new Error(`benchmark produced no summary (exit ${result.status}): ${result.stderr.slice(-2000)}`);
  const summary = readFileSync(summaryPath, 'utf8');
  const timings: Record<string, string> = {};
  for (const line of result.stdout.split('\n')) {
    const timing = /^(ours|secretlint|gitleaks): ([\d.]+s wall, \d+ MB max RSS)$/.exec(line);
    if (timing) timings[timing[1]] = timing[2];
  }
  return { summary: summary.split('\n', 1)[0], ...parseReport(summary), timings };
}

interface Score {
  recall: number | null;
  found: number;
  positives: number;
  falsePositives: number;
  precision: number | null;
}

type Table = Record<string, Record<string, Score>>;

/** Reads the scorer's markdown tables: per row, per tool, recall (found/positives) and false positives (precision). */
function parseTables(report: string): Map<string, Table> {
  const tables = new Map<string, Table>();
  let title = '';
  let tools: string[] = [];
  for (const line of report.split('\n')) {
    if (line.startsWith('## ')) {
      title = line.slice(3).trim();
      tools = [];
      continue;
    }
    if (!line.startsWith('|') || line.startsWith('|---')) continue;
    const cells = line.split('|').slice(1, -1).map((cell) => cell.trim());
    if (cells[0] === 'group') {
      tools = cells.slice(3).filter((_, index) => index % 2 === 0).map((cell) => cell.replace(/ recall$/, ''));
      continue;
    }
    const table = tables.get(title) ?? {};
    const row: Record<string, Score> = {};
    tools.forEach((tool, index) => {
      const recall = /^\s*(\S+)\s* \((\d+)\/(\d+)\)$/.exec(cells[3 + index * 2]);
      const fp = /^(\d+) \(\s*(\S+)\s*\)$/.exec(cells[4 + index * 2]);
      if (!recall || !fp) return;
      const number = (text: string): number | null => (/^[\d.]+$/.test(text) ? Number(text) : null);
      row[tool] = { recall: number(recall[1]), found: Number(recall[2]), positives: Number(recall[3]), falsePositives: Number(fp[1]), precision: number(fp[2]) };
    });
    table[cells[0]] = row;
    tables.set(title, table);
  }
  return tables;
}

function parseReport(summary: string): Record<string, unknown> {
  const tables = parseTables(summary);
  const find = (prefix: string): Table => [...tables].find(([title]) => title.startsWith(prefix))?.[1] ?? {};
  const overall = find('Overall');
  const byPeer = find('By peer');
  const byFamily = find('By family');
  const adjudicated = Object.entries(overall).find(([group]) => group.includes('contested'))?.[1] ?? {};
  const raw = overall['all, raw peer labels'] ?? {};
  const neverFound = /Vendors with positives that we never find \(\d+\): (.*)/.exec(summary)?.[1]?.split(', ').filter(Boolean) ?? [];
  return { adjudicated, raw, byPeer, byFamily, vendorsNeverFound: neverFound };
}
