import { ts } from 'ts-morph';
import { collectSites, snippet, where, type DefectMutator } from './mutator';

/** Missing `await`: an awaited call loses its `await`, so the code goes on with a pending promise. */
export const missingAwait: DefectMutator = {
  kind: 'missing-await',
  kindHint: 'An `await` is missing: something goes on before the work it depends on has finished.',
  findSites(sourceFile, lines) {
    return collectSites(sourceFile, lines, (node) => {
      if (!ts.isAwaitExpression(node)) return undefined;
      const operand = node.expression.getText(sourceFile);
      return {
        kind: 'missing-await',
        start: node.getStart(sourceFile),
        end: node.expression.getStart(sourceFile),
        newText: '',
        description: `\`await ${snippet(operand)}\` lost its \`await\``,
        symptom: `${where(node)} uses a result before it is ready (a pending promise where a value belongs, or work finishing too late).`,
      };
    });
  },
};
