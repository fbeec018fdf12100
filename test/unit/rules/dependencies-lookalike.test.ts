import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { evaluate } from '../../../src/core/check/engine';
import { parseManifest } from '../../../src/core/rules/dependencies/manifest';
import { defaultPolicy, type Policy } from '../../../src/core/policy/policy';
import { dependenciesLookalike } from '../../../src/core/rules/dependencies/lookalike';
import { editDistance } from '../../../src/core/rules/dependencies/edit-distance';
import { resemblance } from '../../../src/core/rules/dependencies/lookalike-match';
import { classifySpecifier } from '../../../src/core/rules/dependencies/package-name';
import { WELL_KNOWN_PACKAGES } from '../../../src/core/rules/dependencies/well-known';
import type { PackageManifestInfo } from '../../../src/core/rules/rule';

function manifestOf(json: object): PackageManifestInfo {
  const parsed = parseManifest(JSON.stringify(json), 'package.json');
  assert.ok(parsed.ok);
  return parsed.manifest;
}

function check(text: string, manifest?: PackageManifestInfo, policy: Policy = defaultPolicy()) {
  return evaluate('src/util.ts', text, { policy, rules: [dependenciesLookalike], manifest }).findings;
}

function messageFor(specifier: string, manifest?: PackageManifestInfo): string | undefined {
  const findings = check(`import x from '${specifier}';`, manifest);
  assert.ok(findings.length <= 1);
  return findings[0]?.message;
}

/** Plain Damerau–Levenshtein (optimal string alignment), written the textbook way, to check the bounded one against. */
function referenceDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

describe('dependencies/lookalike', () => {
  describe('edit distance', () => {
    it('counts insertions, deletions, substitutions and adjacent swaps as one edit', () => {
      assert.equal(editDistance('lodash', 'lodash'), 0);
      assert.equal(editDistance('loadsh', 'lodash'), 1);
      assert.equal(editDistance('expres', 'express'), 1);
      assert.equal(editDistance('axois', 'axios'), 1);
      assert.equal(editDistance('reqeust', 'request'), 1);
      assert.equal(editDistance('mongose', 'mongoose'), 1);
      assert.equal(editDistance('kitten', 'sitting'), 3);
      assert.equal(editDistance('', 'abc'), 3);
    });

    it('agrees with the textbook algorithm, and stops at the limit', () => {
      const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '-'), maxLength: 9 });
      fc.assert(
        fc.property(word, word, fc.integer({ min: 0, max: 4 }), (a, b, limit) => {
          const expected = referenceDistance(a, b);
          assert.equal(editDistance(a, b), expected);
          assert.equal(editDistance(a, b, limit), Math.min(expected, limit + 1));
          assert.equal(editDistance(b, a), expected);
        }),
      );
    });
  });

  describe('resemblance', () => {
    it('recognises separator swaps, scope confusion, js suffixes and case', () => {
      assert.equal(resemblance('lodash_merge', 'lodash.merge')?.kind, 'separators');
      assert.equal(resemblance('@types-node', '@types/node')?.kind, 'scope');
      assert.equal(resemblance('types-node', '@types/node')?.kind, 'scope');
      assert.equal(resemblance('chartjs', 'chart.js')?.kind, 'js-suffix');
      assert.equal(resemblance('expressjs', 'express')?.kind, 'js-suffix');
      assert.equal(resemblance('Lodash', 'lodash')?.kind, 'case');
    });

    it('allows two edits only for names longer than 8 characters', () => {
      assert.equal(resemblance('reactdmo', 'react-dom'), undefined);
      assert.deepEqual(resemblance('webpak-clli', 'webpack-cli'), { target: 'webpack-cli', kind: 'edit', distance: 2 });
      assert.equal(resemblance('ladosh', 'lodash'), undefined, 'two edits on a short name');
    });

    it('ignores short names and names in the same scope', () => {
      assert.equal(resemblance('vs', 'ws'), undefined);
      assert.equal(resemblance('pgg', 'pg'), undefined);
      assert.equal(resemblance('@babel/cor', '@babel/core'), undefined);
      assert.equal(resemblance('@aws-sdk/client-sts', '@aws-sdk/client-s3'), undefined);
    });
  });

  describe('well-known list', () => {
    it('holds several hundred distinct, valid package names', () => {
      assert.ok(WELL_KNOWN_PACKAGES.length >= 300, `${WELL_KNOWN_PACKAGES.length}`);
      assert.equal(new Set(WELL_KNOWN_PACKAGES).size, WELL_KNOWN_PACKAGES.length);
      for (const name of WELL_KNOWN_PACKAGES) {
        const classified = classifySpecifier(name);
        assert.ok(classified.kind === 'package' && classified.name === name, name);
      }
      for (const name of ['lodash', 'react', 'express', 'axios', 'chalk', 'commander', 'debug', 'preact']) {
        assert.ok(WELL_KNOWN_PACKAGES.includes(name), name);
      }
    });
  });

  it("flags a one-edit typo of a well-known package with the brief's message", () => {
    const text = "import _ from 'loadsh';\n";
    const findings = check(text);
    assert.equal(findings.length, 1);
    assert.equal(findings[0].severity, 'warning');
    assert.equal(findings[0].message, "'loadsh' is one edit away from 'lodash': a typo or a typosquat?");
    assert.equal(text.slice(findings[0].start, findings[0].end), 'loadsh');
  });

  it('flags known typosquat shapes', () => {
    assert.match(messageFor('crossenv') ?? '', /'crossenv' is one edit away from 'cross-env'/);
    assert.match(messageFor('electorn') ?? '', /one edit away from 'electron'/);
    assert.match(messageFor('@types-node') ?? '', /'@types-node' differs from '@types\/node' only in its scope/);
    assert.match(messageFor('d3.js') ?? '', /'d3.js' differs from 'd3' only by a 'js' suffix/);
    assert.match(messageFor('socket_io') ?? '', /'socket_io' differs from 'socket.io' only in its separators/);
    assert.match(messageFor('html-webpak-plugn') ?? '', /'html-webpak-plugn' is two edits away from 'html-webpack-plugin'/);
    assert.equal(messageFor('@babel/preset-evn'), undefined, 'a scope has one owner: a typo, not a squat');
    assert.match(messageFor('JQuery') ?? '', /only in letter case/);
  });

  it('flags a near miss of a declared in-house package, naming it', () => {
    const manifest = manifestOf({ name: 'web', dependencies: { 'acme-telemetry': '2.1.0' } });
    assert.equal(messageFor('acme-telemetri', manifest), "'acme-telemetri' is one edit away from 'acme-telemetry': a typo or a typosquat?");
  });

  it('offers to import the intended package, preferred when that one is declared', () => {
    const manifest = manifestOf({ name: 'web', dependencies: { lodash: '4' } });
    const text = "import fp from 'lodahs/fp';";
    const [finding] = check(text, manifest);
    assert.equal(finding.fixes?.length, 1);
    const fix = finding.fixes![0];
    assert.equal(fix.preferred, true);
    const edit = fix.edits[0];
    assert.equal(text.slice(0, edit.start) + edit.newText + text.slice(edit.end), "import fp from 'lodash/fp';");
    assert.equal(check("import x from 'expres';")[0].fixes?.[0].preferred, false);
  });

  it('never flags a declared package, even one slip from a well-known name (expect.js, tempy, @eslint/js)', () => {
    const manifest = manifestOf({ name: 'web', devDependencies: { 'expect.js': '0.3', tempy: '3', '@eslint/js': '9', 'yargs-unparser': '2', loadsh: '1' } });
    for (const name of ['expect.js', 'tempy', '@eslint/js', 'yargs-unparser', 'loadsh']) assert.equal(messageFor(name, manifest), undefined, name);
    assert.match(messageFor('loadsh') ?? '', /one edit away from 'lodash'/, 'still flagged where nobody declared it');
  });

  it('never flags well-known packages that sit close to each other', () => {
    const text = [
      "import { h } from 'preact';",
      "import React from 'react';",
      "import WebSocket from 'ws';",
      "import inquirer from 'inquirer';",
      "import enquirer from 'enquirer';",
      "import mysql from 'mysql2';",
      "import bcrypt from 'bcryptjs';",
      "import { Chart } from 'chart.js';",
      "import * as echarts from 'echarts';",
      "import { LineChart } from 'recharts';",
    ].join('\n');
    assert.deepEqual(check(text), []);
  });

  it('never flags names far from everything, builtins, relative paths, the package itself or vscode', () => {
    const manifest = manifestOf({ name: 'lodash-utils-internal', devDependencies: { '@types/vscode': '1.91.0' } });
    const text = [
      "import { parse } from 'acme-invoice-parser';",
      "import { readFile } from 'node:fs/promises';",
      "import { x } from './loadsh';",
      "import { y } from 'lodash-utils-internal/sub';",
      "import * as vscode from 'vscode';",
      "import { test } from 'node:test';",
    ].join('\n');
    assert.deepEqual(check(text, manifest), []);
  });

  it('does not compare two declared packages with each other', () => {
    const manifest = manifestOf({ name: 'app', dependencies: { 'acme-client': '1', 'acme-clients': '1' } });
    assert.deepEqual(check("import a from 'acme-client';\nimport b from 'acme-clients';", manifest), []);
  });

  it('is silenced by the ignore option', () => {
    const policy = defaultPolicy();
    policy.rules['dependencies/lookalike'] = { options: { ignore: ['loadsh'] } };
    assert.deepEqual(check("import _ from 'loadsh';", undefined, policy), []);
  });

  it('does not offer an edit when the specifier was written with escapes', () => {
    const [finding] = check("import _ from 'lo\\u0061dsh';");
    assert.match(finding.message, /'loadsh' is one edit away from 'lodash'/);
    assert.equal(finding.fixes, undefined);
  });
});
