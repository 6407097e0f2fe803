import { createHash, randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClusterVerdict } from "../core/index.js";
import { createGateway, listen, MemoryState, type Listening } from "../gateway/index.js";
import { startUpstreamStub, type UpstreamStub } from "../gateway/upstream-stub.js";
import { testModel } from "../gateway/testing/harness.js";
import { defaultEngine } from "../hunt/engine.js";
import { runHunt } from "../hunt/index.js";
import { simulate } from "../sim/index.js";
import { openStore, type Store } from "../store/index.js";
import { exportClusters } from "./export.js";
import { sharedDefinitions } from "./stix.js";
import { makeOpinion, publish, pullFromPeer, type Peer } from "./taxii-client.js";
import { collectionSource, taxiiApp, TAXII_MEDIA_TYPE } from "./taxii-server.js";
import { consortiumKeyring, makeMember, type Member } from "./testing/fixtures.js";
import { Watchlist } from "./watchlist.js";
import type { StixObject } from "./signing.js";

/** A POST that reads the answer even when the server refuses before the body is sent (413 on Content-Length). */
function rawPost(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", headers: { ...headers, "content-length": Buffer.byteLength(body) } }, (res) => {
      let text = "";
      res.on("data", (d: Buffer) => (text += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", (err: NodeJS.ErrnoException) => (err.code === "EPIPE" || err.code === "ECONNRESET" ? undefined : reject(err)));
    req.end(body);
  });
}

const sha = (s: string): string => createHash("sha256").update(s).digest("hex");

interface Provider {
  name: string;
  member: Member;
  store: Store;
  collection: string;
  watchlist: Watchlist;
  url: string;
  server: Listening;
  close(): Promise<void>;
}

/** Policies: B challenges a first request matching shared intel; C only watches. */
const policyFor = (mode: "challenge" | "monitor"): string => `
version: ${mode}-1
limits: { account: { requests_per_minute: 1000, tokens_per_minute: 100000000 } }
throttle: { account: { requests_per_minute: 5, tokens_per_minute: 1000000 } }
verification_url: https://verify.example/?a={account}
rules:
  - name: shared-intel
    when: { intel_matches_gte: 1, intel_confidence_gte: 60, verified: false }
    then: [${mode === "challenge" ? "require_verification" : "monitor"}]
`;

describe("three providers share intel over TAXII 2.1 on loopback", () => {
  const keyring = consortiumKeyring();
  const tokens: Record<string, string> = { A: `tok-a-${randomUUID()}`, B: `tok-b-${randomUUID()}`, C: `tok-c-${randomUUID()}` };
  const members = { A: makeMember("provider-a"), B: makeMember("provider-b"), C: makeMember("provider-c") };
  const pinnedAll = new Map(Object.values(members).map((m) => [m.identity.id, m.publicKey]));
  let upstream: UpstreamStub;
  const providers: Record<string, Provider> = {};
  let clusters: ClusterVerdict[];
  let dir: string;

  async function startProvider(name: "A" | "B" | "C", policy: string): Promise<Provider> {
    const store = await openStore(":memory:");
    const collection = randomUUID();
    const member = members[name];
    const watchlist = new Watchlist({ keyring, selfId: member.identity.id });
    const policyPath = join(dir, `${name}.yaml`);
    const { writeFileSync } = await import("node:fs");
    writeFileSync(policyPath, policy);
    const others = (["A", "B", "C"] as const).filter((n) => n !== name);
    const gateway = await createGateway({
      store,
      state: new MemoryState(),
      model: testModel(),
      policyPath,
      upstream: upstream.url,
      intel: watchlist,
      extend: (app) =>
        app.route(
          "/taxii2",
          taxiiApp({
            store,
            title: `provider ${name}`,
            collections: [{ id: collection, title: "hydra indicators" }],
            members: others.map((o) => ({ name: o, tokenSha256: sha(tokens[o] as string), read: [collection], write: [collection] })),
            pinned: pinnedAll,
            maxContentLength: 256 * 1024,
          }),
        ),
    });
    const server = await listen(gateway.app, 0);
    return {
      name,
      member,
      store,
      collection,
      watchlist,
      url: `http://127.0.0.1:${server.port}`,
      server,
      async close() {
        await server.close();
        await gateway.close();
        await store.close();
      },
    };
  }
  /** How `reader` sees `owner`'s collection: with its own token, pinning the owner's key. */
  const peer = (reader: "A" | "B" | "C", owner: "A" | "B" | "C"): Peer => ({
    name: owner,
    apiRoot: `${providers[owner]?.url}/taxii2/api1/`,
    collection: providers[owner]?.collection as string,
    token: tokens[reader] as string,
    pinned: new Map([[members[owner].identity.id, members[owner].publicKey]]),
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "hs-consortium-"));
    upstream = await startUpstreamStub();
    providers.A = await startProvider("A", policyFor("monitor"));
    providers.B = await startProvider("B", policyFor("challenge"));
    providers.C = await startProvider("C", policyFor("monitor"));
    // A hunts a simulated campaign and publishes what it found.
    await simulate({ scenario: "smoke", seed: 11, outDir: join(dir, "sim") });
    const hunt = await runHunt({ inputs: [join(dir, "sim", "exchanges.jsonl.gz")], outDir: join(dir, "out"), engine: defaultEngine, store: providers.A.store });
    clusters = await providers.A.store.listClusters();
    expect(hunt.report.summary.flagged_accounts).toBeGreaterThan(0);
    const bundle = exportClusters(clusters, { identity: members.A.identity, keyring, signer: members.A.signer, tlp: "amber", now: Date.now() });
    await publish(providers.A.store, providers.A.collection, [...(sharedDefinitions() as StixObject[]), ...bundle.objects], "provider-a");
  }, 120_000);
  afterAll(async () => {
    for (const p of Object.values(providers)) await p.close();
    await upstream.close();
  });

  it("B and C sync A's indicators, verified against A's pinned key; syncing again adds nothing", async () => {
    const b = await pullFromPeer(providers.B!.store, peer("B", "A"), { pageSize: 50 });
    expect(b.rejected).toEqual([]);
    expect(b.accepted.length).toBeGreaterThan(20);
    expect(b.pages).toBeGreaterThan(1);
    const c = await pullFromPeer(providers.C!.store, peer("C", "A"));
    expect(c.accepted.length).toBe(b.accepted.length);
    const again = await pullFromPeer(providers.B!.store, peer("B", "A"));
    expect(again.accepted).toEqual([]);
    const received = (await providers.B!.store.listAudit({ limit: 10_000 })).filter((e) => e.kind === "intel.received");
    expect(received.length).toBe(b.accepted.length);
    expect(received.every((e) => e.detail?.tlp === "amber" || e.detail?.tlp === null)).toBe(true);
    const shared = (await providers.A!.store.listAudit({ limit: 10_000 })).filter((e) => e.kind === "intel.shared");
    expect(shared.some((e) => e.action === "serve" && e.subject === "B")).toBe(true);
    for (const p of [providers.B!, providers.C!]) await p.watchlist.refresh(p.store);
    expect(providers.B!.watchlist.size).toBeGreaterThan(5);
  });

  it("B challenges the first request of an account it has never seen that reuses the campaign's card; C only logs it", async () => {
    const flagged = clusters.find((c) => c.flagged && (c.indicators ?? []).some((i) => i.kind === "payment_fp")) as ClusterVerdict;
    expect(flagged).toBeDefined();
    const card = (flagged.indicators ?? []).find((i) => i.kind === "payment_fp")?.value as string;
    for (const p of [providers.B!, providers.C!]) await p.store.putAccountMeta([{ account: "newcomer", meta: { paymentFp: card, createdAt: new Date().toISOString(), verified: false } }]);
    const body = { model: "stub", messages: [{ role: "user", content: "Summarise the causes of the French revolution." }] };
    const atB = await fetch(`${providers.B!.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", "x-hydra-account": "newcomer" }, body: JSON.stringify(body) });
    expect(atB.status).toBe(403);
    const err = (await atB.json()) as { error: { code: string; message: string } };
    expect(err.error.code).toBe("verification_required");
    const atC = await fetch(`${providers.C!.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", "x-hydra-account": "newcomer" }, body: JSON.stringify(body) });
    expect(atC.status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    const logged = (await providers.C!.store.listAudit({ limit: 10_000 })).find((e) => e.kind === "decision" && e.subject === "newcomer");
    expect(logged?.action).toBe("monitor");
    expect(logged?.reasons.some((r) => r.startsWith("intel: payment_fp matches"))).toBe(true);
    // An unrelated account with its own card goes through at B.
    await providers.B!.store.putAccountMeta([{ account: "bystander", meta: { paymentFp: "pf_someone_else" } }]);
    const ok = await fetch(`${providers.B!.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", "x-hydra-account": "bystander" }, body: JSON.stringify(body) });
    expect(ok.status).toBe(200);
  });

  it("rejects and audits a tampered object; accepts nothing unsigned", async () => {
    const [indicator] = (await providers.A!.store.listIntel({ types: ["indicator"], limit: 1 })).map((r) => r.object as StixObject);
    const tampered = { ...(indicator as StixObject), confidence: 100, modified: new Date().toISOString() };
    const before = (await providers.B!.store.listIntel({ limit: 100_000 })).length;
    const res = await fetch(`${providers.B!.url}/taxii2/api1/collections/${providers.B!.collection}/objects/`, {
      method: "POST",
      headers: { "content-type": TAXII_MEDIA_TYPE, accept: TAXII_MEDIA_TYPE, authorization: `Bearer ${tokens.A}` },
      body: JSON.stringify({ objects: [tampered, { ...(indicator as StixObject), extensions: undefined, id: `indicator--${randomUUID()}` }] }),
    });
    expect(res.status).toBe(202);
    const status = (await res.json()) as { failure_count: number; success_count: number; failures: Array<{ message: string }> };
    expect(status.success_count).toBe(0);
    expect(status.failures.map((f) => f.message)).toEqual(["signature: bad signature", "signature: unsigned"]);
    expect((await providers.B!.store.listIntel({ limit: 100_000 })).length).toBe(before);
    const rejected = (await providers.B!.store.listAudit({ limit: 10_000 })).filter((e) => e.kind === "intel.rejected");
    expect(rejected.length).toBeGreaterThanOrEqual(2);
  });

  it("an opinion from C (false positive) lowers the confidence B sees", async () => {
    const target = (await providers.B!.store.listIntel({ types: ["indicator"], limit: 100_000 }))
      .map((r) => r.object as StixObject)
      .find((o) => String(o.pattern).includes("'payment_fp'")) as StixObject;
    const now = Date.now();
    const before = providers.B!.watchlist.confidenceOf(target.id, now) as number;
    expect(before).toBeGreaterThan(60);
    const opinion = makeOpinion({ signer: members.C.signer, indicatorId: target.id, opinion: "strongly-disagree", explanation: "these cards belong to a university lab we vetted", tlp: "amber", now });
    await publish(providers.C!.store, providers.C!.collection, [opinion], "provider-c");
    const pulled = await pullFromPeer(providers.B!.store, peer("B", "C"));
    expect(pulled.accepted.map((a) => a.id)).toEqual([opinion.id]);
    await providers.B!.watchlist.refresh(providers.B!.store);
    const after = providers.B!.watchlist.confidenceOf(target.id, now) as number;
    expect(after).toBeLessThan(before - 20);
  });

  it("answers malformed STIX, oversized envelopes and wrong tokens with TAXII errors and changes nothing", async () => {
    const B = providers.B!;
    const url = `${B.url}/taxii2/api1/collections/${B.collection}/objects/`;
    const count = async (): Promise<number> => (await B.store.listIntel({ limit: 100_000 })).length;
    const before = await count();
    const post = (body: string, token = tokens.A as string, type = TAXII_MEDIA_TYPE): Promise<Response> =>
      fetch(url, { method: "POST", headers: { "content-type": type, accept: TAXII_MEDIA_TYPE, authorization: `Bearer ${token}` }, body });
    const wrong = await post(JSON.stringify({ objects: [] }), "nope");
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("content-type")).toBe(TAXII_MEDIA_TYPE);
    expect(await wrong.json()).toMatchObject({ title: "Unauthorized", http_status: "401" });
    expect((await post("{not json")).status).toBe(400);
    expect((await post(JSON.stringify({ things: [] }))).status).toBe(422);
    expect((await post(JSON.stringify({ objects: [] }), tokens.A, "application/json")).status).toBe(415);
    const big = await rawPost(url, { "content-type": TAXII_MEDIA_TYPE, authorization: `Bearer ${tokens.A}` }, JSON.stringify({ objects: [{ type: "note", id: "note--x", content: "x".repeat(300 * 1024) }] }));
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body)).toMatchObject({ http_status: "413" });
    const garbage = await post(JSON.stringify({ objects: [{ type: "indicator", id: "indicator--not-a-uuid" }, 42, null, { type: "BAD TYPE", id: "x" }] }));
    expect(garbage.status).toBe(202);
    expect(((await garbage.json()) as { failure_count: number }).failure_count).toBe(4);
    expect((await fetch(`${B.url}/taxii2/api1/collections/${randomUUID()}/objects/`, { headers: { authorization: `Bearer ${tokens.A}` } })).status).toBe(404);
    expect(await count()).toBe(before);
  });

  it("serves discovery, collections, manifest, versions and filters", async () => {
    const A = providers.A!;
    const get = async (path: string): Promise<Record<string, unknown>> => {
      const res = await fetch(`${A.url}/taxii2/${path}`, { headers: { accept: TAXII_MEDIA_TYPE, authorization: `Bearer ${tokens.B}` } });
      expect(res.headers.get("content-type")).toBe(TAXII_MEDIA_TYPE);
      return (await res.json()) as Record<string, unknown>;
    };
    expect(await get("")).toMatchObject({ api_roots: ["/taxii2/api1/"] });
    expect(((await get("api1/collections/")) as { collections: Array<{ id: string; can_read: boolean }> }).collections).toEqual([
      expect.objectContaining({ id: A.collection, can_read: true, can_write: true }),
    ]);
    const indicators = (await get(`api1/collections/${A.collection}/objects/?match[type]=indicator&limit=5`)) as { objects: StixObject[]; more: boolean };
    expect(indicators.objects.every((o) => o.type === "indicator")).toBe(true);
    expect(indicators.more).toBe(true);
    const one = indicators.objects[0] as StixObject;
    const versions = (await get(`api1/collections/${A.collection}/objects/${one.id}/versions/`)) as { versions: string[] };
    expect(versions.versions).toEqual([one.modified]);
    const manifest = (await get(`api1/collections/${A.collection}/manifest/?limit=3`)) as { objects: Array<{ media_type: string }> };
    expect(manifest.objects[0]?.media_type).toBe("application/stix+json;version=2.1");
    expect(collectionSource("x")).toBe("collection:x");
  });
});
