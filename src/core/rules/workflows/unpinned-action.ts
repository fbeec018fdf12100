import type { RuleFinding } from '../../check/findings';
import type { LanguageRuleContext, Rule } from '../rule';
import { nodeSpan } from '../shared-yaml/nodes';
import { inlineCode } from '../../text/markdown';
import { allSteps, readWorkflowFiles } from './workflow';

/** Owners whose actions GitHub itself publishes; a tag of theirs is as trusted as the runner. */
export const DEFAULT_TRUSTED_OWNERS: readonly string[] = ['actions', 'github'];

const FULL_SHA = /^[0-9a-f]{40}$/i;
/**
 * Reusable workflows that must be called by tag: the SLSA generator verifies its own provenance by
 * the tag it was called at and refuses a SHA (zizmor exempts it too).
 */
const TAG_REQUIRED: readonly string[] = ['slsa-framework/slsa-github-generator/'];
const SHORT_SHA = /^[0-9a-f]{7,39}$/i;

/**
 * Flags third-party actions and reusable workflows referenced by a tag or branch instead of a full
 * commit SHA, in job steps, job-level `uses:` and composite actions' `runs.steps`.
 */
export const workflowsUnpinnedAction: Rule = {
  id: 'workflows/unpinned-action',
  kind: 'language',
  defaultSeverity: 'warning',
  summary: 'Third-party action not pinned to a commit SHA',
  rationale:
    'A tag such as `@v4` or a branch such as `@main` is a pointer the action\'s owner (or whoever takes ' +
    'over their account) can move at any time; the next run then executes the new code with the ' +
    'workflow\'s token and secrets, as happened with `tj-actions/changed-files` in 2025. A full 40-hex ' +
    'commit SHA cannot move. Pin `uses: owner/repo@<sha> # v4.1.0` (the comment keeps the version ' +
    'readable and lets Dependabot or Renovate update it).\n\n' +
    'Actions of the owners in `trustedOwners` (default `actions` and `github`, published by GitHub), ' +
    'local actions (`./path`), the SLSA generator\'s reusable workflows (which must be called by tag) and Docker images pinned by digest (`docker://image@sha256:…`) are not ' +
    'reported. There is no quick fix: finding the commit of a tag needs the network.',
  defaultOptions: { trustedOwners: [...DEFAULT_TRUSTED_OWNERS] },
  check: () => [],
  languages: {
    'github-actions': {
      textTriggers: ['uses'],
      check: (context) => checkUnpinned(context),
    },
  },
};

function trustedOwners(context: LanguageRuleContext): ReadonlySet<string> {
  const configured = context.options.trustedOwners;
  const owners = Array.isArray(configured) ? configured.filter((owner): owner is string => typeof owner === 'string') : DEFAULT_TRUSTED_OWNERS;
  return new Set(owners.map((owner) => owner.toLowerCase()));
}

function checkUnpinned(context: LanguageRuleContext): RuleFinding[] {
  const trusted = trustedOwners(context);
  const findings: RuleFinding[] = [];
  const seen = new Set<number>();
  for (const file of readWorkflowFiles(context.document)) {
    const references = [...file.jobs.flatMap((job) => (job.uses ? [job.uses] : [])), ...allSteps(file).flatMap(({ step }) => (step.uses ? [step.uses] : []))];
    for (const scalar of references) {
      const span = nodeSpan(scalar, file.document);
      if (span === undefined || seen.has(span.start)) continue;
      seen.add(span.start);
      const message = unpinnedMessage(String(scalar.value), trusted);
      if (message !== undefined) findings.push({ ...span, message });
    }
  }
  return findings.sort((a, b) => a.start - b.start);
}

/** Why a `uses:` value is not pinned, or undefined when it is (or is not ours to judge). */
export function unpinnedMessage(value: string, trusted: ReadonlySet<string>): string | undefined {
  const uses = value.trim();
  // Expressions are not allowed in `uses:` (GitHub rejects the file); local paths are this repository's code.
  if (uses.includes('${{') || uses.startsWith('./') || uses.startsWith('../')) return undefined;
  if (uses.toLowerCase().startsWith('docker://')) {
    const image = uses.slice('docker://'.length);
    if (/@sha256:[0-9a-f]{64}$/i.test(image)) return undefined;
    return `Docker image ${inlineCode(image)} is not pinned by digest: its tag can be pushed again with other contents. Pin \`docker://${imageName(image)}@sha256:<digest>\` with the tag in a comment (no quick fix: finding the digest needs the registry).`;
  }
  const at = uses.lastIndexOf('@');
  if (at <= 0) return undefined; // not a remote reference GitHub accepts; actionlint reports the syntax
  const name = uses.slice(0, at);
  const ref = uses.slice(at + 1);
  const owner = name.split('/')[0]!.toLowerCase();
  if (trusted.has(owner) || FULL_SHA.test(ref)) return undefined;
  if (TAG_REQUIRED.some((prefix) => name.toLowerCase().startsWith(prefix))) return undefined;
  const what = name.split('/').length > 2 && /\.ya?ml$/i.test(name) ? 'Reusable workflow' : 'Action';
  const refText = SHORT_SHA.test(ref) ? `short SHA ${inlineCode(ref)}, which is not an immutable pin` : `${inlineCode(ref)}, a tag or branch its owner can move`;
  return `${what} ${inlineCode(name)} runs at ${refText}. Pin the full 40-character commit SHA and keep the version as a comment (\`${name}@<sha> # ${ref}\`); no quick fix, since finding the SHA needs the network.`;
}

function imageName(image: string): string {
  const digest = image.indexOf('@');
  const withoutDigest = digest >= 0 ? image.slice(0, digest) : image;
  const colon = withoutDigest.lastIndexOf(':');
  return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.slice(0, colon) : withoutDigest;
}
