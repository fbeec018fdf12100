import * as nodePath from 'node:path';
import { readdirSync, statSync } from 'node:fs';
import picomatch from 'picomatch';
import { ts } from 'ts-morph';
import { parse as parseYaml } from 'yaml';
import type { PackageManifestInfo } from '../rule';
import { type BoundedReadOptions, readBoundedFileSync, readBoundedTextFileSync, resolvedRoot } from '../../workspace/fs';
import { workspaceRelativePath } from '../../workspace/paths';
import { firstMatchingPattern } from './name-patterns';

/**
 * What else in the workspace accounts for an import besides the governing package.json: the
 * workspace root's declarations, tsconfig path aliases, Deno import maps, every package.json in the
 * tree and what is installed. Attached to the manifest the rules receive
 * ({@link ResolvedManifestInfo}); everything behind it is read lazily, so a file whose imports
 * are all declared never pays for it.
 */
export interface ImportResolution {
  /** Whether something other than the governing package.json makes `specifier` resolvable without it being an npm dependency of this package. */
  accountsFor(specifier: string, packageName: string): boolean;
  /** Whether any package.json in the workspace (root or nested, outside node_modules) declares or is named `packageName`. */
  declaredInWorkspace(packageName: string): boolean;
  /** Whether a package.json in the workspace is named `packageName` (a sibling package, linked rather than installed). */
  workspacePackage(packageName: string): boolean;
  /** Whether `node_modules/<packageName>/package.json` exists in the file's folder or one above it, up to the workspace root. */
  installed(packageName: string): boolean;
  /**
   * Whether the nearest lockfile (package-lock.json, npm-shrinkwrap.json, yarn.lock, pnpm-lock.yaml,
   * bun.lock) leaves `packageName` out. False when there is no lockfile or it cannot be read: no
   * lockfile says nothing about any one package.
   */
  lockfileLacks(packageName: string): boolean;
  /** Whether the nearest lockfile names `packageName`; false when there is none or it cannot be read. */
  lockfileMentions(packageName: string): boolean;
}

/** A manifest with the rest of the workspace's view of imports attached. */
export interface ResolvedManifestInfo extends PackageManifestInfo {
  resolution?: ImportResolution;
}

/** The resolution attached to `manifest`, when the manifest came from a {@link ManifestCache}. */
export function resolutionOf(manifest: PackageManifestInfo | undefined): ImportResolution | undefined {
  return (manifest as ResolvedManifestInfo | undefined)?.resolution;
}

/** The default framework virtual modules (policy `dependencies.virtualModules`). */
export { DEFAULT_VIRTUAL_MODULES } from '../../policy/policy';

/**
 * The lower-case client modules `@docusaurus/core` provides (its `module-type-aliases`); every
 * other lower-case `@docusaurus/` name is a real package (`core`, `preset-classic`).
 */
const DOCUSAURUS_CLIENT_MODULES = /^@docusaurus\/(?:[A-Z]|use[A-Z]|(?:router|renderRoutes|isInternalUrl|interpolate|constants)$)/;

/**
 * Whether the import is one of `patterns` (policy `dependencies.virtualModules`). `@docusaurus/*`
 * names both the framework's virtual modules (`@docusaurus/Link`, `@docusaurus/router`) and its
 * real packages (`@docusaurus/core`): the real ones stay checked.
 */
export function isVirtualModule(patterns: readonly unknown[], specifier: string, packageName: string): boolean {
  if (firstMatchingPattern(patterns, packageName, specifier) === undefined) return false;
  if (packageName.startsWith('@docusaurus/')) return DOCUSAURUS_CLIENT_MODULES.test(packageName);
  return true;
}

/** Bounds for the one walk of the workspace that finds every package.json. */
const MAX_SCANNED_FOLDERS = 20_000;
const MAX_SCAN_DEPTH = 12;
/** Config files are small; anything larger is not one a person wrote. */
const MAX_CONFIG_BYTES = 1024 * 1024;
/** `extends` chains longer than this are a cycle or abuse. */
const MAX_EXTENDS = 8;
/** Lockfiles of large monorepos reach tens of MiB; beyond this one is not read and says nothing. */
const MAX_LOCKFILE_BYTES = 64 * 1024 * 1024;
/** Text lockfiles, in the order package managers prefer them when several sit side by side. */
const LOCKFILE_NAMES = ['package-lock.json', 'npm-shrinkwrap.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock'];

/** Parses JSON with comments and trailing commas (tsconfig, deno.jsonc); undefined when it is not an object. */
export function parseJsonc(text: string): Record<string, unknown> | undefined {
  const parsed = ts.parseConfigFileTextToJson('config.json', text);
  const value: unknown = parsed.config;
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A path alias from tsconfig `paths`: `@app/*` is a prefix, `config` is exact. */
interface PathAliases {
  patterns: string[];
  /** Absolute folder of `baseUrl`, when set: bare specifiers naming something in it are files, not packages. */
  baseUrl?: string;
}

/** A lockfile's text (absent when it could not be read) and the answers already found in it. */
interface Lockfile {
  text?: string;
  names: Map<string, boolean>;
}

/** What a walk of the workspace's package.json files found (see `ResolutionReader.scanWorkspace`). */
interface WorkspaceNames {
  /** Every name declared by, or naming, a package.json. */
  declared: Set<string>;
  /** Every package.json's own name. */
  packages: Set<string>;
  /** The folders (absolute) of the package.json files of each name. */
  packageFolders: Map<string, string[]>;
}

/**
 * An npm, yarn or pnpm workspace whose packages a package of it imports without declaring them:
 * the package manager links every workspace package into the root's node_modules, and an
 * unpublished package (a private app of the monorepo) is only ever installed there. A published one
 * is installed elsewhere too, without its siblings, so it gets no such link.
 */
export interface LinkedWorkspace {
  /** The workspace root folder (absolute). */
  root: string;
  /** Its package globs (`workspaces`, `pnpm-workspace.yaml` `packages`). */
  globs: readonly string[];
}

/** Import-map keys: a key ending in `/` maps a prefix, any other key one specifier. */
type ImportMapKeys = readonly string[];

/**
 * The reads behind {@link ImportResolution}, each cached by absolute path for the lifetime of
 * the owning manifest cache, and confined to the workspace root.
 */
export class ResolutionReader {
  private readonly configs = new Map<string, Record<string, unknown> | undefined>();
  private readonly aliases = new Map<string, PathAliases | undefined>();
  private readonly importMaps = new Map<string, ImportMapKeys | undefined>();
  private readonly installedAt = new Map<string, boolean>();
  /** The lockfile of a folder (null: none there), with the names already looked up in it. */
  private readonly lockfiles = new Map<string, Lockfile | null>();
  private workspaceNames: WorkspaceNames | undefined;

  constructor(
    private readonly root: string,
    /** Parsed package.json files by absolute path (the manifest cache's own reads). */
    private readonly declaredIn: (manifestPath: string) => PackageManifestInfo | undefined,
  ) {}

  /** The root's real path, resolved once for the many probes (a lockfile, config or installed package per folder up). */
  private resolvedRootOptions: Pick<BoundedReadOptions, 'root' | 'rootIsReal'> | undefined;

  private confinement(): Pick<BoundedReadOptions, 'root' | 'rootIsReal'> {
    return (this.resolvedRootOptions ??= resolvedRoot(this.root));
  }

  /** Forgets everything at or below `target` (absolute). */
  invalidate(target: string): void {
    const prefix = target.endsWith(nodePath.sep) ? target : target + nodePath.sep;
    // The root itself or a folder above it changed: it may lead elsewhere now.
    if (target === this.root || this.root.startsWith(prefix)) this.resolvedRootOptions = undefined;
    for (const map of [this.configs, this.aliases, this.importMaps, this.installedAt, this.lockfiles] as Map<string, unknown>[]) {
      for (const key of map.keys()) if (key === target || key.startsWith(prefix)) map.delete(key);
    }
    this.workspaceNames = undefined;
  }

  /**
   * The resolution for a file in `folder` (absolute). `linkedWorkspace` is the workspace whose
   * packages the file's package gets linked without declaring them: see {@link LinkedWorkspace}.
   * `installedBy` is the highest folder whose lockfile installs the file's package (its own folder,
   * or its workspace's root): a lockfile above it is another project's and says nothing of what this
   * one installed (a theme shipped inside an application, with its own package.json).
   */
  resolutionFor(folder: string, linkedWorkspace?: LinkedWorkspace, installedBy?: string): ImportResolution {
    return {
      accountsFor: (specifier, packageName) =>
        this.isAlias(folder, specifier, packageName) || this.isMapped(folder, specifier, packageName) || (linkedWorkspace !== undefined && this.isWorkspaceMember(linkedWorkspace, packageName)),
      declaredInWorkspace: (packageName) => this.scanWorkspace().declared.has(packageName),
      workspacePackage: (packageName) => this.scanWorkspace().packages.has(packageName),
      installed: (packageName) => this.isInstalled(folder, packageName),
      lockfileLacks: (packageName) => this.lockfileAnswer(folder, packageName, installedBy) === false,
      // Any lockfile that names a package shows the name exists, whichever project it installs.
      lockfileMentions: (packageName) => this.lockfileAnswer(folder, packageName) === true,
    };
  }

  /** Whether the lockfile nearest to `folder` (up to `highest`) names the package; undefined when there is no readable lockfile. */
  private lockfileAnswer(folder: string, packageName: string, highest?: string): boolean | undefined {
    const lockfile = this.lockfileFor(folder, highest);
    if (lockfile?.text === undefined) return undefined;
    let mentioned = lockfile.names.get(packageName);
    if (mentioned === undefined) {
      mentioned = mentionsPackage(lockfile.text, packageName);
      lockfile.names.set(packageName, mentioned);
    }
    return mentioned;
  }

  /** A JSON (or JSON-with-comments) config file, or undefined when absent, refused or not an object. */
  readConfig(absolutePath: string): Record<string, unknown> | undefined {
    if (this.configs.has(absolutePath)) return this.configs.get(absolutePath);
    const read = readBoundedTextFileSync(absolutePath, { ...this.confinement(), maxBytes: MAX_CONFIG_BYTES });
    const config = read.kind === 'ok' ? parseJsonc(read.text) : undefined;
    this.configs.set(absolutePath, config);
    return config;
  }

  /** A YAML file's top-level mapping, or undefined. */
  readYaml(absolutePath: string): Record<string, unknown> | undefined {
    if (this.configs.has(absolutePath)) return this.configs.get(absolutePath);
    const read = readBoundedTextFileSync(absolutePath, { ...this.confinement(), maxBytes: MAX_CONFIG_BYTES });
    let config: Record<string, unknown> | undefined;
    if (read.kind === 'ok') {
      try {
        const value: unknown = parseYaml(read.text);
        config = isRecord(value) ? value : undefined;
      } catch {
        config = undefined;
      }
    }
    this.configs.set(absolutePath, config);
    return config;
  }

  /** The folders from `folder` up to the workspace root, nearest first. */
  private *foldersUp(folder: string): Generator<string> {
    let current = folder;
    for (;;) {
      if (workspaceRelativePath(this.root, current) === undefined) return;
      yield current;
      if (current === this.root) return;
      const parent = nodePath.dirname(current);
      if (parent === current) return;
      current = parent;
    }
  }

  private isAlias(folder: string, specifier: string, packageName: string): boolean {
    const aliases = this.aliasesFor(folder);
    if (!aliases) return false;
    for (const pattern of aliases.patterns) {
      const star = pattern.indexOf('*');
      if (star < 0 ? specifier === pattern : specifier.startsWith(pattern.slice(0, star)) && specifier.endsWith(pattern.slice(star + 1))) return true;
    }
    // With `baseUrl`, `utils/date` may be `<baseUrl>/utils/date.ts`: a name that exists there is a file.
    if (aliases.baseUrl !== undefined) return existsUnder(aliases.baseUrl, packageName);
    return false;
  }

  /** Path aliases of the nearest tsconfig.json or jsconfig.json, `extends` followed within the workspace. */
  private aliasesFor(folder: string): PathAliases | undefined {
    if (this.aliases.has(folder)) return this.aliases.get(folder);
    let found: PathAliases | undefined;
    for (const candidate of this.foldersUp(folder)) {
      const configPath = ['tsconfig.json', 'jsconfig.json'].map((name) => nodePath.join(candidate, name)).find((path) => this.readConfig(path) !== undefined);
      if (configPath) {
        found = this.compilerAliases(configPath);
        break;
      }
    }
    this.aliases.set(folder, found);
    return found;
  }

  private compilerAliases(configPath: string): PathAliases | undefined {
    const patterns: string[] = [];
    let baseUrl: string | undefined;
    let hasPaths = false;
    const seen = new Set<string>();
    // Nearest first: the extending config's `paths` replace the base's, as in TypeScript.
    let current: string | undefined = configPath;
    while (current !== undefined && !seen.has(current) && seen.size < MAX_EXTENDS) {
      seen.add(current);
      const config = this.readConfig(current);
      if (!config) break;
      const options = isRecord(config.compilerOptions) ? config.compilerOptions : {};
      if (!hasPaths && isRecord(options.paths)) {
        hasPaths = true;
        patterns.push(...Object.keys(options.paths));
      }
      if (baseUrl === undefined && typeof options.baseUrl === 'string') baseUrl = nodePath.resolve(nodePath.dirname(current), options.baseUrl);
      current = typeof config.extends === 'string' ? this.extendedConfig(current, config.extends) : undefined;
    }
    if (!hasPaths && baseUrl === undefined) return undefined;
    return baseUrl === undefined || workspaceRelativePath(this.root, baseUrl) === undefined ? { patterns } : { patterns, baseUrl };
  }

  /** A relative `extends` inside the workspace; a package's shared config (`@tsconfig/node20`) has no project aliases. */
  private extendedConfig(fromConfig: string, target: string): string | undefined {
    if (!target.startsWith('.')) return undefined;
    let resolved = nodePath.resolve(nodePath.dirname(fromConfig), target);
    if (!resolved.endsWith('.json')) resolved += '.json';
    return workspaceRelativePath(this.root, resolved) === undefined ? undefined : resolved;
  }

  private isMapped(folder: string, specifier: string, packageName: string): boolean {
    const keys = this.importMapFor(folder);
    if (!keys) return false;
    return keys.some((key) => (key.endsWith('/') ? specifier.startsWith(key) || packageName === key.slice(0, -1) : specifier === key || packageName === key));
  }

  /** Keys of the nearest Deno import map: `deno.json(c)` `imports`, its `importMap` file, or an `import_map.json` beside it. */
  private importMapFor(folder: string): ImportMapKeys | undefined {
    if (this.importMaps.has(folder)) return this.importMaps.get(folder);
    let keys: string[] | undefined;
    for (const candidate of this.foldersUp(folder)) {
      const collected: string[] = [];
      let any = false;
      for (const name of ['deno.json', 'deno.jsonc']) {
        const config = this.readConfig(nodePath.join(candidate, name));
        if (!config) continue;
        any = true;
        if (isRecord(config.imports)) collected.push(...Object.keys(config.imports));
        if (typeof config.importMap === 'string') collected.push(...this.importMapKeys(nodePath.resolve(candidate, config.importMap)));
      }
      const beside = nodePath.join(candidate, 'import_map.json');
      if (this.readConfig(beside)) {
        any = true;
        collected.push(...this.importMapKeys(beside));
      }
      if (any) {
        keys = collected;
        break;
      }
    }
    this.importMaps.set(folder, keys);
    return keys;
  }

  private importMapKeys(path: string): string[] {
    if (workspaceRelativePath(this.root, path) === undefined) return [];
    const map = this.readConfig(path);
    const keys = map && isRecord(map.imports) ? Object.keys(map.imports) : [];
    if (map && isRecord(map.scopes)) {
      for (const scope of Object.values(map.scopes)) if (isRecord(scope)) keys.push(...Object.keys(scope));
    }
    return keys;
  }

  private isInstalled(folder: string, packageName: string): boolean {
    for (const candidate of this.foldersUp(folder)) {
      const manifestPath = nodePath.join(candidate, 'node_modules', ...packageName.split('/'), 'package.json');
      let installed = this.installedAt.get(manifestPath);
      if (installed === undefined) {
        // Only whether it is there and readable: a few bytes prove it without parsing.
        installed = readBoundedFileSync(manifestPath, { ...this.confinement(), maxBytes: MAX_CONFIG_BYTES * 4 }).kind === 'ok';
        this.installedAt.set(manifestPath, installed);
      }
      if (installed) return true;
    }
    return false;
  }

  /** The nearest lockfile from `folder` up to `highest` (default: the root). */
  private lockfileFor(folder: string, highest?: string): Lockfile | undefined {
    for (const candidate of this.foldersUp(folder)) {
      let cached = this.lockfiles.get(candidate);
      if (cached === undefined) {
        cached = null;
        for (const name of LOCKFILE_NAMES) {
          const read = readBoundedTextFileSync(nodePath.join(candidate, name), { ...this.confinement(), maxBytes: MAX_LOCKFILE_BYTES });
          if (read.kind === 'missing') continue;
          // One that is there but refused (too large, a link out) still governs: it says nothing.
          cached = read.kind === 'ok' ? { text: read.text, names: new Map() } : { names: new Map() };
          break;
        }
        this.lockfiles.set(candidate, cached);
      }
      if (cached !== null) return cached;
      if (candidate === highest) break;
    }
    return undefined;
  }

  /** Whether a package of `workspace` (a package.json in a folder its globs name) is named `packageName`. */
  private isWorkspaceMember(workspace: LinkedWorkspace, packageName: string): boolean {
    const folders = this.scanWorkspace().packageFolders.get(packageName);
    return folders !== undefined && folders.some((folder) => {
      const relativeFolder = workspaceRelativePath(workspace.root, folder);
      return relativeFolder !== undefined && relativeFolder !== '' && isWorkspacePackage(workspace.globs, relativeFolder);
    });
  }

  /**
   * Every name declared by, or naming, a package.json in the workspace. One bounded walk, skipping
   * node_modules and dot folders, done the first time a look-alike candidate or an undeclared import
   * of a linked workspace's package needs it.
   */
  private scanWorkspace(): WorkspaceNames {
    if (this.workspaceNames) return this.workspaceNames;
    const names = new Set<string>();
    const packages = new Set<string>();
    const packageFolders = new Map<string, string[]>();
    const queue: Array<{ folder: string; depth: number }> = [{ folder: this.root, depth: 0 }];
    let visited = 0;
    while (queue.length > 0 && visited < MAX_SCANNED_FOLDERS) {
      const { folder, depth } = queue.shift()!;
      visited++;
      let entries: import('node:fs').Dirent[];
      try {
        entries = readdirSync(folder, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const entry of entries) {
        if (entry.isFile() && entry.name === 'package.json') {
          const manifest = this.declaredIn(nodePath.join(folder, entry.name));
          if (manifest) {
            for (const name of manifest.declared) names.add(name);
            if (manifest.name) {
              names.add(manifest.name);
              packages.add(manifest.name);
              const folders = packageFolders.get(manifest.name);
              if (folders === undefined) packageFolders.set(manifest.name, [folder]);
              else folders.push(folder);
            }
          }
        } else if (entry.isDirectory() && depth < MAX_SCAN_DEPTH && entry.name !== 'node_modules' && !entry.name.startsWith('.')) {
          queue.push({ folder: nodePath.join(folder, entry.name), depth: depth + 1 });
        }
      }
    }
    this.workspaceNames = { declared: names, packages, packageFolders };
    return this.workspaceNames;
  }
}

/**
 * Whether a lockfile's text names the package, in any of the formats: `"node_modules/name"` and
 * `"name":` (npm), `name@` and `"name@` (yarn, pnpm, bun), `/name@` and `name:` keys (pnpm).
 * Lenient on purpose: a name that merely appears is taken as locked.
 */
function mentionsPackage(lockfile: string, packageName: string): boolean {
  const escaped = packageName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?:^|[\\s"'/,])${escaped}(?:@|["':])`, 'm').test(lockfile);
}

/** Whether `<folder>/<name>` exists as a folder or as a script file. */
function existsUnder(folder: string, name: string): boolean {
  for (const suffix of ['', '.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts', '.d.ts', '.json']) {
    try {
      statSync(nodePath.join(folder, name + suffix));
      return true;
    } catch {
      // Absent under this suffix; try the next.
    }
  }
  return false;
}

/**
 * The workspace globs of a monorepo root: package.json `workspaces` (an array, or yarn's
 * `{packages}`) and `pnpm-workspace.yaml` `packages`. Undefined when `folder` is no workspace root.
 */
export function workspaceGlobs(manifestRaw: Record<string, unknown> | undefined, pnpmWorkspace: Record<string, unknown> | undefined): string[] | undefined {
  const globs: string[] = [];
  let isRoot = false;
  const workspaces = manifestRaw?.workspaces;
  const list = Array.isArray(workspaces) ? workspaces : isRecord(workspaces) && Array.isArray(workspaces.packages) ? workspaces.packages : undefined;
  if (list) {
    isRoot = true;
    globs.push(...list.filter((entry): entry is string => typeof entry === 'string'));
  }
  if (pnpmWorkspace) {
    isRoot = true;
    if (Array.isArray(pnpmWorkspace.packages)) globs.push(...pnpmWorkspace.packages.filter((entry): entry is string => typeof entry === 'string'));
  }
  return isRoot ? globs : undefined;
}

/** Whether a package folder (relative POSIX path from the workspace root) is one of `globs`; `!`-globs exclude. */
export function isWorkspacePackage(globs: readonly string[], relativeFolder: string): boolean {
  let included = false;
  for (const glob of globs) {
    const negated = glob.startsWith('!');
    const pattern = (negated ? glob.slice(1) : glob).replace(/^\.\//, '').replace(/\/+$/, '');
    if (picomatch(pattern, { dot: true })(relativeFolder)) included = !negated;
  }
  return included;
}
