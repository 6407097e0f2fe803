import { connect } from "nats";
import { afterAll, describe, expect, it } from "vitest";
import { ServiceError, type Sanction } from "../core/index.js";
import { loadDefaultModel } from "../detect/index.js";
import { openStore } from "../store/index.js";
import { TEST_NATS_URL } from "../testing/services.js";
import { MemoryState } from "./memory-state.js";
import { NatsSanctionBus } from "./nats-sanction-bus.js";
import { MemorySanctionBus, type SanctionBus } from "./sanction-bus.js";
import { createGateway } from "./server.js";
import { sanctionBusContract } from "./testing/sanction-bus-contract.js";

const url = TEST_NATS_URL;
const run = `${process.pid}_${Date.now()}`;
const streams: string[] = [];
let n = 0;

async function natsPair(): Promise<{ a: NatsSanctionBus; b: NatsSanctionBus; stream: string; prefix: string; close(): Promise<void> }> {
  const stream = `HS_TEST_${run}_${n}`;
  const prefix = `hstest.${run}.${n++}`;
  streams.push(stream);
  const a = await NatsSanctionBus.connect({ url, stream, subjectPrefix: prefix });
  const b = await NatsSanctionBus.connect({ url, stream, subjectPrefix: prefix });
  return { a, b, stream, prefix, close: async () => void (await Promise.all([a.close(), b.close()])) };
}

sanctionBusContract("memory", async () => {
  const bus = new MemorySanctionBus();
  return { a: bus, b: bus, close: () => bus.close() };
});
sanctionBusContract("nats jetstream", natsPair);

describe("NATS sanction bus", () => {
  it("counts and skips garbage on its subjects, and stores a retried publish once", async () => {
    const pair = await natsPair();
    try {
      const got: Sanction[] = [];
      const sub = await pair.b.subscribe((s) => got.push(s));
      const raw = await connect({ servers: new URL(url).host, timeout: 2000 });
      const js = raw.jetstream();
      await js.publish(`${pair.prefix}.cluster.ban`, Buffer.from("{not json"));
      await js.publish(`${pair.prefix}.cluster.ban`, Buffer.from(JSON.stringify({ scope: "cluster", subject: "c", action: "ban", active: true, reason: "", ts: 1, actor: "x", extra: 1 })));
      await raw.close();
      const s: Sanction = { scope: "cluster", subject: "cluster-9", action: "ban", active: true, reason: "r", ts: Date.now(), actor: "gateway" };
      await pair.a.publish(s);
      await pair.a.publish(s);
      await new Promise((r) => setTimeout(r, 300));
      expect(got).toEqual([s]);
      expect(pair.b.rejected).toBe(2);
      await sub.stop();
    } finally {
      await pair.close();
    }
  });
});

afterAll(async () => {
  const nc = await connect({ servers: new URL(url).host, timeout: 2000 });
  const jsm = await nc.jetstreamManager();
  for (const s of streams) await jsm.streams.delete(s).catch(() => false);
  await nc.close();
});

describe("a gateway whose sanction bus cannot subscribe", () => {
  it("fails to start without having started its view refresher or policy watcher", async () => {
    const store = await openStore(":memory:");
    const reads: string[] = [];
    // The real store, with its view-refresh reads counted: they are the refresher's first act.
    const counted = new Proxy(store, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          if (prop === "listAccountVerdicts" || prop === "listClusters" || prop === "listSanctions") reads.push(prop);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const unreachable: SanctionBus = {
      backend: "nats",
      rejected: 0,
      publish: async () => {},
      subscribe: async () => {
        throw new ServiceError("NATS", "nats://127.0.0.1:1", new Error("connection refused"));
      },
      close: async () => {},
    };
    await expect(createGateway({ store: counted, state: new MemoryState(), model: loadDefaultModel(), sanctionBus: unreachable })).rejects.toThrow(/connection refused/);
    expect(reads).toEqual([]);
    await store.close();
  });
});
