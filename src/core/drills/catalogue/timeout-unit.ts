import { ts } from 'ts-morph';
import { collectSites, where, type DefectMutator } from './mutator';

const TIMER_CALLS = new Set(['setTimeout', 'setInterval', 'delay', 'sleep', 'wait', 'timeout']);
const TIME_NAME = /(timeout|delay|interval|wait|ttl|backoff|_?ms$|millis|seconds?$|duration)/i;

function nameOf(node: ts.Node): string | undefined {
  if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) return node.text;
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  if (ts.isStringLiteral(node)) return node.text;
  return undefined;
}

/** Whether a numeric literal is a duration: a timer call's argument, or the value of a time-named variable, property or parameter default. */
function isDuration(literal: ts.NumericLiteral): boolean {
  const parent = literal.parent;
  if (ts.isCallExpression(parent) && parent.arguments.includes(literal)) {
    const callee = nameOf(parent.expression);
    return callee !== undefined && (TIMER_CALLS.has(callee) || TIME_NAME.test(callee));
  }
  if ((ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isParameter(parent) || ts.isPropertyDeclaration(parent)) && parent.initializer === literal) {
    const name = nameOf(parent.name);
    return name !== undefined && TIME_NAME.test(name);
  }
  if (ts.isBinaryExpression(parent) && parent.right === literal && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    const name = nameOf(parent.left);
    return name !== undefined && TIME_NAME.test(name);
  }
  return false;
}

/**
 * Wrong unit on a timeout: a duration literal is written in the other unit (`5000` ms becomes `5`,
 * as if seconds; a small value like `30` becomes `30000`).
 */
export const timeoutUnit: DefectMutator = {
  kind: 'timeout-unit',
  kindHint: 'A duration has the wrong unit: seconds where milliseconds are meant, or the other way round.',
  findSites(sourceFile, lines) {
    return collectSites(sourceFile, lines, (node) => {
      if (!ts.isNumericLiteral(node) || !isDuration(node)) return undefined;
      const value = Number(node.text);
      if (!Number.isFinite(value) || value <= 0) return undefined;
      const newValue = value >= 1000 && value % 1000 === 0 ? value / 1000 : value * 1000;
      return {
        kind: 'timeout-unit',
        start: node.getStart(sourceFile),
        end: node.getEnd(),
        newText: String(newValue),
        description: `the duration \`${node.text}\` became \`${newValue}\` (${newValue < value ? 'seconds written where milliseconds are meant' : 'milliseconds written where seconds are meant'})`,
        symptom: `${where(node)} waits far too ${newValue < value ? 'briefly' : 'long'}: a timer or timeout fires at the wrong moment.`,
      };
    });
  },
};
