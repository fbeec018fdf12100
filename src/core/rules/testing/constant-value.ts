import { ts } from 'ts-morph';
import type { FileBindings } from '../shared-syntax/bindings';
import { lazyKindSet, skipWrappers } from '../shared-syntax/nodes';

/** Caps `const` chains and nesting so pathological input stays cheap. */
const MAX_DEPTH = 12;

/** Globals whose value no code can change in a test (`undefined = 1` is a no-op outside sloppy-mode tricks). */
const CONSTANT_GLOBALS: ReadonlySet<string> = new Set(['undefined', 'NaN', 'Infinity']);

/** Operators whose result depends on more than their operands' values, or that write. */
const NON_CONSTANT_OPERATORS = lazyKindSet(() => [ts.SyntaxKind.InKeyword, ts.SyntaxKind.InstanceOfKeyword, ts.SyntaxKind.CommaToken]);

/**
 * True when `expression` has the same value on every run whatever the code under test does: literals,
 * `undefined`, templates, arithmetic and logic of those (`1 + 0`, `!0`), array and object literals of
 * them, and `const` names bound to such a primitive value (`const one = 1`). Calls, `let` names,
 * imports and parameters are not constant. A `const` bound to an array or object is not followed: the
 * test may mutate it before asserting.
 */
export function isConstantValue(expression: ts.Expression, bindings: FileBindings, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false;
  const value = skipWrappers(expression);
  const next = depth + 1;
  switch (value.kind) {
    case ts.SyntaxKind.StringLiteral:
    case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
    case ts.SyntaxKind.NumericLiteral:
    case ts.SyntaxKind.BigIntLiteral:
    case ts.SyntaxKind.RegularExpressionLiteral:
    case ts.SyntaxKind.TrueKeyword:
    case ts.SyntaxKind.FalseKeyword:
    case ts.SyntaxKind.NullKeyword:
      return true;
    case ts.SyntaxKind.Identifier:
      return isConstantName(value as ts.Identifier, bindings, next);
    case ts.SyntaxKind.TemplateExpression:
      return (value as ts.TemplateExpression).templateSpans.every((span) => isConstantValue(span.expression, bindings, next));
    case ts.SyntaxKind.PrefixUnaryExpression: {
      const unary = value as ts.PrefixUnaryExpression;
      const writes = unary.operator === ts.SyntaxKind.PlusPlusToken || unary.operator === ts.SyntaxKind.MinusMinusToken;
      return !writes && isConstantValue(unary.operand, bindings, next);
    }
    case ts.SyntaxKind.TypeOfExpression:
      return isConstantValue((value as ts.TypeOfExpression).expression, bindings, next);
    case ts.SyntaxKind.VoidExpression:
      return isConstantValue((value as ts.VoidExpression).expression, bindings, next);
    case ts.SyntaxKind.BinaryExpression: {
      const binary = value as ts.BinaryExpression;
      const operator = binary.operatorToken.kind;
      const assigns = operator >= ts.SyntaxKind.FirstAssignment && operator <= ts.SyntaxKind.LastAssignment;
      if (assigns || NON_CONSTANT_OPERATORS.has(operator)) return false;
      return isConstantValue(binary.left, bindings, next) && isConstantValue(binary.right, bindings, next);
    }
    case ts.SyntaxKind.ConditionalExpression: {
      const conditional = value as ts.ConditionalExpression;
      return [conditional.condition, conditional.whenTrue, conditional.whenFalse].every((part) => isConstantValue(part, bindings, next));
    }
    case ts.SyntaxKind.ArrayLiteralExpression:
      return (value as ts.ArrayLiteralExpression).elements.every(
        (element) => !ts.isSpreadElement(element) && (ts.isOmittedExpression(element) || isConstantValue(element, bindings, next)),
      );
    case ts.SyntaxKind.ObjectLiteralExpression:
      return (value as ts.ObjectLiteralExpression).properties.every(
        (property) =>
          ts.isPropertyAssignment(property) &&
          (!ts.isComputedPropertyName(property.name) || isConstantValue(property.name.expression, bindings, next)) &&
          isConstantValue(property.initializer, bindings, next),
      );
    default:
      return false;
  }
}

function isConstantName(identifier: ts.Identifier, bindings: FileBindings, depth: number): boolean {
  const binding = bindings.resolve(identifier);
  if (binding === undefined) return CONSTANT_GLOBALS.has(identifier.text);
  if (binding.kind !== 'const' || binding.initializer === undefined) return false;
  const initializer = skipWrappers(binding.initializer);
  if (ts.isArrayLiteralExpression(initializer) || ts.isObjectLiteralExpression(initializer)) return false;
  return isConstantValue(initializer, bindings, depth);
}

/**
 * True when evaluating `expression` twice gives the same value with nothing run in between: names,
 * `this`, literals and member reads with a literal key (`a.b`, `a[0]`). Calls are not (`next()` twice
 * differs).
 */
export function isPlainReference(expression: ts.Expression): boolean {
  const value = skipWrappers(expression);
  if (ts.isIdentifier(value) || value.kind === ts.SyntaxKind.ThisKeyword) return true;
  if (ts.isPropertyAccessExpression(value)) return isPlainReference(value.expression);
  if (ts.isElementAccessExpression(value)) {
    const key = skipWrappers(value.argumentExpression);
    return (ts.isStringLiteralLike(key) || ts.isNumericLiteral(key)) && isPlainReference(value.expression);
  }
  return false;
}

/** The source text of `expression` without wrappers and whitespace, for comparing two expressions. */
export function normalizedText(expression: ts.Expression, sourceFile: ts.SourceFile): string {
  return skipWrappers(expression).getText(sourceFile).replace(/\s+/g, '');
}

/** A constant's value as the program would compute it; `undefined` as a result means "not known". */
export interface Known {
  readonly value: unknown;
}

/**
 * The value of a constant expression ({@link isConstantValue}), computed with JavaScript's own
 * operators, or undefined when it is not constant or not worth computing (regular expressions are
 * never built from a repository's text; an operation that throws, like mixing BigInt and number, is
 * unknown).
 */
export function constantValue(expression: ts.Expression, bindings: FileBindings, depth = 0): Known | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const value = skipWrappers(expression);
  const next = depth + 1;
  const of = (part: ts.Expression): Known | undefined => constantValue(part, bindings, next);
  try {
    if (ts.isStringLiteralLike(value)) return { value: value.text };
    if (ts.isNumericLiteral(value)) return { value: Number(value.text.replace(/_/g, '')) };
    if (ts.isBigIntLiteral(value)) return { value: BigInt(value.text.slice(0, -1).replace(/_/g, '')) };
    switch (value.kind) {
      case ts.SyntaxKind.TrueKeyword:
        return { value: true };
      case ts.SyntaxKind.FalseKeyword:
        return { value: false };
      case ts.SyntaxKind.NullKeyword:
        return { value: null };
    }
    if (ts.isIdentifier(value)) {
      const binding = bindings.resolve(value);
      if (binding === undefined) {
        const globals: Record<string, unknown> = { undefined, NaN, Infinity };
        return value.text in globals ? { value: globals[value.text] } : undefined;
      }
      if (!isConstantName(value, bindings, next) || binding.initializer === undefined) return undefined;
      return of(binding.initializer);
    }
    if (ts.isTemplateExpression(value)) {
      let text = value.head.text;
      for (const span of value.templateSpans) {
        const part = of(span.expression);
        if (part === undefined) return undefined;
        text += String(part.value) + span.literal.text;
      }
      return { value: text };
    }
    if (ts.isPrefixUnaryExpression(value)) {
      const operand = of(value.operand);
      if (operand === undefined) return undefined;
      const v = operand.value as number;
      switch (value.operator) {
        case ts.SyntaxKind.MinusToken:
          return { value: -v };
        case ts.SyntaxKind.PlusToken:
          return { value: +v };
        case ts.SyntaxKind.ExclamationToken:
          return { value: !v };
        case ts.SyntaxKind.TildeToken:
          return { value: ~v };
      }
      return undefined;
    }
    if (ts.isTypeOfExpression(value)) {
      const operand = of(value.expression);
      return operand === undefined ? undefined : { value: typeof operand.value };
    }
    if (ts.isVoidExpression(value)) return of(value.expression) === undefined ? undefined : { value: undefined };
    if (ts.isBinaryExpression(value)) return binaryValue(value, of);
    if (ts.isConditionalExpression(value)) {
      const condition = of(value.condition);
      return condition === undefined ? undefined : of(condition.value ? value.whenTrue : value.whenFalse);
    }
    if (ts.isArrayLiteralExpression(value)) {
      const items: unknown[] = [];
      for (const element of value.elements) {
        if (ts.isSpreadElement(element) || ts.isOmittedExpression(element)) return undefined;
        const item = of(element);
        if (item === undefined) return undefined;
        items.push(item.value);
      }
      return { value: items };
    }
    if (ts.isObjectLiteralExpression(value)) {
      const object: Record<string, unknown> = {};
      for (const property of value.properties) {
        if (!ts.isPropertyAssignment(property) || ts.isComputedPropertyName(property.name) || ts.isPrivateIdentifier(property.name)) return undefined;
        const item = of(property.initializer);
        if (item === undefined) return undefined;
        Object.defineProperty(object, property.name.text, { value: item.value, enumerable: true, writable: true, configurable: true });
      }
      return { value: object };
    }
  } catch {
    // An operation JavaScript refuses (BigInt mixed with number) has no known value here.
    return undefined;
  }
  return undefined;
}

function binaryValue(binary: ts.BinaryExpression, of: (part: ts.Expression) => Known | undefined): Known | undefined {
  const left = of(binary.left);
  const right = of(binary.right);
  if (left === undefined || right === undefined) return undefined;
  // Operands typed loosely on purpose: the operators below are JavaScript's, coercions included.
  const a = left.value as number;
  const b = right.value as number;
  switch (binary.operatorToken.kind) {
    case ts.SyntaxKind.PlusToken:
      return { value: a + b };
    case ts.SyntaxKind.MinusToken:
      return { value: a - b };
    case ts.SyntaxKind.AsteriskToken:
      return { value: a * b };
    case ts.SyntaxKind.SlashToken:
      return { value: a / b };
    case ts.SyntaxKind.PercentToken:
      return { value: a % b };
    case ts.SyntaxKind.EqualsEqualsEqualsToken:
      return { value: a === b };
    case ts.SyntaxKind.ExclamationEqualsEqualsToken:
      return { value: a !== b };
    case ts.SyntaxKind.EqualsEqualsToken:
      return { value: a == b };
    case ts.SyntaxKind.ExclamationEqualsToken:
      return { value: a != b };
    case ts.SyntaxKind.LessThanToken:
      return { value: a < b };
    case ts.SyntaxKind.GreaterThanToken:
      return { value: a > b };
    case ts.SyntaxKind.LessThanEqualsToken:
      return { value: a <= b };
    case ts.SyntaxKind.GreaterThanEqualsToken:
      return { value: a >= b };
    case ts.SyntaxKind.AmpersandAmpersandToken:
      return { value: a && b };
    case ts.SyntaxKind.BarBarToken:
      return { value: a || b };
    case ts.SyntaxKind.QuestionQuestionToken:
      return { value: a ?? b };
  }
  return undefined;
}
