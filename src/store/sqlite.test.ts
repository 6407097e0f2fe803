import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { SqliteStore } from "./sqlite.js";
import { storeContract } from "./testing/contract.js";

storeContract("sqlite (in memory)", async () => new SqliteStore(":memory:"));

const dirs: string[] = [];
storeContract(
  "sqlite (file, WAL)",
  async () => {
    const dir = mkdtempSync(join(tmpdir(), "hs-store-"));
    dirs.push(dir);
    return new SqliteStore(join(dir, "db.sqlite"));
  },
  async (s) => {
    await s.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  },
);

it("refuses to rewrite audit history", async () => {
  const store = new SqliteStore(":memory:");
  await store.appendAudit({ ts: 1, actor: "x", kind: "decision", subject: "a", action: "ban", reasons: [] });
  const db = (store as unknown as { db: { prepare(s: string): { run(): unknown } } }).db;
  expect(() => db.prepare("DELETE FROM audit").run()).toThrow(/append-only/);
  expect(() => db.prepare("UPDATE audit SET ts = 2").run()).toThrow(/append-only/);
  await store.close();
});
