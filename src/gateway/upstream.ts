import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import https from "node:https";

export class UpstreamError extends Error {
  constructor(
    readonly kind: "timeout" | "unreachable",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "UpstreamError";
  }
}

export interface UpstreamOptions {
  url: string;
  /** Whole-call limit, headers and body; generations are long, so the default is generous. */
  timeoutMs?: number;
  maxSockets?: number;
}

/** Request headers a client may pass to the upstream; everything else (hop-by-hop, ours) stays here. */
const FORWARDED_REQUEST_HEADERS = [
  "authorization",
  "x-api-key",
  "anthropic-version",
  "anthropic-beta",
  "openai-organization",
  "openai-project",
  "openai-beta",
  "accept",
  "user-agent",
  "idempotency-key",
];

/** Response headers that describe the connection, not the answer; never copied back. */
const HOP_BY_HOP: ReadonlySet<string> = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-authenticate", "proxy-authorization", "te", "trailer"]);

export function forwardableHeaders(get: (name: string) => string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const v = get(name);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

/**
 * The upstream's response headers a client should see: hop-by-hop ones never; length and encoding
 * not when the gateway rewrites the body. The one filter for both ways of answering.
 */
export function* passedResponseHeaders(h: IncomingHttpHeaders, bodyRewritten: boolean): Generator<[string, string | string[]]> {
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined || HOP_BY_HOP.has(k) || (bodyRewritten && (k === "content-length" || k === "content-encoding"))) continue;
    yield [k, v];
  }
}

export function responseHeaders(h: IncomingHttpHeaders, bodyRewritten: boolean): Headers {
  const out = new Headers();
  for (const [k, v] of passedResponseHeaders(h, bodyRewritten)) {
    if (Array.isArray(v)) for (const x of v) out.append(k, x);
    else out.set(k, v);
  }
  return out;
}

/**
 * Calls `cancel` once the client has gone away before its answer finished; returns what stops
 * watching. A callback on the node:http answer rather than an AbortSignal: Hono's per-request
 * signal (`c.req.raw.signal`) outlived two scavenges, and was a third of what the gateway
 * promoted to the old generation at 1,000 req/s (a sampling allocation profile, session 22).
 */
export type WatchClient = (cancel: () => void) => () => void;

/** Watches a node:http answer: the client went away when it closes unfinished. */
export function watchAnswer(answer: ServerResponse): WatchClient {
  return (cancel) => {
    const onClose = (): void => {
      if (!answer.writableFinished) cancel();
    };
    if (answer.closed) {
      onClose();
      return () => {};
    }
    answer.once("close", onClose);
    return () => answer.off("close", onClose);
  };
}

/** Watches a Fetch API signal, where there is no node:http answer to watch. */
export function watchSignal(signal: AbortSignal): WatchClient {
  return (cancel) => {
    if (signal.aborted) {
      cancel();
      return () => {};
    }
    signal.addEventListener("abort", cancel, { once: true });
    return () => signal.removeEventListener("abort", cancel);
  };
}

/**
 * The upstream API behind the proxy. node:http with a keep-alive pool rather than fetch: it streams
 * the body as it arrives with less per-request overhead, which the added-latency budget needs.
 */
export class Upstream {
  readonly #base: URL;
  readonly #agent: http.Agent;
  readonly #timeoutMs: number;
  readonly #client: typeof http | typeof https;

  constructor(opts: UpstreamOptions) {
    this.#base = new URL(opts.url);
    this.#client = this.#base.protocol === "https:" ? https : http;
    const AgentClass = this.#base.protocol === "https:" ? https.Agent : http.Agent;
    this.#agent = new AgentClass({ keepAlive: true, maxSockets: opts.maxSockets ?? 256 });
    this.#timeoutMs = opts.timeoutMs ?? 600_000;
  }

  /**
   * Sends the request; resolves when the upstream's headers arrive, with the body still streaming.
   * A request that fails on a kept-alive socket with a reset before any answer goes again on another:
   * the upstream closed that idle socket as it was reused (the race Node's http docs describe), so
   * it never read the request. A fresh socket's failure, or a timeout, is the caller's to handle.
   */
  send(path: string, body: string, headers: Record<string, string>, watchClient?: WatchClient): Promise<IncomingMessage> {
    const url = new URL(path.replace(/^\//, ""), this.#base.href.endsWith("/") ? this.#base : new URL(`${this.#base.href}/`));
    const options = {
      method: "POST",
      agent: this.#agent,
      headers: { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(body) },
    };
    return new Promise((resolve, reject) => {
      let req: http.ClientRequest;
      const timer = setTimeout(() => req.destroy(new UpstreamError("timeout", `upstream did not finish within ${this.#timeoutMs} ms`)), this.#timeoutMs);
      // `unwatch` is set right after the first attempt starts, before any answer or error can arrive.
      const done = (): void => {
        clearTimeout(timer);
        unwatch?.();
      };
      let answered = false;
      const attempt = (): void => {
        req = this.#client.request(url, options);
        req.on("response", (res) => {
          answered = true;
          res.once("close", done);
          resolve(res);
        });
        req.on("error", (err) => {
          if (!answered && req.reusedSocket && (err as NodeJS.ErrnoException).code === "ECONNRESET") {
            attempt();
            return;
          }
          done();
          reject(err instanceof UpstreamError ? err : new UpstreamError("unreachable", `upstream unreachable: ${err.message}`, { cause: err }));
        });
        req.end(body);
      };
      attempt();
      // After the first attempt, so that a client already gone cancels a request that exists.
      const unwatch = watchClient?.(() => req.destroy(new UpstreamError("unreachable", "client went away")));
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}
