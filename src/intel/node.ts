import type { Hono } from "hono";
import { ArgumentError } from "../core/index.js";
import type { BodyEnv } from "../gateway/index.js";
import type { Store } from "../store/index.js";
import type { IntelNodeConfig } from "./config.js";
import { pullFromPeer, pushToPeer } from "./taxii-client.js";
import { taxiiApp } from "./taxii-server.js";
import { contestRecord, liftedContestRecord, listContests, Watchlist, type Contest } from "./watchlist.js";

/**
 * The watchlist a provider matches with, gateway or hunt: our own indicators are not corroboration,
 * and an indicator our vetted accounts contest is audited, so an analyst can answer it with an
 * opinion, and stored, so every replica's watchlist holds it from its next refresh and a restart keeps it.
 */
export function auditedWatchlist(config: Pick<IntelNodeConfig, "keyring" | "identity">, store: Store, actor: string, onError: (err: unknown) => void): Watchlist {
  return new Watchlist({
    keyring: config.keyring,
    selfId: config.identity.id,
    onContested: (c) => {
      const now = Date.now();
      const reason = `${c.label} indicator from ${c.creator} matched ${c.accounts.length} vetted accounts here; its confidence is cut to a quarter`;
      store.appendAudit({ ts: now, actor, kind: "intel.contested", subject: c.indicator, action: "contest", reasons: [reason], detail: { creator: c.creator, accounts: c.accounts } }).catch(onError);
      store.putIntel(contestRecord(c, now), now).catch(onError);
    },
  });
}

/**
 * An analyst's answer to a contest: the indicator is the campaign's after all (our vetted accounts
 * matched it for a reason of their own, or were themselves misused). It gets its full confidence back
 * on every replica from its next refresh, is never contested here again, and the lift is audited.
 */
export async function liftContest(store: Store, input: { indicator: string; by: string; note: string }, now = Date.now()): Promise<Contest> {
  const contest = (await listContests(store)).find((c) => c.indicator === input.indicator);
  if (!contest) throw new ArgumentError(`no contest of ${input.indicator} here`, { indicator: input.indicator });
  if (contest.state === "lifted") throw new ArgumentError(`the contest of ${input.indicator} was already lifted by ${contest.by ?? "someone"}`, { indicator: input.indicator });
  // A version one millisecond past the contest's, should the clock be behind the replica that wrote it.
  const at = Math.max(now, contest.at + 1);
  await store.putIntel(liftedContestRecord(contest, input.by, input.note, at), now);
  await store.appendAudit({ ts: now, actor: input.by, kind: "intel.contest_lifted", subject: input.indicator, action: "lift", reasons: [input.note], detail: { creator: contest.creator, contestedAt: contest.at } });
  return { ...contest, state: "lifted", at, by: input.by, note: input.note };
}

/**
 * A provider's running part of the consortium: the TAXII server on its collection, the watchlist
 * the gateway matches against, and the schedule that syncs peers and refreshes the watchlist.
 */
export class IntelNode {
  readonly watchlist: Watchlist;
  #timers: NodeJS.Timeout[] = [];
  lastError: string | null = null;

  constructor(
    readonly config: IntelNodeConfig,
    private readonly store: Store,
  ) {
    this.watchlist = auditedWatchlist(config, store, "gateway", (err) => (this.lastError = `audit: ${err instanceof Error ? err.message : String(err)}`));
  }

  mount(app: Hono<BodyEnv>): void {
    const taxii = taxiiApp({
      store: this.store,
      title: `${this.config.identity.name} TAXII`,
      collections: [this.config.collection],
      members: this.config.members,
      pinned: this.config.pinned,
    });
    app.route("/taxii2", taxii);
  }

  async syncOnce(): Promise<void> {
    for (const peer of this.config.peers) {
      try {
        await pullFromPeer(this.store, peer);
        if (peer.push) await pushToPeer(this.store, peer, this.config.collection.id);
      } catch (err) {
        this.lastError = `${peer.name}: ${err instanceof Error ? err.message : String(err)}`;
      }
    }
    await this.watchlist.refresh(this.store);
  }

  async start(refreshMs = 30_000): Promise<void> {
    await this.watchlist.refresh(this.store);
    const every = (ms: number, fn: () => Promise<void>): void => {
      const t = setInterval(() => void fn().catch((err: unknown) => (this.lastError = String(err))), ms);
      t.unref();
      this.#timers.push(t);
    };
    every(refreshMs, () => this.watchlist.refresh(this.store));
    if (this.config.peers.length > 0) every(this.config.syncEveryMs, () => this.syncOnce());
  }

  stop(): void {
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
  }
}
