import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { parseExchangeLine } from "../ingest/index.js";
import { simulate, type SimulateResult } from "./simulate.js";

interface Row {
  account: string;
  ts: number;
  ip: string;
  hour: number;
  api: string;
  payment: string;
}

function load(dir: string): { rows: Row[]; truth: Map<string, { role: string; label: string; campaign: string | null }> } {
  const rows: Row[] = [];
  for (const line of gunzipSync(readFileSync(join(dir, "exchanges.jsonl.gz"))).toString("utf8").split("\n")) {
    if (!line) continue;
    const v = parseExchangeLine(line);
    if (!v.ok) throw new Error(`simulator wrote an invalid line: ${v.reason}`);
    const e = v.exchange;
    rows.push({ account: e.account, ts: e.ts, ip: e.client.ip ?? "", hour: new Date(e.ts).getUTCHours(), api: e.api, payment: e.accountMeta.paymentFp ?? "" });
  }
  const truth = new Map(
    readFileSync(join(dir, "truth.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => {
        const o = JSON.parse(l) as { account: string; role: string; label: string; campaign: string | null };
        return [o.account, o] as const;
      }),
  );
  return { rows, truth };
}

describe("simulate", () => {
  let dir: string;
  let result: SimulateResult;
  let data: ReturnType<typeof load>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "hs-sim-"));
    result = await simulate({ scenario: "smoke", seed: 7, outDir: dir });
    data = load(dir);
  });

  it("is deterministic for a seed and different across seeds", async () => {
    const again = mkdtempSync(join(tmpdir(), "hs-sim-"));
    await simulate({ scenario: "smoke", seed: 7, outDir: again });
    const digest = (d: string, f: string) => createHash("sha256").update(readFileSync(join(d, f))).digest("hex");
    expect(digest(again, "truth.jsonl")).toBe(digest(dir, "truth.jsonl"));
    expect(gunzipSync(readFileSync(join(again, "exchanges.jsonl.gz"))).equals(gunzipSync(readFileSync(join(dir, "exchanges.jsonl.gz"))))).toBe(true);
    const other = mkdtempSync(join(tmpdir(), "hs-sim-"));
    await simulate({ scenario: "smoke", seed: 8, outDir: other });
    expect(digest(other, "truth.jsonl")).not.toBe(digest(dir, "truth.jsonl"));
  });

  it("writes valid, time-ordered lines in all three wire formats, with truth for every account", () => {
    expect(data.rows.length).toBe(result.exchanges);
    for (let i = 1; i < data.rows.length; i++) expect(data.rows[i]!.ts).toBeGreaterThanOrEqual(data.rows[i - 1]!.ts);
    expect(new Set(data.rows.map((r) => r.api))).toEqual(new Set(["openai.chat", "openai.responses", "anthropic.messages"]));
    for (const r of data.rows) expect(data.truth.has(r.account)).toBe(true);
    // Account ids leak nothing about the label.
    for (const a of data.truth.keys()) expect(a).toMatch(/^acct_[0-9a-f]{10}$/);
  });

  it("continues some Responses API conversations from the provider's store, each on the account whose answer it continues", () => {
    const exchanges = gunzipSync(readFileSync(join(dir, "exchanges.jsonl.gz")))
      .toString("utf8")
      .split("\n")
      .filter((l) => l.includes('"openai.responses"'))
      .map((l) => parseExchangeLine(l))
      .flatMap((v) => (v.ok ? [v.exchange] : []));
    const answeredBy = new Map(exchanges.map((e) => [e.responseId, e] as const));
    const chained = exchanges.filter((e) => e.continues !== undefined);
    expect(exchanges.every((e) => e.responseId === `resp_${e.id}`)).toBe(true);
    expect(chained.length).toBeGreaterThan(20);
    for (const e of chained) {
      const before = answeredBy.get(e.continues?.replace(/^response:/, ""));
      expect(before?.account).toBe(e.account);
      expect(before?.ts).toBeLessThanOrEqual(e.ts);
      // Only what the turn adds: the conversation before it is the store's.
      expect(e.assistantTurns).toEqual([]);
    }
    // And some Responses API accounts send their whole history each time, as the other APIs do.
    expect(exchanges.some((e) => e.continues === undefined && e.assistantTurns.length > 0)).toBe(true);
  });

  it("has every population and campaign, with organic traffic at least as large as attacker traffic", () => {
    const roles = new Set([...data.truth.values()].map((t) => t.role));
    for (const r of ["casual", "family", "developer", "enterprise", "researcher", "labeller", "broad", "agentic", "surgical", "reseller"]) expect(roles).toContain(r);
    const organic = data.rows.filter((r) => data.truth.get(r.account)?.label === "organic").length;
    expect(organic).toBeGreaterThanOrEqual(data.rows.length - organic);
  });

  it("gives heavy-tailed volume: the top 10% of casual users send far more than the median", () => {
    const counts = new Map<string, number>();
    for (const r of data.rows) if (data.truth.get(r.account)?.role === "casual") counts.set(r.account, (counts.get(r.account) ?? 0) + 1);
    const v = [...counts.values()].sort((a, b) => a - b);
    const median = v[Math.floor(v.length / 2)]!;
    const p90 = v[Math.floor(v.length * 0.9)]!;
    expect(p90 / median).toBeGreaterThan(2.5);
  });

  it("makes people diurnal and the broad harness round-the-clock", () => {
    const entropy = (role: string): number => {
      const h = new Array<number>(24).fill(0);
      let n = 0;
      for (const r of data.rows) {
        if (data.truth.get(r.account)?.role !== role) continue;
        h[r.hour]! += 1;
        n++;
      }
      return -h.reduce((a, c) => (c ? a + (c / n) * Math.log(c / n) : a), 0) / Math.log(24);
    };
    // Surgical ring lives in one time zone (UTC+8): clearly diurnal.
    expect(entropy("surgical")).toBeLessThan(0.93);
    expect(entropy("broad")).toBeGreaterThan(0.97);
  });

  it("rotates the broad campaign's IPs per request, keeps people on few addresses, and shares cards in the broad campaign only", () => {
    const perAccount = (role: string) => {
      const m = new Map<string, { n: number; ips: Set<string> }>();
      for (const r of data.rows) {
        if (data.truth.get(r.account)?.role !== role) continue;
        const e = m.get(r.account) ?? { n: 0, ips: new Set<string>() };
        e.n++;
        e.ips.add(r.ip);
        m.set(r.account, e);
      }
      return [...m.values()].filter((e) => e.n >= 10);
    };
    const rotation = (role: string) => {
      const xs = perAccount(role);
      return xs.reduce((a, e) => a + e.ips.size / e.n, 0) / xs.length;
    };
    expect(rotation("broad")).toBeGreaterThan(0.8);
    expect(rotation("casual")).toBeLessThan(0.4);
    expect(rotation("surgical")).toBeLessThan(0.4);
    const cardShare = (role: string) => {
      const byCard = new Map<string, Set<string>>();
      for (const r of data.rows) if (data.truth.get(r.account)?.role === role) byCard.set(r.payment, (byCard.get(r.payment) ?? new Set()).add(r.account));
      return Math.max(...[...byCard.values()].map((s) => s.size));
    };
    expect(cardShare("broad")).toBeGreaterThanOrEqual(5);
    expect(cardShare("surgical")).toBe(1);
  });
});

describe("the lockstep scenario", () => {
  it("runs a fleet that shares no card or address but works in the same minutes, crons on fixed minutes, and writes lines in time order", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hs-sim-lockstep-"));
    await simulate({ scenario: "lockstep", scale: 0.3, days: 14, seed: 2, outDir: dir });
    const { rows, truth } = load(dir);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.ts).toBeGreaterThanOrEqual(rows[i - 1]!.ts);
    const fleet = rows.filter((r) => truth.get(r.account)?.role === "lockstep");
    const accounts = new Set(fleet.map((r) => r.account));
    expect(accounts.size).toBe(12);
    expect(new Set(fleet.map((r) => r.payment)).size).toBe(12);
    // Addresses as people have them: their own, or a carrier's or a VPN's shared with whoever else is behind it.
    const byIp = new Map<string, Set<string>>();
    for (const r of fleet) byIp.set(r.ip, (byIp.get(r.ip) ?? new Set()).add(r.account));
    expect(Math.max(...[...byIp.values()].map((a) => a.size))).toBeLessThanOrEqual(3);
    // Most of a fleet account's requests fall in a 5-minute window where at least three others work too.
    const busy = new Map<number, Set<string>>();
    for (const r of fleet) busy.set(Math.floor(r.ts / 300_000), (busy.get(Math.floor(r.ts / 300_000)) ?? new Set()).add(r.account));
    const together = fleet.filter((r) => (busy.get(Math.floor(r.ts / 300_000))?.size ?? 0) >= 4).length;
    expect(together / fleet.length).toBeGreaterThan(0.6);
    // The crons' requests start at fixed minutes of the hour.
    const cronRows = rows.filter((r) => truth.get(r.account)?.role === "developer" && new Date(r.ts).getUTCMinutes() % 15 === 0);
    expect(cronRows.length).toBeGreaterThan(0.5 * rows.filter((r) => truth.get(r.account)?.role === "developer").length);
    expect(rows.some((r) => truth.get(r.account)?.role === "student")).toBe(true);
  });
});

describe("the labs scenario", () => {
  it("runs research groups nobody vetted: benchmark items re-sent greedily in a published template, from campus, beside the careful ring", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hs-sim-labs-"));
    await simulate({ scenario: "labs", scale: 0.5, days: 30, seed: 2, outDir: dir });
    const { truth } = load(dir);
    const sent = new Map<string, number>();
    let labRequests = 0;
    let greedy = 0;
    for (const line of gunzipSync(readFileSync(join(dir, "exchanges.jsonl.gz"))).toString("utf8").split("\n")) {
      if (!line) continue;
      const v = parseExchangeLine(line);
      if (!v.ok) throw new Error(v.reason);
      const e = v.exchange;
      if (truth.get(e.account)?.role !== "lab") continue;
      labRequests++;
      // No lab is in a vetted programme.
      expect(e.accountMeta.program).toBeUndefined();
      if (e.params.temperature === 0 && e.assistantTurns.length === 0) {
        greedy++;
        const key = `${e.account}\u0000${e.userTurns[e.userTurns.length - 1] ?? ""}`;
        sent.set(key, (sent.get(key) ?? 0) + 1);
      }
    }
    expect(labRequests).toBeGreaterThan(2_000);
    // Most of a lab's traffic is its benchmark sent greedily, and items come back run after run.
    expect(greedy / labRequests).toBeGreaterThan(0.5);
    expect([...sent.values()].filter((n) => n >= 2).length).toBeGreaterThan(100);
    expect([...truth.values()].filter((t) => t.role === "surgical").length).toBeGreaterThanOrEqual(12);
  });
});

describe("scenario scaling", () => {
  it("keeps campaign proportions of the published case at small scale", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hs-sim-"));
    const r = await simulate({ scenario: "anthropic-2026", scale: 0.002, days: 60, seed: 3, outDir: dir });
    const attackers = ["broad", "agentic", "surgical", "reseller"].map((k) => r.byRole[k]?.exchanges ?? 0);
    const [broad, agentic, surgical] = attackers as [number, number, number];
    // Published: broad 13M ≫ agentic 3.4M ≫ surgical 150K.
    expect(broad).toBeGreaterThan(2 * agentic);
    expect(agentic).toBeGreaterThan(3 * surgical);
    expect(r.byRole.surgical?.accounts ?? 0).toBeGreaterThanOrEqual(10);
  });

  it("rejects unknown scenarios and bad scales with a clear error", async () => {
    await expect(simulate({ scenario: "nope", outDir: tmpdir() })).rejects.toMatchObject({ code: "SCENARIO_UNKNOWN" });
    await expect(simulate({ scenario: "smoke", scale: -1, outDir: tmpdir() })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });
});
