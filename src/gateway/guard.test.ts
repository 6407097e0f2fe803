import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePolicy } from "../policy/index.js";
import { openStore, type Store } from "../store/index.js";
import { Gatekeeper } from "./decide.js";
import { nodeGuard, type GuardedRequest } from "./guard.js";
import { MemoryState } from "./memory-state.js";
import { sha256Hex } from "./server.js";
import { LADDER_POLICY, testModel } from "./testing/harness.js";
import { DetectionView } from "./view.js";

/** The guard as Express-style middleware on a plain node:http server, behind a JSON body parser. */
describe("nodeGuard (Express / node:http)", () => {
  let store: Store;
  let server: http.Server;
  let url: string;
  const policy = parsePolicy(LADDER_POLICY);
  beforeAll(async () => {
    store = await openStore(":memory:");
    await store.putAccountMeta([{ account: "acct_v", meta: { program: "verify" } }]);
    const view = new DetectionView(store);
    await view.refresh();
    const gatekeeper = new Gatekeeper({ store, state: new MemoryState(), view, model: testModel(), policy: () => policy });
    const guard = nodeGuard({ api: "openai.chat", gatekeeper, policy: () => policy, accountHeader: "x-hydra-account", keyAccounts: new Map([[sha256Hex("sk-live-1"), "acct_key"]]), digest: sha256Hex });
    server = http.createServer((req, res) => {
      let text = "";
      req.on("data", (d: Buffer) => (text += d.toString()));
      req.on("end", () => {
        const withBody = Object.assign(req, { body: JSON.parse(text || "null") as unknown });
        const locals: Record<string, unknown> = {};
        void guard(withBody, Object.assign(res, { locals }), (err?: unknown) => {
          if (err) {
            res.writeHead(500).end();
            return;
          }
          const g = locals.hydrasentry as GuardedRequest;
          res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ account: g.decision.account, decision: g.decision.decision }));
        });
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await store.close();
  });

  it("passes allowed requests on with the decision, resolving the account from the API key", async () => {
    const res = await fetch(url, { method: "POST", headers: { authorization: "Bearer sk-live-1" }, body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }) });
    expect(await res.json()).toEqual({ account: "acct_key", decision: "allow" });
  });

  it("answers refusals itself, in the API's error shape", async () => {
    const anonymous = await fetch(url, { method: "POST", headers: { authorization: "Bearer sk-unknown" }, body: "{}" });
    expect(anonymous.status).toBe(401);
    const verify = await fetch(url, { method: "POST", headers: { "x-hydra-account": "acct_v" }, body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }) });
    expect(verify.status).toBe(403);
    expect(await verify.json()).toMatchObject({ error: { code: "verification_required", verification_url: "https://verify.example/start?account=acct_v" } });
    const bad = await fetch(url, { method: "POST", headers: { authorization: "Bearer sk-live-1" }, body: "[1,2]" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "invalid_request" } });
  });
});
