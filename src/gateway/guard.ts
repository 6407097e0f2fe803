import type { Context, MiddlewareHandler } from "hono";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { WireApi } from "../core/index.js";
import { reasoningFieldOf } from "../detect/index.js";
import type { Policy } from "../policy/index.js";
import type { Decision, Gatekeeper } from "./decide.js";
import { errorBody, type GatewayErrorBody } from "./errors.js";
import { tagOpenedByPrefill, type TagPair } from "./reasoning.js";
import type { GatewayMetrics } from "./metrics.js";
import { answerOnlyApplies, asksForLogits, clientIp, exchangeFromRequest, rewriteRequest, type CallerContext } from "./request.js";

/** What the guard hands to the handler behind it: the decision and the body to forward. */
export interface GuardedRequest {
  decision: Decision;
  api: WireApi;
  /** Who called, as resolved from the headers and the socket. */
  caller: Omit<CallerContext, "api">;
  /** The body after the policy's request changes (capped tokens, n dropped); the original when none. */
  body: Record<string, unknown>;
  /**
   * Whether the policy changed the body. When it did not, forward the bytes the client sent:
   * re-serialising a parse can alter what a client wrote (an integer beyond 2^53 loses digits).
   */
  bodyChanged: boolean;
  reasoning: "strip" | "summarise" | null;
  /** With `reasoning`: the reasoning tag the request's prefill left open, inside which the answer begins (transformReasoning's startsInside). */
  reasoningOpenedByPrefill: TagPair | null;
  /** With `reasoning`: the field of the structured answer the request demands that holds its reasoning, if any (see reasoningFieldOf). */
  reasoningField: string | null;
  summaryChars: number;
}

export type GuardOutcome = { ok: true; guarded: GuardedRequest } | { ok: false; error: GatewayErrorBody; headers: Record<string, string>; decision?: Decision };

export interface GuardInput {
  api: WireApi;
  body: unknown;
  caller: Omit<CallerContext, "api"> | null;
}

export interface GuardDeps {
  gatekeeper: Gatekeeper;
  policy: () => Policy;
  metrics?: GatewayMetrics;
  clock?: () => number;
}

const refusal = (d: Decision, error: GatewayErrorBody, headers: Record<string, string> = {}): GuardOutcome => ({
  ok: false,
  error: { status: error.status, body: error.body },
  headers: { "hydrasentry-decision-id": d.id, ...headers },
  decision: d,
});

/**
 * The request-path decision, independent of any framework: validate, decide, then either refuse in
 * the API's own error shape or say what to forward. Hono, Express and plain node:http wrap this.
 */
export async function guardRequest(deps: GuardDeps, input: GuardInput): Promise<GuardOutcome> {
  const { api } = input;
  const bad = (code: "invalid_request" | "unauthorized", message: string): GuardOutcome => {
    deps.metrics?.badRequests.inc({ code });
    return { ok: false, error: errorBody(api, code, message), headers: {} };
  };
  if (input.caller === null) return bad("unauthorized", "no account: send the account header or a known API key");
  if (typeof input.body !== "object" || input.body === null || Array.isArray(input.body)) return bad("invalid_request", "request body must be a JSON object");
  const body = input.body as Record<string, unknown>;
  const started = performance.now();
  const now = (deps.clock ?? Date.now)();
  const parsed = exchangeFromRequest(body, { ...input.caller, api }, now);
  if (!parsed.ok) return bad("invalid_request", `invalid request: ${parsed.reason}`);
  const decision = await deps.gatekeeper.decide(parsed.exchange);
  const policy = deps.policy();
  deps.metrics?.decisionSeconds.observe((performance.now() - started) / 1000);
  deps.metrics?.decisions.inc({ decision: decision.decision, enforced: String(decision.enforced) });
  for (const a of decision.actions) deps.metrics?.actions.inc({ action: a });

  const passthrough: GuardedRequest = { decision, api, caller: input.caller, body, bodyChanged: false, reasoning: null, reasoningOpenedByPrefill: null, reasoningField: null, summaryChars: policy.reasoning_summary_chars };
  if (!decision.enforced) return { ok: true, guarded: passthrough };
  const reasons = decision.reasons.slice(0, 3).join("; ");
  switch (decision.decision) {
    case "ban_cluster":
      return refusal(decision, errorBody(api, "cluster_banned", `access refused: ${reasons}`, { decision_id: decision.id }));
    case "suspend":
      return refusal(decision, errorBody(api, "account_suspended", `account suspended: ${reasons}`, { decision_id: decision.id }));
    case "require_verification": {
      const url = policy.verification_url.replace("{account}", encodeURIComponent(decision.account));
      return refusal(decision, errorBody(api, "verification_required", `identity verification required before further use: ${url}`, { decision_id: decision.id, verification_url: url }));
    }
    default:
  }
  if (decision.retryAfterMs !== null) {
    const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
    return refusal(decision, errorBody(api, "rate_limited", `rate limited; retry after ${seconds} s`, { decision_id: decision.id }), { "retry-after": String(seconds) });
  }
  if (decision.actions.includes("refuse_logprobs") && asksForLogits(body)) {
    return refusal(decision, errorBody(api, "logprobs_refused", "logprobs, top_logprobs and logit_bias are not available to this account", { decision_id: decision.id }));
  }
  const reasoning = decision.actions.includes("strip_reasoning") ? "strip" : decision.actions.includes("summarise_reasoning") ? "summarise" : null;
  const rewritten = rewriteRequest(api, body, decision.actions, policy.max_tokens_cap, answerOnlyApplies(decision));
  const reasoningOpenedByPrefill = reasoning === null ? null : tagOpenedByPrefill(parsed.exchange.prefill);
  const schema = parsed.exchange.answerSchema;
  const reasoningField = reasoning === null || schema === undefined ? null : reasoningFieldOf(schema);
  return { ok: true, guarded: { ...passthrough, body: rewritten ?? body, bodyChanged: rewritten !== null, reasoning, reasoningOpenedByPrefill, reasoningField } };
}

export interface CallerResolverOptions {
  /** Header naming the account (set by a trusted auth layer in front). */
  accountHeader?: string;
  /** sha256(API key) → account; keys are looked up by digest so no secret is kept in memory. */
  keyAccounts?: ReadonlyMap<string, string>;
  /** Proxies in front that append to X-Forwarded-For. */
  trustedHops?: number;
}

export type HeaderGetter = (name: string) => string | undefined;

/** Who is calling: account from the header or the API key map, client IP from trusted hops. */
export function resolveCaller(opts: CallerResolverOptions, header: HeaderGetter, socketAddress: string | undefined, digest: (key: string) => string): Omit<CallerContext, "api"> | null {
  const ip = clientIp(header("x-forwarded-for"), socketAddress, opts.trustedHops ?? 0);
  const userAgent = header("user-agent");
  const fromHeader = opts.accountHeader ? header(opts.accountHeader) : undefined;
  if (fromHeader && fromHeader.length <= 512) return { account: fromHeader, ip, userAgent };
  const key = header("x-api-key") ?? header("authorization")?.replace(/^Bearer\s+/i, "");
  if (key && opts.keyAccounts) {
    const d = digest(key);
    const account = opts.keyAccounts.get(d);
    if (account) return { account, apiKeyId: `sha256:${d.slice(0, 16)}`, ip, userAgent };
  }
  return null;
}

/** `rawBody`, when a body reader (cappedBody) ran before, saves reading the body again. */
export type GuardEnv = { Variables: { hydrasentry: GuardedRequest; rawBody?: string } };

export interface HonoGuardOptions extends GuardDeps, CallerResolverOptions {
  api: WireApi;
  digest: (key: string) => string;
  /** Socket address of the caller (node-server exposes it through c.env.incoming). */
  socketAddress?: (c: Context) => string | undefined;
  /** Told of each request refused on a decision (not of malformed or anonymous ones), after the answer is chosen. */
  onRefused?: (refused: { decision: Decision; caller: Omit<CallerContext, "api">; status: number; rawBody: string }) => void;
}

/**
 * Hono middleware factory: options in, a named `(c, next)` out. On refusal it answers in the API's
 * error shape; otherwise it sets `c.var.hydrasentry` for the handler behind it.
 */
export function hydrasentryGuard(opts: HonoGuardOptions): MiddlewareHandler<GuardEnv> {
  return async function hydrasentryGuardMiddleware(c, next) {
    const rawBody = c.get("rawBody") ?? (await c.req.text());
    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch {
      opts.metrics?.badRequests.inc({ code: "invalid_json" });
      const e = errorBody(opts.api, "invalid_json", "request body is not valid JSON");
      return c.json(e.body, e.status as 400);
    }
    const caller = resolveCaller(opts, (n) => c.req.header(n), opts.socketAddress?.(c), opts.digest);
    const outcome = await guardRequest(opts, { api: opts.api, body, caller });
    if (!outcome.ok) {
      if (outcome.decision && caller) opts.onRefused?.({ decision: outcome.decision, caller, status: outcome.error.status, rawBody });
      return c.json(outcome.error.body, outcome.error.status as 400, outcome.headers);
    }
    c.set("hydrasentry", outcome.guarded);
    await next();
  };
}

/**
 * The same guard for Express or plain node:http: call after a JSON body parser has set `req.body`.
 * Refusals are written to `res`; otherwise the guarded request is put on `res.locals.hydrasentry`.
 */
export function nodeGuard(opts: GuardDeps & CallerResolverOptions & { api: WireApi; digest: (key: string) => string }) {
  return async function hydrasentryNodeGuard(
    req: IncomingMessage & { body?: unknown },
    res: ServerResponse & { locals?: Record<string, unknown> },
    next: (err?: unknown) => void,
  ): Promise<void> {
    let outcome: GuardOutcome;
    try {
      const header: HeaderGetter = (n) => {
        const v = req.headers[n.toLowerCase()];
        return Array.isArray(v) ? v[0] : v;
      };
      const caller = resolveCaller(opts, header, req.socket.remoteAddress, opts.digest);
      outcome = await guardRequest(opts, { api: opts.api, body: req.body, caller });
    } catch (err) {
      next(err);
      return;
    }
    if (!outcome.ok) {
      res.writeHead(outcome.error.status, { "content-type": "application/json", ...outcome.headers });
      res.end(JSON.stringify(outcome.error.body));
      return;
    }
    // Express keeps one res.locals per request; add to it rather than replace it.
    res.locals ??= {};
    res.locals.hydrasentry = outcome.guarded;
    next();
  };
}
