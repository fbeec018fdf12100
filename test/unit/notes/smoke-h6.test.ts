import { blockQuestions } from '../../../src/core/notes/questions';
import { renderNewNote, parseNote } from '../../../src/core/notes/note-file';
import { CORE_SECTIONS } from '../../../src/core/notes/template';
describe('h6smoke', () => {
  it('prints', () => {
    const src = `import axios from 'axios';
import { z } from 'zod';
import fs from 'node:fs';
export async function load(id: string) {
  const res = await fetch(\`/api/\${id}\`);
  const data = await res.json();
  while (true) { if (data) break; }
  for (const x of [1,2]) {}
  for (const x of data.items) {}
  try { await save(data); } catch (e) {}
  await db.query('x').catch(() => {});
  const r = /^[a-z]+$/i;
  const r2 = new RegExp('a+b', 'g');
  await axios.get('/x');
  return data;
}`;
    const qs = blockQuestions('a.ts', src, { startLine: 1, endLine: 20 }, { maxQuestions: 99 });
    console.log(qs);
    const note = renderNewNote({ block: { id: 'b1', startLine: 4, endLine: 16, source: 'chat-edit', confidence: 'certain', createdAt: '2026-01-01T00:00:00Z', modified: false }, file: 'src/a.ts', blockText: src, level: 1, sections: CORE_SECTIONS, questions: qs, author: 'A <a@b>', now: new Date('2026-02-01T00:00:00Z') });
    console.log(note);
    const p = parseNote(note);
    console.log(p.frontMatter, [...p.sections.keys()], [...p.questions.keys()], p.code?.text.length, p.errors);
  });
});
