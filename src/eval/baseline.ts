import type { AccountVerdict, Exchange } from "../core/index.js";
import type { HuntEngine } from "../hunt/hunt.js";

/**
 * The naive detector the simulator must defeat: flag every account whose payment fingerprint is
 * shared by `minAccounts`+ accounts, from the moment the card reaches that count (online, no future).
 * A yardstick for `eval`, not a detector anyone should deploy.
 */
export function sharedCardBaseline(minAccounts = 5): HuntEngine {
  const byCard = new Map<string, Set<string>>();
  const flaggedAt = new Map<string, number>();
  const counts = new Map<string, number>();
  return {
    observe(batch: readonly Exchange[]) {
      for (const ex of batch) {
        counts.set(ex.account, (counts.get(ex.account) ?? 0) + 1);
        const card = ex.accountMeta.paymentFp;
        if (!card) continue;
        let members = byCard.get(card);
        if (!members) byCard.set(card, (members = new Set()));
        members.add(ex.account);
        if (members.size >= minAccounts) for (const m of members) if (!flaggedAt.has(m)) flaggedAt.set(m, ex.ts);
      }
    },
    finish() {
      const accounts: AccountVerdict[] = [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([account, exchanges]) => {
        const at = flaggedAt.get(account) ?? null;
        return { account, score: at === null ? 0 : 1, flagged: at !== null, cluster: null, firstFlaggedAt: at, exchanges, reasons: at === null ? [] : [`payment_fp shared by ${minAccounts}+ accounts`] };
      });
      return { accounts, clusters: [] };
    },
  };
}
