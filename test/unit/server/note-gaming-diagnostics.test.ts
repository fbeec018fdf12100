import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseNote, renderNewNote, serializeNote } from '../../../src/core/notes/note-file';
import { blockQuestions } from '../../../src/core/notes/questions';
import { CORE_SECTIONS } from '../../../src/core/notes/template';
import type { Block } from '../../../src/core/provenance/block';
import { createRecord } from '../../../src/core/provenance/record';
import { ProvenanceStore } from '../../../src/core/provenance/store';
import { notePathFor } from '../../../src/core/workspace/layout';
import { LspTestClient } from './lsp-client';

const CODE = [
  'const TIMEOUT_MS = 5_000;',
  'export async function loadPrices(url: string): Promise<number[]> {',
  '  const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });',
  '  const body = (await response.json()) as { prices: number[] };',
  '  return body.prices.filter((price) => price > 0);',
  '}',
];

/** The issue-11 checks reach the editor: each gaming problem and a wrong fact is a diagnostic at its answer. */
describe('language server: gaming and wrong facts shown at the answer in a note file', () => {
  let root: string;
  let local: string;
  let client: LspTestClient;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'cf-lsp-gaming-'));
    local = mkdtempSync(join(tmpdir(), 'cf-lsp-gaming-records-'));
    client = new LspTestClient();
  });

  afterEach(async () => {
    await client.stop();
    rmSync(root, { recursive: true, force: true });
    rmSync(local, { recursive: true, force: true });
  });

  it('puts filler and a wrong timeout on the answers that have them', async () => {
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'fixture', dependencies: {} }));
    writeFileSync(join(root, 'src/prices.ts'), `${CODE.join('\n')}\n`);
    const block: Block = { id: 'gaming-block-1', startLine: 1, endLine: CODE.length, source: 'agent-write', confidence: 'certain', createdAt: '2026-05-01T10:00:00.000Z', modified: false };
    await new ProvenanceStore(local).upsert(createRecord({ block, path: 'src/prices.ts', lines: CODE, editKind: 'agent-hook' }));
    const questions = blockQuestions('src/prices.ts', CODE.join('\n'), { startLine: 1, endLine: CODE.length });
    const network = questions.find((question) => question.kind === 'network')!;
    const filler = 'it works. it is fine. no failures. logs.';
    const wrongTimeout = 'After 10 seconds fetch aborts and loadPrices rejects to its caller.';
    const fresh = parseNote(renderNewNote({ block, file: 'src/prices.ts', blockText: CODE.join('\n'), level: 1, sections: CORE_SECTIONS, questions }));
    const noteText = serializeNote({
      frontMatter: fresh.frontMatter!,
      sections: CORE_SECTIONS,
      answers: {
        what: 'loadPrices fetches the price list from url and keeps only the prices above zero.',
        why: 'The service already returns prices as a JSON list, so no client library is needed.',
        'failure-modes': filler,
        observability: 'Callers log a rejected loadPrices with the url; the pricing dashboard alerts on empty lists.',
      },
      questionAnswers: Object.fromEntries(
        questions.map((question) => [question.id, question === network ? wrongTimeout : 'Bad JSON makes response.json reject; the SyntaxError reaches the caller of loadPrices.']),
      ),
      code: CODE.join('\n'),
    });
    const notePath = join(root, ...notePathFor(block.id).split('/'));
    mkdirSync(join(notePath, '..'), { recursive: true });
    writeFileSync(notePath, noteText);
    await client.initialize(root, true, { recordsFolders: [{ folderUri: pathToFileURL(root).href, recordsPath: local }] });

    const report = await client.pull(client.open(notePath, noteText, 'markdown'));
    const lines = noteText.split('\n');
    const found = report.items
      .filter((item) => String(item.code).startsWith('comprehension/note-'))
      .map((item) => [String(item.code), lines[item.range.start.line].slice(item.range.start.character, item.range.end.character), item.message]);
    assert.deepEqual(
      found.map(([code, text]) => [code, text]).sort(),
      [
        ['comprehension/note-filler', filler],
        ['comprehension/note-wrong-fact', wrongTimeout],
      ],
      JSON.stringify(found),
    );
    assert.equal(found.find(([code]) => code === 'comprehension/note-wrong-fact')?.[2], 'The timeout is 5 s (`AbortSignal.timeout(TIMEOUT_MS)`); the answer says 10 s.');
  });
});
