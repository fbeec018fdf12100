import type { Document as YamlDocument } from 'yaml';
import type { LineRange } from '../check/engine';
import type { LanguageDocument } from '../languages/document';
import { mapEntries, nodeSpan, scalarText } from '../rules/shared-yaml/nodes';
import { allSteps, expressionsOf, readWorkflowFiles } from '../rules/workflows/workflow';
import { untrustedContext } from '../rules/workflows/untrusted';
import { DEFAULT_TRUSTED_OWNERS, unpinnedMessage } from '../rules/workflows/unpinned-action';
import { inlineCode } from '../text/markdown';
import type { LanguageNoteSupport } from './language-notes';
import { type BlockQuestion, type QuestionKind, questionId } from './questions';

/** Triggers that let people outside the repository start the workflow with the repository's token. */
const OUTSIDER_TRIGGERS: ReadonlySet<string> = new Set([
  'pull_request_target',
  'workflow_run',
  'issue_comment',
  'issues',
  'discussion',
  'discussion_comment',
  'pull_request_review',
  'pull_request_review_comment',
  'fork',
  'watch',
]);

/**
 * Expressions whose value comes from outside the workflow's own text (an event, a caller, an
 * earlier step): worth asking what a quote in them does. Fixed ones (`github.repository`,
 * `github.sha`, `runner.os`, `matrix.*`) are not; secrets have their own rule.
 */
const OUTSIDE_VALUE = /^(github\.event\.|github\.head_ref|inputs\.|steps\.|needs\.|env\.|vars\.|fromjson\()/i;

/** Event fields GitHub sets to a number or a commit id: nobody can put a quote in them (`github.event.issue.number`). */
const NUMERIC_EVENT_FIELD = /^github\.event\.(?:[\w.]*\.)?(?:number|id|node_id|run_id|run_number|run_attempt|sha|before|after|head_sha|base_sha|merge_commit_sha)$/i;

/**
 * Block questions for AI-written parts of GitHub Actions workflows and composite actions: who can
 * trigger it, what the token may do, what third-party actions receive, and where the expressions
 * pasted into scripts come from.
 */
export const workflowNoteSupport: LanguageNoteSupport = {
  questions(document: LanguageDocument, text: string, range: LineRange): BlockQuestion[] {
    if (!('documents' in document)) return [];
    const questions: BlockQuestion[] = [];
    const lineOf = (offset: number): number => document.lineCounter.linePos(offset).line;
    const add = (kind: QuestionKind, identity: string, node: unknown, yamlDocument: YamlDocument.Parsed, question: string): void => {
      const span = nodeSpan(node, yamlDocument);
      if (span === undefined) return;
      const line = lineOf(span.start);
      if (line < range.startLine || line > range.endLine) return;
      questions.push({ id: questionId(kind, identity), kind, text: question, line });
    };
    for (const file of readWorkflowFiles(document)) {
      // One question for all of them: the answer (who, with which token) is one story.
      const outsiders = file.triggers.filter((trigger) => OUTSIDER_TRIGGERS.has(trigger.event));
      if (outsiders.length > 0) {
        const events = outsiders.map((trigger) => trigger.event);
        const shown = events.length <= 3 ? events.map(inlineCode).join(', ') : `${events.slice(0, 3).map(inlineCode).join(', ')}…`;
        add('trigger', [...events].sort().join(','), outsiders[0]!.node, file.document, `Who can trigger this workflow (${shown}), and with which token permissions and secrets do its jobs run then?`);
      }
      const permissionPairs = [file.permissions, ...file.jobs.map((job) => job.permissions)];
      for (const pair of permissionPairs) {
        if (pair === undefined) continue;
        const whole = scalarText(pair.value, file.document)?.trim();
        const writes = whole === 'write-all' ? ['write-all'] : mapEntries(pair.value, file.document).filter(({ value }) => scalarText(value, file.document)?.trim() === 'write').map(({ key }) => `${key}: write`);
        if (writes.length === 0) continue;
        const shown = writes.slice(0, 3).map(inlineCode).join(', ');
        add('permissions', writes.join(','), pair.key, file.document, `What can the token do with ${shown}, and which step needs it?`);
      }
      const trusted = new Set(DEFAULT_TRUSTED_OWNERS);
      for (const { step, job } of allSteps(file)) {
        const uses = step.uses ? String(step.uses.value).trim() : undefined;
        if (uses !== undefined && !uses.startsWith('./') && !uses.toLowerCase().startsWith('docker://') && uses.includes('@')) {
          const name = uses.slice(0, uses.lastIndexOf('@'));
          const owner = name.split('/')[0]!.toLowerCase();
          if (!trusted.has(owner)) {
            const pinned = unpinnedMessage(uses, trusted) === undefined;
            add('dependency', name, step.uses, file.document, `What does ${inlineCode(name)} do with the token and secrets it gets, and which version runs${pinned ? '' : ` (${inlineCode(uses.slice(uses.lastIndexOf('@') + 1))} can move)`}?`);
          }
        }
        if (step.run !== undefined) {
          const expressions = expressionsOf(step.run, text, file.document);
          const expression = expressions.find((candidate) => untrustedContext(candidate.body) !== undefined) ?? expressions.find((candidate) => OUTSIDE_VALUE.test(candidate.body) && !NUMERIC_EVENT_FIELD.test(candidate.body));
          if (expression !== undefined) {
            add('shell', `${job?.id ?? ''}\0${expression.body}\0${String(step.run.value)}`, step.run, file.document, `Where does ${inlineCode(expression.body)} in this \`run:\` script come from, and what happens if it contains a quote or \`$(…)\`?`);
          }
        }
      }
    }
    return questions;
  },
};
