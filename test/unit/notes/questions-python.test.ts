import * as assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadGrammars } from '../../../src/core/languages/tree-sitter';
import { answerFactProblem, type KnownFact } from '../../../src/core/notes/fact-check';
import { blockFacts } from '../../../src/core/notes/facts';
import { parseNote } from '../../../src/core/notes/note-file';
import { blockQuestions, questionId } from '../../../src/core/notes/questions';
import { aiBlock, notePath, writeAiBlock } from '../cli/ai-block-fixture';
import { cli, git, tempRepo, write } from '../cli/run-cli';

const CLIENT = [
  'import os, re, subprocess, requests',
  'from sqlalchemy import text',
  'MAX_ATTEMPTS = 4',
  'TIMEOUT_S = 2.5',
  '',
  'def sync(cur, name):',
  '    attempt = 0',
  '    while attempt < MAX_ATTEMPTS:',
  '        try:',
  '            response = requests.get(os.environ["API_URL"], timeout=TIMEOUT_S)',
  '            break',
  '        except (requests.ConnectionError, requests.Timeout):',
  '            attempt += 1',
  '    subprocess.run(f"tar -czf {name}.tgz data", shell=True)',
  '    cur.execute("SELECT * FROM users WHERE name = %s", (name,))',
  '    eval(name)',
  '    token = os.getenv("API_TOKEN")',
  '    with open("/tmp/out.json", "w") as out:',
  '        out.write(response.text)',
  '    valid = re.compile(r"^[a-z][a-z0-9-]*$", re.I)',
  '    words = re.compile(r"\\w+")',
  '    while True:',
  '        pass',
  '',
].join('\n');

describe('Python block questions and facts', () => {
  before(async () => {
    await loadGrammars(['python']);
  });

  it('asks about the constructs of a Python block, by kind, naming the code and never its line', () => {
    const questions = blockQuestions('app/sync.py', CLIENT, { startLine: 6, endLine: 24 }, { maxQuestions: 20 });
    const byKind = new Map<string, string>();
    for (const question of questions) if (!byKind.has(question.kind)) byKind.set(question.kind, question.text);
    assert.deepEqual([...new Set(questions.map((question) => question.kind))], ['network', 'shell', 'sql', 'eval', 'loop', 'catch', 'file-write', 'env', 'regex']);
    assert.equal(byKind.get('network'), 'What is the timeout on `requests.get(os.environ["API_URL"], …)`, and what happens when it fails?');
    assert.equal(byKind.get('catch'), 'What happens to `response = requests.get(os.environ["API…; …` when `requests.ConnectionError` or `requests.Timeout` is raised; who hears of it?');
    assert.equal(byKind.get('loop'), 'What bounds `while attempt < MAX_ATTEMPTS`?');
    assert.equal(byKind.get('env'), 'What happens when `API_URL`, `API_TOKEN` are unset or malformed?');
    assert.match(byKind.get('shell')!, /^What is the command in `subprocess.run\(…\)` built from/);
    assert.match(byKind.get('file-write')!, /^Which path can `open\("\/tmp\/out.json", …\)` write to/);
    for (const question of questions) assert.doesNotMatch(question.text, /\bline\b/);
    const network = questions.find((question) => question.kind === 'network')!;
    assert.equal(network.line, 10);
    assert.equal(network.id, questionId('network', 'requests.get(os.environ["API_URL"], timeout=TIMEOUT_S)'));
  });

  it('asks only about what starts inside the block, and nothing on a file of plain statements', () => {
    assert.deepEqual(blockQuestions('app/sync.py', CLIENT, { startLine: 1, endLine: 5 }), []);
    assert.deepEqual(blockQuestions('app/calc.py', 'def add(a, b):\n    return a + b\n', { startLine: 1, endLine: 2 }), []);
  });

  it('knows the timeout in milliseconds, the loop bound, what the except does, regexes JavaScript reads the same, and env names', () => {
    const facts = blockFacts('app/sync.py', CLIENT, { startLine: 6, endLine: 24 });
    const of = <K extends KnownFact['kind']>(kind: K): Extract<KnownFact, { kind: K }>[] => facts.filter((fact): fact is Extract<KnownFact, { kind: K }> => fact.kind === kind);
    assert.deepEqual(of('timeout').map((fact) => [fact.milliseconds, fact.source]), [[2500, 'timeout=TIMEOUT_S']]);
    assert.deepEqual(
      of('loop').map((fact) => [fact.source, fact.bounded, fact.bounded ? fact.value : undefined]),
      [
        ['attempt < MAX_ATTEMPTS', true, 4],
        ['while True', false, undefined],
      ],
    );
    assert.deepEqual(of('catch').map((fact) => fact.behaviour), ['swallows']);
    assert.deepEqual(of('regex').map((fact) => [fact.pattern, fact.flags]), [['^[a-z][a-z0-9-]*$', 'i']], '\\w is Unicode-aware in Python: no fact');
    assert.deepEqual(of('env').map((fact) => fact.names), [['API_URL', 'API_TOKEN']]);
    const timeout = of('timeout')[0]!;
    assert.equal(answerFactProblem('It gives up after 2.5 s and the loop tries again.', timeout), undefined);
    assert.equal(answerFactProblem('It waits 10 s.', timeout)?.code, 'wrong-fact');
    const regex = of('regex')[0]!;
    assert.equal(answerFactProblem('It rejects "9lives" because the first character must be a letter.', regex), undefined);
    assert.equal(answerFactProblem('It accepts "9lives".', regex)?.code, 'wrong-fact');
  });

  it('tells an except that raises or returns from one that carries on', () => {
    const text = 'try:\n    a()\nexcept KeyError:\n    raise LookupError("x") from None\nexcept ValueError:\n    return None\nexcept:\n    log()\n';
    assert.deepEqual(
      blockFacts('a.py', text, { startLine: 1, endLine: 8 }).map((fact) => (fact.kind === 'catch' ? [fact.behaviour, fact.source] : [])),
      [
        ['rethrows', 'raise LookupError("x") from None'],
        ['returns', 'return None'],
        ['swallows', 'except'],
      ],
    );
  });

  it('shows them in `comprehension note` for an AI block of a Python file', async () => {
    const root = tempRepo('cf-note-py-');
    try {
      git(root, ['config', 'user.name', 'Ada Writer']);
      git(root, ['config', 'user.email', 'ada@example.com']);
      write(root, '.comprehension/policy.yaml', 'level: 1\n');
      const block = { ...aiBlock(undefined, 'blk-py-sync'), startLine: 6, endLine: 24 };
      writeAiBlock(root, block, 'app/sync.py', CLIENT);
      const run = await cli(root, ['note', 'app/sync.py:10']);
      assert.equal(run.code, 0, run.stderr);
      const note = parseNote(readFileSync(join(root, notePath(block)), 'utf8'));
      const asked = note.frontMatter!.questions.map((question) => question.id.replace(/-[0-9a-f]+$/, ''));
      assert.ok(asked.includes('network') && asked.includes('shell') && asked.includes('sql'), asked.join(', '));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
