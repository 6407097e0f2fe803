import type { AccountMeta, AccountVerdict, ClusterVerdict, Sanction } from "../core/index.js";
import type { Store, Versioned } from "../store/index.js";
import { ClusterHeads, type HeadMatch, type HeadRequest } from "./heads.js";

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
  /**
   * Time of the newest change seen per sanction key, lifts included: a replayed or late message, or
   * a store read that has not caught up with a lift, must not bring back what a newer change ended.
   */
  readonly #latest = new Map<string, number>();
  /** Accounts whose suspension as a new head was lifted, by a hunt that did not flag them or an analyst (Sanction.head). */
  #clearedHeads = new Set<string>();
  #clusterOf = new Map<string, string>();
  #heads = new ClusterHeads([]);
  /** The store's versions (Store.version) of what the maps above hold; undefined before the first read. */
  readonly #readAt: Record<Versioned, string | null | undefined> = { results: undefined, sanctions: undefined };
  readonly #meta = new Map<string, { meta: AccountMeta; at: number }>();
  #timer: NodeJS.Timeout | null = null;
  readonly #opts: Required<ViewOptions>;
  lastRefreshAt = 0;
  refreshFailures = 0;

  constructor(
    private readonly store: Store,
    opts: ViewOptions = {},
  ) {
    // Not a spread over defaults: a caller passing `{ refreshMs: undefined }` (an unset CLI option)
    // got setInterval(fn, undefined), a refresh from the store every millisecond.
    this.#opts = { refreshMs: opts.refreshMs ?? 5_000, metaTtlMs: opts.metaTtlMs ?? 60_000, maxMetaEntries: opts.maxMetaEntries ?? 200_000 };
  }

  /**
   * Reads what can change a decision: flagged accounts, clusters (with their members) and active
   * sanctions. Unflagged verdicts are not loaded: with millions of accounts they would be most of
   * the read and change nothing. Each is read again only when the store's version of it says it was
   * written: a hunt of 459,359 accounts left 153,311 flagged, whose reading took 0.8 s and stalled the
   * event loop up to 326 ms, and 30,000 standing sanctions 53–106 ms, at every refresh.
   */
  async refresh(): Promise<void> {
    // Versions first: what is written after them is read now or at the next refresh, never missed.
    const [resultsAt, sanctionsAt] = await Promise.all([this.store.version("results"), this.store.version("sanctions")]);
    const [results, sanctions] = await Promise.all([
      resultsAt !== this.#readAt.results ? Promise.all([this.store.listAccountVerdicts({ flaggedOnly: true }), this.store.listClusters()]) : null,
      // Lifts too: their times keep an older ban, replayed or late, from coming back.
      sanctionsAt !== this.#readAt.sanctions ? this.store.listSanctions() : null,
    ]);
    if (results) {
      this.#loadResults(...results);
      this.#readAt.results = resultsAt;
    }
    if (sanctions) {
      this.#loadSanctions(sanctions);
      this.#readAt.sanctions = sanctionsAt;
    }
    this.lastRefreshAt = Date.now();
  }

  #loadSanctions(sanctions: readonly Sanction[]): void {
    const loaded = new Map<string, Sanction>();
    for (const x of sanctions) {
      const key = sanctionKey(x.scope, x.subject, x.action);
      if ((this.#latest.get(key) ?? -Infinity) > x.ts) continue;
      this.#latest.set(key, x.ts);
      if (x.active) loaded.set(key, x);
      this.#noteHead(x);
    }
    // A change heard on the bus that the store does not show yet stays in force until it does.
    for (const [key, x] of this.#sanctions) if (!loaded.has(key) && this.#latest.get(key) === x.ts) loaded.set(key, x);
    this.#sanctions = loaded;
  }

  #noteHead(s: Sanction): void {
    if (s.scope !== "account" || s.action !== "suspend") return;
    if (!s.active && s.head) this.#clearedHeads.add(s.subject);
    else this.#clearedHeads.delete(s.subject);
  }

  #loadResults(verdicts: AccountVerdict[], clusters: ClusterVerdict[]): void {
    this.#accounts = new Map(verdicts.map((v) => [v.account, v]));
    this.#clusters = new Map(clusters.map((c) => [c.id, c]));
    // A flagged cluster's members that the hunt did not flag are not its (see clusterOf).
    this.#clusterOf = new Map(clusters.flatMap((c) => c.accounts.filter((a) => !c.flagged || this.#accounts.has(a)).map((a): [string, string] => [a, c.id])));
    this.#heads = new ClusterHeads(clusters);
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

  /**
   * The account's cluster at the latest hunt. A flagged or banned cluster's members that the hunt did not
   * flag are not its: it flags only members that carry some of the evidence themselves (a card shared with
   * one that does, the group's harness, their own asks), and a person Louvain placed beside a ring through
   * a shared address or prompt is left out. Banning the cluster's whole member list refused that person
   * anyway (careful-ring 0.5 seed 3, weekly hunts replayed: a casual user in a 3-account cluster, 20
   * requests). A ban outlives the flag: a group banned at one hunt and scored under the bar at the next
   * still held the ban, and its unflagged members fell under it (a coding client's users that a fleet
   * mimicking the client had been grouped with: 472 requests from 42 of them refused, daily hunts replayed).
   */
  clusterOf(account: string): string | null {
    const id = this.#clusterOf.get(account);
    if (id === undefined) return null;
    // A ban can be heard at any time (the sanction bus), so only it is read per request.
    if (!this.#accounts.has(account) && this.sanctioned("cluster", id, "ban")) return null;
    return id;
  }

  /**
   * The flagged cluster whose own value this request carries, making its account a new head (see
   * ClusterHeads); never an account whose suspension as a head a hunt or an analyst has lifted. A
   * hunt that read its traffic and did not flag it judged on more than one shared value: a person on
   * a residential ISP whose /24 a hydra's proxies had used was otherwise taken for a head again at
   * its next request from there, suspended again, and lapsed again at the next hunt.
   */
  headOf(account: string, r: HeadRequest): HeadMatch | null {
    return this.#clearedHeads.has(account) ? null : this.#heads.find(r);
  }

  clusterVerdict(id: string | null): ClusterVerdict | undefined {
    return id === null ? undefined : this.#clusters.get(id);
  }

  sanctioned(scope: Sanction["scope"], subject: string, action: Sanction["action"]): boolean {
    return this.#sanctions.get(sanctionKey(scope, subject, action))?.active === true;
  }

  /**
   * A sanction decided here or heard on the sanction bus: effective at once. Older than what is
   * already known for the same subject and action, it changes nothing (returns false).
   */
  apply(s: Sanction): boolean {
    const key = sanctionKey(s.scope, s.subject, s.action);
    const latest = this.#latest.get(key) ?? -Infinity;
    if (latest > s.ts || (latest === s.ts && this.#sanctions.has(key) === s.active)) return false;
    this.#latest.set(key, s.ts);
    if (s.active) this.#sanctions.set(key, s);
    else this.#sanctions.delete(key);
    this.#noteHead(s);
    return true;
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
