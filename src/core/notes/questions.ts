import { createHash } from 'node:crypto';
import { builtinModules } from 'node:module';
import { ts } from 'ts-morph';
import { scriptKindFor, type LineRange } from '../check/engine';
import { languageBlockQuestions } from './language-notes';
import { inlineCode } from '../text/markdown';

export { inlineCode };

/** What construct a block question is about. */
export type QuestionKind =
  | 'network'
  | 'shell'
  | 'sql'
  | 'eval'
  | 'auth'
  | 'unhandled-await'
  | 'loop'
  | 'catch'
  | 'file-write'
  | 'env'
  | 'crypto'
  | 'timer'
  | 'dependency'
  | 'regex'
  | 'permissions'
  | 'trigger'
  | 'container'
  | 'exposure';

/**
 * Kinds from most to least important: the order in which questions are kept when a block has more
 * than the cap. Injection (shell, SQL, eval) and skipped auth checks come right after missing
 * timeouts; then unhandled rejections, unbounded loops and swallowed errors, the defects AI code
 * ships most often.
 */
export const QUESTION_KIND_PRIORITY: readonly QuestionKind[] = [
  'network',
  'shell',
  'sql',
  'eval',
  'auth',
  'permissions',
  'trigger',
  'exposure',
  'container',
  'unhandled-await',
  'loop',
  'catch',
  'file-write',
  'env',
  'crypto',
  'timer',
  'dependency',
  'regex',
];

/** A question specific to one block, derived from its syntax tree. */
export interface BlockQuestion {
  /**
   * `<kind>-<hash>` where the hash covers the construct's text (whitespace-normalised), not its
   * position: the id survives lines moving above the block, and changes when the construct does.
   */
  id: string;
  kind: QuestionKind;
  text: string;
  /**
   * 1-based line of the construct in the file, for editors to point at. The question's text names
   * the construct itself, never this line, so it stays true when lines move.
   */
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

const CHILD_PROCESS_MODULES: ReadonlySet<string> = new Set(['child_process', 'node:child_process']);
/** child_process functions that always run a shell. */
const SHELL_FUNCTIONS: ReadonlySet<string> = new Set(['exec', 'execSync']);
/** child_process functions that run a shell only with `shell: true` (or run whatever command they are given). */
const SPAWN_FUNCTIONS: ReadonlySet<string> = new Set(['spawn', 'spawnSync', 'execFile', 'execFileSync', 'fork']);

const FS_MODULES: ReadonlySet<string> = new Set(['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'fs-extra']);
/** fs functions that change files. */
const FILE_WRITE_FUNCTIONS: ReadonlySet<string> = new Set([
  'writeFile',
  'writeFileSync',
  'appendFile',
  'appendFileSync',
  'createWriteStream',
  'rm',
  'rmSync',
  'unlink',
  'unlinkSync',
  'rename',
  'renameSync',
  'copyFile',
  'copyFileSync',
  'outputFile',
  'outputFileSync',
]);

/** Methods that send SQL text to a database. */
const SQL_METHODS: ReadonlySet<string> = new Set(['query', 'execute', 'raw', '$queryRawUnsafe', '$executeRawUnsafe', 'unsafe', 'exec']);

/** Calls that decide who may do something. */
const AUTH_CALL = /^(?:verify|authori[sz]e|authenticate|checkPermissions?|hasPermission|hasRole|requireAuth|requireRole|isAuthori[sz]ed|isAuthenticated|checkAuth|ensureAuthenticated|timingSafeEqual)$/;

/**
 * Questions about the constructs that start inside `range` (1-based, inclusive) of a TypeScript or
 * JavaScript file: network calls, loops, awaited calls outside any `try`, error handlers, package
 * imports and regular expressions. The whole file is parsed, so context outside the block (an
 * enclosing `try`, the file's imports) is taken into account. Other languages are asked by their own
 * modules (`language-notes.ts`); plain text gets no questions.
 */
export function blockQuestions(path: string, text: string, range: LineRange, options: BlockQuestionOptions = {}): BlockQuestion[] {
  const scriptKind = scriptKindFor(path);
  if (scriptKind === undefined) return languageBlockQuestions(path, text, range, options.maxQuestions ?? DEFAULT_MAX_QUESTIONS) ?? [];
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
  /** Local names of child_process functions (`exec`, a `promisify(exec)` alias), to the function they are. */
  private readonly processFunctions = new Map<string, string>();
  /** Local names of the child_process module (`cp` of `import * as cp`). */
  private readonly processRoots = new Set<string>();
  /** Local names of fs file-writing functions, and of the fs module itself. */
  private readonly fileWriteFunctions = new Set<string>();
  private readonly fsRoots = new Set<string>(['fs', 'fsp', 'fse']);
  /** Environment variables read in the block, and the first read (one question for all of them). */
  private readonly envNames: string[] = [];
  private firstEnvRead: ts.Node | undefined;

  constructor(
    private readonly sourceFile: ts.SourceFile,
    private readonly range: LineRange,
  ) {}

  collect(): void {
    this.bindNetworkNames(this.sourceFile);
    this.bindModuleNames(this.sourceFile);
    this.visit(this.sourceFile);
    if (this.firstEnvRead) {
      const names = this.envNames.map((name) => inlineCode(name)).join(', ');
      this.add('env', [...this.envNames].sort().join(' '), this.firstEnvRead, `What happens when ${names} ${this.envNames.length === 1 ? 'is' : 'are'} unset or malformed?`);
    }
  }

  /** Names bound to child_process and fs functions (imports, requires, `promisify` aliases). */
  private bindModuleNames(sourceFile: ts.SourceFile): void {
    const bindFunction = (moduleName: string, imported: string, local: string): void => {
      if (CHILD_PROCESS_MODULES.has(moduleName) && (SHELL_FUNCTIONS.has(imported) || SPAWN_FUNCTIONS.has(imported))) this.processFunctions.set(local, imported);
      if (FS_MODULES.has(moduleName) && FILE_WRITE_FUNCTIONS.has(imported)) this.fileWriteFunctions.add(local);
    };
    const bindRoot = (moduleName: string, local: string): void => {
      if (CHILD_PROCESS_MODULES.has(moduleName)) this.processRoots.add(local);
      if (FS_MODULES.has(moduleName)) this.fsRoots.add(local);
    };
    const visit = (node: ts.Node): void => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && node.importClause && !node.importClause.isTypeOnly) {
        const moduleName = node.moduleSpecifier.text;
        const clause = node.importClause;
        if (clause.name) bindRoot(moduleName, clause.name.text);
        const bindings = clause.namedBindings;
        if (bindings && ts.isNamespaceImport(bindings)) bindRoot(moduleName, bindings.name.text);
        if (bindings && ts.isNamedImports(bindings)) {
          for (const element of bindings.elements) bindFunction(moduleName, (element.propertyName ?? element.name).text, element.name.text);
        }
      } else if (ts.isVariableDeclaration(node) && node.initializer) {
        const moduleName = requiredModule(node.initializer);
        if (moduleName !== undefined) {
          if (ts.isIdentifier(node.name)) bindRoot(moduleName, node.name.text);
          else if (ts.isObjectBindingPattern(node.name)) {
            for (const element of node.name.elements) {
              const imported = element.propertyName && ts.isIdentifier(element.propertyName) ? element.propertyName.text : undefined;
              if (ts.isIdentifier(element.name)) bindFunction(moduleName, imported ?? element.name.text, element.name.text);
            }
          }
        } else if (ts.isIdentifier(node.name) && ts.isCallExpression(node.initializer)) {
          // `const run = promisify(execFile)`: the alias runs what it wraps.
          const call = node.initializer;
          const callee = call.expression.getText(sourceFile);
          const wrapped = call.arguments[0];
          if ((callee === 'promisify' || callee === 'util.promisify') && wrapped && ts.isIdentifier(wrapped)) {
            const original = this.processFunctions.get(wrapped.text);
            if (original) this.processFunctions.set(node.name.text, original);
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
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
        this.add('loop', node.getText(this.sourceFile), node, `What bounds ${inlineCode(loopHead(node, this.sourceFile))}?`);
      }
    } else if (ts.isCatchClause(node)) {
      const empty = node.block.statements.length === 0;
      const guarded = tryDisplay(node, this.sourceFile);
      this.add(
        'catch',
        node.getText(this.sourceFile),
        node,
        empty
          ? `The catch around ${inlineCode(guarded)} is empty: why is ignoring the error there correct?`
          : `Why is it correct to handle an error of ${inlineCode(guarded)} the way its catch does?`,
      );
    } else if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) {
      const name = envName(node);
      if (name !== undefined && !this.envNames.includes(name)) {
        this.envNames.push(name);
        this.firstEnvRead ??= node;
      }
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
      this.add('network', call.getText(this.sourceFile), call, `What is the timeout on ${inlineCode(callDisplay(call, this.sourceFile))}, and what happens when it fails?`);
      return;
    }
    if (this.inspectRiskyCall(call)) return;
    const calleeName = ts.isIdentifier(call.expression) ? call.expression.text : undefined;
    if (calleeName === 'RegExp') {
      this.add('regex', call.getText(this.sourceFile), call, `What input does ${inlineCode(regexDisplay(call, this.sourceFile))} reject?`);
      return;
    }
    if (ts.isPropertyAccessExpression(call.expression) && call.expression.name.text === 'catch') {
      const handler = call.arguments[0];
      const swallows = handler !== undefined && isEmptyFunction(handler);
      const promise = inlineCode(`${shorten(call.expression.expression.getText(this.sourceFile).replace(/\s+/g, ' '), 40)}.catch(...)`);
      this.add(
        'catch',
        call.getText(this.sourceFile),
        call.expression.name,
        swallows ? `${promise} ignores the error: why is that correct?` : `Why is handling the error the way ${promise} does correct?`,
      );
    }
  }

  /**
   * Questions about calls where one wrong assumption is a security hole or lost data: shell
   * commands, SQL built from values, eval, auth checks, file writes, weak hashes and ciphers,
   * intervals. True when the call got one.
   */
  private inspectRiskyCall(call: ts.CallExpression): boolean {
    const shown = inlineCode(callDisplay(call, this.sourceFile));
    const callee = skipParentheses(call.expression);
    const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
    const target = ts.isPropertyAccessExpression(callee) ? skipParentheses(callee.expression) : undefined;
    const targetText = target?.getText(this.sourceFile).replace(/\s+/g, '');
    if (name === undefined) return false;
    const identity = call.getText(this.sourceFile);

    const processFunction = ts.isIdentifier(callee)
      ? this.processFunctions.get(name)
      : target && ts.isIdentifier(target) && this.processRoots.has(target.text) && (SHELL_FUNCTIONS.has(name) || SPAWN_FUNCTIONS.has(name))
        ? name
        : undefined;
    if (processFunction !== undefined) {
      const runsShell = SHELL_FUNCTIONS.has(processFunction) || hasShellOption(call) || !isPlainString(call.arguments[0]);
      if (!runsShell) return false;
      this.add('shell', identity, call, `What is the command in ${shown} built from, and can any of it reach the shell as code?`);
      return true;
    }
    if (name === 'eval' && ts.isIdentifier(callee)) {
      this.add('eval', identity, call, `What code can ${shown} run, and where does that text come from?`);
      return true;
    }
    if (name === 'Function' && ts.isIdentifier(callee)) {
      this.add('eval', identity, call, `What code can ${shown} build, and where does that text come from?`);
      return true;
    }
    if (targetText === 'vm' && /^(?:runInNewContext|runInThisContext|runInContext|compileFunction)$/.test(name)) {
      this.add('eval', identity, call, `What code can ${shown} run, and what can it reach?`);
      return true;
    }
    if (target && SQL_METHODS.has(name) && call.arguments[0] !== undefined && isBuiltString(call.arguments[0])) {
      this.add('sql', identity, call, `What is the SQL in ${shown} built from, and can a value change the statement?`);
      return true;
    }
    if (AUTH_CALL.test(name) || (targetText === 'jwt' && (name === 'verify' || name === 'decode')) || (targetText === 'bcrypt' && name === 'compare')) {
      const text =
        targetText === 'jwt' && name === 'decode'
          ? `${shown} does not check the signature: why is that enough here?`
          : `What does ${shown} check, and what happens when the check fails?`;
      this.add('auth', identity, call, text);
      return true;
    }
    const writesFiles = ts.isIdentifier(callee)
      ? this.fileWriteFunctions.has(name)
      : FILE_WRITE_FUNCTIONS.has(name) && targetText !== undefined && (this.fsRoots.has(targetText) || /(?:^|\.)(?:fs|promises)$/.test(targetText));
    if (writesFiles) {
      this.add('file-write', identity, call, `Which path can ${shown} write to, and what is left behind when it fails halfway?`);
      return true;
    }
    if ((name === 'createHash' || name === 'createHmac') && call.arguments[0] && ts.isStringLiteralLike(call.arguments[0])) {
      const algorithm = call.arguments[0].text.toLowerCase();
      if (algorithm === 'md5' || algorithm === 'sha1') {
        this.add('crypto', identity, call, `Why ${shown}: what does the hash protect, and is ${algorithm.toUpperCase()} strong enough for that?`);
        return true;
      }
      return false;
    }
    if (name === 'createCipheriv' || name === 'createDecipheriv' || name === 'createCipher') {
      this.add('crypto', identity, call, `Where do the key and IV of ${shown} come from, and is an IV ever reused?`);
      return true;
    }
    if (name === 'setInterval' && (ts.isIdentifier(callee) || targetText === 'globalThis' || targetText === 'window')) {
      this.add('timer', identity, call, `What stops ${shown}, and what happens when one run takes longer than the interval?`);
      return true;
    }
    return false;
  }

  private inspectNew(expression: ts.NewExpression): void {
    const name = ts.isIdentifier(expression.expression) ? expression.expression.text : undefined;
    if (name === 'RegExp') {
      this.add('regex', expression.getText(this.sourceFile), expression, `What input does ${inlineCode(regexDisplay(expression, this.sourceFile))} reject?`);
    } else if (name !== undefined && NETWORK_CONSTRUCTORS.has(name)) {
      this.add('network', expression.getText(this.sourceFile), expression, `What is the timeout on ${inlineCode(callDisplay(expression, this.sourceFile))}, and what happens when it fails?`);
    } else if (name === 'Function') {
      this.add('eval', expression.getText(this.sourceFile), expression, `What code can ${inlineCode(callDisplay(expression, this.sourceFile))} build, and where does that text come from?`);
    }
  }

  private inspectAwait(node: ts.AwaitExpression): void {
    const awaited = skipParentheses(node.expression);
    if (!ts.isCallExpression(awaited)) return;
    if (this.isNetworkCall(awaited)) return; // the network question already asks what happens on failure
    if (handlesRejection(awaited) || neverRejects(awaited)) return;
    if (isInsideTry(node)) return;
    this.add('unhandled-await', awaited.getText(this.sourceFile), node, `What happens when ${inlineCode(callDisplay(awaited, this.sourceFile))} rejects?`);
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

/**
 * A call as a question names it: the callee and the start of its first argument, so two calls of
 * one function in a block read differently (`fetch(url, …)`, `db.insert(order, …)`, `exec(\`tar -czf ${…}\`)`).
 */
function callDisplay(call: ts.CallExpression | ts.NewExpression, sourceFile: ts.SourceFile): string {
  const callee = shorten(call.expression.getText(sourceFile).replace(/\s+/g, ''), 40);
  const prefix = ts.isNewExpression(call) ? 'new ' : '';
  const [first, ...rest] = call.arguments ?? [];
  if (!first) return `${prefix}${callee}()`;
  // A short first argument tells two calls apart; a long one would bury the callee.
  const text = first.getText(sourceFile).replace(/\s+/g, ' ');
  const argument = text.length <= 24 ? text : '…';
  return `${prefix}${callee}(${argument}${rest.length > 0 && argument !== '…' ? ', …' : ''})`;
}

/** The head of a loop, without its body: `while (attempt < max)`, `for (const job of queue)`. */
function loopHead(loop: ts.IterationStatement, sourceFile: ts.SourceFile): string {
  const text = sourceFile.text.slice(loop.getStart(sourceFile), loop.statement.getStart(sourceFile)).replace(/\s+/g, ' ').trim();
  if (ts.isDoStatement(loop)) return shorten(`do … while (${loop.expression.getText(sourceFile).replace(/\s+/g, ' ')})`, 56);
  return shorten(text, 56);
}

/** What a catch clause guards, for its question: the first statement of its `try` block (`return await operation()`). */
function tryDisplay(clause: ts.CatchClause, sourceFile: ts.SourceFile): string {
  const statements = clause.parent.tryBlock.statements;
  if (statements.length === 0) return 'try {}';
  const text = statements[0].getText(sourceFile).replace(/\s+/g, ' ').replace(/;$/, '');
  return `${shorten(text, 40)}${statements.length > 1 ? '; …' : ''}`;
}

/** `process.env.NAME` or `process.env['NAME']`: the variable's name. */
function envName(node: ts.PropertyAccessExpression | ts.ElementAccessExpression): string | undefined {
  const object = skipParentheses(node.expression);
  if (!ts.isPropertyAccessExpression(object) || object.name.text !== 'env' || !ts.isIdentifier(object.expression) || object.expression.text !== 'process') return undefined;
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  return ts.isStringLiteralLike(node.argumentExpression) ? node.argumentExpression.text : undefined;
}

/** `{ shell: true }` (or any shell) among the options of a spawn call. */
function hasShellOption(call: ts.CallExpression): boolean {
  return call.arguments.some(
    (argument) =>
      ts.isObjectLiteralExpression(argument) &&
      argument.properties.some(
        (property) =>
          ts.isPropertyAssignment(property) &&
          ts.isIdentifier(property.name) &&
          property.name.text === 'shell' &&
          property.initializer.kind !== ts.SyntaxKind.FalseKeyword,
      ),
  );
}

function isPlainString(node: ts.Expression | undefined): boolean {
  return node !== undefined && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node));
}

/** A string made from values: a template with substitutions, a concatenation, or a name holding one. */
function isBuiltString(node: ts.Expression): boolean {
  const inner = skipParentheses(node);
  if (ts.isTemplateExpression(inner)) return true;
  if (ts.isBinaryExpression(inner) && inner.operatorToken.kind === ts.SyntaxKind.PlusToken) return true;
  return ts.isIdentifier(inner) || ts.isPropertyAccessExpression(inner) || ts.isCallExpression(inner);
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
