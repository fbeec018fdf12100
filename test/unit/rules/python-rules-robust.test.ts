import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { evaluate, FILE_NOT_CHECKED_RULE_ID } from '../../../src/core/check/engine';
import { loadGrammars } from '../../../src/core/languages/tree-sitter';
import { blockFacts } from '../../../src/core/notes/facts';
import { blockQuestions } from '../../../src/core/notes/questions';
import { defaultPolicy } from '../../../src/core/policy/policy';
import { BUILTIN_RULES } from '../../../src/core/rules';

/** Python in the idioms the rules look at, cut and spliced by the property below. */
const FIXTURE = [
  'import requests, subprocess as sp, os, ssl, yaml, re, httpx, aiohttp',
  'from tenacity import retry',
  'from contextlib import suppress',
  'session = requests.Session()',
  '@retry(wait=1)',
  'def load(url, name, cur, **kw):',
  '    attempt = 0',
  '    while True:',
  '        try:',
  '            r = session.get(url, verify=False)',
  '            cur.execute(f"SELECT * FROM t WHERE a = {name}" % (1,))',
  '            os.system("ls " + name)',
  '            sp.run(f"rm {name}", shell=True)',
  '            eval(compile(name, "<x>", "exec"))',
  '            yaml.load(name, Loader=yaml.Loader)',
  '            return requests.get(url, timeout=5, **kw)',
  '        except (Exception, KeyError) as error:  # the service restarts every night at two',
  '            attempt += 1',
  '            continue',
  '        except:',
  '            pass',
  '    ctx = ssl._create_unverified_context()',
  '    ctx.check_hostname = False',
  '    with suppress(Exception):',
  '        open(os.environ["OUT"], "w").write(re.compile(r"^[a-z]+$").pattern)',
  '    httpx.Client(timeout=None); aiohttp.ClientTimeout()',
  '    query = "DELETE FROM t WHERE id = %s" % name',
  '    cur.executemany(query, [])',
  '',
].join('\n');

const PIECES = ['(', ')', '[', ']', '{', '}', '"', "'", 'f"{', '}"', '"""', '\\', ':', '\n', '    ', 'except', 'try:', 'while True:', '%', '+', '.format(', '**', '*', ',', '=', 'é😀', '\r\n', '\t', '#', 'lambda:', '@'];

const PYTHON_RULES = BUILTIN_RULES.filter((rule) => rule.languages?.python !== undefined);

function assertChecks(text: string): void {
  const result = evaluate('app/mod.py', text, { policy: defaultPolicy(), rules: PYTHON_RULES });
  const failures = result.findings.filter((finding) => finding.ruleId === FILE_NOT_CHECKED_RULE_ID);
  assert.deepEqual(failures.map((finding) => finding.message), []);
  for (const finding of result.findings) assert.ok(finding.start >= 0 && finding.end <= text.length && finding.start <= finding.end);
  const lines = text.split('\n').length;
  blockQuestions('app/mod.py', text, { startLine: 1, endLine: lines });
  blockFacts('app/mod.py', text, { startLine: 1, endLine: lines });
}

describe('Python rules and questions on arbitrary input', () => {
  before(async () => {
    await loadGrammars(['python']);
  });

  it('covers the seven reliability and security rules', () => {
    assert.deepEqual(PYTHON_RULES.map((rule) => rule.id).filter((id) => /^(?:reliability|security)\//.test(id)).sort(), [
      'reliability/missing-timeout',
      'reliability/swallowed-error',
      'reliability/unbounded-retry',
      'security/eval',
      'security/shell-injection',
      'security/sql-injection',
      'security/tls-disabled',
    ]);
  });

  it('never throws on random text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => assertChecks(text)), { numRuns: 150 });
  });

  it('never throws on random mutations of real idioms', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.nat(30), fc.constantFrom(...PIECES)), { minLength: 1, maxLength: 12 }), (edits) => {
        let text = FIXTURE;
        for (const [at, remove, insert] of edits) {
          const start = at % (text.length + 1);
          text = text.slice(0, start) + insert + text.slice(start + remove);
        }
        assertChecks(text);
      }),
      { numRuns: 150 },
    );
  });

  it('does not overflow on deep nesting', () => {
    const depth = 3000;
    assertChecks(`x = ${'('.repeat(depth)}1${')'.repeat(depth)}\n`);
    assertChecks(`q = ${Array.from({ length: depth }, (_, index) => `"s${index}"`).join(' + ')}\ncur.execute("SELECT * FROM t WHERE a = " + q)\n`);
    assertChecks(`${Array.from({ length: 200 }, (_, index) => `${'    '.repeat(index)}while True:\n${'    '.repeat(index + 1)}try:\n${'    '.repeat(index + 2)}break\n${'    '.repeat(index + 1)}except:\n${'    '.repeat(index + 2)}pass\n`).join('')}`);
  });
});
