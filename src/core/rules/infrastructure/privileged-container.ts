import { isSeq } from 'yaml';
import type { RuleFinding } from '../../check/findings';
import type { Rule } from '../rule';
import { findingAt, isTrue, manifestFile, pairAt, resolve, scalarString, valueAt } from './manifests';

/** Capabilities that amount to root on the node (error) or to the node's network or other processes (warning). */
const CAPABILITIES: ReadonlyMap<string, 'error' | 'warning'> = new Map([
  ['ALL', 'error'],
  ['SYS_ADMIN', 'error'],
  ['SYS_MODULE', 'error'],
  ['NET_ADMIN', 'warning'],
  ['SYS_PTRACE', 'warning'],
]);

const HOST_NAMESPACES: Readonly<Record<string, string>> = {
  hostNetwork: 'the node\'s network (it can reach services bound to localhost and sniff traffic)',
  hostPID: 'every process of the node (it can read their environment and signal them)',
  hostIPC: 'the node\'s shared memory',
};

/**
 * Flags Kubernetes pods and containers given powers over the node: `privileged: true`,
 * `allowPrivilegeEscalation: true`, added capabilities that break isolation (`ALL`, `SYS_ADMIN`,
 * `SYS_MODULE`; `NET_ADMIN`, `SYS_PTRACE` as warnings) and the host's namespaces (`hostNetwork`,
 * `hostPID`, `hostIPC`). Also reports, once, a manifest that is not valid YAML (Helm templates,
 * which are not YAML until rendered, are skipped quietly).
 */
export const infrastructurePrivilegedContainer: Rule = {
  id: 'infrastructure/privileged-container',
  kind: 'language',
  defaultSeverity: 'warning',
  summary: 'Kubernetes container with privileges over its node',
  rationale:
    'A privileged container, or one with `SYS_ADMIN` or every capability, is root on the node: one compromised dependency ' +
    'reads every other pod\'s secrets and the kubelet\'s credentials. `hostNetwork`, `hostPID` and `hostIPC` share the node\'s ' +
    'namespaces with the pod. AI assistants add these to make a permission error go away. Only node agents (CNI, CSI, ' +
    'monitoring) need them; everything else should drop capabilities and set `allowPrivilegeEscalation: false`. ' +
    '`privileged` and root-equivalent capabilities are errors, the rest warnings. A manifest that is not valid YAML is ' +
    'reported once by this rule (no rule could check it); Helm templates are skipped.',
  check: () => [],
  languages: {
    kubernetes: {
      check: ({ document, text }) => {
        const manifest = manifestFile(document, text);
        const findings: RuleFinding[] = [];
        if (manifest.brokenAt) {
          findings.push({ ...manifest.brokenAt, message: `This manifest is not valid YAML (${manifest.brokenAt.message}), so no infrastructure rule could check it. Fix the YAML.` });
        }
        for (const pod of manifest.podSpecs) {
          for (const [field, what] of Object.entries(HOST_NAMESPACES)) {
            const pair = pairAt(pod.document, pod.spec, [field]);
            if (pair && isTrue(pair.value)) findings.push(...findingAt(pair, `${pod.owner} shares ${what} with its containers (\`${field}: true\`). Remove it unless this is a node agent that needs it.`));
          }
          for (const container of pod.containers) {
            const where = `Container "${container.name}" of ${pod.owner}`;
            const privileged = pairAt(pod.document, container.node, ['securityContext', 'privileged']);
            if (privileged && isTrue(privileged.value)) {
              findings.push(...findingAt(privileged, `${where} is privileged: it is root on the node, with every device and capability. Grant the one capability it needs instead.`, { severity: 'error' }));
            }
            const escalation = pairAt(pod.document, container.node, ['securityContext', 'allowPrivilegeEscalation']);
            if (escalation && isTrue(escalation.value)) {
              findings.push(...findingAt(escalation, `${where} allows privilege escalation: a setuid binary in the image can make it root. Set \`allowPrivilegeEscalation: false\`.`));
            }
            const added = valueAt(pod.document, container.node, ['securityContext', 'capabilities', 'add']);
            if (isSeq(added)) {
              for (const item of added.items) {
                const name = scalarString(resolve(pod.document, item))?.toUpperCase().replace(/^CAP_/, '');
                const severity = name === undefined ? undefined : CAPABILITIES.get(name);
                if (severity) findings.push(...findingAt(item, `${where} adds the \`${name}\` capability${severity === 'error' ? ', which is as good as root on the node' : ''}. Add only what the process needs, and say why.`, { severity }));
              }
            }
          }
        }
        return findings;
      },
    },
  },
};
