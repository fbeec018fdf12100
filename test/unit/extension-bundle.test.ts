import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';

const root = join(__dirname, '../../..');

/**
 * Note-quality and question code: the language server runs it and the extension asks for the
 * results (`comprehension/noteStates`, `newNote`, `markReviewed`), so none of it is in the bundle.
 */
const SERVER_ONLY_NOTE_MODULES = [
  'src/core/notes/assess.ts',
  'src/core/notes/diagnostics.ts',
  'src/core/notes/new-note.ts',
  'src/core/notes/questions.ts',
];

/** The note checks themselves: the server runs them; the extension only shows their verdicts. */
const NOTE_CHECK_MODULES = ['src/core/notes/quality.ts', 'src/core/notes/status.ts'];

/** Records who imports ts-morph instead of bundling it (7 MB of compiler would hide in the output). */
function tsMorphImporters(found: string[]): Plugin {
  return {
    name: 'record-ts-morph',
    setup(plugin) {
      plugin.onResolve({ filter: /^ts-morph$/ }, (args) => {
        found.push(args.importer);
        return { path: 'ts-morph', external: true };
      });
    },
  };
}

/** Who imports `target`, one chain back to the entry (for a message that says what to fix). */
function importChain(metafile: Metafile, target: string): string[] {
  const chain = [target];
  let current = target;
  for (let guard = 0; guard < 50; guard++) {
    const importer = Object.entries(metafile.inputs).find(([, input]) => input.imports.some((entry) => entry.path === current))?.[0];
    if (!importer || chain.includes(importer)) break;
    chain.push(importer);
    current = importer;
  }
  return chain;
}

describe('extension bundle', function () {
  this.timeout(60000);
  let metafile: Metafile;
  const tsMorph: string[] = [];

  before(async () => {
    // The extension entry as scripts/build.mjs bundles it (same entry, `vscode` external), inputs only.
    const result = await build({
      absWorkingDir: root,
      entryPoints: ['src/client/extension.ts'],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      external: ['vscode'],
      write: false,
      outdir: join(root, '.bundle-inputs'),
      metafile: true,
      logLevel: 'silent',
      plugins: [tsMorphImporters(tsMorph)],
    });
    metafile = result.metafile;
  });

  it('holds no ts-morph', () => {
    assert.deepEqual(tsMorph, [], `ts-morph is imported by ${tsMorph.join(', ')}`);
    assert.deepEqual(Object.keys(metafile.inputs).filter((path) => path.includes('node_modules/ts-morph/') || path.includes('node_modules/typescript/')), []);
  });

  it('holds no note-quality or question code of its own', () => {
    const inputs = new Set(Object.keys(metafile.inputs));
    assert.ok(inputs.has('src/client/notes/presentation.ts'), 'the inputs are the extension\'s (sanity check)');
    const present = SERVER_ONLY_NOTE_MODULES.filter((path) => inputs.has(path));
    assert.deepEqual(present, [], present.map((path) => importChain(metafile, path).join(' <- ')).join('\n'));
  });

  it('holds no note checks (the practice exercise asks the server too)', () => {
    const bundled = NOTE_CHECK_MODULES.filter((path) => path in metafile.inputs);
    assert.deepEqual(bundled, []);
  });
});
