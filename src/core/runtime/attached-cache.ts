/**
 * A value computed once per object (a syntax tree) and kept on the object itself, under a symbol
 * of this cache's own: it lives and dies with the object, and nothing else can read it.
 *
 * Not a `WeakMap`: V8's young-generation collector keeps the values of a long-lived `WeakMap` alive
 * until the next full collection, with all they reach. A table of a file's bindings reaches the
 * whole tree, so every tree of a check was copied and promoted instead of dying young: on the speed
 * tree (bench/check-speed.bench.ts) the young collections took more than a tenth of the check.
 */
export class AttachedCache<K extends object, V> {
  private readonly key: symbol;

  /** @param description names the symbol, for a heap snapshot's reader. */
  constructor(description: string) {
    this.key = Symbol(description);
  }

  get(owner: K): V | undefined {
    return (owner as { [key: symbol]: V | undefined })[this.key];
  }

  has(owner: K): boolean {
    return Object.prototype.hasOwnProperty.call(owner, this.key);
  }

  set(owner: K, value: V): void {
    Object.defineProperty(owner, this.key, { value, writable: true, configurable: true, enumerable: false });
  }
}
