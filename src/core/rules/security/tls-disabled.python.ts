import type { Node } from 'web-tree-sitter';
import type { RuleFinding, TextFix } from '../../check/findings';
import type { LanguageCheck, LanguageRuleContext } from '../rule';
import { callArguments, calleeLastName, isFalse, namedChildrenOf, nodesOfType, PythonNames, pythonRoot } from '../shared-python/nodes';
import { TLS_OPTION_NAME, UNVERIFIED_MAKER_NAME } from './tls-options';

/** Request methods of requests, httpx and their sessions/clients, where `verify=False` means TLS. */
const HTTP_METHODS: ReadonlySet<string> = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request', 'send', 'stream', 'merge_environment_settings']);
/** Client constructors that take `verify=` for every request they make. */
const CLIENT_CONSTRUCTOR = /^(?:httpx\.(?:Client|AsyncClient|HTTPTransport|AsyncHTTPTransport)|requests\.(?:\w+\.)?[Ss]ession)$/;

const ADVICE = 'For a private CA, pass its bundle (`verify="/path/ca.pem"`, `cafile=`) instead.';

/**
 * `security/tls-disabled` for Python: `verify=False` on requests and httpx calls, sessions and
 * clients (`session.verify = False` too), `ssl._create_unverified_context()` (called or installed as
 * the default), `ssl.CERT_NONE` (or urllib3's `cert_reqs="CERT_NONE"`) set as a verify mode, and
 * `check_hostname = False` / `assert_hostname=False`, and aiohttp's `ssl=False` / `verify_ssl=False`. `urllib3.disable_warnings(…)` is reported only
 * in a file that also turns verification off: on its own it only hides warnings.
 */
export const pythonTlsDisabled: LanguageCheck = {
  // Bandit's request_with_no_cert_validation and the blacklisted ssl._create_unverified_context.
  banditTests: ['B501', 'B323'],
  rationale: 'In Python: `verify=False` on requests and httpx, `ssl._create_unverified_context()`, `ssl.CERT_NONE`, `check_hostname = False`, aiohttp\'s `ssl=False`. For a private CA, pass its bundle (`verify="/path/ca.pem"`). A setting in a branch of a condition on a TLS option (`if verify: … else: conn.cert_reqs = "CERT_NONE"`) passes the caller\'s choice on and is not reported, nor is one in a function named for making an unverified context (`load_ssl_context_no_verify`).',
  textTriggers: ['verify', 'CERT_NONE', '_create_unverified_context', 'check_hostname', 'assert_hostname', 'ssl=False', 'ssl = False'],
  check(context: LanguageRuleContext): RuleFinding[] {
    const root = pythonRoot(context.document);
    if (root === undefined) return [];
    const names = PythonNames.of(root);
    const findings: RuleFinding[] = [];
    for (const call of nodesOfType(root, 'call')) findings.push(...checkCall(call, names));
    for (const assignment of nodesOfType(root, 'assignment')) {
      const finding = checkAssignment(assignment, names);
      if (finding !== undefined) findings.push(finding);
    }
    if (findings.length > 0) {
      for (const call of nodesOfType(root, 'call')) {
        const qualified = names.qualified(call.childForFieldName('function')) ?? '';
        if (/^(?:requests\.packages\.)?urllib3\.disable_warnings$/.test(qualified)) {
          findings.push({ start: call.startIndex, end: call.endIndex, message: '`urllib3.disable_warnings` hides the warnings about the unverified connections this file makes. Verify certificates instead.' });
        }
      }
    }
    return findings.sort((a, b) => a.start - b.start);
  },
};

function checkCall(call: Node, names: PythonNames): RuleFinding[] {
  const callee = call.childForFieldName('function');
  if (callee === null) return [];
  const qualified = names.qualified(callee) ?? '';
  if (qualified === 'ssl._create_unverified_context') {
    return [{ start: call.startIndex, end: call.endIndex, message: `\`ssl._create_unverified_context()\` makes a context that checks neither certificate nor host name: anyone on the network path can read and change this traffic. ${ADVICE}` }];
  }
  const args = callArguments(call);
  const findings: RuleFinding[] = [];
  const verify = args.keywords.get('verify');
  if (verify !== undefined && isFalse(verify)) {
    const method = calleeLastName(call);
    const isHttp =
      /^(?:requests|httpx)\./.test(qualified) || CLIENT_CONSTRUCTOR.test(qualified) || (callee.type === 'attribute' && method !== undefined && HTTP_METHODS.has(method));
    if (isHttp) findings.push(report(verify.parent ?? verify, disabledMessage('verify=False'), flip(verify)));
  }
  // aiohttp: `ssl=False` (or the older `verify_ssl=False`) on a connector or a request skips certificate checks.
  if (names.imports('aiohttp')) {
    const isAiohttp = qualified === 'aiohttp.TCPConnector' || qualified.startsWith('aiohttp.') || (callee.type === 'attribute' && HTTP_METHODS.has(calleeLastName(call) ?? ''));
    for (const keyword of ['ssl', 'verify_ssl']) {
      const value = args.keywords.get(keyword);
      if (isAiohttp && value !== undefined && isFalse(value)) findings.push(report(value.parent ?? value, disabledMessage(`${keyword}=False`), flip(value)));
    }
  }
  for (const keyword of ['cert_reqs', 'verify_mode']) {
    const value = args.keywords.get(keyword);
    if (value !== undefined && isCertNone(value, names)) findings.push(report(value.parent ?? value, disabledMessage(`${keyword}=${value.text}`)));
  }
  for (const keyword of ['check_hostname', 'assert_hostname']) {
    const value = args.keywords.get(keyword);
    if (value !== undefined && isFalse(value)) findings.push(report(value.parent ?? value, `\`${keyword}=False\` accepts a valid certificate for any host name: anyone with one can pose as this server. Remove it.`));
  }
  return findings;
}

function checkAssignment(assignment: Node, names: PythonNames): RuleFinding | undefined {
  const left = assignment.childForFieldName('left');
  const right = assignment.childForFieldName('right');
  if (left === null || right === null || left.type !== 'attribute') return undefined;
  const attribute = left.childForFieldName('attribute')?.text;
  if (isOwnFieldDefault(assignment, left) || passesOnTlsOption(assignment)) return undefined;
  if (attribute === 'verify' && isFalse(right)) return report(assignment, disabledMessage(`${left.text} = False`), flip(right));
  if (attribute === 'check_hostname' && isFalse(right)) {
    return report(assignment, `\`${left.text} = False\` accepts a valid certificate for any host name: anyone with one can pose as this server. Remove it.`);
  }
  if ((attribute === 'verify_mode' || attribute === 'cert_reqs') && isCertNone(right, names)) return report(assignment, disabledMessage(`${left.text} = ${right.text}`));
  if (names.qualified(left) === 'ssl._create_default_https_context' && names.qualified(right) === 'ssl._create_unverified_context') {
    return report(assignment, `Installing \`ssl._create_unverified_context\` as the default turns off certificate checks for every HTTPS connection of the process. ${ADVICE}`);
  }
  return undefined;
}

/**
 * `self.check_hostname = False` in the `__init__` of a class of its own (no base but `object`): the
 * default of a stand-in context class (urllib3's SSLContext shim for old Pythons), not a setting of
 * a real client. A subclass (`class Insecure(requests.Session)`) still counts.
 */
function isOwnFieldDefault(assignment: Node, left: Node): boolean {
  if (left.childForFieldName('object')?.text !== 'self') return false;
  let scope = assignment.parent;
  while (scope !== null && scope.type !== 'function_definition') scope = scope.parent;
  if (scope === null || scope.childForFieldName('name')?.text !== '__init__') return false;
  let owner = scope.parent;
  while (owner !== null && owner.type !== 'class_definition') owner = owner.parent;
  if (owner === null) return false;
  const bases = owner.childForFieldName('superclasses');
  const names = bases === null ? [] : namedChildrenOf(bases).map((base) => base.text);
  return names.every((name) => name === 'object');
}

/**
 * In a function named for building an unverified connection (`load_ssl_context_no_verify`), or a
 * statement directly in a branch of a condition on a TLS option (`if … and verify: … else:
 * conn.cert_reqs = "CERT_NONE"` in requests, `if not server_hostname: context.check_hostname =
 * False` in asyncio): the caller's choice passed on (see `tls-options.ts`).
 */
function passesOnTlsOption(assignment: Node): boolean {
  let scope = assignment.parent;
  while (scope !== null && scope.type !== 'function_definition') scope = scope.parent;
  if (scope !== null && UNVERIFIED_MAKER_NAME.test(scope.childForFieldName('name')?.text ?? '')) return true;
  const statement = assignment.parent;
  const block = statement?.type === 'expression_statement' ? statement.parent : null;
  const branch = block?.type === 'block' ? block.parent : null;
  if (branch === null || branch === undefined) return false;
  const owner = branch.type === 'else_clause' ? branch.parent : branch;
  if (owner === null || (owner.type !== 'if_statement' && owner.type !== 'elif_clause')) return false;
  const condition = owner.childForFieldName('condition');
  return condition !== null && TLS_OPTION_NAME.test(condition.text);
}

/** `ssl.CERT_NONE`, or the strings urllib3 accepts for it. */
function isCertNone(value: Node, names: PythonNames): boolean {
  if (names.qualified(value) === 'ssl.CERT_NONE') return true;
  if (value.type !== 'string') return false;
  const content = namedChildrenOf(value).filter((child) => child.type === 'string_content').map((child) => child.text).join('');
  return content === 'CERT_NONE' || content === 'NONE';
}

function disabledMessage(setting: string): string {
  return `\`${setting}\` turns off certificate checks: anyone on the network path can read and change this traffic. ${ADVICE}`;
}

function flip(value: Node): TextFix {
  return { title: 'Verify certificates (True)', edits: [{ start: value.startIndex, end: value.endIndex, newText: 'True' }], preferred: true };
}

function report(node: Node, message: string, fix?: TextFix): RuleFinding {
  const finding: RuleFinding = { start: node.startIndex, end: node.endIndex, message };
  if (fix !== undefined) finding.fixes = [fix];
  return finding;
}
