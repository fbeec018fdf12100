import { ts } from 'ts-morph';
import type { RuleFinding } from '../../check/findings';
import type { Rule, RuleContext } from '../rule';
import { checkWithVisitor, type SyntaxContext, type SyntaxVisitor } from '../shared-syntax/visitor';
import { memberName, skipWrappers } from '../shared-syntax/nodes';
import { explainsIgnore } from './ignore-reason';
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
    '`// ENOENT is expected: the file is optional`), inside it or at the end of its line, is reported as information only; a bare `// ignore` ' +
    'or `/* best effort */` is no explanation and is reported like an empty handler. Handlers passed by a ' +
    'name other than a no-op name (`noop`, `ignore`…) are not inspected.\n\n' +
    'Not dropped, so not reported: a do-nothing handler on a promise kept in a variable or a member of ' +
    '`this` that is awaited, returned, passed on or handled elsewhere (it only marks the promise handled). ' +
    'Not reported either: a `try` that only loads an optional module (`zlib = require(\'zlib-sync\')`), a ' +
    'probe that leaves when it finds something (`if (fs.statSync(p).isFile()) return p`), feature detection ' +
    'that leaves a `true`/`false` flag at its default, a ' +
    'handler on `Promise.allSettled(…)` (which never rejects), and, as fallbacks, an empty `catch` after a `try` that only assigns, when the code ' +
    'then tests what was assigned (`try { url = new URL(text) } catch {}` then `if (!url)`), and one after a ' +
    '`try` that returns, when the function goes on to another `return` or a `throw` (one way tried, then ' +
    'the next). Reported as information: a step on the way to a `throw` (in a `catch` block that ends by ' +
    'rethrowing, or followed by a `throw`), whose own error would only hide the one thrown, and a clean-up ' +
    'call (`close`, `destroy`, `unlink`, `rm`…) whose failure rarely matters.',
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
  if (explainsIgnore(comment) || explainsIgnore(trailingComment(clause.getEnd(), sourceFile))) {
    return {
      start,
      end,
      severity: 'info',
      message: '`catch` ignores the error on purpose, and its comment says why. Check the reason still holds.',
    };
  }
  const attempt = clause.parent;
  // `try { parsed = new URL(text) } catch {}` then `if (!parsed)`, or `try { return load(a) } catch {}`
  // then `return load(b)`: the failure becomes a value or another way, like `catch { return null }`.
  if (loadsOptionalModule(attempt.tryBlock) || testsAssignedAfter(attempt) || fallsBackAfter(attempt) || probes(attempt.tryBlock)) return undefined;
  if (onTheWayToThrow(attempt)) return { start, end, severity: 'info', message: CLEANUP_MESSAGE };
  if (onlyCleansUp(attempt.tryBlock)) return { start, end, severity: 'info', message: CLEANUP_CALL_MESSAGE };
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
  if ((body !== undefined && explainsIgnore(commentText(body, sourceFile))) || explainsIgnore(trailingComment(call.getEnd(), sourceFile))) {
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
const CLEANUP_CALL_MESSAGE = 'A clean-up call (close, destroy, unlink…) drops its error. Check that a failed clean-up loses nothing (a file handle that fails to close may not have written everything).';

/**
 * Whether `node` is a step on the way to a `throw` in the same function: in a `catch` block that
 * ends by throwing (`await handle.close().catch(() => {}); throw err;`), or followed by a `throw`
 * in its own block (`result.catch(() => {}); throw new Error('async validation is not supported')`).
 * Its own error would only hide the one thrown.
 */
function onTheWayToThrow(node: ts.Node): boolean {
  let current: ts.Node = node;
  while (!ts.isSourceFile(current.parent) && !ts.isBlock(current.parent) && !ts.isFunctionLike(current.parent)) current = current.parent;
  if (ts.isBlock(current.parent) && laterStatements(current).some((statement) => ts.isThrowStatement(statement))) return true;
  for (current = node; !ts.isSourceFile(current) && !ts.isFunctionLike(current); current = current.parent) {
    const parent = current.parent;
    if (ts.isCatchClause(parent) && current === parent.block) {
      const last = parent.block.statements[parent.block.statements.length - 1];
      return last !== undefined && ts.isThrowStatement(last);
    }
  }
  return false;
}

/** The statements after `statement` in its block (none when it is not directly in one). */
function laterStatements(statement: ts.Node): readonly ts.Statement[] {
  const parent = statement.parent;
  if (!ts.isBlock(parent) && !ts.isSourceFile(parent) && !ts.isModuleBlock(parent) && !ts.isCaseClause(parent) && !ts.isDefaultClause(parent)) return [];
  const statements = parent.statements as readonly ts.Statement[];
  return statements.slice(statements.indexOf(statement as ts.Statement) + 1);
}

/**
 * `try { parsed = new URL(text); } catch {}` followed by a test of `parsed` (`if (!parsed)`,
 * `parsed ?? fallback`, `parsed?.host`): the code assigns in the `try` and handles the value being
 * missing right after.
 */
function testsAssignedAfter(attempt: ts.TryStatement): boolean {
  const assigned = new Set<string>();
  for (const statement of attempt.tryBlock.statements) {
    // `const packageJson = await import(…)` on the way is the try's own; the assignment is what leaves it.
    if (ts.isVariableStatement(statement)) continue;
    if (!ts.isExpressionStatement(statement)) return false;
    const expression = skipWrappers(statement.expression);
    if (!ts.isBinaryExpression(expression) || expression.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return false;
    collectAssignedNames(expression.left, assigned);
  }
  if (assigned.size === 0) return false;
  // `let supported = false; try { supported = Boolean(Buffer.from('', 'base64url')); } catch {}`:
  // feature detection, whose failure leaves the flag at its default.
  if ([...assigned].every((name) => isBooleanFlag(name, attempt))) return true;
  const tests = (node: ts.Node): boolean => {
    if (ts.isFunctionLike(node)) return false;
    const named = (expression: ts.Expression): boolean => {
      const value = skipWrappers(expression);
      return ts.isIdentifier(value) && assigned.has(value.text);
    };
    if ((ts.isIfStatement(node) || ts.isWhileStatement(node)) && testsName(node.expression, named)) return true;
    if (ts.isConditionalExpression(node) && testsName(node.condition, named)) return true;
    if (ts.isBinaryExpression(node) && isFallbackOperator(node.operatorToken.kind) && named(node.left)) return true;
    if ((ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node) || ts.isCallExpression(node)) && node.questionDotToken !== undefined && named(node.expression)) return true;
    return ts.forEachChild(node, tests) === true;
  };
  // After the `try`, in its block or an enclosing one of the same function (`if (!file) { try { file = … } catch {} }` then `if (!file)`).
  for (let current: ts.Node = attempt; !ts.isSourceFile(current) && !ts.isFunctionLike(current); current = current.parent) {
    if (laterStatements(current).some(tests)) return true;
  }
  return false;
}

/** Whether `name` is declared before `statement`, in its block or an enclosing one, with `true` or `false`. */
function isBooleanFlag(name: string, statement: ts.Statement): boolean {
  for (let current: ts.Node = statement; !ts.isSourceFile(current) && !ts.isFunctionLike(current); current = current.parent) {
    const parent = current.parent;
    if (!ts.isBlock(parent) && !ts.isSourceFile(parent)) continue;
    for (const earlier of parent.statements) {
      if (earlier === current) break;
      if (!ts.isVariableStatement(earlier)) continue;
      for (const declaration of earlier.declarationList.declarations) {
        if (!ts.isIdentifier(declaration.name) || declaration.name.text !== name || declaration.initializer === undefined) continue;
        const kind = skipWrappers(declaration.initializer).kind;
        return kind === ts.SyntaxKind.TrueKeyword || kind === ts.SyntaxKind.FalseKeyword;
      }
    }
  }
  return false;
}

/**
 * `try { const stats = fs.statSync(path); if (stats.isFile()) return path; } catch {}`: a probe that
 * leaves when it finds what it looks for; its failure means the same as the test being false.
 */
function probes(block: ts.Block): boolean {
  const statements = block.statements;
  const last = statements[statements.length - 1];
  if (last === undefined || !ts.isIfStatement(last) || last.elseStatement !== undefined) return false;
  const then = last.thenStatement;
  const exit = ts.isBlock(then) ? then.statements[then.statements.length - 1] : then;
  if (exit === undefined || !(ts.isReturnStatement(exit) || ts.isBreakStatement(exit) || ts.isContinueStatement(exit))) return false;
  return statements.slice(0, -1).every((statement) => ts.isVariableStatement(statement));
}

function collectAssignedNames(target: ts.Expression, names: Set<string>): void {
  const value = skipWrappers(target);
  if (ts.isIdentifier(value)) names.add(value.text);
  else if (ts.isArrayLiteralExpression(value)) value.elements.forEach((element) => collectAssignedNames(element, names));
}

/** `!x`, `x`, `x === undefined`, `x == null`, `typeof x`, and those joined by `&&` / `||`. */
function testsName(condition: ts.Expression, named: (expression: ts.Expression) => boolean): boolean {
  const value = skipWrappers(condition);
  if (named(value)) return true;
  if (ts.isPrefixUnaryExpression(value) && value.operator === ts.SyntaxKind.ExclamationToken) return testsName(value.operand, named);
  if (ts.isTypeOfExpression(value)) return named(value.expression);
  if (ts.isBinaryExpression(value)) {
    const operator = value.operatorToken.kind;
    if (operator === ts.SyntaxKind.AmpersandAmpersandToken || operator === ts.SyntaxKind.BarBarToken) return testsName(value.left, named) || testsName(value.right, named);
    if (operator === ts.SyntaxKind.EqualsEqualsEqualsToken || operator === ts.SyntaxKind.EqualsEqualsToken || operator === ts.SyntaxKind.ExclamationEqualsEqualsToken || operator === ts.SyntaxKind.ExclamationEqualsToken) {
      return named(value.left) || named(value.right) || testsName(value.left, named);
    }
  }
  return false;
}

function isFallbackOperator(kind: ts.SyntaxKind): boolean {
  return kind === ts.SyntaxKind.QuestionQuestionToken || kind === ts.SyntaxKind.BarBarToken;
}

/**
 * `try { return require(a); } catch {}` and, later in the function, another `return` with a value
 * or a `throw`: one way is tried, and its failure leads to the next (sharp's library lookups).
 */
function fallsBackAfter(attempt: ts.TryStatement): boolean {
  const last = attempt.tryBlock.statements[attempt.tryBlock.statements.length - 1];
  if (last === undefined || !ts.isReturnStatement(last) || last.expression === undefined) return false;
  const leavesWithValue = (node: ts.Node): boolean => {
    if (ts.isFunctionLike(node)) return false;
    if ((ts.isReturnStatement(node) && node.expression !== undefined) || ts.isThrowStatement(node)) return true;
    return ts.forEachChild(node, leavesWithValue) === true;
  };
  for (let current: ts.Node = attempt; !ts.isSourceFile(current) && !ts.isFunctionLike(current); current = current.parent) {
    if (laterStatements(current).some(leavesWithValue)) return true;
  }
  return false;
}

/**
 * `try { zlib = require('zlib-sync'); } catch {}`: an optional module, loaded when it is installed;
 * `dependencies/undeclared` reads the same load as optional.
 */
function loadsOptionalModule(block: ts.Block): boolean {
  if (block.statements.length !== 1) return false;
  const statement = block.statements[0];
  let value: ts.Expression | undefined;
  if (ts.isExpressionStatement(statement)) {
    const expression = skipWrappers(statement.expression);
    value = ts.isBinaryExpression(expression) && expression.operatorToken.kind === ts.SyntaxKind.EqualsToken ? expression.right : expression;
  } else if (ts.isVariableStatement(statement) && statement.declarationList.declarations.length === 1) {
    value = statement.declarationList.declarations[0].initializer;
  }
  if (value === undefined) return false;
  let call = skipWrappers(value);
  if (ts.isAwaitExpression(call)) call = skipWrappers(call.expression);
  while (ts.isPropertyAccessExpression(call)) call = skipWrappers(call.expression);
  if (!ts.isCallExpression(call)) return false;
  const callee = skipWrappers(call.expression);
  return callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require');
}

/** `Promise.allSettled(…)` settles with every outcome listed; a handler on it catches nothing. */
function neverRejects(receiver: ts.Expression): boolean {
  const value = skipWrappers(receiver);
  if (!ts.isCallExpression(value)) return false;
  const callee = skipWrappers(value.expression);
  return ts.isPropertyAccessExpression(callee) && callee.name.text === 'allSettled' && ts.isIdentifier(callee.expression) && callee.expression.text === 'Promise';
}

/** Methods that release or remove something: their failure rarely changes what the code goes on to do. */
const CLEANUP_METHOD = /^(?:close|closeSync|destroy|end|quit|disconnect|unlink|unlinkSync|rm|rmSync|rmdir|rmdirSync|abort|kill|release|dispose|removeListener|removeEventListener|removeAllListeners|off|unref|cancel|terminate|unwatch|unsubscribe)$/;

/** A call of a clean-up method (`socket.destroy()`, `fs.rm(name, { force: true })`), awaited or not. */
function isCleanupCall(expression: ts.Expression): boolean {
  let value = skipWrappers(expression);
  if (ts.isAwaitExpression(value)) value = skipWrappers(value.expression);
  if (!ts.isCallExpression(value)) return false;
  const method = memberName(skipWrappers(value.expression));
  return method !== undefined && CLEANUP_METHOD.test(method);
}

/** A `try` block of clean-up calls only (`try { socket.destroy(); } catch {}`). */
function onlyCleansUp(block: ts.Block): boolean {
  return block.statements.length > 0 && block.statements.every((statement) => ts.isExpressionStatement(statement) && isCleanupCall(statement.expression));
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

/** The text of the comments inside an empty block, without comment markers; undefined when there are none. */
function commentText(block: ts.Block, sourceFile: ts.SourceFile): string | undefined {
  const inner = sourceFile.text.slice(block.getStart(sourceFile) + 1, block.getEnd() - 1);
  if (!/\/[/*]/.test(inner)) return undefined;
  return inner.replace(/\/\*+|\*+\/|\/\/+|^\s*\*/gm, ' ');
}
