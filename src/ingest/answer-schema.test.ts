import { describe, expect, it } from "vitest";
import { parseExchangeValue } from "./read.js";
import { demandedAnswer, renderAnswerSchema } from "./answer-schema.js";

/** OpenAI's structured-outputs guide's chain-of-thought example, as the Python SDK writes a Pydantic model: the step a $ref into $defs. */
const MATH_REASONING = {
  type: "object",
  properties: { steps: { type: "array", items: { $ref: "#/$defs/Step" } }, final_answer: { type: "string" } },
  required: ["steps", "final_answer"],
  additionalProperties: false,
  $defs: { Step: { type: "object", properties: { explanation: { type: "string" }, output: { type: "string" } }, required: ["explanation", "output"] } },
};
const GRADE = {
  type: "object",
  properties: { rationale: { type: "string", description: "Why the essay earns its grade,\ncriterion by criterion." }, grade: { type: "integer", minimum: 1, maximum: 6 } },
};

function exchangeOf(api: "openai.chat" | "openai.responses" | "anthropic.messages", request: Record<string, unknown>) {
  const r = parseExchangeValue({ id: "x1", ts: "2026-03-02T10:00:00Z", account: "acct_1", api, request: { model: "m", ...request } });
  if (!r.ok) throw new Error(r.reason);
  return r.exchange;
}

describe("the structured answer a request demands", () => {
  it("renders a schema's fields in its order, an array's item fields through $defs, descriptions on one line", () => {
    expect(renderAnswerSchema(MATH_REASONING)).toBe("steps[explanation,output]\nfinal_answer");
    expect(renderAnswerSchema(GRADE)).toBe("rationale: Why the essay earns its grade, criterion by criterion.\ngrade");
    // Pydantic titles every field with its name again: not an instruction, not read.
    expect(renderAnswerSchema({ properties: { chain_of_thought: { title: "Chain Of Thought", type: "string" }, answer: { title: "Answer", type: "string" } } })).toBe("chain_of_thought\nanswer");
  });

  it("reads the response format of each API, and the schema of a tool the model is made to call", () => {
    const chat = exchangeOf("openai.chat", { messages: [{ role: "user", content: "How can I solve 8x + 7 = -23?" }], response_format: { type: "json_schema", json_schema: { name: "math_reasoning", strict: true, schema: MATH_REASONING } } });
    expect(chat.answerSchema).toBe("steps[explanation,output]\nfinal_answer");
    const responses = exchangeOf("openai.responses", { input: "Grade this essay.", text: { format: { type: "json_schema", name: "grade", schema: GRADE } } });
    expect(responses.answerSchema).toMatch(/^rationale: Why/);
    const anthropic = exchangeOf("anthropic.messages", { max_tokens: 1024, messages: [{ role: "user", content: "Grade this essay." }], output_config: { format: { type: "json_schema", schema: GRADE } } });
    expect(anthropic.answerSchema).toMatch(/\ngrade$/);
    const beta = exchangeOf("anthropic.messages", { max_tokens: 1024, messages: [{ role: "user", content: "Grade this essay." }], output_format: { type: "json_schema", schema: GRADE } });
    expect(beta.answerSchema).toBe(anthropic.answerSchema);
    const recordTool = { name: "record_answer", description: "Record the answer.", input_schema: { type: "object", properties: { chainOfThought: { type: "string" }, answer: { type: "string" } } } };
    const forced = exchangeOf("anthropic.messages", { max_tokens: 1024, messages: [{ role: "user", content: "A bat and a ball cost $1.10." }], tools: [recordTool, { name: "search", input_schema: { type: "object", properties: { q: { type: "string" } } } }], tool_choice: { type: "tool", name: "record_answer" } });
    expect(forced.answerSchema).toBe("chainOfThought\nanswer");
    const chatTool = { type: "function", function: { name: "grade", parameters: GRADE } };
    expect(exchangeOf("openai.chat", { messages: [{ role: "user", content: "Grade it." }], tools: [chatTool], tool_choice: { type: "function", function: { name: "grade" } } }).answerSchema).toMatch(/^rationale/);
    expect(exchangeOf("openai.chat", { messages: [{ role: "user", content: "Grade it." }], tools: [chatTool], tool_choice: "required" }).answerSchema).toMatch(/^rationale/);
    expect(exchangeOf("openai.responses", { input: "Grade it.", tools: [{ type: "function", name: "grade", parameters: GRADE }], tool_choice: { type: "function", name: "grade" } }).answerSchema).toMatch(/^rationale/);
  });

  it("demands nothing where the model may answer in words or in JSON of its own shape", () => {
    const tool = { type: "function", function: { name: "grade", parameters: GRADE } };
    expect(exchangeOf("openai.chat", { messages: [{ role: "user", content: "hi" }], tools: [tool], tool_choice: "auto" }).answerSchema).toBeUndefined();
    expect(exchangeOf("openai.chat", { messages: [{ role: "user", content: "hi" }], tools: [tool, { type: "function", function: { name: "other", parameters: GRADE } }], tool_choice: "required" }).answerSchema).toBeUndefined();
    expect(exchangeOf("openai.chat", { messages: [{ role: "user", content: "hi" }], response_format: { type: "json_object" } }).answerSchema).toBeUndefined();
    expect(exchangeOf("openai.chat", { messages: [{ role: "user", content: "hi" }] })).not.toHaveProperty("answerSchema");
  });

  it("reads garbage as no schema or as bounded text, never as an error", () => {
    expect(demandedAnswer("openai.chat", { response_format: { type: "json_schema", json_schema: { schema: { properties: "none" } } } })).toBeUndefined();
    expect(demandedAnswer("openai.chat", { response_format: { type: "json_schema", json_schema: "x" } })).toBeUndefined();
    expect(demandedAnswer("anthropic.messages", { tool_choice: { type: "tool", name: "missing" }, tools: [{ name: "x", input_schema: GRADE }] })).toBeUndefined();
    expect(demandedAnswer("anthropic.messages", { tool_choice: { type: "tool" }, tools: "x" })).toBeUndefined();
    expect(renderAnswerSchema({ properties: { a: { $ref: "#/$defs/Nowhere" }, "b\nc: d[e]": { description: 7 } } })).toBe("a\nb_c__d_e_");
    const many = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`field_${i}`, { type: "string", description: "x".repeat(10_000) }]));
    const rendered = renderAnswerSchema({ type: "object", properties: many }) ?? "";
    expect(rendered.split("\n")).toHaveLength(32);
    expect(rendered.length).toBeLessThan(32 * 220);
  });
});
