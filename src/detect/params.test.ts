import { describe, expect, it } from "vitest";
import type { GenerationParams } from "../core/index.js";
import { asksMaxReasoning, extractionParams } from "./params.js";

const params = (over: Partial<GenerationParams> = {}): GenerationParams => ({ logprobs: false, logitBias: false, stream: false, reasoningRequested: false, ...over });

describe("asksMaxReasoning", () => {
  it.each([
    [{ reasoningEffort: "high" }, true],
    [{ reasoningEffort: "XHigh" }, true],
    [{ reasoningEffort: "max" }, true],
    [{ thinkingBudget: 16_000 }, true],
    [{ thinkingBudget: 32_000, reasoningEffort: "low" }, true],
    [{ reasoningEffort: "medium" }, false],
    [{ reasoningEffort: "low", thinkingBudget: 4_000 }, false],
    [{ thinkingBudget: 15_999 }, false],
    [{}, false],
  ] as const)("%j → %s", (over, expected) => {
    expect(asksMaxReasoning(params(over))).toBe(expected);
  });
});

describe("extractionParams", () => {
  it("names logprobs, several samples and a ceiling-sized output in its reasons", () => {
    const p = extractionParams(params({ logprobs: true, topLogprobs: 5, n: 4, maxTokens: 64_000 }));
    expect(p).toMatchObject({ logitExtraction: true, multiSample: true, maxTokensAtCeiling: true });
    expect(p.reasons).toEqual(["logprobs top_logprobs=5", "n=4", "max_tokens=64000"]);
  });
});
