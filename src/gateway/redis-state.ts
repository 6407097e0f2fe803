import { Redis } from "ioredis";
import { ServiceError } from "../core/index.js";
import { CONVERSATION_MEMORY_MS, CONVERSATION_SESSION_GAP_MS, DOMAINS, utcHour } from "../detect/index.js";
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
  async #eval(name: "hsReserve" | "hsSettle" | "hsCarry", args: Array<string | number>): Promise<unknown> {
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
    const gen = generationOf(o.ts);
    const ttl = 2 * WINDOW_MS + 3_600_000;
    const p = this.redis.pipeline();
    for (const subject of subjects) {
      const k = this.#featureKeys(subject, gen);
      p.hincrby(k.hash, "n", 1);
      p.hsetnx(k.hash, "first", o.ts);
      if (o.cot) {
        p.hincrby(k.hash, "cot", 1);
        if (o.cotMatch) p.hsetnx(k.hash, "cotm", o.cotMatch.slice(0, 120));
      }
      if (o.style > 0) p.hincrbyfloat(k.hash, "style", o.style);
      if (o.singleTurn) p.hincrby(k.hash, "single", 1);
      if (o.logit) p.hincrby(k.hash, "logit", 1);
      p.hincrby(k.hash, `h${utcHour(o.ts)}`, 1);
      o.domains.forEach((v, i) => {
        if (v > 0) p.hincrbyfloat(k.hash, `d${i}`, v);
      });
      // HyperLogLog: distinct counts in 12 KB per key whatever the traffic, shared by all replicas.
      if (o.slash24 !== null) p.pfadd(k.s24, o.slash24);
      if (o.country !== null) p.pfadd(k.ctry, o.country);
      if (o.asn !== null) p.pfadd(k.asn, String(o.asn));
      for (const key of [k.hash, k.s24, k.ctry, k.asn]) p.pexpire(key, ttl);
    }
    const results = await p.exec();
    const failed = results?.find(([err]) => err !== null);
    if (failed?.[0]) throw failed[0];
  }

  async counters(subject: string, now: number): Promise<RollingCounters | null> {
    const gen = generationOf(now);
    const cur = this.#featureKeys(subject, gen);
    const prev = this.#featureKeys(subject, gen - 1);
    const p = this.redis.pipeline();
    p.hgetall(prev.hash);
    p.hgetall(cur.hash);
    p.pfcount(prev.s24, cur.s24);
    p.pfcount(prev.ctry, cur.ctry);
    p.pfcount(prev.asn, cur.asn);
    const results = await p.exec();
    if (!results) throw new Error("redis pipeline returned nothing");
    for (const [err] of results) if (err) throw err;
    const [h0, h1, s24, ctry, asn] = results.map(([, v]) => v) as [Record<string, string>, Record<string, string>, number, number, number];
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
