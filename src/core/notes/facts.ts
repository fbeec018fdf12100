/**
 * Facts the tool knows from the syntax tree (issue 11, "explain-back"), each checked against the
 * note by fact-check.ts:
 * - the timeout of a network call, from `AbortSignal.timeout(ms)`, an options object's `timeout: ms`
 *   (axios, got, execFile) or a `const` of the same file they name;
 * - what bounds a loop: the other side of its comparison (a const, a parameter default, a length),
 *   or nothing (`while (true)` with no way out);
 * - what a `catch` does with the error: throws again, returns, or carries on;
 * - the pattern of a regular expression written literally (claims about it are checked by running it);
 * - the environment variables the block reads by name.
 * Question facts carry the id of the question they answer, computed as blockQuestions does.
 */
import { ts } from 'ts-morph';
import { scriptKindFor, type LineRange } from '../check/engine';
import type { BuiltFromFact, CatchFact, EnvFact, KnownFact, LoopFact, RegexFact, TimeoutFact } from './fact-check';
import { questionId } from './questions';
import { languageBlockFacts } from './language-notes';

/** Every fact about the constructs that start inside `range` (1-based, inclusive) of a TS/JS file. */
export function blockFacts(path: string, text: string, range: LineRange, tree?: ts.SourceFile): KnownFact[] {
  const scriptKind = scriptKindFor(path);
  if (scriptKind === undefined) return languageBlockFacts(path, text, range) ?? [];
  // `tree`: the file already parsed (the assessment parses once for questions and facts).
  const sourceFile = tree ?? ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, scriptKind);
  const constants = numericConstants(sourceFile);
  const loopBounds = numericConstants(sourceFile, true);
  const facts: KnownFact[] = [...timeoutFactsIn(sourceFile, range, constants)];
  const envNames: string[] = [];
  const lineOf = (node: ts.Node): number => sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1;
  const visit = (node: ts.Node): void => {
    const line = lineOf(node);
    if (line >= range.startLine && line <= range.endLine) {
      if (isLoop(node)) {
        const fact = loopFact(node, sourceFile, loopBounds);
        if (fact) facts.push(fact);
      } else if (ts.isCatchClause(node)) {
        facts.push(catchClauseFact(node, sourceFile));
      } else if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'catch') {
        const fact = catchCallFact(node, sourceFile);
        if (fact) facts.push(fact);
      } else if (ts.isRegularExpressionLiteral(node)) {
        const fact = regexLiteralFact(node);
        if (fact) facts.push(fact);
      } else if (ts.isNewExpression(node) || ts.isCallExpression(node)) {
        const fact = regexConstructorFact(node, sourceFile);
        if (fact) facts.push(fact);
        facts.push(...builtFromFacts(node, sourceFile));
      }
      for (const name of envReads(node)) if (!envNames.includes(name)) envNames.push(name);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  if (envNames.length > 0) facts.push({ kind: 'env', names: envNames } satisfies EnvFact);
  return facts;
}

/** The timeouts set on calls inside `range` of the file. */
export function timeoutFacts(path: string, text: string, range: LineRange): TimeoutFact[] {
  return blockFacts(path, text, range).filter((fact): fact is TimeoutFact => fact.kind === 'timeout');
}

function timeoutFactsIn(sourceFile: ts.SourceFile, range: LineRange, constants: ReadonlyMap<string, number>): TimeoutFact[] {
  const facts: TimeoutFact[] = [];
  const lineOf = (node: ts.Node): number => sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && lineOf(node) >= range.startLine && lineOf(node) <= range.endLine) {
      const found = timeoutOfCall(node, constants, sourceFile);
      if (found) facts.push({ kind: 'timeout', questionId: questionId('network', node.getText(sourceFile)), ...found });
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return facts;
}

/**
 * `const NAME = 5_000` (also `5 * 1000`) anywhere in the file, by name. With `parameterDefaults`,
 * also a parameter's numeric default (`maxAttempts = 4`): a loop bound's usual value, though a
 * caller may pass another (so a loop answer may give the name instead, and timeouts do not use it).
 */
function numericConstants(sourceFile: ts.SourceFile, parameterDefaults = false): Map<string, number> {
  const constants = new Map<string, number>();
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && ts.getCombinedNodeFlags(node) & ts.NodeFlags.Const) {
      const value = numericValue(node.initializer, new Map());
      if (value !== undefined) constants.set(node.name.text, value);
    } else if (parameterDefaults && ts.isParameter(node) && ts.isIdentifier(node.name) && node.initializer && !constants.has(node.name.text)) {
      const value = numericValue(node.initializer, new Map());
      if (value !== undefined) constants.set(node.name.text, value);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return constants;
}

function numericValue(node: ts.Expression, constants: ReadonlyMap<string, number>): number | undefined {
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (ts.isParenthesizedExpression(node)) return numericValue(node.expression, constants);
  if (ts.isIdentifier(node)) return constants.get(node.text);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.AsteriskToken) {
    const left = numericValue(node.left, constants);
    const right = numericValue(node.right, constants);
    return left !== undefined && right !== undefined ? left * right : undefined;
  }
  return undefined;
}

/** The timeout an options argument of this call sets: `signal: AbortSignal.timeout(x)` or `timeout: x`. */
function timeoutOfCall(call: ts.CallExpression, constants: ReadonlyMap<string, number>, sourceFile: ts.SourceFile): Omit<TimeoutFact, 'kind' | 'questionId'> | undefined {
  for (const argument of call.arguments) {
    if (!ts.isObjectLiteralExpression(argument)) continue;
    for (const property of argument.properties) {
      if (!ts.isPropertyAssignment(property) || !ts.isIdentifier(property.name)) continue;
      const value = property.initializer;
      if (property.name.text === 'timeout') {
        const milliseconds = numericValue(value, constants);
        if (milliseconds !== undefined) return { milliseconds, source: property.getText(sourceFile) };
      }
      if (property.name.text === 'signal' && ts.isCallExpression(value) && value.expression.getText(sourceFile) === 'AbortSignal.timeout' && value.arguments[0]) {
        const milliseconds = numericValue(value.arguments[0], constants);
        if (milliseconds !== undefined) return { milliseconds, source: value.getText(sourceFile) };
      }
    }
  }
  return undefined;
}

function isLoop(node: ts.Node): node is ts.ForStatement | ts.WhileStatement | ts.DoStatement {
  return ts.isForStatement(node) || ts.isWhileStatement(node) || ts.isDoStatement(node);
}

/**
 * What bounds a `for`, `while` or `do` loop. `for…of`/`for…in` get no fact: their bound is the
 * collection, which may be anything. Undefined when the head is not a plain comparison the tool can read.
 */
function loopFact(loop: ts.ForStatement | ts.WhileStatement | ts.DoStatement, sourceFile: ts.SourceFile, constants: ReadonlyMap<string, number>): LoopFact | undefined {
  const id = questionId('loop', loop.getText(sourceFile));
  const condition = ts.isForStatement(loop) ? loop.condition : loop.expression;
  const inner = condition ? skipParentheses(condition) : undefined;
  if (!inner || inner.kind === ts.SyntaxKind.TrueKeyword) {
    if (hasExit(loop.statement)) return undefined;
    const source = ts.isForStatement(loop) ? 'for (;;)' : ts.isWhileStatement(loop) ? 'while (true)' : 'do … while (true)';
    return { kind: 'loop', questionId: id, source, bounded: false };
  }
  if (!ts.isBinaryExpression(inner)) return undefined;
  const operator = inner.operatorToken.kind;
  const comparisons = [ts.SyntaxKind.LessThanToken, ts.SyntaxKind.LessThanEqualsToken, ts.SyntaxKind.GreaterThanToken, ts.SyntaxKind.GreaterThanEqualsToken];
  if (!comparisons.includes(operator)) return undefined;
  const counters = updatedNames(loop);
  const leftCounts = ts.isIdentifier(skipParentheses(inner.left)) && counters.has((skipParentheses(inner.left) as ts.Identifier).text);
  const rightCounts = ts.isIdentifier(skipParentheses(inner.right)) && counters.has((skipParentheses(inner.right) as ts.Identifier).text);
  if (leftCounts === rightCounts) return undefined;
  const bound = skipParentheses(leftCounts ? inner.right : inner.left);
  const names = boundNames(bound, sourceFile);
  const value = numericValue(bound, constants);
  if (names.length === 0 && value === undefined) return undefined;
  return {
    kind: 'loop',
    questionId: id,
    source: inner.getText(sourceFile),
    bounded: true,
    names: names.length > 0 ? names : [String(value)],
    ...(value !== undefined ? { value } : {}),
  };
}

/** Names that stand for a bound in an answer: `MAX`, `options.maxAttempts` → `maxAttempts`, `items.length` → `items`. */
function boundNames(bound: ts.Expression, sourceFile: ts.SourceFile): string[] {
  if (ts.isIdentifier(bound)) return [bound.text];
  if (ts.isPropertyAccessExpression(bound)) {
    if (bound.name.text === 'length' || bound.name.text === 'size') return [bound.getText(sourceFile), ...boundNames(skipParentheses(bound.expression), sourceFile)];
    return [bound.getText(sourceFile), bound.name.text];
  }
  return [];
}

/** Identifiers the loop changes: the `for` incrementor and initializer, `x++`, `x += …`, `x = …` in its body. */
function updatedNames(loop: ts.IterationStatement): Set<string> {
  const names = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node)) return;
    if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) && ts.isIdentifier(node.operand)) {
      if (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken) names.add(node.operand.text);
    } else if (ts.isBinaryExpression(node) && ts.isIdentifier(node.left)) {
      const kind = node.operatorToken.kind;
      if (kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment) names.add(node.left.text);
    } else if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name)) {
      names.add(node.name.text);
    }
    ts.forEachChild(node, visit);
  };
  if (ts.isForStatement(loop)) {
    if (loop.initializer) visit(loop.initializer);
    if (loop.incrementor) visit(loop.incrementor);
  }
  visit(loop.statement);
  return names;
}

/**
 * Whether the loop body has a way out: a `break` (not one of an inner loop or switch, unless
 * labelled), a `return`, a `throw`, or `process.exit`. Nested functions do not count.
 */
function hasExit(body: ts.Statement): boolean {
  let found = false;
  const visit = (node: ts.Node, innerBreakable: boolean): void => {
    if (found || ts.isFunctionLike(node) || ts.isClassLike(node)) return;
    if (ts.isReturnStatement(node) || ts.isThrowStatement(node)) found = true;
    else if (ts.isBreakStatement(node) && (!innerBreakable || node.label)) found = true;
    else if (ts.isCallExpression(node) && node.expression.getText() === 'process.exit') found = true;
    const breakable = innerBreakable || ts.isIterationStatement(node, false) || ts.isSwitchStatement(node);
    ts.forEachChild(node, (child) => visit(child, breakable));
  };
  visit(body, false);
  return found;
}

/** What a catch clause does with the error, judged by its own statements (nested functions aside). */
function catchClauseFact(clause: ts.CatchClause, sourceFile: ts.SourceFile): CatchFact {
  const id = questionId('catch', clause.getText(sourceFile));
  const decisive = firstExit(clause.block);
  if (decisive && ts.isThrowStatement(decisive)) return { kind: 'catch', questionId: id, behaviour: 'rethrows', source: oneLine(decisive.getText(sourceFile)) };
  if (decisive && ts.isReturnStatement(decisive)) return { kind: 'catch', questionId: id, behaviour: 'returns', source: oneLine(decisive.getText(sourceFile)) };
  return { kind: 'catch', questionId: id, behaviour: 'swallows', source: 'catch' };
}

/** `.catch(handler)`: a handler that throws rethrows; an empty one swallows; one that returns a value returns. */
function catchCallFact(call: ts.CallExpression, sourceFile: ts.SourceFile): CatchFact | undefined {
  const handler = call.arguments[0];
  if (!handler || (!ts.isArrowFunction(handler) && !ts.isFunctionExpression(handler))) return undefined;
  const id = questionId('catch', call.getText(sourceFile));
  if (!ts.isBlock(handler.body)) return { kind: 'catch', questionId: id, behaviour: 'returns', source: oneLine(handler.body.getText(sourceFile)) };
  const decisive = firstExit(handler.body);
  if (decisive && ts.isThrowStatement(decisive)) return { kind: 'catch', questionId: id, behaviour: 'rethrows', source: oneLine(decisive.getText(sourceFile)) };
  if (decisive && ts.isReturnStatement(decisive) && decisive.expression) return { kind: 'catch', questionId: id, behaviour: 'returns', source: oneLine(decisive.getText(sourceFile)) };
  return { kind: 'catch', questionId: id, behaviour: 'swallows', source: '.catch' };
}

/** The first `throw` in a block, else its first `return` (nested functions aside). */
function firstExit(block: ts.Block): ts.ThrowStatement | ts.ReturnStatement | undefined {
  let thrown: ts.ThrowStatement | undefined;
  let returned: ts.ReturnStatement | undefined;
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return;
    if (ts.isThrowStatement(node)) thrown ??= node;
    else if (ts.isReturnStatement(node)) returned ??= node;
    ts.forEachChild(node, visit);
  };
  visit(block);
  return thrown ?? returned;
}

function regexLiteralFact(node: ts.RegularExpressionLiteral): RegexFact | undefined {
  const match = /^\/(.*)\/([a-z]*)$/s.exec(node.text);
  if (!match) return undefined;
  return { kind: 'regex', questionId: questionId('regex', node.text), pattern: match[1], flags: match[2], display: node.text };
}

/** `new RegExp('literal', 'flags')` or `RegExp('literal')`: only a literal pattern is a known fact. */
function regexConstructorFact(node: ts.NewExpression | ts.CallExpression, sourceFile: ts.SourceFile): RegexFact | undefined {
  if (!ts.isIdentifier(node.expression) || node.expression.text !== 'RegExp') return undefined;
  const [pattern, flags] = node.arguments ?? [];
  if (!pattern || !ts.isStringLiteralLike(pattern)) return undefined;
  const flagText = flags && ts.isStringLiteralLike(flags) ? flags.text : '';
  return { kind: 'regex', questionId: questionId('regex', node.getText(sourceFile)), pattern: pattern.text, flags: flagText, display: `/${pattern.text}/${flagText}` };
}

/** Names read from `process.env` at this node: `process.env.NAME`, `process.env['NAME']`, `const { A, B } = process.env`. */
function envReads(node: ts.Node): string[] {
  const isProcessEnv = (expression: ts.Expression): boolean => {
    const inner = skipParentheses(expression);
    return ts.isPropertyAccessExpression(inner) && inner.name.text === 'env' && ts.isIdentifier(inner.expression) && inner.expression.text === 'process';
  };
  if (ts.isPropertyAccessExpression(node) && isProcessEnv(node.expression)) return [node.name.text];
  if (ts.isElementAccessExpression(node) && isProcessEnv(node.expression) && ts.isStringLiteralLike(node.argumentExpression)) return [node.argumentExpression.text];
  if (ts.isVariableDeclaration(node) && node.initializer && isProcessEnv(node.initializer) && ts.isObjectBindingPattern(node.name)) {
    return node.name.elements.flatMap((element) => {
      const key = element.propertyName ?? element.name;
      return ts.isIdentifier(key) ? [key.text] : ts.isStringLiteralLike(key) ? [key.text] : [];
    });
  }
  return [];
}

function skipParentheses(node: ts.Expression): ts.Expression {
  let current = node;
  while (ts.isParenthesizedExpression(current) || ts.isNonNullExpression(current) || ts.isAsExpression(current)) current = current.expression;
  return current;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= 60 ? flat : `${flat.slice(0, 59)}…`;
}

/**
 * What the first argument of a call is built from, as a fact for each question that may be asked
 * about the call (shell, SQL, eval: their ids differ only by kind). Facts no question asks for are
 * never checked, so the call's kind need not be decided twice.
 */
function builtFromFacts(call: ts.CallExpression | ts.NewExpression, sourceFile: ts.SourceFile): BuiltFromFact[] {
  const first = call.arguments?.[0];
  if (!first) return [];
  const inputs = valuesIn(first, sourceFile);
  if (inputs.length === 0) return [];
  const identity = call.getText(sourceFile);
  return (
    [
      ['shell', 'command'],
      ['sql', 'SQL'],
      ['eval', 'code'],
    ] as const
  ).map(([kind, what]) => ({ kind: 'built-from', questionId: questionId(kind, identity), what, inputs }));
}

/** The values (not literals) a string expression is made of, each once. */
function valuesIn(expression: ts.Expression, sourceFile: ts.SourceFile): { source: string; names: string[] }[] {
  const found = new Map<string, string[]>();
  const visit = (node: ts.Expression): void => {
    const inner = skipParentheses(node);
    if (ts.isStringLiteralLike(inner) || ts.isNumericLiteral(inner)) return;
    if (ts.isTemplateExpression(inner)) {
      for (const span of inner.templateSpans) visit(span.expression);
      return;
    }
    if (ts.isBinaryExpression(inner) && inner.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      visit(inner.left);
      visit(inner.right);
      return;
    }
    const source = oneLine(inner.getText(sourceFile));
    if (found.has(source)) return;
    const names = [source];
    // `req.query.id`: "id" or "req" also say which value; `String(count)`: "count".
    if (ts.isPropertyAccessExpression(inner)) names.push(inner.name.text, rootName(inner));
    if (ts.isCallExpression(inner)) for (const argument of inner.arguments) names.push(oneLine(argument.getText(sourceFile)));
    found.set(source, names.filter((name) => name.length > 0));
  };
  visit(expression);
  return [...found].map(([source, names]) => ({ source, names }));
}

function rootName(node: ts.Expression): string {
  let current = node;
  while (ts.isPropertyAccessExpression(current) || ts.isElementAccessExpression(current) || ts.isCallExpression(current)) current = current.expression;
  return ts.isIdentifier(current) ? current.text : '';
}
