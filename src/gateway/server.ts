import { createHash, createHmac, createSecretKey, randomBytes, timingSafeEqual } from "node:crypto";
import { STATUS_CODES } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable, type Duplex } from "node:stream";
import { serve as serveNode, type HttpBindings, type ServerType } from "@hono/node-server";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { Hono, type Context, type MiddlewareHandler } from "hono";
import { z } from "zod";
import { WIRE_APIS, type WireApi } from "../core/index.js";
import type { ExtractionStyleModel } from "../detect/index.js";
import { describeIssue, parseExchangeValue, readUsage } from "../ingest/index.js";
import { PolicySource, type Policy } from "../policy/index.js";
import type { Store } from "../store/index.js";
import { fileAppeal } from "./appeals.js";
import { cappedBody, type BodyEnv } from "./body.js";
import type { ExchangeCapture } from "./capture.js";
import { coalescedAnswers, decidedByTurn, TurnBarrier } from "./coalesce.js";
import type { IntelMatcher } from "../detect/index.js";
import { Gatekeeper, type Decision } from "./decide.js";
import { connectionErrorBody, errorBody, type ErrorShape, type GatewayErrorCode } from "./errors.js";
import { hydrasentryGuard, resolveCaller, type GuardEnv } from "./guard.js";
import { GatewayMetrics } from "./metrics.js";
import type { SanctionBus } from "./sanction-bus.js";
import { sseReasoningTransform, transformReasoning } from "./reasoning.js";
import type { CallerContext } from "./request.js";
import type { BucketRequest, GatewayState } from "./state.js";
import { forwardableHeaders, passedResponseHeaders, responseHeaders, Upstream, UpstreamError, watchAnswer, watchSignal } from "./upstream.js";
import { DetectionView } from "./view.js";

export interface GatewayOptions {
  store: Store;
  state: GatewayState;
  model: ExtractionStyleModel;
  /** Policy file (YAML), hot-reloaded; the built-in default when absent. */
  policyPath?: string;
  upstream?: string;
  upstreamTimeoutMs?: number;
  accountHeader?: string;
  /** sha256 hex of API key → account. */
  keyAccounts?: ReadonlyMap<string, string>;
  trustedHops?: number;
  maxBodyBytes?: number;
  /** Bearer token for analyst endpoints (audit export); those endpoints are off without one. */
  adminToken?: string;
  /** Signs reservation tokens so any replica can settle an outcome; random per process if absent. */
  secret?: string;
  intel?: IntelMatcher;
  viewRefreshMs?: number;
  /** Sanctions decided anywhere (other replicas, the appeals CLI) arrive here at once; see SanctionBus. */
  sanctionBus?: SanctionBus;
  clock?: () => number;
  log?: (line: Record<string, unknown>) => void;
  /** Mounts more routes (e.g. the TAXII server) on the same app. */
  extend?: (app: Hono<BodyEnv>) => void;
  /** Writes every proxied request it decided, refused ones included, as an exchange log for `hunt` (see DailyCaptureFiles). */
  capture?: ExchangeCapture;
}

/** The proxied API routes and the wire format each speaks. */
export const PROXY_ROUTES: ReadonlyArray<{ path: string; api: WireApi }> = [
  { path: "/v1/chat/completions", api: "openai.chat" },
  { path: "/v1/responses", api: "openai.responses" },
  { path: "/v1/messages", api: "anthropic.messages" },
];

/**
 * Largest request body accepted unless configured otherwise: the largest the APIs behind accept
 * (Anthropic's 32 MB), since images and files travel inline as base64. At 4 MiB the proxy refused
 * ordinary vision requests the upstream would have served. Bodies are read as they arrive and refused
 * the moment they pass the cap, so memory is this times the requests in flight at most; a provider
 * whose own edge caps bodies lower sets `--max-body` to match.
 */
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

/**
 * V8 flags `serve` relaunches itself with (and the bench's gateway runs with). Why: V8 starts the
 * young generation at 1 MB and a proxied request allocates ~100 KB (bodies, upstream buffers), so at
 * 1,000 req/s the gateway ran a scavenge every ~20 ms, each 0.4–1.9 ms (up to 6.5) with requests
 * waiting behind it. With a 16 MB floor, on this 2-core VM at 1,000 req/s in pairs of 10 s runs:
 * collector time 78–98 → 26–53 ms per 10 s, longest pause 4–10 → 2.3–3.1 ms, peak RSS +9 MB;
 * /v1/decisions throughput unchanged. The end-to-end p99 moved less clearly than the VM's noise.
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = ["--min-semi-space-size=16", "--max-semi-space-size=32"];
const MAX_BUFFERED_RESPONSE = 64 * 1024 * 1024;
const USAGE_TAIL_CHARS = 32 * 1024;

const outcomeSchema = z.strictObject({
  decision_id: z.string().min(1).max(128),
  reservation: z.string().max(8192).optional(),
  api: z.enum(WIRE_APIS).default("openai.chat"),
  usage: z.looseObject({}),
  /** The answer's id, where later requests may continue it (Responses API `previous_response_id`). */
  response_id: z.string().min(1).max(256).optional(),
});
const appealSchema = z.strictObject({
  account: z.string().min(1).max(512).optional(),
  decision_id: z.string().min(1).max(128).optional(),
  message: z.string().min(1).max(4000),
  contact: z.string().max(512).optional(),
});

export const sha256Hex = (s: string): string => createHash("sha256").update(s).digest("hex");

/** Finds the last `"usage": {...}` object in the tail of a body or stream (one level of nesting). */
export function usageInTail(tail: string): Record<string, unknown> | null {
  const re = /"usage"\s*:\s*(\{(?:[^{}]|\{[^{}]*\})*\})/g;
  let last: string | null = null;
  for (let m = re.exec(tail); m; m = re.exec(tail)) last = m[1] ?? null;
  if (!last) return null;
  try {
    return JSON.parse(last) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** The last USAGE_TAIL_CHARS of a body seen so far: usage is reported at the end of answers. */
const keepTail = (tail: string, more: string): string => (tail + more).slice(-USAGE_TAIL_CHARS);

/**
 * How much of an answer's head is kept to read its id from: a Responses API answer opens with it (the
 * body's first field; a stream's `response.created` event, the first).
 */
const ANSWER_HEAD_CHARS = 4096;
const keepHead = (head: string, more: string): string => (head.length >= ANSWER_HEAD_CHARS ? head : (head + more).slice(0, ANSWER_HEAD_CHARS));
const ANSWER_ID = /"id"\s*:\s*"([^"\\]{1,256})"/;

/** The id of the answer whose head (body or stream) is `head`: its first `"id"`; null when there is none. */
export function answerIdInHead(head: string): string | null {
  return ANSWER_ID.exec(head)?.[1] ?? null;
}

/** Passes bytes through untouched, keeping only a bounded tail to read usage from at the end (and the head, when asked). */
function usageTap(onEnd: (tail: string, head: string) => void, keepsHead: boolean): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  let tail = "";
  let head = "";
  return new TransformStream({
    transform(chunk, controller) {
      controller.enqueue(chunk);
      const text = decoder.decode(chunk, { stream: true });
      if (keepsHead) head = keepHead(head, text);
      tail = keepTail(tail, text);
    },
    flush() {
      onEnd(tail + decoder.decode(), head);
    },
  });
}

type ArrivalEnv = { Variables: { arrivedAt: number } };

export interface Gateway {
  app: Hono<BodyEnv>;
  gatekeeper: Gatekeeper;
  metrics: GatewayMetrics;
  policy: PolicySource;
  view: DetectionView;
  close(): Promise<void>;
}

/** Builds the gateway app; `listen` serves it. Everything is injectable so tests run several replicas. */
export async function createGateway(opts: GatewayOptions): Promise<Gateway> {
  const log = opts.log ?? (() => {});
  const metrics = new GatewayMetrics();
  const clock = opts.clock ?? Date.now;
  const store = opts.store;
  const policy = new PolicySource(
    opts.policyPath ?? null,
    (change) => {
      log({ msg: "policy reloaded", version: change.policy.version, previous: change.previousVersion });
      metrics.policyVersion.reset();
      metrics.policyVersion.set({ version: change.policy.version, mode: change.policy.mode }, 1);
      // After the decisions already queued: they were made under the previous policy.
      const reloadedAt = clock();
      void gatekeeper
        .flushAudits()
        .then(() => store.appendAudit({ ts: reloadedAt, actor: "gateway", kind: "policy", subject: opts.policyPath ?? "default", action: "policy.reload", reasons: [`${change.previousVersion} → ${change.policy.version}`], policyVersion: change.policy.version }))
        .catch(() => metrics.auditErrors.inc());
    },
    (err) => log({ msg: "policy reload rejected; keeping the policy in force", problems: err.problems }),
  );
  const current = (): Policy => policy.current;
  metrics.policyVersion.set({ version: current().version, mode: current().mode }, 1);
  await store.appendAudit({ ts: clock(), actor: "gateway", kind: "policy", subject: opts.policyPath ?? "default", action: "policy.load", reasons: [current().mode], policyVersion: current().version });
  const view = new DetectionView(store, { refreshMs: opts.viewRefreshMs });
  // The bus first, so that if it is unreachable no watcher or refresh timer is left running for an
  // embedding caller to clean up. It replays the last refresh interval too, so nothing decided while
  // this replica was starting is missed.
  const busSubscription = opts.sanctionBus
    ? await opts.sanctionBus.subscribe(
        (s) => {
          if (!view.apply(s)) return;
          metrics.busSanctions.inc({ action: s.action, active: String(s.active) });
          // Kept in this replica's store too, so the view's next refresh agrees (an upsert: shared stores are unaffected).
          void store.putSanction(s).catch(() => metrics.auditErrors.inc());
        },
        { sinceMs: clock() - (opts.viewRefreshMs ?? 5_000) - 60_000 },
      )
    : null;
  try {
    await view.start();
  } catch (err) {
    await busSubscription?.stop();
    throw err;
  }
  policy.watch();
  // One barrier for the whole server: decisions, answers, upstream calls and piped answers of one turn go together.
  const turn = new TurnBarrier();
  const gatekeeper = new Gatekeeper({
    store,
    state: opts.state,
    view,
    model: opts.model,
    policy: current,
    intel: opts.intel,
    clock,
    onStateError: () => metrics.stateErrors.inc(),
    onAuditError: () => metrics.auditErrors.inc(),
    onAuditDropped: (n) => metrics.auditDropped.inc(n),
    sanctionBus: opts.sanctionBus,
    onBusError: () => metrics.busErrors.inc(),
    // Upstream calls and answers of a turn go out at its end (see coalescedAnswers); what a decision
    // defers comes after them, in the turn that follows, not before them in the same one.
    deferAfterDecision: (work) => void turn.endOfTurn().then(() => setImmediate(work)),
  });
  const upstream = opts.upstream ? new Upstream({ url: opts.upstream, timeoutMs: opts.upstreamTimeoutMs }) : null;
  const secret = opts.secret ?? randomBytes(32).toString("hex");
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const resolver = { accountHeader: opts.accountHeader ?? "x-hydra-account", keyAccounts: opts.keyAccounts, trustedHops: opts.trustedHops ?? 0 };
  const socketAddress = (c: Context): string | undefined => (c.env as Partial<HttpBindings> | undefined)?.incoming?.socket?.remoteAddress;

  const fail = (c: Context, shape: ErrorShape, code: GatewayErrorCode, message: string, headers: Record<string, string> = {}): Response => {
    const e = errorBody(shape, code, message);
    if (e.status < 500) metrics.badRequests.inc({ code });
    return c.json(e.body, e.status as 400, headers);
  };
  const limit = (shape: ErrorShape) =>
    cappedBody({ maxBytes: maxBody, onTooLarge: (c) => fail(c, shape, "body_too_large", `request body exceeds ${maxBody} bytes`) });

  // The key imported once: building an HMAC from a string key re-imports it on every decision.
  const signingKey = createSecretKey(Buffer.from(secret));
  const sign = (payload: string): string => createHmac("sha256", signingKey).update(payload).digest("base64url");
  const reservationToken = (d: Decision): string | undefined => {
    if (d.buckets.length === 0) return undefined;
    const payload = Buffer.from(JSON.stringify({ b: d.buckets, t: d.reservedTokens, e: clock() + 3_600_000 })).toString("base64url");
    return `${payload}.${sign(payload)}`;
  };
  const readReservation = (token: string): { b: BucketRequest[]; t: number } | null => {
    const [payload, mac] = token.split(".");
    if (!payload || !mac) return null;
    const expected = Buffer.from(sign(payload));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    // Signed by us, so well-formed; parsing still never throws on a request path.
    let parsed: { b: BucketRequest[]; t: number; e: number };
    try {
      parsed = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as typeof parsed;
    } catch {
      return null;
    }
    return parsed.e >= clock() ? parsed : null;
  };

  // Not strict: TAXII clients and people alike add or drop trailing slashes.
  const app = new Hono<BodyEnv>({ strict: false });
  app.use(coalescedAnswers(turn));
  app.onError((err, c) => {
    log({ msg: "unhandled error", err: err.message });
    return fail(c, "hydrasentry", "internal", "internal error");
  });
  app.notFound((c) => fail(c, "hydrasentry", "not_found", `no route ${c.req.method} ${c.req.path}`));

  app.get("/healthz", (c) =>
    c.json({ status: "ok", policy_version: current().version, mode: current().mode, state: opts.state.backend, store: store.backend, view_refreshed_at: view.lastRefreshAt }),
  );
  app.get("/metrics", async (c) => {
    metrics.auditQueue.set(gatekeeper.pendingAudits);
    metrics.heldConversations.set({ event: "handed_on" }, gatekeeper.heldConversations.handedOn);
    metrics.heldConversations.set({ event: "read_with" }, gatekeeper.heldConversations.readWith);
    if (opts.capture) {
      const counts = opts.capture.counts();
      metrics.captureLines.set({ outcome: "written" }, counts.written);
      metrics.captureLines.set({ outcome: "dropped" }, counts.dropped);
      metrics.captureLines.set({ outcome: "error" }, counts.errors);
    }
    const backlog = store.writeBacklog?.();
    if (backlog) {
      metrics.storeQueue.set(backlog.queuedWrites);
      if (backlog.walFramesBehind !== null) metrics.storeWalBehind.set(backlog.walFramesBehind);
    }
    return c.text(await metrics.registry.metrics(), 200, { "content-type": metrics.registry.contentType });
  });

  // Stamped before the body is read, so the overhead metric covers everything the gateway adds.
  const stampArrival: MiddlewareHandler<ArrivalEnv> = async function stampArrival(c, next) {
    c.set("arrivedAt", performance.now());
    await next();
  };
  /** The exchange as the client sent it and how it was answered, for the capture. */
  const capture = opts.capture;
  const captured = capture
    ? (rawBody: string, api: WireApi, decision: Decision, caller: Omit<CallerContext, "api">, status: number, usage: Record<string, unknown> | null, answerId: string | null = null): void =>
        capture.write({
          id: decision.id,
          arrivedAtMs: decision.ts,
          account: decision.account,
          apiKeyId: caller.apiKeyId,
          api,
          rawBody,
          ip: caller.ip,
          userAgent: caller.userAgent,
          usage,
          answerId,
          status,
          decision: decision.decision,
          actions: decision.actions,
          policyVersion: decision.policyVersion,
        })
    : null;
  for (const route of PROXY_ROUTES) {
    const guarded = new Hono<GuardEnv & BodyEnv & ArrivalEnv>();
    guarded.post(
      "/",
      stampArrival,
      limit(route.api),
      decidedByTurn(turn),
      hydrasentryGuard({
        ...resolver,
        api: route.api,
        gatekeeper,
        policy: current,
        metrics,
        clock,
        digest: sha256Hex,
        socketAddress,
        onRefused: captured ? (r) => captured(r.rawBody, route.api, r.decision, r.caller, r.status, null) : undefined,
      }),
      async (c) => {
        const g = c.var.hydrasentry;
        if (!upstream) return fail(c, route.api, "upstream_not_configured", "this gateway has no upstream; use /v1/decisions");
        // Upstream calls decided in one turn are written together, for the reason coalescedAnswers gives.
        await turn.endOfTurn();
        const started = performance.now();
        metrics.overheadSeconds.observe((started - c.var.arrivedAt) / 1000);
        metrics.inFlight.inc();
        const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing;
        let res;
        try {
          const forwarded = g.bodyChanged ? JSON.stringify(g.body) : c.get("rawBody");
          res = await upstream.send(route.path, forwarded, forwardableHeaders((n) => c.req.header(n)), outgoing ? watchAnswer(outgoing) : watchSignal(c.req.raw.signal));
        } catch (err) {
          metrics.inFlight.dec();
          const kind = err instanceof UpstreamError ? err.kind : "unreachable";
          metrics.upstreamErrors.inc({ kind });
          void gatekeeper.refund(g.decision);
          const failed = fail(c, route.api, kind === "timeout" ? "upstream_timeout" : "upstream_unreachable", err instanceof Error ? err.message : String(err));
          captured?.(c.get("rawBody"), route.api, g.decision, g.caller, failed.status, null);
          return failed;
        }
        res.once("close", () => metrics.inFlight.dec());
        metrics.upstreamSeconds.observe({ api: route.api }, (performance.now() - started) / 1000);
        const status = res.statusCode ?? 502;
        const type = String(res.headers["content-type"] ?? "");
        const sse = type.includes("text/event-stream");
        // An answer later requests may continue (Responses API, stored): its id hands the request's opening on.
        const continued = g.decision.continuable !== null && status < 300 && g.body.store !== false;
        // At the answer's end: its usage settles the reservation, and the exchange is captured with it.
        const settle = (tail: string, head: string): void => {
          const usage = usageInTail(tail);
          if (usage) void gatekeeper.settle(g.decision, readUsage(route.api, { usage }));
          const answerId = continued ? answerIdInHead(head) : null;
          if (answerId !== null) void gatekeeper.answered(g.decision, answerId);
          captured?.(c.get("rawBody"), route.api, g.decision, g.caller, status, usage, answerId);
        };
        const decisionHeader = g.decision.decision !== "allow" ? { "hydrasentry-decision-id": g.decision.id } : {};
        const transformJson = g.reasoning !== null && !sse && status < 300 && type.includes("json");
        if (transformJson && g.reasoning) {
          const chunks: Buffer[] = [];
          let size = 0;
          for await (const chunk of res as AsyncIterable<Buffer>) {
            size += chunk.length;
            if (size > MAX_BUFFERED_RESPONSE) return fail(c, route.api, "upstream_unreachable", "upstream answer too large to filter");
            chunks.push(chunk);
          }
          const text = Buffer.concat(chunks).toString("utf8");
          settle(text.slice(-USAGE_TAIL_CHARS), text.slice(0, ANSWER_HEAD_CHARS));
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            return new Response(text, { status, headers: responseHeaders(res.headers, true) });
          }
          const headers = responseHeaders(res.headers, true);
          for (const [k, v] of Object.entries(decisionHeader)) headers.set(k, v);
          return new Response(JSON.stringify(transformReasoning(route.api, body, g.reasoning, g.summaryChars, g.reasoningOpenedByPrefill, g.reasoningField)), { status, headers });
        }
        const transformSse = g.reasoning !== null && sse && status < 300;
        if (!transformSse && outgoing) {
          // Untouched answers go socket to socket: web-stream conversion per chunk cost more CPU than the decision.
          // Those whose headers arrived in one turn start together (see coalescedAnswers).
          await turn.endOfTurn();
          for (const [k, v] of passedResponseHeaders(res.headers, false)) outgoing.setHeader(k, v);
          for (const [k, v] of Object.entries(decisionHeader)) outgoing.setHeader(k, v);
          outgoing.writeHead(status);
          let tail = "";
          let head = "";
          res.on("data", (chunk: Buffer) => {
            const text = chunk.toString("latin1");
            if (continued) head = keepHead(head, text);
            tail = keepTail(tail, text);
          });
          res.once("end", () => settle(tail, head));
          outgoing.once("close", () => {
            if (!res.complete) res.destroy();
          });
          res.pipe(outgoing);
          return RESPONSE_ALREADY_SENT;
        }
        let stream = Readable.toWeb(res) as ReadableStream<Uint8Array>;
        if (transformSse && g.reasoning) stream = stream.pipeThrough(sseReasoningTransform(route.api, g.reasoning, g.summaryChars, g.reasoningOpenedByPrefill, g.reasoningField));
        stream = stream.pipeThrough(usageTap(settle, continued));
        const headers = responseHeaders(res.headers, transformSse);
        for (const [k, v] of Object.entries(decisionHeader)) headers.set(k, v);
        return new Response(stream, { status, headers });
      },
    );
    guarded.all("/", (c) => fail(c, route.api, "method_not_allowed", `${c.req.method} is not allowed on ${route.path}; use POST`, { allow: "POST" }));
    app.route(route.path, guarded);
  }

  /** The request body as JSON, checked against `schema` when given; a refusal in our error shape otherwise. */
  function jsonBody(c: Context<BodyEnv>): { ok: true; value: unknown } | { ok: false; response: Response };
  function jsonBody<T>(c: Context<BodyEnv>, schema: z.ZodType<T>): { ok: true; value: T } | { ok: false; response: Response };
  function jsonBody<T>(c: Context<BodyEnv>, schema?: z.ZodType<T>): { ok: true; value: unknown } | { ok: false; response: Response } {
    let value: unknown;
    try {
      value = JSON.parse(c.get("rawBody"));
    } catch {
      return { ok: false, response: fail(c, "hydrasentry", "invalid_json", "request body is not valid JSON") };
    }
    if (!schema) return { ok: true, value };
    const parsed = schema.safeParse(value);
    return parsed.success ? { ok: true, value: parsed.data } : { ok: false, response: fail(c, "hydrasentry", "invalid_request", describeIssue(parsed.error)) };
  }

  app.post("/v1/decisions", limit("hydrasentry"), decidedByTurn(turn), async (c) => {
    const body = jsonBody(c);
    if (!body.ok) return body.response;
    const now = clock();
    if (typeof body.value !== "object" || body.value === null || Array.isArray(body.value)) return fail(c, "hydrasentry", "invalid_request", "body must be an exchange-log envelope object");
    // id and ts are optional here (the decision is about now); the envelope is validated once, by the ingest reader.
    const envelope = body.value as Record<string, unknown>;
    const verdict = parseExchangeValue({ ...envelope, id: envelope.id ?? `dec_req_${now}`, ts: envelope.ts ?? new Date(now).toISOString() });
    if (!verdict.ok) return fail(c, "hydrasentry", "invalid_request", `invalid exchange: ${verdict.reason}`);
    const started = performance.now();
    const d = await gatekeeper.decide(verdict.exchange);
    metrics.decisionSeconds.observe((performance.now() - started) / 1000);
    gatekeeper.awaitAnswer(d);
    metrics.decisions.inc({ decision: d.decision, enforced: String(d.enforced) });
    return c.json({
      decision_id: d.id,
      decision: d.decision,
      actions: d.actions,
      enforced: d.enforced,
      score: Math.round(d.score * 1000) / 1000,
      reasons: d.reasons,
      rules: d.rules,
      policy_version: d.policyVersion,
      account: d.account,
      cluster: d.cluster,
      retry_after_ms: d.retryAfterMs,
      max_tokens_cap: d.actions.includes("cap_max_tokens") ? current().max_tokens_cap : null,
      reservation: reservationToken(d) ?? null,
    });
  });
  app.all("/v1/decisions", (c) => fail(c, "hydrasentry", "method_not_allowed", "use POST", { allow: "POST" }));

  app.post("/v1/outcomes", limit("hydrasentry"), async (c) => {
    const parsed = jsonBody(c, outcomeSchema);
    if (!parsed.ok) return parsed.response;
    const usage = readUsage(parsed.value.api, { usage: parsed.value.usage });
    let reservation: { b: BucketRequest[]; t: number } | null = null;
    if (parsed.value.reservation) {
      reservation = readReservation(parsed.value.reservation);
      if (!reservation) return fail(c, "hydrasentry", "invalid_request", "reservation token is invalid or expired");
      await gatekeeper.settle({ buckets: reservation.b, reservedTokens: reservation.t }, usage);
    }
    if (parsed.value.response_id !== undefined) await gatekeeper.answeredLater(parsed.value.decision_id, parsed.value.response_id);
    return c.json({ decision_id: parsed.value.decision_id, settled: reservation !== null, usage }, 202);
  });
  app.all("/v1/outcomes", (c) => fail(c, "hydrasentry", "method_not_allowed", "use POST", { allow: "POST" }));

  app.post("/v1/appeals", limit("hydrasentry"), async (c) => {
    const parsed = jsonBody(c, appealSchema);
    if (!parsed.ok) return parsed.response;
    const caller = resolveCaller(resolver, (n) => c.req.header(n), socketAddress(c), sha256Hex);
    const account = caller?.account ?? parsed.value.account;
    if (!account) return fail(c, "hydrasentry", "unauthorized", "no account: send the account header or a known API key, or name the account");
    if (caller && parsed.value.account && parsed.value.account !== caller.account) return fail(c, "hydrasentry", "unauthorized", "an account may only appeal for itself");
    await gatekeeper.flushAudits(); // the decision appealed against is logged before the appeal
    const appeal = await fileAppeal(store, { account, decisionId: parsed.value.decision_id, message: parsed.value.message, contact: parsed.value.contact }, clock());
    return c.json({ appeal_id: appeal.id, status: appeal.status }, 201);
  });
  app.all("/v1/appeals", (c) => fail(c, "hydrasentry", "method_not_allowed", "use POST", { allow: "POST" }));

  app.get("/v1/audit", async (c) => {
    const token = opts.adminToken;
    const given = c.req.header("authorization")?.replace(/^Bearer\s+/i, "") ?? "";
    const a = Buffer.from(sha256Hex(given));
    const b = Buffer.from(sha256Hex(token ?? randomBytes(16).toString("hex")));
    if (!token || !timingSafeEqual(a, b)) return fail(c, "hydrasentry", "unauthorized", "audit export needs the admin bearer token");
    const afterSeq = Math.max(0, Number(c.req.query("after_seq") ?? 0) || 0);
    const limitN = Math.min(10_000, Math.max(1, Number(c.req.query("limit") ?? 1000) || 1000));
    const rows = await store.listAudit({ afterSeq, limit: limitN });
    return c.body(rows.map((r) => JSON.stringify(r)).join("\n") + (rows.length ? "\n" : ""), 200, { "content-type": "application/x-ndjson" });
  });

  opts.extend?.(app);

  return {
    app,
    gatekeeper,
    metrics,
    policy,
    view,
    async close() {
      policy.close();
      view.stop();
      await busSubscription?.stop();
      upstream?.close();
      await gatekeeper.drain();
    },
  };
}

export interface Listening {
  port: number;
  server: ServerType;
  close(): Promise<void>;
}

export interface ListenOptions {
  host?: string;
  /** A client must finish sending its headers within this (slowloris). */
  headersTimeoutMs?: number;
  /** …and its whole request body within this. Answers may stream for longer. */
  requestTimeoutMs?: number;
}

/**
 * Node answers a connection error (a client past the header or request timeout, a request the parser
 * rejects) with a bare status line and no body; a client then got a 408 its SDK could not read. The
 * same statuses are written here with an error body in the APIs' shape. A response already under way
 * (a timeout while an answer streams) is not written into: the connection is closed.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === "ECONNRESET" || !socket.writable || inFlight?.headersSent === true) {
    socket.destroy();
    return;
  }
  const { status, body } =
    err.code === "ERR_HTTP_REQUEST_TIMEOUT"
      ? connectionErrorBody("request_timeout", "request timed out: headers and body must arrive in time")
      : err.code === "HPE_HEADER_OVERFLOW"
        ? connectionErrorBody("headers_too_large", "request headers too large")
        : connectionErrorBody("malformed_http", `malformed HTTP request (${err.code ?? "parse error"})`);
  const json = JSON.stringify(body);
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
}

/** Serves an app on loopback or a given host; slow clients are cut off by request/header timeouts. */
export function listen(app: Hono<BodyEnv>, port: number, opts: ListenOptions = {}): Promise<Listening> {
  const headersTimeout = opts.headersTimeoutMs ?? 10_000;
  const requestTimeout = opts.requestTimeoutMs ?? 30_000;
  return new Promise((resolve) => {
    const server = serveNode(
      {
        fetch: app.fetch,
        port,
        hostname: opts.host ?? "127.0.0.1",
        serverOptions: {
          requestTimeout,
          headersTimeout,
          keepAliveTimeout: 5_000,
          // Node checks those timeouts on this period (default 30 s); check often enough to matter.
          connectionsCheckingInterval: Math.max(100, Math.min(headersTimeout, requestTimeout) / 4),
        },
      },
      (info: AddressInfo) => {
        server.on("clientError", answerClientError);
        resolve({
          port: info.port,
          server,
          close: () =>
            new Promise<void>((r) => {
              if ("closeAllConnections" in server) server.closeAllConnections();
              server.close(() => r());
            }),
        });
      },
    );
  });
}
