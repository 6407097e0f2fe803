import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Sanction } from "../../core/index.js";
import type { SanctionBus, Subscription } from "../sanction-bus.js";

export interface BusPair {
  a: SanctionBus;
  b: SanctionBus;
  close(): Promise<void>;
}

const sanction = (over: Partial<Sanction> = {}): Sanction => ({
  scope: "cluster",
  subject: `cluster-${Math.random().toString(36).slice(2, 8)}`,
  action: "ban",
  active: true,
  reason: "cluster score 0.97: 212 accounts share 3 cards and one harness template",
  ts: Date.UTC(2026, 10, 22, 9),
  actor: "gateway",
  policyVersion: "ladder-1",
  ...over,
});

async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** What every SanctionBus backend must do; the NATS run uses the real server, not a mock. */
export function sanctionBusContract(name: string, openPair: () => Promise<BusPair>): void {
  describe(`SanctionBus contract: ${name}`, () => {
    let pair: BusPair;
    const subs: Subscription[] = [];
    beforeEach(async () => {
      pair = await openPair();
    });
    afterEach(async () => {
      for (const s of subs.splice(0)) await s.stop();
      await pair.close();
    });

    it("delivers what one replica publishes to the others, in order, unchanged", async () => {
      const got: Sanction[] = [];
      subs.push(await pair.b.subscribe((s) => got.push(s)));
      const sent = [
        sanction(),
        sanction({ scope: "account", subject: "acct_81f2", action: "suspend" }),
        sanction({ active: false, actor: "analyst@provider" }),
        sanction({ scope: "account", subject: "acct_b28a", action: "suspend", head: { cluster: "cl_8620003b53", via: "slash24" } }),
      ];
      for (const s of sent) await pair.a.publish(s);
      await until(() => got.length >= 4, "four sanctions");
      expect(got).toEqual(sent);
    });

    it("replays to a late subscriber what was published since a given time, not before, before subscribe resolves", async () => {
      const early = sanction({ subject: "cluster-early" });
      await pair.a.publish(early);
      await new Promise((r) => setTimeout(r, 30));
      const since = Date.now();
      await new Promise((r) => setTimeout(r, 30));
      const late = sanction({ subject: "cluster-late" });
      await pair.a.publish(late);
      const got: Sanction[] = [];
      subs.push(await pair.b.subscribe((s) => got.push(s), { sinceMs: since }));
      expect(got.map((s) => s.subject)).toEqual(["cluster-late"]);
      await new Promise((r) => setTimeout(r, 100));
      expect(got.map((s) => s.subject)).toEqual(["cluster-late"]);
    });

    it("stops delivering after stop()", async () => {
      const got: Sanction[] = [];
      const sub = await pair.b.subscribe((s) => got.push(s));
      await pair.a.publish(sanction({ subject: "cluster-1" }));
      await until(() => got.length === 1, "the first sanction");
      await sub.stop();
      await pair.a.publish(sanction({ subject: "cluster-2" }));
      await new Promise((r) => setTimeout(r, 200));
      expect(got.map((s) => s.subject)).toEqual(["cluster-1"]);
    });

    it("refuses to publish something that is not a sanction", async () => {
      await expect(pair.a.publish({ ...sanction(), action: "nuke" } as unknown as Sanction)).rejects.toThrow();
      await expect(pair.a.publish({ ...sanction(), subject: "" })).rejects.toThrow();
    });
  });
}
