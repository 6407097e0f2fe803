import { describe, expect, it } from "vitest";
import { AccountState } from "../detect/account.js";
import { DistinctCounter, promptHash32 } from "../detect/distinct.js";
import { DOMAINS } from "../detect/domains.js";
import { customerKeys, type HoldersLookup, keysOfOneCustomer, ONE_CUSTOMER_MAX, ONE_ORG_MAX, OPEN_GROUP_MAX, OPEN_TEAM_MAX, openTeams, ownAppPrompts, promptCrowd, teamsFamily } from "./crowd.js";
import { LinkIndex, type LinkKey } from "./links.js";

const TS = Date.parse("2026-03-02T09:00:00Z");

/** An account first used on TS: a long-standing one with its own home address, or one made the day before. */
function account(created: string, network = "198.51.100.0/24"): AccountState {
  const st = new AccountState();
  st.meta = { createdAt: created, verified: false };
  st.firstTs = TS;
  st.exchanges = 60;
  st.slash24s.add(network);
  return st;
}

/** A family key whose pooled traffic asks for reasoning in every request, so that it links its members. */
function elicitingFamily(index: LinkIndex, kind: "system_prompt" | "template", value: string, members: readonly string[]): LinkKey {
  let key: LinkKey | undefined;
  for (const m of members) {
    key = index.add(kind, value, m, TS);
    key.requests += 10;
    key.cotHits += 10;
  }
  return key as LinkKey;
}

const ids = (n: number, prefix: string): string[] => Array.from({ length: n }, (_, i) => `acct_${prefix}${i}`);

describe("promptCrowd: strangers held together by one prompt", () => {
  it("finds an app's users: one eliciting system prompt over all, a household's card and a popular frame over a few", () => {
    const index = new LinkIndex();
    const users = ids(24, "user");
    const app = elicitingFamily(index, "system_prompt", "sp_app", users);
    for (const m of users.slice(0, 4)) index.add("payment_fp", "pf_household_7f3a9c21e5b0", m, TS);
    elicitingFamily(index, "template", "tf_popular_frame", users.slice(10, 17));
    const crowd = promptCrowd(users, users.map(() => account("2025-04-01T00:00:00Z")), index.linking());
    expect(crowd?.family).toBe(app);
    expect(crowd?.largestPiece).toBeCloseTo(7 / 24);
  });

  it("leaves a harness's accounts alone: its templates tie them without the system prompt", () => {
    const index = new LinkIndex();
    const ring = ids(24, "ring");
    elicitingFamily(index, "system_prompt", "sp_app", ring);
    elicitingFamily(index, "template", "tf_harness_a", ring.slice(0, 20));
    expect(promptCrowd(ring, ring.map(() => account("2025-04-01T00:00:00Z")), index.linking())).toBeNull();
  });

  it("leaves accounts made for the job alone, or rotating their address, whatever holds them together", () => {
    const index = new LinkIndex();
    const ring = ids(24, "ring");
    elicitingFamily(index, "system_prompt", "sp_app", ring);
    const fresh = ring.map(() => account("2026-03-01T12:00:00Z"));
    expect(promptCrowd(ring, fresh, index.linking())).toBeNull();
    const rotating = ring.map(() => {
      const st = account("2025-04-01T00:00:00Z");
      for (let i = 0; i < 40; i++) st.slash24s.add(`100.${64 + i}.7.0/24`);
      return st;
    });
    expect(promptCrowd(ring, rotating, index.linking())).toBeNull();
  });

  it("says nothing of a group under five accounts", () => {
    const index = new LinkIndex();
    const few = ids(4, "few");
    elicitingFamily(index, "system_prompt", "sp_app", few);
    expect(promptCrowd(few, few.map(() => account("2025-04-01T00:00:00Z")), index.linking())).toBeNull();
  });
});

describe("openTeams: small teams working in the open", () => {
  const LAB_CARD = "pf_lab_3c0d392d34b3";
  const ESTABLISHED = "2025-09-15T00:00:00Z";

  let own = 0;
  /** A member of a team: established unless `made` says otherwise, on the lab's card or naming the lab (else on a card of its own). */
  function member(mark: { card?: string; org?: string }, made = ESTABLISHED): AccountState {
    const st = account(made);
    st.meta = { ...st.meta, ...(mark.card ? { paymentFp: mark.card } : { paymentFp: `pf_own_${(0x5a17c3e9 + ++own * 7919).toString(16)}` }), ...(mark.org ? { org: mark.org } : {}) };
    return st;
  }

  /** Each account re-runs a 20-item benchmark three times, greedily: an evaluation's shape. */
  function reruns(states: readonly AccountState[]): void {
    for (const st of states) {
      st.greedyPrompts = new DistinctCounter();
      for (let run = 0; run < 3; run++) for (let i = 0; i < 20; i++) st.greedyPrompts.add(promptHash32(`Q: item ${i} of the benchmark\nA: Let's think step by step.`));
      st.greedyAsks = 60;
    }
  }

  /**
   * A university lab: `students` accounts on the lab's card, sending one published evaluation template,
   * and a stranger behind a student's carrier address at home, made last week on a card of their own.
   */
  function lab(students: number, made = ESTABLISHED) {
    const index = new LinkIndex();
    const members = ids(students, "student");
    elicitingFamily(index, "template", "tf_zero_shot_cot", members);
    const neighbour = "acct_neighbour";
    for (const m of [members[0] as string, neighbour]) index.add("ip_day", "100.72.0.14@20514", m, TS);
    const accounts = [...members, neighbour];
    const states = [...members.map(() => member({ card: LAB_CARD }, made)), member({}, "2026-02-24T00:00:00Z")];
    return { accounts, states, links: index.linking(), index };
  }

  it("finds a lab's students on the lab's card, with a neighbour met at a carrier address", () => {
    const { accounts, states, links } = lab(4);
    expect(openTeams(accounts, states, links)).toBe(true);
    // Its template is the lab's tooling once it shows it re-runs what it asked; before, a harness's.
    expect(teamsFamily(states.slice(0, 4))).toBe(false);
    reruns(states.slice(0, 4));
    expect(teamsFamily(states.slice(0, 4))).toBe(true);
  });

  it("finds two labs, one on its card and one naming its university, that send the same published template", () => {
    const index = new LinkIndex();
    const accounts = ids(7, "two_labs");
    elicitingFamily(index, "template", "tf_zero_shot_cot", accounts);
    const states = accounts.map((_, i) => (i < 3 ? member({ card: LAB_CARD }) : member({ org: "univ_e402" })));
    expect(openTeams(accounts, states, index.linking())).toBe(true);
    reruns(states);
    expect(teamsFamily(states)).toBe(true);
  });

  it("is not teams of accounts made for the job, nor of accounts whose age the log does not state", () => {
    const young = lab(4, "2026-02-28T00:00:00Z");
    reruns(young.states);
    expect(openTeams(young.accounts, young.states, young.links)).toBe(false);
    expect(teamsFamily(young.states.slice(0, 4))).toBe(false);
    const unstated = lab(4);
    for (const st of unstated.states) st.meta = { ...st.meta, createdAt: undefined };
    expect(openTeams(unstated.accounts, unstated.states, unstated.links)).toBe(false);
  });

  it("is not teams when more than a few accounts share the card, or any rotates, or they hand conversations on", () => {
    const many = lab(OPEN_TEAM_MAX + 1);
    reruns(many.states);
    expect(openTeams(many.accounts, many.states, many.links)).toBe(false);
    expect(teamsFamily(many.states.slice(0, OPEN_TEAM_MAX + 1))).toBe(false);
    const rotating = lab(4);
    for (let i = 0; i < 40; i++) (rotating.states[1] as AccountState).slash24s.add(`100.${64 + i}.7.0/24`);
    expect(openTeams(rotating.accounts, rotating.states, rotating.links)).toBe(false);
    const pool = lab(4);
    for (const m of pool.accounts.slice(0, 2)) pool.index.add("conversation_pool", "cv_7f3a9c21", m, TS);
    expect(openTeams(pool.accounts, pool.states, pool.index.linking())).toBe(false);
  });

  it("does not count the neighbours a team meets only at a carrier's address, and counts strangers who share its prompts", () => {
    const index = new LinkIndex();
    const team = ids(3, "team");
    const neighbours = ids(4, "neighbour");
    elicitingFamily(index, "template", "tf_zero_shot_cot", team);
    for (const n of neighbours) for (const m of [team[0] as string, n]) index.add("ip_day", "100.72.0.21@20514", m, TS);
    const states = [...team.map(() => member({ card: LAB_CARD })), ...neighbours.map(() => member({}, "2026-02-20T00:00:00Z"))];
    expect(openTeams([...team, ...neighbours], states, index.linking())).toBe(true);
    // The same four as strangers sending the team's template: a ring's accounts beside it, not neighbours.
    elicitingFamily(index, "template", "tf_zero_shot_cot", neighbours);
    expect(openTeams([...team, ...neighbours], states, index.linking())).toBe(false);
  });

  it("is not a careful ring's piece: each account on its own card, tied by its template and a carrier's address", () => {
    const index = new LinkIndex();
    const ring = ids(4, "ring");
    elicitingFamily(index, "template", "tf_rubric_harness", ring);
    for (const m of ring.slice(0, 2)) index.add("ip_day", "100.72.0.29@20514", m, TS);
    const states = ring.map(() => member({}));
    reruns(states);
    expect(openTeams(ring, states, index.linking())).toBe(false);
    expect(teamsFamily(states)).toBe(false);
  });

  it("is not a group larger than a few teams, whatever they share", () => {
    const index = new LinkIndex();
    const accounts = ids(OPEN_GROUP_MAX + 1, "big");
    elicitingFamily(index, "template", "tf_zero_shot_cot", accounts);
    const states = accounts.map((_, i) => member({ card: `pf_team${Math.floor(i / 3)}_3c0d392d34b3` }));
    reruns(states);
    expect(openTeams(accounts, states, index.linking())).toBe(false);
    expect(teamsFamily(states)).toBe(false);
  });
});

describe("customerKeys and ownAppPrompts: one customer's app on its few keys", () => {
  const FOUNDER_CARD = "pf_c0ffee5eed1234ab";
  const APP_PROMPT = "sp_tutor_app_prompt";

  /** A customer's keys on its card (established, one server address), each sending `asks` requests that ask through the app's system prompt. */
  function keys(n: number, asks = 50, made = "2025-06-01T00:00:00Z") {
    const index = new LinkIndex();
    const accounts = ids(n, "key");
    for (const a of accounts) index.add("payment_fp", FOUNDER_CARD, a, TS);
    const states = accounts.map(() => {
      const st = account(made, "52.14.77.0/24");
      st.meta = { ...st.meta, paymentFp: FOUNDER_CARD };
      st.cotHits = asks;
      st.onSystemPrompt.set(APP_PROMPT, { cot: asks, askDomains: new Float64Array(DOMAINS.length), harness: asks, harnessAsks: asks });
      return st;
    });
    elicitingFamily(index, "system_prompt", APP_PROMPT, accounts);
    return { accounts, states, index };
  }
  /** What the hunt knows of who holds a fact: the index's keys, and organisations' seats. */
  const lookup = (index: LinkIndex, seats: ReadonlyMap<string, ReadonlySet<string>> = new Map()): HoldersLookup => (kind, value) =>
    kind === "org" ? seats.get(value) : index.get(kind, value)?.members;
  /** A system prompt's family key by its hash, as the hunt finds it. */
  const prompts = (index: LinkIndex) => (hash: string): LinkKey | undefined => index.get("system_prompt", hash);
  const holdersOf = (k: ReturnType<typeof keys>): ReadonlySet<string> | null => customerKeys(k.accounts, k.states, k.index.linking(), lookup(k.index));

  it("finds production and staging keys on the founder's card, asking only through the app's own system prompt", () => {
    const pair = keys(2);
    const holders = holdersOf(pair);
    expect([...(holders ?? [])].sort()).toEqual(pair.accounts);
    expect([...(ownAppPrompts(holders ?? new Set(), pair.states, [], prompts(pair.index)) ?? [])]).toEqual([APP_PROMPT]);
    // Three keys still; four are more than one customer keeps.
    expect(holdersOf(keys(ONE_CUSTOMER_MAX))?.size).toBe(ONE_CUSTOMER_MAX);
    expect(holdersOf(keys(ONE_CUSTOMER_MAX + 1))).toBeNull();
  });

  it("counts a key Louvain left in another group as the customer's, through the card they all hold", () => {
    const three = keys(3);
    const holders = customerKeys(three.accounts.slice(0, 2), three.states.slice(0, 2), three.index.linking(), lookup(three.index));
    expect(holders?.size).toBe(3);
    expect(ownAppPrompts(holders ?? new Set(), three.states.slice(0, 2), [], prompts(three.index))).not.toBeNull();
  });

  it("reads a prompt family's senders as one customer's keys from their own facts: one card they alone hold, established, staying put", () => {
    const three = keys(3);
    const key = lookup(three.index);
    expect(keysOfOneCustomer(three.states, key)).toBe(true);
    // A fourth holder of the card, a sender on another card, or a sender made for the job: not one customer's.
    three.index.add("payment_fp", FOUNDER_CARD, "acct_fourth", TS);
    expect(keysOfOneCustomer(three.states, key)).toBe(false);
    const pair = keys(2);
    const pairKey = lookup(pair.index);
    const stranger = account("2025-06-01T00:00:00Z", "52.14.77.0/24");
    stranger.meta = { ...stranger.meta, paymentFp: "pf_0badc0ffee5eed99" };
    expect(keysOfOneCustomer([...pair.states, stranger], pairKey)).toBe(false);
    const fresh = keys(2, 50, "2026-03-01T00:00:00Z");
    expect(keysOfOneCustomer(fresh.states, lookup(fresh.index))).toBe(false);
    // A card too short to be proof is shared by chance.
    const short = keys(2);
    for (const st of short.states) st.meta = { ...st.meta, paymentFp: "pf_9a1c" };
    short.index.add("payment_fp", "pf_9a1c", short.accounts[0] as string, TS);
    expect(keysOfOneCustomer(short.states, lookup(short.index))).toBe(false);
  });

  it("is not one customer when the card is held beyond a customer's few keys, or the keys were made for the job, or one rotates", () => {
    const shared = keys(3);
    shared.index.add("payment_fp", FOUNDER_CARD, "acct_outsider", TS);
    expect(holdersOf(shared)).toBeNull();
    expect(holdersOf(keys(2, 50, "2026-03-01T00:00:00Z"))).toBeNull();
    const rotating = keys(2);
    for (let i = 0; i < 40; i++) rotating.states[0]?.slash24s.add(`100.${64 + i}.7.0/24`);
    expect(holdersOf(rotating)).toBeNull();
    // A conversation carried on from one key to the other is what a pool does, not a customer.
    const handing = keys(2);
    for (const a of handing.accounts) handing.index.add("conversation_pool", "cv_7a1e", a, TS);
    expect(holdersOf(handing)).toBeNull();
  });

  it("reads the asks as the users' own when they are in the users' words, or when the asking system prompt is sent beyond the customer's keys", () => {
    const words = keys(2);
    for (const st of words.states) st.onSystemPrompt.set(APP_PROMPT, { cot: 5, askDomains: new Float64Array(DOMAINS.length), harness: 0, harnessAsks: 0 });
    expect(ownAppPrompts(new Set(words.accounts), words.states, [], prompts(words.index))).toBeNull();
    const spread = keys(2);
    spread.index.add("system_prompt", APP_PROMPT, "acct_other_cell", TS);
    expect(ownAppPrompts(new Set(spread.accounts), spread.states, [], prompts(spread.index))).toBeNull();
    // Its asks carried by one template only its keys send (the app's instruction around its users' questions): the app's own.
    const inTurn = keys(2);
    for (const st of inTurn.states) st.onSystemPrompt.clear();
    const frame = elicitingFamily(inTurn.index, "template", "tf_app_instruction", inTurn.accounts);
    frame.cotHits = 100;
    expect(ownAppPrompts(new Set(inTurn.accounts), inTurn.states, [frame], prompts(inTurn.index))?.size).toBe(0);
    // The same template sent by a stranger too is not the app's own; nor one that carries only some of the asks.
    frame.cotHits = 60;
    expect(ownAppPrompts(new Set(inTurn.accounts), inTurn.states, [frame], prompts(inTurn.index))).toBeNull();
    frame.cotHits = 100;
    inTurn.index.add("template", "tf_app_instruction", "acct_stranger", TS);
    expect(ownAppPrompts(new Set(inTurn.accounts), inTurn.states, [frame], prompts(inTurn.index))).toBeNull();
    // A group that asks for nothing is scored as a group, as before.
    const quiet = keys(2, 0);
    expect(ownAppPrompts(new Set(quiet.accounts), quiet.states, [], prompts(quiet.index))).toBeNull();
  });

  /** `n` seats of one organisation, each on its own card, established, at the office's address (each test takes the slice of them Louvain grouped). */
  function seats(n: number, org = "org_acme_logistics", made = "2025-06-01T00:00:00Z") {
    const index = new LinkIndex();
    const accounts = ids(n, "seat");
    const states = accounts.map((a, i) => {
      const st = account(made, "185.21.7.0/24");
      st.meta = { ...st.meta, org, paymentFp: `pf_acme_seat_${i}_a41c9e` };
      index.add("payment_fp", st.meta.paymentFp as string, a, TS);
      return st;
    });
    return { accounts, states, index, orgs: new Map([[org, new Set(accounts)]]) };
  }

  it("reads a company's seats in one organisation as one customer, whichever of them Louvain grouped", () => {
    const staff = seats(25);
    const holders = customerKeys(staff.accounts.slice(0, 8), staff.states.slice(0, 8), staff.index.linking(), lookup(staff.index, staff.orgs));
    expect(holders?.size).toBe(25);
    expect(keysOfOneCustomer(staff.states.slice(3, 9), lookup(staff.index, staff.orgs))).toBe(true);
    // Up to ONE_ORG_MAX seats; an organisation of more is read as a group, as are seats naming no organisation or another one.
    const large = seats(ONE_ORG_MAX + 1);
    expect(customerKeys(large.accounts.slice(0, 8), large.states.slice(0, 8), large.index.linking(), lookup(large.index, large.orgs))).toBeNull();
    const mixed = seats(8);
    (mixed.states[7] as AccountState).meta = { ...(mixed.states[7] as AccountState).meta, org: "org_other" };
    expect(customerKeys(mixed.accounts, mixed.states, mixed.index.linking(), lookup(mixed.index, mixed.orgs))).toBeNull();
    const none = seats(8, "");
    expect(customerKeys(none.accounts, none.states, none.index.linking(), lookup(none.index, none.orgs))).toBeNull();
    // Seats made the week before their first use are not a company's staff, whatever organisation they name.
    const fresh = seats(8, "org_acme_logistics", "2026-02-24T00:00:00Z");
    expect(customerKeys(fresh.accounts, fresh.states, fresh.index.linking(), lookup(fresh.index, fresh.orgs))).toBeNull();
  });
});
