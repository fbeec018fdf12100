import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import type { RuleFinding } from '../../check/findings';
import type { LanguageDocument } from '../../languages/document';
import { AttachedCache } from '../../runtime/attached-cache';

/**
 * The pod specs of a Kubernetes manifest file, wherever the objects keep them: `Pod.spec`, the
 * workload controllers' `spec.template.spec` (Deployment, StatefulSet, DaemonSet, ReplicaSet,
 * ReplicationController, Job, and custom resources shaped the same, such as Argo Rollouts),
 * `CronJob.spec.jobTemplate.spec.template.spec`, `PodTemplate.template.spec`, and the items of a
 * `List`. Nodes are the `yaml` library's, whose ranges are offsets in the file's text.
 */
export interface PodSpec {
  /** `Deployment "api"`, for messages. */
  readonly owner: string;
  readonly spec: YAMLMap;
  readonly containers: readonly ContainerSpec[];
  readonly document: Document.Parsed;
}

export interface ContainerSpec {
  readonly name: string;
  readonly node: YAMLMap;
  readonly group: 'containers' | 'initContainers' | 'ephemeralContainers';
}

/** Where a manifest file stands before any rule reads it. */
export interface ManifestFile {
  readonly podSpecs: readonly PodSpec[];
  /** The first YAML error of a file that is not a template: one finding says the file was not checked. */
  readonly brokenAt?: { readonly start: number; readonly end: number; readonly message: string };
}

const POD_SPEC_PATHS: readonly (readonly string[])[] = [['spec', 'template', 'spec'], ['spec', 'jobTemplate', 'spec', 'template', 'spec'], ['template', 'spec']];
/** `List` inside `List` is legal and never deep; this bounds a hostile file. */
const MAX_LIST_DEPTH = 4;

const files = new AttachedCache<LanguageDocument, ManifestFile>('comprehension.kubernetesManifest');

/** The pod specs of `document` (a Kubernetes manifest), read once and shared by every rule. */
export function manifestFile(document: LanguageDocument, text: string): ManifestFile {
  const cached = files.get(document);
  if (cached) return cached;
  const podSpecs: PodSpec[] = [];
  let brokenAt: ManifestFile['brokenAt'];
  if ('documents' in document) {
    const broken = document.documents.find((yaml) => yaml.errors.length > 0);
    // A Helm template (`{{ … }}`) is not YAML until rendered: such a file is skipped quietly.
    if (broken && text.includes('{{')) {
      files.set(document, { podSpecs });
      return { podSpecs };
    }
    if (broken) {
      const error = broken.errors[0];
      const start = Math.min(error.pos[0], text.length);
      brokenAt = { start, end: Math.min(Math.max(error.pos[1], start), text.length), message: error.message.split('\n')[0] };
    }
    for (const yaml of document.documents) {
      if (yaml.errors.length === 0) collect(yaml, resolve(yaml, yaml.contents), podSpecs, 0);
    }
  }
  const file = { podSpecs, ...(brokenAt ? { brokenAt } : {}) };
  files.set(document, file);
  return file;
}

function collect(document: Document.Parsed, object: unknown, into: PodSpec[], depth: number): void {
  if (!isMap(object)) return;
  const kind = scalarString(valueAt(document, object, ['kind'])) ?? '';
  if (kind === 'List' && depth < MAX_LIST_DEPTH) {
    const items = valueAt(document, object, ['items']);
    if (isSeq(items)) for (const item of items.items) collect(document, resolve(document, item), into, depth + 1);
    return;
  }
  const name = scalarString(valueAt(document, object, ['metadata', 'name']));
  const owner = `${kind || 'object'}${name ? ` "${name}"` : ''}`;
  const candidates = kind === 'Pod' ? [['spec']] : POD_SPEC_PATHS;
  for (const path of candidates) {
    const spec = valueAt(document, object, path);
    if (isMap(spec) && (spec.has('containers') || spec.has('initContainers'))) {
      into.push({ owner, spec, containers: containersOf(document, spec), document });
      return;
    }
  }
}

function containersOf(document: Document.Parsed, spec: YAMLMap): ContainerSpec[] {
  const containers: ContainerSpec[] = [];
  for (const group of ['containers', 'initContainers', 'ephemeralContainers'] as const) {
    const list = resolve(document, spec.get(group, true));
    if (!isSeq(list)) continue;
    for (const item of list.items) {
      const node = resolve(document, item);
      if (isMap(node)) containers.push({ name: scalarString(valueAt(document, node, ['name'])) ?? '(unnamed)', node, group });
    }
  }
  return containers;
}

/** An alias (`*defaults`) stands for its anchor's node; anything else is itself. */
export function resolve(document: Document.Parsed, node: unknown): unknown {
  if (isAlias(node)) {
    try {
      return node.resolve(document);
    } catch {
      return undefined;
    }
  }
  return node;
}

/** The node at `path` of maps under `from`, or undefined. */
export function valueAt(document: Document.Parsed, from: unknown, path: readonly string[]): unknown {
  let node: unknown = from;
  for (const key of path) {
    node = resolve(document, node);
    if (!isMap(node)) return undefined;
    node = node.get(key, true);
  }
  return resolve(document, node);
}

/** The pair `key: value` of a map (for reporting the whole line), or undefined. */
export function pairAt(document: Document.Parsed, from: unknown, path: readonly string[]): Pair<unknown, unknown> | undefined {
  const parent = valueAt(document, from, path.slice(0, -1));
  if (!isMap(parent)) return undefined;
  const key = path[path.length - 1];
  return parent.items.find((pair): pair is Pair<unknown, unknown> => isPair(pair) && isScalar(pair.key) && pair.key.value === key);
}

export function scalarString(node: unknown): string | undefined {
  return isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number') ? String(node.value) : undefined;
}

/** True when the node is the YAML boolean `true` (not the string `"true"`, which the API server rejects). */
export function isTrue(node: unknown): boolean {
  return isScalar(node) && node.value === true;
}

/** The span of a pair (`privileged: true`) or a node, in offsets of the file. */
export function spanOf(node: unknown): { start: number; end: number } | undefined {
  if (isPair(node)) {
    const key = spanOf(node.key);
    const value = spanOf(node.value);
    if (key && value) return { start: key.start, end: value.end };
    return key ?? value;
  }
  const range = (node as Node | undefined)?.range;
  return range ? { start: range[0], end: range[1] } : undefined;
}

/** A finding at a pair or node; none when the node has no position (built by an alias merge). */
export function findingAt(node: unknown, message: string, extra: Partial<RuleFinding> = {}): RuleFinding[] {
  const span = spanOf(node);
  return span ? [{ ...span, message, ...extra }] : [];
}
