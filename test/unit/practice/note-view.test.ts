import * as assert from 'node:assert/strict';
import { exerciseNoteMarkdown, exerciseReadiness as readinessOf } from '../../../src/core/practice/note-view';
import { assessBlockNote } from '../../../src/core/notes/assess';
import { blockContentHash } from '../../../src/core/notes/content-hash';
import { serializeNote } from '../../../src/core/notes/note-file';
import { CORE_SECTIONS } from '../../../src/core/notes/template';
import { defaultPolicy } from '../../../src/core/policy/policy';
import type { Block } from '../../../src/core/provenance/block';

// Plain code with no construct that asks a block question (those must be answered too: see the notes tests).
const blockText = ['export function fetchUser(users: Map<string, string>, id: string) {', '  const name = users.get(id);', '  return name ?? response(id);', '}'].join('\n');
const block: Block = { id: 'b1', startLine: 3, endLine: 6, source: 'inline-completion', confidence: 'certain', createdAt: '2026-03-01T10:00:00.000Z', modified: false };

function note(answers: Record<string, string>, code = blockText): string {
  return serializeNote({
    frontMatter: { blockId: 'b1', file: 'src/user.ts', contentHash: blockContentHash(code), source: 'inline-completion', level: 1, questions: [], createdAt: '2026-03-01T10:00:00.000Z', updatedAt: '2026-03-01T10:00:00.000Z' },
    sections: CORE_SECTIONS,
    answers,
    questionAnswers: {},
    code,
  });
}

const good = {
  what: 'fetchUser asks the users endpoint for one user by id and returns the parsed JSON body to the caller.',
  why: 'A thin wrapper keeps the URL in one place so callers of fetchUser never build the path themselves.',
  'failure-modes': 'There is no timeout and no status check, so a hung server blocks the caller and a 404 body is parsed as a user.',
  observability: 'Nothing is logged today; a counter of failed fetchUser calls and a latency histogram would show when the endpoint misbehaves.',
};

/** The exercise's verdict from the note state the server computes (the one note assessment). */
function exerciseReadiness(input: { block: Block; blockText: string; noteText: string | undefined; policy: ReturnType<typeof defaultPolicy>; inCriticalPath: boolean }) {
  // The block sits at lines 3–6 of the file, as in the fixture's front matter.
  const text = `// users\n\n${input.blockText}\n`;
  return readinessOf(assessBlockNote({ path: 'src/user.ts', text, block: input.block, noteText: input.noteText, policy: input.policy, inCriticalPath: input.inCriticalPath }).status);
}

describe('Practice: exercise note', () => {
  it('is ready when the note explains the current code', () => {
    const readiness = exerciseReadiness({ block, blockText, noteText: note(good), policy: defaultPolicy(), inCriticalPath: false });
    assert.equal(readiness.ready, true);
  });

  it('explains why not: no note, an unfinished note, a stale note', () => {
    const none = exerciseReadiness({ block, blockText, noteText: undefined, policy: defaultPolicy(), inCriticalPath: false });
    assert.equal(none.ready, false);
    assert.match(none.ready ? '' : none.reason, /no comprehension note yet/);
    const draft = exerciseReadiness({ block, blockText, noteText: note({ what: good.what }), policy: defaultPolicy(), inCriticalPath: false });
    assert.equal(draft.ready, false);
    assert.match(draft.ready ? '' : draft.reason, /does not explain it yet: /);
    const stale = exerciseReadiness({ block, blockText: blockText.replace("users.get(id)", "users.get(id.trim())"), noteText: note(good), policy: defaultPolicy(), inCriticalPath: false });
    assert.equal(stale.ready, false);
    assert.match(stale.ready ? '' : stale.reason, /changed since its note was written/);
  });

  it('asks for the core sections even where the policy asks no note (level 2 outside critical paths)', () => {
    const policy = { ...defaultPolicy(), level: 2 as const };
    const draft = exerciseReadiness({ block, blockText, noteText: note({ what: good.what }), policy, inCriticalPath: false });
    assert.equal(draft.ready, false);
  });

  it('shows the note without its front matter and without the recorded code', () => {
    const markdown = exerciseNoteMarkdown(note(good), 'src/user.ts');
    assert.match(markdown, /^# Rewrite from your note/);
    assert.match(markdown, /fetchUser asks the users endpoint/);
    assert.doesNotMatch(markdown, /contentHash/);
    assert.doesNotMatch(markdown, /users\.get\(id\)/, 'the code stays hidden');
    assert.doesNotMatch(markdown, /Code when this note was written/);
  });
});
