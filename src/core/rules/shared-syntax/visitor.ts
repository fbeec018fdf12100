import { ts } from 'ts-morph';
import type { RuleFinding } from '../../check/findings';
import type { RuleContext } from '../rule';
import type { FileBindings } from './bindings';

/** Called with each node of one of the kinds a {@link SyntaxVisitor} asked for, in the walk's order. */
export type NodeHandler = (node: ts.Node) => void;

/**
 * A syntax rule's work on one file, in the form the engine's one shared walk drives: handlers for
 * the node kinds the rule looks at, called in pre-order (the order of a recursive
 * `ts.forEachChild` walk), then `end` once for the findings. A rule with a visitor saves the engine
 * one tree walk per file: every such rule shares a single traversal.
 */
export interface SyntaxVisitor {
  /** Handlers by node kind; kinds left out cost the rule nothing. */
  readonly visit: Readonly<Partial<Record<ts.SyntaxKind, NodeHandler>>>;
  /**
   * True when `end` asks {@link FileBindings.of} for the tree's names: the engine then fills that
   * table during the same walk instead of letting the first rule make a walk of its own for it.
   */
  readonly usesBindings?: boolean;
  /** The rule's findings, once every node has been seen. */
  end(): RuleFinding[];
}

/** A syntax context: the tree is there (the engine builds visitors only for parsed files). */
export type SyntaxContext = RuleContext & { readonly sourceFile: ts.SourceFile };

/** One handler per kind for the whole walk: the handlers of every visitor that asked for it. */
export type DispatchTable = Map<ts.SyntaxKind, NodeHandler[]>;

/** Adds `visitor`'s handlers to `table`, each wrapped by `wrap` (the engine's per-rule failure guard). */
export function addToDispatch(table: DispatchTable, visitor: SyntaxVisitor, wrap: (handler: NodeHandler) => NodeHandler = (handler) => handler): void {
  for (const key of Object.keys(visitor.visit)) {
    const kind = Number(key) as ts.SyntaxKind;
    const handler = visitor.visit[kind];
    if (handler === undefined) continue;
    const handlers = table.get(kind);
    if (handlers === undefined) table.set(kind, [wrap(handler)]);
    else handlers.push(wrap(handler));
  }
}

/**
 * Walks `root` once in pre-order, by an explicit stack (a deep tree cannot overflow it), calling
 * `everyNode` and then the handlers `table` holds for each node's kind. Returns the tree's depth,
 * so that the walk that serves the rules also answers the engine's depth limit.
 */
export function walkTree(root: ts.Node, table: DispatchTable, everyNode?: NodeHandler): number {
  let max = 0;
  const nodes: ts.Node[] = [root];
  const depths: number[] = [1];
  let childDepth = 0;
  // Children go straight onto the stack, with their depth, and are then reversed in place so that
  // they pop in source order, as `ts.forEachChild` visits them (a scratch array emptied per node
  // cost a runtime call per node: a twentieth of a pull).
  const pushChild = (child: ts.Node): void => {
    nodes.push(child);
    depths.push(childDepth);
  };
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const depth = depths.pop()!;
    if (depth > max) max = depth;
    if (everyNode !== undefined) everyNode(node);
    const handlers = table.get(node.kind);
    if (handlers !== undefined) for (const handler of handlers) handler(node);
    const first = nodes.length;
    childDepth = depth + 1;
    ts.forEachChild(node, pushChild);
    for (let low = first, high = nodes.length - 1; low < high; low++, high--) {
      const child = nodes[low];
      nodes[low] = nodes[high];
      nodes[high] = child;
    }
  }
  return max;
}

/**
 * Runs one visitor on its own (its own walk): the `check` of a rule that has a visitor, for callers
 * that run a rule outside the engine.
 */
export function checkWithVisitor(context: RuleContext, makeVisitor: (context: SyntaxContext) => SyntaxVisitor): RuleFinding[] {
  const sourceFile = context.sourceFile;
  if (!sourceFile) return [];
  const visitor = makeVisitor(context as SyntaxContext);
  const table: DispatchTable = new Map();
  addToDispatch(table, visitor);
  walkTree(sourceFile, table);
  return visitor.end();
}

