import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, expect, it } from "vitest";
import { Upstream, UpstreamError, watchSignal } from "./upstream.js";

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** An upstream that answers `{"n": k}`, and resets the connection instead for the requests `reset(k, onReusedSocket)` picks. */
async function upstream(reset: (k: number, reused: boolean) => boolean): Promise<{ url: string; connections: () => number }> {
  let k = 0;
  let connections = 0;
  const served = new WeakMap<object, number>();
  const server = http.createServer((req, res) => {
    const n = ++k;
    const before = served.get(req.socket) ?? 0;
    served.set(req.socket, before + 1);
    req.resume();
    req.on("end", () => {
      if (reset(n, before > 0)) req.socket.resetAndDestroy();
      else res.end(JSON.stringify({ n }));
    });
  });
  server.on("connection", () => connections++);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => connections };
}

const text = async (res: http.IncomingMessage): Promise<string> => {
  let s = "";
  for await (const chunk of res) s += String(chunk);
  return s;
};

it("sends again on a new socket when a kept-alive one is reset before any answer (the upstream closed it as it was reused)", async () => {
  const up = await upstream((_k, reused) => reused);
  const client = new Upstream({ url: up.url, timeoutMs: 5_000 });
  try {
    expect(await text(await client.send("/v1/messages", "{}", {}))).toBe('{"n":1}');
    // The second request goes out on the kept-alive socket, which the upstream resets; it is sent again on a fresh one.
    expect(await text(await client.send("/v1/messages", "{}", {}))).toBe('{"n":3}');
    expect(up.connections()).toBe(2);
  } finally {
    client.close();
  }
});

it("does not send again when a fresh socket is reset: the upstream may have read it, and the caller answers 502", async () => {
  const up = await upstream(() => true);
  const client = new Upstream({ url: up.url, timeoutMs: 5_000 });
  try {
    const err = await client.send("/v1/messages", "{}", {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).kind).toBe("unreachable");
    expect(up.connections()).toBe(1);
  } finally {
    client.close();
  }
});

it("watches a Fetch signal where there is no node:http answer: cancels on abort, at once if already aborted, not after unwatching", () => {
  const calls: string[] = [];
  const live = new AbortController();
  watchSignal(live.signal)(() => calls.push("live"));
  const dropped = new AbortController();
  const unwatch = watchSignal(dropped.signal)(() => calls.push("dropped"));
  unwatch();
  const gone = new AbortController();
  gone.abort();
  watchSignal(gone.signal)(() => calls.push("gone"));
  expect(calls).toEqual(["gone"]);
  live.abort();
  dropped.abort();
  live.abort();
  expect(calls).toEqual(["gone", "live"]);
});
