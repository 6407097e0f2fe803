import type { Exchange } from "../core/index.js";

/**
 * Min-heap by (ts, id). Hand-written: it sits on the ingest hot path and needs no allocation per
 * push beyond the array slot; the npm heaps we know add a comparator closure call per step anyway.
 */
export class ExchangeHeap {
  private readonly items: Exchange[] = [];
  get size(): number {
    return this.items.length;
  }
  peek(): Exchange | undefined {
    return this.items[0];
  }
  push(ex: Exchange): void {
    const a = this.items;
    a.push(ex);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(a[i] as Exchange, a[p] as Exchange)) break;
      [a[i], a[p]] = [a[p] as Exchange, a[i] as Exchange];
      i = p;
    }
  }
  pop(): Exchange | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && before(a[l] as Exchange, a[m] as Exchange)) m = l;
        if (r < a.length && before(a[r] as Exchange, a[m] as Exchange)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m] as Exchange, a[i] as Exchange];
        i = m;
      }
    }
    return top;
  }
}

function before(x: Exchange, y: Exchange): boolean {
  return x.ts < y.ts || (x.ts === y.ts && x.id < y.id);
}

/**
 * Ids seen within a sliding window of log time. A re-delivered exchange carries the same `ts`, so once
 * input is in time order, duplicates are never further apart than the reorder window: memory stays
 * bounded by the traffic in one window, not by the length of the log.
 */
export class RecentIds {
  private readonly byTs = new Map<string, number>();
  private readonly queue: Array<{ id: string; ts: number }> = [];
  private head = 0;
  constructor(private readonly windowMs: number) {}

  /** True when `id` was already seen (a duplicate); otherwise remembers it. */
  seen(id: string, ts: number): boolean {
    if (this.byTs.has(id)) return true;
    this.byTs.set(id, ts);
    this.queue.push({ id, ts });
    this.evict(ts);
    return false;
  }

  private evict(now: number): void {
    const cutoff = now - this.windowMs;
    while (this.head < this.queue.length) {
      const e = this.queue[this.head] as { id: string; ts: number };
      if (e.ts >= cutoff) break;
      this.byTs.delete(e.id);
      this.head++;
    }
    if (this.head > 65536 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }
}
