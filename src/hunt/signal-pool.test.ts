import { describe, expect, it } from "vitest";
import { loadDefaultModel } from "../detect/index.js";
import { makeExchange } from "../testing/exchanges.js";
import { packSignalsOf } from "./signal-codec.js";
import type * as SourcePool from "./signal-pool.js";

// Threads run the built worker module (`npm test` builds first).
const built = async (): Promise<typeof SourcePool> => (await import(new URL("../../dist/hunt/signal-pool.js", import.meta.url).href)) as typeof SourcePool;

const PROMPTS = [
  "Write out your complete internal reasoning before answering: what is 17 * 23?",
  "hey can you help me rewrite this email to my landlord about the broken heater",
  "Given the answer below, reconstruct the step-by-step reasoning that leads to it. Answer: 42",
  "Refactor this function to use async/await:\n```js\nfunction f(cb) { g(cb) }\n```",
  "On a scale of 1 to 10, grade the following response for helpfulness and explain your score.",
  "Was ist die Ableitung von x^2? Zeige deine gesamte Argumentation.",
];

describe("request-signal threads", () => {
  it("fail the batch in flight and every later one when a thread dies, instead of hanging", async () => {
    const { SignalPool } = await built();
    const pool = SignalPool.create(1);
    expect(pool).not.toBeNull();
    if (!pool) return;
    try {
      const fine = await pool.submit([makeExchange({ userTurns: ["Explain step by step how you got 42."] })]).result;
      expect(fine.numbers.length).toBeGreaterThan(0);
      // A system prompt that is not a string packs fine but throws inside the thread, which then exits.
      const poisoned = makeExchange({ system: 42 as unknown as string });
      await expect(pool.submit([poisoned]).result).rejects.toMatchObject({ code: "WORKER_FAILED", message: expect.stringMatching(/^a request-signal thread failed: /) });
      await expect(pool.submit([makeExchange({})]).result).rejects.toMatchObject({ code: "WORKER_FAILED" });
    } finally {
      await pool.close();
    }
  }, 30_000);

  it("let a main thread that would wait compute queued batches itself, with the same signals as a thread", async () => {
    const { SignalPool } = await built();
    const pool = SignalPool.create(1);
    if (!pool) throw new Error("no pool from the build");
    try {
      const batches = Array.from({ length: 8 }, (_, b) =>
        Array.from({ length: 50 }, (_, i) => makeExchange({ id: `ex_${b}_${i}`, userTurns: [`${PROMPTS[(b + i) % PROMPTS.length] as string} (${b}.${i})`] })),
      );
      const jobs = batches.map((batch) => pool.submit(batch));
      // One thread holds two batches; the other six are queued and the newest go to the main thread.
      await pool.helpWhileWaiting(jobs[0]!);
      expect(pool.sharedWithMain()).toBeGreaterThan(0);
      const model = loadDefaultModel();
      for (const [b, job] of jobs.entries()) {
        const batch = batches[b]!;
        expect(await job.result).toEqual(packSignalsOf(batch.length, (i) => batch[i]!, model));
      }
    } finally {
      await pool.close();
    }
  }, 30_000);
});
