import { ts } from 'ts-morph';
import type { RuleFinding, TextFix } from '../../check/findings';
import type { Rule, RuleContext } from '../rule';
import { checkWithVisitor, type SyntaxContext, type SyntaxVisitor } from '../shared-syntax/visitor';
import { findProperty, isFalseLiteral, isFunctionWithBody, isTrueLiteral, memberName, memberObject, propertyNameText, skipWrappers } from '../shared-syntax/nodes';
import { pythonTlsDisabled } from './tls-disabled.python';
import { TLS_OPTION_NAME, UNVERIFIED_MAKER_NAME } from './tls-options';

const ENV_VARIABLE = 'NODE_TLS_REJECT_UNAUTHORIZED';
/** Keys that mark an object literal as request options, so `insecure: true` there means TLS. */
const REQUEST_KEYS: readonly string[] = ['url', 'uri', 'baseURL', 'baseUrl', 'method', 'headers', 'host', 'hostname'];

const ADVICE = 'For a private CA, pass it with `ca` instead.';

/**
 * Flags TLS certificate checks switched off: `rejectUnauthorized: false` (options literals and
 * assignments), `NODE_TLS_REJECT_UNAUTHORIZED=0` set from code, `strictSSL: false`, `insecure: true` in
 * request options, a `checkServerIdentity` that accepts everything, and superagent's `.disableTLSCerts()`.
 */
export const securityTlsDisabled: Rule = {
  id: 'security/tls-disabled',
  kind: 'syntax',
  defaultSeverity: 'error',
  // Every finding names one of these verbatim (calls, options or the variable).
  textTriggers: ['rejectUnauthorized', 'NODE_TLS_REJECT_UNAUTHORIZED', 'strictSSL', 'insecure', 'checkServerIdentity', 'disableTLSCerts'],
  summary: 'TLS certificate verification disabled',
  rationale:
    'With certificate verification off, TLS still encrypts but no longer proves who is on the other end: ' +
    'anyone on the network path (a hotel Wi-Fi, a compromised proxy, a cloud neighbour) can present any ' +
    'certificate, then read and change the traffic, credentials included. `NODE_TLS_REJECT_UNAUTHORIZED=0` ' +
    'does this for every connection of the process.\n\n' +
    'AI assistants suggest `rejectUnauthorized: false` as the quick way past a certificate error; the ' +
    'error goes away, the protection with it, and the line usually reaches production. Fix the ' +
    'certificate, or trust the private CA explicitly with the `ca` option. Values computed at run time ' +
    '(`rejectUnauthorized: isProd`) are not reported, nor is `false` set in a branch of a condition on a TLS ' +
    'option (`if (opts.strictSSL === false) this.rejectUnauthorized = false`), under a case naming the unverified mode ' +
    "(`case 'no-verify':`), or in a function named for " +
    'making an unverified connection (`createInsecureAgent`): the caller\'s choice passed on.',
  check: (context: RuleContext): RuleFinding[] => checkWithVisitor(context, tlsDisabledVisitor),
  visitor: tlsDisabledVisitor,
  languages: { python: pythonTlsDisabled },
};

/** The options, assignments and calls of one file that may turn certificate checks off. */
function tlsDisabledVisitor({ sourceFile }: SyntaxContext): SyntaxVisitor {
  const findings: RuleFinding[] = [];
  const add = (finding: RuleFinding | undefined): void => {
    if (finding !== undefined) findings.push(finding);
  };
  return {
    visit: {
      [ts.SyntaxKind.PropertyAssignment]: (node) => add(checkProperty(node as ts.PropertyAssignment, sourceFile)),
      [ts.SyntaxKind.BinaryExpression]: (node) => {
        if ((node as ts.BinaryExpression).operatorToken.kind === ts.SyntaxKind.EqualsToken) add(checkAssignment(node as ts.BinaryExpression, sourceFile));
      },
      [ts.SyntaxKind.CallExpression]: (node) => add(checkCall(node as ts.CallExpression, sourceFile)),
    },
    end: () => findings,
  };
}

function checkProperty(property: ts.PropertyAssignment, sourceFile: ts.SourceFile): RuleFinding | undefined {
  const name = propertyNameText(property.name);
  const value = property.initializer;
  switch (name) {
    case 'rejectUnauthorized':
      if (!isFalseLiteral(value) || passesOnTlsOption(property, sourceFile)) return undefined;
      return report(property, sourceFile, disabledMessage('rejectUnauthorized: false'), flip(value, sourceFile, 'rejectUnauthorized'));
    case 'strictSSL':
      if (!isFalseLiteral(value)) return undefined;
      return report(property, sourceFile, disabledMessage('strictSSL: false'), flip(value, sourceFile, 'strictSSL'));
    case 'insecure':
      if (!isTrueLiteral(value) || !ts.isObjectLiteralExpression(property.parent)) return undefined;
      if (!REQUEST_KEYS.some((key) => findProperty(property.parent, key) !== undefined)) return undefined;
      return report(property, sourceFile, `\`insecure: true\` turns off certificate checks for this request. ${ADVICE}`);
    case ENV_VARIABLE:
      if (!isZeroSetting(value)) return undefined;
      return report(property, sourceFile, `\`${ENV_VARIABLE}=0\` turns off certificate checks for every connection of that process. Remove it.`);
    case 'checkServerIdentity':
      if (!acceptsAnyIdentity(value)) return undefined;
      return report(property, sourceFile, '`checkServerIdentity` that returns nothing accepts a certificate for any host name. Remove it or compare the host name.');
    default:
      return undefined;
  }
}

function checkAssignment(assignment: ts.BinaryExpression, sourceFile: ts.SourceFile): RuleFinding | undefined {
  const target = skipWrappers(assignment.left);
  const name = memberName(target);
  if (name === 'rejectUnauthorized' && isFalseLiteral(assignment.right) && !passesOnTlsOption(assignment, sourceFile)) {
    return report(assignment, sourceFile, disabledMessage('rejectUnauthorized = false'), flip(assignment.right, sourceFile, 'rejectUnauthorized'));
  }
  if (name === ENV_VARIABLE && isProcessEnv(memberObject(target)) && isZeroSetting(assignment.right)) {
    const message = `\`process.env.${ENV_VARIABLE} = '0'\` turns off certificate checks for every connection in this process. Remove it. ${ADVICE}`;
    return report(assignment, sourceFile, message);
  }
  return undefined;
}

function checkCall(call: ts.CallExpression, sourceFile: ts.SourceFile): RuleFinding | undefined {
  const callee = skipWrappers(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'disableTLSCerts') return undefined;
  const finding = report(callee.name, sourceFile, `\`.disableTLSCerts()\` turns off certificate checks for this request. ${ADVICE}`);
  return { ...finding, end: call.getEnd() };
}

/**
 * In a function named for building an unverified connection (`createInsecureAgent`), in
 * `if (self.strictSSL === false) self.rejectUnauthorized = false` (request 2), or under
 * `case 'no-verify':` (pg's `PGSSLMODE`): a library passing on its caller's own TLS option, a value
 * decided at run time like `rejectUnauthorized: opts.verify`. Only a branch (then or else) of a
 * condition on such an option, or a case that names the unverified mode, counts; `if (url) … = false`
 * still turns the checks off.
 */
function passesOnTlsOption(setting: ts.Node, sourceFile: ts.SourceFile): boolean {
  for (let node: ts.Node = setting.parent; !ts.isSourceFile(node); node = node.parent) {
    if (isFunctionWithBody(node)) {
      const name = node.name !== undefined && (ts.isIdentifier(node.name) || ts.isPrivateIdentifier(node.name)) ? node.name.text : undefined;
      if (name !== undefined && UNVERIFIED_MAKER_NAME.test(name)) return true;
      break;
    }
  }
  // From `x.rejectUnauthorized = false` or `{ rejectUnauthorized: false }` out to its statement.
  let statement: ts.Node = setting.parent;
  while (ts.isObjectLiteralExpression(statement) || ts.isPropertyAssignment(statement) || ts.isParenthesizedExpression(statement) || (ts.isBinaryExpression(statement) && statement.operatorToken.kind === ts.SyntaxKind.EqualsToken)) {
    statement = statement.parent;
  }
  if (!ts.isExpressionStatement(statement) && !ts.isReturnStatement(statement)) return false;
  if (ts.isBlock(statement.parent)) statement = statement.parent;
  const parent = statement.parent;
  if (ts.isCaseClause(parent)) {
    const label = skipWrappers(parent.expression);
    return (ts.isStringLiteralLike(label) && UNVERIFIED_MAKER_NAME.test(label.text.replace(/-/g, '_'))) || TLS_OPTION_NAME.test(parent.parent.parent.expression.getText(sourceFile));
  }
  return ts.isIfStatement(parent) && (parent.thenStatement === statement || parent.elseStatement === statement) && TLS_OPTION_NAME.test(parent.expression.getText(sourceFile));
}

/** `'0'` or `0`: Node disables verification only for the string "0", which a number becomes in env. */
function isZeroSetting(expression: ts.Expression): boolean {
  const value = skipWrappers(expression);
  return (ts.isStringLiteralLike(value) || ts.isNumericLiteral(value)) && value.text === '0';
}

function isProcessEnv(expression: ts.Expression | undefined): boolean {
  if (expression === undefined || memberName(expression) !== 'env') return false;
  const object = memberObject(expression);
  return object !== undefined && ts.isIdentifier(object) && object.text === 'process';
}

/** `() => undefined`, `() => {}` and the like: no error returned means every host name passes. */
function acceptsAnyIdentity(expression: ts.Expression): boolean {
  const value = skipWrappers(expression);
  if (!isFunctionWithBody(value) || value.body === undefined) return false;
  const body = value.body;
  if (!ts.isBlock(body)) {
    const result = skipWrappers(body);
    return (ts.isIdentifier(result) && result.text === 'undefined') || result.kind === ts.SyntaxKind.NullKeyword;
  }
  return body.statements.every((statement) => ts.isEmptyStatement(statement) || (ts.isReturnStatement(statement) && isNothing(statement.expression)));
}

function isNothing(expression: ts.Expression | undefined): boolean {
  if (expression === undefined) return true;
  const value = skipWrappers(expression);
  return (ts.isIdentifier(value) && value.text === 'undefined') || value.kind === ts.SyntaxKind.NullKeyword;
}

function disabledMessage(setting: string): string {
  return `\`${setting}\` turns off certificate checks: anyone on the network path can read and change this traffic. ${ADVICE}`;
}

function flip(value: ts.Expression, sourceFile: ts.SourceFile, option: string): TextFix {
  return {
    title: `Verify certificates (${option}: true)`,
    edits: [{ start: value.getStart(sourceFile), end: value.getEnd(), newText: 'true' }],
    preferred: true,
  };
}

function report(node: ts.Node, sourceFile: ts.SourceFile, message: string, fix?: TextFix): RuleFinding {
  const finding: RuleFinding = { start: node.getStart(sourceFile), end: node.getEnd(), message };
  if (fix !== undefined) finding.fixes = [fix];
  return finding;
}
