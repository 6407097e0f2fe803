import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { Exchange } from "../core/index.js";
import { packInputs, type PackedSignals } from "./signal-codec.js";

/**
 * Request signals for the hunt on worker threads, so that the main thread parses, orders and runs
 * the account and cluster levels while other cores score requests. Signals are pure functions of
 * one exchange, so the result is the same as computing them inline.
 */
export class SignalPool {
  readonly #workers: Worker[];
  readonly #waits = new Map<number, { resolve: (s: PackedSignals) => void; reject: (e: Error) => void }>();
  #seq = 0;
  /** Set when a thread dies: every batch waiting and every later one fails with it instead of hanging. */
  #failure: Error | null = null;
  #closing = false;

  private constructor(size: number) {
    const url = new URL("./signal-worker.js", import.meta.url);
    this.#workers = Array.from({ length: size }, () => {
      const w = new Worker(url);
      w.on("message", (m: { seq: number; signals: PackedSignals }) => {
        const wait = this.#waits.get(m.seq);
        this.#waits.delete(m.seq);
        wait?.resolve(m.signals);
      });
      w.on("error", (err) => this.#fail(err));
      w.on("exit", (code) => {
        if (!this.#closing) this.#fail(new Error(`a request-signal thread exited (code ${code})`));
      });
      return w;
    });
  }

  #fail(err: Error): void {
    this.#failure ??= err;
    for (const wait of this.#waits.values()) wait.reject(this.#failure);
    this.#waits.clear();
  }

  /**
   * A pool sized to the machine (one core stays with the main thread), or null where threads do not
   * pay or cannot run: a single core, or running from TypeScript sources (tests), where the worker
   * module is not built. `threads` (by default HYDRASENTRY_HUNT_WORKERS) sets the size; 0 turns it off.
   */
  static create(threads: number | undefined = threadsFromEnv()): SignalPool | null {
    if (!import.meta.url.endsWith(".js")) return null;
    const size = threads ?? Math.min(3, availableParallelism() - 1);
    return Number.isInteger(size) && size > 0 ? new SignalPool(size) : null;
  }

  get size(): number {
    return this.#workers.length;
  }

  /** Share of wall time each signal thread has been busy since it started (0..1): which side bounds the hunt. */
  utilization(): number[] {
    return this.#workers.map((w) => w.performance.eventLoopUtilization().utilization);
  }

  /** The batch's signals, still packed: the engine unpacks each as it reaches its exchange (see unpackSignal). */
  compute(batch: readonly Exchange[]): Promise<PackedSignals> {
    const seq = this.#seq++;
    // Only what request signals read travels to the thread (see signal-codec).
    const inputs = packInputs(batch);
    return new Promise((resolve, reject) => {
      if (this.#failure) return reject(this.#failure);
      this.#waits.set(seq, { resolve, reject });
      (this.#workers[seq % this.#workers.length] as Worker).postMessage({ seq, inputs }, [inputs.numbers.buffer]);
    });
  }

  async close(): Promise<void> {
    this.#closing = true;
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}

function threadsFromEnv(): number | undefined {
  const v = process.env.HYDRASENTRY_HUNT_WORKERS;
  return v === undefined || v === "" ? undefined : Number(v);
}
