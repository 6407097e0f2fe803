import type { AccountMeta } from "../core/index.js";
import { DOMAINS, hourEntropyOf, type AccountFeatures, type Domain, type HeldConversation } from "../detect/index.js";

export interface Rate {
  requestsPerMinute: number;
  tokensPerMinute: number;
}

/** One token bucket pair (requests and tokens) to charge, e.g. the account's and its cluster's. */
export interface BucketRequest {
  key: string;
  rate: Rate;
}

export interface ReserveResult {
  ok: boolean;
  /** When refused: how long until every bucket could pay. */
  retryAfterMs: number;
  /** The bucket that refused, for the reason an analyst reads. */
  blockedBy: string | null;
}

/** What one request contributes to the rolling features of its account and cluster. */
export interface Observation {
  ts: number;
  cot: boolean;
  cotMatch: string;
  style: number;
  singleTurn: boolean;
  logit: boolean;
  domains: readonly number[];
  slash24: string | null;
  country: string | null;
  asn: number | null;
}

/** Rolling features over the current and the previous window generation, merged. */
export interface RollingCounters {
  exchanges: number;
  firstTs: number;
  cotHits: number;
  topCotMatch: string;
  styleSum: number;
  singleTurn: number;
  logitRequests: number;
  hours: number[];
  domains: number[];
  distinctSlash24s: number;
  distinctCountries: number;
  distinctAsns: number;
}

/**
 * Hot per-request state shared by gateway replicas: token buckets and rolling features. Durable
 * decisions (sanctions, appeals, audit) live in the Store instead. Backends: memory (one process)
 * and Redis (several replicas); gateway/testing/state-contract.ts is the suite both pass.
 */
export interface GatewayState {
  readonly backend: "memory" | "redis";
  /**
   * Charges one request and `tokens` to every bucket, all or nothing, atomically across replicas:
   * the estimate is reserved before the upstream call so parallel requests cannot slip past a budget.
   */
  reserve(buckets: readonly BucketRequest[], tokens: number): Promise<ReserveResult>;
  /** After the call: refunds (or charges) the difference between the estimate and what was used. */
  settle(buckets: readonly BucketRequest[], deltaTokens: number): Promise<void>;
  observe(subjects: readonly string[], o: Observation): Promise<void>;
  counters(subject: string, now: number): Promise<RollingCounters | null>;
  /**
   * Records `account`'s request (`turns` messages long) on the conversation `key` (see conversationKey).
   * Returns the account that sent its previous turn when this request carries it on from that account
   * (see carriesOn), else null. Shared across replicas: a pool's accounts reach different replicas.
   * Forgotten after CONVERSATION_MEMORY_MS.
   */
  carryConversation(key: string, account: string, turns: number, now: number): Promise<string | null>;
  /**
   * What was handed on under `key` (an answer a request may continue, a conversation object: see
   * handedOn), or null when nothing was or it is older than HELD_OPENING_MS by `now`. Shared across
   * replicas: a chain's requests reach different replicas.
   */
  heldConversation(key: string, now: number): Promise<HeldConversation | null>;
  /** Hands `held` on under each of `keys`, for HELD_OPENING_MS from `now`. */
  holdConversation(keys: readonly string[], held: HeldConversation, now: number): Promise<void>;
  close(): Promise<void>;
}

/** Rolling window: features cover the current generation and the one before, i.e. 7 to 14 days. */
export const WINDOW_MS = 7 * 24 * 3_600_000;
export const generationOf = (ts: number): number => Math.floor(ts / WINDOW_MS);

export function emptyCounters(): RollingCounters {
  return {
    exchanges: 0,
    firstTs: Infinity,
    cotHits: 0,
    topCotMatch: "",
    styleSum: 0,
    singleTurn: 0,
    logitRequests: 0,
    hours: new Array<number>(24).fill(0),
    domains: new Array<number>(DOMAINS.length).fill(0),
    distinctSlash24s: 0,
    distinctCountries: 0,
    distinctAsns: 0,
  };
}

/** Token bucket arithmetic shared by both backends (the Redis Lua script mirrors it). */
export function refill(level: number, lastMs: number, now: number, capacity: number, perMs: number): number {
  return Math.min(capacity, level + Math.max(0, now - lastMs) * perMs);
}

/** Presents rolling counters to the one account scoring function the hunt also uses. */
export function featuresOf(c: RollingCounters, meta: AccountMeta): AccountFeatures {
  return {
    exchanges: c.exchanges,
    firstTs: c.firstTs,
    meta,
    cotHits: c.cotHits,
    topCotMatch: c.topCotMatch,
    // Harness templates need the cluster level's cross-account view; online, the hunt's verdict carries it.
    harnessHits: 0,
    styleSum: c.styleSum,
    singleTurn: c.singleTurn,
    logitRequests: c.logitRequests,
    // Counting an account's different prompts needs a counter per account the rolling state does not
    // keep; online every ask counts (the stricter reading), and the hunt's verdict carries the re-sends.
    greedyResends: 0,
    distinctSlash24s: c.distinctSlash24s,
    distinctCountries: c.distinctCountries,
    distinctAsns: c.distinctAsns,
    hourEntropy: () => hourEntropyOf(c.hours, c.exchanges),
    domainShare: (d: Domain) => (c.exchanges ? (c.domains[DOMAINS.indexOf(d)] ?? 0) / c.exchanges : 0),
  };
}
