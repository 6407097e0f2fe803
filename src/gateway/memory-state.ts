import { AgedMap } from "../core/index.js";
import { CONVERSATION_MEMORY_MS, HELD_OPENING_MS, takeTurn, utcHour, type ConversationTurn, type HeldConversation } from "../detect/index.js";
import {
  emptyCounters,
  generationOf,
  refill,
  type BucketRequest,
  type GatewayState,
  type Observation,
  type ReserveResult,
  type RollingCounters,
} from "./state.js";

interface Bucket {
  requests: number;
  tokens: number;
  ts: number;
}

interface Generation {
  c: RollingCounters;
  slash24s: Set<string>;
  countries: Set<string>;
  asns: Set<number>;
}

const MAX_DISTINCT = 512;

/** A Map used as an LRU: touching re-inserts, and the oldest entries go first when full. */
function touch<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
}

/** Size of the union of (at most two) sets without building it: this runs on every request. */
function unionSize<T>(sets: ReadonlyArray<ReadonlySet<T>>): number {
  const [a, b] = sets;
  if (!a) return 0;
  if (!b) return a.size;
  let n = a.size;
  for (const x of b) if (!a.has(x)) n++;
  return n;
}

/** One-process state. Bounded by `maxSubjects`; the least recently seen subjects are forgotten first. */
export class MemoryState implements GatewayState {
  readonly backend = "memory";
  readonly #buckets = new Map<string, Bucket>();
  readonly #features = new Map<string, Generation>();
  readonly #conversations = new AgedMap<string, ConversationTurn>(CONVERSATION_MEMORY_MS);
  /** Held conversations are kept only where they carry (see handedOn), so they are few: the features' bound suffices. */
  readonly #held = new AgedMap<string, HeldConversation>(HELD_OPENING_MS);

  constructor(
    private readonly clock: () => number = Date.now,
    private readonly maxSubjects = 500_000,
  ) {}

  /**
   * The bucket's level refilled to `now`: the stored bucket itself, updated in place (refilling is
   * linear up to the cap, so a level stored at `now` refills later as the old one would have). A new
   * object per request lived until the account's next request, seconds later, so each was promoted
   * to the old generation to die there: 6% of what the gateway promoted at 1,000 req/s.
   */
  #level(b: BucketRequest, now: number): Bucket {
    const cur = this.#buckets.get(b.key);
    const reqCap = b.rate.requestsPerMinute;
    const tokCap = b.rate.tokensPerMinute;
    if (!cur) return { requests: reqCap, tokens: tokCap, ts: now };
    cur.requests = refill(cur.requests, cur.ts, now, reqCap, reqCap / 60_000);
    cur.tokens = refill(cur.tokens, cur.ts, now, tokCap, tokCap / 60_000);
    cur.ts = now;
    return cur;
  }

  async reserve(buckets: readonly BucketRequest[], tokens: number): Promise<ReserveResult> {
    const now = this.clock();
    const levels = buckets.map((b) => this.#level(b, now));
    let wait = 0;
    let blockedBy: string | null = null;
    buckets.forEach((b, i) => {
      const l = levels[i] as Bucket;
      const cost = Math.min(tokens, b.rate.tokensPerMinute);
      const w = Math.max(
        l.requests >= 1 ? 0 : (1 - l.requests) / (b.rate.requestsPerMinute / 60_000),
        l.tokens >= cost ? 0 : (cost - l.tokens) / (b.rate.tokensPerMinute / 60_000),
      );
      if (w > wait) {
        wait = w;
        blockedBy = b.key;
      }
    });
    if (wait > 0) return { ok: false, retryAfterMs: Math.ceil(wait), blockedBy };
    buckets.forEach((b, i) => {
      const l = levels[i] as Bucket;
      l.requests -= 1;
      l.tokens -= Math.min(tokens, b.rate.tokensPerMinute);
      touch(this.#buckets, b.key, l, this.maxSubjects);
    });
    return { ok: true, retryAfterMs: 0, blockedBy: null };
  }

  async settle(buckets: readonly BucketRequest[], deltaTokens: number): Promise<void> {
    const now = this.clock();
    for (const b of buckets) {
      const l = this.#level(b, now);
      l.tokens = Math.min(b.rate.tokensPerMinute, l.tokens + deltaTokens);
      touch(this.#buckets, b.key, l, this.maxSubjects);
    }
  }

  async observe(subjects: readonly string[], o: Observation): Promise<void> {
    const gen = generationOf(o.ts);
    for (const subject of subjects) {
      const key = `${subject}\u0000${gen}`;
      const g = this.#features.get(key) ?? { c: emptyCounters(), slash24s: new Set(), countries: new Set(), asns: new Set() };
      const c = g.c;
      c.exchanges++;
      c.firstTs = Math.min(c.firstTs, o.ts);
      if (o.cot) {
        c.cotHits++;
        if (!c.topCotMatch) c.topCotMatch = o.cotMatch;
      }
      c.styleSum += o.style;
      if (o.singleTurn) c.singleTurn++;
      if (o.logit) c.logitRequests++;
      const hour = utcHour(o.ts);
      c.hours[hour] = (c.hours[hour] ?? 0) + 1;
      o.domains.forEach((v, i) => (c.domains[i] = (c.domains[i] ?? 0) + v));
      if (o.slash24 !== null && g.slash24s.size < MAX_DISTINCT) g.slash24s.add(o.slash24);
      if (o.country !== null && g.countries.size < MAX_DISTINCT) g.countries.add(o.country);
      if (o.asn !== null && g.asns.size < MAX_DISTINCT) g.asns.add(o.asn);
      touch(this.#features, key, g, this.maxSubjects);
    }
  }

  async counters(subject: string, now: number): Promise<RollingCounters | null> {
    const gen = generationOf(now);
    const parts = [this.#features.get(`${subject}\u0000${gen - 1}`), this.#features.get(`${subject}\u0000${gen}`)].filter(
      (g): g is Generation => g !== undefined,
    );
    if (parts.length === 0) return null;
    const out = emptyCounters();
    for (const { c } of parts) {
      out.exchanges += c.exchanges;
      out.firstTs = Math.min(out.firstTs, c.firstTs);
      out.cotHits += c.cotHits;
      out.topCotMatch ||= c.topCotMatch;
      out.styleSum += c.styleSum;
      out.singleTurn += c.singleTurn;
      out.logitRequests += c.logitRequests;
      c.hours.forEach((v, i) => (out.hours[i] = (out.hours[i] ?? 0) + v));
      c.domains.forEach((v, i) => (out.domains[i] = (out.domains[i] ?? 0) + v));
    }
    out.distinctSlash24s = unionSize(parts.map((g) => g.slash24s));
    out.distinctCountries = unionSize(parts.map((g) => g.countries));
    out.distinctAsns = unionSize(parts.map((g) => g.asns));
    return out;
  }

  async carryConversation(key: string, account: string, turns: number, now: number): Promise<string | null> {
    this.#conversations.age(now);
    // Bounded like the features: a flood of conversations ages them sooner instead of growing memory.
    if (this.#conversations.size >= this.maxSubjects) this.#conversations.rotate(now);
    const { turn, from } = takeTurn(this.#conversations.get(key), account, turns, now);
    if (turn) this.#conversations.set(key, turn, now);
    return from;
  }

  async heldConversation(key: string, now: number): Promise<HeldConversation | null> {
    this.#held.age(now);
    return this.#held.get(key) ?? null;
  }

  async holdConversation(keys: readonly string[], held: HeldConversation, now: number): Promise<void> {
    this.#held.age(now);
    if (this.#held.size >= this.maxSubjects) this.#held.rotate(now);
    for (const key of keys) this.#held.set(key, held, now);
  }

  async close(): Promise<void> {
    this.#buckets.clear();
    this.#features.clear();
  }
}
