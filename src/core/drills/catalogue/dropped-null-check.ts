import { ts } from 'ts-morph';
import { collectSites, snippet, where, type DefectMutator } from './mutator';

function isNullish(node: ts.Expression): boolean {
  return node.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(node) && node.text === 'undefined');
}

/** Whether an `if` condition tests for a missing value: `x == null`, `x === undefined`, `!x`, `typeof x === 'undefined'`. */
function isNullTest(condition: ts.Expression): boolean {
  if (ts.isParenthesizedExpression(condition)) return isNullTest(condition.expression);
  if (ts.isPrefixUnaryExpression(condition) && condition.operator === ts.SyntaxKind.ExclamationToken) return true;
  if (ts.isBinaryExpression(condition)) {
    const op = condition.operatorToken.kind;
    if (op === ts.SyntaxKind.BarBarToken) return isNullTest(condition.left) || isNullTest(condition.right);
    if (op === ts.SyntaxKind.EqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsEqualsToken) {
      return isNullish(condition.left) || isNullish(condition.right) || (ts.isStringLiteral(condition.right) && condition.right.text === 'undefined');
    }
  }
  return false;
}

/** Whether a statement leaves the function (a guard's body). */
function exits(statement: ts.Statement): boolean {
  if (ts.isReturnStatement(statement) || ts.isThrowStatement(statement) || ts.isContinueStatement(statement) || ts.isBreakStatement(statement)) return true;
  return ts.isBlock(statement) && statement.statements.length > 0 && exits(statement.statements[statement.statements.length - 1]);
}

/**
 * Dropped null check: a guard against a missing value goes (`if (!user) return;` removed,
 * `user?.name` to `user.name`, `value ?? fallback` to `value`).
 */
export const droppedNullCheck: DefectMutator = {
  kind: 'dropped-null-check',
  kindHint: 'A null check was dropped: a missing value is no longer guarded against.',
  findSites(sourceFile, lines) {
    return collectSites(sourceFile, lines, (node) => {
      if (ts.isIfStatement(node) && !node.elseStatement && isNullTest(node.expression) && exits(node.thenStatement)) {
        return {
          kind: 'dropped-null-check',
          start: node.getStart(sourceFile),
          end: node.getEnd(),
          newText: '',
          description: `the guard \`${snippet(node.getText(sourceFile))}\` was removed`,
          symptom: `${where(node)} fails or misbehaves when a value is missing (null, undefined or empty).`,
        };
      }
      if ((ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node) || ts.isCallExpression(node)) && node.questionDotToken) {
        const token = node.questionDotToken;
        // `a?.b` becomes `a.b`; `a?.[i]` and `f?.()` become `a[i]` and `f()`.
        const replacement = ts.isPropertyAccessExpression(node) ? '.' : '';
        return {
          kind: 'dropped-null-check',
          start: token.getStart(sourceFile),
          end: token.getEnd(),
          newText: replacement,
          description: `the optional chain \`${snippet(node.getText(sourceFile))}\` lost its \`?.\``,
          symptom: `${where(node)} throws when a value is missing (null or undefined) instead of going on.`,
        };
      }
      if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken) {
        return {
          kind: 'dropped-null-check',
          start: node.left.getEnd(),
          end: node.getEnd(),
          newText: '',
          description: `\`${snippet(node.getText(sourceFile))}\` lost its fallback (\`?? ${snippet(node.right.getText(sourceFile))}\`)`,
          symptom: `${where(node)} gives null or undefined where a default value used to be.`,
        };
      }
      return undefined;
    });
  },
};
