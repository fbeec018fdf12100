import type { Document, Pair, Scalar } from 'yaml';
import type { LanguageDocument } from '../../languages/document';
import { asMap, asScalar, mapEntries, mapPair, mapValue, nodeSpan, scalarText, seqItems, valueAt } from '../shared-yaml/nodes';

/**
 * A reading of GitHub Actions files shared by the `workflows/*` rules and block questions: the
 * triggers, permissions, jobs and steps of a workflow (`.github/workflows/*.yml`), or the steps of a
 * composite action (`action.yml`). Only what rules ask about; nodes stay `yaml` nodes so findings
 * keep exact offsets.
 */
export interface WorkflowFile {
  readonly document: Document.Parsed;
  /** `workflow` when the document has `jobs`, `action` when it has `runs` (an `action.yml`). */
  readonly kind: 'workflow' | 'action';
  /** Event names of `on:` in any of its forms (string, list, map); empty for actions. */
  readonly triggers: readonly Trigger[];
  /** The workflow-level `permissions:` pair, if any. */
  readonly permissions?: Pair;
  readonly env: unknown;
  readonly jobs: readonly Job[];
  /** Steps of a composite action (`runs.steps`); empty for workflows (their steps are in {@link jobs}). */
  readonly actionSteps: readonly Step[];
}

export interface Trigger {
  readonly event: string;
  /** The node naming the event (a scalar of the list or the key of the map). */
  readonly node: unknown;
}

export interface Job {
  readonly id: string;
  readonly node: unknown;
  /** The job's `permissions:` pair, if any. */
  readonly permissions?: Pair;
  /** `uses:` of a job calling a reusable workflow. */
  readonly uses?: Scalar;
  readonly if?: string;
  readonly env: unknown;
  readonly steps: readonly Step[];
}

export interface Step {
  readonly node: unknown;
  readonly uses?: Scalar;
  readonly run?: Scalar;
  readonly with: unknown;
  readonly env: unknown;
  readonly if?: string;
}

/** The workflows and actions of a parsed `github-actions` document; documents with YAML errors are skipped (GitHub refuses to run them). */
export function readWorkflowFiles(languageDocument: LanguageDocument): WorkflowFile[] {
  if (!('documents' in languageDocument) || languageDocument.language !== 'github-actions') return [];
  const files: WorkflowFile[] = [];
  for (const document of languageDocument.documents) {
    if (document.errors.length > 0) continue;
    const root = asMap(document.contents, document);
    if (root === undefined) continue;
    const jobsNode = mapValue(root, 'jobs', document);
    const runs = mapValue(root, 'runs', document);
    if (asMap(jobsNode, document) !== undefined) {
      files.push({
        document,
        kind: 'workflow',
        triggers: readTriggers(mapValue(root, 'on', document), document),
        permissions: mapPair(root, 'permissions', document),
        env: mapValue(root, 'env', document),
        jobs: mapEntries(jobsNode, document).map(({ key, value }) => readJob(key, value, document)),
        actionSteps: [],
      });
    } else if (asMap(runs, document) !== undefined) {
      files.push({
        document,
        kind: 'action',
        triggers: [],
        env: undefined,
        jobs: [],
        actionSteps: seqItems(valueAt(runs, ['steps'], document), document).map((step) => readStep(step, document)),
      });
    }
  }
  return files;
}

function readTriggers(on: unknown, document: Document.Parsed): Trigger[] {
  const single = scalarText(on, document);
  if (single !== undefined) return [{ event: single, node: on }];
  const listed = seqItems(on, document);
  if (listed.length > 0) {
    return listed.flatMap((item) => {
      const event = scalarText(item, document);
      return event === undefined ? [] : [{ event, node: item }];
    });
  }
  return mapEntries(on, document).map(({ key, pair }) => ({ event: key, node: pair.key }));
}

function readJob(id: string, node: unknown, document: Document.Parsed): Job {
  return {
    id,
    node,
    permissions: mapPair(node, 'permissions', document),
    uses: stringScalar(mapValue(node, 'uses', document), document),
    if: scalarText(mapValue(node, 'if', document), document),
    env: mapValue(node, 'env', document),
    steps: seqItems(mapValue(node, 'steps', document), document).map((step) => readStep(step, document)),
  };
}

function readStep(node: unknown, document: Document.Parsed): Step {
  const uses = stringScalar(mapValue(node, 'uses', document), document);
  const run = stringScalar(mapValue(node, 'run', document), document);
  return {
    node,
    uses,
    run,
    with: mapValue(node, 'with', document),
    env: mapValue(node, 'env', document),
    if: scalarText(mapValue(node, 'if', document), document),
  };
}

function stringScalar(node: unknown, document: Document.Parsed): Scalar | undefined {
  const scalar = asScalar(node, document);
  return scalar !== undefined && typeof scalar.value === 'string' ? scalar : undefined;
}

/** Every step of a file: job steps of a workflow, `runs.steps` of a composite action. */
export function allSteps(file: WorkflowFile): { step: Step; job?: Job }[] {
  return [...file.jobs.flatMap((job) => job.steps.map((step) => ({ step, job }))), ...file.actionSteps.map((step) => ({ step }))];
}

/** A `${{ … }}` expression found in a scalar: its inner text, and where to point at it in the file. */
export interface Expression {
  /** The text between `${{` and `}}`, whitespace-normalised. */
  readonly body: string;
  readonly start: number;
  readonly end: number;
  /** False when the expression could not be located exactly (escapes in a quoted scalar): the span is then the whole scalar. */
  readonly exact: boolean;
}

const EXPRESSION = /\$\{\{([\s\S]*?)\}\}/g;

function expressionBodies(text: string): { body: string; index: number; length: number }[] {
  const found: { body: string; index: number; length: number }[] = [];
  for (const match of text.matchAll(EXPRESSION)) found.push({ body: match[1]!.replace(/\s+/g, ' ').trim(), index: match.index, length: match[0].length });
  return found;
}

/**
 * The expressions of a string scalar with their offsets in `text`. They are read from the scalar's
 * value (what GitHub evaluates) and located in its source: block scalars and plain or single-quoted
 * ones hold them verbatim, and when the source and the value disagree (escapes, an expression folded
 * over lines differently) every expression gets the whole scalar's span instead of a guessed one.
 */
export function expressionsOf(scalar: Scalar, text: string, document: Document.Parsed): Expression[] {
  if (typeof scalar.value !== 'string') return [];
  const inValue = expressionBodies(scalar.value);
  if (inValue.length === 0) return [];
  const span = nodeSpan(scalar, document);
  if (span === undefined) return [];
  const inSource = expressionBodies(text.slice(span.start, span.end));
  const sameExpressions = inSource.length === inValue.length && inSource.every((expression, index) => expression.body === inValue[index]!.body);
  return inValue.map((expression, index) => {
    if (!sameExpressions) return { body: expression.body, start: span.start, end: span.end, exact: false };
    const source = inSource[index]!;
    return { body: expression.body, start: span.start + source.index, end: span.start + source.index + source.length, exact: true };
  });
}

/**
 * An expression body with bracket property access spelled as dots (`github.event['issue'].title`
 * → `github.event.issue.title`, `commits[0]` → `commits.*`), lower-cased as GitHub's contexts are
 * case-insensitive.
 */
export function normaliseExpression(body: string): string {
  return body
    .toLowerCase()
    .replace(/\[\s*'([^'\]]*)'\s*\]/g, '.$1')
    .replace(/\[\s*"([^"\]]*)"\s*\]/g, '.$1')
    .replace(/\[\s*(\d+|\*)\s*\]/g, '.*')
    .replace(/\.\d+(?=\.|\b)/g, '.*')
    .replace(/\s+/g, ' ');
}

/** True when `owner/repo` (any `@ref`, any sub-path) names the action `name` (`actions/checkout`). */
export function usesAction(uses: string, name: string): boolean {
  const lower = uses.trim().toLowerCase();
  return lower === name || lower.startsWith(`${name}@`) || lower.startsWith(`${name}/`);
}

/** The `${{ … }}` expressions of a piece of text: each one's body (whitespace-normalised) and its whole text. */
export function expressionsInText(text: string): { body: string; text: string }[] {
  return expressionBodies(text).map((expression) => ({ body: expression.body, text: text.slice(expression.index, expression.index + expression.length) }));
}

/** What the first expression of `text` that `classify` recognises answered, or undefined. */
export function classifyExpressions(text: string, classify: (body: string) => string | undefined): string | undefined {
  for (const expression of expressionsInText(text)) {
    const answer = classify(expression.body);
    if (answer !== undefined) return answer;
  }
  return undefined;
}

/**
 * The `env:` variables of a step's scope (workflow, job, step; the nearer one wins) whose value
 * `classify` recognises, by name, with what it answered for it.
 */
export function variablesSetFrom(envs: readonly unknown[], document: Document.Parsed, classify: (value: string) => string | undefined): Map<string, string> {
  const variables = new Map<string, string>();
  for (const env of envs) {
    for (const { key, value } of mapEntries(env, document)) {
      const text = scalarText(value, document);
      const found = text === undefined ? undefined : classify(text);
      if (found !== undefined) variables.set(key, found);
      else variables.delete(key);
    }
  }
  return variables;
}

/**
 * Offsets of `piece` (a command of a script) in the file: where the scalar's source holds it
 * verbatim (block and plain scalars do), else the whole scalar, rather than a guess.
 */
export function spanOfPiece(scalar: Scalar, piece: string, text: string, document: Document.Parsed): { start: number; end: number } | undefined {
  const span = nodeSpan(scalar, document);
  if (span === undefined) return undefined;
  const at = piece.length > 0 ? text.slice(span.start, span.end).indexOf(piece) : -1;
  return at >= 0 ? { start: span.start + at, end: span.start + at + piece.length } : span;
}
