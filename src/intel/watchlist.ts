import { blockKey, ipBytes, parseIpBlock, type Exchange, type IntelRecord } from "../core/index.js";
import { lshBands, minhashSimilarity, type IntelMatch, type IntelMatcher, type RequestSignals } from "../detect/index.js";
import type { IntelQuery, Store } from "../store/index.js";
import { keyedHash, keyedMinhash, minhashFromHex, type Keyring } from "./keys.js";
import { parsePattern } from "./stix.js";

interface BlockLength {
  family: 4 | 6;
  bits: number;
  byKey: Map<string, Entry[]>;
}

interface Entry {
  id: string;
  creator: string;
  confidence: number;
  /** Epoch ms the confidence was stated (the indicator's `modified`); decay runs from here. */
  statedAt: number;
  validFrom: number;
  validUntil: number;
  label: string;
}

/** An indicator that matched enough of our own vetted accounts to be a bystander's trait here. */
export interface ContestedIndicator {
  indicator: string;
  creator: string;
  label: string;
  /** The vetted accounts it matched (the first `vettedQuorum` of them). */
  accounts: string[];
}

export interface WatchlistOptions {
  keyring: Keyring;
  /** Our own identity: our own indicators do not count as outside corroboration. */
  selfId?: string;
  /** Confidence halves every this many days: proxy IPs and bought accounts get recycled. */
  halfLifeDays?: number;
  /**
   * Distinct vetted accounts (in a programme, or a verified organisation's seat: see coverHolds) an indicator must match
   * before it is contested here (default 3; 0 turns the check off).
   */
  vettedQuorum?: number;
  /** Told once per indicator, when it becomes contested: for the audit log and the analyst's opinion. */
  onContested?: (c: ContestedIndicator) => void;
}

const DAY = 86_400_000;
const OPINION_DELTA: Record<string, number> = { "strongly-disagree": -30, disagree: -15, neutral: 0, agree: 5, "strongly-agree": 10 };
const SIGHTING_DELTA = 10;
/**
 * What a contested indicator keeps of its confidence: it still shows in reasons, under every default
 * action's bar. Why contest at all: a member's export may hold a value everyone here uses (a common
 * client's TLS fingerprint, a carrier's ASN, a stock eval prompt), and a receiver that acts on any
 * match would act on its whole customer base. Our own vetted accounts are the one population we know
 * is not the campaign's, whoever's hydra is larger here; a few of them matching shows the value is a
 * bystander's. (Another provider's exporter filters such values before they leave; other tools may not.)
 */
const CONTESTED_SHARE = 0.25;
/**
 * A contest as the store keeps it, among the intel records but under a source of its own that no
 * collection serves: every replica's watchlist reads it at its next refresh, and a restart keeps it.
 * Each change is a new version of one record per indicator (`state` contested, then lifted).
 */
export const CONTEST_TYPE = "x-hydrasentry-contest";
const CONTEST_SOURCE = "local:contest";

export type ContestState = "contested" | "lifted";

/** One indicator's contest as an analyst reads it: its latest version. */
export interface Contest {
  indicator: string;
  creator: string;
  state: ContestState;
  /** Epoch ms of the latest change. */
  at: number;
  vettedAccounts: number;
  /** Who lifted it and why (lifted only). */
  by: string | null;
  note: string | null;
}

const contestId = (indicator: string): string => `${CONTEST_TYPE}--${indicator}`;

function contestVersion(c: Omit<Contest, "at">, now: number): Omit<IntelRecord, "addedAt"> {
  const id = contestId(c.indicator);
  const object = { type: CONTEST_TYPE, id, indicator: c.indicator, creator: c.creator, state: c.state, vetted_accounts: c.vettedAccounts, by: c.by, note: c.note };
  return { id, type: CONTEST_TYPE, modified: new Date(now).toISOString(), source: CONTEST_SOURCE, object };
}

/** A contest our vetted accounts have just made, as `listContests` and the watchlist hold it. */
const newContest = (c: ContestedIndicator, at: number): Contest => ({ indicator: c.indicator, creator: c.creator, state: "contested", at, vettedAccounts: c.accounts.length, by: null, note: null });

/** The stored form of a contest, which `refresh` reads back: one shape, written and read here. */
export function contestRecord(c: ContestedIndicator, now: number): Omit<IntelRecord, "addedAt"> {
  return contestVersion(newContest(c, now), now);
}

/** The version that lifts a contest: the analyst holds the indicator to be the campaign's after all. */
export function liftedContestRecord(c: Contest, by: string, note: string, now: number): Omit<IntelRecord, "addedAt"> {
  return contestVersion({ ...c, state: "lifted", by, note }, now);
}

/** A stored contest version, or null for anything else (a peer's record of the same type among them). */
function readContest(r: IntelRecord): Contest | null {
  const o = r.object;
  if (r.source !== CONTEST_SOURCE || r.type !== CONTEST_TYPE || typeof o.indicator !== "string") return null;
  const text = (v: unknown): string | null => (typeof v === "string" ? v : null);
  return {
    indicator: o.indicator,
    creator: text(o.creator) ?? "",
    // Versions written before lifting existed carry no state: they are contests.
    state: o.state === "lifted" ? "lifted" : "contested",
    at: Date.parse(r.modified) || r.addedAt,
    vettedAccounts: typeof o.vetted_accounts === "number" ? o.vetted_accounts : 0,
    by: text(o.by),
    note: text(o.note),
  };
}

/**
 * Every contest the store holds, latest version per indicator, newest first. A lift is final: a
 * replica that had not yet seen it may contest the indicator again, and that later version must not
 * undo the analyst's call.
 */
export async function listContests(store: Store): Promise<Contest[]> {
  const byIndicator = new Map<string, Contest>();
  for await (const r of intelSince(store, -1, { types: [CONTEST_TYPE], sources: [CONTEST_SOURCE] })) {
    const c = readContest(r);
    if (c) byIndicator.set(c.indicator, mergeContest(byIndicator.get(c.indicator), c));
  }
  return [...byIndicator.values()].sort((x, y) => y.at - x.at);
}

function mergeContest(prev: Contest | undefined, next: Contest): Contest {
  if (!prev) return next;
  if (prev.state === "lifted" && next.state !== "lifted") return prev;
  if (next.state === "lifted" && prev.state !== "lifted") return next;
  return next.at >= prev.at ? next : prev;
}

/** The store's intel records added after `after` (epoch ms), page by page. */
async function* intelSince(store: Store, after: number, query: Pick<IntelQuery, "types" | "sources">): AsyncGenerator<IntelRecord> {
  const PAGE = 5000;
  for (;;) {
    const page = await store.listIntel({ ...query, addedAfter: after, limit: PAGE });
    for (const r of page) {
      after = Math.max(after, r.addedAt);
      yield r;
    }
    if (page.length < PAGE) return;
  }
}

/** Share of equal MinHash bins above which a request's template counts as the shared family. */
const NEAR_DUPLICATE = 0.75;

const parseTime = (v: unknown, fallback: number): number => {
  const t = typeof v === "string" ? Date.parse(v) : Number.NaN;
  return Number.isNaN(t) ? fallback : t;
};

/**
 * Received indicators, ready to match live requests and logs. Keys are what the sender shared:
 * keyed hashes (which we recompute locally under the same consortium key), CIDR ranges and ASNs.
 * Members' sightings raise an indicator's confidence and their opinions (e.g. "disagree: false
 * positive") lower it, one vote per member.
 */
export class Watchlist implements IntelMatcher {
  readonly #opts: Required<Omit<WatchlistOptions, "selfId">> & { selfId: string | null };
  #records = new Map<string, IntelRecord>();
  #keyed = new Map<string, Entry[]>();
  /**
   * Address blocks by family and prefix length, then by the block's key: an address is looked up
   * once per prefix length held, so matching stays a few hash probes however many blocks arrive.
   */
  #blocks: BlockLength[] = [];
  #asns = new Map<number, Entry[]>();
  /** Template families by LSH band of their keyed MinHash; candidates are then compared bin by bin. */
  #minhashBands = new Map<string, Array<{ entry: Entry; sig: Uint32Array; keyId: string }>>();
  #minhashKeyIds = new Set<string>();
  #keyIds = new Set<string>();
  /** Identifier kinds some keyed indicator names: only those are hashed per request (an HMAC each). */
  #keyedKinds = new Set<string>();
  #votes = new Map<string, Map<string, number>>();
  #cursor = -1;
  /** By indicator id, across rebuilds: the vetted accounts that matched it, until it is contested. */
  readonly #vettedMatches = new Map<string, Set<string>>();
  /**
   * By indicator id: its contest here, contested or lifted, merged as `listContests` merges them (a
   * lift is final). A lifted one is never contested again, whoever matches it.
   */
  readonly #contests = new Map<string, Contest>();

  constructor(opts: WatchlistOptions) {
    this.#opts = {
      halfLifeDays: opts.halfLifeDays ?? 30,
      selfId: opts.selfId ?? null,
      keyring: opts.keyring,
      vettedQuorum: opts.vettedQuorum ?? 3,
      onContested: opts.onContested ?? (() => undefined),
    };
  }

  /** Whether our own vetted accounts have contested this indicator (see CONTESTED_SHARE). */
  isContested(indicatorId: string): boolean {
    return this.#contests.get(indicatorId)?.state === "contested";
  }

  get size(): number {
    return this.#keyed.size + this.#blocks.reduce((n, b) => n + b.byKey.size, 0) + this.#asns.size + this.#minhashBands.size;
  }

  /** Pulls what the store received since the last call and rebuilds the index. */
  async refresh(store: Store): Promise<void> {
    // Re-read from one millisecond before the newest record seen: records stored later in that same
    // millisecond would otherwise be skipped; the ones already held are recognised by version.
    let maxAdded = this.#cursor;
    for await (const r of intelSince(store, this.#cursor, { types: ["indicator", "sighting", "opinion", CONTEST_TYPE] })) {
      maxAdded = Math.max(maxAdded, r.addedAt);
      if (r.type === CONTEST_TYPE) {
        const c = readContest(r);
        if (c) this.#contests.set(c.indicator, mergeContest(this.#contests.get(c.indicator), c));
        continue;
      }
      const prev = this.#records.get(r.id);
      if (!prev || prev.modified < r.modified) this.#records.set(r.id, r);
    }
    this.#cursor = maxAdded - 1;
    this.#rebuild();
  }

  #rebuild(): void {
    this.#keyed = new Map();
    this.#blocks = [];
    this.#asns = new Map();
    this.#minhashBands = new Map();
    this.#minhashKeyIds = new Set();
    this.#keyIds = new Set();
    this.#keyedKinds = new Set();
    this.#votes = new Map();
    const vote = (target: string, member: string, delta: number): void => {
      const m = this.#votes.get(target) ?? new Map<string, number>();
      m.set(member, delta);
      this.#votes.set(target, m);
    };
    for (const r of this.#records.values()) {
      const o = r.object;
      const creator = typeof o.created_by_ref === "string" ? o.created_by_ref : r.source;
      if (r.type === "sighting" && typeof o.sighting_of_ref === "string") vote(o.sighting_of_ref, creator, SIGHTING_DELTA);
      if (r.type === "opinion" && Array.isArray(o.object_refs)) for (const ref of o.object_refs) if (typeof ref === "string") vote(ref, creator, OPINION_DELTA[String(o.opinion)] ?? 0);
    }
    for (const r of this.#records.values()) {
      const o = r.object;
      if (r.type !== "indicator" || o.revoked === true || typeof o.pattern !== "string") continue;
      const v = parsePattern(o.pattern);
      if (!v) continue;
      const creator = typeof o.created_by_ref === "string" ? o.created_by_ref : r.source;
      const votes = [...(this.#votes.get(r.id) ?? new Map<string, number>()).entries()].filter(([member]) => member !== creator).reduce((a, [, d]) => a + d, 0);
      const entry: Entry = {
        id: r.id,
        creator,
        confidence: Math.max(0, Math.min(100, (typeof o.confidence === "number" ? o.confidence : 50) + votes)),
        statedAt: parseTime(o.modified, r.addedAt),
        validFrom: parseTime(o.valid_from, 0),
        validUntil: parseTime(o.valid_until, Infinity),
        label: v.kind === "keyed" ? v.idKind : v.kind,
      };
      const push = <K>(map: Map<K, Entry[]>, key: K, e: Entry = entry): void => {
        map.set(key, [...(map.get(key) ?? []), e]);
      };
      if (v.kind === "keyed") {
        push(this.#keyed, `${v.keyId}:${v.idKind}:${v.hmac}`);
        this.#keyIds.add(v.keyId);
        this.#keyedKinds.add(v.idKind);
      } else if (v.kind === "minhash") {
        const sig = minhashFromHex(v.minhash);
        const item = { entry: { ...entry, label: "template family" }, sig, keyId: v.keyId };
        this.#minhashKeyIds.add(v.keyId);
        for (const band of lshBands(sig)) this.#minhashBands.set(`${v.keyId}:${band}`, [...(this.#minhashBands.get(`${v.keyId}:${band}`) ?? []), item]);
      } else {
        for (const cidr of v.cidrs) {
          const block = parseIpBlock(cidr);
          if (block === null) continue;
          let length = this.#blocks.find((b) => b.family === block.family && b.bits === block.bits);
          if (!length) this.#blocks.push((length = { family: block.family, bits: block.bits, byKey: new Map() }));
          push(length.byKey, block.key, { ...entry, label: `address block ${block.cidr}` });
        }
        for (const asn of v.asns) push(this.#asns, asn, { ...entry, label: `AS${asn}` });
      }
    }
  }

  /** Confidence now: votes applied, halved every half-life since it was stated, a quarter once contested, zero outside validity. */
  effectiveConfidence(e: Entry, now: number): number {
    if (now < e.validFrom || now > e.validUntil) return 0;
    const contested = this.isContested(e.id) ? CONTESTED_SHARE : 1;
    return contested * e.confidence * 0.5 ** (Math.max(0, now - e.statedAt) / (this.#opts.halfLifeDays * DAY));
  }

  /** Counts a vetted account's match; contests the indicator once `vettedQuorum` distinct ones matched. */
  #vettedMatch(e: Entry, account: string, now: number): void {
    if (this.#contests.has(e.id)) return;
    let accounts = this.#vettedMatches.get(e.id);
    if (!accounts) this.#vettedMatches.set(e.id, (accounts = new Set()));
    accounts.add(account);
    if (accounts.size < this.#opts.vettedQuorum) return;
    const contest: ContestedIndicator = { indicator: e.id, creator: e.creator, label: e.label, accounts: [...accounts] };
    this.#contests.set(e.id, newContest(contest, now));
    this.#vettedMatches.delete(e.id);
    this.#opts.onContested(contest);
  }

  /** Confidence of one indicator by id, as this watchlist sees it now (for tests and the CLI). */
  confidenceOf(indicatorId: string, now: number): number | null {
    for (const map of [this.#keyed, ...this.#blocks.map((b) => b.byKey), this.#asns] as Array<Map<unknown, Entry[]>>) {
      for (const entries of map.values()) for (const e of entries) if (e.id === indicatorId) return this.effectiveConfidence(e, now);
    }
    return null;
  }

  match(ex: Exchange, s: RequestSignals, now: number, vetted: boolean): IntelMatch {
    const hits: Entry[] = [];
    if (this.#keyed.size > 0) {
      const values: Array<[string, string | null | undefined]> = [
        ["payment_fp", ex.accountMeta.paymentFp],
        ["email_hash", ex.accountMeta.emailHash],
        ["phone_hash", ex.accountMeta.phoneHash],
        ["tls_fp", ex.client.tlsFp],
        ["user_agent", ex.client.userAgent],
        ["tool_schema", s.toolSchemaHash],
        ["system_prompt", s.systemPromptHash],
      ];
      // Read only when needed: the template signature is computed on first read.
      if (this.#keyedKinds.has("template")) values.push(["template", s.template.templated ? s.template.exact : null], ...s.template.frames.map((f): [string, string] => ["template", f]));
      for (const keyId of this.#keyIds) {
        const key = this.#opts.keyring.get(keyId);
        if (!key) continue;
        for (const [kind, value] of values) {
          if (!value || !this.#keyedKinds.has(kind)) continue;
          const found = this.#keyed.get(`${keyId}:${kind}:${keyedHash(key, kind, value)}`);
          if (found) hits.push(...found);
        }
      }
    }
    if (this.#minhashBands.size > 0 && s.template.templated) {
      for (const keyId of this.#minhashKeyIds) {
        const key = this.#opts.keyring.get(keyId);
        if (!key) continue;
        const sig = keyedMinhash(key, s.template.minhash);
        const seen = new Set<Entry>();
        for (const band of lshBands(sig)) {
          for (const cand of this.#minhashBands.get(`${keyId}:${band}`) ?? []) {
            if (seen.has(cand.entry)) continue;
            seen.add(cand.entry);
            if (minhashSimilarity(sig, cand.sig) >= NEAR_DUPLICATE) hits.push(cand.entry);
          }
        }
      }
    }
    const address = ex.client.ip && this.#blocks.length > 0 ? ipBytes(ex.client.ip) : null;
    if (address !== null) {
      for (const length of this.#blocks) {
        if (length.family !== address.family) continue;
        const found = length.byKey.get(blockKey(address.bytes, length.bits));
        if (found) hits.push(...found);
      }
    }
    if (ex.client.asn !== undefined) {
      const found = this.#asns.get(ex.client.asn);
      if (found) hits.push(...found);
    }
    // Our own indicators are neither corroboration nor ours to contest.
    const theirs = hits.filter((e) => e.creator !== this.#opts.selfId);
    if (theirs.length === 0) return { matches: 0, sources: 0, maxConfidence: 0, reasons: [] };
    if (this.#opts.vettedQuorum > 0 && vetted) for (const e of theirs) this.#vettedMatch(e, ex.account, now);
    const live = theirs.map((e) => ({ e, c: this.effectiveConfidence(e, now) })).filter((h) => h.c > 0);
    if (live.length === 0) return { matches: 0, sources: 0, maxConfidence: 0, reasons: [] };
    const ids = new Set(live.map((h) => h.e.id));
    const sources = new Set(live.map((h) => h.e.creator));
    live.sort((a, b) => b.c - a.c);
    return {
      matches: ids.size,
      sources: sources.size,
      maxConfidence: Math.round(live[0]?.c ?? 0),
      reasons: live.slice(0, 3).map((h) => `intel: ${h.e.label} matches ${h.e.id} from ${h.e.creator} (confidence ${Math.round(h.c)}${this.isContested(h.e.id) ? ", contested: it matched our vetted accounts" : ""})`),
    };
  }
}
