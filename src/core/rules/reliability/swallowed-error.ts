import { ts } from 'ts-morph';
import type { RuleFinding } from '../../check/findings';
import type { Rule, RuleContext } from '../rule';
import { memberName, skipWrappers } from '../shared-syntax/nodes';

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
    'value (`return null`, `() => []`) is treated as deliberate and not reported; a comment alone is not ' +
    'handling (if dropping really is right, suppress the finding with the reason). Handlers passed by a ' +
    'name other than a no-op name (`noop`, `ignore`…) are not inspected.',
  check(context: RuleContext): RuleFinding[] {
    const sourceFile = context.sourceFile;
    if (!sourceFile) return [];
    const findings: RuleFinding[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isCatchClause(node)) {
        const finding = checkCatchClause(node, sourceFile);
        if (finding !== undefined) findings.push(finding);
      } else if (ts.isCallExpression(node)) {
        const finding = checkRejectionHandler(node, sourceFile);
        if (finding !== undefined) findings.push(finding);
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
    return findings;
  },
};

function checkCatchClause(clause: ts.CatchClause, sourceFile: ts.SourceFile): RuleFinding | undefined {
  if (!isEmptyBlock(clause.block)) return undefined;
  const message = hasComment(clause.block, sourceFile)
    ? `\`catch\` with only a comment drops the error without a trace. ${ADVICE}`
    : `Empty \`catch\` drops the error without a trace. ${ADVICE}`;
  return { start: clause.getStart(sourceFile), end: clause.getEnd(), message };
}

function checkRejectionHandler(call: ts.CallExpression, sourceFile: ts.SourceFile): RuleFinding | undefined {
  const callee = skipWrappers(call.expression);
  const method = memberName(callee);
  let handler: ts.Expression | undefined;
  if (method === 'catch') handler = call.arguments[0];
  else if (method === 'then') handler = call.arguments[1];
  if (handler === undefined || !ts.isPropertyAccessExpression(callee) || !dropsError(handler)) return undefined;
  const message =
    method === 'catch'
      ? `\`.catch\` with a handler that does nothing drops the rejection without a trace. ${ADVICE}`
      : `\`.then\` with a rejection handler that does nothing drops the error without a trace. ${ADVICE}`;
  return { start: callee.name.getStart(sourceFile), end: call.getEnd(), message };
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

function isUndefinedValue(expression: ts.Expression): boolean {
  const value = skipWrappers(expression);
  if (ts.isIdentifier(value)) return value.text === 'undefined';
  return ts.isVoidExpression(value) && ts.isLiteralExpression(skipWrappers(value.expression));
}

function isEmptyBlock(block: ts.Block): boolean {
  return block.statements.every((statement) => ts.isEmptyStatement(statement));
}

function hasComment(block: ts.Block, sourceFile: ts.SourceFile): boolean {
  const inner = sourceFile.text.slice(block.getStart(sourceFile) + 1, block.getEnd() - 1);
  return /\/[/*]/.test(inner);
}
