import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCli } from '../../../src/cli/cli';
import '../../../src/cli/commands';
import { notePathFor } from '../../../src/core/workspace/layout';
import { defaultPolicy } from '../../../src/core/policy/policy';
import type { Block } from '../../../src/core/provenance/block';
import { createRecord, serializeRecord } from '../../../src/core/provenance/record';
import { noteWithAnswers } from './ai-block-fixture';

async function check(cwd: string, ...args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runCli(['check', '--format', 'json', ...args], { cwd, stdout: { write: (t: string) => (out += t) }, stderr: { write: () => undefined } });
  return { code, out };
}

const CODE = [
  "import axios from 'axios';",
  '',
  'export async function chargeCard(customerId: string, amountCents: number): Promise<boolean> {',
  "  const response = await axios.post('https://pay.example.com/charge', { customerId, amountCents }, { timeout: 5000 });",
  '  return response.status === 200;',
  '}',
  '',
].join('\n');

describe('CLI check gates comprehension notes', () => {
  let root: string;
  const block: Block = { id: 'blk-charge-card', startLine: 3, endLine: 6, source: 'inline-completion', confidence: 'certain', createdAt: new Date().toISOString(), modified: false };

  function write(path: string, text: string): void {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'cf-notes-'));
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: root });
    write('package.json', JSON.stringify({ name: 'shop', dependencies: { axios: '^1.7.0' } }));
    // Sign-off (also asked in critical paths at level 1) has its own gate test: review.test.ts.
    write('.comprehension/policy.yaml', 'level: 1\ncriticalPaths:\n  - src/payments/**\nnotes:\n  signOffLevels: []\n');
    write('src/payments/charge.ts', CODE);
    const lines = CODE.split('\n').slice(block.startLine - 1, block.endLine);
    write(`.comprehension/provenance/${block.id}.json`, serializeRecord(createRecord({ block, path: 'src/payments/charge.ts', lines, editKind: 'tab-completion' })));
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function goodNote(): string {
    const policy = { ...defaultPolicy(), criticalPaths: ['src/payments/**'] };
    const answers: Record<string, string> = {
      what: 'chargeCard posts customerId and amountCents to https://pay.example.com/charge with axios and returns whether the status is 200.',
      why: 'The provider answers synchronously, so a boolean is enough for the checkout page to show success.',
      'failure-modes': 'After the 5000 ms axios timeout, or on a non-2xx answer, axios.post rejects and the caller sees the error.',
      observability: 'The provider dashboard lists every charge by customerId; our checkout error rate alert fires on rejections.',
      rollback: 'Revert the commit and the checkout falls back to the previous manual invoice flow.',
      security: 'customerId comes from the authenticated session, never from the request body, and the URL is fixed.',
      cost: 'One provider request per checkout, billed per charge at the provider fee; no storage.',
    };
    const questionAnswers: Record<string, string> = {
      network: 'A 5000 ms timeout on axios.post; a timed-out charge rejects and nothing is retried, so it is not charged twice.',
    };
    return noteWithAnswers({ policy, block, path: 'src/payments/charge.ts', code: CODE, inCriticalPath: true }, (part, question) =>
      question ? (questionAnswers[part] ?? `chargeCard: ${question.replace(/[`?]/g, '')} rejects the axios.post promise to the caller.`) : answers[part],
    );
  }

  it('exits 1 for a missing note and 0 once a passing note exists; a changed block makes it stale', async () => {
    const missing = await check(root);
    assert.equal(missing.code, 1, missing.out);
    const findings = (JSON.parse(missing.out) as { findings: Array<{ ruleId: string; severity: string; startLine: number }> }).findings;
    assert.deepEqual(findings.map((f) => `${f.ruleId} ${f.severity} ${f.startLine}`), ['comprehension/missing-note error 3']);

    write(notePathFor(block.id), '---\nblockId: blk-charge-card\n---\n## What it does\nsends money\n');
    const draft = await check(root);
    assert.equal(draft.code, 1, 'a note that fails its checks does not pass the gate');
    assert.match(draft.out, /does not pass its checks yet/);

    write(notePathFor(block.id), goodNote());
    const explained = await check(root);
    assert.equal(explained.code, 0, explained.out);
    assert.deepEqual((JSON.parse(explained.out) as { findings: unknown[] }).findings, []);

    write('src/payments/charge.ts', CODE.replace('timeout: 5000', 'timeout: 8000'));
    const stale = await check(root);
    assert.equal(stale.code, 0, 'a stale note is a warning in a critical path');
    assert.match(stale.out, /"ruleId": "comprehension\/stale-note"/);
  });

  it('a policy can make a missing note an error outside critical paths too, or turn it off', async () => {
    write('.comprehension/policy.yaml', 'level: 1\nrules:\n  comprehension/missing-note: error\n');
    assert.equal((await check(root)).code, 1);
    write('.comprehension/policy.yaml', 'level: 1\nrules:\n  comprehension/missing-note: off\n');
    assert.equal((await check(root)).code, 0);
  });
});
