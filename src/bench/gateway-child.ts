import type { HttpBindings } from "@hono/node-server";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { Hono } from "hono";
import { loadDefaultModel } from "../detect/index.js";
import { cappedBody, createGateway, DEFAULT_MAX_BODY_BYTES, listen, MemoryState, PROXY_ROUTES, RedisState, type BodyEnv } from "../gateway/index.js";
import { passedResponseHeaders, Upstream } from "../gateway/upstream.js";
import { startUpstreamStub } from "../gateway/upstream-stub.js";
import { openStore } from "../store/index.js";

/**
 * A bench process: `stub` (the upstream stand-in), `gateway <stubPort> [db] [redis]` with embedded
 * defaults on the store at `db` (a hunt's results; an empty one in memory without it), its state in
 * memory or at `redis` (under a prefix of its own, deleted when it is stopped),
 * `floor`: the same server and body reader answering /v1/decisions with a constant, i.e. what this
 * machine's HTTP stack does per request before any parsing, validation or decision, or
 * `passthrough <stubPort>`: the same server, body reader and upstream client forwarding every
 * proxied request untouched, i.e. what one more HTTP hop costs here before any decision.
 */
const readBody = () => cappedBody({ maxBytes: DEFAULT_MAX_BODY_BYTES, onTooLarge: (c) => c.json({ error: "too large" }, 413) });

async function main(): Promise<void> {
  // A clean exit on signal, so --cpu-prof and friends write their output.
  let cleanUp = async (): Promise<void> => {};
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => void cleanUp().finally(() => process.exit(0)));
  const [kind, stubPort, db, redis] = process.argv.slice(2);
  if (kind === "stub") {
    const stub = await startUpstreamStub({ chunkDelayMs: 0 });
    process.stdout.write(`PORT ${new URL(stub.url).port}\n`);
    return;
  }
  if (kind === "floor") {
    const app = new Hono<BodyEnv>();
    app.post("/v1/decisions", readBody(), (c) => c.json({ decision: "allow", bytes: c.get("rawBody").length }));
    const server = await listen(app, 0);
    process.stdout.write(`PORT ${server.port}\n`);
    return;
  }
  if (kind === "passthrough") {
    const upstream = new Upstream({ url: `http://127.0.0.1:${stubPort}` });
    const app = new Hono<BodyEnv>();
    for (const { path } of PROXY_ROUTES) {
      app.post(path, readBody(), async (c) => {
        const res = await upstream.send(path, c.get("rawBody"), {});
        const { outgoing } = c.env as HttpBindings;
        outgoing.writeHead(res.statusCode ?? 502, Object.fromEntries(passedResponseHeaders(res.headers, false)));
        res.pipe(outgoing);
        return RESPONSE_ALREADY_SENT;
      });
    }
    const server = await listen(app, 0);
    process.stdout.write(`PORT ${server.port}\n`);
    return;
  }
  const store = await openStore(db ?? ":memory:", { servesRequests: true });
  const state = redis ? await new RedisState({ url: redis, prefix: `hs-bench-${process.pid}:` }).connect() : new MemoryState();
  if (state instanceof RedisState) cleanUp = () => state.clear();
  const gateway = await createGateway({ store, state, model: loadDefaultModel(), upstream: `http://127.0.0.1:${stubPort}` });
  const server = await listen(gateway.app, 0);
  process.stdout.write(`PORT ${server.port}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench child failed: ${String(err)}\n`);
  process.exit(1);
});
