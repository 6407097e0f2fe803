import type { AccountMeta, Exchange } from "../core/index.js";
import type { Store } from "../store/index.js";
import type { QuarantineWriter } from "./quarantine.js";
import { readExchangeLog } from "./read.js";
import type { InputSource } from "./source.js";
import type { FileCounts } from "./summary.js";

export interface IngestOptions {
  store: Store;
  quarantine: QuarantineWriter;
  onBytes?: (n: number) => void;
  onExchanges?: (n: number) => void;
}

/** Rows per transaction: large enough to amortise the commit, small enough that a kill loses little work. */
const COMMIT_ROWS = 4096;
const MAX_IN_FLIGHT = 2;

/**
 * Loads exchange logs into the store. Each batch of COMMIT_ROWS is one transaction with INSERT-OR-IGNORE
 * on the exchange id, so a re-run adds nothing and a kill -9 loses at most an uncommitted batch,
 * which the re-run then inserts: nothing lost, nothing doubled.
 */
export async function ingestIntoStore(sources: readonly InputSource[], opts: IngestOptions): Promise<FileCounts[]> {
  const files: FileCounts[] = [];
  let pending: Exchange[] = [];
  let pendingLines: string[] = [];
  let pendingFile: FileCounts | null = null;
  // Up to MAX_IN_FLIGHT batches are being written while the next is parsed (a store with a writer
  // thread overlaps them; others resolve at once). Order of completion does not matter: counts add.
  const inFlight = new Set<Promise<void>>();
  // The first failed write ends the run with its error once the writes in flight settle; a write that
  // failed while another was awaited must not vanish (the run would exit 0 with a batch missing).
  let failure: { error: unknown } | null = null;
  const write = async (batch: Exchange[], lines: string[], file: FileCounts): Promise<void> => {
    const meta = new Map<string, AccountMeta>();
    for (const ex of batch) if (Object.keys(ex.accountMeta).length > 0) meta.set(ex.account, ex.accountMeta);
    const [added] = await Promise.all([
      opts.store.putExchanges(batch, lines),
      meta.size > 0 ? opts.store.putAccountMeta([...meta].map(([account, m]) => ({ account, meta: m }))) : undefined,
    ]);
    file.exchanges += added;
    file.duplicates += batch.length - added;
    opts.onExchanges?.(batch.length);
  };
  const flush = async (): Promise<void> => {
    if (pending.length === 0 || !pendingFile) return;
    const p: Promise<void> = write(pending, pendingLines, pendingFile)
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => inFlight.delete(p));
    pending = [];
    pendingLines = [];
    inFlight.add(p);
    if (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
    throwIfFailed();
  };
  const throwIfFailed = (): void => {
    if (failure) throw failure.error;
  };
  try {
    for await (const batch of readExchangeLog(sources, { quarantine: opts.quarantine, onBytes: opts.onBytes })) {
      if (files[files.length - 1] !== batch.file) {
        await flush(); // batches never span files: counts stay per file
        files.push(batch.file);
        pendingFile = batch.file;
      }
      pending.push(...batch.exchanges);
      pendingLines.push(...batch.lines);
      if (pending.length >= COMMIT_ROWS) await flush();
    }
    await flush();
  } finally {
    await Promise.all(inFlight); // never rejects: failures are kept in `failure`
  }
  throwIfFailed();
  return files;
}
