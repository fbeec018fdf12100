import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseNote, renderNewNote, serializeNote } from '../../../src/core/notes/note-file';
import { blockQuestions } from '../../../src/core/notes/questions';
import { CORE_SECTIONS } from '../../../src/core/notes/template';
import type { Block } from '../../../src/core/provenance/block';
import { MARK_REVIEWED_REQUEST, type MarkReviewedResult } from '../../../src/shared/protocol';
import { LspTestClient } from './lsp-client';

const code = (timeout: string, comment = ''): string[] => [
  'export async function loadPrices(url: string): Promise<number[]> {',
  `  const response = await fetch(url, { signal: AbortSignal.timeout(${timeout}) });${comment}`,
  '  const body = (await response.json()) as { prices: number[] };',
  '  return body.prices.filter((price) => price > 0);',
  '}',
];
const block: Block = { id: 'review-block-1', startLine: 1, endLine: 5, source: 'agent-write', confidence: 'certain', createdAt: '2026-05-01T10:00:00.000Z', modified: false };

/** A passing note about the 5 s version of the code. */
function noteAboutFiveSeconds(): string {
  const lines = code('5_000');
  const questions = blockQuestions('src/prices.ts', lines.join('\n'), { startLine: 1, endLine: 5 });
  const fresh = parseNote(renderNewNote({ block, file: 'src/prices.ts', blockText: lines.join('\n'), level: 1, sections: CORE_SECTIONS, questions }));
  return serializeNote({
    frontMatter: fresh.frontMatter!,
    sections: CORE_SECTIONS,
    answers: {
      what: 'loadPrices fetches the price list from url and keeps only the prices above zero for the pricing page.',
      why: 'The service already returns prices as a JSON list, so no client library is needed for one request.',
      'failure-modes': 'A slow service makes the AbortSignal abort after 5 s and loadPrices rejects with a TimeoutError.',
      observability: 'Callers log a rejected loadPrices with the url; the pricing dashboard alerts on empty lists.',
    },
    questionAnswers: Object.fromEntries(
      questions.map((question) => [
        question.id,
        question.kind === 'network' ? 'After 5 s the signal aborts and fetch rejects; the caller of loadPrices sees a TimeoutError.' : 'Bad JSON makes response.json reject; the SyntaxError reaches the caller of loadPrices.',
      ]),
    ),
    code: lines.join('\n'),
  });
}

/** "Mark reviewed" is no rubber stamp: the server refuses an answer the code now contradicts, and shows the rest. */
describe('language server: marking a stale note reviewed', () => {
  let root: string;
  let client: LspTestClient;

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'cf-lsp-review-'));
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'fixture', dependencies: {} }));
    client = new LspTestClient();
    await client.initialize(root, true);
  });

  afterEach(async () => {
    await client.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const markReviewed = (lines: string[]): Promise<MarkReviewedResult> => {
    const uri = pathToFileURL(join(root, 'src/prices.ts')).href;
    writeFileSync(join(root, 'src/prices.ts'), `${lines.join('\n')}\n`);
    return client.connection.sendRequest(MARK_REVIEWED_REQUEST.method, { uri, block, noteText: noteAboutFiveSeconds() }) as Promise<MarkReviewedResult>;
  };

  it('refuses while an answer states the old timeout, naming the new one', async () => {
    await assert.rejects(markReviewed(code('30_000')), (error: Error) => {
      assert.match(error.message, /no longer hold.*The timeout is 30 s \(`AbortSignal.timeout\(30_000\)`\); the answer says 5 s.*Edit the note first/);
      return true;
    });
  });

  it('returns the reviewed note with the diff to confirm when nothing is contradicted', async () => {
    const result = await markReviewed(code('5_000', ' // the price service answers in under a second'));
    assert.match(result.text, /^reviewedAt: /m);
    assert.ok(result.review, 'a stale note comes with its review');
    assert.match(result.review.diff, /\+ {2}const response = await fetch\(url, \{ signal: AbortSignal.timeout\(5_000\) \}\); \/\/ the price service/);
  });
});
