import { connect } from "nats";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { AccountVerdict, Sanction } from "../core/index.js";
import { TEST_NATS_URL } from "../testing/services.js";
import { NatsSanctionBus } from "./nats-sanction-bus.js";
import { post, startTestGateway, type TestGateway } from "./testing/harness.js";

/**
 * Replicas with separate stores and a view refresh too slow to matter: only the NATS JetStream bus
 * can carry a sanction from one to the other, so these tests show that it does.
 */
const url = TEST_NATS_URL;
const run = `${process.pid}_${Date.now()}`;
const streams: string[] = [];
let n = 0;
const HOUR = 3_600_000;

const flagged = (account: string): AccountVerdict => ({ account, score: 0.97, flagged: true, cluster: null, firstFlaggedAt: 1, exchanges: 500, reasons: ["cot_elicitation_rate 0.80"] });
const envelope = (account: string) => ({ account, api: "openai.chat", request: { model: "m", messages: [{ role: "user", content: "What is 17 times 23?" }] } });

async function decisionFor(gw: TestGateway, account: string): Promise<string> {
  const res = await post(`${gw.url}/v1/decisions`, envelope(account));
  return ((await res.json()) as { decision: string }).decision;
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("sanctions across gateway replicas over NATS JetStream", () => {
  const open: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    for (const x of open.splice(0).reverse()) await x.close();
  });
  afterAll(async () => {
    const nc = await connect({ servers: new URL(url).host, timeout: 2000 });
    const jsm = await nc.jetstreamManager();
    for (const s of streams) await jsm.streams.delete(s).catch(() => false);
    await nc.close();
  });

  const replica = async (stream: string, prefix: string): Promise<TestGateway> => {
    const bus = await NatsSanctionBus.connect({ url, stream, subjectPrefix: prefix });
    const gw = await startTestGateway({ sanctionBus: bus, viewRefreshMs: HOUR });
    open.push(bus, gw);
    return gw;
  };
  const channel = (): { stream: string; prefix: string } => {
    const stream = `HS_PROP_${run}_${n}`;
    streams.push(stream);
    return { stream, prefix: `hsprop.${run}.${n++}` };
  };

  it("a suspension one replica decides holds on the others at once, and on a replica that starts later", async () => {
    const ch = channel();
    const a = await replica(ch.stream, ch.prefix);
    const b = await replica(ch.stream, ch.prefix);
    await a.store.putAccountVerdicts([flagged("acct_hydra_17")]);
    await a.gateway.view.refresh();
    expect(await decisionFor(b, "acct_hydra_17")).toBe("allow");
    expect(await decisionFor(a, "acct_hydra_17")).toBe("suspend");
    // B's store knows nothing of the hunt's verdict; only the bus told it.
    await until(async () => (await decisionFor(b, "acct_hydra_17")) === "suspend", "replica B to suspend the account");
    const late = await replica(ch.stream, ch.prefix);
    expect(await decisionFor(late, "acct_hydra_17")).toBe("suspend");
    await b.gateway.gatekeeper.drain();
    expect((await b.store.listSanctions({ activeOnly: true })).map((s) => `${s.subject}:${s.action}`)).toEqual(["acct_hydra_17:suspend"]);
  });

  it("a lift announced outside the gateways (the appeals CLI) ends the suspension everywhere; an older replay does not bring it back", async () => {
    const ch = channel();
    const a = await replica(ch.stream, ch.prefix);
    const b = await replica(ch.stream, ch.prefix);
    const analyst = await NatsSanctionBus.connect({ url, stream: ch.stream, subjectPrefix: ch.prefix });
    open.push(analyst);
    const t0 = Date.now();
    const suspend: Sanction = { scope: "account", subject: "acct_researcher", action: "suspend", active: true, reason: "cot elicitation", ts: t0, actor: "gateway" };
    await analyst.publish(suspend);
    await until(async () => (await decisionFor(a, "acct_researcher")) === "suspend" && (await decisionFor(b, "acct_researcher")) === "suspend", "both replicas to suspend");
    await analyst.publish({ ...suspend, active: false, reason: "appeal ap_1: vetted interpretability lab", ts: t0 + 1000, actor: "analyst@provider" });
    await until(async () => (await decisionFor(a, "acct_researcher")) === "allow" && (await decisionFor(b, "acct_researcher")) === "allow", "both replicas to lift");
    await analyst.publish(suspend); // a stale copy, as a slow publisher or a replay would send it
    await new Promise((r) => setTimeout(r, 300));
    expect(await decisionFor(a, "acct_researcher")).toBe("allow");
    await a.gateway.view.refresh(); // and the store's older row does not bring it back either
    expect(await decisionFor(a, "acct_researcher")).toBe("allow");
  });
});
