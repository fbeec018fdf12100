import { type Document, isAlias, isMap, isPair, isScalar, isSeq, type Node, parseDocument, type YAMLMap, type YAMLSeq } from 'yaml';
import type { Severity } from '../check/findings';
import { checkCustomPatternLength, compileCustomPattern, CUSTOM_RULE_ID_PATTERN } from '../rules/custom/custom-rule';
import { LineIndex } from '../text/line-index';
import { globProblem } from './paths';
import { type CheckPolicy, type CustomRuleSpec, defaultPolicy, type FailOnSeverity, type NotesPolicy, type Policy, type PolicyLevel, type PracticePolicy, type RuleSetting, TEST_SEVERITY_CATEGORIES, type TestSeverityCategory } from './policy';
import { didYouMean } from './suggest';

/** A problem in the policy file, located at the exact key or value it is about. */
export interface PolicyProblem {
  message: string;
  /** `error` problems stop the file from taking effect; `warning` problems do not. */
  severity: 'error' | 'warning';
  /** UTF-16 offsets into the policy text. */
  start: number;
  end: number;
  /** 0-based position of `start`. */
  line: number;
  character: number;
}

/** What the loader needs to know beyond the text. */
export interface ParsePolicyOptions {
  /** Ids of the built-in rules; `rules:` may name these and the file's own custom rules. */
  knownRuleIds: readonly string[];
  /**
   * Compile custom rule patterns to report syntax errors at their position (default true). False
   * while the workspace is untrusted: nothing from an untrusted workspace is compiled, so only the
   * pattern's length is checked until trust is granted (the policy is then read again).
   */
  compilePatterns?: boolean;
}

/** The parsed policy (only when the file has no error-severity problem) and every problem found. */
export interface ParsePolicyResult {
  policy?: Policy;
  problems: PolicyProblem[];
}

/** Every top-level key of the policy file; `schemas/policy.schema.json` documents the same set. */
export const POLICY_TOP_LEVEL_KEYS = [
  'level',
  'rules',
  'criticalPaths',
  'testPaths',
  'testSeverities',
  'ignore',
  'respectGitignore',
  'dependencies',
  'customRules',
  'notes',
  'practice',
  'check',
] as const;

/** Severities a rule may be set to in the policy. */
export const POLICY_SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'off'];

const RULE_SETTING_KEYS = ['severity', 'options'] as const;
const DEPENDENCY_KEYS = ['allow', 'deny', 'virtualModules', 'privateScopes', 'registryCheck', 'minPackageAgeDays', 'minWeeklyDownloads'] as const;
const CUSTOM_RULE_KEYS = ['id', 'pattern', 'message', 'severity', 'paths'] as const;
const NOTES_KEYS = [
  'minBlockLines',
  'minWordsPerAnswer',
  'maxCodeSimilarity',
  'requireIdentifier',
  'maxAnswerOverlap',
  'maxPromptOverlap',
  'minInformativeWords',
  'minSpecificAnswers',
  'maxUnknownReferences',
  'pastesNeedNotes',
  'editorGraceHours',
  'signOffLevels',
] as const;
const CHECK_KEYS = ['failOn', 'failOnUncheckedFiles', 'skipGenerated'] as const;
/** Severities `check.failOn` accepts (`off` would mean "never fail": leave the check out of CI instead). */
export const FAIL_ON_SEVERITIES: readonly FailOnSeverity[] = ['error', 'warning', 'info'];
/** A year: a longer editor grace is a typo, not a policy. */
const MAX_EDITOR_GRACE_HOURS = 24 * 366;
const PRACTICE_KEYS = ['weeklyGoalMinutes', 'dailyMinimumMinutes'] as const;
/** Aliases nested deeper than any sane policy suggest an alias bomb; yaml stops expanding past this count. */
const MAX_ALIAS_COUNT = 100;
/**
 * Nesting a policy may have: `[`/`{` flow collections inside each other, and block indentation in
 * columns. A real policy nests four levels; these stop a hostile file before the YAML composer
 * (which recurses per level) can overflow the stack.
 */
export const MAX_POLICY_FLOW_DEPTH = 32;
export const MAX_POLICY_INDENT = 128;
const MINUTES_PER_DAY = 24 * 60;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;

/**
 * Parses `.comprehension/policy.yaml`. Every problem points at the key or value it concerns, so an
 * editor can underline it. The result is merged over {@link defaultPolicy}: an empty file is the
 * default policy. `policy` is undefined when any problem is an error, so a half-valid file never
 * takes effect; warnings (unknown keys, level 2 without a practice goal) leave it usable.
 */
export function parsePolicy(text: string, options: ParsePolicyOptions): ParsePolicyResult {
  const reader = new PolicyReader(text, options);
  const policy = reader.read();
  const problems = reader.problems.sort((a, b) => a.start - b.start || a.end - b.end);
  const hasError = problems.some((problem) => problem.severity === 'error');
  return hasError ? { problems } : { policy, problems };
}

/**
 * The policy in force for one workspace. A policy file with errors does not replace the last valid
 * policy: people edit the file live, and half-typed YAML must not switch rules off.
 */
export class PolicyState {
  private policy: Policy;
  private lastProblems: PolicyProblem[] = [];
  private stale = false;

  /** @param initial the policy in force before any file was read (the defaults unless told otherwise). */
  constructor(
    private options: ParsePolicyOptions,
    initial: Policy = defaultPolicy(),
  ) {
    this.policy = initial;
  }

  /** The parse options changed (trust granted or withdrawn): the next {@link update} reads with them. */
  setOptions(options: ParsePolicyOptions): void {
    this.options = options;
  }

  /** The policy to evaluate with. A new object after every successful update (caches may key on it). */
  get current(): Policy {
    return this.policy;
  }

  /** Problems of the last {@link update}. */
  get problems(): readonly PolicyProblem[] {
    return this.lastProblems;
  }

  /** True when the last update had errors, so {@link current} is an older policy than the file says. */
  get isStale(): boolean {
    return this.stale;
  }

  /**
   * Reads a new version of the policy file (`undefined` when the file does not exist: the defaults
   * apply). Returns its problems; the policy in force changes only when none is an error.
   */
  update(text: string | undefined): PolicyProblem[] {
    if (text === undefined) {
      this.policy = defaultPolicy();
      this.lastProblems = [];
      this.stale = false;
      return [];
    }
    const result = parsePolicy(text, this.options);
    this.lastProblems = result.problems;
    this.stale = result.policy === undefined;
    if (result.policy) this.policy = result.policy;
    return result.problems;
  }
}

/** Where a problem points: a node, a key, or raw offsets. */
type Span = readonly [number, number];

class PolicyReader {
  readonly problems: PolicyProblem[] = [];
  private readonly lines: LineIndex;
  private readonly document: Document.Parsed;
  private readonly builtinRuleIds: ReadonlySet<string>;

  constructor(
    private readonly text: string,
    options: ParsePolicyOptions,
  ) {
    this.lines = new LineIndex(text);
    this.nestingProblem = policyNestingProblem(text);
    // A file nested too deeply is not handed to the YAML parser at all (see read()).
    this.document = parseDocument(this.nestingProblem ? '' : text, { uniqueKeys: true, prettyErrors: false });
    this.builtinRuleIds = new Set(options.knownRuleIds);
    this.compilePatterns = options.compilePatterns !== false;
  }

  private readonly compilePatterns: boolean;

  private readonly nestingProblem: { message: string; offset: number } | undefined;

  read(): Policy {
    const policy = defaultPolicy();
    if (this.nestingProblem) {
      this.add('error', this.nestingProblem.message, [this.nestingProblem.offset, this.nestingProblem.offset + 1]);
      return policy;
    }
    for (const error of this.document.errors) {
      const message = error.code === 'MULTIPLE_DOCS' ? 'The policy file holds one YAML document: remove this second "---" and what follows it, or merge them.' : cleanYamlMessage(error.message);
      this.add('error', message, this.firstLineOf(error.pos));
    }
    for (const warning of this.document.warnings) this.add('warning', cleanYamlMessage(warning.message), this.firstLineOf(warning.pos));
    if (this.document.errors.length > 0) return policy;

    const root = this.resolve(this.document.contents);
    if (root === undefined || isNullScalar(root)) return policy;
    if (!isMap(root)) {
      this.add('error', `The policy must be a mapping of keys such as ${POLICY_TOP_LEVEL_KEYS.slice(0, 3).join(', ')}.`, spanOf(root));
      return policy;
    }

    const entries = this.entries(root);
    // Custom rules first: `rules:` may configure them wherever they appear in the file.
    const customNode = entries.find((entry) => entry.key === 'customRules');
    const declaredCustomIds = new Set<string>();
    if (customNode) policy.customRules = this.readCustomRules(customNode.value, customNode.keySpan, declaredCustomIds);
    // A custom rule with a broken pattern is still declared: one error at the pattern is enough.
    const knownIds = new Set([...this.builtinRuleIds, ...declaredCustomIds]);

    for (const { key, keySpan, value } of entries) {
      switch (key) {
        case 'level': {
          const level = this.readLevel(value, keySpan);
          if (level !== undefined) policy.level = level;
          break;
        }
        case 'rules':
          policy.rules = this.readRules(value, keySpan, knownIds);
          break;
        case 'criticalPaths':
          policy.criticalPaths = this.readGlobs(value, keySpan, 'criticalPaths') ?? policy.criticalPaths;
          break;
        case 'testPaths':
          policy.testPaths = this.readGlobs(value, keySpan, 'testPaths') ?? policy.testPaths;
          break;
        case 'testSeverities':
          policy.testSeverities = this.readTestSeverities(value, keySpan, policy.testSeverities);
          break;
        case 'ignore':
          policy.ignore = this.readGlobs(value, keySpan, 'ignore') ?? policy.ignore;
          break;
        case 'respectGitignore':
          policy.respectGitignore = this.readBoolean(value, keySpan, 'respectGitignore') ?? policy.respectGitignore;
          break;
        case 'dependencies':
          policy.dependencies = this.readDependencies(value, keySpan, policy.dependencies);
          break;
        case 'customRules':
          break;
        case 'notes':
          policy.notes = this.readNotes(value, keySpan, policy.notes);
          break;
        case 'practice':
          policy.practice = this.readPractice(value, keySpan, policy.practice);
          break;
        case 'check':
          policy.check = this.readCheck(value, keySpan, policy.check);
          break;
        default:
          this.add('warning', `Unknown policy key "${key}"; it is ignored.${didYouMean(key, POLICY_TOP_LEVEL_KEYS)}`, keySpan);
      }
    }

    if (policy.level === 2 && policy.practice.weeklyGoalMinutes === 0) {
      const levelEntry = entries.find((entry) => entry.key === 'level');
      this.add(
        'warning',
        'Level 2 (autonomy with audits) relies on regular no-AI practice: set practice.weeklyGoalMinutes above 0.',
        levelEntry ? this.valueSpan(levelEntry.value, levelEntry.keySpan) : [0, 0],
      );
    }
    return policy;
  }

  // --- sections -------------------------------------------------------------------------------

  private readLevel(node: Node | null, keySpan: Span): PolicyLevel | undefined {
    const value = this.scalarValue(node);
    if (value === 0 || value === 1 || value === 2) return value;
    this.add(
      'error',
      'level must be 0 (orientation), 1 (assisted implementation) or 2 (autonomy with audits).',
      this.valueSpan(node, keySpan),
    );
    return undefined;
  }

  private readRules(node: Node | null, keySpan: Span, knownIds: ReadonlySet<string>): Record<string, RuleSetting> {
    const rules: Record<string, RuleSetting> = {};
    const map = this.expectMap(node, keySpan, 'rules', 'a mapping from rule id to a severity or { severity, options }');
    if (!map) return rules;
    for (const { key, keySpan: idSpan, value } of this.entries(map)) {
      if (!knownIds.has(key)) {
        this.add('error', `Unknown rule "${key}".${didYouMean(key, knownIds)}`, idSpan);
        continue;
      }
      const setting = this.readRuleSetting(value, idSpan, key);
      if (setting) rules[key] = setting;
    }
    return rules;
  }

  private readRuleSetting(node: Node | null, idSpan: Span, id: string): RuleSetting | undefined {
    const resolved = this.resolve(node);
    if (resolved !== undefined && isMap(resolved)) {
      const setting: RuleSetting = {};
      for (const { key, keySpan, value } of this.entries(resolved)) {
        if (key === 'severity') {
          const severity = this.readSeverity(value, keySpan, `rules.${id}.severity`);
          if (severity) setting.severity = severity;
        } else if (key === 'options') {
          const options = this.readOptions(value, keySpan, id);
          if (options) setting.options = options;
        } else {
          this.add('warning', `Unknown key "${key}" in rules.${id}; it is ignored.${didYouMean(key, RULE_SETTING_KEYS)}`, keySpan);
        }
      }
      return setting;
    }
    const severity = this.readSeverity(node, idSpan, `rules.${id}`);
    return severity ? { severity } : undefined;
  }

  private readOptions(node: Node | null, keySpan: Span, id: string): Record<string, unknown> | undefined {
    const map = this.expectMap(node, keySpan, `rules.${id}.options`, 'a mapping of option names to values');
    if (!map) return undefined;
    // The option's former home: still read (for the rule it is set on), with a pointer to the policy key.
    const legacy = id.startsWith('dependencies/') ? this.entries(map).find((entry) => entry.key === 'virtualModules') : undefined;
    if (legacy) {
      this.add('warning', `rules.${id}.options.virtualModules is now the policy key dependencies.virtualModules (for every dependency rule); the option still applies to ${id} and replaces that key for it.`, legacy.keySpan);
    }
    try {
      const value = map.toJS(this.document, { maxAliasCount: MAX_ALIAS_COUNT }) as unknown;
      return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
    } catch (error) {
      this.add('error', `rules.${id}.options: ${cleanYamlMessage((error as Error).message)}`, spanOf(map));
      return undefined;
    }
  }

  private readSeverity(node: Node | null, keySpan: Span, where: string): Severity | undefined {
    const value = this.scalarValue(node);
    if (typeof value === 'string' && (POLICY_SEVERITIES as readonly string[]).includes(value)) return value as Severity;
    const hint = typeof value === 'string' ? didYouMean(value, POLICY_SEVERITIES) : '';
    this.add('error', `${where} must be one of ${POLICY_SEVERITIES.join(', ')}.${hint}`, this.valueSpan(node, keySpan));
    return undefined;
  }

  private readGlobs(node: Node | null, keySpan: Span, where: string): string[] | undefined {
    const seq = this.expectSeq(node, keySpan, where, 'a list of globs, e.g. [dist/**, "**/*.min.js"]');
    if (!seq) return isNullScalar(this.resolve(node)) ? [] : undefined;
    const globs: string[] = [];
    seq.items.forEach((item, index) => {
      const value = this.scalarValue(item as Node);
      const span = this.valueSpan(item as Node, spanOf(seq));
      if (typeof value !== 'string') {
        this.add('error', `${where}[${index}] must be a glob string.`, span);
        return;
      }
      const problem = globProblem(value);
      if (problem) this.add('error', `${where}[${index}]: ${problem}`, span);
      else globs.push(value);
    });
    return globs;
  }

  private readStrings(node: Node | null, keySpan: Span, where: string): string[] | undefined {
    const seq = this.expectSeq(node, keySpan, where, 'a list of strings');
    if (!seq) return isNullScalar(this.resolve(node)) ? [] : undefined;
    const strings: string[] = [];
    seq.items.forEach((item, index) => {
      const value = this.scalarValue(item as Node);
      if (typeof value === 'string' && value.length > 0) strings.push(value);
      else this.add('error', `${where}[${index}] must be a non-empty string.`, this.valueSpan(item as Node, spanOf(seq)));
    });
    return strings;
  }

  /** A list of policy levels (each 0, 1 or 2, once); null or `[]` is none. */
  private readLevels(node: Node | null, keySpan: Span, where: string): PolicyLevel[] | undefined {
    const seq = this.expectSeq(node, keySpan, where, 'a list of policy levels, e.g. [0, 1]');
    if (!seq) return isNullScalar(this.resolve(node)) ? [] : undefined;
    const levels: PolicyLevel[] = [];
    let valid = true;
    seq.items.forEach((item, index) => {
      const value = this.scalarValue(item as Node);
      if (value === 0 || value === 1 || value === 2) {
        if (!levels.includes(value)) levels.push(value);
      } else {
        valid = false;
        this.add('error', `${where}[${index}] must be 0, 1 or 2.`, this.valueSpan(item as Node, spanOf(seq)));
      }
    });
    return valid ? levels : undefined;
  }

  private readBoolean(node: Node | null, keySpan: Span, where: string): boolean | undefined {
    const value = this.scalarValue(node);
    if (typeof value === 'boolean') return value;
    this.add('error', `${where} must be true or false.`, this.valueSpan(node, keySpan));
    return undefined;
  }

  private readNumber(
    node: Node | null,
    keySpan: Span,
    where: string,
    limits: { min: number; max: number; integer: boolean },
  ): number | undefined {
    const value = this.scalarValue(node);
    const kind = limits.integer ? 'a whole number' : 'a number';
    if (typeof value === 'number' && Number.isFinite(value) && (!limits.integer || Number.isInteger(value)) && value >= limits.min && value <= limits.max) {
      return value;
    }
    this.add('error', `${where} must be ${kind} from ${limits.min} to ${limits.max}.`, this.valueSpan(node, keySpan));
    return undefined;
  }

  private readDependencies(node: Node | null, keySpan: Span, defaults: Policy['dependencies']): Policy['dependencies'] {
    const result: Policy['dependencies'] = { ...defaults, allow: [...defaults.allow], deny: [...defaults.deny], virtualModules: [...defaults.virtualModules], privateScopes: [...defaults.privateScopes] };
    const map = this.expectMap(node, keySpan, 'dependencies', 'a mapping with allow and deny lists');
    if (!map) return result;
    for (const { key, keySpan: fieldSpan, value } of this.entries(map)) {
      const where = `dependencies.${key}`;
      switch (key) {
        case 'allow':
        case 'deny':
        case 'virtualModules':
        case 'privateScopes':
          result[key] = this.readStrings(value, fieldSpan, where) ?? result[key];
          break;
        case 'registryCheck':
          result.registryCheck = this.readBoolean(value, fieldSpan, where) ?? result.registryCheck;
          break;
        case 'minPackageAgeDays':
        case 'minWeeklyDownloads':
          result[key] = this.readNumber(value, fieldSpan, where, { min: 0, max: 1_000_000_000, integer: true }) ?? result[key];
          break;
        default:
          this.add('warning', `Unknown key "${key}" in dependencies; it is ignored.${didYouMean(key, DEPENDENCY_KEYS)}`, fieldSpan);
      }
    }
    return result;
  }

  private readNotes(node: Node | null, keySpan: Span, defaults: NotesPolicy): NotesPolicy {
    const notes = { ...defaults };
    const map = this.expectMap(node, keySpan, 'notes', 'a mapping of note thresholds');
    if (!map) return notes;
    for (const { key, keySpan: fieldSpan, value } of this.entries(map)) {
      const where = `notes.${key}`;
      switch (key) {
        case 'minBlockLines':
        case 'minWordsPerAnswer':
        case 'minInformativeWords':
        case 'minSpecificAnswers':
        case 'maxUnknownReferences':
          notes[key] = this.readNumber(value, fieldSpan, where, { min: 0, max: 100_000, integer: true }) ?? notes[key];
          break;
        case 'maxCodeSimilarity':
        case 'maxAnswerOverlap':
        case 'maxPromptOverlap':
          notes[key] = this.readNumber(value, fieldSpan, where, { min: 0, max: 1, integer: false }) ?? notes[key];
          break;
        case 'requireIdentifier':
        case 'pastesNeedNotes':
          notes[key] = this.readBoolean(value, fieldSpan, where) ?? notes[key];
          break;
        case 'editorGraceHours':
          notes[key] = this.readNumber(value, fieldSpan, where, { min: 0, max: MAX_EDITOR_GRACE_HOURS, integer: false }) ?? notes[key];
          break;
        case 'signOffLevels':
          notes[key] = this.readLevels(value, fieldSpan, where) ?? notes[key];
          break;
        default:
          this.add('warning', `Unknown key "${key}" in notes; it is ignored.${didYouMean(key, NOTES_KEYS)}`, fieldSpan);
      }
    }
    return notes;
  }

  private readPractice(node: Node | null, keySpan: Span, defaults: PracticePolicy): PracticePolicy {
    const practice = { ...defaults };
    const map = this.expectMap(node, keySpan, 'practice', 'a mapping of practice goals');
    if (!map) return practice;
    for (const { key, keySpan: fieldSpan, value } of this.entries(map)) {
      const where = `practice.${key}`;
      switch (key) {
        case 'weeklyGoalMinutes':
          practice[key] = this.readNumber(value, fieldSpan, where, { min: 0, max: MINUTES_PER_WEEK, integer: true }) ?? practice[key];
          break;
        case 'dailyMinimumMinutes':
          practice[key] = this.readNumber(value, fieldSpan, where, { min: 0, max: MINUTES_PER_DAY, integer: true }) ?? practice[key];
          break;
        default:
          this.add('warning', `Unknown key "${key}" in practice; it is ignored.${didYouMean(key, PRACTICE_KEYS)}`, fieldSpan);
      }
    }
    return practice;
  }

  private readCheck(node: Node | null, keySpan: Span, defaults: CheckPolicy): CheckPolicy {
    const check = { ...defaults };
    const map = this.expectMap(node, keySpan, 'check', 'a mapping of CI gate settings, e.g. { failOn: error }');
    if (!map) return check;
    for (const { key, keySpan: fieldSpan, value } of this.entries(map)) {
      if (key === 'failOn') {
        const severity = this.scalarValue(value);
        if (typeof severity === 'string' && (FAIL_ON_SEVERITIES as readonly string[]).includes(severity)) {
          check.failOn = severity as FailOnSeverity;
        } else {
          const hint = typeof severity === 'string' ? didYouMean(severity, FAIL_ON_SEVERITIES) : '';
          this.add('error', `check.failOn must be one of ${FAIL_ON_SEVERITIES.join(', ')}.${hint}`, this.valueSpan(value, fieldSpan));
        }
      } else if (key === 'failOnUncheckedFiles') {
        check.failOnUncheckedFiles = this.readBoolean(value, fieldSpan, 'check.failOnUncheckedFiles') ?? check.failOnUncheckedFiles;
      } else if (key === 'skipGenerated') {
        check.skipGenerated = this.readBoolean(value, fieldSpan, 'check.skipGenerated') ?? check.skipGenerated;
      } else {
        this.add('warning', `Unknown key "${key}" in check; it is ignored.${didYouMean(key, CHECK_KEYS)}`, fieldSpan);
      }
    }
    return check;
  }

  /** Reads `testSeverities`: the categories given replace the defaults', the others keep them. */
  private readTestSeverities(node: Node | null, keySpan: Span, defaults: Policy['testSeverities']): Policy['testSeverities'] {
    const severities = { ...defaults };
    const map = this.expectMap(node, keySpan, 'testSeverities', 'a mapping from rule category to a severity, e.g. { reliability: info }');
    if (!map) return severities;
    for (const { key, keySpan: fieldSpan, value } of this.entries(map)) {
      if (!(TEST_SEVERITY_CATEGORIES as readonly string[]).includes(key)) {
        this.add('warning', `Unknown rule category "${key}" in testSeverities; it is ignored.${didYouMean(key, TEST_SEVERITY_CATEGORIES)}`, fieldSpan);
        continue;
      }
      const severity = this.readSeverity(value, fieldSpan, `testSeverities.${key}`);
      if (severity) severities[key as TestSeverityCategory] = severity;
    }
    return severities;
  }

  /** Reads `customRules`; adds every well-formed id, valid entry or not, to `declaredIds`. */
  private readCustomRules(node: Node | null, keySpan: Span, declaredIds: Set<string>): CustomRuleSpec[] {
    const specs: CustomRuleSpec[] = [];
    const seq = this.expectSeq(node, keySpan, 'customRules', 'a list of { id, pattern, message, severity, paths }');
    if (!seq) return specs;
    const seen = new Set<string>();
    seq.items.forEach((item, index) => {
      const where = `customRules[${index}]`;
      const entry = this.resolve(item as Node);
      if (entry === undefined || !isMap(entry)) {
        this.add('error', `${where} must be a mapping with id, pattern and message.`, this.valueSpan(item as Node, spanOf(seq)));
        return;
      }
      const fields = new Map(this.entries(entry).map((field) => [field.key, field]));
      for (const field of fields.values()) {
        if (!(CUSTOM_RULE_KEYS as readonly string[]).includes(field.key)) {
          this.add('warning', `Unknown key "${field.key}" in ${where}; it is ignored.${didYouMean(field.key, CUSTOM_RULE_KEYS)}`, field.keySpan);
        }
      }
      let valid = true;
      const requireString = (name: 'id' | 'pattern' | 'message'): string | undefined => {
        const field = fields.get(name);
        if (!field) {
          this.add('error', `${where} needs "${name}".`, this.firstLineOf(spanOf(entry)));
          valid = false;
          return undefined;
        }
        const value = this.scalarValue(field.value);
        if (typeof value !== 'string' || value.length === 0) {
          this.add('error', `${where}.${name} must be a non-empty string.`, this.valueSpan(field.value, field.keySpan));
          valid = false;
          return undefined;
        }
        return value;
      };

      const id = requireString('id');
      if (id !== undefined) {
        const idSpan = this.valueSpan(fields.get('id')!.value, fields.get('id')!.keySpan);
        if (!CUSTOM_RULE_ID_PATTERN.test(id)) {
          this.add('error', `Custom rule id "${id}" must look like custom/<name> (lowercase letters, digits, ".", "_" or "-").`, idSpan);
          valid = false;
        } else if (this.builtinRuleIds.has(id)) {
          this.add('error', `Custom rule id "${id}" is already the id of a built-in rule.`, idSpan);
          valid = false;
        } else if (seen.has(id)) {
          this.add('error', `Custom rule id "${id}" is used twice; ids must be unique.`, idSpan);
          valid = false;
        }
        seen.add(id);
        if (CUSTOM_RULE_ID_PATTERN.test(id)) declaredIds.add(id);
      }

      const pattern = requireString('pattern');
      if (pattern !== undefined) {
        const compiled = this.compilePatterns ? compileCustomPattern(pattern) : checkCustomPatternLength(pattern);
        if (!compiled.ok) {
          const field = fields.get('pattern')!;
          this.add('error', `Invalid pattern (RE2 syntax): ${compiled.message}`, this.valueSpan(field.value, field.keySpan));
          valid = false;
        }
      }
      const message = requireString('message');

      let severity: Severity = 'warning';
      const severityField = fields.get('severity');
      if (severityField) {
        const read = this.readSeverity(severityField.value, severityField.keySpan, `${where}.severity`);
        if (read) severity = read;
        else valid = false;
      }

      let paths: string[] = [];
      const pathsField = fields.get('paths');
      if (pathsField) {
        const read = this.readGlobs(pathsField.value, pathsField.keySpan, `${where}.paths`);
        if (read) paths = read;
        else valid = false;
      }

      if (valid && id !== undefined && pattern !== undefined && message !== undefined) {
        specs.push({ id, pattern, message, severity, paths });
      }
    });
    return specs;
  }

  // --- node helpers ---------------------------------------------------------------------------

  /** The key/value pairs of a map, with keys as strings; non-scalar keys are reported and skipped. */
  private entries(map: YAMLMap): { key: string; keySpan: Span; value: Node | null }[] {
    const result: { key: string; keySpan: Span; value: Node | null }[] = [];
    for (const pair of map.items) {
      if (!isPair(pair)) continue;
      const keyNode = this.resolve(pair.key as Node | null);
      const keySpan = pair.key && typeof pair.key === 'object' && 'range' in pair.key ? spanOf(pair.key as Node) : spanOf(map);
      if (keyNode === undefined || !isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') {
        this.add('error', 'Keys in the policy must be plain names.', keySpan);
        continue;
      }
      result.push({ key: String(keyNode.value), keySpan, value: (pair.value as Node | null) ?? null });
    }
    return result;
  }

  /** Follows an alias to its anchor; reports aliases that name no anchor. */
  private resolve(node: Node | null | undefined): Node | undefined {
    if (node === null || node === undefined) return undefined;
    if (!isAlias(node)) return node;
    const target = node.resolve(this.document);
    if (target === undefined) {
      this.add('error', `Unknown alias *${node.source}.`, spanOf(node));
      return undefined;
    }
    return target as Node;
  }

  /** The JS value of a scalar (following aliases), or undefined for collections and missing values. */
  private scalarValue(node: Node | null): unknown {
    const resolved = this.resolve(node);
    return resolved !== undefined && isScalar(resolved) ? resolved.value : undefined;
  }

  private expectMap(node: Node | null, keySpan: Span, where: string, shape: string): YAMLMap | undefined {
    const resolved = this.resolve(node);
    if (resolved === undefined || isNullScalar(resolved)) return undefined;
    if (isMap(resolved)) return resolved;
    this.add('error', `${where} must be ${shape}.`, this.valueSpan(node, keySpan));
    return undefined;
  }

  private expectSeq(node: Node | null, keySpan: Span, where: string, shape: string): YAMLSeq | undefined {
    const resolved = this.resolve(node);
    if (resolved === undefined || isNullScalar(resolved)) return undefined;
    if (isSeq(resolved)) return resolved;
    this.add('error', `${where} must be ${shape}.`, this.valueSpan(node, keySpan));
    return undefined;
  }

  /** The value's span, or the key's when the value is missing or empty (`level:`), so the underline is visible. */
  private valueSpan(node: Node | null | undefined, fallback: Span): Span {
    if (!node || !node.range) return fallback;
    const span = spanOf(node);
    return span[1] > span[0] ? span : fallback;
  }

  /** A multi-line span cut at the end of its first line: underlining a whole block says less. */
  private firstLineOf(span: Span): Span {
    const lineEnd = this.lines.lineEnd(this.lines.positionAt(span[0]).line);
    return [span[0], Math.min(span[1], Math.max(lineEnd, span[0]))];
  }

  private add(severity: PolicyProblem['severity'], message: string, span: Span): void {
    let [start, end] = span;
    start = Math.max(0, Math.min(start, this.text.length));
    end = Math.max(start, Math.min(end, this.text.length));
    // yaml reports some errors as a point; widen it to one visible character when there is one.
    if (end === start && start < this.text.length && !/[\r\n]/.test(this.text[start])) end = start + 1;
    const position = this.lines.positionAt(start);
    this.problems.push({ message, severity, start, end, line: position.line, character: position.character });
  }
}

function spanOf(node: Node): Span {
  const range = node.range;
  return range ? [range[0], range[1]] : [0, 0];
}

function isNullScalar(node: Node | undefined): boolean {
  return node !== undefined && isScalar(node) && node.value === null;
}

/** yaml appends "at line L, column C:" and a source excerpt; the problem's position already says that. */
function cleanYamlMessage(message: string): string {
  const firstLine = message.split('\n')[0];
  return firstLine.replace(/ at line \d+, column \d+:?\s*$/, '').replace(/:\s*$/, '');
}

/**
 * Where the policy text nests deeper than {@link MAX_POLICY_FLOW_DEPTH} flow collections or indents
 * more than {@link MAX_POLICY_INDENT} columns, or undefined. One pass over the text, no recursion;
 * quoted scalars (within their line) and `#` comments are skipped.
 */
export function policyNestingProblem(text: string): { message: string; offset: number } | undefined {
  let depth = 0;
  let lineStart = true;
  let indent = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === '\n') {
      lineStart = true;
      indent = 0;
      continue;
    }
    if (lineStart) {
      if (char === ' ') {
        if (++indent > MAX_POLICY_INDENT) return { message: `The policy is indented more than ${MAX_POLICY_INDENT} columns deep; a policy nests a few levels.`, offset: index };
        continue;
      }
      lineStart = false;
    }
    if (char === '#' && (index === 0 || /\s/.test(text[index - 1]))) {
      const end = text.indexOf('\n', index);
      if (end < 0) break;
      index = end - 1;
    } else if ((char === '"' || char === "'") && (index === 0 || /[\s:[{,-]/.test(text[index - 1]))) {
      // A quoted scalar, skipped to its end on this line: stopping at the line's end can only count
      // too many brackets, never hide any (an apostrophe inside a plain scalar starts no quote).
      let end = index + 1;
      while (end < text.length && text[end] !== char && text[end] !== '\n') end += char === '"' && text[end] === '\\' ? 2 : 1;
      index = text[end] === '\n' ? end - 1 : end;
    } else if (char === '[' || char === '{') {
      if (++depth > MAX_POLICY_FLOW_DEPTH) return { message: `The policy nests more than ${MAX_POLICY_FLOW_DEPTH} brackets deep; a policy nests a few levels.`, offset: index };
    } else if ((char === ']' || char === '}') && depth > 0) {
      depth--;
    }
  }
  return undefined;
}
