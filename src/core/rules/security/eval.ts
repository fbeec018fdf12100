import { ts } from 'ts-morph';
import type { RuleFinding } from '../../check/findings';
import type { Rule, RuleContext } from '../rule';

/** Flags code evaluated from strings: `eval`, `new Function`, string arguments to timers. */
export const securityEval: Rule = {
  id: 'security/eval',
  kind: 'syntax',
  defaultSeverity: 'error',
  // Every finding names one of these verbatim (calls, options or the variable).
  textTriggers: ['eval', 'Function', 'setTimeout', 'setInterval'],
  summary: 'Code evaluated from a string',
  rationale:
    'Evaluating strings as code (`eval`, `new Function`, `setTimeout("...")`) runs whatever reaches it: ' +
    'one unescaped input becomes remote code execution, and linters and type checkers cannot see inside. ' +
    'AI assistants reach for it to "parse" data; use `JSON.parse`, a lookup table or a real function instead.',
  check(context: RuleContext): RuleFinding[] {
    const sourceFile = context.sourceFile;
    if (!sourceFile) return [];
    const findings: RuleFinding[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const callee = calleeName(node.expression);
        if (callee === 'eval') {
          findings.push(at(node, sourceFile, '`eval` runs a string as code.'));
        } else if ((callee === 'setTimeout' || callee === 'setInterval') && node.arguments.length > 0) {
          const first = node.arguments[0];
          if (ts.isStringLiteralLike(first) || ts.isTemplateExpression(first) || isStringConcat(first)) {
            findings.push(at(node, sourceFile, `\`${callee}\` with a string argument runs it as code.`));
          }
        } else if (callee === 'Function') {
          findings.push(at(node, sourceFile, '`Function(...)` builds a function from a string.'));
        }
      } else if (ts.isNewExpression(node) && calleeName(node.expression) === 'Function') {
        findings.push(at(node, sourceFile, '`new Function(...)` builds a function from a string.'));
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
    return findings;
  },
};

function calleeName(expression: ts.Expression): string | undefined {
  if (ts.isIdentifier(expression)) return expression.text;
  if (ts.isPropertyAccessExpression(expression)) {
    const target = expression.expression;
    if (ts.isIdentifier(target) && (target.text === 'window' || target.text === 'globalThis' || target.text === 'global')) {
      return expression.name.text;
    }
  }
  return undefined;
}

function isStringConcat(node: ts.Node): boolean {
  return (
    ts.isBinaryExpression(node) &&
    node.operatorToken.kind === ts.SyntaxKind.PlusToken &&
    (ts.isStringLiteralLike(node.left) || ts.isStringLiteralLike(node.right) || isStringConcat(node.left))
  );
}

function at(node: ts.Node, sourceFile: ts.SourceFile, message: string): RuleFinding {
  return { start: node.getStart(sourceFile), end: node.getEnd(), message };
}
