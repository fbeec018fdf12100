import * as assert from 'node:assert/strict';
import { editorNoteFinding, MISSING_NOTE_RULE_ID, STALE_NOTE_RULE_ID } from '../../../src/core/notes/diagnostics';
import type { Severity } from '../../../src/core/check/findings';
import { defaultPolicy, type Policy } from '../../../src/core/policy/policy';

const HOUR = 3_600_000;
const now = Date.parse('2026-05-04T12:00:00.000Z');
const hoursAgo = (hours: number) => new Date(now - hours * HOUR).toISOString();
const finding = (severity: Severity, ruleId = MISSING_NOTE_RULE_ID) => ({ ruleId, severity, severityReasons: ['raised: file is in a critical path'], message: 'm' });
const policy = (editorGraceHours: number, failOn: Policy['check']['failOn'] = 'error'): Policy => {
  const base = defaultPolicy();
  return { ...base, notes: { ...base.notes, editorGraceHours }, check: { ...base.check, failOn } };
};

describe('editorNoteFinding: the editor severity of a missing note', () => {
  it('shows a young block at info and says CI fails on it, and when the editor will too', () => {
    const shown = editorNoteFinding(finding('error'), hoursAgo(2), now, policy(24));
    assert.equal(shown.severity, 'info');
    assert.deepEqual(shown.severityReasons, ['raised: file is in a critical path', 'info in the editor until 2026-05-05 10:00 UTC; CI fails on this (error)']);
    assert.equal(shown.message, 'm');
  });

  it('shows a block past the grace at the CI severity', () => {
    const shown = editorNoteFinding(finding('error'), hoursAgo(25), now, policy(24));
    assert.equal(shown.severity, 'error');
    assert.deepEqual(shown.severityReasons, ['raised: file is in a critical path', 'CI fails on this (error)']);
  });

  it('with a grace of 0 shows the CI severity at once', () => {
    assert.equal(editorNoteFinding(finding('error'), new Date(now).toISOString(), now, policy(0)).severity, 'error');
  });

  it('says CI only reports it when the severity is below check.failOn', () => {
    const shown = editorNoteFinding(finding('warning'), hoursAgo(48), now, policy(24));
    assert.equal(shown.severity, 'warning');
    assert.match(shown.severityReasons.at(-1)!, /^CI reports it as warning$/);
    assert.match(editorNoteFinding(finding('warning'), hoursAgo(48), now, policy(24, 'warning')).severityReasons.at(-1)!, /CI fails on this \(warning\)/);
  });

  it('leaves other rules, info findings and unreadable dates alone', () => {
    const stale = finding('warning', STALE_NOTE_RULE_ID);
    assert.equal(editorNoteFinding(stale, hoursAgo(1), now, policy(24)), stale);
    const info = finding('info');
    assert.equal(editorNoteFinding(info, hoursAgo(1), now, policy(24)), info);
    assert.equal(editorNoteFinding(finding('error'), 'not a date', now, policy(24)).severity, 'error', 'never hidden by accident');
  });
});
