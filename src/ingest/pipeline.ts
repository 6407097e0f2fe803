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
  /**
   * Stop with InputOutOfOrder once more exchanges arrive late than stragglers explain (see
   * tooManyLate), for a caller that can read the input again sorted (readSorted) instead.
   */
  failWhenOutOfOrder?: boolean;
}

export interface OrderedReadState {
  files: FileCounts[];
  /** Exchanges that arrived later than the reorder window allows; processed, but after newer ones. */
  late: number;
}

/** Input whose lines are not in time order beyond what the reorder window absorbs. */
export class InputOutOfOrder extends Error {
  constructor(
    readonly late: number,
    readonly emitted: number,
  ) {
    super(`input is not in time order: ${late} of the first ${emitted} exchanges arrived more than the reorder window late`);
    this.name = "InputOutOfOrder";
  }
}

/**
 * Late exchanges past which a log is not a time-ordered log with stragglers: a log grouped by account
 * or shuffled makes most of its exchanges late within its first thousands, while a provider's log
 * with a slow shard here and there stays under one in a thousand.
 */
export const tooManyLate = (late: number, emitted: number): boolean => late > 100 + emitted / 1000;

/**
 * The one place exchanges leave a reader: duplicates dropped and counted against their file, late ones
 * counted, batches cut. Shared by the streaming reader and the sorting one.
 */
export class BatchCutter {
  private out: Exchange[] = [];
  private lastTs = -Infinity;
  emitted = 0;
  constructor(
    private readonly dedupe: RecentIds,
    private readonly batchSize: number,
    private readonly state: OrderedReadState,
  ) {}

  /** Takes the next exchange; returns a full batch when this one completes it. */
  take(ex: Exchange, counts: FileCounts): Exchange[] | null {
    if (this.dedupe.seen(ex.id, ex.ts)) {
      counts.duplicates++;
      return null;
    }
    counts.exchanges++;
    this.emitted++;
    if (ex.ts < this.lastTs) this.state.late++;
    else this.lastTs = ex.ts;
    this.out.push(ex);
    if (this.out.length < this.batchSize) return null;
    const full = this.out;
    this.out = [];
    return full;
  }

  /** What is left once the input ends. */
  rest(): Exchange[] | null {
    const rest = this.out;
    this.out = [];
    return rest.length > 0 ? rest : null;
  }
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

  const cutter = new BatchCutter(dedupe, batchSize, state);
  for (;;) {
    let best: Cursor | null = null;
    for (const c of cursors) {
      if (c.heap.size === 0 || (!c.done && (c.heap.peek() as Exchange).ts > c.maxTs - window)) await fill(c);
      const head = c.heap.peek();
      if (head && (!best || head.ts < (best.heap.peek() as Exchange).ts)) best = c;
    }
    if (!best) break;
    const full = cutter.take(best.heap.pop() as Exchange, best.file as FileCounts);
    if (opts.failWhenOutOfOrder && tooManyLate(state.late, cutter.emitted)) throw new InputOutOfOrder(state.late, cutter.emitted);
    if (full) yield full;
  }
  const rest = cutter.rest();
  if (rest) yield rest;
}
