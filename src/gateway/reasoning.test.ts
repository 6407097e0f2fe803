import { describe, expect, it } from "vitest";
import { sseReasoningTransform, summariseReasoning } from "./reasoning.js";

async function run(input: string, chunkSize: number, mode: "strip" | "summarise"): Promise<string> {
  const bytes = new TextEncoder().encode(input);
  const source = new ReadableStream<Uint8Array>({
    start(c) {
      for (let i = 0; i < bytes.length; i += chunkSize) c.enqueue(bytes.slice(i, i + chunkSize));
      c.close();
    },
  });
  return new Response(source.pipeThrough(sseReasoningTransform("openai.chat", mode, 40))).text();
}

const ev = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}): string => `data: ${JSON.stringify({ id: "c", choices: [{ index: 0, delta, ...extra }] })}\n\n`;

describe("SSE reasoning filter", () => {
  const stream = [ev({ role: "assistant", reasoning_content: "Let me think. é∑ unicode across chunks. " }), ev({ reasoning_content: "Secret step two." }), ev({ content: "Answer: 4" }), ev({}, { finish_reason: "stop" }), "data: [DONE]\n\n"].join("");

  it("gives the same result whatever the chunk boundaries (multi-byte characters included)", async () => {
    const whole = await run(stream, stream.length, "strip");
    for (const size of [1, 3, 7, 64]) expect(await run(stream, size, "strip")).toBe(whole);
    expect(whole).not.toContain("reasoning");
    expect(whole).toContain("Answer: 4");
    expect(whole.trim().endsWith("data: [DONE]")).toBe(true);
  });

  it("emits one summary in place of the reasoning deltas, before the answer", async () => {
    const out = await run(stream, 5, "summarise");
    const events = out.split("\n\n").filter(Boolean);
    expect(events).toHaveLength(5);
    expect(events[0]).toContain('"role":"assistant"');
    expect(events[0]).not.toContain("reasoning");
    expect(events[1]).toContain("Let me think.");
    expect(events[1]).toContain("characters withheld");
    expect(out).not.toContain("Secret step two");
    expect(events[2]).toContain("Answer: 4");
  });

  it("summaries never exceed the lead length and say how much was withheld", () => {
    const s = summariseReasoning("A".repeat(500), 40);
    expect(s.startsWith(`${"A".repeat(40)}…`)).toBe(true);
    expect(s).toContain("500 characters withheld");
    expect(summariseReasoning("anything", 0)).toBe("[reasoning summarised by provider policy; 8 characters withheld]");
  });
});
