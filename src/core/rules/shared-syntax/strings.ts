import { ts } from 'ts-morph';
import type { FileBindings } from './bindings';
import { skipWrappers, snippet } from './nodes';

/** How a string value was put together, as far as the file shows. */
export type StringForm = 'literal' | 'template' | 'concatenation' | 'variable' | 'tagged' | 'other';

/** A string expression split into the text the file fixes and the parts it does not. */
export interface StringComposition {
  /** The constant text, each unknown part replaced by `?`. */
  readonly text: string;
  /** Parts whose value the file does not fix (parameters, calls, `let` variables…). */
  readonly dynamicParts: readonly ts.Expression[];
  /** The outermost form, after following `const` names. */
  readonly form: StringForm;
  /** True when the value came through a `const` name (`const sql = \`…\`; query(sql)`). */
  readonly viaConstant: boolean;
}

/** Decides that a non-constant part is harmless anyway (an escaping call, generated placeholders). */
export type SafePartTest = (part: ts.Expression) => boolean;

/** Caps `const` chains and nesting so pathological input stays cheap. */
const MAX_DEPTH = 12;

/**
 * Splits a string-valued expression into constant text and unknown parts, following `const` names,
 * template substitutions, `+` and ternaries whose branches are both constant. Tagged templates
 * (`sql\`…${x}\``) count as constant: the tag receives the values separately.
 */
export function composeString(expression: ts.Expression, bindings: FileBindings, isSafePart: SafePartTest = () => false): StringComposition {
  return compose(expression, bindings, isSafePart, 0);
}

function compose(expression: ts.Expression, bindings: FileBindings, isSafePart: SafePartTest, depth: number): StringComposition {
  const value = skipWrappers(expression);
  if (depth > MAX_DEPTH) return unknown(value, 'other');
  if (ts.isStringLiteralLike(value) || ts.isNumericLiteral(value)) {
    return { text: value.text, dynamicParts: [], form: 'literal', viaConstant: false };
  }
  if (ts.isTaggedTemplateExpression(value)) return { text: '', dynamicParts: [], form: 'tagged', viaConstant: false };
  if (ts.isTemplateExpression(value)) {
    let text = value.head.text;
    const dynamicParts: ts.Expression[] = [];
    for (const span of value.templateSpans) {
      const part = compose(span.expression, bindings, isSafePart, depth + 1);
      text += part.text + span.literal.text;
      dynamicParts.push(...part.dynamicParts);
    }
    return { text, dynamicParts, form: 'template', viaConstant: false };
  }
  if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = compose(value.left, bindings, isSafePart, depth + 1);
    const right = compose(value.right, bindings, isSafePart, depth + 1);
    return { text: left.text + right.text, dynamicParts: [...left.dynamicParts, ...right.dynamicParts], form: 'concatenation', viaConstant: false };
  }
  if (ts.isConditionalExpression(value)) {
    const whenTrue = compose(value.whenTrue, bindings, isSafePart, depth + 1);
    const whenFalse = compose(value.whenFalse, bindings, isSafePart, depth + 1);
    if (whenTrue.dynamicParts.length === 0 && whenFalse.dynamicParts.length === 0) {
      return { text: whenTrue.text, dynamicParts: [], form: 'literal', viaConstant: false };
    }
  }
  if (ts.isBinaryExpression(value) && isChoiceOperator(value.operatorToken.kind)) {
    // `a || b` and `a ?? b` give a or b; `a && b` gives b, or a when a is falsy (false, 0, '', null,
    // undefined, NaN), whose text carries nothing in.
    const right = compose(value.right, bindings, isSafePart, depth + 1);
    const leftConstant = value.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken || compose(value.left, bindings, isSafePart, depth + 1).dynamicParts.length === 0;
    if (leftConstant && right.dynamicParts.length === 0) return { text: right.text, dynamicParts: [], form: 'literal', viaConstant: false };
  }
  if (isSafePart(value)) return { text: '?', dynamicParts: [], form: 'other', viaConstant: false };
  if (ts.isCallExpression(value) && isPathJoin(value, bindings)) {
    // `join('node_modules', '.bin', isWindows ? 'x.cmd' : 'x')`: constant parts join into a constant.
    const parts = value.arguments.map((argument) => (ts.isSpreadElement(argument) ? unknown(argument, 'other') : compose(argument, bindings, isSafePart, depth + 1)));
    if (parts.length > 0 && parts.every((part) => part.dynamicParts.length === 0)) {
      return { text: parts.map((part) => part.text).join('/'), dynamicParts: [], form: 'literal', viaConstant: false };
    }
  }
  if (ts.isIdentifier(value)) {
    const binding = bindings.resolve(value);
    if (binding?.kind === 'const' && binding.initializer !== undefined) {
      const resolved = compose(binding.initializer, bindings, isSafePart, depth + 1);
      return { ...resolved, viaConstant: true };
    }
    return unknown(value, 'variable');
  }
  return unknown(value, 'other');
}

/**
 * `path.join(…)` or `join` from `node:path`: its result is fixed by its arguments alone (unlike
 * `resolve`, which starts from the working folder).
 */
function isPathJoin(call: ts.CallExpression, bindings: FileBindings): boolean {
  const reference = bindings.moduleOf(call.expression);
  return reference?.module === 'path' && reference.member === 'join';
}

/** `||`, `??`, `&&` (a function, not a table: `ts` loads on first use, not when this module does). */
function isChoiceOperator(kind: ts.SyntaxKind): boolean {
  return kind === ts.SyntaxKind.BarBarToken || kind === ts.SyntaxKind.QuestionQuestionToken || kind === ts.SyntaxKind.AmpersandAmpersandToken;
}

function unknown(part: ts.Expression, form: StringForm): StringComposition {
  return { text: '?', dynamicParts: [part], form, viaConstant: false };
}

/** The last name in a callee (`escape` for `mysql.escape`, `quote` for `quote`), for sanitizer checks. */
export function calleeLastName(call: ts.CallExpression): string | undefined {
  const callee = skipWrappers(call.expression);
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return undefined;
}

/** How a non-constant string was built, for messages: "a template with `${…}` (through `sql`)". */
export function describeComposition(composition: StringComposition, argument: ts.Expression, sourceFile: ts.SourceFile): string {
  const via = composition.viaConstant ? ` (through \`${snippet(argument, sourceFile)}\`)` : '';
  switch (composition.form) {
    case 'template':
      return `a template with \`\${…}\`${via}`;
    case 'concatenation':
      return `string concatenation${via}`;
    case 'variable':
      return `a variable (\`${snippet(composition.dynamicParts[0], sourceFile)}\`)`;
    default:
      return `a non-constant value (\`${snippet(composition.dynamicParts[0], sourceFile)}\`)`;
  }
}
