import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import type { AccountMeta, AuditEntry } from "../core/index.js";
import { batchWrites, type ExchangeRow } from "./sqlite-writes.js";

/**
 * Writer thread for SqliteStore: the one connection that writes exchanges, account facts and audit
 * entries, on its own core. In bulk ingest the main thread parses and validates the next batches
 * meanwhile; in a gateway its event loop goes on answering instead of waiting on each commit (a
 * write to the WAL, which a busy disk can hold; with the commits moved here /v1/decisions went from
 * 8.1K to 9.5–10.1K/s in session 21's runs). Exchange rows arrive
 * pre-serialised ([id, ts, account, fmt, body]); audit entries as objects, serialised here: a
 * structured clone cost the posting thread about half of JSON.stringify per entry.
 */
const port = parentPort;
if (!port) throw new Error("sqlite-writer must run as a worker thread");
const db = new Database((workerData as { path: string }).path);
// The busy timeout first: after a crash the WAL is recovered on open, and a writer that met the
// main connection's recovery lock without one died at start (seen after a kill -9).
db.pragma("busy_timeout = 5000");
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
const writes = batchWrites(db);

type Message =
  | { seq: number; rows: ExchangeRow[] }
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
    const added = "rows" in msg ? writes.insertExchanges(msg.rows) : "meta" in msg ? writes.mergeAccountMeta(msg.meta) : writes.appendAudits(msg.audit);
    port.postMessage({ seq: msg.seq, added });
  } catch (err) {
    port.postMessage({ seq: msg.seq, error: (err as Error).message });
  }
});
