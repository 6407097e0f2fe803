import type { AccountMeta, AccountVerdict, Exchange } from "../core/index.js";
import type { HuntEngine } from "./hunt.js";

/** Counts exchanges per account; the detection levels replace the verdicts. */
export function defaultEngine(_accounts: ReadonlyMap<string, AccountMeta>): HuntEngine {
  const counts = new Map<string, number>();
  return {
    observe(batch: readonly Exchange[]) {
      for (const ex of batch) counts.set(ex.account, (counts.get(ex.account) ?? 0) + 1);
    },
    finish() {
      const accounts: AccountVerdict[] = [...counts]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([account, exchanges]) => ({ account, score: 0, flagged: false, cluster: null, firstFlaggedAt: null, exchanges, reasons: [] }));
      return { accounts, clusters: [] };
    },
  };
}
