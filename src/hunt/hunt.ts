import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, totalmem } from "node:os";
import { join } from "node:path";
import { getHeapStatistics } from "node:v8";
import type { AccountMeta, AccountVerdict, ClusterVerdict, Exchange, Sanction } from "../core/index.js";
import {
  inTimeOrder,
  openSource,
  openSources,
  QuarantineWriter,
  readAccountsTable,
  timeOrderedBatches,
  totalsOf,
  type FileCounts,
  type LogOrder,
  type OrderedReadState,
} from "../ingest/index.js";
import { accountsCsvLines, buildReportJson, prettyJsonPieces, reportHtml, writeTextFile, type HuntReportJson } from "../report/index.js";
import type { Store } from "../store/index.js";
import { HeldOpenings, type RequestSignals } from "../detect/index.js";
import { HeapWatch, HUNT_SEMI_SPACE_MB } from "./heap-watch.js";
import { unpackSignal } from "./signal-codec.js";
import { SignalPool, type SignalJob } from "./signal-pool.js";
import { TextlessExchanges } from "./textless.js";
import { publishHuntResults } from "./publish.js";

/** What the hunt's detection engine must offer: fed in time order, asked for verdicts at the end. */
export interface HuntEngine {
  /** `signalOf(i)`, when given, returns the request signals of `batch[i]` computed elsewhere (the signal pool). */
  observe(batch: readonly Exchange[], signalOf?: (i: number) => RequestSignals): void;
  finish(): { accounts: AccountVerdict[]; clusters: ClusterVerdict[] };
}

export interface HuntOptions {
  inputs: string[];
  outDir: string;
  accountsFile?: string;
  store?: Store;
  engine: (accountsTable: ReadonlyMap<string, AccountMeta>) => HuntEngine;
  onBytes?: (n: number) => void;
  onExchanges?: (n: number) => void;
  /** Called as each read of the input starts, with its size where known and what the read is doing. */
  totalBytesKnown?: (n: number | null, label: string) => void;
  /** Exchanges per in-memory run when the input has to be sorted (see readSorted); for tests. */
  sortRunExchanges?: number;
  /** Request-signal threads; default: HYDRASENTRY_HUNT_WORKERS, else one per spare core (see SignalPool.create). */
  signalThreads?: number;
  /** Stops the hunt with HuntMemoryError when its heap stays nearly full (default: a new HeapWatch). */
  heapWatch?: HeapWatch;
}

export interface HuntResult {
  report: HuntReportJson;
  /** The verdicts the report was built from, as the store keeps them. */
  accounts: AccountVerdict[];
  clusters: ClusterVerdict[];
  reportPath: string;
  htmlPath: string;
  quarantinePath: string | null;
  /**
   * Share of the run each thread was busy (0..1): the main thread (read, order, accounts, clusters)
   * and each signal thread; and the share of batches whose signals the main thread computed while
   * it would otherwise have waited for a signal thread.
   */
  busy: { main: number; signals: number[]; signalsOnMain: number };
  /** With a store: the gateway's head suspensions this hunt let lapse (see lapsedHeads). */
  lapsed: Sanction[];
}

/**
 * Node flags a process that hunts should start with. The main thread allocates ~13 KB per exchange
 * (parsed lines, exchanges, unpacked signals), nearly all dead within a few batches; with V8's
 * default 16 MB semi-spaces each scavenge copied the batches still in flight. 32 MB made the hunt of
 * the bench log 5–9% faster in interleaved runs (+35–45 MB RSS); 64 MB was no faster and cost +170 MB.
 *
 * When the hunt's threads take every core, V8's parallel and concurrent collector threads can only
 * run by preempting them, and coordinating with them costs more than they save: on two cores,
 * `--single-threaded-gc` made the hunt of the bench log 3–7% faster in four interleaved pairs. With
 * cores to spare the helpers run beside the hunt, so the flag is left off there.
 *
 * The heap's limit is raised to huntHeapMb where the machine has the memory for it.
 *
 * V8 reads these when the process starts, so the CLI relaunches itself with them (cli/relaunch.ts)
 * and the bench measures with them.
 */
export function huntNodeFlags(cores: number = availableParallelism(), signalThreads: number = SignalPool.plannedSize(undefined, cores), heapMb: number | null = huntHeapMb()): string[] {
  const flags = [`--max-semi-space-size=${HUNT_SEMI_SPACE_MB}`];
  if (1 + signalThreads >= cores) flags.push("--single-threaded-gc");
  if (heapMb !== null) flags.push(`--max-old-space-size=${heapMb}`);
  return flags;
}

/** The share of the machine's memory (or its container's) a hunt's heap may grow to. */
const HUNT_HEAP_SHARE = 0.75;

/**
 * The heap limit a hunt should run with, in MB, or null where V8's default is already as large.
 * The hunt's state grows with the accounts it has seen (6.2 KB each, live, on a log of 109,373
 * accounts sending a dozen requests each), and V8's default limit is about 4 GB whatever the machine
 * (4,345 MB on a 24 GB one): a hunt over a provider's months of logs, millions of accounts, would stop
 * with an out-of-memory crash where the machine had memory to spare.
 */
export function huntHeapMb(memoryBytes: number = machineMemoryBytes(), defaultLimitBytes: number = getHeapStatistics().heap_size_limit): number | null {
  const mb = Math.floor((memoryBytes * HUNT_HEAP_SHARE) / 2 ** 20);
  return mb * 2 ** 20 > defaultLimitBytes ? mb : null;
}

/** The memory this process may use: its container's limit where one is set, else the machine's. */
function machineMemoryBytes(): number {
  const total = totalmem();
  const constrained = process.constrainedMemory?.();
  return constrained !== undefined && constrained > 0 && constrained < total ? constrained : total;
}

/**
 * Exchanges per batch handed to the signal pool. A batch lives from its parse until the engine has
 * observed it, and the pool keeps `depth` batches ahead of the engine, so everything a batch holds
 * outlives two scavenges once the batches in flight take longer to read than two scavenges apart
 * (~60 ms here); it is then copied twice and promoted to die in the old generation. At 4,096 the
 * main thread spent 7.1 s of a 40 s hunt of the bench log in scavenges, at 1,024 4.5 s: the hunt
 * 5% faster (five runs against three, interleaved). 512 was no faster: per-batch costs take over.
 */
export const HUNT_BATCH_SIZE = 1024;

/**
 * Hunts the inputs as a time-ordered replay, whatever order their lines are in (the report's
 * first_flagged_at is the log time a replay would first have flagged each account, so the replay
 * must run in log time; see inTimeOrder). Read in file order, a log grouped by account would have had
 * a ring caught at its last request reported as caught at its first.
 */
export async function runHunt(opts: HuntOptions): Promise<HuntResult> {
  return inTimeOrder(opts.inputs, (order) => huntOnce(opts, order));
}

async function huntOnce(opts: HuntOptions, order: LogOrder): Promise<HuntResult> {
  // Open everything before writing anything: a missing input fails the run with no partial report.
  const sources = await openSources(opts.inputs);
  const accountsSource = opts.accountsFile ? await openSource(opts.accountsFile) : null;
  const known = sources.every((s) => s.sizeBytes !== null);
  opts.totalBytesKnown?.(known ? sources.reduce((a, s) => a + (s.sizeBytes ?? 0), 0) : null, order === "stream" ? "hunt" : "hunt (input not in time order: sorting it)");

  mkdirSync(opts.outDir, { recursive: true });
  const quarantine = new QuarantineWriter(join(opts.outDir, "quarantine.jsonl"));
  const files: FileCounts[] = [];
  let accountsTable = new Map<string, AccountMeta>();
  if (accountsSource) {
    const table = await readAccountsTable(accountsSource, quarantine);
    accountsTable = table.accounts;
  }
  const engine = opts.engine(accountsTable);
  const state: OrderedReadState = { files, late: 0 };
  let firstTs: number | null = null;
  let lastTs: number | null = null;
  const pool = SignalPool.create(opts.signalThreads);
  const loopAtStart = performance.eventLoopUtilization();
  let busy!: HuntResult["busy"];
  // Batches in flight to the pool; consumed in order, so the engine still sees log-time order.
  const pending: Array<{ batch: Exchange[]; signals: SignalJob | null }> = [];
  const textless = new TextlessExchanges();
  const held = new HeldOpenings();
  const heapWatch = (opts.heapWatch ?? new HeapWatch()).start();
  let exchangesRead = 0;
  const consume = async (): Promise<void> => {
    const next = pending.shift();
    if (!next) return;
    const { batch } = next;
    const head = batch[0] as Exchange;
    const tail = batch[batch.length - 1] as Exchange;
    if (firstTs === null || head.ts < firstTs) firstTs = head.ts;
    if (lastTs === null || tail.ts > lastTs) lastTs = tail.ts;
    if (next.signals) await pool?.helpWhileWaiting(next.signals);
    const packed = next.signals ? await next.signals.result : null;
    engine.observe(batch, packed ? (i) => unpackSignal(packed, i) : undefined);
    if (opts.store) await opts.store.putExchanges(batch);
    opts.onExchanges?.(batch.length);
    exchangesRead += batch.length;
    heapWatch.check({ exchanges: exchangesRead, logTime: lastTs });
  };
  try {
    const batches = timeOrderedBatches(sources, order, { quarantine, onBytes: opts.onBytes, batchSize: HUNT_BATCH_SIZE, runExchanges: opts.sortRunExchanges }, state);
    for await (const batch of batches) {
      // Before the batch is read anywhere: each request continuing a held conversation is read with its opening.
      held.recall(batch);
      const signals = pool ? pool.submit(batch) : null;
      // A store keeps exchanges whole; otherwise only what the engine reads waits for the signals.
      if (signals && !opts.store) for (let i = 0; i < batch.length; i++) batch[i] = textless.slim(batch[i] as Exchange);
      // Awaited in turn below; marked handled now so that a dead signal thread fails the hunt with
      // its own error instead of an unhandled rejection from a batch still in the queue.
      signals?.result.catch(() => {});
      pending.push({ batch, signals });
      while (pending.length > (pool?.depth ?? 0)) await consume();
    }
    while (pending.length > 0) await consume();
    busy = { main: performance.eventLoopUtilization(loopAtStart).utilization, signals: pool?.utilization() ?? [], signalsOnMain: pool?.sharedWithMain() ?? 1 };
  } finally {
    heapWatch.stop();
    await quarantine.close();
    await pool?.close();
  }
  const { accounts, clusters } = engine.finish();
  const report = buildReportJson({ totals: totalsOf(files), late: state.late, sorted: order === "sort", files, accounts, clusters, firstTs, lastTs });
  const reportPath = join(opts.outDir, "report.json");
  writeTextFile(reportPath, prettyJsonPieces(report));
  const htmlPath = join(opts.outDir, "report.html");
  writeFileSync(htmlPath, reportHtml(report));
  writeTextFile(join(opts.outDir, "accounts.csv"), accountsCsvLines(report));
  let lapsed: Sanction[] = [];
  if (opts.store) {
    lapsed = await publishHuntResults(opts.store, { accounts, clusters }, Date.now());
    await opts.store.appendAudit({
      ts: Date.now(),
      actor: "hunt",
      kind: "hunt",
      subject: opts.inputs.join(","),
      action: "report",
      reasons: [`${report.summary.flagged_accounts} accounts flagged in ${report.summary.clusters} clusters`, ...(lapsed.length > 0 ? [`${lapsed.length} head suspension${lapsed.length === 1 ? "" : "s"} lapsed`] : [])],
    });
  }
  return { report, accounts, clusters, reportPath, htmlPath, quarantinePath: quarantine.count > 0 ? quarantine.path : null, busy, lapsed };
}
