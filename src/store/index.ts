import { resolve } from "node:path";
import { PostgresStore } from "./postgres.js";
import { SqliteStore } from "./sqlite.js";
import type { Store } from "./store.js";

export type { IntelQuery, Store, Versioned, WriteBacklog } from "./store.js";
export { SqliteStore } from "./sqlite.js";
export { PostgresStore } from "./postgres.js";

export const DEFAULT_DB_PATH = ".hydrasentry/hydrasentry.db";

/**
 * `postgres://…` / `postgresql://…` → PostgreSQL; anything else is a SQLite file path. `bulkWrites`
 * moves SQLite's inserts to a writer thread (for ingest); `servesRequests` does too, and moves its WAL
 * checkpoints to a thread of their own (for the gateway, whose event loop a checkpoint's fsync stalled).
 */
export async function openStore(location: string = DEFAULT_DB_PATH, opts: { bulkWrites?: boolean; servesRequests?: boolean } = {}): Promise<Store> {
  if (/^postgres(ql)?:\/\//.test(location)) {
    const url = new URL(location);
    const schema = url.searchParams.get("schema") ?? undefined;
    url.searchParams.delete("schema");
    return PostgresStore.open({ connectionString: url.toString(), schema });
  }
  // A process answering requests from the store writes and checkpoints it from other threads: a commit's write or a checkpoint's fsync would stall its event loop.
  const servesRequests = opts.servesRequests === true;
  return new SqliteStore(location === ":memory:" ? location : resolve(location), {
    writerThread: opts.bulkWrites === true || servesRequests,
    checkpointInBackground: servesRequests,
  });
}
