import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback stand-in for an LLM API speaking the three wire formats, streamed or not, with
 * reasoning content in each. The request's `model` steers failures: "fail-500", "slow" (never
 * answers), "rate-limited" (429 with the API's own error body); "inline-think" answers as an
 * open-weight reasoning model served with no reasoning parser, its thinking inline at the head of the
 * text; "prefilled-think" as a model continuing a prefill that opened `<think>`: the same text
 * without its opening tag; "structured" as a model filling a demanded schema: its text the JSON object
 * STRUCTURED_ANSWER, the reasoning in its `reasoning` field.
 */
export interface UpstreamStub {
  url: string;
  /** Every request as it arrived: `raw` is the body's exact text, `body` its parse. */
  received: Array<{ path: string; raw: string; body: Record<string, unknown>; headers: http.IncomingHttpHeaders }>;
  close(): Promise<void>;
}

export const REASONING = "First, restate the problem. Then multiply 17 by 23: 17*20=340 and 17*3=51, so 391. Check: 391/23=17.";
const ANSWER = "17 × 23 = 391.";

function chatBody(): Record<string, unknown> {
  return {
    id: "chatcmpl-1",
    object: "chat.completion",
    model: "stub",
    choices: [{ index: 0, message: { role: "assistant", content: ANSWER, reasoning_content: REASONING }, finish_reason: "stop" }],
    usage: { prompt_tokens: 20, completion_tokens: 40, total_tokens: 60 },
  };
}

function responsesBody(): Record<string, unknown> {
  return {
    id: "resp_1",
    object: "response",
    output: [
      { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: REASONING }] },
      { type: "message", id: "msg_1", role: "assistant", content: [{ type: "output_text", text: ANSWER }] },
    ],
    usage: { input_tokens: 20, output_tokens: 40 },
  };
}

function messagesBody(): Record<string, unknown> {
  return {
    id: "msg_1",
    type: "message",
    role: "assistant",
    content: [
      { type: "thinking", thinking: REASONING, signature: "sig" },
      { type: "text", text: ANSWER },
    ],
    usage: { input_tokens: 20, output_tokens: 40 },
  };
}

const sse = (event: string | null, data: unknown): string => `${event ? `event: ${event}\n` : ""}data: ${JSON.stringify(data)}\n\n`;

function chatStream(): string[] {
  const base = { id: "chatcmpl-1", object: "chat.completion.chunk", model: "stub" };
  return [
    sse(null, { ...base, choices: [{ index: 0, delta: { role: "assistant", reasoning_content: REASONING.slice(0, 40) } }] }),
    sse(null, { ...base, choices: [{ index: 0, delta: { reasoning_content: REASONING.slice(40) } }] }),
    sse(null, { ...base, choices: [{ index: 0, delta: { content: ANSWER } }] }),
    sse(null, { ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }], usage: { prompt_tokens: 20, completion_tokens: 40 } }),
    "data: [DONE]\n\n",
  ];
}

function messagesStream(): string[] {
  return [
    sse("message_start", { type: "message_start", message: { id: "msg_1", type: "message", role: "assistant", content: [], usage: { input_tokens: 20, output_tokens: 1 } } }),
    sse("content_block_start", { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "" } }),
    sse("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: REASONING } }),
    sse("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "sig" } }),
    sse("content_block_stop", { type: "content_block_stop", index: 0 }),
    sse("content_block_start", { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } }),
    sse("content_block_delta", { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: ANSWER } }),
    sse("content_block_stop", { type: "content_block_stop", index: 1 }),
    sse("message_delta", { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 40 } }),
    sse("message_stop", { type: "message_stop" }),
  ];
}

function responsesStream(): string[] {
  const reasoning = { type: "reasoning", id: "rs_1", summary: [] as unknown[] };
  return [
    sse("response.created", { type: "response.created", response: { id: "resp_1", output: [] } }),
    sse("response.output_item.added", { type: "response.output_item.added", output_index: 0, item: reasoning }),
    sse("response.reasoning_summary_text.delta", { type: "response.reasoning_summary_text.delta", output_index: 0, delta: REASONING }),
    sse("response.output_item.done", { type: "response.output_item.done", output_index: 0, item: { ...reasoning, summary: [{ type: "summary_text", text: REASONING }] } }),
    sse("response.output_item.added", { type: "response.output_item.added", output_index: 1, item: { type: "message", id: "msg_1", content: [] } }),
    sse("response.output_text.delta", { type: "response.output_text.delta", output_index: 1, delta: ANSWER }),
    sse("response.completed", { type: "response.completed", response: { ...responsesBody() } }),
  ];
}

/** The answer's text of an "inline-think" answer. */
export const INLINE_THINKING_ANSWER = `<think>\n${REASONING}\n</think>\n\n${ANSWER}`;
/** The answer's text of a "prefilled-think" answer: the prefill's `<think>` continued, closed, then the answer. */
export const PREFILLED_THINKING_ANSWER = `${REASONING}\n</think>\n\n${ANSWER}`;

/** The answer's text of a "structured" answer: a demanded {"reasoning", "final_answer"} filled in. */
export const STRUCTURED_ANSWER = JSON.stringify({ reasoning: REASONING, final_answer: ANSWER });

/** Small pieces, so that the tags are split across events as a tokenizer splits them. */
function pieces(text: string, size = 7): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** Answers whose whole text is `text`, with no reasoning fields, in each API's format. */
const textBodies = (text: string): Record<string, () => Record<string, unknown>> => ({
  "/v1/chat/completions": () => ({ ...chatBody(), choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }] }),
  "/v1/responses": () => ({ ...responsesBody(), output: [{ type: "message", id: "msg_1", role: "assistant", content: [{ type: "output_text", text }] }] }),
  "/v1/messages": () => ({ ...messagesBody(), content: [{ type: "text", text }] }),
});

/** The same answers streamed, the text in small pieces. */
const textStreams = (text: string): Record<string, () => string[]> => ({
  "/v1/chat/completions": () => {
    const base = { id: "chatcmpl-1", object: "chat.completion.chunk", model: "stub" };
    return [
      sse(null, { ...base, choices: [{ index: 0, delta: { role: "assistant", content: "" } }] }),
      ...pieces(text).map((content) => sse(null, { ...base, choices: [{ index: 0, delta: { content } }] })),
      sse(null, { ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }),
      "data: [DONE]\n\n",
    ];
  },
  "/v1/messages": () => [
    sse("message_start", { type: "message_start", message: { id: "msg_1", type: "message", role: "assistant", content: [], usage: { input_tokens: 20, output_tokens: 1 } } }),
    sse("content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }),
    ...pieces(text).map((text) => sse("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text } })),
    sse("content_block_stop", { type: "content_block_stop", index: 0 }),
    sse("message_delta", { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 40 } }),
    sse("message_stop", { type: "message_stop" }),
  ],
  "/v1/responses": () => {
    const part = { type: "output_text", text };
    const item = { type: "message", id: "msg_1", role: "assistant", content: [part] };
    return [
      sse("response.created", { type: "response.created", response: { id: "resp_1", output: [] } }),
      sse("response.output_item.added", { type: "response.output_item.added", output_index: 0, item: { ...item, content: [] } }),
      ...pieces(text).map((delta) => sse("response.output_text.delta", { type: "response.output_text.delta", item_id: "msg_1", output_index: 0, content_index: 0, delta })),
      sse("response.output_text.done", { type: "response.output_text.done", item_id: "msg_1", output_index: 0, content_index: 0, text }),
      sse("response.content_part.done", { type: "response.content_part.done", item_id: "msg_1", output_index: 0, content_index: 0, part }),
      sse("response.output_item.done", { type: "response.output_item.done", output_index: 0, item }),
      sse("response.completed", { type: "response.completed", response: textBodies(text)["/v1/responses"]?.() }),
    ];
  },
});

const BODIES: Record<string, () => Record<string, unknown>> = {
  "/v1/chat/completions": chatBody,
  "/v1/responses": responsesBody,
  "/v1/messages": messagesBody,
};
const STREAMS: Record<string, () => string[]> = {
  "/v1/chat/completions": chatStream,
  "/v1/responses": responsesStream,
  "/v1/messages": messagesStream,
};

export async function startUpstreamStub(opts: { chunkDelayMs?: number } = {}): Promise<UpstreamStub> {
  const received: UpstreamStub["received"] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      const raw = Buffer.concat(chunks).toString("utf8");
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "stub: bad json" } }));
        return;
      }
      received.push({ path, raw, body, headers: req.headers });
      if (body.model === "slow") return; // never answers: the gateway's timeout must act
      if (body.model === "fail-500") {
        res.writeHead(500, { "content-type": "application/json", "x-upstream": "stub" }).end(JSON.stringify({ error: { message: "stub exploded", type: "server_error" } }));
        return;
      }
      if (body.model === "rate-limited") {
        res.writeHead(429, { "content-type": "application/json", "retry-after": "7" }).end(JSON.stringify({ error: { message: "slow down", type: "rate_limit_error" } }));
        return;
      }
      const text = body.model === "inline-think" ? INLINE_THINKING_ANSWER : body.model === "prefilled-think" ? PREFILLED_THINKING_ANSWER : body.model === "structured" ? STRUCTURED_ANSWER : null;
      const make = (text === null ? BODIES : textBodies(text))[path];
      const stream = (text === null ? STREAMS : textStreams(text))[path];
      if (!make || !stream) {
        res.writeHead(404, { "content-type": "application/json" }).end("{}");
        return;
      }
      // Each answer its own id, as a provider's store names them: the one later requests continue.
      const answerId = JSON.stringify(`resp_${received.length}`);
      const withId = (text: string): string => text.replaceAll('"resp_1"', answerId);
      if (body.stream === true) {
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", "x-upstream": "stub" });
        const events = stream().map(withId);
        let i = 0;
        const next = (): void => {
          if (i >= events.length) {
            res.end();
            return;
          }
          res.write(events[i++]);
          setTimeout(next, opts.chunkDelayMs ?? 2);
        };
        next();
        return;
      }
      res.writeHead(200, { "content-type": "application/json", "x-upstream": "stub" }).end(withId(JSON.stringify(make())));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
