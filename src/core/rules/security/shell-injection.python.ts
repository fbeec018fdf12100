import type { Node } from 'web-tree-sitter';
import type { RuleFinding } from '../../check/findings';
import type { LanguageCheck, LanguageRuleContext } from '../rule';
import { argumentAt, callArguments, calleeLastName, isFalse, isNone, namedChildrenOf, checkCalls, PythonNames, unparenthesize } from '../shared-python/nodes';
import { composePythonString, describePythonComposition, isBuilt } from '../shared-python/strings';

/** Functions that always hand their command to a shell. */
const ALWAYS_SHELL: ReadonlySet<string> = new Set([
  'os.system',
  'os.popen',
  'subprocess.getoutput',
  'subprocess.getstatusoutput',
  'asyncio.create_subprocess_shell',
  'commands.getoutput',
  'commands.getstatusoutput',
]);
/** subprocess functions that use a shell only with `shell=True`. */
const SHELL_OPTION: ReadonlySet<string> = new Set(['subprocess.run', 'subprocess.call', 'subprocess.Popen', 'subprocess.check_output', 'subprocess.check_call']);
/** Functions that run an argument list; a shell program with `-c` among them runs a script all the same. */
const SPAWNING: ReadonlySet<string> = new Set([...SHELL_OPTION, 'asyncio.create_subprocess_exec']);
/** Programs that run their `-c` argument as a shell script. */
const SHELL_PROGRAM = /(?:^|\/)(?:(?:ba|z|da|k)?sh|cmd(?:\.exe)?|powershell(?:\.exe)?|pwsh)$/i;
const SCRIPT_FLAG = /^(?:-c|\/c|-Command)$/i;
/** Calls inside a command that quote their input (`shlex.quote`, `shlex.join`, `pipes.quote`) or make a number of it. */
const ESCAPING_CALL = /escape|quote|^(?:int|float|len)$/i;

/**
 * `security/shell-injection` for Python: `os.system`, `os.popen`, `subprocess.getoutput` and
 * `asyncio.create_subprocess_shell` with a command built from values (an f-string, `%`, `+`,
 * `.format()`) or held by a variable this file does not bind to a literal; `subprocess.run`/`call`/
 * `Popen`/`check_output`/`check_call` the same when `shell=` is anything but `False`. Argument
 * lists (`subprocess.run(["git", "log", branch])`) run no shell and are not reported, nor values
 * quoted with `shlex.quote`.
 */
export const pythonShellInjection: LanguageCheck = {
  // Bandit's subprocess_popen_with_shell_equals_true, any_other_function_with_shell_equals_true, start_process_with_a_shell.
  banditTests: ['B602', 'B604', 'B605'],
  rationale: 'In Python: `os.system`, `os.popen` and `subprocess` calls with `shell=True` whose command is an f-string, `%`, `+` or `.format()` of values, or a variable not bound to a literal. Pass a list of arguments without `shell=True`, or quote each value with `shlex.quote`.',
  textTriggers: ['system', 'popen', 'subprocess', 'shell', 'getoutput', 'commands'],
  check: (context: LanguageRuleContext): RuleFinding[] => checkCalls(context.document, checkCall),
};

function checkCall(call: Node, names: PythonNames): RuleFinding | undefined {
  const callee = call.childForFieldName('function');
  const qualified = names.qualified(callee);
  if (qualified === undefined || callee === null) return undefined;
  const args = callArguments(call);
  let how: string;
  if (SPAWNING.has(qualified)) {
    const list = argumentAt(args, 0, 'args');
    const value = list !== undefined ? unparenthesize(list) : undefined;
    if (value !== undefined && (value.type === 'list' || value.type === 'tuple')) return shellScriptInList(callee, value);
  }
  if (ALWAYS_SHELL.has(qualified)) {
    how = 'through a shell';
  } else if (SHELL_OPTION.has(qualified)) {
    const shell = args.keywords.get('shell');
    if (shell === undefined || isFalse(shell) || isNone(shell) || shell.text === '0') return undefined;
    // `def run(cmd, shell=False): Popen(cmd, shell=shell)`: a wrapper passing its caller's choice on; the caller is the place to look.
    if (shell.type === 'identifier' && isParameter(call, shell.text)) return undefined;
    how = shell.type === 'true' ? 'through a shell (`shell=True`)' : `through a shell when \`shell=${shell.text}\` is true`;
  } else {
    return undefined;
  }
  const command = argumentAt(args, 0, qualified.startsWith('subprocess.') ? 'args' : 'cmd') ?? args.keywords.get('command');
  if (command === undefined) return undefined;
  const value = unparenthesize(command);
  if (value.type === 'list' || value.type === 'tuple') return shellScriptInList(callee, value);
  const composition = composePythonString(value, isEscaped);
  if (!isBuilt(composition) && composition.form !== 'variable') return undefined;
  const message =
    `\`${callee.text.replace(/\s+/g, '')}\` runs a command ${how}, built from ${describePythonComposition(composition)}: ` +
    'a `;`, `|` or `$(…)` in a value becomes a second command. Pass a list of arguments without a shell, or quote each value with `shlex.quote`.';
  return { start: command.startIndex, end: command.endIndex, message };
}

function isEscaped(part: Node): boolean {
  if (part.type !== 'call') return false;
  if (part.childForFieldName('function')?.text === 'shlex.join') return true;
  const name = calleeLastName(part);
  return name !== undefined && ESCAPING_CALL.test(name);
}

/** True when `name` is a parameter of the function the call is in. */
function isParameter(call: Node, name: string): boolean {
  let scope = call.parent;
  while (scope !== null && scope.type !== 'function_definition') scope = scope.parent;
  const parameters = scope?.childForFieldName('parameters');
  if (parameters === null || parameters === undefined) return false;
  return namedChildrenOf(parameters).some((parameter) => (parameter.type === 'identifier' ? parameter : parameter.childForFieldName('name') ?? namedChildrenOf(parameter)[0])?.text === name);
}

/** `["sh", "-c", f"tar -czf {name}.tgz data"]`: the script after `-c` is parsed by a shell. */
function shellScriptInList(callee: Node, list: Node): RuleFinding | undefined {
  const items = namedChildrenOf(list).filter((item) => item.type !== 'comment');
  const program = items[0] !== undefined ? composePythonString(items[0]) : undefined;
  if (program?.form !== 'literal' || !SHELL_PROGRAM.test(program.text)) return undefined;
  const flagIndex = items.findIndex((item, index) => index > 0 && SCRIPT_FLAG.test(composePythonString(item).text));
  const script = flagIndex > 0 ? items[flagIndex + 1] : undefined;
  if (script === undefined) return undefined;
  const composition = composePythonString(script, isEscaped);
  if (!isBuilt(composition) && composition.form !== 'variable') return undefined;
  return {
    start: script.startIndex,
    end: script.endIndex,
    message:
      `\`${callee.text.replace(/\s+/g, '')}\` runs \`${program.text} ${composePythonString(items[flagIndex]).text}\` with a script built from ${describePythonComposition(composition)}: ` +
      'a `;`, `|` or `$(…)` in a value becomes a second command. Run the program itself with a list of arguments, or quote each value with `shlex.quote`.',
  };
}
