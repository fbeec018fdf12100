import type { RuleFinding } from '../../check/findings';
import type { LanguageRuleContext, Rule } from '../rule';
import { inlineCode } from '../../text/markdown';
import { mapValue, nodeSpan, scalarText } from '../shared-yaml/nodes';
import { logicalLines, pipelines } from './shell-lines';
import { allSteps, expressionsInText, type Job, normaliseExpression, readWorkflowFiles, spanOfPiece, type Step, usesAction, variablesSetFrom, type WorkflowFile } from './workflow';

/** Triggers that run with the base repository's secrets and a write token while a fork chose the code. */
const PRIVILEGED_TRIGGERS: ReadonlySet<string> = new Set(['pull_request_target', 'workflow_run']);

/** Expressions naming the pull request's head (the fork's commit or branch). */
const HEAD_EXPRESSION =
  /\bgithub\.(event\.pull_request\.head\.(sha|ref)|head_ref|event\.workflow_run\.(head_sha|head_branch|head_commit\.id|pull_requests\.\*\.head\.(sha|ref))|event\.pull_request\.merge_commit_sha)\b/;
/** Refs of a pull request's head or merge commit. */
const PULL_REF = /\brefs\/pull\/|\bpull\/(\$\{\{[^}]*\}\}|[^\s/]+)\/(head|merge)\b/;
/** A job or step condition that keeps forks out (same-repository pull requests only). */
const SAME_REPOSITORY_ONLY = /head\.repo\.full_name\s*==\s*github\.repository\b|github\.repository\s*==\s*github\.event\.pull_request\.head\.repo\.full_name|head\.repo\.fork\s*==\s*false|!\s*github\.event\.pull_request\.head\.repo\.fork\b|head_repository\.full_name\s*==\s*github\.repository\b/;

/**
 * Flags workflows triggered by `pull_request_target` or `workflow_run` that check out the pull
 * request's code: `actions/checkout` with a head `ref:`, or `git`/`gh` commands fetching it.
 */
export const workflowsPullRequestTargetCheckout: Rule = {
  id: 'workflows/pull-request-target-checkout',
  kind: 'language',
  defaultSeverity: 'error',
  summary: 'Privileged workflow checks out a pull request\'s code',
  rationale:
    '`pull_request_target` and `workflow_run` run in the base repository, with its secrets and a token ' +
    'that can write, even for a pull request from a fork. Checking out the fork\'s head and then ' +
    'building, testing or installing it runs the attacker\'s code (a `package.json` script, a test, a ' +
    'Makefile) with those privileges: the "pwn request". Use `pull_request` for anything that runs ' +
    'the contributor\'s code, and keep `pull_request_target` for labelling and commenting without ' +
    'checking it out; if results must be posted with write access, split the work: `pull_request` ' +
    'builds and uploads an artifact, a `workflow_run` workflow posts it without executing it.\n\n' +
    'Jobs and steps whose `if:` admits only pull requests from the same repository ' +
    '(`github.event.pull_request.head.repo.full_name == github.repository`) are not reported. ' +
    'A label gate (`contains(…labels…, \'safe to test\')`) is: the code can change after the label.',
  check: () => [],
  languages: {
    'github-actions': {
      textTriggers: ['pull_request_target', 'workflow_run'],
      check: (context) => checkPwnRequest(context),
    },
  },
};

function checkPwnRequest(context: LanguageRuleContext): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const file of readWorkflowFiles(context.document)) {
    const trigger = file.triggers.find((candidate) => PRIVILEGED_TRIGGERS.has(candidate.event));
    if (trigger === undefined) continue;
    const event = trigger.event;
    for (const { step, job } of allSteps(file)) {
      if (job === undefined || sameRepositoryOnly(job.if) || sameRepositoryOnly(step.if)) continue;
      const finding = checkoutOfHead(file, job, step, event, context.text);
      if (finding !== undefined) findings.push(finding);
    }
  }
  return findings;
}

function sameRepositoryOnly(condition: string | undefined): boolean {
  return condition !== undefined && SAME_REPOSITORY_ONLY.test(condition.replace(/\s+/g, ' '));
}

function checkoutOfHead(file: WorkflowFile, job: Job, step: Step, event: string, text: string): RuleFinding | undefined {
  const { document } = file;
  const consequence = `\`${event}\` runs with this repository's secrets and a write token, and the fork's code (its build scripts, tests, hooks) now runs with them`;
  if (step.uses && usesAction(String(step.uses.value), 'actions/checkout')) {
    for (const input of ['ref', 'repository']) {
      const value = mapValue(step.with, input, document);
      const valueText = scalarText(value, document);
      if (valueText === undefined) continue;
      if (!namesHead(valueText, input, headVariables(file, job, step))) continue;
      const span = nodeSpan(value, document);
      if (span === undefined) continue;
      return {
        ...span,
        message: `\`actions/checkout\` checks out the pull request's code (\`${input}: ${valueText.trim()}\`): ${consequence}. Use \`pull_request\` for jobs that run the contributor's code.`,
      };
    }
    return undefined;
  }
  if (step.run) {
    const command = headCheckoutCommand(String(step.run.value), headVariables(file, job, step));
    const span = command === undefined ? undefined : spanOfPiece(step.run, command, text, document);
    if (command === undefined || span === undefined) return undefined;
    return { ...span, message: `${inlineCode(shorten(command))} checks out the pull request's code: ${consequence}. Use \`pull_request\` for jobs that run the contributor's code.` };
  }
  return undefined;
}

/** Names of `env:` variables (workflow, job, step) set from the pull request's head. */
function headVariables(file: WorkflowFile, job: Job, step: Step): ReadonlySet<string> {
  const variables = variablesSetFrom([file.env, job.env, step.env], file.document, (value) => (namesHead(value, 'ref', new Set()) ? 'head' : undefined));
  return new Set(variables.keys());
}

function namesHead(value: string, input: string, variables: ReadonlySet<string>): boolean {
  if (PULL_REF.test(value)) return true;
  for (const expression of expressionsInText(value)) {
    const body = normaliseExpression(expression.body);
    if (HEAD_EXPRESSION.test(body)) return true;
    if (input === 'repository' && /\bgithub\.event\.pull_request\.head\.repo\.full_name\b|\bgithub\.event\.workflow_run\.head_repository\.full_name\b/.test(body)) return true;
    const environment = /\benv\.(\w+)/.exec(body)?.[1];
    if (environment !== undefined && [...variables].some((name) => name.toLowerCase() === environment)) return true;
  }
  return false;
}

const GIT_FETCHING = /^(git\s+(-c\s+\S+\s+)*(checkout|switch|pull|reset|worktree\s+add)|gh\s+pr\s+checkout)\b/;

/**
 * The first command of a script that checks out the pull request's head: directly, or through
 * `FETCH_HEAD` or the local branch of an earlier `git fetch` of it (`git fetch origin pull/1/head:pr`
 * then `git checkout pr`).
 */
function headCheckoutCommand(script: string, variables: ReadonlySet<string>): string | undefined {
  const fetched = new Set<string>();
  for (const line of logicalLines(script)) {
    for (const pipeline of pipelines(line.text)) {
      for (const command of pipeline.commands) {
        if (fetchesHead(command, variables)) return command;
        const fetch = /^git\s+(?:-c\s+\S+\s+)*fetch\b(.*)$/.exec(command);
        if (fetch && namesHead(fetch[1]!, 'ref', variables)) {
          fetched.add('FETCH_HEAD');
          for (const refspec of fetch[1]!.matchAll(/:(?:refs\/heads\/)?([\w./-]+)/g)) fetched.add(refspec[1]!);
          continue;
        }
        const checkout = /^git\s+(?:-c\s+\S+\s+)*(?:checkout|switch|reset\s+--hard|merge|rebase)\s+(?:-\S+\s+)*["']?([\w./-]+)/.exec(command);
        if (checkout && fetched.has(checkout[1]!)) return command;
      }
    }
  }
  return undefined;
}

/**
 * True when one command (`git checkout …`, `gh pr checkout …`) brings the pull request's head into
 * the workspace. `git fetch` alone does not (a diff of the head runs none of its code), and which
 * local branch a fetch fills is not followed.
 */
function fetchesHead(command: string, variables: ReadonlySet<string>): boolean {
  const line = command.replace(/^(sudo|command|exec)\s+/, '');
  if (/^gh\s+pr\s+checkout\b/.test(line)) return true;
  if (!GIT_FETCHING.test(line)) return false;
  if (namesHead(line, 'ref', variables)) return true;
  for (const match of line.matchAll(/\$\{?(\w+)\}?/g)) if (variables.has(match[1]!)) return true;
  return false;
}

function shorten(text: string): string {
  return text.length <= 80 ? text : `${text.slice(0, 79)}…`;
}
