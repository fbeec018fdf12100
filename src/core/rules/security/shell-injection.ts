import { ts } from 'ts-morph';
import type { RuleFinding } from '../../check/findings';
import type { Rule, RuleContext } from '../rule';
import { checkWithVisitor, type SyntaxContext, type SyntaxVisitor } from '../shared-syntax/visitor';
import { FileBindings } from '../shared-syntax/bindings';
import { findProperty, findingAt, isFalseLiteral, propertyValue, skipWrappers, snippet } from '../shared-syntax/nodes';
import { calleeLastName, composeString, describeComposition } from '../shared-syntax/strings';
import { pythonShellInjection } from './shell-injection.python';

/** Functions that always hand their first argument to a shell, by module. */
const ALWAYS_SHELL: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['child_process', new Set(['exec', 'execSync'])],
  ['shelljs', new Set(['exec'])],
]);
/** child_process functions that use a shell only with `shell` set in their options. */
const SHELL_OPTION: ReadonlySet<string> = new Set(['spawn', 'spawnSync', 'execFile', 'execFileSync']);
/** Programs that run their `-c` argument as a shell script. */
const SHELL_PROGRAM = /(?:^|[\\/])(?:(?:ba|z|da|k)?sh|cmd(?:\.exe)?|powershell(?:\.exe)?|pwsh)$/i;
const SCRIPT_FLAG = /^(?:-c|\/c|-Command)$/i;
/** Calls inside a command that quote or escape their input (shell-quote's `quote`, `shellescape`…). */
const ESCAPING_CALL = /escape|quote/i;

/**
 * Flags shell commands built from values the file does not fix: `exec`/`execSync` (and shelljs
 * `exec`) with a command from a template, a concatenation or a variable, and `spawn`/`execFile` with
 * `shell` on and such a command or argument. Resolves `child_process` through imports, `require`,
 * destructuring and `util.promisify`.
 */
export const securityShellInjection: Rule = {
  id: 'security/shell-injection',
  kind: 'syntax',
  defaultSeverity: 'error',
  // Every finding names one of these verbatim (calls, options or the variable).
  textTriggers: ['exec', 'spawn'],
  summary: 'Shell command built from non-constant input',
  rationale:
    'A shell parses its command line: a value containing `;`, `&&`, `|`, backticks or `$(…)` spliced into ' +
    'it becomes a second command, run with the service\'s rights. Quoting by hand (`"${file}"`) does not ' +
    'help, since the value can close the quote.\n\n' +
    'AI assistants reach for `exec(`git log ${branch}`)` because it is one line; the argument-array form ' +
    'is barely longer and has no shell in the way: `execFile(\'git\', [\'log\', branch])`, or `spawn` without ' +
    '`shell: true`. A command from a `const` string literal is not reported, nor one whose substitutions ' +
    'go through a call named like an escaper (`quote(…)`, `shellescape(…)`); a command passed in as a ' +
    'parameter is reported, since this file cannot show where it came from. A `shell` option set to ' +
    'anything but a literal `false` (`shell: isWindows`) counts as on.',
  check: (context: RuleContext): RuleFinding[] => checkWithVisitor(context, shellInjectionVisitor),
  visitor: shellInjectionVisitor,
  languages: { python: pythonShellInjection },
};

/** Gathers one file's calls with arguments; judges them once every name is known. */
function shellInjectionVisitor({ sourceFile }: SyntaxContext): SyntaxVisitor {
  const calls: ts.CallExpression[] = [];
  return {
    visit: {
      [ts.SyntaxKind.CallExpression]: (node) => {
        if ((node as ts.CallExpression).arguments.length > 0) calls.push(node as ts.CallExpression);
      },
    },
    usesBindings: true,
    end: () => {
      const bindings = FileBindings.of(sourceFile);
      const findings: RuleFinding[] = [];
      for (const call of calls) {
        const finding = checkCall(call, bindings, sourceFile);
        if (finding !== undefined) findings.push(finding);
      }
      return findings;
    },
  };
}

function checkCall(call: ts.CallExpression, bindings: FileBindings, sourceFile: ts.SourceFile): RuleFinding | undefined {
  const callee = skipWrappers(call.expression);
  if (!ts.isIdentifier(callee) && !ts.isPropertyAccessExpression(callee) && !ts.isElementAccessExpression(callee)) return undefined;
  const reference = bindings.moduleOf(callee);
  if (reference?.member === undefined) return undefined;
  const name = snippet(callee, sourceFile);
  if (ALWAYS_SHELL.get(reference.module)?.has(reference.member)) {
    const command = call.arguments[0];
    const composition = composeString(command, bindings, isEscapingCall);
    if (composition.dynamicParts.length === 0) return undefined;
    const message =
      `\`${name}\` runs a shell command built from ${describeComposition(composition, command, sourceFile)}: ` +
      '`;`, `|` or `$(…)` in it would run as shell code. Use `execFile`/`spawn` with an argument array instead.';
    return findingAt(command, sourceFile, message);
  }
  if (reference.module !== 'child_process' || !SHELL_OPTION.has(reference.member)) return undefined;
  if (usesShell(call, bindings)) {
    for (const part of shellParts(call, bindings)) {
      const composition = composeString(part, bindings, isEscapingCall);
      if (composition.dynamicParts.length === 0) continue;
      const role = part === call.arguments[0] ? 'a command' : 'an argument';
      const message =
        `\`${name}\` with \`shell\` on runs ${role} built from ${describeComposition(composition, part, sourceFile)} as shell code. ` +
        'Drop the `shell` option and pass arguments as an array.';
      return findingAt(part, sourceFile, message);
    }
    return undefined;
  }
  const script = shellScriptArgument(call, bindings);
  if (script === undefined) return undefined;
  const composition = composeString(script, bindings, isEscapingCall);
  if (composition.dynamicParts.length === 0) return undefined;
  const message =
    `\`${name}\` runs a shell script (\`-c\`) built from ${describeComposition(composition, script, sourceFile)}: ` +
    '`;`, `|` or `$(…)` in it would run as shell code. Call the program directly with an argument array.';
  return findingAt(script, sourceFile, message);
}

/** `spawn(cmd, args, { shell: true })` or `spawn(cmd, { shell: '/bin/bash' })`. */
function usesShell(call: ts.CallExpression, bindings: FileBindings): boolean {
  const second = call.arguments[1] !== undefined ? bindings.valueOf(call.arguments[1]) : undefined;
  const optionsArgument = call.arguments[2] ?? (second !== undefined && ts.isObjectLiteralExpression(second) ? second : undefined);
  if (optionsArgument === undefined) return false;
  const options = bindings.valueOf(optionsArgument);
  if (!ts.isObjectLiteralExpression(options)) return false;
  const shell = findProperty(options, 'shell');
  const value = shell !== undefined ? propertyValue(shell) : undefined;
  if (value === undefined) return false;
  if (ts.isIdentifier(value) && value.text === 'undefined') return false;
  return !isFalseLiteral(value) && value.kind !== ts.SyntaxKind.NullKeyword;
}

/** The script of `spawn('sh', ['-c', script])` and the like: a shell run by hand. */
function shellScriptArgument(call: ts.CallExpression, bindings: FileBindings): ts.Expression | undefined {
  const program = bindings.valueOf(call.arguments[0]);
  if (!ts.isStringLiteralLike(program) || !SHELL_PROGRAM.test(program.text)) return undefined;
  const args = call.arguments[1] !== undefined ? bindings.valueOf(call.arguments[1]) : undefined;
  if (args === undefined || !ts.isArrayLiteralExpression(args)) return undefined;
  const elements = args.elements;
  for (let index = 0; index < elements.length - 1; index++) {
    const element = skipWrappers(elements[index]);
    if (ts.isStringLiteralLike(element) && SCRIPT_FLAG.test(element.text)) return elements[index + 1];
  }
  return undefined;
}

/** The command and, with a shell, every element of the argument array (the shell joins them). */
function shellParts(call: ts.CallExpression, bindings: FileBindings): ts.Expression[] {
  const parts: ts.Expression[] = [call.arguments[0]];
  const second = call.arguments[1];
  if (second === undefined) return parts;
  const value = bindings.valueOf(second);
  if (ts.isArrayLiteralExpression(value)) {
    for (const element of value.elements) parts.push(ts.isSpreadElement(element) ? element.expression : element);
  } else if (!ts.isObjectLiteralExpression(value)) {
    parts.push(second);
  }
  return parts;
}

function isEscapingCall(part: ts.Expression): boolean {
  if (!ts.isCallExpression(part)) return false;
  const name = calleeLastName(part);
  return name !== undefined && ESCAPING_CALL.test(name);
}
