import { randomUUID } from "node:crypto";
import { isIP } from "node:net";
import { isJsonObject, type Exchange, type WireApi } from "../core/index.js";
import { COT_HIT } from "../detect/index.js";
import { parseExchangeValue } from "../ingest/index.js";
import type { Action } from "../policy/index.js";

export interface CallerContext {
  api: WireApi;
  account: string;
  apiKeyId?: string;
  ip?: string;
  userAgent?: string;
}

export type ExchangeResult = { ok: true; exchange: Exchange } | { ok: false; reason: string };

/** Wraps a live request body in the exchange-log envelope and reads it with the one ingest adapter. */
export function exchangeFromRequest(body: Record<string, unknown>, ctx: CallerContext, now: number): ExchangeResult {
  const verdict = parseExchangeValue({
    id: `live_${randomUUID()}`,
    ts: new Date(now).toISOString(),
    account: ctx.account,
    ...(ctx.apiKeyId ? { api_key: ctx.apiKeyId } : {}),
    api: ctx.api,
    request: body,
    client: { ...(ctx.ip ? { ip: ctx.ip } : {}), ...(ctx.userAgent ? { user_agent: ctx.userAgent.slice(0, 2048) } : {}) },
  });
  return verdict.ok ? { ok: true, exchange: verdict.exchange } : { ok: false, reason: verdict.reason };
}

const LOGIT_FIELDS = ["logprobs", "top_logprobs", "logit_bias"] as const;

/** Whether the body asks for what `refuse_logprobs` refuses (a request for logprobs: false is fine). */
export function asksForLogits(body: Record<string, unknown>): boolean {
  return LOGIT_FIELDS.some((f) => {
    const v = body[f];
    return v !== undefined && v !== null && v !== false && !(typeof v === "number" && v === 0) && !(typeof v === "object" && Object.keys(v).length === 0);
  });
}

const MAX_TOKEN_FIELDS: Record<WireApi, readonly string[]> = {
  "openai.chat": ["max_completion_tokens", "max_tokens"],
  "openai.responses": ["max_output_tokens"],
  "anthropic.messages": ["max_tokens"],
};

/**
 * Withholding reasoning removes the APIs' thinking blocks, but a request that asks for the reasoning in
 * words gets it in the answer's own text, where nothing marks where it ends: that is how a
 * chain-of-thought harvester asks. For such a request the gateway adds this where each API reads the
 * operator's instructions (after the client's own system prompt, which is kept), so the model answers
 * without writing out its working. A request may ask in its answer's schema instead ({"reasoning", "answer"}:
 * see detect/answer-schema.ts), which a strict schema makes the model fill, so the instruction says what
 * to put there.
 */
export const ANSWER_ONLY_INSTRUCTION =
  "Provider policy for this account: do not write out your reasoning, working, analysis or intermediate steps, whatever the request asks for; reply with the final answer only. Where the reply must follow a format with a field for reasoning, steps or explanation, leave that field empty.";

/**
 * The request asks for the reasoning in words, which comes back as the answer's text rather than a
 * thinking block. A request refused before it was read (signals null) is not served, so asks nothing.
 */
export const asksInWords = (d: { signals: { cotElicitation: number } | null }): boolean => d.signals !== null && d.signals.cotElicitation >= COT_HIT;

/**
 * Whether a decision's answer_only applies to its request: only one that asks for the reasoning in
 * words (the rest have nothing in the text to withhold). The gateway rewrites by it, replay counts by it.
 */
export function answerOnlyApplies(d: { actions: readonly Action[]; signals: { cotElicitation: number } | null }): boolean {
  return d.actions.includes("answer_only") && asksInWords(d);
}

/** The body with ANSWER_ONLY_INSTRUCTION added as an operator instruction in the API's own field. */
export function withAnswerOnlyInstruction(api: WireApi, body: Record<string, unknown>): Record<string, unknown> {
  const appended = (existing: unknown): string => (typeof existing === "string" && existing.trim() !== "" ? `${existing}\n\n${ANSWER_ONLY_INSTRUCTION}` : ANSWER_ONLY_INSTRUCTION);
  switch (api) {
    case "openai.chat": {
      // Among the leading system messages, not after the last turn: a final assistant message may be a prefill the model continues.
      const messages: unknown[] = Array.isArray(body.messages) ? body.messages : [];
      const isOperatorMessage = (m: unknown): boolean => isJsonObject(m) && (m.role === "system" || m.role === "developer");
      let at = 0;
      while (at < messages.length && isOperatorMessage(messages[at])) at++;
      return { ...body, messages: [...messages.slice(0, at), { role: "system", content: ANSWER_ONLY_INSTRUCTION }, ...messages.slice(at)] };
    }
    case "openai.responses":
      return { ...body, instructions: appended(body.instructions) };
    case "anthropic.messages":
      return { ...body, system: Array.isArray(body.system) ? [...body.system, { type: "text", text: ANSWER_ONLY_INSTRUCTION }] : appended(body.system) };
  }
}

/**
 * The request as forwarded: tokens capped, extra samples dropped, and with `answerOnly` the
 * instruction above added. Returns null when nothing changes.
 */
export function rewriteRequest(api: WireApi, body: Record<string, unknown>, actions: readonly Action[], maxTokensCap: number, answerOnly = false): Record<string, unknown> | null {
  let out: Record<string, unknown> | null = answerOnly ? withAnswerOnlyInstruction(api, body) : null;
  const edit = (): Record<string, unknown> => (out ??= { ...body });
  if (actions.includes("cap_max_tokens")) {
    const fields = MAX_TOKEN_FIELDS[api];
    const present = fields.filter((f) => typeof body[f] === "number");
    if (present.length === 0) edit()[fields[0] as string] = maxTokensCap;
    for (const f of present) if ((body[f] as number) > maxTokensCap) edit()[f] = maxTokensCap;
  }
  if (actions.includes("drop_n") && typeof body.n === "number" && body.n > 1) edit().n = 1;
  return out;
}

/**
 * Some proxies write the client's port into X-Forwarded-For ("203.0.113.7:51234", "[2001:db8::1]:443");
 * without it stripped, the entry failed the address check and every client read as the proxy itself.
 */
function withoutPort(entry: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(entry);
  if (bracketed) return bracketed[1] as string;
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(entry);
  return v4 ? (v4[1] as string) : entry;
}

/**
 * The client address: with `trustedHops` proxies in front, each appending to X-Forwarded-For, the
 * entry that many places from the right was written by our own proxy; anything left of it is the
 * client's to forge. Falls back to the socket address when the header is absent or malformed.
 */
export function clientIp(forwardedFor: string | undefined, socketAddress: string | undefined, trustedHops: number): string | undefined {
  if (trustedHops > 0 && forwardedFor) {
    const hops = forwardedFor.split(",").map((s) => s.trim());
    const candidate = hops[hops.length - trustedHops];
    const address = candidate === undefined ? undefined : withoutPort(candidate);
    if (address && isIP(address)) return address;
  }
  // An IPv4 peer on a dual-stack socket reads ::ffff:a.b.c.d here; the ingest adapter writes it as IPv4.
  return socketAddress;
}
