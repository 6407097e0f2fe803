import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import { PostgresStore } from "./postgres.js";
import { storeContract } from "./testing/contract.js";

/** Real PostgreSQL on loopback (started by .ci/run); each test gets its own schema. */
export const PG_URL = process.env.HYDRASENTRY_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test";

storeContract(
  "postgres",
  async () => PostgresStore.open({ connectionString: PG_URL, schema: `hs_test_${randomBytes(6).toString("hex")}` }),
  async (s) => {
    await (s as PostgresStore).dropSchema();
    await s.close();
  },
);

it("refuses to rewrite audit history", async () => {
  const store = await PostgresStore.open({ connectionString: PG_URL, schema: `hs_test_${randomBytes(6).toString("hex")}` });
  try {
    await store.appendAudit({ ts: 1, actor: "x", kind: "decision", subject: "a", action: "ban", reasons: [] });
    const pool = (store as unknown as { pool: { query(s: string): Promise<unknown> } }).pool;
    const schema = (store as unknown as { s: string }).s;
    await expect(pool.query(`DELETE FROM ${schema}.audit`)).rejects.toThrow(/append-only/);
  } finally {
    await store.dropSchema();
    await store.close();
  }
});

it("rejects an unsafe schema name", async () => {
  await expect(PostgresStore.open({ connectionString: PG_URL, schema: "x; DROP TABLE y" })).rejects.toThrow(/invalid PostgreSQL schema/);
});
