import { describe, expect, it } from "vitest";
import { loadCorpus } from "../corpus/index.js";
import { makeExchange } from "../testing/exchanges.js";
import { AccountState, coverHolds, coverLapse, greedyResendsOf, ownElicitation, scoreAccount, styleWeight, utcHour, type AccountFeatures } from "./account.js";
import { loadDefaultModel } from "./classifier.js";
import { requestSignals } from "./signals.js";

describe("utcHour", () => {
  it("agrees with Date on both sides of the epoch and at hour edges", () => {
    const times = [0, 1, 3_599_999, 3_600_000, -1, -3_600_000, -3_600_001, Date.parse("2026-03-29T01:30:00Z"), Date.parse("2025-12-31T23:59:59.999Z")];
    for (let t = Date.parse("2025-01-01T00:00:00Z"); t < Date.parse("2025-01-03T00:00:00Z"); t += 1_234_567) times.push(t);
    for (const t of times) expect(utcHour(t), new Date(t).toISOString()).toBe(new Date(t).getUTCHours());
  });
});

describe("extraction-style evidence", () => {
  // Why it is weighed lightly: ordinary questions in the imperative, written by hand, score like the
  // instruction datasets the model was trained to call "distill".
  it.each(["Describe the steps of the scientific method.", "Review my code and list the issues you find.", "Tell me what you know about the Roman Empire."])(
    "scores an ordinary imperative prompt high: %s",
    (prompt) => {
      expect(loadDefaultModel().score(prompt)).toBeGreaterThan(0.8);
    },
  );

  it("adds nothing up to a mean of 0.5 and at most 0.75 log-odds", () => {
    expect(styleWeight(0.3)).toBe(0);
    expect(styleWeight(0.5)).toBe(0);
    expect(styleWeight(0.8)).toBeCloseTo(0.45);
    expect(styleWeight(1)).toBe(0.75);
  });
});

describe("AccountState: reasoning asks that rest on an app's system prompt", () => {
  const APP = "You are a helpful assistant. Think step by step and explain your reasoning before giving the final answer.";
  const observeAll = (st: AccountState, prompts: readonly string[], appPrompt = false): void => {
    prompts.forEach((p, i) => {
      const ex = makeExchange({ id: `ex_${i}`, system: APP, userTurns: [p] });
      const s = requestSignals(ex, loadDefaultModel());
      st.observe(ex, s, ownElicitation(s, appPrompt));
    });
  };

  it("takes back the asks the system prompt alone made once it proves an app's, and keeps the user's own", () => {
    const st = new AccountState();
    observeAll(st, ["what's a good recipe for banana bread without eggs", "Walk me through your reasoning: which is larger, 2^30 or 10^9?"]);
    expect(st.cotHits).toBe(2);
    st.countHarness(requestSignals(makeExchange({ system: APP }), loadDefaultModel()).systemPromptHash, true);
    const hash = [...st.onSystemPrompt.keys()][0] as string;
    st.excusePrompt(hash);
    expect(st.cotHits).toBe(1);
    expect(st.harnessHits).toBe(0);
    expect(st.harnessAsks).toBe(0);
    // Once known as an app's, its asks are not counted at all; the user's own still are.
    observeAll(st, ["help me write a birthday message for my grandmother", "Walk me through your reasoning: is 91 prime?"], true);
    expect(st.cotHits).toBe(2);
  });
});

describe("greedy re-sends: an evaluation re-running its benchmark", () => {
  const benchmark = loadCorpus()
    .filter((p) => p.group === "math-benchmarks")
    .slice(0, 200)
    .map((p) => `Q: ${p.text}\nA: Let's think step by step.`);
  const model = loadDefaultModel();

  /** `runs` passes over the benchmark at `temperature`, as one account sends them. */
  function evaluate(runs: number, temperature: number, items = benchmark): AccountState {
    const st = new AccountState();
    for (let run = 0; run < runs; run++) {
      items.forEach((q, i) => {
        const ex = makeExchange({ id: `ex_${run}_${i}`, system: "", userTurns: [q], params: { maxTokens: 4096, temperature, logprobs: false, logitBias: false, stream: false, reasoningRequested: false } });
        st.observe(ex, requestSignals(ex, model));
      });
    }
    return st;
  }

  it("asks the same question greedily again: counted once, which leaves one strong tell", () => {
    const once = evaluate(1, 0);
    expect(once.cotHits).toBeGreaterThan(190);
    expect(once.greedyResends).toBe(0);
    const six = evaluate(6, 0);
    expect(six.greedyAsks).toBe(once.cotHits * 6);
    // Five of every six asks re-sent a prompt already answered, within the counter's error.
    expect(six.greedyResends / six.greedyAsks).toBeGreaterThan(0.8);
    expect(six.greedyResends / six.greedyAsks).toBeLessThan(0.85);
    const score = scoreAccount(six);
    expect(score.reasons.join("\n")).toMatch(/greedy re-sends of prompts already answered not counted/);
    // Six runs score no higher than one: the re-sends harvested nothing.
    expect(score.score).toBeLessThanOrEqual(scoreAccount(once).score + 0.01);
  });

  it("counts every ask when it samples, or asks new questions each time", () => {
    // Six samples of each question at temperature 0.7: six different answers, the stuff of rejection sampling.
    expect(evaluate(6, 0.7).greedyResends).toBe(0);
    // Greedy but never the same question twice: 1,200 different prompts.
    const fresh = loadCorpus()
      .filter((p) => p.group === "math-benchmarks")
      .slice(0, 1_200)
      .map((p) => `Q: ${p.text}\nA: Let's think step by step.`);
    expect(evaluate(1, 0, fresh).greedyResends).toBe(0);
  });

  it("reads no re-sends into a handful of asks", () => {
    expect(evaluate(3, 0, benchmark.slice(0, 5)).greedyResends).toBe(0);
    expect(greedyResendsOf(19, null)).toBe(0);
  });
});

describe("coverHolds", () => {
  const seat = (meta: AccountFeatures["meta"], exchanges: number, distinctSlash24s: number, distinctCountries: number, distinctAsns = distinctSlash24s) => ({ meta, exchanges, distinctSlash24s, distinctCountries, distinctAsns });
  const ORG = { verified: true, org: "org_labelco" };

  it("holds for a verified organisation's seat working from its own few addresses, and for a research programme wherever it works from", () => {
    expect(coverHolds(seat(ORG, 400, 3, 1))).toBe(true);
    expect(coverHolds(seat({ program: "research" }, 400, 380, 9))).toBe(true);
  });

  it("does not hold for a verified organisation's seat that leaves through a new network with most requests, or from more than four countries", () => {
    expect(coverHolds(seat(ORG, 40, 31, 2))).toBe(false);
    expect(coverHolds(seat(ORG, 400, 12, 5))).toBe(false);
    // An app deployed in three cloud regions, and one on serverless functions drawing a new address per call from its provider's pool.
    expect(coverHolds(seat(ORG, 400, 6, 3))).toBe(true);
    expect(coverHolds(seat(ORG, 400, 380, 1, 1))).toBe(true);
    // A residential pool in one country: its exits belong to many ISPs.
    expect(coverHolds(seat(ORG, 400, 380, 1, 40))).toBe(false);
    // Too few requests to show rotation yet.
    expect(coverHolds(seat(ORG, 6, 6, 1))).toBe(true);
  });

  it("says why it lapsed, and nothing while it holds or where none is claimed", () => {
    expect(coverLapse(seat(ORG, 40, 31, 2, 12))).toBe("verified organisation org_labelco not covered: 31 networks of 12 ASNs in 40 requests from 2 countries");
    expect(coverLapse(seat(ORG, 400, 3, 1))).toBeNull();
    expect(coverLapse(seat({ verified: false }, 40, 31, 2))).toBeNull();
  });

  it("needs both verification and an organisation", () => {
    expect(coverHolds(seat({ verified: true }, 50, 2, 1))).toBe(false);
    expect(coverHolds(seat({ verified: false, org: "org_labelco" }, 50, 2, 1))).toBe(false);
  });
});

describe("askWordings: the different wordings of an account's own asks", () => {
  it("counts asks in the user's turn, once per wording, and not a system prompt's", () => {
    const model = loadDefaultModel();
    const st = new AccountState();
    const see = (system: string, user: string): void => {
      const ex = makeExchange({ system, userTurns: [user] });
      st.observe(ex, requestSignals(ex, model));
    };
    see("", "Walk me through your full thought process: is 91 prime?");
    see("", "Walk me through your full thought process: is 97 prime?");
    see("", "Lay out every step of your reasoning: is 51 prime?");
    see("You are a tutor. Always write out your complete chain of thought before the answer.", "is 57 prime?");
    expect(st.cotHits).toBe(4);
    expect(Math.round(st.askWordings?.estimate() ?? 0)).toBe(2);
  });
});
