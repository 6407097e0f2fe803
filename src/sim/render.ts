import type { WireApi } from "../core/index.js";
import type { ClientFacts } from "./infra.js";
import type { AccountMetaFacts, SimMessage, SimRequest } from "./types.js";

/** Turns a simulated request into the exact request body each wire format expects. */
function chatContent(m: SimMessage): unknown {
  if (!m.images && !m.files) return m.text;
  const parts: unknown[] = [{ type: "text", text: m.text }];
  for (let i = 0; i < (m.images ?? 0); i++) parts.push({ type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } });
  for (let i = 0; i < (m.files ?? 0); i++) parts.push({ type: "file", file: { file_id: "file-abc123" } });
  return parts;
}

function openaiChat(req: SimRequest, model: string): Record<string, unknown> {
  const messages: unknown[] = [];
  if (req.system) messages.push({ role: "system", content: req.system });
  let call = 0;
  for (const m of req.messages) {
    if (m.toolCall) messages.push({ role: "assistant", content: null, tool_calls: [{ id: `call_${++call}`, type: "function", function: { name: m.toolCall, arguments: "{}" } }] });
    else if (m.toolResult) messages.push({ role: "tool", tool_call_id: `call_${call}`, content: m.toolResult });
    else messages.push({ role: m.role, content: chatContent(m) });
  }
  return {
    model,
    messages,
    ...(req.tools.length ? { tools: req.tools.map((t) => ({ type: "function", function: { name: t.name, description: t.description, parameters: t.parameters } })) } : {}),
    max_tokens: req.maxTokens,
    ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
    ...(req.n ? { n: req.n } : {}),
    ...(req.topLogprobs ? { logprobs: true, top_logprobs: req.topLogprobs } : {}),
    ...(req.reasoning ? { reasoning_effort: req.reasoning } : {}),
  };
}

function openaiResponses(req: SimRequest, model: string, previousResponseId: string | undefined): Record<string, unknown> {
  const input: unknown[] = [];
  let call = 0;
  for (const m of req.messages) {
    if (m.toolCall) input.push({ type: "function_call", name: m.toolCall, arguments: "{}", call_id: `call_${++call}` });
    else if (m.toolResult) input.push({ type: "function_call_output", call_id: `call_${call}`, output: m.toolResult });
    else {
      const content: unknown[] = [{ type: m.role === "assistant" ? "output_text" : "input_text", text: m.text }];
      for (let i = 0; i < (m.images ?? 0); i++) content.push({ type: "input_image", image_url: "data:image/png;base64,iVBORw0KGgo=" });
      for (let i = 0; i < (m.files ?? 0); i++) content.push({ type: "input_file", file_id: "file-abc123" });
      input.push({ role: m.role, content });
    }
  }
  return {
    model,
    ...(req.system ? { instructions: req.system } : {}),
    ...(previousResponseId !== undefined ? { previous_response_id: previousResponseId } : {}),
    input,
    ...(req.tools.length ? { tools: req.tools.map((t) => ({ type: "function", name: t.name, description: t.description, parameters: t.parameters })) } : {}),
    max_output_tokens: req.maxTokens,
    ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
    ...(req.topLogprobs ? { top_logprobs: req.topLogprobs, include: ["message.output_text.logprobs"] } : {}),
    ...(req.reasoning ? { reasoning: { effort: req.reasoning, summary: "auto" } } : {}),
  };
}

function anthropicMessages(req: SimRequest, model: string): Record<string, unknown> {
  const messages: Array<{ role: string; content: unknown }> = [];
  let call = 0;
  const push = (role: string, block: unknown): void => {
    const last = messages[messages.length - 1];
    if (last && last.role === role && Array.isArray(last.content)) last.content.push(block);
    else messages.push({ role, content: [block] });
  };
  for (const m of req.messages) {
    if (m.toolCall) push("assistant", { type: "tool_use", id: `toolu_${++call}`, name: m.toolCall, input: {} });
    else if (m.toolResult) push("user", { type: "tool_result", tool_use_id: `toolu_${call}`, content: m.toolResult });
    else if (m.images || m.files) {
      const blocks: unknown[] = [];
      for (let i = 0; i < (m.images ?? 0); i++) blocks.push({ type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } });
      for (let i = 0; i < (m.files ?? 0); i++) blocks.push({ type: "document", source: { type: "file", file_id: "file_abc123" } });
      blocks.push({ type: "text", text: m.text });
      for (const b of blocks) push(m.role, b);
    } else messages.push({ role: m.role, content: m.text });
  }
  return {
    model,
    ...(req.system ? { system: req.system } : {}),
    messages,
    ...(req.tools.length ? { tools: req.tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters })) } : {}),
    max_tokens: req.maxTokens,
    ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
    ...(req.reasoning ? { thinking: { type: "enabled", budget_tokens: req.reasoning === "high" ? 32000 : 8000 } } : {}),
  };
}

function usage(api: WireApi, req: SimRequest): Record<string, unknown> {
  const input = Math.round(req.messages.reduce((a, m) => a + m.text.length, req.system.length) / 4) + 8;
  const reasoning = req.reasoning ? Math.round(req.outputTokens * 0.6) : 0;
  if (api === "openai.chat") return { prompt_tokens: input, completion_tokens: req.outputTokens, ...(reasoning ? { completion_tokens_details: { reasoning_tokens: reasoning } } : {}) };
  if (api === "openai.responses") return { input_tokens: input, output_tokens: req.outputTokens, ...(reasoning ? { output_tokens_details: { reasoning_tokens: reasoning } } : {}) };
  return { input_tokens: input, output_tokens: req.outputTokens };
}

/** The id of the answer to exchange `exchangeId`, as a Responses API store names it. */
export const answerIdOf = (exchangeId: string): string => `resp_${exchangeId}`;

export function renderLine(input: {
  id: string;
  ts: number;
  account: string;
  api: WireApi;
  model: string;
  req: SimRequest;
  client: ClientFacts;
  meta: AccountMetaFacts;
  /** Responses API: the stored answer this request continues; `req` then holds only what it adds. */
  previousResponseId?: string;
}): string {
  const body = input.api === "openai.chat" ? openaiChat(input.req, input.model) : input.api === "openai.responses" ? openaiResponses(input.req, input.model, input.previousResponseId) : anthropicMessages(input.req, input.model);
  const answer = usage(input.api, input.req);
  return JSON.stringify({
    id: input.id,
    ts: new Date(input.ts).toISOString(),
    account: input.account,
    api: input.api,
    request: body,
    response: input.api === "openai.responses" ? { id: answerIdOf(input.id), usage: answer } : { usage: answer },
    client: input.client,
    account_meta: input.meta,
  });
}
