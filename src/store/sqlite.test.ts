import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { expect, it } from "vitest";
import type { AuditEntry } from "../core/index.js";
import { SqliteStore } from "./sqlite.js";
import { storeContract } from "./testing/contract.js";

storeContract("sqlite (in memory)", async () => new SqliteStore(":memory:"));

const dirs: string[] = [];
/** The contract on a store in a fresh temporary file, opened with `opts`; the folder goes with the store. */
function fileStoreContract(name: string, opts: ConstructorParameters<typeof SqliteStore>[1] = {}): void {
  storeContract(
    name,
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "hs-store-"));
      dirs.push(dir);
      return new SqliteStore(join(dir, "db.sqlite"), opts);
    },
    async (s) => {
      await s.close();
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  );
}

fileStoreContract("sqlite (file, WAL)");
fileStoreContract("sqlite (file, WAL, checkpointed from its own thread)", { checkpointInBackground: true, checkpointIntervalMs: 20 });
fileStoreContract("sqlite (file, WAL, writes from a writer thread)", { writerThread: true });

type Thread = { terminate(): Promise<number>; once(e: "exit", f: () => void): void };
/** The store's own connection and helper threads, for the tests that look underneath. */
const internals = (store: SqliteStore) => store as unknown as { db: { pragma(s: string, o: { simple: true }): unknown }; checkpointer: Thread | null; writer: Thread | null };

/** Runs `test` with the path of a database file in a fresh temporary folder, then removes the folder. */
async function withFilePath(test: (path: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "hs-store-"));
  try {
    await test(join(dir, "db.sqlite"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `test` on a store in a fresh temporary file opened with `opts`, then closes it and removes the folder. */
async function withFileStore(opts: ConstructorParameters<typeof SqliteStore>[1], test: (store: SqliteStore, path: string) => Promise<void>): Promise<void> {
  await withFilePath(async (path) => {
    const store = new SqliteStore(path, opts);
    try {
      await test(store, path);
    } finally {
      await store.close();
    }
  });
}

/** A helper thread the store started, and its exit. */
function startedThread(thread: Thread | null): { thread: Thread; exited: Promise<void> } {
  expect(thread).not.toBeNull();
  const started = thread as Thread;
  return { thread: started, exited: new Promise<void>((r) => started.once("exit", r)) };
}

/** A decision's audit entry; `reason` sets its size. */
const auditEntry = (reason = "r"): AuditEntry => ({ ts: 1, actor: "gateway", kind: "decision", subject: "acct_1", action: "throttle", reasons: [reason] });

it("checkpoints from its own thread when it serves requests: the WAL stays bounded with the serving connection's checkpoints off", async () => {
  // Passes 100 ms apart: a burst starts right after the pass it waited for, far from the next one. At 20 ms
  // apart, a pass slowed by a loaded disk (the whole suite running) ran into the next, which then held
  // the WAL's locks as the burst began, so SQLite could not restart the WAL from its start (3.4 MB once).
  await withFileStore({ checkpointInBackground: true, checkpointIntervalMs: 100 }, async (store, path) => {
    /**
     * Resolves at the checkpointer's first pass begun after now that leaves nothing behind; a deadline
     * instead of a fixed pause, so a loaded machine only waits longer. Begun after, not reported after:
     * a pass slowed by the load, begun before the burst's last commits, reports a WAL without them as all
     * checkpointed, and the next burst, finding frames behind, could not restart the WAL (3.3 MB).
     */
    const caughtUp = async (): Promise<void> => {
      const lastCommitAt = Date.now();
      for (const deadline = lastCommitAt + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 10))) {
        const last = store.lastCheckpoint;
        if (last && last.startedAt > lastCommitAt && last.checkpointedFrames === last.walFrames) return;
      }
      throw new Error(`checkpointer did not catch up in 10 s: ${JSON.stringify(store.lastCheckpoint)}`);
    };
    expect(internals(store).db.pragma("wal_autocheckpoint", { simple: true })).toBe(0);
    const entry = auditEntry("x".repeat(3000));
    for (let i = 0; i < 3000; i++) {
      await store.appendAudit(entry);
      if (i % 100 === 99) await caughtUp();
    }
    // 3,000 commits of a page or more: a WAL nobody checkpointed would hold them all (over 12 MB);
    // checkpointed between bursts, it is reused from its start and never holds much more than one burst.
    expect(statSync(`${path}-wal`).size).toBeLessThan(2 * 1024 * 1024);
  });
});

it("checkpoints on its own connection again if the checkpointer thread dies", async () => {
  await withFileStore({ checkpointInBackground: true }, async (store) => {
    const { thread, exited } = startedThread(internals(store).checkpointer);
    await thread.terminate();
    await exited;
    expect(internals(store).db.pragma("wal_autocheckpoint", { simple: true })).toBe(1000);
  });
});

it("opens a store made before audit keys: the column and its index are added, the entries kept", async () => {
  await withFilePath(async (path) => {
    const old = new Database(path);
    old.exec("CREATE TABLE audit (seq INTEGER PRIMARY KEY AUTOINCREMENT, ts INTEGER NOT NULL, body TEXT NOT NULL)");
    old.prepare("INSERT INTO audit (ts, body) VALUES (?, ?)").run(1, JSON.stringify(auditEntry("from before")));
    old.close();
    for (let opened = 0; opened < 2; opened++) {
      const store = new SqliteStore(path);
      await store.appendAudits([{ ...auditEntry(), key: "decision:d1" }]);
      expect((await store.listAudit()).map((e) => e.key ?? e.reasons[0])).toEqual(["from before", "decision:d1"]);
      await store.close();
    }
  });
});

it("refuses to rewrite audit history", async () => {
  const store = new SqliteStore(":memory:");
  await store.appendAudit({ ts: 1, actor: "x", kind: "decision", subject: "a", action: "ban", reasons: [] });
  const db = (store as unknown as { db: { prepare(s: string): { run(): unknown } } }).db;
  expect(() => db.prepare("DELETE FROM audit").run()).toThrow(/append-only/);
  expect(() => db.prepare("UPDATE audit SET ts = 2").run()).toThrow(/append-only/);
  await store.close();
});

it("reports its write backlog: batches handed to the writer thread and not committed, WAL frames not yet checkpointed", async () => {
  await withFileStore({ writerThread: true, checkpointInBackground: true, checkpointIntervalMs: 20 }, async (store) => {
    expect(store.writeBacklog()).toEqual({ queuedWrites: 0, walFramesBehind: null });
    const entry = auditEntry();
    const writes = [store.appendAudits([entry]), store.appendAudits([entry, entry]), store.appendAudit(entry)];
    expect(store.writeBacklog().queuedWrites).toBe(3);
    await Promise.all(writes);
    expect(store.writeBacklog().queuedWrites).toBe(0);
    for (const deadline = Date.now() + 10_000; store.writeBacklog().walFramesBehind === null && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 10));
    expect(store.writeBacklog().walFramesBehind).toBeGreaterThanOrEqual(0);
    expect((await store.listAudit()).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });
});

it("fails the writes pending when its writer thread dies, instead of leaving them hanging, and writes on its own connection after", async () => {
  await withFileStore({ writerThread: true }, async (store) => {
    const { thread, exited } = startedThread(internals(store).writer);
    void thread.terminate();
    const entry = auditEntry();
    // Posted to a thread that is going away: it never answers, and the write fails when the thread exits.
    await expect(store.appendAudits([entry])).rejects.toThrow(/writer thread exited/);
    await exited;
    await store.appendAudits([entry, entry]);
    expect((await store.listAudit()).map((e) => e.subject)).toEqual(["acct_1", "acct_1"]);
  });
});
