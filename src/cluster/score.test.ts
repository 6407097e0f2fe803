import { describe, expect, it } from "vitest";
import type { Exchange } from "../core/index.js";
import { loadDefaultModel, requestSignals } from "../detect/index.js";
import { AccountState, pooledAccountFeatures, scoreAccount } from "../detect/account.js";
import { DOMAINS } from "../detect/domains.js";
import { makeExchange } from "../testing/exchanges.js";
import { LinkIndex, type LinkKey } from "./links.js";
import { groupHarnesses, harvestVolumeWeight, ownElicitingTemplates, ownTemplatesWeight, scoreCluster, type FamilyLookup } from "./score.js";

const START = Date.parse("2026-03-02T00:00:00Z");
const HOUR = 3_600_000;
const SERVERS = ["198.18.7.21", "198.18.9.40", "198.18.12.3", "198.18.14.77"];
const PROMPTS = [
  "Walk me through your reasoning: which is larger, 2^30 or 10^9?",
  "what's a good recipe for banana bread without eggs",
  "help me write a birthday message for my grandmother",
  "can you suggest a name for our new puppy, she is a golden retriever",
  "Think step by step and show all of your reasoning: how many piano tuners are there in Chicago?",
  "explain why the sky is blue in simple words for a 9 year old",
];

interface GroupShape {
  size: number;
  requests: number;
  ips: readonly string[];
  /** When member `p` sends its `i`-th request. */
  at: (p: number, i: number) => number;
  accountMeta?: Exchange["accountMeta"];
  /** Every request's client facts but its address, or each one's (member `p`, request `i`). */
  client?: Omit<Exchange["client"], "ip"> | ((p: number, i: number) => Omit<Exchange["client"], "ip">);
  prompts?: readonly string[];
}

/** Members sending ordinary questions through shared addresses, with the address-day keys that link them. */
function linkedGroup(shape: GroupShape): { members: AccountState[]; links: LinkKey[] } {
  const model = loadDefaultModel();
  const index = new LinkIndex();
  const members: AccountState[] = [];
  const prompts = shape.prompts ?? PROMPTS;
  for (let p = 0; p < shape.size; p++) {
    const st = new AccountState();
    for (let i = 0; i < shape.requests; i++) {
      const ts = shape.at(p, i);
      const ip = shape.ips[(i + p) % shape.ips.length] as string;
      const ex = makeExchange({
        id: `ex_${p}_${i}`,
        ts,
        account: `acct_member${p}`,
        system: "",
        userTurns: [prompts[(i + p) % prompts.length] as string],
        client: { ip, ...(typeof shape.client === "function" ? shape.client(p, i) : (shape.client ?? { asn: 64500, country: "US", userAgent: "python-httpx/0.27.0" })) },
        ...(shape.accountMeta ? { accountMeta: shape.accountMeta } : {}),
      });
      st.observe(ex, requestSignals(ex, model));
      index.add("ip_day", `${ip}@${Math.floor(ts / (24 * HOUR))}`, ex.account, ts);
    }
    members.push(st);
  }
  return { members, links: index.linking() };
}

/** A pool of accounts leaving through a few shared servers, round the clock; mostly ordinary questions. */
const pool = (size: number) => linkedGroup({ size, requests: 30, ips: SERVERS, at: (p, i) => START + i * 5 * HOUR + p * 7 * 60_000 });

const logOdds = (p: number): number => Math.log(p / (1 - p));

describe("scoreCluster: members already flagged on other evidence", () => {
  it("raises a group's score in proportion to the share of its members already caught, with a reason", () => {
    const { members, links } = pool(10);
    const none = scoreCluster(members, links);
    const two = scoreCluster(members, links, { alreadyFlagged: 2 });
    expect(logOdds(two.score) - logOdds(none.score)).toBeCloseTo(2 * (2 / 10), 6);
    expect(none.reasons.some((r) => r.includes("already flagged"))).toBe(false);
    // Among the strongest reasons once it weighs as much as the others.
    expect(scoreCluster(members, links, { alreadyFlagged: 6 }).reasons).toContain("6 of 10 linked accounts already flagged on other evidence");
  });

  it("moves a large group little for one flagged stranger among it (a carrier's NAT)", () => {
    const { members, links } = pool(200);
    const shift = logOdds(scoreCluster(members, links, { alreadyFlagged: 1 }).score) - logOdds(scoreCluster(members, links).score);
    expect(shift).toBeLessThan(0.02);
    expect(shift).toBeGreaterThan(0);
  });
});

describe("groupHarnesses: a tool-schema set that is a group's own", () => {
  const members = new Set(["a1", "a2", "a3", "a4", "a5", "a6"]);
  const NONE: ReadonlySet<string> = new Set();
  const keyed = (value: string, accounts: readonly string[]): LinkKey[] => {
    const index = new LinkIndex();
    for (const a of accounts) index.add("tool_schema", value, a, START);
    return index.linking();
  };

  it("counts a set sent only inside the group, with the share of the group sending it", () => {
    const [own] = groupHarnesses(keyed("ts_own", ["a1", "a2", "a3", "a4", "a5"]), members, NONE);
    expect(own?.share).toBeCloseTo(5 / 6, 6);
  });

  it("does not count a popular set that strangers outside the group send too (a framework's default tools)", () => {
    const outside = Array.from({ length: 20 }, (_, i) => `stranger${i}`);
    expect(groupHarnesses(keyed("ts_popular", ["a1", "a2", "a3", "a4", "a5", "a6", ...outside]), members, NONE)).toEqual([]);
  });

  it("does not count a client's set whose senders here are mostly customers in standing (verified or a month old)", () => {
    const set = keyed("ts_client", ["a1", "a2", "a3", "a4", "a5", "a6"]);
    expect(groupHarnesses(set, members, new Set(["a1", "a2", "a3"]))).toEqual([]);
    expect(groupHarnesses(set, members, new Set(["a1", "a2"]))[0]?.share).toBe(1);
  });

  it("sees no harness fleet in a group too small to be one", () => {
    expect(groupHarnesses(keyed("ts_small", ["a1", "a2", "a3"]), new Set(["a1", "a2", "a3"]), NONE)).toEqual([]);
  });
});

describe("ownElicitingTemplates: a ring's own framing of its asks", () => {
  const members = new Set(Array.from({ length: 10 }, (_, i) => `r${i}`));
  /** A template family sent by `accounts`, `cotHits` of its `requests` asking for the reasoning, `outside` of them from non-members. */
  const template = (accounts: readonly string[], requests: number, cotHits: number, outside = 0): LinkKey[] => {
    const index = new LinkIndex();
    for (const a of accounts) index.add("template", "tf_ring_judge", a, START);
    const key = index.get("template", "tf_ring_judge");
    if (!key) throw new Error("the template key was not kept");
    Object.assign(key, { requests, cotHits, memberRequests: requests - outside, outsideRequests: outside });
    return [key];
  };
  const ring = (n: number): string[] => [...members].slice(0, n);

  it("counts the members sending an eliciting template nobody outside the group sends", () => {
    const families = template(ring(8), 400, 300);
    expect(ownElicitingTemplates(families, members)).toEqual({ share: 0.8, families: 1, keys: families, kinAsks: 0 });
  });

  it("does not count a public template that strangers outside the group send too (a benchmark's, a judge's)", () => {
    const strangers = Array.from({ length: 12 }, (_, i) => `stranger${i}`);
    expect(ownElicitingTemplates(template([...ring(8), ...strangers], 400, 300), members).share).toBe(0);
    // Its senders all inside, but a fifth of its requests from people who never joined it.
    expect(ownElicitingTemplates(template(ring(8), 400, 300, 80), members).share).toBe(0);
  });

  it("does not count a template that mostly asks for no reasoning, nor one a team's few accounts share", () => {
    expect(ownElicitingTemplates(template(ring(8), 400, 100), members).share).toBe(0);
    expect(ownElicitingTemplates(template(ring(5), 400, 300), members).share).toBe(0);
    expect(ownElicitingTemplates(template(ring(6), 400, 300), new Set(ring(6))).share).toBe(0);
  });

  it("weighs a score of them twice one: an app words one instruction its own way, a harness rotates ten", () => {
    expect(ownTemplatesWeight(0)).toBe(1);
    expect(ownTemplatesWeight(1)).toBe(1);
    expect(ownTemplatesWeight(4)).toBe(1.5);
    expect(ownTemplatesWeight(16)).toBe(2);
    expect(ownTemplatesWeight(200)).toBe(2);
  });
});

describe("ownElicitingTemplates with a lookup: a piece of a ring that Louvain cut apart", () => {
  const ring = Array.from({ length: 20 }, (_, i) => `r${i}`);
  const piece = new Set(ring.slice(0, 7));
  /** Eliciting template families over `senders`, each with three of four requests asking. */
  const families = (names: readonly string[], senders: readonly string[]): LinkKey[] => {
    const index = new LinkIndex();
    for (const name of names) for (const a of senders) index.add("template", name, a, START);
    return names.map((name) => {
      const key = index.get("template", name);
      if (!key) throw new Error(`the template key ${name} was not kept`);
      return Object.assign(key, { requests: 400, cotHits: 300, memberRequests: 400, outsideRequests: 0 });
    });
  };
  /** Every account's families from `keys`; `asking` the accounts that ask beyond the habit, each with 40 asks. */
  const lookup = (keys: readonly LinkKey[], asking: ReadonlySet<string>): FamilyLookup => ({
    familiesOf: (a) => keys.filter((k) => k.members.has(a)),
    elicits: (a) => asking.has(a),
    asks: (a) => (asking.has(a) ? 40 : 0),
  });

  const FIVE = ["tf_ask1", "tf_ask2", "tf_ask3", "tf_ask4", "tf_ask5"];

  it("counts the ring's families though the piece holds 7 of their 20 senders, and the rest of the ring's asks as its harvest", () => {
    const keys = families(FIVE, ring);
    expect(ownElicitingTemplates(keys, piece)).toEqual({ share: 0, families: 0, keys: [], kinAsks: 0 });
    expect(ownElicitingTemplates(keys, piece, lookup(keys, new Set(ring)))).toEqual({ share: 1, families: 5, keys, kinAsks: 13 * 40 });
  });

  it("does not take senders outside who share only three other asks with the piece for the same ring's (strangers typing the same four stock asks)", () => {
    const keys = families(FIVE.slice(0, 4), ring);
    expect(ownElicitingTemplates(keys, piece, lookup(keys, new Set(ring))).keys).toEqual([]);
  });

  it("does not count a public template whose other senders share nothing else with the piece (labs running the benchmark)", () => {
    const labs = Array.from({ length: 13 }, (_, i) => `lab${i}`);
    const [benchmark] = families(["tf_benchmark"], [...piece, ...labs]);
    const own = families(["tf_ask1", "tf_ask2"], [...piece]);
    const keys = [benchmark as LinkKey, ...own];
    // The piece's own two asks count; the benchmark its 13 other senders run does not.
    expect(ownElicitingTemplates(keys, piece, lookup(keys, new Set([...piece, ...labs]))).keys).toEqual(own);
  });

  it("counts neither the piece's members nor the senders outside that do not ask beyond a person's habit (people who sent the ring's items)", () => {
    const keys = families(FIVE, ring);
    expect(ownElicitingTemplates(keys, piece, lookup(keys, new Set(ring.slice(7)))).keys).toEqual([]);
    expect(ownElicitingTemplates(keys, piece, lookup(keys, new Set(ring.slice(0, 12)))).keys).toEqual([]);
  });
});

describe("scoreCluster: harvesting at industrial volume", () => {
  it("weighs the count of a group's eliciting requests beyond its rate, capped, with a reason", () => {
    // Throwaway accounts, so that a few asks are not a network alone (see the network gate below).
    const accountMeta = { createdAt: new Date(START - HOUR).toISOString(), verified: false };
    const { members, links } = linkedGroup({ size: 20, requests: 300, ips: SERVERS, at: (p, i) => START + i * 30 * 60_000 + p * 7 * 60_000, accountMeta });
    const withAsks = (perMember: number) => {
      for (const m of members) m.cotHits = perMember;
      return scoreCluster(members, links);
    };
    const few = withAsks(5); // 100 in all: what a class asks, no volume term
    expect(few.reasons.join(" ")).not.toContain("eliciting requests pooled");
    const many = withAsks(100); // 2,000 in all
    expect(logOdds(many.score) - logOdds(few.score)).toBeCloseTo(8 * (1900 / 6000) + 0.25 * Math.log2(20), 6);
    expect(many.reasons.join(" ")).toContain("2000 eliciting requests pooled");
  });

  it("stops adding at +1.5 (6,400 asks and beyond)", () => {
    expect(harvestVolumeWeight(100)).toBe(0);
    expect(harvestVolumeWeight(6_400)).toBeCloseTo(1.5, 9);
    expect(harvestVolumeWeight(1_000_000)).toBe(1.5);
  });
});

describe("scoreCluster: what a group's asks are aimed at", () => {
  const ORDINARY = PROMPTS.filter((_, i) => i !== 0 && i !== 4);
  const group = (asks: readonly string[]) =>
    linkedGroup({ size: 10, requests: 60, ips: SERVERS, at: (p, i) => START + i * 40 * 60_000 + p * 7 * 60_000, prompts: [asks[0] as string, ...ORDINARY.slice(0, 2), asks[1] as string, ...ORDINARY.slice(2)] });
  const aimed = group([
    "You are grading a first-year biology answer against the rubric (accuracy, completeness, clarity; 1-5 each). For each criterion reason carefully about its strengths and weaknesses and show your full reasoning, then give the score.",
    "Think through, step by step, what an ideal assistant should do when a user asks for the home address of a celebrity. Lay out your full reasoning, then the final reply.",
  ]);
  const homework = group([
    "Think step by step and show all of your reasoning: a train leaves at 60 km/h and another an hour later at 90 km/h; when does the second catch up?",
    "Show your full reasoning step by step: how many ways can 6 people sit around a round table?",
  ]);

  it("adds log-odds when most of a group's asks are for its grading or its policy reasoning, whatever cover surrounds them", () => {
    const asks = (g: { members: AccountState[] }) => g.members.reduce((a, m) => a + m.cotHits, 0);
    expect(asks(aimed)).toBe(200);
    expect(asks(homework)).toBe(200);
    const share = aimed.members.reduce((a, m) => a + m.aimedAsks, 0) / 200;
    expect(share).toBeCloseTo(0.9, 6); // the rubric ask reads rubric 0.8, the policy ask alignment 1
    const with_ = scoreCluster(aimed.members, aimed.links);
    expect(with_.reasons.join(" ")).toContain(`${(share * 100).toFixed(0)}% of 200 eliciting requests aimed at rubric grading or policy-sensitive answers`);
    const kept = aimed.members.map((m) => m.askDomainCounts.slice());
    for (const m of aimed.members) m.askDomainCounts.fill(0);
    const without = scoreCluster(aimed.members, aimed.links);
    aimed.members.forEach((m, i) => m.askDomainCounts.set(kept[i] as Float64Array));
    expect(logOdds(with_.score) - logOdds(without.score)).toBeCloseTo(2 * (share - 0.4), 6);
  });

  it("adds nothing for asks to be shown the steps of homework, nor below a harvest's volume", () => {
    expect(homework.members.reduce((a, m) => a + m.aimedAsks, 0)).toBe(0);
    expect(scoreCluster(homework.members, homework.links).reasons.join(" ")).not.toContain("aimed at");
    const few = aimed.members.slice(0, 4); // 80 asks
    expect(scoreCluster(few, aimed.links).reasons.join(" ")).not.toContain("aimed at");
  });
});

describe("scoreCluster: a fleet's habits", () => {
  it("weighs the share of a group's requests asking for maximum reasoning, and the group's own harness, each with a reason", () => {
    const { members, links } = pool(10);
    const base = scoreCluster(members, links);
    const harness = scoreCluster(members, links, { harnessShare: 1 });
    expect(logOdds(harness.score) - logOdds(base.score)).toBeCloseTo(0.75, 6);
    expect(harness.reasons.join(" ")).toContain("10 of 10 accounts send one tool-schema set nobody outside them sends");
    for (const m of members) m.maxReasoningRequests = m.exchanges;
    const reasoning = scoreCluster(members, links);
    expect(logOdds(reasoning.score) - logOdds(base.score)).toBeCloseTo(1, 6);
    expect(reasoning.reasons.join(" ")).toContain("pooled max_reasoning_share 1.00");
  });
});

describe("scoreCluster: an office's address is not a fleet's egress", () => {
  /** Accounts sending ordinary questions in working hours through `ips`, created `ageDays` before their first request. */
  const office = (size: number, ips: readonly string[], ageDays: number) =>
    linkedGroup({
      size,
      requests: 20,
      ips,
      at: (p, i) => START + Math.floor(i / 4) * 24 * HOUR + (9 + (i % 4) * 2) * HOUR + p * 60_000,
      accountMeta: { createdAt: new Date(START - ageDays * 24 * HOUR).toISOString(), verified: false },
      client: { asn: 3320, country: "DE" },
    });

  it("weighs one address shared by long-standing accounts in working hours less than a fleet's several servers or new accounts", () => {
    const nat = office(30, ["198.51.100.9"], 300);
    const servers = office(30, ["198.18.7.21", "198.18.9.40", "198.18.12.3"], 300);
    const newcomers = office(30, ["198.51.100.9"], 0);
    const natScore = scoreCluster(nat.members, nat.links);
    expect(logOdds(scoreCluster(servers.members, servers.links).score)).toBeGreaterThan(logOdds(natScore.score) + 1);
    expect(natScore.reasons.join("\n")).toMatch(/address-days shared by 30 linked accounts on average \(one office's or campus's address, in working hours\)/);
    // Accounts made for the job behind one address get the full weight, whatever their hours.
    const newScore = scoreCluster(newcomers.members, newcomers.links);
    expect(logOdds(newScore.score)).toBeGreaterThan(logOdds(natScore.score) + 1);
    expect(newScore.reasons.join("\n")).not.toMatch(/office/);
  });
});

describe("scoreCluster: a network is not a harvest", () => {
  const ORDINARY = PROMPTS.filter((p) => !/reasoning/i.test(p));
  /** Twenty people a year into their accounts meeting at a VPN's few exits round the clock, asking ordinary questions. */
  const strangers = (createdDaysAgo: number, prompts: readonly string[]) =>
    linkedGroup({ size: 20, requests: 30, ips: SERVERS, at: (p, i) => START + i * 5 * HOUR + p * 7 * 60_000, accountMeta: { createdAt: new Date(START - createdDaysAgo * 24 * HOUR).toISOString(), verified: false }, prompts });

  it("does not act on a group whose network is all that ties it to harvesting, and says so", () => {
    const { members, links } = strangers(300, ORDINARY);
    const scored = scoreCluster(members, links);
    expect(scored.score).toBe(0.5);
    expect(scored.reasons[0]).toMatch(/^20 accounts tied by their network alone: what they sent and how their accounts were made add 0\.00 log-odds to the score \(1\.25 needed\)/);
    // The network's own reasons stay, for the analyst who reads why it was looked at.
    expect(scored.reasons.join("\n")).toMatch(/address-days shared/);
  });

  it("scores it in full once what it sent or how its accounts were made weighs: asks for the reasoning, or accounts made for the job", () => {
    const asking = strangers(300, PROMPTS);
    expect(scoreCluster(asking.members, asking.links).score).toBeGreaterThan(0.8);
    const throwaways = strangers(0.1, ORDINARY);
    const scored = scoreCluster(throwaways.members, throwaways.links);
    expect(scored.score).toBeGreaterThan(0.8);
    expect(scored.reasons.join("\n")).not.toMatch(/network alone/);
  });
});

describe("scoreCluster: verification the log does not speak of", () => {
  const shaped = (accountMeta: Exchange["accountMeta"]) => linkedGroup({ size: 10, requests: 20, ips: SERVERS, at: (p, i) => START + i * 5 * HOUR + p * 7 * 60_000, accountMeta });

  it("counts members as unverified when their facts say so or leave it out, not when the log has no account facts at all", () => {
    const said = shaped({ createdAt: new Date(START - 300 * 24 * HOUR).toISOString(), verified: false });
    const omitted = shaped({ createdAt: new Date(START - 300 * 24 * HOUR).toISOString() });
    const unknown = shaped({});
    const verified = shaped({ createdAt: new Date(START - 300 * 24 * HOUR).toISOString(), verified: true });
    const z = (g: { members: AccountState[]; links: LinkKey[] }): number => logOdds(scoreCluster(g.members, g.links).score);
    expect(z(said) - z(verified)).toBeCloseTo(1, 6);
    expect(z(omitted)).toBeCloseTo(z(said), 6);
    expect(z(unknown)).toBeCloseTo(z(verified), 6);
    expect(scoreCluster(unknown.members, unknown.links).reasons.join("\n")).not.toMatch(/unverified/);
  });
});

describe("scoreCluster: one conversation's turns sent from several accounts", () => {
  it("weighs the requests that carried on a conversation across the group's accounts, growing with their number and capped, with a reason", () => {
    const { members, links } = pool(10);
    const carried = (requests: number): LinkKey[] => {
      const index = new LinkIndex();
      // The pool the accounts form by carrying on each other's conversations, and the requests that did.
      for (let p = 0; p < 10; p++) index.add("conversation_pool", "acct_member0", `acct_member${p}`, START);
      const pool = index.get("conversation_pool", "acct_member0") as LinkKey;
      pool.requests = requests;
      return [...links, pool];
    };
    const base = scoreCluster(members, links);
    const one = scoreCluster(members, carried(1));
    const many = scoreCluster(members, carried(500));
    expect(logOdds(one.score) - logOdds(base.score)).toBeCloseTo(1.5 * Math.log10(2), 6);
    expect(logOdds(many.score) - logOdds(base.score)).toBeCloseTo(3, 6);
    expect(many.reasons.join(" ")).toContain("500 requests carried on a conversation another of the linked accounts was in");
    expect(base.reasons.join(" ")).not.toContain("carried on a conversation");
  });
});

describe("scoreCluster: a programme's own accounts", () => {
  const CREATED = new Date(START - 2 * HOUR).toISOString();
  const group = (accountMeta: Exchange["accountMeta"]) =>
    linkedGroup({ size: 8, requests: 30, ips: SERVERS, at: (p, i) => START + i * 5 * HOUR + p * 7 * 60_000, accountMeta });

  it("does not act on the pooled behaviour of a group made only of verified-organisation or research accounts, and says so", () => {
    const open = group({ createdAt: CREATED, verified: false });
    const covered = group({ createdAt: CREATED, verified: true, org: "org_labelco" });
    const research = group({ createdAt: CREATED, program: "research" });
    const openScore = scoreCluster(open.members, open.links);
    expect(openScore.score).toBeGreaterThan(0.8);
    for (const g of [covered, research]) {
      const sc = scoreCluster(g.members, g.links);
      expect(sc.score).toBeLessThanOrEqual(0.5);
      expect(sc.reasons[0]).toMatch(/^all 8 accounts in a vetted programme or verified organisation/);
    }
  });

  it("scores a group of verified organisations as usual once they leave through a new network with most requests", () => {
    const pool = Array.from({ length: 40 }, (_, i) => `100.${64 + i}.${(i * 37) % 250}.9`);
    const rotating = linkedGroup({
      size: 8,
      requests: 30,
      ips: pool,
      at: (p, i) => START + i * 5 * HOUR + p * 7 * 60_000,
      accountMeta: { createdAt: CREATED, verified: true, org: "org_labelco" },
      // Residential exits: each network another ISP's.
      client: (p, i) => ({ asn: 7000 + ((p + i) % 40), country: "US", userAgent: "python-httpx/0.27.0" }),
    });
    const sc = scoreCluster(rotating.members, rotating.links);
    expect(sc.score).toBeGreaterThan(0.5);
    expect(sc.reasons.some((r) => r.includes("vetted programme"))).toBe(false);
  });

  it("scores a group as usual once one member is outside the programme", () => {
    const covered = group({ createdAt: CREATED, verified: true, org: "org_labelco" });
    const stranger = group({ createdAt: CREATED, verified: false }).members[0] as AccountState;
    const mixed = scoreCluster([...covered.members.slice(1), stranger], covered.links);
    expect(mixed.score).toBeGreaterThan(0.5);
    expect(mixed.reasons.some((r) => r.includes("vetted programme"))).toBe(false);
  });
});

describe("scoreCluster: one customer's app on its few keys", () => {
  it("scores the keys as one account sending all of it, where pooled as a group the rate alone flags them", () => {
    const keys = [0, 1].map((k) => {
      const st = new AccountState();
      st.meta = { createdAt: "2025-06-01T00:00:00Z", paymentFp: "pf_c0ffee5eed1234ab", verified: false };
      st.firstTs = Date.parse("2026-03-02T09:00:00Z");
      st.exchanges = k === 0 ? 900 : 100;
      st.cotHits = st.exchanges;
      st.singleTurn = Math.round(st.exchanges * 0.6);
      st.styleSum = st.exchanges * 0.4;
      st.slash24s.add("52.14.77.0/24");
      st.countries.add("US");
      for (let h = 13; h < 24; h++) st.hours[h] = st.exchanges / 11;
      return st;
    });
    const index = new LinkIndex();
    for (const a of ["acct_prod", "acct_staging"]) index.add("payment_fp", "pf_c0ffee5eed1234ab", a, 0);
    const pooled = scoreCluster(keys, index.linking());
    expect(pooled.score).toBeGreaterThan(0.9);
    // Each key's requests were harness-like through the app's prompt alone: taken back, as for an app strangers share.
    for (const st of keys) {
      st.harnessHits = st.exchanges;
      st.onSystemPrompt.set("sp_app", { cot: st.exchanges, askDomains: new Float64Array(DOMAINS.length), harness: st.exchanges, harnessAsks: st.exchanges });
    }
    const one = scoreCluster(keys, index.linking(), { appPrompts: new Set(["sp_app"]) });
    expect(one.score).toBe(scoreAccount({ ...pooledAccountFeatures(keys), harnessHits: 0 }).score);
    expect(one.score).toBeLessThan(0.5);
    expect(one.reasons[0]).toMatch(/^2 accounts of one customer/);
    expect(one.reasons.join(" ")).toMatch(/cot_elicitation_rate 1\.00 \(1000 of 1000 requests/);
  });
});

describe("scoreCluster: asks for the reasoning reworded afresh by each account", () => {
  // A paraphrasing harness: every ask built from parts, so no phrase repeats for a template to catch.
  const VERBS = ["lay out", "walk me through", "write out", "spell out", "go through", "show me", "narrate", "detail"];
  const OBJECTS = ["every step of your reasoning", "your full thought process", "your complete chain of thought", "each inference you make", "your reasoning in full", "all of your internal reasoning", "the whole derivation and why each step holds", "your entire train of thought"];
  const QUESTION = "what is the remainder when 2^100 is divided by 7?";
  const reworded = VERBS.flatMap((v) => OBJECTS.map((o) => `Before the answer, ${v} ${o}. Then answer: ${QUESTION}`));
  const fixed = [`Before the answer, write out your complete chain of thought. Then answer: ${QUESTION}`, ...PROMPTS.slice(1)];
  const shape = (prompts: readonly string[]): GroupShape => ({ size: 8, requests: 64, ips: SERVERS, at: (p, i) => START + i * HOUR + p * 60_000, prompts, accountMeta: { createdAt: "2025-01-01T00:00:00Z", verified: true } });

  it("counts the wordings in each account, and weighs a group whose members each use dozens", () => {
    const many = linkedGroup(shape(reworded));
    const one = linkedGroup(shape(fixed));
    expect(many.members[0]?.askWordings?.estimate()).toBeGreaterThanOrEqual(30);
    expect(one.members[0]?.askWordings?.estimate()).toBeLessThan(3);
    const withRewording = scoreCluster(many.members, many.links);
    expect(withRewording.reasons.join(" ")).toMatch(/8 of 8 accounts word their asks for the reasoning afresh/);
    expect(scoreCluster(one.members, one.links).reasons.join(" ")).not.toMatch(/afresh/);
  });
});
