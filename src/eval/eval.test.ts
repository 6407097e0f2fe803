import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { computeEval, ExchangeCounter, type ReportAccount, type TruthRow } from "./eval.js";
import { readTruth } from "./run.js";

const T = (account: string, role: string, label: "distill" | "organic", campaign: string | null): [string, TruthRow] => [account, { account, role, label, campaign }];
const H = 3_600_000;

describe("computeEval on a hand-checkable report", () => {
  // a1, a2: campaign X; a3: campaign Y; o1, o2: organic.
  const truth = new Map([T("a1", "broad", "distill", "X"), T("a2", "broad", "distill", "X"), T("a3", "surgical", "distill", "Y"), T("o1", "casual", "organic", null), T("o2", "casual", "organic", null)]);
  const report = new Map<string, ReportAccount>([
    ["a1", { flagged: true, firstFlaggedAt: 2 * H }], // 4 exchanges at 0,1,2,3h → 2 leaked (0h, 1h)
    ["a2", { flagged: true, firstFlaggedAt: 0 }], // 2 exchanges, none leaked
    ["a3", { flagged: false, firstFlaggedAt: null }], // 2 exchanges, all leaked
    ["o1", { flagged: true, firstFlaggedAt: H }], // a false positive
    ["o2", { flagged: false, firstFlaggedAt: null }],
  ]);
  const counter = new ExchangeCounter(truth, report);
  for (const h of [0, 1, 2, 3]) counter.add("a1", h * H);
  for (const h of [0, 5]) counter.add("a2", h * H);
  for (const h of [0, 30]) counter.add("a3", h * H);
  for (const h of [0, 2]) counter.add("o1", h * H);
  counter.add("o2", 0);
  const r = computeEval(truth, report, counter);

  it("computes precision, recall, FPR and F1", () => {
    expect(r.overall).toMatchObject({ tp: 2, fp: 1, fn: 1, tn: 1 });
    expect(r.overall.precision).toBeCloseTo(2 / 3);
    expect(r.overall.recall).toBeCloseTo(2 / 3);
    expect(r.overall.fpr).toBeCloseTo(1 / 2);
    expect(r.overall.f1).toBeCloseTo(2 / 3);
  });

  it("computes exchange-weighted recall and exchanges leaked before detection per campaign", () => {
    const x = r.groups.find((g) => g.kind === "campaign" && g.group === "X")!;
    expect(x).toMatchObject({ accounts: 2, flagged: 2, exchanges: 6, leaked: 2 });
    expect(x.exchangeWeightedRecall).toBe(1);
    expect(x.leakedRate).toBeCloseTo(2 / 6);
    const y = r.groups.find((g) => g.kind === "campaign" && g.group === "Y")!;
    expect(y).toMatchObject({ flagged: 0, exchanges: 2, leaked: 2, exchangeWeightedRecall: 0, leakedRate: 1 });
    const distill = r.groups.find((g) => g.kind === "label" && g.group === "distill")!;
    expect(distill.leakedRate).toBeCloseTo(4 / 8);
    expect(r.overall.leakedRate).toBeCloseTo(0.5);
  });

  it("counts what leaks until the first scheduled run at or after each flag", () => {
    const x = r.groups.find((g) => g.kind === "campaign" && g.group === "X")!;
    // Hourly: a1 flagged at 2h is stopped by the 2h run (as continuously); a2 at 0 by the 0h run.
    // Daily and weekly: a1 is stopped only at the next midnight, after all four; a2 at 0 still at once.
    expect(x.leakedBySchedule).toEqual([
      { schedule: "hourly", leaked: 2, leakedRate: 2 / 6 },
      { schedule: "daily", leaked: 4, leakedRate: 4 / 6 },
      { schedule: "weekly", leaked: 4, leakedRate: 4 / 6 },
    ]);
    expect(r.overall.leakedBySchedule.map((l) => l.leaked)).toEqual([4, 6, 6]);
  });

  it("reports organic groups' flagged share as a false-positive rate", () => {
    const casual = r.groups.find((g) => g.kind === "role" && g.group === "casual")!;
    expect(casual).toMatchObject({ label: "organic", accounts: 2, flagged: 1, flaggedRate: 0.5 });
  });

  it("draws per-campaign detection curves that end at 100% sent", () => {
    const x = r.curves.X!;
    expect(x[x.length - 1]!.sent).toBe(1);
    expect(x[x.length - 1]!.leaked).toBeCloseTo(2 / 6);
    expect(x[x.length - 1]!.accountsFlagged).toBe(1);
    expect(r.curves.Y![r.curves.Y!.length - 1]!.accountsFlagged).toBe(0);
  });
});

describe("readTruth", () => {
  it("names the file and line of a row that is not JSON, as of one that is not a truth row", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hs-truth-"));
    const path = join(dir, "truth.jsonl");
    writeFileSync(path, `${JSON.stringify({ account: "a1", role: "casual", label: "organic", campaign: null })}\n{"account": "a2", "role\n`);
    await expect(readTruth(path)).rejects.toThrow(new RegExp(`${path}:2: not a truth row \\(not JSON\\)`));
    writeFileSync(path, `${JSON.stringify({ account: "a1", role: "casual", label: "maybe", campaign: null })}\n`);
    await expect(readTruth(path)).rejects.toThrow(/truth\.jsonl:1: not a truth row/);
  });
});

describe("shared-card baseline", () => {
  it("flags accounts on a card from the moment the card reaches the threshold", async () => {
    const { sharedCardBaseline } = await import("./baseline.js");
    const { makeExchange } = await import("../testing/exchanges.js");
    const engine = sharedCardBaseline(3);
    const ex = (id: string, account: string, ts: number, card: string) => makeExchange({ id, account, ts, accountMeta: { paymentFp: card } });
    engine.observe([ex("1", "a", 10, "pf_x"), ex("2", "b", 20, "pf_x"), ex("3", "z", 25, "pf_solo"), ex("4", "c", 30, "pf_x"), ex("5", "a", 40, "pf_x")]);
    const { accounts } = engine.finish();
    const by = new Map(accounts.map((a) => [a.account, a]));
    expect(by.get("a")).toMatchObject({ flagged: true, firstFlaggedAt: 30, exchanges: 2 });
    expect(by.get("c")).toMatchObject({ flagged: true, firstFlaggedAt: 30 });
    expect(by.get("z")).toMatchObject({ flagged: false, firstFlaggedAt: null });
  });
});
