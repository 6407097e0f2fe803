import { randomBytes } from "node:crypto";
import pg from "pg";
import { expect, it } from "vitest";
import { TEST_PG_URL as PG_URL } from "../testing/services.js";
import { PostgresStore } from "./postgres.js";
import { storeContract } from "./testing/contract.js";

// Each test gets its own schema.

const newSchema = (): string => `hs_test_${randomBytes(6).toString("hex")}`;
/** The store's own connection pool, for statements the Store interface does not offer. */
const poolOf = (store: PostgresStore): { query(s: string): Promise<{ rows: Array<Record<string, unknown>> }> } =>
  (store as unknown as { pool: { query(s: string): Promise<{ rows: Array<Record<string, unknown>> }> } }).pool;

storeContract(
  "postgres",
  async () => PostgresStore.open({ connectionString: PG_URL, schema: newSchema() }),
  async (s) => {
    await (s as PostgresStore).dropSchema();
    await s.close();
  },
);

it("refuses to rewrite audit history", async () => {
  const schema = newSchema();
  const store = await PostgresStore.open({ connectionString: PG_URL, schema });
  try {
    await store.appendAudit({ ts: 1, actor: "x", kind: "decision", subject: "a", action: "ban", reasons: [] });
    await expect(poolOf(store).query(`DELETE FROM ${schema}.audit`)).rejects.toThrow(/append-only/);
  } finally {
    await store.dropSchema();
    await store.close();
  }
});

it("rejects an unsafe schema name", async () => {
  await expect(PostgresStore.open({ connectionString: PG_URL, schema: "x; DROP TABLE y" })).rejects.toThrow(/invalid PostgreSQL schema/);
});

it("opens from several replicas at once on a new schema", async () => {
  const schema = newSchema();
  // Separate pools, as separate processes have: before the schema lock, 3 of 4 failed on a duplicate schema name.
  const opened = await Promise.allSettled(Array.from({ length: 4 }, () => PostgresStore.open({ connectionString: PG_URL, schema })));
  const stores = opened.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  try {
    expect(opened.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    await (stores[0] as PostgresStore).appendAudit({ ts: 1, actor: "x", kind: "decision", subject: "a", action: "ban", reasons: [] });
    expect(await (stores[3] as PostgresStore).listAudit({})).toHaveLength(1);
  } finally {
    await stores[0]?.dropSchema();
    for (const s of stores) await s.close();
  }
});

it("brings a store made before audit keys up to date on open, and then opens it without DDL", async () => {
  const schema = newSchema();
  const old = await PostgresStore.open({ connectionString: PG_URL, schema });
  try {
    // What an earlier release left: no key column, no schema mark.
    await poolOf(old).query(`DROP INDEX ${schema}.audit_key; ALTER TABLE ${schema}.audit DROP COLUMN key; COMMENT ON SCHEMA ${schema} IS NULL`);
    const reopened = await PostgresStore.open({ connectionString: PG_URL, schema });
    await reopened.appendAudits([
      { ts: 1, actor: "x", kind: "decision", subject: "a", action: "ban", reasons: [], key: "decision:1" },
      { ts: 1, actor: "x", kind: "decision", subject: "a", action: "ban", reasons: [], key: "decision:1" },
    ]);
    expect(await reopened.listAudit({})).toHaveLength(1);
    await reopened.close();
    // Marked now: an open while another session holds the audit table's strongest lock still goes through.
    const blocker = new pg.Client({ connectionString: PG_URL });
    await blocker.connect();
    try {
      await blocker.query(`BEGIN; LOCK TABLE ${schema}.audit IN ACCESS EXCLUSIVE MODE`);
      const again = await PostgresStore.open({ connectionString: PG_URL, schema, statementTimeoutMs: 2000 });
      await again.close();
    } finally {
      await blocker.query("ROLLBACK");
      await blocker.end();
    }
  } finally {
    await old.dropSchema();
    await old.close();
  }
});
