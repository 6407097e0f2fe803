import { CONVERSATION_MEMORY_MS } from "../detect/signals.js";
import type { SyncGroup } from "./timing.js";

export type SyncGroupStats = Omit<SyncGroup, "accounts" | "ties">;

/**
 * Identifiers that link accounts. Hard ones (payment, email, phone) are facts of the account, or as
 * good as one (a conversation carried on from another account); soft ones (IP on a day, tool-schema
 * set, system prompt, template family) are facts of its traffic. An API key id is not one: a key
 * belongs to the one account it bills, so an id seen under two accounts is an id numbered per account
 * ("key_01") or a redacted hint ("sk-...9a1c"), and linking on it (as this did) tied half of a
 * log's ordinary users into one cluster when every account's first key was "key_01". Crowd identifiers (a carrier's CGNAT address, a VPN exit, a popular prompt) link
 * strangers, so each kind has a cap past which a key stops linking, and template families only link
 * when their pooled traffic looks like harvesting.
 */
export type LinkKind = "payment_fp" | "email_hash" | "phone_hash" | "conversation" | "conversation_pool" | "ip_day" | "tool_schema" | "system_prompt" | "template" | "co_activity";

/**
 * A conversation's turns sent from two accounts, and the pool of accounts such conversations join
 * (transitively): as good as a shared card. The pairwise keys draw no edge of their own (see links):
 * a rotating pool hands each conversation to a random pair, and hundreds of pair keys among twenty
 * accounts made a dense random graph that Louvain cut into groups of two to four, each under the bar.
 */
export const HARD_KINDS: ReadonlySet<LinkKind> = new Set(["payment_fp", "email_hash", "phone_hash", "conversation", "conversation_pool"]);

/** Facts of the account that the log states (the conversation keys are hashes we make ourselves). */
const ACCOUNT_FACT_KINDS: ReadonlySet<LinkKind> = new Set(["payment_fp", "email_hash", "phone_hash"]);

/**
 * Bits an identifier's value can carry, read from its form once a short type prefix ("pf_",
 * "sha256:") is dropped: 4 a character for hex, 3.3 for digits, 6 for a mixed-case token. A name
 * someone gave ("pf_family", "card-ring-07") is assigned one per thing, not drawn at random, so chance
 * cannot make two of them equal: Infinity.
 */
export function identifierBits(value: string): number {
  const body = value.replace(/^[A-Za-z][A-Za-z0-9]{0,11}[_:-]/, "");
  if (/^[0-9]+$/.test(body)) return body.length * Math.log2(10);
  if (/^[0-9a-fA-F]+$/.test(body)) return body.length * 4;
  if (/^[0-9A-Za-z]+$/.test(body) && /[A-Z]/.test(body) && /[a-z]/.test(body) && /[0-9]/.test(body)) return body.length * Math.log2(62);
  return Infinity;
}

/**
 * Account facts shorter than this are not proof. A real card fingerprint or email hash carries 64 bits
 * or more; "pf_9a1c" (the contract's own example form) carries 16, and strangers share such values by
 * chance: with 4 hex digits, 773 accounts flagged 5 ordinary users through a card a ring also "used",
 * and 29 with 3 digits (what 4 digits do to a log of ~12,000 accounts). Below 32 bits a fact links
 * only among three or more accounts (a chance triple is rare; a ring's card has many users), with a
 * soft link's weight, and never flags anyone on its own.
 */
export const MIN_HARD_ID_BITS = 32;

/** Whether a key is proof on its own that its members are one operator's (see MIN_HARD_ID_BITS). */
export const isHardLink = (k: LinkKey): boolean => HARD_KINDS.has(k.kind) && !k.weak;

/** How long a flagged cluster's egress addresses stay watched for new heads after it was last seen there. */
export const EGRESS_WATCH_MS = 30 * 86_400_000;

/**
 * Whether an account that is not flagged becomes a flagged cluster's new head by carrying one of its
 * values: the hunt's rule for a newcomer at its first request, and the gateway's between hunts (one
 * rule, so the two agree). A hard identifier (card, email, phone) is proof for anyone, a programme
 * account too; an identical tool-schema set is, for any account outside a programme that is not established
 * (verified, or a month old); anything softer (a prompt family, an egress address) only for a new, unverified
 * account that itself carries it. A tool set is software anyone can run: a fleet that sent a popular coding
 * client's own tool set had the client's other users flagged through it (29 of its 80 established users), and they
 * are the client's customers, not the fleet's.
 */
export function takesTaint(link: { hard: boolean; kind: LinkKind }, account: { covered: boolean; youngUnverified: boolean; established: boolean; carries: boolean }): boolean {
  if (link.hard) return true;
  if (account.covered) return false;
  return (link.kind === "tool_schema" && !account.established) || (account.youngUnverified && account.carries);
}

/** Established senders from which a tool set is a client's that customers run, not a fleet's own harness. */
export const CLIENT_MIN_CUSTOMERS = 3;

/**
 * Whether a tool-schema set is a client's: CLIENT_MIN_CUSTOMERS established accounts send it. A fleet's
 * own harness has no customers; a coding client that a fleet also runs (or mimics) has many, and its
 * set then marks nobody as the fleet's: a fleet sending a popular client's set had the client's newer
 * users refused between hunts as its heads (749 of 12,364 ordinary requests in a replay with daily hunts).
 */
export const isClientToolSet = (k: LinkKey): boolean => k.kind === "tool_schema" && k.customers >= CLIENT_MIN_CUSTOMERS;

/** Members past which a key is a crowd and links nobody. */
export const CROWD_CAP: Record<LinkKind, number> = {
  payment_fp: 500,
  email_hash: 500,
  phone_hash: 500,
  conversation: 500,
  conversation_pool: 50_000,
  ip_day: 60,
  tool_schema: 50_000,
  system_prompt: 50_000,
  template: 50_000,
  co_activity: 50_000,
};

const DAY = 86_400_000;
/** Keys with one member are forgotten after this long: memory follows accounts and live keys, not exchanges. */
export const SINGLETON_TTL_MS = 3 * DAY;
export const IP_WINDOW_MS = 14 * DAY;
/**
 * Prompt families (templates, frames, system prompts) nobody has used for this long are forgotten
 * unless a flagged cluster used them: new frames appear with traffic, so keeping every family ever
 * shared would grow memory with the log rather than with the accounts.
 */
export const FAMILY_TTL_MS = 21 * DAY;
/** A flagged cluster's template families are remembered longer: a harness often resurfaces after a pause. */
export const TAINTED_FAMILY_TTL_MS = 90 * DAY;
const SMALL_FAMILY = 3;
/**
 * Prompt families one account may belong to at once. A harness account fills a new family with
 * nearly every request (the payload-specific tail and exact-text frames), and those one-member
 * families were most of the hunt's memory; past the cap the account's stalest family that nobody
 * else shares makes room, so memberships stay within accounts × this cap. Families shared with
 * other accounts, the ones that link, are never given up for a new one.
 */
export const FAMILIES_PER_ACCOUNT = 48;
const NO_FAMILIES: ReadonlySet<LinkKey> = new Set();

/** Prompt families: keys of what requests say (a system prompt, a template) rather than of who sends them. */
export const isFamily = (kind: LinkKind): boolean => kind === "template" || kind === "system_prompt";

/**
 * No members yet: most keys (a payload-specific template, a frame of one request) are seen by requests
 * that do not join them and never gain a member, so they share this empty set instead of each holding
 * one; only the index adds members, and it gives a key its own set on the first.
 */
const NO_MEMBERS: ReadonlySet<string> = new Set<string>();

/**
 * One identifier value of one kind. A class rather than a literal so that its `kind:value` id is built
 * only when asked for (clusters and reports): keys are created about twice per exchange and most die
 * unlinked, so their allocation is what the hunt's garbage collector spends its time copying.
 */
export class LinkKey {
  members: ReadonlySet<string> = NO_MEMBERS;
  crowd = false;
  /** Pooled request evidence, for families (templates, system prompts). */
  requests = 0;
  cotHits = 0;
  /** Requests whose top domain is rubric grading. */
  rubric = 0;
  /**
   * Requests that carried the key from a member, and from anyone else (a person sending a prompt a
   * harness also sends, a programme account): how much of the key's use is its members', which
   * decides whether it is theirs to share as intel (see MIN_FLAGGED_SHARE in hunt/engine.ts).
   */
  memberRequests = 0;
  outsideRequests = 0;

  /** The share of the requests carrying the key that came from its members (0 before any). */
  get memberShare(): number {
    const all = this.memberRequests + this.outsideRequests;
    return all === 0 ? 0 : this.memberRequests / all;
  }
  /**
   * For families: whether the requests carrying it differ in their text (masked as templates are). A
   * harness's frame holds ever new payloads; a family whose every request is one text is a prompt people
   * paste as it is, which a ring may send as cover as readily as strangers do (see varied below).
   */
  #onlyText: string | undefined = undefined;
  #varied = false;
  tainted = false;
  /** Tool-schema keys: established accounts (verified, or a month old at first use) that joined it, counted as they join and never taken back. */
  customers = 0;
  /** For template families: the MinHash of the first request that joined a second account (what intel shares). */
  minhash: Uint32Array | undefined = undefined;
  /** For co_activity keys: what the group's pairs showed (see cluster/timing.ts). */
  sync: SyncGroupStats | undefined = undefined;
  /** An account fact too short to be proof (see MIN_HARD_ID_BITS). */
  readonly weak: boolean;
  /** A system prompt that strangers share, an app's (see promptCrowd): it links nobody and is no harness. */
  appPrompt = false;
  #id: string | undefined = undefined;

  constructor(
    readonly kind: LinkKind,
    readonly value: string,
    public lastSeen: number,
    /** Creation order across kinds (see LinkIndex.linking). */
    readonly seq: number,
  ) {
    this.weak = ACCOUNT_FACT_KINDS.has(kind) && identifierBits(value) < MIN_HARD_ID_BITS;
  }

  get id(): string {
    return (this.#id ??= `${this.kind}:${this.value}`);
  }

  /** Records the text (a template's exact hash) of a request carrying this family. */
  sawText(exact: string): void {
    if (this.#varied) return;
    if (this.#onlyText === undefined) this.#onlyText = exact;
    else if (this.#onlyText !== exact) {
      this.#varied = true;
      this.#onlyText = undefined;
    }
  }

  /**
   * The family has carried more than one text: a frame around payloads, not one prompt passed around.
   * An arena prompt that itself ends "Let's work this out in a step by step way" joins a ring's accounts
   * that send it as cover to every stranger who pastes it too: as a flagged cluster's prompt it marked
   * new users as the ring's heads (2 of 420 in a 30-day log from a generator of our own, not the simulator).
   */
  get varied(): boolean {
    return this.#varied;
  }
}

export class LinkIndex {
  /**
   * Keys by kind, then by value, so a lookup uses the value string the signals already hold instead
   * of building (and hashing) a `kind:value` string for every identifier of every exchange.
   */
  private readonly byKind = new Map<LinkKind, Map<string, LinkKey>>();
  /** Keys created so far: each key's `seq`, so that linking keys come out in creation order without a second set of every key. */
  private created = 0;
  /** Each account's current family memberships (for the per-account cap). */
  private readonly familiesOf = new Map<string, Set<LinkKey>>();

  /** Records `account` on a key; with `join: false` the key sees the request (stats, lastSeen) without the account joining. */
  add(kind: LinkKind, value: string, account: string, ts: number, join = true): LinkKey {
    let ofKind = this.byKind.get(kind);
    if (!ofKind) this.byKind.set(kind, (ofKind = new Map()));
    let key = ofKind.get(value);
    if (!key) {
      key = new LinkKey(kind, value, ts, this.created++);
      ofKind.set(value, key);
    }
    if (ts > key.lastSeen) key.lastSeen = ts;
    if (join && !key.crowd && !key.members.has(account) && (!isFamily(kind) || this.makeFamilyRoom(account, key))) {
      key.members = key.members === NO_MEMBERS ? new Set<string>().add(account) : (key.members as Set<string>).add(account);
      // A second member draws the key's first edges, both of them; a lone member links nobody.
      const size = key.members.size;
      if (size >= 2) this.changed += size === 2 ? 2 : 1;
      if (size > CROWD_CAP[kind]) {
        this.changed += size;
        this.forgetMembers(key);
        key.crowd = true; // a crowd key links nobody; its members need not be held
      }
    }
    return key;
  }

  /** Registers `key` among the account's families, evicting its stalest unshared one at the cap; false when all are shared. */
  private makeFamilyRoom(account: string, key: LinkKey): boolean {
    let families = this.familiesOf.get(account);
    if (!families) this.familiesOf.set(account, (families = new Set()));
    if (families.size >= FAMILIES_PER_ACCOUNT) {
      let stalest: LinkKey | null = null;
      for (const f of families) if (f.members.size <= 1 && f !== key && (stalest === null || f.lastSeen < stalest.lastSeen)) stalest = f;
      if (stalest === null) return false;
      this.drop(stalest);
    }
    families.add(key);
    return true;
  }

  private forgetMembers(key: LinkKey): void {
    if (isFamily(key.kind)) {
      for (const m of key.members) {
        const families = this.familiesOf.get(m);
        families?.delete(key);
        if (families?.size === 0) this.familiesOf.delete(m);
      }
    }
    key.members = NO_MEMBERS;
  }

  private drop(key: LinkKey): void {
    if (key.members.size >= 2) this.changed += key.members.size;
    this.forgetMembers(key);
    this.byKind.get(key.kind)?.delete(key.value);
  }

  /** Keys held, of every kind. */
  get size(): number {
    let n = 0;
    for (const ofKind of this.byKind.values()) n += ofKind.size;
    return n;
  }

  get(kind: LinkKind, value: string): LinkKey | undefined {
    return this.byKind.get(kind)?.get(value);
  }

  /** Every key held, grouped by kind. */
  *keys(): IterableIterator<LinkKey> {
    for (const ofKind of this.byKind.values()) yield* ofKind.values();
  }

  /** The keys that link now, in creation order: Louvain's result depends on the order the graph is built in. */
  linking(): LinkKey[] {
    const out: LinkKey[] = [];
    for (const ofKind of this.byKind.values()) for (const k of ofKind.values()) if (LinkIndex.links(k)) out.push(k);
    return out.sort((a, b) => a.seq - b.seq);
  }

  /** The prompt families (system prompts and templates) an account is held in. */
  families(account: string): ReadonlySet<LinkKey> {
    return this.familiesOf.get(account) ?? NO_FAMILIES;
  }

  /** Account–family memberships held (bounded by accounts × FAMILIES_PER_ACCOUNT). */
  get familyMemberships(): number {
    let n = 0;
    for (const f of this.familiesOf.values()) n += f.size;
    return n;
  }

  /** Family evidence: does the pooled traffic of this template/system-prompt family look like a harness? */
  static suspiciousFamily(k: LinkKey): boolean {
    if (k.appPrompt || k.members.size < 3 || k.requests < 5) return false;
    // Elicitation and rubric grading, not text style or topic: the style model is too weak on short or
    // unseen prompts, and people ask about ethics and politics too (models/README.md, by-source figures).
    return k.cotHits / k.requests >= 0.3 || k.rubric / k.requests >= 0.5;
  }

  /** Marks a system prompt as an app's that strangers share: from now on it links nobody. */
  markAppPrompt(k: LinkKey): void {
    if (k.appPrompt) return;
    k.appPrompt = true;
    k.tainted = false;
    if (k.members.size >= 2) this.changed += k.members.size;
  }

  /** Whether a key currently links its members. */
  static links(k: LinkKey): boolean {
    if (k.crowd || k.members.size < (k.weak ? 3 : 2) || k.kind === "conversation") return false;
    if (isFamily(k.kind)) return LinkIndex.suspiciousFamily(k);
    return true;
  }

  /**
   * Memberships of keys with two or more members (the ones that can link) added or removed since the
   * last `takeChanged()`: clusters need rebuilding only when this is non-zero. Keys with one member
   * are most of the churn (an address seen once on a day, a one-off prompt frame) and draw no edge,
   * so they are not counted.
   */
  private changed = 0;

  takeChanged(): number {
    const c = this.changed;
    this.changed = 0;
    return c;
  }

  /**
   * Drops single-member keys not seen for SINGLETON_TTL_MS, address-day keys older than IP_WINDOW_MS
   * (shared addresses link accounts within a time window, and memory follows the window), and prompt
   * families idle for FAMILY_TTL_MS. Keys of flagged clusters (tainted) stay, except address-days
   * (the engine watches a flagged cluster's egress addresses separately, for a bounded time) and
   * families idle for TAINTED_FAMILY_TTL_MS: a rotating proxy network would otherwise leave one
   * tainted key per address per day, forever.
   */
  sweep(now: number): void {
    for (const ofKind of this.byKind.values()) {
      for (const k of ofKind.values()) {
        const idle = now - k.lastSeen;
        const family = isFamily(k.kind);
        // Keys of a time window (an address on a day, a week's lockstep) link within it and are kept as long as an address-day.
        const windowed = k.kind === "ip_day" || k.kind === "co_activity";
        // A family only a few accounts ever shared says little once it has gone quiet: harnesses that
        // vary their frames leave thousands of these, and they were most of the hunt's memory.
        const smallQuietFamily = family && k.members.size <= SMALL_FAMILY && idle > SINGLETON_TTL_MS;
        // A conversation's pair key matters only while the conversation goes on; its pool keeps what it showed.
        const endedConversation = k.kind === "conversation" && idle > CONVERSATION_MEMORY_MS;
        const expired =
          endedConversation ||
          (k.tainted
            ? smallQuietFamily || (windowed && idle > IP_WINDOW_MS) || (family && idle > TAINTED_FAMILY_TTL_MS)
            : smallQuietFamily || (k.members.size <= 1 && idle > SINGLETON_TTL_MS) || (windowed && idle > IP_WINDOW_MS) || (family && idle > FAMILY_TTL_MS));
        if (expired) this.drop(k);
      }
    }
  }
}
