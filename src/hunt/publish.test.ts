import { describe, expect, it } from "vitest";
import type { AccountVerdict, Sanction } from "../core/index.js";
import { openStore } from "../store/index.js";
import { lapsedHeads, publishHuntResults } from "./publish.js";

const NOW = Date.UTC(2026, 10, 22, 12);
const DAY = 86_400_000;

const suspension = (subject: string, over: Partial<Sanction> = {}): Sanction => ({
  scope: "account",
  subject,
  action: "suspend",
  active: true,
  reason: `new head of banned cluster cl_8620003b53 (slash24 17.224.151.x)`,
  ts: NOW,
  actor: "gateway",
  policyVersion: "default-4",
  head: { cluster: "cl_8620003b53", via: "slash24" },
  ...over,
});
const verdict = (account: string, over: Partial<AccountVerdict> = {}): AccountVerdict => ({
  account,
  score: 0.0025,
  flagged: false,
  cluster: null,
  firstFlaggedAt: null,
  exchanges: 14,
  lastSeen: NOW + 3 * DAY,
  reasons: [],
  ...over,
});

describe("lapsedHeads", () => {
  it("lapses a head's suspension only where the hunt read the account since and did not flag it", () => {
    const standing = [
      suspension("acct_casual"),
      suspension("acct_head", { head: { cluster: "cl_8620003b53", via: "payment_fp" } }),
      suspension("acct_quiet"),
      suspension("acct_unseen"),
      suspension("acct_older_store"),
      suspension("acct_by_policy", { head: undefined, reason: "suspend: cot elicitation 0.97 on an account of 2 hours" }),
      suspension("acct_lifted", { active: false, actor: "analyst@provider" }),
    ];
    const verdicts = new Map<string, AccountVerdict>([
      ["acct_casual", verdict("acct_casual")],
      // The hunt took over: flagged, so the suspension stands.
      ["acct_head", verdict("acct_head", { score: 0.93, flagged: true, firstFlaggedAt: NOW })],
      // Nothing read since the suspension: the hunt has not judged what made it.
      ["acct_quiet", verdict("acct_quiet", { lastSeen: NOW - DAY })],
      ["acct_older_store", verdict("acct_older_store", { lastSeen: undefined })],
      ["acct_by_policy", verdict("acct_by_policy")],
    ]);
    const lapsed = lapsedHeads(standing, (a) => verdicts.get(a), NOW + 7 * DAY);
    expect(lapsed).toEqual([
      {
        ...suspension("acct_casual"),
        active: false,
        actor: "hunt",
        ts: NOW + 7 * DAY,
        reason: "the hunt read 14 requests of the account up to 2026-11-25 12:00 and did not flag it (score 0.003): its suspension as a new head of cl_8620003b53 (slash24) lapses",
      },
    ]);
  });

  it("never dates a lapse before the suspension it ends (a hunt clock behind the gateway's)", () => {
    const [lapse] = lapsedHeads([suspension("acct_casual")], () => verdict("acct_casual"), NOW - DAY);
    expect(lapse?.ts).toBe(NOW);
  });
});

describe("publishHuntResults", () => {
  it("writes the verdicts and clusters, and each lapse as a lift with its audit entry", async () => {
    const store = await openStore(":memory:");
    try {
      await store.putSanction(suspension("acct_casual"));
      await store.putSanction(suspension("acct_head"));
      const accounts = [verdict("acct_casual"), verdict("acct_head", { flagged: true, score: 0.91, firstFlaggedAt: NOW + DAY })];
      const lapsed = await publishHuntResults(store, { accounts, clusters: [] }, NOW + 7 * DAY);
      expect(lapsed.map((s) => s.subject)).toEqual(["acct_casual"]);
      expect(await store.getAccountVerdict("acct_casual")).toEqual(accounts[0]);
      expect((await store.listSanctions({ activeOnly: true })).map((s) => s.subject)).toEqual(["acct_head"]);
      expect((await store.listSanctions()).find((s) => s.subject === "acct_casual")).toMatchObject({ active: false, actor: "hunt", head: { cluster: "cl_8620003b53", via: "slash24" } });
      const audit = await store.listAudit();
      expect(audit.map((e) => `${e.actor} ${e.kind} ${e.subject} ${e.action}`)).toEqual(["hunt hunt acct_casual lapse.suspend"]);
      expect(audit[0]?.detail).toEqual({ cluster: "cl_8620003b53", via: "slash24" });
    } finally {
      await store.close();
    }
  });
});
