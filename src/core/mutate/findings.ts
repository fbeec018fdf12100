import { type Finding, findingFingerprint, type Severity } from '../check/findings';
import type { NoteFinding } from '../notes/diagnostics';
import type { Rule } from '../rules/rule';
import type { LineIndex } from '../text/line-index';
import { describeMutant, type BlockMutationResult } from './results';

/** Rule id of a mutant in an AI block that no test noticed. */
export const SURVIVING_MUTANT_RULE_ID = 'comprehension/surviving-mutant';

/** Summary and rationale of {@link SURVIVING_MUTANT_RULE_ID}, for hovers, the schema and SARIF. */
export const MUTATION_RULE_RATIONALE: Record<string, { summary: string; rationale: string }> = {
  [SURVIVING_MUTANT_RULE_ID]: {
    summary: 'A change to an AI-written line that no test noticed (a surviving mutant)',
    rationale:
      'Mutation testing (StrykerJS, run by `comprehension mutate`) changed this AI-written code — a comparison, a condition, ' +
      'a constant — and every test still passed. Tests that cannot tell the code from its mutant do not check what the ' +
      'code does; tests written together with the code by the same AI often only restate it. Add a test that fails for the ' +
      'mutant, or explain in the block\'s note why the difference does not matter.',
  },
};

/** The rule's default severity: a gap in the tests, not a defect in the code. */
export const SURVIVING_MUTANT_DEFAULT_SEVERITY: Severity = 'warning';

/**
 * The findings of one block's surviving mutants in the file as it is now, with the block starting at
 * `blockStartLine` (1-based): one per mutant, on its lines, saying what changed and that no test
 * noticed. Returned in the shape of the engine's extra findings (the editor passes them through
 * the engine, for suppressions); `comprehension mutate` locates them itself. The caller checks that
 * the result is for the block's current content.
 */
export function survivingMutantFindings(result: BlockMutationResult, blockStartLine: number, lines: LineIndex, severity: Severity = SURVIVING_MUTANT_DEFAULT_SEVERITY): NoteFinding[] {
  if (severity === 'off') return [];
  return result.survivors.map((mutant) => {
    const startLine = blockStartLine - 1 + mutant.line;
    const endLine = blockStartLine - 1 + mutant.endLine;
    const start = lines.offsetAt({ line: startLine, character: mutant.column });
    const end = Math.max(start, lines.offsetAt({ line: endLine, character: mutant.endColumn }));
    const message = `${describeMutant(mutant)} (${mutant.mutator})`;
    return {
      ruleId: SURVIVING_MUTANT_RULE_ID,
      severity,
      severityReasons: [],
      finding: {
        start,
        end,
        message,
        blockId: result.blockId,
        // The mutant, not its line number, so the baseline holds while lines above it move.
        fingerprintSource: `${mutant.mutator}\0${mutant.original}\0${mutant.replacement}\0${lines.lineText(startLine).trim()}`,
      },
    };
  });
}

/**
 * The rule as SARIF and listings describe it. It finds nothing in a file's text by itself (its
 * findings come from Stryker's results), so it is not among the built-in rules the engine runs.
 */
export const SURVIVING_MUTANT_RULE: Rule = {
  id: SURVIVING_MUTANT_RULE_ID,
  kind: 'text',
  defaultSeverity: SURVIVING_MUTANT_DEFAULT_SEVERITY,
  summary: MUTATION_RULE_RATIONALE[SURVIVING_MUTANT_RULE_ID].summary,
  rationale: MUTATION_RULE_RATIONALE[SURVIVING_MUTANT_RULE_ID].rationale,
  check: () => [],
};

/** Findings in the engine's extra-finding shape as complete findings of the text `lines` indexes (positions, fingerprint), for the CLI's output. */
export function locateFindings(extra: readonly NoteFinding[], lines: LineIndex): Finding[] {
  return extra.map(({ ruleId, severity, severityReasons, finding }) => {
    const startPosition = lines.positionAt(finding.start);
    return {
      ...finding,
      ruleId,
      severity,
      severityReasons,
      startPosition,
      endPosition: lines.positionAt(finding.end),
      fingerprint: findingFingerprint(ruleId, finding.fingerprintSource ?? lines.lineText(startPosition.line).trim()),
    };
  });
}
