import { randomUUID } from "node:crypto";
import { isIP } from "node:net";
import type { Exchange, WireApi } from "../core/index.js";
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

/** The request as forwarded: tokens capped, extra samples dropped. Returns null when nothing changes. */
export function rewriteRequest(api: WireApi, body: Record<string, unknown>, actions: readonly Action[], maxTokensCap: number): Record<string, unknown> | null {
  let out: Record<string, unknown> | null = null;
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
