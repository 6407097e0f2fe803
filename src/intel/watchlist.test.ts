import { describe, expect, it } from "vitest";
import type { AccountMeta, Exchange } from "../core/index.js";
import { isCovered, loadDefaultModel, requestSignals, templateSignature } from "../detect/index.js";
import { DetectionEngine } from "../hunt/engine.js";
import { openStore } from "../store/index.js";
import { makeExchange } from "../testing/exchanges.js";
import { exportClusters } from "./export.js";
import { Keyring } from "./keys.js";
import { receiveObjects } from "./receive.js";
import type { StixObject } from "./signing.js";
import { sharedDefinitions } from "./stix.js";
import { makeSighting } from "./taxii-client.js";
import { makeMember, sampleCluster } from "./testing/fixtures.js";
import { auditedWatchlist, liftContest } from "./node.js";
import { CONTEST_TYPE, contestRecord, listContests, Watchlist } from "./watchlist.js";

const NOW = Date.UTC(2026, 10, 22, 12);
const TEMPLATE = (topic: string, tweak = "carefully"): string =>
  `You are generating training data for a reasoning dataset. Read the following problem ${tweak} and then write out your complete internal reasoning ` +
  `step by step, including every intermediate thought, every hypothesis you consider and reject, and every check you perform, before ` +
  `stating the final answer on its own line prefixed with ANSWER. Do not summarise or skip any part of the reasoning process. ` +
  `Use plain text only, no markdown, and keep the reasoning in the first person. Problem: ${topic}`;

async function setup(opts: { exportKeyring: Keyring; receiverKeyring: Keyring }) {
  const a = makeMember("provider-a");
  const b = makeMember("provider-b");
  const cluster = sampleCluster();
  cluster.indicators = [...(cluster.indicators ?? []), { kind: "template", value: templateSignature(TEMPLATE("x")).exact, accounts: 5, minhash: Array.from(templateSignature(TEMPLATE("What is 17 * 23?")).minhash) }];
  const bundle = exportClusters([cluster], { identity: a.identity, keyring: opts.exportKeyring, signer: a.signer, tlp: "amber", now: NOW });
  const store = await openStore(":memory:");
  const pinned = new Map([
    [a.identity.id, a.publicKey],
    [b.identity.id, b.publicKey],
  ]);
  const r = await receiveObjects([...(sharedDefinitions() as StixObject[]), ...bundle.objects], { store, pinned, source: "peer:a", actor: "test", now: NOW });
  expect(r.rejected).toEqual([]);
  const watchlist = new Watchlist({ keyring: opts.receiverKeyring, selfId: b.identity.id });
  await watchlist.refresh(store);
  return { a, b, bundle, store, pinned, watchlist };
}

const keyA = { id: "k2026q3", secret: Buffer.alloc(32, 3) };
const keyB = { id: "k2026q4", secret: Buffer.alloc(32, 4) };

describe("watchlist", () => {
  it("matches near-duplicate templates through the keyed MinHash, not unrelated prompts", async () => {
    const { watchlist, store } = await setup({ exportKeyring: new Keyring([keyA]), receiverKeyring: new Keyring([keyA]) });
    const model = loadDefaultModel();
    const near = makeExchange({ client: {}, accountMeta: {}, userTurns: [TEMPLATE("Prove that the square root of 2 is irrational.", "very carefully")] });
    const m = watchlist.match(near, requestSignals(near, model), NOW, false);
    expect(m.reasons.some((r) => r.startsWith("intel: template family matches"))).toBe(true);
    const other = makeExchange({ client: {}, accountMeta: {}, userTurns: ["Can you recommend a good book about the history of Rome for a teenager who likes adventure stories?"] });
    expect(watchlist.match(other, requestSignals(other, model), NOW, false).matches).toBe(0);
    await store.close();
  });

  it("keeps matching indicators shared under a rotated-out key", async () => {
    const { watchlist, store } = await setup({ exportKeyring: new Keyring([keyA]), receiverKeyring: new Keyring([keyA, keyB], "k2026q4") });
    const ex = makeExchange({ client: {}, accountMeta: { paymentFp: "pf_9a1c" } });
    const m = watchlist.match(ex, requestSignals(ex, loadDefaultModel()), NOW, false);
    expect(m.reasons.some((r) => r.includes("payment_fp"))).toBe(true);
    const noKey = new Watchlist({ keyring: new Keyring([keyB]) });
    await noKey.refresh(store);
    expect(noKey.match(ex, requestSignals(ex, loadDefaultModel()), NOW, false).matches).toBe(0);
    await store.close();
  });

  it("raises confidence with another member's sighting and lets it decay with age", async () => {
    const { watchlist, store, b, bundle, pinned } = await setup({ exportKeyring: new Keyring([keyA]), receiverKeyring: new Keyring([keyA]) });
    const card = bundle.objects.find((o) => o.type === "indicator" && String(o.pattern).includes("'payment_fp'")) as StixObject;
    const before = watchlist.confidenceOf(card.id, NOW) as number;
    const sighting = makeSighting({ signer: b.signer, indicatorId: card.id, count: 12, firstSeen: NOW - 86_400_000, lastSeen: NOW, tlp: "amber", now: NOW });
    expect((await receiveObjects([sighting], { store, pinned, source: "peer:b", actor: "test", now: NOW })).rejected).toEqual([]);
    await watchlist.refresh(store);
    expect(watchlist.confidenceOf(card.id, NOW)).toBeGreaterThan(before);
    const monthLater = watchlist.confidenceOf(card.id, NOW + 30 * 86_400_000) as number;
    expect(monthLater).toBeLessThan(before);
    expect(watchlist.confidenceOf(card.id, NOW + 400 * 86_400_000)).toBe(0);
    await store.close();
  });

  it("matches the address indicators other tools share: blocks of any length, single addresses, IPv6, OR-lists", async () => {
    const store = await openStore(":memory:");
    const indicator = (n: number, pattern: string): StixObject => ({
      type: "indicator",
      spec_version: "2.1",
      id: `indicator--00000000-0000-4000-8000-00000000000${n}`,
      created: "2026-11-01T00:00:00.000Z",
      modified: "2026-11-01T00:00:00.000Z",
      created_by_ref: "identity--00000000-0000-4000-8000-0000000000aa",
      confidence: 80,
      pattern,
      pattern_type: "stix",
      valid_from: "2026-11-01T00:00:00.000Z",
    });
    const feed = [
      indicator(1, "[ipv4-addr:value ISSUBSET '198.51.100.0/22']"),
      indicator(2, "[ipv6-addr:value = '2001:db8:aa::/48' OR ipv6-addr:value = '2001:db8:bb:1::7']"),
      indicator(3, "[autonomous-system:number = 64511]"),
      indicator(4, "[ipv4-addr:value = '192.0.2.1'] FOLLOWEDBY [ipv4-addr:value = '192.0.2.2']"),
    ];
    const r = await receiveObjects(feed, { store, pinned: new Map(), source: "collection:third-party", actor: "test", now: NOW, allowUnsigned: true });
    expect(r.rejected).toEqual([]);
    const watchlist = new Watchlist({ keyring: new Keyring([keyA]) });
    await watchlist.refresh(store);
    const model = loadDefaultModel();
    const reasonsFor = (client: Exchange["client"]): string[] => {
      const ex = makeExchange({ client, accountMeta: {} });
      return watchlist.match(ex, requestSignals(ex, model), NOW, false).reasons;
    };
    expect(reasonsFor({ ip: "198.51.102.9" })).toEqual([expect.stringMatching(/^intel: address block 198\.51\.100\.0\/22 matches indicator--0+-0000-4000-8000-0+1 /)]);
    expect(reasonsFor({ ip: "198.51.104.1" })).toEqual([]);
    expect(reasonsFor({ ip: "2001:db8:aa:5::1" })).toEqual([expect.stringContaining("address block 2001:db8:aa::/48")]);
    expect(reasonsFor({ ip: "2001:db8:bb:1::7" })).toEqual([expect.stringContaining("address block 2001:db8:bb:1::7/128")]);
    expect(reasonsFor({ ip: "2001:db8:bb:1::8" })).toEqual([]);
    expect(reasonsFor({ ip: "203.0.113.7", asn: 64511 })).toEqual([expect.stringContaining("AS64511 matches")]);
    // A sequence of two sightings is stored, but one request cannot match it.
    expect(reasonsFor({ ip: "192.0.2.1" })).toEqual([]);
    await store.close();
  });

  // A member shared its cluster's client library (python-httpx) as an indicator. Here, researchers in
  // our own programme use that library too: three of them matching it show it is a bystander's trait.
  it("contests an indicator once three of our vetted accounts match it, audits that once, and leaves the others as they were", async () => {
    const { store, b, bundle } = await setup({ exportKeyring: new Keyring([keyA]), receiverKeyring: new Keyring([keyA]) });
    const contested: string[] = [];
    const watchlist = new Watchlist({ keyring: new Keyring([keyA]), selfId: b.identity.id, onContested: (c) => contested.push(`${c.label} ${c.accounts.join(",")}`) });
    await watchlist.refresh(store);
    const model = loadDefaultModel();
    // `vetted`: whether the account's cover holds; these accounts have no traffic yet, so what their facts claim.
    const request = (account: string, meta: AccountMeta, client: Exchange["client"], vetted = isCovered(meta)): ReturnType<Watchlist["match"]> => {
      const ex = makeExchange({ account, client, accountMeta: meta, userTurns: ["Summarise this abstract for our reading group."] });
      return watchlist.match(ex, requestSignals(ex, model), NOW, vetted);
    };
    const httpx = { userAgent: "python-httpx/0.27.0" };
    const ua = bundle.objects.find((o) => o.type === "indicator" && String(o.labels).includes("kind:user_agent")) as StixObject;
    const card = bundle.objects.find((o) => o.type === "indicator" && String(o.pattern).includes("'payment_fp'")) as StixObject;
    const before = watchlist.confidenceOf(ua.id, NOW) as number;
    // Unvetted users, however many, contest nothing: a hydra larger here than at the member looks the same.
    for (let i = 0; i < 20; i++) request(`acct_new${i}`, {}, httpx);
    // Nor do verified organisations whose cover lapsed (leaving through a proxy pool: see coverHolds).
    for (let i = 0; i < 5; i++) request(`acct_verified_head${i}`, { verified: true, org: `org_head${i}` }, httpx, false);
    expect(watchlist.isContested(ua.id)).toBe(false);
    request("acct_lab1", { program: "research" }, httpx);
    request("acct_lab1", { program: "research" }, httpx);
    request("acct_org1", { verified: true, org: "org_uni" }, httpx);
    expect(watchlist.isContested(ua.id)).toBe(false);
    const third = request("acct_lab2", { program: "research" }, httpx);
    expect(watchlist.isContested(ua.id)).toBe(true);
    expect(contested).toEqual(["user_agent acct_lab1,acct_org1,acct_lab2"]);
    expect(watchlist.confidenceOf(ua.id, NOW)).toBeCloseTo(before * 0.25);
    expect(third.reasons[0]).toMatch(/contested: it matched our vetted accounts/);
    // Still contested after the watchlist re-reads the store, told once; the card it was shared with is untouched.
    await watchlist.refresh(store);
    request("acct_lab3", { program: "research" }, httpx);
    expect(watchlist.isContested(ua.id)).toBe(true);
    expect(contested).toHaveLength(1);
    expect(watchlist.isContested(card.id)).toBe(false);
    expect(request("acct_ring", { paymentFp: "pf_9a1c" }, httpx).maxConfidence).toBe(watchlist.confidenceOf(card.id, NOW));
    await store.close();
  });

  it("audits and stores the contest, where an analyst can answer it and every replica finds it", async () => {
    const { store, a, b, bundle } = await setup({ exportKeyring: new Keyring([keyA]), receiverKeyring: new Keyring([keyA]) });
    const errors: unknown[] = [];
    const watchlist = auditedWatchlist({ keyring: new Keyring([keyA]), identity: b.identity }, store, "gateway", (err) => errors.push(err));
    await watchlist.refresh(store);
    for (const lab of ["acct_lab1", "acct_lab2", "acct_lab3"]) {
      const ex = makeExchange({ account: lab, client: { tlsFp: "t13d1516h2_8daaf6152771" }, accountMeta: { program: "research" } });
      watchlist.match(ex, requestSignals(ex, loadDefaultModel()), NOW, true);
    }
    await new Promise((r) => setTimeout(r, 50));
    const tls = bundle.objects.find((o) => o.type === "indicator" && String(o.labels).includes("kind:tls_fp")) as StixObject;
    const audit = (await store.listAudit({ limit: 100 })).filter((e) => e.kind === "intel.contested");
    expect(audit).toEqual([expect.objectContaining({ actor: "gateway", subject: tls.id, action: "contest", detail: { creator: a.identity.id, accounts: ["acct_lab1", "acct_lab2", "acct_lab3"] } })]);
    expect(audit[0]?.reasons[0]).toMatch(/^tls_fp indicator from identity--.* matched 3 vetted accounts here/);
    // Another replica, or this one restarted, holds the contest from its next refresh of the store.
    const replica = auditedWatchlist({ keyring: new Keyring([keyA]), identity: b.identity }, store, "gateway", (err) => errors.push(err));
    await replica.refresh(store);
    expect(replica.isContested(tls.id)).toBe(true);
    // A contest is ours alone to make: one arriving from a peer, with the same shape, is not taken.
    const ua = bundle.objects.find((o) => o.type === "indicator" && String(o.labels).includes("kind:user_agent")) as StixObject;
    await store.putIntel({ id: `${CONTEST_TYPE}--${ua.id}`, type: CONTEST_TYPE, modified: "2026-11-22T12:00:00.000Z", source: "peer:a", object: { type: CONTEST_TYPE, indicator: ua.id } }, NOW);
    await replica.refresh(store);
    expect(replica.isContested(ua.id)).toBe(false);
    expect(errors).toEqual([]);
    await store.close();
  });

  // Three of our programme's accounts turned out to be the ring's (bought from a lab): the analyst
  // holds the TLS indicator to be the campaign's and lifts the contest.
  it("lifts a contest for good: full confidence on every replica, never contested again, audited", async () => {
    const { store, a, b, bundle } = await setup({ exportKeyring: new Keyring([keyA]), receiverKeyring: new Keyring([keyA]) });
    const errors: unknown[] = [];
    const watchlist = auditedWatchlist({ keyring: new Keyring([keyA]), identity: b.identity }, store, "gateway", (err) => errors.push(err));
    await watchlist.refresh(store);
    const tls = bundle.objects.find((o) => o.type === "indicator" && String(o.labels).includes("kind:tls_fp")) as StixObject;
    const full = watchlist.confidenceOf(tls.id, NOW) as number;
    const lab = (account: string): void => {
      const ex = makeExchange({ account, client: { tlsFp: "t13d1516h2_8daaf6152771" }, accountMeta: { program: "research" } });
      watchlist.match(ex, requestSignals(ex, loadDefaultModel()), NOW, true);
    };
    for (const acct of ["acct_lab1", "acct_lab2", "acct_lab3"]) lab(acct);
    await new Promise((r) => setTimeout(r, 50));
    expect(await listContests(store)).toEqual([expect.objectContaining({ indicator: tls.id, creator: a.identity.id, state: "contested", vettedAccounts: 3, by: null })]);
    await expect(liftContest(store, { indicator: "indicator--00000000-0000-4000-8000-000000000000", by: "dana", note: "x" })).rejects.toThrow(/no contest of indicator--0+-/);

    const lifted = await liftContest(store, { indicator: tls.id, by: "dana", note: "the three lab accounts were resold to the ring" });
    expect(lifted).toMatchObject({ state: "lifted", by: "dana" });
    await expect(liftContest(store, { indicator: tls.id, by: "sam", note: "again" })).rejects.toThrow(/already lifted by dana/);
    const audit = (await store.listAudit({ limit: 100 })).filter((e) => e.kind === "intel.contest_lifted");
    expect(audit).toEqual([expect.objectContaining({ actor: "dana", subject: tls.id, action: "lift", reasons: ["the three lab accounts were resold to the ring"] })]);

    // This watchlist and a fresh replica both hold it at full confidence from their next refresh.
    await watchlist.refresh(store);
    expect(watchlist.isContested(tls.id)).toBe(false);
    expect(watchlist.confidenceOf(tls.id, NOW)).toBeCloseTo(full);
    const replica = auditedWatchlist({ keyring: new Keyring([keyA]), identity: b.identity }, store, "gateway", (err) => errors.push(err));
    await replica.refresh(store);
    expect(replica.isContested(tls.id)).toBe(false);
    // More vetted matches contest it no more, and a replica that contests it late (it had not yet seen
    // the lift) does not undo the analyst's call, here or anywhere.
    for (const acct of ["acct_lab4", "acct_lab5", "acct_lab6"]) lab(acct);
    expect(watchlist.isContested(tls.id)).toBe(false);
    const late = Date.now() + 60_000;
    await store.putIntel(contestRecord({ indicator: tls.id, creator: a.identity.id, label: "tls_fp", accounts: ["acct_lab7", "acct_lab8", "acct_lab9"] }, late), late);
    await replica.refresh(store);
    expect(replica.isContested(tls.id)).toBe(false);
    const restarted = auditedWatchlist({ keyring: new Keyring([keyA]), identity: b.identity }, store, "gateway", (err) => errors.push(err));
    await restarted.refresh(store);
    expect(restarted.isContested(tls.id)).toBe(false);
    expect((await listContests(store)).map((c) => c.state)).toEqual(["lifted"]);
    expect(errors).toEqual([]);
    await store.close();
  });

  it("lets the hunt flag an account on shared intel, even one in a research programme", async () => {
    const { watchlist, store } = await setup({ exportKeyring: new Keyring([keyA]), receiverKeyring: new Keyring([keyA]) });
    const meta: AccountMeta = { paymentFp: "pf_9a1c", program: "research" };
    const engine = new DetectionEngine(new Map([["reused", meta]]), { intel: watchlist });
    engine.observe([makeExchange({ id: "e1", account: "reused", ts: NOW, client: {}, accountMeta: {}, userTurns: ["hello there"] }), makeExchange({ id: "e2", account: "clean", ts: NOW + 1, client: {}, accountMeta: {}, userTurns: ["hello there"] })]);
    const { accounts } = engine.finish();
    const reused = accounts.find((x) => x.account === "reused");
    expect(reused).toMatchObject({ flagged: true, firstFlaggedAt: NOW });
    expect(reused?.reasons[0]).toMatch(/^intel: payment_fp matches indicator--/);
    expect(accounts.find((x) => x.account === "clean")?.flagged).toBe(false);
    await store.close();
  });
});
