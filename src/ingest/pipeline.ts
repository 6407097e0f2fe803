import type { Exchange } from "../core/index.js";
import { ExchangeHeap, RecentIds } from "./order.js";
import type { QuarantineWriter } from "./quarantine.js";
import { readExchangeLog } from "./read.js";
import type { InputSource } from "./source.js";
import type { FileCounts } from "./summary.js";

export interface OrderedReadOptions {
  quarantine: QuarantineWriter;
  onBytes?: (n: number) => void;
  /** How far out of order (log time) a line may arrive within one file and still be placed correctly. */
  reorderWindowMs?: number;
  batchSize?: number;
}

export interface OrderedReadState {
  files: FileCounts[];
  /** Exchanges that arrived later than the reorder window allows; processed, but after newer ones. */
  late: number;
}

interface Cursor {
  it: AsyncGenerator<{ file: FileCounts; exchanges: Exchange[] }>;
  heap: ExchangeHeap;
  maxTs: number;
  done: boolean;
  file: FileCounts | null;
}

export const DEFAULT_REORDER_WINDOW_MS = 10 * 60 * 1000;

/**
 * Every input merged into one time-ordered, de-duplicated stream of batches. Each file is assumed to
 * be roughly time-ordered (as providers' logs are) and is buffered only over the reorder window;
 * files are k-way merged, so a log split by day or by shard needs no sort step.
 */
export async function* readInTimeOrder(
  sources: readonly InputSource[],
  opts: OrderedReadOptions,
  state: OrderedReadState,
): AsyncGenerator<Exchange[]> {
  const window = opts.reorderWindowMs ?? DEFAULT_REORDER_WINDOW_MS;
  const batchSize = opts.batchSize ?? 4096;
  const dedupe = new RecentIds(window * 2);
  const cursors: Cursor[] = sources.map((s) => ({
    it: readExchangeLog([s], { quarantine: opts.quarantine, onBytes: opts.onBytes }),
    heap: new ExchangeHeap(),
    maxTs: -Infinity,
    done: false,
    file: null,
  }));

  // A cursor's head is safe to emit once its file has read past head.ts + window (or has ended).
  const fill = async (c: Cursor): Promise<void> => {
    while (!c.done) {
      const top = c.heap.peek();
      if (top && top.ts <= c.maxTs - window) return;
      const r = await c.it.next();
      if (r.done) {
        c.done = true;
        return;
      }
      if (!c.file) {
        c.file = r.value.file;
        state.files.push(r.value.file);
      }
      for (const ex of r.value.exchanges) {
        c.heap.push(ex);
        if (ex.ts > c.maxTs) c.maxTs = ex.ts;
      }
    }
  };

  let out: Exchange[] = [];
  let lastTs = -Infinity;
  for (;;) {
    let best: Cursor | null = null;
    for (const c of cursors) {
      if (c.heap.size === 0 || (!c.done && (c.heap.peek() as Exchange).ts > c.maxTs - window)) await fill(c);
      const head = c.heap.peek();
      if (head && (!best || head.ts < (best.heap.peek() as Exchange).ts)) best = c;
    }
    if (!best) break;
    const ex = best.heap.pop() as Exchange;
    const counts = best.file as FileCounts;
    if (dedupe.seen(ex.id, ex.ts)) {
      counts.duplicates++;
      continue;
    }
    counts.exchanges++;
    if (ex.ts < lastTs) state.late++;
    else lastTs = ex.ts;
    out.push(ex);
    if (out.length >= batchSize) {
      yield out;
      out = [];
    }
  }
  if (out.length > 0) yield out;
}
