import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readAccountsTable } from "./accounts.js";
import { QuarantineWriter, type QuarantineRecord } from "./quarantine.js";
import { openSources } from "./read.js";

describe("accounts table", () => {
  it("reads each account's facts and quarantines, with a reason, lines that are not an account's", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hs-accounts-"));
    const path = join(dir, "accounts.jsonl");
    const lines = [
      { account: "acct_a", created_at: "2025-06-01T00:00:00Z", payment_fp: "pf_41c7e0b2", verified: true, org: "org_labelco" },
      { account: "acct_b", created_at: "2025-06-31T25:00:00Z" },
      { account: "acct_c", verified: "yes" },
      { created_at: "2025-06-01" },
      { account: "acct_d", created_at: "2025-06-02" },
    ];
    writeFileSync(path, `${lines.map((l) => JSON.stringify(l)).join("\n")}\nnot json\n`);
    const quarantine = new QuarantineWriter(join(dir, "q.jsonl"));
    const [source] = await openSources([path]);
    const { accounts, counts } = await readAccountsTable(source as NonNullable<typeof source>, quarantine);
    await quarantine.close();
    expect([...accounts.keys()]).toEqual(["acct_a", "acct_d"]);
    expect(accounts.get("acct_a")).toMatchObject({ createdAt: "2025-06-01T00:00:00Z", paymentFp: "pf_41c7e0b2", verified: true, org: "org_labelco" });
    expect(counts.quarantined).toBe(4);
    const reasons = readFileSync(join(dir, "q.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => (JSON.parse(l) as QuarantineRecord).reason);
    expect(reasons).toContain('account_meta.created_at: "2025-06-31T25:00:00Z" is not a real date-time');
    expect(reasons.some((r) => r.startsWith("verified: "))).toBe(true);
    expect(reasons.some((r) => r.includes("account") && !r.startsWith("account_meta"))).toBe(true);
    expect(reasons.some((r) => r.startsWith("not JSON"))).toBe(true);
  });
});
