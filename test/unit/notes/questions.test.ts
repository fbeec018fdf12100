import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ts } from 'ts-morph';
import { blockQuestions, inlineCode, packageName, type BlockQuestion } from '../../../src/core/notes/questions';

const fixture = (name: string): string => readFileSync(join(__dirname, '../../../../test/fixtures/notes', name), 'utf8');

/** Questions for the whole snippet. */
function ask(code: string, path = 'src/snippet.ts', maxQuestions = 50): BlockQuestion[] {
  const lines = code.split('\n').length;
  return blockQuestions(path, code, { startLine: 1, endLine: lines }, { maxQuestions });
}

const kinds = (questions: BlockQuestion[]): string[] => questions.map((question) => question.kind);

describe('notes questions', () => {
  describe('network calls', () => {
    it('asks for the timeout of a fetch and names its line', () => {
      const questions = ask(['export async function getUser(id: string) {', '  const response = await fetch(`/api/users/${id}`);', '  return response.json();', '}'].join('\n'));
      const network = questions.filter((question) => question.kind === 'network');
      assert.equal(network.length, 1);
      assert.equal(network[0].text, 'What is the timeout on `fetch(...)` at line 2, and what happens when it fails?');
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
          [7, 'axios.post(...)'],
          [8, 'got(...)'],
          [9, 'ky.get(...)'],
          [10, 'undiciRequest(...)'],
          [11, 'https.request(...)'],
          [12, 'new WebSocket(...)'],
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
      assert.equal(loops[0].text, 'What bounds the loop at line 2?');
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
      assert.equal(questions[0].text, 'What happens when `db.insert(...)` at line 2 rejects?');
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
        ['Why is handling the error here (line 4) correct?', 'The catch at line 10 is empty: why is ignoring the error here correct?'],
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
        ['Why is handling the error here (line 2) correct?', 'The `.catch` at line 3 ignores the error: why is that correct?'],
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
        ['p-retry', 'mime-types'],
      );
    });

    it('keeps ids when lines move above the block, and changes the line', () => {
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
      assert.match(after[0].text, /at line 19/);
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
      assert.equal(all.filter((question) => question.kind === 'unhandled-await' && question.text.includes('`run(...)` at line 5')).length, 1);
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

    it('asks nothing for other languages', () => {
      const python = 'import requests\n\nwhile True:\n    requests.get("https://example.invalid", timeout=None)\n';
      assert.deepEqual(blockQuestions('scripts/poll.py', python, { startLine: 1, endLine: 4 }), []);
      assert.deepEqual(blockQuestions('README.md', 'fetch(url)', { startLine: 1, endLine: 1 }), []);
    });

    it('writes inline code that survives backticks', () => {
      assert.equal(inlineCode('a'), '`a`');
      assert.equal(inlineCode('x`y'), '``x`y``');
      assert.equal(inlineCode('`edge'), '`` `edge ``');
    });
  });
});
