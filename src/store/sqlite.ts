import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import type { AccountMeta, AccountVerdict, Appeal, AppealStatus, AuditEntry, ClusterVerdict, Exchange, IntelRecord, Sanction, StoredAuditEntry } from "../core/index.js";
import { StoreError } from "../core/index.js";
import { decodeBody } from "./decode.js";
import { batchWrites, type BatchWrites, type ExchangeRow } from "./sqlite-writes.js";
import { encodeBody, versionCursor, type IntelQuery, type Store, type Versioned, type WriteBacklog } from "./store.js";

const SCHEMA = `
-- A rowid table: rows carry the whole normalised exchange (~1 KB), too large for WITHOUT ROWID.
CREATE TABLE IF NOT EXISTS exchanges (id TEXT NOT NULL UNIQUE, ts INTEGER NOT NULL, account TEXT NOT NULL, fmt TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS exchanges_ts ON exchanges (ts, id);
CREATE TABLE IF NOT EXISTS account_meta (account TEXT PRIMARY KEY, meta TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS account_verdicts (account TEXT PRIMARY KEY, flagged INTEGER NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS clusters (id TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit (seq INTEGER PRIMARY KEY AUTOINCREMENT, ts INTEGER NOT NULL, body TEXT NOT NULL, key TEXT);
CREATE TABLE IF NOT EXISTS intel (id TEXT NOT NULL, modified TEXT NOT NULL, type TEXT NOT NULL, added_at INTEGER NOT NULL,
  source TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (id, modified));
CREATE INDEX IF NOT EXISTS intel_added ON intel (added_at);
CREATE TABLE IF NOT EXISTS cursors (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sanctions (scope TEXT NOT NULL, subject TEXT NOT NULL, action TEXT NOT NULL, active INTEGER NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY (scope, subject, action));
CREATE TABLE IF NOT EXISTS appeals (id TEXT PRIMARY KEY, ts INTEGER NOT NULL, status TEXT NOT NULL, body TEXT NOT NULL);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
`;

/** How often the background checkpointer runs, when there is one. */
const CHECKPOINT_INTERVAL_MS = 1000;
/** SQLite's own default for wal_autocheckpoint, restored if the background checkpointer dies. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;

/** One pass of the background checkpointer: the WAL's frames, how many are in the database file, the pass's number, and when it began. */
export interface WalCheckpoint {
  readonly walFrames: number;
  readonly checkpointedFrames: number;
  readonly seq: number;
  /** Epoch ms at the pass's start: the WAL it read is as of then, so commits after it are not counted in either figure. */
  readonly startedAt: number;
}

/**
 * Starts a helper thread on one of this folder's modules, with the same extension as this one: .js
 * when built; .ts when run from source (tests), where the thread needs tsx to load it. Without it
 * the thread died on start and the store fell back to working without it, so tests that meant to
 * exercise the threads had run without them unnoticed.
 */
function startThread(module: "sqlite-writer" | "sqlite-checkpointer", workerData: { path: string; intervalMs?: number }): Worker {
  if (!import.meta.url.endsWith(".ts")) return new Worker(new URL(`./${module}.js`, import.meta.url), { workerData });
  // A worker's --import of tsx does not reach its entry module on Node 20; registering first does.
  const tsx = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  const entry = JSON.stringify(new URL(`./${module}.ts`, import.meta.url).href);
  return new Worker(`import(${tsx}).then((tsx) => { tsx.register(); return import(${entry}); });`, { eval: true, workerData });
}

/** Asks a helper thread (writer, checkpointer) to close its connection, and waits until it has exited. */
async function closeThread(worker: Worker): Promise<void> {
  const exited = new Promise((r) => worker.once("exit", r));
  worker.postMessage({ close: true });
  await exited;
}

/** Embedded default backend: one SQLite file in WAL mode, safe against kill -9 at any point. */
export class SqliteStore implements Store {
  readonly backend = "sqlite";
  private readonly db: Database.Database;
  private readonly writes: BatchWrites;

  private writer: Worker | null = null;
  private checkpointer: Worker | null = null;
  #lastCheckpoint: WalCheckpoint | null = null;
  private writerSeq = 0;
  private readonly writerWaits = new Map<number, { resolve: (n: number) => void; reject: (e: Error) => void }>();

  /**
   * `writerThread`: exchange, account-fact and audit inserts run on a worker thread (own core), so
   * bulk ingest parses and writes in parallel and a gateway answers while its audit commits. Other
   * methods stay on this thread; WAL lets both connections work.
   */
  constructor(
    readonly path: string,
    opts: { writerThread?: boolean; checkpointInBackground?: boolean; checkpointIntervalMs?: number } = {},
  ) {
    try {
      if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
      this.db = new Database(path);
      // Before anything that takes a lock: another connection may be recovering the WAL of a crashed run.
      this.db.pragma("busy_timeout = 5000");
      this.db.pragma("journal_mode = WAL");
      // NORMAL in WAL loses at most the last transactions on power loss, never consistency; ingest is idempotent.
      this.db.pragma("synchronous = NORMAL");
      this.db.pragma("cache_size = -65536");
      this.db.exec(SCHEMA);
      // Audit keys came later (session 22): a store created before gets the column, then its index.
      // Checked again under the write lock: a `serve` and a `hunt --db` opening the same old store at
      // once would otherwise both add the column, and the second fail to open on "duplicate column".
      const hasKey = (): boolean => this.db.prepare("SELECT 1 FROM pragma_table_info('audit') WHERE name = 'key'").get() !== undefined;
      if (!hasKey()) this.db.transaction(() => {
          if (!hasKey()) this.db.exec("ALTER TABLE audit ADD COLUMN key TEXT");
        }).immediate();
      // Partial: only keyed entries are indexed, so the others cost no index page per commit.
      this.db.exec("CREATE UNIQUE INDEX IF NOT EXISTS audit_key ON audit (key) WHERE key IS NOT NULL");
    } catch (err) {
      throw new StoreError(`cannot open SQLite store at ${path}: ${(err as Error).message}`, { path }, err);
    }
    if (opts.writerThread && path !== ":memory:") this.startWriter();
    if (opts.checkpointInBackground && path !== ":memory:") this.startCheckpointer(opts.checkpointIntervalMs ?? CHECKPOINT_INTERVAL_MS);
    this.writes = batchWrites(this.db);
  }

  /** Statements by SQL text, prepared once: SQLite's prepare parses and plans the SQL, which cost more than many of these queries. */
  readonly #statements = new Map<string, Database.Statement>();

  private statement(sql: string): Database.Statement {
    let st = this.#statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.#statements.set(sql, st);
    }
    return st;
  }

  /**
   * Moves this connection's WAL checkpoints to a thread of their own (sqlite-checkpointer explains
   * why). Should that thread die, the connection checkpoints itself again, as SQLite does by default,
   * so the WAL never grows without bound.
   */
  private startCheckpointer(intervalMs: number): void {
    const worker = startThread("sqlite-checkpointer", { path: this.path, intervalMs });
    this.db.pragma("wal_autocheckpoint = 0");
    worker.on("error", () => {});
    worker.on("message", (m: Omit<WalCheckpoint, "seq">) => {
      this.#lastCheckpoint = { ...m, seq: (this.#lastCheckpoint?.seq ?? 0) + 1 };
    });
    worker.on("exit", () => {
      if (this.checkpointer !== worker) return;
      this.checkpointer = null;
      if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
    });
    worker.unref();
    this.checkpointer = worker;
  }

  /** The background checkpointer's latest pass (null before its first, or without one): how far the WAL is behind. */
  get lastCheckpoint(): WalCheckpoint | null {
    return this.#lastCheckpoint;
  }

  writeBacklog(): WriteBacklog {
    const last = this.#lastCheckpoint;
    return { queuedWrites: this.writerWaits.size, walFramesBehind: last ? last.walFrames - last.checkpointedFrames : null };
  }

  private startWriter(): void {
    const worker = startThread("sqlite-writer", { path: this.path });
    worker.on("message", (m: { seq: number; added?: number; error?: string }) => {
      const wait = this.writerWaits.get(m.seq);
      this.writerWaits.delete(m.seq);
      if (m.error !== undefined) wait?.reject(new StoreError(`SQLite writer failed: ${m.error}`, { path: this.path }));
      else wait?.resolve(m.added ?? 0);
    });
    let crash: Error | null = null;
    const failAll = (err: Error): void => {
      for (const w of this.writerWaits.values()) w.reject(new StoreError(`SQLite writer stopped: ${err.message}`, { path: this.path }, err));
      this.writerWaits.clear();
    };
    worker.on("error", (err) => {
      crash = err;
      failAll(err);
    });
    // A writer that exits with writes pending must fail them: a pending promise would let the
    // process end "successfully" with data unwritten. Writes queued after a crash name its cause.
    worker.on("exit", (code) => {
      if (this.writerWaits.size > 0) failAll(new Error(`writer thread exited (code ${code})${crash ? `: ${crash.message}` : ""}`));
      if (this.writer === worker) this.writer = null;
    });
    this.writer = worker;
  }

  async putExchanges(batch: readonly Exchange[], lines?: readonly string[]): Promise<number> {
    if (batch.length === 0) return 0;
    const rows = batch.map((ex, i): ExchangeRow => {
      const { fmt, body } = encodeBody(ex, lines?.[i]);
      return [ex.id, ex.ts, ex.account, fmt, body];
    });
    return this.writer ? this.toWriter(this.writer, { rows }) : this.writes.insertExchanges(rows);
  }

  private toWriter(writer: Worker, payload: Record<string, unknown>): Promise<number> {
    const seq = ++this.writerSeq;
    return new Promise<number>((resolve, reject) => {
      this.writerWaits.set(seq, { resolve, reject });
      writer.postMessage({ seq, ...payload });
    });
  }

  async countExchanges(): Promise<number> {
    return (this.statement("SELECT count(*) AS n FROM exchanges").get() as { n: number }).n;
  }

  async *exchangesInTimeOrder(pageSize = 5000): AsyncGenerator<Exchange[]> {
    type Row = { id: string; ts: number; fmt: string; body: string };
    const first = this.statement("SELECT id, ts, fmt, body FROM exchanges ORDER BY ts, id LIMIT ?");
    const next = this.statement("SELECT id, ts, fmt, body FROM exchanges WHERE (ts, id) > (?, ?) ORDER BY ts, id LIMIT ?");
    let rows = first.all(pageSize) as Row[];
    while (rows.length > 0) {
      yield rows.map((r) => decodeBody(r.fmt, r.body));
      const last = rows[rows.length - 1] as Row;
      rows = next.all(last.ts, last.id, pageSize) as Row[];
    }
  }

  async putAccountMeta(rows: ReadonlyArray<{ account: string; meta: AccountMeta }>): Promise<void> {
    if (this.writer) await this.toWriter(this.writer, { meta: rows });
    else this.writes.mergeAccountMeta(rows);
  }

  async getAccountMeta(account: string): Promise<AccountMeta | null> {
    const row = this.statement("SELECT meta FROM account_meta WHERE account = ?").get(account) as { meta: string } | undefined;
    return row ? (JSON.parse(row.meta) as AccountMeta) : null;
  }

  async putAccountVerdicts(rows: readonly AccountVerdict[]): Promise<void> {
    const put = this.statement("INSERT OR REPLACE INTO account_verdicts (account, flagged, body) VALUES (?, ?, ?)");
    this.db.transaction(() => {
      for (const v of rows) put.run(v.account, v.flagged ? 1 : 0, JSON.stringify(v));
      this.#newVersion("results");
    })();
  }

  async getAccountVerdict(account: string): Promise<AccountVerdict | null> {
    const row = this.statement("SELECT body FROM account_verdicts WHERE account = ?").get(account) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as AccountVerdict) : null;
  }

  async listAccountVerdicts(opts: { flaggedOnly?: boolean } = {}): Promise<AccountVerdict[]> {
    const sql = opts.flaggedOnly
      ? "SELECT body FROM account_verdicts WHERE flagged = 1 ORDER BY account"
      : "SELECT body FROM account_verdicts ORDER BY account";
    return (this.statement(sql).all() as Array<{ body: string }>).map((r) => JSON.parse(r.body) as AccountVerdict);
  }

  async replaceClusters(rows: readonly ClusterVerdict[]): Promise<void> {
    const put = this.statement("INSERT INTO clusters (id, body) VALUES (?, ?)");
    this.db.transaction(() => {
      this.statement("DELETE FROM clusters").run();
      for (const c of rows) put.run(c.id, JSON.stringify(c));
      this.#newVersion("results");
    })();
  }

  /** Inside the transaction writing `what`: see Store.version. */
  #newVersion(what: Versioned): void {
    this.#putCursor(versionCursor(what), randomUUID());
  }

  #putCursor(key: string, value: string): void {
    this.statement("INSERT OR REPLACE INTO cursors (key, value) VALUES (?, ?)").run(key, value);
  }

  async version(what: Versioned): Promise<string | null> {
    return this.getCursor(versionCursor(what));
  }

  async listClusters(): Promise<ClusterVerdict[]> {
    return (this.statement("SELECT body FROM clusters ORDER BY id").all() as Array<{ body: string }>).map(
      (r) => JSON.parse(r.body) as ClusterVerdict,
    );
  }

  async appendAudit(entry: AuditEntry): Promise<number> {
    return this.writer ? this.toWriter(this.writer, { audit: [entry] }) : this.writes.appendAudits([entry]);
  }

  async appendAudits(entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    if (this.writer) await this.toWriter(this.writer, { audit: entries });
    else this.writes.appendAudits(entries);
  }

  async listAudit(opts: { afterSeq?: number; limit?: number } = {}): Promise<StoredAuditEntry[]> {
    const rows = this
      .statement("SELECT seq, body FROM audit WHERE seq > ? ORDER BY seq LIMIT ?")
      .all(opts.afterSeq ?? 0, opts.limit ?? 1000) as Array<{ seq: number; body: string }>;
    return rows.map((r) => ({ ...(JSON.parse(r.body) as AuditEntry), seq: r.seq }));
  }

  async putIntel(record: Omit<IntelRecord, "addedAt">, addedAt = Date.now()): Promise<boolean> {
    const info = this
      .statement("INSERT OR IGNORE INTO intel (id, modified, type, added_at, source, body) VALUES (?, ?, ?, ?, ?, ?)")
      .run(record.id, record.modified, record.type, addedAt, record.source, JSON.stringify(record.object));
    return info.changes > 0;
  }

  async listIntel(query: IntelQuery = {}): Promise<IntelRecord[]> {
    const where: string[] = ["added_at > ?"];
    const params: Array<string | number> = [query.addedAfter ?? -1];
    if (query.types?.length) {
      where.push(`type IN (${query.types.map(() => "?").join(",")})`);
      params.push(...query.types);
    }
    if (query.ids?.length) {
      where.push(`id IN (${query.ids.map(() => "?").join(",")})`);
      params.push(...query.ids);
    }
    if (query.sources?.length) {
      where.push(`source IN (${query.sources.map(() => "?").join(",")})`);
      params.push(...query.sources);
    }
    params.push(query.limit ?? 1000);
    const rows = this
      .statement(`SELECT id, modified, type, added_at, source, body FROM intel WHERE ${where.join(" AND ")} ORDER BY added_at, id, modified LIMIT ?`)
      .all(...params) as Array<{ id: string; modified: string; type: string; added_at: number; source: string; body: string }>;
    return rows.map((r) => ({
      id: r.id,
      modified: r.modified,
      type: r.type,
      addedAt: r.added_at,
      source: r.source,
      object: JSON.parse(r.body) as Record<string, unknown>,
    }));
  }

  async putSanction(x: Sanction): Promise<void> {
    const put = this.statement(
      "INSERT INTO sanctions (scope, subject, action, active, body) VALUES (?, ?, ?, ?, ?) ON CONFLICT (scope, subject, action) DO UPDATE " +
        "SET active = excluded.active, body = excluded.body WHERE json_extract(excluded.body, '$.ts') >= json_extract(sanctions.body, '$.ts')",
    );
    this.db.transaction(() => {
      put.run(x.scope, x.subject, x.action, x.active ? 1 : 0, JSON.stringify(x));
      this.#newVersion("sanctions");
    })();
  }

  async listSanctions(opts: { activeOnly?: boolean } = {}): Promise<Sanction[]> {
    const sql = `SELECT body FROM sanctions ${opts.activeOnly ? "WHERE active = 1" : ""} ORDER BY scope, subject, action`;
    return (this.statement(sql).all() as Array<{ body: string }>).map((r) => JSON.parse(r.body) as Sanction);
  }

  async putAppeal(a: Appeal): Promise<void> {
    try {
      this.statement("INSERT INTO appeals (id, ts, status, body) VALUES (?, ?, ?, ?)").run(a.id, a.ts, a.status, JSON.stringify(a));
    } catch (err) {
      throw new StoreError(`appeal ${a.id} already exists`, { id: a.id }, err);
    }
  }

  async getAppeal(id: string): Promise<Appeal | null> {
    const row = this.statement("SELECT body FROM appeals WHERE id = ?").get(id) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as Appeal) : null;
  }

  async listAppeals(opts: { status?: AppealStatus } = {}): Promise<Appeal[]> {
    const rows = opts.status
      ? this.statement("SELECT body FROM appeals WHERE status = ? ORDER BY ts, id").all(opts.status)
      : this.statement("SELECT body FROM appeals ORDER BY ts, id").all();
    return (rows as Array<{ body: string }>).map((r) => JSON.parse(r.body) as Appeal);
  }

  async resolveAppeal(id: string, r: { status: Exclude<AppealStatus, "open">; by: string; note: string; at: number }): Promise<boolean> {
    return this.db.transaction(() => {
      const row = this.statement("SELECT body FROM appeals WHERE id = ? AND status = 'open'").get(id) as { body: string } | undefined;
      if (!row) return false;
      const next: Appeal = { ...(JSON.parse(row.body) as Appeal), status: r.status, resolvedAt: r.at, resolvedBy: r.by, resolution: r.note };
      this.statement("UPDATE appeals SET status = ?, body = ? WHERE id = ?").run(r.status, JSON.stringify(next), id);
      return true;
    })();
  }

  async getCursor(key: string): Promise<string | null> {
    const row = this.statement("SELECT value FROM cursors WHERE key = ?").get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  async setCursor(key: string, value: string): Promise<void> {
    this.#putCursor(key, value);
  }

  async close(): Promise<void> {
    // Detached first: their exit handlers then know the exit was asked for.
    const threads = [this.checkpointer, this.writer];
    this.checkpointer = null;
    this.writer = null;
    for (const t of threads) if (t) await closeThread(t);
    if (this.db.open) this.db.close();
  }
}
