import type { Node } from 'web-tree-sitter';
import { enclosingScope, namedChildrenOf, ownNodesOfType, unparenthesize } from './nodes';

/**
 * How a Python string value is made: written out (`literal`), or built with an f-string, `%`
 * formatting, `+` or `str.format`; `variable` for a name whose value the file does not show (a
 * parameter, a global from elsewhere), `other` for any other expression (a call, a subscript).
 */
export type PythonStringForm = 'literal' | 'f-string' | 'percent' | 'concatenation' | 'format' | 'variable' | 'other';

/** What a string expression is built from. */
export interface PythonComposition {
  readonly form: PythonStringForm;
  /** The constant text, with `?` where a value goes in (to test the text's shape: SQL or not). */
  readonly text: string;
  /** The code of each value put in that is not known safe (`user_id`, `request.args["q"]`). */
  readonly dynamicParts: string[];
}

const CONSTANT_NAME = /^[A-Z][A-Z0-9_]*$/;

/** How deep an expression is taken apart (a guard against stack overflow on generated code). */
const MAX_NESTING = 200;

/** How many assignments are followed from a name to its value (`q = base + x; sql = q`). */
const MAX_DEPTH = 4;

/**
 * What `node` is built from. Names are followed to their last assignment before the use in the same
 * function (or module); `isSafePart` says which inserted values cannot carry code (an escaping call,
 * a number conversion). `%` formatting counts only on a literal format string: `execute("… %s", (x,))`
 * passes the values separately and is no composition at all.
 */
export function composePythonString(node: Node, isSafePart: (part: Node) => boolean = () => false, depth = 0, nesting = 0): PythonComposition {
  const value = unparenthesize(node);
  // `"a" + "b" + … ` thousands deep: past this many levels the value is taken as unknown, not recursed into.
  if (nesting > MAX_NESTING) return other(value);
  switch (value.type) {
    case 'string':
      return composeStringLiteral(value, isSafePart, depth);
    case 'concatenated_string':
      return combine(namedChildrenOf(value).filter((child) => child.type === 'string').map((child) => composeStringLiteral(child, isSafePart, depth)), 'literal');
    case 'binary_operator': {
      const operator = value.childForFieldName('operator')?.text;
      const left = value.childForFieldName('left');
      const right = value.childForFieldName('right');
      if (left === null || right === null) return other(value);
      if (operator === '%') {
        const format = composePythonString(left, isSafePart, depth, nesting + 1);
        if (format.form !== 'literal') return other(value);
        const values = right.type === 'tuple' ? namedChildrenOf(right) : [right];
        const dynamicParts = values.filter((part) => part.type !== 'comment' && !isConstantPart(part, isSafePart, depth)).map((part) => part.text);
        return { form: 'percent', text: format.text.replace(/%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]/g, '?'), dynamicParts };
      }
      if (operator === '+') {
        const parts = [composePythonString(left, isSafePart, depth, nesting + 1), composePythonString(right, isSafePart, depth, nesting + 1)];
        // Numbers add too: a `+` is string building only when one side is known to be a string.
        if (!parts.some((part) => part.form !== 'variable' && part.form !== 'other')) return other(value);
        return combine(parts, 'concatenation');
      }
      return other(value);
    }
    case 'call': {
      const callee = value.childForFieldName('function');
      if (callee?.type === 'attribute' && callee.childForFieldName('attribute')?.text === 'format') {
        const object = callee.childForFieldName('object');
        const format = object !== null ? composePythonString(object, isSafePart, depth, nesting + 1) : undefined;
        if (format?.form === 'literal') {
          const list = value.childForFieldName('arguments');
          const args = list !== null ? namedChildrenOf(list).filter((child) => child.type !== 'comment') : [];
          const dynamicParts = args
            .map((argument) => (argument.type === 'keyword_argument' ? (argument.childForFieldName('value') ?? argument) : argument))
            .filter((part) => !isConstantPart(part, isSafePart, depth))
            .map((part) => part.text);
          return { form: 'format', text: format.text.replace(/\{[^{}]*\}/g, '?'), dynamicParts };
        }
      }
      return other(value);
    }
    case 'identifier': {
      if (depth >= MAX_DEPTH) return { form: 'variable', text: '?', dynamicParts: [value.text] };
      const assigned = lastAssignment(value);
      // An UPPER_CASE name bound elsewhere (imported, a global set at start-up) is a constant by convention.
      if (assigned === undefined && CONSTANT_NAME.test(value.text)) return { form: 'literal', text: '?', dynamicParts: [] };
      if (assigned === undefined) return loopOverConstants(value, isSafePart, depth) ?? { form: 'variable', text: '?', dynamicParts: [value.text] };
      const composed = composePythonString(assigned.value, isSafePart, depth + 1, nesting + 1);
      if (assigned.augmented.length === 0) return composed;
      const added = assigned.augmented.map((part) => composePythonString(part, isSafePart, depth + 1, nesting + 1));
      return combine([composed, ...added], 'concatenation');
    }
    default:
      // `a and "x" or "y"`, `"p" if c else "t"`, `{"t": quote(t)}`: constants chosen or gathered.
      return isConstantPart(value, isSafePart, depth) ? { form: 'literal', text: '?', dynamicParts: [] } : other(value);
  }
}

/** True when a composition puts a value the file does not fix into the text. */
export function isBuilt(composition: PythonComposition): boolean {
  return composition.dynamicParts.length > 0 && composition.form !== 'variable' && composition.form !== 'other';
}

/** "an f-string with `user_id`": how a finding names what a string is built from. */
export function describePythonComposition(composition: PythonComposition): string {
  const parts = composition.dynamicParts.slice(0, 3).map((part) => `\`${part.replace(/\s+/g, ' ').slice(0, 40)}\``).join(', ');
  switch (composition.form) {
    case 'f-string':
      return `an f-string with ${parts}`;
    case 'percent':
      return `\`%\` formatting with ${parts}`;
    case 'concatenation':
      return `\`+\` with ${parts}`;
    case 'format':
      return `\`.format()\` with ${parts}`;
    case 'variable':
      return `the variable ${parts}, whose value this file does not fix`;
    default:
      return parts;
  }
}

function composeStringLiteral(node: Node, isSafePart: (part: Node) => boolean, depth: number): PythonComposition {
  const interpolations = namedChildrenOf(node).filter((child) => child.type === 'interpolation');
  const content = namedChildrenOf(node)
    .map((child) => (child.type === 'interpolation' ? '?' : child.type === 'string_content' || child.type === 'escape_sequence' ? child.text : ''))
    .join('');
  if (interpolations.length === 0) return { form: 'literal', text: content, dynamicParts: [] };
  const dynamicParts = interpolations
    .map((interpolation) => interpolation.childForFieldName('expression') ?? interpolation)
    .filter((part) => !isConstantPart(part, isSafePart, depth))
    .map((part) => part.text);
  return { form: 'f-string', text: content, dynamicParts };
}

/** Parts of one composition, as one: the strongest form wins (a built part makes the whole built). */
function combine(parts: PythonComposition[], form: PythonStringForm): PythonComposition {
  const built = parts.find((part) => part.form === 'f-string' || part.form === 'percent' || part.form === 'format');
  const dynamicParts = parts.flatMap((part) => part.dynamicParts);
  const text = parts.map((part) => part.text).join('');
  if (dynamicParts.length === 0) return { form: 'literal', text, dynamicParts };
  if (form === 'literal') return { form: built?.form ?? 'f-string', text, dynamicParts };
  return { form, text, dynamicParts };
}

function other(node: Node): PythonComposition {
  return { form: 'other', text: '?', dynamicParts: [node.text] };
}

/** A value that cannot change the text's meaning: a constant, a number, or what `isSafePart` accepts. */
function isConstantPart(part: Node, isSafePart: (part: Node) => boolean, depth: number): boolean {
  const value = unparenthesize(part);
  if (value.type === 'integer' || value.type === 'float' || value.type === 'true' || value.type === 'false' || value.type === 'none') return true;
  if (isSafePart(value)) return true;
  if (depth > MAX_NESTING) return false;
  const constant = (node: Node | null): boolean => node !== null && isConstantPart(node, isSafePart, depth + 1);
  switch (value.type) {
    // `"%(table)s" % {"table": quote_name(t)}`: a mapping of constant values puts in only constants.
    case 'dictionary':
      return namedChildrenOf(value).every((pair) => pair.type === 'comment' || (pair.type === 'pair' && constant(pair.childForFieldName('value'))));
    // `"p" if partitioned else "t"`: one of two constants.
    case 'conditional_expression': {
      const [chosen, , otherwise] = namedChildrenOf(value).filter((child) => child.type !== 'comment');
      return chosen !== undefined && otherwise !== undefined && constant(chosen) && constant(otherwise);
    }
    // `new and "typarray" or "NULL"` (psycopg2): `a or b` gives a or b; `a and b` gives b, or a when a
    // is falsy (False, None, 0, "", an empty container), whose text carries nothing in.
    case 'boolean_operator': {
      const operator = value.childForFieldName('operator')?.text;
      const right = value.childForFieldName('right');
      if (operator === 'and') return constant(right);
      return operator === 'or' && constant(value.childForFieldName('left')) && constant(right);
    }
    case 'call':
      // `"'{0}'".format(quoted)`: a format call of constants is itself one.
      return isJoinOfConstants(value, constant) || (value.childForFieldName('function')?.childForFieldName('attribute')?.text === 'format' && composePythonString(value, isSafePart, depth + 1).dynamicParts.length === 0);
  }
  if (value.type === 'string' || value.type === 'concatenated_string' || value.type === 'identifier') {
    if (depth >= MAX_DEPTH && value.type === 'identifier') return CONSTANT_NAME.test(value.text);
    return composePythonString(value, isSafePart, depth + 1).dynamicParts.length === 0;
  }
  return false;
}

/** `", ".join(quote_name(c) for c in columns)`, `" AND ".join(["a = %s", "b = %s"])`: a constant separator between constants. */
function isJoinOfConstants(call: Node, constant: (node: Node | null) => boolean): boolean {
  const callee = call.childForFieldName('function');
  if (callee?.type !== 'attribute' || callee.childForFieldName('attribute')?.text !== 'join' || !constant(callee.childForFieldName('object'))) return false;
  const list = call.childForFieldName('arguments');
  // `f(x for x in xs)`: a lone generator is the call's arguments node itself.
  const args = list === null ? [] : list.type === 'generator_expression' ? [list] : namedChildrenOf(list).filter((child) => child.type !== 'comment');
  if (args.length !== 1) return false;
  const items = unparenthesize(args[0]!);
  if (items.type === 'generator_expression' || items.type === 'list_comprehension') {
    return constant(items.childForFieldName('body'));
  }
  if (items.type === 'list' || items.type === 'tuple') return namedChildrenOf(items).every((item) => item.type === 'comment' || constant(item));
  return false;
}

/**
 * The value of the last `name = …` before `use` in the same scope, with the `name += …` after it;
 * undefined when there is none (a parameter, a loop variable, a global) or when the name is also
 * bound some other way there (`for name in …`, `with … as name`, tuple unpacking).
 */
function lastAssignment(use: Node): { value: Node; augmented: Node[] } | undefined {
  const name = use.text;
  if (isComprehensionVariable(use)) return undefined;
  const scope = enclosingScope(use);
  let value: Node | undefined;
  let assignedAt = -1;
  for (const assignment of ownNodesOfType(scope, 'assignment')) {
    if (assignment.startIndex >= use.startIndex) break;
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    if (left?.type === 'identifier' && left.text === name && right !== null && use.startIndex >= assignment.endIndex) {
      value = right;
      assignedAt = assignment.startIndex;
    }
  }
  if (value === undefined) return undefined;
  const augmented: Node[] = [];
  for (const assignment of ownNodesOfType(scope, 'augmented_assignment')) {
    if (assignment.startIndex <= assignedAt || assignment.startIndex >= use.startIndex) continue;
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    if (left?.type === 'identifier' && left.text === name && right !== null && assignment.childForFieldName('operator')?.text === '+=') augmented.push(right);
  }
  return { value, augmented };
}

const COMPREHENSIONS: ReadonlySet<string> = new Set(['generator_expression', 'list_comprehension', 'set_comprehension', 'dictionary_comprehension']);

/** `x` in `(x for x in names)`: each item in turn, never an `x = …` of the function around it. */
function isComprehensionVariable(use: Node): boolean {
  for (let current = use.parent; current !== null; current = current.parent) {
    if (current.type === 'function_definition' || current.type === 'lambda' || current.type === 'module') return false;
    if (!COMPREHENSIONS.has(current.type)) continue;
    for (const clause of namedChildrenOf(current)) {
      if (clause.type !== 'for_in_clause') continue;
      const left = clause.childForFieldName('left');
      if (left !== null && ownIdentifiers(left).includes(use.text)) return true;
    }
  }
  return false;
}

/** The names a target binds: `x`, `(k, v)`, `[a, (b, c)]`. */
function ownIdentifiers(target: Node): string[] {
  if (target.type === 'identifier') return [target.text];
  return namedChildrenOf(target).flatMap((child) => ownIdentifiers(child));
}

/** `for cmd in ("ver", "cmd /c ver"):`: a loop variable over constant strings is a constant too. */
function loopOverConstants(use: Node, isSafePart: (part: Node) => boolean, depth: number): PythonComposition | undefined {
  for (let current = use.parent; current !== null; current = current.parent) {
    if (current.type === 'function_definition' || current.type === 'module') return undefined;
    if (current.type !== 'for_statement' || current.childForFieldName('left')?.text !== use.text) continue;
    const right = current.childForFieldName('right');
    if (right === null || (right.type !== 'tuple' && right.type !== 'list')) return undefined;
    const items = namedChildrenOf(right).map((item) => composePythonString(item, isSafePart, depth + 1));
    return items.every((item) => item.form === 'literal') ? { form: 'literal', text: items[0]?.text ?? '', dynamicParts: [] } : undefined;
  }
  return undefined;
}

/** The value of the last plain assignment to the name `use` before it in the same scope, if any. */
export function assignedValue(use: Node): Node | undefined {
  return use.type === 'identifier' ? lastAssignment(use)?.value : undefined;
}
