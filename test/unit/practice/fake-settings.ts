// A stand-in for VS Code's configuration service with the behaviour the practice engine relies
// on: values per scope (user, workspace, folder) and per language override, `inspect()` results
// shaped like VS Code's, refusal to write unregistered keys or workspace scopes without a
// workspace, and most-specific-wins resolution.
import type { JsonValue } from '../../../src/core/practice/json';
import type { ConfigScope, SettingInspection, SettingsContext, SettingUpdate } from '../../../src/core/practice/settings-plan';
import type { SettingsPort } from '../../../src/core/practice/session';

type Store = Map<string, JsonValue>;

function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

export class FakeSettings implements SettingsPort {
  readonly defaults = new Map<string, JsonValue>();
  private readonly stores = new Map<string, Store>();
  applied: SettingUpdate[] = [];
  /** Makes `apply` fail for matching updates (VS Code refusing, a read-only file). */
  failWhen: (update: SettingUpdate) => boolean = () => false;
  private stall: { after: number; reached: () => void } | undefined;

  /**
   * After `writes` more successful writes, every `apply` hangs for ever: the process "dies" there.
   * Resolves once the first write hangs.
   */
  /** Writes work again (the next process after the "crash"). */
  unstall(): void {
    this.stall = undefined;
  }

  stallAfter(writes: number): Promise<void> {
    return new Promise((resolve) => (this.stall = { after: this.applied.length + writes, reached: resolve }));
  }

  constructor(
    public ctx: SettingsContext,
    public folders: string[] = [],
  ) {}

  private registrations: (() => void)[] = [];

  register(key: string, defaultValue: JsonValue): this {
    this.defaults.set(key, defaultValue);
    for (const listener of this.registrations.splice(0)) listener();
    return this;
  }

  /** Called when a restore waits for a key (VS Code registers it later); `register` then lets it go on. */
  onWaitForRegistration: (keys: readonly string[]) => void = () => undefined;

  whenRegistered(keys: readonly string[], timeoutMs: number): Promise<boolean> {
    const registered = (): boolean => keys.every((key) => this.defaults.has(key));
    if (registered()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      const check = (): void => {
        if (registered()) {
          clearTimeout(timer);
          resolve(true);
        } else this.registrations.push(check);
      };
      this.registrations.push(check);
      this.onWaitForRegistration(keys);
    });
  }

  private storeKey(scope: ConfigScope, folder: string | undefined, languageId: string | undefined): string {
    return JSON.stringify([scope, scope === 'workspaceFolder' ? (folder ?? '') : '', languageId ?? '']);
  }

  private store(scope: ConfigScope, folder?: string, languageId?: string): Store {
    const id = this.storeKey(scope, folder, languageId);
    let store = this.stores.get(id);
    if (!store) {
      store = new Map();
      this.stores.set(id, store);
    }
    return store;
  }

  /** Empties one scope's settings file (every value, every language), as VS Code killed mid-save leaves it. */
  truncate(scope: ConfigScope, folder?: string): void {
    for (const [id, store] of this.stores) {
      const [storeScope, storeFolder] = JSON.parse(id) as [string, string, string];
      if (storeScope === scope && storeFolder === (scope === 'workspaceFolder' ? (folder ?? '') : '')) store.clear();
    }
  }

  /** Sets a value directly, as a user editing settings.json would. */
  set(scope: ConfigScope, key: string, value: JsonValue | undefined, options: { folder?: string; languageId?: string } = {}): void {
    // A single-folder window keeps workspace and folder values in one file.
    const effectiveScope = this.ctx.workspace === 'folder' && scope === 'workspaceFolder' ? 'workspace' : scope;
    const store = this.store(effectiveScope, options.folder, options.languageId);
    if (value === undefined) store.delete(key);
    else store.set(key, clone(value));
  }

  get(scope: ConfigScope, key: string, options: { folder?: string; languageId?: string } = {}): JsonValue | undefined {
    const effectiveScope = this.ctx.workspace === 'folder' && scope === 'workspaceFolder' ? 'workspace' : scope;
    return clone(this.store(effectiveScope, options.folder, options.languageId).get(key));
  }

  /** The value an editor for `folder` and `languageId` would use: most specific scope wins, language overrides first. */
  effective(key: string, folder?: string, languageId?: string): JsonValue | undefined {
    const chain: [ConfigScope, string | undefined][] = [
      ['workspaceFolder', folder],
      ['workspace', undefined],
      ['global', undefined],
    ];
    const lookups = languageId === undefined ? [undefined] : [languageId, undefined];
    for (const language of lookups) {
      for (const [scope, f] of chain) {
        if (scope === 'workspaceFolder' && (this.ctx.workspace !== 'multiRoot' || f === undefined)) continue;
        if (scope !== 'global' && this.ctx.workspace === 'none') continue;
        const value = this.store(scope, f, language).get(key);
        if (value !== undefined) return clone(value);
      }
    }
    return clone(this.defaults.get(key));
  }

  /** Every stored value, for exact before/after comparison. */
  dump(): Record<string, JsonValue> {
    const out: Record<string, JsonValue> = {};
    for (const [id, store] of [...this.stores.entries()].sort()) {
      for (const [key, value] of [...store.entries()].sort()) out[`${id} ${key}`] = value;
    }
    return out;
  }

  private languagesFor(key: string): string[] {
    const languages = new Set<string>();
    for (const [id, store] of this.stores) {
      const [, , languageId] = JSON.parse(id) as [string, string, string];
      if (languageId !== '' && store.has(key)) languages.add(languageId);
    }
    return [...languages].sort();
  }

  context(): SettingsContext {
    return { ...this.ctx };
  }

  async inspect(keys: readonly string[], options: { languageIds?: readonly string[] } = {}): Promise<SettingInspection[]> {
    const out: SettingInspection[] = [];
    for (const key of keys) {
      const folders: (string | undefined)[] = this.ctx.workspace === 'multiRoot' ? this.folders : [undefined];
      // As in VS Code: `languageIds` lists the languages whose overrides set the key; the caller may ask for more.
      const listed = this.languagesFor(key);
      const languages = [...new Set([...listed, ...(options.languageIds ?? [])])].sort();
      for (const folder of folders) {
        for (const languageId of [undefined, ...languages]) {
          const inspection: SettingInspection = {
            key,
            defaultValue: clone(this.defaults.get(key)),
            globalValue: this.get('global', key),
            workspaceValue: this.ctx.workspace === 'none' ? undefined : this.get('workspace', key),
            workspaceFolderValue:
              this.ctx.workspace === 'none' ? undefined : this.ctx.workspace === 'folder' ? this.get('workspace', key) : this.get('workspaceFolder', key, { folder }),
            languageIds: listed,
          };
          if (folder !== undefined) inspection.folder = folder;
          if (languageId !== undefined) {
            inspection.languageId = languageId;
            inspection.globalLanguageValue = this.get('global', key, { languageId });
            if (this.ctx.workspace !== 'none') {
              inspection.workspaceLanguageValue = this.get('workspace', key, { languageId });
              inspection.workspaceFolderLanguageValue =
                this.ctx.workspace === 'folder' ? this.get('workspace', key, { languageId }) : this.get('workspaceFolder', key, { folder, languageId });
            }
          }
          out.push(inspection);
        }
      }
    }
    return out;
  }

  async apply(update: SettingUpdate): Promise<void> {
    if (!this.defaults.has(update.key)) {
      throw new Error(`Unable to write to User Settings because ${update.key} is not a registered configuration.`);
    }
    if (update.scope !== 'global' && this.ctx.workspace === 'none') throw new Error('Unable to write to Workspace Settings because no workspace is opened.');
    if (this.failWhen(update)) throw new Error(`refused: ${update.key}`);
    if (this.stall && this.applied.length >= this.stall.after) {
      this.stall.reached();
      await new Promise<never>(() => undefined);
    }
    this.applied.push(update);
    this.set(update.scope, update.key, update.value, { folder: update.folder, languageId: update.languageId });
  }
}
