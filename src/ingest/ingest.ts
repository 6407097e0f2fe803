import type { AccountMeta } from "../core/index.js";
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

/**
 * Loads exchange logs into the store. Each decoded chunk is one transaction with INSERT-OR-IGNORE
 * on the exchange id, so a re-run adds nothing and a kill -9 loses at most an uncommitted chunk,
 * which the re-run then inserts: nothing lost, nothing doubled.
 */
export async function ingestIntoStore(sources: readonly InputSource[], opts: IngestOptions): Promise<FileCounts[]> {
  const files: FileCounts[] = [];
  for await (const batch of readExchangeLog(sources, { quarantine: opts.quarantine, onBytes: opts.onBytes })) {
    if (files[files.length - 1] !== batch.file) files.push(batch.file);
    if (batch.exchanges.length === 0) continue;
    const added = await opts.store.putExchanges(batch.exchanges);
    batch.file.exchanges += added;
    batch.file.duplicates += batch.exchanges.length - added;
    const meta = new Map<string, AccountMeta>();
    for (const ex of batch.exchanges) if (Object.keys(ex.accountMeta).length > 0) meta.set(ex.account, ex.accountMeta);
    if (meta.size > 0) await opts.store.putAccountMeta([...meta].map(([account, m]) => ({ account, meta: m })));
    opts.onExchanges?.(batch.exchanges.length);
  }
  return files;
}
