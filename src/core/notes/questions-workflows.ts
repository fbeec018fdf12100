import type { LineCounter, Pair, Document as YamlDocument } from 'yaml';
import type { LineRange } from '../check/engine';
import type { LanguageDocument } from '../languages/document';
import { mapEntries, nodeSpan, scalarText } from '../rules/shared-yaml/nodes';
import { allSteps, expressionsOf, readWorkflowFiles, type WorkflowFile } from '../rules/workflows/workflow';
import { OUTSIDER_EVENTS, untrustedContext } from '../rules/workflows/untrusted';
import { DEFAULT_TRUSTED_OWNERS, unpinnedMessage } from '../rules/workflows/unpinned-action';
import { inlineCode } from '../text/markdown';
import type { KnownFact } from './fact-check';
import type { LanguageNoteSupport } from './language-notes';
import { type BlockQuestion, type QuestionKind, questionId } from './questions';

/** The outsider triggers of a workflow (one question and fact for all: who, with which token, is one story). */
function outsiderTriggers(file: WorkflowFile): { events: string[]; identity: string; node: unknown } | undefined {
  const outsiders = file.triggers.filter((trigger) => OUTSIDER_EVENTS.has(trigger.event));
  if (outsiders.length === 0) return undefined;
  const events = outsiders.map((trigger) => trigger.event);
  return { events, identity: [...events].sort().join(','), node: outsiders[0]!.node };
}

/** Each `permissions:` of the workflow and its jobs that grants writing: `["contents: write"]` or `["write-all"]`. */
function writePermissions(file: WorkflowFile): { pair: Pair; writes: string[] }[] {
  const found: { pair: Pair; writes: string[] }[] = [];
  for (const pair of [file.permissions, ...file.jobs.map((job) => job.permissions)]) {
    if (pair === undefined) continue;
    const whole = scalarText(pair.value, file.document)?.trim();
    const writes = whole === 'write-all' ? ['write-all'] : mapEntries(pair.value, file.document).filter(({ value }) => scalarText(value, file.document)?.trim() === 'write').map(({ key }) => `${key}: write`);
    if (writes.length > 0) found.push({ pair, writes });
  }
  return found;
}

/** The 1-based line of a node when it is within `range`, else undefined. */
function lineInRange(document: LanguageDocument & { lineCounter: LineCounter }, node: unknown, yamlDocument: YamlDocument.Parsed, range: LineRange): number | undefined {
  const span = nodeSpan(node, yamlDocument);
  if (span === undefined) return undefined;
  const line = document.lineCounter.linePos(span.start).line;
  return line < range.startLine || line > range.endLine ? undefined : line;
}

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
    const add = (kind: QuestionKind, identity: string, node: unknown, yamlDocument: YamlDocument.Parsed, question: string): void => {
      const line = lineInRange(document, node, yamlDocument, range);
      if (line !== undefined) questions.push({ id: questionId(kind, identity), kind, text: question, line });
    };
    for (const file of readWorkflowFiles(document)) {
      const outsiders = outsiderTriggers(file);
      if (outsiders !== undefined) {
        const { events } = outsiders;
        const shown = events.length <= 3 ? events.map(inlineCode).join(', ') : `${events.slice(0, 3).map(inlineCode).join(', ')}…`;
        add('trigger', outsiders.identity, outsiders.node, file.document, `Who can trigger this workflow (${shown}), and with which token permissions and secrets do its jobs run then?`);
      }
      for (const { pair, writes } of writePermissions(file)) {
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

  /**
   * What the tool knows for certain about the trigger and permission questions: which events let
   * outsiders start the workflow (an answer saying "only maintainers" is wrong unless an `if:` may
   * make it true), and which scopes the token may write (an answer calling it read-only is wrong).
   */
  facts(document: LanguageDocument, _text: string, range: LineRange): KnownFact[] {
    if (!('documents' in document)) return [];
    const facts: KnownFact[] = [];
    for (const file of readWorkflowFiles(document)) {
      const outsiders = outsiderTriggers(file);
      if (outsiders !== undefined && lineInRange(document, outsiders.node, file.document, range) !== undefined) {
        const guarded = file.jobs.some((job) => job.if !== undefined || job.steps.some((step) => step.if !== undefined));
        facts.push({ kind: 'trigger', questionId: questionId('trigger', outsiders.identity), events: outsiders.events, who: outsiders.events.map((event) => OUTSIDER_EVENTS.get(event)!.who), guarded });
      }
      for (const { pair, writes } of writePermissions(file)) {
        if (lineInRange(document, pair.key, file.document, range) === undefined) continue;
        facts.push({ kind: 'permissions', questionId: questionId('permissions', writes.join(',')), writes: writes.map((write) => write.replace(/: write$/, '')) });
      }
    }
    return facts;
  },
};
