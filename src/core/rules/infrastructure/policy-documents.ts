import { posix } from 'node:path';
import { unconfinedPathProblem } from '../../workspace/paths';
import { disposeDocument, parseLanguageDocument } from '../../languages/document';
import { allBlocks, attribute, hclFile, literalString, literalStrings, type HclBlock, type HclFile, type HclValue } from './hcl';
import { AttachedCache } from '../../runtime/attached-cache';

/**
 * The statements of every AWS policy document a Terraform file writes out, in the three ways it can:
 * `jsonencode({ Statement = [...] })`, a JSON string or heredoc (parsed; a `${…}` inside a JSON
 * string is kept as text, one outside is read as an unknown value), and `data
 * "aws_iam_policy_document"` `statement` blocks; and, given a reader, documents loaded with
 * `file()` or `templatefile()` from a path known in the file.
 */
export interface PolicyStatement {
  /** `Allow`, `Deny`, or undefined when not literal. A document statement without `effect` allows. */
  readonly effect: string | undefined;
  /** Literal actions (or `NotAction`s when {@link notAction}); undefined items are not literal. */
  readonly actions: readonly (string | undefined)[];
  readonly notAction: boolean;
  readonly resources: readonly (string | undefined)[];
  readonly notResource: boolean;
  /** Who the statement grants: none written (an identity policy), anyone (`*`), someone specific, or not literal. */
  readonly principal: 'none' | 'anyone' | 'specific' | 'unknown';
  readonly hasCondition: boolean;
  /** Where to report: the statement itself in HCL, the whole string for JSON text. */
  readonly start: number;
  readonly end: number;
  /** The enclosing top-level block (`resource "aws_iam_policy" "deploy"`) for messages. */
  readonly owner: HclBlock;
  /** The workspace file the document was loaded from (`file("policies/admin.json")`), when it was. */
  readonly loadedFrom?: string;
  /** The attribute that holds the document (`policy`, `assume_role_policy`), or `statement` for a document block. */
  readonly holder: string;
}

/** Attributes that hold policies which are not about permissions on resources (trust policies say who may assume a role). */
const TRUST_POLICY_ATTRIBUTES = new Set(['assume_role_policy']);

const files = new AttachedCache<HclFile, PolicyStatement[]>('comprehension.policyStatements');
const filesWithLoaded = new AttachedCache<HclFile, PolicyStatement[]>('comprehension.policyStatementsWithLoaded');

/** `file(…)` or `templatefile(…)`: a policy document may be loaded from another file. */
const LOADS_FILE = /\b(?:template)?file\s*\(/;

/**
 * Whether a block may hold a policy statement: one is written `Statement` (a `jsonencode` key or
 * JSON text) or `statement` (a policy document block), or loaded with `file()`/`templatefile()`;
 * a block whose text does neither holds none. The rules that read statements parse, and read,
 * only such blocks.
 */
export function mayHoldPolicyStatement(block: { readonly start: number; readonly end: number }, text: string): boolean {
  const body = text.slice(block.start, block.end);
  return /statement/i.test(body) || LOADS_FILE.test(body);
}

/**
 * Where the files a Terraform file loads are: its folder (the module's, `path.module`), and how to
 * read one (through the workspace's bounded reader).
 */
export interface LoadedFiles {
  /** The Terraform file's folder, workspace-relative POSIX (`infra/iam`, or `` at the root). */
  readonly folder: string;
  /** The Terraform file itself, workspace-relative POSIX. */
  readonly path: string;
  readonly read: (relativePath: string) => string | undefined;
  /**
   * Lists a folder's files: a variable or local value the file uses but does not declare is looked
   * for in the module's other `.tf` files (Terraform reads every `.tf` file of a folder as one module).
   */
  readonly list?: (relativeFolder: string) => readonly string[] | undefined;
}

/** The loaded files of the file a rule checks, when the engine gives it a reader. */
export function loadedFilesOf(context: {
  readonly path: string;
  readonly readWorkspaceFile?: (relativePath: string) => string | undefined;
  readonly listWorkspaceFolder?: (relativeFolder: string) => readonly string[] | undefined;
}): LoadedFiles | undefined {
  if (context.readWorkspaceFile === undefined) return undefined;
  const slash = context.path.lastIndexOf('/');
  return { folder: slash < 0 ? '' : context.path.slice(0, slash), path: context.path, read: context.readWorkspaceFile, list: context.listWorkspaceFolder };
}

/**
 * Every policy statement of `file` (cached: two rules read them). With `loaded`, documents loaded
 * with `file("…")` or `templatefile("…", …)` from a literal path (or `${path.module}/…`, also in a
 * variable's default or a local value) are read too; their statements point at the call.
 */
export function policyStatements(file: HclFile, loaded?: LoadedFiles): readonly PolicyStatement[] {
  const cache = loaded ? filesWithLoaded : files;
  const cached = cache.get(file);
  if (cached) return cached;
  const statements: PolicyStatement[] = [];
  const mentionsStatement = (block: HclBlock): boolean => mayHoldPolicyStatement(block, file.text);
  for (const { block, parents } of allBlocks(file, mentionsStatement)) {
    if (!mentionsStatement(block)) continue;
    const owner = parents[0] ?? block;
    if (parents.length === 0 && block.type === 'data' && block.labels[0] === 'aws_iam_policy_document') {
      for (const statement of block.blocks) if (statement.type === 'statement') statements.push(documentStatement(statement, owner));
    }
    for (const attribute of block.attributes) {
      if (TRUST_POLICY_ATTRIBUTES.has(attribute.name)) continue;
      // A statement is written `Statement` (a `jsonencode` key or JSON text): other attributes are not converted.
      const source = file.text.slice(attribute.start, attribute.end);
      if (/statement/i.test(source)) statements.push(...attributeStatements(attribute.value, owner, attribute.name));
      else if (loaded && LOADS_FILE.test(source)) statements.push(...loadedStatements(attribute.value, owner, attribute.name, loaded, file));
    }
  }
  cache.set(file, statements);
  return statements;
}

/** `file(var.name)`, `templatefile(local.name, …)`: a load call whose path is a variable or a local value. */
const LOAD_CALL_REFERENCE = /\b(?:template)?file\s*\(\s*(var|local)\.([A-Za-z_][\w-]*)\s*[,)]/g;
/** A load call whose path is a quoted string (`file("${path.module}/policies/${var.env}.json")`). */
const LOAD_CALL_STRING = /\b(?:template)?file\s*\(\s*"((?:[^"\\\n]|\\.)*)"/g;
/** A variable or local value interpolated whole into a string: `${var.env}`, `${ local.name }`. */
const INTERPOLATED_REFERENCE = /\$\{\s*(var|local)\.([A-Za-z_][\w-]*)\s*\}/g;

let referencesMemo: { text: string; variables: ReadonlySet<string>; locals: ReadonlySet<string> } | undefined;

/**
 * The variables and local values whose value a load call of `text` takes as its path, or
 * interpolates whole into it. Read from the text, so that a file parsed in part (only these
 * `variable` and `locals` blocks) and one parsed whole resolve the same references.
 */
function loadCallReferences(text: string): { variables: ReadonlySet<string>; locals: ReadonlySet<string> } {
  if (referencesMemo?.text === text) return referencesMemo;
  const variables = new Set<string>();
  const locals = new Set<string>();
  const add = (scope: string, name: string): void => void (scope === 'var' ? variables : locals).add(name);
  for (const match of text.matchAll(LOAD_CALL_REFERENCE)) add(match[1], match[2]);
  for (const call of text.matchAll(LOAD_CALL_STRING)) {
    for (const match of call[1].matchAll(INTERPOLATED_REFERENCE)) add(match[1], match[2]);
  }
  // A local value written here as a quoted string may itself name others (`policy_file =
  // "${path.module}/${var.env}.json"`): those are referenced too, a few levels deep.
  const followed = new Set<string>();
  for (let level = 0; level < MAX_REFERENCE_DEPTH; level++) {
    // Each name is one search of the text: a file naming thousands is not searched thousands of times.
    const next = [...locals].filter((name) => !followed.has(name)).slice(0, MAX_FOLLOWED_LOCALS - followed.size);
    if (next.length === 0) break;
    for (const name of next) {
      followed.add(name);
      for (const written of quotedAttributeValues(text, name)) for (const match of written.matchAll(INTERPOLATED_REFERENCE)) add(match[1], match[2]);
    }
  }
  referencesMemo = { text, variables, locals };
  return referencesMemo;
}

/** How many references deep a path is followed (`local.a` → `local.b` → `var.c`); a cycle stops there too. */
const MAX_REFERENCE_DEPTH = 4;
/** Local values whose written text is searched for the names they hold, per file. */
const MAX_FOLLOWED_LOCALS = 64;

/** The quoted values written for an attribute `name` anywhere in `text` (`name = "…"`), read from the text. */
function quotedAttributeValues(text: string, name: string): string[] {
  const escaped = name.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  return [...text.matchAll(new RegExp(`^[ \\t]*${escaped}[ \\t]*=[ \\t]*"((?:[^"\\\\\\n]|\\\\.)*)"`, 'gm'))].map((match) => match[1]);
}

/**
 * Whether a block may hold the path a load call takes (`variable "policy_file"` for
 * `file(var.policy_file)`, `locals` for `file(local.…)`): the rules that read loaded policies parse
 * those blocks too.
 */
export function mayHoldLoadedPath(block: { readonly type: string; readonly labels: readonly string[] }, text: string): boolean {
  if (block.type !== 'variable' && block.type !== 'locals') return false;
  const references = loadCallReferences(text);
  return block.type === 'variable' ? references.variables.has(block.labels[0] ?? '') : references.locals.size > 0;
}

/**
 * The value a path argument stands for: itself, or for `var.name` the variable's `default` and for
 * `local.name` the local value, when the module sets them: in this file, or else in another `.tf`
 * file of its folder (a variable's value may still be set elsewhere at plan time; its default is
 * the policy the module ships with). A quoted path has each `${var.name}` and `${local.name}` in it
 * replaced the same way, when every one is known as a plain string.
 */
function pathValue(argument: HclValue, file: HclFile, loaded: LoadedFiles): HclValue | undefined {
  if (argument.kind === 'string' && argument.interpolated) return substitutedReferences(argument, file, loaded);
  if (argument.kind !== 'other') return argument;
  const reference = /^(var|local)\.([A-Za-z_][\w-]*)$/.exec(file.text.slice(argument.start, argument.end).trim());
  if (reference === null) return undefined;
  return referencedValue(reference[1] as 'var' | 'local', reference[2], file, loaded);
}

/**
 * The value the module gives a variable (its default) or a local value, when the load calls reference
 * it (directly, or through a local value that names it); a quoted value naming others has theirs in place.
 */
function referencedValue(scope: 'var' | 'local', name: string, file: HclFile, loaded: LoadedFiles, depth = 0): HclValue | undefined {
  const references = loadCallReferences(file.text);
  if (depth === 0 && !(scope === 'var' ? references.variables : references.locals).has(name)) return undefined;
  const here = declaration(file, scope, name);
  const value = here.declared ? here.value : moduleValues(file, loaded).get(`${scope}.${name}`);
  if (value?.kind === 'string' && value.interpolated && depth < MAX_REFERENCE_DEPTH) return substitutedReferences(value, file, loaded, depth + 1);
  return value;
}

/** `"${path.module}/policies/${var.env}.json"` with `var.env`'s plain string default in place; as it was when one is not known. */
function substitutedReferences(argument: HclValue & { kind: 'string' }, file: HclFile, loaded: LoadedFiles, depth = 0): HclValue {
  let unknown = false;
  const value = argument.value.replace(INTERPOLATED_REFERENCE, (written, scope: 'var' | 'local', name: string) => {
    const known = referencedValue(scope, name, file, loaded, depth);
    // A value that still starts with `${path.module}` is a module path: `loadedPath` takes it at the start only.
    if (known?.kind === 'string' && (!known.interpolated || /^\$\{\s*path\.module\s*\}\/(?![^]*[$%]\{)/.test(known.value))) return known.value;
    unknown = true;
    return written;
  });
  return unknown ? argument : { ...argument, value, interpolated: /[$%]\{/.test(value) };
}

/** Whether `file` declares the variable or local value, and the value it gives it (a variable's `default`). */
function declaration(file: HclFile, scope: 'var' | 'local', name: string): { declared: boolean; value?: HclValue } {
  for (const block of file.blocks) {
    if (scope === 'var' && block.type === 'variable' && block.labels[0] === name) return { declared: true, value: attribute(block, 'default')?.value };
    if (scope === 'local' && block.type === 'locals') {
      const value = attribute(block, name)?.value;
      if (value !== undefined) return { declared: true, value };
    }
  }
  return { declared: false };
}

/** The other files of a module searched for a declaration: enough for real modules, bounded for a hostile folder. */
const MAX_MODULE_FILES = 16;
/** Where modules conventionally declare variables and local values: searched first. */
const CONVENTIONAL_MODULE_FILES = ['variables.tf', 'locals.tf', 'main.tf'];
const moduleValuesOfFile = new AttachedCache<HclFile, ReadonlyMap<string, HclValue>>('comprehension.moduleValues');

/**
 * The string values (`var.name` → default, `local.name` → value) that the module's other `.tf`
 * files give to what `file`'s load calls reference and `file` does not declare. Each of those files
 * is read through the workspace's bounded reader and parsed for just the `variable` and `locals`
 * blocks wanted; once per parsed file.
 */
function moduleValues(file: HclFile, loaded: LoadedFiles): ReadonlyMap<string, HclValue> {
  const cached = moduleValuesOfFile.get(file);
  if (cached) return cached;
  const values = new Map<string, HclValue>();
  moduleValuesOfFile.set(file, values);
  const references = loadCallReferences(file.text);
  const variables = new Set([...references.variables].filter((name) => !declaration(file, 'var', name).declared));
  const locals = new Set([...references.locals].filter((name) => !declaration(file, 'local', name).declared));
  if (loaded.list === undefined || variables.size + locals.size === 0) return values;
  const own = posix.basename(loaded.path);
  const rank = (name: string): number => {
    const index = CONVENTIONAL_MODULE_FILES.indexOf(name);
    return index < 0 ? CONVENTIONAL_MODULE_FILES.length : index;
  };
  const siblings = (loaded.list(loaded.folder) ?? [])
    .filter((name) => name.endsWith('.tf') && name !== own)
    .sort((a, b) => rank(a) - rank(b))
    .slice(0, MAX_MODULE_FILES);
  // Each file is read once; a value found in one may name others (`"${var.env}"`), wanted in a next pass.
  const texts = new Map<string, string | undefined>();
  const settled = new Set<string>();
  for (let pass = 0; pass < MAX_REFERENCE_DEPTH && variables.size + locals.size > 0; pass++) {
    const named: { scope: string; name: string }[] = [];
    for (const name of siblings) {
      if (variables.size + locals.size === 0) break;
      if (!texts.has(name)) texts.set(name, loaded.read(loaded.folder === '' ? name : `${loaded.folder}/${name}`));
      const text = texts.get(name);
      if (text === undefined || !/\b(?:variable|locals)\b/.test(text)) continue;
      let document: ReturnType<typeof parseLanguageDocument> | undefined;
      try {
        document = parseLanguageDocument('terraform', text, {
          terraformBlocks: (block) => (block.type === 'variable' && variables.has(block.labels[0] ?? '')) || (block.type === 'locals' && locals.size > 0),
        });
        const sibling = hclFile(document);
        const take = (scope: 'var' | 'local', wanted: Set<string>): void => {
          for (const name of [...wanted]) {
            const found = declaration(sibling, scope, name);
            if (!found.declared) continue;
            wanted.delete(name);
            settled.add(`${scope}.${name}`);
            // Only a string can be a path; read now, before the tree it is converted from is freed.
            if (found.value?.kind !== 'string') continue;
            values.set(`${scope}.${name}`, found.value);
            if (found.value.interpolated) for (const match of found.value.value.matchAll(INTERPOLATED_REFERENCE)) named.push({ scope: match[1], name: match[2] });
          }
        };
        take('var', variables);
        take('local', locals);
      } catch {
        // A module file that cannot be parsed declares nothing this file can use.
      } finally {
        disposeDocument(document);
      }
    }
    for (const { scope, name } of named) {
      if (settled.has(`${scope}.${name}`) || declaration(file, scope as 'var' | 'local', name).declared) continue;
      (scope === 'var' ? variables : locals).add(name);
    }
  }
  return values;
}

/** The statements of a policy document a `file()` or `templatefile()` call loads from a path known here. */
function loadedStatements(value: HclValue, owner: HclBlock, holder: string, loaded: LoadedFiles, file: HclFile): PolicyStatement[] {
  if (value.kind !== 'call' || (value.name !== 'file' && value.name !== 'templatefile') || value.args.length === 0) return [];
  const argument = pathValue(value.args[0], file, loaded);
  const path = argument === undefined ? undefined : loadedPath(argument, loaded.folder);
  if (path === undefined) return [];
  const text = loaded.read(path);
  if (text === undefined || !/"Statement"/i.test(text)) return [];
  const parsed = parsePolicyJson(text);
  const statement = isRecord(parsed) ? entryOf(parsed, 'Statement') : undefined;
  const items = Array.isArray(statement) ? statement : statement === undefined ? [] : [statement];
  return items.filter(isRecord).map((item) => ({ ...jsonStatement(item, value.start, value.end, owner, holder), loadedFrom: path }));
}

/**
 * The workspace path of a literal `"policies/admin.json"` or `"${path.module}/policies/admin.json"`
 * (written in the call, a variable's default or a local value),
 * from the Terraform file's folder (a root module's working directory is its folder); undefined
 * for any other expression.
 */
function loadedPath(argument: HclValue, folder: string): string | undefined {
  if (argument.kind !== 'string') return undefined;
  let path = argument.value;
  if (argument.interpolated) {
    const match = /^\$\{\s*path\.module\s*\}\/(.*)$/.exec(path);
    if (match === null || /[$%]\{/.test(match[1])) return undefined;
    path = match[1];
  }
  const joined = posix.normalize(folder === '' ? path : `${folder}/${path}`);
  return unconfinedPathProblem(joined) === undefined ? joined : undefined;
}

function documentStatement(block: HclBlock, owner: HclBlock): PolicyStatement {
  const effectValue = attribute(block, 'effect')?.value;
  const effect = effectValue === undefined ? 'Allow' : literalString(effectValue);
  const notActions = attribute(block, 'not_actions');
  const notResources = attribute(block, 'not_resources');
  let principal: PolicyStatement['principal'] = 'none';
  for (const principals of block.blocks.filter((child) => child.type === 'principals' || child.type === 'not_principals')) {
    const type = literalString(attribute(principals, 'type')?.value);
    const identifiers = literalStrings(attribute(principals, 'identifiers')?.value);
    const anyone = (type === '*' || type === 'AWS') && identifiers.includes('*');
    principal = principal === 'anyone' || anyone ? 'anyone' : type === undefined || identifiers.includes(undefined) ? 'unknown' : 'specific';
  }
  return {
    effect,
    actions: literalStrings((notActions ?? attribute(block, 'actions'))?.value),
    notAction: notActions !== undefined,
    resources: literalStrings((notResources ?? attribute(block, 'resources'))?.value),
    notResource: notResources !== undefined,
    principal,
    hasCondition: block.blocks.some((child) => child.type === 'condition'),
    start: block.start,
    end: block.end,
    owner,
    holder: 'statement',
  };
}

/** A value that may hold a policy document: `jsonencode({...})` or JSON text. */
function attributeStatements(value: HclValue, owner: HclBlock, holder: string): PolicyStatement[] {
  if (value.kind === 'call' && value.name === 'jsonencode' && value.args.length === 1) {
    const document = value.args[0];
    if (document.kind !== 'object') return [];
    const statement = document.entries.find((entry) => entry.key?.toLowerCase() === 'statement')?.value;
    if (statement === undefined) return [];
    const items = statement.kind === 'tuple' ? statement.items : [statement];
    return items.flatMap((item) => {
      const plain = toPlain(item);
      return isRecord(plain) ? [jsonStatement(plain, item.start, item.end, owner, holder)] : [];
    });
  }
  if (value.kind === 'string' && /"Statement"/i.test(value.value)) {
    const parsed = parsePolicyJson(value.value);
    const statement = isRecord(parsed) ? entryOf(parsed, 'Statement') : undefined;
    const items = Array.isArray(statement) ? statement : statement === undefined ? [] : [statement];
    return items.filter(isRecord).map((item) => jsonStatement(item, value.start, value.end, owner, holder));
  }
  return [];
}

/** JSON text of a policy; interpolations outside JSON strings (`"Resource": ${jsonencode(var.arns)}`) become unknown values. */
function parsePolicyJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    try {
      return JSON.parse(text.replace(/\$\{[^}]*\}/g, '0'));
    } catch {
      return undefined;
    }
  }
}

/** Marks a value that is not literal (a reference, a call) in the plain form of a `jsonencode` argument. */
const UNKNOWN = Symbol('unknown');

function toPlain(value: HclValue): unknown {
  switch (value.kind) {
    case 'string':
      return value.interpolated ? UNKNOWN : value.value;
    case 'number':
    case 'bool':
      return value.value;
    case 'tuple':
      return value.items.map(toPlain);
    case 'object': {
      const result: Record<string, unknown> = {};
      for (const entry of value.entries) if (entry.key !== undefined) result[entry.key] = toPlain(entry.value);
      return result;
    }
    default:
      return UNKNOWN;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** IAM reads element names case-sensitively, but hand-written Terraform sometimes lower-cases them; accept both. */
function entryOf(record: Record<string, unknown>, name: string): unknown {
  if (name in record) return record[name];
  const lower = name.toLowerCase();
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === lower);
  return key === undefined ? undefined : record[key];
}

function strings(value: unknown): (string | undefined)[] {
  if (value === undefined) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.map((item) => (typeof item === 'string' && !item.includes('${') ? item : undefined));
}

function jsonStatement(record: Record<string, unknown>, start: number, end: number, owner: HclBlock, holder: string): PolicyStatement {
  const effect = entryOf(record, 'Effect');
  const notAction = entryOf(record, 'NotAction');
  const notResource = entryOf(record, 'NotResource');
  const principal = entryOf(record, 'Principal') ?? entryOf(record, 'NotPrincipal');
  return {
    effect: typeof effect === 'string' ? effect : undefined,
    actions: strings(notAction ?? entryOf(record, 'Action')),
    notAction: notAction !== undefined,
    resources: strings(notResource ?? entryOf(record, 'Resource')),
    notResource: notResource !== undefined,
    principal: principalOf(principal),
    hasCondition: entryOf(record, 'Condition') !== undefined,
    start,
    end,
    owner,
    holder,
  };
}

function principalOf(principal: unknown): PolicyStatement['principal'] {
  if (principal === undefined) return 'none';
  if (principal === '*') return 'anyone';
  if (!isRecord(principal)) return 'unknown';
  const aws = entryOf(principal, 'AWS');
  if (aws === '*' || (Array.isArray(aws) && aws.includes('*'))) return 'anyone';
  return Object.values(principal).some((value) => value === UNKNOWN) ? 'unknown' : 'specific';
}

/** How a message names a block: its Terraform address (`aws_iam_policy.deploy`, `data.aws_iam_policy_document.read`), else its header. */
export function blockAddress(block: HclBlock): string {
  const [first, second] = block.labels;
  if (block.type === 'resource' && first !== undefined && second !== undefined) return `${first}.${second}`;
  if (block.type === 'data' && first !== undefined && second !== undefined) return `data.${first}.${second}`;
  if (block.type === 'module' && first !== undefined) return `module.${first}`;
  return [block.type, ...block.labels.map((label) => `"${label}"`)].join(' ');
}
