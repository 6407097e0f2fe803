import { describe, expect, it } from "vitest";
import { cutLeadingReasoning, cutReasoningOfWholeText, LeadingReasoningCutter, sseReasoningTransform, tagOpenedByPrefill, transformReasoning, type TagPair } from "./reasoning.js";
import { ReasoningDigest, summariseReasoning } from "./reasoning-digest.js";

/** A chat completion's SSE `input` through the filter in pieces of `chunkSize` bytes; `startsInside`: the tag the prefill left open. */
async function run(input: string, chunkSize: number, mode: "strip" | "summarise", startsInside: TagPair | null = null): Promise<string> {
  const bytes = new TextEncoder().encode(input);
  const source = new ReadableStream<Uint8Array>({
    start(c) {
      for (let i = 0; i < bytes.length; i += chunkSize) c.enqueue(bytes.slice(i, i + chunkSize));
      c.close();
    },
  });
  return new Response(source.pipeThrough(sseReasoningTransform("openai.chat", mode, 40, startsInside))).text();
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

describe("reasoning written inline at the head of an answer", () => {
  const answer = "<think>\nThe user wants 17*23. 17*20=340, 17*3=51, total 391.\n</think>\n\n17 × 23 = 391.";

  /** Every way of cutting the text in two, and in pieces of each size: the cut must not depend on where events split it. */
  function streamed(text: string, mode: "strip" | "summarise", splits: number[]): string {
    const cutter = new LeadingReasoningCutter(mode, 40);
    let out = "";
    let from = 0;
    for (const at of [...splits, text.length]) {
      out += cutter.push(text.slice(from, at));
      from = at;
    }
    return out + cutter.end();
  }

  it("cuts the block wherever the stream splits it, tags included", () => {
    for (let at = 0; at <= answer.length; at++) expect(streamed(answer, "strip", [at])).toBe("17 × 23 = 391.");
    for (const size of [1, 2, 3, 5, 8]) {
      const splits = Array.from({ length: Math.ceil(answer.length / size) }, (_, i) => i * size);
      expect(streamed(answer, "strip", splits)).toBe("17 × 23 = 391.");
      expect(streamed(answer, "summarise", splits)).toBe(cutLeadingReasoning(answer, "summarise", 40));
    }
  });

  it("summarises in place: the lead of the reasoning and how much was withheld, in the same tags", () => {
    const out = cutLeadingReasoning(answer, "summarise", 40);
    expect(out).toMatch(/^<think>The user wants 17\*23\..*characters withheld\]<\/think>\n\n17 × 23 = 391\.$/);
    expect(out).not.toContain("total 391");
  });

  it("cuts several leading blocks, any of the usual tag names, in any case, and a block the answer's end cut short", () => {
    expect(cutLeadingReasoning("  <Thinking>plan</Thinking>\n<reasoning>more</reasoning> Paris.", "strip", 40)).toBe("Paris.");
    expect(cutLeadingReasoning("<|begin_of_thought|>steps<|end_of_thought|>\n\n<|begin_of_solution|>42<|end_of_solution|>", "strip", 40)).toBe("<|begin_of_solution|>42<|end_of_solution|>");
    expect(cutLeadingReasoning("<think>the budget ran out mid-thought", "strip", 40)).toBe("");
    expect(cutLeadingReasoning("<analysis>weigh both</analysis>\n<final>B</final>", "strip", 40)).toBe("<final>B</final>");
  });

  it("leaves answers alone that only mention tags, or start with markup of another kind", () => {
    for (const text of ["Wrap it like this: <think>notes</think>, then answer.", "<three>x</three>", "<th", "   ", "<html><body>hi</body></html>", ""]) {
      expect(cutLeadingReasoning(text, "strip", 40)).toBe(text);
    }
  });

  it("cuts reasoning closed by </think> with no tag opening it only in an answer that arrived whole", () => {
    expect(cutReasoningOfWholeText("The user asks for 17*23 ... 391.\n</think>\n\n391", "strip", 40)).toBe("391");
    expect(cutReasoningOfWholeText("Explaining: <think>a</think> is a tag", "strip", 40)).toBe("Explaining: <think>a</think> is a tag");
    const body = { choices: [{ index: 0, message: { role: "assistant", content: [{ type: "text", text: answer }] } }] };
    expect(transformReasoning("openai.chat", body, "strip", 40)).toEqual({ choices: [{ index: 0, message: { role: "assistant", content: [{ type: "text", text: "17 × 23 = 391." }] } }] });
  });

  it("streams chat content with the block cut, whatever the byte boundaries, and drops events left empty", async () => {
    const pieces = ["<thi", "nk>secret ", "plan</th", "ink>\n\nAns", "wer: 4"];
    const input = [ev({ role: "assistant", content: "" }), ...pieces.map((content) => ev({ content })), ev({}, { finish_reason: "stop" }), "data: [DONE]\n\n"].join("");
    const whole = await run(input, input.length, "strip");
    for (const size of [1, 4, 9]) expect(await run(input, size, "strip")).toBe(whole);
    expect(whole).not.toContain("secret");
    const contents = whole.split("\n\n").filter((e) => e.startsWith("data: {")).map((e) => (JSON.parse(e.slice(6)) as { choices: Array<{ delta: { content?: string } }> }).choices[0]?.delta.content);
    expect(contents.join("")).toBe("Answer: 4");
    expect(whole.split("\n\n").filter(Boolean)).toHaveLength(5);
  });
});

describe("an answer that continues a prefill's open reasoning tag", () => {
  const thinking = tagOpenedByPrefill("<thinking>\nLet me");
  const continuation = "work through 17*23: 340 + 51 = 391.\n</thinking>\n\n17 × 23 = 391.";

  it("finds the tag the prefill left open, and none where it closed it or opened none", () => {
    expect(thinking).toEqual({ open: "<thinking>", close: "</thinking>" });
    expect(tagOpenedByPrefill("<THINK>")).toEqual({ open: "<think>", close: "</think>" });
    expect(tagOpenedByPrefill("<|begin_of_thought|>\n\n")).toEqual({ open: "<|begin_of_thought|>", close: "<|end_of_thought|>" });
    // The last one opened is the one the answer is inside.
    expect(tagOpenedByPrefill("<analysis>a</analysis>\n<reasoning>")).toEqual({ open: "<reasoning>", close: "</reasoning>" });
    for (const prefill of ["", "{", "Here is the summary:", "<think>plan</think>\n\nThe answer is", "<html><body>", "Let me think step by step."]) {
      expect(tagOpenedByPrefill(prefill)).toBeNull();
    }
  });

  it("cuts up to the tag's close wherever the stream splits it, and streamed agrees with whole", () => {
    const whole = cutReasoningOfWholeText(continuation, "strip", 40, thinking);
    expect(whole).toBe("17 × 23 = 391.");
    for (let at = 0; at <= continuation.length; at++) {
      const cutter = new LeadingReasoningCutter("strip", 40, thinking);
      expect(cutter.push(continuation.slice(0, at)) + cutter.push(continuation.slice(at)) + cutter.end()).toBe(whole);
    }
    // Without the prefill's tag it is an answer like any other: "</thinking>" is not the orphan "</think>".
    expect(cutReasoningOfWholeText(continuation, "strip", 40)).toBe(continuation);
  });

  it("withholds the whole answer when the model never closed the tag, and summarises without opening the tag again", () => {
    expect(cutLeadingReasoning("still thinking when the budget ran out", "strip", 40, thinking)).toBe("");
    const summary = cutLeadingReasoning(continuation, "summarise", 40, thinking);
    expect(summary).toMatch(/^work through 17\*23.*characters withheld\]<\/thinking>\n\n17 × 23 = 391\.$/s);
    expect(summary.startsWith("<thinking>")).toBe(false);
  });

  it("applies to every chat choice but only to the first text of a message, whole and streamed", async () => {
    const chat = { choices: [0, 1].map((index) => ({ index, message: { role: "assistant", content: continuation } })) };
    expect(transformReasoning("openai.chat", chat, "strip", 40, thinking)).toEqual({ choices: [0, 1].map((index) => ({ index, message: { role: "assistant", content: "17 × 23 = 391." } })) });
    const later = "A second block: </thinking> is a tag.";
    const message = { content: [{ type: "text", text: continuation }, { type: "text", text: later }] };
    expect(transformReasoning("anthropic.messages", message, "strip", 40, thinking)).toEqual({ content: [{ type: "text", text: "17 × 23 = 391." }, { type: "text", text: later }] });
    const events = [
      ...[0, 1].flatMap((index) => [continuation.slice(0, 9), continuation.slice(9)].map((content) => `data: ${JSON.stringify({ id: "c", choices: [{ index, delta: { content } }] })}\n\n`)),
      `data: ${JSON.stringify({ id: "c", choices: [0, 1].map((index) => ({ index, delta: {}, finish_reason: "stop" })) })}\n\n`,
    ].join("");
    const out = await run(events, events.length, "strip", thinking);
    const byChoice = ["", ""];
    for (const e of out.split("\n\n").filter((x) => x.startsWith("data: {"))) {
      for (const c of (JSON.parse(e.slice(6)) as { choices: Array<{ index: number; delta: { content?: string } }> }).choices) byChoice[c.index] += c.delta.content ?? "";
    }
    expect(byChoice).toEqual(["17 × 23 = 391.", "17 × 23 = 391."]);
  });
});

describe("ReasoningDigest: a summary of reasoning that arrives in pieces, in bounded memory", () => {
  /** The summary as it was computed from the whole text before the digest (session 36). */
  function wholeTextSummary(text: string, maxChars: number): string {
    const clean = text.replace(/\s+/g, " ").trim();
    const note = `[reasoning summarised by provider policy; ${clean.length} characters withheld]`;
    if (maxChars <= 0 || clean.length === 0) return note;
    const window = clean.slice(0, maxChars);
    const end = Math.max(window.lastIndexOf(". "), window.lastIndexOf("? "), window.lastIndexOf("! "));
    const lead = end > 40 ? window.slice(0, end + 1) : window.length < clean.length ? `${window.trimEnd()}…` : window;
    return `${lead} ${note}`;
  }

  it("says what the whole text would say, however the text is split and wherever its whitespace falls", () => {
    const texts = [
      "First, restate the problem. Then multiply 17 by 23: 17*20=340 and 17*3=51, so 391. Check: 391/23=17.",
      "  \n\tleading space, then   runs\n\nof   whitespace,\tand a trailing one \n ",
      "short",
      "",
      "   \n  ",
      "A sentence that ends exactly here. " + "word ".repeat(80),
      "Is it 4? Or 5! Neither: " + "x".repeat(300),
    ];
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (const text of texts) {
      for (const maxChars of [0, 10, 40, 240]) {
        const expected = wholeTextSummary(text, maxChars);
        expect(summariseReasoning(text, maxChars)).toBe(expected);
        for (let trial = 0; trial < 30; trial++) {
          const digest = new ReasoningDigest(maxChars);
          let at = 0;
          while (at < text.length) {
            const size = 1 + next(9);
            digest.push(text.slice(at, at + size));
            at += size;
          }
          expect(digest.summary()).toBe(expected);
        }
      }
    }
  });

  it("keeps no more than its window of a reasoning block of megabytes", () => {
    const digest = new ReasoningDigest(240);
    const piece = "Step: consider the next case carefully. ";
    for (let i = 0; i < 200_000; i++) digest.push(piece);
    const summary = digest.summary();
    expect(summary).toMatch(/^Step: consider the next case carefully\..*\[reasoning summarised by provider policy; 7999999 characters withheld\]$/);
    expect(summary.length).toBeLessThan(400);
  });
});

describe("a structured answer's reasoning field", () => {
  const WORKED = "First, 17 × 20 = 340. Then 17 × 3 = 51. Adding them: 340 + 51 = 391, which checks out.";
  const answer = { reasoning: WORKED, final_answer: "391" };

  it("is emptied where each API puts a structured answer, and the rest of the answer kept", () => {
    const chat = transformReasoning("openai.chat", { choices: [{ index: 0, message: { role: "assistant", content: JSON.stringify(answer) } }] }, "strip", 40, null, "reasoning") as { choices: Array<{ message: { content: string } }> };
    expect(JSON.parse(chat.choices[0]?.message.content ?? "")).toEqual({ reasoning: "", final_answer: "391" });
    const forcedTool = { choices: [{ message: { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "submit", arguments: JSON.stringify(answer) } }] } }] };
    const chatTool = transformReasoning("openai.chat", forcedTool, "strip", 40, null, "reasoning") as typeof forcedTool;
    expect(JSON.parse(chatTool.choices[0]?.message.tool_calls[0]?.function.arguments ?? "")).toEqual({ reasoning: "", final_answer: "391" });
    expect(chatTool.choices[0]?.message.content).toBeNull();
    const responses = transformReasoning("openai.responses", { output: [{ type: "message", content: [{ type: "output_text", text: JSON.stringify(answer) }] }, { type: "function_call", name: "submit", arguments: JSON.stringify(answer) }] }, "strip", 40, null, "reasoning") as { output: Array<{ content?: Array<{ text: string }>; arguments?: string }> };
    expect(JSON.parse(responses.output[0]?.content?.[0]?.text ?? "")).toEqual({ reasoning: "", final_answer: "391" });
    expect(JSON.parse(responses.output[1]?.arguments ?? "")).toEqual({ reasoning: "", final_answer: "391" });
    const steps = { steps: [{ explanation: "17 × 20 = 340", output: "340" }], final_answer: "391" };
    const messages = transformReasoning("anthropic.messages", { content: [{ type: "thinking", thinking: "hmm" }, { type: "tool_use", id: "t1", name: "submit", input: steps }, { type: "text", text: JSON.stringify(answer) }] }, "strip", 40, null, "steps") as { content: Array<Record<string, unknown>> };
    expect(messages.content).toEqual([{ type: "tool_use", id: "t1", name: "submit", input: { steps: [], final_answer: "391" } }, { type: "text", text: JSON.stringify(answer) }]);
  });

  it("is summarised in summarise mode, and leaves text that is not such an object alone", () => {
    const out = transformReasoning("openai.chat", { choices: [{ message: { content: JSON.stringify(answer) } }] }, "summarise", 40, null, "reasoning") as { choices: Array<{ message: { content: string } }> };
    expect((JSON.parse(out.choices[0]?.message.content ?? "") as { reasoning: string }).reasoning).toMatch(/^First, 17 × 20 = 340\..*characters withheld\]$/);
    for (const content of ["The answer is 391.", "{not json", JSON.stringify({ answer: "391" }), JSON.stringify(["reasoning"])]) {
      const same = transformReasoning("openai.chat", { choices: [{ message: { content } }] }, "strip", 40, null, "reasoning") as { choices: Array<{ message: { content: string } }> };
      expect(same.choices[0]?.message.content).toBe(content);
    }
  });
});
