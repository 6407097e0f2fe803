import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { WorkerError, type Exchange } from "../core/index.js";
import { loadDefaultModel } from "../detect/index.js";
import { packInputs, signalsOfInputs, type PackedInputs, type PackedSignals } from "./signal-codec.js";

/** A batch's request signals, computed by a signal thread or, when taken back, by the caller. */
export interface SignalJob {
  readonly result: Promise<PackedSignals>;
  /** Whether `result` has settled, so awaiting it will not wait. */
  readonly settled: boolean;
}

interface Job extends SignalJob {
  settled: boolean;
  resolve(s: PackedSignals): void;
  reject(e: Error): void;
}

/** A job not yet handed to a thread, with what the thread (or the main thread, taking it back) will read. */
interface Queued {
  job: Job;
  inputs: PackedInputs;
}

/**
 * A signal thread keeps its batch's inputs alive while it allocates short-lived text per request, so
 * with the default young generation every scavenge copied the batch again. A larger one (a fixed
 * ~80 MB more RSS per thread) made the hunt 1–9% faster in five interleaved pairs, never slower.
 */
const SIGNAL_THREAD_YOUNG_GENERATION_MB = 96;

/** Batches handed to one thread at a time: one it works on, one waiting, so it never idles between them. */
const PER_THREAD = 2;

/**
 * Request signals for the hunt on worker threads, so that the main thread parses, orders and runs
 * the account and cluster levels while other cores score requests. Signals are pure functions of
 * one exchange, so the result is the same wherever they are computed.
 *
 * Which side is slower depends on the machine and the traffic (long prompts load the signal
 * threads, many accounts load the main thread), so the work is shared rather than split once:
 * threads take batches oldest first, and a main thread that would otherwise wait for one takes
 * back the newest batch no thread has started and computes it itself (`helpWhileWaiting`).
 */
export class SignalPool {
  readonly #workers: Worker[];
  readonly #sent: Job[][];
  /**
   * Submitted, not yet handed to a thread; oldest first. Inputs are packed when submitted, so the
   * pool holds no exchange (the caller may slim its own; see runHunt), and are let go once posted:
   * the thread has its copy, and the prompt texts held here outlived two scavenges and were
   * promoted, a quarter of what the main thread's collector copied over the bench log.
   */
  readonly #queue: Queued[] = [];
  /** Set when a thread dies: every batch waiting and every later one fails with it instead of hanging. */
  #failure: Error | null = null;
  #closing = false;
  #computedHere = 0;
  #submitted = 0;

  private constructor(size: number) {
    const url = new URL("./signal-worker.js", import.meta.url);
    this.#sent = Array.from({ length: size }, () => []);
    this.#workers = Array.from({ length: size }, (_, w) => {
      const worker = new Worker(url, { resourceLimits: { maxYoungGenerationSizeMb: SIGNAL_THREAD_YOUNG_GENERATION_MB } });
      worker.on("message", (m: { signals: PackedSignals }) => {
        // A thread answers in the order it was sent batches.
        const job = this.#sent[w]?.shift();
        if (job) {
          job.settled = true;
          job.resolve(m.signals);
        }
        this.#dispatch();
      });
      worker.on("error", (err) => this.#fail(err));
      worker.on("exit", (code) => {
        if (!this.#closing) this.#fail(new Error(`exited with code ${code}`));
      });
      return worker;
    });
  }

  #fail(err: Error): void {
    this.#failure ??= new WorkerError("a request-signal thread", err);
    for (const job of [...this.#sent.flat(), ...this.#queue.map((q) => q.job)]) {
      job.settled = true;
      job.reject(this.#failure);
    }
    for (const list of this.#sent) list.length = 0;
    this.#queue.length = 0;
  }

  /**
   * A pool sized to the machine (one core stays with the main thread), or null where threads do not
   * pay or cannot run: a single core, or running from TypeScript sources (tests), where the worker
   * module is not built. `threads` (by default HYDRASENTRY_HUNT_WORKERS) sets the size; 0 turns it off.
   */
  static create(threads: number | undefined = threadsFromEnv()): SignalPool | null {
    if (!import.meta.url.endsWith(".js")) return null;
    const size = SignalPool.plannedSize(threads);
    return size > 0 ? new SignalPool(size) : null;
  }

  /** Signal threads `create` starts on a machine with `cores` cores: `threads` when given, else one per spare core, up to 3. */
  static plannedSize(threads: number | undefined = threadsFromEnv(), cores: number = availableParallelism()): number {
    const size = threads ?? Math.min(3, cores - 1);
    return Number.isInteger(size) && size > 0 ? size : 0;
  }

  /**
   * Batches worth keeping submitted ahead of the one the caller needs: every thread's share and as
   * many again, so a caller that would wait finds batches no thread has started (helpWhileWaiting).
   */
  get depth(): number {
    return 2 * PER_THREAD * this.#workers.length;
  }

  /** Share of wall time each signal thread has been busy since it started (0..1): which side bounds the hunt. */
  utilization(): number[] {
    return this.#workers.map((w) => w.performance.eventLoopUtilization().utilization);
  }

  /** Share of submitted batches whose signals the main thread computed itself (see helpWhileWaiting). */
  sharedWithMain(): number {
    return this.#submitted === 0 ? 0 : this.#computedHere / this.#submitted;
  }

  /**
   * Queues the batch's signals; the engine unpacks each as it reaches its exchange (see unpackSignal).
   * What request signals read is packed now: from here on the batch's exchanges are the caller's alone.
   */
  submit(batch: readonly Exchange[]): SignalJob {
    let resolve!: (s: PackedSignals) => void;
    let reject!: (e: Error) => void;
    const result = new Promise<PackedSignals>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const inputs = packInputs(batch);
    const job: Job = { result, settled: false, resolve, reject };
    this.#submitted++;
    if (this.#failure) {
      job.settled = true;
      reject(this.#failure);
    } else {
      this.#queue.push({ job, inputs });
      this.#dispatch();
    }
    return job;
  }

  /**
   * Called instead of waiting for `job`: while it is unsettled, computes the newest batch no thread
   * has started, here, one at a time. Returns when `job` is settled or every remaining batch is with
   * a thread.
   */
  async helpWhileWaiting(job: SignalJob): Promise<void> {
    while (!job.settled && this.#failure === null) {
      const newest = this.#queue.pop();
      if (!newest) return;
      this.#computedHere++;
      let signals: PackedSignals;
      try {
        signals = signalsOfInputs(newest.inputs, loadDefaultModel());
      } catch (err) {
        newest.job.settled = true;
        newest.job.reject(err instanceof Error ? err : new Error(String(err)));
        continue;
      }
      newest.job.settled = true;
      newest.job.resolve(signals);
      // Threads that finished meanwhile report (and take their next batch) before we look again;
      // without this turn of the event loop the main thread would take every queued batch.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  #dispatch(): void {
    for (let w = 0; w < this.#workers.length && this.#queue.length > 0; w++) {
      const sent = this.#sent[w] as Job[];
      while (sent.length < PER_THREAD && this.#queue.length > 0) {
        const { job, inputs } = this.#queue.shift() as Queued;
        sent.push(job);
        // Only what request signals read travels to the thread (see signal-codec).
        (this.#workers[w] as Worker).postMessage({ inputs }, [inputs.numbers.buffer]);
      }
    }
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
