import type Database from "better-sqlite3";
import { mergeMeta, type AccountMeta, type AuditEntry } from "../core/index.js";

/** An exchange as stored: [id, ts, account, fmt, body] (see encodeBody). */
export type ExchangeRow = [string, number, string, string, string];

/** The writes a SQLite store makes in batches, each one transaction. */
export interface BatchWrites {
  /** Inserts the rows not yet stored (by id); returns how many were new. */
  insertExchanges(rows: readonly ExchangeRow[]): number;
  /** Merges facts into each account's stored ones (mergeMeta); returns how many accounts. */
  mergeAccountMeta(rows: ReadonlyArray<{ account: string; meta: AccountMeta }>): number;
  /** Appends entries in order, those with a key already stored skipped; returns the last one's sequence number. */
  appendAudits(entries: readonly AuditEntry[]): number;
}

/**
 * The batch writes on one connection: the store's own, or its writer thread's. Both prepare them
 * here, so whichever connection writes, the rows are the same.
 */
export function batchWrites(db: Database.Database): BatchWrites {
  const insertExchange = db.prepare("INSERT OR IGNORE INTO exchanges (id, ts, account, fmt, body) VALUES (?, ?, ?, ?, ?)");
  const getMeta = db.prepare("SELECT meta FROM account_meta WHERE account = ?");
  const putMeta = db.prepare("INSERT OR REPLACE INTO account_meta (account, meta) VALUES (?, ?)");
  // A key already stored leaves the table as it was (see AuditEntry.key); keyless entries never conflict.
  const insertAudit = db.prepare("INSERT INTO audit (ts, body, key) VALUES (?, ?, ?) ON CONFLICT (key) WHERE key IS NOT NULL DO NOTHING");
  const seqOfKey = db.prepare("SELECT seq FROM audit WHERE key = ?");
  return {
    insertExchanges: db.transaction((rows: readonly ExchangeRow[]) => {
      let added = 0;
      for (const r of rows) added += insertExchange.run(r[0], r[1], r[2], r[3], r[4]).changes;
      return added;
    }),
    mergeAccountMeta: db.transaction((rows: ReadonlyArray<{ account: string; meta: AccountMeta }>) => {
      for (const { account, meta } of rows) {
        const prev = getMeta.get(account) as { meta: string } | undefined;
        putMeta.run(account, JSON.stringify(mergeMeta(prev ? (JSON.parse(prev.meta) as AccountMeta) : null, meta)));
      }
      return rows.length;
    }),
    appendAudits: db.transaction((entries: readonly AuditEntry[]) => {
      let seq = 0;
      for (const e of entries) {
        const added = insertAudit.run(e.ts, JSON.stringify(e), e.key ?? null);
        seq = added.changes > 0 ? Number(added.lastInsertRowid) : (seqOfKey.get(e.key) as { seq: number }).seq;
      }
      return seq;
    }),
  };
}
