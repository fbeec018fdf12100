import { ts } from 'ts-morph';
import { collectSites, snippet, where, type DefectMutator } from './mutator';

let flips: Partial<Record<ts.SyntaxKind, string>> | undefined;

/** The comparison with its `=` added or dropped; the table is made on first use, since reading `ts.SyntaxKind` at load would load TypeScript for commands that never parse. */
function flipOf(kind: ts.SyntaxKind): string | undefined {
  flips ??= {
    [ts.SyntaxKind.LessThanToken]: '<=',
    [ts.SyntaxKind.LessThanEqualsToken]: '<',
    [ts.SyntaxKind.GreaterThanToken]: '>=',
    [ts.SyntaxKind.GreaterThanEqualsToken]: '>',
  };
  return flips[kind];
}

/** Boundary off by one: a relational comparison gains or loses its `=` (`attempt <= 3` to `attempt < 3`). */
export const offByOne: DefectMutator = {
  kind: 'off-by-one',
  kindHint: 'A boundary is off by one: a comparison includes or excludes its limit when it should not.',
  findSites(sourceFile, lines) {
    return collectSites(sourceFile, lines, (node) => {
      if (!ts.isBinaryExpression(node)) return undefined;
      const flipped = flipOf(node.operatorToken.kind);
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
