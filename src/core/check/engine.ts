import { ts } from 'ts-morph';
import { type Finding, findingFingerprint, raiseSeverity, type RuleFinding, type Severity, severityAtLeast } from './findings';
import { type ParseCache, parseForRules } from './parse-cache';
import type { Policy, TestSeverityCategory } from '../policy/policy';
import type { PackageManifestInfo, Rule, RuleContext } from '../rules/rule';
import { parseSuppressions } from './suppressions';
import { markedNosec, NOSEC_REASON } from './nosec';
import { generatedReason, runsOnGeneratedFiles } from './generated';
import { LineIndex } from '../text/line-index';
import { addToDispatch, type DispatchTable, type SyntaxContext, type SyntaxVisitor, walkTree } from '../rules/shared-syntax/visitor';
import { FileBindings } from '../rules/shared-syntax/bindings';
import { collectModuleReferencesDuringWalk } from '../rules/dependencies/imports';
import { LANGUAGE_NAMES, languageOf, type LanguageId } from '../languages/language';
import { disposeDocument, type LanguageDocument, parseLanguageDocument, type ParseOptions } from '../languages/document';
import type { TerraformBlockFilter } from '../languages/terraform-blocks';

/** A range of AI-authored lines, 1-based and inclusive (as provenance blocks report them). */
export interface LineRange {
  startLine: number;
  endLine: number;
}

/**
 * Extensions whose files syntax rules parse, with the script kind's name: a name, not the enum's
 * value, so that deciding whether a file needs parsing does not load TypeScript (it loads on first
 * use, see scripts/build.mjs).
 */
const SYNTAX_EXTENSIONS: ReadonlyMap<string, 'TS' | 'TSX' | 'JS' | 'JSX'> = new Map([
  ['.ts', 'TS'],
  ['.mts', 'TS'],
  ['.cts', 'TS'],
  ['.tsx', 'TSX'],
  ['.js', 'JS'],
  ['.mjs', 'JS'],
  ['.cjs', 'JS'],
  ['.jsx', 'JSX'],
] as const);

/**
 * The name of the script kind to parse `path` with, or undefined when syntax rules do not apply to
 * it. Declaration files (`.d.ts`) hold no runtime code (no calls, loops or handlers), so they get
 * text rules only.
 */
function scriptKindName(path: string): 'TS' | 'TSX' | 'JS' | 'JSX' | undefined {
  if (/\.d\.[mc]?ts$/i.test(path)) return undefined;
  const dot = path.lastIndexOf('.');
  return dot < 0 ? undefined : SYNTAX_EXTENSIONS.get(path.slice(dot).toLowerCase());
}

/** The script kind to parse `path` with, or undefined when syntax rules do not apply to it (see {@link scriptKindName}). */
export function scriptKindFor(path: string): ts.ScriptKind | undefined {
  const name = scriptKindName(path);
  return name === undefined ? undefined : ts.ScriptKind[name];
}

export interface EvaluateOptions {
  policy: Policy;
  rules: readonly Rule[];
  /** AI-authored line ranges: findings inside them are raised one severity step. */
  aiRanges?: readonly LineRange[];
  /**
   * The AI-authored lines no person has vouched for yet (blocks without a comprehension note that
   * explains them; default: every AI range). A suppression or Bandit `# nosec` written there is the
   * assistant's own, and counts for nothing.
   */
  unreviewedAiRanges?: readonly (LineRange & { blockId?: string })[];
  /** Whether the file is in one of the policy's critical paths (computed by the caller, who knows the globs). */
  inCriticalPath?: boolean;
  /**
   * Whether the file is test code (the policy's `testPaths`, matched by the caller): findings are
   * capped at the policy's `testSeverities` for their rule's category.
   */
  inTestPath?: boolean;
  /** Files longer than this (in UTF-16 units) get text rules only. */
  maxParseLength?: number;
  /**
   * The workspace file this one was compiled from (see `compiledSourceOf`), asked only when nothing
   * in the text already shows it generated: the file is then generated, as a bundle is.
   */
  compiledFrom?: () => string | undefined;
  /** Reads another workspace file for a rule (see `RuleContext.readWorkspaceFile`). */
  readWorkspaceFile?: (relativePath: string) => string | undefined;
  /** Lists a workspace folder's files for a rule (see `RuleContext.listWorkspaceFolder`). */
  listWorkspaceFolder?: (relativeFolder: string) => readonly string[] | undefined;
  /**
   * The nearest package.json, or how to find it: looked up on the first rule that reads it (only the
   * dependency rules do), so a file they skip pays nothing.
   */
  manifest?: PackageManifestInfo | (() => PackageManifestInfo | undefined);
  /** The document's parse cache: the tree is updated incrementally instead of parsed again. */
  parseCache?: ParseCache;
  /** Polled between rules: when it returns true, evaluation stops and returns what it has. */
  isCancelled?: () => boolean;
  /**
   * Every rule id a `comprehension-ignore` comment may name (built-in and custom). When given,
   * suppressions are applied and their problems (no reason, unknown id, unused) reported.
   */
  knownRuleIds?: readonly string[];
  /**
   * Findings computed outside the rules (comprehension notes) with their final severity; they go
   * through suppressions like rule findings but are not raised again.
   */
  extraFindings?: readonly { ruleId: string; severity: Severity; finding: RuleFinding; severityReasons: string[] }[];
}

/**
 * The finding of a file the engine could not check, or could not check with every rule: it cannot be
 * parsed, it is nested too deeply, or a rule threw, overflowed the stack or ran out of its budget.
 * Always an error, never suppressible by a comment in the file itself nor baselined: a file nobody
 * could judge must not pass a gate by saying so about itself.
 */
export const FILE_NOT_CHECKED_RULE_ID = 'comprehension/file-not-checked';

/**
 * Bracket nesting (`(`, `[`, `{` outside strings and comments) above which syntax rules are not run:
 * the TypeScript parser recurses about twenty frames per level and overflows near 800 levels on a
 * default stack. Real code stays below 40; generated data below 100.
 */
export const MAX_BRACKET_DEPTH = 250;
/** Syntax-tree depth above which syntax rules are not run (their walks recurse per node). */
export const MAX_SYNTAX_DEPTH = 1500;

export interface EvaluateResult {
  findings: Finding[];
  /** How many findings a `comprehension-ignore` comment silenced. */
  suppressedCount: number;
  /** True when syntax rules were skipped because the file was over `maxParseLength`. */
  syntaxSkippedForSize: boolean;
  /**
   * Why the file reads as generated, minified or bundled (`generated.ts`), when it does and the
   * policy's `check.skipGenerated` is on: only the secrets rules ran on it.
   */
  generated?: string;
  cancelled: boolean;
}

/**
 * What a rule sees of one file. A class, not an object literal with a `manifest` getter: built per
 * file and rule, such a literal kept each file's text (and all the evaluation held) alive through
 * young-generation collections until the next full one, so that they copied and promoted some 60 MB
 * of dead texts on the speed tree (V8's `--trace-gc`: the heap grew by the texts read until a full
 * collection, and the young collections took 0.6 s of a 5 s check). The getter on the prototype
 * costs nothing per file.
 */
class FileRuleContext implements RuleContext {
  constructor(
    readonly path: string,
    readonly text: string,
    readonly lines: LineIndex,
    readonly sourceFile: ts.SourceFile | undefined,
    readonly options: Readonly<Record<string, unknown>>,
    private readonly findManifest: () => PackageManifestInfo | undefined,
    readonly dependencies: RuleContext['dependencies'],
    readonly inTestPath: boolean | undefined,
    readonly readWorkspaceFile: RuleContext['readWorkspaceFile'],
    readonly listWorkspaceFolder: RuleContext['listWorkspaceFolder'],
    /** The file parsed as its language, for a language rule's check. */
    readonly document?: LanguageDocument,
  ) {}

  /** The nearest package.json, looked up on first read (only the dependency rules read it). */
  get manifest(): PackageManifestInfo | undefined {
    return this.findManifest();
  }
}

/**
 * A rule's options merged once per configuration, not per file and rule: keyed by the policy's
 * options object for the rule (a changed policy brings new objects), or by the rule when the policy
 * sets none.
 */
const mergedRuleOptions = new WeakMap<object, Map<Rule, Readonly<Record<string, unknown>>>>();

/** A rule's options under `policy`: its defaults, overridden by the policy's. Shared between files: read-only. */
function ruleOptions(policy: Policy, rule: Rule): Readonly<Record<string, unknown>> {
  const configured = policy.rules[rule.id]?.options;
  const key: object = configured ?? rule;
  let byRule = mergedRuleOptions.get(key);
  if (byRule === undefined) mergedRuleOptions.set(key, (byRule = new Map()));
  let options = byRule.get(rule);
  if (options === undefined) byRule.set(rule, (options = Object.freeze({ ...(rule.defaultOptions ?? {}), ...(configured ?? {}) })));
  return options;
}

/** What the policy makes of each rule, the same for every file it checks. */
interface RulePlan {
  /** Each rule's configured severity, by its index in the rules. */
  configured: readonly Severity[];
  /** Each rule's `runsOnGeneratedFiles`, by its index in the rules. */
  onGenerated: readonly boolean[];
  /** Some rule that is not off skips generated files: only then is a file asked whether it is one. */
  asksGenerated: boolean;
}

/**
 * Rule plans per policy and rule list: looking a rule's severity up in the policy per file and rule
 * cost a dictionary read each time, some 20 ms of the full check of bench/check-speed.bench.ts.
 * A loaded policy is never changed in place (a changed file loads a new one), so a plan stays true.
 */
const rulePlans = new WeakMap<Policy, WeakMap<readonly Rule[], RulePlan>>();

function rulePlan(policy: Policy, rules: readonly Rule[]): RulePlan {
  let byRules = rulePlans.get(policy);
  if (byRules === undefined) rulePlans.set(policy, (byRules = new WeakMap()));
  let plan = byRules.get(rules);
  if (plan === undefined) {
    const configured = rules.map((rule): Severity => policy.rules[rule.id]?.severity ?? rule.defaultSeverity);
    const onGenerated = rules.map((rule) => runsOnGeneratedFiles(rule.id));
    plan = { configured, onGenerated, asksGenerated: rules.some((_, index) => !onGenerated[index] && configured[index] !== 'off') };
    byRules.set(rules, plan);
  }
  return plan;
}

/** How a compiled file is named among the skipped files. */
function compiledReason(source: string | undefined): string | undefined {
  return source === undefined ? undefined : `compiled from ${source}, which is checked`;
}

/**
 * Runs the policy's rules over one file and returns findings with their final severity.
 * The one entry point shared by the language server and the CLI, so both report the same.
 */
export function evaluate(path: string, text: string, options: EvaluateOptions): EvaluateResult {
  const lines = new LineIndex(text);
  const { policy } = options;
  const scriptKind = scriptKindName(path);
  const language: LanguageId | undefined = scriptKind === undefined ? languageOf(path, text) : undefined;
  const tooLarge = options.maxParseLength !== undefined && text.length > options.maxParseLength;
  // A file with AI-written blocks was written in an editor or by an agent, not by a build: a
  // `sourceMappingURL` comment or a long line there must not switch its rules off.
  // Nor is it asked when every rule that runs reads generated files anyway (a secrets-only check).
  const plan = rulePlan(policy, options.rules);
  const generated = policy.check.skipGenerated && !options.aiRanges?.length && plan.asksGenerated ? (generatedReason(path, text) ?? compiledReason(options.compiledFrom?.())) : undefined;
  let sourceFile: ts.SourceFile | undefined;
  const parse = (): ts.SourceFile | undefined => {
    if (sourceFile === undefined && scriptKind !== undefined && !tooLarge) {
      sourceFile = options.parseCache
        ? options.parseCache.parse(path, text, ts.ScriptKind[scriptKind])
        : parseForRules(path, text, ts.ScriptKind[scriptKind]);
    }
    return sourceFile;
  };

  let findings: Finding[] = [];
  const notChecked = (why: string): void => {
    findings.push(finish(FILE_NOT_CHECKED_RULE_ID, { start: 0, end: 0, message: `${path} was not fully checked: ${why}.`, severity: 'error' }, 'error', lines, { ...options, inCriticalPath: false, aiRanges: undefined }));
  };
  let manifest = typeof options.manifest === 'function' ? undefined : options.manifest;
  let manifestFound = typeof options.manifest !== 'function';
  const findManifest = (): PackageManifestInfo | undefined => {
    if (!manifestFound && typeof options.manifest === 'function') manifest = options.manifest();
    manifestFound = true;
    return manifest;
  };
  const contextFor = (rule: Rule, document?: LanguageDocument): FileRuleContext =>
    new FileRuleContext(
      path,
      text,
      lines,
      rule.kind === 'syntax' ? parse() : undefined,
      ruleOptions(policy, rule),
      findManifest,
      policy.dependencies,
      options.inTestPath,
      options.readWorkspaceFile,
      options.listWorkspaceFolder,
      document,
    );
  /** The rule's severity when it runs on this file at all (its findings may still be none), else undefined. */
  const runsHere = (rule: Rule, index: number): Severity | undefined => {
    const configured = plan.configured[index];
    if (configured === 'off') return undefined;
    if (generated !== undefined && !plan.onGenerated[index]) return undefined;
    if (language !== undefined && rule.languages?.[language] !== undefined) return tooLarge ? undefined : configured;
    if (rule.kind === 'language') return undefined;
    if (rule.kind === 'syntax' && (scriptKind === undefined || tooLarge)) return undefined;
    return configured;
  };
  // Rules share trigger words (\`catch\`, \`fetch\`…): each is searched for once per file, not once per rule.
  const wordFound = new Map<string, boolean>();
  const hasWord = (word: string): boolean => {
    let found = wordFound.get(word);
    if (found === undefined) wordFound.set(word, (found = text.includes(word)));
    return found;
  };
  const triggered = (rule: Rule): boolean => {
    const triggers = language !== undefined && rule.languages?.[language] !== undefined ? rule.languages[language].textTriggers : rule.textTriggers;
    return !triggers || triggers.some(hasWord);
  };

  /**
   * What to parse of a one-shot document: a Terraform file's blocks that the rules running on it
   * read, when each of them says which (an editor's document is parsed whole, and re-parsed per edit).
   */
  const parseOptions = (): ParseOptions => {
    if (language !== 'terraform') return {};
    const filters: TerraformBlockFilter[] = [];
    for (let index = 0; index < options.rules.length; index++) {
      const rule = options.rules[index];
      const check = rule.languages?.terraform;
      if (check === undefined || runsHere(rule, index) === undefined || !triggered(rule)) continue;
      if (check.terraformBlocks === undefined) return {};
      filters.push(check.terraformBlocks);
    }
    return { terraformBlocks: (block, blockText) => filters.some((filter) => filter(block, blockText)) };
  };
  /** The file parsed as its language, once for every language rule (and why it could not be, if so). */
  let languageDocument: LanguageDocument | undefined;
  let languageRefusal: string | undefined;
  const parseLanguage = (): LanguageDocument | undefined => {
    if (languageDocument !== undefined || languageRefusal !== undefined || language === undefined) return languageDocument;
    try {
      languageDocument = options.parseCache ? options.parseCache.document(language, path, text) : parseLanguageDocument(language, text, parseOptions());
    } catch (error) {
      languageRefusal = `it could not be parsed as ${LANGUAGE_NAMES[language]} (${describeFailure(error)}); its ${LANGUAGE_NAMES[language]} rules were not run`;
    }
    return languageDocument;
  };

  /** Why the syntax rules cannot run here (decided once, before the first of them). */
  let syntaxRefusal: string | undefined;
  /** What the shared walk gave each rule that has a visitor: its findings or why it failed. */
  let walked: Map<Rule, { findings: RuleFinding[] } | { failure: unknown }> | undefined;
  /**
   * Parses the file and walks its tree once, driving every syntax rule that has a visitor and
   * measuring the tree's depth on the way; rules without one run afterwards, only when the depth
   * allows their recursive walks.
   */
  const walkSyntax = (): string | undefined => {
    if (walked !== undefined) return syntaxRefusal;
    walked = new Map();
    const depth = maxBracketDepth(text);
    if (depth > MAX_BRACKET_DEPTH) return (syntaxRefusal = `brackets nested ${depth} deep (more than ${MAX_BRACKET_DEPTH}); syntax rules were not run`);
    let tree: ts.SourceFile | undefined;
    try {
      tree = parse();
    } catch (error) {
      return (syntaxRefusal = `it could not be parsed (${describeFailure(error)}); syntax rules were not run`);
    }
    if (tree === undefined) return undefined;
    const visitors: { rule: Rule; visitor: SyntaxVisitor; failure?: unknown }[] = [];
    const table: DispatchTable = new Map();
    let bindings: ReturnType<typeof FileBindings.fillDuringWalk>;
    for (let index = 0; index < options.rules.length; index++) {
      const rule = options.rules[index];
      if (rule.kind !== 'syntax' || rule.visitor === undefined || runsHere(rule, index) === undefined || !triggered(rule)) continue;
      let visitor: SyntaxVisitor;
      try {
        visitor = rule.visitor(contextFor(rule) as SyntaxContext);
      } catch (error) {
        walked.set(rule, { failure: error });
        continue;
      }
      const entry: { rule: Rule; visitor: SyntaxVisitor; failure?: unknown } = { rule, visitor };
      visitors.push(entry);
      // A rule that throws on one node is reported as not having checked the file; the others go on.
      addToDispatch(table, visitor, (handler) => (node) => {
        if (entry.failure !== undefined) return;
        try {
          handler(node);
        } catch (error) {
          entry.failure = error;
        }
      });
      if (visitor.usesBindings && bindings === undefined) bindings = FileBindings.fillDuringWalk(tree);
    }
    const readsReferences = options.rules.some((rule, index) => rule.readsModuleReferences === true && rule.kind === 'syntax' && runsHere(rule, index) !== undefined && triggered(rule));
    const references = readsReferences ? collectModuleReferencesDuringWalk(tree) : undefined;
    if (references !== undefined) {
      for (const kind of references.kinds) {
        const handlers = table.get(kind);
        if (handlers === undefined) table.set(kind, [references.observe]);
        else handlers.push(references.observe);
      }
    }
    const treeDepth = walkTree(tree, table, bindings?.observe);
    if (treeDepth > MAX_SYNTAX_DEPTH) return (syntaxRefusal = `code nested ${treeDepth} levels deep (more than ${MAX_SYNTAX_DEPTH}); syntax rules were not run`);
    bindings?.done();
    references?.done();
    for (const entry of visitors) {
      if (entry.failure !== undefined) {
        walked.set(entry.rule, { failure: entry.failure });
        continue;
      }
      try {
        walked.set(entry.rule, { findings: entry.visitor.end() });
      } catch (error) {
        walked.set(entry.rule, { failure: error });
      }
    }
    return undefined;
  };

  const ranRuleIds = new Set<string>();
  let cancelled = false;
  for (let index = 0; index < options.rules.length; index++) {
    const rule = options.rules[index];
    if (options.isCancelled?.()) {
      cancelled = true;
      break;
    }
    const configured = runsHere(rule, index);
    if (configured === undefined) continue;
    ranRuleIds.add(rule.id);
    if (!triggered(rule)) continue;
    const languageCheck = language !== undefined ? rule.languages?.[language] : undefined;
    if (languageCheck === undefined && rule.kind === 'syntax' && walkSyntax() !== undefined) continue;
    let raw: RuleFinding[];
    try {
      const fromWalk = languageCheck === undefined ? walked?.get(rule) : undefined;
      if (languageCheck !== undefined) {
        const document = parseLanguage();
        if (document === undefined) continue;
        raw = languageCheck.check(contextFor(rule, document) as FileRuleContext & { document: LanguageDocument });
      } else if (fromWalk === undefined) raw = rule.check(contextFor(rule));
      else if ('findings' in fromWalk) raw = fromWalk.findings;
      else throw fromWalk.failure;
    } catch (error) {
      // A rule that fails must not take down the other rules or the run, nor pass the file: the
      // file is reported as not checked by it, at error severity (the gate fails closed).
      notChecked(`rule ${rule.id} failed on it (${describeFailure(error)})`);
      continue;
    }
    const banditTests = languageCheck?.banditTests;
    for (const finding of raw) {
      const reviewed = banditTests !== undefined && reviewedWithBandit(finding, banditTests, lines, options);
      const finished = finish(rule.id, reviewed ? { ...finding, severity: 'info' } : finding, configured, lines, options);
      if (reviewed) finished.severityReasons.unshift(NOSEC_REASON);
      findings.push(finished);
    }
  }
  if (syntaxRefusal !== undefined) notChecked(syntaxRefusal);
  if (languageRefusal !== undefined) notChecked(languageRefusal);
  // A cached document is the parse cache's to free (it keeps the tree for the next edit).
  if (!options.parseCache) disposeDocument(languageDocument);
  for (const extra of options.extraFindings ?? []) {
    if (cancelled) break;
    const severity = policy.rules[extra.ruleId]?.severity === 'off' ? 'off' : extra.severity;
    if (severity === 'off') continue;
    ranRuleIds.add(extra.ruleId);
    const finished = finish(extra.ruleId, { ...extra.finding, severity }, severity, lines, { ...options, inCriticalPath: false, aiRanges: undefined });
    finished.severityReasons.push(...extra.severityReasons);
    findings.push(finished);
  }
  let suppressedCount = 0;
  if (options.knownRuleIds && !cancelled) {
    const unreviewed = unreviewedAiRanges(options);
    const unreviewedAiBlock = unreviewed?.length ? (line: number) => rangeAround(unreviewed, line + 1, line + 1) : undefined;
    const suppressions = parseSuppressions(text, lines, { knownRuleIds: options.knownRuleIds, unreviewedAiBlock });
    if (suppressions.suppressions.length > 0 || suppressions.problems.length > 0) {
      const kept = findings.filter((finding) => finding.ruleId === FILE_NOT_CHECKED_RULE_ID || !suppressions.isSuppressed(finding.ruleId, finding.startPosition.line));
      suppressedCount = findings.length - kept.length;
      findings = kept;
      // Problems with suppression comments are about the comment, so critical paths and AI blocks do not raise them.
      const plain = { ...options, inCriticalPath: false, aiRanges: undefined };
      for (const problem of [...suppressions.problems, ...suppressions.unusedProblems(ranRuleIds)]) {
        // The policy may tune these like any rule (e.g. `comprehension/suppression-unused: off`).
        const severity = policy.rules[problem.ruleId]?.severity ?? problem.severity;
        if (severity !== 'off') findings.push(finish(problem.ruleId, { ...problem, severity }, severity, lines, plain));
      }
    }
  }
  return { findings, suppressedCount, syntaxSkippedForSize: tooLarge && (scriptKind !== undefined || language !== undefined), ...(generated !== undefined ? { generated } : {}), cancelled };
}

function finish(ruleId: string, raw: RuleFinding, configured: Severity, lines: LineIndex, options: EvaluateOptions): Finding {
  const startPosition = lines.positionAt(raw.start);
  const endPosition = lines.positionAt(raw.end);
  let severity = raw.severity ?? configured;
  const severityReasons: string[] = [];
  if (options.inCriticalPath && severity !== 'off') {
    severity = raiseSeverity(severity);
    severityReasons.push('raised: file is in a critical path');
  }
  const firstLine = startPosition.line + 1;
  const lastLine = endPosition.line + 1;
  if (options.aiRanges && rangeAround(options.aiRanges, firstLine, lastLine)) {
    severity = raiseSeverity(severity);
    severityReasons.push('raised: inside an AI-written block');
  }
  // Last, so that test code stays at its cap whatever raised it: a critical path's tests are still tests.
  const testCap = options.inTestPath ? options.policy.testSeverities[ruleId.slice(0, ruleId.indexOf('/')) as TestSeverityCategory] : undefined;
  if (testCap !== undefined && severity !== 'off' && !severityAtLeast(testCap, severity)) {
    severity = testCap;
    severityReasons.push(`lowered to ${testCap}: file is test code (testPaths, testSeverities)`);
  }
  const source = raw.fingerprintSource ?? lines.lineText(startPosition.line).trim();
  return { ...raw, ruleId, severity, startPosition, endPosition, severityReasons, fingerprint: findingFingerprint(ruleId, source) };
}

/** The AI-written lines no person has vouched for: the caller's, else every AI range. */
function unreviewedAiRanges(options: EvaluateOptions): readonly (LineRange & { blockId?: string })[] | undefined {
  return options.unreviewedAiRanges ?? options.aiRanges;
}

/** The first of `ranges` sharing a line with `firstLine`–`lastLine` (1-based, inclusive), if any. */
function rangeAround<R extends LineRange>(ranges: readonly R[], firstLine: number, lastLine: number): R | undefined {
  return ranges.find((range) => range.startLine <= lastLine && firstLine <= range.endLine);
}

/**
 * Whether a line of `finding` carries Bandit's `# nosec` for one of `banditTests`, outside the
 * file's AI-written lines that no person has vouched for (an assistant's marker is no review).
 */
function reviewedWithBandit(finding: RuleFinding, banditTests: readonly string[], lines: LineIndex, options: EvaluateOptions): boolean {
  const first = lines.positionAt(finding.start).line;
  const last = lines.positionAt(finding.end).line;
  const unreviewed = unreviewedAiRanges(options);
  if (unreviewed && rangeAround(unreviewed, first + 1, last + 1)) return false;
  for (let line = first; line <= last; line++) if (markedNosec(lines.lineText(line), banditTests)) return true;
  return false;
}

/** A rule's or the parser's failure in a few words; a stack overflow is named as such. */
function describeFailure(error: unknown): string {
  if (error instanceof RangeError && /call stack/i.test(error.message)) return 'the code is nested too deeply: stack overflow';
  return error instanceof Error ? error.message : String(error);
}

/**
 * The deepest nesting of `(`, `[` and `{` in `text`, outside quoted strings and comments (template
 * literals count as strings; their `${}` parts are not looked into). One pass, no recursion.
 */
export function maxBracketDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let index = 0;
  const length = text.length;
  while (index < length) {
    const char = text.charCodeAt(index);
    if (char === 0x28 || char === 0x5b || char === 0x7b) {
      if (++depth > max) max = depth;
    } else if (char === 0x29 || char === 0x5d || char === 0x7d) {
      if (depth > 0) depth--;
    } else if (char === 0x22 || char === 0x27 || char === 0x60) {
      index++;
      while (index < length && text.charCodeAt(index) !== char) {
        if (text.charCodeAt(index) === 0x5c) index++;
        else if (char !== 0x60 && text.charCodeAt(index) === 0x0a) break;
        index++;
      }
    } else if (char === 0x2f && text.charCodeAt(index + 1) === 0x2f) {
      const end = text.indexOf('\n', index);
      index = end < 0 ? length : end;
    } else if (char === 0x2f && text.charCodeAt(index + 1) === 0x2a) {
      const end = text.indexOf('*/', index + 2);
      index = end < 0 ? length : end + 1;
    }
    index++;
  }
  return max;
}

/** The depth of a syntax tree, by an explicit stack: a deep tree cannot overflow this walk. */
export function maxTreeDepth(root: ts.Node): number {
  return walkTree(root, new Map());
}
