import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { gzipLines } from "./lines.js";

describe("gzipLines", () => {
  const dir = mkdtempSync(join(tmpdir(), "hs-lines-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // Large enough that the streams are far from the end when the consumer stops.
  const file = join(dir, "big.jsonl.gz");
  const total = 200_000;
  writeFileSync(file, gzipSync(Array.from({ length: total }, (_, i) => JSON.stringify({ id: `ex_${i}`, pad: "x".repeat(40) })).join("\n")));

  it("yields every line in order when read to the end", async () => {
    const ids: string[] = [];
    for await (const line of gzipLines(file)) ids.push((JSON.parse(line) as { id: string }).id);
    expect(ids).toHaveLength(total);
    expect(ids.every((id, i) => id === `ex_${i}`)).toBe(true);
  });

  it("stops reading the file when the consumer stops", async () => {
    const first: string[] = [];
    for await (const line of gzipLines(file)) {
      first.push(line);
      if (first.length === 10) break;
    }
    expect(first).toHaveLength(10);
    // Left flowing, the streams decompress and split the rest meanwhile (~180 ms of CPU in these 300 ms).
    const before = process.cpuUsage();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const spent = process.cpuUsage(before);
    expect((spent.user + spent.system) / 1000).toBeLessThan(50);
  });
});
