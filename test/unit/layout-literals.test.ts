import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import * as ts from 'typescript';

const root = join(__dirname, '../../..');
const LAYOUT_FILE = 'src/core/workspace/layout.ts';

/**
 * Files of other work in progress that still spell a `.comprehension` path themselves. Each entry
 * must still have such a literal (the test fails when one no longer does, so the list only shrinks).
 */
const PENDING: ReadonlySet<string> = new Set([
]);

/**
 * A `.comprehension` path used as code starts the literal or follows a path or glob separator
 * (`'.comprehension/notes'`, `` `${root}/.comprehension` ``, `'{a,.comprehension/b}'`). Prose in
 * messages, usage texts and rule docs has a space or a backtick before it and is left alone.
 */
const PATH_IN_STRING = /(?:^|[/\\{,(|])\.comprehension(?![A-Za-z0-9_])/;
/** In a regular expression the dot is escaped: `/^\.comprehension\//`. */
const PATH_IN_REGEX = /\\\.comprehension(?![A-Za-z0-9_])/;

/** The `.comprehension` path literals of a source file as `line: text`, from the TypeScript parser (comments are not nodes). */
export function layoutLiterals(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    let hit = false;
    if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) hit = PATH_IN_STRING.test(node.text);
    else if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) hit = PATH_IN_REGEX.test(node.getText(source));
    if (hit) found.push(`${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}: ${node.getText(source)}`);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function sourceFiles(folder: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

describe('workspace layout literals', () => {
  it('tells a path in code from prose, a comment or a property name', () => {
    const text = [
      "// the policy lives in .comprehension/policy.yaml",
      "const a = '.comprehension';",
      'const b = `${root}/.comprehension/notes`;',
      "const c = '**/{package.json,.comprehension/policy.yaml}';",
      'const d = /^\\.comprehension\\//;',
      "const prose = 'Open a folder first: the policy lives in its .comprehension/policy.yaml.';",
      "const docs = 'listed in `.comprehension/policy.yaml`';",
      'const e = record.metadata.comprehension.lost;',
      "const f = '.comprehensionist';",
    ].join('\n');
    assert.deepEqual(
      layoutLiterals('sample.ts', text).map((hit) => hit.split(':')[0]),
      ['2', '3', '4', '5'],
    );
  });

  it('no source file outside layout.ts spells a .comprehension path', () => {
    const offenders: string[] = [];
    const stillPending = new Set<string>();
    for (const file of sourceFiles(join(root, 'src'))) {
      const path = relative(root, file).split(sep).join('/');
      if (path === LAYOUT_FILE) continue;
      const hits = layoutLiterals(path, readFileSync(file, 'utf8'));
      if (hits.length === 0) continue;
      if (PENDING.has(path)) stillPending.add(path);
      else offenders.push(...hits.map((hit) => `${path}:${hit}`));
    }
    assert.deepEqual(offenders, [], `take these paths from ${LAYOUT_FILE} (DATA_DIR, isDataPath, notePathFor, …)`);
    const done = [...PENDING].filter((path) => !stillPending.has(path) || !existsSync(join(root, path)));
    assert.deepEqual(done, [], 'these files no longer spell a .comprehension path: remove them from PENDING');
  });
});
