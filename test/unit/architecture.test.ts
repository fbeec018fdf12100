// Keeps ARCHITECTURE.md honest: the folders its code map names exist, core imports no editor API,
// the shells do not import each other, and core has no loose module whose concept has a folder.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '../../..');
const architecture = readFileSync(join(root, 'ARCHITECTURE.md'), 'utf8');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const path = `${dir}/${name}`;
    if (statSync(join(root, path)).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** Module specifiers a file imports, requires or re-exports (static and dynamic). */
function imports(path: string): string[] {
  const text = readFileSync(join(root, path), 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)(['"])([^'"]+)\1/gm)) found.push(match[2]);
  return found;
}

/** The top-level `src/` area a relative import from `path` lands in, if any. */
function areaOf(path: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const target = relative(root, join(root, path, '..', specifier)).split('\\').join('/');
  return /^src\/([^/]+)/.exec(target)?.[1];
}

describe('ARCHITECTURE.md', () => {
  it('names only folders that exist', () => {
    const folders = [...architecture.matchAll(/`((?:src|test|bench|scripts)\/[\w./-]*\/)`/g)].map((match) => match[1]);
    assert.ok(folders.length >= 15, `the code map names the folders (found ${folders.length})`);
    const missing = [...new Set(folders)].filter((folder) => !existsSync(join(root, folder)) || !statSync(join(root, folder)).isDirectory());
    assert.deepEqual(missing, []);
  });

  it('names every folder of src/core and src/', () => {
    const folders = ['src', 'src/core'].flatMap((dir) =>
      readdirSync(join(root, dir)).filter((name) => statSync(join(root, dir, name)).isDirectory()).map((name) => `${dir}/${name}/`),
    );
    const unnamed = folders.filter((folder) => !architecture.includes(`\`${folder}\``));
    assert.deepEqual(unnamed, [], 'each folder has its paragraph in the code map');
  });

  it('core imports no editor or language-server API, and nothing from the shells', () => {
    const offending: string[] = [];
    for (const file of sourceFiles('src/core')) {
      for (const specifier of imports(file)) {
        const area = areaOf(file, specifier);
        if (/^(vscode|vscode-languageclient|vscode-languageserver)(\/|$)/.test(specifier) || (area && area !== 'core')) offending.push(`${file}: ${specifier}`);
      }
    }
    assert.deepEqual(offending, []);
  });

  it('the shells do not import each other (they meet in core and src/shared)', () => {
    const allowed: Record<string, readonly string[]> = { client: ['core', 'shared', 'client'], server: ['core', 'shared', 'server'], cli: ['core', 'cli'], shared: ['core', 'shared'] };
    const offending: string[] = [];
    for (const [shell, areas] of Object.entries(allowed)) {
      for (const file of sourceFiles(`src/${shell}`)) {
        for (const specifier of imports(file)) {
          const area = areaOf(file, specifier);
          if (area && !areas.includes(area)) offending.push(`${file}: ${specifier}`);
        }
      }
    }
    assert.deepEqual(offending, []);
  });

  it('core keys no WeakMap by a file, tree or document (the check attaches per-file values with AttachedCache)', () => {
    // A long-lived WeakMap's values outlive young collections: one keyed by a syntax tree kept
    // every tree of a check alive until a full collection (src/core/runtime/attached-cache.ts).
    const keyedByWorkspaceObjects = new Set(['Policy', 'Baseline', 'object, PathMatchers', 'object, Map<Rule']);
    const offenders: string[] = [];
    for (const path of sourceFiles('src/core')) {
      for (const match of readFileSync(join(root, path), 'utf8').matchAll(/new WeakMap<([^>]+)/g)) {
        const key = match[1].trim();
        if (![...keyedByWorkspaceObjects].some((allowed) => key.startsWith(allowed))) offenders.push(`${path}: WeakMap<${key}`);
      }
    }
    assert.deepEqual(offenders, []);
  });

  it('core keeps its modules in capability folders (no loose file whose concept has a folder)', () => {
    const loose = readdirSync(join(root, 'src/core')).filter((name) => name.endsWith('.ts'));
    assert.deepEqual(loose.sort(), ['version.ts']);
  });
});
