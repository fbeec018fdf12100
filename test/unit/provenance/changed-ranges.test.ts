import * as assert from 'node:assert/strict';
import { changedLineRanges } from '../../../src/core/provenance/changed-ranges';

const BEFORE = ['import { db } from "./db";', '', 'export async function getUser(id) {', '  return db.users.find(id);', '}', ''].join('\n');

describe('provenance: changed ranges', () => {
  it('reports lines an agent added and changed, in the new file', () => {
    const after = [
      'import { db } from "./db";',
      'import { log } from "./log";', // added: 2
      '',
      'export async function getUser(id) {',
      '  const user = await db.users.find(id);', // changed: 5-7
      '  if (!user) log.warn("no user", { id });',
      '  return user;',
      '}',
      '',
    ].join('\n');
    assert.deepEqual(changedLineRanges(BEFORE, after), [
      { startLine: 2, endLine: 2 },
      { startLine: 5, endLine: 7 },
    ]);
  });

  it('reports nothing for pure deletions or identical text', () => {
    assert.deepEqual(changedLineRanges(BEFORE, BEFORE), []);
    assert.deepEqual(changedLineRanges(BEFORE, BEFORE.replace('\n\nexport', '\nexport')), []);
  });

  it('reports a whole new file, without the empty line after its final line break', () => {
    assert.deepEqual(changedLineRanges('', 'a\nb\n'), [{ startLine: 1, endLine: 2 }]);
    assert.deepEqual(changedLineRanges('a', 'a\n'), []);
  });

  it('counts a re-indented line as changed and handles CRLF text', () => {
    const before = 'if (x) {\r\ncall();\r\n}\r\n';
    const after = 'if (x) {\r\n  call();\r\n}\r\n';
    assert.deepEqual(changedLineRanges(before, after), [{ startLine: 2, endLine: 2 }]);
  });
});
