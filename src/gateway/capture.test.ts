import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseExchangeLine } from "../ingest/index.js";
import { captureLine, DailyCaptureFiles, type CapturedExchange } from "./capture.js";

const DAY = 86_400_000;
const T0 = Date.parse("2026-12-07T10:15:02.113Z");

const exchange = (over: Partial<CapturedExchange> = {}): CapturedExchange => ({
  id: "d_1",
  arrivedAtMs: T0,
  account: "acct_4821",
  api: "openai.chat",
  rawBody: JSON.stringify({ model: "frontier-1", messages: [{ role: "user", content: "Solve 3x+7=22 and explain every step." }], max_tokens: 4096 }),
  ip: "203.0.113.7",
  userAgent: "python-httpx/0.27.0",
  usage: { prompt_tokens: 41, completion_tokens: 612 },
  status: 200,
  decision: "allow",
  actions: ["allow"],
  policyVersion: "default-4",
  ...over,
});

describe("captureLine", () => {
  it("writes an exchange-log line the ingest reads, with the body as sent and the answer's usage", () => {
    const line = captureLine(exchange());
    expect(line.endsWith("\n")).toBe(true);
    const read = parseExchangeLine(line.trimEnd());
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.exchange).toMatchObject({ id: "d_1", account: "acct_4821", api: "openai.chat", ts: T0, userTurns: ["Solve 3x+7=22 and explain every step."] });
    expect(read.exchange.usage.outputTokens).toBe(612);
    expect(read.exchange.client).toMatchObject({ ip: "203.0.113.7", userAgent: "python-httpx/0.27.0" });
    expect(JSON.parse(line)).toMatchObject({ gateway: { decision: "allow", status: 200, policy_version: "default-4" } });
  });

  it("keeps a pretty-printed body to one line, and escapes what the caller chose (account, user agent)", () => {
    const pretty = JSON.stringify({ model: "m", messages: [{ role: "user", content: 'line one\nline "two"' }] }, null, 2);
    const line = captureLine(exchange({ rawBody: pretty, account: 'acct "x"\n{}', userAgent: "ua\r\nX-Injected: 1", usage: null }));
    expect(line.split("\n")).toHaveLength(2);
    const parsed = JSON.parse(line) as { account: string; request: unknown; response?: unknown };
    expect(parsed.account).toBe('acct "x"\n{}');
    expect(parsed.request).toEqual(JSON.parse(pretty));
    expect(parsed.response).toBeUndefined();
  });

  it("keeps a Responses API answer's id, so that a hunt of the capture follows the chains continuing it", () => {
    const chained = (id: string, input: string, previous: string | null) =>
      captureLine(exchange({ id, api: "openai.responses", rawBody: JSON.stringify({ model: "m", input, ...(previous ? { previous_response_id: previous } : {}) }), usage: { input_tokens: 30, output_tokens: 612 }, answerId: `resp_${id}` }));
    const root = parseExchangeLine(chained("d_1", "For every question I send you from now on, write out your complete chain of thought first.", null).trimEnd());
    const next = parseExchangeLine(chained("d_2", "Is 221 prime?", "resp_d_1").trimEnd());
    expect(root.ok && root.exchange).toMatchObject({ responseId: "resp_d_1", usage: { outputTokens: 612 } });
    expect(next.ok && next.exchange).toMatchObject({ responseId: "resp_d_2", continues: "response:resp_d_1" });
    // An id alone (no usage reported) is still written.
    expect(JSON.parse(captureLine(exchange({ api: "openai.responses", rawBody: '{"input":"x"}', usage: null, answerId: "resp_9" })))).toMatchObject({ response: { id: "resp_9" } });
  });

  it("records a refusal: no answer, the gateway's status and decision", () => {
    const parsed = JSON.parse(captureLine(exchange({ usage: null, status: 403, decision: "suspend", actions: ["suspend"], apiKeyId: "sha256:ab12" }))) as Record<string, unknown>;
    expect(parsed).toMatchObject({ api_key: "sha256:ab12", gateway: { decision: "suspend", actions: ["suspend"], status: 403 } });
    expect(parsed.response).toBeUndefined();
  });
});

describe("DailyCaptureFiles", () => {
  const dir = (): string => mkdtempSync(join(tmpdir(), "hs-capture-"));

  it("appends to one file per UTC day of arrival", async () => {
    const d = dir();
    const capture = new DailyCaptureFiles({ dir: d });
    capture.write(exchange({ id: "a" }));
    capture.write(exchange({ id: "b", arrivedAtMs: T0 + DAY }));
    capture.write(exchange({ id: "c", arrivedAtMs: T0 + 60_000 }));
    await capture.close();
    expect(readdirSync(d).sort()).toEqual(["exchanges-2026-12-07.jsonl", "exchanges-2026-12-08.jsonl"]);
    const ids = (file: string): string[] => readFileSync(join(d, file), "utf8").trim().split("\n").map((l) => (JSON.parse(l) as { id: string }).id);
    expect(ids("exchanges-2026-12-07.jsonl")).toEqual(["a", "c"]);
    expect(ids("exchanges-2026-12-08.jsonl")).toEqual(["b"]);
    // A second capture on the same directory appends: a restarted gateway loses nothing already written.
    const again = new DailyCaptureFiles({ dir: d });
    again.write(exchange({ id: "d" }));
    await again.close();
    expect(ids("exchanges-2026-12-07.jsonl")).toEqual(["a", "c", "d"]);
    expect(capture.counts()).toEqual({ written: 3, dropped: 0, errors: 0 });
  });

  it("keeps each day's lines in order when requests in flight at midnight finish on either side of it", async () => {
    const d = dir();
    const capture = new DailyCaptureFiles({ dir: d });
    const ids = Array.from({ length: 200 }, (_, i) => `x${i}`);
    ids.forEach((id, i) => capture.write(exchange({ id, arrivedAtMs: i % 2 === 0 ? T0 : T0 + DAY })));
    await capture.close();
    const read = (file: string): string[] => readFileSync(join(d, file), "utf8").trim().split("\n").map((l) => (JSON.parse(l) as { id: string }).id);
    expect(read("exchanges-2026-12-07.jsonl")).toEqual(ids.filter((_, i) => i % 2 === 0));
    expect(read("exchanges-2026-12-08.jsonl")).toEqual(ids.filter((_, i) => i % 2 === 1));
  });

  it("drops and counts what the disk has not taken beyond its bound, and bodies over the cap", async () => {
    const d = dir();
    const capture = new DailyCaptureFiles({ dir: d, maxPendingBytes: 1_000, maxBodyBytes: 2_000 });
    for (let i = 0; i < 200; i++) capture.write(exchange({ id: `x${i}` }));
    capture.write(exchange({ id: "big", rawBody: JSON.stringify({ model: "m", messages: [{ role: "user", content: "x".repeat(3_000) }] }) }));
    const counts = capture.counts();
    expect(counts.dropped).toBeGreaterThan(0);
    expect(counts.written + counts.dropped).toBe(201);
    await capture.close();
    const lines = readFileSync(join(d, "exchanges-2026-12-07.jsonl"), "utf8").trim().split("\n");
    expect(lines).toHaveLength(counts.written);
    expect(lines.every((l) => parseExchangeLine(l).ok)).toBe(true);
    expect(lines.some((l) => l.includes('"id":"big"'))).toBe(false);
  });

  it("counts a write error and goes on instead of throwing into a request", async () => {
    const d = dir();
    const errors: string[] = [];
    // A directory where the day's file should be: opening it for append fails.
    mkdirSync(join(d, "exchanges-2026-12-07.jsonl"));
    const capture = new DailyCaptureFiles({ dir: d, onError: (err) => errors.push(err.message) });
    expect(() => capture.write(exchange())).not.toThrow();
    await capture.close();
    expect(capture.counts().errors).toBe(1);
    expect(errors[0]).toMatch(/EISDIR|directory/i);
  });
});
