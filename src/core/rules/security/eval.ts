import { ts } from 'ts-morph';
import type { RuleFinding } from '../../check/findings';
import type { Rule, RuleContext } from '../rule';
import { checkWithVisitor, type SyntaxContext, type SyntaxVisitor } from '../shared-syntax/visitor';
import { pythonEval } from './eval.python';

/**
 * Flags code evaluated from strings: `eval`, `new Function`, string arguments to timers. `Function`
 * given only constant strings cannot run input: it is information, and `Function("return this")`,
 * the pre-`globalThis` way to reach the global object, is not reported. `eval` is always reported:
 * it runs in the caller's scope, and a constant there is rare enough to be worth a look.
 */
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
    'AI assistants reach for it to "parse" data; use `JSON.parse`, a lookup table or a real function instead.\n\n' +
    '`Function` given only constant strings cannot run input; it is reported as information (it still ' +
    'needs `unsafe-eval` under a Content Security Policy), and `Function("return this")`, the old way to ' +
    'reach the global object, is not reported. `eval` is always reported.',
  check: (context: RuleContext): RuleFinding[] => checkWithVisitor(context, evalVisitor),
  visitor: evalVisitor,
  languages: { python: pythonEval },
};

/** The calls and `new` expressions of one file that evaluate strings. */
function evalVisitor({ sourceFile }: SyntaxContext): SyntaxVisitor {
  const findings: RuleFinding[] = [];
  return {
    visit: {
      [ts.SyntaxKind.CallExpression]: (node) => visitCall(node as ts.CallExpression),
      [ts.SyntaxKind.NewExpression]: (node) => visitNew(node as ts.NewExpression),
    },
    end: () => findings,
  };
  function visitCall(node: ts.CallExpression): void {
    const callee = calleeName(node.expression);
    if (callee === 'eval') {
      findings.push(at(node, sourceFile, '`eval` runs a string as code.'));
    } else if ((callee === 'setTimeout' || callee === 'setInterval') && node.arguments.length > 0) {
      const first = node.arguments[0];
      if (ts.isStringLiteralLike(first) || ts.isTemplateExpression(first) || isStringConcat(first)) {
        findings.push(at(node, sourceFile, `\`${callee}\` with a string argument runs it as code.`));
      }
    } else if (callee === 'Function') {
      if (!isGlobalObjectShim(node)) {
        findings.push(constantFinding(node, sourceFile, '`Function(...)`') ?? at(node, sourceFile, '`Function(...)` builds a function from a string.'));
      }
    }
  }
  function visitNew(node: ts.NewExpression): void {
    if (calleeName(node.expression) === 'Function' && !isGlobalObjectShim(node)) {
      findings.push(constantFinding(node, sourceFile, '`new Function(...)`') ?? at(node, sourceFile, '`new Function(...)` builds a function from a string.'));
    }
  }
}

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

/** An information finding when every argument is a constant string, which no input can reach. */
function constantFinding(node: ts.CallExpression | ts.NewExpression, sourceFile: ts.SourceFile, what: string): RuleFinding | undefined {
  const args = node.arguments ?? [];
  if (args.length === 0 || !args.every(isConstantString)) return undefined;
  return {
    ...at(node, sourceFile, `${what} runs a constant string as code: no input reaches it, but it needs \`unsafe-eval\` under a CSP. Write the code directly.`),
    severity: 'info',
  };
}

/** `Function("return this")()`: the global object before `globalThis`, in polyfills and bundles. */
function isGlobalObjectShim(node: ts.CallExpression | ts.NewExpression): boolean {
  const args = node.arguments ?? [];
  return args.length === 1 && ts.isStringLiteralLike(args[0]) && /^\s*return\s+this;?\s*$/.test(args[0].text);
}

function isConstantString(node: ts.Node): boolean {
  if (ts.isStringLiteralLike(node)) return true;
  if (ts.isParenthesizedExpression(node)) return isConstantString(node.expression);
  return ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken && isConstantString(node.left) && isConstantString(node.right);
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
