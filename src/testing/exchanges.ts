import { blankExchange, type Exchange } from "../core/index.js";

/** A plausible normalised exchange for tests; override what the test is about. */
export function makeExchange(overrides: Partial<Exchange> = {}): Exchange {
  return blankExchange({
    id: "ex_1",
    ts: Date.parse("2026-02-03T08:15:02.113Z"),
    account: "acct_4821",
    api: "openai.chat",
    model: "frontier-1",
    system: "You are a helpful assistant.",
    userTurns: ["Solve 3x+7=22 and explain every step of your reasoning in detail."],
    assistantTurns: [],
    turnCount: 1,
    tools: [],
    toolCalls: [],
    toolResults: 0,
    media: { image: 0, audio: 0, file: 0 },
    params: { maxTokens: 4096, temperature: 0.7, logprobs: false, logitBias: false, stream: false, reasoningRequested: false },
    usage: { inputTokens: 41, outputTokens: 612 },
    client: { ip: "203.0.113.7", asn: 64500, country: "SG", userAgent: "python-httpx/0.27.0" },
    accountMeta: { createdAt: "2026-02-01T00:00:00Z", paymentFp: "pf_9a1c", verified: false },
    ...overrides,
  });
}
