import { describe, expect, it } from "vitest";
import type { Exchange } from "../core/index.js";
import { makeExchange } from "../testing/exchanges.js";
import { loadDefaultModel } from "./classifier.js";
import { handedOn, HELD_OPENING_MS, HeldOpenings } from "./held.js";
import { requestSignals } from "./signals.js";

const model = loadDefaultModel();
const PRIMING = "For every question I send you from now on, write out your complete chain of thought inside <thinking> tags before the final answer.";
const T0 = Date.parse("2026-03-02T09:00:00Z");

/** A Responses API request of a chain: `continues` the answer before it, answered as `id`. */
function link(id: string, text: string, continues: string | null, ts: number, extra: Partial<Exchange> = {}): Exchange {
  return makeExchange({
    id: `ex_${id}`,
    ts,
    api: "openai.responses",
    system: "",
    userTurns: [text],
    responseId: id,
    ...(continues !== null ? { continues: `response:${continues}` } : {}),
    ...extra,
  });
}

describe("held conversations: the opening handed along a chain of requests continuing stored answers", () => {
  it("reads each bare question of a primed chain with the ask it was primed with, hop after hop", () => {
    const chain = [
      link("r1", PRIMING, null, T0),
      link("r2", "What is the derivative of x^3 sin x?", "r1", T0 + 40_000),
      link("r3", "How many primes are there below 30?", "r2", T0 + 80_000),
      link("r4", "Is 221 prime?", "r3", T0 + 120_000),
    ];
    const held = new HeldOpenings();
    held.recall(chain);
    for (const ex of chain.slice(1)) {
      expect(ex.heldOpening).toBe(PRIMING);
      const s = requestSignals(ex, model);
      expect(s.cotElicitation).toBeGreaterThan(0.9);
      expect(s.cotEvidence.every((e) => e.where === "opening")).toBe(true);
      expect(s.followUp).toBe(true);
    }
    // Read alone, the same question asks nothing.
    expect(requestSignals(link("x", "Is 221 prime?", null, T0), model).cotElicitation).toBe(0);
  });

  it("hands nothing on from an ordinary opening, or a tutoring app's mild one, and keeps nothing for it", () => {
    const held = new HeldOpenings();
    const chain = [
      link("a1", "Can you help me plan a week of vegetarian dinners for two?", null, T0),
      link("a2", "Swap the Tuesday one for something with lentils.", "a1", T0 + 60_000),
      link("b1", "Explain your reasoning step by step so the student can follow: why is the sky blue?", null, T0),
      link("b2", "why did you mention Rayleigh?", "b1", T0 + 60_000),
    ];
    held.recall(chain);
    expect(chain.every((ex) => ex.heldOpening === undefined)).toBe(true);
    expect(held.size).toBe(0);
  });

  it("starts handing on from the request that primes, where that is not the first, and follows a conversation object", () => {
    const held = new HeldOpenings();
    const late = [link("c1", "hi, quick maths questions coming", null, T0), link("c2", PRIMING, "c1", T0 + 10_000), link("c3", "What is 17 × 23?", "c2", T0 + 20_000)];
    held.recall(late);
    expect(late[1]?.heldOpening).toBeUndefined();
    expect(late[2]?.heldOpening).toBe(PRIMING);
    // A conversation object: its first request opens it; the ones after, with no answer ids in the log, read it.
    const conversation = (id: string, text: string, ts: number): Exchange => makeExchange({ id, ts, api: "openai.responses", system: "", userTurns: [text], continues: "conversation:conv_7" });
    const turns = [conversation("d1", PRIMING, T0), conversation("d2", "Is 91 prime?", T0 + 5_000), conversation("d3", "And 97?", T0 + 9_000)];
    held.recall(turns);
    expect(turns[0]?.heldOpening).toBeUndefined();
    expect(turns.slice(1).map((t) => t.heldOpening)).toEqual([PRIMING, PRIMING]);
  });

  it("hands on the ask of a root's first turn, not the question or the person's words sent with it", () => {
    const root = makeExchange({ api: "openai.responses", system: "", userTurns: [`Hi! I'm Dana Whitfield, dana.w@example.org. ${PRIMING}\n\nFirst one: my landlord at 14 Elm St wants $2,300; is that legal?`, "Next: is 51 prime?"], assistantTurns: ["Understood."], turnCount: 3, responseId: "e1" });
    expect(handedOn(root)).toEqual({ opening: PRIMING, system: "", shown: [] });
    // An ask that is one unbroken text is handed on whole, bounded as an opening turn is read.
    const long = makeExchange({ api: "openai.responses", system: "", userTurns: [`${PRIMING.slice(0, -1)} ${"and more context ".repeat(200)}`], responseId: "e2" });
    const opening = handedOn(long)?.opening;
    expect(opening?.startsWith(PRIMING.slice(0, -1))).toBe(true);
    expect(opening?.length).toBeLessThanOrEqual(1301);
  });

  it("reads a chain primed in a developer message as the model does: that message is part of each continuing request's system prompt", () => {
    const developer = "You are a tutor model. For every question in this session, write out your complete chain of thought before the final answer.";
    // The adapter's reading: instructions first (not kept by the provider), then the input's developer message.
    const root = link("s1", "First: is 221 prime?", null, T0, { system: `Be concise.\n${developer}`, systemInInput: developer });
    const next = link("s2", "Is 91 prime?", "s1", T0 + 30_000, { system: "Be concise." });
    const after = link("s3", "And 97?", "s2", T0 + 60_000);
    new HeldOpenings().recall([root, next, after]);
    expect(next.heldOpening).toBeUndefined();
    expect(next.system).toBe(`${developer}\nBe concise.`);
    expect(after.system).toBe(developer);
    const s = requestSignals(after, model);
    expect(s.cotElicitation).toBeGreaterThan(0.9);
    expect(s.cotEvidence.every((e) => e.where === "system")).toBe(true);
    expect(s.systemPromptHash).not.toBeNull();
    // `instructions` alone are not kept by the provider: nothing is handed on from them.
    expect(handedOn(link("s4", "Is 51 prime?", null, T0, { system: developer }))).toBeNull();
  });

  it("reads a chain primed with answers written for the model to follow as the model does: each continuing question follows them", () => {
    const demonstration = "<think>\n91 = 7 × 13, so it has divisors other than 1 and itself.\n</think>\n\nNo, 91 is not prime.";
    const root = link("w1", "Is 221 prime?", null, T0, { userTurns: ["Is 91 prime?", "Is 221 prime?"], assistantTurns: [demonstration], turnCount: 3 });
    const chain = [root, link("w2", "Is 97 prime?", "w1", T0 + 30_000), link("w3", "What is 17 × 23?", "w2", T0 + 60_000)];
    new HeldOpenings().recall(chain);
    expect(handedOn(root)).toEqual({ opening: "", system: "", shown: [demonstration] });
    for (const ex of chain.slice(1)) {
      expect(ex.heldDemonstrations).toEqual([demonstration]);
      expect(ex.assistantTurns).toEqual([]);
      const s = requestSignals(ex, model);
      expect(s.cotEvidence).toEqual([expect.objectContaining({ pattern: "demonstrated-thinking-tag", where: "demonstration" })]);
      expect(s.cotElicitation).toBeGreaterThanOrEqual(0.5);
    }
    // Of the answers only the one that carries is remembered, and of it only its ends, which read the same.
    const long = `<think>\n${"The patient's history and the dosage chart both matter here. ".repeat(20)}\n</think>\n\nThe answer is 20 mg.`;
    const kept = handedOn(link("w4", "Is 221 prime?", null, T0, { userTurns: ["Hi", "Dose?", "Is 221 prime?"], assistantTurns: ["Hello! How can I help?", long], turnCount: 5 }))?.shown;
    expect(kept).toHaveLength(1);
    expect(kept?.[0]?.length).toBeLessThanOrEqual(121);
    expect(kept?.[0]?.startsWith("<think>")).toBe(true);
    expect(kept?.[0]?.endsWith("The answer is 20 mg.")).toBe(true);
    // A model's own answers hand nothing on.
    const plain = link("p1", "And 97?", null, T0, { userTurns: ["Is 91 prime?", "And 97?"], assistantTurns: ["No: 91 = 7 × 13. Anything else?"], turnCount: 3 });
    expect(handedOn(plain)).toBeNull();
  });

  it("forgets a chain after the provider would have (two spans of log time at most), and stays bounded", () => {
    const held = new HeldOpenings();
    held.recall([link("f1", PRIMING, null, T0)]);
    const soon = link("f2", "Is 57 prime?", "f1", T0 + HELD_OPENING_MS / 2);
    const stale = link("f3", "Is 87 prime?", "f1", T0 + 2 * HELD_OPENING_MS + 1);
    held.recall([soon]);
    held.recall([link("g1", PRIMING, null, T0 + 2 * HELD_OPENING_MS)]);
    held.recall([stale]);
    expect(soon.heldOpening).toBe(PRIMING);
    expect(stale.heldOpening).toBeUndefined();
  });
});
