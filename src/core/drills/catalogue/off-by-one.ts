import { ts } from 'ts-morph';
import { onFirstUse } from '../../rules/shared-syntax/nodes';
import { collectSites, snippet, where, type DefectMutator } from './mutator';

const flips = onFirstUse((): Partial<Record<ts.SyntaxKind, string>> => ({
  [ts.SyntaxKind.LessThanToken]: '<=',
  [ts.SyntaxKind.LessThanEqualsToken]: '<',
  [ts.SyntaxKind.GreaterThanToken]: '>=',
  [ts.SyntaxKind.GreaterThanEqualsToken]: '>',
}));

/** Boundary off by one: a relational comparison gains or loses its `=` (`attempt <= 3` to `attempt < 3`). */
export const offByOne: DefectMutator = {
  kind: 'off-by-one',
  kindHint: 'A boundary is off by one: a comparison includes or excludes its limit when it should not.',
  findSites(sourceFile, lines) {
    return collectSites(sourceFile, lines, (node) => {
      if (!ts.isBinaryExpression(node)) return undefined;
      const flipped = flips()[node.operatorToken.kind];
      if (flipped === undefined) return undefined;
      const operator = node.operatorToken;
      const before = node.getText(sourceFile);
      const after = `${sourceFile.text.slice(node.getStart(sourceFile), operator.getStart(sourceFile))}${flipped}${sourceFile.text.slice(operator.getEnd(), node.getEnd())}`;
      return {
        kind: 'off-by-one',
        start: operator.getStart(sourceFile),
        end: operator.getEnd(),
        newText: flipped,
        description: `\`${snippet(before)}\` became \`${snippet(after)}\``,
        symptom: `${where(node)} goes one step too far or stops one step short at a limit.`,
      };
    });
  },
};
