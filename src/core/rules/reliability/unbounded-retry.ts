import { ts } from 'ts-morph';
import type { RuleFinding } from '../../check/findings';
import type { Rule, RuleContext } from '../rule';
import { BOUND_NAME } from './retry-bound';
import { isFunctionWithBody, isTrueLiteral, memberName, propertyNameText, skipWrappers } from '../shared-syntax/nodes';
import { checkWithVisitor, type SyntaxContext, type SyntaxVisitor } from '../shared-syntax/visitor';
import { calleeLastName } from '../shared-syntax/strings';
import { pythonUnboundedRetry } from './unbounded-retry.python';

/**
 * `ts.SyntaxKind` read once: through the module's export getters every `ts.SyntaxKind.X` costs two
 * property getters, which adds up in a switch run on every node.
 */


const LOOP_MESSAGE =
  'Retry loop without an attempt limit: while the operation keeps failing it retries forever. ' +
  'Count attempts and throw after a maximum (with a growing delay between tries).';

/**
 * Flags retries with no limit: an endless loop (`while (true)`, `for (;;)`, `do … while (true)`, or
 * `while (!done)` whose flag is set on success) that leaves on success but whose `catch` carries on,
 * with no attempt or time bound compared anywhere in the loop; and a named function that calls itself
 * from its own error handler (`catch` block, `.catch`, rejection handler of `.then`) without comparing
 * an attempt parameter or counter.
 */
export const reliabilityUnboundedRetry: Rule = {
  id: 'reliability/unbounded-retry',
  kind: 'syntax',
  defaultSeverity: 'warning',
  // A retry loop or recursive retry catches the failure it retries: no `catch`, nothing to find.
  textTriggers: ['catch'],
  summary: 'Retry without an attempt limit',
  rationale:
    'A retry with no limit turns a lasting failure (a revoked key, a deleted row, a dependency that is ' +
    'down) into an endless loop: the caller never gets an error to handle, logs fill, and every instance ' +
    'hammers the struggling dependency at once, which keeps it down. Unbounded retries, next to missing ' +
    'timeouts, are a recurring defect of AI-generated code, since the happy path never shows them.\n\n' +
    'Bound every retry: count attempts and give up with an error after a maximum, wait longer between ' +
    'tries (exponential backoff with jitter), and retry only errors that can pass.\n\n' +
    'What counts as a bound: a comparison with a counter the loop (or function) increments, with a name ' +
    'like `attempt`, `retries`, `max`, `limit` or `deadline`, or with `Date.now()`; for a recursive retry ' +
    'also a comparison of one of its parameters, or a parameter flag tested in its error handler. A loop ' +
    'is a retry loop only when it leaves on success from inside its `try` (or right after it) and its ' +
    '`catch` does not leave, so worker and server loops that never leave are not reported; nor is a loop ' +
    'that tries another input each time and leaves on a test of it (walking up folders until one exists), ' +
    'a render run again once a thrown promise settles (`if (e instanceof Promise)`, the Suspense protocol), ' +
    'or one that leaves when a call given the attempt count says so (`if (!shouldRetry(attempt)) throw e`) ' +
    'or when an abort signal has fired (`signal.aborted`). A function ' +
    'that starts by taking the next item off a queue (`indexes.shift()`) moves on rather than retries, and ' +
    'a local binding of the same name (`const stringify = fallback`) is not the function. A poller that ' +
    'schedules its next run on a timer after a success as after a failure (`setTimeout(() => this.report(), ms)` ' +
    'in both) goes on by design, and is not reported. Retries driven ' +
    'by events (`on(\'error\', reconnect)`) are not seen.',
  check(context: RuleContext): RuleFinding[] {
    return checkWithVisitor(context, retryVisitor);
  },
  visitor: retryVisitor,
  languages: { python: pythonUnboundedRetry },
};

/**
 * Whether `name` (an identifier) occurs in `text` between `start` and `end` as a whole word
 * (JavaScript's word characters and `$`). Searched in the span only: searching the text from
 * `start` read on to the end of the file for every function whose body lacks its name, which made
 * a pull on a 5,000-line file spend a third of its time here.
 */
function mentionsName(text: string, name: string, start: number, end: number): boolean {
  if (end - start < name.length) return false;
  // A slice of a string is a view in V8, not a copy.
  const span = text.slice(start, end);
  for (let found = span.indexOf(name); found >= 0; found = span.indexOf(name, found + 1)) {
    const at = start + found;
    if (!isNameCharacter(text.charCodeAt(at - 1)) && !isNameCharacter(text.charCodeAt(at + name.length))) return true;
  }
  return false;
}

/** `[A-Za-z0-9_$]`; NaN (before the text's start) is none. */
function isNameCharacter(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) || code === 0x5f || code === 0x24;
}

/**
 * The rule on the engine's shared walk. The walk tells whether the file has an endless loop (the
 * only kind a retry loop can be) and which named functions name themselves in their own body (the
 * only ones a recursive retry can be: by a call, or handed to a timer). With an endless loop the
 * rule walks the file itself, as it needs each loop's and function's context; without one, only a
 * recursive retry can be found, so it walks just the outermost self-calling functions: the same
 * findings, without a second walk of a file such as a service module whose bounded `for` loops
 * retry inside `try`.
 */
function retryVisitor(context: SyntaxContext): SyntaxVisitor {
  const { sourceFile } = context;
  const text = sourceFile.text;
  let endlessLoop = false;
  const selfCalling: ts.FunctionLikeDeclaration[] = [];
  const onLoop = (node: ts.Node): void => {
    if (endlessLoop) return;
    const statement = node as ts.IterationStatement;
    const condition = loopCondition(statement);
    endlessLoop = isEndless(statement, condition) || (condition !== undefined && flagText(condition) !== undefined);
  };
  const onFunction = (node: ts.Node): void => {
    if (endlessLoop) return;
    const fn = node as ts.FunctionLikeDeclaration;
    const last = selfCalling[selfCalling.length - 1];
    // Pre-order: a function inside the last one kept is walked with it.
    if (last !== undefined && fn.pos >= last.pos && fn.end <= last.end) return;
    const name = functionName(fn);
    if (name === undefined || fn.body === undefined || !/^[A-Za-z_$][\w$]*$/.test(name)) return;
    // Any mention, not only a call: `setTimeout(poll, 5000)` retries `poll` too.
    if (mentionsName(text, name, fn.body.pos, fn.body.end)) selfCalling.push(fn);
  };
  const kinds = ts.SyntaxKind;
  return {
    visit: {
      [kinds.WhileStatement]: onLoop,
      [kinds.DoStatement]: onLoop,
      [kinds.ForStatement]: onLoop,
      [kinds.FunctionDeclaration]: onFunction,
      [kinds.FunctionExpression]: onFunction,
      [kinds.ArrowFunction]: onFunction,
      [kinds.MethodDeclaration]: onFunction,
      [kinds.Constructor]: onFunction,
      [kinds.GetAccessor]: onFunction,
      [kinds.SetAccessor]: onFunction,
    },
    end: () => (endlessLoop ? new RetryWalker(sourceFile).run() : new RetryWalker(sourceFile).runFrom(selfCalling)),
  };
}

/** What is learnt about one loop while walking its body. */
interface LoopFrame {
  readonly statement: ts.IterationStatement;
  readonly label?: string;
  /** True for loops whose header never ends them: `while (true)`, `for (;;)`, or a success flag. */
  readonly endless: boolean;
  /** For `while (!done)`: the flag's text, whose assignment inside `try` is the success exit. */
  readonly flag?: string;
  successExit: boolean;
  retryingCatch: boolean;
  bounded: boolean;
  /** Variables (`n`, `this.failures`) incremented or decremented in the loop. */
  readonly stepped: Set<string>;
  /** Variables compared in the loop whose comparison did not look like a bound on its own. */
  readonly compared: Set<string>;
}

/** What is learnt about one named function (anonymous functions inside it add to it). */
interface FunctionFrame {
  readonly node: ts.FunctionLikeDeclaration;
  readonly name: string;
  readonly parameters: ReadonlySet<string>;
  bounded: boolean;
  readonly stepped: Set<string>;
  readonly compared: Set<string>;
  /** `name = …` inside the function: it replaces itself (a lazy polyfill), so calling the name is not recursion. */
  reassigned: boolean;
  recursiveCall?: ts.Node;
  /** It schedules itself on a timer outside its error handlers too: a poller, going on after a failure as after a success. */
  schedulesItself: boolean;
}

/** Where the walk is relative to one loop of the current function. */
interface LoopContext {
  readonly frame: LoopFrame;
  readonly inTry: boolean;
  /** Inside a `switch` in this loop, where a bare `break` leaves the switch, not the loop. */
  readonly breakCaptured: boolean;
  readonly outer?: LoopContext;
}

interface WalkState {
  readonly fn?: FunctionFrame;
  readonly loop?: LoopContext;
  /** The function whose error handler the walk is in, for spotting self-calls. */
  readonly catchOf?: FunctionFrame;
  /** The caught error's names in that handler: a self-call passing one forwards the error, it does not retry. */
  readonly errorNames?: ReadonlySet<string>;
  readonly inCondition: boolean;
  /** The child visitor for this state, made once per state rather than once per node. */
  visitChild?: (child: ts.Node) => void;
}

/**
 * A state of the walk inside `from`'s function, with its own child visitor to come. Written out:
 * V8 copies a spread followed by more properties (`{ ...state, inCondition: true }`) about ten
 * times slower than a literal, and the walk makes one per condition, loop, `try` and `switch`.
 */
function walkState(from: WalkState, loop: LoopContext | undefined, catchOf: FunctionFrame | undefined, errorNames: ReadonlySet<string> | undefined, inCondition: boolean): WalkState {
  return { fn: from.fn, loop, catchOf, errorNames, inCondition, visitChild: undefined };
}

/** `loop` in or out of a `try`, or in a `switch` (see {@link walkState}). */
function loopContext(loop: LoopContext, inTry: boolean, breakCaptured: boolean): LoopContext {
  return { frame: loop.frame, inTry, breakCaptured, outer: loop.outer };
}

class RetryWalker {
  private readonly findings: RuleFinding[] = [];
  /**
   * Where `catch` and `then` occur in the text, ascending. Every finding needs an error handler
   * (a `catch` block, `.catch`, or a rejection handler of `.then`) inside the loop or function it is
   * about, so a subtree holding neither word, outside any loop or function being judged, cannot
   * hold a finding nor a bound of one: the walk skips it (most of a large file).
   */
  private readonly handlerWords: number[] = [];

  constructor(private readonly sourceFile: ts.SourceFile) {
    const text = sourceFile.text;
    for (const match of text.matchAll(/catch|then/g)) this.handlerWords.push(match.index);
  }

  run(): RuleFinding[] {
    return this.runFrom([this.sourceFile]);
  }

  /** Walks `roots` (none inside another) as the whole-file walk reaches them: functions start their own context. */
  runFrom(roots: readonly ts.Node[]): RuleFinding[] {
    for (const root of roots) this.visit(root, { inCondition: false });
    return this.findings.sort((a, b) => a.start - b.start);
  }

  /** True when `catch` or `then` occurs inside `node`'s text (its leading trivia included). */
  private mayHoldHandler(node: ts.Node): boolean {
    const words = this.handlerWords;
    let low = 0;
    let high = words.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (words[middle] < node.pos) low = middle + 1;
      else high = middle;
    }
    return low < words.length && words[low] < node.end;
  }

  private visit(node: ts.Node, state: WalkState): void {
    if (state.fn === undefined && state.loop === undefined && state.catchOf === undefined && !this.mayHoldHandler(node)) return;
    if (isFunctionWithBody(node)) {
      this.visitFunction(node, state);
      return;
    }
    switch (node.kind) {
      case ts.SyntaxKind.WhileStatement:
      case ts.SyntaxKind.DoStatement:
      case ts.SyntaxKind.ForStatement:
      case ts.SyntaxKind.ForInStatement:
      case ts.SyntaxKind.ForOfStatement:
        this.visitLoop(node as ts.IterationStatement, state);
        return;
      case ts.SyntaxKind.TryStatement:
        this.visitTry(node as ts.TryStatement, state);
        return;
      case ts.SyntaxKind.SwitchStatement: {
        const switchStatement = node as ts.SwitchStatement;
        this.visit(switchStatement.expression, state);
        const loop = state.loop !== undefined ? loopContext(state.loop, state.loop.inTry, true) : undefined;
        this.visit(switchStatement.caseBlock, walkState(state, loop, state.catchOf, state.errorNames, state.inCondition));
        return;
      }
      case ts.SyntaxKind.IfStatement:
      case ts.SyntaxKind.ConditionalExpression: {
        const condition = ts.isIfStatement(node) ? node.expression : (node as ts.ConditionalExpression).condition;
        // Inside its own error handler, a function testing a parameter flag (`if (firstTry)`) decides whether to go again.
        const fn = state.fn;
        if (fn !== undefined && state.catchOf === fn && testsParameter(condition, fn.parameters)) fn.bounded = true;
        const conditionState = walkState(state, state.loop, state.catchOf, state.errorNames, true);
        ts.forEachChild(node, (child) => this.visit(child, child === condition ? conditionState : state));
        return;
      }
      case ts.SyntaxKind.ReturnStatement:
        for (let context = state.loop; context !== undefined; context = context.outer) {
          if (context.inTry) context.frame.successExit = true;
        }
        break;
      case ts.SyntaxKind.BreakStatement:
        this.noteBreak(node as ts.BreakStatement, state);
        break;
      case ts.SyntaxKind.BinaryExpression:
        this.noteBinary(node as ts.BinaryExpression, state);
        break;
      case ts.SyntaxKind.PrefixUnaryExpression:
      case ts.SyntaxKind.PostfixUnaryExpression:
        this.noteStep(node as ts.PrefixUnaryExpression | ts.PostfixUnaryExpression, state);
        break;
      case ts.SyntaxKind.CallExpression:
        this.noteCall(node as ts.CallExpression, state);
        break;
    }
    ts.forEachChild(node, this.childVisitor(state));
  }

  private childVisitor(state: WalkState): (child: ts.Node) => void {
    state.visitChild ??= (child) => this.visit(child, state);
    return state.visitChild;
  }

  private visitFunction(node: ts.FunctionLikeDeclaration, state: WalkState): void {
    const name = functionName(node);
    const frame: FunctionFrame | undefined =
      name !== undefined
        ? { node, name, parameters: parameterNames(node), bounded: false, stepped: new Set(), compared: new Set(), reassigned: false, schedulesItself: false }
        : undefined;
    let catchOf: FunctionFrame | undefined;
    let errorNames: ReadonlySet<string> | undefined;
    if (isRejectionHandler(node)) {
      catchOf = state.fn;
      errorNames = bindingNames(node.parameters[0]?.name);
    } else if (frame === undefined) {
      catchOf = state.catchOf;
      errorNames = state.errorNames;
    }
    const inner: WalkState = { fn: frame ?? state.fn, catchOf, errorNames, inCondition: false };
    ts.forEachChild(node, this.childVisitor(inner));
    if (
      frame?.recursiveCall !== undefined &&
      !frame.bounded &&
      !frame.reassigned &&
      !(frame.schedulesItself && isScheduled(frame.recursiveCall, node)) &&
      !intersects(frame.compared, frame.stepped) &&
      !takesNextItemFirst(node, frame.recursiveCall) &&
      !triesNextCandidate(node, frame.recursiveCall) &&
      !awaitsThrownPromise(frame.recursiveCall, node, this.sourceFile)
    ) {
      const message =
        `\`${frame.name}\` calls itself from its error handler with no attempt limit: a lasting failure retries forever. ` +
        'Pass an attempt count and stop after a maximum.';
      this.findings.push({ start: frame.recursiveCall.getStart(this.sourceFile), end: frame.recursiveCall.getEnd(), message });
    }
  }

  private visitLoop(statement: ts.IterationStatement, state: WalkState): void {
    const condition = loopCondition(statement);
    const flag = condition !== undefined ? flagText(condition) : undefined;
    const endless = isEndless(statement, condition) || flag !== undefined;
    const label = ts.isLabeledStatement(statement.parent) ? statement.parent.label.text : undefined;
    const frame: LoopFrame = {
      statement,
      label,
      endless,
      flag,
      successExit: leavesAfterEachPass(statement.statement, label),
      retryingCatch: false,
      bounded: false,
      stepped: new Set(),
      compared: new Set(),
    };
    const loopState = walkState(state, { frame, inTry: false, breakCaptured: false, outer: state.loop }, state.catchOf, state.errorNames, false);
    const conditionState = walkState(loopState, loopState.loop, loopState.catchOf, loopState.errorNames, true);
    ts.forEachChild(statement, (child) => this.visit(child, child === condition ? conditionState : loopState));
    if (!frame.endless || !frame.retryingCatch || !frame.successExit || frame.bounded || intersects(frame.compared, frame.stepped)) return;
    if (isStateMachine(statement, this.sourceFile) || movesOn(statement) || delegatesBound(statement, frame.stepped)) return;
    this.findings.push({ start: statement.getStart(this.sourceFile), end: this.loopHeadEnd(statement), message: LOOP_MESSAGE });
  }

  private visitTry(statement: ts.TryStatement, state: WalkState): void {
    const loop = state.loop;
    this.visit(statement.tryBlock, loop !== undefined ? walkState(state, loopContext(loop, true, loop.breakCaptured), state.catchOf, state.errorNames, state.inCondition) : state);
    const clause = statement.catchClause;
    if (clause !== undefined) {
      if (loop !== undefined && !leavesUnconditionally(clause.block)) loop.frame.retryingCatch = true;
      const catchLoop = loop !== undefined ? loopContext(loop, false, loop.breakCaptured) : undefined;
      const errorNames = bindingNames(clause.variableDeclaration?.name);
      this.visit(clause, walkState(state, catchLoop, state.fn ?? state.catchOf, errorNames, state.inCondition));
    }
    if (statement.finallyBlock !== undefined) this.visit(statement.finallyBlock, state);
  }

  private noteBreak(statement: ts.BreakStatement, state: WalkState): void {
    if (statement.label === undefined) {
      if (state.loop !== undefined && !state.loop.breakCaptured && state.loop.inTry) state.loop.frame.successExit = true;
      return;
    }
    for (let context = state.loop; context !== undefined; context = context.outer) {
      if (context.frame.label === statement.label.text) {
        if (context.inTry) context.frame.successExit = true;
        return;
      }
    }
  }

  private noteBinary(expression: ts.BinaryExpression, state: WalkState): void {
    const operator = expression.operatorToken.kind;
    if (operator === ts.SyntaxKind.EqualsToken) {
      const assigned = skipWrappers(expression.left);
      if (state.fn !== undefined && ts.isIdentifier(assigned) && assigned.text === state.fn.name) state.fn.reassigned = true;
      let target: string | undefined;
      for (let context = state.loop; context !== undefined; context = context.outer) {
        if (!context.inTry || context.frame.flag === undefined) continue;
        target ??= assigned.getText(this.sourceFile);
        if (context.frame.flag === target) context.frame.successExit = true;
      }
      return;
    }
    if (operator === ts.SyntaxKind.PlusEqualsToken || operator === ts.SyntaxKind.MinusEqualsToken) {
      const target = skipWrappers(expression.left);
      this.noteStepped(target, state);
      return;
    }
    if (!isComparison(operator)) return;
    if (isEquality(operator) && (isNonNumericConstant(expression.left) || isNonNumericConstant(expression.right))) return;
    const operands: OperandFacts = { names: [], variables: [], stepped: false, timed: false };
    collectOperandFacts(expression.left, operands);
    collectOperandFacts(expression.right, operands);
    const looksLikeBound = operands.stepped || operands.timed || operands.names.some((name) => BOUND_NAME.test(name));
    // A comparison belongs to the innermost loop, or to the function when outside loops: `i < items.length`
    // in a plain `for` says nothing about how often the function retries itself.
    const loopFrame = state.loop?.frame;
    if (loopFrame !== undefined) {
      if (looksLikeBound) loopFrame.bounded = true;
      else for (const variable of operands.variables) loopFrame.compared.add(variable);
      return;
    }
    const fn = state.fn;
    if (fn === undefined) return;
    if (looksLikeBound || operands.variables.some((variable) => fn.parameters.has(variable))) fn.bounded = true;
    else for (const variable of operands.variables) fn.compared.add(variable);
  }

  private noteStep(expression: ts.PrefixUnaryExpression | ts.PostfixUnaryExpression, state: WalkState): void {
    if (expression.operator !== ts.SyntaxKind.PlusPlusToken && expression.operator !== ts.SyntaxKind.MinusMinusToken) return;
    this.noteStepped(skipWrappers(expression.operand), state);
    // `if (!retriesLeft--) throw …`: counting down inside a condition is a bound by itself.
    if (state.inCondition) {
      if (state.loop !== undefined) state.loop.frame.bounded = true;
      else if (state.fn !== undefined) state.fn.bounded = true;
    }
  }

  private noteStepped(target: ts.Expression, state: WalkState): void {
    const variable = variableKey(target);
    if (variable === undefined) return;
    if (state.loop !== undefined) state.loop.frame.stepped.add(variable);
    else state.fn?.stepped.add(variable);
  }

  private noteCall(call: ts.CallExpression, state: WalkState): void {
    const handlerOf = state.catchOf;
    if (handlerOf === undefined && state.fn !== undefined && !state.fn.schedulesItself && isTimerCall(call) && schedules(call, state.fn)) {
      state.fn.schedulesItself = true;
      return;
    }
    if (handlerOf === undefined || handlerOf.recursiveCall !== undefined) return;
    // `invoke("throw", err)` (Babel's async generator helpers): the error is delivered, not retried.
    if (passesError(call, state.errorNames)) return;
    if (isReferenceTo(call.expression, handlerOf.name) && !shadowed(call.expression, handlerOf)) {
      handlerOf.recursiveCall = call;
      return;
    }
    // `setTimeout(connect, 1000)` schedules the retry instead of calling it.
    for (const argument of call.arguments) {
      if (isReferenceTo(argument, handlerOf.name) && !shadowed(argument, handlerOf)) {
        handlerOf.recursiveCall = argument;
        return;
      }
    }
  }

  /** End of `while (true)` / `for (;;)` / `do`: the part of the loop a finding underlines. */
  private loopHeadEnd(statement: ts.IterationStatement): number {
    const text = this.sourceFile.text;
    if (ts.isDoStatement(statement)) return statement.getStart(this.sourceFile) + 2;
    const bodyStart = statement.statement.getStart(this.sourceFile);
    const close = text.lastIndexOf(')', bodyStart - 1);
    return close >= 0 ? close + 1 : bodyStart;
  }
}

interface OperandFacts {
  /** Every identifier and property name, for matching bound-like names. */
  names: string[];
  /** Variables compared as values themselves (`n` in `n <= 0`, `this.failures`; `url.length` but not `url`). */
  variables: string[];
  stepped: boolean;
  timed: boolean;
}

/** Names, `++`/`--` and clock reads in one side of a comparison (a small expression). */
function collectOperandFacts(expression: ts.Expression, facts: OperandFacts, asObject = false): void {
  const value = skipWrappers(expression);
  if (ts.isIdentifier(value)) {
    facts.names.push(value.text);
    if (!asObject) facts.variables.push(value.text);
  } else if (ts.isPropertyAccessExpression(value)) {
    facts.names.push(value.name.text);
    const variable = asObject ? undefined : variableKey(value);
    if (variable !== undefined) facts.variables.push(variable);
    collectOperandFacts(value.expression, facts, true);
  } else if (ts.isElementAccessExpression(value)) {
    collectOperandFacts(value.expression, facts, true);
  } else if (ts.isBinaryExpression(value)) {
    collectOperandFacts(value.left, facts);
    collectOperandFacts(value.right, facts);
  } else if (ts.isPrefixUnaryExpression(value) || ts.isPostfixUnaryExpression(value)) {
    if (value.operator === ts.SyntaxKind.PlusPlusToken || value.operator === ts.SyntaxKind.MinusMinusToken) facts.stepped = true;
    collectOperandFacts(value.operand, facts);
  } else if (ts.isCallExpression(value)) {
    const callee = skipWrappers(value.expression);
    const method = memberName(callee);
    if (method === 'now' || method === 'getTime') facts.timed = true;
    else if (ts.isPropertyAccessExpression(callee)) collectOperandFacts(callee.expression, facts, true);
  } else if (ts.isNewExpression(value) && ts.isIdentifier(value.expression) && value.expression.text === 'Date') {
    facts.timed = true;
  }
}

/** `n`, `this.failures`, `state.attempts`: a variable a counter can live in, as text. */
function variableKey(expression: ts.Expression): string | undefined {
  if (ts.isIdentifier(expression)) return expression.text;
  if (expression.kind === ts.SyntaxKind.ThisKeyword) return 'this';
  if (!ts.isPropertyAccessExpression(expression)) return undefined;
  const object = variableKey(skipWrappers(expression.expression));
  return object !== undefined ? `${object}.${expression.name.text}` : undefined;
}

function intersects(compared: ReadonlySet<string>, stepped: ReadonlySet<string>): boolean {
  for (const variable of compared) if (stepped.has(variable)) return true;
  return false;
}

/** `if (useFallback)` / `if (!isRetry && …)`: a parameter tested as a flag bounds a recursive retry. */
function testsParameter(condition: ts.Expression, parameters: ReadonlySet<string>): boolean {
  const value = skipWrappers(condition);
  if (ts.isIdentifier(value)) return parameters.has(value.text);
  if (ts.isPrefixUnaryExpression(value) && value.operator === ts.SyntaxKind.ExclamationToken) return testsParameter(value.operand, parameters);
  if (ts.isBinaryExpression(value)) {
    const operator = value.operatorToken.kind;
    if (operator === ts.SyntaxKind.AmpersandAmpersandToken || operator === ts.SyntaxKind.BarBarToken) {
      return testsParameter(value.left, parameters) || testsParameter(value.right, parameters);
    }
  }
  return false;
}

function isComparison(operator: ts.SyntaxKind): boolean {
  return (
    operator === ts.SyntaxKind.LessThanToken ||
    operator === ts.SyntaxKind.LessThanEqualsToken ||
    operator === ts.SyntaxKind.GreaterThanToken ||
    operator === ts.SyntaxKind.GreaterThanEqualsToken ||
    isEquality(operator)
  );
}

function isEquality(operator: ts.SyntaxKind): boolean {
  return (
    operator === ts.SyntaxKind.EqualsEqualsEqualsToken ||
    operator === ts.SyntaxKind.EqualsEqualsToken ||
    operator === ts.SyntaxKind.ExclamationEqualsEqualsToken ||
    operator === ts.SyntaxKind.ExclamationEqualsToken
  );
}

/** `'ECONNRESET'`, `null`, `undefined`, `true`, `typeof x`: equality with these classifies, it does not count. */
function isNonNumericConstant(expression: ts.Expression): boolean {
  const value = skipWrappers(expression);
  return (
    ts.isStringLiteralLike(value) ||
    ts.isTypeOfExpression(value) ||
    value.kind === ts.SyntaxKind.NullKeyword ||
    value.kind === ts.SyntaxKind.TrueKeyword ||
    value.kind === ts.SyntaxKind.FalseKeyword ||
    (ts.isIdentifier(value) && value.text === 'undefined')
  );
}

function loopCondition(statement: ts.IterationStatement): ts.Expression | undefined {
  if (ts.isWhileStatement(statement) || ts.isDoStatement(statement)) return statement.expression;
  if (ts.isForStatement(statement)) return statement.condition;
  return undefined;
}

function isEndless(statement: ts.IterationStatement, condition: ts.Expression | undefined): boolean {
  if (ts.isForStatement(statement)) return condition === undefined || isTrueLiteral(condition);
  return (ts.isWhileStatement(statement) || ts.isDoStatement(statement)) && condition !== undefined && isTrueLiteral(condition);
}

/** `done` for `while (!done)` / `while (retrying)`, `this.connected` for `while (!this.connected)`. */
function flagText(condition: ts.Expression): string | undefined {
  let value = skipWrappers(condition);
  if (ts.isPrefixUnaryExpression(value) && value.operator === ts.SyntaxKind.ExclamationToken) value = skipWrappers(value.operand);
  if (ts.isIdentifier(value)) return value.text;
  if (ts.isPropertyAccessExpression(value) && value.expression.kind === ts.SyntaxKind.ThisKeyword) return `this.${value.name.text}`;
  return undefined;
}

/** A `return` or loop-leaving `break` among the loop body's own statements: the pass after `try` leaves. */
function leavesAfterEachPass(body: ts.Statement, label: string | undefined): boolean {
  const statements = ts.isBlock(body) ? body.statements : [body];
  return statements.some(
    (statement) =>
      ts.isReturnStatement(statement) ||
      (ts.isBreakStatement(statement) && (statement.label === undefined || statement.label.text === label)),
  );
}

/** True when a `catch` block always leaves (throws, returns, breaks or exits) rather than retrying. */
function leavesUnconditionally(block: ts.Block): boolean {
  return block.statements.some((statement) => {
    if (ts.isThrowStatement(statement) || ts.isReturnStatement(statement) || ts.isBreakStatement(statement)) return true;
    if (!ts.isExpressionStatement(statement)) return false;
    const expression = skipWrappers(statement.expression);
    return ts.isCallExpression(expression) && skipWrappers(expression.expression).getText() === 'process.exit';
  });
}

/** The name a function can call itself by: its own, its variable's, its method's or its property's. */
function functionName(node: ts.FunctionLikeDeclaration): string | undefined {
  if ((ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node)) && node.name !== undefined) return node.name.text;
  if (ts.isMethodDeclaration(node)) return propertyNameText(node.name);
  if (!ts.isArrowFunction(node) && !ts.isFunctionExpression(node)) return undefined;
  let parent = node.parent;
  while (ts.isParenthesizedExpression(parent) || ts.isAsExpression(parent) || ts.isSatisfiesExpression(parent)) parent = parent.parent;
  if ((ts.isVariableDeclaration(parent) || ts.isPropertyDeclaration(parent) || ts.isPropertyAssignment(parent)) && parent.initializer !== undefined) {
    return ts.isIdentifier(parent.name) ? parent.name.text : propertyNameText(parent.name);
  }
  return undefined;
}

function parameterNames(node: { readonly parameters: readonly { readonly name: ts.BindingName }[] }): Set<string> {
  const names = new Set<string>();
  const add = (name: ts.BindingName): void => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const element of name.elements) if (ts.isBindingElement(element)) add(element.name);
  };
  for (const parameter of node.parameters) add(parameter.name);
  return names;
}

/** The handler of `.catch(handler)` or the second argument of `.then(ok, handler)`. */
function isRejectionHandler(node: ts.Node): boolean {
  const call = node.parent;
  if (!ts.isCallExpression(call)) return false;
  const method = memberName(skipWrappers(call.expression));
  return (method === 'catch' && call.arguments[0] === node) || (method === 'then' && call.arguments[1] === node);
}

/** `setTimeout(…)`, `setImmediate(…)`, `process.nextTick(…)`: a call that runs its function later. */
function isTimerCall(call: ts.CallExpression): boolean {
  const name = calleeLastName(call);
  return name === 'setTimeout' || name === 'setImmediate' || name === 'nextTick' || name === 'requestAnimationFrame';
}

/**
 * Whether the timer call runs `fn` again: `setTimeout(poll, ms)` or `setTimeout(() => this.poll(x), ms)`.
 * Apollo Server's schema reporter schedules its next report so on success, and on failure after a
 * longer delay: a poller, not a retry.
 */
function schedules(call: ts.CallExpression, fn: FunctionFrame): boolean {
  const callback = call.arguments[0];
  if (callback === undefined) return false;
  if (isReferenceTo(callback, fn.name)) return !shadowed(callback, fn);
  const value = skipWrappers(callback);
  if (!ts.isArrowFunction(value) && !ts.isFunctionExpression(value)) return false;
  let body: ts.Node = value.body;
  if (ts.isBlock(body)) {
    const only = body.statements.length === 1 ? body.statements[0] : undefined;
    if (only === undefined || !ts.isExpressionStatement(only)) return false;
    body = only.expression;
  }
  const selfCall = skipWrappers(body as ts.Expression);
  return ts.isCallExpression(selfCall) && isReferenceTo(selfCall.expression, fn.name) && !shadowed(selfCall.expression, fn);
}

/** Whether the error handler's self-call runs through a timer (`setTimeout(() => poll(), ms)`), not at once. */
function isScheduled(selfCall: ts.Node, fn: ts.Node): boolean {
  for (let node = selfCall; node !== fn; node = node.parent) {
    const parent = node.parent;
    if (ts.isCallExpression(parent) && parent.arguments[0] === node && isTimerCall(parent)) return true;
  }
  return false;
}

/** `name` or `this.name`: how a function or method refers to itself. */
function isReferenceTo(expression: ts.Expression, name: string): boolean {
  const value = skipWrappers(expression);
  if (ts.isIdentifier(value)) return value.text === name;
  return ts.isPropertyAccessExpression(value) && value.expression.kind === ts.SyntaxKind.ThisKeyword && value.name.text === name;
}

/**
 * True when a plain `name` at `reference` is another binding than the function: a `const`, `let`,
 * `var`, function or class of that name, a parameter or a caught error declared between them
 * (`catch { const stringify = safeStringify; return stringify(obj) }` calls the fallback, not itself).
 */
function shadowed(reference: ts.Expression, fn: FunctionFrame): boolean {
  const value = skipWrappers(reference);
  if (!ts.isIdentifier(value)) return false;
  const name = fn.name;
  const declares = (binding: ts.BindingName | undefined): boolean => binding !== undefined && parameterNames({ parameters: [{ name: binding }] }).has(name);
  for (let node: ts.Node = value.parent; node !== fn.node.parent; node = node.parent) {
    if (isFunctionWithBody(node) && node.parameters.some((parameter) => declares(parameter.name))) return true;
    if (ts.isCatchClause(node) && declares(node.variableDeclaration?.name)) return true;
    if ((ts.isForStatement(node) || ts.isForOfStatement(node) || ts.isForInStatement(node)) && node.initializer !== undefined && ts.isVariableDeclarationList(node.initializer)) {
      if (node.initializer.declarations.some((declaration) => declares(declaration.name))) return true;
    }
    if (ts.isBlock(node) || ts.isCaseClause(node) || ts.isDefaultClause(node)) {
      for (const statement of node.statements) {
        if (ts.isVariableStatement(statement) && statement.declarationList.declarations.some((declaration) => declares(declaration.name))) return true;
        if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement !== fn.node && statement.name?.text === name) return true;
      }
    }
  }
  return false;
}

/** A test that what was thrown is a promise: `e instanceof Promise`, `typeof e.then === 'function'`. */
const THROWN_PROMISE_TEST = /\binstanceof\s+Promise\b|typeof\s+[\w$.?]+\.then\b/;

/**
 * True when the self-call runs only for a thrown promise (`if (e instanceof Promise) { await e;
 * return render() }`): the Suspense protocol, in which code throws a promise for data that is not
 * ready and is rendered again once it is (hono's JSX renderer). Not an error retried.
 */
function awaitsThrownPromise(selfCall: ts.Node, fn: ts.Node, sourceFile: ts.SourceFile): boolean {
  let child = selfCall;
  for (let node = selfCall.parent; node !== fn && node !== undefined; child = node, node = node.parent) {
    if (ts.isIfStatement(node) && node.thenStatement === child && THROWN_PROMISE_TEST.test(node.expression.getText(sourceFile))) return true;
    if (ts.isConditionalExpression(node) && node.whenTrue === child && THROWN_PROMISE_TEST.test(node.condition.getText(sourceFile))) return true;
  }
  return false;
}

/**
 * `path.dirname(dest)`, `path.resolve(path.dirname(dest))`, `node.parent`: the folder or node above a
 * parameter, the next candidate of a walk up a tree (fs-extra's `checkParentPaths` walks up from the
 * destination until a folder exists).
 */
function isParentOfParameter(expression: ts.Expression, parameters: ReadonlySet<string>): boolean {
  const value = skipWrappers(expression);
  if (ts.isPropertyAccessExpression(value)) {
    const owner = skipWrappers(value.expression);
    return (value.name.text === 'parent' || value.name.text === 'parentNode' || value.name.text === 'parentElement') && ts.isIdentifier(owner) && parameters.has(owner.text);
  }
  if (!ts.isCallExpression(value) || value.arguments.length === 0) return false;
  const method = calleeLastName(value);
  const first = skipWrappers(value.arguments[0]);
  if (method === 'dirname') return ts.isIdentifier(first) && parameters.has(first.text);
  // `path.resolve(path.dirname(dest))`: a parent, normalised.
  return (method === 'resolve' || method === 'normalize') && value.arguments.length === 1 && isParentOfParameter(first, parameters);
}

/**
 * True when the function starts by taking the next item off a queue (`const index = indexes.shift();`
 * in a statement of its body before the self-call, or in the condition of the loop around the
 * self-call): each call moves on to another item, as mongoose creates indexes one by one, instead of
 * retrying the one that failed.
 */
function takesNextItemFirst(fn: ts.FunctionLikeDeclaration, selfCall: ts.Node): boolean {
  const body = fn.body;
  if (body === undefined || !ts.isBlock(body)) return false;
  const takesItem = (node: ts.Node): boolean => {
    if (isFunctionWithBody(node)) return false;
    if (ts.isCallExpression(node) && node.arguments.length === 0) {
      const method = memberName(skipWrappers(node.expression));
      if (method === 'shift' || method === 'pop') return true;
    }
    return ts.forEachChild(node, takesItem) ?? false;
  };
  if (body.statements.some((statement) => statement.end <= selfCall.pos && takesItem(statement))) return true;
  // Or each pass of the loop the self-call sits in takes the next item (`while (r = env.stack.pop())`
  // in TypeScript's `__disposeResources` helper): the call resumes the draining.
  for (let node: ts.Node = selfCall.parent; node !== fn && node !== undefined; node = node.parent) {
    if ((ts.isWhileStatement(node) || ts.isForStatement(node)) && node.statement.pos <= selfCall.pos) {
      const condition = ts.isWhileStatement(node) ? node.expression : node.condition;
      if (condition !== undefined && takesItem(condition)) return true;
    }
  }
  return false;
}

/**
 * True when the self-call passes on what is left of a parameter (`const [, ...rest] = candidates`,
 * `candidates.slice(1)`), or the folder above it (`const parent = path.dirname(dest)`), after a test
 * that leaves (`if (rest.length === 0) throw error`, `if (parent === root) return`): each call tries
 * the next candidate until none is left, as webpack's source-map lookup and fs-extra's walk up do.
 */
function triesNextCandidate(fn: ts.FunctionLikeDeclaration, selfCall: ts.Node): boolean {
  const body = fn.body;
  // A function handed to a timer (`setTimeout(poll, 5000)`) is called with nothing new.
  if (body === undefined || !ts.isBlock(body) || !ts.isCallExpression(selfCall)) return false;
  const parameters = parameterNames(fn);
  const isRestOfParameter = (expression: ts.Expression): boolean => {
    const value = skipWrappers(expression);
    if (!ts.isCallExpression(value) || value.arguments.length === 0) return false;
    const callee = skipWrappers(value.expression);
    const receiver = ts.isPropertyAccessExpression(callee) ? skipWrappers(callee.expression) : undefined;
    return memberName(callee) === 'slice' && receiver !== undefined && ts.isIdentifier(receiver) && parameters.has(receiver.text);
  };
  const nextCandidates = new Set<string>();
  const collect = (node: ts.Node): void => {
    if (node.pos >= selfCall.pos || isFunctionWithBody(node)) return;
    if (ts.isVariableDeclaration(node) && node.initializer !== undefined) {
      const initializer = skipWrappers(node.initializer);
      if (ts.isIdentifier(node.name) && (isRestOfParameter(initializer) || isParentOfParameter(initializer, parameters))) nextCandidates.add(node.name.text);
      if (ts.isArrayBindingPattern(node.name) && ts.isIdentifier(initializer) && parameters.has(initializer.text)) {
        const last = node.name.elements[node.name.elements.length - 1];
        if (last !== undefined && ts.isBindingElement(last) && last.dotDotDotToken !== undefined && ts.isIdentifier(last.name)) nextCandidates.add(last.name.text);
      }
    }
    ts.forEachChild(node, collect);
  };
  body.statements.forEach(collect);
  const passed = selfCall.arguments.filter((argument) => {
    const value = skipWrappers(argument);
    return (ts.isIdentifier(value) && nextCandidates.has(value.text)) || isRestOfParameter(value);
  });
  if (passed.length === 0) return false;
  const tested = new Set([...nextCandidates, ...parameters]);
  const testsFirst = (node: ts.Node): boolean => {
    if (node.pos >= selfCall.pos || isFunctionWithBody(node)) return false;
    if (ts.isIfStatement(node) && node.end <= selfCall.pos && leaves(node.thenStatement) && mentionsAny(node.expression, tested)) return true;
    return ts.forEachChild(node, testsFirst) === true;
  };
  return body.statements.some(testsFirst);
}

/** The names a parameter or catch binding declares, for the plain identifier case. */
function bindingNames(name: ts.BindingName | undefined): ReadonlySet<string> | undefined {
  return name !== undefined && ts.isIdentifier(name) ? new Set([name.text]) : undefined;
}

function passesError(call: ts.CallExpression, errorNames: ReadonlySet<string> | undefined): boolean {
  if (errorNames === undefined) return false;
  return call.arguments.some((argument) => {
    const value = skipWrappers(argument);
    return ts.isIdentifier(value) && errorNames.has(value.text);
  });
}

/**
 * A loop that tries another input each time round: a name the `try` reads is given a new value in
 * the loop, other than an arithmetic step of itself, that is computed from the value it replaces
 * (`rest = rest.slice(error.end)`), or that the loop leaves on a test of (`current = parent` after
 * `if (parent === current) break`, walking up folders until one exists, as the Anthropic SDK does).
 * A retry repeats the same operation: a token refreshed from nothing with no such test, a backoff
 * (`delay = delay * 2`) or an attempt counter does not count. The Python rule reads the same.
 */
function movesOn(loop: ts.IterationStatement): boolean {
  const tries: ts.TryStatement[] = [];
  const findTries = (node: ts.Node): void => {
    if (isFunctionWithBody(node)) return;
    if (ts.isTryStatement(node)) tries.push(node);
    else ts.forEachChild(node, findTries);
  };
  findTries(loop.statement);
  const read = new Set<string>();
  const collectReads = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) read.add(node.text);
    ts.forEachChild(node, collectReads);
  };
  for (const attempt of tries) collectReads(attempt.tryBlock);
  // What the `try` reads through a variable the loop computes first (`const filePath =
  // path.join(directory, name)` before `try { fs.statSync(filePath) }`) is read by it too.
  const computed: ts.VariableDeclaration[] = [];
  const findComputed = (node: ts.Node): void => {
    if (isFunctionWithBody(node) || tries.includes(node as ts.TryStatement)) return;
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer !== undefined) computed.push(node);
    ts.forEachChild(node, findComputed);
  };
  findComputed(loop.statement);
  for (let grew = true; grew; ) {
    grew = false;
    for (const declaration of computed) {
      if (!read.has((declaration.name as ts.Identifier).text)) continue;
      const before = read.size;
      collectReads(declaration.initializer as ts.Expression);
      if (read.size > before) grew = true;
    }
  }
  const moved = new Set<string>();
  let derived = false;
  const exitTests: ts.Expression[] = [];
  const visit = (node: ts.Node): void => {
    if (isFunctionWithBody(node)) return;
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const target = skipWrappers(node.left);
      if (ts.isIdentifier(target) && read.has(target.text) && !isStepOf(node.right, target.text) && !tries.some((attempt) => contains(attempt.tryBlock, node))) {
        // Computed from the value it replaces (`rest = rest.slice(error.end)`): the next input.
        if (mentionsAny(node.right, new Set([target.text]))) derived = true;
        moved.add(target.text);
        const value = skipWrappers(node.right);
        if (ts.isIdentifier(value)) moved.add(value.text);
      }
    }
    if (ts.isIfStatement(node) && leaves(node.thenStatement)) exitTests.push(node.expression);
    ts.forEachChild(node, visit);
  };
  visit(loop.statement);
  if (derived) return true;
  if (moved.size === 0) return false;
  return exitTests.some((test) => mentionsAny(test, moved));
}

/** `n + 1`, `delay * 2`, `Math.min(delay * 2, max)`: a value computed from `name` by arithmetic. */
function isStepOf(expression: ts.Expression, name: string): boolean {
  let mentions = false;
  let other = false;
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) {
      if (node.text === name) mentions = true;
    } else if (ts.isCallExpression(node)) {
      // `Math.min(…)`, `Math.max(…)`: clamping a step keeps it a step; another call computes something new.
      const callee = skipWrappers(node.expression);
      if (!(ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'Math')) other = true;
      node.arguments.forEach(visit);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(expression);
  return mentions && !other;
}

/** True when an identifier in `node` is one of `names`. */
function mentionsAny(node: ts.Node, names: ReadonlySet<string>): boolean {
  return (ts.isIdentifier(node) && names.has(node.text)) || (ts.forEachChild(node, (child) => mentionsAny(child, names) || undefined) ?? false);
}

function contains(outer: ts.Node, inner: ts.Node): boolean {
  return inner.pos >= outer.pos && inner.end <= outer.end;
}

/**
 * True when the loop leaves on a condition that hands the decision to something that bounds it: a
 * call given the attempt count (`if (!(await waitToRetry(attempt))) return error`), or an abort
 * signal's state (`if (signal.aborted) throw e`: the caller's deadline or cancellation).
 */
function delegatesBound(loop: ts.IterationStatement, stepped: ReadonlySet<string>): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found || isFunctionWithBody(node)) return;
    if (ts.isIfStatement(node) && leaves(node.thenStatement) && decidesByBound(node.expression, stepped)) {
      found = true;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(loop.statement);
  return found;
}

function leaves(statement: ts.Statement): boolean {
  return ts.isBlock(statement) ? leavesUnconditionally(statement) : ts.isThrowStatement(statement) || ts.isReturnStatement(statement) || ts.isBreakStatement(statement);
}

function decidesByBound(condition: ts.Expression, stepped: ReadonlySet<string>): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isPropertyAccessExpression(node) && node.name.text === 'aborted') found = true;
    else if (ts.isCallExpression(node)) {
      found = node.arguments.some((argument) => {
        const value = skipWrappers(argument);
        const key = variableKey(value);
        return key !== undefined && (stepped.has(key) || BOUND_NAME.test(key));
      });
    }
    if (!found) ts.forEachChild(node, visit);
  };
  visit(condition);
  return found;
}

/**
 * A loop that dispatches on a state it assigns, directly or inside a `try`: regenerator's
 * `while (1) switch (_context.prev = _context.next)` and hand-written state machines. Going round
 * moves to the next state (the `catch` state included); it is not another attempt.
 */
function isStateMachine(statement: ts.IterationStatement, sourceFile: ts.SourceFile): boolean {
  let body: ts.Statement = statement.statement;
  for (;;) {
    if (ts.isBlock(body) && body.statements.length === 1) body = body.statements[0];
    else if (ts.isTryStatement(body) && body.tryBlock.statements.length === 1) body = body.tryBlock.statements[0];
    else break;
  }
  if (!ts.isSwitchStatement(body)) return false;
  const states = new Set<string>();
  const collectState = (node: ts.Node): void => {
    const value = skipWrappers(node as ts.Expression);
    if (ts.isIdentifier(value) || ts.isPropertyAccessExpression(value)) states.add(value.getText(sourceFile));
    else if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      collectState(value.left);
      collectState(value.right);
    }
  };
  collectState(body.expression);
  if (states.size === 0) return false;
  let assignsState = false;
  const visit = (node: ts.Node): void => {
    if (assignsState) return;
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && states.has(skipWrappers(node.left).getText(sourceFile))) {
      assignsState = true;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(body.caseBlock);
  return assignsState;
}
