import { extname } from 'node:path';
import { ts } from 'ts-morph';
import { onFirstUse } from '../rules/shared-syntax/nodes';
import { CATALOGUE, mutatorOf, type DrillSite, type LineRange } from './catalogue';
import { mulberry32 } from '../text/seeded-random';

/** Script kinds a drill can parse; other files have no sites. */
const scriptKinds = onFirstUse((): Record<string, ts.ScriptKind> => ({
  '.ts': ts.ScriptKind.TS,
  '.mts': ts.ScriptKind.TS,
  '.cts': ts.ScriptKind.TS,
  '.tsx': ts.ScriptKind.TSX,
  '.js': ts.ScriptKind.JS,
  '.mjs': ts.ScriptKind.JS,
  '.cjs': ts.ScriptKind.JS,
  '.jsx': ts.ScriptKind.JSX,
}));

/** The parsed file, or undefined for a language a drill cannot parse. */
export function parseForDrill(path: string, text: string): ts.SourceFile | undefined {
  const kind = scriptKinds()[extname(path).toLowerCase()];
  return kind === undefined ? undefined : ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, kind);
}

/** Syntax errors of a parse (a planted file must parse when the original did). */
export function syntaxErrors(sourceFile: ts.SourceFile): number {
  return (sourceFile as unknown as { parseDiagnostics?: unknown[] }).parseDiagnostics?.length ?? 0;
}

/** Every site of every defect kind inside `lines`, in catalogue then source order. */
export function findDrillSites(path: string, text: string, lines: LineRange): DrillSite[] {
  const sourceFile = parseForDrill(path, text);
  if (!sourceFile) return [];
  return CATALOGUE.flatMap((mutator) => mutator.findSites(sourceFile, lines));
}

/** The text with the site's edit applied. */
export function plantSite(text: string, site: Pick<DrillSite, 'start' | 'end' | 'newText'>): string {
  return `${text.slice(0, site.start)}${site.newText}${text.slice(site.end)}`;
}

/** A small deterministic PRNG (mulberry32), so a seed always gives the same drill. */
function seededRandom(seed: number): () => number {
  // Mixed first (murmur3's finaliser): neighbouring seeds would otherwise start alike.
  let state = seed >>> 0;
  state = Math.imul(state ^ (state >>> 16), 0x85ebca6b);
  state = Math.imul(state ^ (state >>> 13), 0xc2b2ae35);
  state = (state ^ (state >>> 16)) >>> 0;
  return mulberry32(state);
}

/**
 * The sites in the order a drill tries them for a seed: kinds in a shuffled order, then one site
 * of each kind in turn, so the first few candidates are of different kinds (a drill should not
 * always be the same defect). Deterministic per seed.
 */
export function orderSites(sites: readonly DrillSite[], seed: number): DrillSite[] {
  const random = seededRandom(seed);
  const shuffle = <T>(items: T[]): T[] => {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  };
  const byKind = new Map<string, DrillSite[]>();
  for (const site of sites) byKind.set(site.kind, [...(byKind.get(site.kind) ?? []), site]);
  const queues = shuffle([...byKind.keys()]).map((kind) => shuffle([...byKind.get(kind)!]));
  const ordered: DrillSite[] = [];
  while (queues.some((queue) => queue.length > 0)) {
    for (const queue of queues) {
      const next = queue.shift();
      if (next) ordered.push(next);
    }
  }
  return ordered;
}

/**
 * The graded hints of a site: 1 the area (function), 2 the kind of defect, 3 the line. Each
 * says more than the one before; none says what changed.
 */
export function hintsFor(site: Pick<DrillSite, 'kind' | 'functionName' | 'line'>, path: string): [string, string, string] {
  return [
    site.functionName === undefined ? `Look at the top-level code of the block in ${path}.` : `Look inside \`${site.functionName}()\` in ${path}.`,
    mutatorOf(site.kind).kindHint,
    `The planted bug is on line ${site.line} of ${path}.`,
  ];
}

/**
 * The file's tokens without trivia (whitespace, comments), from the syntax tree's leaves (so
 * template and regular-expression tokens are read in context): two texts with the same tokens
 * have the same syntax tree. Undefined for a language a drill cannot parse.
 */
export function significantTokens(path: string, text: string): string[] | undefined {
  const sourceFile = parseForDrill(path, text);
  if (!sourceFile) return undefined;
  const tokens: string[] = [];
  const walk = (node: ts.Node): void => {
    const children = node.getChildren(sourceFile);
    if (children.length === 0) {
      if (node.kind !== ts.SyntaxKind.EndOfFileToken && node.kind !== ts.SyntaxKind.SyntaxList) tokens.push(node.getText(sourceFile));
      return;
    }
    for (const child of children) walk(child);
  };
  walk(sourceFile);
  return tokens;
}

/** Whether `fixed` restores `original` up to whitespace, comments and formatting. */
export function sameSyntax(path: string, original: string, fixed: string): boolean {
  const a = significantTokens(path, original);
  const b = significantTokens(path, fixed);
  if (!a || !b) return original === fixed;
  return a.length === b.length && a.every((token, i) => token === b[i]);
}
