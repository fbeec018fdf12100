import type { Node } from 'web-tree-sitter';
import type { RuleFinding, TextFix } from '../../check/findings';
import type { LanguageCheck, LanguageRuleContext } from '../rule';
import {
  appendArgumentEdit,
  argumentAt,
  callArguments,
  calleeLastName,
  calleeObject,
  type CallArguments,
  enclosingScope,
  isNone,
  namesBoundTo,
  nodesOfType,
  ownNodesOfType,
  PythonNames,
  pythonRoot,
} from '../shared-python/nodes';

const DEFAULT_TIMEOUT_MS = 10_000;

/** requests' request functions (module level and `Session` methods): none has a default timeout. */
const REQUESTS_METHODS: ReadonlySet<string> = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request']);
/** What makes a requests `Session`. */
const REQUESTS_SESSION = /^requests(?:\.sessions)?\.[Ss]ession$/;
/** httpx's request functions and clients: bounded (5 s) unless `timeout=None`. */
const HTTPX_CALLS: ReadonlySet<string> = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request', 'stream', 'Client', 'AsyncClient', 'Timeout']);

/**
 * `reliability/missing-timeout` for Python. What each library does by default decides what is
 * reported: requests, `urllib.request.urlopen`, `http.client` connections and
 * `socket.create_connection` wait forever unless given a timeout (or the process sets
 * `socket.setdefaulttimeout`, which all of them use); httpx bounds every request at 5 s unless
 * `timeout=None` switches it off; aiohttp bounds a session at 5 min unless a `ClientTimeout` without
 * `total` or `sock_read` replaces that. A call passing `**kwargs` may carry a timeout and is skipped.
 */
export const pythonMissingTimeout: LanguageCheck = {
  // Bandit's request_without_timeout.
  banditTests: ['B113'],
  rationale: 'In Python: requests (no default timeout), `urllib.request.urlopen`, `http.client` connections and `socket.create_connection` need `timeout=` (seconds) or `socket.setdefaulttimeout`; `timeout=None` means wait forever. httpx (5 s) and aiohttp (5 min) are bounded by default and reported only where that bound is switched off. A call without a timeout in a function that makes the same call with one (when its caller gives one) is that caller\'s choice and is not reported.',
  textTriggers: ['requests', 'urlopen', 'http.client', 'HTTPConnection', 'HTTPSConnection', 'create_connection', 'httpx', 'aiohttp', 'ClientTimeout'],
  check(context: LanguageRuleContext): RuleFinding[] {
    const root = pythonRoot(context.document);
    if (root === undefined) return [];
    const names = PythonNames.of(root);
    const calls = nodesOfType(root, 'call');
    // `socket.setdefaulttimeout(30)` bounds every socket the process opens afterwards, requests' too.
    if (calls.some((call) => names.qualified(call.childForFieldName('function')) === 'socket.setdefaulttimeout' && !isNone(callArguments(call).positional[0]))) return [];
    const seconds = timeoutSeconds(context.options.defaultTimeoutMs);
    const sessions = namesBoundTo(root, names, REQUESTS_SESSION);
    const findings: RuleFinding[] = [];
    for (const call of calls) {
      const finding = judge(call, names, sessions, seconds);
      if (finding !== undefined) findings.push(finding);
    }
    return findings;
  },
};

function timeoutSeconds(value: unknown): string {
  const milliseconds = typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : DEFAULT_TIMEOUT_MS;
  return String(Math.round(milliseconds / 100) / 10);
}

function judge(call: Node, names: PythonNames, sessions: ReadonlySet<string>, seconds: string): RuleFinding | undefined {
  const callee = call.childForFieldName('function');
  if (callee === null) return undefined;
  const qualified = names.qualified(callee);
  const method = calleeLastName(call);
  const args = callArguments(call);
  if (args.kwargsSplat) return undefined;
  if (qualified !== undefined) {
    const requests = /^requests(?:\.api)?\.(\w+)$/.exec(qualified);
    if (requests !== null && REQUESTS_METHODS.has(requests[1]) && names.imports('requests')) {
      return missing(call, callee, args, 'timeout', -1, `requests waits forever by default`, seconds);
    }
    const httpx = /^httpx\.(\w+)$/.exec(qualified);
    if (httpx !== null && HTTPX_CALLS.has(httpx[1])) return switchedOff(call, callee, args, httpx[1] === 'Timeout' ? argumentAt(args, 0, 'timeout') : args.keywords.get('timeout'), 'httpx\'s 5 s default');
    if (qualified === 'urllib.request.urlopen') return missing(call, callee, args, 'timeout', 2, '`urlopen` waits forever unless `socket.setdefaulttimeout` is set', seconds);
    if (/^http\.client\.HTTPS?Connection$/.test(qualified)) return missing(call, callee, args, 'timeout', 2, 'its socket waits forever by default', seconds);
    if (qualified === 'socket.create_connection') return missing(call, callee, args, 'timeout', 1, 'the socket waits forever by default', seconds);
    if (qualified === 'aiohttp.ClientTimeout') return aiohttpTimeout(call, callee, args);
  }
  // Methods of a requests Session, through its name or straight on `requests.Session()`.
  const object = calleeObject(call);
  if (method !== undefined && REQUESTS_METHODS.has(method) && object !== undefined) {
    const onSession = sessions.has(object.text) || (object.type === 'call' && REQUESTS_SESSION.test(names.qualified(object.childForFieldName('function')) ?? ''));
    if (onSession) return missing(call, callee, args, 'timeout', -1, 'a requests `Session` has no default timeout', seconds);
  }
  return undefined;
}

/** A finding when neither `keyword` nor the positional argument at `index` (-1: keyword only) is given. */
function missing(call: Node, callee: Node, args: CallArguments, keyword: string, index: number, why: string, seconds: string): RuleFinding | undefined {
  const given = args.keywords.get(keyword) ?? (index >= 0 ? args.positional[index] : undefined);
  if (given !== undefined && isNone(given)) {
    // `timeout=None` is how these libraries spell "block forever".
    return {
      start: given.startIndex,
      end: given.endIndex,
      message: `\`${keyword}=None\` on \`${callee.text.replace(/\s+/g, '')}\` waits forever: a stalled server holds it. Set a limit in seconds.`,
      fixes: [{ title: `Set timeout=${seconds}`, edits: [{ start: given.startIndex, end: given.endIndex, newText: seconds }], preferred: true }],
    };
  }
  if (args.keywords.has(keyword) || args.splat) return undefined;
  if (index >= 0 && args.positional.length > index) return undefined;
  if (timedElsewhereInFunction(call, callee, keyword, index)) return undefined;
  const name = callee.text.replace(/\s+/g, '');
  const finding: RuleFinding = {
    start: callee.startIndex,
    end: callee.endIndex,
    message: `\`${name}\` has no timeout; ${why}, so one stalled server holds this call. Pass \`timeout=\` in seconds.`,
  };
  const edit = appendArgumentEdit(call, `timeout=${seconds}`);
  if (edit !== undefined) finding.fixes = [{ title: `Add timeout=${seconds}`, edits: [edit], preferred: true } satisfies TextFix];
  return finding;
}

/**
 * The same function makes the same call, on the same first argument, with a timeout too (`if timeout is not None: return
 * socket.create_connection(address, timeout)` then `return socket.create_connection(address)`, in
 * imaplib): it honours a timeout when its caller gives one, and the call without one is that caller's
 * choice of none.
 */
function timedElsewhereInFunction(call: Node, callee: Node, keyword: string, index: number): boolean {
  const scope = enclosingScope(call);
  if (scope.type !== 'function_definition') return false;
  const name = callee.text.replace(/\s+/g, '');
  // The same request: the same callee on the same first argument (`create_connection(address)`).
  const first = callArguments(call).positional[0]?.text;
  return ownNodesOfType(scope, 'call').some((other) => {
    if (other.id === call.id || other.childForFieldName('function')?.text.replace(/\s+/g, '') !== name) return false;
    const args = callArguments(other);
    if (args.positional[0]?.text !== first) return false;
    const given = args.keywords.get(keyword) ?? (index >= 0 ? args.positional[index] : undefined);
    return given !== undefined && !isNone(given);
  });
}

/** httpx: only an explicit `None` switches the default off. */
function switchedOff(call: Node, callee: Node, args: CallArguments, timeout: Node | undefined, what: string): RuleFinding | undefined {
  if (timeout === undefined || !isNone(timeout)) return undefined;
  return {
    start: timeout.startIndex,
    end: timeout.endIndex,
    message: `\`timeout=None\` on \`${callee.text.replace(/\s+/g, '')}\` switches off ${what}: this request can wait forever. Set a limit in seconds.`,
  };
}

/**
 * `aiohttp.ClientTimeout(...)` replaces the session's 5 min default as a whole: one with neither
 * `total` nor `sock_read` (positionally the first and third) set to a value never ends a stalled read.
 */
function aiohttpTimeout(call: Node, callee: Node, args: CallArguments): RuleFinding | undefined {
  if (args.splat) return undefined;
  const bounds = [argumentAt(args, 0, 'total'), argumentAt(args, 2, 'sock_read')];
  if (bounds.some((bound) => bound !== undefined && !isNone(bound))) return undefined;
  return {
    start: callee.startIndex,
    end: call.endIndex,
    message: '`ClientTimeout` without `total` or `sock_read` replaces aiohttp\'s 5 min default with no limit: a stalled server holds the request forever. Set `total=` in seconds.',
  };
}
