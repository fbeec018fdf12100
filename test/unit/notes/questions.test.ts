import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ts } from 'ts-morph';
import { blockQuestions, inlineCode, packageName, type BlockQuestion } from '../../../src/core/notes/questions';
import { loadGrammars } from '../../../src/core/languages/tree-sitter';

const fixture = (name: string): string => readFileSync(join(__dirname, '../../../../test/fixtures/notes', name), 'utf8');

/** Questions for the whole snippet. */
function ask(code: string, path = 'src/snippet.ts', maxQuestions = 50): BlockQuestion[] {
  const lines = code.split('\n').length;
  return blockQuestions(path, code, { startLine: 1, endLine: lines }, { maxQuestions });
}

const kinds = (questions: BlockQuestion[]): string[] => questions.map((question) => question.kind);

describe('notes questions', () => {
  describe('network calls', () => {
    it('asks for the timeout of a fetch, naming the call rather than its line', () => {
      const questions = ask(['export async function getUser(id: string) {', '  const response = await fetch(`/api/users/${id}`);', '  return response.json();', '}'].join('\n'));
      const network = questions.filter((question) => question.kind === 'network');
      assert.equal(network.length, 1);
      assert.equal(network[0].text, 'What is the timeout on ``fetch(`/api/users/${id}`)``, and what happens when it fails?');
      assert.equal(network[0].line, 2);
      // The awaited fetch is asked about once, as a network call, not again as an unhandled await.
      assert.ok(!questions.some((question) => question.kind === 'unhandled-await' && question.line === 2));
    });

    it('recognises axios, got, ky, http.request via require and named undici imports', () => {
      const code = [
        "import axios from 'axios';",
        "import got from 'got';",
        "import ky from 'ky';",
        "import { request as undiciRequest } from 'undici';",
        "const https = require('node:https');",
        'export async function sync() {',
        "  await axios.post('/orders', { id: 1 });",
        "  const body = await got('https://example.invalid').json();",
        "  await ky.get('/health');",
        "  await undiciRequest('http://localhost:3000');",
        "  https.request({ host: 'example.invalid' }, () => {}).end();",
        "  const socket = new WebSocket('wss://example.invalid');",
        '}',
      ].join('\n');
      const network = ask(code).filter((question) => question.kind === 'network');
      assert.deepEqual(
        network.map((question) => [question.line, question.text.match(/`([^`]+)`/)?.[1]]),
        [
          [7, "axios.post('/orders', …)"],
          [8, 'got(…)'],
          [9, "ky.get('/health')"],
          [10, "undiciRequest('http://localhost:3000')"],
          [11, 'https.request(…)'],
          [12, "new WebSocket('wss://example.invalid')"],
        ],
      );
    });

    it('does not treat ordinary method calls named get or fetch as network calls', () => {
      const code = [
        'export function lookup(cache: Map<string, number>, store: { fetch(k: string): number }) {',
        "  const hit = cache.get('a');",
        "  return hit ?? store.fetch('a');",
        '}',
      ].join('\n');
      assert.deepEqual(kinds(ask(code)), []);
    });
  });

  describe('loops', () => {
    it('asks what bounds while, do, for(;;), for-await and for-of over a value', () => {
      const code = [
        'export async function drain(queue: { next(): number | undefined }, items: number[], stream: AsyncIterable<string>) {',
        '  while (queue.next() !== undefined) {}',
        '  do { queue.next(); } while (Math.random() > 0.5);',
        '  for (;;) { break; }',
        '  for await (const chunk of stream) { console.log(chunk); }',
        '  for (const item of items) { console.log(item); }',
        '  for (let i = 0; i < items.length; i++) {}',
        '}',
      ].join('\n');
      const loops = ask(code).filter((question) => question.kind === 'loop');
      assert.deepEqual(
        loops.map((question) => question.line),
        [2, 3, 4, 5, 6, 7],
      );
      assert.equal(loops[0].text, 'What bounds `while (queue.next() !== undefined)`?');
    });

    it('does not ask about loops bounded in the code itself', () => {
      const code = [
        'export function fixed() {',
        '  for (let i = 0; i < 10; i++) {}',
        '  for (let i = 3; i >= 0; i--) {}',
        "  for (const name of ['a', 'b']) { console.log(name); }",
        '  for (const key in { a: 1 }) { console.log(key); }',
        '}',
      ].join('\n');
      assert.deepEqual(kinds(ask(code)), []);
    });
  });

  describe('awaited calls outside try', () => {
    it('asks what happens when an awaited call outside any try rejects', () => {
      const code = ['export async function save(db: { insert(row: object): Promise<void> }) {', '  await db.insert({ id: 1 });', '}'].join('\n');
      const questions = ask(code);
      assert.deepEqual(kinds(questions), ['unhandled-await']);
      assert.equal(questions[0].text, 'What happens when `db.insert({ id: 1 })` rejects?');
    });

    it('does not ask inside a try block, with .catch, or for Promise.allSettled', () => {
      const code = [
        'export async function save(db: { insert(row: object): Promise<void> }, jobs: Promise<void>[]) {',
        '  try {',
        '    await db.insert({ id: 1 });',
        '  } finally {',
        "    console.log('done');",
        '  }',
        '  await Promise.allSettled(jobs);',
        '}',
      ].join('\n');
      assert.deepEqual(kinds(ask(code)), []);
    });

    it('asks for an await in a catch block and in a callback defined inside a try', () => {
      const code = [
        'export async function save(db: { insert(row: object): Promise<void>; log(e: unknown): Promise<void> }) {',
        '  try {',
        '    [1, 2].forEach(async (id) => {',
        '      await db.insert({ id });',
        '    });',
        '  } catch (error) {',
        '    await db.log(error);',
        '  }',
        '}',
      ].join('\n');
      const awaits = ask(code).filter((question) => question.kind === 'unhandled-await');
      assert.deepEqual(
        awaits.map((question) => question.line),
        [4, 7],
      );
    });

    it('counts a try that encloses the block from outside its line range', () => {
      const code = ['export async function run(task: () => Promise<void>) {', '  try {', '    await task();', '  } catch (error) {', '    console.error(error);', '  }', '}'].join('\n');
      const questions = blockQuestions('src/run.ts', code, { startLine: 3, endLine: 3 });
      assert.deepEqual(questions, []);
    });
  });

  describe('error handling', () => {
    it('asks why a catch clause is correct, and calls out an empty one', () => {
      const code = [
        'export function parse(text: string) {',
        '  try {',
        '    return JSON.parse(text);',
        '  } catch (error) {',
        "    console.warn('bad json', error);",
        '    return undefined;',
        '  }',
        '}',
        'export function quiet(text: string) {',
        '  try { return JSON.parse(text); } catch {}',
        '}',
      ].join('\n');
      const catches = ask(code).filter((question) => question.kind === 'catch');
      assert.deepEqual(
        catches.map((question) => question.text),
        [
          'Why is it correct to handle an error of `return JSON.parse(text)` the way its catch does?',
          'The catch around `return JSON.parse(text)` is empty: why is ignoring the error there correct?',
        ],
      );
    });

    it('asks about .catch handlers, and calls out one that swallows the error', () => {
      const code = [
        'export function start(job: Promise<void>, other: Promise<void>) {',
        '  job.catch((error) => console.error(error));',
        '  other.catch(() => {});',
        '}',
      ].join('\n');
      const catches = ask(code).filter((question) => question.kind === 'catch');
      assert.deepEqual(
        catches.map((question) => question.text),
        ['Why is handling the error the way `job.catch(...)` does correct?', '`other.catch(...)` ignores the error: why is that correct?'],
      );
    });
  });

  describe('dependencies', () => {
    it('asks why each package is used, by package name', () => {
      const code = [
        "import debounce from 'lodash/debounce';",
        "import { z } from 'zod';",
        "import { Command } from '@oclif/core/lib/command';",
        "const express = require('express');",
        "const lazy = () => import('chalk');",
      ].join('\n');
      const dependencies = ask(code).filter((question) => question.kind === 'dependency');
      assert.deepEqual(
        dependencies.map((question) => question.text.match(/`([^`]+)`/)?.[1]),
        ['lodash', 'zod', '@oclif/core', 'express', 'chalk'],
      );
      assert.equal(dependencies[1].text, 'Why `zod`? What does it do that the standard library or an existing dependency does not?');
    });

    it('does not ask about built-ins, relative imports or type-only imports', () => {
      const code = [
        "import { readFile } from 'node:fs/promises';",
        "import path from 'path';",
        "import { helper } from './helper';",
        "import type { Options } from 'some-types-only';",
        "const os = require('os');",
      ].join('\n');
      assert.deepEqual(kinds(ask(code)), []);
    });

    it('maps specifiers to package names', () => {
      assert.equal(packageName('lodash/fp'), 'lodash');
      assert.equal(packageName('@scope/pkg/deep/file.js'), '@scope/pkg');
      assert.equal(packageName('node:crypto'), undefined);
      assert.equal(packageName('crypto'), undefined);
      assert.equal(packageName('../x'), undefined);
      assert.equal(packageName('https://esm.sh/react'), undefined);
    });
  });

  describe('regular expressions', () => {
    it('asks what input a regex literal, new RegExp and RegExp() reject', () => {
      const code = [
        'export function valid(email: string, pattern: string) {',
        '  const simple = /^[^@\\s]+@[^@\\s]+$/;',
        "  const built = new RegExp('^order-\\\\d+$', 'i');",
        '  const dynamic = RegExp(pattern);',
        '  return simple.test(email) && built.test(email) && dynamic.test(email);',
        '}',
      ].join('\n');
      const regexes = ask(code).filter((question) => question.kind === 'regex');
      assert.deepEqual(
        regexes.map((question) => question.text),
        ['What input does `/^[^@\\s]+@[^@\\s]+$/` reject?', 'What input does `/^order-\\d+$/i` reject?', 'What input does `RegExp(pattern)` reject?'],
      );
    });

    it('finds no regex question in code without one', () => {
      assert.deepEqual(kinds(ask("export const sum = (a: number, b: number) => a + b;\nexport const label = 'a/b/c';")), []);
    });
  });

  describe('risky constructs', () => {
    const texts = (code: string, kind: string): string[] => ask(code).filter((question) => question.kind === kind).map((question) => question.text);

    it('asks what a shell command is built from: exec always, spawn/execFile only with a shell or a built command', () => {
      const code = [
        "import { exec, execFile, spawn } from 'node:child_process';",
        "import * as cp from 'child_process';",
        "import { promisify } from 'node:util';",
        'const run = promisify(exec);',
        'export async function backup(name: string, tool: string) {',
        '  exec(`tar -czf /backups/${name}.tgz /srv/${name}`);',
        "  execFile('tar', ['-czf', name]);",
        "  spawn('ls', [name], { shell: true });",
        '  cp.execSync(`rm -rf /tmp/${name}`);',
        '  await run(`du -sh ${name}`);',
        '  spawn(tool, []);',
        '}',
      ].join('\n');
      const shell = ask(code).filter((question) => question.kind === 'shell');
      assert.deepEqual(
        shell.map((question) => question.line),
        [6, 8, 9, 10, 11],
        'execFile with a literal command and an argument array is not asked about',
      );
      assert.equal(shell[0].text, 'What is the command in `exec(…)` built from, and can any of it reach the shell as code?');
    });

    it('asks about SQL built from values, eval, auth checks, file writes, weak hashes, ciphers, intervals and environment reads', () => {
      const code = [
        "import { writeFile } from 'node:fs/promises';",
        "import * as fs from 'node:fs';",
        "import { createHash, createCipheriv } from 'node:crypto';",
        "import jwt from 'jsonwebtoken';",
        'export async function handle(db: any, req: any, key: Buffer, iv: Buffer) {',
        '  await db.query(`SELECT * FROM users WHERE id = ${req.id}`);',
        "  await db.query('SELECT 1', []);",
        '  const total = eval(req.expression);',
        '  const user = jwt.verify(req.token, process.env.JWT_SECRET);',
        "  await writeFile(`/tmp/${req.name}`, 'x');",
        "  fs.appendFileSync('audit.log', req.id);",
        "  const etag = createHash('md5').update(req.body).digest('hex');",
        "  const safe = createHash('sha256').update(req.body).digest('hex');",
        "  const cipher = createCipheriv('aes-256-gcm', key, iv);",
        '  setInterval(() => db.ping(), 1000);',
        "  return [total, user, etag, safe, cipher, process.env['REGION']];",
        '}',
      ].join('\n');
      const all = blockQuestions('src/snippet.ts', code, { startLine: 1, endLine: 17 }, { maxQuestions: 20 });
      assert.deepEqual(
        all.map((question) => [question.kind, question.line]),
        [
          ['sql', 6],
          ['eval', 8],
          ['auth', 9],
          // Whether an awaited query or write rejects is its own question.
          ['unhandled-await', 6],
          ['unhandled-await', 7],
          ['unhandled-await', 10],
          ['file-write', 10],
          ['file-write', 11],
          ['env', 9],
          ['crypto', 12],
          ['crypto', 14],
          ['timer', 15],
          ['dependency', 4],
        ],
        'a literal SQL text with parameters, and sha256, are not asked about',
      );
      assert.equal(all.find((question) => question.kind === 'env')?.text, 'What happens when `JWT_SECRET`, `REGION` are unset or malformed?');
      assert.equal(all.find((question) => question.kind === 'auth')?.text, 'What does `jwt.verify(req.token, …)` check, and what happens when the check fails?');
    });

    it('asks about the block from the issue: a tar command built from a name', () => {
      const code = ["import { exec } from 'child_process';", 'export function pack(name: string) {', '  exec(`tar -czf out.tgz ${name}`, () => {});', '}'].join('\n');
      assert.deepEqual(kinds(ask(code)), ['shell']);
    });
  });

  describe('blocks, ids and limits', () => {
    const text = fixture('upload-client.mjs');

    it('asks only about constructs inside the block, using the whole file for context', () => {
      const upload = blockQuestions('src/upload-client.mjs', text, { startLine: 9, endLine: 28 });
      assert.deepEqual(
        upload.map((question) => [question.kind, question.line]),
        [
          ['network', 17],
          ['unhandled-await', 10],
          ['regex', 12],
        ],
      );
      const uploadAll = blockQuestions('src/upload-client.mjs', text, { startLine: 30, endLine: 40 });
      assert.deepEqual(
        uploadAll.map((question) => [question.kind, question.line]),
        [
          ['loop', 32],
          ['catch', 35],
        ],
      );
      const imports = blockQuestions('src/upload-client.mjs', text, { startLine: 1, endLine: 7 });
      assert.deepEqual(
        imports.map((question) => question.text.match(/`([^`]+)`/)?.[1]),
        ['UPLOAD_API', 'p-retry', 'mime-types'],
      );
    });

    it('keeps ids and texts when lines move above the block, and changes the line', () => {
      const before = blockQuestions('src/upload-client.mjs', text, { startLine: 9, endLine: 28 });
      const shifted = `// a new header comment\n// and another line\n${text}`;
      const after = blockQuestions('src/upload-client.mjs', shifted, { startLine: 11, endLine: 30 });
      assert.deepEqual(
        after.map((question) => question.id),
        before.map((question) => question.id),
      );
      assert.deepEqual(
        after.map((question) => question.line),
        before.map((question) => question.line + 2),
      );
      assert.deepEqual(
        after.map((question) => question.text),
        before.map((question) => question.text),
        'a question names its construct, not a line number that drifts',
      );
    });

    it('changes the id when the construct changes', () => {
      const first = ask('export const load = () => fetch("/a");')[0];
      const second = ask('export const load = () => fetch("/b");')[0];
      assert.equal(first.kind, 'network');
      assert.notEqual(first.id, second.id);
      assert.match(first.id, /^network-[0-9a-f]{12}$/);
    });

    it('dedupes identical constructs and caps the count, most important first', () => {
      const code = [
        "import a from 'pkg-a';",
        "import b from 'pkg-b';",
        'export async function many(items: string[], run: (s: string) => Promise<void>) {',
        '  const r1 = /a+/;',
        '  await run("x");',
        '  await run("x");',
        '  while (items.length) items.pop();',
        '  for (const item of items) await run(item);',
        '  await fetch("/one");',
        '  try { await fetch("/two"); } catch (e) { console.error(e); }',
        '}',
      ].join('\n');
      const all = ask(code);
      assert.equal(all.filter((question) => question.kind === 'unhandled-await' && question.text.includes('`run("x")`')).length, 1);
      assert.ok(!all.some((question) => question.line === 6 && question.kind === 'unhandled-await'));
      const capped = blockQuestions('src/snippet.ts', code, { startLine: 1, endLine: 11 });
      assert.equal(capped.length, 6);
      assert.deepEqual(kinds(capped), ['network', 'network', 'unhandled-await', 'unhandled-await', 'loop', 'loop']);
      assert.deepEqual(blockQuestions('src/snippet.ts', code, { startLine: 1, endLine: 11 }, { maxQuestions: 2 }).length, 2);
    });

    it('accepts a tree the engine already parsed', () => {
      const code = 'export const ping = () => fetch("/ping");';
      const sourceFile = ts.createSourceFile('src/ping.ts', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
      assert.deepEqual(blockQuestions('src/ping.ts', code, { startLine: 1, endLine: 1 }, { sourceFile }), ask(code, 'src/ping.ts'));
    });

    it('asks nothing for files of no language, and Python through its own module (questions-python.test.ts)', async () => {
      await loadGrammars(['python']);
      const python = 'import requests\n\nwhile True:\n    requests.get("https://example.invalid", timeout=None)\n';
      assert.deepEqual(blockQuestions('scripts/poll.py', python, { startLine: 1, endLine: 4 }).map((question) => question.kind), ['network', 'loop']);
      assert.deepEqual(blockQuestions('README.md', 'fetch(url)', { startLine: 1, endLine: 1 }), []);
    });

    it('writes inline code that survives backticks', () => {
      assert.equal(inlineCode('a'), '`a`');
      assert.equal(inlineCode('x`y'), '``x`y``');
      assert.equal(inlineCode('`edge'), '`` `edge ``');
    });
  });
});
