import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "../store/index.js";
import { DetectionView } from "./view.js";

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("DetectionView refresh", () => {
  let store: Store;
  let reads = 0;
  beforeEach(async () => {
    store = await openStore(":memory:");
    reads = 0;
    const list = store.listSanctions.bind(store);
    store.listSanctions = (opts) => {
      reads++;
      return list(opts);
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
    expect(reads).toBe(1);
  });

  it("refreshes at the period it is given", async () => {
    const view = new DetectionView(store, { refreshMs: 10 });
    await view.start();
    await sleep(75);
    view.stop();
    expect(reads).toBeGreaterThanOrEqual(3);
    expect(reads).toBeLessThan(20);
  });
});
