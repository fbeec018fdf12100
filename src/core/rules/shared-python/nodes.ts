import type { Node } from 'web-tree-sitter';
import type { RuleFinding } from '../../check/findings';
import type { LanguageDocument } from '../../languages/document';
import { AttachedCache } from '../../runtime/attached-cache';

/**
 * Helpers for Python syntax trees (tree-sitter-python) shared by the rules' Python implementations
 * and the Python block questions. Nodes are only valid while the tree lives: callers use them during
 * one check and keep none.
 */

/** The root of a Python document's tree, or undefined for a document of another language. */
export function pythonRoot(document: LanguageDocument): Node | undefined {
  return document.language === 'python' && 'tree' in document ? document.tree.rootNode : undefined;
}

/** What {@link nodesOfType} found, per tree and query: gone with the tree. */
const FOUND_BY_TREE = new AttachedCache<object, Map<string, readonly Node[]>>('comprehension.pythonNodesByType');

/**
 * The node types the Python rules and questions look for across a whole file. The first query
 * at a tree's root finds all of them in one walk; every later one filters that list.
 */
const WHOLE_FILE_TYPES: readonly string[] = [
  'call', 'assignment', 'import_statement', 'import_from_statement', 'except_clause', 'while_statement',
  'decorator', 'function_definition', 'as_pattern', 'default_parameter', 'typed_default_parameter',
];
const WHOLE_FILE_TYPE_SET: ReadonlySet<string> = new Set(WHOLE_FILE_TYPES);

/**
 * Every node of the given types under `root`, in source order (found inside WebAssembly). Each
 * query is answered once per tree, and those at the root from a single walk for all of
 * {@link WHOLE_FILE_TYPES}: most Python rules ask for every `call` or `assignment` of the file, and
 * a walk of the tree costs more than the parse.
 */
export function nodesOfType(root: Node, types: string | readonly string[]): readonly Node[] {
  const wanted = typeof types === 'string' ? [types] : types;
  const key = `${root.id}:${wanted.join(',')}`;
  let found = FOUND_BY_TREE.get(root.tree);
  if (found === undefined) FOUND_BY_TREE.set(root.tree, (found = new Map()));
  let nodes = found.get(key);
  if (nodes !== undefined) return nodes;
  if (wanted.every((type) => WHOLE_FILE_TYPE_SET.has(type)) && root.parent === null) {
    const allKey = `${root.id}:*`;
    let all = found.get(allKey);
    if (all === undefined) found.set(allKey, (all = walk(root, WHOLE_FILE_TYPES)));
    const set = new Set(wanted);
    nodes = all.filter((node) => set.has(node.type));
  } else {
    nodes = walk(root, wanted);
  }
  found.set(key, nodes);
  return nodes;
}

function walk(root: Node, types: readonly string[]): Node[] {
  return root.descendantsOfType([...types]).filter((node): node is Node => node !== null);
}

/** Named children without the `null` holes web-tree-sitter's typing allows. */
export function namedChildrenOf(node: Node): Node[] {
  return node.namedChildren.filter((child): child is Node => child !== null);
}

const NAMES_BY_TREE = new AttachedCache<object, PythonNames>('comprehension.pythonNames');

/** Built-ins the security rules look for, which `e = eval` would otherwise hide. */
const BUILTINS_WORTH_ALIASING: ReadonlySet<string> = new Set(['eval', 'exec', 'compile', '__import__']);

/**
 * Local names bound by a module's imports, to the dotted name they stand for: `sp` → `subprocess`
 * (`import subprocess as sp`), `fetch` → `requests.get` (`from requests import get as fetch`),
 * `os` → `os` (`import os.path`). Imports anywhere in the file count (function-level imports are
 * common in Python); shadowing by a later assignment is not followed. A plain assignment of an
 * imported name counts too (`get = requests.get`, `run = sp.run`), when every assignment to that
 * name in the file says the same.
 */
export class PythonNames {
  private readonly aliases = new Map<string, string>();
  /** The names imports bind (assignments never rebind them here). */
  private readonly importedNames = new Set<string>();

  private constructor(root: Node) {
    for (const statement of nodesOfType(root, ['import_statement', 'import_from_statement'])) {
      if (statement.type === 'import_statement') {
        for (const name of namedChildrenOf(statement)) this.bindImport(name);
      } else {
        const module = statement.childForFieldName('module_name');
        // Relative imports (`from . import x`) name the project's own modules: nothing to resolve.
        if (module === null || module.type !== 'dotted_name') continue;
        for (const name of statement.childrenForFieldName('name')) {
          if (name === null) continue;
          if (name.type === 'dotted_name') this.aliases.set(name.text, `${module.text}.${name.text}`);
          else if (name.type === 'aliased_import') {
            const imported = name.childForFieldName('name');
            const alias = name.childForFieldName('alias');
            if (imported !== null && alias !== null) this.aliases.set(alias.text, `${module.text}.${imported.text}`);
          }
        }
      }
    }
    for (const name of this.aliases.keys()) this.importedNames.add(name);
    this.bindAssignments(root);
  }

  /**
   * `name = imported.thing`: the cheapest way past a check that knows only imports. Bound only when
   * the right side resolves to something under an imported module and no other assignment in the
   * file gives the name another value; chains (`a = requests.get`, `b = a`) are followed twice over.
   */
  private bindAssignments(root: Node): void {
    // Most files assign no imported name to another: a line of the text says whether to look at all.
    const names = [...this.aliases.keys(), ...BUILTINS_WORTH_ALIASING].map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    const candidate = new RegExp(String.raw`^[ \t]*[A-Za-z_]\w*[ \t]*=[ \t]*(?:${names.join('|')})(?:\.[A-Za-z_]\w*)*[ \t]*(?:#.*)?$`, 'm');
    if (!candidate.test(root.text)) return;
    const assignments = nodesOfType(root, 'assignment');
    if (assignments.length === 0) return;
    const imported = new Set(this.aliases.values());
    const fromImport = (dotted: string): boolean => {
      if (BUILTINS_WORTH_ALIASING.has(dotted)) return true;
      for (const module of imported) if (dotted === module || dotted.startsWith(`${module}.`)) return true;
      return false;
    };
    for (let round = 0; round < 2; round++) {
      const values = new Map<string, string | null>();
      for (const assignment of assignments) {
        const left = assignment.childForFieldName('left');
        if (left?.type !== 'identifier') continue;
        const right = assignment.childForFieldName('right');
        const value = right !== null && (right.type === 'identifier' || right.type === 'attribute') ? this.qualified(right) : undefined;
        const bound = value !== undefined && value !== left.text && fromImport(value) ? value : null;
        const earlier = values.get(left.text);
        values.set(left.text, earlier === undefined || earlier === bound ? bound : null);
      }
      for (const [name, value] of values) {
        // An import of the same name wins: `import json` then `json = json.loads(x)` stays the module.
        if (value !== null && !this.importedNames.has(name)) this.aliases.set(name, value);
      }
    }
  }

  private bindImport(name: Node): void {
    if (name.type === 'dotted_name') {
      const first = name.text.split('.')[0];
      if (!this.aliases.has(first)) this.aliases.set(first, first);
    } else if (name.type === 'aliased_import') {
      const imported = name.childForFieldName('name');
      const alias = name.childForFieldName('alias');
      if (imported !== null && alias !== null) this.aliases.set(alias.text, imported.text);
    }
  }

  /**
   * The names of one file's imports, read once per tree for all the rules that ask (names are
   * plain strings: nothing of the tree is kept).
   */
  static of(root: Node): PythonNames {
    let names = NAMES_BY_TREE.get(root.tree);
    if (names === undefined) {
      names = new PythonNames(root);
      NAMES_BY_TREE.set(root.tree, names);
    }
    return names;
  }

  /** True when the file imports `module` (or one of its submodules) under any name. */
  imports(module: string): boolean {
    for (const target of this.aliases.values()) if (target === module || target.startsWith(`${module}.`)) return true;
    return false;
  }

  /**
   * The dotted name an identifier or attribute chain stands for, imports resolved: `sp.run` →
   * `subprocess.run`, `fetch` → `requests.get`, `eval` → `eval`. Undefined for anything else
   * (a call result, a subscript) anywhere in the chain.
   */
  qualified(node: Node | null): string | undefined {
    if (node === null) return undefined;
    if (node.type === 'identifier') return this.aliases.get(node.text) ?? node.text;
    if (node.type === 'attribute') {
      const object = this.qualified(node.childForFieldName('object'));
      const attribute = node.childForFieldName('attribute');
      return object !== undefined && attribute !== null ? `${object}.${attribute.text}` : undefined;
    }
    return undefined;
  }
}

/** A call's arguments, split the way Python binds them. */
export interface CallArguments {
  readonly positional: Node[];
  readonly keywords: ReadonlyMap<string, Node>;
  /** `*args` or `**kwargs` present: anything may be passed through them. */
  readonly splat: boolean;
  readonly kwargsSplat: boolean;
  /** The `(…)` node, for edits. */
  readonly list: Node | null;
}

/** The arguments of a `call` node. */
export function callArguments(call: Node): CallArguments {
  const list = call.childForFieldName('arguments');
  const positional: Node[] = [];
  const keywords = new Map<string, Node>();
  let splat = false;
  let kwargsSplat = false;
  if (list !== null && list.type === 'argument_list') {
    for (const argument of namedChildrenOf(list)) {
      if (argument.type === 'comment') continue;
      if (argument.type === 'keyword_argument') {
        const name = argument.childForFieldName('name');
        const value = argument.childForFieldName('value');
        if (name !== null && value !== null) keywords.set(name.text, value);
      } else if (argument.type === 'list_splat') splat = true;
      else if (argument.type === 'dictionary_splat') kwargsSplat = true;
      else positional.push(argument);
    }
  } else if (list !== null) {
    positional.push(list); // `f(x for x in y)`: a lone generator expression
  }
  return { positional, keywords, splat, kwargsSplat, list };
}

/** The argument at `index` or given as `keyword`, or undefined. */
export function argumentAt(args: CallArguments, index: number, keyword: string): Node | undefined {
  return args.keywords.get(keyword) ?? args.positional[index];
}

/** The name a call's function ends with: `get` of `session.get(…)`, `eval` of `eval(…)`. */
export function calleeLastName(call: Node): string | undefined {
  const callee = call.childForFieldName('function');
  if (callee === null) return undefined;
  if (callee.type === 'identifier') return callee.text;
  if (callee.type === 'attribute') return callee.childForFieldName('attribute')?.text;
  return undefined;
}

/** The object of a method call (`session` of `session.get(…)`), or undefined. */
export function calleeObject(call: Node): Node | undefined {
  const callee = call.childForFieldName('function');
  return callee !== null && callee.type === 'attribute' ? (callee.childForFieldName('object') ?? undefined) : undefined;
}

/** Python's constant literals. */
export function isNone(node: Node | undefined): boolean {
  return node?.type === 'none';
}
export function isFalse(node: Node | undefined): boolean {
  return node?.type === 'false';
}
export function isTrue(node: Node | undefined): boolean {
  return node?.type === 'true';
}

/** `while True:`, `while 1:`. */
export function isEndlessCondition(condition: Node | null): boolean {
  if (condition === null) return false;
  const value = unparenthesize(condition);
  return value.type === 'true' || (value.type === 'integer' && /^[1-9]/.test(value.text));
}

/** The expression inside any parentheses. */
export function unparenthesize(node: Node): Node {
  let current = node;
  while (current.type === 'parenthesized_expression') {
    const inner = namedChildrenOf(current).find((child) => child.type !== 'comment');
    if (inner === undefined) break;
    current = inner;
  }
  return current;
}

/** Function and class bodies start a new scope; lambdas too. */
const SCOPE_TYPES: ReadonlySet<string> = new Set(['function_definition', 'lambda', 'class_definition', 'module']);

/** The function, lambda, class or module whose scope `node` is in. */
export function enclosingScope(node: Node): Node {
  let current = node.parent;
  while (current !== null) {
    if (SCOPE_TYPES.has(current.type)) return current;
    if (current.parent === null) return current;
    current = current.parent;
  }
  return node;
}

/** True when `node` lies inside `ancestor` (or is it). */
export function isWithin(node: Node, ancestor: Node): boolean {
  return node.startIndex >= ancestor.startIndex && node.endIndex <= ancestor.endIndex;
}

/**
 * Nodes of `types` under `root` that belong to it rather than to a nested function, lambda or class
 * (the statements of one body, however deep in `if`/`try`/`with`).
 */
export function ownNodesOfType(root: Node, types: string | string[], stopAt: ReadonlySet<string> = NESTED_SCOPES): Node[] {
  return nodesOfType(root, types).filter((node) => {
    for (let current = node.parent; current !== null && current.id !== root.id; current = current.parent) {
      if (stopAt.has(current.type)) return false;
    }
    return true;
  });
}

const NESTED_SCOPES: ReadonlySet<string> = new Set(['function_definition', 'lambda', 'class_definition']);

/** `timeout=10` inserted as the last argument of a call, as an edit. */
export function appendArgumentEdit(call: Node, text: string): { start: number; end: number; newText: string } | undefined {
  const list = call.childForFieldName('arguments');
  if (list === null || list.type !== 'argument_list') return undefined;
  const last = namedChildrenOf(list).filter((child) => child.type !== 'comment').at(-1);
  if (last === undefined) return { start: list.startIndex + 1, end: list.startIndex + 1, newText: text };
  return { start: last.endIndex, end: last.endIndex, newText: `, ${text}` };
}

/** A one-line display of a node's code, shortened. */
export function shortCode(node: Node, max = 60): string {
  const text = node.text.replace(/\s+/g, ' ').trim();
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Names that hold the result of a call whose function matches `constructor` (`requests.Session`,
 * `aiohttp.ClientSession`): `s = requests.Session()`, `self.http = requests.Session()`,
 * `with requests.Session() as s:` (async too), by the name's text (`s`, `self.http`).
 */
export function namesBoundTo(root: Node, names: PythonNames, constructor: RegExp): Set<string> {
  const bound = new Set<string>();
  const matches = (value: Node | null | undefined): boolean =>
    value !== null && value !== undefined && value.type === 'call' && constructor.test(names.qualified(value.childForFieldName('function')) ?? '');
  for (const assignment of nodesOfType(root, 'assignment')) {
    const left = assignment.childForFieldName('left');
    if (left !== null && matches(assignment.childForFieldName('right'))) bound.add(left.text);
  }
  for (const pattern of nodesOfType(root, 'as_pattern')) {
    const alias = pattern.childForFieldName('alias');
    if (pattern.parent?.type === 'with_item' && alias !== null && matches(namedChildrenOf(pattern)[0])) bound.add(alias.text);
  }
  return bound;
}

/**
 * The findings of `judge` on every call of a Python document, with the file's import names: the
 * shape of the rules that look at calls one by one.
 */
export function checkCalls(document: LanguageDocument, judge: (call: Node, names: PythonNames) => RuleFinding | RuleFinding[] | undefined): RuleFinding[] {
  const root = pythonRoot(document);
  if (root === undefined) return [];
  const names = PythonNames.of(root);
  const findings: RuleFinding[] = [];
  for (const call of nodesOfType(root, 'call')) {
    const found = judge(call, names);
    if (Array.isArray(found)) findings.push(...found);
    else if (found !== undefined) findings.push(found);
  }
  return findings;
}

/**
 * The exception classes an `except` clause names, as written (`ValueError`, `requests.Timeout`),
 * tuples and `as` names unwrapped; empty for a bare `except:`.
 */
export function caughtExceptions(clause: Node): string[] {
  const value = clause.childForFieldName('value') ?? namedChildrenOf(clause).find((child) => child.type !== 'block' && child.type !== 'comment');
  if (value === null || value === undefined) return [];
  const typeNode = value.type === 'as_pattern' ? namedChildrenOf(value)[0] : value;
  if (typeNode === undefined) return [];
  const inner = unparenthesize(typeNode);
  return (inner.type === 'tuple' ? namedChildrenOf(inner) : [inner]).filter((name) => name.type !== 'comment').map((name) => name.text);
}
