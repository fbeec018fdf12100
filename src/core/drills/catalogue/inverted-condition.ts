import { ts } from 'ts-morph';
import { collectSites, snippet, where, type DefectMutator } from './mutator';

let equalityFlips: Partial<Record<ts.SyntaxKind, string>> | undefined;

/** The opposite equality operator; the table is made on first use, since reading `ts.SyntaxKind` at load would load TypeScript for commands that never parse. */
function equalityFlip(kind: ts.SyntaxKind): string | undefined {
  equalityFlips ??= {
    [ts.SyntaxKind.EqualsEqualsEqualsToken]: '!==',
    [ts.SyntaxKind.ExclamationEqualsEqualsToken]: '===',
    [ts.SyntaxKind.EqualsEqualsToken]: '!=',
    [ts.SyntaxKind.ExclamationEqualsToken]: '==',
  };
  return equalityFlips[kind];
}

/**
 * Inverted condition: the condition of an `if`, `while` or `?:` is negated (`!x` loses its `!`,
 * an equality test flips, anything else is wrapped in `!(...)`).
 */
export const invertedCondition: DefectMutator = {
  kind: 'inverted-condition',
  kindHint: 'A condition is inverted: a branch runs exactly when it should not.',
  findSites(sourceFile, lines) {
    return collectSites(sourceFile, lines, (node) => {
      let condition: ts.Expression | undefined;
      if (ts.isIfStatement(node) || ts.isWhileStatement(node) || ts.isDoStatement(node)) condition = node.expression;
      else if (ts.isConditionalExpression(node)) condition = node.condition;
      if (!condition) return undefined;
      const inner = ts.isParenthesizedExpression(condition) ? condition.expression : condition;
      const before = condition.getText(sourceFile);
      let start = condition.getStart(sourceFile);
      let end = condition.getEnd();
      let newText: string;
      let after: string;
      if (ts.isPrefixUnaryExpression(inner) && inner.operator === ts.SyntaxKind.ExclamationToken) {
        newText = inner.operand.getText(sourceFile);
        after = newText;
      } else if (ts.isBinaryExpression(inner) && equalityFlip(inner.operatorToken.kind) !== undefined) {
        start = inner.operatorToken.getStart(sourceFile);
        end = inner.operatorToken.getEnd();
        newText = equalityFlip(inner.operatorToken.kind)!;
        after = `${inner.left.getText(sourceFile)} ${newText} ${inner.right.getText(sourceFile)}`;
      } else {
        newText = `!(${before})`;
        after = newText;
      }
      return {
        kind: 'inverted-condition',
        start,
        end,
        newText,
        description: `the condition \`${snippet(before)}\` became \`${snippet(after)}\``,
        symptom: `${where(node)} takes the wrong branch: what should happen in one case happens in the other.`,
      };
    });
  },
};
