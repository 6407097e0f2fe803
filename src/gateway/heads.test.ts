import { describe, expect, it } from "vitest";
import { isCovered, isEstablishedAt, requestSignals } from "../detect/index.js";
import type { AccountMeta, ClusterVerdict, Exchange } from "../core/index.js";
import { makeExchange } from "../testing/exchanges.js";
import { ClusterHeads } from "./heads.js";
import { flaggedCluster, testModel } from "./testing/harness.js";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 22, 12);
const HARNESS = (q: string): string =>
  `You are producing supervised fine-tuning data. Task: ${q}\nWrite out every intermediate thought in full inside <thinking> tags, then the final answer after "ANSWER:". Never skip a step.`;
const RING_CARD = "pf_5c1e9a7d3b2f4e60";

const ringRequest = (q: string): Exchange => makeExchange({ userTurns: [HARNESS(q)], system: "" });

function ring(overrides: Partial<ClusterVerdict> = {}): ClusterVerdict {
  // The harness's frame that its requests share, whatever the task: what the hunt shares as the cluster's.
  const frames = (q: string): string[] => requestSignals(ringRequest(q), testModel()).template.frames;
  const shared = frames("What is 17 * 23?").find((f) => frames("Name the capital of Mongolia.").includes(f)) as string;
  return flaggedCluster(NOW, {
    id: "cl_ring",
    accounts: ["r1", "r2", "r3", "r4"],
    score: 0.97,
    reasons: ["shared card and harness"],
    indicators: [
      { kind: "payment_fp", value: RING_CARD, accounts: 4 },
      { kind: "template", value: shared, accounts: 4 },
      { kind: "slash24", value: "198.51.100", accounts: 3 },
      { kind: "asn", value: "64500", accounts: 4 },
    ],
    ...overrides,
  });
}

const NEW_UNVERIFIED: AccountMeta = { createdAt: new Date(NOW - DAY).toISOString(), verified: false };
const AGED_VERIFIED: AccountMeta = { createdAt: "2024-03-01T00:00:00Z", verified: true };
const RESEARCHER: AccountMeta = { createdAt: new Date(NOW - DAY).toISOString(), verified: false, program: "research" };

function find(heads: ClusterHeads, ex: Exchange, meta: AccountMeta, now = NOW): string | null {
  const young = meta.verified !== true && NOW - Date.parse(meta.createdAt ?? "") < 7 * DAY;
  const m = heads.find({ meta, signals: requestSignals(ex, testModel()), ip: ex.client.ip, covered: isCovered(meta), youngUnverified: young, established: isEstablishedAt(meta, now), now });
  return m ? `${m.cluster} ${m.kind}` : null;
}

describe("a flagged cluster's new heads between hunts", () => {
  const heads = new ClusterHeads([ring()]);
  const ordinary = makeExchange({ userTurns: ["Which is better for a small bakery's website, Squarespace or WordPress?"], client: { ip: "203.0.113.40" } });

  it("takes anyone on the cluster's card, a programme account too: a card is proof whoever holds it", () => {
    expect(find(heads, ordinary, { ...AGED_VERIFIED, paymentFp: RING_CARD })).toBe("cl_ring payment_fp");
    expect(find(heads, ordinary, { ...RESEARCHER, paymentFp: RING_CARD })).toBe("cl_ring payment_fp");
    expect(find(heads, ordinary, { ...AGED_VERIFIED, paymentFp: "pf_0b7d2e8c91a4f356" })).toBeNull();
  });

  it("takes a new, unverified account that runs the cluster's harness, not an established or vetted one sending it", () => {
    const harvest = ringRequest("Prove that there are infinitely many primes.");
    expect(find(heads, harvest, NEW_UNVERIFIED)).toBe("cl_ring template");
    expect(find(heads, harvest, AGED_VERIFIED)).toBeNull();
    expect(find(heads, harvest, RESEARCHER)).toBeNull();
    expect(find(heads, ordinary, NEW_UNVERIFIED)).toBeNull();
  });

  it("watches the cluster's egress block for new, unverified accounts for 30 days after it was last seen", () => {
    const behindProxy = makeExchange({ userTurns: ["Which is better for a small bakery's website, Squarespace or WordPress?"], client: { ip: "198.51.100.23", asn: 64500 } });
    expect(find(heads, behindProxy, NEW_UNVERIFIED)).toBe("cl_ring slash24");
    expect(find(heads, behindProxy, AGED_VERIFIED)).toBeNull();
    expect(find(heads, behindProxy, NEW_UNVERIFIED, NOW + 31 * DAY)).toBeNull();
    // The ASN is a carrier's: it joins nobody.
    expect(find(heads, makeExchange({ ...behindProxy, client: { ip: "192.0.2.9", asn: 64500 } }), NEW_UNVERIFIED)).toBeNull();
  });

  it("takes an account that is not established on the cluster's tool set, not a verified or month-old customer running it", () => {
    const tools = [{ name: "read_file", schema: '{"type":"object","properties":{"path":{"type":"string"}}}' }];
    const agentStep = makeExchange({ userTurns: ["Fix the failing test in utils/date.py"], tools });
    const toolSet = requestSignals(agentStep, testModel()).toolSchemaHash as string;
    const fleet = new ClusterHeads([ring({ indicators: [{ kind: "tool_schema", value: toolSet, accounts: 40 }] })]);
    expect(find(fleet, agentStep, NEW_UNVERIFIED)).toBe("cl_ring tool_schema");
    expect(find(fleet, agentStep, { createdAt: new Date(NOW - 12 * DAY).toISOString(), verified: false })).toBe("cl_ring tool_schema");
    expect(find(fleet, agentStep, { createdAt: new Date(NOW - 12 * DAY).toISOString(), verified: true })).toBeNull();
    expect(find(fleet, agentStep, { createdAt: new Date(NOW - 45 * DAY).toISOString(), verified: false })).toBeNull();
  });

  it("holds nothing of a cluster the hunt did not flag", () => {
    const quiet = new ClusterHeads([ring({ flagged: false, score: 0.4 })]);
    expect(quiet.size).toBe(0);
    expect(find(quiet, ordinary, { ...AGED_VERIFIED, paymentFp: RING_CARD })).toBeNull();
  });
});
