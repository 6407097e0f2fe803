import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CONVERSATION_MEMORY_MS, CONVERSATION_SESSION_GAP_MS, DOMAINS, HELD_OPENING_MS } from "../../detect/index.js";
import type { BucketRequest, GatewayState, Observation } from "../state.js";

const obs = (over: Partial<Observation> = {}): Observation => ({
  ts: Date.UTC(2026, 10, 20, 12),
  cot: false,
  cotMatch: "",
  style: 0.2,
  singleTurn: true,
  logit: false,
  domains: DOMAINS.map((d) => (d === "coding" ? 1 : 0)),
  slash24: "203.0.113",
  country: "SG",
  asn: 64500,
  ...over,
});

/**
 * The behaviour every GatewayState backend must show; run against the real Redis, not a mock.
 * `open(clock)`: a replica on the backend's own clock, or on `clock` when given (a replay's).
 */
export function gatewayStateContract(name: string, open: (clock?: () => number) => Promise<GatewayState>): void {
  describe(`GatewayState contract: ${name}`, () => {
    let replicas: GatewayState[] = [];
    beforeEach(async () => {
      replicas = [await open(), await open()];
    });
    afterEach(async () => {
      for (const r of replicas) await r.close();
    });
    const [a, b] = [() => replicas[0] as GatewayState, () => replicas[1] as GatewayState];
    const unique = (): string => `acct-${Math.random().toString(36).slice(2)}`;

    it("refuses the request that would overdraw a bucket and says how long to wait", async () => {
      const bucket: BucketRequest = { key: unique(), rate: { requestsPerMinute: 3, tokensPerMinute: 1_000_000 } };
      for (let i = 0; i < 3; i++) expect((await a().reserve([bucket], 10)).ok).toBe(true);
      const refused = await a().reserve([bucket], 10);
      expect(refused.ok).toBe(false);
      expect(refused.blockedBy).toBe(bucket.key);
      expect(refused.retryAfterMs).toBeGreaterThan(5_000);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(20_000);
    });

    it("fills buckets on the clock it is given, so a replay of a past log limits as the live gateway did", async () => {
      let now = Date.UTC(2026, 1, 3, 9);
      const clocked = [await open(() => now), await open(() => now)];
      try {
        const [x, y] = clocked as [GatewayState, GatewayState];
        const bucket: BucketRequest = { key: unique(), rate: { requestsPerMinute: 60, tokensPerMinute: 6_000 } };
        for (let i = 0; i < 60; i++) expect((await x.reserve([bucket], 10)).ok).toBe(true);
        const refused = await x.reserve([bucket], 10);
        expect(refused.ok).toBe(false);
        expect(refused.retryAfterMs).toBe(1_000); // one request a second refills
        now += 1_000;
        expect((await x.reserve([bucket], 10)).ok).toBe(true);
        expect((await x.reserve([bucket], 10)).ok).toBe(false);
        // Tokens too: 6,000 a minute, 610 spent; a day later the bucket is full again, and no fuller.
        now += 86_400_000;
        expect((await x.reserve([bucket], 6_000)).ok).toBe(true);
        expect((await x.reserve([bucket], 100)).ok).toBe(false);
        await x.settle([bucket], 5_000); // used 1,000 of the 6,000 reserved: 5,000 back
        const shared = x.backend === "redis";
        expect((await (shared ? y : x).reserve([bucket], 4_000)).ok).toBe(true);
      } finally {
        for (const r of clocked) await r.close();
      }
    });

    it("charges all buckets or none, and limits tokens as well as requests", async () => {
      const account: BucketRequest = { key: unique(), rate: { requestsPerMinute: 100, tokensPerMinute: 1000 } };
      const cluster: BucketRequest = { key: unique(), rate: { requestsPerMinute: 100, tokensPerMinute: 1500 } };
      expect((await a().reserve([account, cluster], 800)).ok).toBe(true);
      // The account bucket has 200 left: refused, and the cluster bucket must not have been charged.
      const r = await a().reserve([account, cluster], 600);
      expect(r.ok).toBe(false);
      expect(r.blockedBy).toBe(account.key);
      expect((await a().reserve([cluster], 700)).ok).toBe(true);
    });

    it("refunds the unused part of a reservation when the request settles", async () => {
      const bucket: BucketRequest = { key: unique(), rate: { requestsPerMinute: 100, tokensPerMinute: 1000 } };
      expect((await a().reserve([bucket], 900)).ok).toBe(true);
      expect((await a().reserve([bucket], 500)).ok).toBe(false);
      await a().settle([bucket], 900 - 150);
      expect((await b().reserve([bucket], 500)).ok).toBe(true);
    });

    it("holds a budget under parallel requests from several replicas", async () => {
      const bucket: BucketRequest = { key: unique(), rate: { requestsPerMinute: 7, tokensPerMinute: 1_000_000 } };
      const shared = a().backend === "redis";
      const attempts = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a() : b()).reserve([bucket], 1)));
      const passed = attempts.filter((r) => r.ok).length;
      // Replicas share one budget through Redis; memory replicas each hold their own.
      expect(passed).toBe(shared ? 7 : 14);
    });

    it("keeps rolling features per subject and merges what replicas observed", async () => {
      const subject = unique();
      const ts = Date.UTC(2026, 10, 20, 12);
      const other = a().backend === "redis" ? b() : a(); // memory replicas do not share state
      await a().observe([subject], obs({ ts, cot: true, cotMatch: "show your full reasoning", slash24: "203.0.113" }));
      await other.observe([subject], obs({ ts: ts + 3_600_000, slash24: "198.51.100", country: "BR", asn: 64501 }));
      await a().observe([subject], obs({ ts: ts + 7_200_000, singleTurn: false, logit: true, style: 0.9 }));
      const c = await other.counters(subject, ts + 7_200_000);
      expect(c).toMatchObject({ exchanges: 3, firstTs: ts, cotHits: 1, topCotMatch: "show your full reasoning", singleTurn: 2, logitRequests: 1 });
      expect(c?.styleSum).toBeCloseTo(1.3, 5);
      expect(c?.distinctSlash24s).toBe(2);
      expect(c?.distinctCountries).toBe(2);
      expect(c?.distinctAsns).toBe(2);
      expect(c?.hours[12]).toBe(1);
      expect(c?.domains[DOMAINS.indexOf("coding")]).toBe(3);
    });

    it("names the account that sent a conversation's last turn when another carries it on, and forgets it after its time", async () => {
      const key = unique();
      const [first, second, third] = [unique(), unique(), unique()];
      const now = Date.UTC(2026, 10, 20, 12);
      const other = a().backend === "redis" ? b() : a(); // a pool's accounts reach different replicas
      expect(await a().carryConversation(key, first, 3, now)).toBeNull();
      expect(await a().carryConversation(key, first, 5, now + 1_000)).toBeNull(); // the same account going on
      expect(await other.carryConversation(key, second, 7, now + 2_000)).toBe(first);
      expect(await a().carryConversation(key, third, 9, now + 3_000)).toBe(second);
      expect(await a().carryConversation(unique(), second, 3, now)).toBeNull();
      // Forgotten by the requests' own time (a replay's runs far ahead of Redis's expiry): a turn sent
      // long after starts the conversation afresh, and the next account carries it on from that one.
      const later = now + 3 * CONVERSATION_MEMORY_MS;
      expect(await a().carryConversation(key, second, 11, later)).toBeNull();
      expect(await other.carryConversation(key, third, 13, later + 1_000)).toBe(second);
    });

    it("does not read a stranger's word-for-word opening as the conversation carried on, then or after", async () => {
      const now = Date.UTC(2026, 10, 20, 12);
      const [owner, stranger, later] = [unique(), unique(), unique()];
      const other = a().backend === "redis" ? b() : a();
      // No further along than the conversation was: a canned opening, and the conversation links nobody after.
      const canned = unique();
      expect(await a().carryConversation(canned, owner, 3, now)).toBeNull();
      expect(await other.carryConversation(canned, stranger, 3, now + 60_000)).toBeNull();
      expect(await a().carryConversation(canned, later, 5, now + 120_000)).toBeNull();
      // Further along, but long after the last turn: a stranger too.
      const stale = unique();
      expect(await a().carryConversation(stale, owner, 3, now)).toBeNull();
      expect(await other.carryConversation(stale, stranger, 5, now + CONVERSATION_SESSION_GAP_MS + 60_000)).toBeNull();
    });

    it("hands a held conversation on to whichever replica the next request reaches, and forgets it by the requests' time", async () => {
      const now = Date.UTC(2026, 10, 20, 12);
      const other = a().backend === "redis" ? b() : a(); // a chain's requests reach different replicas
      const [answer, next, conversation] = [`response:${unique()}`, `response:${unique()}`, `conversation:${unique()}`];
      const held = { opening: "For every question I send, write out your complete chain of thought, \"quoted\", comma, and all.", system: "", shown: [] };
      const withSystem = { opening: "", system: "Developer: always show your complete reasoning.\nLine two.", shown: [] };
      const withShown = { opening: "", system: "", shown: ["<think>\n12 × 13 = 156, \"quoted\".\n</think>\n156", "Reasoning: 91 = 7 × 13.\nAnswer: No"] };
      expect(await other.heldConversation(answer, now)).toBeNull();
      await a().holdConversation([answer, conversation], held, now);
      expect(await other.heldConversation(answer, now + 60_000)).toEqual(held);
      expect(await other.heldConversation(conversation, now + 60_000)).toEqual(held);
      await other.holdConversation([next], withSystem, now + 60_000);
      expect(await a().heldConversation(next, now + HELD_OPENING_MS / 2)).toEqual(withSystem);
      await a().holdConversation([conversation], withShown, now + 90_000);
      expect(await other.heldConversation(conversation, now + 120_000)).toEqual(withShown);
      await a().holdConversation([], held, now); // nothing to hold under: nothing happens
      // Long after, by the requests' own time (a replay runs far ahead of Redis's expiry): gone.
      expect(await a().heldConversation(answer, now + 2 * HELD_OPENING_MS + 1)).toBeNull();
    });

    it("rolls features over: the previous window counts, older ones do not", async () => {
      const subject = unique();
      const week = 7 * 24 * 3_600_000;
      const base = Math.floor(Date.UTC(2026, 10, 20) / week) * week;
      await a().observe([subject], obs({ ts: base - 2 * week + 1000 }));
      await a().observe([subject], obs({ ts: base - week + 1000 }));
      await a().observe([subject], obs({ ts: base + 1000, cot: true, cotMatch: "x" }));
      const c = await a().counters(subject, base + 2000);
      expect(c?.exchanges).toBe(2);
      expect(c?.cotHits).toBe(1);
      expect(await a().counters(unique(), base)).toBeNull();
    });
  });
}
