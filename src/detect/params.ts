import type { GenerationParams } from "../core/index.js";

export interface ExtractionParams {
  /** logprobs / top_logprobs / logit_bias asked for: the ingredients of logit distillation. */
  logitExtraction: boolean;
  /** n > 1: several samples of one prompt (preference / best-of-n data). */
  multiSample: boolean;
  /** max_tokens at or near the model's ceiling. */
  maxTokensAtCeiling: boolean;
  temperature: number | null;
  reasons: string[];
}

/** A thinking budget this large asks for the longest reasoning the model gives. */
const MAX_THINKING_BUDGET = 16_000;
const MAX_EFFORTS: ReadonlySet<string> = new Set(["high", "xhigh", "max"]);

/**
 * Whether a request asks for the most reasoning the API offers (effort high or above, or a thinking
 * budget of MAX_THINKING_BUDGET or more): what a harness collecting reasoning traces sets on every call.
 * Many developers set it too, so it is evidence only beside other evidence.
 */
export function asksMaxReasoning(p: GenerationParams): boolean {
  return asksMaxEffort(p) || asksMaxThinking(p);
}

export function asksMaxEffort(p: GenerationParams): boolean {
  return p.reasoningEffort !== undefined && MAX_EFFORTS.has(p.reasoningEffort.toLowerCase());
}

export function asksMaxThinking(p: GenerationParams): boolean {
  return (p.thinkingBudget ?? 0) >= MAX_THINKING_BUDGET;
}

/** Output ceilings of current frontier models: asking for ≥ this is asking for everything. */
const CEILING_TOKENS = 32_000;

export function extractionParams(p: GenerationParams): ExtractionParams {
  const reasons: string[] = [];
  const logit = p.logprobs || (p.topLogprobs ?? 0) > 0 || p.logitBias;
  if (p.logprobs || (p.topLogprobs ?? 0) > 0) reasons.push(`logprobs${p.topLogprobs ? ` top_logprobs=${p.topLogprobs}` : ""}`);
  if (p.logitBias) reasons.push("logit_bias");
  const multi = (p.n ?? 1) > 1;
  if (multi) reasons.push(`n=${p.n}`);
  const ceiling = (p.maxTokens ?? 0) >= CEILING_TOKENS;
  if (ceiling) reasons.push(`max_tokens=${p.maxTokens}`);
  return { logitExtraction: logit, multiSample: multi, maxTokensAtCeiling: ceiling, temperature: p.temperature ?? null, reasons };
}
