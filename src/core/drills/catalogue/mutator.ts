import { ts } from 'ts-morph';

/** The kinds of defect AI code ships that a drill can plant (one module each in this folder). */
export type DefectKind =
  | 'off-by-one'
  | 'inverted-condition'
  | 'missing-await'
  | 'swapped-arguments'
  | 'timeout-unit'
  | 'dropped-null-check'
  | 'swallowed-error';

/** 1-based inclusive lines of the block a drill plants into. */
export interface LineRange {
  startLine: number;
  endLine: number;
}

/** One place a defect can be planted, with the text edit that plants it. */
export interface DrillSite {
  kind: DefectKind;
  /** The edit: replace `text.slice(start, end)` with `newText`. */
  start: number;
  end: number;
  newText: string;
  /** The code replaced, as it was (`attempt <= 3`). */
  before: string;
  /** 1-based line of the edit. */
  line: number;
  /** The enclosing function's name, or undefined at top level. */
  functionName?: string;
  /** One line saying what changed (shown on give-up, never before). */
  description: string;
  /** A misbehaviour to show when no test notices the bug; says where to look, not what changed. */
  symptom: string;
}

/** One defect kind: finds the places it can be planted inside a line range. */
export interface DefectMutator {
  kind: DefectKind;
  /** The hint naming the kind of defect without saying where it is. */
  kindHint: string;
  /** Every site in `lines`, in source order. */
  findSites(sourceFile: ts.SourceFile, lines: LineRange): DrillSite[];
}

/** 1-based line of a position. */
export function lineOf(sourceFile: ts.SourceFile, position: number): number {
  return sourceFile.getLineAndCharacterOfPosition(position).line + 1;
}

/** Whether a node starts and ends inside the range. */
export function nodeInLines(sourceFile: ts.SourceFile, node: ts.Node, lines: LineRange): boolean {
  const first = lineOf(sourceFile, node.getStart(sourceFile));
  const last = lineOf(sourceFile, node.getEnd());
  return first >= lines.startLine && last <= lines.endLine;
}

/** Every node of the tree inside `lines` for which `visit` returns a site (or sites), in source order. */
export function collectSites(
  sourceFile: ts.SourceFile,
  lines: LineRange,
  visit: (node: ts.Node) => Omit<DrillSite, 'line' | 'functionName' | 'before'> | Omit<DrillSite, 'line' | 'functionName' | 'before'>[] | undefined,
): DrillSite[] {
  const sites: DrillSite[] = [];
  const walk = (node: ts.Node): void => {
    if (nodeInLines(sourceFile, node, lines)) {
      const found = visit(node);
      for (const site of found === undefined ? [] : Array.isArray(found) ? found : [found]) {
        const functionName = enclosingFunctionName(node);
        sites.push({
          ...site,
          before: sourceFile.text.slice(site.start, site.end),
          line: lineOf(sourceFile, site.start),
          ...(functionName !== undefined ? { functionName } : {}),
        });
      }
    }
    ts.forEachChild(node, walk);
  };
  walk(sourceFile);
  return sites;
}

/** The name of the nearest named function, method or function-valued variable around `node`. */
export function enclosingFunctionName(node: ts.Node): string | undefined {
  for (let current: ts.Node | undefined = node.parent; current; current = current.parent) {
    if ((ts.isFunctionDeclaration(current) || ts.isMethodDeclaration(current) || ts.isFunctionExpression(current)) && current.name) return current.name.getText();
    if ((ts.isArrowFunction(current) || ts.isFunctionExpression(current)) && ts.isVariableDeclaration(current.parent) && ts.isIdentifier(current.parent.name)) {
      return current.parent.name.text;
    }
  }
  return undefined;
}

/** `name()` or "the top-level code", for symptoms. */
export function where(node: ts.Node): string {
  const name = enclosingFunctionName(node);
  return name === undefined ? 'the top-level code of the block' : `\`${name}()\``;
}

/** A short one-line rendering of code for messages. */
export function snippet(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 60 ? `${oneLine.slice(0, 57)}...` : oneLine;
}
