import { ts } from 'ts-morph';
import type { RuleFinding } from '../../check/findings';
import type { Rule, RuleContext } from '../rule';
import { checkWithVisitor, type SyntaxContext, type SyntaxVisitor } from '../shared-syntax/visitor';
import { memberName, skipWrappers } from '../shared-syntax/nodes';
import { explainsIgnore, explainsIgnoreAbove } from './ignore-reason';
import { convertsInPlace, detectsFeature, fallsBackAfter, isCleanupCall, loadsOptionalModule, onlyAddsDetail, onlyCleansUp, onlyThrowsKept, onTheWayToThrow, probes, testsAssignedAfter } from './error-fallbacks';
import { pythonSwallowedError } from './swallowed-error.python';

/** Names people give a do-nothing function. */
const NOOP_NAME = /^(?:_*noop|ignore(?:Errors?)?|swallow(?:Errors?)?|doNothing)$/i;

const ADVICE = 'Log it, rethrow it, or handle it.';

/**
 * Flags errors that are caught and dropped: empty (or comment-only) `catch` blocks, and promise
 * rejection handlers that do nothing (`.catch(() => {})`, `.catch(noop)`, `.then(ok, () => {})`).
 * A handler that returns a value (`catch { return null }`, `.catch(() => [])`) is a deliberate
 * fallback and is not reported; `() => undefined` is the same as `() => {}` and is.
 */
export const reliabilitySwallowedError: Rule = {
  id: 'reliability/swallowed-error',
  kind: 'syntax',
  defaultSeverity: 'warning',
  // Every finding is a `catch` clause, a `.catch` handler or a `.then` rejection handler.
  textTriggers: ['catch', 'then'],
  summary: 'Error caught and dropped',
  rationale:
    'An empty `catch` turns a failure into silence: the operation did not happen, nothing is logged, no ' +
    'metric moves, and the next person debugging starts from nothing. Silent failures (an empty catch, no ' +
    'logging) are among the defects AI assistants produce most, because an empty handler makes the code ' +
    'compile and the demo pass.\n\n' +
    'Log the error with context, rethrow it, or handle it on purpose. A handler that returns a fallback ' +
    'value (`return null`, `() => []`, or `() => undefined` when the result is read) is treated as deliberate and not reported. A handler whose comment ' +
    'explains why dropping is right (at least three words besides `ignore`, `noop`, `TODO` and the like: ' +
    '`// ENOENT is expected: the file is optional`), inside it or at the end of its line (or on the lines just above the `try`, what it tries or a promise handler\'s statement, when they speak of the failure), is reported as information only; a bare `// ignore` ' +
    'or `/* best effort */` is no explanation and is reported like an empty handler. Handlers passed by a ' +
    'name other than a no-op name (`noop`, `ignore`…) are not inspected.\n\n' +
    'Not dropped, so not reported: a do-nothing handler on a promise kept in a variable or a member of ' +
    '`this` that is awaited, returned, passed on or handled elsewhere (it only marks the promise handled). ' +
    'Not reported either: a `try` that only loads an optional module (`zlib = require(\'zlib-sync\')`), a ' +
    'probe that leaves when it finds something (`if (fs.statSync(p).isFile()) return p`), feature detection ' +
    'that leaves a `true`/`false` flag at its default, a ' +
    'handler on `Promise.allSettled(…)` (which never rejects), and, as fallbacks, an empty `catch` after a `try` that only assigns, when the code ' +
    'then tests what was assigned (`try { url = new URL(text) } catch {}` then `if (!url)`, `url ?? base`, `url && url.host`), ' +
    'feature detection in an immediately invoked function whose variable is then tested or exported (lodash\'s ' +
    '`var nodeUtil = (function () { try { return … } catch (e) {} }())`), and one after a ' +
    '`try` that returns, when the function goes on to another `return` or a `throw` (one way tried, then ' +
    'the next). Reported as information: a step on the way to a `throw` (in a `catch` block that ends by ' +
    'rethrowing, or followed by a `throw`), whose own error would only hide the one thrown, a clean-up ' +
    'call (`close`, `destroy`, `unlink`, `rm`…) whose failure rarely matters (also behind an `if` that only asks whether it is needed: `if (isWritable(sock)) sock.end()`), and a `try` that only adds a ' +
    'detail to something made anyway, without awaiting: a tracing span\'s attributes (`span.setAttribute`), ' +
    'or an error\'s text (`err.message += …`, a list or value then read only where an error is made), and ' +
    'a `try` that converts a value in place (`item = JSON.parse(item)`), whose failure leaves it as it was.',
  check: (context: RuleContext): RuleFinding[] => checkWithVisitor(context, swallowedErrorVisitor),
  visitor: swallowedErrorVisitor,
  languages: { python: pythonSwallowedError },
};

/** The `catch` clauses and rejection handlers of one file. */
function swallowedErrorVisitor({ sourceFile }: SyntaxContext): SyntaxVisitor {
  const findings: RuleFinding[] = [];
  const add = (finding: RuleFinding | undefined): void => {
    if (finding !== undefined) findings.push(finding);
  };
  return {
    visit: {
      [ts.SyntaxKind.CatchClause]: (node) => add(checkCatchClause(node as ts.CatchClause, sourceFile)),
      [ts.SyntaxKind.CallExpression]: (node) => add(checkRejectionHandler(node as ts.CallExpression, sourceFile)),
    },
    end: () => findings,
  };
}

function checkCatchClause(clause: ts.CatchClause, sourceFile: ts.SourceFile): RuleFinding | undefined {
  if (!isEmptyBlock(clause.block)) return undefined;
  const start = clause.getStart(sourceFile);
  const end = clause.getEnd();
  const comment = commentText(clause.block, sourceFile);
  const attempt = clause.parent;
  if (onlyThrowsKept(attempt.tryBlock)) return undefined;
  const explained = { start, end, severity: 'info' as const, message: '`catch` ignores the error on purpose, and its comment says why. Check the reason still holds.' };
  if (explainsIgnore(comment) || explainsIgnore(trailingComment(clause.getEnd(), sourceFile))) return explained;
  // `try { parsed = new URL(text) } catch {}` then `if (!parsed)`, or `try { return load(a) } catch {}`
  // then `return load(b)`: the failure becomes a value or another way, like `catch { return null }`.
  if (loadsOptionalModule(attempt.tryBlock) || testsAssignedAfter(attempt) || fallsBackAfter(attempt) || probes(attempt.tryBlock) || detectsFeature(attempt)) return undefined;
  // `// In some cases delete may throw an error` above the `try`, or above what it tries (sinon).
  const first = attempt.tryBlock.statements[0];
  if (explainsIgnoreAbove(commentAbove(attempt, sourceFile)) || (first !== undefined && explainsIgnoreAbove(commentAbove(first, sourceFile)))) return explained;
  if (onTheWayToThrow(attempt)) return { start, end, severity: 'info', message: CLEANUP_MESSAGE };
  if (onlyCleansUp(attempt.tryBlock)) return { start, end, severity: 'info', message: CLEANUP_CALL_MESSAGE };
  if (onlyAddsDetail(attempt)) return { start, end, severity: 'info', message: DETAIL_MESSAGE };
  if (convertsInPlace(attempt)) return { start, end, severity: 'info', message: CONVERSION_MESSAGE };
  const message =
    comment !== undefined
      ? `\`catch\` with only a comment drops the error without a trace. ${ADVICE}`
      : `Empty \`catch\` drops the error without a trace. ${ADVICE}`;
  return { start, end, message };
}

function checkRejectionHandler(call: ts.CallExpression, sourceFile: ts.SourceFile): RuleFinding | undefined {
  const callee = skipWrappers(call.expression);
  const method = memberName(callee);
  let handler: ts.Expression | undefined;
  if (method === 'catch') handler = call.arguments[0];
  else if (method === 'then') handler = call.arguments[1];
  if (handler === undefined || !ts.isPropertyAccessExpression(callee) || !dropsError(handler)) return undefined;
  // `const disk = await readFile(path).catch(() => undefined)`: `undefined` is the fallback value the
  // code goes on with, like `() => null`. Only a result nobody reads drops the error.
  if (method === 'catch' && returnsUndefinedExplicitly(handler) && resultIsUsed(call)) return undefined;
  // `this.#ready.catch(() => {})` marks a promise that is kept and awaited elsewhere as handled: its
  // rejection still reaches whoever awaits it, and nothing is dropped.
  if (isConsumedElsewhere(callee.expression, call, sourceFile) || neverRejects(callee.expression)) return undefined;
  const start = callee.name.getStart(sourceFile);
  const body = handlerBlock(handler);
  if (
    (body !== undefined && explainsIgnore(commentText(body, sourceFile))) ||
    explainsIgnore(trailingComment(call.getEnd(), sourceFile)) ||
    explainsIgnoreAbove(commentAbove(call, sourceFile))
  ) {
    return {
      start,
      end: call.getEnd(),
      severity: 'info',
      message: `\`.${method}\` ignores the rejection on purpose, and its comment says why. Check the reason still holds.`,
    };
  }
  if (onTheWayToThrow(call)) return { start, end: call.getEnd(), severity: 'info', message: CLEANUP_MESSAGE };
  if (isCleanupCall(callee.expression)) return { start, end: call.getEnd(), severity: 'info', message: CLEANUP_CALL_MESSAGE };
  const message =
    method === 'catch'
      ? `\`.catch\` with a handler that does nothing drops the rejection without a trace. ${ADVICE}`
      : `\`.then\` with a rejection handler that does nothing drops the error without a trace. ${ADVICE}`;
  return { start, end: call.getEnd(), message };
}

const CLEANUP_MESSAGE = 'A step on the way to a `throw` drops its own error; the error thrown reports the failure. Check that losing this one is harmless.';
const DETAIL_MESSAGE = 'The `try` only adds a detail (a tracing span\'s attribute, an error\'s text) to something made anyway: its failure costs that detail alone. Check that losing it is harmless.';
const CONVERSION_MESSAGE = 'The `try` converts a value in place (`x = JSON.parse(x)`); when that fails the value stays as it was. Check that the code after it handles the unconverted value.';
const CLEANUP_CALL_MESSAGE = 'A clean-up call (close, destroy, unlink…) drops its error. Check that a failed clean-up loses nothing (a file handle that fails to close may not have written everything).';

/** `Promise.allSettled(…)` settles with every outcome listed; a handler on it catches nothing. */
function neverRejects(receiver: ts.Expression): boolean {
  const value = skipWrappers(receiver);
  if (!ts.isCallExpression(value)) return false;
  const callee = skipWrappers(value.expression);
  return ts.isPropertyAccessExpression(callee) && callee.name.text === 'allSettled' && ts.isIdentifier(callee.expression) && callee.expression.text === 'Promise';
}

/**
 * Whether the promise a do-nothing handler is attached to is kept (a variable, or a member of
 * `this`) and consumed somewhere else: awaited, returned, passed on, stored again, or given a
 * handler that does something. Only then is the rejection not dropped.
 */
function isConsumedElsewhere(receiver: ts.Expression, call: ts.CallExpression, sourceFile: ts.SourceFile): boolean {
  const target = skipWrappers(receiver);
  let name: string;
  let scope: ts.Node;
  if (ts.isIdentifier(target)) {
    name = target.text;
    scope = declaringScope(target, sourceFile);
  } else if (ts.isPropertyAccessExpression(target) && target.expression.kind === ts.SyntaxKind.ThisKeyword) {
    name = target.name.text;
    let owner: ts.Node = target;
    while (!ts.isSourceFile(owner) && !ts.isClassLike(owner)) owner = owner.parent;
    scope = owner;
  } else {
    return false;
  }
  const mentions = (node: ts.Node): boolean => {
    const reference = ts.isIdentifier(target)
      ? ts.isIdentifier(node) && node.text === name
      : ts.isPropertyAccessExpression(node) && node.expression.kind === ts.SyntaxKind.ThisKeyword && node.name.text === name;
    if (reference && node !== target && consumes(node as ts.Expression, call)) return true;
    return ts.forEachChild(node, mentions) === true;
  };
  return ts.forEachChild(scope, mentions) === true;
}

/**
 * The function (or the file) that declares `identifier`: the nearest enclosing one with a parameter
 * or variable of that name of its own, so that a compiler's reused temporary (`_a`) in another
 * function does not count as the same promise.
 */
function declaringScope(identifier: ts.Identifier, sourceFile: ts.SourceFile): ts.Node {
  const name = identifier.text;
  for (let scope: ts.Node = identifier.parent; !ts.isSourceFile(scope); scope = scope.parent) {
    if (!ts.isFunctionLike(scope)) continue;
    if (scope.parameters.some((parameter) => ts.isIdentifier(parameter.name) && parameter.name.text === name)) return scope;
    const declares = (node: ts.Node): boolean => {
      if (ts.isFunctionLike(node)) return false;
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === name) return true;
      return ts.forEachChild(node, declares) === true;
    };
    if (ts.forEachChild(scope, declares) === true) return scope;
  }
  return sourceFile;
}

/** Whether the value at `reference` is taken by code that sees its rejection. */
function consumes(reference: ts.Expression, handled: ts.CallExpression): boolean {
  let node: ts.Expression = reference;
  while (ts.isParenthesizedExpression(node.parent) || ts.isNonNullExpression(node.parent) || ts.isAsExpression(node.parent)) node = node.parent;
  const parent = node.parent;
  if (ts.isAwaitExpression(parent) || ts.isReturnStatement(parent) || ts.isYieldExpression(parent) || ts.isArrayLiteralExpression(parent) || ts.isSpreadElement(parent)) return true;
  if (ts.isCallExpression(parent) || ts.isNewExpression(parent)) return parent.arguments?.includes(node) === true;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) return parent.initializer === node;
  if (ts.isShorthandPropertyAssignment(parent)) return true;
  if (ts.isBinaryExpression(parent)) return parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && parent.right === node;
  if (ts.isPropertyAccessExpression(parent) && parent.expression === node && ts.isCallExpression(parent.parent) && parent.parent.expression === parent && parent.parent !== handled) {
    const method = parent.name.text;
    if (method === 'finally') return true;
    const handler = method === 'catch' ? parent.parent.arguments[0] : method === 'then' ? parent.parent.arguments[1] : undefined;
    // `.then(use)` passes a rejection on to the promise it returns; only a handler that drops it ends it.
    return (method === 'then' && handler === undefined) || (handler !== undefined && !dropsError(handler));
  }
  return false;
}

function handlerBlock(handler: ts.Expression): ts.Block | undefined {
  const value = skipWrappers(handler);
  if ((ts.isArrowFunction(value) || ts.isFunctionExpression(value)) && ts.isBlock(value.body)) return value.body;
  return undefined;
}

/** True for handlers that neither use, rethrow nor replace the error. */
function dropsError(handler: ts.Expression): boolean {
  const value = skipWrappers(handler);
  if (ts.isArrowFunction(value) || ts.isFunctionExpression(value)) {
    const body = value.body;
    if (ts.isBlock(body)) return isEmptyBlock(body);
    return isUndefinedValue(body);
  }
  if (ts.isIdentifier(value)) return NOOP_NAME.test(value.text);
  if (ts.isPropertyAccessExpression(value)) {
    // `_.noop`, `lodash.noop`, `Function.prototype`.
    if (NOOP_NAME.test(value.name.text)) return true;
    return value.name.text === 'prototype' && ts.isIdentifier(value.expression) && value.expression.text === 'Function';
  }
  return false;
}

/** `() => undefined`, `() => void 0`: a handler written to produce `undefined`, not an empty body. */
function returnsUndefinedExplicitly(handler: ts.Expression): boolean {
  const value = skipWrappers(handler);
  return (ts.isArrowFunction(value) || ts.isFunctionExpression(value)) && !ts.isBlock(value.body) && isUndefinedValue(value.body);
}

/** Whether the value of `call` is read: assigned, returned, passed on or combined, not a statement of its own. */
function resultIsUsed(call: ts.CallExpression): boolean {
  let node: ts.Node = call;
  while (ts.isAwaitExpression(node.parent) || ts.isParenthesizedExpression(node.parent) || ts.isNonNullExpression(node.parent) || ts.isAsExpression(node.parent)) node = node.parent;
  return !ts.isExpressionStatement(node.parent) && !ts.isVoidExpression(node.parent);
}

function isUndefinedValue(expression: ts.Expression): boolean {
  const value = skipWrappers(expression);
  if (ts.isIdentifier(value)) return value.text === 'undefined';
  return ts.isVoidExpression(value) && ts.isLiteralExpression(skipWrappers(value.expression));
}

function isEmptyBlock(block: ts.Block): boolean {
  return block.statements.every((statement) => ts.isEmptyStatement(statement));
}

/**
 * The comment that ends the line after `end` (`.catch(() => void 0) // the pause may have failed
 * already`), without its marker; undefined when the line goes on with code or has none.
 */
function trailingComment(end: number, sourceFile: ts.SourceFile): string | undefined {
  const text = sourceFile.text;
  const lineEnd = text.indexOf('\n', end);
  const rest = text.slice(end, lineEnd < 0 ? text.length : lineEnd);
  const comment = /^[\s;,)]*(?:\/\/(.*)|\/\*(.*?)\*\/\s*)$/.exec(rest);
  return comment === null ? undefined : (comment[1] ?? comment[2]);
}

/**
 * The comment lines just above the statement that holds `node` (none when a blank line separates
 * them), without comment markers: where a fire-and-forget `promise.catch(() => {})` is explained
 * (`// Connection failures are surfaced via the 'error' event` in bullmq). Undefined
 * when `node` sits in a function that is not a block's statement (an arrow's expression body), whose
 * enclosing statement's comment would be about more than the handler.
 */
function commentAbove(node: ts.Node, sourceFile: ts.SourceFile): string | undefined {
  let statement: ts.Node = node;
  while (!ts.isBlock(statement.parent) && !ts.isSourceFile(statement.parent) && !ts.isModuleBlock(statement.parent) && !ts.isCaseOrDefaultClause(statement.parent)) {
    if (ts.isFunctionLike(statement.parent)) return undefined;
    statement = statement.parent;
  }
  const text = sourceFile.text;
  const ranges = ts.getLeadingCommentRanges(text, statement.getFullStart()) ?? [];
  const kept: string[] = [];
  let gapEnd = statement.getStart(sourceFile);
  for (let index = ranges.length - 1; index >= 0; index--) {
    const range = ranges[index];
    if ((text.slice(range.end, gapEnd).match(/\n/g)?.length ?? 0) > 1) break;
    kept.unshift(text.slice(range.pos, range.end));
    gapEnd = range.pos;
  }
  return kept.length === 0 ? undefined : withoutCommentMarkers(kept.join(' '));
}

/** Comment text with its markers (slashes, stars) replaced by spaces. */
function withoutCommentMarkers(text: string): string {
  return text.replace(/\/\*+|\*+\/|\/\/+|^\s*\*/gm, ' ');
}

/** The text of the comments inside an empty block, without comment markers; undefined when there are none. */
function commentText(block: ts.Block, sourceFile: ts.SourceFile): string | undefined {
  const inner = sourceFile.text.slice(block.getStart(sourceFile) + 1, block.getEnd() - 1);
  if (!/\/[/*]/.test(inner)) return undefined;
  return withoutCommentMarkers(inner);
}
