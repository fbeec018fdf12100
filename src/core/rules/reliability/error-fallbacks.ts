import { ts } from 'ts-morph';
import { skipWrappers, memberName } from '../shared-syntax/nodes';

/*
 * What the code around an error handler does instead of handling the error: the ways a dropped error
 * is a deliberate fallback (a value tested after the `try`, another way tried after it, a probe, an
 * optional load, a feature flag left at its default), a clean-up step whose failure rarely matters,
 * or a step on the way to a `throw`. `swallowed-error` reads them; its Python twin reads the same
 * shapes in `swallowed-error.python.ts`.
 */

/**
 * Whether `node` is a step on the way to a `throw` in the same function: in a `catch` block that
 * ends by throwing (`await handle.close().catch(() => {}); throw err;`), or followed by a `throw`
 * in its own block (`result.catch(() => {}); throw new Error('async validation is not supported')`).
 * Its own error would only hide the one thrown.
 */
export function onTheWayToThrow(node: ts.Node): boolean {
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
 * missing right after. The target may be a property (zod 4's coercion, `try { payload.value =
 * Number(payload.value) } catch {}` then `typeof payload.value`), and the test may read it through a
 * `const` (`const input = payload.value; if (typeof input === 'number')`).
 */
export function testsAssignedAfter(attempt: ts.TryStatement): boolean {
  const assigned = new Set<string>();
  for (const statement of attempt.tryBlock.statements) {
    // `const packageJson = await import(…)` on the way is the try's own; the assignment is what leaves it.
    // A `var` leaves it too (lodash's `getRawTag`: `try { … var unmasked = true } catch {}` then `if (unmasked)`).
    if (ts.isVariableStatement(statement)) {
      if ((statement.declarationList.flags & ts.NodeFlags.BlockScoped) === 0) {
        for (const declaration of statement.declarationList.declarations) {
          if (ts.isIdentifier(declaration.name) && declaration.initializer !== undefined) assigned.add(declaration.name.text);
        }
      }
      continue;
    }
    if (!ts.isExpressionStatement(statement)) return false;
    const expression = skipWrappers(statement.expression);
    if (!ts.isBinaryExpression(expression) || expression.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return false;
    collectAssignedNames(expression.left, assigned);
  }
  if (assigned.size === 0) return false;
  // `let supported = false; try { supported = Boolean(Buffer.from('', 'base64url')); } catch {}`:
  // feature detection, whose failure leaves the flag at its default.
  if ([...assigned].every((name) => isBooleanFlag(name, attempt))) return true;
  return testedLater(attempt, assigned);
}

/**
 * Whether one of `assigned` (names and property chains) is tested after `from`, in its block or an
 * enclosing one of the same function (`if (!file) { try { file = … } catch {} }` then `if (!file)`).
 * A `const` read from one of them is tested in its place (`const input = payload.value; if (typeof
 * input === 'number')`).
 */
function testedLater(from: ts.Node, assigned: Set<string>, inFunctionsToo = false): boolean {
  const tests = (node: ts.Node): boolean => {
    if (ts.isFunctionLike(node) && !inFunctionsToo) return false;
    const named = (expression: ts.Expression): boolean => {
      const key = referenceKey(expression);
      return key !== undefined && assigned.has(key);
    };
    // `const input = payload.value;` then `typeof input === 'number'` tests what the `try` assigned.
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer !== undefined && named(node.initializer)) {
      assigned.add(node.name.text);
      return false;
    }
    if ((ts.isIfStatement(node) || ts.isWhileStatement(node)) && testsName(node.expression, named)) return true;
    if (ts.isConditionalExpression(node) && testsName(node.condition, named)) return true;
    // `parsed ?? fallback`, `parsed || fallback`, and the guard `nodeUtil && nodeUtil.isMap`.
    if (ts.isBinaryExpression(node) && (isFallbackOperator(node.operatorToken.kind) || node.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) && named(node.left)) return true;
    if ((ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node) || ts.isCallExpression(node)) && node.questionDotToken !== undefined && named(node.expression)) return true;
    return ts.forEachChild(node, tests) === true;
  };
  for (let current: ts.Node = from; !ts.isSourceFile(current) && !ts.isFunctionLike(current); current = current.parent) {
    if (laterStatements(current).some(tests)) return true;
  }
  return false;
}

/**
 * Feature detection in an immediately invoked function (lodash's `nodeUtil` and `defineProperty`):
 * `var nodeUtil = (function () { try { …; return types } catch (e) {} }());`. The `try` returns
 * what it found and is the function's last statement, so a failure leaves the variable
 * `undefined`; it is a fallback when the variable is then tested (`nodeUtil && nodeUtil.isMap`, also
 * in a function declared after it) or exported for others to test (lodash's `_defineProperty.js`).
 */
export function detectsFeature(attempt: ts.TryStatement): boolean {
  const statements = attempt.tryBlock.statements;
  const last = statements[statements.length - 1];
  if (last === undefined || !ts.isReturnStatement(last) || last.expression === undefined || waits(attempt.tryBlock)) return false;
  const body = attempt.parent;
  if (!ts.isBlock(body) || body.statements[body.statements.length - 1] !== attempt) return false;
  const fn = body.parent;
  if (!ts.isFunctionExpression(fn) && !ts.isArrowFunction(fn)) return false;
  let callee: ts.Node = fn;
  while (ts.isParenthesizedExpression(callee.parent)) callee = callee.parent;
  const call = callee.parent;
  if (!ts.isCallExpression(call) || call.expression !== callee || call.arguments.length > 0) return false;
  let value: ts.Node = call;
  while (ts.isParenthesizedExpression(value.parent)) value = value.parent;
  const declaration = value.parent;
  if (!ts.isVariableDeclaration(declaration) || declaration.initializer !== value || !ts.isIdentifier(declaration.name)) return false;
  const statement = declaration.parent.parent;
  if (!ts.isVariableStatement(statement)) return false;
  const name = declaration.name.text;
  // A capability found once is tested where it is used, in the functions after it (`if (key == '__proto__' && defineProperty)`).
  return testedLater(statement, new Set([name]), true) || isExported(name, statement);
}

/** `export var name = …`, `export { name }`, `module.exports = name` or `exports.x = name` in the file. */
function isExported(name: string, statement: ts.VariableStatement): boolean {
  if (statement.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)) return true;
  const file = statement.getSourceFile();
  return file.statements.some((top) => {
    if (ts.isExportDeclaration(top) && top.exportClause !== undefined && ts.isNamedExports(top.exportClause)) {
      return top.exportClause.elements.some((element) => (element.propertyName ?? element.name).text === name);
    }
    if (ts.isExportAssignment(top)) return ts.isIdentifier(top.expression) && top.expression.text === name;
    if (!ts.isExpressionStatement(top)) return false;
    const expression = skipWrappers(top.expression);
    if (!ts.isBinaryExpression(expression) || expression.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return false;
    const target = referenceKey(expression.left);
    const exportsTarget = target !== undefined && (target === 'module.exports' || target.startsWith('module.exports.') || target.startsWith('exports.'));
    return exportsTarget && referenceKey(expression.right) === name;
  });
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
export function probes(block: ts.Block): boolean {
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
  const key = referenceKey(value);
  if (key !== undefined) names.add(key);
  else if (ts.isArrayLiteralExpression(value)) value.elements.forEach((element) => collectAssignedNames(element, names));
}

/** `x`, `payload.value`, `this.cache`: a name or a chain of property reads off one, as a key; else undefined. */
function referenceKey(expression: ts.Expression): string | undefined {
  const value = skipWrappers(expression);
  if (ts.isIdentifier(value)) return value.text;
  if (value.kind === ts.SyntaxKind.ThisKeyword) return 'this';
  if (!ts.isPropertyAccessExpression(value) || !ts.isIdentifier(value.name)) return undefined;
  const owner = referenceKey(value.expression);
  return owner === undefined ? undefined : `${owner}.${value.name.text}`;
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
export function fallsBackAfter(attempt: ts.TryStatement): boolean {
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
 * `dependencies/undeclared` reads the same load as optional. Also when the load sits in an `if`
 * whose test calls nothing and what it loads is taken apart after it (handlebars 4: `if (typeof
 * define !== 'function') { let SourceMap = require('source-map'); SourceNode = SourceMap.SourceNode; }`).
 */
export function loadsOptionalModule(block: ts.Block): boolean {
  let statements: readonly ts.Statement[] = block.statements;
  if (statements.length === 1 && ts.isIfStatement(statements[0]) && statements[0].elseStatement === undefined && !callsAnything(statements[0].expression)) {
    const then = statements[0].thenStatement;
    statements = ts.isBlock(then) ? then.statements : [then];
  }
  if (statements.length === 0 || !isModuleLoad(statements[0])) return false;
  if (statements.length === 1) return true;
  // What follows only reads the loaded module: `SourceNode = SourceMap.SourceNode`.
  const loaded = new Set<string>();
  const first = statements[0];
  if (ts.isVariableStatement(first)) for (const declaration of first.declarationList.declarations) if (ts.isIdentifier(declaration.name)) loaded.add(declaration.name.text);
  // `binding = require('./sshcrypto.node'); ({ AESGCMCipher } = binding);` (ssh2's optional native binding).
  if (ts.isExpressionStatement(first)) {
    const assignment = skipWrappers(first.expression);
    if (ts.isBinaryExpression(assignment) && assignment.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(assignment.left)) loaded.add(assignment.left.text);
  }
  return statements.slice(1).every((statement) => {
    if (!ts.isExpressionStatement(statement)) return false;
    const expression = skipWrappers(statement.expression);
    if (!ts.isBinaryExpression(expression) || expression.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return false;
    const key = referenceKey(expression.right);
    return key !== undefined && loaded.has(key.split('.')[0]);
  });
}

/** `x = require('m')`, `const x = require('m').y`, `await import('m')`: one statement loading one module. */
function isModuleLoad(statement: ts.Statement): boolean {
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

/**
 * Methods that release or remove something: their failure rarely changes what the code goes on to do.
 * The verbs also with a resource (`closeModel` in amqplib, `endSession` in mongoose, `releaseLock`),
 * never with any noun: `closeAccount` or `cancelOrder` is business, not clean-up.
 */
const CLEANUP_METHOD =
  /^(?:close|closeSync|destroy|end|quit|disconnect|unlink|unlinkSync|rm|rmSync|rmdir|rmdirSync|abort|kill|release|dispose|removeListener|removeEventListener|removeAllListeners|off|unref|unpipe|cancel|terminate|unwatch|unsubscribe|(?:close|destroy|end|release|dispose|disconnect|kill|terminate|abort)(?:Model|Session|Connection|Socket|Stream|Channel|Client|Pool|Lock|Handle|File|Watcher|Server|Process|Subprocess|Reader|Writer|Transport|Port|Page|Browser|Context))$/;

/** A call of a clean-up method (`socket.destroy()`, `fs.rm(name, { force: true })`), awaited or not. */
export function isCleanupCall(expression: ts.Expression): boolean {
  let value = skipWrappers(expression);
  if (ts.isAwaitExpression(value)) value = skipWrappers(value.expression);
  if (!ts.isCallExpression(value)) return false;
  const callee = skipWrappers(value.expression);
  const method = memberName(callee);
  if (method === 'return') return value.arguments.length === 0 && isIteratorReceiver(callee);
  return method !== undefined && CLEANUP_METHOD.test(method);
}

/**
 * `iterator.return()`, `this.generator.return()`: an iterator told it will not be read further (NestJS
 * closes a streaming body so). Only with such a receiver: `order.return()` may be business.
 */
function isIteratorReceiver(callee: ts.Expression): boolean {
  if (!ts.isPropertyAccessExpression(callee)) return false;
  const receiver = skipWrappers(callee.expression);
  const name = ts.isIdentifier(receiver) ? receiver.text : ts.isPropertyAccessExpression(receiver) ? receiver.name.text : undefined;
  return name !== undefined && /(?:^|[a-z_])(?:iter(?:ator)?|gen(?:erator)?|cursor)s?$/i.test(name);
}

/**
 * `try { throw err; } catch (e) {}`: an error the code holds, thrown to be caught at once (sinon does
 * it so that old engines fill in its stack). Nothing that could fail runs, and nothing is dropped.
 */
export function onlyThrowsKept(block: ts.Block): boolean {
  return block.statements.length > 0 && block.statements.every((statement) => ts.isThrowStatement(statement) && ts.isIdentifier(skipWrappers(statement.expression)));
}

/**
 * A `try` block of clean-up calls only (`try { socket.destroy(); } catch {}`), each maybe behind an
 * `if` that only asks whether it is needed (`if (raw.connected) raw.close()`, `if (isWritable(sock))
 * sock.end()` in ssh2 and bullmq): a test that awaits or calls anything but a predicate is work of its own.
 */
export function onlyCleansUp(block: ts.Block): boolean {
  const cleansUp = (statement: ts.Statement): boolean => {
    if (ts.isExpressionStatement(statement)) return isCleanupCall(statement.expression);
    if (ts.isBlock(statement)) return statement.statements.length > 0 && statement.statements.every(cleansUp);
    return ts.isIfStatement(statement) && statement.elseStatement === undefined && onlyAsks(statement.expression) && cleansUp(statement.thenStatement);
  };
  return block.statements.length > 0 && block.statements.every(cleansUp);
}

/** A predicate's name: `isWritable`, `hasOwnProperty`, `canClose`, `shouldFlush`. */
const PREDICATE_NAME = /^(?:is|has|can|should)(?:[A-Z_]|$)/;

/** A condition that calls nothing, or only predicates (`isWritable(sock)`), and awaits nothing. */
function onlyAsks(condition: ts.Expression): boolean {
  const asks = (node: ts.Node): boolean => {
    if (ts.isAwaitExpression(node) || ts.isNewExpression(node)) return false;
    if (ts.isCallExpression(node)) {
      const name = memberName(skipWrappers(node.expression)) ?? (ts.isIdentifier(node.expression) ? node.expression.text : undefined);
      if (name === undefined || !PREDICATE_NAME.test(name)) return false;
    }
    return ts.forEachChild(node, (child) => !asks(child)) !== true;
  };
  return asks(condition);
}

/**
 * `try { item = JSON.parse(item) } catch {}`, or through a local (`var obj = JSON.parse(payload); if
 * (typeof obj === 'object') payload = obj;` in jsonwebtoken): a value converted in place when it
 * can be, left as it was when not. Only assignments whose new value is made by a call from the
 * value itself, locals, and `if`s without calls in their test; nothing awaited (a value fetched
 * from elsewhere is work of its own).
 */
export function convertsInPlace(attempt: ts.TryStatement): boolean {
  if (waits(attempt.tryBlock)) return false;
  /** Locals declared in the `try`, each with the names its initializer converts by a call. */
  const madeFrom = new Map<string, ReadonlySet<string>>();
  let conversions = 0;
  const converts = (statement: ts.Statement): boolean => {
    if (ts.isEmptyStatement(statement)) return true;
    if (ts.isBlock(statement)) return statement.statements.every(converts);
    if (ts.isIfStatement(statement)) return !callsAnything(statement.expression) && converts(statement.thenStatement) && (statement.elseStatement === undefined || converts(statement.elseStatement));
    if (ts.isVariableStatement(statement)) {
      return statement.declarationList.declarations.every((declaration) => {
        if (!ts.isIdentifier(declaration.name) || declaration.initializer === undefined) return false;
        madeFrom.set(declaration.name.text, convertedKeys(declaration.initializer));
        return true;
      });
    }
    if (!ts.isExpressionStatement(statement)) return false;
    const expression = skipWrappers(statement.expression);
    if (!ts.isBinaryExpression(expression) || expression.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return false;
    const target = referenceKey(expression.left);
    if (target === undefined) return false;
    const value = skipWrappers(expression.right);
    const fromItself = convertedKeys(value).has(target) || (ts.isIdentifier(value) && madeFrom.get(value.text)?.has(target) === true);
    return fromItself && ++conversions > 0;
  };
  return attempt.tryBlock.statements.every(converts) && conversions > 0;
}

/** The references (`x`, `payload.value`) passed to calls in `expression`: what it converts. */
function convertedKeys(expression: ts.Expression): ReadonlySet<string> {
  const keys = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node)) return;
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      for (const argument of node.arguments ?? []) {
        const key = referenceKey(argument);
        if (key !== undefined) keys.add(key);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(expression);
  return keys;
}

/** Whether `node` calls or constructs anything (outside functions nested in it). */
function callsAnything(node: ts.Node): boolean {
  if (ts.isCallExpression(node) || ts.isNewExpression(node) || ts.isAwaitExpression(node)) return true;
  return ts.forEachChild(node, (child) => !ts.isFunctionLike(child) && callsAnything(child)) === true;
}

/** OpenTelemetry `Span` methods that record a detail of the work (an attribute, an event, a status). */
const SPAN_DETAIL_METHODS: ReadonlySet<string> = new Set(['setAttribute', 'setAttributes', 'addEvent', 'setStatus', 'recordException', 'updateName']);

/** A name for an error object (`e`, `err`, `error`, `apiError`, `lastErr`). */
const ERROR_NAME = /^(?:e|err|error|\w*(?:Error|Err))$/i;

/**
 * Whether the `try` only adds a detail to something made anyway: a tracing span's attributes
 * (`span.setAttribute(name, read(data))`, the Anthropic SDK), or the text of an error about to be
 * made (`error.message += JSON.stringify(response)` in firebase-admin, `help.push(…)` before
 * `throw new Error(help.join('\n'))` and `actual = String(value)` before `new Error(`… ${actual}`)`
 * in sharp). Locals, branches, loops and a bare `return` may come between, but no `await` or
 * `yield`: a value awaited for the detail (`const row = await db.insert(x)`) is work of its own. Its
 * failure costs that detail alone; the span still ends and the error is still made.
 */
export function onlyAddsDetail(attempt: ts.TryStatement): boolean {
  if (waits(attempt.tryBlock)) return false;
  /** Names assigned or pushed to in the `try`: each must then be read only where an error is made. */
  const textParts = new Set<string>();
  let adds = 0;
  const addsDetail = (statement: ts.Statement): boolean => {
    if (ts.isVariableStatement(statement) || ts.isEmptyStatement(statement)) return true;
    if (ts.isReturnStatement(statement)) return statement.expression === undefined;
    if (ts.isBlock(statement)) return statement.statements.every(addsDetail);
    if (ts.isIfStatement(statement)) return addsDetail(statement.thenStatement) && (statement.elseStatement === undefined || addsDetail(statement.elseStatement));
    if (ts.isForOfStatement(statement) || ts.isForInStatement(statement) || ts.isForStatement(statement)) return addsDetail(statement.statement);
    if (!ts.isExpressionStatement(statement)) return false;
    const expression = skipWrappers(statement.expression);
    if (ts.isCallExpression(expression)) {
      const callee = skipWrappers(expression.expression);
      const method = memberName(callee);
      if (method !== undefined && SPAN_DETAIL_METHODS.has(method)) return ++adds > 0;
      const receiver = ts.isPropertyAccessExpression(callee) ? skipWrappers(callee.expression) : undefined;
      if ((method === 'push' || method === 'unshift') && receiver !== undefined && ts.isIdentifier(receiver)) {
        textParts.add(receiver.text);
        return ++adds > 0;
      }
      return false;
    }
    if (!ts.isBinaryExpression(expression)) return false;
    const operator = expression.operatorToken.kind;
    if (operator !== ts.SyntaxKind.EqualsToken && operator !== ts.SyntaxKind.PlusEqualsToken) return false;
    const target = skipWrappers(expression.left);
    if (ts.isPropertyAccessExpression(target) && target.name.text === 'message') {
      const owner = skipWrappers(target.expression);
      return ts.isIdentifier(owner) && ERROR_NAME.test(owner.text) && ++adds > 0;
    }
    if (!ts.isIdentifier(target)) return false;
    textParts.add(target.text);
    return ++adds > 0;
  };
  if (!attempt.tryBlock.statements.every(addsDetail) || adds === 0) return false;
  return [...textParts].every((name) => onlyMakesError(name, attempt));
}

/** Whether `node` awaits or yields, outside functions nested in it. */
function waits(node: ts.Node): boolean {
  return ts.forEachChild(node, (child) => !ts.isFunctionLike(child) && (ts.isAwaitExpression(child) || ts.isYieldExpression(child) || waits(child))) === true;
}

/**
 * Whether every later use of `name` in the function, after `attempt`, adds to it (`name.push(…)`)
 * or makes an error of it (inside `new Error(…)`, `Error(…)` or a `throw`), and one does.
 */
function onlyMakesError(name: string, attempt: ts.TryStatement): boolean {
  let makesError = false;
  let otherUse = false;
  const inErrorConstruction = (reference: ts.Node, root: ts.Node): boolean => {
    for (let node = reference.parent; node !== root.parent; node = node.parent) {
      if (ts.isThrowStatement(node)) return true;
      if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && ts.isIdentifier(node.expression) && /Error$/.test(node.expression.text)) return true;
      if (ts.isFunctionLike(node)) return false;
    }
    return false;
  };
  const visit = (root: ts.Node) => (node: ts.Node): void => {
    if (otherUse) return;
    if (ts.isIdentifier(node) && node.text === name) {
      const parent = node.parent;
      const extended =
        ts.isPropertyAccessExpression(parent) && parent.expression === node && (parent.name.text === 'push' || parent.name.text === 'unshift') &&
        ts.isCallExpression(parent.parent) && ts.isExpressionStatement(parent.parent.parent);
      if (inErrorConstruction(node, root)) makesError = true;
      else if (!extended) otherUse = true;
      return;
    }
    ts.forEachChild(node, visit(root));
  };
  for (let current: ts.Node = attempt; !ts.isSourceFile(current) && !ts.isFunctionLike(current); current = current.parent) {
    for (const statement of laterStatements(current)) visit(statement)(statement);
  }
  return makesError && !otherUse;
}
