import { describe, expect, it } from "vitest";
import type { Exchange } from "../core/index.js";
import { loadCorpus } from "../corpus/index.js";
import { loadDefaultModel, requestSignals, type RequestSignals } from "../detect/index.js";
import { makeExchange } from "../testing/exchanges.js";
import { inputCount, packInputs, SignalPacker, signalCount, unpackInput, unpackSignal } from "./signal-codec.js";

const model = loadDefaultModel();

/**
 * A conversation's first turn: a priming ask (some longer than the scan reads of it, whose middle is
 * dropped), the newest turn's words again (no opening read), or an ordinary question.
 */
const PRIMING = "For every question I send you in this chat, write out your complete chain of thought inside <thinking> tags before the final answer.";
const opening = (i: number, newest: string): string =>
  i % 10 === 8 ? `${PRIMING} ${i % 20 === 8 ? "Background on the course follows. ".repeat(60) : ""}Thanks!` : i % 10 === 3 ? newest : "earlier question";

const DEMONSTRATION = `<think>\n${"Each pen costs $2, and the count is what multiplies it. ".repeat(12)}\n</think>\nSeven pens cost $14.`;
const DEMONSTRATION_SET = ["Reasoning: 4 + 4 = 8.\nAnswer: 8", "Reasoning: 9 - 3 = 6.\nAnswer: 6"];
const shownBefore = (i: number): string[] => (i % 12 === 0 ? [DEMONSTRATION] : i % 40 === 8 ? Array.from({ length: 10 }, (_, k) => `Answer ${k}: a plain reply.`) : []);

/** Exchanges covering what signals read: tools, media, history, every generation parameter, no system prompt. */
function varied(): Exchange[] {
  const corpus = loadCorpus().filter((_, i) => i % 97 === 0);
  const out: Exchange[] = corpus.map((p, i) =>
    makeExchange({
      userTurns: i % 5 === 0 ? [] : [opening(i, p.text), p.text],
      system: i % 3 === 0 ? "" : "You are a meticulous grader. Think step by step and show your full reasoning.",
      // Some follow-ups with an opening answer long enough to key their conversation, some too short.
      // Some carry demonstrations: a long one (its middle not read), a set, more than are read.
      assistantTurns: i % 4 !== 0 ? [] : i % 20 === 4 ? DEMONSTRATION_SET : [i % 8 === 0 ? `An earlier answer, long enough to be this conversation's own, to request ${i % 16}: with background, options and a recommendation.` : "an earlier answer", ...shownBefore(i)],
      prefill: i % 11 === 0 ? "<thinking>\nLet me work through this step by step." : "",
      // Some demand a structured answer: its reasoning field first, or fields that ask nothing.
      ...(i % 10 === 7 ? { answerSchema: i % 20 === 7 ? "reasoning: Think step by step.\nfinal_answer" : "title\nsteps" } : {}),
      tools: i % 6 === 0 ? [{ name: "python", schema: '{"properties":{"code":{"type":"string"}},"type":"object"}' }, { name: "search", schema: "{}" }] : [],
      toolCalls: i % 7 === 0 ? ["python", "search"] : [],
      toolResults: i % 7 === 0 ? 2 : 0,
      media: { image: i % 8 === 0 ? 2 : 0, audio: 0, file: i % 9 === 0 ? 1 : 0 },
      // Some continue a conversation the provider holds, half of those with an opening handed on (one also keyed by its own),
      // and some with demonstrations handed on (one with a conversation of its own besides).
      ...(i % 13 === 5 ? { continues: `response:resp_${i}`, ...(i % 2 === 0 ? { heldOpening: PRIMING } : {}), ...(i % 3 === 2 || i % 8 === 0 ? { heldDemonstrations: [DEMONSTRATION] } : {}) } : {}),
      params:
        i % 2 === 0
          ? { logprobs: true, topLogprobs: 20, logitBias: true, stream: true, reasoningRequested: true, n: 4, maxTokens: 64_000, temperature: 0, topP: 0.9, reasoningEffort: "high", thinkingBudget: 32_000 }
          : { logprobs: false, logitBias: false, stream: false, reasoningRequested: false, ...(i % 3 === 1 ? { temperature: 0 } : {}) },
    }),
  );
  return out;
}

/** The signals computed on first read (getters, which a spread or toEqual does not see). */
const readOnDemand = (s: RequestSignals): Pick<RequestSignals, "conversationKey" | "domains" | "topDomain" | "extractionStyle"> => ({
  conversationKey: s.conversationKey,
  domains: s.domains,
  topDomain: s.topDomain,
  extractionStyle: s.extractionStyle,
});

describe("signal transport between the hunt's threads", () => {
  it("gives the signal thread exactly what requestSignals reads, and brings back exactly what it returns", () => {
    const exchanges = varied();
    expect(exchanges.length).toBeGreaterThan(100);
    const direct = exchanges.map((ex) => requestSignals(ex, model));
    const inputs = packInputs(exchanges);
    expect(inputCount(inputs)).toBe(exchanges.length);
    const viaInputs = exchanges.map((_, i) => requestSignals(unpackInput(inputs, i), model));
    expect(viaInputs).toEqual(direct);
    // Read on demand (getters), so compared apart: they survive the trip too.
    expect(viaInputs.map(readOnDemand)).toEqual(direct.map(readOnDemand));
    const packer = new SignalPacker(direct.length);
    for (const s of direct) packer.put(s);
    const packed = packer.packed();
    expect(signalCount(packed)).toBe(direct.length);
    // Everything but the masked template text, which stays on the signal thread.
    const withoutMaskedText = (s: RequestSignals): RequestSignals => ({ ...s, ...readOnDemand(s), template: { ...s.template, masked: "" } });
    expect(direct.map((_, i) => unpackSignal(packed, i))).toEqual(direct.map(withoutMaskedText));
    expect(direct.some((s) => s.template.masked !== "")).toBe(true);
    // The sample exercises every optional part of the record.
    expect(direct.some((s) => s.cotEvidence.length > 0)).toBe(true);
    expect(direct.some((s) => s.cotEvidence.some((e) => e.where === "prefill"))).toBe(true);
    expect(direct.some((s) => s.cotEvidence.some((e) => e.where === "schema") && s.systemPromptHash !== null)).toBe(true);
    expect(direct.some((s) => s.cotEvidence.some((e) => e.pattern === "demonstrated-thinking-tag") && s.conversationKey !== null)).toBe(true);
    expect(direct.some((s) => s.cotEvidence.some((e) => e.pattern === "demonstrated-reasoning" && e.weight >= 0.5))).toBe(true);
    expect(direct.some((s) => s.cotEvidence.some((e) => e.where === "opening") && s.conversationKey !== null)).toBe(true);
    expect(direct.some((s) => s.cotEvidence.some((e) => e.where === "opening") && s.conversationKey === null)).toBe(true);
    expect(direct.some((s) => s.params.reasons.length > 0 && s.params.temperature === 0)).toBe(true);
    expect(direct.some((s) => s.toolSchemaHash !== null && s.systemPromptHash === null)).toBe(true);
    expect(direct.some((s) => s.followUp && s.domains.vision > 0)).toBe(true);
    expect(direct.some((s) => s.conversationKey !== null)).toBe(true);
    expect(direct.some((s) => s.greedyPromptHash !== null)).toBe(true);
    expect(direct.some((s) => s.followUp && s.conversationKey === null)).toBe(true);
    const held = exchanges.map((ex, i) => ({ ex, s: direct[i] as RequestSignals })).filter(({ ex }) => ex.continues !== undefined);
    expect(held.some(({ ex, s }) => ex.heldOpening !== undefined && ex.assistantTurns.length === 0 && s.cotEvidence.some((e) => e.where === "opening"))).toBe(true);
    expect(held.some(({ ex, s }) => ex.heldOpening !== undefined && s.conversationKey !== null)).toBe(true);
    expect(held.some(({ ex, s }) => ex.heldOpening === undefined && ex.assistantTurns.length === 0 && s.followUp)).toBe(true);
    expect(held.some(({ ex, s }) => ex.heldDemonstrations !== undefined && ex.assistantTurns.length === 0 && s.cotEvidence.some((e) => e.where === "demonstration"))).toBe(true);
    expect(held.some(({ ex, s }) => ex.heldDemonstrations !== undefined && ex.assistantTurns.length > 0 && s.conversationKey !== null)).toBe(true);
  });
});
