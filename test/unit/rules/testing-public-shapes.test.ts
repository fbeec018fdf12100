import * as assert from 'node:assert/strict';
import { evaluate } from '../../../src/core/check/engine';
import { defaultPolicy } from '../../../src/core/policy/policy';
import { testingNoAssertion } from '../../../src/core/rules/testing/no-assertion';
import { testingTautologicalAssertion } from '../../../src/core/rules/testing/tautological-assertion';

/**
 * Tests that cannot fail, in the shapes a code search finds in public test suites (written anew here,
 * one per line): a placeholder assertion after smoke code, a matcher not called, a mock checked
 * against its own stub or its own calls, an empty or logging body.
 */
const CANNOT_FAIL = [
  "it('stops gracefully', async () => { await server.start(); await server.stop(); expect(true).toBe(true); });",
  "it('has no leak', () => { for (let i = 0; i < 100; i++) { render(<Badge />).unmount(); } expect(true).toBe(true); });",
  "it('initializes', function () { expect(true).toBe(true); });",
  "it('renders', () => { const { container } = render(<NotFound />); expect(container).toBeTruthy; });",
  "it('rejects a duplicate', async () => { const res = await insert(customer); expect(res.error).toBeTruthy; });",
  "it('returns 1', () => { const mockFn = jest.fn().mockReturnValue(1); expect(mockFn()).toBe(1); });",
  "it('mocks', () => { const mockFn = vi.fn(); mockFn.mockReturnValue('mocked'); expect(mockFn()).toBe('mocked'); });",
  "it('resolves', async () => { const load = jest.fn().mockResolvedValue('ok'); const result = await load(); expect(result).toBe('ok'); });",
  "it('records calls', () => { const spy = jest.fn(); spy('arg'); expect(spy).toHaveBeenCalledWith('arg'); });",
  "it('logs the config', () => { console.log(process.env.TEST_USER); expect(true).toBe(true); });",
  "it('handles special characters: àé', () => { expect(1).toEqual(1); });",
  "it('is a stub', () => {});",
  "it('works', () => { const value = 42; expect(value).toBe(42); });",
  "it('reports', () => { expect(computeTotal(cart)); });",
];

/** The honest neighbours of the shapes above: each can fail on the code under test. */
const CAN_FAIL = [
  "it('stops gracefully', async () => { await server.start(); await server.stop(); expect(server.listening).toBe(false); });",
  "it('renders', () => { const { container } = render(<NotFound />); expect(container).toBeTruthy(); });",
  "it('passes the callback', () => { const cb = jest.fn(); forEach([1, 2], cb); expect(cb).toHaveBeenCalledTimes(2); });",
  "it('uses the stub', () => { const load = jest.fn().mockReturnValue(1); expect(service(load)).toBe(2); });",
  "it('totals', () => { expect(computeTotal(cart)).toBe(30); });",
];

const check = (text: string) =>
  evaluate('src/cart.test.tsx', text, { policy: defaultPolicy(), rules: [testingNoAssertion, testingTautologicalAssertion], inTestPath: true }).findings;

describe('testing rules on the shapes found in public suites', () => {
  it('report every test that cannot fail', () => {
    const missed = CANNOT_FAIL.filter((line) => check(line).length === 0);
    assert.deepEqual(missed, []);
  });

  it('report none of their honest neighbours', () => {
    for (const line of CAN_FAIL) assert.deepEqual(check(line).map((finding) => finding.message), [], line);
  });
});
