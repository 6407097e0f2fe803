import { Redis } from "ioredis";
import { ServiceError } from "../core/index.js";
import { CONVERSATION_MEMORY_MS, CONVERSATION_SESSION_GAP_MS, DOMAINS, HELD_OPENING_MS, utcHour, type HeldConversation } from "../detect/index.js";
import {
  emptyCounters,
  generationOf,
  WINDOW_MS,
  type BucketRequest,
  type GatewayState,
  type Observation,
  type ReserveResult,
  type RollingCounters,
} from "./state.js";

/**
 * A bucket script's time: Redis's own clock (TIME), so replicas with skewed clocks still share one
 * budget; or, when ARGV[1] holds one, the caller's (a replay of a past log runs on the log's time).
 */
const NOW = `
local now = tonumber(ARGV[1])
if now == nil then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

/**
 * Reserve across several buckets, all or nothing, in one atomic script. Mirrors MemoryState.reserve.
 * ARGV: time (see NOW), tokens, then per key: requests/min, tokens/min.
 */
const RESERVE = `${NOW}
local tokens = tonumber(ARGV[2])
local state = {}
local wait = 0
local blocked = 0
for i = 1, #KEYS do
  local rcap = tonumber(ARGV[i * 2 + 1]); local tcap = tonumber(ARGV[i * 2 + 2])
  local h = redis.call('HMGET', KEYS[i], 'r', 'k', 'ts')
  local r = tonumber(h[1]); local k = tonumber(h[2]); local ts = tonumber(h[3])
  if r == nil then r = rcap; k = tcap; ts = now end
  local dt = math.max(0, now - ts)
  r = math.min(rcap, r + dt * rcap / 60000)
  k = math.min(tcap, k + dt * tcap / 60000)
  local cost = math.min(tokens, tcap)
  local w = 0
  if r < 1 then w = (1 - r) / (rcap / 60000) end
  if k < cost then w = math.max(w, (cost - k) / (tcap / 60000)) end
  if w > wait then wait = w; blocked = i end
  state[i] = { r, k, cost, rcap }
end
if wait > 0 then return { 0, math.ceil(wait), blocked } end
for i = 1, #KEYS do
  local s = state[i]
  redis.call('HSET', KEYS[i], 'r', tostring(s[1] - 1), 'k', tostring(s[2] - s[3]), 'ts', now)
  redis.call('PEXPIRE', KEYS[i], 120000)
end
return { 1, 0, 0 }
`;

/**
 * A conversation's latest turn (a hash: carrier c, time ts, length n, canned x) and whether this request
 * carries it on from another account: carriesOn (detect/signals.ts) in Lua, so that the read, the rule
 * and the write are one atomic step across replicas. Returns the previous carrier, or false.
 * ARGV: account, now (ms), turns, expiry (ms), session gap (ms).
 */
const CARRY = `
local h = redis.call('HMGET', KEYS[1], 'c', 'ts', 'n', 'x')
local acct = ARGV[1]
local now = tonumber(ARGV[2])
local turns = tonumber(ARGV[3])
-- Forgotten by the request's own time too: Redis expires the key on its clock, which a replay of a
-- past log runs far behind.
if h[1] and now - tonumber(h[2]) > tonumber(ARGV[4]) then h = { false, false, false, false } end
if not h[1] or h[1] == acct then
  redis.call('HSET', KEYS[1], 'c', acct, 'ts', now, 'n', turns, 'x', h[4] or '0')
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  return false
end
if h[4] == '1' then return false end
if turns <= tonumber(h[3]) or now - tonumber(h[2]) > tonumber(ARGV[5]) then
  redis.call('HSET', KEYS[1], 'x', '1')
  return false
end
redis.call('HSET', KEYS[1], 'c', acct, 'ts', now, 'n', turns)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return h[1]
`;

/** ARGV: time (see NOW), delta tokens, then per key: requests/min, tokens/min. */
const SETTLE = `${NOW}
local delta = tonumber(ARGV[2])
for i = 1, #KEYS do
  local rcap = tonumber(ARGV[i * 2 + 1]); local tcap = tonumber(ARGV[i * 2 + 2])
  local h = redis.call('HMGET', KEYS[i], 'r', 'k', 'ts')
  local r = tonumber(h[1]); local k = tonumber(h[2]); local ts = tonumber(h[3])
  if r ~= nil then
    local dt = math.max(0, now - ts)
    r = math.min(rcap, r + dt * rcap / 60000)
    k = math.min(tcap, k + dt * tcap / 60000 + delta)
    redis.call('HSET', KEYS[i], 'r', tostring(r), 'k', tostring(k), 'ts', now)
    redis.call('PEXPIRE', KEYS[i], 120000)
  end
end
return 1
`;

/**
 * A request's observation added to every subject's rolling features in one command. As a pipeline of
 * one command per field (some forty for an account and its cluster) it cost the gateway 155 µs of CPU
 * a request in ioredis alone, more than the whole decision does with memory state.
 * KEYS: per subject its hash, then its /24, country and ASN HyperLogLogs. ARGV: expiry (ms), the /24,
 * country and ASN ('' for none), then (op, field, value) triples for the hash: i = HINCRBY,
 * f = HINCRBYFLOAT, n = HSETNX.
 */
const OBSERVE = `
local ttl = ARGV[1]
for k = 1, #KEYS, 4 do
  for j = 5, #ARGV, 3 do
    local op = ARGV[j]
    if op == 'i' then redis.call('HINCRBY', KEYS[k], ARGV[j + 1], ARGV[j + 2])
    elseif op == 'f' then redis.call('HINCRBYFLOAT', KEYS[k], ARGV[j + 1], ARGV[j + 2])
    else redis.call('HSETNX', KEYS[k], ARGV[j + 1], ARGV[j + 2]) end
  end
  for m = 1, 3 do
    if ARGV[m + 1] ~= '' then redis.call('PFADD', KEYS[k + m], ARGV[m + 1]) end
  end
  for m = 0, 3 do redis.call('PEXPIRE', KEYS[k + m], ttl) end
end
return 1
`;

/**
 * A subject's rolling features over two generations in one command (five as a pipeline: 67 µs of
 * client CPU a read). KEYS: the previous and current hashes, then the /24, country and ASN
 * HyperLogLogs of both generations in pairs. Returns both hashes flat, then the three distinct counts.
 */
const COUNTERS = `
return { redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2]),
  redis.call('PFCOUNT', KEYS[3], KEYS[4]), redis.call('PFCOUNT', KEYS[5], KEYS[6]), redis.call('PFCOUNT', KEYS[7], KEYS[8]) }
`;

export interface RedisStateOptions {
  url: string;
  /** Key prefix, so several deployments (or tests) can share one Redis. */
  prefix?: string;
  /** Per-command timeout: the request path must not hang on a slow or absent Redis. */
  commandTimeoutMs?: number;
  /**
   * The time token buckets fill by. Default: Redis's own clock, which every replica shares. A replay
   * of a past log passes the log's time, as it does to MemoryState.
   */
  clock?: () => number;
}

/** Shared state for several gateway replicas. Commands fail fast when Redis is away (no offline queue). */
export class RedisState implements GatewayState {
  readonly backend = "redis";
  readonly redis: Redis;
  readonly #prefix: string;
  readonly #url: string;
  readonly #clock: (() => number) | null;

  constructor(opts: RedisStateOptions) {
    this.#prefix = opts.prefix ?? "hs:";
    this.#url = opts.url;
    this.#clock = opts.clock ?? null;
    this.redis = new Redis(opts.url, {
      commandTimeout: opts.commandTimeoutMs ?? 250,
      connectTimeout: 2000,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      lazyConnect: true,
    });
    this.redis.on("error", () => {
      // Surfaced per command as a rejected promise; the gateway's fail-open/closed policy decides.
    });
    this.redis.defineCommand("hsReserve", { lua: RESERVE });
    this.redis.defineCommand("hsSettle", { lua: SETTLE });
    this.redis.defineCommand("hsCarry", { lua: CARRY });
    this.redis.defineCommand("hsObserve", { lua: OBSERVE });
    this.redis.defineCommand("hsCounters", { lua: COUNTERS });
  }

  async connect(): Promise<this> {
    try {
      await this.redis.connect();
    } catch (err) {
      this.redis.disconnect();
      throw new ServiceError("Redis", this.#url, err);
    }
    return this;
  }

  #bucketArgs(buckets: readonly BucketRequest[], first: number): Array<string | number> {
    return [
      buckets.length,
      ...buckets.map((b) => `${this.#prefix}b:${b.key}`),
      this.#clock?.() ?? "",
      first,
      ...buckets.flatMap((b) => [b.rate.requestsPerMinute, b.rate.tokensPerMinute]),
    ];
  }

  async reserve(buckets: readonly BucketRequest[], tokens: number): Promise<ReserveResult> {
    if (buckets.length === 0) return { ok: true, retryAfterMs: 0, blockedBy: null };
    const [ok, wait, blocked] = (await this.#eval("hsReserve", this.#bucketArgs(buckets, tokens))) as [number, number, number];
    return { ok: ok === 1, retryAfterMs: wait, blockedBy: blocked > 0 ? (buckets[blocked - 1]?.key ?? null) : null };
  }

  /** ioredis adds defineCommand scripts as untyped methods; this is the one place that reaches them. */
  async #eval(name: "hsReserve" | "hsSettle" | "hsCarry" | "hsObserve" | "hsCounters", args: Array<string | number>): Promise<unknown> {
    const fn = (this.redis as unknown as Record<string, (...a: Array<string | number>) => Promise<unknown>>)[name];
    if (!fn) throw new Error(`script ${name} not defined`);
    return fn.apply(this.redis, args);
  }

  async settle(buckets: readonly BucketRequest[], deltaTokens: number): Promise<void> {
    if (buckets.length === 0 || deltaTokens === 0) return;
    await this.#eval("hsSettle", this.#bucketArgs(buckets, deltaTokens));
  }

  #featureKeys(subject: string, gen: number): { hash: string; s24: string; ctry: string; asn: string } {
    const base = `${this.#prefix}f:${subject}:${gen}`;
    return { hash: base, s24: `${base}:s24`, ctry: `${base}:ctry`, asn: `${base}:asn` };
  }

  async observe(subjects: readonly string[], o: Observation): Promise<void> {
    if (subjects.length === 0) return;
    const gen = generationOf(o.ts);
    const ttl = 2 * WINDOW_MS + 3_600_000;
    const keys = subjects.flatMap((subject) => {
      const k = this.#featureKeys(subject, gen);
      return [k.hash, k.s24, k.ctry, k.asn];
    });
    const fields: Array<string | number> = ["i", "n", 1, "n", "first", o.ts];
    if (o.cot) {
      fields.push("i", "cot", 1);
      if (o.cotMatch) fields.push("n", "cotm", o.cotMatch.slice(0, 120));
    }
    if (o.style > 0) fields.push("f", "style", o.style);
    if (o.singleTurn) fields.push("i", "single", 1);
    if (o.logit) fields.push("i", "logit", 1);
    fields.push("i", `h${utcHour(o.ts)}`, 1);
    o.domains.forEach((v, i) => {
      if (v > 0) fields.push("f", `d${i}`, v);
    });
    // HyperLogLog: distinct counts in 12 KB per key whatever the traffic, shared by all replicas.
    const distinct = [o.slash24 ?? "", o.country ?? "", o.asn === null ? "" : String(o.asn)];
    await this.#eval("hsObserve", [keys.length, ...keys, ttl, ...distinct, ...fields]);
  }

  async counters(subject: string, now: number): Promise<RollingCounters | null> {
    const gen = generationOf(now);
    const cur = this.#featureKeys(subject, gen);
    const prev = this.#featureKeys(subject, gen - 1);
    const keys = [prev.hash, cur.hash, prev.s24, cur.s24, prev.ctry, cur.ctry, prev.asn, cur.asn];
    const [flat0, flat1, s24, ctry, asn] = (await this.#eval("hsCounters", [keys.length, ...keys])) as [string[], string[], number, number, number];
    const [h0, h1] = [fieldsOf(flat0), fieldsOf(flat1)];
    if (!h0.n && !h1.n) return null;
    const out = emptyCounters();
    for (const h of [h0, h1]) {
      if (!h.n) continue;
      const num = (f: string): number => Number(h[f] ?? 0);
      out.exchanges += num("n");
      out.firstTs = Math.min(out.firstTs, num("first") || Infinity);
      out.cotHits += num("cot");
      out.topCotMatch ||= h.cotm ?? "";
      out.styleSum += num("style");
      out.singleTurn += num("single");
      out.logitRequests += num("logit");
      for (let i = 0; i < 24; i++) out.hours[i] = (out.hours[i] ?? 0) + num(`h${i}`);
      for (let i = 0; i < DOMAINS.length; i++) out.domains[i] = (out.domains[i] ?? 0) + num(`d${i}`);
    }
    out.distinctSlash24s = s24;
    out.distinctCountries = ctry;
    out.distinctAsns = asn;
    return out;
  }

  async carryConversation(key: string, account: string, turns: number, now: number): Promise<string | null> {
    // conv2: a hash per conversation; the earlier release kept a plain string under conv:, which HMGET cannot read.
    const from = (await this.#eval("hsCarry", [1, `${this.#prefix}conv2:${key}`, account, now, turns, CONVERSATION_MEMORY_MS, CONVERSATION_SESSION_GAP_MS])) as string | null;
    return from ?? null;
  }

  async heldConversation(key: string, now: number): Promise<HeldConversation | null> {
    const held = await this.redis.get(`${this.#prefix}held:${key}`);
    return held === null ? null : readHeld(held, now);
  }

  async holdConversation(keys: readonly string[], held: HeldConversation, now: number): Promise<void> {
    if (keys.length === 0) return;
    const value = JSON.stringify({ t: now, o: held.opening, s: held.system, ...(held.shown.length > 0 ? { d: held.shown } : {}) });
    const tx = this.redis.multi();
    for (const key of keys) tx.set(`${this.#prefix}held:${key}`, value, "PX", HELD_OPENING_MS);
    await tx.exec();
  }

  /** Deletes every key under this state's prefix: a replay's scratch state, once it is done. */
  async clear(): Promise<void> {
    for await (const keys of this.redis.scanStream({ match: `${this.#prefix}*`, count: 1000 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) await this.redis.unlink(...keys);
    }
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

/**
 * A held conversation as holdConversation wrote it; null when it is older than HELD_OPENING_MS by the
 * request's own time (Redis expires it on its clock, which a replay of a past log runs far behind), or
 * is not what this release writes.
 */
function readHeld(value: string, now: number): HeldConversation | null {
  try {
    const v = JSON.parse(value) as { t?: unknown; o?: unknown; s?: unknown; d?: unknown };
    if (typeof v.t !== "number" || typeof v.o !== "string" || typeof v.s !== "string" || now - v.t > HELD_OPENING_MS) return null;
    // Demonstrations are written only where there are some (none before this release wrote them).
    const shown = v.d === undefined ? NONE_SHOWN : v.d;
    if (!Array.isArray(shown) || !shown.every((x) => typeof x === "string")) return null;
    return { opening: v.o, system: v.s, shown: shown as string[] };
  } catch {
    return null;
  }
}

const NONE_SHOWN: readonly string[] = Object.freeze([]);

/** A hash as HGETALL returns it inside a script (field, value, field, value…), as a record. */
function fieldsOf(flat: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i] as string] = flat[i + 1] as string;
  return out;
}
