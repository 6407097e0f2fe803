import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { prettyJsonPieces, writeTextFile } from "./text-file.js";

describe("prettyJsonPieces", () => {
  it("is JSON.stringify(value, null, 2) and a newline, piece by piece", () => {
    const report = {
      summary: { lines: 3, exchanges: 2, duplicates: 0, quarantined: 1, accounts: 2, flagged_accounts: 1, clusters: 1 },
      accounts: [
        { account: "acct_4821", score: 0.97, flagged: true, cluster: "cl_3f0a9c1b2d", first_flagged_at: "2026-02-03T09:00:00.000Z", exchanges: 1830, reasons: ["cot_elicitation_rate 91% (\"show me\nyour reasoning\")", "template_family tf_12 shared with 311 accounts"] },
        { account: "acct_ünï", score: 0.02, flagged: false, cluster: null, first_flagged_at: null, exchanges: 4, reasons: [] },
      ],
      clusters: [{ id: "cl_3f0a9c1b2d", accounts: ["acct_4821"], domains: { reasoning: 0.4 }, links: [{ kind: "payment_fp", value: "pf_9a1c", accounts: 211 }] }],
      notes: [],
      empty: {},
      skipped: undefined,
      late: 0,
    };
    const pieces = [...prettyJsonPieces(report)];
    expect(pieces.join("")).toBe(`${JSON.stringify(report, null, 2)}\n`);
    expect(pieces.length).toBeGreaterThan(report.accounts.length); // an account at a time, not one string
    expect([...prettyJsonPieces({})].join("")).toBe(`${JSON.stringify({}, null, 2)}\n`);
  });

  it("writes a file in chunks that reads back whole", () => {
    const dir = mkdtempSync(join(tmpdir(), "hs-textfile-"));
    const rows = Array.from({ length: 30_000 }, (_, i) => ({ account: `acct_${i}`, reasons: ["x".repeat(60)] }));
    writeTextFile(join(dir, "r.json"), prettyJsonPieces({ accounts: rows })); // ~3 MB: several writes
    expect(JSON.parse(readFileSync(join(dir, "r.json"), "utf8"))).toEqual({ accounts: rows });
  });
});
