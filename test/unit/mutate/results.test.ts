import * as assert from 'node:assert/strict';
import { blockResults, describeMutant, mutationScore, parseMutationReport, shortenCode } from '../../../src/core/mutate/results';
import { configModuleText, detectTestSetup, mutatePatterns, progressLine } from '../../../src/core/mutate/stryker';
import { tempRepo, write } from '../cli/run-cli';

const SOURCE = ['function f(a) {', '  if (a <= 3) return 1;', '  return 2;', '}', ''].join('\n');
const at = (line: number, column: number, endLine: number, endColumn: number) => ({ start: { line, column }, end: { line: endLine, column: endColumn } });

describe('mutation results (Stryker report to AI blocks)', () => {
  const target = { blockId: 'b1', path: 'src/f.js', startLine: 2, endLine: 3, contentHash: 'sha256:x' };
  const report = parseMutationReport({
    files: {
      'src/f.js': {
        source: SOURCE,
        mutants: [
          { mutatorName: 'EqualityOperator', replacement: 'a < 3', status: 'Survived', location: at(2, 7, 2, 13) },
          { mutatorName: 'EqualityOperator', replacement: 'a > 3', status: 'Killed', location: at(2, 7, 2, 13) },
          { mutatorName: 'NumericLiteral', replacement: '0', status: 'Timeout', location: at(3, 10, 3, 11) },
          // Starts on an AI line but ends past the block: the human line 4 is part of it.
          { mutatorName: 'BlockStatement', replacement: '{}', status: 'Survived', location: at(1, 15, 4, 2) },
          { mutatorName: 'BooleanLiteral', replacement: 'true', status: 'NoCoverage', location: at(3, 10, 3, 11) },
          { mutatorName: 'StringLiteral', replacement: '""', status: 'CompileError', location: at(3, 10, 3, 11) },
        ],
      },
    },
  });

  it('counts only mutants wholly inside the block, with the code as written and their place from the block start', () => {
    const [result] = blockResults(report, [target], { testedAt: '2026-01-01T00:00:00Z', strykerVersion: '9.5.1' });
    assert.deepEqual(result.counts, { killed: 1, timeout: 1, survived: 1, noCoverage: 1, errors: 1 });
    assert.equal(result.score, 50);
    assert.deepEqual(
      result.survivors.map((m) => [m.line, m.column, m.endLine, m.endColumn, m.original, m.replacement, m.status]),
      [
        [0, 6, 0, 12, 'a <= 3', 'a < 3', 'Survived'],
        [1, 9, 1, 10, '2', 'true', 'NoCoverage'],
      ],
    );
  });

  it('a block of a file Stryker did not report has no mutants and no score', () => {
    const [result] = blockResults(report, [{ ...target, path: 'src/other.js' }], { testedAt: '', strykerVersion: '' });
    assert.equal(result.score, null);
    assert.equal(result.survivors.length, 0);
  });

  it('refuses a report that is not one', () => {
    assert.throws(() => parseMutationReport({}), /no "files"/);
    assert.throws(() => parseMutationReport({ files: { 'a.js': { source: '', mutants: [{ status: 'Killed' }] } } }), /malformed mutant/);
  });

  it('scores like Stryker: detected over scored, errors left out', () => {
    assert.equal(mutationScore({ killed: 3, timeout: 1, survived: 1, noCoverage: 3, errors: 9 }), 50);
    assert.equal(mutationScore({ killed: 0, timeout: 0, survived: 0, noCoverage: 0, errors: 2 }), null);
  });

  it('describes a mutant in one sentence, long code cut in the middle', () => {
    assert.equal(describeMutant({ original: 'attempt <= 3', replacement: 'attempt < 3', status: 'Survived' }), 'tests still pass when `attempt <= 3` becomes `attempt < 3`');
    assert.equal(describeMutant({ original: 'x()', replacement: '', status: 'NoCoverage' }), 'no test runs this code: `x()` could become nothing and no test would notice');
    const long = shortenCode(`{\n    return fetchWithRetry(url, { attempts: 3, backoffMs: 250, timeoutMs: 10_000 });\n  }`);
    assert.ok(long.length <= 48, long);
    assert.match(long, /^\{ return fetchWithRetry.*….*\}$/);
  });
});

describe('Stryker setup (test runner, configuration, progress)', () => {
  it('restricts mutation to each block by line range', () => {
    assert.deepEqual(mutatePatterns([{ blockId: 'a', path: 'src/a.ts', startLine: 10, endLine: 30, contentHash: '' }]), ['src/a.ts:10-30']);
  });

  it('detects the runner from package.json, and prefers a Stryker configuration of its own', async () => {
    const root = tempRepo('cf-mutate-setup-');
    const cases: Array<[object, string]> = [
      [{ devDependencies: { mocha: '1' } }, 'mocha'],
      [{ devDependencies: { jest: '1' } }, 'jest'],
      [{ dependencies: { vitest: '1' } }, 'vitest'],
      [{ scripts: { test: 'node --test test/' } }, 'node-test'],
    ];
    for (const [manifest, runner] of cases) {
      write(root, 'package.json', JSON.stringify(manifest));
      const setup = await detectTestSetup(root);
      assert.equal(setup.kind === 'default' ? setup.runner : setup.kind, runner);
    }
    // "node" and "--test" in different commands of the script are not `node --test`.
    write(root, 'package.json', JSON.stringify({ scripts: { test: 'node build.js && tap --test' } }));
    assert.equal((await detectTestSetup(root)).kind, 'none');
    write(root, 'package.json', '{ not json');
    assert.match(JSON.stringify(await detectTestSetup(root)), /not valid JSON/);
    write(root, 'stryker.conf.mjs', 'export default {};');
    assert.deepEqual(await detectTestSetup(root), { kind: 'stryker-config', configFile: 'stryker.conf.mjs' });
  });

  it("spreads the repository's configuration under the overrides and drops its break threshold", () => {
    const text = configModuleText('/repo', { configFile: 'stryker.config.mjs' }, { mutate: ['a.js:1-2'] });
    assert.match(text, /await import\("file:\/\/\/repo\/stryker\.config\.mjs"\)/);
    assert.match(text, /\.\.\.own, \.\.\.overrides, thresholds: \{ \.\.\.\(own\.thresholds \?\? \{\}\), break: null \}/);
    assert.match(configModuleText('/repo', { configFile: 'stryker.config.json' }, {}), /JSON\.parse\(readFileSync/);
    assert.deepEqual(JSON.parse(configModuleText('/repo', { options: { testRunner: 'mocha' } }, { mutate: ['a.js:1-2'] }).replace(/^export default |;\s*$/g, '')), { testRunner: 'mocha', mutate: ['a.js:1-2'] });
  });

  it('shows Stryker log lines and progress lines, not stack traces or the temporary report path', () => {
    assert.equal(progressLine('02:29:02 (11273) INFO Instrumenter Instrumented 1 source file(s) with 16 mutant(s)'), 'Instrumented 1 source file(s) with 16 mutant(s)');
    assert.equal(progressLine('02:29:02 (11273) WARN PluginLoader Error during loading'), 'warn: Error during loading');
    assert.equal(progressLine('Mutation testing 40% (elapsed: <1m, remaining: ~1m) 8/20 tested (3 survived, 0 timed out)')?.startsWith('Mutation testing 40%'), true);
    assert.equal(progressLine('    at InjectionError.create (file:///x.js:53:20)'), undefined);
    assert.equal(progressLine('02:29:03 (1) INFO JsonReporter Your report can be found at: file:///tmp/x/mutation.json'), undefined);
  });
});
