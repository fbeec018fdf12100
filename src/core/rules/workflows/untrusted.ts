import { normaliseExpression } from './workflow';

/**
 * Expression contexts whose text anyone who can open an issue or pull request, comment, or push a
 * branch to a fork chooses (zizmor's and actionlint's lists, by the event payloads' fields). Matched
 * against {@link normaliseExpression}'s spelling, anywhere in an expression (`format('{0}', …)`,
 * `x || github.head_ref`).
 */
const UNTRUSTED_CONTEXTS: readonly RegExp[] = [
  /\bgithub\.event\.(issue|pull_request|discussion)\.(title|body)\b/,
  /\bgithub\.event\.pull_request\.head\.(ref|label|repo\.default_branch)\b/,
  /\bgithub\.event\.(comment|review|review_comment)\.body\b/,
  /\bgithub\.event\.pages\.\*\.page_name\b/,
  /\bgithub\.event\.commits\.\*\.(message|author\.(email|name)|committer\.(email|name))\b/,
  /\bgithub\.event\.head_commit\.(message|author\.(email|name)|committer\.(email|name))\b/,
  /\bgithub\.head_ref\b/,
  /\bgithub\.event\.workflow_run\.(head_branch|display_title|head_commit\.(message|author\.(email|name)|committer\.(email|name))|pull_requests\.\*\.head\.ref)\b/,
  /\bgithub\.event\.workflow_run\.head_repository\.description\b/,
];

/**
 * Whole objects serialised with `toJSON`: they contain the fields above, and a JSON string keeps
 * single quotes and `$(…)` as they are.
 */
const UNTRUSTED_OBJECTS = /\btojson\(\s*github(\.event(\.(issue|pull_request|discussion|comment|review|review_comment|head_commit|commits|workflow_run|pages))?)?\s*\)/;

/** The attacker-controlled context an expression reads, as written, or undefined when it reads none. */
export function untrustedContext(body: string): string | undefined {
  const normalised = normaliseExpression(body);
  for (const pattern of UNTRUSTED_CONTEXTS) {
    const match = pattern.exec(normalised);
    if (match) return match[0];
  }
  const object = UNTRUSTED_OBJECTS.exec(normalised);
  return object ? object[0] : undefined;
}

/**
 * Events people outside the repository can start a workflow with: who they are, and whether the run
 * gets the base repository's token (its write scopes included). A pull request review or review
 * comment from a fork runs like `pull_request`, with a read-only token and no secrets.
 */
export const OUTSIDER_EVENTS: ReadonlyMap<string, { readonly who: string; readonly repositoryToken: boolean }> = new Map([
  ['pull_request_target', { who: 'anyone who opens a pull request, from a fork too', repositoryToken: true }],
  ['workflow_run', { who: "whoever starts the workflow it follows (a fork's pull request too)", repositoryToken: true }],
  ['issue_comment', { who: 'anyone who can comment on an issue or pull request', repositoryToken: true }],
  ['issues', { who: 'anyone who can open an issue', repositoryToken: true }],
  ['discussion', { who: 'anyone who can start a discussion', repositoryToken: true }],
  ['discussion_comment', { who: 'anyone who can comment on a discussion', repositoryToken: true }],
  ['fork', { who: 'anyone who forks the repository', repositoryToken: true }],
  ['watch', { who: 'anyone who stars the repository', repositoryToken: true }],
  ['pull_request_review', { who: 'anyone who can review a pull request', repositoryToken: false }],
  ['pull_request_review_comment', { who: 'anyone who can comment on a pull request review', repositoryToken: false }],
]);
