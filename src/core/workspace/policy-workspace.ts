import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { compiledSourceOf, sourceMapsBeside } from '../check/compiled';
import { listBoundedFolderSync, readBoundedTextFileSync } from './fs';
import { unconfinedPathProblem } from './paths';
import { type BaselineIndex, filterNew, indexBaseline, parseBaseline } from '../check/baseline';
import { evaluate, type EvaluateResult, FILE_NOT_CHECKED_RULE_ID, type LineRange } from '../check/engine';
import { currentMutationResults } from '../mutate/cache';
import { MUTATION_RULE_RATIONALE, SURVIVING_MUTANT_RULE_ID, survivingMutantFindings } from '../mutate/findings';
import { assessFileNotes, type BlockNoteState, NOTE_RULE_IDS, NOTE_RULE_RATIONALE, noteFindings, vouchedFor } from '../notes/diagnostics';
import { type CodeOwners, CodeOwnersCache } from '../notes/sign-off';
import type { Block } from '../provenance/block';
import { LineIndex } from '../text/line-index';
import type { Finding } from '../check/findings';
import { ManifestCache } from '../rules/dependencies/manifest';
import type { ParseCache } from '../check/parse-cache';
import { type PolicyProblem, PolicyState } from '../policy/load';
import { compilePathMatchers, normalizeRelativePath, type PathMatchers } from '../policy/paths';
import { BASELINE_PATH, POLICY_PATH } from './layout';
import { customRulesFor } from '../rules/custom/custom-rule';
import { BUILTIN_RULES } from '../rules';
import type { Rule } from '../rules/rule';
import { SUPPRESSION_PROBLEM_RULE_IDS } from '../check/suppressions';
import picomatch from 'picomatch';
import type { LanguageId } from '../languages/language';
import { languageRationale } from '../rules/rule';

/** The policy file is refused above this size: a policy is a page of YAML, never megabytes. */
const MAX_POLICY_BYTES = 1024 * 1024;
/** A file a rule reads beside the one it checks (a policy document) is refused above this size. */
const RELATED_FILE_MAX_BYTES = 1024 * 1024;
/** Entries of a folder a rule lists (a module's files): enough for any module, bounded for a hostile folder. */
const RELATED_FOLDER_MAX_ENTRIES = 4096;

/**
 * What a file on disk looks like without reading it: inode, size and times, or `missing`. Two equal
 * stamps mean the file was not replaced or written in between (to the file system's time resolution).
 */
function diskStamp(path: string): string {
  try {
    const stat = lstatSync(path, { bigint: true, throwIfNoEntry: false });
    return stat ? `${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}:${stat.mode}` : 'missing';
  } catch (error) {
    // Unreadable metadata (a folder in the way, no permission): the same stamp while it stays so, so
    // a pull does not read it (and ask every document to be pulled again) each time.
    return `unknown:${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
  }
}

/** How a workspace's policy file is read: custom patterns are compiled only in a trusted workspace. */
function policyParseOptions(trusted: boolean) {
  return { knownRuleIds: [...BUILTIN_RULES.map((rule) => rule.id), ...SUPPRESSION_PROBLEM_RULE_IDS, ...NOTE_RULE_IDS, SURVIVING_MUTANT_RULE_ID], compilePatterns: trusted };
}

/** Options for checking one file of a workspace. */
export interface CheckFileOptions {
  /** AI-written line ranges (when the caller has no block details). */
  aiRanges?: readonly LineRange[];
  /**
   * The file's AI blocks: their lines are AI ranges, and each is checked for its comprehension note
   * (read with `readNote`, by block id; undefined when the block has none).
   */
  blocks?: readonly Block[];
  readNote?: (blockId: string) => string | undefined;
  /** Files longer than this (UTF-16 units) get text rules only. */
  maxParseLength?: number;
  isCancelled?: () => boolean;
  /** The document's parse cache (the language server keeps one per open document). */
  parseCache?: ParseCache;
  /** Report findings the baseline covers too (default false: only new findings). */
  includeBaselined?: boolean;
  /**
   * The workspace file this one was compiled from, when the caller looked it up for a whole listing
   * (see {@link PolicyWorkspace.compiledSourceOf}); `null` when it found none. Left out, it is looked
   * up beside the file.
   */
  compiledFrom?: string | null;
  /**
   * Add the surviving mutants of the last `comprehension mutate` of each block (from the cache,
   * only while the block's content is the one tested). The editor asks for them; CI does not, as
   * the cache is machine-local.
   */
  cachedMutants?: boolean;
}

/** What checking a file found, after suppressions and the baseline. */
export interface CheckFileResult extends EvaluateResult {
  /** How many findings the baseline covered (and so were left out). */
  baselinedCount: number;
  /** Each block's note requirement and status (when blocks were given). */
  notes: BlockNoteState[];
}

/**
 * Every field of an evaluation's result, which {@link checkFileResult} copies by name: a field added
 * to `EvaluateResult` fails to compile here until it is copied there too.
 */
const COPIED_RESULT_FIELDS: Record<keyof EvaluateResult, true> = { findings: true, suppressedCount: true, syntaxSkippedForSize: true, generated: true, cancelled: true };

/**
 * `result` with the baseline's share: written out, not spread (`{ ...result, … }`), which V8 copies
 * in 2–4 µs from results of two shapes where a literal takes nanoseconds (see ARCHITECTURE.md).
 */
function checkFileResult(result: EvaluateResult, findings: Finding[], baselinedCount: number, notes: BlockNoteState[]): CheckFileResult {
  const checked: CheckFileResult = { findings, suppressedCount: result.suppressedCount, syntaxSkippedForSize: result.syntaxSkippedForSize, cancelled: result.cancelled, baselinedCount, notes };
  if (result.generated !== undefined) checked.generated = result.generated;
  return checked;
}

/**
 * The policy engine bound to one workspace folder: its policy file (last valid one in force),
 * package.json files, baseline and trust. The language server keeps one per folder and the CLI one
 * per run, so both evaluate a file the same way.
 */
export class PolicyWorkspace {
  readonly policyState: PolicyState;
  readonly manifests: ManifestCache;
  private readonly codeOwnersCache: CodeOwnersCache;
  private matchers: PathMatchers;
  private activeRules: Rule[];
  private baseline: BaselineIndex | undefined;
  private baselineError: string | undefined;
  private lastPolicyText: string | undefined;
  private policyRead = false;
  /** The policy and baseline files' disk stamps when last read (see `reloadIfChangedOnDisk`). */
  private policyStamp: string | undefined;
  private baselineStamp: string | undefined;
  /** Derived from `activeRules`; cleared whenever it is recomputed. */
  private knownIds: string[] | undefined;
  /** Rule descriptions by language (`''`: TypeScript, JavaScript and plain text). */
  private descriptions: Map<string, Map<string, { summary: string; rationale: string }>> | undefined;
  /** Only rules whose id matches run and report (`check --rules`); undefined = every rule. */
  private ruleSelection: { globs: readonly string[]; matches: (id: string) => boolean } | undefined;

  constructor(
    readonly root: string,
    private trusted: boolean,
  ) {
    this.policyState = new PolicyState(policyParseOptions(trusted));
    this.manifests = new ManifestCache({ workspaceRoot: root });
    this.codeOwnersCache = new CodeOwnersCache(root);
    this.matchers = compilePathMatchers(this.policyState.current);
    this.activeRules = this.computeRules();
  }

  /** Built-in rules plus the policy's custom rules when the workspace is trusted. */
  get rules(): readonly Rule[] {
    return this.activeRules;
  }

  get isTrusted(): boolean {
    return this.trusted;
  }

  /** Why the baseline file could not be used, if it could not. */
  get baselineProblem(): string | undefined {
    return this.baselineError;
  }

  /** The baseline in use, indexed; undefined when there is none or it could not be used. */
  get baselineIndex(): BaselineIndex | undefined {
    return this.baseline;
  }

  /**
   * Workspace trust changed: custom rules are created or dropped, and the policy is read again so
   * that its patterns are compiled (and their errors reported) only once trust is granted.
   */
  setTrusted(trusted: boolean): void {
    if (trusted === this.trusted) return;
    this.trusted = trusted;
    this.policyState.setOptions(policyParseOptions(trusted));
    if (this.policyRead && this.lastPolicyText !== undefined) {
      const before = this.policyState.current;
      this.policyState.update(this.lastPolicyText);
      if (this.policyState.current !== before) this.matchers = compilePathMatchers(this.policyState.current);
    }
    this.setRules(this.computeRules());
  }

  /**
   * Runs only the rules whose id matches one of `globs` (picomatch, e.g. `secrets/*`), built-in,
   * custom and note rules alike; an empty list runs every rule again. A file that could not be
   * checked is still reported. Returns the globs that match no rule, for the caller to refuse.
   */
  selectRules(globs: readonly string[]): string[] {
    this.ruleSelection = globs.length > 0 ? { globs, matches: picomatch([...globs]) } : undefined;
    this.setRules(this.computeRules());
    const every = [...BUILTIN_RULES.map((rule) => rule.id), ...this.policyState.current.customRules.map((rule) => rule.id), ...NOTE_RULE_IDS, ...SUPPRESSION_PROBLEM_RULE_IDS];
    return globs.filter((glob) => !every.some((id) => picomatch.isMatch(id, glob)));
  }

  /** The globs given to `selectRules` (empty: every rule runs). */
  get selectedRuleGlobs(): readonly string[] {
    return this.ruleSelection?.globs ?? [];
  }

  /** Reads `.comprehension/policy.yaml` from disk (missing file = defaults) and returns its problems. */
  loadPolicyFromDisk(): PolicyProblem[] {
    // Stamped before the read: a write between the two changes the next stamp, so it is read then.
    this.policyStamp = diskStamp(join(this.root, POLICY_PATH));
    const read = readBoundedTextFileSync(join(this.root, POLICY_PATH), { root: this.root, maxBytes: MAX_POLICY_BYTES });
    // A refused file (a link out of the workspace, a device, too large) is an error of the policy,
    // not a missing policy: the policy in force stays, so a hostile link cannot reset it to defaults.
    if (read.kind === 'refused') return [{ message: read.reason, severity: 'error', start: 0, end: 0, line: 0, character: 0 }];
    return this.updatePolicyText(read.kind === 'ok' ? read.text : undefined);
  }

  /**
   * Reads the policy file again if its disk stamp changed since it was last read, and the baseline
   * likewise; returns which changed. A file watcher's event can be lost (a watcher still starting, a
   * folder created with the file in it), and a long-lived process must not keep an old policy for it:
   * one `lstat` per file is cheap enough to do on every pull. Skip the policy when an editor holds it:
   * its buffer is the newer truth.
   */
  reloadIfChangedOnDisk(options: { policyHeldByEditor?: boolean } = {}): { policy?: PolicyProblem[]; baseline: boolean } {
    const changed: { policy?: PolicyProblem[]; baseline: boolean } = { baseline: false };
    if (!options.policyHeldByEditor && this.policyStamp !== diskStamp(join(this.root, POLICY_PATH))) {
      const before = this.lastPolicyText;
      const problems = this.loadPolicyFromDisk();
      if (this.lastPolicyText !== before) changed.policy = problems;
    }
    if (this.baselineStamp !== diskStamp(join(this.root, BASELINE_PATH))) {
      this.loadBaselineFromDisk();
      changed.baseline = true;
    }
    return changed;
  }

  /** The policy file's text last given (undefined: no file). */
  get policyText(): string | undefined {
    return this.lastPolicyText;
  }

  /** Takes a new text of the policy file (an unsaved editor buffer, say); `undefined` when it does not exist. */
  updatePolicyText(text: string | undefined): PolicyProblem[] {
    // The same text is not a new policy: callers refresh everything when the policy changes, and a
    // policy file open in an editor is re-read on every pull of it.
    if (this.policyRead && text === this.lastPolicyText) return [...this.policyState.problems];
    this.policyRead = true;
    this.lastPolicyText = text;
    const before = this.policyState.current;
    const problems = this.policyState.update(text);
    if (this.policyState.current !== before) {
      this.matchers = compilePathMatchers(this.policyState.current);
      this.setRules(this.computeRules());
    }
    return problems;
  }

  /** Reads `.comprehension/baseline.json`; a missing file means no baseline, a broken one is reported and ignored. */
  loadBaselineFromDisk(): void {
    this.baselineStamp = diskStamp(join(this.root, BASELINE_PATH));
    const read = readBoundedTextFileSync(join(this.root, BASELINE_PATH), { root: this.root });
    this.baseline = undefined;
    this.baselineError = undefined;
    if (read.kind === 'missing') return;
    if (read.kind === 'refused') {
      this.baselineError = read.reason;
      return;
    }
    const parsed = parseBaseline(read.text);
    if (parsed.ok) this.baseline = indexBaseline(parsed.baseline);
    else this.baselineError = parsed.error;
  }

  /** Every rule id that suppressions may name (cached until the rules change). */
  knownRuleIds(): readonly string[] {
    // Every built-in rule, also those `selectRules` left out: a suppression naming one is not unknown.
    this.knownIds ??= [
      ...BUILTIN_RULES.map((rule) => rule.id),
      ...this.activeRules.map((rule) => rule.id),
      ...this.policyState.current.customRules.map((rule) => rule.id),
      ...SUPPRESSION_PROBLEM_RULE_IDS,
      ...NOTE_RULE_IDS,
      SURVIVING_MUTANT_RULE_ID,
    ];
    return this.knownIds;
  }

  /**
   * Summary and rationale of every rule that may report here, for hovers (cached until the rules
   * change); for a file of `language`, a rule's words for that language come first.
   */
  ruleDescriptions(language?: LanguageId): ReadonlyMap<string, { summary: string; rationale: string }> {
    this.descriptions ??= new Map();
    const key = language ?? '';
    let descriptions = this.descriptions.get(key);
    if (descriptions === undefined) {
      descriptions = new Map([
        ...this.activeRules.map((rule): [string, { summary: string; rationale: string }] => [rule.id, { summary: rule.summary, rationale: languageRationale(rule, language) }]),
        ...Object.entries(NOTE_RULE_RATIONALE),
        ...Object.entries(MUTATION_RULE_RATIONALE),
      ]);
      this.descriptions.set(key, descriptions);
    }
    return descriptions;
  }

  /** The workspace's CODEOWNERS file as it is now (who may sign off blocks); undefined when there is none. */
  codeOwners(): CodeOwners | undefined {
    return this.codeOwnersCache.current();
  }

  isIgnored(relativePath: string): boolean {
    return this.matchers.isIgnored(normalizeRelativePath(relativePath));
  }

  isCritical(relativePath: string): boolean {
    return this.matchers.isCritical(normalizeRelativePath(relativePath));
  }

  /** True when the policy's `testPaths` call the file test code. */
  isTest(relativePath: string): boolean {
    return this.matchers.isTest(normalizeRelativePath(relativePath));
  }

  /** Checks one file (workspace-relative POSIX path) with the policy in force. */
  checkFile(relativePath: string, text: string, options: CheckFileOptions = {}): CheckFileResult {
    const path = normalizeRelativePath(relativePath);
    const inCriticalPath = this.matchers.isCritical(path);
    const policy = this.policyState.current;
    let notes: BlockNoteState[] = [];
    let extraFindings: ReturnType<typeof noteFindings> = [];
    const selection = this.ruleSelection;
    const assessNotes = (blocks: readonly Block[]): BlockNoteState[] =>
      assessFileNotes({ path, text, blocks, readNote: options.readNote ?? (() => undefined), policy, inCriticalPath, codeOwners: () => this.codeOwners() });
    const noteRulesRun = !selection || NOTE_RULE_IDS.some((id) => selection.matches(id));
    if (options.blocks?.length && noteRulesRun) {
      notes = assessNotes(options.blocks);
      extraFindings = noteFindings(notes, { lines: new LineIndex(text), inCriticalPath, configured: policy.rules });
    }
    if (options.blocks?.length && options.cachedMutants) {
      const lines = new LineIndex(text);
      const severity = policy.rules[SURVIVING_MUTANT_RULE_ID]?.severity;
      for (const { block, result } of currentMutationResults(this.root, text, options.blocks, lines)) {
        extraFindings.push(...survivingMutantFindings(result, block.startLine, lines, severity));
      }
    }
    const aiRanges = options.aiRanges ?? options.blocks?.map(({ startLine, endLine }) => ({ startLine, endLine }));
    // A suppression in an AI block counts once a person has explained the block (asked of the notes
    // even when the note rules are not selected, so `--rules` does not change what is suppressed).
    const unreviewedAiRanges =
      options.aiRanges === undefined && options.blocks?.length
        ? (noteRulesRun ? notes : assessNotes(options.blocks)).filter((state) => !vouchedFor(state)).map(({ block }) => ({ startLine: block.startLine, endLine: block.endLine, blockId: block.id }))
        : undefined;
    const result = evaluate(path, text, {
      policy,
      rules: this.activeRules,
      aiRanges,
      unreviewedAiRanges,
      extraFindings,
      inCriticalPath,
      inTestPath: this.matchers.isTest(path),
      maxParseLength: options.maxParseLength,
      manifest: () => this.manifests.manifestFor(join(this.root, path)),
      compiledFrom: () => (options.compiledFrom !== undefined ? (options.compiledFrom ?? undefined) : this.compiledSourceOf(path)),
      readWorkspaceFile: (relativePath) => this.readRelatedFile(relativePath),
      listWorkspaceFolder: (relativeFolder) => this.listRelatedFolder(relativeFolder),
      isCancelled: options.isCancelled,
      parseCache: options.parseCache,
      knownRuleIds: this.knownRuleIds(),
    });
    if (selection) result.findings = result.findings.filter((finding) => finding.ruleId === FILE_NOT_CHECKED_RULE_ID || selection.matches(finding.ruleId));
    if (!this.baseline || options.includeBaselined) return checkFileResult(result, result.findings, 0, notes);
    // A file the engine could not check is never covered by the baseline (a committed file the change may have written).
    const fresh: Finding[] = [
      ...filterNew(result.findings.filter((finding) => finding.ruleId !== FILE_NOT_CHECKED_RULE_ID), path, this.baseline),
      ...result.findings.filter((finding) => finding.ruleId === FILE_NOT_CHECKED_RULE_ID),
    ];
    return checkFileResult(result, fresh, result.findings.length - fresh.length, notes);
  }

  /**
   * The workspace file `relativePath` was compiled from, by a source map beside it (see
   * {@link compiledSourceOf}). Files exist when `listed` has them (a check's listing: nothing read to
   * know), else when they are regular files the policy does not ignore: one `lstat` each, since the
   * editor asks on every pull of a script (a folder listing cost a `readdir` there).
   */
  compiledSourceOf(relativePath: string, listed?: ReadonlySet<string>): string | undefined {
    const path = normalizeRelativePath(relativePath);
    if (sourceMapsBeside(path).length === 0) return undefined;
    const isFile = (file: string): boolean => {
      if (unconfinedPathProblem(file) !== undefined || this.isIgnored(file)) return false;
      try {
        return lstatSync(join(this.root, file)).isFile();
      } catch {
        return false;
      }
    };
    return compiledSourceOf(path, { exists: listed !== undefined ? (file) => listed.has(file) : isFile, read: (file) => this.readRelatedFile(file) });
  }

  /** A workspace file a rule reads beside the one it checks: through the bounded reader, confined to the root. */
  private readRelatedFile(relativePath: string): string | undefined {
    // A path written in the repository is untrusted: judged as text here, its links where it is read.
    if (unconfinedPathProblem(relativePath) !== undefined) return undefined;
    const read = readBoundedTextFileSync(join(this.root, relativePath), { root: this.root, maxBytes: RELATED_FILE_MAX_BYTES });
    return read.kind === 'ok' ? read.text : undefined;
  }

  /** The files of a workspace folder a rule looks through (a Terraform module's other files): confined, capped. */
  private listRelatedFolder(relativeFolder: string): readonly string[] | undefined {
    if (relativeFolder !== '' && unconfinedPathProblem(relativeFolder) !== undefined) return undefined;
    const listed = listBoundedFolderSync(join(this.root, relativeFolder), { root: this.root, maxEntries: RELATED_FOLDER_MAX_ENTRIES });
    return listed.kind === 'ok' ? listed.names : undefined;
  }

  private setRules(rules: Rule[]): void {
    this.activeRules = rules;
    this.knownIds = undefined;
    this.descriptions = undefined;
  }

  private computeRules(): Rule[] {
    const rules = [...BUILTIN_RULES, ...customRulesFor(this.policyState.current, { trusted: this.trusted })];
    const selection = this.ruleSelection;
    return selection ? rules.filter((rule) => selection.matches(rule.id)) : rules;
  }
}

