import * as assert from 'node:assert/strict';
import { timeoutAnswerProblem } from '../../../src/core/notes/fact-check';
import { timeoutFacts } from '../../../src/core/notes/facts';
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
