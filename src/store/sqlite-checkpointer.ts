import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

/**
 * Checkpoints a WAL-mode store from its own thread, for a store whose main connection serves
 * requests (see SqliteStore's `checkpointInBackground`). A checkpoint ends in an fsync of the database
 * file, which waits for every dirty page of it, including pages another process wrote (a hunt
 * feeding the gateway's store): run by the committing connection, as SQLite's automatic checkpoint
 * is, that held a gateway's event loop for 180 ms on this VM. PASSIVE: it never waits for, or
 * blocks, the main connection's readers and writer.
 */
const { path, intervalMs } = workerData as { path: string; intervalMs: number };
const port = parentPort;
if (!port) throw new Error("sqlite-checkpointer must run as a worker thread");
const db = new Database(path);
db.pragma("busy_timeout = 1000");
const timer = setInterval(() => {
  try {
    // When the pass began, in wall-clock time every thread shares: it saw the WAL as it was then, so a
    // pass that began before a commit reports that commit neither written nor behind.
    const startedAt = Date.now();
    // What it did goes back to the store, which shows how far the WAL is behind.
    const [result] = db.pragma("wal_checkpoint(PASSIVE)") as Array<{ busy: number; log: number; checkpointed: number }>;
    if (result) port.postMessage({ walFrames: result.log, checkpointedFrames: result.checkpointed, startedAt });
  } catch {
    // Busy or briefly locked: the next tick tries again, and the WAL only grows until it does.
  }
}, intervalMs);
port.on("message", (msg: { close?: true }) => {
  if (!msg.close) return;
  clearInterval(timer);
  db.close();
  port.close();
});
