import type { AccountMeta, AccountVerdict, ClusterVerdict, Sanction } from "../core/index.js";
import type { Store } from "../store/index.js";

export interface ViewOptions {
  /** How often the latest hunt results and sanctions are re-read from the store. */
  refreshMs?: number;
  metaTtlMs?: number;
  maxMetaEntries?: number;
}

const sanctionKey = (scope: Sanction["scope"], subject: string, action: Sanction["action"]): string => `${scope}\u0000${subject}\u0000${action}`;

/**
 * What the request path knows from the store: the latest hunt's account and cluster verdicts and the
 * standing sanctions, held in memory and refreshed in the background so that a decision never waits
 * on the store. Account facts are fetched on first sight and cached.
 */
export class DetectionView {
  #accounts = new Map<string, AccountVerdict>();
  #clusters = new Map<string, ClusterVerdict>();
  #sanctions = new Map<string, Sanction>();
  #clusterOf = new Map<string, string>();
  readonly #meta = new Map<string, { meta: AccountMeta; at: number }>();
  #timer: NodeJS.Timeout | null = null;
  readonly #opts: Required<ViewOptions>;
  lastRefreshAt = 0;
  refreshFailures = 0;

  constructor(
    private readonly store: Store,
    opts: ViewOptions = {},
  ) {
    this.#opts = { refreshMs: 5_000, metaTtlMs: 60_000, maxMetaEntries: 200_000, ...opts };
  }

  /**
   * Reads what can change a decision: flagged accounts, clusters (with their members) and active
   * sanctions. Unflagged verdicts are not loaded: with millions of accounts they would be most of
   * the read and change nothing.
   */
  async refresh(): Promise<void> {
    const [verdicts, clusters, sanctions] = await Promise.all([
      this.store.listAccountVerdicts({ flaggedOnly: true }),
      this.store.listClusters(),
      this.store.listSanctions({ activeOnly: true }),
    ]);
    this.#accounts = new Map(verdicts.map((v) => [v.account, v]));
    this.#clusters = new Map(clusters.map((c) => [c.id, c]));
    this.#clusterOf = new Map(clusters.flatMap((c) => c.accounts.map((a): [string, string] => [a, c.id])));
    this.#sanctions = new Map(sanctions.map((s) => [sanctionKey(s.scope, s.subject, s.action), s]));
    this.lastRefreshAt = Date.now();
  }

  /** Loads once, then keeps refreshing; a failed refresh keeps the last good view and is counted. */
  async start(): Promise<void> {
    await this.refresh();
    this.#timer = setInterval(() => {
      this.refresh().catch(() => {
        this.refreshFailures++;
      });
    }, this.#opts.refreshMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** The latest hunt's verdict on a flagged account; undefined for everyone else. */
  accountVerdict(account: string): AccountVerdict | undefined {
    return this.#accounts.get(account);
  }

  clusterOf(account: string): string | null {
    return this.#clusterOf.get(account) ?? null;
  }

  clusterVerdict(id: string | null): ClusterVerdict | undefined {
    return id === null ? undefined : this.#clusters.get(id);
  }

  sanctioned(scope: Sanction["scope"], subject: string, action: Sanction["action"]): boolean {
    return this.#sanctions.get(sanctionKey(scope, subject, action))?.active === true;
  }

  /** A sanction this replica just decided: effective here at once, and for the others on their next refresh. */
  apply(s: Sanction): void {
    const key = sanctionKey(s.scope, s.subject, s.action);
    if (s.active) this.#sanctions.set(key, s);
    else this.#sanctions.delete(key);
  }

  async accountMeta(account: string, now = Date.now()): Promise<AccountMeta> {
    const hit = this.#meta.get(account);
    if (hit && now - hit.at < this.#opts.metaTtlMs) return hit.meta;
    const meta = (await this.store.getAccountMeta(account)) ?? {};
    this.#meta.delete(account);
    this.#meta.set(account, { meta, at: now });
    if (this.#meta.size > this.#opts.maxMetaEntries) {
      const oldest = this.#meta.keys().next().value;
      if (oldest !== undefined) this.#meta.delete(oldest);
    }
    return meta;
  }
}
