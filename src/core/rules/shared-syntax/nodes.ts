import { ts } from 'ts-morph';
import type { RuleFinding, TextFix } from '../../check/findings';

/**
 * The expression under parentheses, type assertions (`as`, `<T>`), `satisfies` and `!`: none of them
 * change what value reaches a call, so rules look through them.
 */
export function skipWrappers(expression: ts.Expression): ts.Expression {
  let current = expression;
  for (;;) {
    if (
      ts.isParenthesizedExpression(current) ||
      ts.isAsExpression(current) ||
      ts.isSatisfiesExpression(current) ||
      ts.isNonNullExpression(current) ||
      ts.isTypeAssertionExpression(current)
    ) {
      current = current.expression;
    } else {
      return current;
    }
  }
}

/** The static text of a property name (`a`, `'a'`, `1`, `['a']`), or undefined when it is computed. */
export function propertyNameText(name: ts.PropertyName | ts.BindingName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteralLike(name) || ts.isNumericLiteral(name)) return name.text;
  if (ts.isComputedPropertyName(name)) {
    const expression = skipWrappers(name.expression);
    if (ts.isStringLiteralLike(expression)) return expression.text;
  }
  return undefined;
}

/** The last property of an object literal named `name` (later keys win at run time). */
export function findProperty(objectLiteral: ts.ObjectLiteralExpression, name: string): ts.ObjectLiteralElementLike | undefined {
  let found: ts.ObjectLiteralElementLike | undefined;
  for (const property of objectLiteral.properties) {
    if (property.name !== undefined && propertyNameText(property.name) === name) found = property;
  }
  return found;
}

/** The value written for a property: the initializer, or the identifier of a shorthand `{ name }`. */
export function propertyValue(property: ts.ObjectLiteralElementLike): ts.Expression | undefined {
  if (ts.isPropertyAssignment(property)) return skipWrappers(property.initializer);
  if (ts.isShorthandPropertyAssignment(property)) return property.name;
  return undefined;
}

/** True when the literal spreads another object in (`{ ...defaults }`), so its keys are not all visible. */
export function hasSpread(objectLiteral: ts.ObjectLiteralExpression): boolean {
  return objectLiteral.properties.some((property) => ts.isSpreadAssignment(property));
}

/** The member name of `a.b` or `a['b']`, or undefined for other expressions. */
export function memberName(expression: ts.Expression): string | undefined {
  if (ts.isPropertyAccessExpression(expression)) return expression.name.text;
  if (ts.isElementAccessExpression(expression)) {
    const argument = skipWrappers(expression.argumentExpression);
    if (ts.isStringLiteralLike(argument)) return argument.text;
  }
  return undefined;
}

/** The object of `a.b` or `a['b']`. */
export function memberObject(expression: ts.Expression): ts.Expression | undefined {
  if (ts.isPropertyAccessExpression(expression) || ts.isElementAccessExpression(expression)) {
    return skipWrappers(expression.expression);
  }
  return undefined;
}

/**
 * A value made on its first use. A module-level table of `ts.SyntaxKind`s read when the module loads
 * would load TypeScript for every command (the bundles load it lazily; see scripts/build.mjs), so
 * tables built from `ts` are wrapped in this.
 */
export function onFirstUse<T>(make: () => T): () => T {
  let value: T | undefined;
  let made = false;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value as T;
  };
}

/** Made on first use: TypeScript is loaded only when a file is parsed (see scripts/build.mjs). */
let functionWithBodyKinds: ReadonlySet<ts.SyntaxKind> | undefined;

/** Functions with a body of their own: a new `this`, new parameters, a new place for `return`. */
export function isFunctionWithBody(node: ts.Node): node is ts.FunctionLikeDeclaration {
  functionWithBodyKinds ??= new Set([
    ts.SyntaxKind.FunctionDeclaration,
    ts.SyntaxKind.FunctionExpression,
    ts.SyntaxKind.ArrowFunction,
    ts.SyntaxKind.MethodDeclaration,
    ts.SyntaxKind.Constructor,
    ts.SyntaxKind.GetAccessor,
    ts.SyntaxKind.SetAccessor,
  ]);
  // One set lookup: this runs on every node of a walk.
  return functionWithBodyKinds.has(node.kind);
}

/** True for `false`, `0` and `!1`: the values a config flag is switched off with. */
export function isFalseLiteral(expression: ts.Expression): boolean {
  const value = skipWrappers(expression);
  if (value.kind === ts.SyntaxKind.FalseKeyword) return true;
  if (ts.isNumericLiteral(value)) return Number(value.text) === 0;
  return (
    ts.isPrefixUnaryExpression(value) &&
    value.operator === ts.SyntaxKind.ExclamationToken &&
    ts.isNumericLiteral(value.operand) &&
    Number(value.operand.text) !== 0
  );
}

/** True for `true`, non-zero numbers and `!0`. */
export function isTrueLiteral(expression: ts.Expression): boolean {
  const value = skipWrappers(expression);
  if (value.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (ts.isNumericLiteral(value)) return Number(value.text) !== 0;
  return (
    ts.isPrefixUnaryExpression(value) &&
    value.operator === ts.SyntaxKind.ExclamationToken &&
    ts.isNumericLiteral(value.operand) &&
    Number(value.operand.text) === 0
  );
}

/** A finding spanning `node` (without its leading trivia). */
export function findingAt(node: ts.Node, sourceFile: ts.SourceFile, message: string, fixes?: TextFix[]): RuleFinding {
  const finding: RuleFinding = { start: node.getStart(sourceFile), end: node.getEnd(), message };
  if (fixes !== undefined && fixes.length > 0) finding.fixes = fixes;
  return finding;
}

/** Source text of `node`, shortened to `limit` characters for use in messages. */
export function snippet(node: ts.Node, sourceFile: ts.SourceFile, limit = 40): string {
  const text = node.getText(sourceFile).replace(/\s+/g, ' ');
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

/**
 * A set of syntax kinds made on first use: reading `ts.SyntaxKind` when a module loads would load
 * TypeScript for runs that never parse (a secrets-only check; see scripts/build.mjs).
 */
export function lazyKindSet(kinds: () => readonly ts.SyntaxKind[]): { has(kind: ts.SyntaxKind): boolean } {
  const set = onFirstUse((): ReadonlySet<ts.SyntaxKind> => new Set(kinds()));
  return { has: (kind) => set().has(kind) };
}
