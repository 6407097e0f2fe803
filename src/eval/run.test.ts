import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openaiChatLine } from "../ingest/testing/lines.js";
import { runEval } from "./run.js";

const START = Date.parse("2026-02-03T00:00:00Z");
const MINUTE = 60_000;
const line = (id: string, account: string, min: number): string => JSON.stringify({ ...openaiChatLine(id, new Date(START + min * MINUTE).toISOString()), account });
const minutes = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe("runEval", () => {
  const dir = mkdtempSync(join(tmpdir(), "hs-eval-run-"));
  writeFileSync(
    join(dir, "truth.jsonl"),
    ['{"account":"a1","role":"broad","label":"distill","campaign":"X"}', '{"account":"a2","role":"broad","label":"distill","campaign":"X"}', '{"account":"o1","role":"casual","label":"organic","campaign":null}'].join("\n"),
  );
  const accounts = [
    { account: "a1", flagged: true, first_flagged_at: new Date(START + 50 * MINUTE).toISOString() },
    { account: "a2", flagged: false, first_flagged_at: null },
    { account: "o1", flagged: false, first_flagged_at: null },
  ];
  writeFileSync(join(dir, "report.json"), JSON.stringify({ summary: {}, accounts, clusters: [] }));
  // 150 exchanges a minute apart per account; a1's first re-delivered at the end of the log.
  const byAccount = ["a1", "a2", "o1"].map((a) => minutes(150).map((m) => line(`${a}_${m}`, a, m)));
  const redelivered = line("a1_0", "a1", 0);
  const timeOrdered = minutes(150).flatMap((m) => byAccount.map((lines) => lines[m] as string));

  it("counts each exchange once, the same from a log in time order and one grouped by account, re-deliveries dropped", async () => {
    const score = async (name: string, lines: string[]) => {
      writeFileSync(join(dir, name), [...lines, "{not an exchange"].join("\n"));
      return runEval({ truth: join(dir, "truth.jsonl"), report: join(dir, "report.json"), exchanges: [join(dir, name)], quarantinePath: join(dir, `${name}.quarantine`) });
    };
    const ordered = await score("ordered.jsonl", [...timeOrdered, redelivered]);
    // Grouped by account: a2's and o1's exchanges all arrive hours late, so the log is read again sorted.
    const grouped = await score("grouped.jsonl", [...byAccount.flat(), redelivered]);
    for (const r of [ordered, grouped]) {
      const x = r.groups.find((g) => g.kind === "campaign" && g.group === "X");
      expect(x).toMatchObject({ accounts: 2, flagged: 1, exchanges: 300, leaked: 50 + 150 });
      expect(r.overall).toMatchObject({ tp: 1, fn: 1, fp: 0, tn: 1 });
    }
    expect(grouped).toEqual(ordered);
  });

  it("refuses a report whose accounts are not the contract's, naming the element", async () => {
    writeFileSync(join(dir, "bad.json"), JSON.stringify({ accounts: [accounts[0], { account: "a2", flagged: "yes", first_flagged_at: null }] }));
    await expect(runEval({ truth: join(dir, "truth.jsonl"), report: join(dir, "bad.json"), exchanges: [], quarantinePath: join(dir, "q") })).rejects.toThrow(/bad\.json is not a hunt report: accounts\[1\]: flagged/);
  });
});
