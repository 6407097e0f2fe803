import { constants, PerformanceObserver } from "node:perf_hooks";
import { getHeapStatistics } from "node:v8";
import { HuntMemoryError } from "../core/index.js";

/** Past this share of the old generation's limit still in use after a full collection, the hunt stops itself. */
const LIVE_SHARE_LIMIT = 0.85;

/** The young generation's semi-spaces, in MB, that hunts run with (see huntNodeFlags). */
export const HUNT_SEMI_SPACE_MB = 32;
/**
 * V8's heap limit counts the young generation too (three semi-spaces), and live data sits in the old
 * one: with --max-old-space-size=600 the limit read 696 MB, and the hunt died at 575 MB in use.
 */
const YOUNG_GENERATION_BYTES = 3 * HUNT_SEMI_SPACE_MB * 2 ** 20;

/**
 * Watches full garbage collections for a heap that stays nearly full after them. A hunt's state grows
 * with the accounts it has seen; at its heap limit V8 aborts the process ("FATAL ERROR: Ineffective
 * mark-compacts near heap limit", exit 134, a native stack trace) after collecting in vain for a while.
 * Stopping first lets the command say what happened and what to do. Why not a library: this is one
 * observer and one comparison.
 */
export class HeapWatch {
  #observer: PerformanceObserver | null = null;
  #full: { usedBytes: number; limitBytes: number } | null = null;

  constructor(private readonly liveShareLimit = LIVE_SHARE_LIMIT) {}

  /** The old generation's limit, from the whole heap's (getHeapStatistics().heap_size_limit). */
  static oldGenerationLimit(heapLimitBytes: number): number {
    return heapLimitBytes - YOUNG_GENERATION_BYTES;
  }

  start(): this {
    this.#observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        // A gc entry's `detail` (Node ≥ 16) is missing from the PerformanceEntry type.
        if ((entry as unknown as { detail?: { kind?: number } }).detail?.kind !== constants.NODE_PERFORMANCE_GC_MAJOR) continue;
        const heap = getHeapStatistics();
        this.noteFullCollection(heap.used_heap_size, HeapWatch.oldGenerationLimit(heap.heap_size_limit));
      }
    });
    this.#observer.observe({ entryTypes: ["gc"] });
    return this;
  }

  /** What a full collection left in use, against the old generation's limit. */
  noteFullCollection(usedBytes: number, limitBytes: number): void {
    if (usedBytes > this.liveShareLimit * limitBytes) this.#full ??= { usedBytes, limitBytes };
  }

  /** Throws once a full collection has left the heap nearly full; `progress` says how far the hunt got. */
  check(progress: { exchanges: number; logTime: number | null }): void {
    if (!this.#full) return;
    const mb = (b: number): number => Math.round(b / 2 ** 20);
    const at = progress.logTime === null ? "" : ` (log time ${new Date(progress.logTime).toISOString()})`;
    throw new HuntMemoryError(
      `the hunt is out of memory after ${progress.exchanges.toLocaleString("en-US")} exchanges${at}: a full collection left ${mb(this.#full.usedBytes)} MB of its ${mb(this.#full.limitBytes)} MB heap in use, and its state grows with every account it sees. Give it more (NODE_OPTIONS=--max-old-space-size=MB; by default it takes 3/4 of the machine's memory), or hunt fewer months at a time`,
      { exchanges: progress.exchanges, usedMb: mb(this.#full.usedBytes), limitMb: mb(this.#full.limitBytes) },
    );
  }

  stop(): void {
    this.#observer?.disconnect();
    this.#observer = null;
  }
}
