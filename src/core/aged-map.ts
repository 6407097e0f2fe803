/**
 * A map whose entries are forgotten between one and two `span`s after they were last set: two
 * generations, the older dropped whole when the newer is a span old. Time is the caller's: log
 * time in a hunt (months replayed in minutes), the clock in the gateway. Why not a cache library:
 * that clock, and two Maps cost nothing per entry beyond the entry itself, where per-entry
 * timestamps would add to what this is for (remembering many small things cheaply).
 */
export class AgedMap<K, V> {
  #young = new Map<K, V>();
  #old = new Map<K, V>();
  #youngSince: number | null = null;

  constructor(readonly span: number) {}

  get(key: K): V | undefined {
    return this.#young.get(key) ?? this.#old.get(key);
  }

  set(key: K, value: V, now: number): void {
    this.#youngSince ??= now;
    this.#old.delete(key);
    this.#young.set(key, value);
  }

  delete(key: K): void {
    this.#young.delete(key);
    this.#old.delete(key);
  }

  /** Moves the generations on when the young one is a span old; after two spans of silence both go. */
  age(now: number): void {
    if (this.#youngSince === null || now - this.#youngSince < this.span) return;
    this.#old = now - this.#youngSince >= 2 * this.span ? new Map<K, V>() : this.#young;
    this.#young = new Map<K, V>();
    this.#youngSince = now;
  }

  /** Ages one generation now, whatever the time: how a caller bounds memory under a flood of entries. */
  rotate(now: number): void {
    this.#old = this.#young;
    this.#young = new Map<K, V>();
    this.#youngSince = now;
  }

  get size(): number {
    return this.#young.size + this.#old.size;
  }
}
