import { describe, expect, it } from "vitest";
import { makeExchange } from "../testing/exchanges.js";
import type * as SourcePool from "./signal-pool.js";

describe("request-signal threads", () => {
  it("fail the batch in flight and every later one when a thread dies, instead of hanging", async () => {
    // Threads run the built worker module (`npm test` builds first).
    const { SignalPool } = (await import(new URL("../../dist/hunt/signal-pool.js", import.meta.url).href)) as typeof SourcePool;
    const pool = SignalPool.create(1);
    expect(pool).not.toBeNull();
    if (!pool) return;
    try {
      const fine = await pool.compute([makeExchange({ userTurns: ["Explain step by step how you got 42."] })]);
      expect(fine.numbers.length).toBeGreaterThan(0);
      // A system prompt that is not a string packs fine but throws inside the thread, which then exits.
      const poisoned = makeExchange({ system: 42 as unknown as string });
      await expect(pool.compute([poisoned])).rejects.toThrow();
      await expect(pool.compute([makeExchange({})])).rejects.toThrow();
    } finally {
      await pool.close();
    }
  }, 30_000);
});
