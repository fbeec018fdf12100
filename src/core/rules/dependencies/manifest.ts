import * as nodePath from 'node:path';
import type { PackageManifestInfo } from '../rule';
import { workspaceRelativePath } from '../../workspace/paths';
import { type BoundedReadOptions, readBoundedTextFileSync, resolvedRoot } from '../../workspace/fs';
import { dependencyConfigKind } from './config-files';
import { isPythonManifestPath, PythonProjectCache } from './python-project';
import { languageOfPath } from '../../languages/language';
import { isWorkspacePackage, type LinkedWorkspace, ResolutionReader, type ResolvedManifestInfo, workspaceGlobs } from './resolution';

/** The file name the dependency rules look for. */
export const MANIFEST_FILE_NAME = 'package.json';

/** The package.json fields whose keys are package names the code may import. */
export const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'] as const;

/**
 * Reads a file as UTF-8 text, or returns undefined when there is no such file. May throw for
 * other failures (permissions); callers turn that into a {@link ManifestProblem}. Injectable so the
 * server can serve unsaved editor buffers and tests can count reads.
 */
export type ManifestReader = (absolutePath: string) => string | undefined;

/** A package.json is refused above this size (the largest real ones are a few hundred KiB). */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/**
 * Reads from disk through the bounded path, confined to `root` when given; a missing file (or a
 * folder in the way) is `undefined`, a refused one (a link out of the workspace, a device, too
 * large) throws with the reason.
 */
export function manifestReaderFor(root?: string): ManifestReader {
  // Resolved on the first read, not on every one: a check looks for a package.json in each folder up
  // from each file. A root that could not be resolved is tried again at the next read.
  let confinement: Pick<BoundedReadOptions, 'root' | 'rootIsReal'> | undefined;
  return (absolutePath) => {
    const current = confinement ?? (root === undefined ? {} : resolvedRoot(root));
    if (root === undefined || current.rootIsReal === true) confinement = current;
    const read = readBoundedTextFileSync(absolutePath, { root: current.root, rootIsReal: current.rootIsReal, maxBytes: MAX_MANIFEST_BYTES });
    if (read.kind === 'ok') return read.text;
    if (read.kind === 'missing' || read.cause === 'folder') return undefined;
    throw new Error(read.reason);
  };
}

/** Reads from disk, unconfined (see {@link manifestReaderFor}). */
export const readManifestFromDisk: ManifestReader = manifestReaderFor();

/** A package.json that exists but cannot be used. */
export interface ManifestProblem {
  /** Workspace-relative POSIX path, as in {@link PackageManifestInfo.path}. */
  path: string;
  absolutePath: string;
  /** Says what is wrong and where, e.g. `packages/api/package.json: invalid JSON at line 3, column 5: ...`. */
  message: string;
  /** 1-based position of a JSON syntax error, when known. */
  line?: number;
  column?: number;
}

/** The outcome of parsing one package.json text. */
export type ManifestParseResult =
  | {
      ok: true;
      manifest: PackageManifestInfo;
      /**
       * False for a package.json with no `name` and no dependency fields, such as `{"type": "module"}`
       * dropped into a subfolder to switch its module format: it does not govern dependencies, so
       * the lookup keeps walking up past it.
       */
      governsDependencies: boolean;
      /**
       * True for a package nobody installs from a registry: no `name`, or `"private": true` (a test
       * fixture, an example, a tool folder). Its imports resolve through the `node_modules` folders
       * above it, so what the package.json files above it declare counts for it too.
       */
      unpublished: boolean;
      /** The workspace globs when this is an npm or yarn workspace root (`workspaces`). */
      workspaces?: string[];
    }
  | { ok: false; message: string; line?: number; column?: number };

/**
 * Parses package.json text. `path` is the workspace-relative path stored in the result. Never
 * throws: broken JSON and a non-object top level come back as `ok: false` with a message (and the
 * line and column of a syntax error). Fields of the wrong type are ignored, like npm does.
 *
 * `declared` holds the keys of the four dependency fields, plus `vscode` when `engines.vscode` is
 * set: the editor provides that module to the extensions that name it there.
 */
export function parseManifest(text: string, path: string): ManifestParseResult {
  // npm tolerates a byte-order mark; JSON.parse does not.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    // Node's own message quotes the text near the error, which may be a secret: give the position only.
    const offset = jsonErrorOffset(body);
    if (offset === undefined) return { ok: false, message: 'invalid JSON' };
    const { line, column } = lineAndColumn(body, offset);
    return { ok: false, message: `invalid JSON at line ${line}, column ${column}`, line, column };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, message: 'the top level must be a JSON object' };
  }
  const record = parsed as Record<string, unknown>;
  const declared = new Set<string>();
  let hasDependencyField = false;
  for (const field of DEPENDENCY_FIELDS) {
    const value = record[field];
    if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
    hasDependencyField = true;
    for (const name of Object.keys(value)) declared.add(name);
  }
  // A VS Code extension states its dependency on the host's `vscode` module in `engines`.
  const engines = record.engines;
  if (typeof engines === 'object' && engines !== null && typeof (engines as Record<string, unknown>).vscode === 'string') {
    declared.add('vscode');
  }
  const name = typeof record.name === 'string' && record.name.length > 0 ? record.name : undefined;
  const manifest: PackageManifestInfo = name === undefined ? { path, declared } : { path, declared, name };
  const bin = record.bin;
  if ((typeof bin === 'string' && bin.length > 0) || (typeof bin === 'object' && bin !== null && !Array.isArray(bin) && Object.keys(bin).length > 0)) manifest.hasBin = true;
  const workspaces = workspaceGlobs(record, undefined);
  const result: ManifestParseResult = { ok: true, manifest, governsDependencies: hasDependencyField || name !== undefined, unpublished: name === undefined || record.private === true };
  if (workspaces) result.workspaces = workspaces;
  return result;
}

/** What governs a file's dependencies. */
export type ManifestLookup =
  | { kind: 'found'; manifest: PackageManifestInfo; absolutePath: string }
  /** The nearest package.json is broken. The rules get no manifest (they stay silent rather than report every import). */
  | { kind: 'invalid'; problem: ManifestProblem }
  /** No package.json between the file and the workspace root. */
  | { kind: 'none' };

/** Options for {@link ManifestCache}. */
export interface ManifestCacheOptions {
  /** Absolute path of the workspace folder: the lookup never goes above it. */
  workspaceRoot: string;
  /** Defaults to {@link readManifestFromDisk}. */
  readFile?: ManifestReader;
}

type CacheEntry =
  | { kind: 'absent' }
  | { kind: 'parsed'; manifest: PackageManifestInfo; governsDependencies: boolean; unpublished: boolean; workspaces?: string[] }
  | { kind: 'invalid'; problem: ManifestProblem };

/**
 * Finds and parses the package.json that governs each file, remembering every package.json it
 * read (and every folder that has none) by absolute path. Call {@link invalidate} when a
 * package.json is created, changed or deleted.
 */
export class ManifestCache {
  private readonly root: string;
  private readonly readFile: ManifestReader;
  private readonly entries = new Map<string, CacheEntry>();
  /** What {@link lookup} found per folder: every file of a folder has the same answer, and a check asks once per file. */
  private readonly lookups = new Map<string, ManifestLookup>();
  private readonly resolution: ResolutionReader;
  /** Python files are governed by Python manifests (requirements, pyproject.toml…), not package.json. */
  readonly python: PythonProjectCache;

  constructor(options: ManifestCacheOptions) {
    this.root = nodePath.resolve(options.workspaceRoot);
    this.readFile = options.readFile ?? manifestReaderFor(this.root);
    this.python = new PythonProjectCache({ workspaceRoot: this.root, readFile: this.readFile });
    this.resolution = new ResolutionReader(this.root, (manifestPath) => {
      const entry = this.entry(manifestPath);
      return entry.kind === 'parsed' ? entry.manifest : undefined;
    });
  }

  /**
   * The package.json nearest to `filePath` (absolute, or relative to the workspace root), walking
   * up from the file's folder to the workspace root inclusive. Files outside the root have none.
   */
  lookup(filePath: string): ManifestLookup {
    const fileFolder = nodePath.dirname(nodePath.resolve(this.root, filePath));
    let found = this.lookups.get(fileFolder);
    if (found === undefined) this.lookups.set(fileFolder, (found = this.lookupFolder(fileFolder)));
    return found;
  }

  private lookupFolder(fileFolder: string): ManifestLookup {
    if (!this.contains(fileFolder)) return { kind: 'none' };
    let folder = fileFolder;
    // A package.json that declares nothing (a named sub-package of a monorepo, a test fixture)
    // defers to the one above it; it governs only when nothing above does.
    let deferred: { manifest: PackageManifestInfo; absolutePath: string } | undefined;
    let governing: { manifest: PackageManifestInfo; absolutePath: string; folder: string } | undefined;
    /** Whether the declarations above still count: the governing package, and each above it so far, is unpublished. */
    let inheritsFromAbove = false;
    /** Whether the governing package itself is unpublished (private or unnamed). */
    let governingUnpublished = false;
    /** The workspace that links its packages into the governing one's imports, when it is an unpublished member. */
    let linkedWorkspace: LinkedWorkspace | undefined;
    /** The folder whose lockfile installs the governing package: its own, or its workspace's root. */
    let installedBy: string | undefined;
    let scaffoldTemplate = false;
    for (;;) {
      const manifestPath = nodePath.join(folder, MANIFEST_FILE_NAME);
      const entry = this.entry(manifestPath);
      if (governing === undefined) {
        if (entry.kind === 'invalid') return { kind: 'invalid', problem: entry.problem };
        if (entry.kind === 'parsed' && entry.governsDependencies) {
          if (entry.manifest.declared.size === 0 && deferred === undefined) deferred = { manifest: entry.manifest, absolutePath: manifestPath };
          else if (entry.manifest.declared.size > 0) {
            governing = { manifest: withName(entry.manifest, deferred?.manifest.name), absolutePath: manifestPath, folder };
            inheritsFromAbove = entry.unpublished;
            governingUnpublished = entry.unpublished;
            installedBy = folder;
          }
        }
      } else {
        // An unpublished package (a fixture, an example) is installed nowhere else: its imports
        // resolve through the node_modules folders above it, where the enclosing package's
        // declarations are installed, and that package vouches for the names.
        if (inheritsFromAbove && entry.kind === 'parsed' && entry.governsDependencies) {
          const above = entry.manifest.name === undefined ? entry.manifest.declared : new Set([...entry.manifest.declared, entry.manifest.name]);
          governing = { ...governing, manifest: withDeclared(governing.manifest, above) };
          inheritsFromAbove = entry.unpublished;
        }
        // Above the governing package.json only a workspace root matters: its declarations are
        // installed for every workspace package (npm, yarn and pnpm hoist or link them).
        const globs = entry.kind === 'parsed' ? entry.workspaces : undefined;
        const pnpm = this.resolution.readYaml(nodePath.join(folder, 'pnpm-workspace.yaml'));
        const allGlobs = globs || pnpm ? [...(globs ?? []), ...(workspaceGlobs(undefined, pnpm) ?? [])] : undefined;
        if (allGlobs) {
          const relativeFolder = workspaceRelativePath(folder, governing.folder);
          if (entry.kind === 'parsed' && relativeFolder !== undefined && isWorkspacePackage(allGlobs, relativeFolder)) {
            governing = { ...governing, manifest: withDeclared(governing.manifest, entry.manifest.declared) };
            if (governingUnpublished) linkedWorkspace = { root: folder, globs: allGlobs };
            installedBy = folder;
          }
          break;
        }
      }
      if (folder === this.root) break;
      const parent = nodePath.dirname(folder);
      if (parent === folder) break;
      folder = parent;
    }
    // Every command-line package up to the root, past a workspace root too: a template can be a
    // monorepo of its own (create-redwood-app's `templates/js/`). The entries are the walk's, cached.
    for (let above = fileFolder; !scaffoldTemplate; ) {
      const entry = this.entry(nodePath.join(above, MANIFEST_FILE_NAME));
      if (entry.kind === 'parsed' && entry.manifest.hasBin === true) scaffoldTemplate = inTemplateFolder(above, governing?.folder, fileFolder);
      const parent = nodePath.dirname(above);
      if (above === this.root || parent === above) break;
      above = parent;
    }
    const chosen = governing ?? deferred;
    if (!chosen) return { kind: 'none' };
    const manifest: ResolvedManifestInfo = { ...chosen.manifest, resolution: this.resolution.resolutionFor(fileFolder, linkedWorkspace, installedBy ?? nodePath.dirname(chosen.absolutePath)) };
    if (scaffoldTemplate) manifest.scaffoldTemplate = true;
    return { kind: 'found', manifest, absolutePath: chosen.absolutePath };
  }

  /**
   * The manifest to hand to `evaluate()`: the found one, or undefined when there is none or it is
   * broken. For a Python file, its Python project (see {@link PackageManifestInfo.python}).
   */
  manifestFor(filePath: string): PackageManifestInfo | undefined {
    if (languageOfPath(filePath.replace(/\\/g, '/')) === 'python') {
      const project = this.python.projectFor(filePath);
      return project === undefined ? undefined : { path: project.manifestPath, declared: project.declared, python: project };
    }
    const found = this.lookup(filePath);
    return found.kind === 'found' ? found.manifest : undefined;
  }

  /**
   * Forgets what was read at `path` (absolute, or relative to the workspace root) and, when it is a
   * folder, everything below it, so a deleted or renamed folder drops its package.json files too.
   */
  invalidate(path: string): void {
    const target = nodePath.resolve(this.root, path);
    const prefix = target.endsWith(nodePath.sep) ? target : target + nodePath.sep;
    // A package.json governs the folders below it, up to one that has its own: simplest to ask again.
    this.lookups.clear();
    for (const key of this.entries.keys()) {
      if (key === target || key.startsWith(prefix)) this.entries.delete(key);
    }
    this.resolution.invalidate(target);
    this.python.clear();
  }

  /**
   * A file changed on disk (absolute, or relative to the workspace root): forgets what depends on it
   * and says whether it was one the dependency rules read. A package.json is forgotten on its own;
   * a lockfile, tsconfig (whose `extends` others follow), import map or workspace file can change the
   * answers of any folder, so everything is read again.
   */
  fileChanged(path: string): boolean {
    if (isPythonManifestPath(path)) {
      this.python.clear();
      return true;
    }
    const kind = dependencyConfigKind(path);
    if (kind === 'manifest') this.invalidate(path);
    else if (kind === 'config') this.clear();
    return kind !== undefined;
  }

  /** Forgets everything, e.g. after the workspace root changes on disk wholesale. */
  clear(): void {
    this.entries.clear();
    this.lookups.clear();
    this.resolution.invalidate(this.root);
    this.python.clear();
  }

  private contains(folder: string): boolean {
    return workspaceRelativePath(this.root, folder) !== undefined;
  }

  private entry(manifestPath: string): CacheEntry {
    const cached = this.entries.get(manifestPath);
    if (cached) return cached;
    const entry = this.load(manifestPath);
    this.entries.set(manifestPath, entry);
    return entry;
  }

  private load(manifestPath: string): CacheEntry {
    const relativePath = workspaceRelativePath(this.root, manifestPath) ?? manifestPath;
    let text: string | undefined;
    try {
      text = this.readFile(manifestPath);
    } catch (error) {
      const message = `${relativePath}: could not be read: ${(error as Error).message}`;
      return { kind: 'invalid', problem: { path: relativePath, absolutePath: manifestPath, message } };
    }
    if (text === undefined) return { kind: 'absent' };
    const parsed = parseManifest(text, relativePath);
    if (parsed.ok) {
      const entry: CacheEntry = { kind: 'parsed', manifest: parsed.manifest, governsDependencies: parsed.governsDependencies, unpublished: parsed.unpublished };
      if (parsed.workspaces) entry.workspaces = parsed.workspaces;
      return entry;
    }
    const problem: ManifestProblem = { path: relativePath, absolutePath: manifestPath, message: `${relativePath}: ${parsed.message}` };
    if (parsed.line !== undefined) problem.line = parsed.line;
    if (parsed.column !== undefined) problem.column = parsed.column;
    return { kind: 'invalid', problem };
  }
}

/** Folders a scaffolding tool copies into the projects it creates. */
const TEMPLATE_FOLDER = /^(?:templates?|scaffolds?|boilerplates?|starters?|skeletons?)$/i;

/**
 * True when a command-line package at `packageFolder` holds the file in one of its template folders.
 * When the package.json that governs the file lies below the package, that one must be in the
 * template (`create-strapi-app/templates/example/`; an application beside the templates does not
 * count); else the file's own folder must (`create-next-app/templates/app/`).
 */
function inTemplateFolder(packageFolder: string, governingFolder: string | undefined, fileFolder: string): boolean {
  const governingBelow = governingFolder === undefined ? '' : folderBelow(packageFolder, governingFolder);
  const below = governingBelow.length > 0 ? governingBelow : folderBelow(packageFolder, fileFolder);
  return below.length > 0 && below.split(nodePath.sep).some((folder) => TEMPLATE_FOLDER.test(folder));
}

/** `folder` relative to `ancestor` when strictly below it, else empty. */
function folderBelow(ancestor: string, folder: string): string {
  const below = nodePath.relative(ancestor, folder);
  return below.startsWith('..') || nodePath.isAbsolute(below) ? '' : below;
}

/** One uncached lookup (the CLI checking a single file); see {@link ManifestCache.lookup}. */
export function findNearestManifest(filePath: string, workspaceRoot: string, readFile: ManifestReader = readManifestFromDisk): ManifestLookup {
  return new ManifestCache({ workspaceRoot, readFile }).lookup(filePath);
}

/** The governing manifest, with the deferring sub-package's own name counted as declared (it may import itself). */
function withName(manifest: PackageManifestInfo, name: string | undefined): PackageManifestInfo {
  if (name === undefined || name === manifest.name || manifest.declared.has(name)) return manifest;
  return { ...manifest, declared: new Set([...manifest.declared, name]) };
}

/** The governing manifest, with the workspace root's declarations added. */
function withDeclared(manifest: PackageManifestInfo, more: ReadonlySet<string>): PackageManifestInfo {
  return { ...manifest, declared: new Set([...manifest.declared, ...more]) };
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * The offset of the first JSON syntax error in `text`. JSON.parse reports positions in some Node
 * versions and not others, so this strict scanner (RFC 8259: no comments, no trailing commas)
 * finds it itself. Only runs after JSON.parse has already failed.
 */
function jsonErrorOffset(text: string): number | undefined {
  let at = 0;
  const fail = (): never => {
    throw new JsonScanError(at);
  };
  const skipSpace = (): void => {
    while (at < text.length && (text[at] === ' ' || text[at] === '\t' || text[at] === '\n' || text[at] === '\r')) at++;
  };
  const expect = (literal: string): void => {
    for (const char of literal) {
      if (text[at] !== char) fail();
      at++;
    }
  };
  const string = (): void => {
    expect('"');
    for (;;) {
      if (at >= text.length) fail();
      const char = text.charCodeAt(at);
      if (char === 0x22) {
        at++;
        return;
      }
      if (char < 0x20) fail();
      if (char === 0x5c) {
        at++;
        const escaped = text[at];
        if (escaped === 'u') {
          at++;
          for (let i = 0; i < 4; i++) {
            if (!/[0-9A-Fa-f]/.test(text[at] ?? '')) fail();
            at++;
          }
        } else if (escaped !== undefined && '"\\/bfnrt'.includes(escaped)) at++;
        else fail();
      } else at++;
    }
  };
  const number = (): void => {
    const match = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(text.slice(at, at + 400));
    if (!match) fail();
    at += match![0].length;
  };
  const value = (): void => {
    skipSpace();
    const char = text[at];
    if (char === '{') {
      at++;
      skipSpace();
      if (text[at] === '}') {
        at++;
        return;
      }
      for (;;) {
        skipSpace();
        string();
        skipSpace();
        expect(':');
        value();
        skipSpace();
        if (text[at] === ',') at++;
        else if (text[at] === '}') {
          at++;
          return;
        } else fail();
      }
    } else if (char === '[') {
      at++;
      skipSpace();
      if (text[at] === ']') {
        at++;
        return;
      }
      for (;;) {
        value();
        skipSpace();
        if (text[at] === ',') at++;
        else if (text[at] === ']') {
          at++;
          return;
        } else fail();
      }
    } else if (char === '"') string();
    else if (char === 't') expect('true');
    else if (char === 'f') expect('false');
    else if (char === 'n') expect('null');
    else number();
  };
  try {
    value();
    skipSpace();
    if (at < text.length) fail();
    return undefined;
  } catch (error) {
    if (error instanceof JsonScanError) return error.offset;
    // Nesting deep enough to overflow the stack: no position, the message still says it is invalid.
    return undefined;
  }
}

class JsonScanError extends Error {
  constructor(readonly offset: number) {
    super(`JSON syntax error at ${offset}`);
  }
}
