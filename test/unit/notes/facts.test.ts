import * as assert from 'node:assert/strict';
import {
  answerFactProblem,
  type CatchFact,
  envNoteProblem,
  type EnvFact,
  type KnownFact,
  type LoopFact,
  type RegexFact,
  timeoutAnswerProblem,
} from '../../../src/core/notes/fact-check';
import { blockFacts, timeoutFacts } from '../../../src/core/notes/facts';
import { parseNote, renderNewNote, serializeNote } from '../../../src/core/notes/note-file';
import { checkNoteQuality } from '../../../src/core/notes/quality';
import { CORE_SECTIONS } from '../../../src/core/notes/template';
import { defaultPolicy } from '../../../src/core/policy/policy';
import type { Block } from '../../../src/core/provenance/block';
import { blockQuestions } from '../../../src/core/notes/questions';

const whole = (text: string) => ({ startLine: 1, endLine: text.split('\n').length });
const factOf = (text: string) => {
  const [fact] = timeoutFacts('src/client.ts', text, whole(text));
  assert.ok(fact, 'a timeout fact');
  const network = blockQuestions('src/client.ts', text, whole(text)).filter((question) => question.kind === 'network');
  assert.deepEqual(network.map((question) => question.id), [fact.questionId], 'the fact belongs to the call\'s network question');
  return fact;
};

describe('facts the tool checks: network timeouts', () => {
  it('reads a literal AbortSignal.timeout and flags a wrong and a missing value', () => {
    const fact = factOf("export async function get(url: string) {\n  return fetch(url, { signal: AbortSignal.timeout(5_000) });\n}\n");
    assert.equal(fact.milliseconds, 5000);
    assert.equal(timeoutAnswerProblem('5 s; the abort rejects fetch and the caller sees a TimeoutError.', fact), undefined);
    assert.equal(timeoutAnswerProblem('5000 ms, then fetch rejects.', fact), undefined);
    assert.deepEqual(timeoutAnswerProblem('It gives up after 10 seconds and the caller retries.', fact), {
      code: 'wrong-fact',
      message: 'The timeout is 5 s (`AbortSignal.timeout(5_000)`); the answer says 10 s.',
    });
    assert.equal(timeoutAnswerProblem('There is no timeout, a slow server hangs it.', fact)?.code, 'wrong-fact');
    assert.equal(timeoutAnswerProblem('The caller sees the rejection and shows an error page.', fact)?.code, 'missing-fact');
  });

  it('follows a constant of the same file, also a product', () => {
    const text = "const TIMEOUT_MS = 2 * 1000;\nexport async function get(url: string) {\n  return fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });\n}\n";
    const fact = factOf(text);
    assert.equal(fact.milliseconds, 2000);
    assert.match(timeoutAnswerProblem('About 5 s.', fact)!.message, /2 s \(`AbortSignal.timeout\(TIMEOUT_MS\)`\); the answer says 5 s/);
  });

  it('reads an axios timeout option, literal or constant', () => {
    const literal = factOf("import axios from 'axios';\nexport const charge = (body: unknown) => axios.post('https://pay.example.com', body, { timeout: 8000 });\n");
    assert.deepEqual([literal.milliseconds, literal.source], [8000, 'timeout: 8000']);
    const named = factOf("import axios from 'axios';\nconst WEBHOOK_TIMEOUT_MS = 8000;\nexport const send = (url: string) => axios.get(url, { timeout: WEBHOOK_TIMEOUT_MS });\n");
    assert.equal(named.milliseconds, 8000);
    assert.equal(timeoutAnswerProblem('8 s via WEBHOOK_TIMEOUT_MS; axios rejects with ECONNABORTED.', named), undefined);
    assert.equal(timeoutAnswerProblem('WEBHOOK_TIMEOUT_MS, whatever it is set to.', named)?.code, 'missing-fact', 'naming the constant is not stating the value');
  });

  it('knows no fact for a call without a timeout or a value it cannot compute', () => {
    const text = "export async function get(url: string, ms: number) {\n  await fetch(url);\n  return fetch(url, { signal: AbortSignal.timeout(ms) });\n}\n";
    assert.deepEqual(timeoutFacts('src/client.ts', text, whole(text)), []);
  });
});

/** The one fact of `kind` in the text, checked to belong to the block question of the same kind. */
function only<K extends KnownFact['kind']>(kind: K, text: string, path = 'src/x.ts'): Extract<KnownFact, { kind: K }> {
  const facts = blockFacts(path, text, whole(text)).filter((fact): fact is Extract<KnownFact, { kind: K }> => fact.kind === kind);
  assert.equal(facts.length, 1, `one ${kind} fact`);
  const fact = facts[0];
  if (fact.kind !== 'env') {
    const questionIds = blockQuestions(path, text, whole(text)).map((question) => question.id);
    assert.ok(questionIds.includes((fact as { questionId: string }).questionId), `the ${kind} fact belongs to a question (${questionIds.join(', ')})`);
  }
  return fact;
}

describe('facts the tool checks: loop bounds', () => {
  const retry =
    'const MAX_ATTEMPTS = 3;\nexport async function send(job: () => Promise<void>) {\n  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {\n    try {\n      return await job();\n    } catch {\n      continue;\n    }\n  }\n}\n';

  it('knows the bound of a retry loop from a constant, and flags "nothing bounds it" and a missing bound', () => {
    const fact = only('loop', retry) as LoopFact & { bounded: true };
    assert.equal(fact.bounded, true);
    assert.deepEqual([fact.names[0], fact.value], ['MAX_ATTEMPTS', 3]);
    assert.equal(answerFactProblem('MAX_ATTEMPTS, so three tries and then it gives up.', fact), undefined);
    assert.equal(answerFactProblem('It stops after 3 attempts.', fact), undefined);
    // The case: a bound was added, the old answer stayed.
    assert.deepEqual(answerFactProblem('Nothing bounds the loop; it retries until the job succeeds.', fact), {
      code: 'wrong-fact',
      message: 'The loop is bounded by `attempt < MAX_ATTEMPTS` (MAX_ATTEMPTS is 3); the answer says nothing bounds it.',
    });
    assert.equal(answerFactProblem('It keeps the queue moving when a job is flaky.', fact)?.code, 'missing-fact');
    // Naming the bound with the wrong value is the cheapest way past a name check.
    assert.deepEqual(answerFactProblem('MAX_ATTEMPTS, which is 10, then it gives up.', fact)?.code, 'wrong-fact');
    assert.equal(answerFactProblem('Up to 10 tries before it gives up.', fact)?.code, 'wrong-fact');
    assert.equal(answerFactProblem('MAX_ATTEMPTS (3), with 250 ms between tries.', fact), undefined, 'other numbers in the answer are not the bound');
  });

  it('accepts a parameter default or the parameter name for a bound passed in', () => {
    const text = 'export function poll(check: () => boolean, maxTries = 4) {\n  let tries = 0;\n  while (tries < maxTries) {\n    if (check()) return true;\n    tries++;\n  }\n  return false;\n}\n';
    const fact = only('loop', text) as LoopFact & { bounded: true };
    assert.deepEqual([fact.names[0], fact.value], ['maxTries', 4]);
    assert.equal(answerFactProblem('maxTries, four by default.', fact), undefined);
    assert.equal(answerFactProblem('Four checks at most.', fact)?.code, 'missing-fact', 'a number in words is not read');
    assert.equal(answerFactProblem('At most 4 checks.', fact), undefined);
  });

  it('knows that nothing ends `while (true)` without a way out, and accepts a loop that has one as unknown', () => {
    const forever = 'export async function pump(read: () => Promise<string>, write: (s: string) => void) {\n  while (true) {\n    write(await read());\n  }\n}\n';
    const fact = only('loop', forever);
    assert.equal(fact.bounded, false);
    assert.equal(answerFactProblem('Nothing bounds it: it runs until the process is killed, which is what a pump should do.', fact), undefined);
    assert.equal(answerFactProblem('It stops after 5 attempts.', fact)?.code, 'wrong-fact');
    assert.equal(answerFactProblem('It reads and writes lines.', fact)?.code, 'missing-fact');
    const withBreak = 'export async function drain(next: () => Promise<string | undefined>) {\n  while (true) {\n    const item = await next();\n    if (item === undefined) break;\n  }\n}\n';
    assert.deepEqual(blockFacts('src/x.ts', withBreak, whole(withBreak)).filter((f) => f.kind === 'loop'), []);
  });
});

describe('facts the tool checks: what a catch does', () => {
  const rethrows = "export async function load(read: () => Promise<string>) {\n  try {\n    return await read();\n  } catch (error) {\n    console.error('load failed', error);\n    throw new Error('load failed', { cause: error });\n  }\n}\n";
  const swallows = "export async function load(read: () => Promise<string>) {\n  let text = '';\n  try {\n    text = await read();\n  } catch (error) {\n    console.warn('using empty text', error);\n  }\n  return text;\n}\n";

  it('flags an answer that says a rethrowing catch swallows the error', () => {
    const fact = only('catch', rethrows) as CatchFact;
    assert.equal(fact.behaviour, 'rethrows');
    assert.equal(answerFactProblem('It logs and rethrows a wrapped error with the cause, so the caller still fails.', fact), undefined);
    assert.deepEqual(answerFactProblem('The error is swallowed after logging, so startup goes on.', fact), {
      code: 'wrong-fact',
      message: "The catch throws again (`throw new Error('load failed', { cause: error });`); the answer says the error is swallowed.",
    });
    assert.equal(answerFactProblem('It does not rethrow; the caller never sees it.', fact)?.code, 'wrong-fact');
  });

  it('flags an answer that says a swallowing catch propagates the error, and leaves other answers alone', () => {
    const fact = only('catch', swallows) as CatchFact;
    assert.equal(fact.behaviour, 'swallows');
    assert.equal(answerFactProblem('It rethrows so the caller can retry.', fact)?.code, 'wrong-fact');
    assert.equal(answerFactProblem('A missing file is normal on first run, so it warns and carries on with empty text.', fact), undefined);
    assert.equal(answerFactProblem('Nothing is rethrown: the warning is the only trace.', fact), undefined, 'a negated mention is not a claim');
  });

  it('reads a .catch handler', () => {
    const text = "export function ping(send: () => Promise<void>) {\n  return send().catch(() => {});\n}\n";
    const fact = only('catch', text) as CatchFact;
    assert.equal(fact.behaviour, 'swallows');
    assert.equal(answerFactProblem('A failed ping propagates to the health check.', fact)?.code, 'wrong-fact');
  });
});

describe('facts the tool checks: regular expressions, run on the examples an answer gives', () => {
  const text = "export const isSku = (value: string) => /^[A-Z]{3}-\\d{4}$/.test(value);\n";

  it('accepts true claims and flags a false one, either way', () => {
    const fact = only('regex', text) as RegexFact;
    assert.equal(answerFactProblem('It rejects lower case, like "abc-1234", and short numbers such as `ABC-12`.', fact), undefined);
    assert.equal(answerFactProblem('It accepts `ABC-1234` and rejects `ABC-12345`.', fact), undefined);
    assert.deepEqual(answerFactProblem('It rejects `ABC-1234` because the dash is not allowed.', fact), {
      code: 'wrong-fact',
      message: '`/^[A-Z]{3}-\\d{4}$/` accepts `ABC-1234` (the tool ran it); the answer says it rejects it.',
    });
    assert.equal(answerFactProblem('It accepts `abc-1234` too, case does not matter.', fact)?.code, 'wrong-fact');
    assert.equal(answerFactProblem('It does not match "ABC-1234".', fact)?.code, 'wrong-fact', 'a negated accept is a reject claim');
  });

  it('checks nothing when the answer quotes no example, and skips patterns RE2 cannot run', () => {
    const fact = only('regex', text) as RegexFact;
    assert.equal(answerFactProblem('Anything that is not three capitals, a dash and four digits.', fact), undefined);
    const lookbehind = "export const price = (s: string) => /(?<=\\$)\\d+/.exec(s);\n";
    const behind = only('regex', lookbehind) as RegexFact;
    assert.equal(answerFactProblem('It rejects `$12`.', behind), undefined);
  });

  it('honours the flags and a new RegExp with a literal pattern', () => {
    const fact = only('regex', "export const isYes = (s: string) => new RegExp('^y(es)?$', 'i').test(s);\n") as RegexFact;
    assert.equal(fact.flags, 'i');
    assert.equal(answerFactProblem('It accepts `YES` and `y`, and rejects `yeah`.', fact), undefined);
    assert.equal(answerFactProblem('It rejects `Yes`.', fact)?.code, 'wrong-fact');
  });
});

describe('facts the tool checks: environment variables', () => {
  const text = "export function dbUrl() {\n  const { PGHOST, PGPORT } = process.env;\n  return `postgres://${PGHOST}:${PGPORT ?? 5432}/${process.env['PGDATABASE']}`;\n}\n";

  it('knows every variable read and names the ones the note leaves out', () => {
    const fact = only('env', text) as EnvFact;
    assert.deepEqual(fact.names, ['PGHOST', 'PGPORT', 'PGDATABASE']);
    assert.equal(envNoteProblem('Reads PGHOST, PGPORT (5432 when unset) and PGDATABASE; an unset PGHOST gives "undefined" in the URL.', fact), undefined);
    assert.deepEqual(envNoteProblem('Builds the URL from PGHOST and PGPORT.', fact), {
      code: 'missing-fact',
      message: 'The code reads the environment variable `PGDATABASE`; the note never names it (say what happens when it is unset).',
    });
  });

  it('puts the problem on the note, at its "what" section, and passes the note that names them all', () => {
    const fact = only('env', text) as EnvFact;
    const block: Block = { id: 'blk-env', startLine: 1, endLine: 4, source: 'agent-write', confidence: 'certain', agent: 'claude-code', createdAt: '2026-03-01T09:00:00.000Z', modified: false };
    const noteFor = (what: string): string => {
      const fresh = parseNote(renderNewNote({ block, file: 'src/db.ts', blockText: text, level: 1, sections: CORE_SECTIONS, questions: [], now: new Date('2026-03-01T10:00:00.000Z') }));
      const answers = {
        what,
        why: 'dbUrl reads process.env at call time because the platform injects the libpq variables into every container it starts.',
        'failure-modes': 'An unset PGHOST yields the text undefined inside the postgres URL, so the first connect fails with a DNS error.',
        observability: 'The pool logs the connect error with the host from PGHOST, which shows undefined when it was not injected.',
      };
      return serializeNote({ frontMatter: fresh.frontMatter!, sections: CORE_SECTIONS, answers, questionAnswers: {}, code: text });
    };
    const input = { blockText: text, sections: CORE_SECTIONS, questions: [], notes: defaultPolicy().notes, facts: [fact] };
    const partial = checkNoteQuality(noteFor('dbUrl joins PGHOST and PGPORT into a postgres URL for the connection pool.'), input);
    const problem = partial.problems.find((p) => p.code === 'missing-fact');
    assert.ok(problem, JSON.stringify(partial.problems));
    assert.match(problem.message, /`PGDATABASE`/);
    assert.equal(problem.sectionId, 'what');
    const full = checkNoteQuality(noteFor('dbUrl joins PGHOST, PGPORT (5432 by default) and PGDATABASE into a postgres URL for the pool.'), input);
    assert.deepEqual(full.problems, []);
  });
});

describe('facts the tool checks: what a shell command, SQL or eval is built from', () => {
  const factFor = (text: string, kind: 'shell' | 'sql' | 'eval') => {
    const question = blockQuestions('src/x.ts', text, whole(text)).find((candidate) => candidate.kind === kind);
    assert.ok(question, `a ${kind} question`);
    const fact = blockFacts('src/x.ts', text, whole(text)).find((candidate) => candidate.kind === 'built-from' && candidate.questionId === question.id);
    assert.ok(fact && fact.kind === 'built-from', `a built-from fact for the ${kind} question`);
    return fact;
  };

  it('names every value put into a shell command; the answer must say where each comes from', () => {
    const fact = factFor("import { exec } from 'child_process';\nexport function pack(tenantName: string, dir: string) {\n  exec(`tar -czf ${dir}/${tenantName}.tgz /srv/${tenantName}`, () => {});\n}\n", 'shell');
    assert.deepEqual(fact.inputs.map((input) => input.source), ['dir', 'tenantName']);
    assert.equal(answerFactProblem('dir is the backup folder from config; tenantName comes from the admin form and is checked against /^[a-z0-9-]+$/ first.', fact), undefined);
    assert.equal(answerFactProblem('The backup dir is fixed in config and the tenant name is validated by the route.', fact), undefined, 'the same words count');
    assert.deepEqual(answerFactProblem('It only runs tar, nothing else can get in.', fact), {
      code: 'missing-fact',
      message: 'The command is built from `dir`, `tenantName`; the answer does not say where `dir`, `tenantName` come from.',
    });
  });

  it('reads SQL built by concatenation and eval of a request field', () => {
    const sql = factFor("export async function find(db: any, req: any) {\n  return db.query('SELECT * FROM users WHERE id = ' + req.query.id);\n}\n", 'sql');
    assert.deepEqual(sql.inputs.map((input) => input.source), ['req.query.id']);
    assert.equal(answerFactProblem('The id comes straight from the query string, so a caller can change the statement.', sql), undefined);
    assert.equal(answerFactProblem('Only our own code calls it.', sql)?.code, 'missing-fact');
    const code = factFor('export function calc(req: any) {\n  return eval(req.body.formula);\n}\n', 'eval');
    assert.equal(answerFactProblem('Nothing dangerous happens here.', code)?.code, 'missing-fact');
    assert.equal(answerFactProblem('The formula is whatever the user typed in the request body.', code), undefined);
  });
});
