import { parse as parseToml } from 'smol-toml';
import { normalizeDistributionName } from './python-names';

/**
 * What one Python manifest declares. Parsers never throw and never execute anything: `setup.py` is
 * code, so only literal lists in it are read, by text.
 */
export interface PythonDeclarations {
  /** PEP 503 normalised distribution names (`pyyaml`, `python-dateutil`). */
  declared: string[];
  /** The project's own distribution name, normalised (it may import itself). */
  name?: string;
  /**
   * Requirements files whose declarations are this manifest's, as written (relative to its folder):
   * a requirements file's `-r other.txt`, setuptools' `file:` directives (`setup.cfg`
   * `install_requires = file: requirements.in`, pyproject `[tool.setuptools.dynamic]`).
   */
  includes?: string[];
  /** Build requirements (`[build-system] requires`): importable by the build scripts, but they do not make the manifest govern. */
  buildRequires?: string[];
  /** Distributions the host the project runs in provides (an Ansible collection runs inside ansible-core): importable, without making the manifest govern. */
  provided?: string[];
  /**
   * The manifest declares its dependencies in a way that cannot be read without running code
   * (`install_requires=read_requirements()`, a pyproject `dynamic` list filled by a build hook): what
   * it declares is unknown, so the rules stay silent rather than report every import.
   */
  opaque?: boolean;
  /** Why the file could not be read as its format, when it could not (it then declares nothing). */
  problem?: string;
}

/** The distribution name at the start of a PEP 508 requirement (`PyYAML[extra]>=6; python_version>"3"`), normalised. */
export function requirementName(requirement: string): string | undefined {
  const match = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:$|[[(<>=!~;@ \t,])/.exec(requirement);
  return match ? normalizeDistributionName(match[1]!) : undefined;
}

/** The `#egg=name` of a VCS or archive URL (`git+https://…#egg=mylib`), normalised. */
function eggName(url: string): string | undefined {
  const match = /[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(url);
  return match ? normalizeDistributionName(match[1]!) : undefined;
}

/**
 * A pip requirements file: one requirement a line, `\` continuations, `#` comments, `-r`/`--requirement`
 * includes, `-e`/URL lines (their `#egg=` name when they give one; `-e .` is the project itself),
 * other options (`-c`, `--index-url`, `--hash`) skipped.
 */
export function parseRequirements(text: string): PythonDeclarations {
  const declared: string[] = [];
  const includes: string[] = [];
  const joined = text.replace(/\\\r?\n/g, ' ');
  for (const rawLine of joined.split(/\r?\n/)) {
    // pip ends a line at a `#` at its start or after whitespace (a URL fragment `#egg=` is not a comment).
    const line = rawLine.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') continue;
    const include = /^(?:-r|--requirement)(?:\s+|=)?(\S+)/.exec(line);
    if (include) {
      includes.push(include[1]!);
      continue;
    }
    const editable = /^(?:-e|--editable)(?:\s+|=)?(\S+)/.exec(line);
    if (editable) {
      const name = eggName(editable[1]!);
      if (name) declared.push(name);
      continue;
    }
    if (line.startsWith('-')) continue;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(line) || line.startsWith('.') || line.startsWith('/')) {
      const name = eggName(line);
      if (name) declared.push(name);
      continue;
    }
    const name = requirementName(line);
    if (name) declared.push(name);
  }
  return { declared, includes };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Names of an array of PEP 508 strings (PEP 621, PEP 735, PDM, uv); tables (`{include-group = "x"}`) skipped. */
function requirementList(value: unknown, into: string[]): void {
  if (!Array.isArray(value)) return;
  for (const item of value) {
    if (typeof item !== 'string') continue;
    const name = requirementName(item);
    if (name) into.push(name);
  }
}

/** Every array of requirements in a table of groups (`optional-dependencies`, `dependency-groups`). */
function requirementGroups(value: unknown, into: string[]): void {
  if (!isRecord(value)) return;
  for (const group of Object.values(value)) requirementList(group, into);
}

/** The keys of a Poetry or Pipfile dependency table, `python` excepted (the interpreter's version). */
function dependencyTableKeys(value: unknown, into: string[]): void {
  if (!isRecord(value)) return;
  for (const key of Object.keys(value)) {
    if (key.toLowerCase() === 'python') continue;
    const name = requirementName(key);
    if (name) into.push(name);
  }
}

function parseTomlSafely(text: string): { value: Record<string, unknown> } | { problem: string } {
  try {
    return { value: parseToml(text) as Record<string, unknown> };
  } catch (error) {
    // smol-toml's message gives line and column; the quoted text stays out (it may hold a secret).
    const message = (error as Error).message.split('\n')[0] ?? 'invalid TOML';
    return { problem: `invalid TOML (${message.slice(0, 200)})` };
  }
}

/**
 * `pyproject.toml`: PEP 621 `[project]` (`name`, `dependencies`, `optional-dependencies`), PEP 735
 * `[dependency-groups]`, `[build-system] requires`, Poetry (`[tool.poetry]` `name`, `dependencies`,
 * `dev-dependencies`, `group.*.dependencies`), PDM `[tool.pdm.dev-dependencies]` and uv
 * `[tool.uv] dev-dependencies`.
 */
export function parsePyproject(text: string): PythonDeclarations {
  const parsed = parseTomlSafely(text);
  if ('problem' in parsed) return { declared: [], problem: parsed.problem };
  const root = parsed.value;
  const declared: string[] = [];
  const result: PythonDeclarations = { declared };
  const tool = isRecord(root.tool) ? root.tool : {};
  let name: string | undefined;
  const project = root.project;
  if (isRecord(project)) {
    if (typeof project.name === 'string') name = normalizeDistributionName(project.name);
    requirementList(project.dependencies, declared);
    requirementGroups(project['optional-dependencies'], declared);
    if (Array.isArray(project.dynamic) && project.dynamic.some((field) => field === 'dependencies' || field === 'optional-dependencies')) {
      // setuptools reads dynamic dependencies from files it names; any other backend fills them by code.
      const setuptoolsDynamic = isRecord(tool.setuptools) && isRecord(tool.setuptools.dynamic) ? tool.setuptools.dynamic : {};
      const files = [setuptoolsDynamic.dependencies, ...(isRecord(setuptoolsDynamic['optional-dependencies']) ? Object.values(setuptoolsDynamic['optional-dependencies']) : [])]
        .flatMap((entry) => (isRecord(entry) ? (Array.isArray(entry.file) ? entry.file : [entry.file]) : []))
        .filter((file): file is string => typeof file === 'string');
      if (files.length > 0) result.includes = files;
      else result.opaque = true;
    }
  }
  requirementGroups(root['dependency-groups'], declared);
  const buildSystem = root['build-system'];
  if (isRecord(buildSystem)) {
    const buildRequires: string[] = [];
    requirementList(buildSystem.requires, buildRequires);
    if (buildRequires.length > 0) result.buildRequires = buildRequires;
  }
  const poetry = tool.poetry;
  if (isRecord(poetry)) {
    if (name === undefined && typeof poetry.name === 'string') name = normalizeDistributionName(poetry.name);
    dependencyTableKeys(poetry.dependencies, declared);
    dependencyTableKeys(poetry['dev-dependencies'], declared);
    if (isRecord(poetry.group)) {
      for (const group of Object.values(poetry.group)) if (isRecord(group)) dependencyTableKeys(group.dependencies, declared);
    }
  }
  if (isRecord(tool.pdm)) requirementGroups(tool.pdm['dev-dependencies'], declared);
  if (isRecord(tool.uv)) requirementList(tool.uv['dev-dependencies'], declared);
  if (name !== undefined) result.name = name;
  return result;
}

/** A `Pipfile`: the keys of `[packages]` and `[dev-packages]`. */
export function parsePipfile(text: string): PythonDeclarations {
  const parsed = parseTomlSafely(text);
  if ('problem' in parsed) return { declared: [], problem: parsed.problem };
  const declared: string[] = [];
  dependencyTableKeys(parsed.value.packages, declared);
  dependencyTableKeys(parsed.value['dev-packages'], declared);
  return { declared };
}

/**
 * `setup.cfg`: `[metadata] name`, `[options] install_requires` / `setup_requires` / `tests_require`
 * and every key of `[options.extras_require]`, as setuptools reads them (a value continues on the
 * indented lines below its key; `;` and `#` start comments), and every key of pbr's `[extras]`
 * (OpenStack's projects: Keystone's `ldap = python-ldap ldappool`).
 */
export function parseSetupCfg(text: string): PythonDeclarations {
  const declared: string[] = [];
  const includes: string[] = [];
  let name: string | undefined;
  let section = '';
  let key: string | undefined;
  /** True when the file configures setuptools (`[metadata]`, `[options…]`), not only other tools (`[flake8]`). */
  let configuresSetuptools = false;
  for (const rawLine of text.split(/\r?\n/)) {
    if (/^\s*[#;]/.test(rawLine) || rawLine.trim() === '') continue;
    const header = /^\[([^\]]+)\]/.exec(rawLine);
    if (header) {
      section = header[1]!.trim().toLowerCase();
      key = undefined;
      if (section === 'metadata' || section === 'options' || section.startsWith('options.')) configuresSetuptools = true;
      continue;
    }
    let value: string;
    if (/^\s/.test(rawLine)) {
      if (key === undefined) continue;
      value = rawLine.trim();
    } else {
      const pair = /^([^=:]+)[=:](.*)$/.exec(rawLine);
      if (!pair) {
        key = undefined;
        continue;
      }
      key = pair[1]!.trim().toLowerCase().replace(/-/g, '_');
      value = pair[2]!.trim();
      if (section === 'metadata' && key === 'name' && value !== '') name = normalizeDistributionName(value);
    }
    const requirementKey = section === 'options.extras_require' || section === 'extras' || (section === 'options' && (key === 'install_requires' || key === 'setup_requires' || key === 'tests_require'));
    if (!requirementKey) continue;
    const directive = /^file:\s*(.+)$/.exec(value);
    if (directive) {
      includes.push(...directive[1]!.split(',').map((file) => file.trim()).filter((file) => file !== ''));
      continue;
    }
    for (const part of value.split(/;\s|\s#/)[0]!.split(',')) {
      const requirement = requirementName(part);
      if (requirement) declared.push(requirement);
    }
  }
  const result: PythonDeclarations = { declared };
  if (name !== undefined) result.name = name;
  if (includes.length > 0) result.includes = includes;
  if (configuresSetuptools) result.buildRequires = [...SETUPTOOLS_BUILD];
  return result;
}

/**
 * What a project that setuptools builds needs to build, declared or not: pip builds a project
 * without a `[build-system]` table with these (PEP 517's fallback), and `setup.py` runs under them.
 */
const SETUPTOOLS_BUILD: readonly string[] = ['setuptools', 'wheel'];

/** Bounded: a list literal longer than this is not a hand-written requirement list. */
const MAX_SETUP_LIST = 20_000;

/**
 * `setup.py` read as text, never run: the string literals of literal `install_requires=[…]`,
 * `extras_require={…}`, `setup_requires` and `tests_require` lists, and a literal `name="…"`. A list
 * built by code (read from a file, concatenated) declares nothing here.
 */
export function parseSetupPy(text: string): PythonDeclarations {
  const declared: string[] = [];
  const listPattern = /\b(install_requires|setup_requires|tests_require|extras_require)\s*=\s*([[{])/g;
  for (let match = listPattern.exec(text); match !== null; match = listPattern.exec(text)) {
    const open = match[2]!;
    const close = open === '[' ? ']' : '}';
    const start = match.index + match[0].length;
    // Brackets are counted so that an extras dict's inner lists stay inside it.
    let depth = 1;
    let end = start;
    while (end < text.length && end - start < MAX_SETUP_LIST && depth > 0) {
      const char = text[end];
      if (char === open || char === '[' || char === '{') depth++;
      else if (char === close || char === ']' || char === '}') depth--;
      end++;
    }
    const body = text.slice(start, end);
    const strings = /(["'])((?:(?!\1)[^\\\n]|\\.)*)\1(\s*:)?/g;
    for (let literal = strings.exec(body); literal !== null; literal = strings.exec(body)) {
      if (literal[3] !== undefined) continue; // an extras_require key, not a requirement
      const name = requirementName(literal[2]!);
      if (name) declared.push(name);
    }
  }
  const nameMatch = /\bname\s*=\s*(["'])([A-Za-z0-9][A-Za-z0-9._-]*)\1/.exec(text);
  const result: PythonDeclarations = { declared, buildRequires: [...SETUPTOOLS_BUILD] };
  if (nameMatch) result.name = normalizeDistributionName(nameMatch[2]!);
  // `install_requires=requirements` or `=read(...)`: built by code this reader does not run.
  if (/\binstall_requires\s*=\s*[^\s[{]/.test(text)) result.opaque = true;
  return result;
}

/** The Python manifest formats, by file name; `requirements` files are matched by {@link isRequirementsFileName}. */
export type PythonManifestKind = 'pyproject' | 'setup.cfg' | 'setup.py' | 'pipfile' | 'requirements' | 'ansible-collection';

/** `requirements.txt`, `requirements-dev.txt`, `dev-requirements.txt`, `test_requirements.in`, `requirements.in`… */
export function isRequirementsFileName(name: string): boolean {
  return /^(?:[\w.-]*[-_.])?requirements?(?:[-_.][\w.-]*)?\.(?:txt|in)$/i.test(name);
}

/** The Python manifest kind of a file name, or undefined. */
export function pythonManifestKind(fileName: string): PythonManifestKind | undefined {
  if (fileName === 'pyproject.toml') return 'pyproject';
  if (fileName === 'setup.cfg') return 'setup.cfg';
  if (fileName === 'setup.py') return 'setup.py';
  if (fileName === 'Pipfile') return 'pipfile';
  return isRequirementsFileName(fileName) ? 'requirements' : undefined;
}

/** Parses a manifest of `kind`; never throws. */
export function parsePythonManifest(kind: PythonManifestKind, text: string): PythonDeclarations {
  switch (kind) {
    case 'pyproject':
      return parsePyproject(text);
    case 'setup.cfg':
      return parseSetupCfg(text);
    case 'setup.py':
      return parseSetupPy(text);
    case 'pipfile':
      return parsePipfile(text);
    case 'requirements':
      return parseRequirements(text);
    case 'ansible-collection':
      return parseAnsibleCollectionRuntime(text);
  }
}

/** The manifest kind of a workspace path: by file name, or a `.txt`/`.in` file of a `requirements/` folder. */
export function pythonManifestKindOfPath(path: string): PythonManifestKind | undefined {
  const parts = path.split(/[\\/]/);
  const name = parts[parts.length - 1] ?? '';
  const kind = pythonManifestKind(name);
  if (kind !== undefined) return kind;
  if (ANSIBLE_COLLECTION_FILES.includes(name) || (parts[parts.length - 2] === 'meta' && name === ANSIBLE_COLLECTION_RUNTIME)) return 'ansible-collection';
  return parts[parts.length - 2] === 'requirements' && /\.(?:txt|in)$/i.test(name) ? 'requirements' : undefined;
}

/** An Ansible collection's `meta/runtime.yml`: which ansible-core versions it runs in, its redirects. */
export const ANSIBLE_COLLECTION_RUNTIME = 'runtime.yml';
/** The files that make a folder an Ansible collection: its source metadata, and the built collection's. */
export const ANSIBLE_COLLECTION_FILES: readonly string[] = ['galaxy.yml', 'MANIFEST.json'];
/** What the collection files hold (a built MANIFEST.json's `collection_info`, galaxy.yml's and runtime.yml's keys). */
const ANSIBLE_COLLECTION_CONTENT = /"collection_info"|^(?:namespace|requires_ansible|plugin_routing|action_groups)[ \t]*:/m;

/**
 * What every Ansible collection runs with: ansible-core (the `ansible` package) and what it installs
 * (its `install_requires`), and the `ansible_collections` namespace, where the collection itself and
 * the collections its metadata depends on are installed. Collections import them without declaring
 * them: their requirements.txt lists only the Python distributions the collection adds.
 */
const ANSIBLE_CORE_PROVIDES = ['ansible-core', 'ansible', 'ansible-collections', 'jinja2', 'pyyaml', 'cryptography', 'packaging', 'resolvelib', 'markupsafe'];

/** An Ansible collection's metadata (galaxy.yml, MANIFEST.json, meta/runtime.yml): the collection runs inside ansible-core. */
function parseAnsibleCollectionRuntime(text: string): PythonDeclarations {
  return ANSIBLE_COLLECTION_CONTENT.test(text) ? { declared: [], provided: [...ANSIBLE_CORE_PROVIDES] } : { declared: [] };
}
