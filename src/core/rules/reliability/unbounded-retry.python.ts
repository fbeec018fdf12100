import type { Node } from 'web-tree-sitter';
import type { RuleFinding } from '../../check/findings';
import type { LanguageCheck, LanguageRuleContext } from '../rule';
import { callArguments, type CallArguments, caughtExceptions, isEndlessCondition, isWithin, namedChildrenOf, nodesOfType, ownNodesOfType, PythonNames, pythonRoot } from '../shared-python/nodes';
import { BOUND_NAME } from './retry-bound';

/** Scopes and loops whose statements belong to them, not to the loop or handler being judged. */
const INNER_LOOPS_AND_SCOPES: ReadonlySet<string> = new Set(['function_definition', 'lambda', 'class_definition', 'while_statement', 'for_statement']);
const INNER_SCOPES: ReadonlySet<string> = new Set(['function_definition', 'lambda', 'class_definition']);
/** Clock reads that make a comparison a deadline (`time.monotonic() > deadline`). */
const CLOCK = /\b(?:time|monotonic|perf_counter|now|utcnow)\s*\(/;

/**
 * Retry decorators and helpers that retry forever unless told when to stop, with the keywords that
 * tell them: tenacity's `retry`/`Retrying` (default `stop_never`), backoff's `on_exception` and
 * `on_predicate` (no limit unless `max_tries` or `max_time`), the `retrying` package's `retry`.
 */
const RETRY_HELPERS: ReadonlyMap<string, { stops: readonly string[]; advice: string }> = new Map([
  ['tenacity.retry', { stops: ['stop'], advice: 'Pass `stop=stop_after_attempt(n)` (or `stop_after_delay`)' }],
  ['tenacity.Retrying', { stops: ['stop'], advice: 'Pass `stop=stop_after_attempt(n)` (or `stop_after_delay`)' }],
  ['tenacity.AsyncRetrying', { stops: ['stop'], advice: 'Pass `stop=stop_after_attempt(n)` (or `stop_after_delay`)' }],
  ['backoff.on_exception', { stops: ['max_tries', 'max_time'], advice: 'Pass `max_tries=` or `max_time=`' }],
  ['backoff.on_predicate', { stops: ['max_tries', 'max_time'], advice: 'Pass `max_tries=` or `max_time=`' }],
  ['retrying.retry', { stops: ['stop_max_attempt_number', 'stop_max_delay', 'stop_func', 'stop'], advice: 'Pass `stop_max_attempt_number=` or `stop_max_delay=`' }],
]);

/**
 * `reliability/unbounded-retry` for Python: a `while True:` loop that leaves on success (a `break` or
 * `return` in its `try`, its `else`, or right after it) while an `except` goes round again, with no
 * attempt or time bound compared anywhere in the loop (a name like `attempt`, `retries`, `max`,
 * `deadline`, a clock read, or a counter the loop steps); and the retry helpers that retry forever by
 * default (tenacity without `stop=`, backoff without `max_tries`/`max_time`, `retrying` without a stop).
 */
export const pythonUnboundedRetry: LanguageCheck = {
  rationale: 'In Python: a `while True:` loop that breaks or returns on success while its `except` goes round again, with no attempt or time bound; tenacity\'s `@retry` without `stop=` and backoff without `max_tries`/`max_time`, which retry forever by default. Handlers of interrupts and cancellation are not retries, nor are loops that move on to another input computed from the last (`path = path[e.end:]`).',
  textTriggers: ['while', 'retry', 'Retrying', 'backoff'],
  check(context: LanguageRuleContext): RuleFinding[] {
    const root = pythonRoot(context.document);
    if (root === undefined) return [];
    const findings: RuleFinding[] = [];
    for (const loop of nodesOfType(root, 'while_statement')) {
      const finding = checkLoop(loop);
      if (finding !== undefined) findings.push(finding);
    }
    if (/retry|Retrying|backoff/.test(context.text)) findings.push(...retryHelperFindings(root));
    return findings.sort((a, b) => a.start - b.start);
  },
};

function checkLoop(loop: Node): RuleFinding | undefined {
  const condition = loop.childForFieldName('condition');
  if (!isEndlessCondition(condition)) return undefined;
  const body = loop.childForFieldName('body');
  if (body === null || condition === null) return undefined;
  const tries = ownNodesOfType(body, 'try_statement', INNER_LOOPS_AND_SCOPES);
  const retrying = tries.some((tryStatement) => {
    const handlers = namedChildrenOf(tryStatement).filter((child) => child.type === 'except_clause');
    // A handler that leaves on an exhausted source (`except StopIteration: return`) marks a loop over items, not a retry.
    if (handlers.some((handler) => caughtExceptions(handler).some((name) => EXHAUSTION.test(name)) && !goesRoundAgain(handler))) return false;
    const next = tryStatement.parent?.id === body.id ? tryStatement.nextNamedSibling : null;
    const exitAfter = next !== null && (next.type === 'break_statement' || next.type === 'return_statement');
    // With the exit right after the `try`, a handler goes round again only through its own unconditional `continue`.
    const repeats = (handler: Node): boolean => goesRoundAgain(handler) && (!exitAfter || continuesAlways(handler));
    return leavesOnSuccess(tryStatement, body) && handlers.some((handler) => retriesFailure(handler) && repeats(handler));
  });
  if (!retrying || hasOtherExit(body, tries) || isBounded(loop) || movesOn(body, tries)) return undefined;
  return {
    start: loop.startIndex,
    end: condition.endIndex,
    message:
      'Retry loop without an attempt limit: while the operation keeps failing it retries forever. ' +
      'Count attempts and raise after a maximum (with a growing delay between tries).',
  };
}

/**
 * Exceptions that are no failure of the operation: an interrupt or cancellation (going round again
 * re-waits on purpose), a signal cutting a system call short (PEP 475 retries those itself), a
 * non-blocking call with nothing to do yet, the end of an iteration.
 */
const FLOW_EXCEPTION = /(?:^|\.)(?:KeyboardInterrupt|CancelledError|InterruptedError|BlockingIOError|StopIteration|StopAsyncIteration|GeneratorExit|SystemExit|EOFError)$/;
const EXHAUSTION = /(?:^|\.)(?:StopIteration|StopAsyncIteration|EOFError)$/;

/** A handler for a failure of the operation (bare, or naming anything but flow exceptions). */
function retriesFailure(handler: Node): boolean {
  const names = caughtExceptions(handler);
  return names.length === 0 || names.some((name) => !FLOW_EXCEPTION.test(name));
}

/** Statements between which a `break` or `return` is conditional: only some successes leave. */
const CONDITIONAL: ReadonlySet<string> = new Set(['if_statement', 'match_statement', 'for_statement', 'while_statement', 'conditional_expression']);

/**
 * A `break` or `return` that runs whenever the `try` body (or its `else`) succeeds, or as the
 * statement right after the `try`. A conditional exit (`if msg is None: break`) is a stop signal of
 * a worker loop, not the success of a retried call.
 */
function leavesOnSuccess(tryStatement: Node, loopBody: Node): boolean {
  const parts = [tryStatement.childForFieldName('body'), ...namedChildrenOf(tryStatement).filter((child) => child.type === 'else_clause')];
  for (const part of parts) {
    if (part === null) continue;
    for (const exit of ownNodesOfType(part, ['break_statement', 'return_statement'], INNER_LOOPS_AND_SCOPES)) {
      let conditional = false;
      for (let current = exit.parent; current !== null && current.id !== part.id; current = current.parent) {
        if (CONDITIONAL.has(current.type) || current.type === 'except_clause') conditional = true;
      }
      if (!conditional) return true;
    }
  }
  if (tryStatement.parent?.id !== loopBody.id) return false;
  const next = tryStatement.nextNamedSibling;
  return next !== null && (next.type === 'break_statement' || next.type === 'return_statement');
}

/**
 * A way out of the loop besides the retried `try` (`if not line: raise Error(…)` before it): the
 * loop walks through input rather than repeating one call. The exit right after the `try` is its success.
 */
function hasOtherExit(loopBody: Node, tries: Node[]): boolean {
  const successExits = new Set(tries.map((tryStatement) => tryStatement.nextNamedSibling?.id));
  const outside = (exit: Node): boolean => !successExits.has(exit.id) && !tries.some((tryStatement) => isWithin(exit, tryStatement));
  if (ownNodesOfType(loopBody, ['break_statement', 'return_statement', 'raise_statement'], INNER_LOOPS_AND_SCOPES).some(outside)) return true;
  // `elif code == "exit": sys.exit(1)` (Django's migration questioner) leaves the loop too.
  return ownNodesOfType(loopBody, 'call', INNER_LOOPS_AND_SCOPES).some((call) => PROCESS_EXIT.test(call.childForFieldName('function')?.text ?? '') && outside(call));
}

/** Calls that end the process: no retry after them. */
const PROCESS_EXIT = /^(?:sys\.exit|exit|quit|os\._exit|os\.abort)$/;

/**
 * A loop that tries another input each time round: a name the `try` body reads is given, outside
 * that body, a new value computed from its old one other than an arithmetic step (`path =
 * path[e.end:]` in Django's `repercent_broken_unicode`, `name = self.get_available_name(name)` in its
 * file storage). A retry repeats one operation on the same input; a refreshed token computed from
 * nothing, a backoff (`delay = delay * 2`) or a counter does not count.
 */
function movesOn(loopBody: Node, tries: Node[]): boolean {
  const read = new Set<string>();
  for (const tryStatement of tries) {
    const tryBody = tryStatement.childForFieldName('body');
    if (tryBody !== null) for (const name of ownNodesOfType(tryBody, 'identifier', INNER_SCOPES)) read.add(name.text);
  }
  // Assignments outside the tried bodies, as (name, names its value is computed from).
  const updates: { name: string; from: Set<string> }[] = [];
  for (const assignment of ownNodesOfType(loopBody, 'assignment', INNER_LOOPS_AND_SCOPES)) {
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    if (left?.type !== 'identifier' || right === null || right.type === 'binary_operator' || right.type === 'unary_operator') continue;
    if (tries.some((tryStatement) => { const tryBody = tryStatement.childForFieldName('body'); return tryBody !== null && isWithin(assignment, tryBody); })) continue;
    updates.push({ name: left.text, from: new Set(ownNodesOfType(right, 'identifier', INNER_SCOPES).map((name) => name.text)) });
  }
  // A name computed from its own last value moves on; so does one computed from such a name
  // (`name = self.get_available_name(name)`, then `full_path = self.path(name)` for the `try`).
  const movingOn = new Set(updates.filter((update) => update.from.has(update.name)).map((update) => update.name));
  return updates.some((update) => read.has(update.name) && (movingOn.has(update.name) || [...update.from].some((name) => movingOn.has(name))));
}

/** A `continue` that ends the handler whatever happens in it (not inside an `if`). */
function continuesAlways(handler: Node): boolean {
  return ownNodesOfType(handler, 'continue_statement', INNER_LOOPS_AND_SCOPES).some((statement) => {
    for (let current = statement.parent; current !== null && current.id !== handler.id; current = current.parent) {
      if (CONDITIONAL.has(current.type) || current.type === 'try_statement') return false;
    }
    return true;
  });
}

/** An `except` that neither raises, returns nor breaks out: the loop tries again. */
function goesRoundAgain(clause: Node): boolean {
  if (ownNodesOfType(clause, ['raise_statement', 'return_statement', 'break_statement'], INNER_LOOPS_AND_SCOPES).length > 0) return false;
  // `sys.exit(…)`/`os._exit(…)` end the process: no retry either.
  return !ownNodesOfType(clause, 'call', INNER_SCOPES).some((call) => PROCESS_EXIT.test(call.childForFieldName('function')?.text ?? ''));
}

/** A comparison in the loop against an attempt or time bound, or of a counter the loop steps. */
function isBounded(loop: Node): boolean {
  const stepped = new Set(
    ownNodesOfType(loop, 'augmented_assignment', INNER_SCOPES)
      .map((assignment) => assignment.childForFieldName('left')?.text)
      .filter((name): name is string => name !== undefined),
  );
  for (const comparison of ownNodesOfType(loop, 'comparison_operator', INNER_SCOPES)) {
    const text = comparison.text;
    if (BOUND_NAME.test(text) || CLOCK.test(text)) return true;
    if (namedChildrenOf(comparison).some((operand) => stepped.has(operand.text))) return true;
  }
  return false;
}

/** Retry decorators and helpers called without a stop condition. */
function retryHelperFindings(root: Node): RuleFinding[] {
  const names = PythonNames.of(root);
  const findings: RuleFinding[] = [];
  for (const call of nodesOfType(root, 'call')) {
    const helper = RETRY_HELPERS.get(names.qualified(call.childForFieldName('function')) ?? '');
    if (helper === undefined) continue;
    const args = callArguments(call);
    if (args.kwargsSplat || helper.stops.some((stop) => args.keywords.has(stop))) continue;
    findings.push(helperFinding(call, call.childForFieldName('function')!, helper, args));
  }
  // `@retry` without parentheses: every default, so no stop.
  for (const decorator of nodesOfType(root, 'decorator')) {
    const expression = namedChildrenOf(decorator).find((child) => child.type !== 'comment');
    if (expression === undefined || expression.type === 'call') continue;
    const helper = RETRY_HELPERS.get(names.qualified(expression) ?? '');
    if (helper !== undefined) findings.push(helperFinding(expression, expression, helper, undefined));
  }
  return findings;
}

function helperFinding(node: Node, callee: Node, helper: { advice: string }, args: CallArguments | undefined): RuleFinding {
  const name = callee.text.replace(/\s+/g, '');
  const detail = args === undefined ? 'with its defaults' : 'without a stop condition';
  return {
    start: node.startIndex,
    end: node.endIndex,
    message: `\`${name}\` ${detail} retries forever while the operation keeps failing. ${helper.advice}.`,
  };
}
