import * as assert from 'node:assert/strict';
import picomatch from 'picomatch';
import { compileGlobs, compilePathMatchers, globProblem, normalizeRelativePath, pathMatchersFor } from '../../src/core/policy/paths';
import { defaultPolicy } from '../../src/core/policy/policy';

describe('path matchers', () => {
  it('matches globs anchored at the workspace root, dotfiles included', () => {
    const matches = compileGlobs(['src/**/*.ts', '.github/**', '**/*.min.js']);
    assert.equal(matches('src/api/client.ts'), true);
    assert.equal(matches('src/.hidden/x.ts'), true, 'dot: true');
    assert.equal(matches('.github/workflows/ci.yml'), true);
    assert.equal(matches('public/vendor/jquery.min.js'), true);
    assert.equal(matches('jquery.min.js'), true);
    assert.equal(matches('lib/src/api/client.ts'), false, 'anchored: src/ is only the top-level folder');
    assert.equal(matches('src/api/client.js'), false);
  });

  it('lets a glob that names a folder cover everything below it', () => {
    const matches = compileGlobs(['src/auth', 'dist/', 'generated*']);
    assert.equal(matches('src/auth/login.ts'), true);
    assert.equal(matches('src/auth'), true);
    assert.equal(matches('dist/bundle/app.js'), true);
    assert.equal(matches('generated-client/api.ts'), true);
    assert.equal(matches('src/authz/policy.ts'), false, 'a folder prefix ends at a slash');
    assert.equal(matches('src/oauth/login.ts'), false);
  });

  it('answers alike whatever order the paths of a tree are asked in (folder answers are remembered)', () => {
    const globs = ['a/b', '!a/b/skip', '**/gen/**', 'x*/y'];
    // The rule spelled out: the path or a folder above it matches an included glob, and none matches an excluded one.
    const picomatchOnSelfOrFolders = (path: string): boolean => {
      const prefixes = path.split('/').map((_, index, parts) => parts.slice(0, index + 1).join('/'));
      const any = (list: string[]) => prefixes.some((prefix) => picomatch(list, { dot: true })(prefix));
      return any(['a/b', '**/gen/**', 'x*/y']) && !any(['a/b/skip']);
    };
    const paths = ['a/c/x.ts', 'a/b/y.ts', 'a/b/c/z.ts', 'a/b/skip/w.ts', 'a/b/skip', 'q/gen/deep/v.ts', 'q/r/v.ts', 'xo/y/u.ts', 'xo/z/u.ts', 'a/b'];
    for (const order of [paths, [...paths].reverse()]) {
      const matches = compileGlobs(globs);
      for (const path of order) assert.equal(matches(path), picomatchOnSelfOrFolders(path), path);
    }
    assert.equal(compileGlobs(globs)('a/b/c/z.ts'), true);
    assert.equal(compileGlobs(globs)('a/b/skip/w.ts'), false);
  });

  it('accepts Windows separators and ./ prefixes on both sides', () => {
    const matches = compileGlobs(['./src/auth/**']);
    assert.equal(matches('src\\auth\\login.ts'), true);
    assert.equal(matches('./src/auth/login.ts'), true);
    assert.equal(normalizeRelativePath('.\\a\\b\\'), 'a/b');
    assert.equal(normalizeRelativePath('/src/x.ts'), 'src/x.ts');
  });

  it('excludes what a !glob matches, wherever it stands in the list', () => {
    const matches = compileGlobs(['!src/generated', 'src/**']);
    assert.equal(matches('src/api.ts'), true);
    assert.equal(matches('src/generated/api.ts'), false);
    const everythingBut = compileGlobs(['!**/*.test.ts']);
    assert.equal(everythingBut('src/api.ts'), true, 'only exclusions start from every path');
    assert.equal(everythingBut('src/api.test.ts'), false);
  });

  it('matches nothing for an empty list or empty globs', () => {
    assert.equal(compileGlobs([])('anything.ts'), false);
    assert.equal(compileGlobs(['', './'])('anything.ts'), false);
    assert.equal(compileGlobs(['**'])(''), false);
  });

  it('reports empty globs as problems', () => {
    assert.match(globProblem('')!, /empty/);
    assert.match(globProblem('./')!, /empty/);
    assert.match(globProblem('!')!, /empty/);
    assert.equal(globProblem('src/**/*.{ts,tsx}'), undefined);
  });

  it('answers isIgnored and isCritical from the policy, compiled once per policy object', () => {
    const policy = { ...defaultPolicy(), ignore: ['dist', '**/*.snap'], criticalPaths: ['src/payments', 'db/migrations/**'] };
    const matchers = pathMatchersFor(policy);
    assert.equal(matchers, pathMatchersFor(policy), 'cached');
    assert.notEqual(matchers, pathMatchersFor({ ...policy }), 'a new policy object gets new matchers');
    assert.equal(matchers.isIgnored('dist/index.js'), true);
    assert.equal(matchers.isIgnored('test/__snapshots__/a.test.ts.snap'), true);
    assert.equal(matchers.isIgnored('src/index.ts'), false);
    assert.equal(matchers.isCritical('src/payments/charge.ts'), true);
    assert.equal(matchers.isCritical('db/migrations/0001_init.sql'), true);
    assert.equal(matchers.isCritical('src/index.ts'), false);
    const none = compilePathMatchers(defaultPolicy());
    assert.equal(none.isIgnored('dist/index.js'), false);
    assert.equal(none.isCritical('src/payments/charge.ts'), false);
  });
});
