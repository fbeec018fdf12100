import type { Pair } from 'yaml';
import type { RuleFinding } from '../../check/findings';
import type { LanguageRuleContext, Rule } from '../rule';
import { inlineCode } from '../../text/markdown';
import { mapEntries, nodeSpan, pairSpan, scalarText } from '../shared-yaml/nodes';
import { OUTSIDER_EVENTS } from './untrusted';
import { readWorkflowFiles, type WorkflowFile } from './workflow';

/** Scopes whose write access lets a token change code, releases or what reviewers see. */
const SENSITIVE_SCOPES: ReadonlySet<string> = new Set(['contents', 'pull-requests', 'actions', 'packages', 'id-token', 'deployments', 'checks', 'statuses', 'security-events']);

/**
 * Flags `permissions: write-all` (workflow or job), and write scopes granted to every job of a
 * workflow that outside users can trigger (`pull_request_target`, `workflow_run`, `issue_comment`…)
 * when some job does not narrow them.
 */
export const workflowsWriteAllPermissions: Rule = {
  id: 'workflows/write-all-permissions',
  kind: 'language',
  defaultSeverity: 'error',
  summary: 'Workflow token with write access to everything, or broad write access in a workflow outsiders trigger',
  rationale:
    '`permissions: write-all` gives the job\'s `GITHUB_TOKEN` write access to the code, releases, ' +
    'packages, workflows\' runs and more; one compromised step (a moved action tag, an injected ' +
    'title) can then push to the default branch. Grant each job the scopes it uses (`contents: read`, ' +
    '`pull-requests: write`…), with `permissions: {}` or `contents: read` at the top.\n\n' +
    'In workflows that anyone can start (`pull_request_target`, `workflow_run`, `issue_comment`, ' +
    '`issues`…), a write scope set at the workflow level reaches every job that does not set its own ' +
    '`permissions:`; in a workflow of several jobs that is reported as a warning on the scope. Workflows without any `permissions:` ' +
    'get the repository\'s default token, which this rule cannot see and does not report.',
  check: () => [],
  languages: {
    'github-actions': {
      textTriggers: ['write'],
      check: (context) => checkPermissions(context),
    },
  },
};

function checkPermissions(context: LanguageRuleContext): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const file of readWorkflowFiles(context.document)) {
    if (file.kind !== 'workflow') continue;
    const writeAll = (pair: Pair | undefined, where: string): void => {
      if (pair === undefined || scalarText(pair.value, file.document)?.trim() !== 'write-all') return;
      const span = pairSpan(pair, file.document);
      if (span !== undefined) findings.push({ ...span, message: `\`permissions: write-all\` ${where} lets any step push code, publish releases and packages, and change the repository's settings through the token. Grant only the scopes the jobs use (\`contents: read\`, \`pull-requests: write\`…).` });
    };
    writeAll(file.permissions, 'for the whole workflow');
    for (const job of file.jobs) writeAll(job.permissions, `for job ${inlineCode(job.id)}`);
    findings.push(...exposedWrites(file));
  }
  return findings;
}

function exposedWrites(file: WorkflowFile): RuleFinding[] {
  const trigger = file.triggers.find((candidate) => OUTSIDER_EVENTS.get(candidate.event)?.repositoryToken === true);
  if (trigger === undefined || file.permissions === undefined) return [];
  const inheriting = file.jobs.filter((job) => job.permissions === undefined && job.uses === undefined);
  // With one job, the top level is that job's permissions: moving them changes nothing.
  if (inheriting.length === 0 || file.jobs.length < 2) return [];
  const jobs = inheriting.map((job) => inlineCode(job.id)).join(', ');
  const findings: RuleFinding[] = [];
  for (const { key, value, pair } of mapEntries(file.permissions.value, file.document)) {
    if (!SENSITIVE_SCOPES.has(key) || scalarText(value, file.document)?.trim() !== 'write') continue;
    const span = pairSpan(pair, file.document) ?? nodeSpan(value, file.document);
    if (span === undefined) continue;
    findings.push({
      ...span,
      severity: 'warning',
      message: `\`${key}: write\` reaches ${inheriting.length === 1 ? 'job' : 'jobs'} ${jobs} of a workflow that \`${trigger.event}\` lets outsiders start. Set it on the job that needs it and keep the top level read-only.`,
    });
  }
  return findings;
}
