/**
 * What a pure function of a string gave, kept for the strings asked again: an app's system prompt goes
 * out with each of its users' requests, an account's creation time with each of its own. Bounded by
 * forgetting everything at once when full: nothing to update on a hit (an LRU moves an entry on every
 * read, and hits are the hot path), and what is asked for again is back after one miss. Why not a
 * cache library: this is the whole of what is needed, and it runs per request.
 */
export class BoundedMemo<V> {
  readonly #entries = new Map<string, V>();

  constructor(readonly maxEntries: number) {}

  /** The value for `key`, computed by `compute` the first time it is asked since the memo was last emptied. */
  get(key: string, compute: (key: string) => V): V {
    let value = this.#entries.get(key);
    if (value === undefined) {
      value = compute(key);
      if (this.#entries.size >= this.maxEntries) this.#entries.clear();
      this.#entries.set(key, value);
    }
    return value;
  }

  get size(): number {
    return this.#entries.size;
  }
}
