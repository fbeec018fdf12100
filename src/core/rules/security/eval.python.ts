import type { Node } from 'web-tree-sitter';
import type { RuleFinding } from '../../check/findings';
import type { LanguageCheck, LanguageRuleContext } from '../rule';
import { argumentAt, callArguments, nodesOfType, PythonNames, pythonRoot } from '../shared-python/nodes';
import { assignedValue, composePythonString, describePythonComposition } from '../shared-python/strings';

/** Loaders that build only plain data (dicts, lists, strings, numbers). */
const SAFE_YAML_LOADER = /(?:^|\.)C?(?:Safe|Base)Loader$/;
const UNSAFE_YAML_LOADER = /(?:^|\.)C?(?:Unsafe|Full)?Loader$/;

/**
 * `security/eval` for Python: the built-ins `eval`, `exec` and `compile` given code that is not a
 * literal (a literal cannot carry input; `exec("import x")` is not reported), and PyYAML loading with
 * a loader that builds arbitrary objects (`yaml.load` without a loader or with `Loader`,
 * `UnsafeLoader` or `FullLoader`; `yaml.unsafe_load`). `pickle.loads` is not reported: whether its
 * bytes can come from outside is rarely visible in the file, and most uses (caches, multiprocessing)
 * read the program's own data.
 */
export const pythonEval: LanguageCheck = {
  // Bandit's exec_used, eval and yaml_load.
  banditTests: ['B102', 'B307', 'B506'],
  rationale: 'In Python: `eval`, `exec` and `compile` of code that is not a literal, and `yaml.load` without `SafeLoader` (it can build any object, which runs code). Use `ast.literal_eval`, `json.loads` or `yaml.safe_load` for data.',
  textTriggers: ['eval', 'exec', 'compile', 'yaml'],
  check(context: LanguageRuleContext): RuleFinding[] {
    const root = pythonRoot(context.document);
    if (root === undefined) return [];
    const names = PythonNames.of(root);
    // A module defining its own `eval` or `exec` (a method named so is an attribute call, never seen here).
    const shadowed = new Set(
      nodesOfType(root, 'function_definition')
        .filter((definition) => definition.parent?.type === 'module' || definition.parent?.parent?.type === 'module')
        .map((definition) => definition.childForFieldName('name')?.text),
    );
    const findings: RuleFinding[] = [];
    for (const call of nodesOfType(root, 'call')) {
      const callee = call.childForFieldName('function');
      const qualified = names.qualified(callee)?.replace(/^builtins\./, '');
      if (qualified === undefined || callee === null) continue;
      if ((qualified === 'eval' || qualified === 'exec' || qualified === 'compile') && !shadowed.has(qualified)) {
        const finding = checkBuiltin(call, qualified);
        if (finding !== undefined) findings.push(finding);
      } else if (qualified.startsWith('yaml.')) {
        const finding = checkYaml(call, qualified, names);
        if (finding !== undefined) findings.push(finding);
      }
    }
    return findings;
  },
};

function checkBuiltin(call: Node, name: string): RuleFinding | undefined {
  const args = callArguments(call);
  const source = argumentAt(args, 0, 'source');
  if (source === undefined) return undefined;
  if (name === 'compile') {
    const mode = argumentAt(args, 2, 'mode');
    // `compile(pattern)` of another module under that name takes no mode: not Python code.
    if (mode === undefined) return undefined;
    // `compile(src, name, "exec", ast.PyCF_ONLY_AST)` (what `ast.parse` does) builds a syntax tree, never code.
    const flags = argumentAt(args, 3, 'flags');
    const flagValue = flags?.type === 'identifier' ? (assignedValue(flags) ?? flags) : flags;
    if (flagValue !== undefined && /\bPyCF_ONLY_AST\b/.test(flagValue.text)) return undefined;
  }
  // `exec(compile(src, …))`, `code = compile(…); exec(code)`: the `compile` is the finding.
  const compiled = source.type === 'identifier' ? assignedValue(source) : source;
  if (compiled?.type === 'call' && compiled.childForFieldName('function')?.text === 'compile') return undefined;
  const composition = composePythonString(source);
  if (composition.dynamicParts.length === 0) return undefined;
  const from = composition.form === 'other' ? `\`${source.text.replace(/\s+/g, ' ').slice(0, 40)}\`` : describePythonComposition(composition);
  const message =
    name === 'compile'
      ? `\`compile\` turns ${from} into code to run: whatever reaches it runs with this process's rights. Parse data with \`ast.literal_eval\` or \`json.loads\` instead.`
      : `\`${name}\` runs ${from} as code: whatever reaches it runs with this process's rights. Parse data with \`ast.literal_eval\` or \`json.loads\`, or dispatch through a lookup table.`;
  return { start: call.startIndex, end: call.endIndex, message };
}

function checkYaml(call: Node, qualified: string, names: PythonNames): RuleFinding | undefined {
  const unsafeAlways = qualified === 'yaml.unsafe_load' || qualified === 'yaml.unsafe_load_all';
  if (!unsafeAlways && qualified !== 'yaml.load' && qualified !== 'yaml.load_all') return undefined;
  const args = callArguments(call);
  if (!unsafeAlways) {
    if (args.kwargsSplat || args.splat) return undefined;
    const loader = argumentAt(args, 1, 'Loader');
    if (loader !== undefined) {
      const loaderName = names.qualified(loader) ?? loader.text;
      if (SAFE_YAML_LOADER.test(loaderName) || !UNSAFE_YAML_LOADER.test(loaderName)) return undefined;
    }
  }
  const name = qualified.replace(/^yaml\./, 'yaml.');
  return {
    start: call.startIndex,
    end: call.endIndex,
    message: `\`${name}\` without \`SafeLoader\` can build any Python object the document names, which runs code on load. Use \`yaml.safe_load\`.`,
  };
}
