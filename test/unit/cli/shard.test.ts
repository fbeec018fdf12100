import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { inShard, parseShard } from '../../../src/core/check/shard';
import { cli, tempRepo, write } from './run-cli';

/** A finding as the gate sees it, independent of which run found it. */
type Key = string;

function jsonKeys(stdout: string): { keys: Key[]; skipped: string[] } {
  const report = JSON.parse(stdout) as { findings: { path: string; ruleId: string; startLine: number; startColumn: number }[]; summary: { skippedFiles: string[] } };
  return {
    keys: report.findings.map((finding) => `${finding.path}:${finding.startLine}:${finding.startColumn}:${finding.ruleId}`).sort(),
    skipped: [...report.summary.skippedFiles].sort(),
  };
}

function sarifKeys(stdout: string): Key[] {
  const log = JSON.parse(stdout) as {
    runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; ruleIndex: number; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[] }[] }[];
  };
  assert.equal(log.runs.length, 1);
  const [run] = log.runs;
  return run.results
    .map((result) => {
      assert.equal(run.tool.driver.rules[result.ruleIndex]?.id, result.ruleId, 'each ruleIndex points at its rule in the merged list');
      const { artifactLocation, region } = result.locations[0].physicalLocation;
      return `${decodeURIComponent(artifactLocation.uri)}:${region.startLine}:${region.startColumn}:${result.ruleId}`;
    })
    .sort();
}

describe('CLI check --shard and sarif merge', () => {
  let root: string;

  before(() => {
    root = tempRepo('cf-shard-');
    write(root, 'package.json', JSON.stringify({ name: 'shard-fixture', dependencies: {} }));
    for (let index = 0; index < 24; index++) {
      const body =
        index % 3 === 0
          ? `export const run${index} = (code: string) => eval(code);\n`
          : index % 3 === 1
            ? `export async function get${index}(url: string) {\n  try {\n    return await fetch(url);\n  } catch {}\n}\n`
            : `export const plain${index} = ${index};\n`;
      write(root, `src/part-${index}.ts`, body);
    }
    write(root, 'media/blob.bin', Buffer.from(Array.from({ length: 256 }, (_, byte) => byte)));
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  it('reads I/N and refuses anything else', () => {
    assert.deepEqual(parseShard('2/4'), { index: 2, count: 4 });
    assert.match(String(parseShard('0/4')), /I must be between 1 and 4/);
    assert.match(String(parseShard('5/4')), /I must be between 1 and 4/);
    assert.match(String(parseShard('two')), /takes I\/N/);
  });

  it('puts every path in exactly one shard, the same on every run', () => {
    const paths = Array.from({ length: 500 }, (_, index) => `src/deep/file-${index}.ts`);
    for (const path of paths) {
      const owners = [1, 2, 3, 4].filter((index) => inShard(path, { index, count: 4 }));
      assert.equal(owners.length, 1, path);
    }
    const sizes = [1, 2, 3, 4].map((index) => paths.filter((path) => inShard(path, { index, count: 4 })).length);
    assert.ok(sizes.every((size) => size > 80), `a fair split: ${sizes.join(', ')}`);
  });

  it('the union of three shards is the unsharded check: the same findings and skipped files, each once', async () => {
    const whole = await cli(root, ['check', '--format', 'json']);
    const all = jsonKeys(whole.stdout);
    assert.ok(all.keys.length >= 16, `the fixture has findings (${all.keys.length})`);
    const parts = await Promise.all([1, 2, 3].map((index) => cli(root, ['check', '--format', 'json', '--shard', `${index}/3`])));
    const union = parts.flatMap((part) => jsonKeys(part.stdout).keys).sort();
    assert.deepEqual(union, all.keys);
    assert.deepEqual(parts.flatMap((part) => jsonKeys(part.stdout).skipped).sort(), all.skipped);
    assert.ok(parts.every((part) => jsonKeys(part.stdout).keys.length < all.keys.length), 'no shard checks everything');
    // Each shard gates its own part: the exit code of the whole is failed if any shard failed.
    assert.equal(whole.code, 1);
    assert.ok(parts.some((part) => part.code === 1));
  });

  it('sarif merge joins the shards\' logs into the unsharded log\'s results, with rule indexes into one rule list', async () => {
    const whole = await cli(root, ['check', '--format', 'sarif']);
    const parts = await Promise.all([1, 2, 3].map((index) => cli(root, ['check', '--format', 'sarif', '--shard', `${index}/3`, '--output', `shard-${index}.sarif`])));
    assert.ok(parts.every((part) => part.code === 0 || part.code === 1));
    const merged = await cli(root, ['sarif', 'merge', 'shard-1.sarif', 'shard-2.sarif', 'shard-3.sarif']);
    assert.equal(merged.code, 0, merged.stderr);
    assert.deepEqual(sarifKeys(merged.stdout), sarifKeys(whole.stdout));
  });

  it('sarif merge names an input that is not a SARIF log, and check refuses a bad --shard', async () => {
    write(root, 'not-sarif.json', JSON.stringify({ findings: [] }));
    // A log of its own, so this test does not lean on the one before it.
    await cli(root, ['check', '--format', 'sarif', '--output', 'valid.sarif']);
    const bad = await cli(root, ['sarif', 'merge', 'valid.sarif', 'not-sarif.json']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /not-sarif\.json: not a SARIF 2\.1\.0 log with one run/);
    const shard = await cli(root, ['check', '--shard', '4/3']);
    assert.equal(shard.code, 2);
    assert.match(shard.stderr, /I must be between 1 and 3/);
  });
});
