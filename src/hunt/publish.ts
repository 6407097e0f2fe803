import type { AccountVerdict, ClusterVerdict, Sanction } from "../core/index.js";
import type { Store } from "../store/index.js";

const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 16).replace("T", " ");

/**
 * The gateway's suspensions of new heads (Sanction.head) that this hunt ends: it read the account's
 * traffic from the suspension on and did not flag it. Between hunts the gateway takes a young account
 * for a flagged cluster's new head on one shared value (a card, a harness, a /24 its proxies used), and
 * the suspension it stands up outlives the request; the hunt judges the same account on all it sent
 * and all it shares. Without this, nothing but an analyst ended one: replayed with weekly hunts
 * (anthropic-2026 at 0.01, seed 13), a person on a residential ISP whose first request came from a /24
 * where three of a flagged cluster's accounts had been seen was refused all 228 of its requests for a
 * year, while every hunt scored it 0.0025. A hunt that has not read the account since (its verdict's
 * last exchange is older, or it has none) leaves the suspension standing, as does one that flags it.
 */
export function lapsedHeads(standing: readonly Sanction[], verdictOf: (account: string) => AccountVerdict | undefined, now: number): Sanction[] {
  const lapsed: Sanction[] = [];
  for (const s of standing) {
    if (!s.active || !s.head || s.scope !== "account" || s.action !== "suspend") continue;
    const v = verdictOf(s.subject);
    if (!v || v.flagged || v.lastSeen === undefined || v.lastSeen < s.ts) continue;
    const reason =
      `the hunt read ${v.exchanges} request${v.exchanges === 1 ? "" : "s"} of the account up to ${iso(v.lastSeen)} and did not flag it (score ${v.score.toFixed(3)}): ` +
      `its suspension as a new head of ${s.head.cluster} (${s.head.via}) lapses`;
    lapsed.push({ ...s, active: false, reason, ts: Math.max(now, s.ts), actor: "hunt" });
  }
  return lapsed;
}

/**
 * A hunt's results into the store the gateways read: account verdicts, clusters (replacing the last
 * hunt's), and the head suspensions the hunt ends, each lift audited. `now` is the time the lifts
 * carry: the clock, or the log's time in a replay.
 */
export async function publishHuntResults(store: Store, results: { accounts: readonly AccountVerdict[]; clusters: readonly ClusterVerdict[] }, now: number): Promise<Sanction[]> {
  await store.putAccountVerdicts(results.accounts);
  await store.replaceClusters(results.clusters);
  const standing = (await store.listSanctions({ activeOnly: true })).filter((s) => s.head !== undefined);
  if (standing.length === 0) return [];
  const heads = new Set(standing.map((s) => s.subject));
  const verdicts = new Map<string, AccountVerdict>();
  for (const v of results.accounts) if (heads.has(v.account)) verdicts.set(v.account, v);
  const lapsed = lapsedHeads(standing, (a) => verdicts.get(a), now);
  for (const s of lapsed) {
    await store.putSanction(s);
    await store.appendAudit({ ts: s.ts, actor: "hunt", kind: "hunt", subject: s.subject, action: "lapse.suspend", reasons: [s.reason], detail: { cluster: s.head?.cluster, via: s.head?.via } });
  }
  return lapsed;
}
