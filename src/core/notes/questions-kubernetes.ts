import { isMap, isSeq } from 'yaml';
import type { LineRange } from '../check/engine';
import type { LanguageDocument } from '../languages/document';
import { isTrue, manifestFile, resolve, scalarString, spanOf, valueAt, type ContainerSpec, type PodSpec } from '../rules/infrastructure/manifests';
import type { LanguageNoteSupport } from './language-notes';
import { questionCollector } from './question-collector';
import type { BlockQuestion } from './questions';

/**
 * Questions about Kubernetes manifests in an AI block: for each container, which privileges and
 * node mounts it gets and why (`container`); for each Service published outside the cluster, who
 * can reach it (`exposure`).
 */
export const kubernetesNoteSupport: LanguageNoteSupport = {
  questions(document: LanguageDocument, text: string, range: LineRange): BlockQuestion[] {
    const { questions, inRange, ask } = questionCollector(text, range);
    for (const pod of manifestFile(document, text).podSpecs) {
      for (const container of pod.containers) {
        const span = spanOf(container.node);
        if (span === undefined || !inRange(span.start)) continue;
        const powers = privilegesOf(pod, container);
        const name = `container "${container.name}" of ${pod.owner}`;
        const question = powers.length > 0
          ? `Why does ${name} need ${powers.join(', ')}, and what could it do on its node if it were compromised?`
          : `Which user does ${name} run as, and what can it write to?`;
        ask('container', span.start, span.end, question);
      }
    }
    if ('documents' in document) {
      for (const yaml of document.documents) {
        if (yaml.errors.length > 0 || scalarString(valueAt(yaml, yaml.contents, ['kind'])) !== 'Service') continue;
        const type = scalarString(valueAt(yaml, yaml.contents, ['spec', 'type']));
        const span = spanOf(yaml.contents);
        if ((type !== 'LoadBalancer' && type !== 'NodePort') || span === undefined || !inRange(span.start)) continue;
        const name = scalarString(valueAt(yaml, yaml.contents, ['metadata', 'name'])) ?? '';
        ask('exposure', span.start, span.end, `Who can reach Service "${name}" (\`type: ${type}\`) from outside the cluster, and should they?`);
      }
    }
    return questions;
  },
};

/** The powers a container gets beyond the default, as short code spans. */
function privilegesOf(pod: PodSpec, container: ContainerSpec): string[] {
  const powers: string[] = [];
  const at = (node: unknown, path: string[]) => valueAt(pod.document, node, path);
  if (isTrue(at(container.node, ['securityContext', 'privileged']))) powers.push('`privileged: true`');
  if (isTrue(at(container.node, ['securityContext', 'allowPrivilegeEscalation']))) powers.push('`allowPrivilegeEscalation: true`');
  const added = at(container.node, ['securityContext', 'capabilities', 'add']);
  if (isSeq(added)) {
    const names = added.items.map((item) => scalarString(resolve(pod.document, item))).filter((name): name is string => name !== undefined);
    if (names.length > 0) powers.push(`the capabilities ${names.map((name) => `\`${name}\``).join(', ')}`);
  }
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) if (isTrue(at(pod.spec, [field]))) powers.push(`\`${field}: true\``);
  const user = scalarString(at(container.node, ['securityContext', 'runAsUser'])) ?? scalarString(at(pod.spec, ['securityContext', 'runAsUser']));
  if (user === '0') powers.push('`runAsUser: 0`');
  // The node paths its mounts reach.
  const volumes = at(pod.spec, ['volumes']);
  const mounts = at(container.node, ['volumeMounts']);
  if (isSeq(volumes) && isSeq(mounts)) {
    const mounted = new Set(mounts.items.map((mount) => scalarString(valueAt(pod.document, mount, ['name']))));
    for (const item of volumes.items) {
      const volume = resolve(pod.document, item);
      if (!isMap(volume) || !mounted.has(scalarString(valueAt(pod.document, volume, ['name'])))) continue;
      const path = scalarString(valueAt(pod.document, volume, ['hostPath', 'path']));
      if (path !== undefined) powers.push(`the node's \`${path}\``);
    }
  }
  return powers;
}
