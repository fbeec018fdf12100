import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { evaluate } from '../../../src/core/check/engine';
import { ManifestCache, parseManifest } from '../../../src/core/rules/dependencies/manifest';
import { defaultPolicy, type Policy } from '../../../src/core/policy/policy';
import { dependenciesUndeclared } from '../../../src/core/rules/dependencies/undeclared';
import type { PackageManifestInfo } from '../../../src/core/rules/rule';

function manifestOf(json: object, manifestPath = 'package.json'): PackageManifestInfo {
  const parsed = parseManifest(JSON.stringify(json), manifestPath);
  assert.ok(parsed.ok);
  return parsed.manifest;
}

function check(filePath: string, text: string, manifest: PackageManifestInfo | undefined, policy: Policy = defaultPolicy()) {
  return evaluate(filePath, text, { policy, rules: [dependenciesUndeclared], manifest }).findings;
}

/** The package names flagged, in order. */
function flagged(filePath: string, text: string, manifest: PackageManifestInfo | undefined, policy?: Policy): string[] {
  return check(filePath, text, manifest, policy).map((finding) => text.slice(finding.start, finding.end));
}

describe('dependencies/undeclared', () => {
  const appManifest = manifestOf({
    name: '@acme/web',
    dependencies: { express: '^4.19.2', '@tanstack/react-query': '^5.0.0', lodash: '^4.17.21' },
    devDependencies: { '@types/express': '^4.17.21', '@types/vscode': '^1.91.0', '@types/babel__core': '^7.20.0' },
    peerDependencies: { react: '^18.0.0' },
    optionalDependencies: { fsevents: '^2.3.3' },
  });

  it('flags a hallucinated package as an error naming the package and the manifest', () => {
    const text = "import express from 'express';\nimport { retryWithBackoff } from 'express-retry-helper';\n";
    const findings = check('src/server.ts', text, appManifest);
    assert.equal(findings.length, 1);
    assert.equal(findings[0].severity, 'error');
    assert.equal(findings[0].ruleId, 'dependencies/undeclared');
    assert.equal(text.slice(findings[0].start, findings[0].end), 'express-retry-helper');
    assert.match(findings[0].message, /'express-retry-helper' is not declared in package\.json/);
    assert.match(findings[0].message, /hallucinated package/);
    assert.deepEqual(findings[0].startPosition, { line: 1, character: 34 });
  });

  it('flags require, dynamic import, re-export and import-equals forms', () => {
    const text = [
      "const yaml = require('js-yaml');",
      "const { default: chalk } = await import('chalk');",
      "export { v4 } from 'uuid';",
      "import got = require('got');",
    ].join('\n');
    assert.deepEqual(flagged('src/load.ts', text, appManifest), ['js-yaml', 'chalk', 'uuid', 'got']);
  });

  it('reports an optional load (sharp 0.35, bullmq 6.7) as info, and a required one, a rethrown one or an invented name as an error', () => {
    const severities = (text: string) => check('src/load.js', text, appManifest).map((finding) => `${text.slice(finding.start, finding.end)}:${finding.severity}`);
    const optional = [
      'let sharp;',
      "try { sharp = require('@img/sharp-wasm32/sharp.node'); } catch (err) { errors.push(err); }",
      'function createGlideBatch(isAtomic) {',
      "  try { const { Batch } = require('@valkey/valkey-glide'); return new Batch(isAtomic); } catch (_a) { return null; }",
      '}',
      "const yaml = await import('js-yaml').catch(() => undefined);",
      "const toml = (import('smol-toml')).then((m) => m, () => null);",
      "try { require('pino-pretty'); } catch (error) { if (error.code !== 'MODULE_NOT_FOUND') throw error; }",
    ].join('\n');
    assert.deepEqual(severities(optional), ['@img/sharp-wasm32:info', '@valkey/valkey-glide:info', 'js-yaml:info', 'smol-toml:info', 'pino-pretty:info']);
    assert.match(check('src/load.js', optional, appManifest)[0].message, /loaded as optional .* optionalDependencies/);
    const required = [
      "try { require('left-pad'); } catch (error) { throw new Error('install left-pad'); }",
      "try { run(); } catch { require('uuid'); }",
      "try { const load = () => require('got'); register(load); } catch {}",
      "const chalk = await import('chalk');",
      "import('ky').then((m) => m.default);",
      // A handler that only rethrows handles nothing, like a catch block that only throws.
      "const ms = await import('ms').catch((error) => { throw new Error(`install ms: ${error}`); });",
      "import('nanoid').then(use, function (error) { throw error; });",
      // A known bad name stays an error, however it is loaded.
      "try { require('crossenv'); } catch {}",
    ].join('\n');
    assert.deepEqual(severities(required), ['left-pad:error', 'uuid:error', 'got:error', 'chalk:error', 'ky:error', 'ms:error', 'nanoid:error', 'crossenv:error']);
  });

  it('accepts every dependency field, subpaths, scoped packages and the package itself', () => {
    const text = [
      "import express from 'express';",
      "import fp from 'lodash/fp';",
      "import { useQuery } from '@tanstack/react-query';",
      "import { useState } from 'react';",
      "import 'fsevents';",
      "import { version } from '@acme/web/package.json';",
    ].join('\n');
    assert.deepEqual(flagged('src/app.tsx', text, appManifest), []);
  });

  it('flags only the package part of a scoped specifier with a subpath', () => {
    const text = "import { Button } from '@acme/ui/button';";
    assert.deepEqual(flagged('src/app.tsx', text, appManifest), ['@acme/ui']);
  });

  it('never flags builtins, with or without node:, including node:-only modules', () => {
    const text = [
      "import { readFile } from 'node:fs/promises';",
      "import path from 'path';",
      "import { test } from 'node:test';",
      "import { DatabaseSync } from 'node:sqlite';",
      "const cp = require('child_process');",
    ].join('\n');
    assert.deepEqual(flagged('src/io.ts', text, appManifest), []);
  });

  it('flags the npm packages that share a name with node:-only builtins', () => {
    assert.deepEqual(flagged('src/t.ts', "import test from 'test';", appManifest), ['test']);
  });

  it('skips relative paths, aliases, subpath imports and URLs', () => {
    const text = [
      "import { db } from './db';",
      "import Button from '@/components/Button';",
      "import { cn } from '~/lib/utils';",
      "import { env } from '#config/env';",
      "import confetti from 'https://esm.sh/canvas-confetti@1.6.0';",
    ].join('\n');
    assert.deepEqual(flagged('src/page.tsx', text, appManifest), []);
  });

  it('accepts a type-only import when only @types/x is declared, but not a value import', () => {
    const typeOnly = [
      "import type { TransformOptions } from '@babel/core';",
      "import type { RequestHandler } from 'express';",
    ].join('\n');
    assert.deepEqual(flagged('src/build.ts', typeOnly, appManifest), []);
    const valueImport = "import { transformSync } from '@babel/core';";
    assert.deepEqual(flagged('src/build.ts', valueImport, appManifest), ['@babel/core']);
  });

  it('accepts a type that may not resolve on purpose (@ts-ignore on the line before, as the Anthropic SDK writes them), but not a value import there', () => {
    const text = [
      '/** @ts-ignore For users with undici */ /* prettier-ignore */',
      "type UndiciRequestInit = NotAny<import('undici').RequestInit> | NotAny<import('undici').RequestInit>;",
      '// @ts-expect-error optional peer',
      "import type { Agent } from 'socks-proxy-agent';",
      '// @ts-ignore',
      "import { fetch } from 'node-fetch';",
      "type Plain = import('undici-types').RequestInit;",
      '// a comment that mentions @ts-ignore later',
      "type Later = import('ky').Options;",
    ].join('\n');
    assert.deepEqual(flagged('src/internal/types.ts', text, appManifest), ['node-fetch', 'undici-types', 'ky']);
  });

  it('treats vscode as declared when @types/vscode or engines.vscode is, and only then', () => {
    const text = "import * as vscode from 'vscode';";
    assert.deepEqual(flagged('src/extension.ts', text, appManifest), []);
    assert.deepEqual(flagged('src/extension.ts', text, manifestOf({ name: 'ext', engines: { vscode: '^1.91.0' } })), []);
    assert.deepEqual(flagged('src/extension.ts', text, manifestOf({ name: 'ext', dependencies: {} })), ['vscode']);
  });

  it('reports nothing without a manifest', () => {
    assert.deepEqual(flagged('src/server.ts', "import x from 'totally-made-up';", undefined), []);
  });

  it('honours the ignore option for tsconfig path aliases, by name or by glob on the specifier', () => {
    const text = "import { db } from 'server/db';\nimport { Card } from '@app/ui/Card';\nimport bogus from 'bogus-pkg';";
    const policy = defaultPolicy();
    policy.rules['dependencies/undeclared'] = { options: { ignore: ['server/**', '@app/*'] } };
    assert.deepEqual(flagged('src/page.ts', text, appManifest, policy), ['bogus-pkg']);
  });

  it('uses the nearest package.json of a real nested workspace', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-undeclared-'));
    try {
      fs.mkdirSync(path.join(root, 'packages/api/src'), { recursive: true });
      fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'root', devDependencies: { typescript: '5.9.3', zod: '3' } }));
      fs.writeFileSync(path.join(root, 'packages/api/package.json'), JSON.stringify({ name: '@acme/api', dependencies: { fastify: '4' } }));
      const cache = new ManifestCache({ workspaceRoot: root });
      const filePath = 'packages/api/src/server.ts';
      const text = "import Fastify from 'fastify';\nimport { z } from 'zod';\n";
      const findings = check(filePath, text, cache.manifestFor(path.join(root, filePath)));
      assert.equal(findings.length, 1);
      assert.match(findings[0].message, /'zod' is not declared in packages\/api\/package\.json/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('skips non-script files and survives odd input', () => {
    assert.deepEqual(flagged('README.md', "import x from 'nope';", appManifest), []);
    const odd = "import { from 'broken\nrequire(\nimport(\n`${x}`\nrequire(`tmpl${x}`)";
    const findings = check('src/odd.ts', odd, appManifest);
    assert.ok(findings.every((finding) => finding.ruleId === 'dependencies/undeclared' && !/failed/.test(finding.message)));
  });
});
