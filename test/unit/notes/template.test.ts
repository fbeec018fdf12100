import * as assert from 'node:assert/strict';
import { defaultPolicy, type Policy, type PolicyLevel } from '../../../src/core/policy/policy';
import type { Block } from '../../../src/core/provenance/block';
import { CORE_SECTIONS, noteRequirement, REVIEW_SECTIONS, sectionById } from '../../../src/core/notes/template';

function block(overrides: Partial<Block> = {}): Block {
  return {
    id: 'blk-1',
    startLine: 10,
    endLine: 24,
    source: 'chat-edit',
    confidence: 'certain',
    createdAt: '2026-03-02T10:00:00.000Z',
    modified: false,
    ...overrides,
  };
}

function policy(level: PolicyLevel, notes: Partial<Policy['notes']> = {}): Policy {
  const base = defaultPolicy();
  return { ...base, level, notes: { ...base.notes, ...notes } };
}

const ids = (sections: { id: string }[]): string[] => sections.map((section) => section.id);

describe('notes template', () => {
  it('level 1 asks the four core parts outside critical paths', () => {
    const requirement = noteRequirement(block(), { policy: policy(1), inCriticalPath: false });
    assert.equal(requirement.required, true);
    assert.equal(requirement.flagOnly, undefined);
    assert.deepEqual(ids(requirement.sections), ['what', 'why', 'failure-modes', 'observability']);
    assert.match(requirement.reason, /level 1/i);
  });

  it('level 1 adds rollback, security and cost in a critical path', () => {
    const requirement = noteRequirement(block(), { policy: policy(1), inCriticalPath: true });
    assert.deepEqual(ids(requirement.sections), ['what', 'why', 'failure-modes', 'observability', 'rollback', 'security', 'cost']);
    assert.match(requirement.reason, /critical path/);
  });

  it('level 0 asks no note and flags a block in a critical path, whatever its size', () => {
    const outside = noteRequirement(block(), { policy: policy(0), inCriticalPath: false });
    assert.deepEqual([outside.required, outside.flagOnly, outside.sections.length], [false, undefined, 0]);
    const inside = noteRequirement(block({ startLine: 5, endLine: 5 }), { policy: policy(0), inCriticalPath: true });
    assert.deepEqual([inside.required, inside.flagOnly, inside.sections.length], [false, true, 0]);
    assert.match(inside.reason, /discouraged/);
  });

  it('level 2 asks notes only in critical paths, with the review questions', () => {
    assert.equal(noteRequirement(block(), { policy: policy(2), inCriticalPath: false }).required, false);
    const critical = noteRequirement(block(), { policy: policy(2), inCriticalPath: true });
    assert.equal(critical.required, true);
    assert.deepEqual(ids(critical.sections), [...CORE_SECTIONS, ...REVIEW_SECTIONS].map((section) => section.id));
  });

  it('blocks shorter than notes.minBlockLines need none; the threshold itself does', () => {
    const two = noteRequirement(block({ startLine: 3, endLine: 4 }), { policy: policy(1, { minBlockLines: 3 }), inCriticalPath: true });
    assert.equal(two.required, false);
    assert.match(two.reason, /2 lines; notes start at 3/);
    const three = noteRequirement(block({ startLine: 3, endLine: 5 }), { policy: policy(1, { minBlockLines: 3 }), inCriticalPath: false });
    assert.equal(three.required, true);
  });

  it('pastes need notes only when notes.pastesNeedNotes', () => {
    const paste = block({ source: 'paste', confidence: 'likely' });
    assert.equal(noteRequirement(paste, { policy: policy(1, { pastesNeedNotes: false }), inCriticalPath: false }).required, false);
    assert.equal(noteRequirement(paste, { policy: policy(1, { pastesNeedNotes: true }), inCriticalPath: false }).required, true);
    // A paste that needs no note is not flagged at level 0 either: it is not known to be AI code.
    assert.equal(noteRequirement(paste, { policy: policy(0), inCriticalPath: true }).flagOnly, undefined);
  });

  it('looks sections up by id and rejects unknown ids', () => {
    assert.equal(sectionById('rollback').title, 'Rollback plan');
    assert.throws(() => sectionById('nope' as never), /unknown note section/);
  });
});
