import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findNearestManifest, ManifestCache, type ManifestLookup, parseManifest, readManifestFromDisk } from '../../src/core/rules/dependencies/manifest';

/** Writes `files` (relative path → content) under a fresh temp folder and returns its path. */
function workspace(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-manifest-'));
  for (const [relative, content] of Object.entries(files)) {
    const absolute = path.join(root, relative);
    fs.mkdirSync(path.dirname(absolute), { recursive: true });
    fs.writeFileSync(absolute, content);
  }
  return root;
}

function found(lookup: ManifestLookup): Extract<ManifestLookup, { kind: 'found' }> {
  assert.equal(lookup.kind, 'found', JSON.stringify(lookup));
  return lookup as Extract<ManifestLookup, { kind: 'found' }>;
}

describe('manifest', () => {
  const roots: string[] = [];
  const make = (files: Record<string, string>): string => {
    const root = workspace(files);
    roots.push(root);
    return root;
  };
  after(() => {
    for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
  });

  describe('parseManifest', () => {
    it('collects names from all four dependency fields and the package name', () => {
      const result = parseManifest(
        JSON.stringify({
          name: '@acme/api',
          dependencies: { express: '^4.19.0' },
          devDependencies: { '@types/express': '^4.17.21', mocha: '^10.0.0' },
          peerDependencies: { react: '>=18' },
          optionalDependencies: { fsevents: '^2.3.3' },
          bundleDependencies: ['express'],
        }),
        'packages/api/package.json',
      );
      assert.ok(result.ok);
      assert.equal(result.manifest.path, 'packages/api/package.json');
      assert.equal(result.manifest.name, '@acme/api');
      assert.deepEqual([...result.manifest.declared].sort(), ['@types/express', 'express', 'fsevents', 'mocha', 'react']);
      assert.equal(result.governsDependencies, true);
    });

    it('ignores fields of the wrong type instead of failing', () => {
      const result = parseManifest('{"name": 42, "dependencies": ["lodash"], "devDependencies": null, "peerDependencies": {"chalk": "5"}}', 'package.json');
      assert.ok(result.ok);
      assert.equal(result.manifest.name, undefined);
      assert.deepEqual([...result.manifest.declared], ['chalk']);
    });

    it('counts engines.vscode as declaring the host-provided vscode module', () => {
      const extension = parseManifest('{"name": "ext", "engines": {"vscode": "^1.91.0", "node": ">=20"}}', 'package.json');
      assert.ok(extension.ok);
      assert.deepEqual([...extension.manifest.declared], ['vscode']);
      const library = parseManifest('{"name": "lib", "engines": {"node": ">=20"}}', 'package.json');
      assert.ok(library.ok);
      assert.equal(library.manifest.declared.size, 0);
    });

    it('accepts a byte-order mark', () => {
      const result = parseManifest('\uFEFF{"name":"x","dependencies":{"ms":"2"}}', 'package.json');
      assert.ok(result.ok);
      assert.ok(result.manifest.declared.has('ms'));
    });

    it('reports a trailing comma with its line and column', () => {
      const result = parseManifest('{\n  "name": "app",\n  "dependencies": { "lodash": "4" },\n}\n', 'package.json');
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.line, 4);
      assert.equal(result.column, 1);
      assert.match(result.message, /^invalid JSON at line 4, column 1$/);
    });

    it('reports a missing value and a comment at their positions', () => {
      const missing = parseManifest('{\n  "name": "app",\n  "version": \n}', 'package.json');
      assert.ok(!missing.ok);
      assert.deepEqual([missing.line, missing.column], [4, 1]);
      const comment = parseManifest('{\n  // the app\n  "name": "app"\n}', 'package.json');
      assert.ok(!comment.ok);
      assert.deepEqual([comment.line, comment.column], [2, 3]);
    });

    it('reports an empty file and a non-object top level without throwing', () => {
      const empty = parseManifest('', 'package.json');
      assert.ok(!empty.ok);
      assert.match(empty.message, /invalid JSON/);
      const array = parseManifest('["lodash"]', 'package.json');
      assert.ok(!array.ok);
      assert.match(array.message, /must be a JSON object/);
      const deep = parseManifest('['.repeat(200_000), 'package.json');
      assert.ok(!deep.ok);
    });

    it('marks a package.json with neither name nor dependencies as not governing them', () => {
      const marker = parseManifest('{"type": "module"}', 'src/esm/package.json');
      assert.ok(marker.ok);
      assert.equal(marker.governsDependencies, false);
      const empty = parseManifest('{"name": "tool"}', 'package.json');
      assert.ok(empty.ok);
      assert.equal(empty.governsDependencies, true);
    });
  });

  describe('ManifestCache', () => {
    it('finds the nearest package.json: the nested package wins over the root', () => {
      const root = make({
        'package.json': JSON.stringify({ name: 'monorepo', devDependencies: { typescript: '5' } }),
        'packages/api/package.json': JSON.stringify({ name: '@acme/api', dependencies: { express: '4' } }),
        'packages/api/src/routes/users.ts': 'export {};',
        'tools/build.ts': 'export {};',
      });
      const cache = new ManifestCache({ workspaceRoot: root });
      const api = found(cache.lookup(path.join(root, 'packages/api/src/routes/users.ts')));
      assert.equal(api.manifest.path, 'packages/api/package.json');
      assert.equal(api.absolutePath, path.join(root, 'packages/api/package.json'));
      assert.ok(api.manifest.declared.has('express'));
      assert.ok(!api.manifest.declared.has('typescript'));
      const tools = found(cache.lookup('tools/build.ts'));
      assert.equal(tools.manifest.path, 'package.json');
      assert.equal(tools.manifest.name, 'monorepo');
    });

    it('walks past a module-format package.json to the one that declares dependencies', () => {
      const root = make({
        'package.json': JSON.stringify({ name: 'lib', dependencies: { chalk: '5' } }),
        'src/esm/package.json': '{"type":"module"}',
        'src/esm/index.js': '',
      });
      const lookup = found(findNearestManifest(path.join(root, 'src/esm/index.js'), root));
      assert.equal(lookup.manifest.path, 'package.json');
    });

    it('never looks above the workspace root', () => {
      const outer = make({
        'package.json': JSON.stringify({ name: 'outer', dependencies: { lodash: '4' } }),
        'inner/src/app.ts': '',
      });
      const inner = path.join(outer, 'inner');
      assert.deepEqual(new ManifestCache({ workspaceRoot: inner }).lookup(path.join(inner, 'src/app.ts')), { kind: 'none' });
      assert.deepEqual(new ManifestCache({ workspaceRoot: inner }).lookup(path.join(outer, 'package.json')), { kind: 'none' });
      assert.equal(new ManifestCache({ workspaceRoot: outer }).manifestFor(path.join(inner, 'src/app.ts'))?.name, 'outer');
    });

    it('returns the broken nearest package.json as a problem instead of falling back to the parent', () => {
      const root = make({
        'package.json': JSON.stringify({ name: 'root', dependencies: { lodash: '4' } }),
        'app/package.json': '{\n  "name": "app",\n  "dependencies": {\n    "express": "4"\n  \n}\n',
        'app/index.ts': '',
      });
      const cache = new ManifestCache({ workspaceRoot: root });
      const lookup = cache.lookup(path.join(root, 'app/index.ts'));
      assert.equal(lookup.kind, 'invalid');
      if (lookup.kind !== 'invalid') return;
      assert.equal(lookup.problem.path, 'app/package.json');
      assert.equal(lookup.problem.line, 7);
      assert.match(lookup.problem.message, /^app\/package\.json: invalid JSON at line 7, column 1/);
      assert.equal(cache.manifestFor(path.join(root, 'app/index.ts')), undefined);
    });

    it('turns a read failure other than "missing" into a problem', () => {
      const root = make({ 'src/a.ts': '' });
      const cache = new ManifestCache({
        workspaceRoot: root,
        readFile: (absolutePath) => {
          if (absolutePath === path.join(root, 'package.json')) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
          return readManifestFromDisk(absolutePath);
        },
      });
      const lookup = cache.lookup(path.join(root, 'src/a.ts'));
      assert.equal(lookup.kind, 'invalid');
      if (lookup.kind === 'invalid') assert.match(lookup.problem.message, /could not be read: EACCES/);
    });

    it('reads each package.json once until it is invalidated', () => {
      const root = make({
        'package.json': JSON.stringify({ name: 'app', dependencies: { axios: '1' } }),
        'src/a.ts': '',
        'src/b.ts': '',
      });
      const reads: string[] = [];
      const cache = new ManifestCache({
        workspaceRoot: root,
        readFile: (absolutePath) => {
          reads.push(path.relative(root, absolutePath));
          return readManifestFromDisk(absolutePath);
        },
      });
      cache.lookup(path.join(root, 'src/a.ts'));
      cache.lookup(path.join(root, 'src/b.ts'));
      assert.deepEqual(reads, [path.join('src', 'package.json'), 'package.json']);

      fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'app', dependencies: { got: '14' } }));
      assert.ok(cache.manifestFor(path.join(root, 'src/a.ts'))?.declared.has('axios'), 'stale until invalidated');
      cache.invalidate(path.join(root, 'package.json'));
      const fresh = cache.manifestFor(path.join(root, 'src/a.ts'));
      assert.ok(fresh?.declared.has('got'));
      assert.ok(!fresh?.declared.has('axios'));
    });

    it('picks up a package.json created in a folder it already saw without one', () => {
      const root = make({
        'package.json': JSON.stringify({ name: 'root', dependencies: {} }),
        'pkg/index.ts': '',
      });
      const cache = new ManifestCache({ workspaceRoot: root });
      assert.equal(found(cache.lookup(path.join(root, 'pkg/index.ts'))).manifest.path, 'package.json');
      fs.writeFileSync(path.join(root, 'pkg/package.json'), JSON.stringify({ name: 'pkg', dependencies: { zod: '3' } }));
      cache.invalidate('pkg/package.json');
      assert.equal(found(cache.lookup(path.join(root, 'pkg/index.ts'))).manifest.path, 'pkg/package.json');
      fs.rmSync(path.join(root, 'pkg/package.json'));
      cache.invalidate(path.join(root, 'pkg'));
      assert.equal(found(cache.lookup(path.join(root, 'pkg/index.ts'))).manifest.path, 'package.json');
    });
  });
});
