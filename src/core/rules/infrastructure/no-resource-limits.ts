import type { RuleFinding } from '../../check/findings';
import type { Rule } from '../rule';
import { findingAt, manifestFile, pairAt, valueAt } from './manifests';

/**
 * Notes Kubernetes containers without a memory limit (`resources.limits.memory`). Information, not
 * a warning: a namespace's `LimitRange` may supply the limit, which the manifest cannot show, and
 * CPU limits are deliberately left out by many teams (they throttle); memory is the one whose
 * absence lets one pod starve its node.
 */
export const infrastructureNoResourceLimits: Rule = {
  id: 'infrastructure/no-resource-limits',
  kind: 'language',
  defaultSeverity: 'info',
  summary: 'Kubernetes container without a memory limit',
  rationale:
    'A container without a memory limit can grow until the node runs out, and the kernel then kills whichever process it ' +
    'picks, often another team\'s. AI-written manifests usually leave `resources` out. Set `resources.limits.memory` (and ' +
    '`requests`) from what the process uses under load. Information only: a namespace `LimitRange` may set defaults the ' +
    'file cannot show. CPU limits are not asked for (they throttle, and many teams leave them out on purpose). Ephemeral ' +
    'debug containers cannot have limits and are not reported.',
  check: () => [],
  languages: {
    kubernetes: {
      check: ({ document, text }) => {
        const findings: RuleFinding[] = [];
        for (const pod of manifestFile(document, text).podSpecs) {
          for (const container of pod.containers) {
            if (container.group === 'ephemeralContainers' || valueAt(pod.document, container.node, ['resources', 'limits', 'memory']) !== undefined) continue;
            const at = pairAt(pod.document, container.node, ['name']) ?? pairAt(pod.document, container.node, ['image']) ?? container.node;
            findings.push(...findingAt(at, `Container "${container.name}" of ${pod.owner} has no memory limit: it can take its node's memory from every other pod. Set \`resources.limits.memory\`.`));
          }
        }
        return findings;
      },
    },
  },
};
