import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "../store/index.js";
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
