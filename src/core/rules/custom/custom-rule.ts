import { RE2JS } from 're2js';
import type { RuleFinding } from '../../check/findings';
import { compileGlobs } from '../../policy/paths';
import type { CustomRuleSpec, Policy } from '../../policy/policy';
import type { Rule, RuleContext } from '../rule';

/**
 * Custom rule ids live under `custom/` so they can never shadow a built-in rule and read as the
 * team's own in diagnostics, suppressions and SARIF.
 */
export const CUSTOM_RULE_ID_PATTERN = /^custom\/[a-z0-9][a-z0-9._-]*$/;

/** Beyond this many matches in one file the rest are summarised in one finding: a runaway pattern must not flood the editor. */
export const MAX_CUSTOM_MATCHES_PER_FILE = 1000;

/**
 * Longest custom pattern accepted (UTF-16 units). RE2 matches in linear time, but the time is text
 * size × pattern size: a 40 KB pattern took a minute on one 100 KB file. Real patterns are < 200.
 */
export const MAX_CUSTOM_PATTERN_LENGTH = 1000;
/**
 * Work budget of one custom rule on one file, as text length × pattern length (about 1.5 s at the
 * measured ~70 M units/s). Over it, the file is reported as not checked by that rule.
 */
export const MAX_CUSTOM_RULE_WORK = 100_000_000;

/** The outcome of compiling a user-written pattern. */
export type CompiledPattern = { ok: true; regex: RE2JS } | { ok: false; message: string };

/**
 * The check of a custom pattern that compiles nothing: its length. An untrusted workspace's patterns
 * get only this until trust is granted.
 */
export function checkCustomPatternLength(pattern: string): { ok: true } | { ok: false; message: string } {
  if (pattern.length > MAX_CUSTOM_PATTERN_LENGTH) {
    return { ok: false, message: `the pattern is ${pattern.length} characters long; at most ${MAX_CUSTOM_PATTERN_LENGTH} are allowed` };
  }
  return { ok: true };
}

/**
 * Compiles a custom rule pattern with RE2 semantics (linear-time matching, so a hostile pattern cannot
 * hang the server). `^` and `$` match at line boundaries, because rules are written one line at a time.
 */
export function compileCustomPattern(pattern: string): CompiledPattern {
  const length = checkCustomPatternLength(pattern);
  if (!length.ok) return length;
  try {
    return { ok: true, regex: RE2JS.compile(pattern, RE2JS.MULTILINE) };
  } catch (error) {
    const message = (error as Error).message || String(error);
    // The MULTILINE flag shows up as a `(?m)` prefix in RE2JS messages; users never wrote it.
    return { ok: false, message: message.replace(/^error parsing regexp: /, '').replace(/`\(\?m\)/g, '`') };
  }
}

/**
 * Builds a text rule from a `customRules` entry of the policy. Each non-empty match becomes a finding
 * with the entry's message. Throws when the pattern does not compile (the policy loader reports that
 * earlier, at the pattern's position).
 */
export function createCustomRule(spec: CustomRuleSpec): Rule {
  const compiled = compileCustomPattern(spec.pattern);
  if (!compiled.ok) throw new Error(`Custom rule ${spec.id}: invalid pattern: ${compiled.message}`);
  const regex = compiled.regex;
  const appliesTo = spec.paths.length > 0 ? compileGlobs(spec.paths) : () => true;
  return {
    id: spec.id,
    kind: 'text',
    defaultSeverity: spec.severity,
    summary: spec.message,
    rationale:
      `A custom rule from the workspace policy (\`.comprehension/policy.yaml\`). ` +
      `It flags text matching the pattern \`${spec.pattern.replace(/`/g, "'")}\`` +
      (spec.paths.length > 0 ? ` in ${spec.paths.map((glob) => `\`${glob}\``).join(', ')}.` : '.'),
    check(context: RuleContext): RuleFinding[] {
      if (!appliesTo(context.path)) return [];
      const work = context.text.length * spec.pattern.length;
      if (work > MAX_CUSTOM_RULE_WORK) {
        // Thrown, so the engine reports the file as not checked by this rule (an error): skipping it quietly would pass it.
        throw new Error(`the file (${context.text.length} characters) is too large for this pattern (${spec.pattern.length} characters): over the work budget of ${MAX_CUSTOM_RULE_WORK}`);
      }
      const findings: RuleFinding[] = [];
      const matcher = regex.matcher(context.text);
      while (matcher.find()) {
        const start = matcher.start();
        const end = matcher.end();
        // A zero-width match (e.g. `^`) marks a position, not text; nothing to underline.
        if (end <= start) continue;
        if (findings.length === MAX_CUSTOM_MATCHES_PER_FILE) {
          findings.push({
            start,
            end,
            message: `${spec.id} matched more than ${MAX_CUSTOM_MATCHES_PER_FILE} times in this file; later matches are not reported.`,
            severity: 'info',
            fingerprintSource: `${spec.id} overflow`,
          });
          break;
        }
        findings.push({ start, end, message: spec.message });
      }
      return findings;
    },
  };
}

/**
 * The custom rules to run for a policy. Custom patterns come from the workspace, so an untrusted
 * workspace gets none (built-in rules still run). Entries that do not compile are skipped: the policy
 * loader has reported them already.
 */
export function customRulesFor(policy: Pick<Policy, 'customRules'>, options: { trusted: boolean }): Rule[] {
  if (!options.trusted) return [];
  const rules: Rule[] = [];
  for (const spec of policy.customRules) {
    try {
      rules.push(createCustomRule(spec));
    } catch {
      // Reported by the loader at the pattern's position; one broken entry must not drop the others.
    }
  }
  return rules;
}
