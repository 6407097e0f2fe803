import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { coalescedAnswers, decidedByTurn, TurnBarrier } from "./coalesce.js";

describe("TurnBarrier", () => {
  it("gives every caller of one turn the same wait, and the next turn a new one", async () => {
    const barrier = new TurnBarrier();
    const a = barrier.endOfTurn();
    const b = barrier.endOfTurn();
    expect(a).toBe(b);
    await a;
    const c = barrier.endOfTurn();
    expect(c).not.toBe(a);
    await c;
  });

  it("resolves only after the work already queued in the turn (microtasks and next ticks)", async () => {
    const barrier = new TurnBarrier();
    const order: string[] = [];
    const done = barrier.endOfTurn().then(() => order.push("barrier"));
    void Promise.resolve().then(() => order.push("microtask"));
    process.nextTick(() => order.push("tick"));
    await done;
    expect(new Set(order.slice(0, 2))).toEqual(new Set(["tick", "microtask"]));
    expect(order.at(-1)).toBe("barrier");
  });
});

describe("coalescedAnswers", () => {
  it("releases the answers of requests handled in one turn together, each with its own body", async () => {
    const app = new Hono();
    const finished: number[] = [];
    app.use(coalescedAnswers());
    app.get("/n/:n", async (c) => {
      // Handlers that finish at different points of the turn, as decisions with different awaits do.
      for (let i = 0; i < Number(c.req.param("n")) * 5; i++) await Promise.resolve();
      finished.push(Number(c.req.param("n")));
      return c.json({ n: Number(c.req.param("n")) });
    });
    let released = 0;
    const answers = [1, 2, 3].map((n) =>
      Promise.resolve(app.request(`/n/${n}`)).then(async (r) => {
        // Every handler has run before any answer is released.
        expect(finished).toHaveLength(3);
        released++;
        return (await r.json()) as { n: number };
      }),
    );
    expect(released).toBe(0);
    expect(await Promise.all(answers)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });
});

describe("decidedByTurn", () => {
  it("holds the requests of one turn until its end, then runs their handlers back to back", async () => {
    const app = new Hono();
    const ran: string[] = [];
    app.use(decidedByTurn());
    app.get("/n/:n", (c) => {
      ran.push(`handler ${c.req.param("n")}`);
      return c.json({ n: Number(c.req.param("n")) });
    });
    const answers = [1, 2, 3].map((n) => Promise.resolve(app.request(`/n/${n}`)).then(async (r) => (await r.json()) as { n: number }));
    // Work queued in the same turn (here: many microtasks) runs before any handler.
    for (let i = 0; i < 50; i++) await Promise.resolve();
    expect(ran).toEqual([]);
    // Work queued for after this turn runs after all three handlers, not between them.
    setImmediate(() => ran.push("next macrotask"));
    expect(await Promise.all(answers)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    await new Promise<void>((r) => setImmediate(r));
    expect(ran).toEqual(["handler 1", "handler 2", "handler 3", "next macrotask"]);
  });
});
