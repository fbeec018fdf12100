import { isScalar } from 'yaml';
import type { RuleFinding } from '../../check/findings';
import type { Rule } from '../rule';
import { findingAt, manifestFile, pairAt, spanOf } from './manifests';

/**
 * Flags Kubernetes containers set to run as root: `runAsUser: 0`, or `runAsNonRoot: false` with no
 * `runAsUser` (the image's user, root for most images, runs). The container's `securityContext`
 * wins over the pod's, as in Kubernetes; a pod-level setting is reported once, at the pod.
 */
export const infrastructureRunsAsRoot: Rule = {
  id: 'infrastructure/runs-as-root',
  kind: 'language',
  defaultSeverity: 'warning',
  summary: 'Kubernetes container set to run as root',
  rationale:
    'A process running as root in its container is one kernel bug or one writable host mount away from root on the node, ' +
    'and can rewrite its own image files. AI assistants set `runAsUser: 0` to fix a permission error on a volume. Run as a ' +
    'numbered non-root user (`runAsUser: 10001`, `runAsNonRoot: true`) and give the volume an `fsGroup`. The container\'s ' +
    '`securityContext` wins over the pod\'s; a container without either is left to `infrastructure/container-root-user`, ' +
    'which reads the Dockerfile.',
  check: () => [],
  languages: {
    kubernetes: {
      textTriggers: ['runAsUser', 'runAsNonRoot'],
      check: ({ document, text }) => {
        const findings: RuleFinding[] = [];
        const reported = new Set<number>();
        const report = (node: unknown, message: string): void => {
          const start = spanOf(node)?.start;
          if (start === undefined || reported.has(start)) return;
          reported.add(start);
          findings.push(...findingAt(node, message));
        };
        for (const pod of manifestFile(document, text).podSpecs) {
          const podUser = pairAt(pod.document, pod.spec, ['securityContext', 'runAsUser']);
          const podNonRoot = pairAt(pod.document, pod.spec, ['securityContext', 'runAsNonRoot']);
          for (const container of pod.containers) {
            const user = pairAt(pod.document, container.node, ['securityContext', 'runAsUser']) ?? podUser;
            const nonRoot = pairAt(pod.document, container.node, ['securityContext', 'runAsNonRoot']) ?? podNonRoot;
            const whose = user === podUser ? `${pod.owner}` : `Container "${container.name}" of ${pod.owner}`;
            if (user && isScalar(user.value) && (user.value.value === 0 || user.value.value === '0')) {
              report(user, `${whose} runs as root (\`runAsUser: 0\`). Run as a non-root user id and give volumes an \`fsGroup\`.`);
            } else if (user === undefined && nonRoot && isScalar(nonRoot.value) && nonRoot.value.value === false) {
              const whoseNonRoot = nonRoot === podNonRoot ? `${pod.owner}` : `Container "${container.name}" of ${pod.owner}`;
              report(nonRoot, `${whoseNonRoot} allows root (\`runAsNonRoot: false\`, no \`runAsUser\`): the image's user runs, root for most images. Set \`runAsNonRoot: true\` and a \`runAsUser\`.`);
            }
          }
        }
        return findings;
      },
    },
  },
};
