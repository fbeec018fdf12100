import { isMap, isSeq } from 'yaml';
import type { LineRange } from '../check/engine';
import type { LanguageDocument } from '../languages/document';
import { isTrue, manifestFile, resolve, scalarString, spanOf, valueAt, type ContainerSpec, type PodSpec } from '../rules/infrastructure/manifests';
import type { ContainerFact, KnownFact } from './fact-check';
import type { LanguageNoteSupport } from './language-notes';
import { questionCollector } from './question-collector';
import { type BlockQuestion, questionId } from './questions';

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
        const powers = described(privilegesOf(pod, container));
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

  /**
   * The powers each privileged container of the block gets, for its question: an answer calling it
   * unprivileged or non-root is a wrong fact, one that leaves a power out a missing one.
   */
  facts(document: LanguageDocument, text: string, range: LineRange): KnownFact[] {
    const { inRange } = questionCollector(text, range);
    const facts: KnownFact[] = [];
    for (const pod of manifestFile(document, text).podSpecs) {
      for (const container of pod.containers) {
        const span = spanOf(container.node);
        if (span === undefined || !inRange(span.start)) continue;
        const powers = privilegesOf(pod, container);
        if (powers.length === 0) continue;
        facts.push({
          kind: 'container',
          questionId: questionId('container', text.slice(span.start, span.end)),
          container: `container "${container.name}" of ${pod.owner}`,
          powers: powers.map(({ source, names }) => ({ source, names })),
        });
      }
    }
    return facts;
  },
};

type Power = ContainerFact['powers'][number] & { capability?: string };

/** The powers as the question lists them: the capabilities together (`the capabilities `A`, `B``), where the first one is. */
function described(powers: readonly Power[]): string[] {
  const capabilities = powers.filter((power) => power.capability !== undefined).map((power) => `\`${power.capability}\``);
  const firstCapability = powers.findIndex((power) => power.capability !== undefined);
  return powers.flatMap((power, index) =>
    power.capability === undefined ? [power.source] : index === firstCapability ? [capabilities.length === 1 ? power.source : `the capabilities ${capabilities.join(', ')}`] : [],
  );
}

/** The powers a container gets beyond the default: each as a short code span, with the words an answer may name it by. */
function privilegesOf(pod: PodSpec, container: ContainerSpec): Power[] {
  const powers: Power[] = [];
  const at = (node: unknown, path: string[]) => valueAt(pod.document, node, path);
  if (isTrue(at(container.node, ['securityContext', 'privileged']))) powers.push({ source: '`privileged: true`', names: ['privileged'] });
  if (isTrue(at(container.node, ['securityContext', 'allowPrivilegeEscalation']))) powers.push({ source: '`allowPrivilegeEscalation: true`', names: ['allowPrivilegeEscalation', 'privilege escalation', 'escalate'] });
  const added = at(container.node, ['securityContext', 'capabilities', 'add']);
  if (isSeq(added)) {
    const names = added.items.map((item) => scalarString(resolve(pod.document, item))).filter((name): name is string => name !== undefined);
    for (const name of names) powers.push({ source: `the capability \`${name}\``, names: [name, name.replace(/^CAP_/i, '')], capability: name });
  }
  const hostWords: Record<string, string[]> = { hostNetwork: ['host network', "node's network"], hostPID: ['host pid', 'host process', "node's process"], hostIPC: ['host ipc'] };
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) if (isTrue(at(pod.spec, [field]))) powers.push({ source: `\`${field}: true\``, names: [field, ...hostWords[field]] });
  const user = scalarString(at(container.node, ['securityContext', 'runAsUser'])) ?? scalarString(at(pod.spec, ['securityContext', 'runAsUser']));
  if (user === '0') powers.push({ source: '`runAsUser: 0`', names: ['runAsUser', 'uid 0', 'user 0', 'as root'] });
  // The node paths its mounts reach.
  const volumes = at(pod.spec, ['volumes']);
  const mounts = at(container.node, ['volumeMounts']);
  if (isSeq(volumes) && isSeq(mounts)) {
    const mounted = new Set(mounts.items.map((mount) => scalarString(valueAt(pod.document, mount, ['name']))));
    for (const item of volumes.items) {
      const volume = resolve(pod.document, item);
      if (!isMap(volume) || !mounted.has(scalarString(valueAt(pod.document, volume, ['name'])))) continue;
      const path = scalarString(valueAt(pod.document, volume, ['hostPath', 'path']));
      if (path !== undefined) powers.push({ source: `the node's \`${path}\``, names: [path, path.slice(path.lastIndexOf('/') + 1) || path] });
    }
  }
  return powers;
}
