import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRng } from "../core/index.js";
import { post, startTestGateway, type TestGateway } from "./testing/harness.js";
import { startUpstreamStub, type UpstreamStub } from "./upstream-stub.js";

const ENDPOINTS = ["/v1/chat/completions", "/v1/responses", "/v1/messages", "/v1/decisions", "/v1/outcomes", "/v1/appeals"];

/** Malformed bodies of the kinds clients and attackers actually send. */
function malformedBodies(seed: number, count: number): string[] {
  const rng = createRng(seed);
  const valid = { model: "stub", messages: [{ role: "user", content: "hi" }], max_tokens: 10 };
  const wrongTypes: unknown[] = [
    null,
    42,
    "just a string",
    [],
    [valid],
    { model: 5, messages: "hi" },
    { messages: [{ role: "user", content: { nested: [1, 2, { deeper: null }] } }] },
    { messages: [null, 7, "x"] },
    { model: "stub", input: { not: "text" }, stream: "yes" },
    { model: "stub", messages: [{ role: "user", content: [{ type: "image_url", image_url: 3 }] }] },
    { model: "stub", max_tokens: -1e308, n: "many", logprobs: {}, tools: "all" },
    { account: ["a"], api: "openai.chat", request: [] },
    { account: "a", api: "openai.chat", request: { messages: [] }, client: { ip: 7, asn: -1 } },
    { decision_id: 5, usage: "lots" },
    { message: "", account: "" },
    { message: "x".repeat(5000) },
    { __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } },
  ];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 6;
    if (kind === 0) out.push(JSON.stringify(wrongTypes[i % wrongTypes.length]));
    else if (kind === 1) {
      const s = JSON.stringify(valid);
      out.push(s.slice(0, Math.floor(rng() * s.length)));
    } else if (kind === 2) out.push(Array.from({ length: 1 + Math.floor(rng() * 200) }, () => String.fromCharCode(Math.floor(rng() * 0xffff))).join(""));
    else if (kind === 3) out.push(`${"[".repeat(20_000)}${"]".repeat(20_000)}`);
    else if (kind === 4) out.push(JSON.stringify({ model: "stub", messages: [{ role: "user", content: "\u0000\ud800 \u202e evil" }], stream: rng() < 0.5 }).replace("stub", "\\u0000"));
    else out.push(JSON.stringify(valid).replace(/[:,]/, () => (rng() < 0.5 ? "" : ";")));
  }
  return out;
}

describe("gateway under malformed input", () => {
  let upstream: UpstreamStub;
  let gw: TestGateway;
  beforeAll(async () => {
    upstream = await startUpstreamStub();
    gw = await startTestGateway({ upstream: upstream.url, maxBodyBytes: 64 * 1024, headersTimeoutMs: 400 });
  });
  afterAll(async () => {
    await gw.close();
    await upstream.close();
  });

  it("answers thousands of malformed bodies on every endpoint with a clear 4xx and keeps serving", async () => {
    const bodies = malformedBodies(7, 600);
    const rssBefore = process.memoryUsage().rss;
    const statuses = new Map<number, number>();
    for (const path of ENDPOINTS) {
      for (let i = 0; i < bodies.length; i += 20) {
        const batch = bodies.slice(i, i + 20);
        const results = await Promise.all(batch.map((b) => post(`${gw.url}${path}`, b, { "x-hydra-account": "fuzz" })));
        for (const res of results) {
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          expect(res.status, `${path}`).toBeLessThan(500);
          if (res.status >= 400) {
            const body = (await res.json()) as Record<string, unknown>;
            const error = (body.error ?? {}) as { code?: string; message?: string };
            expect(typeof error.message, `${path} ${JSON.stringify(body)}`).toBe("string");
            if (path === "/v1/messages") expect(body.type).toBe("error");
          } else await res.arrayBuffer();
        }
      }
    }
    expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(bodies.length * 3);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024);
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
  }, 120_000);

  it("refuses oversized bodies, declared or streamed, in the API's own shape", async () => {
    const big = JSON.stringify({ model: "stub", messages: [{ role: "user", content: "x".repeat(100 * 1024) }] });
    const declared = await post(`${gw.url}/v1/messages`, big, { "x-hydra-account": "a" });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ type: "error", error: { type: "request_too_large", code: "body_too_large" } });
    const chunked = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "x-hydra-account": "a", "content-type": "application/json" },
      body: new ReadableStream({
        start(c) {
          for (let i = 0; i < 10; i++) c.enqueue(new TextEncoder().encode("x".repeat(10 * 1024)));
          c.close();
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(await chunked.json()).toMatchObject({ error: { code: "body_too_large" } });
  });

  it("answers unknown paths, wrong methods and a missing account with structured errors", async () => {
    const unknown = await fetch(`${gw.url}/v1/engines`, { method: "POST" });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: "not_found" } });
    const wrong = await fetch(`${gw.url}/v1/messages`, { method: "GET" });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("POST");
    expect(await wrong.json()).toMatchObject({ type: "error", error: { code: "method_not_allowed" } });
    const anonymous = await post(`${gw.url}/v1/chat/completions`, { model: "stub", messages: [] });
    expect(anonymous.status).toBe(401);
  });

  it("forwards only known headers: nothing a client injects reaches the upstream", async () => {
    const before = upstream.received.length;
    await post(`${gw.url}/v1/chat/completions`, { model: "stub", messages: [{ role: "user", content: "hi" }] }, {
      "x-hydra-account": "hdr",
      "x-injected": "1",
      "x-forwarded-host": "evil.example",
      cookie: "session=stolen",
    });
    const got = upstream.received[before];
    expect(got).toBeDefined();
    expect(Object.keys(got?.headers ?? {}).filter((h) => /injected|forwarded-host|cookie|hydra/.test(h))).toEqual([]);
    // A raw request whose header carries a bare CR is rejected by the HTTP parser, not forwarded.
    const reply = await rawRequest(gw.url, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nx-hydra-account: a\rX-Evil: 1\r\nContent-Length: 2\r\n\r\n{}");
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    // In the APIs' error shape, not Node's bare status line.
    expect(JSON.parse(reply.slice(reply.indexOf("\r\n\r\n") + 4))).toMatchObject({ type: "error", error: { code: "malformed_http" } });
  });

  it("drops a client that dribbles its headers (slowloris) and stays up", async () => {
    const { port } = new URL(gw.url);
    const socket = net.connect(Number(port), "127.0.0.1");
    socket.on("error", () => {}); // the server hanging up mid-drip is the point
    await new Promise((r) => socket.once("connect", r));
    socket.write("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n");
    let reply = "";
    socket.on("data", (d: Buffer) => (reply += d.toString()));
    const closed = await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), 3000);
      socket.once("close", () => {
        clearTimeout(t);
        resolve(true);
      });
      const drip = setInterval(() => socket.writable && socket.write("x-a: b\r\n"), 100);
      socket.once("close", () => clearInterval(drip));
    });
    expect(closed).toBe(true);
    // Told why, in a body the APIs' clients read.
    expect(reply).toMatch(/^HTTP\/1\.1 408/);
    expect(JSON.parse(reply.slice(reply.indexOf("\r\n\r\n") + 4))).toMatchObject({ type: "error", error: { code: "request_timeout", message: expect.any(String) } });
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
  });
});

function rawRequest(base: string, text: string): Promise<string> {
  const { port } = new URL(base);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), "127.0.0.1", () => socket.write(text));
    let reply = "";
    socket.on("data", (d) => (reply += d.toString()));
    socket.on("close", () => resolve(reply));
    socket.on("error", () => resolve(reply));
    setTimeout(() => socket.destroy(), 1000);
  });
}
