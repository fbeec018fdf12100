import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderNewNote } from '../../../src/core/notes/note-file';
import { ALL_SECTIONS } from '../../../src/core/notes/template';
import type { Block } from '../../../src/core/provenance/block';
import { createRecord } from '../../../src/core/provenance/record';
import { ProvenanceStore } from '../../../src/core/provenance/store';
import { notePathFor } from '../../../src/core/workspace/layout';
import type { RecordsFolder } from '../../../src/shared/protocol';
import { LspTestClient } from './lsp-client';

const CODE = Array.from({ length: 12 }, (_, i) => `export function step${i + 1}(input: number): number { return input * ${i + 2} + ${i}; }`);

/**
 * With `comprehension.provenance.storage: local` the records live outside the repository; the
 * client names the folder in `initializationOptions`, and the server finds the block of a note whose
 * code file is closed there (not in `.comprehension/provenance`).
 */
describe('language server: records kept outside the repository (local storage)', () => {
  let root: string;
  let local: string;
  let notePath: string;
  let noteText: string;
  let client: LspTestClient;

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'cf-lsp-local-'));
    local = mkdtempSync(join(tmpdir(), 'cf-lsp-records-'));
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'fixture', dependencies: {} }));
    writeFileSync(join(root, 'src/steps.ts'), `${CODE.join('\n')}\n`);
    const block: Block = { id: 'local-block-1', startLine: 1, endLine: CODE.length, source: 'agent-write', confidence: 'certain', agent: 'claude-code', createdAt: '2026-05-01T10:00:00.000Z', modified: false };
    await new ProvenanceStore(local).upsert(createRecord({ block, path: 'src/steps.ts', lines: CODE, editKind: 'agent-hook' }));
    noteText = renderNewNote({ block, file: 'src/steps.ts', blockText: CODE.join('\n'), level: 1, sections: ALL_SECTIONS, questions: [] });
    notePath = join(root, ...notePathFor(block.id).split('/'));
    mkdirSync(join(notePath, '..'), { recursive: true });
    writeFileSync(notePath, noteText);
    client = new LspTestClient();
  });

  afterEach(async () => {
    await client.stop();
    rmSync(root, { recursive: true, force: true });
    rmSync(local, { recursive: true, force: true });
  });

  /** Codes of the note file's diagnostics that come from checking it against its block's code. */
  async function blockCheckedCodes(): Promise<string[]> {
    const report = await client.pull(client.open(notePath, noteText, 'markdown'));
    return report.items.map((item) => String(item.code)).filter((code) => code.startsWith('comprehension/note-') && code !== 'comprehension/note-quality');
  }

  it('checks a note against its block found in the records folder the client named', async () => {
    const folders: RecordsFolder[] = [{ folderUri: pathToFileURL(root).href, recordsPath: local }];
    await client.initialize(root, true, { recordsFolders: folders });
    const codes = await blockCheckedCodes();
    assert.ok(codes.includes('comprehension/note-unanswered'), `the unanswered note is checked against its block: ${codes.join(', ')}`);
  });

  it('finds no block for the note when the client names no records folder (they are not in the repository)', async () => {
    await client.initialize(root, true);
    assert.deepEqual(await blockCheckedCodes(), []);
  });
});
