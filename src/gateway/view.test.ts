import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Sanction } from "../core/index.js";
import { requestSignals } from "../detect/index.js";
import { openStore, type Store } from "../store/index.js";
import { makeExchange } from "../testing/exchanges.js";
import type { HeadRequest } from "./heads.js";
import { proxyBlockCluster, testModel } from "./testing/harness.js";
import { DetectionView } from "./view.js";

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("DetectionView refresh", () => {
  let store: Store;
  /** Sanction reads, and refreshes (each asks for the results' version once). */
  let reads = 0;
  let refreshes = 0;
  beforeEach(async () => {
    store = await openStore(":memory:");
    reads = 0;
    refreshes = 0;
    const list = store.listSanctions.bind(store);
    store.listSanctions = (opts) => {
      reads++;
      return list(opts);
    };
    const version = store.version.bind(store);
    store.version = (what) => {
      if (what === "results") refreshes++;
      return version(what);
    };
  });
  afterEach(async () => {
    await store.close();
  });

  // The gateway passes its own option through unchanged; unset, it was `undefined`, and the view
  // re-read the store every millisecond (3 queries per ms against PostgreSQL in a deployment).
  it("keeps the default period when an option is passed as undefined", async () => {
    const view = new DetectionView(store, { refreshMs: undefined });
    await view.start();
    await sleep(60);
    view.stop();
    expect(refreshes).toBe(1);
  });

  it("reads verdicts, clusters and sanctions again only once they have been written", async () => {
    let resultReads = 0;
    const [verdicts, clusters] = [store.listAccountVerdicts.bind(store), store.listClusters.bind(store)];
    store.listAccountVerdicts = (opts) => {
      resultReads++;
      return verdicts(opts);
    };
    store.listClusters = () => {
      resultReads++;
      return clusters();
    };
    const flagged = { account: "acct_1", score: 0.97, flagged: true, cluster: "cl_0a1b2c3d4e", firstFlaggedAt: 1_770_000_000_000, exchanges: 40, reasons: ["cot_elicitation_rate 91%"] };
    await store.putAccountVerdicts([flagged]);
    const view = new DetectionView(store);
    await view.refresh();
    await view.refresh();
    await view.refresh();
    expect(resultReads).toBe(2); // once each
    expect(reads).toBe(1);
    expect(view.accountVerdict("acct_1")).toEqual(flagged);
    // A sanction written (a lift, a suspension) is read at the next refresh, without the results.
    await store.putSanction({ scope: "account", subject: "acct_1", action: "suspend", active: true, reason: "policy", ts: 1_770_000_000_500, actor: "policy" });
    await view.refresh();
    expect([reads, resultReads]).toEqual([2, 2]);
    expect(view.sanctioned("account", "acct_1", "suspend")).toBe(true);
    await store.replaceClusters([{ id: "cl_0a1b2c3d4e", accounts: ["acct_1", "acct_2"], exchanges: 70, score: 0.95, flagged: true, firstSeen: 1, lastSeen: 2, firstFlaggedAt: 2, domains: { reasoning: 1 }, links: [], reasons: ["r"] }]);
    await view.refresh();
    expect(resultReads).toBe(4);
    expect(view.clusterOf("acct_1")).toBe("cl_0a1b2c3d4e");
    expect(view.clusterOf("acct_2")).toBeNull(); // not flagged by the hunt: not under the cluster's ban
  });

  it("refreshes at the period it is given", async () => {
    const view = new DetectionView(store, { refreshMs: 10 });
    await view.start();
    await sleep(75);
    view.stop();
    expect(refreshes).toBeGreaterThanOrEqual(3);
    expect(refreshes).toBeLessThan(20);
  });
});

describe("DetectionView heads", () => {
  const NOW = Date.UTC(2026, 10, 22, 12);
  const DAY = 86_400_000;
  const request = (ip: string): HeadRequest => ({
    meta: { createdAt: new Date(NOW - DAY).toISOString(), verified: false },
    signals: requestSignals(makeExchange({ userTurns: ["Is it safe to reheat rice twice?"] }), testModel()),
    ip,
    covered: false,
    youngUnverified: true,
    established: false,
    now: NOW,
  });
  const headSuspension = (over: Partial<Sanction>): Sanction => ({
    scope: "account",
    subject: "acct_b28a",
    action: "suspend",
    active: true,
    reason: "new head of banned cluster cl_proxy (slash24 17.224.151.x)",
    ts: NOW,
    actor: "gateway",
    head: { cluster: "cl_proxy", via: "slash24" },
    ...over,
  });

  it("takes nobody for a head whose suspension as one was lifted, whether read from the store or heard on the bus", async () => {
    const store = await openStore(":memory:");
    try {
      await store.replaceClusters([proxyBlockCluster(NOW)]);
      await store.putSanction(headSuspension({}));
      await store.putSanction(headSuspension({ subject: "acct_77e0" }));
      const view = new DetectionView(store);
      await view.refresh();
      expect(view.headOf("acct_b28a", request("17.224.151.49"))?.cluster).toBe("cl_proxy");
      // The hunt's lapse, written to the store; an analyst's lift of the other, heard on the bus.
      await store.putSanction(headSuspension({ active: false, actor: "hunt", ts: NOW + 2 * DAY }));
      await view.refresh();
      view.apply(headSuspension({ subject: "acct_77e0", active: false, actor: "analyst@provider", ts: NOW + DAY }));
      expect(view.headOf("acct_b28a", request("17.224.151.49"))).toBeNull();
      expect(view.headOf("acct_77e0", request("17.224.151.49"))).toBeNull();
      expect(view.headOf("acct_other", request("17.224.151.49"))?.cluster).toBe("cl_proxy");
      // Suspended again later (by whoever), it is no longer cleared.
      view.apply({ ...headSuspension({ subject: "acct_77e0", ts: NOW + 3 * DAY, actor: "analyst@provider" }), head: undefined });
      expect(view.headOf("acct_77e0", request("17.224.151.49"))?.cluster).toBe("cl_proxy");
    } finally {
      await store.close();
    }
  });
});
