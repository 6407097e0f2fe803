import { describe, expect, it } from "vitest";
import { parseExchangeValue } from "./read.js";
import { anthropicLine, openaiChatLine, openaiResponsesLine } from "./testing/lines.js";

function parse(v: Record<string, unknown>) {
  const r = parseExchangeValue(v);
  if (!r.ok) throw new Error(r.reason);
  return r.exchange;
}

describe("wire-format adapters", () => {
  it("normalises openai.chat with parts, tool calls, tool messages and extraction params", () => {
    const ex = parse(openaiChatLine("a"));
    expect(ex.system).toBe("You are a helpful assistant.");
    expect(ex.userTurns).toEqual(["Solve 3x+7=22 and explain every step of your reasoning in detail.", "Now check this chart too."]);
    expect(ex.turnCount).toBe(4);
    expect(ex.toolCalls).toEqual(["calculator"]);
    expect(ex.toolResults).toBe(1);
    expect(ex.media).toEqual({ image: 1, audio: 0, file: 0 });
    expect(ex.tools).toEqual([{ name: "calculator", schema: '{"properties":{"expr":{"type":"string"}},"type":"object"}' }]);
    expect(ex.params).toMatchObject({ maxTokens: 4096, n: 2, logprobs: true, topLogprobs: 5, logitBias: true, reasoningEffort: "high", reasoningRequested: true });
    expect(ex.usage).toEqual({ inputTokens: 41, outputTokens: 612, reasoningTokens: 300 });
    expect(ex.client).toMatchObject({ ip: "203.0.113.7", asn: 64500, userAgent: "python-httpx/0.27.0" });
    expect(ex.accountMeta).toMatchObject({ paymentFp: "pf_9a1c", verified: false });
    expect(ex.apiKey).toBe("key_01");
  });

  it("gives a tool schema the same canonical form however its keys are ordered, the first time and every time after", () => {
    const withSchema = (parameters: Record<string, unknown>) => {
      const line = openaiChatLine("t") as { request: Record<string, unknown> };
      return parse({ ...line, request: { ...line.request, tools: [{ type: "function", function: { name: "lookup", parameters } }] } }).tools;
    };
    const a = { type: "object", required: ["q"], properties: { q: { type: "string", description: "query" }, k: { type: "integer" } } };
    const b = { properties: { k: { type: "integer" }, q: { description: "query", type: "string" } }, required: ["q"], type: "object" };
    const expected = [{ name: "lookup", schema: '{"properties":{"k":{"type":"integer"},"q":{"description":"query","type":"string"}},"required":["q"],"type":"object"}' }];
    for (let round = 0; round < 3; round++) {
      expect(withSchema(a)).toEqual(expected);
      expect(withSchema(b)).toEqual(expected);
    }
    // Schemas too large to keep in the cache are canonicalised all the same.
    const long = "d".repeat(20_000);
    expect(withSchema({ type: "object", description: long })).toEqual([{ name: "lookup", schema: `{"description":"${long}","type":"object"}` }]);
  });

  it("normalises openai.responses items, instructions and reasoning settings", () => {
    const ex = parse(openaiResponsesLine("b"));
    expect(ex.system).toBe("You are a data analyst.");
    expect(ex.userTurns).toEqual(["Summarise this CSV.", "And plot it."]);
    expect(ex.toolCalls).toEqual(["run_sql"]);
    expect(ex.toolResults).toBe(1);
    expect(ex.media.file).toBe(1);
    expect(ex.params).toMatchObject({ maxTokens: 32000, reasoningEffort: "high", reasoningRequested: true });
    expect(ex.usage.reasoningTokens).toBe(700);
    expect(ex.client.ip).toBe("2001:db8::1");
  });

  it("writes each client address one way: IPv6 in RFC 5952 form, an IPv4 client on a dual-stack socket as IPv4", () => {
    const ip = (raw: string): string | undefined => parse({ ...openaiResponsesLine("d"), client: { ip: raw } }).client.ip;
    expect(ip("2001:0DB8:0000:0000:0000:0000:0000:0001")).toBe("2001:db8::1");
    expect(ip("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(ip("unknown")).toBe("unknown");
  });

  it("accepts a plain-string responses input", () => {
    const ex = parse({ ...openaiResponsesLine("c"), request: { model: "m", input: "hello" } });
    expect(ex.userTurns).toEqual(["hello"]);
    expect(ex.turnCount).toBe(1);
  });

  it("reads the conversation a responses request continues from the provider's store, and the id its answer is continued by", () => {
    const line = (request: Record<string, unknown>, response: Record<string, unknown> = { id: "resp_9", usage: {} }) => parse({ ...openaiResponsesLine("h"), request: { model: "m", input: "And the next one?", ...request }, response });
    const chained = line({ previous_response_id: "resp_8" });
    expect(chained).toMatchObject({ continues: "response:resp_8", responseId: "resp_9", turnCount: 1 });
    expect(line({ conversation: "conv_1" }).continues).toBe("conversation:conv_1");
    // The developer messages among the input items are the conversation's own (kept with it); `instructions` are not.
    const developer = line({ instructions: "Be brief.", input: [{ role: "developer", content: "Show your reasoning." }, { role: "user", content: "Hi" }] });
    expect(developer).toMatchObject({ system: "Be brief.\nShow your reasoning.", systemInInput: "Show your reasoning." });
    expect("systemInInput" in line({ instructions: "Be brief." })).toBe(false);
    expect(line({ conversation: { id: "conv_2" } }).continues).toBe("conversation:conv_2");
    // Neither: the keys are absent, not present holding undefined.
    const plain = line({}, { usage: {} });
    expect("continues" in plain || "responseId" in plain).toBe(false);
    // An answer the provider did not store cannot be continued; other APIs hold nothing.
    expect(line({ store: false }).responseId).toBeUndefined();
    expect(parse({ ...openaiChatLine("i"), response: { id: "chatcmpl-1", usage: {} } }).responseId).toBeUndefined();
    const bad = (request: Record<string, unknown>) => parseExchangeValue({ ...openaiResponsesLine("j"), request: { model: "m", input: "x", ...request } });
    expect(bad({ previous_response_id: 7 })).toEqual({ ok: false, reason: "request.previous_response_id must be a non-empty string" });
    expect(bad({ conversation: { id: "" } })).toEqual({ ok: false, reason: "request.conversation.id must be a non-empty string" });
    expect(bad({ previous_response_id: "r".repeat(257) })).toEqual({ ok: false, reason: "request.previous_response_id is longer than 256 characters" });
  });

  it("normalises anthropic.messages blocks, system arrays and thinking", () => {
    const ex = parse(anthropicLine("d"));
    expect(ex.system).toBe("Grade the answer against the rubric.");
    expect(ex.userTurns).toEqual(["Score this essay 1-10.", "Continue."]);
    expect(ex.toolCalls).toEqual(["lookup"]);
    expect(ex.toolResults).toBe(1);
    expect(ex.media.image).toBe(1);
    expect(ex.params).toMatchObject({ maxTokens: 20000, thinkingBudget: 16000, reasoningRequested: true });
    expect(ex.ts).toBe(Date.parse("2026-02-03T07:17:00Z"));
  });

  it("reads the answer begun for the model (a last assistant message) as its prefill, and nothing else as one", () => {
    const user = { role: "user", content: "What is the probability of two sixes?" };
    const prefilled = parse({ ...anthropicLine("p"), request: { model: "m", max_tokens: 512, messages: [user, { role: "assistant", content: [{ type: "text", text: "<thinking>" }] }] } });
    expect(prefilled.prefill).toBe("<thinking>");
    expect(prefilled.assistantTurns).toEqual(["<thinking>"]);
    const history = parse({ ...anthropicLine("q"), request: { model: "m", max_tokens: 512, messages: [user, { role: "assistant", content: "1/36." }, { role: "user", content: "And three sixes?" }] } });
    expect(history.prefill).toBe("");
    const chat = parse({ ...openaiChatLine("r"), request: { model: "m", messages: [user, { role: "assistant", content: "Let me think step by step." }] } });
    expect(chat.prefill).toBe("Let me think step by step.");
    const toolCall = parse({ ...openaiChatLine("s"), request: { model: "m", messages: [user, { role: "assistant", content: "Checking.", tool_calls: [{ id: "c1", type: "function", function: { name: "calc", arguments: "{}" } }] }] } });
    expect(toolCall.prefill).toBe("");
    const responses = parse({ ...openaiResponsesLine("t"), request: { model: "m", input: [{ role: "user", content: "Why?" }, { role: "assistant", content: "Reasoning:" }] } });
    expect(responses.prefill).toBe("Reasoning:");
  });

  it("gives a reason naming the field for bodies that do not fit their api", () => {
    const bad = (request: unknown, api = "openai.chat") => parseExchangeValue({ ...openaiChatLine("x"), api, request });
    expect(bad({ messages: "hi" })).toEqual({ ok: false, reason: "request.messages must be an array" });
    expect(bad({ messages: [{ content: "hi" }] })).toEqual({ ok: false, reason: "request.messages[0].role must be a string" });
    expect(bad({ messages: [{ role: "user", content: 5 }] })).toEqual({ ok: false, reason: "request.messages[0].content must be a string or an array of parts" });
    expect(bad({ input: 7 }, "openai.responses")).toEqual({ ok: false, reason: "request.input must be a string or an array of items" });
  });
});

describe("times the envelope's pattern admits", () => {
  it("quarantines a time no calendar has, naming the field, and reads a leap second as its minute's last millisecond", () => {
    for (const ts of ["2026-13-01T00:00:00Z", "2026-02-03T08:15:02+24:00", "2026-02-03T23:60:00Z"]) {
      const v = parseExchangeValue({ ...openaiChatLine("ex_t"), ts });
      expect(v.ok, ts).toBe(false);
      if (!v.ok) expect(v.reason).toBe(`ts: ${JSON.stringify(ts)} is not a real date-time`);
    }
    const leap = parseExchangeValue({ ...openaiChatLine("ex_leap"), ts: "2016-12-31T23:59:60.5Z" });
    expect(leap.ok && leap.exchange.ts).toBe(Date.parse("2016-12-31T23:59:59.999Z"));
    const created = parseExchangeValue({ ...openaiChatLine("ex_c"), account_meta: { created_at: "2025-00-10" } });
    expect(created.ok ? "" : created.reason).toBe('account_meta.created_at: "2025-00-10" is not a real date-time');
  });
});
