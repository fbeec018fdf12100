import * as assert from 'node:assert/strict';
import { confusion, judgeManifest, type Verdict } from './labelled-notes';

/** The acceptance bar of issue 11: at least 95% of gaming notes refused, every honest note accepted. */
function assertBar(verdicts: readonly Verdict[], minimumNotes: number, minimumPerClass: number): void {
  console.log(confusion(verdicts));
  assert.ok(verdicts.length >= minimumNotes, `${verdicts.length} notes, want at least ${minimumNotes}`);
  const wronglyRefused = verdicts.filter((verdict) => verdict.label === 'honest' && verdict.refused);
  assert.deepEqual(
    wronglyRefused.map((verdict) => [verdict.id, verdict.problems]),
    [],
    'honest notes refused',
  );
  const gaming = verdicts.filter((verdict) => verdict.label === 'gaming');
  const passed = gaming.filter((verdict) => !verdict.refused);
  assert.ok(passed.length <= gaming.length * 0.05, `gaming notes accepted: ${passed.map((verdict) => verdict.id).join(', ')}`);
  assert.deepEqual([...new Set(gaming.map((verdict) => verdict.className))].sort(), Object.keys(EXPECTED_PROBLEMS).sort(), 'every gaming class present');
  for (const className of new Set(gaming.map((verdict) => verdict.className))) {
    const count = gaming.filter((verdict) => verdict.className === className).length;
    assert.ok(count >= minimumPerClass, `class ${className} has ${count} notes, want ${minimumPerClass}`);
  }
}

/** The problem each gaming class must be refused for (not merely some other problem it happens to have). */
const EXPECTED_PROBLEMS: Record<string, readonly string[]> = {
  repeated: ['repeated-answer', 'filler'],
  'echo-hint': ['echoes-prompt', 'unanswered'],
  'echo-question': ['echoes-prompt', 'unanswered-question'],
  filler: ['filler'],
  generic: ['generic'],
  'off-topic': ['unknown-reference'],
  'made-up': ['unknown-reference'],
};

function assertRefusedForTheirClass(verdicts: readonly Verdict[]): void {
  const wrongReason = verdicts
    .filter((verdict) => verdict.label === 'gaming' && verdict.refused)
    .filter((verdict) => !verdict.problems.some((problem) => (EXPECTED_PROBLEMS[verdict.className] ?? []).includes(problem.split(':')[0])));
  assert.deepEqual(wrongReason.map((verdict) => [verdict.id, verdict.className, verdict.problems]), []);
}

describe('labelled notes (issue 11)', () => {
  it('refuses at least 95% of the tuning set\'s gaming notes and accepts every honest one', () => {
    const verdicts = judgeManifest('manifest.yaml');
    assertBar(verdicts, 40, 3);
    assertRefusedForTheirClass(verdicts);
  });

  it('holds on the held-out set, written after the thresholds were tuned', () => {
    const verdicts = judgeManifest('held-out.yaml');
    assertBar(verdicts, 20, 2);
    assertRefusedForTheirClass(verdicts);
  });
});
