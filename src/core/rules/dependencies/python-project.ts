import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { workspaceRelativePath } from '../../workspace/paths';
import type { ManifestReader } from './manifest';
import { ANSIBLE_COLLECTION_FILES, ANSIBLE_COLLECTION_RUNTIME, parsePythonManifest, pythonManifestKindOfPath, type PythonDeclarations, pythonManifestKind, type PythonManifestKind } from './python-manifests';

/** The Python project that governs a file: what its manifests declare and where its own modules live. */
export interface PythonProject {
  /** Workspace-relative POSIX path of the manifest messages name (the nearest one that declares something). */
  readonly manifestPath: string;
  /** PEP 503 normalised names declared by every governing manifest from the file up to the workspace root. */
  readonly declared: ReadonlySet<string>;
  /** The projects' own names, normalised. */
  readonly ownNames: ReadonlySet<string>;
  /** Whether `name` (a top-level module) is a module or package of the project itself. */
  isLocalModule(name: string): boolean;
  /** The distributions an installed environment (`.venv`, `venv`) says provide the top-level module `name`. */
  installedProviders(name: string): readonly string[];
}

/** A requirements file's `-r` chain is followed this deep (pip has no limit; real chains are 2 or 3). */
const MAX_INCLUDE_DEPTH = 5;
/** An environment with more distributions than this is read only this far (a conda base has a few hundred). */
const MAX_INSTALLED = 3000;
const ENVIRONMENT_FOLDERS = ['.venv', 'venv', '.env', 'env'];

/** One manifest as read: its declarations, or none when absent. */
interface ReadManifest {
  path: string;
  declarations: PythonDeclarations;
}

/** What one folder holds for the lookup: its manifests, read once. */
interface FolderManifests {
  manifests: ReadManifest[];
}

/** Messages name the manifest people edit first: a PEP 621/Poetry pyproject, then requirements.txt, then the rest. */
const KIND_PREFERENCE: readonly PythonManifestKind[] = ['pyproject', 'requirements', 'pipfile', 'setup.cfg', 'setup.py'];

/**
 * Finds and reads the Python manifests (`pyproject.toml`, `setup.cfg`, `setup.py`, `Pipfile`,
 * `requirements*.txt` with their `-r` includes and a `requirements/` folder) that govern each file,
 * walking up from its folder to the workspace root. Each manifest is read once through the bounded
 * read path until {@link clear} (the server calls it when one changes).
 */
export class PythonProjectCache {
  private readonly root: string;
  private readonly readFile: ManifestReader;
  private readonly folders = new Map<string, FolderManifests>();
  private readonly files = new Map<string, PythonDeclarations | undefined>();
  private readonly environments = new Map<string, Map<string, string[]>>();

  /** `readFile` is the bounded reader confined to the workspace (ManifestCache passes its own). */
  constructor(options: { workspaceRoot: string; readFile: ManifestReader }) {
    this.root = nodePath.resolve(options.workspaceRoot);
    this.readFile = options.readFile;
  }

  /** The project governing `filePath` (absolute, or relative to the root), or undefined when no manifest up to the root declares anything. */
  projectFor(filePath: string): PythonProject | undefined {
    const fileFolder = nodePath.dirname(nodePath.resolve(this.root, filePath));
    if (workspaceRelativePath(this.root, fileFolder) === undefined) return undefined;
    const declared = new Set<string>();
    const ownNames = new Set<string>();
    const searchFolders: string[] = [];
    let manifestPath: string | undefined;
    let outermost: string | undefined;
    let folder = fileFolder;
    for (;;) {
      searchFolders.push(folder);
      const { manifests } = this.folder(folder);
      // What a manifest declares cannot be known: nothing is reported rather than every import.
      if (manifests.some(({ declarations }) => declarations.opaque)) return undefined;
      for (const { declarations } of manifests) for (const name of [...(declarations.buildRequires ?? []), ...(declarations.provided ?? [])]) declared.add(name);
      const governing = manifests.filter(({ declarations }) => declarations.declared.length > 0 || declarations.name !== undefined);
      if (governing.length > 0) {
        outermost = folder;
        for (const { declarations } of governing) {
          for (const name of declarations.declared) declared.add(name);
          if (declarations.name !== undefined) ownNames.add(declarations.name);
        }
        if (manifestPath === undefined) {
          const declaring = governing.filter(({ declarations }) => declarations.declared.length > 0);
          const chosen = (declaring.length > 0 ? declaring : governing).sort((a, b) => rank(a.path) - rank(b.path))[0]!;
          manifestPath = workspaceRelativePath(this.root, chosen.path) ?? chosen.path;
        }
      }
      if (folder === this.root) break;
      const parent = nodePath.dirname(folder);
      if (parent === folder) break;
      folder = parent;
    }
    if (manifestPath === undefined || outermost === undefined) return undefined;
    // Local modules are looked for from the file's folder up to the outermost project, each folder with its `src/`.
    const localFolders = searchFolders.slice(0, searchFolders.indexOf(outermost) + 1).flatMap((each) => [each, nodePath.join(each, 'src')]);
    const projectFolders = searchFolders.slice(0, searchFolders.indexOf(outermost) + 1);
    return {
      manifestPath,
      declared,
      ownNames,
      isLocalModule: (name) => localFolders.some((each) => isModuleIn(each, name)),
      installedProviders: (name) => {
        for (const each of projectFolders) {
          const providers = this.environment(each).get(name);
          if (providers) return providers;
        }
        return [];
      },
    };
  }

  /** Forgets everything read (a manifest anywhere changed: includes may cross folders). */
  clear(): void {
    this.folders.clear();
    this.files.clear();
    this.environments.clear();
  }

  private folder(folder: string): FolderManifests {
    const cached = this.folders.get(folder);
    if (cached) return cached;
    const manifests: ReadManifest[] = [];
    const names = listFolder(folder);
    for (const name of names) {
      const kind = pythonManifestKind(name);
      if (kind === undefined) continue;
      const path = nodePath.join(folder, name);
      const declarations = this.manifest(path, kind, 0);
      if (declarations) manifests.push({ path, declarations });
    }
    // An Ansible collection's metadata: ansible-core, which runs the collection, provides what it installs.
    const collectionFiles = [...names.filter((name) => ANSIBLE_COLLECTION_FILES.includes(name)), ...(listFolder(nodePath.join(folder, 'meta')).includes(ANSIBLE_COLLECTION_RUNTIME) ? [nodePath.join('meta', ANSIBLE_COLLECTION_RUNTIME)] : [])];
    for (const name of collectionFiles) {
      const path = nodePath.join(folder, name);
      const declarations = this.manifest(path, 'ansible-collection', 0);
      if (declarations) manifests.push({ path, declarations });
    }
    // A `requirements/` folder of split files (`base.txt`, `dev.txt`, `prod.txt`).
    for (const name of listFolder(nodePath.join(folder, 'requirements'))) {
      if (!/\.(?:txt|in)$/i.test(name)) continue;
      const path = nodePath.join(folder, 'requirements', name);
      const declarations = this.manifest(path, 'requirements', 0);
      if (declarations) manifests.push({ path, declarations });
    }
    const entry = { manifests };
    this.folders.set(folder, entry);
    return entry;
  }

  /** One manifest, with a requirements file's includes merged in; undefined when absent or unreadable. */
  private manifest(path: string, kind: PythonManifestKind, depth: number): PythonDeclarations | undefined {
    const key = `${kind}:${path}`;
    if (this.files.has(key)) return this.files.get(key);
    // Marked before reading so that an include cycle ends here.
    this.files.set(key, undefined);
    let text: string | undefined;
    try {
      text = this.readFile(path);
    } catch {
      text = undefined;
    }
    if (text === undefined) return undefined;
    const declarations = parsePythonManifest(kind, text);
    if (declarations.includes && depth < MAX_INCLUDE_DEPTH) {
      const merged = [...declarations.declared];
      for (const include of declarations.includes) {
        const included = this.manifest(nodePath.resolve(nodePath.dirname(path), include), 'requirements', depth + 1);
        if (included) merged.push(...included.declared);
      }
      declarations.declared = merged;
    }
    this.files.set(key, declarations);
    return declarations;
  }

  /** Top-level module → distributions, from the `*.dist-info` of an environment in `folder`. */
  private environment(folder: string): Map<string, string[]> {
    const cached = this.environments.get(folder);
    if (cached) return cached;
    const modules = new Map<string, string[]>();
    this.environments.set(folder, modules);
    let seen = 0;
    for (const environment of ENVIRONMENT_FOLDERS) {
      for (const sitePackages of sitePackagesFolders(nodePath.join(folder, environment))) {
        for (const entry of listFolder(sitePackages)) {
          const info = /^(.+?)-[^-]*\.(?:dist-info|egg-info)$/.exec(entry);
          if (!info || ++seen > MAX_INSTALLED) continue;
          const distribution = info[1]!;
          for (const module of this.topLevelModules(nodePath.join(sitePackages, entry))) {
            const providers = modules.get(module);
            if (providers) providers.push(distribution);
            else modules.set(module, [distribution]);
          }
        }
      }
    }
    return modules;
  }

  /** `top_level.txt`, else the first path component of each `RECORD` line that is a module or package. */
  private topLevelModules(infoFolder: string): Set<string> {
    const modules = new Set<string>();
    const read = (name: string): string | undefined => {
      try {
        return this.readFile(nodePath.join(infoFolder, name));
      } catch {
        return undefined;
      }
    };
    const topLevel = read('top_level.txt');
    if (topLevel !== undefined) {
      for (const line of topLevel.split(/\r?\n/)) if (/^[A-Za-z_][\w]*$/.test(line.trim())) modules.add(line.trim());
      return modules;
    }
    for (const line of (read('RECORD') ?? '').split(/\r?\n/)) {
      const path = line.split(',')[0] ?? '';
      const first = /^([A-Za-z_]\w*)(?:\/|\.py$|\.[\w-]+\.(?:so|pyd)$)/.exec(path);
      if (first && !path.startsWith('__pycache__')) modules.add(first[1]!);
    }
    return modules;
  }
}

function rank(path: string): number {
  const kind = pythonManifestKind(nodePath.basename(path)) ?? 'requirements';
  const index = KIND_PREFERENCE.indexOf(kind);
  // `requirements.txt` itself before `requirements-dev.txt` and a `requirements/` folder's files.
  return index * 10 + (nodePath.basename(path) === 'requirements.txt' ? 0 : 1);
}

/** The entry names of a folder; none when it is missing or unreadable. */
function listFolder(folder: string): string[] {
  try {
    return fs.readdirSync(folder);
  } catch {
    return [];
  }
}

/** `lib/python3.*\/site-packages` (POSIX) and `Lib/site-packages` (Windows) of an environment. */
function sitePackagesFolders(environment: string): string[] {
  const found: string[] = [];
  for (const name of listFolder(nodePath.join(environment, 'lib'))) {
    if (/^python\d/.test(name)) found.push(nodePath.join(environment, 'lib', name, 'site-packages'));
  }
  const windows = nodePath.join(environment, 'Lib', 'site-packages');
  if (fs.existsSync(windows)) found.push(windows);
  return found;
}

/** A module `name.py`/`name.pyi`, a package folder `name/` or a compiled module `name.*.so|pyd` in `folder`. */
function isModuleIn(folder: string, name: string): boolean {
  if (!/^[A-Za-z_]\w*$/.test(name)) return false;
  const base = nodePath.join(folder, name);
  if (fs.existsSync(`${base}.py`) || fs.existsSync(`${base}.pyi`)) return true;
  try {
    if (fs.statSync(base).isDirectory()) return true;
  } catch {
    // not there
  }
  return listFolder(folder).some((entry) => entry.startsWith(`${name}.`) && /\.(?:so|pyd)$/.test(entry));
}

/** Whether a changed file is one the Python lookup reads (a manifest, or a file of a `requirements/` folder). */
export function isPythonManifestPath(path: string): boolean {
  return pythonManifestKindOfPath(path) !== undefined;
}
