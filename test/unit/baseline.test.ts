import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Baseline,
  baselineEntriesFor,
  createBaseline,
  filterNew,
  indexBaseline,
  parseBaseline,
  serializeBaseline,
} from '../../src/core/check/baseline';
import { writeFileAtomic, writeFileAtomicSync } from '../../src/core/workspace/fs';
import { evaluate } from '../../src/core/check/engine';
import { defaultPolicy } from '../../src/core/policy/policy';
import { createCustomRule } from '../../src/core/rules/custom/custom-rule';

// Built from pieces so the repository itself holds nothing a secret scanner would flag.
const STRIPE_LIVE = ['sk', 'live', ''].join('_');
const SECRET = `${STRIPE_LIVE}51HqLyjWDarjtT1zdp7dcXYZ`;
const SOURCE = [
  `const stripeKey = "${SECRET}";`,
  'export function pay() {',
  `  return call("${SECRET}");`,
  '}',
  '',
].join('\n');
const secretRule = createCustomRule({ id: 'custom/stripe-key', pattern: 'sk_live_[0-9A-Za-z]+', message: 'Stripe live key in code', severity: 'error', paths: [] });

function findingsOf(text: string) {
  return evaluate('src/pay.ts', text, { policy: defaultPolicy(), rules: [secretRule] }).findings;
}

describe('baseline', () => {
  const at = new Date('2026-01-15T10:00:00.000Z');

  it('sorts entries by path, rule id and fingerprint and keeps only those fields', () => {
    const baseline = createBaseline(
      [
        { ruleId: 'security/eval', path: 'src/b.ts', fingerprint: 'ff' },
        { ruleId: 'secrets/generic', path: 'src/b.ts', fingerprint: '01' },
        { ruleId: 'security/eval', path: 'src/a.ts', fingerprint: '02' },
        { ruleId: 'security/eval', path: 'src/b.ts', fingerprint: '0a', message: 'dropped' } as never,
      ],
      at,
    );
    assert.equal(baseline.version, 1);
    assert.equal(baseline.generatedAt, '2026-01-15T10:00:00.000Z');
    assert.deepEqual(baseline.findings, [
      { ruleId: 'security/eval', path: 'src/a.ts', fingerprint: '02' },
      { ruleId: 'secrets/generic', path: 'src/b.ts', fingerprint: '01' },
      { ruleId: 'security/eval', path: 'src/b.ts', fingerprint: '0a' },
      { ruleId: 'security/eval', path: 'src/b.ts', fingerprint: 'ff' },
    ]);
  });

  it('serializes one finding per line, round-trips, and never contains the secret', () => {
    const findings = findingsOf(SOURCE);
    assert.equal(findings.length, 2);
    const baseline = createBaseline(baselineEntriesFor('src/pay.ts', findings), at);
    const text = serializeBaseline(baseline);
    assert.ok(!text.includes(SECRET), 'no secret text');
    assert.ok(!text.includes('sk_live'), 'no part of the secret either');
    const entryLines = text.split('\n').filter((line) => line.includes('"fingerprint"'));
    assert.equal(entryLines.length, 2);
    assert.ok(entryLines.every((line) => /^ {4}\{ "ruleId": "custom\/stripe-key", "path": "src\/pay\.ts", "fingerprint": "[0-9a-f]{32}" \},?$/.test(line)));
    assert.ok(text.endsWith('}\n'));
    const parsed = parseBaseline(text);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.baseline, baseline);
    assert.equal(serializeBaseline(parsed.baseline), text, 'stable output');
  });

  it('serializes an empty baseline as valid JSON', () => {
    const text = serializeBaseline(createBaseline([], at));
    assert.deepEqual(JSON.parse(text), { version: 1, generatedAt: '2026-01-15T10:00:00.000Z', findings: [] });
  });

  it('reports a corrupted or foreign file as an error result instead of throwing', () => {
    const cases: [string, RegExp][] = [
      ['{ "version": 1, "findings": [', /not valid JSON/],
      ['', /not valid JSON/],
      ['[]', /must contain a JSON object/],
      ['{ "version": 2, "findings": [] }', /version 2/],
      ['{ "version": 1 }', /"findings" must be an array/],
      ['{ "version": 1, "findings": [{ "ruleId": "a/b", "path": "x.ts" }] }', /findings\[0\] needs/],
      ['{ "version": 1, "findings": [null] }', /findings\[0\] needs/],
    ];
    for (const [text, message] of cases) {
      const result = parseBaseline(text);
      assert.equal(result.ok, false, text);
      if (!result.ok) assert.match(result.error, message, text);
    }
  });

  it('accepts a byte-order mark and unsorted, hand-edited entries', () => {
    const result = parseBaseline('\ufeff{"version":1,"generatedAt":"x","findings":[{"ruleId":"b/b","path":"b","fingerprint":"1"},{"ruleId":"a/a","path":"a","fingerprint":"2"}]}');
    assert.ok(result.ok);
    assert.deepEqual(result.baseline.findings.map((entry) => entry.path), ['a', 'b']);
  });

  it('lets only new findings through, still matching after lines move above them', () => {
    const baseline = createBaseline(baselineEntriesFor('src/pay.ts', findingsOf(SOURCE)), at);
    const moved = `// a header comment\nimport { call } from './call';\n\n${SOURCE}`;
    assert.deepEqual(filterNew(findingsOf(moved), 'src/pay.ts', baseline), []);

    const added = `${SOURCE}const backup = "${STRIPE_LIVE}99ZZnewKeyAddedLater0000";\n`;
    const fresh = filterNew(findingsOf(added), 'src/pay.ts', baseline);
    assert.equal(fresh.length, 1);
    assert.equal(fresh[0].startPosition.line, 4);

    assert.equal(filterNew(findingsOf(SOURCE), 'src/other.ts', baseline).length, 2, 'the path is part of the match');
  });

  it('counts duplicate fingerprints: two baselined, a third identical finding is new', () => {
    const line = 'eval(input);';
    const evalRule = createCustomRule({ id: 'custom/eval', pattern: 'eval\\(', message: 'eval', severity: 'error', paths: [] });
    const run = (text: string) => evaluate('a.js', text, { policy: defaultPolicy(), rules: [evalRule] }).findings;
    const two = run(`${line}\n${line}\n`);
    assert.equal(two[0].fingerprint, two[1].fingerprint, 'identical lines share a fingerprint');
    const baseline = createBaseline(baselineEntriesFor('a.js', two), at);
    assert.equal(baseline.findings.length, 2);
    assert.deepEqual(filterNew(two, 'a.js', baseline), []);
    const three = run(`${line}\n${line}\n${line}\n`);
    const fresh = filterNew(three, 'a.js', baseline);
    assert.equal(fresh.length, 1);
    assert.equal(fresh[0].startPosition.line, 2, 'the later duplicate is the new one');
    // A precomputed index gives the same answer and is cached per baseline.
    assert.equal(indexBaseline(baseline), indexBaseline(baseline));
    assert.equal(filterNew(three, 'a.js', indexBaseline(baseline)).length, 1);
  });

  describe('atomic writes', () => {
    let folder: string;
    beforeEach(() => {
      folder = mkdtempSync(join(tmpdir(), 'comprehension-baseline-'));
    });
    afterEach(() => rmSync(folder, { recursive: true, force: true }));

    it('creates the folder, replaces the file and leaves no temporary file', async () => {
      const target = join(folder, '.comprehension', 'baseline.json');
      const first: Baseline = createBaseline([{ ruleId: 'a/a', path: 'x', fingerprint: '1' }], at);
      await writeFileAtomic(target, serializeBaseline(first));
      writeFileSync(join(folder, 'unrelated.txt'), 'keep');
      await writeFileAtomic(target, serializeBaseline(createBaseline([], at)));
      const read = parseBaseline(readFileSync(target, 'utf8'));
      assert.ok(read.ok);
      assert.deepEqual(read.baseline.findings, []);
      assert.deepEqual(readdirSync(join(folder, '.comprehension')), ['baseline.json']);
      writeFileAtomicSync(target, 'sync');
      assert.equal(readFileSync(target, 'utf8'), 'sync');
      assert.deepEqual(readdirSync(join(folder, '.comprehension')), ['baseline.json']);
    });

    it('removes its temporary file and keeps the old content when the rename fails', async () => {
      const target = join(folder, 'occupied');
      // A non-empty directory at the target makes the rename fail after the temporary file is written.
      writeFileSync(join(folder, 'keep.txt'), 'x');
      mkdirSync(target);
      writeFileSync(join(target, 'inside.txt'), 'old');
      await assert.rejects(writeFileAtomic(target, 'new'));
      assert.deepEqual(readdirSync(folder).sort(), ['keep.txt', 'occupied']);
      assert.equal(readFileSync(join(target, 'inside.txt'), 'utf8'), 'old');
    });
  });
});
