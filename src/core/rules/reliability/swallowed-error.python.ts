import type { Node } from 'web-tree-sitter';
import type { RuleFinding } from '../../check/findings';
import type { LanguageCheck, LanguageRuleContext } from '../rule';
import { callArguments, caughtExceptions, namedChildrenOf, nodesOfType, ownNodesOfType, PythonNames, pythonRoot } from '../shared-python/nodes';
import { explainsIgnore, explainsIgnoreAbove } from './ignore-reason';

const ADVICE = 'Log it, re-raise it, or catch only the exceptions you expect.';
/** Exception classes that catch (nearly) everything. */
const BROAD_EXCEPTIONS: ReadonlySet<string> = new Set(['Exception', 'BaseException', 'builtins.Exception', 'builtins.BaseException']);

/**
 * `reliability/swallowed-error` for Python: an `except` that catches everything (bare `except:`,
 * `except Exception`/`BaseException`, alone or in a tuple) and whose body only drops the error
 * (`pass`, `...`, `continue`, a lone string or constant), and `contextlib.suppress(Exception)`. Narrow handlers
 * (`except KeyError: pass`) say which failure is expected and are not reported; a handler that logs
 * (at any level), returns a fallback or re-raises is not either, as in TypeScript. A comment that
 * explains the ignore (three words besides `ignore`, `TODO` and the like) makes it information.
 */
export const pythonSwallowedError: LanguageCheck = {
  // Bandit's try_except_pass and try_except_continue.
  banditTests: ['B110', 'B112'],
  rationale:
    'In Python: a bare `except:` or `except Exception`/`BaseException` whose body is only `pass`, `...` or `continue`, and `contextlib.suppress(Exception)`. A narrow handler (`except KeyError: pass`) names the failure it expects and is not reported. ' +
    'As in TypeScript, a `try` that only imports, assigns a value tested after it, or returns before another `return` or a `raise` is a fallback and is not reported; a step before a `raise`, a clean-up call (`close`, `kill`, `unlink`…) and a `try` that only adds a detail (`span.set_attribute`, `hints.append(…)` before a `raise`) are information.',
  textTriggers: ['except', 'suppress'],
  check(context: LanguageRuleContext): RuleFinding[] {
    const root = pythonRoot(context.document);
    if (root === undefined) return [];
    const findings: RuleFinding[] = [];
    for (const clause of nodesOfType(root, 'except_clause')) {
      const finding = checkExceptClause(clause, context.text);
      if (finding !== undefined) findings.push(finding);
    }
    if (context.text.includes('suppress')) {
      const names = PythonNames.of(root);
      for (const call of nodesOfType(root, 'call')) {
        const finding = checkSuppress(call, names, context.text);
        if (finding !== undefined) findings.push(finding);
      }
    }
    return findings.sort((a, b) => a.start - b.start);
  },
};

function checkExceptClause(clause: Node, text: string): RuleFinding | undefined {
  const children = namedChildrenOf(clause);
  const body = children.find((child) => child.type === 'block');
  if (body === undefined || !dropsError(body)) return undefined;
  const names = caughtExceptions(clause);
  const caught = names.find((name) => BROAD_EXCEPTIONS.has(name));
  if (names.length > 0 && caught === undefined) return undefined;
  const comment = commentsWithin(clause);
  const head = caught === undefined ? '`except:`' : `\`except ${caught}\``;
  const attempt = clause.parent;
  const tried = attempt?.type === 'try_statement' ? attempt.childForFieldName('body') : null;
  const explained: RuleFinding = { start: clause.startIndex, end: clause.endIndex, severity: 'info', message: `${head} ignores the error on purpose, and its comment says why. Check the reason still holds.` };
  if (explainsIgnore(comment)) return explained;
  if (attempt !== null && tried !== null) {
    // As in TypeScript: an optional import, a value tested after the `try`, another way returned after it.
    if (onlyImports(tried) || testsAssignedAfter(attempt, tried) || fallsBackAfter(attempt, tried)) return undefined;
    if (explainsIgnoreAbove(commentAbove(text, attempt, tried))) return explained;
    if (onTheWayToRaise(attempt)) return { start: clause.startIndex, end: clause.endIndex, severity: 'info', message: CLEANUP_MESSAGE };
    if (onlyCleansUp(tried)) return { start: clause.startIndex, end: clause.endIndex, severity: 'info', message: CLEANUP_CALL_MESSAGE };
    if (onlyAddsDetail(attempt, tried)) return { start: clause.startIndex, end: clause.endIndex, severity: 'info', message: DETAIL_MESSAGE };
    if (convertsInPlace(tried)) return { start: clause.startIndex, end: clause.endIndex, severity: 'info', message: CONVERSION_MESSAGE };
  }
  const what = caught === undefined ? 'every exception (`KeyboardInterrupt` and `SystemExit` too)' : 'every error';
  const message =
    comment !== undefined
      ? `${head} with only a comment drops ${what} without a trace. ${ADVICE}`
      : `${head} that does nothing drops ${what} without a trace. ${ADVICE}`;
  return { start: clause.startIndex, end: clause.endIndex, message };
}

const NO_OP_EXPRESSIONS: ReadonlySet<string> = new Set(['ellipsis', 'string', 'none', 'integer', 'true', 'false']);

/** A body that neither uses, re-raises nor replaces the error: `pass`, `...`, `continue`, a lone string. */
function dropsError(body: Node): boolean {
  const statements = namedChildrenOf(body).filter((statement) => statement.type !== 'comment');
  return statements.every((statement) => {
    if (statement.type === 'pass_statement' || statement.type === 'continue_statement') return true;
    if (statement.type !== 'expression_statement') return false;
    const expressions = namedChildrenOf(statement);
    // `None`, `0` or a lone string as a statement does nothing either.
    return expressions.length === 1 && NO_OP_EXPRESSIONS.has(expressions[0].type);
  });
}

const CLEANUP_MESSAGE = 'A step on the way to a `raise` drops its own error; the error raised reports the failure. Check that losing this one is harmless.';
const DETAIL_MESSAGE = 'The `try` only adds a detail (a tracing span\'s attribute, an exception\'s text) to something made anyway: its failure costs that detail alone. Check that losing it is harmless.';
const CLEANUP_CALL_MESSAGE = 'A clean-up call (close, kill, unlink…) drops its error. Check that a failed clean-up loses nothing (a file that fails to close may not have written everything).';
const CONVERSION_MESSAGE = 'The `try` converts a value in place (`x = json.loads(x)`); when that fails the value stays as it was. Check that the code after it handles the unconverted value.';
const FUNCTION_BOUNDARY: ReadonlySet<string> = new Set(['function_definition', 'lambda', 'class_definition', 'module']);

/** Nodes of `types` in `statement`, itself included, that are not in a nested function or class. */
function ownNodesIn(statement: Node, types: string | string[]): Node[] {
  const own = ownNodesOfType(statement, types).filter((node) => node.id !== statement.id);
  return (typeof types === 'string' ? types === statement.type : types.includes(statement.type)) ? [statement, ...own] : own;
}

/** The statements after `statement` in its block. */
function laterStatements(statement: Node): Node[] {
  const later: Node[] = [];
  for (let sibling = statement.nextNamedSibling; sibling !== null; sibling = sibling.nextNamedSibling) if (sibling.type !== 'comment') later.push(sibling);
  return later;
}

/** Statements of a block other than comments. */
function statementsOf(block: Node): Node[] {
  return namedChildrenOf(block).filter((statement) => statement.type !== 'comment');
}

/** `try: import zlib_sync` (or `from x import y`): an optional module, used when it is installed. */
function onlyImports(block: Node): boolean {
  const statements = statementsOf(block);
  return statements.length > 0 && statements.every((statement) => statement.type === 'import_statement' || statement.type === 'import_from_statement');
}

/**
 * `try: width = terminal_width()` then a test of `width` after the `try` (`if width is None`, `width
 * or 80`): the code handles the value being missing. As in TypeScript, the target may be an
 * attribute (`self.value`), and the test may read it through a name assigned from it.
 */
function testsAssignedAfter(attempt: Node, tried: Node): boolean {
  const assigned = new Set<string>();
  for (const statement of statementsOf(tried)) {
    const assignment = statement.type === 'expression_statement' ? namedChildrenOf(statement)[0] : undefined;
    const left = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : null;
    if (left === null || left === undefined) return false;
    if (left.type === 'identifier' || left.type === 'attribute') assigned.add(left.text);
    else for (const name of namedChildrenOf(left)) if (name.type === 'identifier') assigned.add(name.text);
  }
  if (assigned.size === 0) return false;
  const isAssigned = (node: Node): boolean => (node.type === 'identifier' || node.type === 'attribute') && assigned.has(node.text);
  const mentions = (node: Node | null): boolean => node !== null && (isAssigned(node) || nodesOfType(node, ['identifier', 'attribute']).some(isAssigned));
  return laterStatements(attempt).some((statement) => {
    // `value = payload.value` then `if isinstance(value, str)` tests what the `try` assigned.
    const alias = statement.type === 'expression_statement' ? namedChildrenOf(statement)[0] : undefined;
    const aliasLeft = alias?.type === 'assignment' ? alias.childForFieldName('left') : null;
    const aliasRight = alias?.type === 'assignment' ? alias.childForFieldName('right') : null;
    if (aliasLeft?.type === 'identifier' && aliasRight != null && isAssigned(aliasRight)) {
      assigned.add(aliasLeft.text);
      return false;
    }
    for (const test of ownNodesIn(statement, ['if_statement', 'elif_clause', 'while_statement'])) if (mentions(test.childForFieldName('condition'))) return true;
    for (const choice of ownNodesIn(statement, 'conditional_expression')) if (mentions(namedChildrenOf(choice)[1] ?? null)) return true;
    return ownNodesIn(statement, 'boolean_operator').some((operator) => operator.text.includes(' or ') && mentions(operator.childForFieldName('left')));
  });
}

/**
 * `try: return load(a)` with `except: pass`, and later in the function another `return` with a value
 * or a `raise`: one way is tried, and its failure leads to the next.
 */
function fallsBackAfter(attempt: Node, tried: Node): boolean {
  const statements = statementsOf(tried);
  const last = statements[statements.length - 1];
  if (last === undefined || last.type !== 'return_statement' || namedChildrenOf(last).length === 0) return false;
  for (let current: Node | null = attempt; current !== null && !FUNCTION_BOUNDARY.has(current.type); current = current.parent) {
    for (const statement of laterStatements(current)) {
      if (ownNodesIn(statement, 'raise_statement').length > 0) return true;
      if (ownNodesIn(statement, 'return_statement').some((found) => namedChildrenOf(found).length > 0)) return true;
    }
  }
  return false;
}

/**
 * A step on the way to a `raise`: the `try` is followed by a `raise` in its own block
 * (`sys.stdin.close()` before `raise SystemExit(code)`), or sits in an `except` block that ends by
 * raising. Its own error would only hide the one raised.
 */
function onTheWayToRaise(attempt: Node): boolean {
  if (laterStatements(attempt).some((statement) => statement.type === 'raise_statement')) return true;
  for (let current = attempt.parent; current !== null && !FUNCTION_BOUNDARY.has(current.type); current = current.parent) {
    if (current.type === 'except_clause') {
      const body = namedChildrenOf(current).find((child) => child.type === 'block');
      const statements = body === undefined ? [] : statementsOf(body);
      return statements[statements.length - 1]?.type === 'raise_statement';
    }
  }
  return false;
}

const CLEANUP_METHOD =
  /^(?:close|shutdown|terminate|kill|unlink|remove|rmtree|rmdir|disconnect|quit|release|cancel|join|flush|(?:close|end|release|dispose|disconnect|kill|terminate|abort)_(?:model|session|connection|socket|stream|channel|client|pool|lock|handle|file|watcher|server|process|subprocess|reader|writer|transport|port|page|browser|context))$/;

/** A `try` body of clean-up calls only (`f.close()`, `os.unlink(path)`, `shutil.rmtree(tmp)`). */
function onlyCleansUp(block: Node): boolean {
  const statements = statementsOf(block);
  return (
    statements.length > 0 &&
    statements.every((statement) => {
      const call = statement.type === 'expression_statement' ? namedChildrenOf(statement)[0] : undefined;
      if (call?.type !== 'call') return false;
      const callee = call.childForFieldName('function');
      const name = callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : callee?.text;
      return name !== undefined && CLEANUP_METHOD.test(name);
    })
  );
}

/**
 * As in TypeScript: `try: value = json.loads(value)`, or through a local (`parsed = int(text)` then
 * `if parsed > 0: text = parsed`), a value converted in place when it can be and left as it was when
 * not. Only assignments made by a call from the value itself, locals, and `if`s without calls in
 * their test; nothing awaited.
 */
function convertsInPlace(tried: Node): boolean {
  if (ownNodesIn(tried, ['await', 'yield']).length > 0) return false;
  const madeFrom = new Map<string, ReadonlySet<string>>();
  let conversions = 0;
  const converts = (statement: Node): boolean => {
    switch (statement.type) {
      case 'comment':
      case 'pass_statement':
        return true;
      case 'block':
        return namedChildrenOf(statement).every(converts);
      case 'else_clause':
        return namedChildrenOf(statement).filter((child) => child.type === 'block').every(converts);
      case 'if_statement':
      case 'elif_clause': {
        const condition = statement.childForFieldName('condition');
        if (condition === null || ownNodesIn(condition, 'call').length > 0) return false;
        return namedChildrenOf(statement)
          .filter((child) => child.type === 'block' || child.type === 'elif_clause' || child.type === 'else_clause')
          .every(converts);
      }
      case 'expression_statement': {
        const assignment = namedChildrenOf(statement)[0];
        if (assignment?.type !== 'assignment') return false;
        const left = assignment.childForFieldName('left');
        const right = assignment.childForFieldName('right');
        if (left === null || right === null || (left.type !== 'identifier' && left.type !== 'attribute')) return false;
        const from = convertedNames(right);
        if (from.has(left.text) || (right.type === 'identifier' && madeFrom.get(right.text)?.has(left.text) === true)) return ++conversions > 0;
        if (left.type !== 'identifier' || from.size === 0) return false;
        madeFrom.set(left.text, from);
        return true;
      }
      default:
        return false;
    }
  };
  return statementsOf(tried).every(converts) && conversions > 0;
}

/** The names and attributes passed to calls in `expression`: what it converts. */
function convertedNames(expression: Node): ReadonlySet<string> {
  const names = new Set<string>();
  for (const call of ownNodesIn(expression, 'call')) {
    for (const argument of callArguments(call).positional) if (argument.type === 'identifier' || argument.type === 'attribute') names.add(argument.text);
  }
  return names;
}

/** OpenTelemetry's Python `Span` methods that record a detail of the work (an attribute, an event, a status). */
const SPAN_DETAIL_METHODS: ReadonlySet<string> = new Set(['set_attribute', 'set_attributes', 'add_event', 'set_status', 'record_exception', 'update_name']);
const LIST_ADDS: ReadonlySet<string> = new Set(['append', 'extend', 'insert']);

/**
 * As in TypeScript: a `try` that only adds a detail to a tracing span (`span.set_attribute(…)`) or to
 * the text of an exception about to be made (`hints.append(…)` before `raise ImportError("\\n".join(hints))`,
 * `shown = repr(value)` before `raise TypeError(f"… {shown}")`). Branches, loops, locals and a bare
 * `return` may come between, but no `await` or `yield`: a value awaited for the detail is work of its own.
 */
function onlyAddsDetail(attempt: Node, tried: Node): boolean {
  if (ownNodesIn(tried, ['await', 'yield']).length > 0) return false;
  /** Names pushed to: each must then be read only where an exception is made. */
  const textParts = new Set<string>();
  /** Names assigned: locals of the detail, or parts of an exception's text when read after the `try`. */
  const assigned = new Set<string>();
  let adds = 0;
  const addsDetail = (statement: Node): boolean => {
    switch (statement.type) {
      case 'comment':
      case 'pass_statement':
        return true;
      case 'return_statement':
        return namedChildrenOf(statement).length === 0;
      case 'block':
        return namedChildrenOf(statement).every(addsDetail);
      case 'if_statement':
      case 'elif_clause':
      case 'else_clause':
      case 'for_statement':
        return namedChildrenOf(statement)
          .filter((child) => child.type === 'block' || child.type === 'elif_clause' || child.type === 'else_clause')
          .every(addsDetail);
      case 'expression_statement': {
        const expression = namedChildrenOf(statement)[0];
        if (expression?.type === 'assignment' || expression?.type === 'augmented_assignment') {
          const left = expression.childForFieldName('left');
          if (left?.type !== 'identifier') return false;
          assigned.add(left.text);
          return true;
        }
        const callee = expression?.type === 'call' ? expression.childForFieldName('function') : null;
        if (callee?.type !== 'attribute') return false;
        const method = callee.childForFieldName('attribute')?.text ?? '';
        if (SPAN_DETAIL_METHODS.has(method)) return ++adds > 0;
        const owner = callee.childForFieldName('object');
        if (!LIST_ADDS.has(method) || owner?.type !== 'identifier') return false;
        textParts.add(owner.text);
        return ++adds > 0;
      }
      default:
        return false;
    }
  };
  if (!statementsOf(tried).every(addsDetail)) return false;
  for (const name of textParts) if (exceptionUses(name, attempt) !== 'only') return false;
  for (const name of assigned) {
    if (textParts.has(name)) continue;
    const uses = exceptionUses(name, attempt);
    if (uses === 'other') return false;
    if (uses === 'only') adds++;
  }
  return adds > 0;
}

/**
 * How `name` is used after `attempt` in its function: not at all, `only` where an exception is made
 * (in a `raise`, or the arguments of a call of a name ending in `Error` or `Exception`, beside list
 * additions to it), or for `other` things too.
 */
function exceptionUses(name: string, attempt: Node): 'none' | 'only' | 'other' {
  let makes = false;
  for (let current: Node | null = attempt; current !== null && !FUNCTION_BOUNDARY.has(current.type); current = current.parent) {
    for (const statement of laterStatements(current)) {
      for (const reference of ownNodesIn(statement, 'identifier')) {
        if (reference.text !== name) continue;
        if (makesException(reference, statement)) {
          makes = true;
          continue;
        }
        const attribute = reference.parent;
        const call = attribute?.parent;
        const extended =
          attribute?.type === 'attribute' && attribute.childForFieldName('object')?.id === reference.id && LIST_ADDS.has(attribute.childForFieldName('attribute')?.text ?? '') &&
          call?.type === 'call' && call.parent?.type === 'expression_statement';
        if (!extended) return 'other';
      }
    }
  }
  return makes ? 'only' : 'none';
}

function makesException(reference: Node, statement: Node): boolean {
  for (let node = reference.parent; node !== null; node = node.parent) {
    if (node.type === 'raise_statement') return true;
    if (node.type === 'call' && /(?:Error|Exception)$/.test(node.childForFieldName('function')?.text ?? '')) return true;
    if (node.id === statement.id) return false;
  }
  return false;
}

/**
 * As in TypeScript: the comment lines just above the `try`, or above the first statement it tries
 * (`# os.remove may fail when the file is already gone`), markers removed; undefined when none.
 */
function commentAbove(text: string, attempt: Node, tried: Node): string | undefined {
  const first = namedChildrenOf(tried).find((child) => child.type !== 'comment');
  const lines = [...commentLinesAbove(text, attempt.startIndex), ...(first !== undefined ? commentLinesAbove(text, first.startIndex) : [])];
  return lines.length === 0 ? undefined : lines.join(' ');
}

/** The `#` comment lines right above the line holding `offset`, without their markers. */
function commentLinesAbove(text: string, offset: number): string[] {
  const lines: string[] = [];
  let lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  while (lineStart > 0) {
    const previousStart = text.lastIndexOf('\n', lineStart - 2) + 1;
    const comment = /^[ \t]*#+(.*)$/.exec(text.slice(previousStart, lineStart - 1).replace(/\r$/, ''));
    if (comment === null) break;
    lines.unshift(comment[1]);
    lineStart = previousStart;
  }
  return lines;
}

/** The text of the comments inside a node, markers removed; undefined when there are none. */
function commentsWithin(node: Node): string | undefined {
  const comments = nodesOfType(node, 'comment');
  return comments.length === 0 ? undefined : comments.map((comment) => comment.text.replace(/^#+/, ' ')).join(' ');
}

/** `contextlib.suppress(Exception)` (as a `with` item or anywhere): every error dropped. */
function checkSuppress(call: Node, names: PythonNames, text: string): RuleFinding | undefined {
  if (names.qualified(call.childForFieldName('function')) !== 'contextlib.suppress') return undefined;
  const broad = callArguments(call).positional.find((argument) => BROAD_EXCEPTIONS.has(argument.text));
  if (broad === undefined) return undefined;
  const head = `\`suppress(${broad.text})\``;
  // `with suppress(Exception): return os.listdir(root)` then `return []`: one way, then the next.
  const block = call.parent?.type === 'with_item' ? call.parent.parent?.parent?.childForFieldName('body') : undefined;
  const statement = call.parent?.parent?.parent;
  if (block && statement?.type === 'with_statement' && fallsBackAfter(statement, block)) return undefined;
  if (explainsIgnore(nearbyComment(call, text))) {
    return { start: call.startIndex, end: call.endIndex, severity: 'info', message: `${head} ignores errors on purpose, and its comment says why. Check the reason still holds.` };
  }
  return { start: call.startIndex, end: call.endIndex, message: `${head} drops every error of its block without a trace. ${ADVICE}` };
}

/** The comment at the end of the call's line or on the line above it (own-line comment), without markers. */
function nearbyComment(call: Node, text: string): string | undefined {
  const lineStart = text.lastIndexOf('\n', call.startIndex - 1) + 1;
  const lineEnd = text.indexOf('\n', call.endIndex);
  const line = text.slice(call.endIndex, lineEnd < 0 ? text.length : lineEnd);
  const previousStart = text.lastIndexOf('\n', lineStart - 2) + 1;
  const previous = lineStart > 0 ? text.slice(previousStart, lineStart - 1) : '';
  const comments = [/#(.*)$/.exec(line)?.[1], /^\s*#(.*)$/.exec(previous)?.[1]].filter((comment): comment is string => comment !== undefined);
  return comments.length === 0 ? undefined : comments.join(' ');
}
