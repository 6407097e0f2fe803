import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { HydraError } from "../core/index.js";
import { readReportArray, type ReportArray } from "./read.js";
import { prettyJsonPieces } from "./text-file.js";

const dir = mkdtempSync(join(tmpdir(), "hs-report-read-"));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
async function all(path: string, key: ReportArray): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const v of readReportArray(path, key)) out.push(v);
  return out;
}
async function failure(path: string, key: ReportArray): Promise<HydraError> {
  try {
    await all(path, key);
  } catch (err) {
    return err as HydraError;
  }
  throw new Error("read did not fail");
}

const report = {
  summary: { exchanges: 3, accounts: 2, flagged_accounts: 1, clusters: 1 },
  accounts: [
    { account: "acct_4821", score: 0.97, flagged: true, cluster: "cl_3", first_flagged_at: "2026-02-03T09:00:00.000Z", exchanges: 2, reasons: ["cot_elicitation_rate 0.91 (\"think\" \\ ok)", "ünïcode 思考过程"] },
    { account: "acct_7", score: 0.02, flagged: false, cluster: null, first_flagged_at: null, exchanges: 1, reasons: [] },
  ],
  clusters: [{ id: "cl_3", accounts: ["acct_4821"], exchanges: 2, score: 0.99, flagged: true, links: [{ kind: "payment_fp", value: "pf_9a1c", accounts: 1 }] }],
};

describe("readReportArray", () => {
  it("yields each element of the array as JSON.parse would, from the hunt's pretty file and from one compact line", async () => {
    const pretty = file("pretty.json", [...prettyJsonPieces(report)].join(""));
    const compact = file("compact.json", JSON.stringify(report));
    for (const path of [pretty, compact]) {
      expect(await all(path, "accounts")).toEqual(report.accounts);
      expect(await all(path, "clusters")).toEqual(report.clusters);
    }
  });

  it("reads an empty array as no elements, and only the top-level array of that name", async () => {
    const path = file("nested.json", JSON.stringify({ summary: { accounts: [{ account: "not me" }] }, accounts: [], clusters: [] }));
    expect(await all(path, "accounts")).toEqual([]);
  });

  it("refuses a file that is not a hunt report, or not JSON, with the path and a reason", async () => {
    const missing = await failure(file("no-accounts.json", JSON.stringify({ summary: {} })), "accounts");
    expect(missing).toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(missing.message).toMatch(/no-accounts\.json is not a hunt report: it has no "accounts" array/);
    const wrong = await failure(file("object.json", JSON.stringify({ clusters: { cl_1: {} } })), "clusters");
    expect(wrong.message).toMatch(/object\.json is not a hunt report: "clusters" is not an array/);
    const cut = await failure(file("cut.json", JSON.stringify(report).slice(0, 200)), "clusters");
    expect(cut.message).toMatch(/cannot read report .*cut\.json/);
    const garbage = await failure(file("garbage.json", "{\"accounts\": [1, 2,, 3]}"), "accounts");
    expect(garbage.message).toMatch(/cannot read report .*garbage\.json/);
    const absent = await failure(join(dir, "absent.json"), "accounts");
    expect(absent.message).toMatch(/cannot read report .*absent\.json.*ENOENT/);
  });
});
