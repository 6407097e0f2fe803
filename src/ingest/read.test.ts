import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { SqliteStore } from "../store/index.js";
import { ingestIntoStore } from "./ingest.js";
import { readInTimeOrder, type OrderedReadState } from "./pipeline.js";
import { QuarantineWriter, type QuarantineRecord } from "./quarantine.js";
import { openSources } from "./read.js";
import { totalsOf } from "./summary.js";
import { MAX_LINE_BYTES } from "./lines.js";
import { anthropicLine, openaiChatLine, openaiResponsesLine } from "./testing/lines.js";

const j = (v: unknown): string => JSON.stringify(v);

/** Plain file: all three formats, every kind of bad line, a duplicate id. */
function plainFile(): { text: string; expectedReasons: Array<[number, RegExp]> } {
  const good1 = openaiChatLine("ex_1", "2026-02-03T08:00:00Z");
  const good2 = openaiResponsesLine("ex_2", "2026-02-03T08:01:00Z");
  const good3 = anthropicLine("ex_3", "2026-02-03T09:02:00+01:00");
  const { account: _a, ...noAccount } = openaiChatLine("ex_4");
  const lines = [
    j(good1), // 1
    "{not json", // 2
    j({ ...openaiChatLine("ex_5"), api: "google.gemini" }), // 3 unknown api
    j(noAccount), // 4 missing required field
    j({ ...openaiChatLine("ex_6"), ts: 1706947200 }), // 5 mistyped ts
    j({ ...openaiChatLine("ex_7"), ts: "yesterday" }), // 6 not RFC 3339
    j(good2), // 7
    j(good1), // 8 duplicate id
    "", // blank lines are not counted
    j({ ...openaiChatLine("ex_8"), request: { messages: "hi" } }), // 10 body does not fit api
    j([1, 2, 3]), // 11 not an object
    j({ ...openaiChatLine("ex_9"), client: { asn: "AS64500" } }), // 12 mistyped optional field
    j(good3), // 13
    `{"id":"ex_big","pad":"${"x".repeat(MAX_LINE_BYTES + 1024)}"}`, // 14 oversize
  ];
  return {
    text: `${lines.join("\n")}\n`,
    expectedReasons: [
      [2, /^not JSON/],
      [3, /^api: /],
      [4, /^missing required field account|account/],
      [5, /^ts: /],
      [6, /^ts: must be an RFC 3339/],
      [10, /^request\.messages must be an array$/],
      [11, /^not a JSON object$/],
      [12, /^client\.asn: /],
      [14, new RegExp(`^line exceeds ${MAX_LINE_BYTES} bytes`)],
    ],
  };
}

function gzFile(): Buffer {
  const lines = [
    j(openaiResponsesLine("gz_1", "2026-02-03T08:30:00Z")),
    j(anthropicLine("gz_2", "2026-02-03T08:31:00Z")),
    j(openaiChatLine("ex_2", "2026-02-03T08:01:00Z")), // duplicate of a plain-file id, same ts (a re-delivery)
    "[truncated",
  ];
  return gzipSync(`${lines.join("\r\n")}`); // CRLF and no final newline
}

function setup(): { dir: string; plain: string; gz: string; reasons: Array<[number, RegExp]> } {
  const dir = mkdtempSync(join(tmpdir(), "hs-ingest-"));
  const { text, expectedReasons } = plainFile();
  const plain = join(dir, "mixed.jsonl");
  const gz = join(dir, "more.log"); // gzip with a misleading name: detected by magic bytes
  writeFileSync(plain, text);
  writeFileSync(gz, gzFile());
  return { dir, plain, gz, reasons: expectedReasons };
}

function readQuarantine(path: string): QuarantineRecord[] {
  return readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as QuarantineRecord);
}

describe("exchange-log reading", () => {
  it("counts, quarantines with reasons, and de-duplicates across plain and gzip files in time order", async () => {
    const { dir, plain, gz, reasons } = setup();
    const quarantine = new QuarantineWriter(join(dir, "out", "quarantine.jsonl"));
    const state: OrderedReadState = { files: [], late: 0 };
    const seen: string[] = [];
    for await (const batch of readInTimeOrder(await openSources([plain, gz]), { quarantine }, state)) seen.push(...batch.map((e) => e.id));
    await quarantine.close();

    // ex_3 is 09:02+01:00, i.e. 08:02Z: offsets are honoured when ordering.
    expect(seen).toEqual(["ex_1", "ex_2", "ex_3", "gz_1", "gz_2"]);
    const [p, g] = state.files;
    expect(p).toMatchObject({ file: plain, lines: 13, exchanges: 3, duplicates: 1, quarantined: 9 });
    expect(g).toMatchObject({ file: gz, lines: 4, exchanges: 2, duplicates: 1, quarantined: 1 });
    expect(totalsOf(state.files)).toMatchObject({ lines: 17, exchanges: 5, duplicates: 2, quarantined: 10 });

    const q = readQuarantine(quarantine.path);
    expect(q).toHaveLength(10);
    const plainQ = q.filter((r) => r.file === plain);
    expect(plainQ.map((r) => r.line)).toEqual(reasons.map(([line]) => line));
    for (const [i, [, re]] of reasons.entries()) expect(plainQ[i]?.reason).toMatch(re);
    // Lines are written back unchanged (oversize ones as a bounded prefix with length and hash).
    expect(plainQ[0]?.raw).toBe("{not json");
    const big = plainQ.find((r) => r.line === 14);
    expect(big).toMatchObject({ truncated: true, bytes: expect.any(Number) as number, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) as string });
    expect(big?.raw.length).toBe(64 * 1024);
    expect(q.find((r) => r.file === gz)).toMatchObject({ line: 4, raw: "[truncated", reason: expect.stringMatching(/^not JSON/) as string });
  });

  it("reads a request carrying a 12 MB image inline, as the API received it, instead of quarantining it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hs-vision-"));
    const file = join(dir, "vision.jsonl");
    const image = Buffer.alloc(9 * 1024 * 1024, 7).toString("base64"); // ~12 MB of base64
    const ex = openaiChatLine("ex_vision");
    ex.request = { model: "frontier-1", messages: [{ role: "user", content: [{ type: "text", text: "Describe this chart." }, { type: "image_url", image_url: { url: `data:image/png;base64,${image}` } }] }] };
    writeFileSync(file, `${j(ex)}\n`);
    const quarantine = new QuarantineWriter(join(dir, "q.jsonl"));
    const state: OrderedReadState = { files: [], late: 0 };
    const seen: Array<{ id: string; images: number }> = [];
    for await (const batch of readInTimeOrder(await openSources([file]), { quarantine }, state)) seen.push(...batch.map((e) => ({ id: e.id, images: e.media.image })));
    expect(seen).toEqual([{ id: "ex_vision", images: 1 }]);
    expect(quarantine.count).toBe(0);
  });

  it("reads stdin-like streams and empty files without inventing lines", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hs-empty-"));
    const empty = join(dir, "empty.jsonl");
    writeFileSync(empty, "");
    const quarantine = new QuarantineWriter(join(dir, "q.jsonl"));
    const state: OrderedReadState = { files: [], late: 0 };
    for await (const _ of readInTimeOrder(await openSources([empty]), { quarantine }, state)) throw new Error("no batches expected");
    expect(state.files).toEqual([{ file: empty, lines: 0, exchanges: 0, duplicates: 0, quarantined: 0, bytes: 0 }]);
    expect(quarantine.count).toBe(0);
  });

  it("fails with a clear error naming a missing path before reading anything", async () => {
    await expect(openSources(["/nonexistent/x.jsonl"])).rejects.toMatchObject({ code: "INPUT_NOT_FOUND", message: expect.stringContaining("/nonexistent/x.jsonl") as string });
  });

  it("ingests into the store idempotently: a re-run adds nothing and counts duplicates", async () => {
    const { dir, plain, gz } = setup();
    const store = new SqliteStore(join(dir, "db", "hs.db"));
    const q1 = new QuarantineWriter(join(dir, "q.jsonl"), "append");
    const first = await ingestIntoStore(await openSources([plain, gz]), { store, quarantine: q1 });
    expect(totalsOf(first)).toMatchObject({ lines: 17, exchanges: 5, duplicates: 2, quarantined: 10 });
    const again = await ingestIntoStore(await openSources([plain, gz]), { store, quarantine: q1 });
    expect(totalsOf(again)).toMatchObject({ exchanges: 0, duplicates: 7, quarantined: 10 });
    expect(await store.countExchanges()).toBe(5);
    expect(await store.getAccountMeta("acct_4821")).toMatchObject({ paymentFp: "pf_9a1c" });
    await q1.close();
    await store.close();
  });

  it("fails the run when a batch write fails, even one that fails while another write is awaited", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hs-fail-"));
    const f = join(dir, "x.jsonl");
    writeFileSync(f, Array.from({ length: 20_000 }, (_, i) => j(openaiChatLine(`w${i}`, new Date(Date.UTC(2026, 1, 3) + i * 1000).toISOString()))).join("\n"));
    const store = new SqliteStore(":memory:");
    // The first batch fails at once; the second is slow, so the ingest is waiting on it when the first fails.
    let call = 0;
    const realPut = store.putExchanges.bind(store);
    store.putExchanges = async (batch, lines) => {
      call++;
      if (call === 1) throw new Error("disk full");
      if (call === 2) await new Promise((r) => setTimeout(r, 50));
      return realPut(batch, lines);
    };
    const quarantine = new QuarantineWriter(join(dir, "q.jsonl"));
    await expect(ingestIntoStore(await openSources([f]), { store, quarantine })).rejects.toThrow("disk full");
    await quarantine.close();
    await store.close();
  });

  it("places lines that arrive out of order within the reorder window, and counts later ones as late", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hs-order-"));
    const f = join(dir, "x.jsonl");
    const ts = ["08:05", "08:01", "08:03", "08:02", "09:00", "08:04"].map((t) => `2026-02-03T${t}:00Z`);
    writeFileSync(f, ts.map((t, i) => j(openaiChatLine(`o${i}`, t))).join("\n"));
    const quarantine = new QuarantineWriter(join(dir, "q.jsonl"));
    const state: OrderedReadState = { files: [], late: 0 };
    const seen: string[] = [];
    for await (const b of readInTimeOrder(await openSources([f]), { quarantine, reorderWindowMs: 60 * 60_000 }, state)) seen.push(...b.map((e) => e.id));
    expect(seen).toEqual(["o1", "o3", "o2", "o5", "o0", "o4"]);
    expect(state.late).toBe(0);

    // With a 30-minute window, o5 (08:04) arrives after 09:00 was read: 56 minutes late, emitted late and counted.
    const late: OrderedReadState = { files: [], late: 0 };
    const order: string[] = [];
    for await (const b of readInTimeOrder(await openSources([f]), { quarantine, reorderWindowMs: 30 * 60_000 }, late)) order.push(...b.map((e) => e.id));
    expect(order).toEqual(["o1", "o3", "o2", "o0", "o5", "o4"]);
    expect(late.late).toBe(1);
  });
});
