import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { InputOutOfOrder, readInTimeOrder, type OrderedReadState } from "./pipeline.js";
import { QuarantineWriter, type QuarantineRecord } from "./quarantine.js";
import { openSources } from "./read.js";
import { readSorted } from "./sort.js";
import { anthropicLine, openaiChatLine } from "./testing/lines.js";

const MINUTE = 60_000;
const START = Date.parse("2026-02-03T00:00:00Z");
const at = (min: number): string => new Date(START + min * MINUTE).toISOString();
const line = (id: string, min: number): string => JSON.stringify(id.startsWith("a") ? anthropicLine(id, at(min)) : openaiChatLine(id, at(min)));

/** A fixed shuffle (seeded), so a failure reproduces. */
function shuffled<T>(items: readonly T[], seed = 7): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

async function drain(batches: AsyncGenerator<Array<{ id: string; ts: number }>>): Promise<Array<{ id: string; ts: number }>> {
  const seen: Array<{ id: string; ts: number }> = [];
  for await (const batch of batches) seen.push(...batch.map((e) => ({ id: e.id, ts: e.ts })));
  return seen;
}

describe("readSorted", () => {
  it("replays shuffled files in exact time order, spilling runs to disk and removing them, with the same counts and quarantine", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hs-sort-"));
    const spillDir = mkdtempSync(join(tmpdir(), "hs-spill-"));
    // Two days of one exchange an hour, two hours apart in each file, then shuffled: every line far out of order.
    const first = shuffled([...Array.from({ length: 24 }, (_, i) => line(`c${i}`, i * 120)), "{not json", line("c5", 5 * 120)]);
    const second = shuffled([...Array.from({ length: 24 }, (_, i) => line(`a${i}`, i * 120 + 60)), JSON.stringify({ ...openaiChatLine("bad"), ts: "yesterday" })]);
    const plain = join(dir, "first.jsonl");
    const gz = join(dir, "second.jsonl.gz");
    writeFileSync(plain, `${first.join("\n")}\n`);
    writeFileSync(gz, gzipSync(second.join("\n")));
    const quarantine = new QuarantineWriter(join(dir, "quarantine.jsonl"));
    const state: OrderedReadState = { files: [], late: 0 };
    let spilled = -1;
    const seen = await drain(readSorted(await openSources([plain, gz]), { quarantine, batchSize: 7, runExchanges: 5, tmpDir: spillDir, onSorted: (n) => (spilled = n) }, state));
    await quarantine.close();

    expect(spilled).toBe(9); // 49 accepted lines in runs of 5: nine spilled, the last four kept in memory
    expect(readdirSync(spillDir)).toEqual([]);
    expect(seen.map((e) => e.ts)).toEqual([...seen.map((e) => e.ts)].sort((x, y) => x - y));
    expect(seen.map((e) => e.id)).toEqual(Array.from({ length: 48 }, (_, h) => (h % 2 === 0 ? `c${h / 2}` : `a${(h - 1) / 2}`)));
    expect(state.late).toBe(0);
    expect(state.files).toEqual([
      { file: plain, lines: 26, exchanges: 24, duplicates: 1, quarantined: 1, bytes: expect.any(Number) as number },
      { file: gz, lines: 25, exchanges: 24, duplicates: 0, quarantined: 1, bytes: expect.any(Number) as number },
    ]);
    const q = readFileSync(join(dir, "quarantine.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as QuarantineRecord);
    // Quarantined lines keep their place in the file as written, not in the sorted order.
    expect(q.map((r) => [r.file, r.line])).toEqual([
      [plain, first.indexOf("{not json") + 1],
      [gz, second.findIndex((l) => l.includes("yesterday")) + 1],
    ]);
  });

  it("removes its runs when the reader stops early", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hs-sort-stop-"));
    const spillDir = mkdtempSync(join(tmpdir(), "hs-spill-stop-"));
    const file = join(dir, "x.jsonl");
    writeFileSync(file, `${shuffled(Array.from({ length: 30 }, (_, i) => line(`c${i}`, i))).join("\n")}\n`);
    const reader = readSorted(await openSources([file]), { quarantine: new QuarantineWriter(join(dir, "q.jsonl")), batchSize: 4, runExchanges: 4, tmpDir: spillDir }, { files: [], late: 0 });
    expect((await reader.next()).value).toHaveLength(4);
    expect(readdirSync(spillDir)).toHaveLength(1);
    await reader.return(undefined);
    expect(readdirSync(spillDir)).toEqual([]);
  });
});

describe("readInTimeOrder on a log that is not in time order", () => {
  const read = async (lines: string[], failWhenOutOfOrder: boolean): Promise<{ state: OrderedReadState; seen: number }> => {
    const dir = mkdtempSync(join(tmpdir(), "hs-order-"));
    const file = join(dir, "x.jsonl");
    writeFileSync(file, `${lines.join("\n")}\n`);
    const state: OrderedReadState = { files: [], late: 0 };
    const seen = await drain(readInTimeOrder(await openSources([file]), { quarantine: new QuarantineWriter(join(dir, "q.jsonl")), batchSize: 100, failWhenOutOfOrder }, state));
    return { state, seen: seen.length };
  };
  // 20 accounts, each a day of one request every 5 minutes, written one account after another.
  const grouped = Array.from({ length: 20 }, (_, a) => Array.from({ length: 288 }, (_, i) => line(`c${a}_${i}`, i * 5))).flat();

  it("stops with InputOutOfOrder once it is clear, for a caller that can sort instead", async () => {
    await expect(read(grouped, true)).rejects.toBeInstanceOf(InputOutOfOrder);
  });

  it("without being asked to stop, reads it all and counts the late ones", async () => {
    const { state, seen } = await read(grouped, false);
    expect(seen).toBe(20 * 288);
    expect(state.late).toBeGreaterThan(4000);
  });

  it("takes a time-ordered log with a few stragglers ten hours late as it is", async () => {
    // Far enough back in the file that they arrive in a later read chunk than their neighbours in time.
    const ordered = Array.from({ length: 2000 }, (_, i) => line(`c${i}`, i));
    for (const k of [700, 1300, 1900]) ordered.splice(k, 0, line(`late${k}`, k - 600));
    const { state, seen } = await read(ordered, true);
    expect(seen).toBe(2003);
    // Those in the same read chunk as their neighbours in time are placed; the others are counted late.
    expect(state.late).toBeGreaterThan(0);
    expect(state.late).toBeLessThanOrEqual(3);
  });
});
