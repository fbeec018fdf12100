import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blockContentHash } from '../../../src/core/notes/content-hash';
import {
  type NoteContent,
  noteContentOf,
  notePathFor,
  parseNote,
  readGitAuthor,
  readNoteFile,
  renderNewNote,
  serializeNote,
  updateNoteText,
  writeNoteFile,
} from '../../../src/core/notes/note-file';
import { CORE_SECTIONS, REVIEW_SECTIONS } from '../../../src/core/notes/template';
import type { Block } from '../../../src/core/provenance/block';

const blockText = [
  'export async function fetchInvoice(id: string): Promise<Invoice> {',
  '  const response = await fetch(`${BILLING_URL}/invoices/${id}`, { signal: AbortSignal.timeout(5000) });',
  '  if (!response.ok) throw new BillingError(response.status);',
  '  return (await response.json()) as Invoice;',
  '}',
].join('\n');

const block: Block = {
  id: 'blk-7f3a',
  startLine: 12,
  endLine: 16,
  source: 'inline-completion',
  confidence: 'certain',
  createdAt: '2026-03-02T10:00:00.000Z',
  modified: false,
};

const questions = [
  { id: 'network-0123456789ab', text: 'What is the timeout on `fetch(...)` at line 13, and what happens when it fails?' },
  { id: 'unhandled-await-ba9876543210', text: 'What happens when `response.json(...)` at line 15 rejects?' },
];

function newNote(): string {
  return renderNewNote({
    block,
    file: 'src/billing/invoices.ts',
    blockText,
    level: 1,
    sections: CORE_SECTIONS,
    questions,
    author: 'Ada Lovelace <ada@example.invalid>',
    now: new Date('2026-03-02T11:00:00.000Z'),
  });
}

function answeredContent(): NoteContent {
  const parsed = parseNote(newNote());
  assert.ok(parsed.frontMatter);
  return {
    frontMatter: parsed.frontMatter,
    sections: CORE_SECTIONS,
    answers: {
      what: 'fetchInvoice loads one invoice from the billing service and returns it parsed.\n\nIt throws a BillingError for any non-2xx status.',
      why: 'We call the HTTP API directly because the billing SDK pulls in 4 MB of dependencies.',
      'failure-modes': '- Timeout after 5 s (AbortSignal.timeout)\n- 404 for unknown ids becomes a BillingError\n- malformed JSON rejects',
      observability: 'Errors reach the request logger; the `billing_fetch_errors` counter is alerted on at 5/min.',
    },
    questionAnswers: {
      'network-0123456789ab': 'Five seconds through AbortSignal.timeout; the abort rejects and the caller retries once.',
      'unhandled-await-ba9876543210': 'The rejection propagates to the route handler, which answers 502.',
    },
    code: blockText,
  };
}

describe('notes note-file', () => {
  it('renders a new note: front matter, a heading and hint per section and question, and the code', () => {
    const text = newNote();
    assert.ok(text.startsWith('---\nblockId: blk-7f3a\nfile: src/billing/invoices.ts\n'));
    for (const title of ['## What it does', '## Why it is designed this way', '## Failure modes', '## How it is observed in production']) {
      assert.ok(text.includes(`\n${title}\n\n<!-- Your answer, in your own words.`), title);
    }
    assert.ok(text.includes('\n### What is the timeout on `fetch(...)` at line 13, and what happens when it fails?\n\n<!--'));
    assert.ok(text.includes('## Code when this note was written'));
    assert.ok(text.includes(`\`\`\`ts\n${blockText}\n\`\`\``));

    const parsed = parseNote(text);
    assert.deepEqual(parsed.errors, []);
    assert.deepEqual(parsed.frontMatter, {
      blockId: 'blk-7f3a',
      file: 'src/billing/invoices.ts',
      contentHash: blockContentHash(blockText),
      source: 'inline-completion',
      author: 'Ada Lovelace <ada@example.invalid>',
      level: 1,
      questions,
      createdAt: '2026-03-02T11:00:00.000Z',
      updatedAt: '2026-03-02T11:00:00.000Z',
    });
    assert.deepEqual([...parsed.sections.keys()], ['what', 'why', 'failure-modes', 'observability']);
    assert.ok([...parsed.sections.values()].every((answer) => answer.text === ''), 'hints are not answers');
    assert.deepEqual([...parsed.questions.keys()], questions.map((question) => question.id));
    assert.equal(parsed.code?.text, blockText);
  });

  it('round-trips answers, question answers, front matter and code', () => {
    const content = answeredContent();
    const text = serializeNote(content);
    const back = noteContentOf(parseNote(text), CORE_SECTIONS);
    assert.deepEqual(back, content);
    // Serialising what was read gives the same file: the format is a fixed point.
    assert.equal(serializeNote(back!), text);
  });

  it('round-trips code that contains backtick fences and headings', () => {
    const tricky = ['const doc = `', '```md', '## What it does', '```', '`;', '  ', 'export default doc;'].join('\n');
    const content = { ...answeredContent(), code: tricky };
    const parsed = parseNote(serializeNote(content));
    assert.equal(parsed.code?.text, tricky.replace('\n  \n', '\n\n'));
    assert.equal(parsed.sections.get('what')?.text, content.answers.what);
  });

  it('matches headings by title, case-insensitively, at any level, and by alias', () => {
    const text = [
      '---',
      'blockId: b1',
      'file: src/a.ts',
      'contentHash: sha256:00',
      'source: agent-write',
      'level: 1',
      'questions:',
      '  - id: loop-aaaaaaaaaaaa',
      '    text: What bounds the loop at line 4?',
      'createdAt: 2026-01-01T00:00:00Z',
      'updatedAt: 2026-01-01T00:00:00Z',
      '---',
      '# My note',
      '',
      '## WHAT IT DOES:',
      'It retries the upload.',
      '### Details',
      'The retry uses exponential backoff.',
      '',
      '```md',
      '## Failure modes',
      '```',
      '## why it is designed this way',
      'Because the API is flaky.',
      '### Observability',
      'Logs at warn level.',
      '## Random notes',
      'Not a section.',
      '#### what bounds the loop at line 4',
      'The list of files, at most 100.',
    ].join('\r\n');
    const parsed = parseNote(text);
    assert.deepEqual(parsed.errors, []);
    assert.equal(parsed.sections.get('what')?.text, 'It retries the upload.\n### Details\nThe retry uses exponential backoff.\n\n```md\n## Failure modes\n```');
    assert.equal(parsed.sections.has('failure-modes'), false, 'a heading inside a fence is not a heading');
    assert.equal(parsed.sections.get('why')?.text, 'Because the API is flaky.');
    assert.equal(parsed.sections.get('observability')?.text, 'Logs at warn level.');
    assert.equal(parsed.questions.get('loop-aaaaaaaaaaaa')?.text, 'The list of files, at most 100.');
    assert.deepEqual(
      parsed.otherHeadings.map((heading) => heading.heading),
      ['My note', 'Random notes'],
    );
    const what = parsed.sections.get('what')!;
    assert.equal(text.slice(what.headingStart, what.headingEnd), '## WHAT IT DOES:');
  });

  it('reports a missing or invalid front matter without throwing', () => {
    const none = parseNote('## What it does\nIt works.\n');
    assert.equal(none.frontMatter, undefined);
    assert.match(none.errors[0].message, /no YAML front matter/);
    assert.equal(none.sections.get('what')?.text, 'It works.');

    const badYaml = parseNote('---\nblockId: [unclosed\n---\n## What it does\nx\n');
    assert.equal(badYaml.frontMatter, undefined);
    assert.match(badYaml.errors[0].message, /Invalid front matter/);

    const badField = parseNote('---\nblockId: b\nfile: a.ts\ncontentHash: h\nsource: paste\nlevel: 7\ncreatedAt: x\nupdatedAt: y\n---\n');
    assert.match(badField.errors[0].message, /`level` must be 0, 1 or 2/);

    const unclosed = parseNote('---\nblockId: b\n');
    assert.match(unclosed.errors[0].message, /no closing/);
  });

  it('places notes under .comprehension/notes with safe file names', () => {
    assert.equal(notePathFor('blk-7f3a'), '.comprehension/notes/blk-7f3a.md');
    assert.equal(notePathFor('../../etc/passwd'), '.comprehension/notes/%2E%2E%2F..%2Fetc%2Fpasswd.md');
    assert.equal(notePathFor('a b:c*'), '.comprehension/notes/a%20b%3Ac%2A.md');
    assert.ok(!notePathFor('..').includes('/../'));
  });

  it('writes and reads note files atomically in a real folder', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cf-notes-'));
    try {
      assert.equal(await readNoteFile(root, block.id), undefined);
      await writeNoteFile(root, block.id, newNote());
      assert.equal(await readNoteFile(root, block.id), newNote());
      assert.deepEqual(readdirSync(join(root, '.comprehension/notes')), ['blk-7f3a.md']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('formats the git author from the identity git reports', async () => {
    const identity = (value: { name?: string; email?: string }) => async () => value;
    assert.equal(await readGitAuthor('/repo', identity({ name: 'Ada', email: 'ada@example.invalid' })), 'Ada <ada@example.invalid>');
    assert.equal(await readGitAuthor('/repo', identity({ name: 'Ada' })), 'Ada');
    assert.equal(await readGitAuthor('/repo', identity({ email: 'ada@example.invalid' })), '<ada@example.invalid>');
    assert.equal(await readGitAuthor('/repo', identity({})), undefined);
  });

  it('adds missing sections and questions and replaces the code, keeping everything else', () => {
    const original = serializeNote(answeredContent()).replace('blockId: blk-7f3a', 'blockId: blk-7f3a # keep this comment');
    const newCode = `${blockText}\n// changed`;
    const updated = updateNoteText(original, {
      frontMatter: { reviewedAt: '2026-04-01T00:00:00.000Z' },
      sections: [...CORE_SECTIONS, ...REVIEW_SECTIONS],
      questions: [...questions, { id: 'loop-cccccccccccc', text: 'What bounds the loop at line 20?' }],
      code: newCode,
    });
    assert.ok(updated.includes('blockId: blk-7f3a # keep this comment'));
    const parsed = parseNote(updated);
    assert.deepEqual(parsed.errors, []);
    assert.equal(parsed.frontMatter?.reviewedAt, '2026-04-01T00:00:00.000Z');
    assert.deepEqual(
      parsed.frontMatter?.questions.map((question) => question.id),
      [...questions.map((question) => question.id), 'loop-cccccccccccc'],
    );
    assert.deepEqual([...parsed.sections.keys()], ['what', 'why', 'failure-modes', 'observability', 'rollback', 'security', 'cost']);
    assert.equal(parsed.sections.get('rollback')?.text, '');
    assert.equal(parsed.questions.get('loop-cccccccccccc')?.text, '');
    assert.equal(parsed.sections.get('what')?.text, answeredContent().answers.what);
    assert.equal(parsed.code?.text, newCode);
    // New sections go before the questions, new questions before the code.
    assert.ok(updated.indexOf('## Cost') < 0 && updated.indexOf('## Expected cost impact') < updated.indexOf('## Questions about this code'));
    assert.ok(updated.indexOf('### What bounds the loop at line 20?') < updated.indexOf('## Code when this note was written'));
  });

  it('refuses to update a note without front matter', () => {
    assert.throws(() => updateNoteText('# just text\n', { code: 'x' }), /front matter/);
  });
});
