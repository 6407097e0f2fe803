import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AccountMeta, AccountVerdict, AuditEntry, ClusterVerdict } from "../../core/index.js";
import { makeExchange } from "../../testing/exchanges.js";
import { parseExchangeLine } from "../../ingest/read.js";
import { openaiChatLine } from "../../ingest/testing/lines.js";
import type { Store } from "../store.js";

/** The one behavioural contract every Store backend must pass. */
export function storeContract(name: string, open: () => Promise<Store>, teardown: (s: Store) => Promise<void> = (s) => s.close()): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await teardown(store);
    });

    it("inserts exchanges idempotently by id and counts only new ones", async () => {
      const a = makeExchange({ id: "a", ts: 1000 });
      const b = makeExchange({ id: "b", ts: 2000 });
      expect(await store.putExchanges([a, b])).toBe(2);
      expect(await store.putExchanges([a, b, makeExchange({ id: "c", ts: 1500 })])).toBe(1);
      expect(await store.putExchanges([makeExchange({ id: "d" }), makeExchange({ id: "d" })])).toBe(1);
      expect(await store.countExchanges()).toBe(4);
    });

    it("pages exchanges in (ts, id) order and round-trips the normalised record", async () => {
      const xs = [5, 1, 3, 3, 2].map((ts, i) => makeExchange({ id: `x${i}`, ts, userTurns: [`prompt ${i} — ünïcode ✓`] }));
      await store.putExchanges(xs);
      const seen: string[] = [];
      for await (const page of store.exchangesInTimeOrder(2)) {
        expect(page.length).toBeLessThanOrEqual(2);
        for (const ex of page) seen.push(`${ex.ts}:${ex.id}`);
      }
      expect(seen).toEqual(["1:x1", "2:x4", "3:x2", "3:x3", "5:x0"]);
      const page = (await store.exchangesInTimeOrder(10).next()).value as ReturnType<typeof makeExchange>[];
      expect(page.find((e) => e.id === "x2")).toEqual(xs[2]);
    });

    it("keeps the original exchange-log line when given, and decodes it back", async () => {
      const line = JSON.stringify({ ...openaiChatLine("raw_1", "2026-02-03T08:00:00Z"), vendor_extra: { kept: true } });
      const parsed = parseExchangeLine(line);
      if (!parsed.ok) throw new Error(parsed.reason);
      expect(await store.putExchanges([parsed.exchange], [line])).toBe(1);
      expect(await store.putExchanges([parsed.exchange], [line])).toBe(0);
      const page = (await store.exchangesInTimeOrder(10).next()).value as ReturnType<typeof makeExchange>[];
      expect(page[0]).toEqual(parsed.exchange);
    });

    it("merges account meta without erasing known facts", async () => {
      await store.putAccountMeta([{ account: "acct_1", meta: { paymentFp: "pf_1", verified: false } }]);
      await store.putAccountMeta([{ account: "acct_1", meta: { verified: true, paymentFp: undefined, program: "research" } }]);
      expect(await store.getAccountMeta("acct_1")).toEqual({ paymentFp: "pf_1", verified: true, program: "research" });
      expect(await store.getAccountMeta("nobody")).toBeNull();
      // Within one call too, in order; empty values never erase a fact.
      await store.putAccountMeta([
        { account: "acct_2", meta: { org: "org_1", tier: "free" } },
        { account: "acct_2", meta: { tier: "scale", org: "" } },
      ]);
      expect(await store.getAccountMeta("acct_2")).toEqual({ org: "org_1", tier: "scale" });
    });

    it("merges account meta from concurrent writers that share accounts, losing nothing", async () => {
      // Ingest keeps two batches in flight; ordinary traffic puts one account in both.
      const accounts = Array.from({ length: 2_000 }, (_, i) => `acct_${String(i).padStart(4, "0")}`);
      const batch = (order: string[], meta: (i: number) => AccountMeta) => order.map((account, i) => ({ account, meta: meta(i) }));
      await Promise.all([
        store.putAccountMeta(batch(accounts, () => ({ paymentFp: "pf_shared" }))),
        store.putAccountMeta(batch([...accounts].reverse(), () => ({ verified: false }))),
        store.putAccountMeta(batch(accounts.filter((_, i) => i % 2 === 0), () => ({ org: "org_even" }))),
      ]);
      expect(await store.getAccountMeta("acct_0000")).toEqual({ paymentFp: "pf_shared", verified: false, org: "org_even" });
      expect(await store.getAccountMeta("acct_1999")).toEqual({ paymentFp: "pf_shared", verified: false });
    });

    it("replaces account verdicts and filters flagged ones", async () => {
      const v = (account: string, flagged: boolean): AccountVerdict => ({
        account,
        score: flagged ? 0.9 : 0.1,
        flagged,
        cluster: flagged ? "cl_1" : null,
        firstFlaggedAt: flagged ? 1234 : null,
        exchanges: 10,
        reasons: flagged ? ["cot_elicitation_rate 0.91"] : [],
      });
      await store.putAccountVerdicts([v("b", true), v("a", false)]);
      await store.putAccountVerdicts([v("a", true)]);
      expect((await store.listAccountVerdicts()).map((x) => x.account)).toEqual(["a", "b"]);
      expect((await store.listAccountVerdicts({ flaggedOnly: true })).length).toBe(2);
      expect(await store.getAccountVerdict("a")).toEqual(v("a", true));
    });

    it("replaces the whole cluster set", async () => {
      const c = (id: string): ClusterVerdict => ({
        id,
        accounts: ["a", "b"],
        exchanges: 5,
        score: 0.99,
        flagged: true,
        firstSeen: 1,
        lastSeen: 2,
        firstFlaggedAt: 2,
        domains: { reasoning: 1 },
        links: [{ kind: "payment_fp", value: "pf_1", accounts: 2 }],
        reasons: ["shared payment_fp"],
      });
      await store.replaceClusters([c("cl_1"), c("cl_2")]);
      await store.replaceClusters([c("cl_3")]);
      expect((await store.listClusters()).map((x) => x.id)).toEqual(["cl_3"]);
    });

    it("versions a hunt's results and the sanctions apart: each changes with its own writes only", async () => {
      expect(await store.version("results")).toBeNull();
      expect(await store.version("sanctions")).toBeNull();
      await store.putAccountVerdicts([{ account: "a", score: 0.9, flagged: true, cluster: null, firstFlaggedAt: 1, exchanges: 3, reasons: ["r"] }]);
      const results1 = await store.version("results");
      expect(results1).not.toBeNull();
      await store.putSanction({ scope: "account", subject: "a", action: "suspend", active: true, reason: "r", ts: 5, actor: "policy" });
      const sanctions1 = await store.version("sanctions");
      expect(sanctions1).not.toBeNull();
      await store.appendAudit({ ts: 6, actor: "policy", kind: "decision", subject: "a", action: "suspend", reasons: ["r"] });
      await store.putAccountMeta([{ account: "a", meta: { verified: false } }]);
      expect(await store.version("results")).toBe(results1);
      await store.replaceClusters([]);
      const results2 = await store.version("results");
      expect(results2).not.toBe(results1);
      await store.putAccountVerdicts([{ account: "a", score: 0.1, flagged: false, cluster: null, firstFlaggedAt: null, exchanges: 4, reasons: [] }]);
      expect(await store.version("results")).not.toBe(results2);
      expect(await store.version("sanctions")).toBe(sanctions1);
      await store.putSanction({ scope: "account", subject: "a", action: "suspend", active: false, reason: "appeal lifted", ts: 9, actor: "analyst" });
      expect(await store.version("sanctions")).not.toBe(sanctions1);
    });

    it("writes a hunt's results whole however many rows they are (more than one statement holds)", async () => {
      const n = 12_345;
      const id = (i: number): string => `acct_${String(i).padStart(6, "0")}`;
      const verdicts: AccountVerdict[] = Array.from({ length: n }, (_, i) => ({
        account: id(i),
        score: i % 7 === 0 ? 0.93 : 0.04,
        flagged: i % 7 === 0,
        cluster: i % 7 === 0 ? `cl_${i % 11}` : null,
        firstFlaggedAt: i % 7 === 0 ? 1_770_000_000_000 + i : null,
        exchanges: 1 + (i % 40),
        reasons: i % 7 === 0 ? [`cot_elicitation_rate 0.${i % 90} (${i % 40} of 40 requests)`] : [],
      }));
      await store.putAccountVerdicts(verdicts);
      const back = await store.listAccountVerdicts();
      expect(back.length).toBe(n);
      expect(back[0]).toEqual(verdicts[0]);
      expect(back[n - 1]).toEqual(verdicts[n - 1]);
      expect((await store.listAccountVerdicts({ flaggedOnly: true })).length).toBe(Math.ceil(n / 7));
      const clusters: ClusterVerdict[] = Array.from({ length: 6_001 }, (_, i) => ({
        id: `cl_${i}`,
        accounts: [id(2 * i), id(2 * i + 1)],
        exchanges: 2,
        score: 0.5,
        flagged: false,
        firstSeen: 1,
        lastSeen: 2,
        firstFlaggedAt: null,
        domains: { chat: 1 },
        links: [{ kind: "ip_day", value: `203.0.113.${i % 250}@2026-02-03`, accounts: 2 }],
        reasons: [],
      }));
      await store.replaceClusters(clusters);
      expect((await store.listClusters()).length).toBe(6_001);
    });

    it("appends audit entries in order and pages by sequence", async () => {
      const s1 = await store.appendAudit({ ts: 1, actor: "policy", kind: "decision", subject: "acct_1", action: "throttle", reasons: ["r"] });
      const s2 = await store.appendAudit({ ts: 2, actor: "analyst:kim", kind: "appeal", subject: "acct_1", action: "lift", reasons: [] });
      expect(s2).toBeGreaterThan(s1);
      const all = await store.listAudit();
      expect(all.map((e) => e.action)).toEqual(["throttle", "lift"]);
      expect((await store.listAudit({ afterSeq: s1 })).map((e) => e.seq)).toEqual([s2]);
    });

    it("appends a batch of audit entries in order, after the ones before it", async () => {
      const before = await store.appendAudit({ ts: 1, actor: "gateway", kind: "policy", subject: "default", action: "policy.load", reasons: [] });
      const batch = ["monitor", "throttle", "suspend"].map((action, i): AuditEntry => ({ ts: 10 + i, actor: "gateway", kind: "decision", subject: `acct_${i}`, action, reasons: [`rule ${i}`] }));
      await store.appendAudits(batch);
      await store.appendAudits([]);
      const after = await store.listAudit({ afterSeq: before });
      expect(after.map((e) => [e.action, e.subject])).toEqual([["monitor", "acct_0"], ["throttle", "acct_1"], ["suspend", "acct_2"]]);
      expect(after.map((e) => e.seq)).toEqual([...after.map((e) => e.seq)].sort((a, b) => a - b));
    });

    it("holds a keyed audit entry once, however often it is written (a batch retried after a lost answer)", async () => {
      const entry = (action: string, key?: string): AuditEntry => ({ ts: 5, actor: "gateway", kind: "decision", subject: "acct_9", action, reasons: [], ...(key ? { key } : {}) });
      const before = await store.appendAudit({ ts: 1, actor: "gateway", kind: "policy", subject: "default", action: "policy.load", reasons: [] });
      await store.appendAudits([entry("monitor", "decision:d1"), entry("throttle", "decision:d2")]);
      // Written again, in a batch that goes on with a new entry and with one keyed twice.
      await store.appendAudits([entry("monitor", "decision:d1"), entry("throttle", "decision:d2"), entry("suspend", "decision:d3"), entry("suspend", "decision:d3")]);
      // Keyless entries are all kept, as before keys.
      await store.appendAudits([entry("note"), entry("note")]);
      const held = await store.listAudit({ afterSeq: before });
      expect(held.map((e) => [e.action, e.key ?? null])).toEqual([
        ["monitor", "decision:d1"],
        ["throttle", "decision:d2"],
        ["suspend", "decision:d3"],
        ["note", null],
        ["note", null],
      ]);
      const d2 = held[1]?.seq;
      expect(await store.appendAudit(entry("throttle", "decision:d2"))).toBe(d2);
      expect((await store.listAudit({ afterSeq: before })).length).toBe(5);
    });

    it("stores intel versions idempotently and filters by added time, type and id", async () => {
      const obj = { type: "indicator", id: "indicator--1", modified: "2026-01-01T00:00:00.000Z" };
      expect(await store.putIntel({ id: obj.id, type: obj.type, modified: obj.modified, source: "peer-a", object: obj }, 100)).toBe(true);
      expect(await store.putIntel({ id: obj.id, type: obj.type, modified: obj.modified, source: "peer-a", object: obj }, 101)).toBe(false);
      const v2 = { ...obj, modified: "2026-02-01T00:00:00.000Z" };
      expect(await store.putIntel({ id: v2.id, type: v2.type, modified: v2.modified, source: "peer-a", object: v2 }, 200)).toBe(true);
      await store.putIntel({ id: "campaign--1", type: "campaign", modified: "2026-01-01T00:00:00.000Z", source: "local", object: {} }, 300);
      expect((await store.listIntel()).length).toBe(3);
      expect((await store.listIntel({ addedAfter: 100 })).map((r) => r.modified)).toEqual(["2026-02-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z"]);
      expect((await store.listIntel({ types: ["campaign"] })).map((r) => r.id)).toEqual(["campaign--1"]);
      expect((await store.listIntel({ ids: ["indicator--1"], limit: 1 })).map((r) => r.addedAt)).toEqual([100]);
      expect((await store.listIntel({ sources: ["nowhere"] })).length).toBe(0);
      expect((await store.listIntel({ sources: ["peer-a"] })).length).toBe(2);
    });

    it("keeps cursors", async () => {
      expect(await store.getCursor("peer-a")).toBeNull();
      await store.setCursor("peer-a", "2026-01-01T00:00:00Z");
      await store.setCursor("peer-a", "2026-01-02T00:00:00Z");
      expect(await store.getCursor("peer-a")).toBe("2026-01-02T00:00:00Z");
    });

    it("upserts sanctions by (scope, subject, action) and lists the active ones", async () => {
      const base = { scope: "account" as const, subject: "acct_1", reason: "flagged", ts: 1, actor: "policy" };
      await store.putSanction({ ...base, action: "suspend", active: true });
      await store.putSanction({ ...base, action: "allowlist", active: true, actor: "analyst@example" });
      await store.putSanction({ scope: "cluster", subject: "c7", action: "ban", active: true, reason: "hydra", ts: 2, actor: "policy", policyVersion: "v3" });
      await store.putSanction({ ...base, action: "suspend", active: false, reason: "appeal lifted", ts: 5 });
      const active = await store.listSanctions({ activeOnly: true });
      expect(active.map((x) => `${x.scope}:${x.subject}:${x.action}`)).toEqual(["account:acct_1:allowlist", "cluster:c7:ban"]);
      expect(active[1]?.policyVersion).toBe("v3");
      const all = await store.listSanctions();
      expect(all.find((x) => x.action === "suspend")).toMatchObject({ active: false, reason: "appeal lifted", ts: 5 });
    });

    it("keeps the newer sanction change when an older one arrives late (a queued or replayed suspension after a lift)", async () => {
      const base = { scope: "account" as const, subject: "acct_late", action: "suspend" as const, actor: "gateway" };
      await store.putSanction({ ...base, active: true, reason: "flagged", ts: 100 });
      await store.putSanction({ ...base, active: false, reason: "appeal lifted", ts: 200 });
      await store.putSanction({ ...base, active: true, reason: "flagged", ts: 100 });
      expect((await store.listSanctions()).find((x) => x.subject === "acct_late")).toMatchObject({ active: false, reason: "appeal lifted", ts: 200 });
      await store.putSanction({ ...base, active: true, reason: "flagged again", ts: 200 }); // a tie: the later write wins
      expect((await store.listSanctions({ activeOnly: true })).find((x) => x.subject === "acct_late")).toMatchObject({ reason: "flagged again" });
    });

    it("records appeals, refuses duplicate ids, and resolves each once", async () => {
      await store.putAppeal({ id: "ap1", ts: 10, account: "acct_1", decisionId: "d9", message: "I run evals for a university", status: "open" });
      await store.putAppeal({ id: "ap2", ts: 20, account: "acct_2", message: "mistake", status: "open" });
      await expect(store.putAppeal({ id: "ap1", ts: 30, account: "x", message: "", status: "open" })).rejects.toThrow(/already exists/);
      expect((await store.listAppeals({ status: "open" })).map((a) => a.id)).toEqual(["ap1", "ap2"]);
      expect(await store.resolveAppeal("ap1", { status: "lifted", by: "analyst", note: "vetted", at: 40 })).toBe(true);
      expect(await store.resolveAppeal("ap1", { status: "upheld", by: "other", note: "", at: 50 })).toBe(false);
      expect(await store.resolveAppeal("nope", { status: "upheld", by: "other", note: "", at: 50 })).toBe(false);
      expect(await store.getAppeal("ap1")).toMatchObject({ status: "lifted", resolvedBy: "analyst", resolution: "vetted", resolvedAt: 40, decisionId: "d9" });
      expect((await store.listAppeals({ status: "open" })).map((a) => a.id)).toEqual(["ap2"]);
      expect(await store.getAppeal("nope")).toBeNull();
    });
  });
}
