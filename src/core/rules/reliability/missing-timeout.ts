import { ts } from 'ts-morph';
import type { RuleFinding, TextFix } from '../../check/findings';
import type { Rule, RuleContext } from '../rule';
import { checkWithVisitor, type SyntaxContext, type SyntaxVisitor } from '../shared-syntax/visitor';
import { type Binding, FileBindings } from '../shared-syntax/bindings';
import { addArgumentEdit, insertPropertyEdit, millisecondsLiteral, type TextEdit } from '../shared-syntax/edits';
import {
  findingAt,
  findProperty,
  hasSpread,
  isFalseLiteral,
  isFunctionWithBody,
  memberName,
  memberObject,
  propertyValue,
  skipWrappers,
  snippet,
} from '../shared-syntax/nodes';
import { pythonMissingTimeout } from './missing-timeout.python';

const DEFAULT_TIMEOUT_MS = 10_000;

/** axios request methods and where each takes its config (`post(url, data, config)`). */
const AXIOS_CONFIG_INDEX: ReadonlyMap<string, number> = new Map([
  ['get', 1],
  ['delete', 1],
  ['head', 1],
  ['options', 1],
  ['post', 2],
  ['put', 2],
  ['patch', 2],
  ['postForm', 2],
  ['putForm', 2],
  ['patchForm', 2],
  ['request', 0],
]);
/** Modules whose default export (or `fetch` export) behaves like the global `fetch`. */
const FETCH_MODULES: ReadonlySet<string> = new Set(['node-fetch', 'cross-fetch', 'isomorphic-fetch', 'undici']);
const NODE_HTTP_MODULES: ReadonlySet<string> = new Set(['http', 'https']);
const NODE_HTTP_FUNCTIONS: ReadonlySet<string> = new Set(['request', 'get']);
const GOT_METHODS: ReadonlySet<string> = new Set(['get', 'post', 'put', 'patch', 'delete', 'head']);
const SUPERAGENT_METHODS: ReadonlySet<string> = new Set(['get', 'post', 'put', 'patch', 'del', 'delete', 'head', 'options']);
const KY_METHODS: ReadonlySet<string> = new Set(['get', 'post', 'put', 'patch', 'delete', 'head']);
const GLOBAL_OBJECTS: ReadonlySet<string> = new Set(['globalThis', 'window', 'self', 'global']);
/** Names that suggest an argument is an options object rather than a URL (`https.get(options, cb)`). */
const OPTIONS_LIKE_NAME = /options|opts|config|cfg|settings|init\b|params/i;

/**
 * Words one of which is in the text of every file the rule reports on: `fetch` (also in node-fetch,
 * cross-fetch and isomorphic-fetch), the other clients' module names (`http` and `https` as a quoted
 * or `node:` specifier, so that the URLs in licence headers do not count), and every escape that could
 * spell one of them otherwise: `\u` in a name or a string (`\u0066etch`), and `\x`, an octal escape or
 * a line continuation in a specifier. On the speed tree of bench/check-speed.bench.ts, 94% of the
 * hand-written files hold none of them, and skip the rule's gathering of every call and its judging.
 */
export const MISSING_TIMEOUT_TRIGGERS: readonly string[] = [
  'fetch',
  'axios',
  'got',
  'superagent',
  'ky',
  'undici',
  "'http",
  '"http',
  '`http',
  ':http',
  '\\u',
  '\\x',
  '\\\n',
  '\\\r',
  ...[0, 1, 2, 3, 4, 5, 6, 7].map((digit) => `\\${digit}`),
];

/**
 * Flags network calls that can wait forever: `fetch` without an abort signal, axios requests and
 * instances without `timeout`, `http(s).request/get` without `timeout`/`signal` or `.setTimeout()`,
 * got without `timeout`, superagent without `.timeout()`, and ky with its timeout switched off.
 */
export const reliabilityMissingTimeout: Rule = {
  id: 'reliability/missing-timeout',
  kind: 'syntax',
  defaultSeverity: 'warning',
  summary: 'Network call without a timeout',
  rationale:
    'A request without a timeout waits as long as the other side lets it: one stalled server or dropped ' +
    'connection holds a request handler, a job worker or a UI spinner forever, and the pile-up looks like ' +
    'an outage of *this* service. Neither `fetch`, axios, got nor Node\'s `http` has a default timeout.\n\n' +
    'Missing timeouts are one of the recurring defects of AI-generated code: the happy path works in every ' +
    'demo and test, so nothing shows the gap until production. Bound every call ' +
    '(`signal: AbortSignal.timeout(ms)` for `fetch`, or `timeout` for node-fetch 2\'s `fetch`; `timeout` for axios) and decide what the caller does ' +
    'when it fires.\n\n' +
    'A call without a timeout in a function that makes the same call bounded, with more arguments (when its caller gives a timeout), is that caller\'s choice and is not reported. ' +
    'Option `defaultTimeoutMs` (default 10000) sets the value the quick fix inserts. The rule reads one ' +
    'file: calls through an axios instance or with an options object from another module are not checked, ' +
    'nor is `fetch` of a Request from elsewhere (a `request` parameter, `event.request.clone()`), whose signal it cannot see. ' +
    'A request bounded in a way it does not follow (a timer that calls `req.destroy()`, `setTimeout` on a ' +
    'request passed to another function) is still reported; suppress it with the reason. In test code (the ' +
    'policy\'s `testPaths`), a request to a server on this machine (a `localhost` or loopback URL, or the ' +
    'address a server\'s `listen()` resolved to) is the test\'s own server and is not reported.',
  textTriggers: MISSING_TIMEOUT_TRIGGERS,
  defaultOptions: { defaultTimeoutMs: DEFAULT_TIMEOUT_MS },
  check: (context: RuleContext): RuleFinding[] => checkWithVisitor(context, missingTimeoutVisitor),
  visitor: missingTimeoutVisitor,
  languages: { python: pythonMissingTimeout },
};

/** Gathers what {@link Collected} lists during the walk, then judges every call. */
function missingTimeoutVisitor({ sourceFile, options, inTestPath }: SyntaxContext): SyntaxVisitor {
  const collected: Omit<Collected, 'bindings'> = {
    calls: [],
    defaultsTimeoutTargets: [],
    setTimeoutReceivers: [],
    thisProperties: new Map(),
    requestAssignments: [],
  };
  return {
    visit: {
      [ts.SyntaxKind.CallExpression]: (node) => collectCall(node as ts.CallExpression, collected),
      [ts.SyntaxKind.BinaryExpression]: (node) => collectAssignment(node as ts.BinaryExpression, collected),
      [ts.SyntaxKind.PropertyDeclaration]: (node) => {
        const property = node as ts.PropertyDeclaration;
        if (property.initializer !== undefined && ts.isIdentifier(property.name)) collected.thisProperties.set(property.name.text, property.initializer);
      },
    },
    usesBindings: true,
    end: () =>
      new TimeoutChecker(sourceFile, { ...collected, bindings: FileBindings.of(sourceFile) }, timeoutOption(options.defaultTimeoutMs), inTestPath === true).findings(),
  };
}

function timeoutOption(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : DEFAULT_TIMEOUT_MS;
}

/** What the rule gathers during the walk; everything is judged afterwards, when all names are known. */
interface Collected {
  bindings: FileBindings;
  calls: ts.CallExpression[];
  /** `x` of every `x.defaults.timeout = …`. */
  defaultsTimeoutTargets: ts.Expression[];
  /** `req` of every `req.setTimeout(…)`. */
  setTimeoutReceivers: ts.Identifier[];
  /** `this.http = …` and class fields `http = …`, by property name. */
  thisProperties: Map<string, ts.Expression>;
  /** `req` and the `new Request(…)` of every `req = new Request(…)` assignment (not declarations). */
  requestAssignments: { target: ts.Identifier; value: ts.NewExpression }[];
}

/**
 * What a `fetch` resource says about its abort signal: a Request built with one (`bounded`), built
 * without one (`none`), built from options this rule cannot read (`unknown`), or not a Request at all.
 */
type RequestSignal = 'bounded' | 'none' | 'unknown' | 'not-request';

/**
 * A name that may hold a Request from elsewhere, whose signal is unseen: `req`, `request`,
 * `this.baseRequest`, `event.request`, a copy (`requestClone`), a symbol-keyed field (`this[kRequest]`).
 */
const REQUEST_LIKE_NAME = /(?:^|[.[])(?:\w*request|req)(?:Clone|Copy)?\]?$/i;

/** `http(s)://` to this machine by name or loopback address, up to the port or path. */
const LOOPBACK_URL = /^https?:\/\/(?:localhost|127\.0\.0\.1|\[::1\])(?::|\/|$)/i;
/** How many `const` names and template heads a local URL is followed through. */
const MAX_URL_DEPTH = 4;

/** How many `new Request(otherRequest)` / `.clone()` steps are followed. */
const MAX_REQUEST_DEPTH = 4;

function collectCall(node: ts.CallExpression, collected: Omit<Collected, 'bindings'>): void {
  collected.calls.push(node);
  const callee = skipWrappers(node.expression);
  if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'setTimeout') {
    const receiver = skipWrappers(callee.expression);
    if (ts.isIdentifier(receiver)) collected.setTimeoutReceivers.push(receiver);
  }
}

function collectAssignment(node: ts.BinaryExpression, collected: Omit<Collected, 'bindings'>): void {
  if (node.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return;
  const target = skipWrappers(node.left);
  if (memberName(target) === 'timeout') {
    const defaults = memberObject(target);
    if (defaults !== undefined && memberName(defaults) === 'defaults') {
      const owner = memberObject(defaults);
      if (owner !== undefined) collected.defaultsTimeoutTargets.push(owner);
    }
  }
  const thisProperty = thisPropertyName(target);
  if (thisProperty !== undefined) collected.thisProperties.set(thisProperty, node.right);
  const value = skipWrappers(node.right);
  if (ts.isIdentifier(target) && isNewRequest(value)) collected.requestAssignments.push({ target, value });
}

/** `x` for `this.x`. */
function thisPropertyName(expression: ts.Expression): string | undefined {
  return ts.isPropertyAccessExpression(expression) && expression.expression.kind === ts.SyntaxKind.ThisKeyword
    ? expression.name.text
    : undefined;
}

/** An axios instance, identified by its `const` binding or by `this.<name>`. */
type InstanceKey = Binding | string;

/** Which kind of call a candidate is, with what the checks need to know about it. */
type Target =
  /** `module`: the package the fetch comes from, when imported (`node-fetch`). */
  | { kind: 'fetch'; module?: string }
  | { kind: 'axios'; configIndex: number | 'auto' }
  | { kind: 'axios-create' }
  | { kind: 'axios-instance'; configIndex: number | 'auto'; create: ts.CallExpression; instance: InstanceKey; instanceName: string }
  | { kind: 'node-http' }
  | { kind: 'got'; optionsIndex: number | 'auto' }
  | { kind: 'superagent' }
  | { kind: 'ky'; optionsIndex: number };

/** How a config object bounds a request. */
type ConfigState =
  | { state: 'bounded' }
  | { state: 'unknown' }
  | { state: 'absent' }
  | { state: 'no-timeout'; object: ts.ObjectLiteralExpression }
  | { state: 'zero'; value: ts.Expression };

class TimeoutChecker {
  private readonly bindings: FileBindings;
  private readonly boundedInstances = new Set<InstanceKey>();
  private axiosDefaultsBounded = false;
  private readonly timeoutLiteral: string;

  constructor(
    private readonly sourceFile: ts.SourceFile,
    private readonly collected: Collected,
    timeoutMs: number,
    /** Test code (the policy's `testPaths`): a request to the server the test started is not judged. */
    private readonly inTest = false,
  ) {
    this.bindings = collected.bindings;
    this.timeoutLiteral = millisecondsLiteral(timeoutMs);
    for (const owner of collected.defaultsTimeoutTargets) {
      const value = skipWrappers(owner);
      const module = this.bindings.moduleOf(value);
      if (module?.module === 'axios' && module.member === undefined) this.axiosDefaultsBounded = true;
      else if (ts.isIdentifier(value)) {
        const binding = this.bindings.resolve(value);
        if (binding !== undefined) this.boundedInstances.add(binding);
      } else {
        const property = thisPropertyName(value);
        if (property !== undefined) this.boundedInstances.add(`this.${property}`);
      }
    }
  }

  findings(): RuleFinding[] {
    const findings: RuleFinding[] = [];
    for (const call of this.collected.calls) {
      const target = this.classify(call);
      if (target === undefined) continue;
      if (this.inTest && target.kind !== 'axios-create' && call.arguments.length > 0 && this.isLocalServerUrl(call.arguments[0], 0)) continue;
      const finding = this.judge(call, target);
      if (finding !== undefined && !this.timedElsewhereInFunction(call)) findings.push(finding);
    }
    return findings;
  }

  private classify(call: ts.CallExpression): Target | undefined {
    const callee = skipWrappers(call.expression);
    if (ts.isIdentifier(callee)) {
      const binding = this.bindings.resolve(callee);
      if (binding === undefined) return callee.text === 'fetch' ? { kind: 'fetch' } : undefined;
      const module = this.bindings.moduleOf(callee);
      if (module !== undefined) return this.classifyModuleCall(module.module, module.member, undefined);
      const instance = this.instanceCreate(binding);
      if (instance !== undefined) {
        return { kind: 'axios-instance', configIndex: 'auto', create: instance, instance: binding, instanceName: callee.text };
      }
      return undefined;
    }
    const method = memberName(callee);
    const object = memberObject(callee);
    if (method === undefined || object === undefined) return undefined;
    if (ts.isIdentifier(object) && GLOBAL_OBJECTS.has(object.text) && method === 'fetch' && !this.bindings.resolve(object)) {
      return { kind: 'fetch' };
    }
    const module = this.bindings.moduleOf(object);
    if (module !== undefined) {
      return module.member === undefined ? this.classifyModuleCall(module.module, undefined, method) : undefined;
    }
    const configIndex = AXIOS_CONFIG_INDEX.get(method);
    if (configIndex === undefined) return undefined;
    if (ts.isIdentifier(object)) {
      const binding = this.bindings.resolve(object);
      const create = binding !== undefined ? this.instanceCreate(binding) : undefined;
      if (binding !== undefined && create !== undefined) {
        return { kind: 'axios-instance', configIndex, create, instance: binding, instanceName: object.text };
      }
      return undefined;
    }
    const property = thisPropertyName(object);
    if (property !== undefined) {
      const initializer = this.collected.thisProperties.get(property);
      if (initializer !== undefined && this.isAxiosCreate(initializer)) {
        const create = skipWrappers(initializer) as ts.CallExpression;
        return { kind: 'axios-instance', configIndex, create, instance: `this.${property}`, instanceName: `this.${property}` };
      }
    }
    return undefined;
  }

  /**
   * A URL of a server on this machine: a literal `http://localhost…`, `127.0.0.1` or `[::1]` (also as
   * the start of a template or a `+` concatenation), or a `const` holding one or the address a
   * server's `listen()` resolved to (`const url = await fastify.listen({ port: 0 })`). In a test the
   * server is the one it started: a stall fails the test at the runner's timeout instead of hanging
   * a service, so the request is not reported (1 of 440 such findings in fastify 5's tests was not one).
   */
  private isLocalServerUrl(expression: ts.Expression, depth: number): boolean {
    let value = skipWrappers(expression);
    if (ts.isAwaitExpression(value)) value = skipWrappers(value.expression);
    if (ts.isStringLiteral(value) || ts.isNoSubstitutionTemplateLiteral(value)) return LOOPBACK_URL.test(value.text);
    if (ts.isTemplateExpression(value)) {
      if (value.head.text !== '') return LOOPBACK_URL.test(value.head.text);
      return depth < MAX_URL_DEPTH && this.isLocalServerUrl(value.templateSpans[0].expression, depth + 1);
    }
    if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.PlusToken) return this.isLocalServerUrl(value.left, depth);
    if (ts.isCallExpression(value) && memberName(skipWrappers(value.expression)) === 'listen') return true;
    if (!ts.isIdentifier(value) || depth >= MAX_URL_DEPTH) return false;
    const binding = this.bindings.resolve(value);
    return binding?.kind === 'const' && binding.initializer !== undefined && this.isLocalServerUrl(binding.initializer, depth + 1);
  }

  /**
   * A call of a module (`member` set when the callee is an imported function, `method` when it is a
   * method called on the module object).
   */
  private classifyModuleCall(module: string, member: string | undefined, method: string | undefined): Target | undefined {
    const name = member ?? method;
    if (FETCH_MODULES.has(module)) {
      const isFetch = name === 'fetch' || (name === undefined && module !== 'undici');
      return isFetch ? { kind: 'fetch', module } : undefined;
    }
    if (NODE_HTTP_MODULES.has(module)) return name !== undefined && NODE_HTTP_FUNCTIONS.has(name) ? { kind: 'node-http' } : undefined;
    if (member !== undefined) return undefined;
    if (module === 'axios') {
      if (method === undefined) return { kind: 'axios', configIndex: 'auto' };
      if (method === 'create') return { kind: 'axios-create' };
      const configIndex = AXIOS_CONFIG_INDEX.get(method);
      return configIndex !== undefined ? { kind: 'axios', configIndex } : undefined;
    }
    if (module === 'got') {
      if (method === undefined) return { kind: 'got', optionsIndex: 'auto' };
      return GOT_METHODS.has(method) ? { kind: 'got', optionsIndex: 1 } : undefined;
    }
    if (module === 'superagent') return method === undefined || SUPERAGENT_METHODS.has(method) ? { kind: 'superagent' } : undefined;
    if (module === 'ky') {
      if (method === undefined || KY_METHODS.has(method)) return { kind: 'ky', optionsIndex: 1 };
      return method === 'create' || method === 'extend' ? { kind: 'ky', optionsIndex: 0 } : undefined;
    }
    return undefined;
  }

  private instanceCreate(binding: Binding): ts.CallExpression | undefined {
    if (binding.kind !== 'const' || binding.initializer === undefined || !this.isAxiosCreate(binding.initializer)) return undefined;
    return skipWrappers(binding.initializer) as ts.CallExpression;
  }

  private isAxiosCreate(expression: ts.Expression): boolean {
    const value = skipWrappers(expression);
    if (!ts.isCallExpression(value)) return false;
    const callee = skipWrappers(value.expression);
    const object = memberObject(callee);
    if (memberName(callee) !== 'create' || object === undefined) return false;
    const module = this.bindings.moduleOf(object);
    return module?.module === 'axios' && module.member === undefined;
  }

  private judge(call: ts.CallExpression, target: Target): RuleFinding | undefined {
    // `fetch(...args)`: which argument is the config is not visible.
    if (call.arguments.some((argument) => ts.isSpreadElement(argument))) return undefined;
    switch (target.kind) {
      case 'fetch':
        return this.judgeFetch(call, target.module);
      case 'axios':
        return this.axiosDefaultsBounded ? undefined : this.judgeAxiosCall(call, target.configIndex, undefined);
      case 'axios-create':
        return this.judgeAxiosCreate(call);
      case 'axios-instance':
        return this.judgeAxiosCall(call, target.configIndex, target);
      case 'node-http':
        return this.judgeNodeHttp(call);
      case 'got':
        return this.judgeGot(call, target.optionsIndex);
      case 'superagent':
        return this.judgeSuperagent(call);
      case 'ky':
        return this.judgeKy(call, target.optionsIndex);
    }
  }

  private judgeFetch(call: ts.CallExpression, module: string | undefined): RuleFinding | undefined {
    if (call.arguments.length === 0) return undefined;
    // A Request object carries its own signal, which `fetch` uses when its init does not set one.
    const requestSignal = this.requestSignal(call.arguments[0], 0);
    if (requestSignal === 'bounded' || requestSignal === 'unknown') return undefined;
    const signalText = `signal: AbortSignal.timeout(${this.timeoutLiteral})`;
    const message = `\`${this.calleeText(call)}\` has no timeout and waits forever on a stalled server. Pass \`signal: AbortSignal.timeout(ms)\`.`;
    const title = `Add ${signalText}`;
    if (call.arguments.length === 1) {
      const edit = addArgumentEdit(call, 1, `{ ${signalText} }`);
      return this.report(call, message, edit && fix(title, [edit]));
    }
    const init = this.bindings.valueOf(call.arguments[1]);
    if (!ts.isObjectLiteralExpression(init) || findProperty(init, 'signal') !== undefined || hasSpread(init)) return undefined;
    // node-fetch 2 (telegraf 4, and most code that imports it) takes a `timeout` in milliseconds.
    if (module === 'node-fetch' && findProperty(init, 'timeout') !== undefined) return undefined;
    return this.report(call, message, fix(title, [insertPropertyEdit(init, signalText, this.sourceFile)]));
  }

  private judgeAxiosCall(
    call: ts.CallExpression,
    configIndex: number | 'auto',
    instance: Extract<Target, { kind: 'axios-instance' }> | undefined,
  ): RuleFinding | undefined {
    let createState: ConfigState | undefined;
    if (instance !== undefined) {
      if (this.boundedInstances.has(instance.instance)) return undefined;
      createState = this.configState(instance.create.arguments[0], 'timeout');
      if (createState.state === 'bounded' || createState.state === 'unknown') return undefined;
    }
    const index = configIndex === 'auto' ? this.autoConfigIndex(call) : configIndex;
    const state = this.configState(call.arguments[index], 'timeout');
    if (state.state === 'bounded' || state.state === 'unknown') return undefined;
    const callee = this.calleeText(call);
    const fixes: TextFix[] = [];
    if (instance !== undefined && createState !== undefined) {
      const createFix = this.timeoutFix(instance.create, 0, createState, `Add timeout: ${this.timeoutLiteral} to the axios.create config`);
      if (createFix !== undefined) fixes.push(createFix);
    }
    const callFix = this.timeoutFix(call, index, state, `Add timeout: ${this.timeoutLiteral} to this request`);
    if (callFix !== undefined) fixes.push(callFix);
    if (fixes.length > 0) fixes[0].preferred = true;
    let message: string;
    if (state.state === 'zero') {
      message = `\`${callee}\` has \`timeout: 0\`, which axios treats as no timeout: it waits forever. Set a limit in milliseconds.`;
    } else if (instance !== undefined) {
      const line = this.sourceFile.getLineAndCharacterOfPosition(instance.create.getStart(this.sourceFile)).line + 1;
      message =
        `\`${callee}\` has no timeout: \`${instance.instanceName}\` comes from \`axios.create\` (line ${line}) without one. ` +
        'Set `timeout` on the instance or on this request.';
    } else {
      message = `\`${callee}\` has no timeout and axios waits forever by default. Set \`timeout\` in the request config.`;
    }
    return this.report(call, message, ...fixes);
  }

  private judgeAxiosCreate(call: ts.CallExpression): RuleFinding | undefined {
    const instance = this.instanceOfCreate(call);
    if (instance !== undefined && this.boundedInstances.has(instance)) return undefined;
    const state = this.configState(call.arguments[0], 'timeout');
    if (state.state === 'bounded' || state.state === 'unknown') return undefined;
    const message =
      state.state === 'zero'
        ? '`axios.create` with `timeout: 0` gives every request of this instance no timeout. Set a limit in milliseconds.'
        : '`axios.create` without `timeout`: every request through this instance can wait forever. Add a default `timeout`.';
    const createFix = this.timeoutFix(call, 0, state, `Add timeout: ${this.timeoutLiteral}`);
    return this.report(call, message, createFix);
  }

  private judgeNodeHttp(call: ts.CallExpression): RuleFinding | undefined {
    for (const argument of call.arguments) {
      const value = this.bindings.valueOf(argument);
      if (isFunctionWithBody(value)) continue;
      if (ts.isObjectLiteralExpression(value)) {
        if (findProperty(value, 'timeout') !== undefined || findProperty(value, 'signal') !== undefined || hasSpread(value)) return undefined;
      } else if (!isUrlLike(value)) {
        return undefined;
      }
    }
    if (this.chainCalls(call, 'setTimeout') || this.storedRequestSetsTimeout(call)) return undefined;
    const message =
      `\`${this.calleeText(call)}\` has no timeout and waits forever on an idle socket. ` +
      'Pass `signal: AbortSignal.timeout(ms)` (or `timeout` and destroy the request on `timeout`).';
    return this.report(call, message);
  }

  private judgeGot(call: ts.CallExpression, optionsIndex: number | 'auto'): RuleFinding | undefined {
    const index = optionsIndex === 'auto' ? this.autoConfigIndex(call) : optionsIndex;
    if (call.arguments.length === 0) return undefined;
    const state = this.configState(call.arguments[index], 'timeout');
    if (state.state === 'bounded' || state.state === 'unknown') return undefined;
    const message = `\`${this.calleeText(call)}\` has no timeout and got waits forever by default. Pass \`timeout: { request: ms }\`.`;
    return this.report(call, message);
  }

  private judgeSuperagent(call: ts.CallExpression): RuleFinding | undefined {
    if (this.chainCalls(call, 'timeout')) return undefined;
    // Only the request-creating call is reported, not each chained `.set()`/`.send()`.
    const message = `\`${this.calleeText(call)}\` has no \`.timeout()\` and waits forever by default. Chain \`.timeout(ms)\`.`;
    return this.report(call, message);
  }

  private judgeKy(call: ts.CallExpression, optionsIndex: number): RuleFinding | undefined {
    const argument = call.arguments[optionsIndex];
    if (argument === undefined) return undefined;
    const options = this.bindings.valueOf(argument);
    if (!ts.isObjectLiteralExpression(options)) return undefined;
    const timeout = findProperty(options, 'timeout');
    const value = timeout !== undefined ? propertyValue(timeout) : undefined;
    if (value === undefined || value.kind !== ts.SyntaxKind.FalseKeyword) return undefined;
    const message = '`timeout: false` switches off ky\'s 10 s default: this request can wait forever. Remove it or set a limit in milliseconds.';
    return findingAt(timeout as ts.Node, this.sourceFile, message);
  }

  /**
   * The signal of the Request `expression` evaluates to: `new Request(…)` directly, through a
   * `const`, through a `let`/`var` or parameter assigned `new Request(…)` in its scope, through
   * `.clone()`, or built from another Request (`new Request(request, { headers })`).
   */
  private requestSignal(expression: ts.Expression, depth: number): RequestSignal {
    if (depth > MAX_REQUEST_DEPTH) return 'unknown';
    const value = this.bindings.valueOf(expression);
    if (ts.isCallExpression(value) && memberName(skipWrappers(value.expression)) === 'clone' && value.arguments.length === 0) {
      const receiver = memberObject(skipWrappers(value.expression));
      return receiver !== undefined ? this.requestSignal(receiver, depth + 1) : 'not-request';
    }
    if (isNewRequest(value)) return this.newRequestSignal(value, depth);
    // A Request from elsewhere (a parameter, `event.request` in a service worker, `this[kRequest]`)
    // carries a signal this file does not show.
    const fromElsewhere = (): RequestSignal => (REQUEST_LIKE_NAME.test(snippet(value, this.sourceFile)) ? 'unknown' : 'not-request');
    if (!ts.isIdentifier(value)) return fromElsewhere();
    const binding = this.bindings.resolve(value);
    if (binding === undefined) return fromElsewhere();
    const built: ts.NewExpression[] = [];
    const initializer = binding.initializer !== undefined ? skipWrappers(binding.initializer) : undefined;
    if (initializer !== undefined && isNewRequest(initializer)) built.push(initializer);
    for (const assignment of this.collected.requestAssignments) {
      if (this.bindings.resolve(assignment.target) === binding) built.push(assignment.value);
    }
    if (built.length === 0) return binding.kind === 'parameter' ? fromElsewhere() : 'not-request';
    const signals = built.map((request) => this.newRequestSignal(request, depth));
    // Only a name every one of whose Requests lacks a signal is reported.
    return signals.every((signal) => signal === 'none') ? 'none' : 'bounded';
  }

  private newRequestSignal(request: ts.NewExpression, depth: number): RequestSignal {
    const [input, init] = request.arguments ?? [];
    if (input === undefined || ts.isSpreadElement(input)) return 'unknown';
    if (init !== undefined) {
      const options = this.bindings.valueOf(init);
      if (!ts.isObjectLiteralExpression(options) || hasSpread(options)) return 'unknown';
      if (findProperty(options, 'signal') !== undefined) return 'bounded';
    }
    // `new Request(otherRequest)` keeps the other Request's signal.
    const inner = this.requestSignal(input, depth + 1);
    if (inner !== 'not-request') return inner;
    const source = this.bindings.valueOf(input);
    return isUrlLike(source) && !REQUEST_LIKE_NAME.test(snippet(source, this.sourceFile)) ? 'none' : 'unknown';
  }

  /** `axios(config)` / `got(options)` take the config first; `axios(url, config)` second. */
  private autoConfigIndex(call: ts.CallExpression): number {
    const first = call.arguments[0];
    return first !== undefined && ts.isObjectLiteralExpression(this.bindings.valueOf(first)) ? 0 : 1;
  }

  private configState(argument: ts.Expression | undefined, key: string): ConfigState {
    if (argument === undefined) return { state: 'absent' };
    const value = this.bindings.valueOf(argument);
    if (!ts.isObjectLiteralExpression(value)) return { state: 'unknown' };
    if (findProperty(value, 'signal') !== undefined) return { state: 'bounded' };
    const timeout = findProperty(value, key);
    if (timeout !== undefined) {
      const timeoutValue = propertyValue(timeout);
      return timeoutValue !== undefined && isFalseLiteral(timeoutValue) ? { state: 'zero', value: timeoutValue } : { state: 'bounded' };
    }
    return hasSpread(value) ? { state: 'unknown' } : { state: 'no-timeout', object: value };
  }

  private timeoutFix(call: ts.CallExpression, index: number, state: ConfigState, title: string): TextFix | undefined {
    let edit: TextEdit | undefined;
    if (state.state === 'absent') {
      // Padding with `undefined` is fine for a skipped data argument, but not before the URL.
      edit = call.arguments.length > 0 || index === 0 ? addArgumentEdit(call, index, `{ timeout: ${this.timeoutLiteral} }`) : undefined;
    } else if (state.state === 'no-timeout') {
      edit = insertPropertyEdit(state.object, `timeout: ${this.timeoutLiteral}`, this.sourceFile);
    } else if (state.state === 'zero') {
      edit = { start: state.value.getStart(this.sourceFile), end: state.value.getEnd(), newText: this.timeoutLiteral };
    }
    return edit !== undefined ? fix(title, [edit]) : undefined;
  }

  private instanceOfCreate(call: ts.CallExpression): InstanceKey | undefined {
    const parent = skipParentWrappers(call);
    if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return this.bindings.resolve(parent.name);
    if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const property = thisPropertyName(skipWrappers(parent.left));
      if (property !== undefined) return `this.${property}`;
    }
    if (ts.isPropertyDeclaration(parent) && ts.isIdentifier(parent.name)) return `this.${parent.name.text}`;
    return undefined;
  }

  /** True when `.name(…)` is called somewhere up the method chain that starts at `call`. */
  private chainCalls(call: ts.CallExpression, name: string): boolean {
    let current: ts.Node = call;
    for (;;) {
      const access = current.parent;
      if (access === undefined || !ts.isPropertyAccessExpression(access) || access.expression !== current) return false;
      const next = access.parent;
      if (next === undefined || !ts.isCallExpression(next) || next.expression !== access) return false;
      if (access.name.text === name) return true;
      current = next;
    }
  }

  /** `const req = http.request(…)` followed by `req.setTimeout(…)` in the same scope. */
  private storedRequestSetsTimeout(call: ts.CallExpression): boolean {
    const parent = skipParentWrappers(call);
    if (!ts.isVariableDeclaration(parent) || !ts.isIdentifier(parent.name)) return false;
    const binding = this.bindings.resolve(parent.name);
    return binding !== undefined && this.collected.setTimeoutReceivers.some((receiver) => this.bindings.resolve(receiver) === binding);
  }

  private calleeText(call: ts.CallExpression): string {
    return snippet(call.expression, this.sourceFile);
  }

  /**
   * The same function makes the same call on the same first argument with more arguments, and that
   * one is bounded (`timeout ?
   * fetch(url, { signal: AbortSignal.timeout(timeout) }) : fetch(url)`): it honours a timeout when
   * its caller gives one, and the call without one is that caller's choice of none. The Python rule
   * reads the same.
   */
  private timedElsewhereInFunction(call: ts.CallExpression): boolean {
    let scope: ts.Node = call.parent;
    while (!ts.isSourceFile(scope) && !ts.isFunctionLike(scope)) scope = scope.parent;
    if (ts.isSourceFile(scope)) return false;
    const callee = call.expression.getText(this.sourceFile);
    // The same request: the same callee on the same first argument (`fetch(url)`, `fetch(url, { signal })`).
    const first = call.arguments[0]?.getText(this.sourceFile);
    return this.collected.calls.some((other) => {
      if (other === call || other.pos < scope.pos || other.end > scope.end || other.arguments.length <= call.arguments.length) return false;
      if (other.expression.getText(this.sourceFile) !== callee || other.arguments[0]?.getText(this.sourceFile) !== first) return false;
      const target = this.classify(other);
      return target !== undefined && this.judge(other, target) === undefined;
    });
  }

  private report(call: ts.CallExpression, message: string, ...fixes: (TextFix | undefined)[]): RuleFinding {
    const present = fixes.filter((candidate): candidate is TextFix => candidate !== undefined);
    if (present.length > 0 && !present.some((candidate) => candidate.preferred)) present[0].preferred = true;
    return findingAt(call.expression, this.sourceFile, message, present);
  }
}

function isNewRequest(node: ts.Node): node is ts.NewExpression {
  return ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'Request';
}

function fix(title: string, edits: TextEdit[]): TextFix {
  return { title, edits };
}

/** The first ancestor that is not a wrapper such as `await`, parentheses or `as`. */
function skipParentWrappers(node: ts.Node): ts.Node {
  let current = node.parent;
  while (
    ts.isAwaitExpression(current) ||
    ts.isParenthesizedExpression(current) ||
    ts.isAsExpression(current) ||
    ts.isSatisfiesExpression(current) ||
    ts.isNonNullExpression(current)
  ) {
    current = current.parent;
  }
  return current;
}

/** A value that is most likely the URL argument of `http.get(url, …)` rather than an options object. */
function isUrlLike(value: ts.Expression): boolean {
  if (ts.isStringLiteralLike(value) || ts.isTemplateExpression(value) || ts.isBinaryExpression(value)) return true;
  if (ts.isNewExpression(value)) return ts.isIdentifier(value.expression) && value.expression.text === 'URL';
  if (ts.isIdentifier(value)) return !OPTIONS_LIKE_NAME.test(value.text);
  if (ts.isPropertyAccessExpression(value)) return !OPTIONS_LIKE_NAME.test(value.name.text);
  if (ts.isCallExpression(value)) {
    const callee = skipWrappers(value.expression);
    const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
    return !OPTIONS_LIKE_NAME.test(name);
  }
  return false;
}
