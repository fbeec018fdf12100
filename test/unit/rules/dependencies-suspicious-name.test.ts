import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { evaluate } from '../../../src/core/check/engine';
import { defaultPolicy } from '../../../src/core/policy/policy';
import { declaredPackages } from '../../../src/core/rules/dependencies/declared-packages';
import { ManifestCache } from '../../../src/core/rules/dependencies/manifest';
import { dependenciesSuspiciousName } from '../../../src/core/rules/dependencies/suspicious-name';
import { suspiciousName } from '../../../src/core/rules/dependencies/suspicious-names';
import { dependenciesUndeclared } from '../../../src/core/rules/dependencies/undeclared';
import { TempWorkspaces } from './temp-workspace';

/**
 * The labelled table: names an assistant declared that are made up, squatted or malicious
 * (none has 500 downloads a month on npm, or npm took it down), and real packages of the same
 * shapes. Every one is checked declared and NOT installed, the case where the rule has least to go on.
 */
const SUSPICIOUS = [
  'react-codeshift', 'huggingface-cli', 'flatmap-stream', 'crossenv', 'mongose', 'nodesass', 'jquery.js', 'mysqljs',
  'numpy', 'boto3', 'awscli', 'axios-helper', 'express-utils', 'zod-utils', 'node-zod', 'lodash-helper',
  'dotenv-js', 'typescript-helper', 'mongoose-helper', 'openai-sdk', 'stripe-sdk', 'vue-js', 'webpack-helper',
  'easy-axios', 'jsonwebtoken-utils', 'redis-helper',
  // Not shaped like anything the rule knows: the misses are part of the measure.
  '@openai/sdk', '@anthropic/sdk', 'jwt-verify-simple', 'secure-password-hasher', 'express-rate-guard',
];
const REAL = [
  'eslint-plugin-react', 'react-dom', 'ts-node', 'vue-router', '@types/node', 'lodash.merge', 'webpack-cli', 'jest-cli',
  'dotenv-cli', 'firebase-tools', 'js-cookie', 'source-map-js', 'postcss-js', 'grunt-cli', 'gulp-cli', 'sequelize-cli',
  'vite-node', 'mobx-react-lite', 'puppeteer-extra', 'node-fetch', 'react-router-dom', 'axios-retry', 'graphql-tools',
  'prop-types-extra', 'yamljs', 'expect.js', 'lodash-es', 'deepmerge-ts', 'eslint-utils', 'node-uuid',
];

const workspaces = new TempWorkspaces('cf-deps-sus-');
const make = (files: Record<string, string | object>): string => workspaces.make(files);

/** What the rule reports on `file`: the flagged names (the finding's text) and severities. */
function check(root: string, file = 'package.json'): { name: string; severity: string; message: string }[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const manifest = new ManifestCache({ workspaceRoot: root }).manifestFor(path.join(root, file));
  return evaluate(file, text, { policy: defaultPolicy(), rules: [dependenciesSuspiciousName], manifest }).findings.map((finding) => ({
    name: text.slice(finding.start, finding.end),
    severity: finding.severity,
    message: finding.message,
  }));
}

describe('dependencies/suspicious-name', () => {
  after(() => {
    workspaces.removeAll();
  });

  it('on the labelled table: recall and precision over declared, uninstalled names', () => {
    const dependencies = Object.fromEntries([...SUSPICIOUS, ...REAL].map((name) => [name, '^1.0.0']));
    const root = make({ 'package.json': { name: 'app', dependencies }, 'package-lock.json': { name: 'app', lockfileVersion: 3, packages: {} } });
    const flagged = new Set(check(root).map((finding) => finding.name));
    const truePositives = SUSPICIOUS.filter((name) => flagged.has(name));
    const falsePositives = REAL.filter((name) => flagged.has(name));
    assert.deepEqual(falsePositives, [], 'precision 1.0 on the real names');
    assert.deepEqual(
      SUSPICIOUS.filter((name) => !flagged.has(name)),
      ['@openai/sdk', '@anthropic/sdk', 'jwt-verify-simple', 'secure-password-hasher', 'express-rate-guard'],
    );
    assert.equal(truePositives.length, 26);
    assert.ok(SUSPICIOUS.length + REAL.length >= 40);
  });

  it('does not judge the shape of an installed or locked package: it exists', () => {
    const root = make({
      'package.json': { name: 'app', dependencies: { 'axios-helper': '1', 'node-zod': '1', numpy: '1', 'zod-utils': '1' } },
      'node_modules/axios-helper/package.json': { name: 'axios-helper', version: '1.0.0' },
      'package-lock.json': { lockfileVersion: 3, packages: { 'node_modules/node-zod': { version: '1.0.0' }, 'node_modules/numpy': { version: '1.0.0' } } },
    });
    assert.deepEqual(check(root).map((finding) => finding.name), ['zod-utils']);
  });

  it('reports a known malicious name even when installed, at error, saying where the knowledge comes from', () => {
    const root = make({
      'package.json': { name: 'app', dependencies: { 'event-stream': '3.3.6', 'flatmap-stream': '0.1.1' } },
      'node_modules/flatmap-stream/package.json': { name: 'flatmap-stream', version: '0.1.1' },
    });
    const [finding, ...rest] = check(root);
    assert.deepEqual(rest, []);
    assert.equal(finding.name, 'flatmap-stream');
    assert.equal(finding.severity, 'error');
    assert.match(finding.message, /event-stream incident/);
  });

  it('judges an npm: alias by its target, and skips workspace, file, link and git sources and workspace packages', () => {
    const root = make({
      'package.json': {
        name: 'app',
        workspaces: ['packages/*'],
        dependencies: {
          lodash: 'npm:lodash-helper@^1',
          'axios-helper': 'file:../axios-helper',
          'express-utils': 'workspace:*',
          'zod-utils': 'github:someone/zod-utils',
          'node-zod': 'link:../node-zod',
          'redis-helper': '^1',
        },
      },
      'packages/redis-helper/package.json': { name: 'redis-helper', version: '1.0.0' },
    });
    assert.deepEqual(check(root).map((finding) => finding.name), ['lodash']);
  });

  it('reads only package.json files, never one under node_modules, and honours the ignore option', () => {
    const manifest = JSON.stringify({ dependencies: { 'axios-helper': '1' } });
    const root = make({ 'package.json': { name: 'app' }, 'notes.json': manifest, 'node_modules/x/package.json': manifest, 'sub/package.json': manifest });
    assert.deepEqual(check(root, 'notes.json'), []);
    assert.deepEqual(check(root, 'node_modules/x/package.json'), []);
    assert.deepEqual(check(root, 'sub/package.json').map((finding) => finding.name), ['axios-helper']);
    const policy = defaultPolicy();
    policy.rules['dependencies/suspicious-name'] = { options: { ignore: ['axios-*'] } };
    const text = fs.readFileSync(path.join(root, 'sub/package.json'), 'utf8');
    const manifestInfo = new ManifestCache({ workspaceRoot: root }).manifestFor(path.join(root, 'sub/package.json'));
    assert.deepEqual(evaluate('sub/package.json', text, { policy, rules: [dependenciesSuspiciousName], manifest: manifestInfo }).findings, []);
  });

  it('an undeclared import says what its name gives away, and only then', () => {
    const root = make({ 'package.json': { name: 'app', dependencies: { express: '4' } }, 'a.ts': "import a from 'flatmap-stream';\nimport b from 'axios-helper';\nimport c from 'left-pad';\n" });
    const text = fs.readFileSync(path.join(root, 'a.ts'), 'utf8');
    const manifest = new ManifestCache({ workspaceRoot: root }).manifestFor(path.join(root, 'a.ts'));
    const messages = evaluate('a.ts', text, { policy: defaultPolicy(), rules: [dependenciesUndeclared], manifest }).findings.map((finding) => finding.message);
    assert.equal(messages.length, 3);
    assert.match(messages[0], /Do not install it: it is a known malicious package name \(npm advisory for the event-stream incident/);
    assert.match(messages[1], /Its name is 'axios' with a generic word added/);
    assert.doesNotMatch(messages[2], /Its name|Do not install/);
  });

  it('finds declarations with their offsets, and survives broken JSON', () => {
    const text = '{\n  "dependencies": { "a": "1", "b": "npm:@s/c@2" },\n  "devDependencies": { "d": "git+https://x/y.git" }\n}\n';
    const declared = declaredPackages(text);
    assert.deepEqual(declared.map((entry) => [entry.name, entry.target, entry.field, entry.localSource ?? '', text.slice(entry.start, entry.end)]), [
      ['a', 'a', 'dependencies', '', 'a'],
      ['b', '@s/c', 'dependencies', '', 'b'],
      ['d', 'd', 'devDependencies', 'git+https://x/y.git', 'd'],
    ]);
    assert.deepEqual(declaredPackages('{"dependencies": {"a": ').map((entry) => entry.name), ['a']);
    assert.deepEqual(declaredPackages('[]'), []);
  });

  it('the shape needs a well-known base and a generic word: real neighbours and short bases are not suspicious', () => {
    for (const name of ['react-dom', 'ts-node', 'lodash.merge', 'chart.js', 'webpack-cli', 'q-js', 'co-cli', '@scope/axios-helper']) {
      assert.equal(suspiciousName(name), undefined, name);
    }
    assert.equal(suspiciousName('AXIOS-helper')?.base, 'axios');
    assert.equal(suspiciousName('zodjs')?.base, 'zod');
  });
});
