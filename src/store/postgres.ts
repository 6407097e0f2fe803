import { randomUUID } from "node:crypto";
import pg from "pg";
import type { AccountMeta, AccountVerdict, Appeal, AppealStatus, AuditEntry, ClusterVerdict, Exchange, IntelRecord, Sanction, StoredAuditEntry } from "../core/index.js";
import { mergeMeta, StoreError } from "../core/index.js";
import { decodeBody } from "./decode.js";
import { encodeBody, versionCursor, type IntelQuery, type Store, type Versioned } from "./store.js";

const SCHEMA = (s: string): string => `
CREATE SCHEMA IF NOT EXISTS ${s};
CREATE TABLE IF NOT EXISTS ${s}.exchanges (id TEXT PRIMARY KEY, ts BIGINT NOT NULL, account TEXT NOT NULL, fmt TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS exchanges_ts ON ${s}.exchanges (ts, id);
CREATE TABLE IF NOT EXISTS ${s}.account_meta (account TEXT PRIMARY KEY, meta JSONB NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.account_verdicts (account TEXT PRIMARY KEY, flagged BOOLEAN NOT NULL, body JSONB NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.clusters (id TEXT PRIMARY KEY, body JSONB NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.audit (seq BIGSERIAL PRIMARY KEY, ts BIGINT NOT NULL, body JSONB NOT NULL);
ALTER TABLE ${s}.audit ADD COLUMN IF NOT EXISTS key TEXT;
CREATE UNIQUE INDEX IF NOT EXISTS audit_key ON ${s}.audit (key) WHERE key IS NOT NULL;
CREATE TABLE IF NOT EXISTS ${s}.intel (id TEXT NOT NULL, modified TEXT NOT NULL, type TEXT NOT NULL, added_at BIGINT NOT NULL,
  source TEXT NOT NULL, body JSONB NOT NULL, PRIMARY KEY (id, modified));
CREATE INDEX IF NOT EXISTS intel_added ON ${s}.intel (added_at);
CREATE TABLE IF NOT EXISTS ${s}.cursors (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.sanctions (scope TEXT NOT NULL, subject TEXT NOT NULL, action TEXT NOT NULL, active BOOLEAN NOT NULL, body JSONB NOT NULL,
  PRIMARY KEY (scope, subject, action));
CREATE TABLE IF NOT EXISTS ${s}.appeals (id TEXT PRIMARY KEY, ts BIGINT NOT NULL, status TEXT NOT NULL, body JSONB NOT NULL);
CREATE OR REPLACE FUNCTION ${s}.audit_append_only() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN RAISE EXCEPTION 'audit is append-only'; END $$;
DROP TRIGGER IF EXISTS audit_append_only ON ${s}.audit;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON ${s}.audit FOR EACH ROW EXECUTE FUNCTION ${s}.audit_append_only();
`;

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Marks a schema that SCHEMA has fully built, as the schema's comment; change it whenever SCHEMA
 * changes. An open that finds it reads one catalogue row and runs no DDL: the DDL takes exclusive
 * locks (the audit table's column and trigger), which every replica's start would otherwise take.
 */
const SCHEMA_MARK = "hydrasentry store schema 2";

export interface PostgresOptions {
  connectionString: string;
  /** Schema holding the tables; lets tests and tenants share one database. */
  schema?: string;
  statementTimeoutMs?: number;
}

const schemaMarked = async (db: pg.Pool | pg.PoolClient, schema: string): Promise<boolean> => {
  const res = await db.query<{ mark: string | null }>("SELECT obj_description(to_regnamespace($1)::oid, 'pg_namespace') AS mark", [schema]);
  return res.rows[0]?.mark === SCHEMA_MARK;
};

/**
 * Builds or brings up to date `schema`, once across processes. Replicas starting together against a
 * new database each ran the DDL at once, and PostgreSQL's IF NOT EXISTS does not hold under
 * concurrency (3 of 4 simultaneous opens failed on a duplicate schema name), so the builder holds a
 * transaction-scoped advisory lock keyed on the schema and looks again once it has it.
 */
async function ensureSchema(pool: pg.Pool, schema: string): Promise<void> {
  if (await schemaMarked(pool, schema)) return;
  await inTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [`hydrasentry schema ${schema}`]);
    if (!(await schemaMarked(client, schema))) await client.query(`${SCHEMA(schema)}\nCOMMENT ON SCHEMA ${schema} IS '${SCHEMA_MARK}';`);
  });
}

/** Runs `work` in one transaction on one connection; any failure rolls it all back and is rethrown. */
async function inTransaction(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await work(client);
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Rows per statement in bulk writes. Each array parameter of a statement travels as one text, which
 * for a hunt of millions of accounts (~400 bytes of verdict each) would pass V8's string limit
 * (~512 MB) and PostgreSQL's 1 GB one in a single statement.
 */
const ROWS_PER_STATEMENT = 5_000;

function* chunksOf<T>(rows: readonly T[]): Generator<readonly T[]> {
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) yield rows.slice(i, i + ROWS_PER_STATEMENT);
}

/** Multi-node backend. Same semantics as SqliteStore, proven by the shared contract suite. */
export class PostgresStore implements Store {
  readonly backend = "postgres";
  private readonly pool: pg.Pool;
  private readonly s: string;

  private constructor(pool: pg.Pool, schema: string) {
    this.pool = pool;
    this.s = schema;
  }

  static async open(opts: PostgresOptions): Promise<PostgresStore> {
    const schema = opts.schema ?? "hydrasentry";
    if (!SCHEMA_NAME.test(schema)) throw new StoreError(`invalid PostgreSQL schema name ${JSON.stringify(schema)}`, { schema });
    const pool = new pg.Pool({
      connectionString: opts.connectionString,
      max: 8,
      connectionTimeoutMillis: 5000,
      statement_timeout: opts.statementTimeoutMs ?? 30_000,
      query_timeout: (opts.statementTimeoutMs ?? 30_000) + 5000,
    });
    pool.on("error", () => undefined); // idle-client errors surface on the next query instead of crashing the process
    const store = new PostgresStore(pool, schema);
    try {
      await ensureSchema(pool, schema);
    } catch (err) {
      await pool.end();
      throw new StoreError(`cannot open PostgreSQL store: ${(err as Error).message}`, { schema }, err);
    }
    return store;
  }

  private async q<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(sql, params);
    } catch (err) {
      throw new StoreError(`PostgreSQL query failed: ${(err as Error).message}`, { sql: sql.slice(0, 120) }, err);
    }
  }

  async putExchanges(batch: readonly Exchange[], lines?: readonly string[]): Promise<number> {
    if (batch.length === 0) return 0;
    const bodies = batch.map((e, i) => encodeBody(e, lines?.[i]));
    const res = await this.q(
      `INSERT INTO ${this.s}.exchanges (id, ts, account, fmt, body)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[]) ON CONFLICT (id) DO NOTHING`,
      [batch.map((e) => e.id), batch.map((e) => e.ts), batch.map((e) => e.account), bodies.map((b) => b.fmt), bodies.map((b) => b.body)],
    );
    return res.rowCount ?? 0;
  }

  async countExchanges(): Promise<number> {
    const res = await this.q<{ n: string }>(`SELECT count(*) AS n FROM ${this.s}.exchanges`);
    return Number(res.rows[0]?.n ?? 0);
  }

  async *exchangesInTimeOrder(pageSize = 5000): AsyncGenerator<Exchange[]> {
    let last: { ts: string; id: string } | null = null;
    for (;;) {
      const res: pg.QueryResult<{ id: string; ts: string; fmt: string; body: string }> = last
        ? await this.q(`SELECT id, ts, fmt, body FROM ${this.s}.exchanges WHERE (ts, id) > ($1, $2) ORDER BY ts, id COLLATE "C" LIMIT $3`, [
            last.ts,
            last.id,
            pageSize,
          ])
        : await this.q(`SELECT id, ts, fmt, body FROM ${this.s}.exchanges ORDER BY ts, id COLLATE "C" LIMIT $1`, [pageSize]);
      if (res.rows.length === 0) return;
      yield res.rows.map((r) => decodeBody(r.fmt, r.body));
      const tail = res.rows[res.rows.length - 1] as { id: string; ts: string };
      last = { ts: tail.ts, id: tail.id };
    }
  }

  async #transaction(name: string, work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    try {
      await inTransaction(this.pool, work);
    } catch (err) {
      throw new StoreError(`PostgreSQL ${name} failed: ${(err as Error).message}`, {}, err);
    }
  }

  /**
   * mergeMeta in SQL: the stored facts `||` the new non-empty ones (later wins), set-based, and in
   * account order. Ingest keeps two batches in flight, and row by row in arrival order their
   * transactions locked shared accounts in opposite orders: the bench log's first 300,000 exchanges
   * ended in "deadlock detected" (and a round trip or two per account besides).
   */
  async putAccountMeta(rows: ReadonlyArray<{ account: string; meta: AccountMeta }>): Promise<void> {
    const merged = new Map<string, AccountMeta>();
    for (const { account, meta } of rows) merged.set(account, mergeMeta(merged.get(account) ?? null, meta));
    const accounts = [...merged.keys()].sort();
    await this.#transaction("putAccountMeta", async (client) => {
      for (const chunk of chunksOf(accounts)) {
        await client.query(
          `INSERT INTO ${this.s}.account_meta (account, meta) SELECT * FROM unnest($1::text[], $2::jsonb[])
           ON CONFLICT (account) DO UPDATE SET meta = ${this.s}.account_meta.meta || EXCLUDED.meta`,
          [chunk, chunk.map((a) => JSON.stringify(merged.get(a)))],
        );
      }
    });
  }

  async getAccountMeta(account: string): Promise<AccountMeta | null> {
    const res = await this.q<{ meta: AccountMeta }>(`SELECT meta FROM ${this.s}.account_meta WHERE account = $1`, [account]);
    return res.rows[0]?.meta ?? null;
  }

  async putAccountVerdicts(rows: readonly AccountVerdict[]): Promise<void> {
    if (rows.length === 0) return;
    await this.#transaction("putAccountVerdicts", async (client) => {
      for (const chunk of chunksOf(rows)) {
        await client.query(
          `INSERT INTO ${this.s}.account_verdicts (account, flagged, body)
           SELECT * FROM unnest($1::text[], $2::boolean[], $3::jsonb[])
           ON CONFLICT (account) DO UPDATE SET flagged = EXCLUDED.flagged, body = EXCLUDED.body`,
          [chunk.map((r) => r.account), chunk.map((r) => r.flagged), chunk.map((r) => JSON.stringify(r))],
        );
      }
      await this.#newVersion(client, "results");
    });
  }

  async getAccountVerdict(account: string): Promise<AccountVerdict | null> {
    const res = await this.q<{ body: AccountVerdict }>(`SELECT body FROM ${this.s}.account_verdicts WHERE account = $1`, [account]);
    return res.rows[0]?.body ?? null;
  }

  async listAccountVerdicts(opts: { flaggedOnly?: boolean } = {}): Promise<AccountVerdict[]> {
    const where = opts.flaggedOnly ? "WHERE flagged" : "";
    const res = await this.q<{ body: AccountVerdict }>(`SELECT body FROM ${this.s}.account_verdicts ${where} ORDER BY account COLLATE "C"`);
    return res.rows.map((r) => r.body);
  }

  async replaceClusters(rows: readonly ClusterVerdict[]): Promise<void> {
    await this.#transaction("replaceClusters", async (client) => {
      await client.query(`DELETE FROM ${this.s}.clusters`);
      for (const chunk of chunksOf(rows)) {
        await client.query(`INSERT INTO ${this.s}.clusters (id, body) SELECT * FROM unnest($1::text[], $2::jsonb[])`, [
          chunk.map((r) => r.id),
          chunk.map((r) => JSON.stringify(r)),
        ]);
      }
      await this.#newVersion(client, "results");
    });
  }

  /** Inside the transaction writing `what`: see Store.version. */
  async #newVersion(client: pg.PoolClient, what: Versioned): Promise<void> {
    await client.query(this.#putCursorSql, [versionCursor(what), randomUUID()]);
  }

  /** Sets cursor $1 to $2: setCursor's statement, and the versions' inside their writes' transactions. */
  get #putCursorSql(): string {
    return `INSERT INTO ${this.s}.cursors (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`;
  }

  async version(what: Versioned): Promise<string | null> {
    return this.getCursor(versionCursor(what));
  }

  async listClusters(): Promise<ClusterVerdict[]> {
    const res = await this.q<{ body: ClusterVerdict }>(`SELECT body FROM ${this.s}.clusters ORDER BY id COLLATE "C"`);
    return res.rows.map((r) => r.body);
  }

  async appendAudit(entry: AuditEntry): Promise<number> {
    const res = await this.q<{ seq: string }>(`INSERT INTO ${this.s}.audit (ts, body, key) VALUES ($1, $2, $3) ON CONFLICT (key) WHERE key IS NOT NULL DO NOTHING RETURNING seq`, [
      entry.ts,
      JSON.stringify(entry),
      entry.key ?? null,
    ]);
    const added = res.rows[0];
    if (added) return Number(added.seq);
    // The key was already stored (see AuditEntry.key): the entry is the one held.
    const held = await this.q<{ seq: string }>(`SELECT seq FROM ${this.s}.audit WHERE key = $1`, [entry.key]);
    return Number(held.rows[0]?.seq);
  }

  async appendAudits(entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    // One statement: its rows are one transaction, and sequence numbers follow the array order.
    // Entries whose key is already stored are skipped (see AuditEntry.key).
    await this.q(
      `INSERT INTO ${this.s}.audit (ts, body, key)
       SELECT t, b, k FROM unnest($1::bigint[], $2::jsonb[], $3::text[]) WITH ORDINALITY AS u(t, b, k, i) ORDER BY i
       ON CONFLICT (key) WHERE key IS NOT NULL DO NOTHING`,
      [entries.map((e) => e.ts), entries.map((e) => JSON.stringify(e)), entries.map((e) => e.key ?? null)],
    );
  }

  async listAudit(opts: { afterSeq?: number; limit?: number } = {}): Promise<StoredAuditEntry[]> {
    const res = await this.q<{ seq: string; body: AuditEntry }>(
      `SELECT seq, body FROM ${this.s}.audit WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [opts.afterSeq ?? 0, opts.limit ?? 1000],
    );
    return res.rows.map((r) => ({ ...r.body, seq: Number(r.seq) }));
  }

  async putIntel(record: Omit<IntelRecord, "addedAt">, addedAt = Date.now()): Promise<boolean> {
    const res = await this.q(
      `INSERT INTO ${this.s}.intel (id, modified, type, added_at, source, body) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id, modified) DO NOTHING`,
      [record.id, record.modified, record.type, addedAt, record.source, JSON.stringify(record.object)],
    );
    return (res.rowCount ?? 0) > 0;
  }

  async listIntel(query: IntelQuery = {}): Promise<IntelRecord[]> {
    const where = ["added_at > $1"];
    const params: unknown[] = [query.addedAfter ?? -1];
    if (query.types?.length) {
      params.push(query.types);
      where.push(`type = ANY($${params.length})`);
    }
    if (query.ids?.length) {
      params.push(query.ids);
      where.push(`id = ANY($${params.length})`);
    }
    if (query.sources?.length) {
      params.push(query.sources);
      where.push(`source = ANY($${params.length})`);
    }
    params.push(query.limit ?? 1000);
    const res = await this.q<{ id: string; modified: string; type: string; added_at: string; source: string; body: Record<string, unknown> }>(
      `SELECT id, modified, type, added_at, source, body FROM ${this.s}.intel WHERE ${where.join(" AND ")}
       ORDER BY added_at, id COLLATE "C", modified COLLATE "C" LIMIT $${params.length}`,
      params,
    );
    return res.rows.map((r) => ({ id: r.id, modified: r.modified, type: r.type, addedAt: Number(r.added_at), source: r.source, object: r.body }));
  }

  async putSanction(x: Sanction): Promise<void> {
    await this.#transaction("putSanction", async (client) => {
      await client.query(
        `INSERT INTO ${this.s}.sanctions (scope, subject, action, active, body) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (scope, subject, action) DO UPDATE SET active = EXCLUDED.active, body = EXCLUDED.body
         WHERE (EXCLUDED.body->>'ts')::double precision >= (${this.s}.sanctions.body->>'ts')::double precision`,
        [x.scope, x.subject, x.action, x.active, JSON.stringify(x)],
      );
      await this.#newVersion(client, "sanctions");
    });
  }

  async listSanctions(opts: { activeOnly?: boolean } = {}): Promise<Sanction[]> {
    const res = await this.q<{ body: Sanction }>(
      `SELECT body FROM ${this.s}.sanctions ${opts.activeOnly ? "WHERE active" : ""} ORDER BY scope COLLATE "C", subject COLLATE "C", action COLLATE "C"`,
    );
    return res.rows.map((r) => r.body);
  }

  async putAppeal(a: Appeal): Promise<void> {
    try {
      await this.q(`INSERT INTO ${this.s}.appeals (id, ts, status, body) VALUES ($1, $2, $3, $4)`, [a.id, a.ts, a.status, JSON.stringify(a)]);
    } catch (err) {
      throw new StoreError(`appeal ${a.id} already exists`, { id: a.id }, err);
    }
  }

  async getAppeal(id: string): Promise<Appeal | null> {
    const res = await this.q<{ body: Appeal }>(`SELECT body FROM ${this.s}.appeals WHERE id = $1`, [id]);
    return res.rows[0]?.body ?? null;
  }

  async listAppeals(opts: { status?: AppealStatus } = {}): Promise<Appeal[]> {
    const res = opts.status
      ? await this.q<{ body: Appeal }>(`SELECT body FROM ${this.s}.appeals WHERE status = $1 ORDER BY ts, id COLLATE "C"`, [opts.status])
      : await this.q<{ body: Appeal }>(`SELECT body FROM ${this.s}.appeals ORDER BY ts, id COLLATE "C"`);
    return res.rows.map((r) => r.body);
  }

  async resolveAppeal(id: string, r: { status: Exclude<AppealStatus, "open">; by: string; note: string; at: number }): Promise<boolean> {
    const patch = JSON.stringify({ status: r.status, resolvedAt: r.at, resolvedBy: r.by, resolution: r.note });
    // One statement: the status check and the update cannot interleave with a second resolver.
    const res = await this.q(
      `UPDATE ${this.s}.appeals SET status = $2, body = body || $3::jsonb WHERE id = $1 AND status = 'open'`,
      [id, r.status, patch],
    );
    return (res.rowCount ?? 0) > 0;
  }

  async getCursor(key: string): Promise<string | null> {
    const res = await this.q<{ value: string }>(`SELECT value FROM ${this.s}.cursors WHERE key = $1`, [key]);
    return res.rows[0]?.value ?? null;
  }

  async setCursor(key: string, value: string): Promise<void> {
    await this.q(this.#putCursorSql, [key, value]);
  }

  /** Drops the schema: for tests and tenant teardown only. */
  async dropSchema(): Promise<void> {
    await this.q(`DROP SCHEMA IF EXISTS ${this.s} CASCADE`);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
