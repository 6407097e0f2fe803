import { appendFileSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ArgumentError, withoutPassword, type Exchange } from "../core/index.js";
import type { ExtractionStyleModel, RequestSignals } from "../detect/index.js";
import { answerOnlyApplies, asksInWords, Gatekeeper, MemoryState, DetectionView, RedisState, type Decision, type GatewayState } from "../gateway/index.js";
import { defaultEngine, publishHuntResults, runHunt } from "../hunt/index.js";
import { DEFAULT_REORDER_WINDOW_MS, openSources, QuarantineWriter, readExchangeLog } from "../ingest/index.js";
import { isBlocking, type Policy } from "../policy/index.js";
import { openStore, type Store } from "../store/index.js";

const PENDING_LINES = 10_000;

export interface RespondReplayOptions {
  /** Exchange logs in time order (as a provider's logs and the simulator's are). */
  inputs: string[];
  /** How often the hunt runs; runs fall on multiples of this from the epoch (midnight UTC for days). */
  everyMs: number;
  /** Scratch space: the log so far, each run's report, and the gateway's store unless `store` names one. Emptied first. */
  workDir: string;
  /**
   * The gateway's store (a SQLite path or a postgres:// URL), which must hold no verdicts, clusters or
   * sanctions yet (allowlisted accounts may be there). Default: a new SQLite file in workDir.
   */
  store?: string;
  /**
   * Redis for the gateway's online state instead of memory: the deployment several replicas share.
   * The replay's keys have a prefix of their own, run on the log's time, and are deleted at the end.
   */
  redisUrl?: string;
  /** Where lines that are not exchanges go (written only if there are any); outside workDir, which may be thrown away. */
  quarantinePath: string;
  policy: Policy;
  model: ExtractionStyleModel;
  /** The group an account's requests are tallied under (e.g. its campaign, from ground truth). */
  groupOf: (account: string) => RespondGroup;
  onRun?: (run: number, exchangesSoFar: number) => void;
  onExchanges?: (n: number) => void;
}

/** A tally's group, and whose requests it holds when ground truth says (null when it does not). */
export interface RespondGroup {
  name: string;
  side: "attacker" | "ordinary" | null;
}

export interface RespondTally {
  side: RespondGroup["side"];
  requests: number;
  /** Refused outright: a ban, a suspension, required verification, or a throttle's 429. */
  refused: number;
  /** Answered with the reasoning stripped or summarised. */
  withheld: number;
  /** Answered with the reasoning, whatever else the gateway did (logged, capped). */
  served: number;
}

export interface RespondReplayResult {
  runs: number;
  exchanges: number;
  quarantined: number;
  groups: Map<string, RespondTally>;
}

/**
 * Where a decision leaves the request: what a student model trained on the answers would get. Stripping
 * removes thinking blocks, not reasoning the request asked for in words, which comes back as the answer's
 * text: such a request counts as withheld only when the decision also asked for the answer alone
 * (answer_only), on the assumption that the model complies. Counting every stripped request as
 * withheld credited the gateway with what it did not do to a chain-of-thought harvester's asks.
 */
export function outcomeOf(d: Pick<Decision, "decision" | "actions" | "retryAfterMs"> & { signals: Pick<RequestSignals, "cotElicitation"> | null }): "refused" | "withheld" | "served" {
  if (isBlocking(d.decision) || d.retryAfterMs !== null) return "refused";
  if (!d.actions.includes("strip_reasoning") && !d.actions.includes("summarise_reasoning")) return "served";
  return !asksInWords(d) || answerOnlyApplies(d) ? "withheld" : "served";
}

/**
 * The whole respond loop over a log, as a provider would run it: the gateway decides every request as
 * it arrives (default state in memory, the clock at the log's time), and the hunt runs on a schedule
 * over the log so far, its verdicts and clusters written into the gateway's store, which the gateway
 * then re-reads. Standing sanctions stay in that store from run to run, as in service. Each run re-reads
 * the log so far, so the cost grows with the number of runs times the log's length.
 */
export async function replayRespondLoop(opts: RespondReplayOptions): Promise<RespondReplayResult> {
  rmSync(opts.workDir, { recursive: true, force: true });
  mkdirSync(opts.workDir, { recursive: true });
  const soFar = join(opts.workDir, "log-so-far.jsonl");
  const quarantine = new QuarantineWriter(opts.quarantinePath);
  const storeLocation = opts.store ?? join(opts.workDir, "gateway.db");
  const store = await openStore(storeLocation);
  let clock = 0;
  let state: GatewayState;
  try {
    await assertFreshStore(store, storeLocation);
    state = opts.redisUrl ? await new RedisState({ url: opts.redisUrl, prefix: `hs-replay-${process.pid}-${Date.now()}:`, clock: () => clock }).connect() : new MemoryState(() => clock);
  } catch (err) {
    await store.close();
    throw err;
  }
  const view = new DetectionView(store);
  await view.refresh();
  const gatekeeper = new Gatekeeper({ store, state, view, model: opts.model, policy: () => opts.policy, clock: () => clock });
  const groups = new Map<string, RespondTally>();
  let pending: string[] = [];
  let unhunted = 0;
  let runs = 0;
  let exchanges = 0;
  let nextRunAt = Number.NaN;
  let latest = -Infinity;

  const flush = (): void => {
    if (pending.length > 0) appendFileSync(soFar, `${pending.join("\n")}\n`);
    pending = [];
  };

  const hunt = async (): Promise<void> => {
    flush();
    if (unhunted === 0) return;
    unhunted = 0;
    await gatekeeper.drain();
    const result = await runHunt({ inputs: [soFar], outDir: join(opts.workDir, "hunt"), engine: defaultEngine });
    await publishHuntResults(store, result, clock);
    await view.refresh();
    runs++;
    opts.onRun?.(runs, exchanges);
  };

  const decide = async (ex: Exchange, line: string): Promise<void> => {
    if (ex.ts < latest - DEFAULT_REORDER_WINDOW_MS) {
      throw new ArgumentError(`replay reads the log in time order, and ${ex.id} (${new Date(ex.ts).toISOString()}) comes after ${new Date(latest).toISOString()}: sort the log by ts first`, { id: ex.id });
    }
    latest = Math.max(latest, ex.ts);
    if (Number.isNaN(nextRunAt)) nextRunAt = Math.ceil(ex.ts / opts.everyMs) * opts.everyMs;
    if (ex.ts > nextRunAt) {
      await hunt();
      nextRunAt = Math.ceil(ex.ts / opts.everyMs) * opts.everyMs;
    }
    clock = ex.ts;
    const d = await gatekeeper.decide(ex);
    const group = opts.groupOf(ex.account);
    let t = groups.get(group.name);
    if (!t) groups.set(group.name, (t = { side: group.side, requests: 0, refused: 0, withheld: 0, served: 0 }));
    t.requests++;
    t[outcomeOf(d)]++;
    pending.push(line);
    // Held lines are a run's worth of the log at most, and no more than this many at a time.
    if (pending.length >= PENDING_LINES) flush();
    unhunted++;
    exchanges++;
  };

  try {
    for await (const batch of readExchangeLog(await openSources(opts.inputs), { quarantine })) {
      for (let i = 0; i < batch.exchanges.length; i++) await decide(batch.exchanges[i] as Exchange, batch.lines[i] as string);
      opts.onExchanges?.(batch.exchanges.length);
    }
    await gatekeeper.drain();
    return { runs, exchanges, quarantined: quarantine.count, groups };
  } finally {
    await quarantine.close();
    try {
      if (state instanceof RedisState) await state.clear();
    } finally {
      await state.close();
      await store.close();
    }
  }
}

/**
 * A replay writes its runs' verdicts and clusters, and its own sanctions, into the gateway's store;
 * any already there (an earlier replay's, a live deployment's) would act on the replayed requests.
 * A first version of the replay reused a store, and started every replay from the last one's bans.
 */
async function assertFreshStore(store: Store, location: string): Promise<void> {
  const verdicts = (await store.listAccountVerdicts()).length;
  const clusters = (await store.listClusters()).length;
  const sanctions = (await store.listSanctions()).filter((s) => s.action !== "allowlist").length;
  if (verdicts + clusters + sanctions === 0) return;
  throw new ArgumentError(
    `replay writes its verdicts and sanctions into the gateway's store, and ${withoutPassword(location)} already holds ${verdicts} account verdicts, ${clusters} clusters and ${sanctions} sanctions, which would act on the replayed requests: give it a new store (a new SQLite file, or a new ?schema= for PostgreSQL)`,
    { location: withoutPassword(location) },
  );
}
