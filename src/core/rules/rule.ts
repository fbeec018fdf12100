import type { RuleFinding, Severity } from '../check/findings';
import type { LineIndex } from '../text/line-index';
import type { ts } from 'ts-morph';
import type { SyntaxContext, SyntaxVisitor } from './shared-syntax/visitor';
import type { LanguageDocument } from '../languages/document';
import type { LanguageId } from '../languages/language';
import type { TerraformBlockFilter } from '../languages/terraform-blocks';
import type { PythonProject } from './dependencies/python-project';

/**
 * Text rules see every text file; syntax rules TypeScript and JavaScript; language rules only the
 * languages of their {@link Rule.languages}. A text or syntax rule may have language
 * implementations too: on a file of such a language, they run instead of `check`.
 */
export type RuleKind = 'text' | 'syntax' | 'language';

/** A package.json that governs the checked file (nearest one up the tree). */
export interface PackageManifestInfo {
  /** Workspace-relative POSIX path of the package.json. */
  path: string;
  /** Names from dependencies, devDependencies, peerDependencies and optionalDependencies. */
  declared: ReadonlySet<string>;
  /** The package's own name, which may be imported by itself. */
  name?: string;
  /** True when the package has a `bin` (a command-line tool, such as a project scaffolder). */
  hasBin?: boolean;
  /**
   * True when the file looked up is in a template folder (`templates/`, `starters/`…) of a
   * command-line package: what a scaffolding tool copies into the projects it creates, whose own
   * package.json declares its imports. Set by the lookup, whichever package.json governs the file.
   */
  scaffoldTemplate?: boolean;
  /**
   * For a Python file: the Python project that governs it instead (`path` is then its manifest and
   * `declared` holds PEP 503 normalised distribution names). Absent for TypeScript and JavaScript.
   */
  python?: PythonProject;
}

/** Everything a rule may look at. Built once per check and shared by all rules. */
export interface RuleContext {
  /** Workspace-relative POSIX path (e.g. `src/api/client.ts`). */
  readonly path: string;
  readonly text: string;
  readonly lines: LineIndex;
  /** Parsed tree for syntax rules; undefined for text rules and for files too large to parse. */
  readonly sourceFile?: ts.SourceFile;
  /** This rule's options from the policy (`rules.<id>.options`), already merged over its defaults. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Nearest package.json, if any. */
  readonly manifest?: PackageManifestInfo;
  /** Dependency allow/deny lists and framework virtual modules from the policy (`virtualModules` absent: the defaults). */
  readonly dependencies: { readonly allow: readonly string[]; readonly deny: readonly string[]; readonly virtualModules?: readonly string[] };
  /** True when the policy's `testPaths` call the file test code (rules about tests look only there and at files using a test framework). */
  readonly inTestPath?: boolean;
  /**
   * Another file of the workspace as text (a policy document a Terraform file loads with `file()`),
   * read through the bounded reader: a regular file inside the workspace, of at most 1 MiB;
   * undefined when it is missing or refused. A change to that file is seen at this file's next check.
   */
  readonly readWorkspaceFile?: (relativePath: string) => string | undefined;
  /**
   * The names of the regular files directly in a workspace folder (workspace-relative POSIX, `` for
   * the root), sorted; undefined when it is missing or refused. Bounded like
   * {@link RuleContext.readWorkspaceFile}: confined to the workspace, a capped number of entries.
   */
  readonly listWorkspaceFolder?: (relativeFolder: string) => readonly string[] | undefined;
}

/** One policy rule. Each rule lives in its own module under `src/core/rules/`. */
export interface Rule {
  /** Stable id, `<category>/<name>`, used in policy files, suppressions, SARIF and baselines. */
  readonly id: string;
  readonly kind: RuleKind;
  readonly defaultSeverity: Severity;
  /** One-line summary for listings and SARIF `shortDescription`. */
  readonly summary: string;
  /** Why the rule exists, shown on hover (Markdown). */
  readonly rationale: string;
  /**
   * Words at least one of which must occur in a file's text for this rule to find anything there.
   * When none does, the engine skips the rule (a tree walk saved). Leave undefined unless every
   * finding of the rule needs one of them verbatim.
   */
  readonly textTriggers?: readonly string[];
  /**
   * True when the rule's `check` reads the file's module references (`moduleReferences`): the engine
   * then gathers them during its shared walk of the tree, instead of the rule walking it again.
   */
  readonly readsModuleReferences?: boolean;
  /** Defaults for `options`; the policy may override any key. */
  readonly defaultOptions?: Readonly<Record<string, unknown>>;
  /** The rule on its own (its own walk, for a syntax rule). The engine prefers {@link Rule.visitor} when there is one. */
  check(context: RuleContext): RuleFinding[];
  /**
   * A syntax rule's handlers for the node kinds it looks at, made fresh for each file: the engine
   * walks each tree once and drives every rule that has one from that walk. A rule without it keeps
   * its own walk in `check`. A rule with it should implement `check` with `checkWithVisitor`, so
   * both give the same findings.
   */
  visitor?(context: SyntaxContext): SyntaxVisitor;
  /**
   * The rule's implementation for languages beyond TypeScript and JavaScript (Python, Terraform,
   * Dockerfiles, workflows, Kubernetes manifests), under the same id: one policy entry, one
   * suppression id, one SARIF rule for every language the rule understands.
   */
  readonly languages?: Readonly<Partial<Record<LanguageId, LanguageCheck>>>;
}

/** A rule's implementation for one language of {@link LanguageId}. */
export interface LanguageCheck {
  /** As {@link Rule.textTriggers}, for this language (`requests`, `verify=`, `subprocess`…). */
  readonly textTriggers?: readonly string[];
  /**
   * What the rule finds in this language and why it matters, in its terms (`requests` has no
   * default timeout): the hover's paragraph on such a file, with the rule's own rationale after it.
   */
  readonly rationale?: string;
  /**
   * Terraform only: the top-level blocks the check reads. When every check that runs on a file
   * says, the blocks none of them reads (variables, outputs, module calls…) are not parsed at all.
   * Omitted: every block. It must accept every block the check could look at, or findings are lost.
   */
  readonly terraformBlocks?: TerraformBlockFilter;
  /**
   * Python only: Bandit's tests that find what this check finds (`B307` for `eval`). A finding on a
   * line marked `# nosec` for them is information (see check/nosec.ts).
   */
  readonly banditTests?: readonly string[];
  check(context: LanguageRuleContext): RuleFinding[];
}

/** What a language implementation sees: the rule context and the file parsed once for all rules. */
export interface LanguageRuleContext extends RuleContext {
  readonly document: LanguageDocument;
}

/** The rationale of `rule` as a file of `language` shows it: the language's own words first, when it has them. */
export function languageRationale(rule: Rule, language: LanguageId | undefined): string {
  const own = language === undefined ? undefined : rule.languages?.[language]?.rationale;
  return own === undefined ? rule.rationale : `${own.trim()}\n\n${rule.rationale}`;
}
