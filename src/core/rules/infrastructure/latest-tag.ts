import type { RuleFinding } from '../../check/findings';
import type { Rule } from '../rule';
import { findingAt, manifestFile, pairAt, scalarString } from './manifests';

/** What an image reference pins: a digest, a tag, `latest`, or nothing (which pulls `latest`). */
export function imagePin(image: string): 'digest' | 'tag' | 'latest' | 'none' {
  if (image.includes('@')) return 'digest';
  // The tag follows the last colon of the last path segment (`localhost:5000/app` has none).
  const segment = image.slice(image.lastIndexOf('/') + 1);
  const colon = segment.lastIndexOf(':');
  if (colon < 0) return 'none';
  return segment.slice(colon + 1) === 'latest' ? 'latest' : 'tag';
}

/** Image references decided elsewhere (`$(IMAGE)`, `${TAG}`, `{{ .Values.image }}`) are not judged. */
export function isTemplated(image: string): boolean {
  return /[${}]/.test(image);
}

/**
 * Flags Kubernetes containers whose image is `:latest` or has no tag (which means `latest`). A
 * digest (`@sha256:…`) is the pin; a version tag is accepted.
 */
export const infrastructureLatestTag: Rule = {
  id: 'infrastructure/latest-tag',
  kind: 'language',
  defaultSeverity: 'warning',
  summary: 'Kubernetes container image `:latest` or untagged',
  rationale:
    '`latest` (or no tag, which means `latest`) names whatever was pushed last: two nodes may run different code, a rollback ' +
    'redeploys the new version, and nobody reviewed what runs. AI assistants write `image: nginx` because it is shortest. ' +
    'Pin a version tag, or better a digest (`image@sha256:…`), and let a bot (Renovate, Dependabot) update it. Images from ' +
    'variables or templates are not judged.',
  check: () => [],
  languages: {
    kubernetes: {
      textTriggers: ['image'],
      check: ({ document, text }) => {
        const findings: RuleFinding[] = [];
        for (const pod of manifestFile(document, text).podSpecs) {
          for (const container of pod.containers) {
            const pair = pairAt(pod.document, container.node, ['image']);
            const image = scalarString(pair?.value)?.trim();
            if (image === undefined || image === '' || isTemplated(image)) continue;
            const pin = imagePin(image);
            if (pin === 'latest' || pin === 'none') {
              findings.push(
                ...findingAt(pair, `Container "${container.name}" of ${pod.owner} runs \`${image}\`, ${pin === 'latest' ? 'the `latest` tag' : 'with no tag (so `latest`)'}: what runs changes with every push. Pin a version or a digest (\`@sha256:…\`).`),
              );
            }
          }
        }
        return findings;
      },
    },
  },
};
