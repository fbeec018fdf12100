import { createHash } from 'node:crypto';
import { builtinModules } from 'node:module';
import { ts } from 'ts-morph';
import { scriptKindFor, type LineRange } from '../check/engine';

/** What construct a block question is about. */
export type QuestionKind = 'network' | 'unhandled-await' | 'loop' | 'catch' | 'dependency' | 'regex';

/**
 * Kinds from most to least important: the order in which questions are kept when a block has more
 * than the cap. Missing timeouts and unhandled rejections are the defects AI code ships most often.
 */
export const QUESTION_KIND_PRIORITY: readonly QuestionKind[] = ['network', 'unhandled-await', 'loop', 'catch', 'dependency', 'regex'];

/** A question specific to one block, derived from its syntax tree. */
export interface BlockQuestion {
  /**
   * `<kind>-<hash>` where the hash covers the construct's text (whitespace-normalised), not its
   * position: the id survives lines moving above the block, and changes when the construct does.
   */
  id: string;
  kind: QuestionKind;
  text: string;
  /** 1-based line of the construct in the file. */
  line: number;
}

/** Options for {@link blockQuestions}. */
export interface BlockQuestionOptions {
  /** Keep at most this many questions (most important first). Default {@link DEFAULT_MAX_QUESTIONS}. */
  maxQuestions?: number;
  /** An already parsed tree of the same text (the engine parses once); parsed here when absent. */
  sourceFile?: ts.SourceFile;
}

/** How many questions a block gets by default: enough to make the note specific, few enough to answer. */
export const DEFAULT_MAX_QUESTIONS = 6;

/** Modules whose default export, namespace or `require` result is an HTTP client. */
const NETWORK_MODULES: ReadonlySet<string> = new Set([
  'axios',
  'got',
  'ky',
  'node-fetch',
  'cross-fetch',
  'isomorphic-fetch',
  'superagent',
  'request',
  'needle',
  'undici',
  'http',
  'https',
  'http2',
  'net',
  'tls',
  'node:http',
  'node:https',
  'node:http2',
  'node:net',
  'node:tls',
]);

/** Conventional names of HTTP clients, recognised even when their import is not in the file. */
const NETWORK_ROOT_NAMES: ReadonlySet<string> = new Set(['axios', 'got', 'ky', 'superagent', 'needle', 'undici', 'http', 'https', 'http2']);

/** Global functions that make requests. */
const NETWORK_GLOBAL_FUNCTIONS: ReadonlySet<string> = new Set(['fetch']);

/** Constructors that open connections. */
const NETWORK_CONSTRUCTORS: ReadonlySet<string> = new Set(['XMLHttpRequest', 'WebSocket', 'EventSource']);

/** Methods of a network module that make a request or open a connection. */
const NETWORK_METHODS: ReadonlySet<string> = new Set([
  'get',
  'post',
  'put',
  'patch',
  'delete',
  'del',
  'head',
  'options',
  'request',
  'fetch',
  'stream',
  'connect',
  'createConnection',
  'ajax',
  'getJSON',
]);

const BUILTIN_MODULES: ReadonlySet<string> = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/**
 * Questions about the constructs that start inside `range` (1-based, inclusive) of a TypeScript or
 * JavaScript file: network calls, loops, awaited calls outside any `try`, error handlers, package
 * imports and regular expressions. The whole file is parsed, so context outside the block (an
 * enclosing `try`, the file's imports) is taken into account. Other languages get no questions.
 */
export function blockQuestions(path: string, text: string, range: LineRange, options: BlockQuestionOptions = {}): BlockQuestion[] {
  const scriptKind = scriptKindFor(path);
  if (scriptKind === undefined) return [];
  const sourceFile = options.sourceFile ?? ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, scriptKind);
  const collector = new QuestionCollector(sourceFile, range);
  collector.collect();
  const max = options.maxQuestions ?? DEFAULT_MAX_QUESTIONS;
  return collector.sorted().slice(0, Math.max(0, max));
}

class QuestionCollector {
  private readonly found = new Map<string, BlockQuestion>();
  /** Local names bound to a network client (`import axios from 'axios'`, `const http = require('http')`). */
  private readonly networkRoots = new Set<string>(NETWORK_ROOT_NAMES);
  /** Local names bound to a request function (`import { request } from 'undici'`). */
  private readonly networkFunctions = new Set<string>(NETWORK_GLOBAL_FUNCTIONS);
  /** Calls already asked about as network calls, so they do not also get an unhandled-await question. */
  private readonly networkCalls = new Set<ts.Node>();

  constructor(
    private readonly sourceFile: ts.SourceFile,
    private readonly range: LineRange,
  ) {}

  collect(): void {
    this.bindNetworkNames(this.sourceFile);
    this.visit(this.sourceFile);
  }

  sorted(): BlockQuestion[] {
    return [...this.found.values()].sort(
      (a, b) => QUESTION_KIND_PRIORITY.indexOf(a.kind) - QUESTION_KIND_PRIORITY.indexOf(b.kind) || a.line - b.line,
    );
  }

  private lineOf(node: ts.Node): number {
    return this.sourceFile.getLineAndCharacterOfPosition(node.getStart(this.sourceFile)).line + 1;
  }

  private inRange(node: ts.Node): boolean {
    const line = this.lineOf(node);
    return line >= this.range.startLine && line <= this.range.endLine;
  }

  /** Skips subtrees that lie wholly outside the block; they cannot hold a construct starting inside it. */
  private overlapsRange(node: ts.Node): boolean {
    if (node.kind === ts.SyntaxKind.SourceFile) return true;
    const start = this.sourceFile.getLineAndCharacterOfPosition(node.getStart(this.sourceFile)).line + 1;
    const end = this.sourceFile.getLineAndCharacterOfPosition(node.getEnd()).line + 1;
    return start <= this.range.endLine && end >= this.range.startLine;
  }

  private add(kind: QuestionKind, identity: string, node: ts.Node, text: string): void {
    const id = questionId(kind, identity);
    if (!this.found.has(id)) this.found.set(id, { id, kind, text, line: this.lineOf(node) });
  }

  private bindNetworkNames(sourceFile: ts.SourceFile): void {
    const visit = (node: ts.Node): void => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && NETWORK_MODULES.has(node.moduleSpecifier.text)) {
        const clause = node.importClause;
        if (clause && !clause.isTypeOnly) {
          if (clause.name) this.networkRoots.add(clause.name.text);
          const bindings = clause.namedBindings;
          if (bindings && ts.isNamespaceImport(bindings)) this.networkRoots.add(bindings.name.text);
          if (bindings && ts.isNamedImports(bindings)) {
            for (const element of bindings.elements) {
              const imported = (element.propertyName ?? element.name).text;
              if (imported === 'default') this.networkRoots.add(element.name.text);
              else if (NETWORK_METHODS.has(imported)) this.networkFunctions.add(element.name.text);
            }
          }
        }
      } else if (ts.isVariableDeclaration(node) && node.initializer) {
        const moduleName = requiredModule(node.initializer);
        if (moduleName !== undefined && NETWORK_MODULES.has(moduleName)) {
          if (ts.isIdentifier(node.name)) this.networkRoots.add(node.name.text);
          else if (ts.isObjectBindingPattern(node.name)) {
            for (const element of node.name.elements) {
              const imported = element.propertyName && ts.isIdentifier(element.propertyName) ? element.propertyName.text : undefined;
              if (ts.isIdentifier(element.name) && NETWORK_METHODS.has(imported ?? element.name.text)) {
                this.networkFunctions.add(element.name.text);
              }
            }
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
  }

  private visit = (node: ts.Node): void => {
    if (!this.overlapsRange(node)) return;
    if (this.inRange(node)) this.inspect(node);
    ts.forEachChild(node, this.visit);
  };

  private inspect(node: ts.Node): void {
    if (ts.isCallExpression(node)) {
      this.inspectCall(node);
    } else if (ts.isNewExpression(node)) {
      this.inspectNew(node);
    } else if (ts.isAwaitExpression(node)) {
      this.inspectAwait(node);
    } else if (isLoop(node)) {
      if (!isObviouslyBounded(node)) {
        const line = this.lineOf(node);
        this.add('loop', node.getText(this.sourceFile), node, `What bounds the loop at line ${line}?`);
      }
    } else if (ts.isCatchClause(node)) {
      const line = this.lineOf(node);
      const empty = node.block.statements.length === 0;
      this.add(
        'catch',
        node.getText(this.sourceFile),
        node,
        empty
          ? `The catch at line ${line} is empty: why is ignoring the error here correct?`
          : `Why is handling the error here (line ${line}) correct?`,
      );
    } else if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      if (ts.isStringLiteral(node.moduleSpecifier) && !clause?.isTypeOnly) this.askDependency(node.moduleSpecifier.text, node);
    } else if (ts.isRegularExpressionLiteral(node)) {
      this.add('regex', node.text, node, `What input does ${inlineCode(shorten(node.text, 48))} reject?`);
    }
  }

  private inspectCall(call: ts.CallExpression): void {
    const required = requiredModule(call);
    if (required !== undefined) {
      this.askDependency(required, call);
      return;
    }
    if (this.isNetworkCall(call)) {
      this.networkCalls.add(call);
      const line = this.lineOf(call);
      this.add(
        'network',
        call.getText(this.sourceFile),
        call,
        `What is the timeout on ${inlineCode(calleeDisplay(call.expression, this.sourceFile))} at line ${line}, and what happens when it fails?`,
      );
      return;
    }
    const calleeName = ts.isIdentifier(call.expression) ? call.expression.text : undefined;
    if (calleeName === 'RegExp') {
      this.add('regex', call.getText(this.sourceFile), call, `What input does ${inlineCode(regexDisplay(call, this.sourceFile))} reject?`);
      return;
    }
    if (ts.isPropertyAccessExpression(call.expression) && call.expression.name.text === 'catch') {
      const line = this.lineOf(call.expression.name);
      const handler = call.arguments[0];
      const swallows = handler !== undefined && isEmptyFunction(handler);
      this.add(
        'catch',
        call.getText(this.sourceFile),
        call.expression.name,
        swallows
          ? `The \`.catch\` at line ${line} ignores the error: why is that correct?`
          : `Why is handling the error here (line ${line}) correct?`,
      );
    }
  }

  private inspectNew(expression: ts.NewExpression): void {
    const name = ts.isIdentifier(expression.expression) ? expression.expression.text : undefined;
    if (name === 'RegExp') {
      this.add('regex', expression.getText(this.sourceFile), expression, `What input does ${inlineCode(regexDisplay(expression, this.sourceFile))} reject?`);
    } else if (name !== undefined && NETWORK_CONSTRUCTORS.has(name)) {
      const line = this.lineOf(expression);
      this.add(
        'network',
        expression.getText(this.sourceFile),
        expression,
        `What is the timeout on ${inlineCode(`new ${name}(...)`)} at line ${line}, and what happens when it fails?`,
      );
    }
  }

  private inspectAwait(node: ts.AwaitExpression): void {
    const awaited = skipParentheses(node.expression);
    if (!ts.isCallExpression(awaited)) return;
    if (this.isNetworkCall(awaited)) return; // the network question already asks what happens on failure
    if (handlesRejection(awaited) || neverRejects(awaited)) return;
    if (isInsideTry(node)) return;
    const line = this.lineOf(node);
    this.add(
      'unhandled-await',
      awaited.getText(this.sourceFile),
      node,
      `What happens when ${inlineCode(calleeDisplay(awaited.expression, this.sourceFile))} at line ${line} rejects?`,
    );
  }

  private askDependency(specifier: string, node: ts.Node): void {
    const name = packageName(specifier);
    if (name === undefined) return;
    this.add('dependency', name, node, `Why ${inlineCode(name)}? What does it do that the standard library or an existing dependency does not?`);
  }

  private isNetworkCall(call: ts.CallExpression): boolean {
    const callee = skipParentheses(call.expression);
    if (ts.isIdentifier(callee)) return this.networkFunctions.has(callee.text) || this.networkRoots.has(callee.text);
    if (ts.isPropertyAccessExpression(callee)) {
      const method = callee.name.text;
      const target = skipParentheses(callee.expression);
      if (ts.isIdentifier(target)) {
        if ((target.text === 'window' || target.text === 'globalThis' || target.text === 'self') && NETWORK_GLOBAL_FUNCTIONS.has(method)) return true;
        if ((target.text === '$' || target.text === 'jQuery') && (method === 'ajax' || method === 'getJSON')) return true;
        return this.networkRoots.has(target.text) && NETWORK_METHODS.has(method);
      }
    }
    return false;
  }
}

/** `<kind>-<12 hex>`: a hash of the kind and the whitespace-normalised text of the construct. */
export function questionId(kind: QuestionKind, identity: string): string {
  const normalized = identity.replace(/\s+/g, ' ').trim();
  return `${kind}-${createHash('sha256').update(`${kind}\0${normalized}`).digest('hex').slice(0, 12)}`;
}

/**
 * The package a module specifier names, or undefined for relative paths, absolute paths, URLs and
 * Node built-ins (those are the standard library).
 */
export function packageName(specifier: string): string | undefined {
  if (specifier === '' || specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('#')) return undefined;
  if (/^[a-z][a-z0-9+.-]*:/i.test(specifier) && !specifier.startsWith('@')) {
    // `node:fs`, `https://...`, `data:...`: built-ins and URLs, never a registry package.
    return undefined;
  }
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  if (BUILTIN_MODULES.has(name) || BUILTIN_MODULES.has(specifier)) return undefined;
  return name;
}

function isLoop(node: ts.Node): node is ts.IterationStatement {
  return (
    ts.isForStatement(node) || ts.isWhileStatement(node) || ts.isDoStatement(node) || ts.isForOfStatement(node) || ts.isForInStatement(node)
  );
}

/**
 * Loops whose bound is written in the code itself: `for (let i = 0; i < 10; i++)`, iteration over
 * an array, object or string literal. Everything else (while, do, for-await, iteration over a value
 * from elsewhere) is bounded by something the note should name.
 */
function isObviouslyBounded(loop: ts.IterationStatement): boolean {
  if (ts.isForOfStatement(loop)) {
    if (loop.awaitModifier) return false;
    const iterated = skipParentheses(loop.expression);
    return ts.isArrayLiteralExpression(iterated) || ts.isStringLiteralLike(iterated);
  }
  if (ts.isForInStatement(loop)) return ts.isObjectLiteralExpression(skipParentheses(loop.expression));
  if (ts.isForStatement(loop)) {
    const condition = loop.condition;
    if (!condition || !ts.isBinaryExpression(condition)) return false;
    const operator = condition.operatorToken.kind;
    const comparison =
      operator === ts.SyntaxKind.LessThanToken ||
      operator === ts.SyntaxKind.LessThanEqualsToken ||
      operator === ts.SyntaxKind.GreaterThanToken ||
      operator === ts.SyntaxKind.GreaterThanEqualsToken;
    return comparison && (isNumericConstant(condition.right) || isNumericConstant(condition.left));
  }
  return false;
}

function isNumericConstant(node: ts.Expression): boolean {
  const inner = skipParentheses(node);
  if (ts.isNumericLiteral(inner)) return true;
  return ts.isPrefixUnaryExpression(inner) && ts.isNumericLiteral(inner.operand);
}

function skipParentheses(node: ts.Expression): ts.Expression {
  let current = node;
  while (ts.isParenthesizedExpression(current) || ts.isNonNullExpression(current) || ts.isAsExpression(current)) current = current.expression;
  return current;
}

/** The module name of `require('x')` or `import('x')` with a literal argument. */
function requiredModule(node: ts.Node): string | undefined {
  if (!ts.isCallExpression(node) || node.arguments.length !== 1) return undefined;
  const argument = node.arguments[0];
  if (!ts.isStringLiteralLike(argument)) return undefined;
  const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
  const isDynamicImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
  return isRequire || isDynamicImport ? argument.text : undefined;
}

/** `await x.catch(...)`, `await x.then(ok, fail)`: the rejection is handled at the call. */
function handlesRejection(call: ts.CallExpression): boolean {
  if (!ts.isPropertyAccessExpression(call.expression)) return false;
  const method = call.expression.name.text;
  return method === 'catch' || (method === 'then' && call.arguments.length >= 2);
}

/** `Promise.allSettled` resolves whatever its inputs do. */
function neverRejects(call: ts.CallExpression): boolean {
  const callee = call.expression;
  return (
    ts.isPropertyAccessExpression(callee) &&
    ts.isIdentifier(callee.expression) &&
    callee.expression.text === 'Promise' &&
    callee.name.text === 'allSettled'
  );
}

/**
 * True when the node sits in the `try` block of a try statement within the same function. A `try`
 * in an outer function does not count: the inner function's rejection reaches it only if the outer
 * one awaits it, which this file-local view cannot know.
 */
function isInsideTry(node: ts.Node): boolean {
  let child: ts.Node = node;
  let current: ts.Node | undefined = node.parent;
  while (current) {
    if (ts.isTryStatement(current) && current.tryBlock === child) return true;
    if (ts.isFunctionLike(current)) return false;
    child = current;
    current = current.parent;
  }
  return false;
}

function isEmptyFunction(node: ts.Expression): boolean {
  if (!ts.isArrowFunction(node) && !ts.isFunctionExpression(node)) return false;
  const body = node.body;
  if (ts.isBlock(body)) return body.statements.length === 0;
  // `() => undefined`, `() => null`, `() => {}` as an expression all swallow the error.
  return body.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(body) && body.text === 'undefined');
}

/** `fetch(...)`, `axios.get(...)`, `this.client.request(...)`: the callee, shortened, with `(...)`. */
function calleeDisplay(callee: ts.Expression, sourceFile: ts.SourceFile): string {
  const text = callee.getText(sourceFile).replace(/\s+/g, '');
  return `${shorten(text, 40)}(...)`;
}

function regexDisplay(node: ts.NewExpression | ts.CallExpression, sourceFile: ts.SourceFile): string {
  const [pattern, flags] = node.arguments ?? [];
  if (pattern && ts.isStringLiteralLike(pattern)) {
    const flagText = flags && ts.isStringLiteralLike(flags) ? flags.text : '';
    return shorten(`/${pattern.text}/${flagText}`, 48);
  }
  return shorten(`${ts.isNewExpression(node) ? 'new ' : ''}RegExp(${pattern ? pattern.getText(sourceFile) : ''})`, 48);
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Markdown inline code that survives backticks inside the text. */
export function inlineCode(text: string): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}
