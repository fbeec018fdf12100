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

type Diagnostic = Awaited<ReturnType<LspTestClient['pull']>>['items'][number];

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

  /** Records `code` at `path` as one AI block, writes its note with these answers, and pulls the note's diagnostics. */
  async function pullNote(
    id: string,
    path: string,
    code: string[],
    answers: Record<string, string>,
    answerFor: (question: ReturnType<typeof blockQuestions>[number]) => string,
  ): Promise<{ items: Diagnostic[]; textOf: (item: Diagnostic) => string }> {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), `${code.join('\n')}\n`);
    const block: Block = { id, startLine: 1, endLine: code.length, source: 'agent-write', confidence: 'certain', createdAt: '2026-05-01T10:00:00.000Z', modified: false };
    await new ProvenanceStore(local).upsert(createRecord({ block, path, lines: code, editKind: 'agent-hook' }));
    const questions = blockQuestions(path, code.join('\n'), { startLine: 1, endLine: code.length });
    const fresh = parseNote(renderNewNote({ block, file: path, blockText: code.join('\n'), level: 1, sections: CORE_SECTIONS, questions }));
    const noteText = serializeNote({
      frontMatter: fresh.frontMatter!,
      sections: CORE_SECTIONS,
      answers,
      questionAnswers: Object.fromEntries(questions.map((question) => [question.id, answerFor(question)])),
      code: code.join('\n'),
    });
    const notePath = join(root, ...notePathFor(block.id).split('/'));
    mkdirSync(join(notePath, '..'), { recursive: true });
    writeFileSync(notePath, noteText);
    await client.initialize(root, true, { recordsFolders: [{ folderUri: pathToFileURL(root).href, recordsPath: local }] });
    const report = await client.pull(client.open(notePath, noteText, 'markdown'));
    const lines = noteText.split('\n');
    // The text a diagnostic underlines: one answer, on one line.
    const textOf = (item: Diagnostic): string => lines[item.range.start.line].slice(item.range.start.character, item.range.end.character);
    return { items: report.items, textOf };
  }

  it('puts filler and a wrong timeout on the answers that have them', async () => {
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'fixture', dependencies: {} }));
    const filler = 'it works. it is fine. no failures. logs.';
    const wrongTimeout = 'After 10 seconds fetch aborts and loadPrices rejects to its caller.';
    const { items, textOf } = await pullNote(
      'gaming-block-1',
      'src/prices.ts',
      CODE,
      {
        what: 'loadPrices fetches the price list from url and keeps only the prices above zero.',
        why: 'The service already returns prices as a JSON list, so no client library is needed.',
        'failure-modes': filler,
        observability: 'Callers log a rejected loadPrices with the url; the pricing dashboard alerts on empty lists.',
      },
      (question) => (question.kind === 'network' ? wrongTimeout : 'Bad JSON makes response.json reject; the SyntaxError reaches the caller of loadPrices.'),
    );
    const found = items.filter((item) => String(item.code).startsWith('comprehension/note-')).map((item) => [String(item.code), textOf(item), item.message]);
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

  it('puts a wrong "who can trigger it" on its answer in the note of a workflow (facts beyond TypeScript and Python)', async () => {
    const workflow = [
      'on:',
      '  pull_request_target:',
      'permissions:',
      '  contents: write',
      'jobs:',
      '  label:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: gh pr edit "$PR" --add-label triage',
      '        env:',
      '          PR: ${{ github.event.pull_request.number }}',
    ];
    const wrongWho = 'Only maintainers can start the label job, so the write token stays with people we trust.';
    const { items, textOf } = await pullNote(
      'gaming-block-2',
      '.github/workflows/label.yml',
      workflow,
      {
        what: 'The label workflow adds the triage label to each new pull request with gh pr edit.',
        why: 'Triage needs every pull request labelled before the weekly review, and doing it by hand was forgotten.',
        'failure-modes': 'If gh cannot reach the API the step fails and the pull request stays unlabelled; nothing else depends on it.',
        observability: 'The Actions tab shows a failed label run; the triage board lists pull requests without the label.',
      },
      (question) => (question.kind === 'trigger' ? wrongWho : 'contents: write is more than labelling needs: pull-requests: write would do, and gh uses it to edit the labels.'),
    );
    const wrong = items.filter((item) => item.code === 'comprehension/note-wrong-fact');
    assert.deepEqual(
      wrong.map((item) => [textOf(item), item.message]),
      [[wrongWho, 'This workflow can be started by anyone who opens a pull request, from a fork too (`pull_request_target`); the answer says only maintainers can.']],
      JSON.stringify(items.map((item) => [item.code, item.message])),
    );
  });
});
