import { BoundedMemo } from "./memo.js";

/** The one internal shape every level reads; adapters in ingest/ build it from the three wire formats. */

export const WIRE_APIS = ["openai.chat", "openai.responses", "anthropic.messages"] as const;
export type WireApi = (typeof WIRE_APIS)[number];

export interface ClientInfo {
  ip?: string;
  asn?: number;
  country?: string;
  userAgent?: string;
  tlsFp?: string;
  proxy?: boolean;
}

export interface AccountMeta {
  createdAt?: string;
  emailHash?: string;
  paymentFp?: string;
  phoneHash?: string;
  org?: string;
  tier?: string;
  verified?: boolean;
  program?: string;
}

export interface ToolDefinition {
  name: string;
  /** Canonical JSON of the tool's parameter schema, so identical schema sets hash identically. */
  schema: string;
}

export interface MediaCounts {
  image: number;
  audio: number;
  file: number;
}

export interface GenerationParams {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  n?: number;
  logprobs: boolean;
  topLogprobs?: number;
  logitBias: boolean;
  stream: boolean;
  /** openai `reasoning_effort` / `reasoning.effort`, e.g. "high". */
  reasoningEffort?: string;
  /** anthropic `thinking.budget_tokens` (or openai reasoning max tokens where given). */
  thinkingBudget?: number;
  /** Whether the request asked for visible reasoning summaries / thinking blocks at all. */
  reasoningRequested: boolean;
}

export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  reasoningTokens?: number;
}

export interface Exchange {
  id: string;
  /** Epoch milliseconds of `ts`. */
  ts: number;
  account: string;
  apiKey?: string;
  api: WireApi;
  model: string;
  system: string;
  /** User turns in order; the last one is the prompt this request is about. */
  userTurns: string[];
  assistantTurns: string[];
  /**
   * The request's last message when it is the assistant's, which the answer must continue (a prefill:
   * "<thinking>", "Let me think step by step."); "" otherwise. Also among `assistantTurns`.
   */
  prefill: string;
  /** Messages in the request (all roles but system). */
  turnCount: number;
  tools: ToolDefinition[];
  /**
   * The structured answer the request demands, when it demands one (a JSON schema for the answer, or one
   * tool the model is made to call): its fields one per line in the order the model writes them, as
   * `name[item fields]: description` (see ingest's demandedAnswer). A harness can ask for the reasoning
   * here without a word in the prompt ({"reasoning": …, "answer": …}), as an app's schema can.
   */
  answerSchema?: string;
  /** Names of tools called in prior assistant turns (the request's history). */
  toolCalls: string[];
  toolResults: number;
  media: MediaCounts;
  params: GenerationParams;
  usage: Usage;
  client: ClientInfo;
  accountMeta: AccountMeta;
  /**
   * The conversation the provider holds for this request, which it continues without sending it again
   * (Responses API): `response:<previous_response_id>` or `conversation:<id>`; absent when the request
   * carries its own history or none.
   */
  continues?: string;
  /** The answer's id where later requests can continue it (a stored Responses API answer whose id the log gives). */
  responseId?: string;
  /**
   * Of `system`, what was sent as the conversation's own messages (Responses API developer or system
   * input items), which the provider keeps with a conversation it holds; its `instructions` it does not.
   */
  systemInInput?: string;
  /**
   * The opening a held conversation's earlier request handed on (see handedOn), recalled by whoever
   * follows such conversations (the hunt in log order, the gateway from its state) before the request
   * is read: the one part of the conversation the request itself never shows.
   */
  heldOpening?: string;
  /** Likewise the developer messages the conversation holds, which `system` then starts with (see readWithHeld). */
  heldSystem?: string;
  /** Likewise the earlier answers it holds that were written as the answer to follow, as read (see demonstrations). */
  heldDemonstrations?: readonly string[];
}

const CONVERSATION_OBJECT = "conversation:";
/** What a request continuing the stored answer `responseId` names in Exchange.continues. */
export const continuingAnswer = (responseId: string): string => `response:${responseId}`;
/** What a request continuing the conversation object `conversationId` names in Exchange.continues. */
export const continuingConversation = (conversationId: string): string => `${CONVERSATION_OBJECT}${conversationId}`;
/** Whether `continues` names a conversation object (whose first request opens it) rather than an answer. */
export const isConversationObject = (continues: string): boolean => continues.startsWith(CONVERSATION_OBJECT);

/**
 * A request that is one turn on its own: no earlier turns sent with it and none held for it by the
 * provider. A chained follow-up (`previous_response_id`) sends one message but is a conversation's turn.
 */
export const standsAlone = (ex: Pick<Exchange, "turnCount" | "continues">): boolean => ex.turnCount <= 1 && ex.continues === undefined;

/** The prompt a request is about: the newest user turn. */
export function lastUserText(ex: Exchange): string {
  return ex.userTurns.length > 0 ? (ex.userTurns[ex.userTurns.length - 1] ?? "") : "";
}

/**
 * The head and tail of a long text, which is where instructions live around a payload. Every
 * per-request scan reads at most this much, so cost per request is bounded whatever the prompt size.
 */
export function headTail(text: string, head = 1500, tail = 500): string {
  return text.length <= head + tail ? text : `${text.slice(0, head)}\n${text.slice(-tail)}`;
}

/** An exchange with nothing in it but what is given: for text-only inputs (`classify`) and tests. */
export function blankExchange(overrides: Partial<Exchange> = {}): Exchange {
  return {
    id: "",
    ts: 0,
    account: "",
    api: "openai.chat",
    model: "",
    system: "",
    userTurns: [],
    assistantTurns: [],
    prefill: "",
    turnCount: 0,
    tools: [],
    toolCalls: [],
    toolResults: 0,
    media: { image: 0, audio: 0, file: 0 },
    params: { logprobs: false, logitBias: false, stream: false, reasoningRequested: false },
    usage: {},
    client: {},
    accountMeta: {},
    ...overrides,
  };
}

/** Later facts win, but an absent or empty field never erases a known one. */
export function mergeMeta(base: AccountMeta | null, update: AccountMeta): AccountMeta {
  // `base` itself comes back when the update changes nothing (the usual case: every exchange repeats
  // its account's meta), so callers must treat the result as read-only; none writes to it.
  // for…in, not Object.entries: this runs for every exchange, and the entries array was its cost.
  let out: AccountMeta | null = null;
  for (const k in update) {
    const v = update[k as keyof AccountMeta];
    if (v === undefined || v === null || v === "" || (base !== null && base[k as keyof AccountMeta] === v)) continue;
    out ??= { ...(base ?? {}) };
    (out as Record<string, unknown>)[k] = v;
  }
  return out ?? base ?? {};
}

/**
 * Whether the account is known not to have passed identity verification: `verified: false`, or no
 * `verified` among account facts the log does give (a provider that writes only `verified: true`).
 * A log with no account facts at all says nothing either way; counting its accounts as unverified
 * put a verified labelling company's shared rubric templates over the line when its logs came
 * without `account_meta`.
 */
export function knownUnverified(meta: AccountMeta): boolean {
  if (meta.verified !== undefined) return !meta.verified;
  for (const key in meta) if (meta[key as keyof AccountMeta] !== undefined) return true;
  return false;
}

/** Milliseconds from the account's creation to `ts`; NaN when the creation time is unknown. */
export function accountAgeAt(meta: AccountMeta, ts: number): number {
  return meta.createdAt ? ts - createdAtMs(meta.createdAt) : Number.NaN;
}

/**
 * Milliseconds of a time as the exchange log writes it (validated by the envelope: an RFC 3339
 * date-time, or a full date for an account's creation, which Date.parse reads as midnight UTC). A
 * date-time without an offset is UTC: Date.parse would read it in this machine's zone.
 */
export function logTimeMs(s: string): number {
  const last = s.charAt(s.length - 1);
  const sign = s.charAt(s.length - 6);
  const hasZone = last === "Z" || last === "z" || (s.charAt(s.length - 3) === ":" && (sign === "+" || sign === "-"));
  const zoned = hasZone || s.length === 10 ? s : `${s}Z`;
  const ms = Date.parse(zoned);
  // RFC 3339 allows a leap second (23:59:60), which Date.parse refuses: read as the minute's last millisecond.
  if (Number.isNaN(ms) && zoned.slice(17, 19) === "60") return Date.parse(`${zoned.slice(0, 17)}59${zoned.slice(19).replace(/^\.\d+/, "")}`) + 999;
  return ms;
}

/** Creation times parsed once each: an account's one string is read for every request it sends. */
const CREATED_AT_MS = new BoundedMemo<number>(100_000);

/** An account's creation time in milliseconds (NaN for a string no calendar has), parsed once per distinct string. */
export function createdAtMs(createdAt: string): number {
  return CREATED_AT_MS.get(createdAt, logTimeMs);
}
