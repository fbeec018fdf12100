import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drillFigures, emptyHistory, exportJson, loadHistory, saveDrill, saveSession, sessionRecordFromTally, createTally, closeTally, type DrillRecord } from '../../../src/core/practice';
import { buildStatsModel } from '../../../src/core/practice/stats-model';
import { parsePracticeDrills, practiceDrillsOfHistory, practiceInput } from '../../../src/core/report/practice';

const NOW = Date.UTC(2026, 2, 18, 20, 0, 0);

function drill(id: string, outcome: DrillRecord['outcome'], diagnosisSeconds?: number, hintsUsed = 0): DrillRecord {
  return {
    id,
    file: 'src/limit.ts',
    kind: 'off-by-one',
    startedAt: NOW - 600_000,
    endedAt: NOW - 600_000 + (diagnosisSeconds ?? 30) * 1000,
    outcome,
    ...(diagnosisSeconds !== undefined ? { diagnosisSeconds } : {}),
    hintsUsed,
    failingTests: ['refuses at the limit'],
  };
}

describe('drills in the practice history', () => {
  let folder: string;
  beforeEach(() => (folder = mkdtempSync(join(tmpdir(), 'cf-drill-history-'))));
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('stores drills beside sessions: a session saved later keeps them, and a damaged drill is dropped by name', async () => {
    const path = join(folder, 'practice-history.json');
    await saveDrill(path, drill('d1', 'solved', 95, 1), NOW);
    const tally = createTally('s1', 'UTC', NOW - 3_600_000);
    closeTally(tally, NOW - 1_800_000);
    await saveSession(path, sessionRecordFromTally(tally), NOW);
    const loaded = await loadHistory(path, NOW);
    assert.deepEqual(loaded.history.drills?.map((entry) => entry.id), ['d1']);
    assert.equal(loaded.history.sessions.length, 1);

    const raw = { ...loaded.history, drills: [...(loaded.history.drills ?? []), { ...drill('d2', 'solved', 10), hintsUsed: -1 }] };
    writeFileSync(path, JSON.stringify(raw));
    const reloaded = await loadHistory(path, NOW);
    assert.deepEqual(reloaded.history.drills?.map((entry) => entry.id), ['d1']);
    assert.deepEqual(reloaded.dropped, ['drill d2: bad hintsUsed']);
  });

  it('figures: median time to correct diagnosis over solved drills only', () => {
    const figures = drillFigures([drill('a', 'solved', 40, 1), drill('b', 'solved', 100), drill('c', 'given-up', undefined, 3), drill('d', 'abandoned')]);
    assert.deepEqual(figures, { total: 4, solved: 2, givenUp: 1, abandoned: 1, medianDiagnosisSeconds: 70, hintsUsed: 4 });
    assert.equal(drillFigures([drill('c', 'given-up')]).medianDiagnosisSeconds, null);
  });

  it('the export, the scorecard input and the stats model all carry them', () => {
    const history = { ...emptyHistory(), drills: [drill('a', 'solved', 75, 2), drill('b', 'given-up', undefined, 3)] };
    const exported = JSON.parse(exportJson(history)) as { drills: { id: string; endedAt: string }[] };
    assert.deepEqual(exported.drills.map((entry) => entry.id), ['a', 'b']);
    assert.match(exported.drills[0].endedAt, /^2026-03-18T/);
    // From the export (ISO times) and from the history (epoch ms): the same drills.
    assert.deepEqual(parsePracticeDrills(exported), practiceDrillsOfHistory(history));
    const input = practiceInput([], { from: '2026-03-01', to: '2026-03-31' }, 15, NOW, practiceDrillsOfHistory(history));
    assert.equal(input.drills?.length, 2);
    assert.equal(practiceInput([], { from: '2026-04-01', to: '2026-04-30' }, 15, NOW, practiceDrillsOfHistory(history)).drills?.length, 0);
    const model = buildStatsModel({ history, now: NOW, timeZone: 'UTC', goal: { minutes: 0, source: 'setting' }, dailyMinimumMinutes: 15, practising: false });
    assert.equal(model.drills.solved, 1);
    assert.equal(model.drills.medianDiagnosisSeconds, 75);
    assert.deepEqual(model.drills.recent.map((entry) => [entry.outcome, entry.diagnosis]), [['given-up', null], ['solved', '1 min 15 s']]);
  });
});
