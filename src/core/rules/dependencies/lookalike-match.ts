import { editDistance } from './edit-distance';

/** How a name resembles another. */
export type ResemblanceKind =
  /** Small Damerau–Levenshtein distance (`loadsh` → `lodash`). */
  | 'edit'
  /** Same letters, different case (`Lodash`). */
  | 'case'
  /** `-`, `_` and `.` swapped (`lodash_merge` → `lodash.merge`). */
  | 'separators'
  /** A scope turned into a prefix or the reverse (`@types-node` → `@types/node`). */
  | 'scope'
  /** A `js` suffix added or dropped (`chartjs` → `chart.js`). */
  | 'js-suffix';

/** Why `name` looks like `target`. */
export interface Resemblance {
  target: string;
  kind: ResemblanceKind;
  /** Edit distance for `edit`; 1 for the other kinds, which are one slip of the keyboard or memory. */
  distance: number;
}

/** Below this length a single edit turns one real short name into another (`ws`/`vs`, `pg`/`pm`). */
export const MIN_EDIT_LENGTH = 4;

/** The edit distance still counted as a look-alike: 1 for names up to 8 characters, 2 beyond. */
export function editLimitFor(name: string): number {
  return name.length <= 8 ? 1 : 2;
}

/** The comparison keys of one name, computed once: the same few hundred targets are compared with every import. */
interface NameShape {
  lower: string;
  /** `@scope` for scoped names. */
  scope: string | undefined;
  hasSlash: boolean;
  hasAt: boolean;
  /** Lowercase, `@` dropped, every separator (`/`, `.`, `_`, `-`) made `-`. */
  separatorKey: string;
  /** {@link separatorKey} without a trailing `js` (`chart.js`, `chartjs` and `chart` share one). */
  suffixKey: string;
}

const shapes = new Map<string, NameShape>();
const MAX_SHAPES = 10_000;

function shapeOf(name: string): NameShape {
  const cached = shapes.get(name);
  if (cached) return cached;
  const lower = name.toLowerCase();
  const slash = name.indexOf('/');
  const separatorKey = lower.replace(/^@/, '').replace(/[/._-]+/g, '-');
  const stripped = separatorKey.replace(/-?js$/, '');
  const shape: NameShape = {
    lower,
    scope: name.startsWith('@') && slash > 0 ? name.slice(0, slash) : undefined,
    hasSlash: slash >= 0,
    hasAt: name.startsWith('@'),
    separatorKey,
    suffixKey: stripped.length >= 2 ? stripped : separatorKey,
  };
  if (shapes.size >= MAX_SHAPES) shapes.clear();
  shapes.set(name, shape);
  return shape;
}

/**
 * Whether `name` resembles `target` closely enough to be a typo or a typosquat of it.
 *
 * Two names in the same npm scope never count: a scope belongs to one owner on the registry, so
 * `@babel/cor` may be a typo (the undeclared rule catches it) but cannot be someone else's trap.
 */
export function resemblance(name: string, target: string): Resemblance | undefined {
  if (name === target) return undefined;
  const from = shapeOf(name);
  const to = shapeOf(target);
  if (from.scope !== undefined && from.scope === to.scope) return undefined;
  if (from.lower === to.lower) return { target, kind: 'case', distance: 1 };
  if (from.separatorKey === to.separatorKey) {
    const scopeChanged = from.hasSlash !== to.hasSlash || from.hasAt !== to.hasAt;
    return { target, kind: scopeChanged ? 'scope' : 'separators', distance: 1 };
  }
  if (from.suffixKey === to.suffixKey) return { target, kind: 'js-suffix', distance: 1 };
  if (name.length < MIN_EDIT_LENGTH || target.length < MIN_EDIT_LENGTH) return undefined;
  const limit = editLimitFor(name);
  const distance = editDistance(from.lower, to.lower, limit);
  return distance <= limit ? { target, kind: 'edit', distance } : undefined;
}

/**
 * The closest resemblance of `name` among `targets`, or undefined. Ties go to the earlier target,
 * so callers list the names they trust most (declared, then most popular) first.
 */
export function closestResemblance(name: string, targets: Iterable<string>): Resemblance | undefined {
  let best: Resemblance | undefined;
  for (const target of targets) {
    const found = resemblance(name, target);
    if (found && (best === undefined || found.distance < best.distance)) {
      best = found;
      if (best.distance <= 1) break;
    }
  }
  return best;
}

/** How `name` resembles `found.target`, for a finding's message, ending with `question`. */
export function describeResemblance(name: string, found: Resemblance, question: string): string {
  switch (found.kind) {
    case 'edit':
      return `'${name}' is ${found.distance === 1 ? 'one edit' : 'two edits'} away from '${found.target}': ${question}`;
    case 'case':
      return `'${name}' differs from '${found.target}' only in letter case: ${question}`;
    case 'separators':
      return `'${name}' differs from '${found.target}' only in its separators: ${question}`;
    case 'scope':
      return `'${name}' differs from '${found.target}' only in its scope: ${question}`;
    case 'js-suffix':
      return `'${name}' differs from '${found.target}' only by a 'js' suffix: ${question}`;
  }
}
