import { BoundedMemo, canonicalIp, canonicalJson, continuingAnswer, continuingConversation, createdAtMs, isJsonObject, logTimeMs, type AccountMeta, type ClientInfo, type Exchange, type GenerationParams, type MediaCounts, type ToolDefinition, type Usage } from "../core/index.js";
import { demandedAnswer } from "./answer-schema.js";
import type { Envelope } from "./envelope.js";

/** A request body that cannot be read as its declared `api`; the line is quarantined with this reason. */
export class AdapterError extends Error {
  override readonly name = "AdapterError";
}

type Obj = Record<string, unknown>;

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

interface Conversation {
  system: string[];
  user: string[];
  assistant: string[];
  /** The text of the last message, when the assistant sent it and nothing came after (a prefill); "" otherwise. */
  prefill: string;
  turnCount: number;
  toolCalls: string[];
  toolResults: number;
  media: MediaCounts;
}

function emptyConversation(): Conversation {
  return { system: [], user: [], assistant: [], prefill: "", turnCount: 0, toolCalls: [], toolResults: 0, media: { image: 0, audio: 0, file: 0 } };
}

const IMAGE_PARTS = new Set(["image_url", "input_image", "image"]);
const AUDIO_PARTS = new Set(["input_audio", "audio"]);
const FILE_PARTS = new Set(["file", "input_file", "document"]);
const TEXT_PARTS = new Set(["text", "input_text", "output_text"]);

/** Text of a content value (string or array of parts), counting media parts and tool blocks on the way. */
function contentText(content: unknown, conv: Conversation, where: string): string {
  if (typeof content === "string") return content;
  if (content === null || content === undefined) return "";
  if (!Array.isArray(content)) throw new AdapterError(`${where}.content must be a string or an array of parts`);
  const texts: string[] = [];
  for (const part of content) {
    if (typeof part === "string") {
      texts.push(part);
      continue;
    }
    if (!isJsonObject(part)) throw new AdapterError(`${where}.content has a part that is not an object`);
    const type = str(part.type) ?? "";
    if (TEXT_PARTS.has(type)) texts.push(str(part.text) ?? "");
    else if (IMAGE_PARTS.has(type)) conv.media.image++;
    else if (AUDIO_PARTS.has(type)) conv.media.audio++;
    else if (FILE_PARTS.has(type)) conv.media.file++;
    else if (type === "tool_use") conv.toolCalls.push(str(part.name) ?? "");
    else if (type === "tool_result") {
      conv.toolResults++;
      // Tool output is data the client fed back, not something the user typed; it is not prompt text.
    }
  }
  return texts.join("\n");
}

function pushTurn(conv: Conversation, role: string, text: string): void {
  if (role === "system" || role === "developer") {
    conv.system.push(text);
    return;
  }
  // An assistant turn is a prefill until any other turn follows it.
  const assistant = role === "assistant" || role === "model";
  conv.prefill = assistant ? text : "";
  if (assistant) conv.assistant.push(text);
  else if (role === "user") conv.user.push(text);
}

function readMessages(messages: unknown, conv: Conversation, field: string): void {
  if (!Array.isArray(messages)) throw new AdapterError(`request.${field} must be an array`);
  messages.forEach((m, i) => {
    const where = `request.${field}[${i}]`;
    if (!isJsonObject(m)) throw new AdapterError(`${where} must be an object`);
    const role = str(m.role);
    if (role === undefined) throw new AdapterError(`${where}.role must be a string`);
    if (role !== "system" && role !== "developer") conv.turnCount++;
    if (role === "tool" || role === "function") {
      conv.toolResults++;
      conv.prefill = "";
      return;
    }
    const text = contentText(m.content, conv, where);
    pushTurn(conv, role, text);
    if (Array.isArray(m.tool_calls)) {
      for (const call of m.tool_calls) if (isJsonObject(call) && isJsonObject(call.function)) conv.toolCalls.push(str(call.function.name) ?? "");
      // An assistant turn that called tools is history, not an answer begun.
      if (m.tool_calls.length > 0) conv.prefill = "";
    }
  });
}

function readTools(tools: unknown, schemaKey: "parameters" | "input_schema"): ToolDefinition[] {
  if (!Array.isArray(tools)) return [];
  const out: ToolDefinition[] = [];
  for (const t of tools) {
    if (!isJsonObject(t)) continue;
    // OpenAI chat nests under `function`; responses and Anthropic keep it flat.
    const fn = isJsonObject(t.function) ? t.function : t;
    const name = str(fn.name) ?? str(t.type) ?? "";
    out.push({ name, schema: canonicalSchema(fn[schemaKey] ?? fn.parameters ?? fn.input_schema ?? null) });
  }
  return out;
}

/**
 * An application sends the same tool schemas with every request, and canonicalising them (sorted
 * keys, recursively) cost more than the rest of adapting an exchange. The native serialisation is
 * the cache key: the same schema written the same way is canonicalised once. Bounded, so that
 * traffic with ever-new schemas costs a lookup, not memory.
 */
const canonicalOf = new BoundedMemo<string>(2048);
/** Larger schemas are canonicalised each time: the cache holds at most ~2048 × 2 × 16 KB whatever the input. */
const CANONICAL_CACHE_MAX_CHARS = 16_384;

function canonicalSchema(schema: unknown): string {
  const written = JSON.stringify(schema) ?? "null";
  if (written.length > CANONICAL_CACHE_MAX_CHARS) return canonicalJson(schema);
  return canonicalOf.get(written, () => canonicalJson(schema));
}

function baseParams(req: Obj): GenerationParams {
  return {
    temperature: num(req.temperature),
    topP: num(req.top_p),
    n: num(req.n),
    logprobs: req.logprobs === true,
    topLogprobs: num(req.top_logprobs),
    logitBias: isJsonObject(req.logit_bias) && Object.keys(req.logit_bias).length > 0,
    stream: req.stream === true,
    reasoningRequested: false,
  };
}

interface AdaptedRequest {
  conv: Conversation;
  params: GenerationParams;
  tools: ToolDefinition[];
  continues?: string;
  systemInInput?: string;
}

function openaiChat(req: Obj): AdaptedRequest {
  const conv = emptyConversation();
  readMessages(req.messages, conv, "messages");
  const params = baseParams(req);
  params.maxTokens = num(req.max_completion_tokens) ?? num(req.max_tokens);
  const effort = str(req.reasoning_effort) ?? (isJsonObject(req.reasoning) ? str(req.reasoning.effort) : undefined);
  if (effort !== undefined) {
    params.reasoningEffort = effort;
    params.reasoningRequested = effort !== "none" && effort !== "minimal";
  }
  return { conv, params, tools: readTools(req.tools, "parameters") };
}

function openaiResponses(req: Obj): AdaptedRequest {
  const conv = emptyConversation();
  const instructions = str(req.instructions);
  if (instructions) conv.system.push(instructions);
  const input = req.input;
  if (typeof input === "string") {
    conv.user.push(input);
    conv.turnCount = 1;
  } else if (Array.isArray(input)) {
    input.forEach((item, i) => {
      const where = `request.input[${i}]`;
      if (!isJsonObject(item)) throw new AdapterError(`${where} must be an object`);
      const type = str(item.type) ?? "message";
      if (type === "function_call") {
        conv.toolCalls.push(str(item.name) ?? "");
        conv.turnCount++;
        conv.prefill = "";
      } else if (type === "function_call_output") {
        conv.toolResults++;
        conv.turnCount++;
        conv.prefill = "";
      } else if (type === "message") {
        const role = str(item.role);
        if (role === undefined) throw new AdapterError(`${where}.role must be a string`);
        if (role !== "system" && role !== "developer") conv.turnCount++;
        pushTurn(conv, role, contentText(item.content, conv, where));
      }
    });
  } else {
    throw new AdapterError("request.input must be a string or an array of items");
  }
  const params = baseParams(req);
  params.maxTokens = num(req.max_output_tokens);
  if (isJsonObject(req.reasoning)) {
    params.reasoningEffort = str(req.reasoning.effort);
    params.reasoningRequested =
      (params.reasoningEffort !== undefined && params.reasoningEffort !== "minimal" && params.reasoningEffort !== "none") ||
      req.reasoning.summary !== undefined;
  }
  // Responses API asks for logprobs through `include` and `top_logprobs`.
  if (Array.isArray(req.include) && req.include.some((x) => typeof x === "string" && x.includes("logprobs"))) params.logprobs = true;
  // The developer and system messages among the input items, which the provider keeps with the
  // conversation, as it does not keep `instructions` (pushed first).
  const systemInInput = conv.system.slice(instructions ? 1 : 0).join("\n");
  return { conv, params, tools: readTools(req.tools, "parameters"), continues: heldConversation(req), ...(systemInInput !== "" ? { systemInInput } : {}) };
}

/** Longer than any id a provider issues: an id past it is not one, and would be kept as a key. */
const MAX_HELD_ID = 256;

function heldId(v: unknown, where: string): string {
  if (typeof v !== "string" || v === "") throw new AdapterError(`${where} must be a non-empty string`);
  if (v.length > MAX_HELD_ID) throw new AdapterError(`${where} is longer than ${MAX_HELD_ID} characters`);
  return v;
}

/** The conversation a Responses API request continues from the provider's store (Exchange.continues). */
function heldConversation(req: Obj): string | undefined {
  if (req.previous_response_id !== undefined && req.previous_response_id !== null) return continuingAnswer(heldId(req.previous_response_id, "request.previous_response_id"));
  const conversation = req.conversation;
  if (conversation === undefined || conversation === null) return undefined;
  const id = isJsonObject(conversation) ? conversation.id : conversation;
  return continuingConversation(heldId(id, isJsonObject(conversation) ? "request.conversation.id" : "request.conversation"));
}

/** The id later requests continue the answer by: only a Responses API answer the provider stored (`store` is not false). */
function continuableAnswerId(env: Envelope): string | undefined {
  if (env.api !== "openai.responses" || env.request.store === false || !env.response) return undefined;
  const id = env.response.id;
  return typeof id === "string" && id !== "" && id.length <= MAX_HELD_ID ? id : undefined;
}

function anthropicMessages(req: Obj): AdaptedRequest {
  const conv = emptyConversation();
  if (req.system !== undefined) conv.system.push(contentText(req.system, conv, "request.system"));
  readMessages(req.messages, conv, "messages");
  const params = baseParams(req);
  params.maxTokens = num(req.max_tokens);
  if (isJsonObject(req.thinking) && req.thinking.type !== "disabled") {
    params.reasoningRequested = true;
    params.thinkingBudget = num(req.thinking.budget_tokens);
  }
  if (isJsonObject(req.output_config) && str(req.output_config.effort)) params.reasoningEffort = str(req.output_config.effort);
  return { conv, params, tools: readTools(req.tools, "input_schema") };
}

export function readUsage(api: Envelope["api"], response: Obj | undefined): Usage {
  const usage = response && isJsonObject(response.usage) ? response.usage : undefined;
  if (!usage) return {};
  if (api === "openai.chat") {
    const details = isJsonObject(usage.completion_tokens_details) ? usage.completion_tokens_details : {};
    return { inputTokens: num(usage.prompt_tokens), outputTokens: num(usage.completion_tokens), reasoningTokens: num(details.reasoning_tokens) };
  }
  const details = isJsonObject(usage.output_tokens_details) ? usage.output_tokens_details : {};
  return { inputTokens: num(usage.input_tokens), outputTokens: num(usage.output_tokens), reasoningTokens: num(details.reasoning_tokens) };
}

function readClient(c: Envelope["client"]): ClientInfo {
  if (!c) return {};
  return { ip: c.ip === undefined ? undefined : canonicalIp(c.ip), asn: c.asn, country: c.country, userAgent: c.user_agent, tlsFp: c.tls_fp, proxy: c.proxy };
}

/**
 * A time the envelope's pattern admits but no calendar has (month 13, minute 60, an offset of +24:00):
 * Date.parse reads NaN, and such an exchange was let in with no time at all, to be sorted and aged as
 * nothing. Quarantined with the field named instead.
 */
function notARealTime(field: string, value: string): AdapterError {
  return new AdapterError(`${field}: ${JSON.stringify(value.slice(0, 40))} is not a real date-time`);
}

/** Account facts as the exchange log or accounts table gives them. Throws AdapterError for a creation time no calendar has. */
export function readAccountMeta(m: Envelope["account_meta"]): AccountMeta {
  if (!m) return {};
  if (m.created_at !== undefined && Number.isNaN(createdAtMs(m.created_at))) throw notARealTime("account_meta.created_at", m.created_at);
  return {
    createdAt: m.created_at,
    emailHash: m.email_hash,
    paymentFp: m.payment_fp,
    phoneHash: m.phone_hash,
    org: m.org,
    tier: m.tier,
    verified: m.verified,
    program: m.program,
  };
}

const ADAPTERS = {
  "openai.chat": openaiChat,
  "openai.responses": openaiResponses,
  "anthropic.messages": anthropicMessages,
} as const;

/** Envelope (already validated) → internal Exchange. Throws AdapterError when the body does not fit its `api`. */
export function toExchange(env: Envelope): Exchange {
  const { conv, params, tools, continues, systemInInput } = ADAPTERS[env.api](env.request);
  const responseId = continuableAnswerId(env);
  const answerSchema = demandedAnswer(env.api, env.request);
  const ts = logTimeMs(env.ts);
  if (Number.isNaN(ts)) throw notARealTime("ts", env.ts);
  return {
    id: env.id,
    ts,
    account: env.account,
    apiKey: env.api_key,
    api: env.api,
    model: str(env.request.model) ?? "",
    system: conv.system.join("\n"),
    userTurns: conv.user,
    assistantTurns: conv.assistant,
    prefill: conv.prefill,
    turnCount: conv.turnCount,
    tools,
    toolCalls: conv.toolCalls,
    toolResults: conv.toolResults,
    media: conv.media,
    params,
    usage: readUsage(env.api, env.response),
    client: readClient(env.client),
    accountMeta: readAccountMeta(env.account_meta),
    // Absent stays absent: most exchanges have neither, and a key holding undefined is still a key.
    ...(continues !== undefined ? { continues } : {}),
    ...(responseId !== undefined ? { responseId } : {}),
    ...(systemInInput !== undefined ? { systemInInput } : {}),
    ...(answerSchema !== undefined ? { answerSchema } : {}),
  };
}
