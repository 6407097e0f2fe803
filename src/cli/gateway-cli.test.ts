import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, runCli } from "./testing/cli.js";
import { startUpstreamStub } from "../gateway/upstream-stub.js";
import { schemaFor, sampleCluster, stixValidator } from "../intel/testing/fixtures.js";
import { contestRecord } from "../intel/watchlist.js";
import { buildReportJson } from "../report/index.js";
import { openStore } from "../store/index.js";

describe("hydrasentry gateway and intel commands", () => {
  it("serve answers /healthz with the policy in force, captures what it proxies, and stops cleanly on SIGTERM", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hs-serve-"));
    const upstream = await startUpstreamStub();
    const args = ["--json", "serve", "--port", "0", "--db", join(dir, "db.sqlite"), "--upstream", upstream.url, "--capture", join(dir, "capture")];
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    const port = await new Promise<number>((resolve, reject) => {
      let buf = "";
      child.stdout.on("data", (d: Buffer) => {
        buf += d.toString();
        const m = /"port":(\d+)/.exec(buf);
        if (m) resolve(Number(m[1]));
      });
      child.once("exit", (code) => reject(new Error(`serve exited ${code}`)));
    });
    const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: "ok", policy_version: "default-4", state: "memory", store: "sqlite" });
    const body = { model: "stub", messages: [{ role: "user", content: "What is 17 times 23?" }] };
    const served = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", "x-hydra-account": "acct_cli" }, body: JSON.stringify(body) });
    expect(served.status).toBe(200);
    await served.text();
    child.kill("SIGTERM");
    expect(await new Promise((r) => child.once("exit", r))).toBe(0);
    await upstream.close();
    const [file, ...more] = readdirSync(join(dir, "capture"));
    expect(more).toEqual([]);
    const lines = readFileSync(join(dir, "capture", file as string), "utf8").trim().split("\n");
    expect(lines.map((l) => JSON.parse(l) as { account: string; request: unknown })).toMatchObject([{ account: "acct_cli", request: body }]);
  }, 60_000);

  it("rejects a policy file with a clear list of problems", () => {
    const dir = mkdtempSync(join(tmpdir(), "hs-serve-"));
    writeFileSync(join(dir, "p.yaml"), "version: x\nrules: [{ name: a, when: { cot_gte: 1 }, then: [nuke] }]\n");
    const r = runCli(["serve", "--port", "0", "--policy", join(dir, "p.yaml"), "--db", join(dir, "db.sqlite")]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("rules[0].when: unknown key(s) cot_gte");
    expect(r.stderr).toContain("POLICY_INVALID");
  });

  it("keygen, export and publish a report's clusters, allowlist an account, and export the audit", () => {
    const dir = mkdtempSync(join(tmpdir(), "hs-intel-cli-"));
    const keys = JSON.parse(runCli(["--json", "intel", "keygen", "--out", join(dir, "keys"), "--name", "Provider A", "--consortium"]).stdout) as { identity: string };
    writeFileSync(
      join(dir, "intel.yaml"),
      `identity: { id: ${keys.identity}, name: Provider A }
signing_key_file: keys/signing.pem
key_id: a-1
consortium_keys: [{ id: k1, secret_file: keys/consortium.key }]
collection: { id: 0c1d2e3f-1111-4222-8333-444455556666, title: hydra indicators }
`,
    );
    const report = buildReportJson({ totals: { lines: 1, exchanges: 1, duplicates: 0, quarantined: 0, bytes: 1 }, late: 0, files: [], accounts: [], clusters: [sampleCluster()], firstTs: 0, lastTs: 1 });
    writeFileSync(join(dir, "report.json"), JSON.stringify(report));
    const exported = runCli(["intel", "export", "--config", join(dir, "intel.yaml"), "--report", join(dir, "report.json"), "--out", join(dir, "bundle.json")]);
    expect(exported.status, exported.stderr).toBe(0);
    const bundle = JSON.parse(readFileSync(join(dir, "bundle.json"), "utf8")) as { objects: Array<{ type: string }> };
    const validator = stixValidator();
    expect(validator.validate("common/bundle", bundle)).toBeNull();
    for (const o of bundle.objects) expect(validator.validate(schemaFor(o.type), o)).toBeNull();
    const db = join(dir, "db.sqlite");
    const published = runCli(["--json", "intel", "publish", "--config", join(dir, "intel.yaml"), "--report", join(dir, "report.json"), "--db", db]);
    expect(JSON.parse(published.stdout).published).toBeGreaterThan(bundle.objects.length);
    expect(runCli(["allowlist", "add", "acct_vetted", "--reason", "university lab", "--db", db]).status).toBe(0);
    expect(runCli(["appeals", "list", "--db", db]).stdout).toContain("no open appeals");
    const audit = runCli(["audit", "--db", db]).stdout.trim().split("\n").map((l) => JSON.parse(l) as { kind: string });
    expect(audit.filter((e) => e.kind === "intel.shared").length).toBe(JSON.parse(published.stdout).published);
    expect(audit.at(-1)).toMatchObject({ kind: "allowlist", subject: "acct_vetted", action: "allowlist.add" });
  }, 60_000);

  it("lists contested indicators and lifts one, audited", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hs-contest-cli-"));
    const db = join(dir, "db.sqlite");
    const indicator = "indicator--5d1c2f9a-8b7e-4c3d-9a1b-2c3d4e5f6a7b";
    const store = await openStore(db);
    await store.putIntel(contestRecord({ indicator, creator: "identity--a", label: "tls_fp", accounts: ["acct_lab1", "acct_lab2", "acct_lab3"] }, Date.UTC(2026, 10, 22)), Date.UTC(2026, 10, 22));
    await store.close();
    expect(runCli(["intel", "contests", "list", "--db", db]).stdout).toMatch(new RegExp(`^${indicator}  2026-11-22T00:00:00.000Z  contested  from identity--a  3 vetted accounts matched it`));
    const noNote = runCli(["intel", "contests", "lift", indicator, "--db", db]);
    expect(noNote.status).toBe(2);
    expect(noNote.stderr).toContain("--note");
    const lift = runCli(["--json", "intel", "contests", "lift", indicator, "--note", "those lab accounts were resold", "--by", "dana", "--db", db]);
    expect(lift.status, lift.stderr).toBe(0);
    expect(JSON.parse(lift.stdout)).toMatchObject({ indicator, state: "lifted", by: "dana" });
    expect(runCli(["intel", "contests", "list", "--db", db]).stdout.trim()).toBe("no contested indicators");
    expect(runCli(["intel", "contests", "list", "--state", "lifted", "--db", db]).stdout).toContain("lifted by dana: those lab accounts were resold");
    const again = runCli(["intel", "contests", "lift", indicator, "--note", "x", "--db", db]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain("already lifted by dana");
    const audit = runCli(["audit", "--db", db]).stdout.trim().split("\n").map((l) => JSON.parse(l) as { kind: string });
    expect(audit).toEqual([expect.objectContaining({ kind: "intel.contest_lifted", subject: indicator, actor: "dana" })]);
  }, 60_000);

  it("names the server it cannot reach and exits 5 (NATS, Redis)", () => {
    const nats = runCli(["serve", "--port", "0", "--db", ":memory:", "--nats", "nats://127.0.0.1:1"]);
    expect(nats.status).toBe(5);
    expect(nats.stderr).toContain("NATS at nats://127.0.0.1:1");
    expect(nats.stderr).toContain("[SERVICE_UNREACHABLE]");
    const redis = runCli(["serve", "--port", "0", "--db", ":memory:", "--redis", "redis://127.0.0.1:1"]);
    expect(redis.status).toBe(5);
    expect(redis.stderr).toContain("Redis at redis://127.0.0.1:1");
  }, 60_000);
});
