import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { readReportAccounts, readTruth, runEval } from "../eval/index.js";
import { simulate } from "../sim/index.js";
import { SqliteStore } from "../store/index.js";
import { primedChainsLog } from "../testing/held-chains.js";
import { defaultEngine } from "./engine.js";
import type * as SourceEngine from "./engine.js";
import type * as SourceHunt from "./index.js";
import { huntHeapMb, huntNodeFlags, runHunt, type HuntResult } from "./hunt.js";

describe("hunt end to end on simulated traffic", () => {
  let dir: string;
  let hunt: HuntResult;
  let store: SqliteStore;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "hs-hunt-"));
    await simulate({ scenario: "smoke", seed: 11, outDir: join(dir, "sim") });
    store = new SqliteStore(join(dir, "db.sqlite"));
    hunt = await runHunt({ inputs: [join(dir, "sim", "exchanges.jsonl.gz")], outDir: join(dir, "out"), engine: defaultEngine, store });
  });

  it("writes the report contract: every account once, summary counts consistent", async () => {
    const r = JSON.parse(readFileSync(hunt.reportPath, "utf8")) as typeof hunt.report;
    const truth = await readTruth(join(dir, "sim", "truth.jsonl"));
    expect(new Set(r.accounts.map((a) => a.account))).toEqual(new Set(truth.keys()));
    expect(r.accounts.length).toBe(r.summary.accounts);
    expect(r.accounts.reduce((a, x) => a + x.exchanges, 0)).toBe(r.summary.exchanges);
    expect(r.summary.flagged_accounts).toBe(r.accounts.filter((a) => a.flagged).length);
    for (const a of r.accounts) {
      expect(a.score).toBeGreaterThanOrEqual(0);
      expect(a.score).toBeLessThanOrEqual(1);
      if (a.flagged) {
        expect(a.first_flagged_at).not.toBeNull();
        expect(a.reasons.length).toBeGreaterThan(0);
      } else expect(a.first_flagged_at).toBeNull();
    }
    for (const c of r.clusters) {
      expect(c.accounts.length).toBeGreaterThanOrEqual(2);
      expect(Object.values(c.domains).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 1);
      // What its asks for the reasoning were about: shares of those asks, where it sent any.
      if ((c.asks ?? 0) > 0) expect(Object.values(c.ask_domains ?? {}).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 1);
    }
    const asking = r.clusters.filter((c) => c.flagged && (c.asks ?? 0) > 0);
    expect(asking.length).toBeGreaterThan(0);
    const html = readFileSync(join(dir, "out", "report.html"), "utf8");
    expect(html).toContain("<svg");
    expect(html).toContain(`its ${(asking[0]?.asks ?? 0).toLocaleString("en-US")} asks for the reasoning: `);
    expect(readFileSync(join(dir, "out", "accounts.csv"), "utf8").split("\n")[0]).toBe("account,score,flagged,cluster,first_flagged_at,exchanges,reasons");
  });

  it("catches every campaign with few false positives and little leakage", async () => {
    const result = await runEval({ truth: join(dir, "sim", "truth.jsonl"), report: hunt.reportPath, exchanges: [join(dir, "sim", "exchanges.jsonl.gz")], quarantinePath: join(dir, "q.jsonl") });
    for (const c of ["broad", "agentic", "surgical", "reseller"]) {
      const g = result.groups.find((x) => x.kind === "campaign" && x.group === c)!;
      expect(g.flaggedRate, c).toBeGreaterThanOrEqual(0.8);
    }
    expect(result.overall.fpr).toBeLessThanOrEqual(0.02);
    expect(result.overall.leakedRate).toBeLessThan(0.1);
  });

  it("never flags a vetted researcher or a verified organisation for covered behaviour", async () => {
    const truth = await readTruth(join(dir, "sim", "truth.jsonl"));
    const report = await readReportAccounts(hunt.reportPath);
    for (const [account, t] of truth) if (t.role === "researcher" || t.role === "enterprise" || t.role === "labeller") expect(report.get(account)?.flagged, `${t.role} ${account}`).toBe(false);
  });

  it("reports the same with request signals on a thread as computed inline", async () => {
    // Signal threads run the built worker module, so this runs the build (`npm test` builds first).
    const built = (await import(new URL("../../dist/hunt/index.js", import.meta.url).href)) as typeof SourceHunt;
    const { defaultEngine: builtEngine } = (await import(new URL("../../dist/hunt/engine.js", import.meta.url).href)) as typeof SourceEngine;
    const input = join(dir, "sim", "exchanges.jsonl.gz");
    const inline = await built.runHunt({ inputs: [input], outDir: join(dir, "inline"), engine: builtEngine, signalThreads: 0 });
    const threaded = await built.runHunt({ inputs: [input], outDir: join(dir, "threaded"), engine: builtEngine, signalThreads: 1 });
    expect(inline.busy.signals).toEqual([]);
    expect(threaded.busy.signals).toHaveLength(1);
    expect(threaded.busy.signals[0]).toBeGreaterThan(0);
    // Several batches cross the threads, so their order is exercised too; and the build agrees with the sources.
    expect(threaded.report.summary.exchanges).toBeGreaterThan(2 * 4096);
    const { generated_at: _a, ...a } = inline.report;
    const { generated_at: _b, ...b } = threaded.report;
    const { generated_at: _c, ...c } = hunt.report;
    expect(b).toEqual(a);
    expect(a).toEqual(c);
  }, 60_000);

  it("gives reasons an analyst can check against the log", () => {
    const flagged = hunt.report.accounts.filter((a) => a.flagged);
    const text = flagged.flatMap((a) => a.reasons).join("\n");
    expect(text).toMatch(/cluster|payment_fp|cot_elicitation_rate|egress|shared with/);
    expect(hunt.report.clusters.find((c) => c.flagged)?.links.length).toBeGreaterThan(0);
  });

  it("stores verdicts, clusters and an audit entry", async () => {
    expect(await store.countExchanges()).toBe(hunt.report.summary.exchanges);
    expect((await store.listAccountVerdicts({ flaggedOnly: true })).length).toBe(hunt.report.summary.flagged_accounts);
    expect((await store.listClusters()).length).toBe(hunt.report.summary.clusters);
    expect((await store.listAudit()).some((e) => e.kind === "hunt")).toBe(true);
  });

  it("replays a log in time order whatever order its lines are in: grouped by account or newest first, the same report", async () => {
    const lines = gunzipSync(readFileSync(join(dir, "sim", "exchanges.jsonl.gz"))).toString("utf8").trim().split("\n");
    const byAccount = new Map<string, string[]>();
    for (const line of lines) {
      const account = (JSON.parse(line) as { account: string }).account;
      byAccount.set(account, [...(byAccount.get(account) ?? []), line]);
    }
    const grouped = join(dir, "grouped.jsonl");
    writeFileSync(grouped, `${[...byAccount.values()].flat().join("\n")}\n`);
    const reversed = join(dir, "reversed.jsonl.gz");
    writeFileSync(reversed, gzipSync(`${[...lines].reverse().join("\n")}\n`));
    const verdicts = (r: HuntResult): string => JSON.stringify({ accounts: r.report.accounts, clusters: r.report.clusters });
    for (const [name, file] of [["grouped", grouped], ["reversed", reversed]] as const) {
      // Small runs, so the sort spills and merges several.
      const r = await runHunt({ inputs: [file], outDir: join(dir, `out-${name}`), engine: defaultEngine, sortRunExchanges: 2000 });
      expect(r.report.summary, name).toMatchObject({ exchanges: hunt.report.summary.exchanges, duplicates: 0, late: 0, sorted: true });
      expect(verdicts(r), name).toBe(verdicts(hunt));
    }
    expect(hunt.report.summary.sorted).toBeUndefined();
  });

  it("flags only from the past: replaying a prefix of the log gives the same first_flagged_at for accounts flagged in it", async () => {
    const lines = gunzipSync(readFileSync(join(dir, "sim", "exchanges.jsonl.gz"))).toString("utf8").trim().split("\n");
    const half = join(dir, "half.jsonl.gz");
    writeFileSync(half, gzipSync(lines.slice(0, Math.floor(lines.length / 2)).join("\n")));
    const part = await runHunt({ inputs: [half], outDir: join(dir, "out-half"), engine: defaultEngine });
    const full = new Map(hunt.report.accounts.map((a) => [a.account, a]));
    const cutoff = Date.parse(JSON.parse(lines[Math.floor(lines.length / 2) - 1]!).ts as string);
    let compared = 0;
    for (const a of part.report.accounts) {
      const f = full.get(a.account)!;
      // Flags raised well before the cut cannot depend on what came after it.
      if (f.first_flagged_at && Date.parse(f.first_flagged_at) < cutoff - 12 * 3_600_000) {
        expect(a.first_flagged_at, a.account).toBe(f.first_flagged_at);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(5);
    // A flagged cluster keeps its id at the later run (the gateway's standing bans name clusters by
    // id) unless it merged into one seen earlier, and no cluster takes the id of one it shares no
    // member with: a ban never passes to strangers.
    const fullClusters = new Map(hunt.report.clusters.map((c) => [c.id, c]));
    const flaggedEarly = part.report.clusters.filter((c) => c.flagged);
    expect(flaggedEarly.filter((c) => fullClusters.get(c.id)?.flagged).length).toBeGreaterThanOrEqual(flaggedEarly.length / 2);
    for (const c of part.report.clusters) {
      const later = fullClusters.get(c.id);
      if (later) expect(later.accounts.some((a) => c.accounts.includes(a)), c.id).toBe(true);
    }
  });
});

describe("huntNodeFlags", () => {
  it("turns V8's collector threads off only where the hunt's own threads take every core", () => {
    expect(huntNodeFlags(2, undefined, null)).toEqual(["--max-semi-space-size=32", "--single-threaded-gc"]);
    expect(huntNodeFlags(4, undefined, null)).toContain("--single-threaded-gc"); // main + 3 signal threads
    expect(huntNodeFlags(8, undefined, null)).toEqual(["--max-semi-space-size=32"]);
    expect(huntNodeFlags(8, 7, null)).toContain("--single-threaded-gc"); // HYDRASENTRY_HUNT_WORKERS=7
    expect(huntNodeFlags(8, 0, null)).toEqual(["--max-semi-space-size=32"]); // no signal threads: one busy thread
    expect(huntNodeFlags(8, 0, 18_432)).toEqual(["--max-semi-space-size=32", "--max-old-space-size=18432"]);
  });

  it("lets the heap grow to three quarters of the machine's memory, never below V8's own limit", () => {
    const GB = 2 ** 30;
    expect(huntHeapMb(24 * GB, 4.3 * GB)).toBe(18_432);
    expect(huntHeapMb(4 * GB, 2 * GB)).toBe(3_072);
    expect(huntHeapMb(4 * GB, 4.3 * GB)).toBeNull(); // a small machine keeps V8's default
    // What the CLI passes is what this machine allows.
    const flag = huntNodeFlags().find((f) => f.startsWith("--max-old-space-size="));
    const mb = huntHeapMb();
    expect(flag).toBe(mb === null ? undefined : `--max-old-space-size=${mb}`);
  });
});

/** A simulated scenario written under a fresh directory: its log and its ground truth. */
async function simulated(options: Omit<Parameters<typeof simulate>[0], "outDir">): Promise<{ dir: string; log: string; truth: Awaited<ReturnType<typeof readTruth>> }> {
  const dir = mkdtempSync(join(tmpdir(), `hs-${options.scenario}-`));
  await simulate({ ...options, outDir: join(dir, "sim") });
  return { dir, log: join(dir, "sim", "exchanges.jsonl.gz"), truth: await readTruth(join(dir, "sim", "truth.jsonl")) };
}

/** The hunt's report on `log`, and the accounts it flagged. */
async function hunted(log: string, outDir: string): Promise<{ report: HuntResult["report"]; flagged: Set<string> }> {
  const { report } = await runHunt({ inputs: [log], outDir, engine: defaultEngine });
  return { report, flagged: new Set(report.accounts.filter((a) => a.flagged).map((a) => a.account)) };
}

describe("hunt end to end on a fleet in lockstep", () => {
  it("finds the fleet by its timing alone and flags none of the cron apps, students or other people", async () => {
    const { dir, log, truth } = await simulated({ scenario: "lockstep", scale: 0.3, days: 24, seed: 4 });
    const { report, flagged } = await hunted(log, join(dir, "out"));
    const fleet = [...truth.values()].filter((t) => t.role === "lockstep");
    expect(fleet.length).toBe(12);
    for (const [account, t] of truth) expect(flagged.has(account), `${t.role} ${account}`).toBe(t.role === "lockstep");
    const cluster = report.clusters.find((c) => c.flagged && c.links.some((l) => l.kind === "co_activity"));
    expect(cluster?.reasons.join(" ")).toMatch(/accounts work in lockstep on \d+ days/);
  });
});

describe("hunt end to end on research groups nobody vetted", () => {
  it("does not count a lab's greedy re-runs, and excuses its team once they show", async () => {
    const { dir, log, truth } = await simulated({ scenario: "labs", scale: 0.5, days: 45, seed: 2 });
    const { report, flagged } = await hunted(log, join(dir, "out"));
    for (const [account, t] of truth) if (t.role !== "lab") expect(flagged.has(account), `${t.role} ${account}`).toBe(t.role === "surgical");
    const labClusters = report.clusters.filter((c) => c.accounts.some((a) => truth.get(a)?.role === "lab"));
    expect(labClusters.some((c) => !c.flagged && c.reasons.some((r) => /re-running \d+ asks greedily: an evaluation's shape, pooled behaviour not acted on/.test(r)))).toBe(true);
    expect(labClusters.flatMap((c) => c.reasons).join("\n")).toMatch(/greedy re-sends of prompts already answered not counted/);
  });

  it("still flags the careful ring put on a lab's shape: aged accounts sharing cards three by three, no re-runs", async () => {
    const { dir, log, truth } = await simulated({ scenario: "careful-ring", scale: 0.5, days: 45, seed: 3 });
    const ring = [...truth.entries()].filter(([, t]) => t.role === "surgical").map(([account]) => account);
    const cell = new Map(ring.map((account, i) => [account, `pf_cell${Math.floor(i / 3)}_5b1e9d3c7a20`]));
    const lines = gunzipSync(readFileSync(log)).toString("utf8").split("\n").filter((l) => l !== "");
    const rewritten = lines.map((line) => {
      const ex = JSON.parse(line) as { account: string; account_meta?: Record<string, unknown> };
      const card = cell.get(ex.account);
      return card === undefined ? line : JSON.stringify({ ...ex, account_meta: { ...ex.account_meta, created_at: "2024-01-01T00:00:00Z", payment_fp: card } });
    });
    writeFileSync(join(dir, "cells.jsonl.gz"), gzipSync(`${rewritten.join("\n")}\n`));
    const { flagged } = await hunted(join(dir, "cells.jsonl.gz"), join(dir, "out"));
    expect(ring.length).toBeGreaterThanOrEqual(12);
    for (const [account, t] of truth) expect(flagged.has(account), `${t.role} ${account}`).toBe(t.role === "surgical");
  });

  it("catches a careful ring that sends an ordinary prompt after every ask before most of its asks are out", async () => {
    const { dir, log, truth } = await simulated({ scenario: "careful-ring", scale: 0.5, days: 45, seed: 3 });
    const ring = new Set([...truth.entries()].filter(([, t]) => t.role === "surgical").map(([account]) => account));
    // Cover at equal volume: people's own prompts (a few, reworded each time, so nobody else sends them), sampled.
    const cover = ["what's a good recipe for banana bread without eggs", "help me write a birthday message for my grandmother", "what should we pack for a weekend camping trip with kids", "suggest a name for our new puppy"];
    const lines = gunzipSync(readFileSync(log)).toString("utf8").split("\n").filter((l) => l !== "");
    const out: Array<{ ts: string; line: string }> = [];
    let n = 0;
    for (const line of lines) {
      const ex = JSON.parse(line) as { id: string; ts: string; account: string; api: string; request: Record<string, unknown> };
      out.push({ ts: ex.ts, line });
      if (!ring.has(ex.account) || !Array.isArray(ex.request.messages)) continue;
      const ts = new Date(Date.parse(ex.ts) + 40_000).toISOString();
      const content = `${cover[n % cover.length] as string} (${n++})`;
      const request = { model: ex.request.model, max_tokens: 512, temperature: 0.7, messages: [{ role: "user", content }] };
      out.push({ ts, line: JSON.stringify({ ...ex, id: `${ex.id}_cover`, ts, request }) });
    }
    out.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
    writeFileSync(join(dir, "cover.jsonl.gz"), gzipSync(`${out.map((o) => o.line).join("\n")}\n`));
    const { report, flagged } = await hunted(join(dir, "cover.jsonl.gz"), join(dir, "out"));
    for (const [account, t] of truth) expect(flagged.has(account), `${t.role} ${account}`).toBe(t.role === "surgical");
    const result = await runEval({ truth: join(dir, "sim", "truth.jsonl"), report: join(dir, "out", "report.json"), exchanges: [join(dir, "cover.jsonl.gz")], quarantinePath: join(dir, "q.jsonl") });
    // 66% of its traffic went out before its accounts were flagged when only rates counted; 30% with its own templates counted.
    expect(result.overall.leakedRate).toBeLessThan(0.45);
    expect(report.clusters.flatMap((c) => c.reasons).join("\n")).toMatch(/accounts send eliciting templates nobody outside them sends/);
  });
});


describe("hunt end to end on conversations the provider holds", () => {
  it.each(["ask", "demonstration"] as const)("reads every question of a chain primed once (by %s) as an ask, on signal threads as inline, and no chain as one-turn requests", async (primedBy) => {
    const log = primedChainsLog(primedBy);
    const built = (await import(new URL("../../dist/hunt/index.js", import.meta.url).href)) as typeof SourceHunt;
    const { defaultEngine: builtEngine } = (await import(new URL("../../dist/hunt/engine.js", import.meta.url).href)) as typeof SourceEngine;
    for (const signalThreads of [0, 1]) {
      const { report } = await built.runHunt({ inputs: [log], outDir: join(dirname(log), `out${signalThreads}`), engine: builtEngine, signalThreads });
      const reasons = new Map(report.accounts.map((a) => [a.account, a.reasons.join("\n")]));
      expect(reasons.get("acct_primed")).toMatch(/cot_elicitation_rate 1\.00 \(120 of 120 requests/);
      expect(reasons.get("acct_plain")).not.toMatch(/cot_elicitation_rate/);
      expect(reasons.get("acct_plain")).not.toMatch(/single_turn_share/);
    }
  }, 60_000);
});
