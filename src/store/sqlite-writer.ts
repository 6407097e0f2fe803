import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { mergeMeta, type AccountMeta, type AuditEntry } from "../core/index.js";

/**
 * Writer thread for SqliteStore: the one connection that writes exchanges, account facts and audit
 * entries, on its own core. In bulk ingest the main thread parses and validates the next batches
 * meanwhile; in a gateway its event loop goes on answering instead of waiting on each commit (a
 * write to the WAL, which a busy disk can hold; with the commits moved here /v1/decisions went from
 * 8.1K to 9.5–10.1K/s in session 21's runs). Exchange rows arrive
 * pre-serialised ([id, ts, account, fmt, body]); audit entries as objects, serialised here: a
 * structured clone cost the posting thread about half of JSON.stringify per entry.
 */
type Row = [string, number, string, string, string];
const port = parentPort;
if (!port) throw new Error("sqlite-writer must run as a worker thread");
const db = new Database((workerData as { path: string }).path);
// The busy timeout first: after a crash the WAL is recovered on open, and a writer that met the
// main connection's recovery lock without one died at start (seen after a kill -9).
db.pragma("busy_timeout = 5000");
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
const insert = db.prepare("INSERT OR IGNORE INTO exchanges (id, ts, account, fmt, body) VALUES (?, ?, ?, ?, ?)");
const insertMany = db.transaction((rows: Row[]) => {
  let added = 0;
  for (const r of rows) added += insert.run(r[0], r[1], r[2], r[3], r[4]).changes;
  return added;
});
const getMeta = db.prepare("SELECT meta FROM account_meta WHERE account = ?");
const putMeta = db.prepare("INSERT OR REPLACE INTO account_meta (account, meta) VALUES (?, ?)");
const mergeMany = db.transaction((rows: Array<{ account: string; meta: AccountMeta }>) => {
  for (const { account, meta } of rows) {
    const prev = getMeta.get(account) as { meta: string } | undefined;
    putMeta.run(account, JSON.stringify(mergeMeta(prev ? (JSON.parse(prev.meta) as AccountMeta) : null, meta)));
  }
  return rows.length;
});

const insertAudit = db.prepare("INSERT INTO audit (ts, body) VALUES (?, ?)");
/** Returns the last entry's sequence number. */
const appendAudits = db.transaction((entries: AuditEntry[]) => {
  let seq = 0;
  for (const e of entries) seq = Number(insertAudit.run(e.ts, JSON.stringify(e)).lastInsertRowid);
  return seq;
});

type Message =
  | { seq: number; rows: Row[] }
  | { seq: number; meta: Array<{ account: string; meta: AccountMeta }> }
  | { seq: number; audit: AuditEntry[] }
  | { close: true };
port.on("message", (msg: Message) => {
  if ("close" in msg) {
    db.close();
    port.close();
    return;
  }
  try {
    const added = "rows" in msg ? insertMany(msg.rows) : "meta" in msg ? mergeMany(msg.meta) : appendAudits(msg.audit);
    port.postMessage({ seq: msg.seq, added });
  } catch (err) {
    port.postMessage({ seq: msg.seq, error: (err as Error).message });
  }
});
