import { describe, expect, it } from "vitest";
import { createRng, type AccountVerdict, type ClusterVerdict, type Exchange } from "../core/index.js";
import { loadCorpus } from "../corpus/index.js";
import { loadDefaultModel } from "../detect/classifier.js";
import type { IntelMatcher } from "../detect/intel-match.js";
import { requestSignals } from "../detect/signals.js";
import { isPhraseFrame, isSentenceFrame } from "../detect/template.js";
import { makeExchange } from "../testing/exchanges.js";
import { DetectionEngine } from "./engine.js";

const START = Date.parse("2026-03-02T00:00:00Z");
const MINUTE = 60_000;

const QUESTIONS = [
  "what is the derivative of x^3 * sin(x)",
  "how many primes are there below 100",
  "is the sum of two odd numbers always even",
  "what is 17% of 340",
  "solve 2x + 9 = 31",
  "how many ways can 5 people sit in a row",
  "what is the integral of 1/x",
  "find the remainder of 2^20 divided by 7",
];

const ORDINARY = [
  "what's a good recipe for banana bread without eggs",
  "can you suggest a name for our new puppy, she is a golden retriever",
  "help me write a birthday message for my grandmother",
  "what should we pack for a weekend camping trip with kids",
  "explain why the sky is blue in simple words for a 9 year old",
];

/** A harness prompt: one fixed instruction frame around a varying question. */
const harness = (i: number): string =>
  `Before answering, write out your complete internal reasoning step by step, every intermediate thought, then give the final answer in a box.\n\nQuestion: ${QUESTIONS[i % QUESTIONS.length] as string} (item ${i})`;

function exchange(account: string, i: number, prompt: string, card: string, ip: string, offsetMin: number, createdAt = "2026-03-01T00:00:00Z"): Exchange {
  return makeExchange({
    id: `ex_${account}_${i}`,
    ts: START + offsetMin * MINUTE,
    account,
    system: "",
    userTurns: [prompt],
    client: { ip, asn: 64500, country: "US", userAgent: "python-httpx/0.27.0" },
    accountMeta: { createdAt, paymentFp: card, verified: false },
  });
}

/**
 * A ring: eight accounts on their own cards and addresses, one harness frame, round the clock. `exit`
 * names another address for some of a member's requests.
 */
function ring(exit: (member: number, i: number) => string | undefined = () => undefined): Exchange[] {
  const log: Exchange[] = [];
  for (let r = 0; r < 8; r++) {
    for (let i = 0; i < 80; i++) log.push(exchange(`acct_ring${r}`, i, harness(r * 100 + i), `pf_ring${r}`, exit(r, i) ?? `203.0.113.${10 + r}`, i * 37 + r * 5));
  }
  return log;
}

/** `n` ordinary questions from one account, one every `everyMin` minutes from `fromMin`. */
function ordinaryUser(account: string, card: string, ip: string, n: number, fromMin: number, everyMin: number, createdAt: string): Exchange[] {
  return Array.from({ length: n }, (_, i) => exchange(account, i, ORDINARY[i % ORDINARY.length] as string, card, ip, fromMin + i * everyMin, createdAt));
}

/** The hunt's verdicts on a log, by account, after checking that the whole ring was caught. */
function verdictsWithRingCaught(log: Exchange[]): Map<string, AccountVerdict> {
  log.sort((a, b) => a.ts - b.ts);
  const engine = new DetectionEngine();
  engine.observe(log);
  const byId = new Map(engine.finish().accounts.map((a) => [a.account, a]));
  for (let r = 0; r < 8; r++) expect(byId.get(`acct_ring${r}`)?.flagged, `ring member ${r}`).toBe(true);
  return byId;
}

describe("detection engine: who a flagged cluster's identifiers implicate", () => {
  it("does not flag a family plan whose one member sent a ring's prompts, through the card only the family shares", () => {
    const log = ring();
    // A family: three long-standing accounts on one card at home, ordinary questions; one of them
    // also pasted a few of the ring's prompts (a shared worksheet, say): too few to be evidence.
    const since = "2025-06-01T00:00:00Z";
    for (let f = 0; f < 3; f++) {
      for (let i = 0; i < 60; i++) log.push(exchange(`acct_family${f}`, i, ORDINARY[(i + f) % ORDINARY.length] as string, "pf_family", "198.51.100.20", i * 45 + f * 7, since));
    }
    for (let i = 0; i < 4; i++) log.push(exchange("acct_family0", 100 + i, harness(900 + i), "pf_family", "198.51.100.20", 2500 + i * 40, since));
    // Many unrelated households sharing cards: a large link graph, where Louvain (its resolution
    // limit) merges a small group into a big community through one weak link.
    for (let h = 0; h < 300; h++) {
      for (let m = 0; m < 2; m++) {
        for (let i = 0; i < 4; i++) log.push(exchange(`acct_home${h}_${m}`, i, ORDINARY[(h + i) % ORDINARY.length] as string, `pf_home${h}`, `192.0.2.${h % 250}`, (h * 13 + m * 3 + i * 400) % 3000));
      }
    }
    // A newcomer on the family card later: it carries the card, not the ring's.
    for (let i = 0; i < 20; i++) log.push(exchange("acct_family3", i, ORDINARY[i % ORDINARY.length] as string, "pf_family", "198.51.100.20", 3200 + i * 30));

    const byId = verdictsWithRingCaught(log);
    for (const f of ["acct_family0", "acct_family1", "acct_family2", "acct_family3"]) expect(byId.get(f)?.flagged, f).toBe(false);
  });
});

describe("detection engine: a log that states no account facts", () => {
  // The spec makes account_meta optional: no creation time, no card, no verification.
  const bare = (ex: Exchange): Exchange => ({ ...ex, accountMeta: {} });
  const DAY_MIN = 24 * 60;

  it("makes an account first seen after the log's first week, sending a flagged ring's harness, a new head at its second such request", () => {
    // The ring runs for nine days, so its family is flagged and still in use when the newcomers come.
    const log: Exchange[] = [];
    for (let r = 0; r < 8; r++) for (let i = 0; i < 120; i++) log.push(bare(exchange(`acct_ring${r}`, i, harness(r * 1000 + i), "", `203.0.113.${10 + r}`, i * 107 + r * 5)));
    // A person who has used the service since the log began, and people first seen in its second week.
    log.push(...ordinaryUser("acct_regular", "", "198.51.100.5", 40, 30, 300, "").map(bare));
    const later = 8 * DAY_MIN;
    const head = Array.from({ length: 6 }, (_, i) => bare(exchange("acct_head", i, harness(5000 + i), "", "192.0.2.41", later + i * 25)));
    log.push(...head);
    // A newcomer who pastes one of the ring's prompts among their own questions: one request is not two.
    log.push(...ordinaryUser("acct_newcomer", "", "192.0.2.42", 5, later, 20, "").map(bare));
    log.push(bare(exchange("acct_newcomer", 9, harness(6000), "", "192.0.2.42", later + 200)));
    const byId = verdictsWithRingCaught(log);
    expect(byId.get("acct_head")?.firstFlaggedAt).toBe(head[1]?.ts);
    expect(byId.get("acct_head")?.reasons.join(" ")).toMatch(/template \S+ shared with \d+ flagged accounts \(account age and verification unstated; first seen in the log under 72 hours ago\)/);
    expect(byId.get("acct_newcomer")?.flagged).toBe(false);
    expect(byId.get("acct_regular")?.flagged).toBe(false);
  });

  it("does not read an account present from the log's first day as new when it later sends the ring's harness", () => {
    const log: Exchange[] = [];
    for (let r = 0; r < 8; r++) for (let i = 0; i < 120; i++) log.push(bare(exchange(`acct_ring${r}`, i, harness(r * 1000 + i), "", `203.0.113.${10 + r}`, i * 107 + r * 5)));
    const returning = [bare(exchange("acct_returning", 0, ORDINARY[0] as string, "", "192.0.2.50", 60))];
    for (let i = 1; i < 4; i++) returning.push(bare(exchange("acct_returning", i, harness(7000 + i), "", "192.0.2.50", 8 * DAY_MIN + i * 25)));
    log.push(...returning);
    const byId = verdictsWithRingCaught(log);
    // Flagged, if at all, on its own evidence, not as a head at its second harness request.
    expect(byId.get("acct_returning")?.firstFlaggedAt ?? Infinity).toBeGreaterThan(returning[2]?.ts ?? 0);
    expect(byId.get("acct_returning")?.reasons.join(" ") ?? "").not.toMatch(/first seen in the log/);
  });
});

describe("detection engine: a popular prompt a ring sends as cover", () => {
  // Read as rubric grading (a mark scheme), so each sender joins its family, the ring's accounts too.
  const EXAM = "Can you generate an A level exam question on circular motion, with an according mark scheme and answer.";

  it("does not make a day-old account that sends it a head of the ring; the ring's own harness still does", () => {
    const log = ring();
    for (let r = 0; r < 8; r++) for (let i = 0; i < 20; i++) log.push(exchange(`acct_ring${r}`, 100 + i, EXAM, `pf_ring${r}`, `203.0.113.${10 + r}`, i * 148 + r * 5 + 1));
    // Teachers at a verified school ask for it too: their use is outside any family (covered accounts join none).
    for (let t = 0; t < 10; t++) {
      for (let i = 0; i < 6; i++) {
        const ex = exchange(`acct_teacher${t}`, i, EXAM, `pf_teacher${t}_41c7e0b2`, `198.51.100.${t + 1}`, 300 + t * 50 + i * 400, "2024-09-01T00:00:00Z");
        ex.accountMeta = { ...ex.accountMeta, verified: true, org: "org_school" };
        log.push(ex);
      }
    }
    // Two days later, two accounts opened that day: a student asking for the same exam question, and
    // the ring's new head on its harness.
    const later = 4 * 24 * 60;
    log.push(...ordinaryUser("acct_student", "pf_student_8d2f61aa", "192.0.2.40", 3, later, 7, "2026-03-05T00:00:00Z"));
    log.push(exchange("acct_student", 3, EXAM, "pf_student_8d2f61aa", "192.0.2.40", later + 30, "2026-03-05T00:00:00Z"));
    log.push(exchange("acct_head", 0, harness(4242), "pf_head_c3a95e17", "192.0.2.41", later + 40, "2026-03-05T00:00:00Z"));
    const byId = verdictsWithRingCaught(log);
    expect(byId.get("acct_student")?.flagged).toBe(false);
    expect(byId.get("acct_head")?.flagged).toBe(true);
    expect(byId.get("acct_head")?.reasons.join(" ")).toMatch(/template \S+ shared with \d+ flagged accounts \(account unverified and under 7 days old\)/);
    for (let t = 0; t < 10; t++) expect(byId.get(`acct_teacher${t}`)?.flagged, `teacher ${t}`).toBe(false);
  });

  it("does not flag a person whose one eliciting request of six was a popular prompt the ring also sends", () => {
    const POPULAR = "My jira automation rule should add a comment whenever a custom field changes, but the smart value regex never matches the description. Please fix it.\nLet's think step by step.";
    // A person (alone, so Louvain puts them in the ring's community): five ordinary questions, then the prompt.
    const withPerson = (extra: Exchange[]): Exchange[] => {
      const log = ring();
      for (let r = 0; r < 8; r++) for (let i = 0; i < 10; i++) log.push(exchange(`acct_ring${r}`, 100 + i, POPULAR, `pf_ring${r}`, `203.0.113.${10 + r}`, i * 296 + r * 5 + 1));
      log.push(...ordinaryUser("acct_ana", "pf_ana_5e8a1c02", "198.51.100.60", 5, 600, 45, "2025-11-01T00:00:00Z"));
      log.push(exchange("acct_ana", 5, POPULAR, "pf_ana_5e8a1c02", "198.51.100.60", 900, "2025-11-01T00:00:00Z"), ...extra);
      return log;
    };
    expect(verdictsWithRingCaught(withPerson([])).get("acct_ana")?.flagged).toBe(false);
    // With the habit (a second eliciting request) the same person is the ring's.
    const habit = exchange("acct_ana", 6, harness(777), "pf_ana_5e8a1c02", "198.51.100.60", 960, "2025-11-01T00:00:00Z");
    expect(verdictsWithRingCaught(withPerson([habit])).get("acct_ana")?.flagged).toBe(true);
  });

  it("does not flag a person whose two eliciting requests of thirteen were that prompt and one question of their own; four of thirteen are the habit", () => {
    const POPULAR = "My jira automation rule should add a comment whenever a custom field changes, but the smart value regex never matches the description. Please fix it.\nLet's think step by step.";
    const OWN_ASK = "how do I convert 3/8 to a percentage? can you explain step by step and show all of your reasoning";
    const withPerson = (ownAsks: number): Exchange[] => {
      const log = ring();
      for (let r = 0; r < 8; r++) for (let i = 0; i < 10; i++) log.push(exchange(`acct_ring${r}`, 100 + i, POPULAR, `pf_ring${r}`, `203.0.113.${10 + r}`, i * 296 + r * 5 + 1));
      const prompts = [POPULAR, ...Array.from({ length: ownAsks }, (_, i) => `${OWN_ASK} (${i})`)];
      while (prompts.length < 13) prompts.push(ORDINARY[prompts.length % ORDINARY.length] as string);
      log.push(...prompts.map((p, i) => exchange("acct_ana", i, p, "pf_ana_5e8a1c02", "198.51.100.60", 600 + i * 45, "2025-11-01T00:00:00Z")));
      return log;
    };
    expect(verdictsWithRingCaught(withPerson(1)).get("acct_ana")?.flagged).toBe(false);
    expect(verdictsWithRingCaught(withPerson(3)).get("acct_ana")?.flagged).toBe(true);
  });

  it("does not make a new account a head for pasting it when the prompt itself asks for the steps, though only the ring had sent it", () => {
    const ASKING = "A transformer at fp16 with batch size 1 and sequence length 500 needs 14GB of VRAM. What would it need at batch size 50?\n\nShow your work. Let's work this out in a step by step way to be sure we have the right answer.";
    const log = ring();
    for (let r = 0; r < 8; r++) for (let i = 0; i < 10; i++) log.push(exchange(`acct_ring${r}`, 100 + i, ASKING, `pf_ring${r}`, `203.0.113.${10 + r}`, i * 296 + r * 5 + 1));
    const later = 4 * 24 * 60;
    const today = "2026-03-05T00:00:00Z";
    log.push(...ordinaryUser("acct_newcomer", "pf_newcomer_8d2f61aa", "192.0.2.40", 3, later, 7, today));
    log.push(exchange("acct_newcomer", 3, ASKING, "pf_newcomer_8d2f61aa", "192.0.2.40", later + 30, today));
    log.push(exchange("acct_head", 0, harness(4242), "pf_head_c3a95e17", "192.0.2.41", later + 40, today));
    const byId = verdictsWithRingCaught(log);
    expect(byId.get("acct_newcomer")?.flagged).toBe(false);
    expect(byId.get("acct_head")?.flagged).toBe(true);
  });
});

describe("detection engine: an app that sends the benchmark items a ring harvested", () => {
  // Dataset items the ring sends from all its accounts with its own instruction before each.
  const ITEMS = [
    "A shop sells pencils in packs of 6 for $4. How much do 40 pencils cost if only whole packs can be bought?",
    "Tom is twice as old as his sister, and in five years their ages will add up to 40. How old is Tom now?",
    "A tank fills in 6 hours through one pipe and empties in 9 hours through another. How long does it take to fill with both open?",
    "The perimeter of a rectangle is 56 cm and its length is three times its width. What is its area?",
    "A train leaves at 9:40 and arrives at 13:05 after covering 273 km. What was its average speed?",
    "How many three-digit numbers are divisible by both 4 and 6?",
    "A recipe for 4 people needs 300 g of flour. How much flour is needed for 10 people?",
    "If 3 workers build a wall in 12 days, how many days do 9 workers need at the same pace?",
  ];
  const INSTRUCTION = "Before answering, write out your complete internal reasoning step by step, every intermediate thought, then give the final answer in a box.";
  const TUTOR = "You are Owl, the tutor in a homework app for teenagers. Keep answers short and friendly.";

  function log(appAsks: number): Exchange[] {
    const out = ring();
    for (let r = 0; r < 8; r++) for (let j = 0; j < ITEMS.length; j++) out.push(exchange(`acct_ring${r}`, 200 + j, `${INSTRUCTION}\n\n${ITEMS[j] as string}`, `pf_ring${r}`, `203.0.113.${10 + r}`, j * 140 + r * 7 + 3));
    // Later the ring moves to a second instruction: enough new links for the communities to be drawn again.
    for (let r = 0; r < 8; r++) for (let j = 0; j < 10; j++) out.push(exchange(`acct_ring${r}`, 300 + j, `${ITEMS[j] as string}\n\nThink out loud: narrate your entire chain of thought, then state the answer on its own line. (v2 ${r}-${j})`, `pf_ring${r}`, `203.0.113.${10 + r}`, 3200 + j * 30 + r * 3));
    // The app: a year-old account on one server with a system prompt of its own, 200 requests: its
    // students' own questions, forty of the benchmark's items as they are, and `appAsks` of them spread
    // over its traffic with a worksheet's "show your work" and a boxed answer (weak asks, which join
    // the items' families).
    for (let i = 0; i < 200; i++) {
      const item = ITEMS[i % ITEMS.length] as string;
      const prompt = i % 33 === 16 && i < 33 * appAsks ? `Show your work and put the final answer in \\boxed{}.\n${item}` : i % 5 === 0 ? item : `${ORDINARY[i % ORDINARY.length] as string} (student ${i})`;
      const ex = exchange("acct_app", i, prompt, "pf_app_3f9d27c0", "52.14.77.9", 400 + i * 13, "2025-03-01T00:00:00Z");
      ex.system = TUTOR;
      out.push(ex);
    }
    return out;
  }

  it("does not flag the app as the ring's for the items, though its weak asks put it in their families; its own asks in earnest do", () => {
    expect(verdictsWithRingCaught(log(6)).get("acct_app")?.flagged).toBe(false);
    const asking = log(6);
    for (let i = 0; i < 30; i++) asking.push(exchange("acct_app", 300 + i, `${INSTRUCTION}\n\n${ITEMS[i % ITEMS.length] as string}`, "pf_app_3f9d27c0", "52.14.77.9", 3000 + i * 7, "2025-03-01T00:00:00Z"));
    expect(verdictsWithRingCaught(asking).get("acct_app")?.flagged).toBe(true);
  });
});

describe("detection engine: which addresses a flagged cluster makes suspect", () => {
  it("watches a ring's own proxy exit, not a carrier address one ring account shared with ordinary users", () => {
    // Members 1–7 also leave through one proxy exit on the first day; member 0 once through a carrier's address.
    const log = ring((r, i) => (r > 0 && i < 3 ? "203.0.113.200" : r === 0 && i === 5 ? "198.51.100.77" : undefined));
    // Five long-standing ordinary users behind the carrier's address that same day.
    for (let u = 0; u < 5; u++) {
      for (let i = 0; i < 6; i++) log.push(exchange(`acct_phone${u}`, i, ORDINARY[(u + i) % ORDINARY.length] as string, `pf_phone${u}`, "198.51.100.77", 150 + u * 20 + i * 9, "2025-05-01T00:00:00Z"));
    }
    // Two days later, two accounts a day old: one behind the ring's exit, one behind the carrier.
    const newcomer = "2026-03-04T00:00:00Z";
    log.push(...ordinaryUser("acct_new_on_exit", "pf_new1", "203.0.113.200", 3, 4400, 10, newcomer));
    log.push(...ordinaryUser("acct_new_on_carrier", "pf_new2", "198.51.100.77", 3, 4400, 10, newcomer));

    const byId = verdictsWithRingCaught(log);
    expect(byId.get("acct_new_on_exit")?.flagged).toBe(true);
    expect(byId.get("acct_new_on_exit")?.reasons.join(" ")).toMatch(/egress 203\.0\.113\.200/);
    expect(byId.get("acct_new_on_carrier")?.flagged).toBe(false);
    for (let u = 0; u < 5; u++) expect(byId.get(`acct_phone${u}`)?.flagged, `carrier user ${u}`).toBe(false);
  });
});

describe("detection engine: a person behind a VPN exit the ring also uses", () => {
  it("is not flagged for one request of ten asking for the steps; with the habit (three of ten) it is", () => {
    // Ring members 0–2 leave through the VPN's exit now and then; two people use it every day.
    const log = ring((r, i) => (r < 3 && i % 4 === 0 ? "198.51.100.90" : undefined));
    const ask = "how do I convert 3/8 to a percentage? walk me through your full thought process, every step of your thinking";
    for (const [account, asks] of [["acct_vpn_once", 1], ["acct_vpn_habit", 3]] as const) {
      for (let i = 0; i < 10; i++) log.push(exchange(account, i, i < asks ? `${ask} (${i})` : (ORDINARY[i % ORDINARY.length] as string), `pf_${account}_9c0e51a7b2`, "198.51.100.90", 30 + i * 290, "2025-05-01T00:00:00Z"));
    }
    const byId = verdictsWithRingCaught(log);
    expect(byId.get("acct_vpn_once")?.flagged).toBe(false);
    expect(byId.get("acct_vpn_habit")?.flagged).toBe(true);
  });
});

describe("detection engine: a carrier's address that two ring accounts used one day", () => {
  it("is not watched as the ring's egress: a new user behind it days later is not flagged", () => {
    // Members 0 and 1 each leave once through a carrier's address; one long-standing user is behind it that day.
    const log = ring((r, i) => (r < 2 && i === 5 ? "198.51.100.60" : undefined));
    log.push(...ordinaryUser("acct_phone", "pf_phone", "198.51.100.60", 6, 150, 20, "2025-05-01T00:00:00Z"));
    log.push(...ordinaryUser("acct_new_on_carrier", "pf_new", "198.51.100.60", 3, 4400, 10, "2026-03-04T00:00:00Z"));
    const byId = verdictsWithRingCaught(log);
    expect(byId.get("acct_phone")?.flagged).toBe(false);
    expect(byId.get("acct_new_on_carrier")?.flagged).toBe(false);
  });
});

describe("detection engine: a new account on an address a flagged account used that day", () => {
  it("is tied to the ring through two of its flagged members, not through one", () => {
    // Ring member 0 once leaves through a household's address (a residential proxy exit is somebody's
    // home); members 1 and 2 each leave once through one exit of their own proxy pool.
    const log = ring((r, i) => (r === 0 && i === 5 ? "198.51.100.90" : (r === 1 || r === 2) && i === 6 ? "203.0.113.150" : undefined));
    // Through the rest of that day, two accounts created the day before, asking ordinary questions.
    const yesterday = "2026-03-01T00:00:00Z";
    log.push(...ordinaryUser("acct_household", "pf_house", "198.51.100.90", 60, 240, 20, yesterday));
    log.push(...ordinaryUser("acct_on_pool_exit", "pf_pool", "203.0.113.150", 60, 240, 20, yesterday));

    const byId = verdictsWithRingCaught(log);
    expect(byId.get("acct_household")?.flagged).toBe(false);
    expect(byId.get("acct_on_pool_exit")?.flagged).toBe(true);
    expect(byId.get("acct_on_pool_exit")?.reasons.join(" ")).toMatch(/egress 203\.0\.113\.150 of a flagged cluster|ip_day 203\.0\.113\.x .* shared with 2 flagged accounts/);
  });
});

describe("detection engine: identifiers strangers share by chance", () => {
  it("does not flag an ordinary user whose short card value a ring member also has, nor link anyone on per-account key ids", () => {
    // Member 0's card is written "pf_9a1c" (16 bits: in a log of thousands such values repeat by
    // chance), and so is a long-standing ordinary user's. Every account's first key is "key_01".
    const log = ring().map((e) => ({ ...e, apiKey: "key_01", accountMeta: e.account === "acct_ring0" ? { ...e.accountMeta, paymentFp: "pf_9a1c" } : e.accountMeta }));
    const user = ordinaryUser("acct_reader", "pf_9a1c", "198.51.100.31", 40, 600, 45, "2025-01-10T00:00:00Z");
    const others = Array.from({ length: 5 }, (_, u) => ordinaryUser(`acct_other${u}`, `pf_other${u}`, `198.51.100.${40 + u}`, 20, 700 + u, 60, "2025-02-01T00:00:00Z")).flat();
    log.push(...[...user, ...others].map((e) => ({ ...e, apiKey: "key_01" })));
    const byId = verdictsWithRingCaught(log);
    expect(byId.get("acct_reader")?.flagged).toBe(false);
    for (let u = 0; u < 5; u++) expect(byId.get(`acct_other${u}`)?.flagged, `user ${u}`).toBe(false);
  });
});

describe("detection engine: IPv6 exits", () => {
  it("reads a /64 as one exit however many addresses a pool draws from it, and leaves its neighbours in the /48 alone", () => {
    // Members 1 and 2 each leave once through a rented IPv6 /64, a fresh address per request (as IPv6
    // proxy pools do); member 0 once through a household's /64 next door. Later that day, two accounts
    // created the day before ask ordinary questions: one from the pool's /64, one from the household's.
    const pool = (n: number): string => `2001:db8:77:10:${(0x1000 + n).toString(16)}:${((n * 7919) % 65536).toString(16)}::${(n + 1).toString(16)}`;
    const log = ring((r, i) => ((r === 1 || r === 2) && i === 6 ? pool(r) : r === 0 && i === 5 ? "2001:db8:77:11:5054:ff:fe12:3456" : undefined));
    const yesterday = "2026-03-01T00:00:00Z";
    const fromPool = ordinaryUser("acct_on_pool_exit", "pf_pool", "", 60, 240, 20, yesterday).map((e, i) => ({ ...e, client: { ...e.client, ip: pool(100 + i) } }));
    log.push(...fromPool, ...ordinaryUser("acct_household", "pf_house", "2001:DB8:77:11:0:0:0:99", 60, 240, 20, yesterday));

    const byId = verdictsWithRingCaught(log);
    expect(byId.get("acct_household")?.flagged).toBe(false);
    expect(byId.get("acct_on_pool_exit")?.flagged).toBe(true);
    expect(byId.get("acct_on_pool_exit")?.reasons.join(" ")).toMatch(/2001:db8:77:10::\/64/);
  });
});

describe("detection engine: an agent-harness fleet that never asks for reasoning in words", () => {
  const TOOLS = [
    { name: "run_sql", schema: '{"properties":{"query":{"type":"string"}},"required":["query"],"type":"object"}' },
    { name: "python_exec", schema: '{"properties":{"code":{"type":"string"}},"required":["code"],"type":"object"}' },
    { name: "plot", schema: '{"properties":{"spec":{"type":"object"}},"required":["spec"],"type":"object"}' },
  ];
  const TASKS = [
    "Load sales_2024.csv, find the five regions with the largest quarter-over-quarter decline and plot them.",
    "The table events has two million rows. Compute weekly retention cohorts and explain anomalies.",
    "Debug why the nightly ETL job failed: inspect the logs table and propose a fix.",
    "Fit a regression of price on size and age for houses.csv and report which coefficients are significant.",
  ];
  const agentCall = (account: string, i: number, ip: string, offsetMin: number, createdAt: string, tools = TOOLS, effort: string | undefined = "high"): Exchange =>
    makeExchange({
      id: `ex_${account}_${i}`,
      ts: START + offsetMin * MINUTE,
      account,
      system: "You are an autonomous analysis agent. Use the provided tools to complete the task.",
      userTurns: [`${TASKS[i % TASKS.length] as string} (job ${i})`],
      tools,
      params: { maxTokens: 16000, logprobs: false, logitBias: false, stream: false, reasoningRequested: true, ...(effort ? { reasoningEffort: effort } : {}) },
      client: { ip, asn: 14061, country: "US", userAgent: "python-httpx/0.27.0" },
      accountMeta: { createdAt, paymentFp: `pf_${account}`, verified: false },
    });

  it("flags the fleet as one cluster, each member through the harness it runs, and leaves one developer's own agent app alone", () => {
    const log: Exchange[] = [];
    // Twenty accounts, each on its own card, created a day before first use, one tool harness at
    // maximum reasoning effort, rotating round the clock through ten datacenter addresses.
    for (let a = 0; a < 20; a++) {
      for (let i = 0; i < 120; i++) log.push(agentCall(`acct_fleet${a}`, i, `198.18.${(a + i) % 10}.7`, i * 29 + a * 3, "2026-03-01T00:00:00Z"));
    }
    // Three developers' agent apps: long-standing accounts, their own tool sets, their own servers.
    for (let d = 0; d < 3; d++) {
      const own = [{ name: `crm_lookup_${d}`, schema: '{"properties":{"id":{"type":"string"}},"type":"object"}' }];
      for (let i = 0; i < 300; i++) log.push(agentCall(`acct_dev${d}`, i, `203.0.113.${40 + d}`, i * 13 + d, "2025-04-01T00:00:00Z", own));
    }
    log.sort((x, y) => x.ts - y.ts);

    const engine = new DetectionEngine();
    engine.observe(log);
    const { accounts, clusters } = engine.finish();
    const byId = new Map(accounts.map((a) => [a.account, a]));
    for (let a = 0; a < 20; a++) expect(byId.get(`acct_fleet${a}`)?.flagged, `fleet member ${a}`).toBe(true);
    const fleet = clusters.find((c) => c.accounts.includes("acct_fleet0"));
    expect(fleet?.flagged).toBe(true);
    expect(fleet?.reasons.join(" ")).toMatch(/send one tool-schema set nobody outside them sends|max_reasoning_share/);
    for (let d = 0; d < 3; d++) expect(byId.get(`acct_dev${d}`)?.flagged, `developer ${d}`).toBe(false);
  });
});

describe("detection engine: a fleet of throwaway accounts on a residential pool, each with its own tool names", () => {
  const TASKS = [
    "Write a Python function that merges overlapping intervals and add unit tests.",
    "Implement an LRU cache in TypeScript with O(1) get and put.",
    "Write a SQL query returning each customer's second most recent order.",
    "Refactor this callback-based Node.js file reader to async/await and handle errors.",
    "Write a bash script that rotates log files older than seven days.",
  ];
  const POOL = Array.from({ length: 300 }, (_, i) => `100.${64 + (i % 50)}.${Math.floor(i / 50)}.${(i * 7) % 250}`);
  const toolsOf = (suffix: string): Array<{ name: string; schema: string }> => [
    { name: `read_file_${suffix}`, schema: '{"properties":{"path":{"type":"string"}},"required":["path"],"type":"object"}' },
    { name: `run_python_${suffix}`, schema: '{"properties":{"code":{"type":"string"}},"required":["code"],"type":"object"}' },
  ];
  const call = (account: string, i: number, ip: string, offsetMin: number, createdAt: string, tools: Array<{ name: string; schema: string }>, verified = false): Exchange =>
    makeExchange({
      id: `ex_${account}_${i}`,
      ts: START + offsetMin * MINUTE,
      account,
      system: "",
      userTurns: [`${TASKS[i % TASKS.length] as string} (task ${i})`],
      tools,
      params: { maxTokens: 8192, logprobs: false, logitBias: false, stream: false, reasoningRequested: true, reasoningEffort: "high" },
      client: { ip, asn: 7922, country: "US", userAgent: "python-httpx/0.27.0" },
      accountMeta: { createdAt, paymentFp: `pf_${account}_0123456789abcdef`, verified },
    });

  /** Thirty accounts at maximum reasoning, a new exit of one pool per request, made `madeBefore` before their first use. */
  function rotatingGroup(prefix: string, madeBefore: number, verified: boolean): Exchange[] {
    const log: Exchange[] = [];
    for (let a = 0; a < 30; a++) {
      const from = a * 40;
      const createdAt = new Date(START + from * MINUTE - madeBefore).toISOString();
      const tools = toolsOf(`${prefix}${a}`);
      for (let i = 0; i < 60; i++) log.push(call(`acct_${prefix}${a}`, i, POOL[(a * 61 + i * 17) % POOL.length] as string, from + i * 23, createdAt, tools, verified));
    }
    return log;
  }

  const flaggedOf = (log: Exchange[], prefix: string): number => {
    log.sort((x, y) => x.ts - y.ts);
    const engine = new DetectionEngine();
    engine.observe(log);
    return engine.finish().accounts.filter((a) => a.account.startsWith(`acct_${prefix}`) && a.flagged).length;
  };

  it("flags the fleet's accounts on the way each runs, though none asks for reasoning in words nor shares a tool set", () => {
    expect(flaggedOf(rotatingGroup("fleet", 20 * 60 * MINUTE, false), "fleet")).toBe(30);
  });

  it("does not flag a VPN's established users doing the same: months-old accounts, or verified ones", () => {
    expect(flaggedOf(rotatingGroup("vpn", 200 * 24 * 60 * MINUTE, false), "vpn")).toBe(0);
    expect(flaggedOf(rotatingGroup("vpnv", 20 * 60 * MINUTE, true), "vpnv")).toBe(0);
  });
});

describe("detection engine: a fleet that sends a popular coding client's own tool set", () => {
  const CLIENT_TOOLS = [
    { name: "Read", schema: '{"properties":{"file_path":{"type":"string"}},"required":["file_path"],"type":"object"}' },
    { name: "Bash", schema: '{"properties":{"command":{"type":"string"}},"required":["command"],"type":"object"}' },
  ];
  const step = (account: string, i: number, ip: string, offsetMin: number, createdAt: string, prompt: string): Exchange =>
    makeExchange({
      id: `ex_${account}_${i}`,
      ts: START + offsetMin * MINUTE,
      account,
      system: "You are an interactive CLI tool that helps users with software engineering tasks.",
      userTurns: [prompt],
      tools: CLIENT_TOOLS,
      client: { ip, asn: 7922, country: "US", userAgent: "codecli/2.1.4" },
      accountMeta: { createdAt, paymentFp: `pf_${account}_0123456789abcdef`, verified: false },
    });

  it("flags the fleet, not the client's users, established or new: a tool set is software anyone runs", () => {
    const log: Exchange[] = [];
    // The fleet: day-old accounts asking for the reasoning in the harness's words, a new exit per request.
    for (let a = 0; a < 12; a++) {
      for (let i = 0; i < 50; i++) log.push(step(`acct_fleet${a}`, i, `100.${70 + a}.${i}.9`, a * 7 + i * 31, "2026-03-01T00:00:00Z", harness(a * 100 + i)));
    }
    // The client's users: months-old accounts at home, asking their own questions in working hours.
    const asked = loadCorpus()
      .filter((p) => p.label === "organic" && p.text.length < 600)
      .map((p) => p.text);
    for (let u = 0; u < 8; u++) {
      for (let i = 0; i < 20; i++) {
        const at = (i >> 2) * 24 * 60 + 9 * 60 + u * 11 + (i % 4) * 53;
        log.push(step(`acct_user${u}`, i, `203.0.113.${60 + u}`, at, "2025-06-01T00:00:00Z", asked[(u * 20 + i) * 7] as string));
      }
    }
    // A new user of the client, signed up days before, after the fleet was flagged: the set is the client's.
    for (let i = 0; i < 10; i++) log.push(step("acct_newcomer", i, "203.0.113.90", 4 * 24 * 60 + 9 * 60 + i * 41, "2026-03-03T00:00:00Z", asked[900 + i * 3] as string));
    log.sort((x, y) => x.ts - y.ts);
    const engine = new DetectionEngine();
    engine.observe(log);
    const byId = new Map(engine.finish().accounts.map((a) => [a.account, a]));
    for (let a = 0; a < 12; a++) expect(byId.get(`acct_fleet${a}`)?.flagged, `fleet ${a}`).toBe(true);
    for (let u = 0; u < 8; u++) expect(byId.get(`acct_user${u}`)?.flagged, `user ${u} ${byId.get(`acct_user${u}`)?.reasons.join(" / ")}`).toBe(false);
    expect(byId.get("acct_newcomer")?.flagged, byId.get("acct_newcomer")?.reasons.join(" / ")).toBe(false);
  });
});

describe("detection engine: a reseller's pool rotating accounts per request, with no client or account facts in the log", () => {
  const CASUAL = ["what's a good recipe for banana bread without eggs", "help me write a birthday message for my grandmother", "what should we pack for a weekend camping trip with kids", "explain why the sky is blue in simple words for a 9 year old"];
  const answerTo = (c: number): string => `Here is a detailed answer for request ${c}, with the background, the options and what I would recommend, step by step.`;
  /** One conversation of three turns; `accountOf(t)` sends turn t, carrying the history so far. */
  // The harvesting harness behind the pool sends its own system prompt; resold chat sends none.
  const HARNESS_SYSTEM = "You are a meticulous tutor. Follow the output format exactly.";
  const conversation = (c: number, opening: string, at: number, accountOf: (t: number) => string, system = "", accountMeta: Exchange["accountMeta"] = {}): Exchange[] =>
    [0, 1, 2].map((t) =>
      makeExchange({
        id: `ex_c${c}_t${t}`,
        ts: at + t * 3 * MINUTE,
        account: accountOf(t),
        system,
        userTurns: [opening, "go on, with more detail", "now summarise it in three bullet points"].slice(0, t + 1),
        assistantTurns: [answerTo(c), "More detail follows: ..."].slice(0, t),
        turnCount: 2 * t + 1,
        client: {},
        accountMeta,
      }),
    );

  it("links the pool through the conversations its accounts carry on for each other, and flags it; people keep theirs", () => {
    const log: Exchange[] = [];
    for (let c = 0; c < 400; c++) {
      // A third of the pool's conversations harvest reasoning; each turn goes out on whichever pool account is next.
      const opening = c % 3 === 0 ? `${harness(c)}` : `${CASUAL[c % CASUAL.length] as string} (${c})`;
      log.push(...conversation(c, opening, START + c * 11 * MINUTE, (t) => `acct_pool${(Math.imul(c * 3 + t + 1, 2654435761) >>> 0) % 20}`, c % 3 === 0 ? HARNESS_SYSTEM : ""));
    }
    // Thirty people, each keeping every turn of their conversations on their own account.
    for (let p = 0; p < 30; p++) for (let k = 0; k < 12; k++) log.push(...conversation(10_000 + p * 100 + k, `${CASUAL[(p + k) % CASUAL.length] as string} (${p}.${k})`, START + (p * 12 + k) * 13 * MINUTE, () => `acct_person${p}`));
    log.sort((x, y) => x.ts - y.ts);

    const engine = new DetectionEngine();
    engine.observe(log);
    const { accounts, clusters } = engine.finish();
    const byId = new Map(accounts.map((a) => [a.account, a]));
    const pool = clusters.find((c) => c.accounts.includes("acct_pool0"));
    expect(pool?.flagged).toBe(true);
    expect(pool?.reasons.join(" ")).toMatch(/\d+ requests carried on a conversation another of the linked accounts was in/);
    expect(pool?.links.some((l) => l.kind === "conversation_pool")).toBe(true);
    for (let a = 0; a < 20; a++) expect(byId.get(`acct_pool${a}`)?.flagged, `pool account ${a}`).toBe(true);
    for (let p = 0; p < 30; p++) expect(byId.get(`acct_person${p}`)?.flagged, `person ${p}`).toBe(false);
  });
});

describe("detection engine: a pool rotating accounts that asks for no reasoning in words", () => {
  it("flags each pool account on the rotation it did itself once the pool's cluster is flagged; people keep theirs", () => {
    const answer = (c: number): string => `Here is a detailed answer for request ${c}, with the background, the options and what I would recommend.`;
    const turnsOf = (c: number, opening: string, at: number, accountOf: (t: number) => string, accountMeta: Exchange["accountMeta"], ip: string): Exchange[] =>
      [0, 1, 2].map((t) =>
        makeExchange({
          id: `ex_r${c}_t${t}`,
          ts: at + t * 3 * MINUTE,
          account: accountOf(t),
          userTurns: [opening, "go on, with more detail", "now summarise it in three bullet points"].slice(0, t + 1),
          assistantTurns: [answer(c), "More detail follows: ..."].slice(0, t),
          turnCount: 2 * t + 1,
          client: { ip },
          accountMeta,
        }),
      );
    const log: Exchange[] = [];
    // Throwaway accounts (unverified, made the day before) behind six proxy addresses, round the clock,
    // every turn on the next account; people on the same kind of accounts keep their conversations.
    const throwaway = { createdAt: new Date(START - 24 * 60 * MINUTE).toISOString(), verified: false };
    for (let c = 0; c < 600; c++) {
      const opening = `${ORDINARY[c % ORDINARY.length] as string} (${c})`;
      log.push(...turnsOf(c, opening, START + c * 7 * MINUTE, (t) => `acct_rot${(Math.imul(c * 3 + t + 1, 2654435761) >>> 0) % 12}`, throwaway, `203.0.113.${c % 6}`));
    }
    for (let p = 0; p < 20; p++) for (let k = 0; k < 10; k++) log.push(...turnsOf(10_000 + p * 100 + k, `${ORDINARY[(p + k) % ORDINARY.length] as string} (${p}.${k})`, START + (p * 10 + k) * 13 * MINUTE, () => `acct_human${p}`, throwaway, `198.51.100.${p}`));
    log.sort((x, y) => x.ts - y.ts);
    const engine = new DetectionEngine();
    engine.observe(log);
    const { accounts, clusters } = engine.finish();
    const byId = new Map(accounts.map((a) => [a.account, a]));
    expect(clusters.find((c) => c.accounts.includes("acct_rot0"))?.flagged).toBe(true);
    for (let a = 0; a < 12; a++) expect(byId.get(`acct_rot${a}`)?.flagged, `pool account ${a}`).toBe(true);
    for (let p = 0; p < 20; p++) expect(byId.get(`acct_human${p}`)?.flagged, `person ${p}`).toBe(false);
  });
});

describe("detection engine: conversations that open alike by chance", () => {
  it("does not link strangers whose histories open word for word the same (a canned first answer, follow-ups from a short list)", () => {
    const OPENINGS = ["what's a good recipe for banana bread without eggs", "help me write a birthday message for my grandmother", "what should we pack for a weekend camping trip with kids", "explain why the sky is blue in simple words for a 9 year old", "suggest a name for our new puppy"];
    const FOLLOW_UPS = ["can you explain that in more detail?", "thanks! can you give me an example?", "can you make it shorter?"];
    const CANNED = "Sure! Here is a clear and detailed answer to your question, with the key points explained one by one so that it is easy to follow.";
    let seed = 11;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    // Times from a generator of their own: drawn from the low bits of the LCG above, sixty people's
    // requests fell into the same minutes (12 shared 5-minute windows a pair, 16 times their hours),
    // which the lockstep check rightly read as one scheduler.
    const when = createRng(11);
    const log: Exchange[] = [];
    // Sixty people over four days, each some 40 follow-ups into histories a generator wrote: an opening
    // from a short list, the same canned answer, follow-ups from a shorter one, one to three deep.
    for (let p = 0; p < 60; p++) {
      for (let k = 0; k < 40; k++) {
        const depth = 1 + rnd(3);
        const userTurns = [OPENINGS[rnd(OPENINGS.length)] as string, ...Array.from({ length: depth }, () => FOLLOW_UPS[rnd(FOLLOW_UPS.length)] as string)];
        log.push(
          makeExchange({
            id: `ex_person${p}_${k}`,
            ts: START + Math.floor(when() * 4 * 24 * 60) * MINUTE,
            account: `acct_person${p}`,
            system: "",
            userTurns,
            assistantTurns: Array.from({ length: depth }, () => CANNED),
            turnCount: 2 * depth + 1,
            client: {},
            accountMeta: {},
          }),
        );
      }
    }
    log.sort((x, y) => x.ts - y.ts);
    const engine = new DetectionEngine();
    engine.observe(log);
    const { accounts, clusters } = engine.finish();
    expect(clusters.filter((c) => c.links.some((l) => l.kind === "conversation_pool"))).toEqual([]);
    for (const a of accounts) expect(a.flagged, a.account).toBe(false);
  });
});

describe("detection engine: apps that ask for the model's reasoning on every call", () => {
  const HOUR = 60 * MINUTE;
  const TUTOR = "You are Mathy, a patient maths tutor for high-school students. Always show your full reasoning step by step so the student can follow, then give the final answer.";
  const COUNTRIES = ["US", "BR", "DE", "IN", "VN", "NG", "PL", "ID"];
  /** A tutoring app's traffic: one account, 150 questions a day round the clock, 40% of them follow-ups. */
  const tutoring = (account: string, address: (i: number) => { ip: string; country: string }): Exchange[] =>
    Array.from({ length: 1500 }, (_, i) => {
      const question = `${QUESTIONS[i % QUESTIONS.length] as string} (${account}, student ${i % 97})`;
      const followUp = i % 5 < 2;
      const { ip, country } = address(i);
      return makeExchange({
        id: `ex_${account}_${i}`,
        ts: START + Math.floor(i / 150) * 24 * HOUR + (i % 150) * 9.6 * MINUTE,
        account,
        system: TUTOR,
        userTurns: followUp ? [question, "why did you do that in the second step?"] : [question],
        assistantTurns: followUp ? ["Let's work through it together: first we write down what is given, then we apply the rule that fits, one step at a time."] : [],
        turnCount: followUp ? 3 : 1,
        client: { ip, asn: 16509, country, userAgent: "python-requests/2.31.0" },
        accountMeta: { createdAt: "2025-06-12T15:22:10Z", paymentFp: `pf_${account}`, verified: false, tier: "scale" },
      });
    });

  it("does not flag a tutoring app from its server, nor a researcher's benchmark bursts; the same app's traffic through rotating proxies is flagged", () => {
    const log: Exchange[] = [
      ...tutoring("acct_tutor", () => ({ ip: "52.14.77.9", country: "US" })),
      // The same kind of questions and the same system prompt, each call from another country's residential address.
      ...tutoring("acct_tutor_proxied", (i) => ({ ip: `100.${64 + (i % 60)}.${(i * 7) % 250}.9`, country: COUNTRIES[i % COUNTRIES.length] as string })),
      // An unvetted researcher's chain-of-thought benchmark: two bursts of 700 from a campus address.
      ...[3, 8].flatMap((day) =>
        Array.from({ length: 700 }, (_, i) =>
          makeExchange({
            id: `ex_bench_${day}_${i}`,
            ts: START + day * 24 * HOUR + 13 * HOUR + i * 4000,
            account: "acct_phd",
            system: "",
            userTurns: [`Q: ${QUESTIONS[i % QUESTIONS.length] as string} (item ${i})\nA: Let's think step by step.`],
            client: { ip: "128.32.5.77", asn: 25, country: "US", userAgent: "python-httpx/0.27.0" },
            accountMeta: { createdAt: "2025-11-20T09:00:00Z", verified: false },
          }),
        ),
      ),
    ].sort((x, y) => x.ts - y.ts);

    const engine = new DetectionEngine();
    engine.observe(log);
    const byId = new Map(engine.finish().accounts.map((a) => [a.account, a]));
    // Each asks for the reasoning in every request: one strong tell, which alone flags nobody.
    expect(byId.get("acct_tutor")?.reasons.join(" ")).toMatch(/cot_elicitation_rate 1\.00/);
    expect(byId.get("acct_tutor")?.flagged).toBe(false);
    expect(byId.get("acct_phd")?.flagged).toBe(false);
    // With a second tell, an address per request across eight countries, it is harvesting.
    expect(byId.get("acct_tutor_proxied")?.flagged).toBe(true);
    expect(byId.get("acct_tutor_proxied")?.reasons.join(" ")).toMatch(/ip_rotation/);
  });

  it("does not tie six tutoring apps into a ring by the textbook problems their students all send", () => {
    const textbook = [
      "A train leaves at 3pm going 60 mph and another at 4pm going 80 mph; when does the second catch up?",
      "The sum of three consecutive odd numbers is 207. What are the numbers?",
      "A tank fills at 28 litres per minute and drains at 16 litres per minute. How long until it holds 600 litres?",
      "If 35% of a number is 84, what is 60% of the number?",
      "A shop sells pens at 3 for $2. How much do 27 pens cost?",
      "Two dice are rolled. What is the probability that the sum is 8?",
    ];
    const log: Exchange[] = [];
    for (let app = 0; app < 6; app++) {
      for (let i = 0; i < 400; i++) {
        // Each student's numbers are their own; the problem's form is the book's.
        const problem = (textbook[(i + app) % textbook.length] as string).replace(/\d+/g, (n) => String(Number(n) + ((i * 7 + app) % 13)));
        log.push(
          makeExchange({
            id: `ex_app${app}_${i}`,
            ts: START + i * 21 * MINUTE + app * 3 * MINUTE,
            account: `acct_tutorapp${app}`,
            // Each app its own instructions: two by the system prompt, the rest by the answer's schema.
            system: app < 2 ? `You are ${["Mathy", "Quanta"][app] as string}, a maths tutor. Always write out your full reasoning, every step, before the final answer.` : `You are tutor app number ${app}.`,
            ...(app < 2 ? {} : { answerSchema: `steps[explanation,output]\nfinal_answer: app ${app}` }),
            userTurns: [problem],
            client: { ip: `52.14.${70 + app}.9`, asn: 16509, country: "US", userAgent: "python-requests/2.31.0" },
            accountMeta: { createdAt: "2025-06-12T15:22:10Z", paymentFp: `pf_tutorapp${app}_8d1e60c2b7`, verified: false },
          }),
        );
      }
    }
    const engine = new DetectionEngine();
    engine.observe(log.sort((x, y) => x.ts - y.ts));
    const verdicts = engine.finish().accounts;
    // Each asks in every request, which alone flags no app; tied by the problems they were a ring (6 of 6).
    expect(verdicts.every((a) => a.reasons.some((r) => r.startsWith("cot_elicitation_rate 1.00")))).toBe(true);
    expect(verdicts.filter((a) => a.flagged).map((a) => `${a.account}: ${a.reasons[0] ?? ""}`)).toEqual([]);
  });

  it("does not tie six grading apps into a ring by the benchmark answers their users all have graded", () => {
    // The items graded are a public benchmark's; the grader's schema ({rationale, score}, or criteria scored)
    // is each app's own instructions, now read as grading (see gradesInSchema): the graded texts are still
    // the users', and grading apps are not a ring for them.
    const answers = [
      "Question: What causes the seasons on Earth? Student answer: The Earth is closer to the Sun in summer.",
      "Question: Why does ice float on water? Student answer: Ice is less dense because its molecules form an open lattice.",
      "Question: What is the function of the mitochondria? Student answer: They make proteins for the cell.",
      "Question: Why is the sky blue? Student answer: Shorter wavelengths of sunlight are scattered more by the air.",
      "Question: What does a catalyst do? Student answer: It speeds up a reaction without being used up.",
      "Question: How do vaccines work? Student answer: They train the immune system to recognise a pathogen.",
    ];
    const log: Exchange[] = [];
    for (let app = 0; app < 6; app++) {
      for (let i = 0; i < 400; i++) {
        log.push(
          makeExchange({
            id: `ex_grader${app}_${i}`,
            ts: START + i * 21 * MINUTE + app * 3 * MINUTE,
            account: `acct_graderapp${app}`,
            system: `You are grading assistant number ${app} for a teachers' platform.`,
            answerSchema: app % 2 === 0 ? "rationale: why the answer earns its score\nscore: 0 to 5" : "feedback\nclarity_score\naccuracy_score",
            userTurns: [answers[(i + app) % answers.length] as string],
            client: { ip: `52.15.${70 + app}.9`, asn: 16509, country: "US", userAgent: "python-requests/2.31.0" },
            accountMeta: { createdAt: "2025-06-12T15:22:10Z", paymentFp: `pf_graderapp${app}_41c0a9e2d3`, verified: false },
          }),
        );
      }
    }
    const engine = new DetectionEngine();
    engine.observe(log.sort((x, y) => x.ts - y.ts));
    const verdicts = engine.finish().accounts;
    expect(verdicts.filter((a) => a.flagged).map((a) => `${a.account}: ${a.reasons[0] ?? ""}`)).toEqual([]);
  });

  it("judges the app's production, staging and development keys on one card as one account; the same keys sending a harness's asks are still a cluster", () => {
    const keysOfOneCustomer = (log: Exchange[]): Exchange[] =>
      log.map((ex) => ({ ...ex, accountMeta: { ...ex.accountMeta, paymentFp: "pf_mathy_founder_8c1e2f", emailHash: "eh_mathy_founder_77a1c0" } }));
    const server = (): { ip: string; country: string } => ({ ip: "52.14.77.9", country: "US" });
    const copy = (log: Exchange[], account: string, every: number, at: number): Exchange[] =>
      log.filter((_, i) => i % every === at).map((ex) => ({ ...ex, id: `${ex.id}_${account}`, account }));
    const production = tutoring("acct_mathy", server);
    // With a third key the app's prompt and question forms are sent from three accounts: one customer's, not a harness shared across accounts.
    const app = keysOfOneCustomer([...production, ...copy(production, "acct_mathy_staging", 10, 0), ...copy(production, "acct_mathy_dev", 10, 5)]);
    // Beside a ring, as in any log: alone in the graph, two accounts and their keys are no community Louvain keeps whole.
    const engine = new DetectionEngine();
    engine.observe([...app, ...ring()].sort((x, y) => x.ts - y.ts));
    const verdicts = engine.finish();
    const keys = ["acct_mathy", "acct_mathy_staging", "acct_mathy_dev"];
    for (const account of keys) {
      const verdict = verdicts.accounts.find((a) => a.account === account);
      expect(verdict?.flagged, account).toBe(false);
      expect(verdict?.reasons.join(" "), account).not.toMatch(/harness_template_share/);
    }
    const group = verdicts.clusters.find((c) => c.accounts.includes("acct_mathy"));
    expect(group?.reasons[0]).toMatch(/^\d accounts of one customer .*judged as one account/);

    // The same keys, card and server, each request a harness's instruction around a question in the user's turn.
    const harvest = keysOfOneCustomer(app.map((ex, i) => ({ ...ex, system: "", userTurns: [harness(i)], assistantTurns: [], turnCount: 1 })));
    const second = new DetectionEngine();
    second.observe([...harvest, ...ring()].sort((x, y) => x.ts - y.ts));
    const caught = second.finish();
    for (const account of keys) expect(caught.accounts.find((a) => a.account === account)?.flagged, account).toBe(true);

    // The app's instruction in the user's turn instead, around each student's question: its own template, which only its keys send.
    const instruction = "Explain your reasoning step by step so the student can follow every step, then state the final answer clearly.\n\nStudent question: ";
    const inTheTurn = app.map((ex) => ({ ...ex, system: "", userTurns: ex.userTurns.map((t, i) => (i === 0 ? `${instruction}${t}` : t)) }));
    const third = new DetectionEngine();
    third.observe([...inTheTurn, ...ring()].sort((x, y) => x.ts - y.ts));
    const app2 = third.finish();
    for (const account of keys) expect(app2.accounts.find((a) => a.account === account)?.flagged, account).toBe(false);
  });
});

describe("detection engine: a company's staff, each on a seat of its own in the company's organisation", () => {
  const HOUR = 60 * MINUTE;
  const ASSISTANT = "You are Acme Insight, the internal analytics assistant of Acme Logistics. Think through the question step by step and show your reasoning before giving the final answer.";
  const WORK = [
    "write a SQL query that sums invoice amounts by carrier for last month",
    "rewrite this email to the Hamburg depot so it sounds less annoyed: 'I asked three times about the pallets and still nothing.'",
    "what does demurrage mean and who usually pays it",
    "how do I undo the last git commit but keep the changes",
    "draft a short agenda for a 30 minute meeting about the ERP migration",
    "translate to German, formal: 'Your shipment is delayed by two days due to port congestion.'",
  ];
  const ANALYTICS = [
    "Weekly volumes were 120, 135, 128, 160, 171 and 158. Is there a trend, and what should we plan for next week?",
    "Carrier A costs 41 EUR a pallet with 96% on time, carrier B 37 EUR with 89%. Which should we pick for Rotterdam?",
    "Returns this month: 412, of which 6% damaged; last month 3.1%. Is that a real change?",
    "Warehouse capacity is 9,000 pallets and stock is at 71%, growing 4% a week. When do we run out of space?",
  ];

  /**
   * Twelve staff of an unverified company, seats made months before, each on its own card and email,
   * all in the company's organisation; weekdays in office hours from the office's two addresses. Eight
   * of them send three questions in four through the company's analytics assistant, whose system prompt
   * asks for the reasoning step by step. `asks` replaces what those eight send through it.
   */
  function company(org: string | undefined, asks?: (seat: number, i: number) => Exchange): Exchange[] {
    const log: Exchange[] = [];
    for (let seat = 0; seat < 12; seat++) {
      const account = `acct_acme_${seat}`;
      // Each seat's moments from a generator of its own: a shifted copy of one schedule would be lockstep.
      const when = createRng(seat + 1);
      for (let day = 0; day < 10; day++) {
        if (day % 7 >= 5) continue;
        for (let i = 0; i < 16; i++) {
          const n = day * 16 + i;
          const throughAssistant = seat < 8 && i % 4 !== 0;
          const base = makeExchange({
            id: `ex_${account}_${n}`,
            // Each at its own moments of the working day: people, not a scheduler.
            ts: START + day * 24 * HOUR + 8 * HOUR + Math.floor(when() * 600) * MINUTE + seat * 997,
            account,
            system: throughAssistant ? ASSISTANT : "",
            userTurns: [throughAssistant ? `${ANALYTICS[n % ANALYTICS.length] as string} (report ${n})` : `${WORK[(n + seat) % WORK.length] as string}`],
            client: { ip: `185.21.7.${(seat + i) % 2 === 0 ? 10 : 11}`, asn: 3320, country: "DE", userAgent: "Mozilla/5.0 AcmeChat/3.2" },
            accountMeta: { createdAt: "2025-05-20T00:00:00Z", paymentFp: `pf_acme_seat_${seat}_a41c9e`, emailHash: `eh_acme_staff_${seat}_7f20d1`, verified: false, tier: "team", ...(org ? { org } : {}) },
          });
          log.push(throughAssistant && asks ? { ...asks(seat, n), id: base.id, ts: base.ts, account, client: base.client, accountMeta: base.accountMeta } : base);
        }
      }
    }
    return log;
  }
  const verdicts = (log: Exchange[]): Map<string, { flagged: boolean; reasons: string[] }> => {
    const engine = new DetectionEngine();
    engine.observe([...log, ...ring()].sort((x, y) => x.ts - y.ts));
    return new Map(engine.finish().accounts.map((a) => [a.account, a]));
  };
  const assistantUsers = Array.from({ length: 8 }, (_, seat) => `acct_acme_${seat}`);

  it("judges the staff who use the company's assistant as one customer; the same seats outside any organisation are a flagged group", () => {
    const staff = verdicts(company("org_acme_logistics"));
    for (let seat = 0; seat < 12; seat++) expect(staff.get(`acct_acme_${seat}`)?.flagged, `seat ${seat} ${staff.get(`acct_acme_${seat}`)?.reasons.join("; ")}`).toBe(false);
    // Nothing but the office's addresses and the assistant's prompt ties them, and its prompt asks for the reasoning every time.
    const strangers = verdicts(company(undefined));
    expect(assistantUsers.some((a) => strangers.get(a)?.flagged)).toBe(true);
  });

  it("still flags the seats when what they send through it is a harness's asks in the user's turn", () => {
    const harvest = verdicts(company("org_acme_logistics", (seat, i) => makeExchange({ system: "", userTurns: [harness(seat * 1000 + i)] })));
    for (const a of assistantUsers) expect(harvest.get(a)?.flagged, a).toBe(true);
  });
});

describe("detection engine: one app's users, each with their own API key", () => {
  const HOUR = 60 * MINUTE;
  const APP = "You are a helpful assistant. Think step by step and explain your reasoning before giving the final answer.";

  /**
   * Thirty long-standing users of one app that sends its system prompt, asking for reasoning, with
   * every call: each on their own card and home address, in their own waking hours round the world;
   * four of them a household on one card, two of them neighbours behind one carrier address. What
   * they ask is their own: real people's prompts from the shared corpus, none sent twice.
   */
  function appUsers(system = APP, answerSchema?: string): Exchange[] {
    const asked = loadCorpus()
      .filter((p) => p.label === "organic" && p.text.length < 600)
      .map((p) => p.text);
    const log: Exchange[] = [];
    for (let u = 0; u < 30; u++) {
      const card = u < 4 ? "pf_household_7f3a9c21e5b0" : `pf_${(0x5a17c3e9 + u * 7919).toString(16)}`;
      const ip = u < 4 ? "198.51.100.44" : u === 10 || u === 11 ? "100.72.14.9" : `198.51.${101 + u}.${20 + u}`;
      for (let i = 0; i < 60; i++) {
        const day = Math.floor(i / 6);
        const localHour = 9 + ((i * 5 + u) % 13);
        log.push(
          makeExchange({
            id: `ex_app${u}_${i}`,
            ts: START + day * 24 * HOUR + (((localHour - u) % 24) + 24) % 24 * HOUR + ((u * 13 + i * 7) % 60) * MINUTE,
            account: `acct_app${u}`,
            system,
            userTurns: [asked[(u * 60 + i) % asked.length] as string],
            client: { ip, asn: 7922, country: "US", userAgent: "AppClient/3.2" },
            accountMeta: { createdAt: "2025-04-01T00:00:00Z", paymentFp: card, verified: false },
            ...(answerSchema !== undefined ? { answerSchema } : {}),
          }),
        );
      }
    }
    return log;
  }

  it("does not flag them as a ring, nor any small group of them, and still flags a ring that sends the same system prompt", () => {
    const log = appUsers();
    // The ring of the other tests, under the app's system prompt too: its own frame still elicits.
    for (const ex of ring()) log.push({ ...ex, system: APP });
    const byId = verdictsWithRingCaught(log);
    const flagged = [...byId].filter(([id, v]) => id.startsWith("acct_app") && v.flagged).map(([id, v]) => `${id}: ${v.reasons[0] ?? ""}`);
    expect(flagged).toEqual([]);
  });

  it("reads an app's answer schema that demands the steps as its system prompt: its users unflagged, a ring under it still caught", () => {
    const schema = "steps[explanation,output]\nfinal_answer";
    const log = appUsers("You are StudyBuddy, a friendly tutor.", schema);
    expect(requestSignals(log[0] as Exchange, loadDefaultModel()).cotEvidence.map((e) => e.where)).toEqual(["schema"]);
    for (const ex of ring()) log.push({ ...ex, system: "You are StudyBuddy, a friendly tutor.", answerSchema: schema });
    const byId = verdictsWithRingCaught(log);
    expect([...byId].filter(([id, v]) => id.startsWith("acct_app") && v.flagged).map(([id]) => id)).toEqual([]);
  });
});

describe("detection engine: a ring that asks for the reasoning only through its answers' schema", () => {
  /**
   * Twenty accounts made the day before their first use, each on its own card and address, round the
   * clock between them; a third of their requests are the ring's items in its one frame, the rest
   * ordinary questions. `ask`: what the items carry, an answer schema or (prefixed "SYS:") a system
   * prompt; none asks for anything in the user's words. (Aged accounts sharing one such prompt and
   * nothing else are an app's users as far as a log can tell, either way: see promptCrowd.)
   */
  function schemaRing(ask: string | undefined): Exchange[] {
    const log: Exchange[] = [];
    for (let a = 0; a < 20; a++) {
      for (let i = 0; i < 90; i++) {
        const item = i % 3 === 0;
        const prompt = item ? `Problem ${a * 100 + i} of the set: ${QUESTIONS[(a + i) % QUESTIONS.length] as string}. Respond in the required format.` : `${ORDINARY[(a + i) % ORDINARY.length] as string}, take ${i}`;
        const ex = exchange(`acct_sr${a}`, i, prompt, `pf_sr${a}_3d9b0e61c2`, `198.51.${120 + a}.${7 + a}`, i * 160 + a * 8, "2026-03-01T20:00:00Z");
        log.push(item && ask !== undefined ? (ask.startsWith("SYS:") ? { ...ex, system: ask.slice(4) } : { ...ex, answerSchema: ask }) : ex);
      }
    }
    return log.sort((x, y) => x.ts - y.ts);
  }
  const flagged = (log: Exchange[]): number => {
    const engine = new DetectionEngine();
    engine.observe(log);
    return engine.finish().accounts.filter((a) => a.account.startsWith("acct_sr") && a.flagged).length;
  };

  it("flags the ring as it flags one asking in its system prompt; the same traffic asking nothing is not", () => {
    expect(flagged(schemaRing(undefined))).toBe(0);
    expect(flagged(schemaRing("SYS:Before the final answer, write out your complete reasoning, every step."))).toBeGreaterThanOrEqual(18);
    expect(flagged(schemaRing("reasoning\nfinal_answer"))).toBeGreaterThanOrEqual(18);
  });
});

describe("detection engine: a ring that writes Chinese", () => {
  const questions = ["一个数的3倍加上5等于20，这个数是多少？", "从1到100的整数中，有多少个数能被7整除？", "袋子里有5个红球和3个白球，随机取两个都是红球的概率是多少？", "甲乙两地相距240公里，汽车每小时行60公里，几小时到达？"];
  const zhHarness = (i: number): string => `请先完整地写出你的推理过程，每一个中间步骤都不要省略，然后给出最终答案。\n\n题目：${questions[i % questions.length] as string}（编号${i}）`;
  const everyday = ["周末去杭州玩两天，帮我安排一下行程。", "推荐几本适合通勤时读的书。", "怎么做一道好吃的番茄炒蛋？", "帮我给同事写一段生日祝福。", "第一次面试要注意什么？"];

  // Split on spaces, each of these prompts was one or two words: no template family, so the ring's
  // one frame linked nobody and each member stood alone.
  it("links its members through their one harness frame, as it would in English, and leaves people who write Chinese alone", () => {
    const log: Exchange[] = [];
    for (let r = 0; r < 8; r++) {
      for (let i = 0; i < 80; i++) log.push(exchange(`acct_zh${r}`, i, zhHarness(r * 100 + i), `pf_zh${r}`, `203.0.113.${10 + r}`, i * 37 + r * 5));
    }
    for (let u = 0; u < 6; u++) {
      for (let i = 0; i < 20; i++) log.push(exchange(`acct_person${u}`, i, everyday[(u + i) % everyday.length] as string, `pf_person${u}`, `198.51.100.${u}`, 600 + u * 13 + i * 190, "2024-05-01T00:00:00Z"));
    }
    log.sort((a, b) => a.ts - b.ts);
    const engine = new DetectionEngine();
    engine.observe(log);
    const report = engine.finish();
    const byId = new Map(report.accounts.map((a) => [a.account, a]));
    for (let r = 0; r < 8; r++) {
      const member = byId.get(`acct_zh${r}`);
      expect(member?.flagged, `ring member ${r}`).toBe(true);
      // Flagged as a member of a cluster its frame links (Louvain cuts this small ring in two, in English too).
      const cluster = report.clusters.find((c) => c.id === member?.cluster);
      expect(cluster?.links.some((l) => l.kind === "template" && l.accounts === cluster.accounts.length), `ring member ${r}`).toBe(true);
    }
    for (let u = 0; u < 6; u++) expect(byId.get(`acct_person${u}`)?.flagged, `person ${u}`).toBe(false);
  });
});

describe("detection engine: a careful ring that mixes one ask, in its own words, into a dozen ordinary requests", () => {
  // Its own wordings of the ask: frames nobody outside the ring sends.
  const asks = [
    "Talk me through how you would reason about this, every consideration included, before you conclude.",
    "Lay out your reasoning in full, each inference on its own line, then give your verdict.",
    "I want to see your whole thought process for this one, not just the answer.",
    "Reason aloud about this first, showing every intermediate thought, and only then answer.",
  ];
  // The items it harvests, generated: one wording each, the numbers varying.
  const problems: Array<(n: number) => string> = [
    (n) => `A shop sells pens at ${(n % 7) + 2} dollars each and gives ${n % 30}% off above ${(n % 5) + 3} pens. What do ${(n % 40) + 10} pens cost?`,
    (n) => `Two trains leave stations ${(n % 90) * 10 + 100} km apart toward each other at ${(n % 50) + 40} and ${(n % 30) + 60} km/h. When do they meet?`,
    (n) => `How many positive integers below ${(n % 900) + 100} are divisible by ${(n % 7) + 2} but not by ${(n % 5) + 11}?`,
    (n) => `The sum of two numbers is ${(n % 80) + 20} and their difference is ${(n % 10) * 2}. What are the two numbers?`,
  ];
  const everyday = [...ORDINARY, "what time zone should I use for a meeting between Berlin and Chicago", "give me three ideas for a quick weekday dinner", "how do I get candle wax out of a tablecloth"];

  /**
   * Twenty aged accounts, each on its own card and address, over a month: one ask in twelve requests,
   * in one of the ring's four wordings round one of its four item templates. `lab` adds two lab accounts
   * running the same items with the stock trigger; `people` thirty people asking now and then.
   */
  function careful(): Exchange[] {
    const log: Exchange[] = [];
    const pick = createRng(7);
    for (let r = 0; r < 20; r++) {
      for (let i = 0; i < 600; i++) {
        const prompt = i % 12 === 5 ? `${problems[Math.floor(pick() * problems.length)]?.(r * 1000 + i) as string}\n\n${asks[Math.floor(pick() * asks.length)] as string}` : (everyday[(r * 7 + i) % everyday.length] as string);
        log.push(exchange(`acct_ring${r}`, i, prompt, `pf_ring${r}_7c1e9a`, `203.0.113.${10 + r}`, i * 72 + Math.floor(pick() * 70), "2025-06-01T00:00:00Z"));
      }
    }
    for (let u = 0; u < 30; u++) {
      for (let i = 0; i < 60; i++) {
        const own = i % 10 === 3 ? `${QUESTIONS[(u + i) % QUESTIONS.length] as string}? can you explain your reasoning step by step` : (everyday[(u * 3 + i) % everyday.length] as string);
        log.push(exchange(`acct_user${u}`, i, own, `pf_user${u}_5d2b8f`, `198.51.${u}.7`, 300 + u * 11 + i * 211, "2024-01-01T00:00:00Z"));
      }
    }
    return log.sort((a, b) => a.ts - b.ts);
  }

  // Louvain cut the ring into communities of 5, 7 and 8: each held under 90% of the families the whole
  // ring sends, so none had templates of its own, its 8% asks were a person's rate, and none of the ring
  // was flagged; had one been, its members' one ask in twelve was under the tenth a member had to reach.
  it("reads each piece of the ring with the families the rest of it sends, and flags every member; the people stay unflagged", () => {
    const engine = new DetectionEngine();
    engine.observe(careful());
    const report = engine.finish();
    const byId = new Map(report.accounts.map((a) => [a.account, a]));
    for (let r = 0; r < 20; r++) expect(byId.get(`acct_ring${r}`)?.flagged, `ring member ${r}`).toBe(true);
    for (let u = 0; u < 30; u++) expect(byId.get(`acct_user${u}`)?.flagged, `user ${u}`).toBe(false);
    const ring = report.clusters.filter((c) => c.accounts.some((a) => a.startsWith("acct_ring")));
    expect(ring.length).toBeGreaterThan(1);
    for (const c of ring) expect(c.reasons.some((why) => /send eliciting templates nobody outside them sends/.test(why)), c.reasons.join("; ")).toBe(true);
  });
});

describe("detection engine: a ring that appends its instruction on the question's own line", () => {
  // Maths questions as distillation sets hold them, and what people typed, from the shared corpora.
  const corpus = loadCorpus();
  const maths = corpus.filter((p) => p.label === "distill" && p.text.length < 400 && !p.text.includes("\n") && /\d/.test(p.text)).map((p) => p.text);
  const typed = corpus.filter((p) => p.label === "organic" && p.text.length < 300).map((p) => p.text);

  // "…How many are left? Let's think step by step.": no 12-word frame or line is shared across its
  // requests; before sentence frames, half such a ring (aged, verified, a card and an address each) went
  // uncaught. People who end some of their own maths questions the same way are not linked to it.
  it("links the ring through its closing sentence and flags all of it; people who end questions alike stay unflagged", () => {
    const log: Exchange[] = [];
    const at = (account: string, i: number, prompt: string, card: string, ip: string, min: number, createdAt: string): Exchange =>
      makeExchange({ id: `ex_${account}_${i}`, ts: START + min * MINUTE, account, system: "", userTurns: [prompt], client: { ip, asn: 64500, country: "US", userAgent: "python-httpx/0.27.0" }, accountMeta: { createdAt, paymentFp: `${card}_x9f3a7c`, verified: true } });
    for (let r = 0; r < 12; r++) {
      for (let i = 0; i < 150; i++) log.push(at(`acct_ring${r}`, i, `${maths[(r * 150 + i) % 1800] as string} Let's think step by step.`, `pf_ring${r}`, `203.0.113.${10 + r}`, i * 53 + r * 7, "2023-06-01T00:00:00Z"));
    }
    for (let u = 0; u < 40; u++) {
      for (let i = 0; i < 40; i++) {
        const own = i % 10 === 0 ? `${maths[maths.length - 1 - ((u * 31 + i) % 400)] as string} Let's think step by step.` : (typed[(u * 40 + i * 7) % typed.length] as string);
        log.push(at(`acct_user${u}`, i, own, `pf_user${u}`, `198.51.${u}.7`, 300 + u * 11 + i * 600, "2022-01-01T00:00:00Z"));
      }
    }
    log.sort((a, b) => a.ts - b.ts);
    const engine = new DetectionEngine();
    engine.observe(log);
    const report = engine.finish();
    const byId = new Map(report.accounts.map((a) => [a.account, a]));
    for (let r = 0; r < 12; r++) expect(byId.get(`acct_ring${r}`)?.flagged, `ring member ${r}`).toBe(true);
    for (let u = 0; u < 40; u++) expect(byId.get(`acct_user${u}`)?.flagged, `user ${u}`).toBe(false);
    // The sentence links the ring here but is not shared as its indicator: another provider's watchlist
    // would match it in every request of everyone who ends a question that way.
    const ringClusters = report.clusters.filter((c) => c.accounts.some((a) => a.startsWith("acct_ring")));
    expect(ringClusters.some((c) => c.links.some((l) => l.kind === "template" && isSentenceFrame(l.value.slice("tf_".length))))).toBe(true);
    for (const c of ringClusters) expect((c.indicators ?? []).filter((i) => i.kind === "template" && isPhraseFrame(i.value))).toEqual([]);
  });
});

describe("detection engine: what a flagged cluster's indicators may hold", () => {
  const judge = (i: number): string =>
    `Please act as an impartial judge and evaluate the quality of the response provided by an AI assistant to the user question displayed below. Be as objective as possible and rate the response on a scale of 1 to 10.\n\n[Question]\n${QUESTIONS[i % QUESTIONS.length] as string} (case ${i})\n\n[The Start of Assistant's Answer]\nThe answer is ${i * 7}.\n[The End of Assistant's Answer]`;
  const keysOf = (prompt: string): string[] => {
    const s = requestSignals(makeExchange({ userTurns: [prompt] }), loadDefaultModel());
    return [...(s.template.templated ? [s.template.exact] : []), ...s.template.frames];
  };

  // Another provider's watchlist matches an indicator in every request that carries it and its policy
  // acts on the match alone, so a value this provider's own ordinary customers use must stay home: a
  // common client's user agent, a carrier's ASN, a stock eval prompt that vetted labellers send all day.
  it("shares the ring's harness frame and proxy block, not the client, network or stock prompt its neighbours use", () => {
    const log: Exchange[] = [];
    for (let r = 0; r < 8; r++) {
      for (let i = 0; i < 80; i++) log.push(exchange(`acct_ring${r}`, i, i % 4 === 3 ? judge(r * 100 + i) : harness(r * 100 + i), `pf_ring${r}_7c41e9a2`, `203.0.113.${10 + r}`, i * 37 + r * 5));
    }
    // Twenty people on the ring's client library and carrier (exchange() gives every account both).
    for (let u = 0; u < 20; u++) log.push(...ordinaryUser(`acct_user${u}`, `pf_user${u}_9e02b6d1`, `198.51.100.${u + 1}`, 30, 200 + u * 13, 90, "2024-01-01T00:00:00Z"));
    // Four labellers in a research programme grading answers with the same judge prompt, all day.
    for (let p = 0; p < 4; p++) {
      for (let i = 0; i < 150; i++) {
        const ex = exchange(`acct_lab${p}`, i, judge(1000 + p * 200 + i), `pf_lab${p}_52d0a8e1`, `192.0.2.${p + 1}`, 100 + i * 19 + p * 3, "2023-01-01T00:00:00Z");
        ex.accountMeta = { ...ex.accountMeta, program: "research" };
        log.push(ex);
      }
    }
    log.sort((a, b) => a.ts - b.ts);
    const engine = new DetectionEngine();
    engine.observe(log);
    const report = engine.finish();
    const byId = new Map(report.accounts.map((a) => [a.account, a]));
    for (let r = 0; r < 8; r++) expect(byId.get(`acct_ring${r}`)?.flagged, `ring member ${r}`).toBe(true);
    for (const a of report.accounts.filter((x) => !x.account.startsWith("acct_ring"))) expect(a.flagged, a.account).toBe(false);

    // Louvain may cut the ring in two; each part shares what its own members carry.
    const parts = report.clusters.filter((c) => c.flagged && c.accounts.some((a) => a.startsWith("acct_ring")));
    expect(parts.flatMap((c) => c.accounts).filter((a) => a.startsWith("acct_ring"))).toHaveLength(8);
    for (const part of parts) {
      const shared = part.indicators ?? [];
      const values = new Set(shared.map((i) => i.value));
      expect(keysOf(harness(12345)).some((k) => values.has(k))).toBe(true);
      expect(shared).toContainEqual(expect.objectContaining({ kind: "slash24", value: "203.0.113" }));
      expect(shared.filter((i) => i.kind === "asn" || i.kind === "user_agent")).toEqual([]);
      expect(keysOf(judge(4321)).filter((k) => values.has(k))).toEqual([]);
    }
  });
});

describe("detection engine: new heads of a campaign of a thousand accounts", () => {
  it("counts the flagged peers of a shared harness up to 1000 and says 1000+ beyond (counting them all was quadratic in its heads)", () => {
    const log: Exchange[] = [];
    for (let a = 0; a < 1400; a++) {
      for (let i = 0; i < 6; i++) log.push(exchange(`acct_h${a}`, i, harness(a * 10 + i), `pf_h${a}`, `198.51.${a % 200}.${(a * 7) % 250}`, a * 3 + i * 60, "2026-03-01T12:00:00Z"));
    }
    // Days later, a fresh account sending the harness: a head of the campaign at its first request.
    log.push(exchange("acct_head", 0, harness(99_999), "pf_head", "192.0.2.77", 20 * 24 * 60, "2026-03-21T00:00:00Z"));
    const { byId } = headVerdicts(log, 1400);
    expect(byId.get("acct_head")?.reasons.join(" ")).toMatch(/template \S+ shared with 1000\+ flagged accounts \(account unverified and under 7 days old\)/);
  });

  it("names a card that grew past the crowd cap after it was tainted by what is known, and keeps it among the cluster's links and indicators", () => {
    const log: Exchange[] = [];
    for (let a = 0; a < 600; a++) {
      for (let i = 0; i < 6; i++) log.push(exchange(`acct_h${a}`, i, harness(a * 10 + i), "pf_hydra_card", `198.51.${a % 200}.${(a * 7) % 250}`, a * 60 + i * 10, "2026-03-01T12:00:00Z"));
    }
    log.push(exchange("acct_head", 0, ORDINARY[0] as string, "pf_hydra_card", "192.0.2.77", 40 * 24 * 60, "2026-04-10T00:00:00Z"));
    const { byId, clusters } = headVerdicts(log, 600);
    expect(byId.get("acct_head")?.reasons.join(" ")).toMatch(/payment_fp \S+ of a flagged cluster, on more than 500 accounts$/);
    // The plainest fact about the campaign, which links nobody past the cap, is still in its report and
    // among the values the gateway tells its new heads by.
    const biggest = clusters.filter((c) => c.flagged).sort((a, b) => b.accounts.length - a.accounts.length)[0];
    const card = biggest?.links.find((l) => l.kind === "payment_fp" && l.value === "pf_hydra_card");
    // Louvain parts the 600 once the card links nobody; every member of each part is on it.
    expect(card?.accounts).toBe(biggest?.accounts.length);
    expect(biggest?.indicators?.some((i) => i.kind === "payment_fp" && i.value === "pf_hydra_card")).toBe(true);
  });
});

/** The hunt's verdicts on a campaign of `members` accounts acct_h… and a head acct_head sent last, after checking both are flagged, the head at its first request. */
function headVerdicts(log: Exchange[], members: number): { byId: Map<string, { flagged: boolean; reasons: string[] }>; clusters: ClusterVerdict[] } {
  log.sort((x, y) => x.ts - y.ts);
  const engine = new DetectionEngine();
  engine.observe(log);
  const { accounts, clusters } = engine.finish();
  const byId = new Map(accounts.map((v) => [v.account, v]));
  expect([...byId.values()].filter((v) => v.account.startsWith("acct_h") && v.account !== "acct_head" && v.flagged).length).toBe(members);
  const head = byId.get("acct_head");
  expect(head?.flagged).toBe(true);
  expect(head?.firstFlaggedAt).toBe(log[log.length - 1]?.ts);
  return { byId, clusters };
}

describe("detection engine: a fleet in lockstep that shares nothing else", () => {
  /**
   * Twelve accounts on their own cards and addresses, made months before, asking ordinary questions:
   * one scheduler's jobs (one to three a day at any hour, 20 to 90 minutes) worked together, or the
   * same accounts each working at hours of its own. Forty people alongside, in twenty households
   * sharing a card (a log links more than one group: Louvain splits a graph that is one group alone).
   */
  function fleetLog(inLockstep: boolean): Exchange[] {
    const rng = createRng(5);
    const days = 14;
    const planOf = (): Array<{ at: number; ms: number }> =>
      Array.from({ length: days }, (_, d) => Array.from({ length: 1 + Math.floor(rng() * 3) }, () => ({ at: d * 24 * 60 + Math.floor(rng() * 24 * 60), ms: 20 + Math.floor(rng() * 70) }))).flat();
    const shared = planOf();
    const log: Exchange[] = [];
    const aged = "2025-11-01T00:00:00Z";
    for (let a = 0; a < 12; a++) {
      const plan = inLockstep ? shared : planOf();
      let i = 0;
      for (const job of plan) {
        if (rng() > 0.75) continue;
        for (let t = Math.floor(rng() * 5); t < job.ms; t += 4 + Math.floor(rng() * 6)) log.push(exchange(`acct_fleet${a}`, i, ORDINARY[i++ % ORDINARY.length] as string, `pf_fleet${a}_7f3a9c21e4`, `198.18.${a}.7`, job.at + t, aged));
      }
    }
    for (let p = 0; p < 40; p++) {
      let i = 0;
      for (let d = 0; d < days; d++) {
        for (let s = Math.floor(rng() * 4); s > 0; s--) {
          const at = d * 24 * 60 + 14 * 60 + Math.floor(rng() * 10 * 60);
          for (let k = 0; k < 3; k++) log.push(exchange(`acct_person${p}`, i, ORDINARY[i++ % ORDINARY.length] as string, `pf_home${p >> 1}_52b9e1d0c3`, `192.0.2.${p}`, at + k * 4, aged));
        }
      }
    }
    return log.sort((x, y) => x.ts - y.ts);
  }

  function verdicts(log: Exchange[]): Map<string, { flagged: boolean; reasons: string[] }> {
    const engine = new DetectionEngine();
    engine.observe(log);
    return new Map(engine.finish().accounts.map((a) => [a.account, a]));
  }

  it("flags the fleet for its timing alone and leaves the people, and the same accounts working on their own hours, alone", () => {
    const together = verdicts(fleetLog(true));
    for (let a = 0; a < 12; a++) expect(together.get(`acct_fleet${a}`)?.flagged, `fleet account ${a}`).toBe(true);
    expect(together.get("acct_fleet0")?.reasons.join(" ")).toMatch(/lockstep/);
    for (let p = 0; p < 40; p++) expect(together.get(`acct_person${p}`)?.flagged, `person ${p}`).toBe(false);
    const apart = verdicts(fleetLog(false));
    for (let a = 0; a < 12; a++) expect(apart.get(`acct_fleet${a}`)?.flagged, `fleet account ${a} on its own hours`).toBe(false);
  });
});

describe("detection engine: a university lab evaluating the model, in the open", () => {
  const HOUR = 60 * MINUTE;
  const benchmark = loadCorpus()
    .filter((p) => p.group === "math-benchmarks")
    .slice(0, 150)
    .map((p) => `Q: ${p.text}\nA: Let's think step by step.`);

  /**
   * Three students on the lab's card, from the campus address, each running the lab's benchmark in
   * the zero-shot reasoning template: greedy runs a few days apart (the same items again under another
   * setting) and one sampled run; each also asks a few questions of their own from home.
   */
  function lab(createdAt: string): Exchange[] {
    const runs = [
      { student: 0, day: 1, temperature: 0 },
      { student: 1, day: 2, temperature: 0 },
      { student: 2, day: 3, temperature: 0 },
      { student: 0, day: 5, temperature: 0 },
      { student: 1, day: 6, temperature: 0.7 },
      { student: 2, day: 8, temperature: 0 },
      { student: 0, day: 9, temperature: 0 },
    ];
    const log: Exchange[] = [];
    const meta = { createdAt, paymentFp: "pf_lab_3c0d392d34b3", verified: false };
    runs.forEach(({ student, day, temperature }, r) => {
      benchmark.forEach((q, i) =>
        log.push(
          makeExchange({
            id: `ex_lab_${r}_${i}`,
            ts: START + day * 24 * HOUR + 14 * HOUR + i * 20_000,
            account: `acct_student${student}`,
            system: "",
            userTurns: [q],
            params: { maxTokens: 4096, temperature, logprobs: false, logitBias: false, stream: false, reasoningRequested: false },
            client: { ip: "128.32.5.77", asn: 25, country: "US", userAgent: "python-httpx/0.27.0" },
            accountMeta: meta,
          }),
        ),
      );
    });
    for (let s = 0; s < 3; s++) {
      ORDINARY.forEach((q, i) =>
        log.push(
          makeExchange({
            id: `ex_home_${s}_${i}`,
            ts: START + (i * 2 + 1) * 24 * HOUR + (20 + s) * HOUR,
            account: `acct_student${s}`,
            userTurns: [q],
            client: { ip: `73.15.${40 + s}.9`, asn: 7922, country: "US", userAgent: "Mozilla/5.0" },
            accountMeta: meta,
          }),
        ),
      );
    }
    return log.sort((a, b) => a.ts - b.ts);
  }

  it("does not flag the lab: its greedy re-runs are counted once and its pooled behaviour is one team's", () => {
    const engine = new DetectionEngine();
    engine.observe(lab("2025-10-01T00:00:00Z"));
    const accounts = engine.finish().accounts.filter((a) => a.account.startsWith("acct_student"));
    expect(accounts).toHaveLength(3);
    for (const a of accounts) expect(a.flagged, `${a.account}: ${a.reasons.join("; ")}`).toBe(false);
  });

  it("flags the same traffic from accounts made the day before their first use", () => {
    const engine = new DetectionEngine();
    engine.observe(lab("2026-03-02T00:00:00Z"));
    const accounts = engine.finish().accounts.filter((a) => a.account.startsWith("acct_student"));
    expect(accounts.filter((a) => a.flagged)).toHaveLength(3);
  });
});

describe("detection engine: strangers behind one VPN that hands out a new exit per request", () => {
  const PEOPLE = 40;
  const EXITS = Array.from({ length: 24 }, (_, i) => `185.212.${40 + i}.17`);
  // Each person's own words when they want the steps: people do not share one phrasing.
  const asks = [
    "can you walk me through how you got that, step by step? I want to follow the reasoning",
    "show me your thinking on this one, every step: is 391 prime?",
    "explain your reasoning in detail before you answer: which is bigger, 3^40 or 4^30?",
    "think it through step by step and show all of your work please",
  ];
  /** Forty people, a year into their accounts, each on their own card, asking now and then for the steps; every request leaves by a random exit. */
  function vpnUsers(createdAt: string, asksEvery: number): Exchange[] {
    const rng = createRng(7);
    const log: Exchange[] = [];
    for (let p = 0; p < PEOPLE; p++) {
      const wakes = Math.floor(rng() * 24 * 60);
      for (let i = 0; i < 30; i++) {
        const day = Math.floor(i / 6);
        const minute = day * 24 * 60 + wakes + (i % 6) * 110 + Math.floor(rng() * 60);
        const prompt = i % asksEvery === asksEvery - 1 ? `${asks[(p + i) % asks.length] as string} (${p}.${i})` : `${ORDINARY[(p + i) % ORDINARY.length] as string} (${p}.${i})`;
        log.push(exchange(`acct_vpn${p}`, i, prompt, `pf_vpn${p}_4e1c09b2d7`, EXITS[Math.floor(rng() * EXITS.length)] as string, minute, createdAt));
      }
    }
    return log.sort((a, b) => a.ts - b.ts);
  }

  const flaggedOf = (log: Exchange[]): number => {
    const engine = new DetectionEngine();
    engine.observe(log);
    return engine.finish().accounts.filter((a) => a.account.startsWith("acct_vpn") && a.flagged).length;
  };

  it("flags none of them for meeting at its exits round the clock, though each asks for the steps one time in ten", () => {
    // Before the network gate (cluster/score.ts), 21 of the 40: their groups scored 0.84-0.86 on the exits alone.
    expect(flaggedOf(vpnUsers("2025-03-01T00:00:00Z", 8))).toBe(0);
  });

  it("flags the same traffic from accounts made for the job that ask for the reasoning a third of the time: a hydra", () => {
    expect(flaggedOf(vpnUsers("2026-03-01T20:00:00Z", 3))).toBeGreaterThanOrEqual(PEOPLE * 0.9);
  });
});

describe("detection engine: verified organisations", () => {
  const COUNTRIES = ["US", "DE", "BR", "SG"];

  it("flags a hydra whose heads are each a verified organisation once they leave through a rotating pool, and keeps a labelling company's seats covered", () => {
    const log = ring();
    // A labelling company: four long-standing seats on its card, at its office, grading with the ring's own harness.
    for (let s = 0; s < 4; s++) {
      for (let i = 0; i < 60; i++) {
        const ex = exchange(`acct_seat${s}`, i, harness(3000 + s * 100 + i), "pf_labelco_7d21e9", "198.51.100.30", 20 + i * 41 + s * 9, "2025-02-01T00:00:00Z");
        ex.accountMeta = { ...ex.accountMeta, verified: true, org: "org_labelco" };
        log.push(ex);
      }
    }
    // Eight heads, each verified under an organisation of its own name and card, every request through another residential /24 of another ISP.
    for (let h = 0; h < 8; h++) {
      for (let i = 0; i < 40; i++) {
        const ex = exchange(`acct_verified_head${h}`, i, harness(5000 + h * 100 + i), `pf_vh${h}_3c9e71`, `100.${64 + ((h * 40 + i) % 60)}.${(h * 7 + i * 13) % 250}.${10 + h}`, 30 + i * 53 + h * 11, "2025-12-01T00:00:00Z");
        ex.accountMeta = { ...ex.accountMeta, verified: true, org: `org_head${h}` };
        ex.client = { ...ex.client, asn: 7000 + ((h * 40 + i) % 60), country: COUNTRIES[(h + i) % COUNTRIES.length] as string };
        log.push(ex);
      }
    }
    const byId = verdictsWithRingCaught(log);
    for (let h = 0; h < 8; h++) expect(byId.get(`acct_verified_head${h}`)?.flagged, `head ${h}`).toBe(true);
    expect(byId.get("acct_verified_head0")?.reasons.at(-1)).toMatch(/^verified organisation org_head0 not covered: \d+ networks of \d+ ASNs in 40 requests from 4 countries$/);
    for (let s = 0; s < 4; s++) expect(byId.get(`acct_seat${s}`)?.flagged, `seat ${s}`).toBe(false);
  });
});

describe("detection engine: who may contest shared intel", () => {
  it("tells the intel matcher an account is vetted while its verified organisation's cover holds, and not once it leaves through a proxy pool", () => {
    const seen = new Map<string, boolean>();
    const intel: IntelMatcher = {
      match: (ex, _s, _now, vetted) => {
        seen.set(ex.account, vetted);
        return { matches: 0, sources: 0, maxConfidence: 0, reasons: [] };
      },
    };
    const log: Exchange[] = [];
    for (let i = 0; i < 30; i++) {
      const seat = exchange("acct_seat", i, ORDINARY[i % ORDINARY.length] as string, "pf_labelco_7d21e9", "198.51.100.30", i * 30, "2025-02-01T00:00:00Z");
      seat.accountMeta = { ...seat.accountMeta, verified: true, org: "org_labelco" };
      const head = exchange("acct_head", i, ORDINARY[i % ORDINARY.length] as string, "pf_head_3c9e71", `100.${64 + i}.${i * 7}.9`, i * 30 + 1, "2025-02-01T00:00:00Z");
      head.accountMeta = { ...head.accountMeta, verified: true, org: "org_head" };
      head.client = { ...head.client, asn: 7000 + i, country: ["US", "DE", "BR", "SG", "IN"][i % 5] as string };
      log.push(seat, head);
    }
    const engine = new DetectionEngine(new Map(), { intel, intelConfidence: 50 });
    engine.observe(log);
    expect(seen.get("acct_seat")).toBe(true);
    expect(seen.get("acct_head")).toBe(false);
  });
});
