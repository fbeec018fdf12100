/**
 * Facts the tool knows from the syntax tree (issue 11, "explain-back"): for now the timeout of a
 * network call, from `AbortSignal.timeout(ms)`, an options object's `timeout: ms` (axios, got,
 * execFile) or a `const` of the same file they name. The answer to the call's network question
 * must state it; a different or absent value is a problem at that answer.
 */
import { ts } from 'ts-morph';
import { scriptKindFor, type LineRange } from '../check/engine';
import type { TimeoutFact } from './fact-check';
import { questionId } from './questions';

/** The timeouts set on calls inside `range` of the file. */
export function timeoutFacts(path: string, text: string, range: LineRange): TimeoutFact[] {
  const scriptKind = scriptKindFor(path);
  if (scriptKind === undefined) return [];
  const sourceFile = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, scriptKind);
  const constants = numericConstants(sourceFile);
  const facts: TimeoutFact[] = [];
  const lineOf = (node: ts.Node): number => sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && lineOf(node) >= range.startLine && lineOf(node) <= range.endLine) {
      const found = timeoutOfCall(node, constants, sourceFile);
      if (found) facts.push({ kind: 'timeout', questionId: questionId('network', node.getText(sourceFile)), ...found });
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return facts;
}

/** `const NAME = 5_000` (also `5 * 1000`) anywhere in the file, by name. */
function numericConstants(sourceFile: ts.SourceFile): Map<string, number> {
  const constants = new Map<string, number>();
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && ts.getCombinedNodeFlags(node) & ts.NodeFlags.Const) {
      const value = numericValue(node.initializer, new Map());
      if (value !== undefined) constants.set(node.name.text, value);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return constants;
}

function numericValue(node: ts.Expression, constants: ReadonlyMap<string, number>): number | undefined {
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (ts.isParenthesizedExpression(node)) return numericValue(node.expression, constants);
  if (ts.isIdentifier(node)) return constants.get(node.text);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.AsteriskToken) {
    const left = numericValue(node.left, constants);
    const right = numericValue(node.right, constants);
    return left !== undefined && right !== undefined ? left * right : undefined;
  }
  return undefined;
}

/** The timeout an options argument of this call sets: `signal: AbortSignal.timeout(x)` or `timeout: x`. */
function timeoutOfCall(call: ts.CallExpression, constants: ReadonlyMap<string, number>, sourceFile: ts.SourceFile): Omit<TimeoutFact, 'kind' | 'questionId'> | undefined {
  for (const argument of call.arguments) {
    if (!ts.isObjectLiteralExpression(argument)) continue;
    for (const property of argument.properties) {
      if (!ts.isPropertyAssignment(property) || !ts.isIdentifier(property.name)) continue;
      const value = property.initializer;
      if (property.name.text === 'timeout') {
        const milliseconds = numericValue(value, constants);
        if (milliseconds !== undefined) return { milliseconds, source: property.getText(sourceFile) };
      }
      if (property.name.text === 'signal' && ts.isCallExpression(value) && value.expression.getText(sourceFile) === 'AbortSignal.timeout' && value.arguments[0]) {
        const milliseconds = numericValue(value.arguments[0], constants);
        if (milliseconds !== undefined) return { milliseconds, source: value.getText(sourceFile) };
      }
    }
  }
  return undefined;
}
