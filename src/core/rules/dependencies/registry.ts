import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { readBoundedTextFileSync, writeFileAtomic } from '../../workspace/fs';
import { userCacheDir } from '../../runtime/user-cache';

/** The public npm registry. */
export const NPM_REGISTRY = 'https://registry.npmjs.org/';
/** npm's download counts (only for packages of the public registry). */
export const NPM_DOWNLOADS_API = 'https://api.npmjs.org/downloads/point/last-week/';

/** What the registry says about one package name. */
export type PackageFacts =
  | { exists: false }
  | {
      exists: true;
      /** When the name was first published (ISO time), when the registry said. */
      created?: string;
      /**
       * When `created` is not known: the package was last modified before this time (ISO), so it is at
       * least that old. The full document, which has `created`, is fetched only for recently modified names.
       */
      unchangedSince?: string;
      /** Downloads last week; absent when not asked (another registry) or not answered. */
      weeklyDownloads?: number;
    };

/** Options of a {@link RegistryClient}. */
export interface RegistryClientOptions {
  /** Registry base URL, ending in `/` or not. */
  registry: string;
  /** Download-count API base (the name is appended); undefined: no download counts. */
  downloadsApi?: string;
  /** Folder of the answer cache; undefined: no cache. */
  cacheDir?: string;
  /** How long a cached answer holds (default 24 h; a "not found" holds an hour). */
  ttlMs?: number;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  /** Requests in flight at once (default 8). */
  concurrency?: number;
  /** A packument larger than this is not read (default 32 MiB); the age is then unknown. */
  maxDocumentBytes?: number;
  /** A full document is fetched for the creation time only when the name changed within this many days. */
  recentDays?: number;
  now?: () => number;
}

/** What looking names up gave. */
export interface RegistryLookup {
  facts: Map<string, PackageFacts>;
  /** Names with no answer, each with why (unreachable, an HTTP status, a broken document). */
  unanswered: Map<string, string>;
  /** Set when the registry could not be reached at all: the rest were not asked. */
  unreachable?: string;
  /** Set when the download-count API could not be reached: the names have no counts (and are not cached). */
  downloadsUnreachable?: string;
}

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** The user's cache folder for registry answers (see {@link userCacheDir}), never the repository. */
export function defaultRegistryCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  return join(userCacheDir(env, platform), 'registry');
}

/** Thrown for an answer that says nothing about the name (a status other than 200 and 404, a broken body). */
class UnansweredError extends Error {}
/** Thrown when the registry cannot be reached (DNS, refused, timeout): asking more names is pointless. */
class UnreachableError extends Error {}

/**
 * Asks an npm registry whether packages exist, since when, and how many downloaded them last week.
 * Answers are cached on disk per registry and name; a registry that cannot be reached stops the
 * lookup with its reason instead of waiting out every name.
 */
export class RegistryClient {
  private readonly registry: string;
  private readonly ttlMs: number;
  private readonly timeoutMs: number;
  private readonly concurrency: number;
  private readonly maxDocumentBytes: number;
  private readonly recentDays: number;
  private readonly now: () => number;

  constructor(private readonly options: RegistryClientOptions) {
    this.registry = options.registry.endsWith('/') ? options.registry : `${options.registry}/`;
    this.ttlMs = options.ttlMs ?? DAY_MS;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.concurrency = Math.max(1, options.concurrency ?? 8);
    this.maxDocumentBytes = options.maxDocumentBytes ?? 32 * 1024 * 1024;
    this.recentDays = options.recentDays ?? 30;
    this.now = options.now ?? Date.now;
  }

  /** Looks up every name (cache first), at most `concurrency` requests at a time. */
  async lookup(names: readonly string[]): Promise<RegistryLookup> {
    const result: RegistryLookup = { facts: new Map(), unanswered: new Map() };
    const pending: string[] = [];
    for (const name of new Set(names)) {
      const cached = this.readCache(name);
      if (cached) result.facts.set(name, cached);
      else pending.push(name);
    }
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < pending.length && result.unreachable === undefined) {
        const name = pending[next++];
        try {
          const facts = await this.ask(name, result);
          result.facts.set(name, facts);
          // Without its download count the answer is incomplete: asked again next time rather than cached for a day.
          if (!(facts.exists && this.options.downloadsApi && facts.weeklyDownloads === undefined)) await this.writeCache(name, facts);
        } catch (error) {
          if (error instanceof UnreachableError) result.unreachable ??= error.message;
          else result.unanswered.set(name, error instanceof UnansweredError ? error.message : `failed: ${(error as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, pending.length) }, worker));
    for (const name of pending) {
      if (!result.facts.has(name) && !result.unanswered.has(name)) result.unanswered.set(name, result.unreachable ?? 'not asked');
    }
    return result;
  }

  private async ask(name: string, progress: RegistryLookup): Promise<PackageFacts> {
    const url = this.registry + encodePackageName(name);
    // The abbreviated document is small but has no creation time; its `modified` bounds the age from below.
    const abbreviated = await this.getJson(url, 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8');
    if (abbreviated === undefined) return { exists: false };
    const facts: PackageFacts = { exists: true };
    const created = createdTime(abbreviated);
    const modified = typeof abbreviated.modified === 'string' ? abbreviated.modified : undefined;
    if (created) facts.created = created;
    else if (modified && this.now() - Date.parse(modified) > this.recentDays * DAY_MS) facts.unchangedSince = modified;
    else {
      try {
        const full = await this.getJson(url, 'application/json');
        const fullCreated = full ? createdTime(full) : undefined;
        if (fullCreated) facts.created = fullCreated;
      } catch (error) {
        // Too large or broken: the age stays unknown, which is no finding; only an unreachable registry stops the run.
        if (error instanceof UnreachableError) throw error;
      }
    }
    if (this.options.downloadsApi && progress.downloadsUnreachable === undefined) {
      const base = this.options.downloadsApi.endsWith('/') ? this.options.downloadsApi : `${this.options.downloadsApi}/`;
      try {
        // The downloads API does not know a package published minutes ago: not found there is none downloaded.
        const point = await this.getJson(base + encodePackageName(name), 'application/json');
        const downloads = point === undefined ? 0 : point.downloads;
        if (typeof downloads === 'number' && Number.isFinite(downloads)) facts.weeklyDownloads = downloads;
      } catch (error) {
        // The registry answered; only the counts are missing. Unreachable once is unreachable for the run.
        if (error instanceof UnreachableError) progress.downloadsUnreachable ??= error.message;
      }
    }
    return facts;
  }

  /** GET a JSON object: undefined for 404, else the object; throws {@link UnansweredError} or {@link UnreachableError}. */
  private async getJson(url: string, accept: string): Promise<Record<string, unknown> | undefined> {
    let response: Response;
    try {
      response = await fetch(url, { headers: { accept }, signal: AbortSignal.timeout(this.timeoutMs), redirect: 'follow' });
    } catch (error) {
      throw new UnreachableError(`${new URL(url).host} could not be reached (${networkReason(error, this.timeoutMs)})`);
    }
    if (response.status === 404) {
      await response.body?.cancel();
      return undefined;
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new UnansweredError(`${new URL(url).host} answered HTTP ${response.status}`);
    }
    const text = await readCapped(response, this.maxDocumentBytes);
    if (text === undefined) throw new UnansweredError(`the document is larger than ${Math.round(this.maxDocumentBytes / 1024 / 1024)} MiB`);
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // Reported below with the other malformed answers.
    }
    throw new UnansweredError(`${new URL(url).host} answered something that is not a JSON object`);
  }

  private cachePath(name: string): string | undefined {
    if (!this.options.cacheDir) return undefined;
    const key = createHash('sha256').update(`${this.registry}\0${this.options.downloadsApi ?? ''}\0${name}`).digest('hex').slice(0, 40);
    return join(this.options.cacheDir, `${key}.json`);
  }

  private readCache(name: string): PackageFacts | undefined {
    const path = this.cachePath(name);
    if (!path) return undefined;
    const read = readBoundedTextFileSync(path, { root: this.options.cacheDir, maxBytes: 64 * 1024 });
    if (read.kind !== 'ok') return undefined;
    try {
      const entry = JSON.parse(read.text) as { name?: unknown; fetchedAt?: unknown; facts?: PackageFacts };
      if (entry.name !== name || typeof entry.fetchedAt !== 'number' || typeof entry.facts !== 'object' || entry.facts === null) return undefined;
      const ttl = entry.facts.exists ? this.ttlMs : Math.min(this.ttlMs, HOUR_MS);
      const age = this.now() - entry.fetchedAt;
      return age >= 0 && age < ttl ? entry.facts : undefined;
    } catch {
      return undefined;
    }
  }

  private async writeCache(name: string, facts: PackageFacts): Promise<void> {
    const path = this.cachePath(name);
    if (!path) return;
    try {
      mkdirSync(this.options.cacheDir!, { recursive: true });
      await writeFileAtomic(path, JSON.stringify({ name, registry: this.registry, fetchedAt: this.now(), facts }), { root: this.options.cacheDir });
    } catch {
      // A cache that cannot be written costs a request next time, nothing more.
    }
  }
}

/** `@scope/name` → `@scope%2fname`, as registries expect. */
function encodePackageName(name: string): string {
  return name.startsWith('@') ? `@${encodeURIComponent(name.slice(1))}` : encodeURIComponent(name);
}

function createdTime(document: Record<string, unknown>): string | undefined {
  const time = document.time;
  if (typeof time !== 'object' || time === null) return undefined;
  const created = (time as Record<string, unknown>).created;
  return typeof created === 'string' && !Number.isNaN(Date.parse(created)) ? created : undefined;
}

/** The body as text, or undefined past `maxBytes` (counted while reading, so a huge answer is not buffered). */
async function readCapped(response: Response, maxBytes: number): Promise<string | undefined> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Why a request never got an answer, in a few words: `ENOTFOUND`, `ECONNREFUSED`, `timed out after 10 s`. */
function networkReason(error: unknown, timeoutMs: number): string {
  const name = (error as { name?: string }).name;
  if (name === 'TimeoutError' || name === 'AbortError') return `timed out after ${Math.round(timeoutMs / 100) / 10} s`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}
