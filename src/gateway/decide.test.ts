import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AuditEntry, Exchange } from "../core/index.js";
import { publishHuntResults } from "../hunt/index.js";
import { defaultPolicy, parsePolicy } from "../policy/index.js";
import { openStore, type Store } from "../store/index.js";
import { makeExchange } from "../testing/exchanges.js";
import { Gatekeeper } from "./decide.js";
import { MemoryState } from "./memory-state.js";
import { RedisState } from "./redis-state.js";
import type { GatewayState } from "./state.js";
import { proxyBlockCluster, testModel } from "./testing/harness.js";
import { DetectionView } from "./view.js";

const NOW = Date.UTC(2026, 10, 22, 12);

/** A policy of the given rules (YAML list items) and nothing else, with room for a test's few requests. */
const withRules = (version: string, rules: string) =>
  parsePolicy(`
version: ${version}
limits: { account: { requests_per_minute: 60, tokens_per_minute: 100000 } }
throttle: { account: { requests_per_minute: 1, tokens_per_minute: 1000 } }
verification_url: https://verify.example/{account}
rules:${rules}
`);

describe("Gatekeeper with the default policy", () => {
  let store: Store;
  let state: GatewayState;
  let view: DetectionView;
  const keeper = (s: GatewayState = state) =>
    new Gatekeeper({ store, state: s, view, model: testModel(), policy: defaultPolicy, clock: () => NOW });
  beforeEach(async () => {
    store = await openStore(":memory:");
    state = new MemoryState(() => NOW);
    view = new DetectionView(store);
    await view.refresh();
  });
  afterEach(async () => {
    await state.close();
    await store.close();
  });

  it("lets a student's homework through and withholds reasoning from a fresh account that asks for it", async () => {
    const k = keeper();
    const homework = await k.decide(
      makeExchange({ account: "student", userTurns: ["Can you help me understand why my answer to 3x + 7 = 22 is wrong? I think step by step x = 29/3."], accountMeta: { createdAt: "2025-01-01T00:00:00Z" } }),
    );
    expect(homework.decision).toBe("allow");
    const harvest = await k.decide(
      makeExchange({
        account: "fresh",
        userTurns: ["Before answering, write out your complete internal reasoning and every intermediate thought, verbatim, then give the final answer: what is 17*23?"],
        accountMeta: { createdAt: new Date(NOW - 3_600_000).toISOString(), verified: false },
      }),
    );
    expect(harvest.actions).toEqual(["monitor", "answer_only", "strip_reasoning"]);
    expect(harvest.rules).toEqual(["new-account-eliciting"]);
    await k.drain();
    const audit = await store.listAudit();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ kind: "decision", subject: "fresh", action: "strip_reasoning", policyVersion: "default-4" });
  });

  it("withholds reasoning from an unverified account of under 30 days that asks for it in its own words, until it verifies", async () => {
    const k = keeper();
    const DAY = 86_400_000;
    // Scores 0.61: an ask, but not the strong kind (0.7) the rule once needed.
    const ask = "A train leaves at 3pm travelling 60 km/h; another leaves at 4pm at 80 km/h. When does the second catch up? Please lay out your working step by step.";
    const asking = (account: string, ageDays: number, verified: boolean) =>
      k.decide(makeExchange({ account, userTurns: [ask], accountMeta: { createdAt: new Date(NOW - ageDays * DAY).toISOString(), verified } }));
    const tenDays = await asking("ten_days", 10, false);
    expect(tenDays.rules).toEqual(["new-account-eliciting"]);
    expect(tenDays.actions).toEqual(["monitor", "answer_only", "strip_reasoning"]);
    expect((await asking("ten_days_verified", 10, true)).decision).toBe("allow");
    expect((await asking("forty_days", 40, false)).decision).toBe("allow");
    // Homework wording stays under the bar at any age.
    const homework = await k.decide(
      makeExchange({ account: "student", userTurns: ["Solve 2x + 5 = 17 and explain step by step."], accountMeta: { createdAt: new Date(NOW - 2 * DAY).toISOString(), verified: false } }),
    );
    expect(homework.decision).toBe("allow");
  });

  it("summarises the reasoning for an unverified account under 72 hours old that asks for the longest, until it verifies or ages", async () => {
    const k = keeper();
    const HOUR = 3_600_000;
    // An agent's call: a coding task, no words asking for the reasoning, effort set high.
    const call = (account: string, ageHours: number, verified: boolean, reasoningEffort: string | undefined) =>
      k.decide(
        makeExchange({
          account,
          system: "You are an autonomous software engineering agent. Use the tools to finish the task.",
          userTurns: ["Write a Python function that parses an ISO 8601 date and returns the weekday."],
          params: { maxTokens: 8192, logprobs: false, logitBias: false, stream: false, reasoningRequested: true, ...(reasoningEffort ? { reasoningEffort } : {}) },
          accountMeta: { createdAt: new Date(NOW - ageHours * HOUR).toISOString(), verified },
        }),
      );
    const fresh = await call("made_5h_ago", 5, false, "high");
    expect(fresh.rules).toEqual(["new-account-max-reasoning"]);
    expect(fresh.actions).toEqual(["summarise_reasoning"]);
    expect((await call("made_5h_ago_medium", 5, false, "medium")).decision).toBe("allow");
    expect((await call("made_5h_ago_verified", 5, true, "high")).decision).toBe("allow");
    expect((await call("made_4_days_ago", 96, false, "high")).decision).toBe("allow");
  });

  it("names the account a conversation came from when another account carries it on, and a policy can act on it", async () => {
    const opening = "Can you help me plan a week of vegetarian dinners for two on a budget?";
    const answer = "Of course! Here is a plan for seven dinners that share ingredients so little goes to waste: Monday, lentil soup with crusty bread; Tuesday, ...";
    const turn = (account: string, turns: string[]) =>
      makeExchange({ account, userTurns: turns, assistantTurns: [answer, "Sure, here it is.", "Here you go.", "Done."].slice(0, turns.length - 1), turnCount: 2 * turns.length - 1, accountMeta: { createdAt: "2025-01-01T00:00:00Z" } });
    const k = keeper();
    const mine = await k.decide(turn("pool_a", [opening, "Swap Tuesday for something with rice."]));
    expect(mine.reasons.join(" ")).not.toContain("carried on");
    expect((await k.decide(turn("pool_a", [opening, "Swap Tuesday for something with rice.", "Now a shopping list."]))).reasons.join(" ")).not.toContain("carried on");
    // The same turn again from another account is a stranger's word-for-word history, not the conversation carried on.
    expect((await k.decide(turn("stranger", [opening, "Swap Tuesday for something with rice.", "Now a shopping list."]))).reasons.join(" ")).not.toContain("carried on");
    // A pool's real hand-over, on a conversation no stranger has canned.
    const fresh = new MemoryState(() => NOW);
    const other = keeper(fresh);
    expect((await other.decide(turn("pool_a", [opening, "Swap Tuesday for something with rice."]))).reasons.join(" ")).not.toContain("carried on");
    const handed = await other.decide(turn("pool_b", [opening, "Swap Tuesday for something with rice.", "Now a shopping list."]));
    expect(handed.reasons).toContain("conversation carried on from account pool_a (one client rotating accounts)");
    expect(handed.decision).toBe("allow"); // the default policy only says so; an operator's rule acts on it:
    const strict = withRules(
      "strict-1",
      `
  - name: rotating-pool
    when: { request_carried_conversation: true, verified: false }
    then: [require_verification]`,
    );
    const ruled = new Gatekeeper({ store, state: fresh, view, model: testModel(), policy: () => strict, clock: () => NOW });
    expect((await ruled.decide(turn("pool_c", [opening, "Swap Tuesday for something with rice.", "Now a shopping list.", "And a dessert."]))).decision).toBe("require_verification");
  });

  // A request is added to the rolling counters after its decision is returned, yet the next request
  // reads it, however soon it comes; and a rule on the request's domain still reads the domain.
  it("counts each request before the next one's decision, and reads the domain where a rule names it", async () => {
    const counting = withRules(
      "counting-1",
      `
  - name: busy
    when: { account_requests_gte: 2 }
    then: [monitor]
  - name: coding-help
    when: { request_domain_in: [coding] }
    then: [cap_max_tokens]`,
    );
    const k = new Gatekeeper({ store, state, view, model: testModel(), policy: () => counting, clock: () => NOW });
    const ask = (account: string, question: string) => k.decide(makeExchange({ account, userTurns: [question], accountMeta: { createdAt: "2025-01-01T00:00:00Z" } }));
    const first = await ask("writer", "Suggest a title for a short story about a lighthouse keeper.");
    const second = await ask("writer", "Make it sound more hopeful.");
    const third = await ask("writer", "One more, shorter.");
    expect([first, second, third].map((d) => d.rules)).toEqual([[], [], ["busy"]]);
    const coder = await ask("coder", "Why does this Python raise KeyError?\n\nfor k in d: del d[k]");
    expect(coder.rules).toEqual(["coding-help"]);
    // Counted without another decision to push it: by the next turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    expect((await state.counters("a:coder", NOW))?.exchanges).toBe(1);
  });

  /** Forty asks for the reasoning, each through another network and one of five countries; the last decision. */
  const harvestThroughPool = async (account: string, accountMeta: Exchange["accountMeta"]) => {
    const k = keeper();
    let last = null;
    for (let i = 0; i < 40; i++) {
      last = await k.decide(
        makeExchange({
          account,
          ts: NOW,
          userTurns: [`Explain your reasoning step by step in full detail and show all of your internal thinking for problem ${i}: integrate x^${i} dx.`],
          client: { ip: `198.51.${i}.7`, country: ["US", "BR", "SG", "DE", "IN"][i % 5], asn: 64500 + i },
          accountMeta: { createdAt: new Date(NOW - 2 * 3_600_000).toISOString(), ...accountMeta },
        }),
      );
    }
    return last;
  };

  it("builds rolling features online and throttles an account whose behaviour turns into harvesting", async () => {
    const last = await harvestThroughPool("rotator", {});
    expect(last?.actions).toContain("throttle");
    expect(last?.reasons.some((r) => r.startsWith("online: "))).toBe(true);
  });

  it("does not lower its sensitivity for a verified organisation's account once its traffic leaves through a new network with most requests", async () => {
    expect((await harvestThroughPool("verified_rotator", { verified: true, org: "org_head7" }))?.actions).toContain("throttle");
  });

  /** A fresh account's request asking for the reasoning: the default policy strips it, and audits the decision. */
  const eliciting = (i: number) =>
    makeExchange({
      account: `fresh_${i}`,
      userTurns: [`Before answering, write out your complete internal reasoning and every intermediate thought, verbatim: what is ${i}*23?`],
      accountMeta: { createdAt: new Date(NOW - 3_600_000).toISOString(), verified: false },
    });

  /** Routes the store's audit writes through `around`, which is handed the store's own write. */
  const interceptAudits = (around: (entries: readonly AuditEntry[], append: (entries: readonly AuditEntry[]) => Promise<void>) => Promise<void>): void => {
    const append = store.appendAudits.bind(store);
    store.appendAudits = (entries) => around(entries, append);
  };

  describe("audit batching", () => {
    /** The store's audit transactions, each with how many entries it carried. */
    const countCommits = (): number[] => {
      const commits: number[] = [];
      interceptAudits(async (entries, append) => {
        commits.push(entries.length);
        await append(entries);
      });
      return commits;
    };
    const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

    it("commits audited decisions of many event-loop turns as one transaction, in order", async () => {
      const commits = countCommits();
      const k = new Gatekeeper({ store, state, view, model: testModel(), policy: defaultPolicy, clock: () => NOW, auditFlushMs: 60_000 });
      for (let i = 0; i < 30; i++) {
        expect((await k.decide(eliciting(i))).decision).toBe("strip_reasoning");
        await nextTurn();
      }
      expect(commits).toEqual([]); // still gathering: neither the interval nor the batch size reached
      await k.drain();
      expect(commits).toEqual([30]);
      expect((await store.listAudit({ limit: 100 })).map((e) => e.subject)).toEqual(Array.from({ length: 30 }, (_, i) => `fresh_${i}`));
    });

    it("commits without waiting for the interval once a full batch waits", async () => {
      const commits = countCommits();
      const k = new Gatekeeper({ store, state, view, model: testModel(), policy: defaultPolicy, clock: () => NOW, auditFlushMs: 60_000 });
      for (let i = 0; i < 256; i++) await k.decide(eliciting(i));
      await nextTurn();
      expect(commits).toEqual([256]);
      expect(k.pendingAudits).toBe(0);
    });
  });

  describe("audit through a store that refuses writes", () => {
    /** Makes the store's audit writes fail while `down()` says so. */
    const failWhile = (down: () => boolean): void =>
      interceptAudits(async (entries, append) => {
        if (down()) throw new Error("store unavailable");
        await append(entries);
      });
    const subjects = async (): Promise<string[]> => (await store.listAudit({ limit: 100 })).map((e) => e.subject);

    it("keeps every entry, in order, through a store that refuses writes for a while", async () => {
      let failures = 0;
      failWhile(() => failures++ < 2);
      const errors: unknown[] = [];
      const dropped: number[] = [];
      const k = new Gatekeeper({ store, state, view, model: testModel(), policy: defaultPolicy, clock: () => NOW, auditFlushMs: 1, auditRetryMs: [1], onAuditError: (e) => errors.push(e), onAuditDropped: (n) => dropped.push(n) });
      for (let i = 0; i < 10; i++) await k.decide(eliciting(i));
      await k.drain();
      expect(errors).toHaveLength(2);
      expect(dropped).toEqual([]);
      expect(k.pendingAudits).toBe(0);
      expect(await subjects()).toEqual(Array.from({ length: 10 }, (_, i) => `fresh_${i}`));
    });

    it("holds each decision once when a write commits but its answer is lost, and is then retried", async () => {
      // What a connection dropped between the commit and its answer looks like to the writer.
      let lost = 1;
      interceptAudits(async (entries, append) => {
        await append(entries);
        if (lost-- > 0) throw new Error("connection terminated after commit");
      });
      const errors: unknown[] = [];
      const k = new Gatekeeper({ store, state, view, model: testModel(), policy: defaultPolicy, clock: () => NOW, auditFlushMs: 1, auditRetryMs: [1], onAuditError: (e) => errors.push(e) });
      for (let i = 0; i < 6; i++) await k.decide(eliciting(i));
      await k.drain();
      expect(errors).toHaveLength(1);
      expect(k.pendingAudits).toBe(0);
      expect(await subjects()).toEqual(Array.from({ length: 6 }, (_, i) => `fresh_${i}`));
    });

    it("holds at most its bound while the store is down, giving up on the oldest and counting them", async () => {
      let down = true;
      failWhile(() => down);
      const dropped: number[] = [];
      const k = new Gatekeeper({ store, state, view, model: testModel(), policy: defaultPolicy, clock: () => NOW, auditFlushMs: 1, auditRetryMs: [5], maxUnwrittenAudits: 5, onAuditDropped: (n) => dropped.push(n) });
      for (let i = 0; i < 8; i++) await k.decide(eliciting(i));
      // Trimmed at the retry after the eighth entry is queued (one retry or several, as the machine's speed has it).
      const given = (): number => dropped.reduce((a, b) => a + b, 0);
      for (const deadline = Date.now() + 5_000; given() < 3 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 5));
      expect(given()).toBe(3);
      expect(k.pendingAudits).toBe(5);
      down = false;
      await k.drain();
      expect(k.pendingAudits).toBe(0);
      expect(await subjects()).toEqual(["fresh_3", "fresh_4", "fresh_5", "fresh_6", "fresh_7"]);
    });

    it("lets a shutdown end after a few more tries against a store that stays down, counting what it gives up", async () => {
      failWhile(() => true);
      const dropped: number[] = [];
      const k = new Gatekeeper({ store, state, view, model: testModel(), policy: defaultPolicy, clock: () => NOW, auditFlushMs: 1, auditRetryMs: [1], onAuditDropped: (n) => dropped.push(n) });
      for (let i = 0; i < 4; i++) await k.decide(eliciting(i));
      await k.drain();
      expect(dropped).toEqual([4]);
      expect(k.pendingAudits).toBe(0);
      expect(await subjects()).toEqual([]);
    });
  });

  // The hunt banned a ring; the ring's operator opens a fresh account on the same card. The next hunt
  // would flag it at its first request; the gateway refuses it there, not a run later.
  it("refuses a flagged cluster's new head at its first request, and names the card it came in on", async () => {
    const card = "pf_5c1e9a7d3b2f4e60";
    await store.replaceClusters([
      {
        id: "cl_ring",
        accounts: ["r1", "r2", "r3"],
        exchanges: 3000,
        score: 0.97,
        flagged: true,
        firstSeen: NOW - 40 * 86_400_000,
        lastSeen: NOW - 86_400_000,
        firstFlaggedAt: NOW - 30 * 86_400_000,
        domains: {},
        links: [{ kind: "payment_fp", value: card, accounts: 3 }],
        reasons: ["shared card"],
        indicators: [{ kind: "payment_fp", value: card, accounts: 3 }],
      },
    ]);
    await view.refresh();
    const k = keeper();
    const head = await k.decide(makeExchange({ account: "r9", userTurns: ["What is the capital of Mongolia?"], accountMeta: { createdAt: new Date(NOW - 3_600_000).toISOString(), paymentFp: card } }));
    expect(head).toMatchObject({ decision: "ban_cluster", cluster: "cl_ring", rules: ["flagged-cluster"] });
    expect(head.reasons).toContain("new head of flagged cluster cl_ring: payment_fp pf_5c1e9a7d3b2f4e60 is the cluster's own (3 of its accounts carried it at the hunt)");
    const stranger = await k.decide(makeExchange({ account: "s1", userTurns: ["What is the capital of Mongolia?"], accountMeta: { createdAt: "2025-01-01T00:00:00Z", paymentFp: "pf_0b7d2e8c91a4f356" } }));
    expect(stranger).toMatchObject({ decision: "allow", cluster: null });
    // Its place under the ban stands as its own suspension, whatever it sends next.
    const again = await k.decide(makeExchange({ account: "r9", userTurns: ["And of Peru?"], accountMeta: { createdAt: new Date(NOW - 3_600_000).toISOString() } }));
    expect(again.decision).toBe("suspend");
    await k.drain();
    expect((await store.listAudit()).map((e) => `${e.subject} ${e.action}`)).toEqual(["r9 ban_cluster", "r9 suspend"]);
    expect((await store.listSanctions({ activeOnly: true })).map((x) => `${x.scope}:${x.subject}:${x.action} ${x.reason}`)).toEqual([
      "account:r9:suspend new head of banned cluster cl_ring (payment_fp pf_5c1e9a7d3b2f4e60)",
      "cluster:cl_ring:ban member of a flagged hydra cluster",
    ]);
  });

  // A person on a residential ISP whose /24 a hydra's proxies had used: taken for the cluster's new head
  // at its first request, suspended; the next hunt reads what it sent, does not flag it, and the
  // suspension lapses. It is not taken for a head again on the same /24.
  it("lets a head's suspension lapse once a hunt that read the account's traffic does not flag it", async () => {
    const DAY = 86_400_000;
    const proxies = proxyBlockCluster(NOW);
    await store.replaceClusters([proxies]);
    await view.refresh();
    let clock = NOW;
    const k = new Gatekeeper({ store, state, view, model: testModel(), policy: defaultPolicy, clock: () => clock });
    const casual = (ip: string, question: string) =>
      k.decide(
        makeExchange({
          account: "casual",
          userTurns: [question],
          client: { ip, asn: 7922, country: "US", userAgent: "Mozilla/5.0" },
          accountMeta: { createdAt: new Date(NOW - DAY).toISOString(), verified: false },
        }),
      );
    expect(await casual("17.224.151.49", "What's a good substitute for buttermilk in pancakes?")).toMatchObject({ decision: "ban_cluster", cluster: "cl_proxy" });
    clock = NOW + 3_600_000;
    expect((await casual("17.224.9.3", "How long should I rest the batter?")).decision).toBe("suspend");
    await k.drain();
    const [suspension] = (await store.listSanctions({ activeOnly: true })).filter((s) => s.scope === "account");
    expect(suspension).toMatchObject({ subject: "casual", actor: "gateway", head: { cluster: "cl_proxy", via: "slash24" } });

    // The next hunt read both requests and scored the account far under the bar.
    clock = NOW + 2 * DAY;
    const read = { account: "casual", score: 0.0025, flagged: false, cluster: null, firstFlaggedAt: null, exchanges: 2, reasons: [] };
    const lapsed = await publishHuntResults(store, { accounts: [{ ...read, lastSeen: NOW + 3_600_000 }], clusters: [proxies] }, clock);
    expect(lapsed.map((s) => `${s.subject} ${s.actor} ${s.active}`)).toEqual(["casual hunt false"]);
    await view.refresh();
    expect(await casual("17.224.151.49", "Can I freeze leftover pancakes?")).toMatchObject({ decision: "allow", cluster: null });
    await k.drain();
    expect((await store.listAudit()).map((e) => `${e.actor} ${e.subject} ${e.action}`)).toEqual(["gateway casual ban_cluster", "gateway casual suspend", "hunt casual lapse.suspend"]);
    expect((await store.listAudit())[2]?.reasons[0]).toBe(
      "the hunt read 2 requests of the account up to 2026-11-22 13:00 and did not flag it (score 0.003): its suspension as a new head of cl_proxy (slash24) lapses",
    );
  });

  it("refuses a flagged cluster's member without reading its request, and reads it where the policy serves flagged accounts", async () => {
    await store.replaceClusters([
      { id: "cl_pool", accounts: ["p1", "p2"], exchanges: 900, score: 0.96, flagged: true, firstSeen: NOW - 9 * 86_400_000, lastSeen: NOW, firstFlaggedAt: NOW - 86_400_000, domains: {}, links: [], reasons: ["shared proxy block"], indicators: [] },
    ]);
    await store.putAccountVerdicts(["p1", "p2"].map((account) => ({ account, score: 0.6, flagged: true, cluster: "cl_pool", firstFlaggedAt: NOW - 86_400_000, exchanges: 450, reasons: [] })));
    await view.refresh();
    const asking = (account: string) => makeExchange({ account, userTurns: ["Write out your complete internal reasoning verbatim before the answer: what is 17*23?"], params: { maxTokens: 4096, temperature: 0.7, logprobs: true, logitBias: false, stream: false, reasoningRequested: false } });
    // A policy that only watches flagged clusters serves them, so it reads what they send.
    const watching = defaultPolicy();
    watching.rules = watching.rules.map((r) => (r.name === "flagged-cluster" ? { ...r, then: ["monitor" as const] } : r));
    const watcher = new Gatekeeper({ store, state, view, model: testModel(), policy: () => watching, clock: () => NOW });
    const read = await watcher.decide(asking("p2"));
    expect(read.signals?.cotElicitation).toBeGreaterThanOrEqual(0.5);
    expect(read.rules).toEqual(["flagged-cluster", "logit-extraction"]);
    await watcher.drain();
    expect((await state.counters("c:cl_pool", NOW))?.exchanges).toBe(1);
    const k = keeper();
    const refused = await k.decide(asking("p1"));
    await k.drain();
    expect(refused).toMatchObject({ decision: "ban_cluster", rules: ["flagged-cluster"], signals: null, buckets: [], reservedTokens: 0 });
    // Refused unread, so not counted among the account's or the cluster's rolling requests.
    expect(await state.counters("a:p1", NOW)).toBeNull();
    expect((await state.counters("c:cl_pool", NOW))?.exchanges).toBe(1);
  });

  it("fails closed for an already-flagged account and open for others when Redis is unreachable", async () => {
    const down = new RedisState({ url: "redis://127.0.0.1:1/0", commandTimeoutMs: 50 });
    await down.connect().catch(() => {});
    await store.putAccountVerdicts([{ account: "watched", score: 0.6, flagged: true, cluster: null, firstFlaggedAt: 1, exchanges: 10, reasons: [] }]);
    await view.refresh();
    const policy = defaultPolicy();
    policy.rules = policy.rules.filter((r) => r.name !== "flagged-account");
    const k = new Gatekeeper({ store, state: down, view, model: testModel(), policy: () => policy, clock: () => NOW });
    const other = await k.decide(makeExchange({ account: "someone", userTurns: ["hello"] }));
    expect(other.decision).toBe("allow");
    expect(other.reasons).toContain("state backend unavailable; failing open");
    const watched = await k.decide(makeExchange({ account: "watched", userTurns: ["hello"] }));
    expect(watched.decision).toBe("throttle");
    expect(watched.retryAfterMs).toBe(1000);
    await down.close();
  });
});
