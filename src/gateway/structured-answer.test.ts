import { describe, expect, it } from "vitest";
import { reasoningFieldOf } from "../detect/index.js";
import { renderAnswerSchema } from "../ingest/answer-schema.js";
import { SseReasoningFilter, transformReasoning } from "./reasoning.js";
import { StreamedFieldEraser, structuredEdit } from "./structured-answer.js";

const WORKED = 'First, 17 × 20 = 340.\nThen 17 × 3 = 51 ("carry" nothing), so 340 + 51 = 391 \\u2714 and the check 391 / 23 = 17 holds. 😀';

/** Answers a model fills in for a schema with a reasoning field, written as a model writes them (compact, pretty, escaped). */
const ANSWERS: readonly string[] = [
  JSON.stringify({ reasoning: WORKED, final_answer: "391" }),
  JSON.stringify({ final_answer: "391", reasoning: WORKED, confidence: 0.9 }, null, 2),
  JSON.stringify({ reasoning: [{ thought: "17 × 20 = 340 ] } [ {", result: "340" }, { thought: 'say "51"', result: "51" }], final_answer: "391" }),
  JSON.stringify({ reasoning: { plan: ["multiply", { nested: "[" }], note: "}" }, final_answer: "391" }),
  // A field of the same name deeper down is not the answer's reasoning, and a key that only contains it neither.
  JSON.stringify({ details: { reasoning: "kept" }, reasoning_summary: "kept too", reasoning: "gone", final_answer: "391" }),
  JSON.stringify({ reasoning: 42, final_answer: "391" }),
  JSON.stringify({ reasoning: null, final_answer: "391" }),
  '{"reas\\u006fning": "escaped key, same field", "final_answer": "391"}',
  JSON.stringify({ final_answer: "391" }),
  `  \n${JSON.stringify({ reasoning: "leading whitespace", final_answer: "391" })}`,
];

/** What the eraser sends for `text` cut into pieces of `size`. */
function streamed(text: string, size: number, mode: "strip" | "summarise", field = "reasoning"): string {
  const eraser = new StreamedFieldEraser(field, mode, 40);
  let out = "";
  for (let i = 0; i < text.length; i += size) out += eraser.push(text.slice(i, i + size));
  return out;
}

describe("a structured answer's reasoning field, streamed", () => {
  it("goes out emptied whatever the pieces, as the same answer arriving whole is edited", () => {
    const edit = structuredEdit("reasoning", "strip", 40);
    for (const answer of ANSWERS) {
      const whole = edit?.input(JSON.parse(answer));
      for (const size of [1, 2, 3, 7, 64, answer.length]) expect(JSON.parse(streamed(answer, size, "strip"))).toEqual(whole);
    }
    expect(streamed(ANSWERS[0] ?? "", 5, "strip")).toBe('{"reasoning":"","final_answer":"391"}');
  });

  it("finds a field whose name the schema's reading rewrote (spaces, punctuation), whole and streamed", () => {
    const field = reasoningFieldOf(renderAnswerSchema({ type: "object", properties: { "step by step reasoning": { type: "string" }, "final answer": { type: "string" } } }) ?? "");
    expect(field).toBe("step_by_step_reasoning");
    const answer = JSON.stringify({ "step by step reasoning": WORKED, "final answer": "391" });
    const emptied = { "step by step reasoning": "", "final answer": "391" };
    const whole = transformReasoning("openai.chat", { choices: [{ message: { content: answer } }] }, "strip", 40, null, field) as { choices: Array<{ message: { content: string } }> };
    expect(JSON.parse(whole.choices[0]?.message.content ?? "")).toEqual(emptied);
    expect(JSON.parse(streamed(answer, 3, "strip", field ?? ""))).toEqual(emptied);
  });

  it("keeps the rest of the text as the model wrote it, spacing and order included", () => {
    const pretty = ANSWERS[1] ?? "";
    expect(streamed(pretty, 3, "strip")).toBe(pretty.replace(JSON.stringify(WORKED), '""'));
  });

  it("is summarised in summarise mode, as a whole answer's is", () => {
    for (const answer of [ANSWERS[0] ?? "", ANSWERS[1] ?? ""]) {
      const whole = transformReasoning("openai.chat", { choices: [{ message: { content: answer } }] }, "summarise", 40, null, "reasoning") as { choices: Array<{ message: { content: string } }> };
      const expected = JSON.parse(whole.choices[0]?.message.content ?? "") as Record<string, unknown>;
      expect(expected.reasoning).toMatch(/^First, 17 × 20 = 340\. .*characters withheld\]$/);
      for (const size of [1, 4, 7]) expect(JSON.parse(streamed(answer, size, "summarise"))).toEqual(expected);
    }
  });

  it("passes text that is not a JSON object untouched, and an object's text after it closes", () => {
    for (const text of ['The answer is 391. {"reasoning": "x"}', '["reasoning", "x"]', "", '{"final_answer": "391"} then {"reasoning": "x"}']) {
      expect(streamed(text, 2, "strip")).toBe(text);
    }
  });

  it("holds nothing of a long value back: a megabyte of reasoning streams out as a few characters", () => {
    const long = JSON.stringify({ reasoning: "Step: consider the next case carefully. ".repeat(25_000), final_answer: "391" });
    expect(JSON.parse(streamed(long, 1024, "strip"))).toEqual({ reasoning: "", final_answer: "391" });
    const summary = (JSON.parse(streamed(long, 1024, "summarise")) as { reasoning: string }).reasoning;
    expect(summary).toMatch(/^Step: consider the next case carefully\..*999999 characters withheld\]$/);
    expect(summary.length).toBeLessThan(200);
  });

  it("is emptied in each API's streamed tool calls: chat's arguments, Responses' function call, Anthropic's input_json", () => {
    const answer = ANSWERS[0] ?? "";
    const pieces = answer.match(/[\s\S]{1,6}/g) ?? [];
    const text = (events: string[], read: (data: Record<string, unknown>) => string): string =>
      events
        .map((e) => /^data: (.*)$/m.exec(e)?.[1] ?? "")
        .filter((d) => d.startsWith("{"))
        .map((d) => read(JSON.parse(d) as Record<string, unknown>))
        .join("");
    const emptied = { reasoning: "", final_answer: "391" };

    const chat = new SseReasoningFilter("openai.chat", "strip", 40, null, "reasoning");
    const chatEvents = pieces.flatMap((p, i) => chat.push(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, ...(i === 0 ? { id: "c1", type: "function" } : {}), function: { ...(i === 0 ? { name: "submit" } : {}), arguments: p } }] } }] })}`));
    const chatArgs = text(chatEvents, (d) => (d.choices as Array<{ delta: { tool_calls: Array<{ function: { arguments: string } }> } }>)[0]?.delta.tool_calls[0]?.function.arguments ?? "");
    expect(JSON.parse(chatArgs)).toEqual(emptied);

    const responses = new SseReasoningFilter("openai.responses", "strip", 40, null, "reasoning");
    const responsesEvents = [
      ...pieces.flatMap((delta) => responses.push(`event: response.function_call_arguments.delta\ndata: ${JSON.stringify({ type: "response.function_call_arguments.delta", output_index: 0, item_id: "fc_1", delta })}`)),
      ...responses.push(`event: response.function_call_arguments.done\ndata: ${JSON.stringify({ type: "response.function_call_arguments.done", output_index: 0, item_id: "fc_1", arguments: answer })}`),
      ...responses.push(`event: response.output_item.done\ndata: ${JSON.stringify({ type: "response.output_item.done", output_index: 0, item: { type: "function_call", id: "fc_1", name: "submit", arguments: answer } })}`),
    ];
    expect(JSON.parse(text(responsesEvents.slice(0, pieces.length), (d) => String(d.delta)))).toEqual(emptied);
    expect(JSON.parse(text(responsesEvents.slice(-2, -1), (d) => String(d.arguments)))).toEqual(emptied);
    expect(JSON.parse(text(responsesEvents.slice(-1), (d) => String((d.item as { arguments: string }).arguments)))).toEqual(emptied);

    const anthropic = new SseReasoningFilter("anthropic.messages", "strip", 40, null, "reasoning");
    const anthropicEvents = [
      ...anthropic.push(`event: content_block_start\ndata: ${JSON.stringify({ type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "t1", name: "submit", input: {} } })}`),
      ...pieces.flatMap((partial_json) => anthropic.push(`event: content_block_delta\ndata: ${JSON.stringify({ type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json } })}`)),
    ];
    expect(JSON.parse(text(anthropicEvents.slice(1), (d) => String((d.delta as { partial_json: string }).partial_json)))).toEqual(emptied);
    for (const events of [chatEvents, responsesEvents, anthropicEvents]) expect(events.join("")).not.toContain("17 × 20");
  });
});
