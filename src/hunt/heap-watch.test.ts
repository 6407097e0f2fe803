import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HuntMemoryError } from "../core/index.js";
import { simulate } from "../sim/index.js";
import { defaultEngine } from "./engine.js";
import { HeapWatch } from "./heap-watch.js";
import { runHunt } from "./hunt.js";

const MB = 2 ** 20;

describe("HeapWatch", () => {
  it("stops a hunt whose heap a full collection left nearly full, saying how far it got and what to do", () => {
    const watch = new HeapWatch();
    watch.noteFullCollection(400 * MB, 600 * MB); // two thirds: going on
    expect(() => watch.check({ exchanges: 500_000, logTime: null })).not.toThrow();
    watch.noteFullCollection(541 * MB, 600 * MB);
    watch.noteFullCollection(300 * MB, 600 * MB); // a later, emptier collection does not clear it: the hunt is near the edge
    let err: unknown;
    try {
      watch.check({ exchanges: 842_752, logTime: Date.UTC(2025, 10, 6, 16, 25) });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HuntMemoryError);
    expect((err as HuntMemoryError).code).toBe("OUT_OF_MEMORY");
    expect((err as HuntMemoryError).message).toMatch(/after 842,752 exchanges \(log time 2025-11-06T16:25:00.000Z\): a full collection left 541 MB of its 600 MB heap in use.*--max-old-space-size/);
  });

  it("reads the old generation's limit out of V8's, which counts the young generation's three semi-spaces too", () => {
    expect(HeapWatch.oldGenerationLimit(696 * MB)).toBe(600 * MB); // --max-old-space-size=600 --max-semi-space-size=32
  });

  it("ends a hunt with that error instead of V8's abort, and lets an ordinary hunt finish", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hs-heapwatch-"));
    await simulate({ scenario: "smoke", seed: 4, outDir: join(dir, "sim"), days: 2 });
    const inputs = [join(dir, "sim", "exchanges.jsonl.gz")];
    const full = new HeapWatch();
    full.noteFullCollection(590 * MB, 600 * MB);
    await expect(runHunt({ inputs, outDir: join(dir, "out-full"), engine: defaultEngine, heapWatch: full })).rejects.toThrow(HuntMemoryError);
    const done = await runHunt({ inputs, outDir: join(dir, "out"), engine: defaultEngine });
    expect(done.report.summary.exchanges).toBeGreaterThan(0);
  }, 60_000);
});
