/** Real-looking exchange-log lines in each wire format, for ingest tests. */

const client = { ip: "203.0.113.7", asn: 64500, country: "SG", user_agent: "python-httpx/0.27.0", tls_fp: "t13d1516h2_8daaf6152771_e5627efa2ab1" };
const meta = { created_at: "2026-02-01T00:00:00Z", payment_fp: "pf_9a1c", verified: false };

export function openaiChatLine(id: string, ts = "2026-02-03T08:15:02.113Z"): Record<string, unknown> {
  return {
    id,
    ts,
    account: "acct_4821",
    api_key: "key_01",
    api: "openai.chat",
    request: {
      model: "frontier-1",
      messages: [
        { role: "system", content: "You are a helpful assistant." },
        { role: "user", content: "Solve 3x+7=22 and explain every step of your reasoning in detail." },
        { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "calculator", arguments: "{}" } }] },
        { role: "tool", tool_call_id: "c1", content: "5" },
        {
          role: "user",
          content: [
            { type: "text", text: "Now check this chart too." },
            { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
          ],
        },
      ],
      tools: [{ type: "function", function: { name: "calculator", parameters: { type: "object", properties: { expr: { type: "string" } } } } }],
      max_tokens: 4096,
      temperature: 0.7,
      n: 2,
      logprobs: true,
      top_logprobs: 5,
      logit_bias: { "1234": 5 },
      reasoning_effort: "high",
    },
    response: { usage: { prompt_tokens: 41, completion_tokens: 612, completion_tokens_details: { reasoning_tokens: 300 } } },
    client,
    account_meta: meta,
    extra_field_from_provider: { kept: true },
  };
}

export function openaiResponsesLine(id: string, ts = "2026-02-03T08:16:00Z"): Record<string, unknown> {
  return {
    id,
    ts,
    account: "acct_77",
    api: "openai.responses",
    request: {
      model: "frontier-1",
      instructions: "You are a data analyst.",
      input: [
        { role: "user", content: [{ type: "input_text", text: "Summarise this CSV." }, { type: "input_file", file_id: "file_1" }] },
        { type: "function_call", name: "run_sql", arguments: "{}", call_id: "x" },
        { type: "function_call_output", call_id: "x", output: "3 rows" },
        { role: "user", content: "And plot it." },
      ],
      tools: [{ type: "function", name: "run_sql", parameters: { type: "object" } }],
      reasoning: { effort: "high", summary: "detailed" },
      max_output_tokens: 32000,
    },
    response: { usage: { input_tokens: 120, output_tokens: 900, output_tokens_details: { reasoning_tokens: 700 } } },
    client: { ip: "2001:db8::1", country: "DE" },
  };
}

export function anthropicLine(id: string, ts = "2026-02-03T08:17:00+01:00"): Record<string, unknown> {
  return {
    id,
    ts,
    account: "acct_9",
    api: "anthropic.messages",
    request: {
      model: "frontier-1",
      system: [{ type: "text", text: "Grade the answer against the rubric." }],
      messages: [
        { role: "user", content: "Score this essay 1-10." },
        { role: "assistant", content: [{ type: "thinking", thinking: "..." }, { type: "tool_use", id: "t", name: "lookup", input: {} }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t", content: "ok" }, { type: "image", source: { type: "base64", data: "AA" } }, { type: "text", text: "Continue." }] },
      ],
      tools: [{ name: "lookup", description: "look up", input_schema: { type: "object" } }],
      thinking: { type: "enabled", budget_tokens: 16000 },
      max_tokens: 20000,
      temperature: 1,
    },
    response: { usage: { input_tokens: 300, output_tokens: 2000 } },
  };
}
