import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { AccountVerdict, ClusterVerdict } from "../core/index.js";
import { defaultEngine, runHunt } from "../hunt/index.js";
import { parseExchangeLine } from "../ingest/index.js";
import { openStore } from "../store/index.js";
import { TEST_REDIS_URL } from "../testing/services.js";
import { resolveAppeal } from "./appeals.js";
import { RedisState } from "./redis-state.js";
import { DailyCaptureFiles } from "./capture.js";
import { LADDER_POLICY, post, proxyBlockCluster, startTestGateway, type TestGateway } from "./testing/harness.js";
import { ANSWER_ONLY_INSTRUCTION } from "./request.js";
import { INLINE_THINKING_ANSWER, PREFILLED_THINKING_ANSWER, REASONING, startUpstreamStub, STRUCTURED_ANSWER, type UpstreamStub } from "./upstream-stub.js";

const chat = (over: Record<string, unknown> = {}) => ({ model: "stub", messages: [{ role: "user", content: "What is 17 times 23?" }], ...over });
const messages = (over: Record<string, unknown> = {}) => ({ model: "stub", max_tokens: 1024, messages: [{ role: "user", content: "What is 17 times 23?" }], ...over });
const responses = (over: Record<string, unknown> = {}) => ({ model: "stub", input: "What is 17 times 23?", ...over });
const as = (account: string): Record<string, string> => ({ "x-hydra-account": account });

async function readSse(res: Response): Promise<Array<{ event: string | null; data: unknown }>> {
  const text = await res.text();
  return text
    .split("\n\n")
    .filter((e) => e.trim())
    .map((e) => {
      const event = /^event: (.*)$/m.exec(e)?.[1] ?? null;
      const data = /^data: (.*)$/m.exec(e)?.[1] ?? "";
      return { event, data: data === "[DONE]" ? data : (JSON.parse(data) as unknown) };
    });
}

/** The events of a streamed answer, and its text as each API's deltas carry it. */
type Sse = Array<{ event: string | null; data: unknown }>;
const field = (e: { data: unknown }, key: string): string => {
  const value = (e.data as Record<string, unknown>)[key];
  return typeof value === "string" ? value : "";
};
const chatText = (events: Sse): string =>
  events.map((e) => ((e.data as { choices?: Array<{ delta?: { content?: string } }> }).choices ?? []).map((c) => c.delta?.content ?? "").join("")).join("");
const messagesText = (events: Sse): string => events.filter((e) => e.event === "content_block_delta").map((e) => field({ data: (e.data as { delta: unknown }).delta }, "text")).join("");
const responsesText = (events: Sse): string => events.filter((e) => e.event === "response.output_text.delta").map((e) => field(e, "delta")).join("");

const verdict = (account: string, over: Partial<AccountVerdict> = {}): AccountVerdict => ({
  account,
  score: 0.97,
  flagged: true,
  cluster: null,
  firstFlaggedAt: 1,
  exchanges: 500,
  reasons: ["cot_elicitation_rate 0.80"],
  ...over,
});

describe("gateway end to end (loopback upstream stub)", () => {
  let upstream: UpstreamStub;
  let gw: TestGateway;
  beforeAll(async () => {
    upstream = await startUpstreamStub();
  });
  afterAll(async () => {
    await upstream.close();
  });
  afterEach(async () => {
    await gw?.close();
  });
  const start = async (over: Parameters<typeof startTestGateway>[0] = {}): Promise<TestGateway> => (gw = await startTestGateway({ upstream: upstream.url, ...over }));
  const program = async (account: string, p: string): Promise<void> => gw.store.putAccountMeta([{ account, meta: { program: p } }]);

  it("passes an allowed request and its answer through untouched, for all three APIs", async () => {
    await start();
    for (const [path, body] of [["/v1/chat/completions", chat()], ["/v1/responses", responses()], ["/v1/messages", messages()]] as const) {
      const res = await post(`${gw.url}${path}`, body, { ...as("acct_plain"), authorization: "Bearer sk-upstream", "anthropic-version": "2023-06-01" });
      expect(res.status).toBe(200);
      expect(res.headers.get("x-upstream")).toBe("stub");
      expect(JSON.stringify(await res.json())).toContain(REASONING.slice(0, 30));
      const got = upstream.received.at(-1);
      expect(got?.path).toBe(path);
      expect(got?.body).toEqual(body);
      expect(got?.headers.authorization).toBe("Bearer sk-upstream");
      expect(got?.headers["x-hydra-account"]).toBeUndefined();
    }
  });

  it("passes a vision request with a 6 MB image inline through by default, as the upstream would take it", async () => {
    await start();
    const image = Buffer.alloc(4.5 * 1024 * 1024, 9).toString("base64");
    const body = chat({ messages: [{ role: "user", content: [{ type: "text", text: "What does this chart show?" }, { type: "image_url", image_url: { url: `data:image/png;base64,${image}` } }] }] });
    const res = await post(`${gw.url}/v1/chat/completions`, body, as("acct_vision"));
    expect(res.status).toBe(200);
    expect(JSON.stringify(upstream.received.at(-1)?.body).length).toBeGreaterThan(6_000_000);
  });

  it("forwards the client's exact bytes when the policy changes nothing, and a re-serialised body when it does", async () => {
    await start();
    // An integer beyond 2^53 and the client's own spacing: a parse-and-stringify would alter both.
    const raw = '{"model":"m",  "seed": 123456789012345678901234567890, "messages":[{"role":"user","content":"Hi"}]}';
    const res = await fetch(`${gw.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", ...as("acct_bytes") }, body: raw });
    expect(res.status).toBe(200);
    expect(upstream.received.at(-1)?.raw).toBe(raw);

    await program("acct_bytes_cap", "cap");
    const capped = '{"model":"m", "max_tokens": 32000, "messages":[{"role":"user","content":"Hi"}]}';
    await fetch(`${gw.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", ...as("acct_bytes_cap") }, body: capped });
    expect(upstream.received.at(-1)?.raw).toBe(JSON.stringify({ model: "m", max_tokens: 256, messages: [{ role: "user", content: "Hi" }] }));
  });

  it("streams SSE through event by event when nothing needs changing", async () => {
    await start();
    const res = await post(`${gw.url}/v1/messages`, messages({ stream: true }), as("acct_stream"));
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    // The first event arrives before the upstream has finished (it sends one every 2 ms).
    expect(new TextDecoder().decode(first.value)).toContain("message_start");
    let rest = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
    expect(rest).toContain("thinking_delta");
    expect(rest).toContain("message_stop");
  });

  it("passes upstream errors and status codes through, and times out a silent upstream", async () => {
    await start({ upstreamTimeoutMs: 300 });
    const r500 = await post(`${gw.url}/v1/chat/completions`, chat({ model: "fail-500" }), as("a"));
    expect(r500.status).toBe(500);
    expect(await r500.json()).toEqual({ error: { message: "stub exploded", type: "server_error" } });
    const r429 = await post(`${gw.url}/v1/chat/completions`, chat({ model: "rate-limited" }), as("a"));
    expect(r429.status).toBe(429);
    expect(r429.headers.get("retry-after")).toBe("7");
    const slow = await post(`${gw.url}/v1/messages`, messages({ model: "slow" }), as("a"));
    expect(slow.status).toBe(504);
    expect(await slow.json()).toMatchObject({ type: "error", error: { type: "api_error", code: "upstream_timeout" } });
  });

  it("cancels the upstream call when its client goes away before the answer", async () => {
    // An upstream that never answers, and tells when the gateway's call to it is torn down.
    let received: () => void = () => {};
    const arrived = new Promise<void>((r) => (received = r));
    let tornDown: () => void = () => {};
    const cancelled = new Promise<void>((r) => (tornDown = r));
    const hanging = createServer((req, res) => {
      res.on("close", () => {
        if (!res.writableFinished) tornDown();
      });
      req.resume();
      received();
    });
    await new Promise<void>((r) => hanging.listen(0, "127.0.0.1", r));
    try {
      await start({ upstream: `http://127.0.0.1:${(hanging.address() as AddressInfo).port}` });
      const client = request(`${gw.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", ...as("acct_leaving") } });
      client.on("error", () => {}); // the reset of the request destroyed below
      client.end(JSON.stringify(chat()));
      await arrived;
      client.destroy();
      await cancelled;
      // The gateway counted the call as ended, not as still in flight.
      for (const deadline = Date.now() + 2_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 10))) {
        if (/hydrasentry_requests_in_flight 0\b/.test(await (await fetch(`${gw.url}/metrics`)).text())) break;
      }
      expect(await (await fetch(`${gw.url}/metrics`)).text()).toMatch(/hydrasentry_requests_in_flight 0\b/);
    } finally {
      hanging.closeAllConnections();
      await new Promise<void>((r) => hanging.close(() => r()));
    }
  });

  it("strips reasoning from answers, streamed and not, in each API's format", async () => {
    await start();
    await program("acct_strip", "strip");
    const c = (await (await post(`${gw.url}/v1/chat/completions`, chat(), as("acct_strip"))).json()) as { choices: Array<{ message: Record<string, unknown> }> };
    expect(c.choices[0]?.message).toEqual({ role: "assistant", content: "17 × 23 = 391." });
    const m = (await (await post(`${gw.url}/v1/messages`, messages(), as("acct_strip"))).json()) as { content: Array<{ type: string }> };
    expect(m.content.map((b) => b.type)).toEqual(["text"]);
    const r = (await (await post(`${gw.url}/v1/responses`, responses(), as("acct_strip"))).json()) as { output: Array<{ type: string }> };
    expect(r.output.map((o) => o.type)).toEqual(["message"]);

    const cs = await readSse(await post(`${gw.url}/v1/chat/completions`, chat({ stream: true }), as("acct_strip")));
    expect(JSON.stringify(cs)).not.toContain("reasoning");
    expect(JSON.stringify(cs)).toContain("391");
    expect(cs.at(-1)?.data).toBe("[DONE]");
    const ms = await readSse(await post(`${gw.url}/v1/messages`, messages({ stream: true }), as("acct_strip")));
    expect(JSON.stringify(ms)).not.toContain("thinking");
    // Blocks are renumbered: the text block is now index 0.
    expect(ms.filter((e) => e.event === "content_block_start").map((e) => (e.data as { index: number }).index)).toEqual([0]);
    const rs = await readSse(await post(`${gw.url}/v1/responses`, responses({ stream: true }), as("acct_strip")));
    expect(JSON.stringify(rs)).not.toContain("reasoning");
    expect(rs.find((e) => e.event === "response.output_text.delta")?.data).toMatchObject({ output_index: 0 });
  });

  it("cuts reasoning written inline at the head of the answer, streamed and not, in each API's format, and leaves it for accounts the policy allows", async () => {
    await start();
    await program("acct_strip", "strip");
    const inline = { model: "inline-think" };
    for (const account of ["acct_strip", "acct_free"]) {
      const expected = account === "acct_strip" ? "17 × 23 = 391." : INLINE_THINKING_ANSWER;
      const c = (await (await post(`${gw.url}/v1/chat/completions`, chat(inline), as(account))).json()) as { choices: Array<{ message: { content: string } }> };
      expect(c.choices[0]?.message.content).toBe(expected);
      const m = (await (await post(`${gw.url}/v1/messages`, messages(inline), as(account))).json()) as { content: Array<{ text: string }> };
      expect(m.content[0]?.text).toBe(expected);
      const r = (await (await post(`${gw.url}/v1/responses`, responses(inline), as(account))).json()) as { output: Array<{ content: Array<{ text: string }> }> };
      expect(r.output[0]?.content[0]?.text).toBe(expected);

      expect(chatText(await readSse(await post(`${gw.url}/v1/chat/completions`, chat({ ...inline, stream: true }), as(account))))).toBe(expected);
      expect(messagesText(await readSse(await post(`${gw.url}/v1/messages`, messages({ ...inline, stream: true }), as(account))))).toBe(expected);
      const rs = await readSse(await post(`${gw.url}/v1/responses`, responses({ ...inline, stream: true }), as(account)));
      expect(responsesText(rs)).toBe(expected);
      // The events that repeat the whole text say what the deltas said.
      expect(field(rs.find((e) => e.event === "response.output_text.done") ?? { data: {} }, "text")).toBe(expected);
      expect(JSON.stringify(rs.find((e) => e.event === "response.completed")?.data)).toContain(JSON.stringify(expected));
      if (account === "acct_strip") expect(JSON.stringify(rs)).not.toContain("multiply 17 by 23");
    }
  });

  it("empties a streamed structured answer's reasoning field in each API's format, and the events that repeat the whole answer", async () => {
    await start();
    await program("acct_strip", "strip");
    const schema = { type: "object", properties: { reasoning: { type: "string" }, final_answer: { type: "string" } } };
    const model = "structured";
    const bodies = {
      chat: chat({ model, stream: true, response_format: { type: "json_schema", json_schema: { name: "worked", schema } } }),
      responses: responses({ model, stream: true, text: { format: { type: "json_schema", name: "worked", schema } } }),
      messages: messages({ model, stream: true, output_config: { format: { type: "json_schema", schema } } }),
    };
    const emptied = { reasoning: "", final_answer: "17 × 23 = 391." };
    for (const account of ["acct_strip", "acct_free"]) {
      const cs = await readSse(await post(`${gw.url}/v1/chat/completions`, bodies.chat, as(account)));
      const ms = await readSse(await post(`${gw.url}/v1/messages`, bodies.messages, as(account)));
      const rs = await readSse(await post(`${gw.url}/v1/responses`, bodies.responses, as(account)));
      if (account === "acct_free") {
        for (const text of [chatText(cs), messagesText(ms), responsesText(rs)]) expect(text).toBe(STRUCTURED_ANSWER);
        continue;
      }
      for (const text of [chatText(cs), messagesText(ms), responsesText(rs)]) expect(JSON.parse(text)).toEqual(emptied);
      expect(JSON.parse(field(rs.find((e) => e.event === "response.output_text.done") ?? { data: {} }, "text"))).toEqual(emptied);
      const completed = rs.find((e) => e.event === "response.completed")?.data as { response: { output: Array<{ content: Array<{ text: string }> }> } };
      expect(JSON.parse(completed.response.output[0]?.content[0]?.text ?? "")).toEqual(emptied);
      for (const events of [cs, ms, rs]) expect(JSON.stringify(events)).not.toContain("multiply 17 by 23");
    }
  });

  it("cuts the reasoning of an answer that continues a prefilled thinking tag, though the answer never opens one, streamed and not", async () => {
    await start();
    await program("acct_strip", "strip");
    await program("acct_sum", "summarise");
    const model = "prefilled-think";
    const turns = [
      { role: "user", content: "What is 17 times 23?" },
      { role: "assistant", content: "<think>\n" },
    ];
    const bodies = {
      chat: chat({ model, messages: turns }),
      messages: messages({ model, messages: turns }),
      responses: responses({ model, input: turns.map((t) => ({ type: "message", ...t })) }),
    };
    type Sse = Array<{ event: string | null; data: unknown }>;
    const chatText = (events: Sse): string =>
      events.map((e) => ((e.data as { choices?: Array<{ delta?: { content?: string } }> }).choices ?? []).map((c) => c.delta?.content ?? "").join("")).join("");
    const messagesText = (events: Sse): string =>
      events.filter((e) => e.event === "content_block_delta").map((e) => (e.data as { delta: { text?: string } }).delta.text ?? "").join("");
    const responsesText = (events: Sse): string => events.filter((e) => e.event === "response.output_text.delta").map((e) => (e.data as { delta: string }).delta).join("");
    const texts = async (account: string): Promise<string[]> => {
      const c = (await (await post(`${gw.url}/v1/chat/completions`, bodies.chat, as(account))).json()) as { choices: Array<{ message: { content: string } }> };
      const m = (await (await post(`${gw.url}/v1/messages`, bodies.messages, as(account))).json()) as { content: Array<{ text: string }> };
      const r = (await (await post(`${gw.url}/v1/responses`, bodies.responses, as(account))).json()) as { output: Array<{ content: Array<{ text: string }> }> };
      const rs = await readSse(await post(`${gw.url}/v1/responses`, { ...bodies.responses, stream: true }, as(account)));
      const done = rs.find((e) => e.event === "response.output_text.done")?.data as { text?: string } | undefined;
      return [
        c.choices[0]?.message.content ?? "",
        m.content[0]?.text ?? "",
        r.output[0]?.content[0]?.text ?? "",
        chatText(await readSse(await post(`${gw.url}/v1/chat/completions`, { ...bodies.chat, stream: true }, as(account)))),
        messagesText(await readSse(await post(`${gw.url}/v1/messages`, { ...bodies.messages, stream: true }, as(account)))),
        responsesText(rs),
        // The event that repeats the whole text says what the deltas said.
        done?.text ?? "",
      ];
    };
    expect(await texts("acct_strip")).toEqual(Array(7).fill("17 × 23 = 391."));
    // Summarised: the lead of the reasoning, closed by the tag the client's prefill opened (not opened again), then the answer.
    for (const text of await texts("acct_sum")) {
      expect(text).toMatch(/^First, restate the problem\. .*characters withheld\]<\/think>\n\n17 × 23 = 391\.$/s);
      expect(text).not.toContain("Check: 391/23=17");
    }
    // An account the policy allows gets the continuation as the model wrote it.
    expect(await texts("acct_free")).toEqual(Array(7).fill(PREFILLED_THINKING_ANSWER));
  });

  it("asks for the answer alone when the policy says so and the request asks for the reasoning in words or in its answer's schema, in each API's operator field", async () => {
    await start();
    await program("acct_answer", "answer");
    await program("acct_strip", "strip");
    const ask = "Show your complete reasoning step by step before the final answer: what is 17 times 23?";
    await post(`${gw.url}/v1/chat/completions`, chat({ messages: [{ role: "system", content: "You are a tutor." }, { role: "user", content: ask }] }), as("acct_answer"));
    const sent = upstream.received.at(-1)?.body as { messages: Array<{ role: string; content: string }> };
    expect(sent.messages.map((m) => m.role)).toEqual(["system", "system", "user"]);
    expect(sent.messages[1]?.content).toBe(ANSWER_ONLY_INSTRUCTION);
    expect(sent.messages[2]?.content).toBe(ask);
    await (await post(`${gw.url}/v1/messages`, messages({ messages: [{ role: "user", content: ask }], stream: true }), as("acct_answer"))).text();
    expect(upstream.received.at(-1)?.body.system).toBe(ANSWER_ONLY_INSTRUCTION);
    await post(`${gw.url}/v1/responses`, responses({ input: ask }), as("acct_answer"));
    expect(upstream.received.at(-1)?.body.instructions).toBe(ANSWER_ONLY_INSTRUCTION);
    // Asked in the answer's schema, with not a word in the prompt: the same instruction, which says what to put in the field.
    const worked = { type: "json_schema", json_schema: { name: "worked", strict: true, schema: { type: "object", properties: { reasoning: { type: "string" }, final_answer: { type: "string" } } } } };
    const schemaAsk = chat({ response_format: worked });
    await post(`${gw.url}/v1/chat/completions`, schemaAsk, as("acct_answer"));
    const sentSchema = upstream.received.at(-1)?.body as { messages: Array<{ role: string; content: string }>; response_format: unknown };
    expect(sentSchema.messages[0]).toEqual({ role: "system", content: ANSWER_ONLY_INSTRUCTION });
    expect(ANSWER_ONLY_INSTRUCTION).toMatch(/field for reasoning[^.]*leave that field empty/);
    expect(sentSchema.response_format).toEqual(worked);
    // And withholding the reasoning empties the field the schema made for it, which no thinking field marks.
    const filled = (await (await post(`${gw.url}/v1/chat/completions`, chat({ model: "structured", response_format: worked }), as("acct_strip"))).json()) as { choices: Array<{ message: { content: string } }> };
    expect(JSON.parse(filled.choices[0]?.message.content ?? "")).toEqual({ reasoning: "", final_answer: "17 × 23 = 391." });
    const free = (await (await post(`${gw.url}/v1/chat/completions`, chat({ model: "structured", response_format: worked }), as("acct_free"))).json()) as { choices: Array<{ message: { content: string } }> };
    expect(free.choices[0]?.message.content).toBe(STRUCTURED_ANSWER);
    // A request that does not ask for the reasoning is forwarded as sent (its thinking blocks are still stripped).
    await post(`${gw.url}/v1/chat/completions`, chat(), as("acct_answer"));
    expect(upstream.received.at(-1)?.body).toEqual(chat());
    // A rule that strips only leaves the request as the client wrote it.
    await post(`${gw.url}/v1/chat/completions`, chat({ messages: [{ role: "user", content: ask }] }), as("acct_strip"));
    expect(upstream.received.at(-1)?.body).toEqual(chat({ messages: [{ role: "user", content: ask }] }));
  });

  it("replaces reasoning with a short summary when the policy says summarise", async () => {
    await start();
    await program("acct_sum", "summarise");
    const c = (await (await post(`${gw.url}/v1/chat/completions`, chat(), as("acct_sum"))).json()) as { choices: Array<{ message: { reasoning_content: string } }> };
    const summary = c.choices[0]?.message.reasoning_content ?? "";
    expect(summary).toMatch(/^First, restate the problem\. .*characters withheld\]$/);
    expect(summary).not.toContain("391");
    const ms = await readSse(await post(`${gw.url}/v1/messages`, messages({ stream: true }), as("acct_sum")));
    const thinking = ms.filter((e) => e.event === "content_block_delta").map((e) => (e.data as { delta: { thinking?: string } }).delta.thinking).filter(Boolean);
    expect(thinking).toHaveLength(1);
    expect(thinking[0]).toContain("withheld");
    expect(JSON.stringify(ms)).not.toContain("signature");
  });

  it("caps max_tokens and drops n > 1 before forwarding; refuses logprobs", async () => {
    await start();
    await program("acct_cap", "cap");
    await post(`${gw.url}/v1/chat/completions`, chat({ max_tokens: 32000, n: 8 }), as("acct_cap"));
    expect(upstream.received.at(-1)?.body).toMatchObject({ max_tokens: 256, n: 1 });
    await post(`${gw.url}/v1/messages`, messages({ max_tokens: 64000 }), as("acct_cap"));
    expect(upstream.received.at(-1)?.body.max_tokens).toBe(256);

    await program("acct_lp", "logprobs");
    const before = upstream.received.length;
    const refused = await post(`${gw.url}/v1/chat/completions`, chat({ logprobs: true, top_logprobs: 20 }), as("acct_lp"));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: { code: "logprobs_refused", type: "invalid_request_error" } });
    expect(upstream.received.length).toBe(before);
    expect((await post(`${gw.url}/v1/chat/completions`, chat({ logprobs: false }), as("acct_lp"))).status).toBe(200);
  });

  // The provider's own log may leave refused requests out; the capture keeps them, so the next hunt
  // reads a head the gateway suspended on a shared /24 sending again, does not flag it, and lifts it.
  it("captures what it decided, refusals included, as an exchange log whose hunt lifts a wrongly suspended head", async () => {
    const now = Date.now();
    const dir = mkdtempSync(join(tmpdir(), "hs-capture-gw-"));
    const capture = new DailyCaptureFiles({ dir });
    const store = await openStore(":memory:");
    await store.replaceClusters([proxyBlockCluster(now)]);
    await store.putAccountMeta([{ account: "casual", meta: { createdAt: new Date(now - 86_400_000).toISOString(), verified: false } }]);
    await start({ capture, store, trustedHops: 1 });
    const from = (ip: string): Record<string, string> => ({ ...as("casual"), "x-forwarded-for": ip, "user-agent": "Mozilla/5.0" });
    // A pretty-printed body (line breaks between tokens) is still one line of the log.
    const served = await post(`${gw.url}/v1/chat/completions`, JSON.stringify(chat(), null, 2), as("acct_cap"));
    expect(served.status).toBe(200);
    await served.text();
    // Streamed, with its reasoning stripped on the way (the web-stream path): captured at the stream's end, usage read from its tail.
    await program("acct_strip", "strip");
    const streamed = await post(`${gw.url}/v1/messages`, messages({ stream: true }), as("acct_strip"));
    expect(streamed.headers.get("content-type")).toContain("text/event-stream");
    await streamed.text();
    const banned = await post(`${gw.url}/v1/chat/completions`, chat({ messages: [{ role: "user", content: "What's a good substitute for buttermilk in pancakes?" }] }), from("17.224.151.49"));
    expect(banned.status).toBe(403);
    const suspended = await post(`${gw.url}/v1/messages`, messages({ messages: [{ role: "user", content: "How long should I rest the batter?" }] }), from("17.224.9.3"));
    expect(await suspended.json()).toMatchObject({ error: { code: "account_suspended" } });
    await gw.gateway.gatekeeper.drain();
    await capture.close();

    const file = join(dir, `exchanges-${new Date(now).toISOString().slice(0, 10)}.jsonl`);
    const lines = readFileSync(file, "utf8").trim().split("\n");
    expect(lines.map((l) => parseExchangeLine(l).ok)).toEqual([true, true, true, true]);
    const logged = lines.map((l) => JSON.parse(l) as { id: string; account: string; response?: { usage: unknown }; client: { ip?: string }; gateway: { decision: string; status: number } });
    expect(logged.map((l) => `${l.account} ${l.gateway.decision} ${l.gateway.status} ${l.response ? "usage" : "-"}`)).toEqual([
      "acct_cap allow 200 usage",
      "acct_strip strip_reasoning 200 usage",
      "casual ban_cluster 403 -",
      "casual suspend 403 -",
    ]);
    expect(logged[3]?.id).toBe(suspended.headers.get("hydrasentry-decision-id"));
    expect(logged[2]?.client.ip).toBe("17.224.151.49");

    const hunt = await runHunt({ inputs: [file], outDir: join(dir, "hunt"), engine: defaultEngine, store });
    expect(hunt.report.summary).toMatchObject({ exchanges: 4, quarantined: 0 });
    expect(hunt.lapsed.map((s) => `${s.subject} ${s.active}`)).toEqual(["casual false"]);
    await gw.gateway.view.refresh();
    expect((await post(`${gw.url}/v1/chat/completions`, chat(), from("17.224.151.49"))).status).toBe(200);
  });

  it("requires verification with a machine-readable code and URL; throttles with Retry-After", async () => {
    await start();
    await program("acct v/1", "verify");
    const v = await post(`${gw.url}/v1/messages`, messages(), as("acct v/1"));
    expect(v.status).toBe(403);
    const body = (await v.json()) as { type: string; error: { type: string; code: string; verification_url: string; decision_id: string } };
    expect(body).toMatchObject({ type: "error", error: { type: "permission_error", code: "verification_required" } });
    expect(body.error.verification_url).toBe("https://verify.example/start?account=acct%20v%2F1");
    expect(v.headers.get("hydrasentry-decision-id")).toBe(body.error.decision_id);

    await program("acct_thr", "throttle");
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await post(`${gw.url}/v1/chat/completions`, chat(), as("acct_thr"))).status);
    expect(codes).toEqual([200, 200, 429, 429]);
    const limited = await post(`${gw.url}/v1/chat/completions`, chat(), as("acct_thr"));
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ error: { code: "rate_limited", type: "rate_limit_error" } });
  });

  it("suspends a flagged account and bans its whole cluster at once, and the sanctions stand", async () => {
    await start();
    const cluster: ClusterVerdict = {
      id: "c1",
      accounts: ["m1", "m2", "m3"],
      exchanges: 900,
      score: 0.99,
      flagged: true,
      firstSeen: 0,
      lastSeen: 1,
      firstFlaggedAt: 1,
      domains: {},
      links: [{ kind: "payment_fp", value: "k", accounts: 3 }],
      reasons: ["shared card"],
    };
    await gw.store.putAccountVerdicts([verdict("solo"), verdict("m1", { cluster: "c1" }), verdict("m2", { cluster: "c1", score: 0.6 }), verdict("m3", { cluster: "c1", flagged: false, score: 0.4 })]);
    await gw.store.replaceClusters([cluster]);
    await gw.gateway.view.refresh();
    const solo = await post(`${gw.url}/v1/chat/completions`, chat(), as("solo"));
    expect(solo.status).toBe(403);
    expect(await solo.json()).toMatchObject({ error: { code: "account_suspended" } });
    // m2 was flagged as the cluster's member: the cluster's ban covers it.
    const m2 = await post(`${gw.url}/v1/messages`, messages(), as("m2"));
    expect(m2.status).toBe(403);
    expect(await m2.json()).toMatchObject({ error: { code: "cluster_banned" } });
    // m3 is in the cluster's member list but the hunt did not flag it (none of the evidence is its own):
    // the ban is not its.
    expect((await post(`${gw.url}/v1/messages`, messages(), as("m3"))).status).toBe(200);
    await gw.gateway.gatekeeper.drain();
    const sanctions = await gw.store.listSanctions({ activeOnly: true });
    expect(sanctions.map((s) => `${s.scope}:${s.subject}:${s.action}`).sort()).toEqual(["account:m2:suspend", "account:solo:suspend", "cluster:c1:ban"]);
    // The hunt's next run no longer flags them: the standing sanctions still hold until lifted.
    await gw.store.putAccountVerdicts([verdict("solo", { flagged: false, score: 0.1 }), verdict("m2", { flagged: false, score: 0.1, cluster: "c1" })]);
    await gw.store.replaceClusters([{ ...cluster, flagged: false }]);
    await gw.gateway.view.refresh();
    expect((await post(`${gw.url}/v1/chat/completions`, chat(), as("solo"))).status).toBe(403);
    expect((await post(`${gw.url}/v1/chat/completions`, chat(), as("m2"))).status).toBe(403);
    // The ban outlives the cluster's flag, but still not over m3, which no hunt flagged.
    expect((await post(`${gw.url}/v1/messages`, messages(), as("m3"))).status).toBe(200);
  });

  it("takes appeals; lifting with allowlist lets the account back in, and everything is audited", async () => {
    await start({ adminToken: "admin-secret" });
    await gw.store.putAccountVerdicts([verdict("researcher")]);
    await gw.gateway.view.refresh();
    const refused = await post(`${gw.url}/v1/chat/completions`, chat(), as("researcher"));
    const decisionId = refused.headers.get("hydrasentry-decision-id");
    expect(refused.status).toBe(403);
    const filed = await post(`${gw.url}/v1/appeals`, { decision_id: decisionId, message: "I run interpretability evals at a university lab" }, as("researcher"));
    expect(filed.status).toBe(201);
    const { appeal_id } = (await filed.json()) as { appeal_id: string };
    expect((await post(`${gw.url}/v1/appeals`, { account: "someone-else", message: "x" }, as("researcher"))).status).toBe(401);
    await gw.gateway.gatekeeper.drain();
    await resolveAppeal(gw.store, { id: appeal_id, outcome: "lift", allowlist: true, by: "analyst@provider", note: "vetted" });
    await gw.gateway.view.refresh();
    expect((await post(`${gw.url}/v1/chat/completions`, chat(), as("researcher"))).status).toBe(200);

    const unauth = await fetch(`${gw.url}/v1/audit`, { headers: { authorization: "Bearer wrong" } });
    expect(unauth.status).toBe(401);
    const audit = await fetch(`${gw.url}/v1/audit?limit=100`, { headers: { authorization: "Bearer admin-secret" } });
    expect(audit.headers.get("content-type")).toContain("application/x-ndjson");
    const entries = (await audit.text()).trim().split("\n").map((l) => JSON.parse(l) as { kind: string; action: string; policyVersion?: string; detail?: { decisionId?: string } });
    const actions = entries.map((e) => `${e.kind}:${e.action}`);
    expect(actions).toEqual(["policy:policy.load", "decision:suspend", "appeal:appeal.filed", "appeal:appeal.lifted", "appeal:lift.suspend", "allowlist:allowlist.add"]);
    expect(entries[1]?.policyVersion).toBe("test-ladder-1");
    expect(entries[1]?.detail?.decisionId).toBe(decisionId);
  });

  it("in shadow mode decides and audits but forwards untouched", async () => {
    await start({ policy: LADDER_POLICY.replace("mode: enforce", "mode: shadow") });
    await program("acct_sv", "verify");
    const res = await post(`${gw.url}/v1/chat/completions`, chat(), as("acct_sv"));
    expect(res.status).toBe(200);
    await gw.gateway.gatekeeper.drain();
    const decision = (await gw.store.listAudit()).find((e) => e.kind === "decision");
    expect(decision).toMatchObject({ action: "require_verification", detail: { enforced: false } });
  });

  it("hot-reloads the policy file, keeps the last good one on a bad edit, and audits the change", async () => {
    await start();
    await program("acct_hot", "monitor");
    expect((await post(`${gw.url}/v1/chat/completions`, chat(), as("acct_hot"))).status).toBe(200);
    writeFileSync(gw.policyPath, "version: broken\nrules: [ { name: x, when: { no_such_condition: 1 }, then: [allow] } ]\n");
    expect(gw.gateway.policy.reload()).toBe(false);
    expect(gw.gateway.policy.current.version).toBe("test-ladder-1");
    writeFileSync(gw.policyPath, LADDER_POLICY.replace("test-ladder-1", "test-ladder-2").replace("then: [monitor]", "then: [require_verification]"));
    expect(gw.gateway.policy.reload()).toBe(true);
    expect((await post(`${gw.url}/v1/chat/completions`, chat(), as("acct_hot"))).status).toBe(403);
    await gw.gateway.gatekeeper.drain();
    const policyEntries = (await gw.store.listAudit()).filter((e) => e.kind === "policy");
    expect(policyEntries.map((e) => e.policyVersion)).toEqual(["test-ladder-1", "test-ladder-2"]);
  });

  it("reads a request continuing a stored answer with the ask its chain was primed with, through the proxy (streamed or not) and the decision API", async () => {
    const policy = LADDER_POLICY.replace("rules:\n", "rules:\n  - { name: eliciting, when: { request_cot_gte: 0.5 }, then: [strip_reasoning] }\n");
    const dir = mkdtempSync(join(tmpdir(), "hs-chain-gw-"));
    const capture = new DailyCaptureFiles({ dir });
    await start({ policy, capture });
    const priming = "For every question I send you from now on, write out your complete chain of thought before the final answer.";
    type Answer = { id: string; output: Array<{ type: string }> };
    const ask = async (body: Record<string, unknown>): Promise<{ answer: Answer; decided: string | null }> => {
      const res = await post(`${gw.url}/v1/responses`, responses(body), as("acct_chain"));
      return { answer: (await res.json()) as Answer, decided: res.headers.get("hydrasentry-decision-id") };
    };
    const root = await ask({ input: priming });
    expect(root.answer.output.map((o) => o.type)).toEqual(["message"]);
    // Each bare question continuing the chain is read with the priming: its reasoning is withheld, hop after hop.
    let previous = root.answer.id;
    for (const question of ["Is 221 prime?", "What is 17 times 23?"]) {
      const next = await ask({ input: question, previous_response_id: previous });
      expect(next.decided).not.toBeNull();
      expect(next.answer.output.map((o) => o.type)).toEqual(["message"]);
      expect(next.answer.id).not.toBe(previous);
      previous = next.answer.id;
    }
    // The same question alone, or continuing an ordinary chain, is served with its reasoning.
    const plain = await ask({ input: "Can you suggest a name for a bakery?" });
    expect((await ask({ input: "Is 221 prime?", previous_response_id: plain.answer.id })).answer.output.map((o) => o.type)).toEqual(["reasoning", "message"]);
    // A streamed root's id is read from the stream's first event.
    const events = await readSse(await post(`${gw.url}/v1/responses`, responses({ input: priming, stream: true }), as("acct_chain")));
    const streamedId = (events.find((e) => e.event === "response.created")?.data as { response: { id: string } }).response.id;
    expect((await ask({ input: "Is 91 prime?", previous_response_id: streamedId })).answer.output.map((o) => o.type)).toEqual(["message"]);
    // Primed in a developer message instead, which the provider keeps with the conversation.
    const developer = "For every question in this session, write out your complete chain of thought before the final answer.";
    const byDeveloper = await ask({ input: [{ role: "developer", content: developer }, { role: "user", content: "Is 143 prime?" }] });
    const afterDeveloper = await post(`${gw.url}/v1/responses`, responses({ input: "Is 187 prime?", previous_response_id: byDeveloper.answer.id }), as("acct_chain"));
    expect(((await afterDeveloper.json()) as Answer).output.map((o) => o.type)).toEqual(["message"]);
    // An answer the provider does not store hands nothing on.
    const unstored = await ask({ input: priming, store: false });
    expect((await ask({ input: "Is 87 prime?", previous_response_id: unstored.answer.id })).decided).toBeNull();

    // The decision API: the caller reports the answer's id with its outcome; the next decision reads the chain.
    const envelope = (request: Record<string, unknown>) => ({ account: "acct_api_chain", api: "openai.responses", request: responses(request) });
    const first = (await (await post(`${gw.url}/v1/decisions`, envelope({ input: priming }))).json()) as { decision_id: string; decision: string };
    expect(first.decision).toBe("strip_reasoning");
    expect((await post(`${gw.url}/v1/outcomes`, { decision_id: first.decision_id, api: "openai.responses", usage: { input_tokens: 30, output_tokens: 200 }, response_id: "resp_provider_1" })).status).toBe(202);
    const chained = (await (await post(`${gw.url}/v1/decisions`, envelope({ input: "Is 221 prime?", previous_response_id: "resp_provider_1" }))).json()) as { decision: string; reasons: string[] };
    expect(chained.decision).toBe("strip_reasoning");
    expect(chained.reasons).toContainEqual(expect.stringMatching(/^continues response:resp_provider_1, held by the provider, whose opening asked "write out your complete chain of thought/));
    const unrelated = (await (await post(`${gw.url}/v1/decisions`, envelope({ input: "Is 221 prime?", previous_response_id: "resp_provider_2" }))).json()) as { decision: string };
    expect(unrelated.decision).toBe("allow");
    const developed = (await (await post(`${gw.url}/v1/decisions`, envelope({ input: [{ role: "developer", content: developer }, { role: "user", content: "Is 143 prime?" }] }))).json()) as { decision_id: string };
    await post(`${gw.url}/v1/outcomes`, { decision_id: developed.decision_id, api: "openai.responses", usage: {}, response_id: "resp_provider_3" });
    const afterDeveloped = (await (await post(`${gw.url}/v1/decisions`, envelope({ input: "Is 187 prime?", previous_response_id: "resp_provider_3" }))).json()) as { decision: string; reasons: string[] };
    expect(afterDeveloped.decision).toBe("strip_reasoning");
    expect(afterDeveloped.reasons).toContainEqual(expect.stringMatching(/^continues response:resp_provider_3, held by the provider, whose developer messages asked "/));

    // Operators see it working: 9 hand-ons (the three primed roots' answers, and each of the four
    // proxied questions' that continued them, passing their chain's on; two through /v1/outcomes),
    // 6 requests read with one (four proxied, two decided).
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toContain('hydrasentry_held_conversations{event="handed_on"} 9');
    expect(metrics).toContain('hydrasentry_held_conversations{event="read_with"} 6');

    // The capture keeps each answer's id: a hunt of it follows the chains as the gateway did.
    await gw.gateway.gatekeeper.drain();
    await capture.close();
    const file = join(dir, readdirSync(dir).find((f) => f.startsWith("exchanges-")) ?? "");
    const captured = readFileSync(file, "utf8").trim().split("\n").map((l) => parseExchangeLine(l)).flatMap((v) => (v.ok ? [v.exchange] : []));
    expect(captured.find((e) => e.userTurns[0] === priming)?.responseId).toBe(root.answer.id);
    const hunt = await runHunt({ inputs: [file], outDir: join(dir, "hunt"), engine: defaultEngine });
    // The four primed roots and the four questions continuing stored answers, not the other three: as the gateway read them.
    expect(hunt.report.accounts.find((a) => a.account === "acct_chain")?.reasons.join(" ")).toMatch(/cot_elicitation_rate 0\.73 \(8 of 11 requests/);
  });

  it("reads a chain primed with answers written for the model to follow, and names them in the reason", async () => {
    const policy = LADDER_POLICY.replace("rules:\n", "rules:\n  - { name: eliciting, when: { request_cot_gte: 0.5 }, then: [strip_reasoning] }\n");
    await start({ policy });
    const envelope = (request: Record<string, unknown>) => ({ account: "acct_shown", api: "openai.responses", request: responses(request) });
    const decide = async (request: Record<string, unknown>) => (await (await post(`${gw.url}/v1/decisions`, envelope(request))).json()) as { decision_id: string; decision: string; reasons: string[] };
    const shown = "<think>\n91 = 7 × 13, so it has divisors other than 1 and itself.\n</think>\n\nNo, 91 is not prime.";
    const root = await decide({ input: [{ role: "user", content: "Is 91 prime?" }, { role: "assistant", content: shown }, { role: "user", content: "Is 221 prime?" }] });
    expect(root.decision).toBe("strip_reasoning");
    await post(`${gw.url}/v1/outcomes`, { decision_id: root.decision_id, api: "openai.responses", usage: {}, response_id: "resp_shown_1" });
    const next = await decide({ input: "Is 187 prime?", previous_response_id: "resp_shown_1" });
    expect(next.decision).toBe("strip_reasoning");
    expect(next.reasons).toContainEqual("continues response:resp_shown_1, held by the provider, whose earlier answers show the model the answer to follow: an earlier answer opens with '<think>'");
    // A root whose earlier answer is the model's own hands nothing on.
    const own = await decide({ input: [{ role: "user", content: "Is 91 prime?" }, { role: "assistant", content: "No: 91 = 7 × 13." }, { role: "user", content: "Is 221 prime?" }] });
    expect(own.decision).toBe("allow");
    await post(`${gw.url}/v1/outcomes`, { decision_id: own.decision_id, api: "openai.responses", usage: {}, response_id: "resp_shown_2" });
    expect((await decide({ input: "Is 187 prime?", previous_response_id: "resp_shown_2" })).decision).toBe("allow");
  });

  it("answers the decision API and settles outcomes against the reservation", async () => {
    await start();
    const envelope = { account: "acct_api", api: "openai.chat", request: chat({ max_tokens: 500 }), client: { ip: "203.0.113.9" } };
    const res = await post(`${gw.url}/v1/decisions`, envelope);
    expect(res.status).toBe(200);
    const d = (await res.json()) as { decision: string; actions: string[]; score: number; reasons: string[]; policy_version: string; reservation: string; decision_id: string };
    expect(d).toMatchObject({ decision: "allow", policy_version: "test-ladder-1" });
    expect(typeof d.reservation).toBe("string");
    const settled = await post(`${gw.url}/v1/outcomes`, { decision_id: d.decision_id, reservation: d.reservation, usage: { prompt_tokens: 10, completion_tokens: 20 } });
    expect(settled.status).toBe(202);
    expect(await settled.json()).toMatchObject({ settled: true, usage: { inputTokens: 10, outputTokens: 20 } });
    const forged = await post(`${gw.url}/v1/outcomes`, { decision_id: d.decision_id, reservation: `${d.reservation.split(".")[0]}.AAAA`, usage: {} });
    expect(forged.status).toBe(400);
    const bad = await post(`${gw.url}/v1/decisions`, { account: "a", api: "nope", request: {} });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "invalid_request" } });
  });

  it("exposes decisions by outcome and action, latency histograms, upstream latency and queue depths on /metrics, the store's write backlog among them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hs-gw-metrics-"));
    const store = await openStore(join(dir, "gw.db"), { servesRequests: true });
    try {
      await start({ store });
      await program("acct_throttled", "throttle");
      for (let i = 0; i < 3; i++) await post(`${gw.url}/v1/chat/completions`, chat(), as("acct_throttled"));
      expect((await post(`${gw.url}/v1/chat/completions`, chat(), as("acct_plain"))).status).toBe(200);
      expect((await post(`${gw.url}/v1/decisions`, { account: "acct_api", api: "openai.chat", request: chat() })).status).toBe(200);
      await gw.gateway.gatekeeper.drain();
      // The checkpointer's first pass (every second) is what tells how far the WAL is behind.
      for (const deadline = Date.now() + 5_000; store.writeBacklog?.().walFramesBehind === null && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 50));
      const text = await (await fetch(`${gw.url}/metrics`)).text();
      const value = (line: RegExp): number => Number(new RegExp(`^${line.source} (\\S+)$`, "m").exec(text)?.[1] ?? Number.NaN);
      // Five decisions: the throttled account's three (two within its bucket, one refused), one plain, one by API.
      expect(value(/hydrasentry_decisions_total\{decision="allow",enforced="true"\}/)).toBe(2);
      expect(value(/hydrasentry_decisions_total\{decision="throttle",enforced="true"\}/)).toBe(3);
      expect(value(/hydrasentry_actions_total\{action="throttle"\}/)).toBe(3);
      expect(value(/hydrasentry_decision_seconds_count/)).toBe(5);
      // The three forwarded upstream, each timed from arrival and at the upstream.
      expect(value(/hydrasentry_gateway_overhead_seconds_count/)).toBe(3);
      expect(value(/hydrasentry_upstream_seconds_count\{api="openai\.chat"\}/)).toBe(3);
      expect(value(/hydrasentry_upstream_seconds_bucket\{le="\+Inf",api="openai\.chat"\}/)).toBe(3);
      expect(value(/hydrasentry_requests_in_flight/)).toBe(0);
      expect(value(/hydrasentry_audit_queue_depth/)).toBe(0);
      expect(value(/hydrasentry_store_writes_queued/)).toBe(0);
      expect(value(/hydrasentry_store_wal_frames_behind/)).toBeGreaterThanOrEqual(0);
    } finally {
      await gw.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("shares budgets between replicas through the real Redis", async () => {
    const prefix = `hs-gwtest-${process.pid}-${Date.now()}:`;
    const policy = LADDER_POLICY.replace("requests_per_minute: 1000, tokens_per_minute: 100000000 }\n  cluster", "requests_per_minute: 3, tokens_per_minute: 100000000 }\n  cluster");
    const stateA = await new RedisState({ url: TEST_REDIS_URL, prefix }).connect();
    const stateB = await new RedisState({ url: TEST_REDIS_URL, prefix }).connect();
    const a = await startTestGateway({ upstream: upstream.url, policy, state: stateA });
    const b = await startTestGateway({ upstream: upstream.url, policy, state: stateB });
    try {
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => post(`${(i % 2 ? a : b).url}/v1/chat/completions`, chat(), as("acct_shared"))));
      const codes = results.map((r) => r.status).sort();
      expect(codes).toEqual([200, 200, 200, 429, 429, 429, 429, 429]);
      // Rolling features written by both replicas are visible to either.
      await new Promise((r) => setTimeout(r, 50));
      expect((await stateA.counters("a:acct_shared", Date.now()))?.exchanges).toBe(8);
    } finally {
      await a.close();
      await b.close();
      const keys = await stateA.redis.keys(`${prefix}*`);
      if (keys.length) await stateA.redis.del(...keys);
      await stateA.close();
      await stateB.close();
    }
  });
});
