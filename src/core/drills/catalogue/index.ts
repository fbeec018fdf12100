/**
 * The catalogue of defects a debugging drill plants: the mistakes AI-written code ships most
 * (boundary off by one, inverted condition, missing `await`, swapped arguments, wrong unit on a
 * timeout, dropped null check, swallowed error), one module each, all on the TypeScript syntax tree.
 */
import { droppedNullCheck } from './dropped-null-check';
import { invertedCondition } from './inverted-condition';
import { missingAwait } from './missing-await';
import type { DefectKind, DefectMutator } from './mutator';
import { offByOne } from './off-by-one';
import { swallowedError } from './swallowed-error';
import { swappedArguments } from './swapped-arguments';
import { timeoutUnit } from './timeout-unit';

export * from './mutator';

/** Every mutator, in a fixed order (the order only matters for ties; sites are shuffled by seed). */
export const CATALOGUE: readonly DefectMutator[] = [offByOne, invertedCondition, missingAwait, swappedArguments, timeoutUnit, droppedNullCheck, swallowedError];

/** The mutator of a kind. */
export function mutatorOf(kind: DefectKind): DefectMutator {
  const found = CATALOGUE.find((mutator) => mutator.kind === kind);
  if (!found) throw new Error(`unknown defect kind ${kind}`);
  return found;
}
