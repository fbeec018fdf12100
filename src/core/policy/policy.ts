import type { Severity } from '../check/findings';

/** The scaffolded-AI policy level (see PRODUCT.md): 0 orientation, 1 assisted, 2 autonomy with audits. */
export type PolicyLevel = 0 | 1 | 2;

/** Per-rule settings from `rules.<id>` in the policy file. */
export interface RuleSetting {
  severity?: Severity;
  options?: Record<string, unknown>;
}

/** A user-written text rule, matched with RE2 semantics (linear time). */
export interface CustomRuleSpec {
  id: string;
  pattern: string;
  message: string;
  severity: Severity;
  /** Globs the rule applies to; empty means every file. */
  paths: string[];
}

/** Thresholds for comprehension notes (used by the notes feature). */
export interface NotesPolicy {
  /** AI blocks shorter than this many lines need no note. */
  minBlockLines: number;
  /** Each required answer needs at least this many words. */
  minWordsPerAnswer: number;
  /** A note whose similarity to the block's code is above this (0..1) counts as a paste of the code. */
  maxCodeSimilarity: number;
  /** The note must mention at least one identifier from the block. */
  requireIdentifier: boolean;
  /** Two answers sharing more than this share of their content words (Jaccard, 0..1) repeat each other. */
  maxAnswerOverlap: number;
  /** An answer taking this share (0..1) of its content words from a template hint or question echoes it. */
  maxPromptOverlap: number;
  /** Each answer needs this many words that are neither function words nor stock phrases. */
  minInformativeWords: number;
  /** At least this many answers must name a value, call or name from the block besides its own name. */
  minSpecificAnswers: number;
  /** A note may name this many identifiers, files or calls that the block and its file do not contain. */
  maxUnknownReferences: number;
  /** Whether large pastes need notes like AI blocks. */
  pastesNeedNotes: boolean;
  /**
   * Hours after an AI block is written during which the editor shows its missing note as
   * information (the CodeLens is the prompt); after that at the severity CI uses. 0 = at once.
   */
  editorGraceHours: number;
  /**
   * Policy levels at which AI blocks in critical paths need a reviewer's sign-off
   * (`comprehension/unreviewed-ai-block`); empty = never.
   */
  signOffLevels: PolicyLevel[];
}

/** Severities `comprehension check` can fail on. */
export type FailOnSeverity = 'error' | 'warning' | 'info';

/** How `comprehension check` gates. */
export interface CheckPolicy {
  /** `comprehension check` exits 1 when a finding is at this severity or above. */
  failOn: FailOnSeverity;
  /**
   * Whether a file the engine could not check (`comprehension/file-not-checked`: unparseable, nested
   * too deep, a rule overflowed or ran out of budget) fails the gate. Default true: fail closed.
   */
  failOnUncheckedFiles: boolean;
  /**
   * Whether generated, minified and bundled files (`check/generated.ts`) get the secrets rules only.
   * Default true; such files are listed as skipped with the signal that gave them away.
   */
  skipGenerated: boolean;
}

/** Rule categories whose findings in test code `testSeverities` can lower (the first segment of a rule id). */
export const TEST_SEVERITY_CATEGORIES = ['secrets', 'reliability', 'security', 'dependencies', 'infrastructure', 'workflows', 'custom'] as const;
export type TestSeverityCategory = (typeof TEST_SEVERITY_CATEGORIES)[number];

/**
 * Where test code usually lives, by the conventions of the common ecosystems (JavaScript, Python,
 * Go, Ruby, Rust, Java, Kotlin, C#, Swift, Perl). Fixtures count: they are inputs of tests, often
 * deliberately bad code. The one list: the secrets rule judges fixtures by it too, or by the policy's.
 */
export const DEFAULT_TEST_PATHS: readonly string[] = [
  '**/{test,tests,Test,Tests}/**',
  '**/{__tests__,__mocks__,e2e,testdata}/**',
  '**/{spec,specs}/**',
  '**/{fixture,fixtures,__fixtures__}/**',
  '**/{test,tests,spec}.*',
  '**/*{.,_,-}{test,tests,spec}.*',
  '**/test_*.py',
  '**/conftest.py',
  // JUnit, Kotlin and .NET test classes: `UserServiceTest.java`, `LoginTests.cs` (case matters: `Latest.java` is not one).
  '**/*{Test,Tests}.{java,kt,cs}',
  // Perl's tests: `t/*.t`, run by prove.
  '**/t/**/*.t',
  // Benchmarks, like tests, never ship: `try { schema.parse(bad) } catch {}` there measures a failure.
  '**/{bench,benchmark,benchmarks}/**',
  '**/*.bench.*',
];

/**
 * Framework-provided modules that no package.json declares: Docusaurus' `@docusaurus/Link` and
 * swizzled `@theme/*`, SvelteKit's `$app/*` and `$lib/*`, Vite, Astro and Qwik City virtual modules
 * (`@qwik-city-plan`, no npm name: a scope needs a slash), the
 * common `@/` and `~/` source aliases, subpath imports and builtins. Globs (picomatch) matched
 * against the package name and the whole specifier.
 */
export const DEFAULT_VIRTUAL_MODULES: readonly string[] = [
  '@docusaurus/*',
  '@theme/**',
  '@theme-original/**',
  '@theme-init/**',
  '@site/**',
  '@generated/**',
  'virtual:*',
  'astro:*',
  '@qwik-city-*',
  '@qwik-client-manifest',
  '$app/**',
  '$lib',
  '$lib/**',
  '$env/**',
  '~/**',
  '@/**',
  '#*',
  'node:*',
];

/** The dependency rules' lists and the registry check's switch and thresholds. */
export interface DependenciesPolicy {
  /** Approved packages (names or globs); when non-empty, others are unapproved. */
  allow: string[];
  /** Packages that must not be used (names or globs). */
  deny: string[];
  /** Framework virtual modules (globs) that no package.json declares; replaces the defaults when set. */
  virtualModules: string[];
  /** Scopes (`@myorg`) or globs of private packages: the registry check does not look them up. */
  privateScopes: string[];
  /** Whether `comprehension check` asks the npm registry about declared packages (as `--registry-check` does). */
  registryCheck: boolean;
  /** A package first published fewer days ago than this is reported by the registry check. */
  minPackageAgeDays: number;
  /** A package with fewer downloads last week than this is reported by the registry check (npmjs.org only). */
  minWeeklyDownloads: number;
}

/** Practice-mode goals. */
export interface PracticePolicy {
  /** Weekly no-AI practice goal in minutes; 0 means none (level 2 requires one). */
  weeklyGoalMinutes: number;
  /** Minutes a day that count towards the streak. */
  dailyMinimumMinutes: number;
}

/** A fully resolved policy: every field present. */
export interface Policy {
  level: PolicyLevel;
  rules: Record<string, RuleSetting>;
  criticalPaths: string[];
  /** Globs of test code, whose findings are capped at `testSeverities` per rule category. */
  testPaths: string[];
  /**
   * The highest severity a finding in test code gets, per rule category (absent: unchanged).
   * Default: reliability and security at `info`; secrets are not lowered (a real key in a test leaks too).
   */
  testSeverities: Partial<Record<TestSeverityCategory, Severity>>;
  ignore: string[];
  /** Skip files ignored by git (default true). */
  respectGitignore: boolean;
  dependencies: DependenciesPolicy;
  customRules: CustomRuleSpec[];
  notes: NotesPolicy;
  practice: PracticePolicy;
  check: CheckPolicy;
}

/** The policy in force when a workspace has no `.comprehension/policy.yaml`. */
export function defaultPolicy(): Policy {
  return {
    level: 1,
    rules: {},
    criticalPaths: [],
    testPaths: [...DEFAULT_TEST_PATHS],
    testSeverities: { reliability: 'info', security: 'info' },
    ignore: [],
    respectGitignore: true,
    dependencies: { allow: [], deny: [], virtualModules: [...DEFAULT_VIRTUAL_MODULES], privateScopes: [], registryCheck: false, minPackageAgeDays: 30, minWeeklyDownloads: 100 },
    customRules: [],
    notes: {
      minBlockLines: 3,
      minWordsPerAnswer: 8,
      maxCodeSimilarity: 0.6,
      requireIdentifier: true,
      maxAnswerOverlap: 0.6,
      maxPromptOverlap: 0.7,
      minInformativeWords: 2,
      minSpecificAnswers: 2,
      maxUnknownReferences: 1,
      pastesNeedNotes: false,
      editorGraceHours: 24,
      signOffLevels: [0, 1],
    },
    practice: { weeklyGoalMinutes: 0, dailyMinimumMinutes: 15 },
    check: { failOn: 'error', failOnUncheckedFiles: true, skipGenerated: true },
  };
}

/** Workspace-relative location of the policy file. */
export { POLICY_PATH } from '../workspace/layout';
