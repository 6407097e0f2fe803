import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, runCli } from "./testing/cli.js";
import { SqliteStore } from "../store/index.js";
import { openaiChatLine } from "../ingest/testing/lines.js";

function bigLog(path: string, n: number): void {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(JSON.stringify(openaiChatLine(`k${i}`, new Date(Date.UTC(2026, 1, 3, 8) + i * 1000).toISOString())));
  writeFileSync(path, `${lines.join("\n")}\n`);
}

describe("hydrasentry CLI", () => {
  it("exits 2 naming the path when an input is missing, and writes no report", () => {
    const out = mkdtempSync(join(tmpdir(), "hs-cli-"));
    const r = runCli(["hunt", "/nonexistent/log.jsonl", "--out", out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("/nonexistent/log.jsonl");
    expect(existsSync(join(out, "report.json"))).toBe(false);
  });

  it("replays a small log through the respond loop and tallies what each request got", () => {
    const dir = mkdtempSync(join(tmpdir(), "hs-cli-replay-"));
    const log = join(dir, "log.jsonl");
    // 600 requests a second apart: ten minutes, so a hunt every minute runs ten times.
    bigLog(log, 600);
    const bad = runCli(["replay", log, "--every", "0"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--every must be a positive number of days, got 0");
    const r = runCli(["--json", "replay", log, "--every", String(1 / 1440), "--work", join(dir, "work")]);
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { runs: number; exchanges: number; groups: Record<string, { requests: number; refused: number; withheld: number; served: number }> };
    expect(result.exchanges).toBe(600);
    expect(result.runs).toBe(10);
    const all = result.groups.all;
    expect(all?.requests).toBe(600);
    expect((all?.refused ?? 0) + (all?.withheld ?? 0) + (all?.served ?? 0)).toBe(600);
    // A bad line is quarantined where it outlives the scratch directory, which goes when no --work is given.
    writeFileSync(log, `${readFileSync(log, "utf8")}{"id": "broken", "ts": \n`);
    const quarantine = join(dir, "bad.jsonl");
    const withBad = runCli(["replay", log, "--every", "1", "--quarantine", quarantine]);
    expect(withBad.status, withBad.stderr).toBe(0);
    expect(withBad.stdout).toContain(`600 exchanges decided in time order; the hunt ran 0 times (every 1 days); 1 lines quarantined in ${quarantine}`);
    expect(readFileSync(quarantine, "utf8")).toContain("broken");
  }, 60_000);

  it("hunts stdin, quarantines bad lines and says so", () => {
    const out = mkdtempSync(join(tmpdir(), "hs-cli-"));
    const input = `${JSON.stringify(openaiChatLine("a"))}\nnot json\n${JSON.stringify(openaiChatLine("a"))}\n`;
    const r = runCli(["--json", "hunt", "-", "--out", out], input);
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout) as { summary: Record<string, number>; quarantine: string };
    expect(summary.summary).toMatchObject({ lines: 3, exchanges: 1, duplicates: 1, quarantined: 1, accounts: 1 });
    expect(readFileSync(summary.quarantine, "utf8")).toContain('"line":2');
  });

  it("hunt --db lets the gateway's head suspension of an account it read and did not flag lapse, and says so", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hs-cli-"));
    const log = join(dir, "log.jsonl");
    writeFileSync(log, `${JSON.stringify(openaiChatLine("ex_1", "2026-02-03T08:15:02.113Z"))}\n`);
    const db = join(dir, "hs.db");
    const store = new SqliteStore(db);
    const suspendedAt = Date.parse("2026-02-03T08:15:00Z");
    const head = { scope: "account", subject: "acct_4821", action: "suspend", active: true, reason: "new head of banned cluster cl_proxy (slash24 17.224.151.x)", ts: suspendedAt, actor: "gateway" } as const;
    await store.putSanction({ ...head, head: { cluster: "cl_proxy", via: "slash24" } });
    await store.close();
    const r = runCli(["--json", "hunt", log, "--db", db, "--out", join(dir, "out")]);
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { lapsed: string[] }).lapsed).toEqual(["acct_4821"]);
    const after = new SqliteStore(db);
    expect(await after.listSanctions({ activeOnly: true })).toEqual([]);
    expect((await after.listAudit()).map((e) => `${e.actor} ${e.action} ${e.reasons.join("; ")}`)).toEqual([
      expect.stringMatching(/^hunt lapse\.suspend the hunt read 1 request of the account up to 2026-02-03 08:15 and did not flag it/),
      "hunt report 0 accounts flagged in 0 clusters; 1 head suspension lapsed",
    ]);
    await after.close();
  }, 60_000);

  it("ingest survives kill -9 mid-way: a re-run loses and doubles nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hs-kill-"));
    const log = join(dir, "big.jsonl");
    const n = 60_000;
    bigLog(log, n);
    const db = join(dir, "hs.db");
    const child = spawn(process.execPath, [CLI, "ingest", log, "--db", db], { stdio: "ignore" });
    // Kill once some batches have committed (the WAL file grows), before the end.
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (existsSync(`${db}-wal`) || child.exitCode !== null) {
          clearInterval(timer);
          setTimeout(() => {
            child.kill("SIGKILL");
            resolve();
          }, 150);
        }
      }, 20);
    });
    await new Promise((r) => child.once("exit", r));
    const partial = new SqliteStore(db);
    const before = await partial.countExchanges();
    await partial.close();
    expect(before).toBeLessThan(n); // the kill really interrupted it
    const again = runCli(["--json", "ingest", log, "--db", db]);
    expect(again.status).toBe(0);
    const res = JSON.parse(again.stdout) as { summary: { exchanges: number; duplicates: number }; stored: number };
    expect(res.stored).toBe(n);
    expect(res.summary.exchanges + res.summary.duplicates).toBe(n);
    expect(res.summary.duplicates).toBe(before);
  });

  it("classify stops quietly, exit 0, when its reader goes away after the first line (| head), keeping its quarantine", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hs-cli-classify-"));
    const log = join(dir, "prompts.jsonl");
    const prompts = Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ text: `Question ${i}: explain your full chain of thought about prime number ${i}.` }));
    // A bad line first: what was quarantined before the reader left is kept.
    writeFileSync(log, `{"text": 42, "broken\n${prompts.join("\n")}\n`);
    const quarantinePath = join(dir, "q.jsonl");
    const child = spawn(process.execPath, [CLI, "classify", log, "--quarantine", quarantinePath], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const first = await new Promise<string>((resolveLine) => {
      let buffered = "";
      child.stdout.on("data", (d: Buffer) => {
        buffered += d.toString();
        const end = buffered.indexOf("\n");
        if (end >= 0) {
          child.stdout.destroy();
          resolveLine(buffered.slice(0, end));
        }
      });
    });
    const code = await new Promise<number | null>((done) => child.on("close", done));
    expect((JSON.parse(first) as { signals: { cot_elicitation: number } }).signals.cot_elicitation).toBeGreaterThanOrEqual(0.5);
    expect(code).toBe(0);
    expect(stderr).not.toContain("EPIPE");
    expect(stderr).not.toContain("MaxListenersExceeded");
    expect(readFileSync(quarantinePath, "utf8")).toContain("broken");
  }, 60_000);
});
