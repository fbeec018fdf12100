import type { Node, Tree } from 'web-tree-sitter';
import { nodesOfType } from '../shared-python/nodes';

/** One absolute import of a Python file, read from its tree-sitter tree. */
export interface PythonImport {
  /** The dotted module name as written (`google.cloud.storage`, `yaml`). */
  module: string;
  /** Its first component, the top-level module a distribution installs (`google`, `yaml`). */
  topLevel: string;
  /** UTF-16 offsets of the module name in the text. */
  start: number;
  end: number;
  /**
   * Why a missing distribution would not break the program at run time: the import is under
   * `if TYPE_CHECKING:` (type checkers only) or in a `try:` whose handler catches `ImportError`
   * (an optional dependency the code does without).
   */
  guarded?: 'type-checking' | 'optional';
  /** For `from a.b import c, d`: `a.b.c`, `a.b.d` (a namespace package's parts are imported this way: `from google.cloud import storage`). */
  submodules?: string[];
}

/** Exceptions whose handler makes an import optional: a missing module raises ModuleNotFoundError. */
const IMPORT_ERROR_HANDLER = /^except\s*(?::|\(?[^:]*\b(?:ImportError|ModuleNotFoundError|Exception|BaseException)\b)/;

/**
 * The absolute imports of a Python tree: `import a.b`, `from a.b import c`, and `__import__('a')` /
 * `importlib.import_module('a')` with a literal name. Relative imports (`from . import x`,
 * `import_module('.x', pkg)`), `from __future__` and names built at run time are not imports of a
 * distribution and are left out. Nodes are not kept: the tree stays the engine's. With `stub`
 * (a `.pyi` file) every import is `type-checking`.
 */
export function pythonImports(tree: Tree, options: { stub?: boolean } = {}): PythonImport[] {
  const imports: PythonImport[] = [];
  const add = (node: Node, module: string, start: number, end: number, submodules?: string[]): void => {
    const topLevel = module.split('.')[0]!;
    if (!/^[A-Za-z_]\w*$/.test(topLevel)) return;
    const entry: PythonImport = { module, topLevel, start, end };
    if (submodules?.length) entry.submodules = submodules;
    // A stub (`.pyi`) is read by type checkers only: all its imports are type-checking ones.
    const guarded = options.stub ? 'type-checking' : guardOf(node);
    if (guarded) entry.guarded = guarded;
    imports.push(entry);
  };
  for (const statement of nodesOfType(tree.rootNode, ['import_statement', 'import_from_statement', 'call'])) {
    if (statement === null) continue;
    if (statement.type === 'import_statement') {
      for (const name of statement.childrenForFieldName('name')) {
        if (name === null) continue;
        const dotted = name.type === 'aliased_import' ? name.childForFieldName('name') : name;
        if (dotted?.type === 'dotted_name') add(statement, dotted.text, dotted.startIndex, dotted.endIndex);
      }
    } else if (statement.type === 'import_from_statement') {
      const module = statement.childForFieldName('module_name');
      if (module?.type !== 'dotted_name') continue;
      const submodules = statement
        .childrenForFieldName('name')
        .map((name) => (name?.type === 'aliased_import' ? name.childForFieldName('name') : name))
        .filter((name): name is Node => name?.type === 'dotted_name')
        .map((name) => `${module.text}.${name.text}`);
      add(statement, module.text, module.startIndex, module.endIndex, submodules);
    } else {
      const literal = dynamicImportLiteral(statement);
      if (literal) add(statement, literal.value, literal.start, literal.end);
    }
  }
  return imports;
}

/** The module name of `__import__('x')` / `importlib.import_module('x')` / `import_module('x')`, when a plain literal. */
function dynamicImportLiteral(call: Node): { value: string; start: number; end: number } | undefined {
  const callee = call.childForFieldName('function')?.text;
  if (callee !== '__import__' && callee !== 'importlib.import_module' && callee !== 'import_module') return undefined;
  const first = call.childForFieldName('arguments')?.namedChildren[0];
  if (!first || first.type !== 'string') return undefined;
  const parts = first.namedChildren.filter((child): child is Node => child !== null);
  // Only `'name'`: an f-string's interpolation or escapes make a name we cannot read reliably.
  if (parts.some((part) => part.type !== 'string_start' && part.type !== 'string_content' && part.type !== 'string_end')) return undefined;
  const content = parts.find((part) => part.type === 'string_content');
  if (!content || !/^[A-Za-z_][\w.]*$/.test(content.text)) return undefined;
  return { value: content.text, start: content.startIndex, end: content.endIndex };
}

/** Whether the import at `node` sits under `if TYPE_CHECKING:` or in a `try:` that catches ImportError. */
function guardOf(node: Node): PythonImport['guarded'] {
  let child: Node = node;
  for (let parent = node.parent; parent !== null; child = parent, parent = parent.parent) {
    // The `else:` of such a `try` runs only when its imports succeeded: optional as well (requests' help.py).
    const body = parent.type === 'if_statement' ? parent.childForFieldName('consequence') : parent.type === 'try_statement' ? (child.type === 'else_clause' ? child : parent.childForFieldName('body')) : null;
    if (!body || !child.equals(body)) continue;
    if (parent.type === 'if_statement') {
      const condition = parent.childForFieldName('condition')?.text ?? '';
      if (/^(?:\w+\.)?TYPE_CHECKING$/.test(condition.trim())) return 'type-checking';
    } else {
      for (const clause of parent.namedChildren) {
        if (clause?.type === 'except_clause' && IMPORT_ERROR_HANDLER.test(clause.text.slice(0, 200))) return 'optional';
      }
    }
  }
  return undefined;
}
