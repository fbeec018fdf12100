import { ts } from 'ts-morph';
import { collectSites, where, type DefectMutator } from './mutator';

/**
 * Error swallowed: a `catch` that handles its error (rethrows, returns, logs, records) is emptied,
 * so the failure vanishes and the code goes on as if it had succeeded.
 */
export const swallowedError: DefectMutator = {
  kind: 'swallowed-error',
  kindHint: 'An error is swallowed: a failure is caught and silently ignored.',
  findSites(sourceFile, lines) {
    return collectSites(sourceFile, lines, (node) => {
      if (!ts.isCatchClause(node) || node.block.statements.length === 0) return undefined;
      const block = node.block;
      const rethrows = block.statements.some((statement) => ts.isThrowStatement(statement));
      return {
        kind: 'swallowed-error',
        start: block.getStart(sourceFile),
        end: block.getEnd(),
        newText: '{}',
        description: `the \`catch\` block (${rethrows ? 'which rethrew' : 'which handled the error'}) was emptied: the error is swallowed`,
        symptom: `${where(node)} hides a failure: when something goes wrong it carries on as if it had worked.`,
      };
    });
  },
};
