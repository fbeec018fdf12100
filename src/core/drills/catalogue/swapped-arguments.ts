import { ts } from 'ts-morph';
import { collectSites, snippet, where, type DefectMutator } from './mutator';

/** Swapped arguments: the first two arguments of a call change places (`slice(start, end)` to `slice(end, start)`). */
export const swappedArguments: DefectMutator = {
  kind: 'swapped-arguments',
  kindHint: 'Two arguments are swapped: a call gets the right values in the wrong order.',
  findSites(sourceFile, lines) {
    return collectSites(sourceFile, lines, (node) => {
      if (!ts.isCallExpression(node) && !ts.isNewExpression(node)) return undefined;
      const args = node.arguments;
      if (!args || args.length < 2) return undefined;
      const [first, second] = [args[0], args[1]];
      if (ts.isSpreadElement(first) || ts.isSpreadElement(second)) return undefined;
      const firstText = first.getText(sourceFile);
      const secondText = second.getText(sourceFile);
      // Swapping equal arguments changes nothing; a drill must change behaviour.
      if (firstText === secondText) return undefined;
      const start = first.getStart(sourceFile);
      const end = second.getEnd();
      const separator = sourceFile.text.slice(first.getEnd(), second.getStart(sourceFile));
      const callee = node.expression.getText(sourceFile);
      return {
        kind: 'swapped-arguments',
        start,
        end,
        newText: `${secondText}${separator}${firstText}`,
        description: `the arguments of \`${snippet(callee)}(${snippet(firstText)}, ${snippet(secondText)})\` were swapped`,
        symptom: `${where(node)} passes two values to \`${snippet(callee)}\` in the wrong order.`,
      };
    });
  },
};
