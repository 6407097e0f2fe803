import type { AccountMeta, AccountVerdict, Appeal, AppealStatus, AuditEntry, ClusterVerdict, Exchange, IntelRecord, Sanction, StoredAuditEntry } from "../core/index.js";

export interface IntelQuery {
  addedAfter?: number;
  limit?: number;
  types?: string[];
  ids?: string[];
  /** Only records from these sources (e.g. one TAXII collection). */
  sources?: string[];
}

/**
 * Everything the project persists. One interface, several backends (SQLite embedded, PostgreSQL at
 * scale); store/contract.ts is the one suite every backend passes. Audit is append-only by design:
 * there is no method to change or remove an entry.
 */
export interface Store {
  readonly backend: "sqlite" | "postgres";

  /**
   * Inserts exchanges not yet stored (by id); returns how many were new. Idempotent. With `lines`
   * (the exchange-log lines as received, parallel to `batch`) the store keeps the original line,
   * unknown fields and response included; without, it keeps the normalised exchange.
   */
  putExchanges(batch: readonly Exchange[], lines?: readonly string[]): Promise<number>;
  countExchanges(): Promise<number>;
  /** Stored exchanges in (ts, id) order, in pages; never loads the table. */
  exchangesInTimeOrder(pageSize?: number): AsyncGenerator<Exchange[]>;

  /** Merges account facts (later non-empty fields win). */
  putAccountMeta(rows: ReadonlyArray<{ account: string; meta: AccountMeta }>): Promise<void>;
  getAccountMeta(account: string): Promise<AccountMeta | null>;

  /** Replaces the verdicts of the given accounts (latest hunt wins). */
  putAccountVerdicts(rows: readonly AccountVerdict[]): Promise<void>;
  getAccountVerdict(account: string): Promise<AccountVerdict | null>;
  listAccountVerdicts(opts?: { flaggedOnly?: boolean }): Promise<AccountVerdict[]>;

  /** Replaces the whole cluster set with the latest hunt's. */
  replaceClusters(rows: readonly ClusterVerdict[]): Promise<void>;
  listClusters(): Promise<ClusterVerdict[]>;

  /** Appends an entry; returns its sequence number (that of the entry held, when its key is already stored). */
  appendAudit(entry: AuditEntry): Promise<number>;
  /**
   * Appends entries in order, all or none, in one transaction (one round trip): the gateway's hot path.
   * Entries whose key is already stored are skipped, so a batch written again after a lost answer is held once.
   */
  appendAudits(entries: readonly AuditEntry[]): Promise<void>;
  listAudit(opts?: { afterSeq?: number; limit?: number }): Promise<StoredAuditEntry[]>;

  /** Stores an intel object version; false when that (id, modified) was already held. */
  putIntel(record: Omit<IntelRecord, "addedAt">, addedAt?: number): Promise<boolean>;
  listIntel(query?: IntelQuery): Promise<IntelRecord[]>;

  /**
   * Upserts by (scope, subject, action), unless the stored change is newer (a larger `ts`; on a tie the
   * later write wins). A suspension queued or replayed from the sanction bus must not undo a lift
   * written after it.
   */
  putSanction(s: Sanction): Promise<void>;
  listSanctions(opts?: { activeOnly?: boolean }): Promise<Sanction[]>;

  /**
   * A value that changes whenever `what` is written (null: never written), in the same transaction.
   * Readers holding it in memory re-read it only when this has changed: the gateway's view re-read a
   * large hunt's results (153,311 flagged accounts) every 5 seconds, 0.8 s a time, and 30,000 standing
   * sanctions in 53–106 ms, stalling its event loop as long.
   */
  version(what: Versioned): Promise<string | null>;

  /** Records a new appeal; ids are unique (a repeated id is an error). */
  putAppeal(a: Appeal): Promise<void>;
  getAppeal(id: string): Promise<Appeal | null>;
  listAppeals(opts?: { status?: AppealStatus }): Promise<Appeal[]>;
  /** Resolves an open appeal; false when it does not exist or is already resolved. */
  resolveAppeal(id: string, resolution: { status: Exclude<AppealStatus, "open">; by: string; note: string; at: number }): Promise<boolean>;

  getCursor(key: string): Promise<string | null>;
  setCursor(key: string, value: string): Promise<void>;

  /** Writes accepted but not yet done, for monitoring; absent where the backend keeps no such queue. */
  writeBacklog?(): WriteBacklog;

  close(): Promise<void>;
}

/**
 * What a store has accepted and not yet finished writing: batches handed to a writer thread and not
 * committed, and WAL frames not yet copied into the database file (null without a background
 * checkpointer, or before its first pass). Either growing without bound is a disk that cannot keep up.
 */
export interface WriteBacklog {
  queuedWrites: number;
  walFramesBehind: number | null;
}

/** What Store.version versions: a hunt's results (account verdicts and clusters), or sanctions. */
export type Versioned = "results" | "sanctions";

/** The cursor under which a store keeps the version of `what`, written with what it versions. */
export const versionCursor = (what: Versioned): string => `hydrasentry.version.${what}`;

/** Row body format: "l" = exchange-log line as received, "n" = normalised Exchange JSON. */
export type BodyFormat = "l" | "n";

export function encodeBody(ex: Exchange, line: string | undefined): { fmt: BodyFormat; body: string } {
  return line === undefined ? { fmt: "n", body: JSON.stringify(ex) } : { fmt: "l", body: line };
}
