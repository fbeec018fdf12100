import { isMap, isSeq } from 'yaml';
import type { RuleFinding } from '../../check/findings';
import type { Rule } from '../rule';
import { findingAt, manifestFile, pairAt, resolve, scalarString, valueAt } from './manifests';

/** Container runtime sockets: whoever talks to one starts containers on the node as root. */
const RUNTIME_SOCKETS = /(^|\/)(docker|containerd|crio|podman|cri-dockerd)\.sock$|^\/var\/run\/(docker|containerd|crio)\/?$|^\/run\/(containerd|crio)\/?$/;
/** Host folders whose contents are the node itself (its files, credentials, kubelet state). */
const NODE_ROOTS = new Set(['/', '/etc', '/root', '/proc', '/sys', '/var/lib/kubelet', '/var/run', '/run', '/home', '/boot', '/dev']);

/**
 * Flags Kubernetes `hostPath` volumes: a container runtime socket (`/var/run/docker.sock`) or a
 * node root folder (`/`, `/etc`, `/var/lib/kubelet`…) is an error, any other host path a warning.
 */
export const infrastructureHostPath: Rule = {
  id: 'infrastructure/host-path',
  kind: 'language',
  defaultSeverity: 'warning',
  summary: 'Kubernetes volume mounting a path of the node',
  rationale:
    'A `hostPath` volume gives the pod the node\'s files: the Docker or containerd socket lets it start a privileged container ' +
    '(root on the node), `/etc` or `/var/lib/kubelet` hold the node\'s credentials, and writes survive the pod on that node ' +
    'only. AI assistants mount the Docker socket to "build images in the cluster". Use a `persistentVolumeClaim`, ' +
    '`emptyDir`, `configMap` or `secret` volume, and a rootless builder (BuildKit, Kaniko) instead of the socket. ' +
    'Runtime sockets and node root folders are errors, other host paths warnings.',
  check: () => [],
  languages: {
    kubernetes: {
      textTriggers: ['hostPath'],
      check: ({ document, text }) => {
        const findings: RuleFinding[] = [];
        for (const pod of manifestFile(document, text).podSpecs) {
          const volumes = valueAt(pod.document, pod.spec, ['volumes']);
          if (!isSeq(volumes)) continue;
          for (const item of volumes.items) {
            const volume = resolve(pod.document, item);
            if (!isMap(volume) || !volume.has('hostPath')) continue;
            const name = scalarString(valueAt(pod.document, volume, ['name'])) ?? '(unnamed)';
            const pathPair = pairAt(pod.document, volume, ['hostPath', 'path']);
            const path = scalarString(pathPair?.value)?.replace(/(.)\/+$/, '$1');
            const at = pathPair ?? pairAt(pod.document, volume, ['hostPath']);
            const where = `Volume "${name}" of ${pod.owner}`;
            if (path !== undefined && RUNTIME_SOCKETS.test(path)) {
              findings.push(...findingAt(at, `${where} mounts the container runtime socket \`${path}\`: the pod can start a privileged container, which is root on the node. Build with a rootless builder (BuildKit, Kaniko) instead.`, { severity: 'error' }));
            } else if (path !== undefined && NODE_ROOTS.has(path)) {
              findings.push(...findingAt(at, `${where} mounts the node's \`${path}\`: the pod can read (or change) the node's own files and credentials.`, { severity: 'error' }));
            } else {
              findings.push(...findingAt(at, `${where} mounts the node's \`${path ?? 'path'}\` (\`hostPath\`): the pod reads the node's files and its data stays on that node. Use a persistent volume claim, \`emptyDir\` or \`configMap\` unless this is a node agent.`));
            }
          }
        }
        return findings;
      },
    },
  },
};
