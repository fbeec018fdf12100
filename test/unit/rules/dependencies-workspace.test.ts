import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { evaluate } from '../../../src/core/check/engine';
import { defaultPolicy } from '../../../src/core/policy/policy';
import { dependenciesLookalike } from '../../../src/core/rules/dependencies/lookalike';
import { dependenciesNotInstalled } from '../../../src/core/rules/dependencies/not-installed';
import { ManifestCache } from '../../../src/core/rules/dependencies/manifest';
import { dependenciesUndeclared } from '../../../src/core/rules/dependencies/undeclared';
import type { Policy } from '../../../src/core/policy/policy';
import type { Rule } from '../../../src/core/rules/rule';
import { PolicyWorkspace } from '../../../src/core/workspace/policy-workspace';
import { dependencyConfigKind } from '../../../src/core/rules/dependencies/config-files';
import { TempWorkspaces } from './temp-workspace';

/**
 * One fixture per wrong-finding cause measured on real repositories (issue 10): each builds the
 * real files in a temp folder and checks through the same ManifestCache the CLI and server use.
 */
const workspaces = new TempWorkspaces('cf-deps-ws-');
const make = (files: Record<string, string | object>): string => workspaces.make(files);

/** The package names `rule` flags in `file` (a file already in `root`). */
function flagged(root: string, file: string, rule: Rule, policy: Policy = defaultPolicy()): string[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const manifest = new ManifestCache({ workspaceRoot: root }).manifestFor(path.join(root, file));
  return evaluate(file, text, { policy, rules: [rule], manifest }).findings.map((finding) => text.slice(finding.start, finding.end));
}

const undeclared = (root: string, file: string, policy?: Policy): string[] => flagged(root, file, dependenciesUndeclared, policy);
const lookalike = (root: string, file: string): string[] => flagged(root, file, dependenciesLookalike);
const notInstalled = (root: string, file: string): string[] => flagged(root, file, dependenciesNotInstalled);

describe('dependency rules on real workspace layouts', () => {
  after(() => {
    workspaces.removeAll();
  });

  describe('dependencies/lookalike', () => {
    it('passes a look-alike declared by another package of the workspace, and still flags a real one', () => {
      const root = make({
        'package.json': { name: 'repo', private: true },
        'tools/package.json': { name: 'tools', devDependencies: { 'expect.js': '0.3', tempy: '3' } },
        'src/package.json': { name: 'app', dependencies: { express: '4' } },
        'src/a.ts': "import expect from 'expect.js';\nimport tempy from 'tempy';\nimport _ from 'loadash';\n",
      });
      assert.deepEqual(lookalike(root, 'src/a.ts'), ['loadash']);
    });

    it('passes a look-alike installed in node_modules', () => {
      const root = make({
        'package.json': { name: 'app', dependencies: { express: '4' } },
        'node_modules/@eslint/js/package.json': { name: '@eslint/js', version: '9.0.0' },
        'src/a.ts': "import js from '@eslint/js';\nimport x from 'expres';\n",
      });
      assert.deepEqual(lookalike(root, 'src/a.ts'), ['expres']);
    });
  });

  describe('dependencies/undeclared', () => {
    it('counts the npm/yarn workspace root declarations for every workspace package', () => {
      const root = make({
        'package.json': { name: 'mono', private: true, workspaces: ['packages/*'], devDependencies: { vitest: '1', typescript: '5' } },
        'packages/api/package.json': { name: '@mono/api', dependencies: { express: '4' } },
        'packages/api/src/a.test.ts': "import { it } from 'vitest';\nimport express from 'express';\nimport x from 'express-retry-helper';\n",
        'outside/package.json': { name: 'outside', dependencies: { got: '14' } },
        'outside/b.ts': "import { it } from 'vitest';\n",
      });
      assert.deepEqual(undeclared(root, 'packages/api/src/a.test.ts'), ['express-retry-helper']);
      assert.deepEqual(undeclared(root, 'outside/b.ts'), ['vitest'], 'a folder the workspace globs do not name gets nothing from the root');
    });

    it('reads yarn {packages} and pnpm-workspace.yaml, negations included', () => {
      const yarn = make({
        'package.json': { name: 'mono', workspaces: { packages: ['apps/**'] }, devDependencies: { jest: '29' } },
        'apps/web/package.json': { name: 'web', dependencies: { react: '18' } },
        'apps/web/a.ts': "import { jest } from 'jest';\nimport nope from 'nope-not-declared';\n",
      });
      assert.deepEqual(undeclared(yarn, 'apps/web/a.ts'), ['nope-not-declared']);
      const pnpm = make({
        'package.json': { name: 'mono', devDependencies: { jest: '29' } },
        'pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n  - '!packages/legacy'\n",
        'packages/ui/package.json': { name: 'ui', dependencies: { react: '18' } },
        'packages/ui/a.ts': "import { jest } from 'jest';\n",
        'packages/legacy/package.json': { name: 'legacy', dependencies: { react: '18' } },
        'packages/legacy/a.ts': "import { jest } from 'jest';\n",
      });
      assert.deepEqual(undeclared(pnpm, 'packages/ui/a.ts'), []);
      assert.deepEqual(undeclared(pnpm, 'packages/legacy/a.ts'), ['jest']);
    });

    it("lets a private workspace package import the workspace's packages it does not declare; a published one must declare them", () => {
      // TinyMCE 5's yarn workspace: modules/tinymce (private) imports @ephox/katamari, a sibling it
      // does not declare (1,087 findings); @ephox/agar, published, does the same (41, rightly).
      const root = make({
        'package.json': { name: 'root', private: true, workspaces: ['modules/*'], devDependencies: { grunt: '1' } },
        'modules/katamari/package.json': { name: '@ephox/katamari', dependencies: { tslib: '2' } },
        'modules/tinymce/package.json': { name: 'tinymce', private: true, dependencies: { tslib: '2' } },
        'modules/tinymce/src/a.ts': "import { Arr } from '@ephox/katamari';\nimport { Fun } from '@ephox/katamarl';\nimport f from 'fixture-pkg';\n",
        'modules/agar/package.json': { name: '@ephox/agar', dependencies: { tslib: '2' } },
        'modules/agar/src/a.ts': "import { Arr } from '@ephox/katamari';\n",
        // Named in the workspace, but not by a folder the globs name: nothing links it.
        'test/fixture/package.json': { name: 'fixture-pkg', private: true },
        'modules/other/package.json': { name: 'other', private: true, dependencies: { tslib: '2' } },
        'modules/other/a.ts': "import { Arr } from '@ephox/katamari';\n",
        'outside/package.json': { name: 'outside', private: true, dependencies: { tslib: '2' } },
        'outside/a.ts': "import { Arr } from '@ephox/katamari';\n",
      });
      assert.deepEqual(undeclared(root, 'modules/tinymce/src/a.ts'), ['@ephox/katamarl', 'fixture-pkg']);
      assert.deepEqual(undeclared(root, 'modules/agar/src/a.ts'), ['@ephox/katamari'], 'whoever installs @ephox/agar does not get its siblings');
      assert.deepEqual(undeclared(root, 'modules/other/a.ts'), []);
      assert.deepEqual(undeclared(root, 'outside/a.ts'), ['@ephox/katamari'], 'a folder the workspace globs do not name is linked to nothing');
    });

    it('lets a nested package.json that declares nothing defer to its parent', () => {
      const root = make({
        'package.json': { name: 'site', dependencies: { react: '18', clsx: '2' } },
        'src/plugins/thing/package.json': { name: 'thing', version: '1.0.0' },
        'src/plugins/thing/index.js': "import React from 'react';\nimport clsx from 'clsx';\nimport self from 'thing/x';\nimport y from 'totally-made-up-pkg';\n",
      });
      assert.deepEqual(undeclared(root, 'src/plugins/thing/index.js'), ['totally-made-up-pkg']);
    });

    it('lets an unpublished package.json (no name, or private) count what the packages above it declare; a publishable one does not', () => {
      const root = make({
        'package.json': { name: 'fastify', devDependencies: { 'fastify-plugin': '6' }, dependencies: { 'light-my-request': '6' } },
        // fastify 5's own test/bundler/esbuild: a fixture that declares esbuild and imports the root's fastify-plugin.
        'test/bundler/esbuild/package.json': { version: '0.0.1', devDependencies: { esbuild: '0.28' } },
        'test/bundler/esbuild/src/a.js': "const fp = require('fastify-plugin');\nconst f = require('fastify');\nconst x = require('fastify-plugin-helperz');\n",
        'examples/app/package.json': { name: 'example-app', private: true, dependencies: { react: '18' } },
        'examples/app/a.js': "import fp from 'fastify-plugin';\nimport r from 'react';\n",
        'packages/published/package.json': { name: '@fastify/published', dependencies: { react: '18' } },
        'packages/published/a.js': "import fp from 'fastify-plugin';\n",
      });
      assert.deepEqual(undeclared(root, 'test/bundler/esbuild/src/a.js'), ['fastify-plugin-helperz'], 'a name nobody declares is still reported');
      assert.deepEqual(undeclared(root, 'examples/app/a.js'), []);
      assert.deepEqual(undeclared(root, 'packages/published/a.js'), ['fastify-plugin'], 'whoever installs @fastify/published does not get it');
    });

    it('leaves the templates of a scaffolding tool (a package with a bin) to the projects they create, not an application\'s templates folder', () => {
      const root = make({
        'package.json': { name: 'create-next-app', bin: { 'create-next-app': './dist/index.js' }, dependencies: { prompts: '2' } },
        'templates/app/ts/app/page.tsx': "import Image from 'next/image';\nimport x from 'made-up-thing';\n",
        'index.ts': "import prompts from 'prompts';\nimport x from 'made-up-thing';\n",
        'site/package.json': { name: 'site', private: true, dependencies: { react: '18' } },
        'site/src/templates/email.tsx': "import { Html } from '@react-email/components';\n",
      });
      assert.deepEqual(undeclared(root, 'templates/app/ts/app/page.tsx'), []);
      assert.deepEqual(undeclared(root, 'index.ts'), ['made-up-thing'], 'the tool\'s own code is checked');
      assert.deepEqual(undeclared(root, 'site/src/templates/email.tsx'), ['@react-email/components'], 'an application has no bin');
    });

    it('leaves a template with a package.json of its own to the projects it creates (create-strapi-app, create-redwood-app)', () => {
      const root = make({
        'package.json': { name: 'create-strapi-app', bin: './bin/index.js', dependencies: { commander: '8' } },
        // Filled in at creation: the generator merges the framework's dependencies into it.
        'templates/example/package.json': { scripts: { develop: 'strapi develop' }, dependencies: { 'fs-extra': '10' } },
        'templates/example/src/api/article/routes/article.ts': "import { factories } from '@strapi/strapi';\nimport fs from 'fs-extra';\n",
        // A template that is a monorepo of its own: the walk up stops at its workspace root.
        'templates/js/package.json': { private: true, workspaces: ['api', 'web'] },
        'templates/js/api/package.json': { name: 'api', dependencies: { '@redwoodjs/api': '8' } },
        'templates/js/api/src/lib/db.js': "import { PrismaClient } from '@prisma/client';\n",
        'apps/site/package.json': { name: 'site', private: true, dependencies: { react: '18' } },
        'apps/site/src/templates/email.tsx': "import { Html } from '@react-email/components';\n",
        'bin/index.ts': "import { program } from 'commander';\nimport x from 'made-up-thing';\n",
      });
      assert.deepEqual(undeclared(root, 'templates/example/src/api/article/routes/article.ts'), []);
      assert.deepEqual(undeclared(root, 'templates/js/api/src/lib/db.js'), []);
      assert.deepEqual(undeclared(root, 'apps/site/src/templates/email.tsx'), ['@react-email/components'], 'an application beside the templates is checked');
      assert.deepEqual(undeclared(root, 'bin/index.ts'), ['made-up-thing'], "the tool's own code is checked");
    });

    it('a package.json that declares nothing still governs when nothing above it does', () => {
      const root = make({ 'package.json': { name: 'bare' }, 'a.ts': "import x from 'left-pad';\n" });
      assert.deepEqual(undeclared(root, 'a.ts'), ['left-pad']);
    });

    it('treats tsconfig paths (through extends, with comments) and baseUrl folders as aliases', () => {
      const root = make({
        'package.json': { name: 'app', dependencies: { react: '18' } },
        'tsconfig.base.json': '{\n  // shared\n  "compilerOptions": { "baseUrl": "src", "paths": { "@components/*": ["components/*"], "config": ["config/index.ts"], }, },\n}\n',
        'tsconfig.json': '{ "extends": "./tsconfig.base", /* project */ "include": ["src"] }',
        'src/utils/date.ts': 'export {};',
        'src/a.ts': [
          "import Button from '@components/Button';",
          "import config from 'config';",
          "import { format } from 'utils/date';",
          "import x from 'not-a-path-or-package';",
        ].join('\n'),
      });
      assert.deepEqual(undeclared(root, 'src/a.ts'), ['not-a-path-or-package']);
    });

    it('treats Deno import-map entries as declarations (deno.json imports and import_map.json)', () => {
      const root = make({
        'package.json': { name: 'tools', dependencies: { chalk: '5' } },
        'supabase/functions/deno.jsonc': '{ // deno\n "imports": { "oak": "jsr:@oak/oak@17", "std/": "https://deno.land/std@0.224.0/" } }',
        'supabase/functions/hello/index.ts': "import { Application } from 'oak';\nimport { serve } from 'std/http/server.ts';\nimport x from 'unmapped-thing';\n",
        'edge/import_map.json': { imports: { zod: 'npm:zod@3' } },
        'edge/a.ts': "import { z } from 'zod';\n",
      });
      assert.deepEqual(undeclared(root, 'supabase/functions/hello/index.ts'), ['unmapped-thing']);
      assert.deepEqual(undeclared(root, 'edge/a.ts'), []);
    });

    it('skips framework virtual modules by default, but not real packages of the same scope', () => {
      const root = make({
        'package.json': { name: 'docs', dependencies: { '@docusaurus/core': '3' } },
        'src/pages/index.tsx': [
          "import Link from '@docusaurus/Link';",
          "import useDocusaurusContext from '@docusaurus/useDocusaurusContext';",
          "import { useHistory } from '@docusaurus/router';",
          "import config from '@generated/docusaurus.config';",
          "import Layout from '@theme/Layout';",
          "import logo from '@site/static/logo.png';",
          "import { page } from '$app/stores';",
          "import core from '@docusaurus/core';",
          "import preset from '@docusaurus/preset-classic';",
        ].join('\n'),
      });
      assert.deepEqual(undeclared(root, 'src/pages/index.tsx'), ['@docusaurus/preset-classic']);
    });

    it("skips Qwik City's virtual modules (create-qwik's starters), not a package of a similar name", () => {
      const root = make({
        'package.json': { name: 'app', devDependencies: { '@builder.io/qwik-city': '1' } },
        'src/entry.preview.tsx': [
          "import { createQwikCity } from '@builder.io/qwik-city/middleware/node';",
          "import qwikCityPlan from '@qwik-city-plan';",
          "import { manifest } from '@qwik-client-manifest';",
          "import cityPkg from 'qwik-city-plan';",
        ].join('\n'),
      });
      assert.deepEqual(undeclared(root, 'src/entry.preview.tsx'), ['qwik-city-plan']);
    });

    it('the virtualModules option replaces the defaults', () => {
      const root = make({
        'package.json': { name: 'docs', devDependencies: { typescript: '5' } },
        'a.ts': "import Layout from '@theme/Layout';\nimport v from '@vmod/x';\n",
      });
      const policy = defaultPolicy();
      policy.rules['dependencies/undeclared'] = { options: { virtualModules: ['@vmod/*'] } };
      assert.deepEqual(undeclared(root, 'a.ts', policy), ['@theme/Layout']);
    });

    it('policy dependencies.virtualModules replaces the defaults for every dependency rule; the former option still wins for its rule', () => {
      const root = make({
        'package.json': { name: 'docs', devDependencies: { typescript: '5' } },
        'a.ts': "import Layout from '@theme/Layout';\nimport v from '@vmod/x';\n",
      });
      const policy = defaultPolicy();
      policy.dependencies.virtualModules = ['@vmod/*'];
      assert.deepEqual(undeclared(root, 'a.ts', policy), ['@theme/Layout']);
      policy.rules['dependencies/undeclared'] = { options: { virtualModules: ['@theme/**'] } };
      assert.deepEqual(undeclared(root, 'a.ts', policy), ['@vmod/x']);
    });
  });

  describe('a long-lived workspace (the language server) sees changed dependency files', () => {
    const dependencyFindings = (workspace: PolicyWorkspace, file: string): string[] => {
      const text = fs.readFileSync(path.join(workspace.root, file), 'utf8');
      return workspace.checkFile(file, text).findings.filter((finding) => finding.ruleId.startsWith('dependencies/')).map((finding) => `${finding.ruleId} ${text.slice(finding.start, finding.end)}`);
    };

    it('a tsconfig paths alias added, and a lockfile that now lists the package, count at the next check after the change', () => {
      const root = make({
        'package.json': { name: 'app', dependencies: { express: '4', leftish: '1' } },
        'package-lock.json': { lockfileVersion: 3, packages: { 'node_modules/express': { version: '4.21.0' } } },
        'tsconfig.json': { compilerOptions: {} },
        'src/a.ts': "import x from '@app/x';\nimport express from 'express';\nimport l from 'leftish';\n",
      });
      const workspace = new PolicyWorkspace(root, true);
      assert.deepEqual(dependencyFindings(workspace, 'src/a.ts'), ['dependencies/undeclared @app/x', 'dependencies/not-installed leftish']);
      fs.writeFileSync(path.join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { paths: { '@app/*': ['./src/app/*'] } } }));
      fs.writeFileSync(path.join(root, 'package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages: { 'node_modules/express': {}, 'node_modules/leftish': {} } }));
      // Remembered until told: the server is told by the editor's file watcher.
      assert.equal(dependencyFindings(workspace, 'src/a.ts').length, 2);
      assert.equal(workspace.manifests.fileChanged(path.join(root, 'tsconfig.json')), true);
      assert.deepEqual(dependencyFindings(workspace, 'src/a.ts'), []);
    });

    it('a package.json edit is seen after its change, and unrelated files are not dependency files', () => {
      const root = make({ 'package.json': { name: 'app', dependencies: {} }, 'src/a.ts': "import express from 'express';\n" });
      const workspace = new PolicyWorkspace(root, true);
      assert.deepEqual(dependencyFindings(workspace, 'src/a.ts'), ['dependencies/undeclared express']);
      fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'app', dependencies: { express: '4' } }));
      assert.equal(workspace.manifests.fileChanged('package.json'), true);
      assert.deepEqual(dependencyFindings(workspace, 'src/a.ts'), []);
      assert.equal(workspace.manifests.fileChanged(path.join(root, 'src/a.ts')), false);
      for (const name of ['yarn.lock', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', 'tsconfig.base.json', 'jsconfig.json', 'deno.jsonc', 'import_map.json', 'bun.lock']) {
        assert.equal(dependencyConfigKind(`x/${name}`), 'config', name);
      }
      assert.equal(dependencyConfigKind('x/package.json.bak'), undefined);
    });
  });

  describe('dependencies/not-installed', () => {
    const code = "import express from 'express';\nimport flat from 'flatmap-stream';\nimport type { X } from 'ghost-types';\nimport ui from '@mono/ui';\n";
    const manifest = { name: 'app', dependencies: { express: '4', 'flatmap-stream': '0.1', 'ghost-types': '1', '@mono/ui': 'workspace:*' } };

    it('flags a declared package in neither the lockfile nor node_modules, once, at its import', () => {
      for (const [lockfile, text] of [
        ['package-lock.json', JSON.stringify({ lockfileVersion: 3, packages: { '': {}, 'node_modules/express': { version: '4.21.0' } } })],
        ['yarn.lock', 'express@^4:\n  version "4.21.0"\n'],
        ['pnpm-lock.yaml', "importers:\n  .:\n    dependencies:\n      express:\n        specifier: ^4\n"],
      ]) {
        const root = make({ 'package.json': manifest, [lockfile]: text, 'src/a.ts': code + "import again from 'flatmap-stream';\n", 'packages/ui/package.json': { name: '@mono/ui' } });
        assert.deepEqual(notInstalled(root, 'src/a.ts'), ['flatmap-stream'], lockfile);
      }
    });

    it('is silent without a lockfile, and for a package installed in node_modules', () => {
      const bare = make({ 'package.json': manifest, 'src/a.ts': code });
      assert.deepEqual(notInstalled(bare, 'src/a.ts'), []);
      const installed = make({
        'package.json': manifest,
        'package-lock.json': '{"lockfileVersion": 3, "packages": {}}',
        'node_modules/express/package.json': { name: 'express' },
        'node_modules/flatmap-stream/package.json': { name: 'flatmap-stream' },
        'packages/ui/package.json': { name: '@mono/ui' },
        'src/a.ts': code,
      });
      assert.deepEqual(notInstalled(installed, 'src/a.ts'), []);
    });

    it("asks only the lockfile that installs the file's package: its own folder's, or its workspace root's", () => {
      // Ghost ships its themes with their own package.json (gulp and friends) under its yarn.lock, which does not install them.
      const yarnLock = 'express@^4:\n  version "4.21.0"\n';
      const ghost = make({
        'package.json': { name: 'ghost', dependencies: { express: '4' } },
        'yarn.lock': yarnLock,
        'content/themes/casper/package.json': { name: 'casper', devDependencies: { gulp: '4' } },
        'content/themes/casper/gulpfile.js': "const gulp = require('gulp');\n",
        'core/app.js': "const express = require('express');\nconst flat = require('flatmap-stream');\n",
      });
      assert.deepEqual(notInstalled(ghost, 'content/themes/casper/gulpfile.js'), []);
      // The application's own files are still judged by its lockfile.
      const withFlat = make({ 'package.json': { name: 'ghost', dependencies: { express: '4', 'flatmap-stream': '0.1' } }, 'yarn.lock': yarnLock, 'core/app.js': "const flat = require('flatmap-stream');\n" });
      assert.deepEqual(notInstalled(withFlat, 'core/app.js'), ['flatmap-stream']);
      // A workspace package is installed by the root's lockfile, and judged by it.
      const mono = make({
        'package.json': { name: 'mono', private: true, workspaces: ['packages/*'] },
        'yarn.lock': yarnLock,
        'packages/api/package.json': { name: 'api', dependencies: { express: '4', 'flatmap-stream': '0.1' } },
        'packages/api/a.js': "const express = require('express');\nconst flat = require('flatmap-stream');\n",
      });
      assert.deepEqual(notInstalled(mono, 'packages/api/a.js'), ['flatmap-stream']);
    });
  });
});
