import { posix } from 'node:path';

/**
 * Recognises a JavaScript file a compiler wrote from a source that is itself in the workspace: a
 * package that ships `providers/github.js` beside `src/providers/github.ts` (@auth/core, next-auth).
 * The compiled file repeats, once more, what its source says, so it is generated like a bundle. The
 * sign is a source map beside it (`github.d.ts.map`, which tsc's `declarationMap` writes for the
 * same source, or `github.js.map` whose comment was stripped) naming a source that exists.
 * A compiled file whose source is not there is the only copy of that code, and is checked.
 */

/** Script files a compiler writes. */
const COMPILED_EXTENSION = /\.([cm]?)js(x?)$/;
/** At most this many of a map's sources are looked for. */
const MAX_SOURCES = 16;

/** The source maps that, beside `path`, would describe its compilation (workspace-relative POSIX paths). */
export function sourceMapsBeside(path: string): string[] {
  const match = COMPILED_EXTENSION.exec(path);
  if (match === null) return [];
  const stem = path.slice(0, match.index);
  // tsc writes `x.d.ts.map` for `x.js`, `x.d.mts.map` for `x.mjs`, `x.d.cts.map` for `x.cjs`.
  const declarationMap = match[2] === '' ? `${stem}.d.${match[1]}ts.map` : undefined;
  return declarationMap !== undefined ? [declarationMap, `${path}.map`] : [`${path}.map`];
}

/** How {@link compiledSourceOf} looks at the workspace: whether a file exists, and a bounded read of one. */
export interface CompiledSourceAccess {
  exists(relativePath: string): boolean;
  read(relativePath: string): string | undefined;
}

/**
 * The workspace file `path` was compiled from, when a source map beside it names one that exists
 * (a source inside the workspace, other than `path`); undefined otherwise. An unreadable or invalid
 * map says nothing, and the file is checked.
 */
export function compiledSourceOf(path: string, access: CompiledSourceAccess): string | undefined {
  for (const mapPath of sourceMapsBeside(path)) {
    if (!access.exists(mapPath)) continue;
    const text = access.read(mapPath);
    if (text === undefined) continue;
    for (const source of mapSources(text, posix.dirname(mapPath))) {
      if (source !== path && access.exists(source)) return source;
    }
  }
  return undefined;
}

/** The workspace-relative paths of the sources a source map names (those that stay inside the workspace). */
function mapSources(text: string, folder: string): string[] {
  let map: unknown;
  try {
    map = JSON.parse(text);
  } catch {
    return [];
  }
  if (typeof map !== 'object' || map === null) return [];
  const { sources, sourceRoot } = map as { sources?: unknown; sourceRoot?: unknown };
  if (!Array.isArray(sources)) return [];
  const root = typeof sourceRoot === 'string' ? sourceRoot : '';
  // A URL root or source (`webpack://`, `https:`) names no workspace file.
  if (/^[a-z][\w+.-]*:/i.test(root) || root.startsWith('/')) return [];
  const paths: string[] = [];
  for (const source of sources.slice(0, MAX_SOURCES)) {
    if (typeof source !== 'string' || source === '' || source.startsWith('/') || /^[a-z][\w+.-]*:/i.test(source)) continue;
    const joined = posix.normalize(posix.join(folder, root, source));
    if (joined === '..' || joined.startsWith('../') || joined === '.') continue;
    paths.push(joined);
  }
  return paths;
}
