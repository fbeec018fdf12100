import type { Node } from 'web-tree-sitter';
import type { LineRange } from '../check/engine';
import type { LanguageDocument } from '../languages/document';
import {
  argumentAt,
  callArguments,
  calleeLastName,
  calleeObject,
  caughtExceptions,
  isEndlessCondition,
  namedChildrenOf,
  namesBoundTo,
  nodesOfType,
  ownNodesOfType,
  PythonNames,
  pythonRoot,
  unparenthesize,
} from '../rules/shared-python/nodes';
import type { CatchFact, EnvFact, KnownFact, LoopFact, RegexFact, TimeoutFact } from './fact-check';
import type { LanguageNoteSupport } from './language-notes';
import { type BlockQuestion, inlineCode, questionId, type QuestionKind } from './questions';

/** Request functions of the HTTP clients, by module. */
const HTTP_METHODS: ReadonlySet<string> = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request', 'stream', 'send']);
const NETWORK_FUNCTIONS = /^(?:(?:requests(?:\.api)?|httpx)\.(?:get|post|put|patch|delete|head|options|request|stream)|urllib\.request\.urlopen|http\.client\.HTTPS?Connection|socket\.create_connection|aiohttp\.request|urllib3\.request)$/;
/** Client objects whose request methods are network calls. */
const CLIENT_CONSTRUCTORS = /^(?:requests(?:\.sessions)?\.[Ss]ession|httpx\.(?:Async)?Client|aiohttp\.ClientSession|urllib3\.PoolManager)$/;
const SHELL_FUNCTIONS = /^(?:os\.(?:system|popen|exec\w*|spawn\w*)|subprocess\.(?:run|call|Popen|check_output|check_call|getoutput|getstatusoutput)|asyncio\.create_subprocess_(?:shell|exec))$/;
const SQL_METHODS: ReadonlySet<string> = new Set(['execute', 'executemany', 'executescript', 'exec_driver_sql', 'raw']);
const REGEX_FUNCTIONS = /^re\.(?:compile|match|search|fullmatch|findall|finditer|sub|subn|split)$/;
/** Modes of `open` that write. */
const WRITE_MODE = /[wax+]/;
/** Python flags whose JavaScript counterpart means the same. */
const REGEX_FLAGS: ReadonlyMap<string, string> = new Map([
  ['re.I', 'i'],
  ['re.IGNORECASE', 'i'],
  ['re.M', 'm'],
  ['re.MULTILINE', 'm'],
  ['re.S', 's'],
  ['re.DOTALL', 's'],
]);

/**
 * Block questions and known facts for Python: network calls and their timeouts, `while` loops and
 * their bounds, `except` clauses and what they do, commands run through a shell or a subprocess,
 * `eval`/`exec`, SQL executed, regular expressions, environment reads and file writes.
 */
export const PYTHON_NOTE_SUPPORT: LanguageNoteSupport = {
  questions(document: LanguageDocument, _text: string, range: LineRange): BlockQuestion[] {
    const root = pythonRoot(document);
    return root === undefined ? [] : new PythonBlock(root, range).questions();
  },
  facts(document: LanguageDocument, _text: string, range: LineRange): KnownFact[] {
    const root = pythonRoot(document);
    return root === undefined ? [] : new PythonBlock(root, range).facts();
  },
};

/** One AI block of a Python file: the constructs that start inside its lines. */
class PythonBlock {
  private readonly names: PythonNames;
  private readonly clients: Set<string>;

  constructor(
    private readonly root: Node,
    private readonly range: LineRange,
  ) {
    this.names = PythonNames.of(root);
    this.clients = namesBoundTo(root, this.names, CLIENT_CONSTRUCTORS);
  }

  private inRange(node: Node): boolean {
    const line = node.startPosition.row + 1;
    return line >= this.range.startLine && line <= this.range.endLine;
  }

  private within(types: string | string[]): Node[] {
    return nodesOfType(this.root, types).filter((node) => this.inRange(node));
  }

  questions(): BlockQuestion[] {
    const found: BlockQuestion[] = [];
    const add = (kind: QuestionKind, node: Node, text: string, identity = node.text): void => {
      found.push({ id: questionId(kind, identity), kind, text, line: node.startPosition.row + 1 });
    };
    const envNames: string[] = [];
    let firstEnvRead: Node | undefined;
    for (const node of this.within(['call', 'while_statement', 'except_clause', 'subscript'])) {
      if (node.type === 'while_statement') {
        add('loop', node, `What bounds ${inlineCode(loopHead(node))}?`);
      } else if (node.type === 'except_clause') {
        add('catch', node, `What happens to ${inlineCode(tryDisplay(node))} when ${raisedDisplay(node)} is raised; who hears of it?`);
      } else if (node.type === 'subscript') {
        const name = environSubscript(node, this.names);
        if (name !== undefined && !envNames.includes(name)) {
          envNames.push(name);
          firstEnvRead ??= node;
        }
      } else {
        const kind = this.callKind(node);
        const shown = inlineCode(callDisplay(node));
        if (kind === 'network') add('network', node, `What is the timeout on ${shown}, and what happens when it fails?`);
        else if (kind === 'shell') add('shell', node, `What is the command in ${shown} built from, and can any of it reach the shell as code?`);
        else if (kind === 'eval') add('eval', node, `What code can ${shown} run, and where does that text come from?`);
        else if (kind === 'sql') add('sql', node, `What is the SQL in ${shown} built from, and can a value change the statement?`);
        else if (kind === 'file-write') add('file-write', node, `Which path can ${shown} write to, and what is left behind when it fails halfway?`);
        else if (kind === 'regex') {
          const pattern = argumentAt(callArguments(node), 0, 'pattern');
          if (pattern !== undefined && pattern.type === 'string') add('regex', node, `What input does ${inlineCode(shorten(pattern.text, 48))} reject?`);
        } else if (kind === 'env') {
          const name = envCallName(node);
          if (name !== undefined && !envNames.includes(name)) {
            envNames.push(name);
            firstEnvRead ??= node;
          }
        }
      }
    }
    if (firstEnvRead !== undefined) {
      const names = envNames.map((name) => inlineCode(name)).join(', ');
      add('env', firstEnvRead, `What happens when ${names} ${envNames.length === 1 ? 'is' : 'are'} unset or malformed?`, [...envNames].sort().join(' '));
    }
    return found;
  }

  facts(): KnownFact[] {
    const facts: KnownFact[] = [];
    const constants = numericConstants(this.root);
    const envNames: string[] = [];
    for (const node of this.within(['call', 'while_statement', 'except_clause', 'subscript'])) {
      if (node.type === 'while_statement') {
        const fact = loopFact(node, constants);
        if (fact !== undefined) facts.push(fact);
      } else if (node.type === 'except_clause') {
        facts.push(catchFact(node));
      } else if (node.type === 'subscript') {
        const name = environSubscript(node, this.names);
        if (name !== undefined && !envNames.includes(name)) envNames.push(name);
      } else {
        const kind = this.callKind(node);
        if (kind === 'network') {
          const fact = timeoutFact(node, constants);
          if (fact !== undefined) facts.push(fact);
        } else if (kind === 'regex') {
          const fact = regexFact(node, this.names);
          if (fact !== undefined) facts.push(fact);
        } else if (kind === 'env') {
          const name = envCallName(node);
          if (name !== undefined && !envNames.includes(name)) envNames.push(name);
        }
      }
    }
    if (envNames.length > 0) facts.push({ kind: 'env', names: envNames } satisfies EnvFact);
    return facts;
  }

  /** What a call is, for the questions: a network call, a command, code, SQL, a file write, a regex, an env read. */
  private callKind(call: Node): QuestionKind | undefined {
    const callee = call.childForFieldName('function');
    const qualified = this.names.qualified(callee)?.replace(/^builtins\./, '');
    const method = calleeLastName(call);
    if (qualified !== undefined) {
      if (NETWORK_FUNCTIONS.test(qualified)) return 'network';
      if (SHELL_FUNCTIONS.test(qualified)) return 'shell';
      if (qualified === 'eval' || qualified === 'exec') return 'eval';
      if (qualified === 'compile' && callArguments(call).positional.length >= 3) return 'eval';
      if (REGEX_FUNCTIONS.test(qualified)) return 'regex';
      if (qualified === 'os.getenv' || qualified === 'os.environ.get') return 'env';
      if (qualified === 'open' || qualified === 'io.open') return isWriteMode(argumentAt(callArguments(call), 1, 'mode')) ? 'file-write' : undefined;
      if (/^sqlalchemy(?:\.sql)?(?:\.expression)?\.text$/.test(qualified)) return 'sql';
    }
    const object = calleeObject(call);
    if (method !== undefined && object !== undefined) {
      if (HTTP_METHODS.has(method) && this.clients.has(object.text)) return 'network';
      if (SQL_METHODS.has(method) && callArguments(call).positional.length > 0) return 'sql';
      if (method === 'write_text' || method === 'write_bytes') return 'file-write';
    }
    return undefined;
  }
}

function isWriteMode(mode: Node | undefined): boolean {
  if (mode === undefined || mode.type !== 'string') return false;
  return WRITE_MODE.test(stringValue(mode) ?? '');
}

/** The value of a plain (not f-, not byte) string literal, escapes untouched; undefined otherwise. */
function stringValue(node: Node): string | undefined {
  if (node.type !== 'string') return undefined;
  const children = namedChildrenOf(node);
  if (children.some((child) => child.type === 'interpolation')) return undefined;
  return children.map((child) => (child.type === 'string_content' || child.type === 'escape_sequence' ? child.text : '')).join('');
}

/** The prefix letters of a string literal (`r`, `b`, `f`…), lower-cased. */
function stringPrefix(node: Node): string {
  const start = namedChildrenOf(node).find((child) => child.type === 'string_start')?.text ?? '';
  return start.replace(/["']+$/, '').toLowerCase();
}

function loopHead(loop: Node): string {
  const condition = loop.childForFieldName('condition');
  return shorten(`while ${condition?.text.replace(/\s+/g, ' ') ?? ''}`, 56);
}

/** The first statement the `try` of an except clause guards: `response = requests.get(url)`. */
function tryDisplay(clause: Node): string {
  const body = clause.parent?.childForFieldName('body');
  const statements = body === null || body === undefined ? [] : namedChildrenOf(body).filter((statement) => statement.type !== 'comment');
  if (statements.length === 0) return 'try';
  const text = statements[0].text.replace(/\s+/g, ' ');
  return `${shorten(text, 40)}${statements.length > 1 ? '; …' : ''}`;
}

/** `ConnectionError`, `KeyError or ValueError`, or "any exception" for a bare `except:`. */
function raisedDisplay(clause: Node): string {
  const names = caughtExceptions(clause);
  if (names.length === 0) return 'any exception';
  const shown = names.slice(0, 3).map((name) => inlineCode(shorten(name, 32)));
  return shown.length === 1 ? shown[0] : `${shown.slice(0, -1).join(', ')} or ${shown[shown.length - 1]}`;
}

/** `requests.get(url)`, `session.post(…, …)`: the callee and a short first argument. */
function callDisplay(call: Node): string {
  const callee = shorten((call.childForFieldName('function')?.text ?? '').replace(/\s+/g, ''), 40);
  const args = namedChildrenOf(call.childForFieldName('arguments') ?? call).filter((child) => child.type !== 'comment');
  const [first, ...rest] = args;
  if (first === undefined || call.childForFieldName('arguments') === null) return `${callee}()`;
  const text = first.text.replace(/\s+/g, ' ');
  const argument = text.length <= 24 ? text : '…';
  return `${callee}(${argument}${rest.length > 0 && argument !== '…' ? ', …' : ''})`;
}

/** `os.environ["NAME"]`: the variable's name. */
function environSubscript(node: Node, names: PythonNames): string | undefined {
  if (names.qualified(node.childForFieldName('value')) !== 'os.environ') return undefined;
  const key = node.childForFieldName('subscript');
  return key !== null ? stringValue(key) : undefined;
}

/** `os.getenv("NAME")`, `os.environ.get("NAME", default)`: the variable's name. */
function envCallName(call: Node): string | undefined {
  const first = callArguments(call).positional[0];
  return first !== undefined ? stringValue(first) : undefined;
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** `NAME = 5` and `NAME = 2 * 60` at module level, and parameter defaults (`attempts=3`), by name. */
function numericConstants(root: Node): Map<string, number> {
  const constants = new Map<string, number>();
  for (const assignment of ownNodesOfType(root, 'assignment')) {
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    if (left?.type !== 'identifier' || right === null) continue;
    const value = numericValue(right, constants);
    if (value !== undefined) constants.set(left.text, value);
  }
  for (const parameter of nodesOfType(root, ['default_parameter', 'typed_default_parameter'])) {
    const name = parameter.childForFieldName('name');
    const value = parameter.childForFieldName('value');
    if (name === null || value === null || constants.has(name.text)) continue;
    const number = numericValue(value, constants);
    if (number !== undefined) constants.set(name.text, number);
  }
  return constants;
}

function numericValue(node: Node, constants: ReadonlyMap<string, number>): number | undefined {
  const value = unparenthesize(node);
  if (value.type === 'integer' || value.type === 'float') {
    const number = Number(value.text.replace(/_/g, ''));
    return Number.isFinite(number) ? number : undefined;
  }
  if (value.type === 'identifier') return constants.get(value.text);
  if (value.type === 'binary_operator' && value.childForFieldName('operator')?.text === '*') {
    const left = value.childForFieldName('left');
    const right = value.childForFieldName('right');
    const a = left !== null ? numericValue(left, constants) : undefined;
    const b = right !== null ? numericValue(right, constants) : undefined;
    return a !== undefined && b !== undefined ? a * b : undefined;
  }
  return undefined;
}

/** `timeout=5` (seconds, as Python clients take it) on a network call, in milliseconds as the facts count. */
function timeoutFact(call: Node, constants: ReadonlyMap<string, number>): TimeoutFact | undefined {
  const timeout = callArguments(call).keywords.get('timeout');
  if (timeout === undefined) return undefined;
  const seconds = numericValue(timeout, constants);
  if (seconds === undefined || seconds <= 0) return undefined;
  return {
    kind: 'timeout',
    questionId: questionId('network', call.text),
    milliseconds: Math.round(seconds * 1000),
    source: `timeout=${timeout.text.replace(/\s+/g, ' ')}`,
  };
}

/**
 * What bounds a `while` loop: nothing (`while True:` with no `break`, `return`, `raise` or exit),
 * or the other side of a comparison with a name the loop changes (`while attempt < MAX_ATTEMPTS:`).
 */
function loopFact(loop: Node, constants: ReadonlyMap<string, number>): LoopFact | undefined {
  const id = questionId('loop', loop.text);
  const condition = loop.childForFieldName('condition');
  const body = loop.childForFieldName('body');
  if (condition === null || body === null) return undefined;
  if (isEndlessCondition(condition)) {
    // A `break` of an inner loop does not leave this one; a `return` or `raise` anywhere in it does.
    const breaks = ownNodesOfType(body, 'break_statement', new Set(['function_definition', 'lambda', 'class_definition', 'while_statement', 'for_statement']));
    const leaves = ownNodesOfType(body, ['return_statement', 'raise_statement']);
    const exitCalls = ownNodesOfType(body, 'call').filter((call) => /^(?:sys\.exit|exit|quit|os\._exit)$/.test(call.childForFieldName('function')?.text ?? ''));
    if (breaks.length > 0 || leaves.length > 0 || exitCalls.length > 0) return undefined;
    return { kind: 'loop', questionId: id, source: `while ${unparenthesize(condition).text}`, bounded: false };
  }
  const comparison = unparenthesize(condition);
  if (comparison.type !== 'comparison_operator') return undefined;
  const operands = namedChildrenOf(comparison);
  const operators = comparison.children.filter((child) => child !== null && /^(?:<|<=|>|>=)$/.test(child.type)).length;
  if (operands.length !== 2 || operators !== 1) return undefined;
  const changed = new Set(
    ownNodesOfType(body, ['augmented_assignment', 'assignment'])
      .map((assignment) => assignment.childForFieldName('left'))
      .filter((left): left is Node => left !== null && left.type === 'identifier')
      .map((left) => left.text),
  );
  const [left, right] = operands;
  const leftCounts = left.type === 'identifier' && changed.has(left.text);
  const rightCounts = right.type === 'identifier' && changed.has(right.text);
  if (leftCounts === rightCounts) return undefined;
  const bound = unparenthesize(leftCounts ? right : left);
  const names = boundNames(bound);
  const value = numericValue(bound, constants);
  if (names.length === 0 && value === undefined) return undefined;
  return {
    kind: 'loop',
    questionId: id,
    source: comparison.text.replace(/\s+/g, ' '),
    bounded: true,
    names: names.length > 0 ? names : [String(value)],
    ...(value !== undefined ? { value } : {}),
  };
}

/** `MAX`, `self.max_attempts` → also `max_attempts`, `len(items)` → also `items`. */
function boundNames(bound: Node): string[] {
  if (bound.type === 'identifier') return [bound.text];
  if (bound.type === 'attribute') {
    const attribute = bound.childForFieldName('attribute')?.text;
    return attribute !== undefined ? [bound.text, attribute] : [bound.text];
  }
  if (bound.type === 'call' && bound.childForFieldName('function')?.text === 'len') {
    const first = callArguments(bound).positional[0];
    return first !== undefined ? [bound.text, ...boundNames(unparenthesize(first))] : [bound.text];
  }
  return [];
}

/** What an `except` does: raises (again or anew), returns, or carries on. */
function catchFact(clause: Node): CatchFact {
  const id = questionId('catch', clause.text);
  const nested = new Set(['function_definition', 'lambda', 'class_definition']);
  const raised = ownNodesOfType(clause, 'raise_statement', nested)[0];
  if (raised !== undefined) return { kind: 'catch', questionId: id, behaviour: 'rethrows', source: shorten(raised.text.replace(/\s+/g, ' '), 60) };
  const returned = ownNodesOfType(clause, 'return_statement', nested)[0];
  if (returned !== undefined) return { kind: 'catch', questionId: id, behaviour: 'returns', source: shorten(returned.text.replace(/\s+/g, ' '), 60) };
  return { kind: 'catch', questionId: id, behaviour: 'swallows', source: 'except' };
}

/**
 * A regular expression written literally in `re.compile`/`re.search`, when its pattern means the same
 * to JavaScript (the facts are checked by running it with RE2): searching semantics only (`re.match`
 * anchors at the start, `fullmatch` at both ends), no named groups or other `(?…)` forms but `(?:`,
 * no `\d`, `\w`, `\s`, `\b` (Unicode-aware in Python, ASCII in JavaScript) unless `re.ASCII`, no
 * `\A`/`\Z`, no `{,n}`, and only the flags both share. `$` stays: it differs only before a final
 * newline, and the examples an answer quotes are single lines.
 */
function regexFact(call: Node, names: PythonNames): RegexFact | undefined {
  const qualified = names.qualified(call.childForFieldName('function'));
  if (qualified !== 're.compile' && qualified !== 're.search') return undefined;
  const args = callArguments(call);
  const patternNode = argumentAt(args, 0, 'pattern');
  if (patternNode === undefined || patternNode.type !== 'string') return undefined;
  const prefix = stringPrefix(patternNode);
  if (/[bfu]/.test(prefix)) return undefined;
  const pattern = stringValue(patternNode);
  if (pattern === undefined || (!prefix.includes('r') && pattern.includes('\\'))) return undefined;
  const flagsNode = argumentAt(args, qualified === 're.compile' ? 1 : 2, 'flags');
  let flags = '';
  let ascii = false;
  if (flagsNode !== undefined) {
    for (const part of flagsNode.text.split('|').map((text) => text.trim())) {
      const flag = REGEX_FLAGS.get(part);
      if (part === 're.A' || part === 're.ASCII') ascii = true;
      else if (flag === undefined) return undefined;
      else if (!flags.includes(flag)) flags += flag;
    }
  }
  if (!sameInJavaScript(pattern, ascii)) return undefined;
  return { kind: 'regex', questionId: questionId('regex', call.text), pattern, flags, display: `/${pattern}/${flags}` };
}

function sameInJavaScript(pattern: string, ascii: boolean): boolean {
  if (/\(\?(?!:)/.test(pattern)) return false;
  if (/\{,/.test(pattern)) return false;
  for (const escape of pattern.matchAll(/\\(.)/gs)) {
    const character = escape[1];
    if (/[dwsbDWSB]/.test(character)) {
      if (!ascii) return false;
    } else if (!/[.^$*+?()[\]{}|\\/\-ntr]/.test(character)) {
      return false;
    }
  }
  return true;
}
