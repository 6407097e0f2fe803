import { createHash } from "node:crypto";
import { AgedMap, networkOf, subscriberOf, type AccountMeta, type AccountVerdict, type ClusterIndicator, type ClusterVerdict, type Exchange, type IndicatorKind } from "../core/index.js";
import { ActivityWindows, CommunityGraph, CROWD_CAP, isClientToolSet, isFamily, lockstepMembers, ownElicitingTemplates, MIN_SYNC_GROUP, type SyncGroup, groupHarnesses, HARNESS_FLEET_SHARE, isFleet, runsFleetWay, customerKeys, isHardLink, keysOfOneCustomer, ONE_ORG_MAX, type OwnerKind, LinkIndex, OPEN_GROUP_MAX, openTeams, ownAppPrompts, promptCrowd, teamsFamily, scoreCluster, takesTaint, EGRESS_WATCH_MS, type Community, type LinkKey, type LinkKind, type OwnTemplates, type PromptCrowd } from "../cluster/index.js";
import { AccountState, coverHolds, coverLapse, establishedAtStart, isYoungUnverified, ownElicitation, scoreAccount } from "../detect/account.js";
import { loadDefaultModel, type ExtractionStyleModel } from "../detect/classifier.js";
import { DOMAINS } from "../detect/domains.js";
import { gradesInSchema } from "../detect/answer-schema.js";
import { askBesideStanding, COT_HIT } from "../detect/cot.js";
import { isPhraseFrame, isSentenceFrame } from "../detect/template.js";
import { CONVERSATION_MEMORY_MS, requestSignals, takeTurn, type ConversationTurn, type RequestSignals } from "../detect/signals.js";
import type { IntelMatcher } from "../detect/intel-match.js";
import type { HuntEngine } from "./hunt.js";
import { beyondHabit, beyondHabitInOwnFrames, OWN_FRAMES_MIN_FAMILIES } from "./own-evidence.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/**
 * Distinct conversations two accounts carry on between them before they are linked (see
 * carryConversation). At two, histories written with one canned answer, half of all traffic from 50
 * openings and 3 follow-ups, still linked a family plan to a ring through one heavy user who collided
 * with a ring account twice in an afternoon; at three the reseller leaks 3.0% of its exchanges (0.7%
 * when any second account was read as the conversation carried on).
 */
const CONVERSATIONS_TO_LINK = 3;
/** Requests of a small prompt family between two judgements of whether teams in the open send it. */
const TEAMS_RECHECK = 256;
/** How long a pair's carried conversations are counted after the last one. */
const CARRIED_PAIR_MEMORY_MS = 14 * DAY;

/**
 * Flagged users an address-day needs before the address is watched as a cluster's egress: a ring
 * rotating through its exits puts several accounts on each; a carrier's address where two of a
 * day's three users were campaign accounts flagged two new casual users behind it for a month.
 */
const EGRESS_MIN_FLAGGED = 3;
const WEEK = 7 * DAY;
/** Link-graph size (account–identifier memberships) past which Louvain runs are rationed. */
const LARGE_GRAPH_MEMBERSHIPS = 5000;
/** Growth (share of its exchanges at the last score) after which an active community is rescored between Louvain runs. */
const RESCORE_GROWTH = 0.02;
/** Members up to which a community is rescored at every account tick it was active. */
const SMALL_COMMUNITY = 64;

export interface EngineOptions {
  model?: ExtractionStyleModel;
  /** How often (log time) dirty accounts are rescored. */
  accountTickMs?: number;
  /** How often (log time) clusters are rebuilt and scored. */
  clusterTickMs?: number;
  accountThreshold?: number;
  clusterThreshold?: number;
  /** Shared threat intel to match every exchange against (the gateway uses the same matcher). */
  intel?: IntelMatcher;
  /** A match at or above this confidence (0-100) flags the account, programme or not: it is hard evidence from outside. */
  intelConfidence?: number;
}

interface Flag {
  at: number;
  score: number;
  reasons: string[];
  /** What flagged it: its own score, a flagged cluster's identifier (taint), shared intel, or its cluster's score. */
  source: "account" | "taint" | "intel" | "cluster";
}


/** A community's members by the hard-identifier and tool-schema keys they share within it; `checkedAt`: exchanges at a member's last look. */
interface MemberLinks {
  inCommunity: ReadonlySet<string>;
  hard: Map<string, LinkKey[]>;
  toolSchema: Map<string, LinkKey[]>;
  /** The community's own tool-schema sets that HARNESS_FLEET_SHARE of it sends: the harness the group runs. */
  harnesses: ReadonlySet<LinkKey>;
  /** The largest share of members sending one of the community's own tool-schema sets. */
  harnessShare: number;
  /** The one prompt family holding the community together, if so (see promptCrowd). */
  promptCrowd: PromptCrowd | null;
  /** The community is small teams working in the open (see openTeams). */
  openTeams: boolean;
  /** Every key of the customer the community is, if it is one customer's few keys or one organisation's seats (see customerKeys). */
  customerKeys: ReadonlySet<string> | null;
  /** Members in a lockstep group with at least two others of the community. */
  lockstep: ReadonlySet<string>;
  /** The community is a fleet of throwaway accounts driven one way (see isFleet). */
  fleet: boolean;
  checkedAt: Map<string, number>;
}

interface CommunityEntry {
  community: Community;
  key: string;
  members: string[];
  links: LinkKey[];
  score: number;
  reasons: string[];
}

/**
 * A new head's reason names how many flagged accounts share its card or harness, counted this far:
 * counting them all was a pass over the key's every member at each head's first request, and on a
 * log whose hydra opened a fresh account an hour on one card (459,359 accounts) that quadratic pass
 * was an eighth of the hunt (74 s).
 */
const FLAGGED_PEERS_COUNTED = 1000;
/**
 * A member's own signs: its requests that ask for the reasoning, or for grading in a harness's frame.
 * A request that both elicits and joins a family is one sign, not two (the larger count, not the sum).
 */
const ownSigns = (st: AccountState): number => Math.max(st.harnessAsks, st.cotHits);
/** The largest community read as a possible piece of a ring for its own templates (see ownTemplatesOf). */
const FRAGMENT_MAX = 64;
/** Requests through harness-like prompt families that an account new to the log must have sent (see newToLog). */
const NEW_TO_LOG_MIN_SIGNS = 2;
/** How far into the log an account must first appear before its first appearance says it is new (see newToLog). */
const NEW_TO_LOG_AFTER = 7 * DAY;
/** How long after its first appearance such an account still counts as new (see newToLog). */
const NEW_TO_LOG_FOR = 72 * HOUR;

/**
 * The detection engine as it would run online: fed exchanges in log-time order, it updates account
 * state and link keys per exchange, rescores accounts every few minutes and clusters every few hours
 * of log time, and never looks ahead. `firstFlaggedAt` is the log time of the flag.
 */
export class DetectionEngine implements HuntEngine {
  private readonly model: ExtractionStyleModel;
  private readonly accounts = new Map<string, AccountState>();
  private readonly links = new LinkIndex();
  /** Each account's recent minutes of activity, for lockstep groups (see cluster/timing.ts). */
  private readonly activity = new ActivityWindows();
  private readonly dirty = new Set<string>();
  private readonly flags = new Map<string, Flag>();
  private readonly accountScores = new Map<string, { score: number; reasons: string[] }>();
  private readonly accountTick: number;
  private readonly clusterTick: number;
  private readonly accountThreshold: number;
  private readonly clusterThreshold: number;
  /**
   * Egress addresses of flagged clusters (shared by 3+ members on a day) → until when they stay
   * watched, keyed as ip_day keys them: an IPv4 address or an IPv6 /64 (see subscriberOf).
   */
  private readonly taintedIps = new Map<string, number>();
  private nextAccountTick = -Infinity;
  private nextClusterTick = -Infinity;
  private now = -Infinity;
  private communities: Community[] = [];
  private readonly graph = new CommunityGraph();
  private membershipOf: Community[] | null = null;
  private readonly communityEntries = new WeakMap<Community, CommunityEntry>();
  /** Communities with a member that sent something since they were last scored → how many exchanges. */
  private readonly unscored = new Map<Community, number>();
  private readonly communityMemberLinks = new WeakMap<Community, MemberLinks>();
  private communityScores = new WeakMap<Community, { exchanges: number; score: number; reasons: string[]; ownFamilies: readonly LinkKey[]; tainted: boolean; settled: boolean }>();
  private pendingChanges = 0;
  private lastMemberships = 0;
  private lastLouvainAt = -Infinity;
  private lastSweepAt = -Infinity;
  private startTs: number | null = null;
  /** Latest components: account → [cluster key, score, reasons]. */
  private membership = new Map<string, CommunityEntry>();

  constructor(
    private readonly accountsTable: ReadonlyMap<string, AccountMeta> = new Map(),
    opts: EngineOptions = {},
  ) {
    this.model = opts.model ?? loadDefaultModel();
    this.accountTick = opts.accountTickMs ?? 15 * MINUTE;
    this.clusterTick = opts.clusterTickMs ?? 6 * HOUR;
    this.accountThreshold = opts.accountThreshold ?? 0.9;
    this.clusterThreshold = opts.clusterThreshold ?? 0.8;
    this.intel = opts.intel ?? null;
    this.intelConfidence = opts.intelConfidence ?? 70;
  }

  private readonly intel: IntelMatcher | null;
  private readonly intelConfidence: number;

  /** Flags on the first exchange that matches shared intel confidently enough. `covered`: the account's cover holds, as observe read it for this exchange. */
  private checkIntel(ex: Exchange, st: AccountState, s: RequestSignals, covered: boolean): void {
    if (!this.intel) return;
    const m = this.intel.match({ ...ex, accountMeta: st.meta }, s, ex.ts, covered);
    if (m.matches === 0 || m.maxConfidence < this.intelConfidence) return;
    this.flags.set(ex.account, { at: ex.ts, score: Math.min(1, 0.8 + m.maxConfidence / 500), reasons: m.reasons.slice(0, 3), source: "intel" });
  }

  /** What the engine holds, for memory accounting: it should follow accounts, not exchanges. */
  stats(): { accounts: number; linkKeys: number; familyMemberships: number } {
    return { accounts: this.accounts.size, linkKeys: this.links.size, familyMemberships: this.links.familyMemberships };
  }

  observe(batch: readonly Exchange[], signalOf?: (i: number) => RequestSignals): void {
    for (let i = 0; i < batch.length; i++) this.observeOne(batch[i] as Exchange, signalOf?.(i));
  }

  private state(ex: Exchange): AccountState {
    let st = this.accounts.get(ex.account);
    if (!st) {
      st = new AccountState();
      const table = this.accountsTable.get(ex.account);
      if (table) st.meta = { ...table };
      this.accounts.set(ex.account, st);
    }
    return st;
  }

  private observeOne(ex: Exchange, precomputed?: RequestSignals): void {
    if (ex.ts >= this.nextAccountTick) {
      this.rescoreAccounts(ex.ts);
      // Communities keep their members between Louvain runs, but their pooled evidence grows with
      // every request: rescoring them is cheap and flags a ring as soon as its evidence is in.
      this.rescoreCommunities(ex.ts);
      this.nextAccountTick = Math.floor(ex.ts / this.accountTick) * this.accountTick + this.accountTick;
    }
    if (ex.ts >= this.nextClusterTick) {
      this.rebuildClusters(ex.ts);
      this.nextClusterTick = Math.floor(ex.ts / this.clusterTick) * this.clusterTick + this.clusterTick;
    }
    this.now = Math.max(this.now, ex.ts);
    const s = precomputed ?? requestSignals(ex, this.model);
    const st = this.state(ex);
    if (this.startTs === null) this.startTs = ex.ts;
    const week = Math.max(0, Math.floor((ex.ts - this.startTs) / WEEK));
    st.weekly.set(week, (st.weekly.get(week) ?? 0) + 1);
    // Inline account_meta wins over the accounts table (spec), so observe() applies it after.
    const systemPrompt = s.systemPromptHash === null ? undefined : this.links.get("system_prompt", s.systemPromptHash);
    // The reasoning this request asks for, unless an app's system prompt alone asks it (see excuseAppPrompt).
    const cot = ownElicitation(s, systemPrompt?.appPrompt === true);
    st.observe(ex, s, cot);
    if (st.meta.org) this.addSeat(st.meta.org, ex.account);
    const covered = coverHolds(st);
    // Scratch, reused: the keys this exchange touched are read only by checkTaint below.
    const touched = this.touched;
    touched.length = 0;
    this.link(ex, "payment_fp", st.meta.paymentFp);
    this.link(ex, "email_hash", st.meta.emailHash);
    this.link(ex, "phone_hash", st.meta.phoneHash);
    // One subscriber's addresses: an IPv6 pool that draws a fresh address per request from one /64 is one exit.
    const subscriber = ex.client.ip ? subscriberOf(ex.client.ip) : undefined;
    // Programme accounts are exempt from behaviour-based links: their covered traffic links nobody.
    if (!covered) {
      this.activity.record(ex.account, ex.ts);
      if (subscriber) this.link(ex, "ip_day", `${subscriber}@${Math.floor(ex.ts / DAY)}`);
      this.link(ex, "tool_schema", s.toolSchemaHash);
      this.carryConversation(ex, s.conversationKey);
      // An account joins a template family only through a request that itself elicits reasoning or
      // asks for rubric grading: a person who happens to send a popular prompt a harness also sends
      // (cover traffic) is not linked to the harness by it.
      const harnessLike = cot >= 0.4 || s.topDomain === "rubric";
      const bySystemPrompt = this.family(ex, s, cot, "system_prompt", s.systemPromptHash, harnessLike);
      // A template family (what the user's turn says) is joined, and its asks counted, by what the user's
      // side asks: where only the app's instructions ask, the question is the student's, and students of
      // six tutoring apps sending one textbook's problems were tied by them into a flagged ring (an outside
      // generator, session 54), as a harness's items would tie its accounts.
      const itemCot = Math.min(cot, askBesideStanding(s.cotEvidence));
      // So is grading: a grader's schema is the app's instructions, and the texts it grades are its users'.
      const itemGrading = s.topDomain === "rubric" && !(ex.answerSchema !== undefined && gradesInSchema(ex.answerSchema));
      const itemLike = itemCot >= 0.4 || itemGrading;
      let byTemplate = false;
      if (s.template.templated) byTemplate = this.family(ex, s, itemCot, "template", s.template.exact, itemLike) || byTemplate;
      for (const f of s.template.frames) {
        // A sentence's family is the account's only as its habit (see sentenceFrames in detect/template.ts),
        // and is not touched otherwise: most sentences (a question's first) are one request's own, and a
        // key made for each would only be one more for the sweep to drop.
        if (isSentenceFrame(f) && !(itemLike && st.repeatsSentence(f))) continue;
        byTemplate = this.family(ex, s, itemCot, "template", f, itemLike) || byTemplate;
      }
      if (bySystemPrompt || byTemplate) st.countHarness(byTemplate ? null : s.systemPromptHash, harnessLike);
    } else {
      this.countProgrammeUse(s);
    }
    this.dirty.add(ex.account);
    const community = this.membership.get(ex.account)?.community;
    if (community) this.unscored.set(community, (this.unscored.get(community) ?? 0) + 1);
    if (!this.flags.has(ex.account)) this.checkTaint(ex, st, s, touched, covered, subscriber);
    if (!this.flags.has(ex.account)) this.checkIntel(ex, st, s, covered);
  }

  /** Each recent conversation's latest turn: who sent it, when, and how long the conversation was then. */
  private readonly conversations = new AgedMap<string, ConversationTurn>(CONVERSATION_MEMORY_MS);
  /** Per pair of accounts, how many distinct conversations they carried on from each other (see carryConversation). */
  private readonly carriedPairs = new AgedMap<string, { n: number; last: string }>(CARRIED_PAIR_MEMORY_MS);
  /** Accounts that carried on each other's conversations, as a union-find forest (child → parent). */
  private readonly poolParent = new Map<string, string>();

  private poolOf(account: string): string {
    let root = account;
    for (let up = this.poolParent.get(root); up !== undefined && up !== root; up = this.poolParent.get(root)) root = up;
    // Path compression, so long rotations stay shallow.
    for (let at = account; at !== root; ) {
      const up = this.poolParent.get(at) as string;
      this.poolParent.set(at, root);
      at = up;
    }
    return root;
  }

  /**
   * A follow-up's conversation, and when another account carried it on, the pool both belong to:
   * pools merge as conversations cross them, under the smaller root id (deterministic). The pool key
   * counts the requests that carried a conversation on; a merged-away root's key keeps its members
   * until they next carry one, so the two keys overlap and Louvain keeps the pool whole.
   *
   * Another account sending the same opening is not always the conversation carried on (see takeTurn
   * and carriesOn: strangers' word-for-word openings); and two accounts are linked only once they have
   * carried on CONVERSATIONS_TO_LINK distinct conversations between them: a pool rotating accounts per
   * request does that within hours, strangers colliding by chance almost never.
   */
  private carryConversation(ex: Exchange, key: string | null): void {
    if (!key) return;
    const last = this.conversations.get(key);
    const shared = this.links.get("conversation", key);
    const { turn, from } = takeTurn(last, ex.account, ex.turnCount, ex.ts, shared?.members.has(ex.account));
    if (turn === null) return;
    this.conversations.set(key, turn, ex.ts);
    if (from === null) {
      if (shared && !turn.canned) this.joinConversation(ex, key);
      return;
    }
    const pair = from < ex.account ? `${from}\u0000${ex.account}` : `${ex.account}\u0000${from}`;
    const before = this.carriedPairs.get(pair);
    const n = before === undefined ? 1 : before.last === key ? before.n : before.n + 1;
    this.carriedPairs.set(pair, { n, last: key }, ex.ts);
    if (n < CONVERSATIONS_TO_LINK) return;
    if (!shared) this.links.add("conversation", key, from, (last as ConversationTurn).ts);
    this.joinConversation(ex, key);
  }

  /** Puts the account in a conversation carried across accounts, and both in one pool. */
  private joinConversation(ex: Exchange, key: string): void {
    const conversation = this.link(ex, "conversation", key);
    if (!conversation || conversation.members.size < 2) return;
    for (const other of conversation.members) {
      const a = this.poolOf(other);
      const b = this.poolOf(ex.account);
      if (a !== b) this.poolParent.set(a < b ? b : a, a < b ? a : b);
    }
    const root = this.poolOf(ex.account);
    const pool = this.link(ex, "conversation_pool", root);
    if (!pool) return;
    pool.requests++;
    for (const other of conversation.members) if (!pool.members.has(other)) this.links.add("conversation_pool", root, other, ex.ts);
  }

  /** Each organisation's accounts, as their own facts name it: an organisation links nobody, but one customer's seats are read by it (see customerKeys). */
  private readonly orgSeats = new Map<string, Set<string>>();

  private addSeat(org: string, account: string): void {
    const seats = this.orgSeats.get(org);
    // Past ONE_ORG_MAX an organisation is no one customer whoever else joins it: memory stays bounded per organisation.
    if (seats) {
      if (seats.size <= ONE_ORG_MAX) seats.add(account);
    } else this.orgSeats.set(org, new Set([account]));
  }

  /** Every account holding an owner fact (see customerKeys): a card's, email's or phone's link key members, an organisation's seats. */
  private readonly holdersOf = (kind: OwnerKind, value: string): ReadonlySet<string> | undefined =>
    kind === "org" ? this.orgSeats.get(value) : this.links.get(kind, value)?.members;

  /** Scratch for observeOne: the link keys one exchange touched. */
  private readonly touched: LinkKey[] = [];
  /** Per small prompt family, whether its senders' own use explains it (teams in the open, one customer's keys), and when that was judged (see family). */
  private readonly ownUseFamilies = new WeakMap<LinkKey, { members: number; requests: number; ownUse: boolean }>();

  /** Records the exchange's account on a link key, and the key among those this exchange touched. */
  private link(ex: Exchange, kind: LinkKind, value: string | undefined | null, join = true): LinkKey | null {
    if (!value) return null;
    const sendersBefore = kind === "tool_schema" ? (this.links.get(kind, value)?.members.size ?? 0) : 0;
    const k = this.links.add(kind, value, ex.account, ex.ts, join);
    if (kind === "tool_schema" && k.members.size > sendersBefore) {
      const st = this.accounts.get(ex.account);
      if (st && establishedAtStart(st)) k.customers++;
    }
    if (k.members.has(ex.account)) k.memberRequests++;
    else k.outsideRequests++;
    this.touched.push(k);
    return k;
  }

  /**
   * Links a prompt family and pools this request's evidence into it; true when the family looks like a
   * harness shared across accounts, which the family of teams working in the open is not (see teamsFamily).
   */
  private family(ex: Exchange, s: RequestSignals, cot: number, kind: "system_prompt" | "template", value: string | null, join: boolean): boolean {
    const k = this.link(ex, kind, value, join);
    if (!k) return false;
    this.recordFamily(k, s, cot);
    if (!LinkIndex.suspiciousFamily(k)) return false;
    if (k.members.size > OPEN_GROUP_MAX) return true;
    // Judged again when the family gains or loses a sender, and every TEAMS_RECHECK requests (a
    // sender may start rotating), not on every request: a ring's small families are hit all day.
    let judged = this.ownUseFamilies.get(k);
    if (judged === undefined || judged.members !== k.members.size || k.requests - judged.requests >= TEAMS_RECHECK) {
      const senders = [...k.members].map((m) => this.accounts.get(m) as AccountState);
      // Teams' evaluation template, or one customer's app prompt or question forms sent from its own few keys or seats.
      const ownUse = teamsFamily(senders) || keysOfOneCustomer(senders, this.holdersOf);
      judged = { members: k.members.size, requests: k.requests, ownUse };
      this.ownUseFamilies.set(k, judged);
    }
    return !judged.ownUse;
  }

  /**
   * A programme account's use of prompts and tool schemas others already send: it links nobody, but
   * it is ordinary use, so a stock eval prompt that vetted labellers send all day is not shared as a
   * campaign's. Only keys that exist are counted, so covered traffic adds no key.
   */
  private countProgrammeUse(s: RequestSignals): void {
    const touch = (kind: LinkKind, value: string | null): void => {
      const k = value === null ? undefined : this.links.get(kind, value);
      if (k) k.outsideRequests++;
    };
    touch("tool_schema", s.toolSchemaHash);
    touch("system_prompt", s.systemPromptHash);
    if (s.template.templated) touch("template", s.template.exact);
    for (const f of s.template.frames) touch("template", f);
  }

  private recordFamily(k: LinkKey, s: RequestSignals, cot: number): void {
    k.requests++;
    k.sawText(s.template.exact);
    if (k.kind === "template" && k.minhash === undefined && k.members.size >= 2) k.minhash = s.template.minhash.slice();
    if (cot >= COT_HIT) k.cotHits++;
    if (s.topDomain === "rubric") k.rubric++;
  }

  /** Flag on the first request that carries an identifier of an already-flagged cluster. */
  private checkTaint(ex: Exchange, st: AccountState, s: RequestSignals, touched: LinkKey[], covered: boolean, ip: string | undefined): void {
    const watchedUntil = ip ? this.taintedIps.get(ip) : undefined;
    // Nearly every request touches nothing of a flagged cluster: decide that before reading the account's age.
    if (watchedUntil === undefined && !touched.some((k) => k.tainted)) return;
    const stated = isYoungUnverified(st.meta, ex.ts);
    const youngUnverified = stated || this.newToLog(st, ex.ts);
    const established = establishedAtStart(st);
    if (ip && watchedUntil !== undefined && takesTaint({ hard: false, kind: "ip_day" }, { covered, youngUnverified, established, carries: true })) {
      if (watchedUntil >= ex.ts) {
        this.flags.set(ex.account, { at: ex.ts, score: 0.9, reasons: [`egress ${ip} of a flagged cluster ${youngWhy(stated)}`], source: "taint" });
        return;
      }
      this.taintedIps.delete(ip);
    }
    for (const k of touched) {
      if (!k.tainted) continue;
      const hard = isHardLink(k);
      if (!takesTaint({ hard, kind: k.kind }, { covered, youngUnverified, established, carries: k.members.has(ex.account) })) continue;
      // A prompt family marks a newcomer only while it is the cluster's own, as the gateway's heads
      // (its indicators) must be: a popular prompt a ring sends as cover is one strangers send too.
      // Without this a day-old account that asked for "an A level exam question … with a mark scheme",
      // a prompt a ring had used as cover (read as rubric grading), was flagged as the ring's head.
      // Nor one prompt passed around as it is (see LinkKey.varied): strangers paste it as the ring does.
      if (isFamily(k.kind) && (k.memberShare < MIN_FLAGGED_SHARE || !k.varied)) continue;
      // Nor is a client's tool set the fleet's (see isClientToolSet).
      if (isClientToolSet(k)) continue;
      const strongSoft = k.kind === "tool_schema" && !covered;
      // The account itself is not flagged (checkTaint runs only for those that are not).
      const flaggedPeers = this.flaggedCount(k, FLAGGED_PEERS_COUNTED);
      // One flagged account on an address that day is not a ring's exit: a residential proxy exit is
      // somebody's home, and a new user behind it (smoke seed 2: 64 ordinary requests) was flagged
      // at first sight. Two flagged users of one address in a day are the ring rotating through it.
      if (k.kind === "ip_day" && flaggedPeers < 2) continue;
      // A key that grew into a crowd after it was tainted holds no members to count (a card on all 800
      // of a campaign's accounts read "shared with 0 flagged accounts"): say what is known instead.
      const shared = k.crowd
        ? `of a flagged cluster, on more than ${CROWD_CAP[k.kind]} accounts`
        : `shared with ${flaggedPeers >= FLAGGED_PEERS_COUNTED ? `${FLAGGED_PEERS_COUNTED}+` : flaggedPeers} flagged accounts`;
      this.flags.set(ex.account, {
        at: ex.ts,
        score: 0.95,
        reasons: [`${k.kind} ${displayValue(k)} ${shared}${hard ? "" : youngUnverified && !strongSoft ? ` ${youngWhy(stated)}` : ""}`],
        source: "taint",
      });
      return;
    }
  }

  /**
   * An account whose creation time and verification the log does not state, first seen at least
   * NEW_TO_LOG_AFTER into the log and under NEW_TO_LOG_FOR before `at`, that has already sent
   * NEW_TO_LOG_MIN_SIGNS requests through harness-like prompt families: as new as the log can tell,
   * so what a stated young age allows (a flagged cluster's prompt family or egress marking it as a new
   * head, see takesTaint) follows from it. Account facts are optional in a log; without them a hydra's
   * new heads carried its eliciting templates for a median of seven requests each before their own
   * evidence flagged them (22% of its exchanges sent before detection, 3% with the same accounts' ages
   * stated). A first appearance is weaker than a stated age (a regular user's first visit of the month
   * looks the same), hence the shorter window and the two requests: with a week and one request, six
   * ordinary users who had sent one of a hydra's cover prompts were flagged in a 30-day log.
   */
  private newToLog(st: AccountState, at: number): boolean {
    const { meta } = st;
    if (meta.createdAt !== undefined || meta.verified === true || this.startTs === null) return false;
    return st.firstTs - this.startTs >= NEW_TO_LOG_AFTER && at - st.firstTs < NEW_TO_LOG_FOR && st.harnessHits >= NEW_TO_LOG_MIN_SIGNS;
  }

  private rescoreAccounts(now: number): void {
    for (const id of this.dirty) {
      const st = this.accounts.get(id) as AccountState;
      const sc = scoreAccount(st);
      this.accountScores.set(id, sc);
      if (!this.flags.has(id) && !coverHolds(st) && sc.score >= this.accountThreshold) {
        this.flags.set(id, { at: Math.min(now, st.lastTs), score: sc.score, reasons: sc.reasons, source: "account" });
      }
    }
    this.dirty.clear();
  }

  private rebuildClusters(now: number, force = false): void {
    this.rescoreAccounts(now);
    // Expiry is measured in days, so sweeping every key once a log-day is enough (it walks them all).
    if (force || now - this.lastSweepAt >= DAY) {
      this.links.sweep(now);
      this.linkLockstep(now);
      this.conversations.age(now);
      this.carriedPairs.age(now);
      this.lastSweepAt = now;
    }
    for (const [ip, until] of this.taintedIps) if (until < now) this.taintedIps.delete(ip);
    // Louvain re-runs when links changed materially or a week has passed. On a small link graph that
    // is cheap, so any 2% change at a cluster tick counts; on a large one (costly runs) it takes a 10%
    // change and a log-day since the last run. Between runs the current communities are rescored on
    // their members' growing evidence every account tick, and newcomers carrying a flagged cluster's
    // identifiers are caught at their first request (taint). Deterministic: no wall-clock input.
    this.pendingChanges += this.links.takeChanged();
    const large = this.lastMemberships >= LARGE_GRAPH_MEMBERSHIPS;
    const material =
      this.pendingChanges >= Math.max(20, (large ? 0.1 : 0.02) * this.lastMemberships) && (!large || now - this.lastLouvainAt >= DAY);
    if (!force && !(material || now - this.lastLouvainAt >= 7 * DAY)) {
      this.rescoreCommunities(now);
      return;
    }
    this.pendingChanges = 0;
    this.lastLouvainAt = now;
    this.graph.update(this.links.linking());
    this.lastMemberships = this.graph.memberships;
    this.communities = this.graph.communities();
    this.rescoreCommunities(now, force);
  }

  /**
   * Links the groups that worked in lockstep over the last week, once a log-day: one key per group
   * and day, kept as long as an address-day (a fleet that goes on working renews its tie each day).
   */
  private linkLockstep(now: number): void {
    const day = Math.floor(now / DAY);
    for (const g of this.activity.groups(now)) {
      const value = `${g.accounts[0] as string}@${day}`;
      let key: LinkKey | null = null;
      for (const account of g.accounts) key = this.links.add("co_activity", value, account, now);
      if (key) key.sync = { pairs: g.pairs, shared: g.shared, occasions: g.occasions, hours: g.hours, lift: g.lift };
      this.flagLockstepPartners(g, now);
    }
  }

  /**
   * A group's accounts that passed the lockstep test with a flagged account, once the group holds
   * MIN_SYNC_GROUP flagged ones: they worked in its minutes themselves. Louvain may place such an
   * account with the strangers behind its carrier's addresses instead (a day's addresses are many
   * keys, a day's lockstep one), and the fleet's cluster never weighed it.
   */
  private flagLockstepPartners(g: SyncGroup, now: number): void {
    let flagged = 0;
    for (const m of g.accounts) if (this.flags.has(m)) flagged++;
    if (flagged < MIN_SYNC_GROUP) return;
    for (const [a, b] of g.ties) {
      const [account, partner] = this.flags.has(a) ? [b, a] : [a, b];
      if (this.flags.has(account) || !this.flags.has(partner)) continue;
      const st = this.accounts.get(account) as AccountState;
      this.flags.set(account, {
        at: Math.min(now, st.lastTs + 1),
        score: 0.9,
        reasons: [`works in lockstep with ${partner}, one of ${flagged} flagged accounts of a ${g.accounts.length}-account lockstep group (the week to ${new Date(now).toISOString().slice(0, 10)})`],
        source: "cluster",
      });
    }
  }

  private rescoreCommunities(now: number, force = false): void {
    // The account → community map changes only when Louvain reshapes communities; scores are
    // updated in place in each community's entry.
    const rebuildMap = this.membershipOf !== this.communities;
    if (rebuildMap) this.membership = new Map();
    // Between Louvain runs only communities whose members sent something can change: scoring every
    // community at every account tick was the largest cost on the hunt's main thread.
    const recountAll = force || rebuildMap;
    const todo = recountAll ? this.communities : [...this.unscored.keys()];
    // A recount reads every current community's exchanges afresh, and drops those Louvain dissolved.
    if (recountAll) this.unscored.clear();
    for (const community of todo) {
      const { accounts: members, links } = community;
      const fresh = this.unscored.get(community) ?? 0;
      let cached = this.communityScores.get(community);
      // Every member flagged and flags are never withdrawn: nothing to decide until Louvain reshapes it.
      if (!force && !rebuildMap && cached?.settled === true) {
        this.unscored.delete(community);
        continue;
      }
      // A score moves with the community's pooled ratios, so between Louvain runs a large community is
      // recomputed once it has grown by RESCORE_GROWTH since its last score, not at every tick it was
      // active: large organic communities (an office, a carrier's NAT) are active at nearly every tick,
      // and rescoring each of them (a pass over every member) was most of what the account tick cost.
      // Small ones, a reseller's handful of accounts, cost little and are rescored whenever active.
      const recount = recountAll || !cached;
      let exchanges = cached && !recount ? cached.exchanges + fresh : 0;
      if (recount) for (const m of members) exchanges += (this.accounts.get(m) as AccountState).exchanges;
      const due = (c: { exchanges: number }): boolean =>
        recount ? c.exchanges !== exchanges : members.length <= SMALL_COMMUNITY ? fresh > 0 : fresh >= RESCORE_GROWTH * c.exchanges;
      if (!cached || force || due(cached)) {
        const { inCommunity, harnessShare, promptCrowd: crowd, openTeams: teams, customerKeys: customer, lockstep } = this.memberLinks(community);
        if (crowd?.family.kind === "system_prompt") this.excuseAppPrompt(crowd.family);
        const states = members.map((m) => this.accounts.get(m) as AccountState);
        // The prompt families its members send, gathered once for the two readings that take them: one
        // customer's own app prompts, and a community small enough to be a piece of a ring (ownTemplatesOf).
        const fragment = members.length <= FRAGMENT_MAX;
        const families = customer || fragment ? this.familiesOfAll(members) : null;
        // Whether the asks rest on the app's own prompts changes as they come, so it is read at each score.
        const appPrompts = customer && families && ownAppPrompts(customer, states, families, (hash) => this.links.get("system_prompt", hash));
        const ownTemplates = this.ownTemplatesOf(fragment ? families : null, links, inCommunity);
        const sc = scoreCluster(states, links, {
          alreadyFlagged: this.flaggedOnOtherEvidence(members),
          harnessShare,
          promptCrowd: crowd,
          openTeams: teams,
          appPrompts,
          lockstep: lockstep.size,
          ownTemplates,
        });
        cached = { exchanges, score: sc.score, reasons: sc.reasons, ownFamilies: ownTemplates.keys, tainted: cached?.tainted ?? false, settled: false };
        this.communityScores.set(community, cached);
        this.unscored.delete(community);
      }
      let entry = this.communityEntries.get(community);
      if (!entry) {
        entry = { community, key: members[0] as string, members, links, score: cached.score, reasons: cached.reasons };
        this.communityEntries.set(community, entry);
      }
      entry.score = cached.score;
      entry.reasons = cached.reasons;
      if (rebuildMap) for (const m of members) this.membership.set(m, entry);
      if (cached.score < this.clusterThreshold || cached.settled) continue;
      const newlyFlagged = this.flagMembers(community, cached.score, cached.reasons, cached.ownFamilies, now);
      if (newlyFlagged > 0 || !cached.tainted) {
        this.taintFlaggedLinks(links, now);
        cached.tainted = true;
      }
      // Every member flagged: nothing left to decide for this community until Louvain reshapes it.
      cached.settled = members.every((m) => this.flags.has(m));
    }
    this.membershipOf = this.communities;
  }

  /**
   * An app's system prompt, shared by strangers (see promptCrowd): it stops linking, and its users'
   * reasoning asks and harness hits that rested on it alone are taken back. They would otherwise
   * flag the app's users in every small group they form (a family plan, neighbours behind one
   * address), and its heavy users on their own, since the app asks for reasoning in every request.
   */
  private excuseAppPrompt(k: LinkKey): void {
    if (k.appPrompt) return;
    this.links.markAppPrompt(k);
    for (const m of k.members) {
      this.accounts.get(m)?.excusePrompt(k.value);
      this.dirty.add(m);
    }
  }

  /**
   * The community's own eliciting templates (see ownElicitingTemplates). A community of up to
   * FRAGMENT_MAX accounts, the size Louvain cuts a prompt-tied ring into, is read with the families its
   * members send wherever Louvain put their nodes (`memberFamilies`), and with the senders of each it
   * holds only part of; a larger one (`memberFamilies` null) by its own links alone, as a piece of a ring
   * is not that large and the families of thousands of members (an office, a carrier's address) would
   * cost a pass over all of them per score.
   */
  private ownTemplatesOf(memberFamilies: ReadonlySet<LinkKey> | null, links: readonly LinkKey[], inCommunity: ReadonlySet<string>): OwnTemplates {
    if (memberFamilies === null) return ownElicitingTemplates(links, inCommunity);
    // ownElicitingTemplates reads each family once, so one held both ways is not counted twice.
    return ownElicitingTemplates([...memberFamilies, ...links], inCommunity, {
      familiesOf: (a) => this.links.families(a),
      elicits: (a) => {
        const st = this.accounts.get(a);
        return st !== undefined && beyondHabitInOwnFrames(ownSigns(st), st.exchanges);
      },
      // As the score counts its own: greedy re-sends of prompts already answered harvest nothing.
      asks: (a) => {
        const st = this.accounts.get(a);
        return st === undefined ? 0 : Math.max(0, st.cotHits - st.greedyResends);
      },
    });
  }

  /** The prompt families any of `accounts` is held in. */
  private familiesOfAll(accounts: readonly string[]): Set<LinkKey> {
    const out = new Set<LinkKey>();
    for (const a of accounts) for (const f of this.links.families(a)) out.add(f);
    return out;
  }

  /** Members flagged by something other than a cluster's score: what a group's caught members vouch for (scoreCluster). */
  private flaggedOnOtherEvidence(members: readonly string[]): number {
    let n = 0;
    for (const m of members) {
      const source = this.flags.get(m)?.source;
      if (source !== undefined && source !== "cluster") n++;
    }
    return n;
  }

  /** Each member's hard-identifier and tool-schema keys within a community (computed once per community). */
  private memberLinks(community: Community): MemberLinks {
    let cached = this.communityMemberLinks.get(community);
    if (!cached) {
      const inCommunity = new Set(community.accounts);
      const hard = new Map<string, LinkKey[]>();
      const toolSchema = new Map<string, LinkKey[]>();
      for (const l of community.links) {
        const into = isHardLink(l) ? hard : l.kind === "tool_schema" ? toolSchema : null;
        if (!into) continue;
        for (const m of l.members) {
          if (!inCommunity.has(m)) continue;
          const keys = into.get(m);
          if (keys) keys.push(l);
          else into.set(m, [l]);
        }
      }
      const lockstep = lockstepMembers(community.links, inCommunity);
      const states = community.accounts.map((m) => this.accounts.get(m) as AccountState);
      const established = new Set(community.accounts.filter((_, i) => establishedAtStart(states[i] as AccountState)));
      const own = groupHarnesses(community.links, inCommunity, established);
      const harnesses = new Set(own.filter((h) => h.share >= HARNESS_FLEET_SHARE).map((h) => h.key));
      const harnessShare = own.reduce((best, h) => Math.max(best, h.share), 0);
      const crowd = promptCrowd(community.accounts, states, community.links);
      const teams = openTeams(community.accounts, states, community.links);
      const customer = customerKeys(community.accounts, states, community.links, this.holdersOf);
      cached = { inCommunity, hard, toolSchema, harnesses, harnessShare, promptCrowd: crowd, openTeams: teams, customerKeys: customer, lockstep, fleet: isFleet(states), checkedAt: new Map() };
      this.communityMemberLinks.set(community, cached);
    }
    return cached;
  }

  /**
   * A member carries evidence itself: more requests asking for the reasoning, or for grading in a
   * harness's frame, than a person's habit explains (see beyondHabit). Requests that only touch a
   * family others joined with their asks are not the member's own: a tutoring app sending benchmark
   * items a ring harvested was flagged as the ring's for them (1–2 of 60 apps in each of three logs
   * without account facts from a generator written outside the simulator). One sign is never enough
   * however the member came into the community: a person behind a VPN exit a fleet's account also used
   * was flagged as the fleet's for one; so was a person whose one eliciting request (of six) was a
   * popular prompt ("… Let's think step by step.") a ring sent as cover, which put it in the ring's
   * prompt family (anthropic-2026 0.01 s13 with cover from the organic corpus, two samplings of it).
   */
  private hasOwnEvidence(st: AccountState): boolean {
    return beyondHabit(ownSigns(st), st.exchanges);
  }

  /**
   * A member sends the community's own asks: it is in OWN_FRAMES_MIN_FAMILIES or more of the eliciting
   * template families nobody outside the community sends (see ownElicitingTemplates), and its signs pass
   * the habit's lower bar for such frames (see beyondHabitInOwnFrames). A ring's harness words its asks its
   * own way; a member mixing one ask into ten ordinary requests still sends them in the ring's words.
   */
  private sendsOwnAsks(m: string, st: AccountState, ownFamilies: readonly LinkKey[]): boolean {
    if (ownFamilies.length < OWN_FRAMES_MIN_FAMILIES) return false;
    let sent = 0;
    for (const k of ownFamilies) if (k.members.has(m) && ++sent >= OWN_FRAMES_MIN_FAMILIES) break;
    return sent >= OWN_FRAMES_MIN_FAMILIES && beyondHabitInOwnFrames(ownSigns(st), st.exchanges);
  }

  /**
   * Whether one of `keys` ties `m` to another member of the community that is flagged or carries
   * evidence itself. A card or tool-schema set shared only within a group that shows nothing (a
   * family plan, an office app) ties that group to itself, not to the ring Louvain grouped it with:
   * counting any such key as proof flagged whole families whose one member had joined a campaign's
   * template family with a few requests.
   */
  private tiedToEvidence(m: string, keys: readonly LinkKey[] | undefined, links: MemberLinks): boolean {
    if (!keys) return false;
    for (const k of keys) {
      for (const peer of k.members) {
        if (peer === m || !links.inCommunity.has(peer)) continue;
        if (this.flags.has(peer) || this.hasOwnEvidence(this.accounts.get(peer) as AccountState)) return true;
      }
    }
    return false;
  }

  /**
   * Marks the identifiers of a flagged cluster that a flagged member carries, so that a newcomer
   * using one is caught at its first request (checkTaint). Only those: a card shared within a group
   * Louvain placed beside a ring, none of whom is flagged (a family plan), is not the ring's card.
   * An address is watched as the cluster's egress only once at least half of its day's users are
   * flagged: a carrier's shared address that one campaign account also used, among mostly ordinary
   * users, is their address too, and watching it flagged the next new user behind it. Members are
   * flagged over time, so an address-day already marked is looked at again on each call (which also
   * renews the watch while the cluster keeps being flagged and the address-day is remembered).
   */
  private taintFlaggedLinks(links: readonly LinkKey[], now: number): void {
    for (const k of links) {
      if (k.appPrompt) continue;
      if (!k.tainted) {
        if (!this.anyFlagged(k)) continue;
        k.tainted = true;
      }
      if (k.kind !== "ip_day" || k.members.size < 3) continue;
      const ip = k.value.slice(0, k.value.lastIndexOf("@"));
      const flaggedUsers = this.flaggedCount(k);
      if (flaggedUsers >= EGRESS_MIN_FLAGGED && flaggedUsers * 2 >= k.members.size) this.taintedIps.set(ip, now + EGRESS_WATCH_MS);
    }
  }

  private anyFlagged(k: LinkKey): boolean {
    for (const m of k.members) if (this.flags.has(m)) return true;
    return false;
  }

  /** Flagged members of `k`, counted up to `atMost`. */
  private flaggedCount(k: LinkKey, atMost = Infinity): number {
    let n = 0;
    for (const m of k.members) if (this.flags.has(m) && ++n >= atMost) break;
    return n;
  }

  /** Flags the members the cluster's evidence covers; returns how many it flagged. */
  private flagMembers(community: Community, score: number, reasons: string[], ownFamilies: readonly LinkKey[], now: number): number {
    let flagged = 0;
    const { accounts: members, links } = community;
    const memberLinks = this.memberLinks(community);
    const { inCommunity, hard, toolSchema, harnesses, lockstep, fleet, checkedAt } = memberLinks;
    let linkSummary: string | null = null;
    for (const m of members) {
      if (this.flags.has(m)) continue;
      const st = this.accounts.get(m) as AccountState;
      // Skip members unchanged since the last look: their own evidence moves only with their traffic,
      // and a peer flagged meanwhile (see tiedToEvidence) is weighed at the member's next request.
      if (checkedAt.get(m) === st.exchanges) continue;
      checkedAt.set(m, st.exchanges);
      const hardLinked = this.tiedToEvidence(m, hard.get(m), memberLinks);
      // Accounts whose cover holds (a programme, a verified organisation's seat) are flagged in a flagged cluster only through hard identifiers.
      if (coverHolds(st) && !hardLinked) continue;
      // A member must carry some of the evidence itself: one shared prompt or address among a
      // person's ordinary traffic does not make them part of the ring. Shared addresses never
      // suffice alone (neighbours behind a carrier's NAT share them day after day too); payment or
      // identity facts, or an identical tool-schema set, do: one shared with a member that carries
      // evidence, or the group's own harness that most of it runs (then the group is the harness
      // fleet the score weighed, not bystanders Louvain placed beside one).
      const runsGroupHarness = toolSchema.get(m)?.some((k) => harnesses.has(k)) === true;
      // Or the rotation itself, done by the member: its own requests carried on conversations the
      // group's other accounts were in (one client handing each turn to the next account). A reseller's
      // pool asking for no reasoning in words carried nothing else, and its cluster, scored 0.95 on
      // that rotation, had no member flagged (anthropic-2026 0.01 s13 with the asks removed: 0 of 10).
      const rotatesConversations = hard.get(m)?.some((k) => k.kind === "conversation_pool") === true;
      // Or working in lockstep with the group's others, which is its own timing too (see cluster/timing.ts).
      const inLockstep = lockstep.has(m);
      // Or, in a fleet, running the fleet way itself: a pipeline's throwaway accounts that ask for nothing in
      // words carry no evidence one by one (150 agent accounts on a residential pool, each asking for the
      // most reasoning on every call, were grouped and scored 0.99 with none flagged).
      const fleetMember = fleet && runsFleetWay(st);
      // A tool set shared with a member that carries evidence ties only an account that is not a customer in
      // standing, as a flagged cluster's tool set marks only such a newcomer (see takesTaint): a fleet sending a
      // popular coding client's own set had 35 ordinary users flagged through it (29 of the client's 80 established users).
      const toolTied = !establishedAtStart(st) && this.tiedToEvidence(m, toolSchema.get(m)?.filter((k) => !isClientToolSet(k)), memberLinks);
      if (!hardLinked && !runsGroupHarness && !rotatesConversations && !inLockstep && !fleetMember && !this.hasOwnEvidence(st) && !toolTied && !this.sendsOwnAsks(m, st, ownFamilies)) continue;
      linkSummary ??= summariseLinks(links, 3, inCommunity)
        .map((l) => `${l.kind} ${l.value}${l.accounts > 2 ? ` ×${l.accounts}` : ""}`)
        .join(", ");
      this.flags.set(m, {
        at: Math.min(now, st.lastTs + 1),
        score,
        reasons: [`member of a ${members.length}-account cluster scored ${score.toFixed(2)} (linked by ${linkSummary})`, ...reasons.slice(0, 3)],
        source: "cluster",
      });
      flagged++;
    }
    return flagged;
  }

  /**
   * The cluster's cards, emails and phones that grew past the crowd cap after a flagged cluster's
   * tainting (they link nobody, and hold no members): counted from the members' own facts, so that a
   * campaign's one card on 800 accounts, the plainest fact about it, is among its links in the report,
   * and the gateway finds that card's new heads as the hunt does.
   */
  private crowdFacts(states: readonly AccountState[]): Map<LinkKey, number> {
    const counts = new Map<LinkKey, number>();
    for (const st of states) {
      for (const k of this.factKeys(st)) if (k.crowd && k.tainted) counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    return counts;
  }

  /** The account's card, email and phone keys, where it has them. */
  private *factKeys(st: AccountState): IterableIterator<LinkKey> {
    for (const [kind, value] of [["payment_fp", st.meta.paymentFp], ["email_hash", st.meta.emailHash], ["phone_hash", st.meta.phoneHash]] as const) {
      const k = value ? this.links.get(kind, value) : undefined;
      if (k) yield k;
    }
  }

  finish(): { accounts: AccountVerdict[]; clusters: ClusterVerdict[] } {
    this.rebuildClusters(this.now, true);
    const clusterIds = new Map<string, string>();
    const groups = [...new Map([...this.membership.values()].map((e) => [e.key, e])).values()].sort(
      (a, b) => b.members.length - a.members.length || (a.key < b.key ? -1 : 1),
    );
    for (const g of groups) clusterIds.set(g.key, clusterIdOf(g.members, this.accounts));

    const accounts: AccountVerdict[] = [...this.accounts.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([id, st]) => {
        const flag = this.flags.get(id);
        const own = this.accountScores.get(id) ?? scoreAccount(st);
        const m = this.membership.get(id);
        const score = Math.max(own.score, flag?.score ?? 0, m && flag ? m.score : 0);
        return {
          account: id,
          score: Math.min(1, score),
          flagged: flag !== undefined,
          cluster: m ? (clusterIds.get(m.key) ?? null) : null,
          firstFlaggedAt: flag?.at ?? null,
          exchanges: st.exchanges,
          lastSeen: st.lastTs,
          reasons: flag ? withCoverLapse(flag.reasons, st) : own.reasons.slice(0, 3),
        };
      });

    const sharedHere = specificityCheck(this.accounts, this.flags, (st) => [...this.factKeys(st)].filter((k) => k.crowd));
    const clusters: ClusterVerdict[] = groups.map((g) => {
      const states = g.members.map((m) => this.accounts.get(m) as AccountState);
      const crowd = this.crowdFacts(states);
      const exchanges = states.reduce((a, s) => a + s.exchanges, 0);
      const asks = states.reduce((a, s) => a + s.cotHits, 0);
      const domains = pooledDomainShares(states, (s) => s.domainCounts, exchanges);
      const askDomains = pooledDomainShares(states, (s) => s.askDomainCounts, asks);
      const flaggedAts = g.members.map((m) => this.flags.get(m)?.at).filter((x): x is number => x !== undefined);
      return {
        id: clusterIds.get(g.key) as string,
        accounts: [...g.members].sort(),
        exchanges,
        score: g.score,
        flagged: g.score >= this.clusterThreshold,
        firstSeen: Math.min(...states.map((s) => s.firstTs)),
        lastSeen: Math.max(...states.map((s) => s.lastTs)),
        firstFlaggedAt: flaggedAts.length > 0 ? Math.min(...flaggedAts) : null,
        domains,
        asks,
        askDomains,
        links: [...summariseLinks(g.links, 12, new Set(g.members)), ...[...crowd].map(([k, n]) => ({ kind: k.kind, value: displayValue(k), accounts: n }))]
          .sort((a, b) => b.accounts - a.accounts)
          .slice(0, 12),
        reasons: g.reasons,
        infrastructure: {
          countries: new Set(states.flatMap((s) => [...s.countries])).size,
          asns: new Set(states.flatMap((s) => [...s.asns])).size,
          slash24s: new Set(states.flatMap((s) => [...s.slash24s])).size,
          userAgents: [...new Set(states.flatMap((s) => [...s.userAgents]))].slice(0, 5),
        },
        weekly: weeklySeries(states),
        indicators: clusterIndicators(g.links, states, new Set(g.members), sharedHere, crowd),
      };
    });
    return { accounts, clusters };
  }
}

/** Members' per-domain counts (kept in DOMAINS order) summed, as shares of `total`: of all a cluster sent, or of its asks. */
function pooledDomainShares(states: readonly AccountState[], countsOf: (s: AccountState) => Float64Array, total: number): Record<string, number> {
  const shares: Record<string, number> = {};
  DOMAINS.forEach((d, i) => (shares[d] = states.reduce((a, s) => a + (countsOf(s)[i] as number), 0) / Math.max(1, total)));
  return shares;
}

/**
 * A cluster's id, stable from one hunt to the next: named for its first-seen member (a hash of it, so
 * no account id leaves in a report or an export). The gateway's standing bans name clusters by id, and
 * each hunt replaces the store's clusters; numbered by size, as they were, a ring banned as cl_6 handed
 * its ban to whichever group was sixth largest at the next run (a replay of weekly hunts on
 * anthropic-2026 0.005 seed 5: 1,439 of 2,003 labellers' requests refused). The ring keeps its id for as
 * long as its first account stays in it, and an unrelated group never takes it.
 */
function clusterIdOf(members: readonly string[], accounts: ReadonlyMap<string, AccountState>): string {
  let anchor = members[0] as string;
  let first = accounts.get(anchor)?.firstTs ?? Infinity;
  for (const m of members) {
    const t = accounts.get(m)?.firstTs ?? Infinity;
    if (t < first || (t === first && m < anchor)) {
      anchor = m;
      first = t;
    }
  }
  return `cl_${createHash("sha256").update(anchor).digest("hex").slice(0, 10)}`;
}

/**
 * Values kept per kind in a cluster's indicators, most shared first. Identifiers and harness values are
 * what the gateway tells a new head by, and a hydra of 20,000 accounts holds cards by the thousand (the
 * simulated broad campaign: one card to every 16 or so accounts), so at 64 it would know a few percent of
 * them. Network traits stay at 64: a proxy pool's blocks run to tens of thousands, and they weigh least.
 */
const INDICATORS_PER_KIND = 2048;
const TRAIT_INDICATORS_PER_KIND = 64;
const SHARED_LINK_KINDS = new Set<string>(["payment_fp", "email_hash", "phone_hash", "tool_schema", "system_prompt", "template"]);
const TRAIT_KINDS = new Set<IndicatorKind>(["slash24", "asn", "tls_fp", "user_agent"]);

/**
 * Share of a value's users here that must be flagged for the value to become an indicator. Another
 * provider's watchlist matches an indicator on every request that carries it, and its policy acts on
 * the match alone. A value our own ordinary customers use is not the campaign's: a browser's TLS
 * fingerprint, a residential carrier's ASN, a stock eval prompt (MT-Bench's judge) or a common coding
 * ask's frame. Shared, such values matched 506 of 518 ordinary accounts at a simulated receiver.
 */
export const MIN_FLAGGED_SHARE = 0.8;

/** Whether a value is the campaign's own here: most of the accounts that used it are flagged. */
type SpecificityCheck = (kind: IndicatorKind, value: string, key?: LinkKey) => boolean;

/**
 * One pass over every account's network and client traits counts each value's users and flagged
 * users; link keys carry their own members. A trait past an account's tracking cap is not counted,
 * so a busy value can look rarer than it is, never commoner.
 */
function specificityCheck(accounts: ReadonlyMap<string, AccountState>, flags: ReadonlyMap<string, unknown>, crowdKeysOf: (st: AccountState) => LinkKey[]): SpecificityCheck {
  const counts = new Map<string, { users: number; flagged: number }>();
  const count = (key: string, flagged: boolean): void => {
    const c = counts.get(key) ?? { users: 0, flagged: 0 };
    c.users++;
    if (flagged) c.flagged++;
    counts.set(key, c);
  };
  for (const [id, st] of accounts) {
    const flagged = flags.has(id);
    for (const v of st.slash24s) count(`slash24:${v}`, flagged);
    for (const v of st.asns) count(`asn:${v}`, flagged);
    for (const v of st.tlsFps) count(`tls_fp:${v}`, flagged);
    for (const v of st.userAgents) count(`user_agent:${v}`, flagged);
    // Crowd keys hold no members: their users are counted from the accounts' own facts.
    for (const k of crowdKeysOf(st)) count(`${k.kind}:${k.value}`, flagged);
  }
  const mostly = (part: number, whole: number): boolean => whole > 0 && part >= MIN_FLAGGED_SHARE * whole;
  return (kind, value, key) => {
    if (!key || key.crowd) {
      const c = counts.get(`${kind}:${value}`);
      return c !== undefined && mostly(c.flagged, c.users);
    }
    // Only harness-like requests join a family, so its other users show as requests, not members.
    // One prompt passed around as it is marks no newcomer here (see checkTaint), nor at a receiver.
    if (key.memberShare < MIN_FLAGGED_SHARE || isClientToolSet(key) || (isFamily(key.kind) && !key.varied)) return false;
    let flagged = 0;
    for (const m of key.members) if (flags.has(m)) flagged++;
    return mostly(flagged, key.members.size);
  };
}

/**
 * The identifiers behind a cluster with their member counts: link keys by full value, and the
 * network and client traits two or more members share (a trait one member has says nothing), each
 * only where it is specific to flagged accounts here (see MIN_FLAGGED_SHARE).
 */
function clusterIndicators(links: readonly LinkKey[], states: readonly AccountState[], members: ReadonlySet<string>, specific: SpecificityCheck, crowd: ReadonlyMap<LinkKey, number>): ClusterIndicator[] {
  const out: ClusterIndicator[] = [];
  const byKind = new Map<IndicatorKind, Map<string, number>>();
  const minhashes = new Map<string, number[]>();
  const bump = (kind: IndicatorKind, value: string, n = 1): void => {
    const m = byKind.get(kind) ?? new Map<string, number>();
    m.set(value, (m.get(value) ?? 0) + n);
    byKind.set(kind, m);
  };
  for (const k of links) {
    // A fact too short to be proof here would match strangers at every provider it is shared with; so
    // would a phrase's family ("Let's think step by step.", a sentence or a short line), which a receiver
    // matches per request, without the habit or the company that linking it here takes.
    if (!SHARED_LINK_KINDS.has(k.kind) || k.weak || (k.kind === "template" && isPhraseFrame(k.value))) continue;
    let n = 0;
    for (const m of k.members) if (members.has(m)) n++;
    if (n < 2 || !specific(k.kind as IndicatorKind, k.value, k)) continue;
    bump(k.kind as IndicatorKind, k.value, n);
    if (k.minhash) minhashes.set(k.value, Array.from(k.minhash));
  }
  for (const [k, n] of crowd) if (!k.weak && n >= 2 && specific(k.kind as IndicatorKind, k.value, k)) bump(k.kind as IndicatorKind, k.value, n);
  for (const st of states) {
    for (const v of st.slash24s) bump("slash24", v);
    for (const v of st.asns) bump("asn", String(v));
    for (const v of st.tlsFps) bump("tls_fp", v);
    for (const v of st.userAgents) bump("user_agent", v);
  }
  for (const [kind, values] of byKind) {
    const top = [...values.entries()].filter(([value, n]) => n >= 2 && (!TRAIT_KINDS.has(kind) || specific(kind, value))).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, TRAIT_KINDS.has(kind) ? TRAIT_INDICATORS_PER_KIND : INDICATORS_PER_KIND);
    for (const [value, accounts] of top) out.push({ kind, value, accounts, ...(kind === "template" && minhashes.has(value) ? { minhash: minhashes.get(value) } : {}) });
  }
  return out;
}

function weeklySeries(states: readonly AccountState[]): number[] {
  const out: number[] = [];
  for (const st of states) for (const [w, n] of st.weekly) out[w] = (out[w] ?? 0) + n;
  return Array.from(out, (x) => x ?? 0);
}

/** A day-keyed value ("<head>@<day number>", as address-days and lockstep groups are): its head and its date. */
function dayKey(value: string): { head: string; on: string } {
  const at = value.lastIndexOf("@");
  return { head: value.slice(0, at), on: new Date(Number(value.slice(at + 1)) * DAY).toISOString().slice(0, 10) };
}

/** A flag's reasons, and why a verified organisation's cover did not keep it off (see coverHolds). */
function withCoverLapse(reasons: string[], st: AccountState): string[] {
  const lapse = coverLapse(st);
  return lapse === null ? reasons : [...reasons, lapse];
}

/** Why a soft identifier marks this account as a new head: its stated age, or its first appearance (see newToLog). */
function youngWhy(stated: boolean): string {
  return stated ? "(account unverified and under 7 days old)" : "(account age and verification unstated; first seen in the log under 72 hours ago)";
}

function displayValue(k: LinkKey): string {
  if (k.kind === "template" || k.kind === "system_prompt") return `tf_${k.value.slice(0, 8)}`;
  if (k.kind === "conversation") return `conv_${k.value.slice(0, 8)}`;
  if (k.kind === "conversation_pool") return `pool of ${k.value}`;
  if (k.kind === "co_activity") {
    const { head: first, on } = dayKey(k.value);
    return `lockstep in the week to ${on} (group of ${first})`;
  }
  if (k.kind === "ip_day") {
    const { head: ip, on } = dayKey(k.value);
    return ip.includes(":") ? `${ip} on ${on}` : `${networkOf(ip)}.x on ${on} (${ip})`;
  }
  return k.value;
}

/** The identifiers that hold a cluster together, by how many of its own members share each. */
function summariseLinks(links: readonly LinkKey[], max: number, members: ReadonlySet<string>): Array<{ kind: string; value: string; accounts: number }> {
  const within = (k: LinkKey): number => {
    let n = 0;
    for (const m of k.members) if (members.has(m)) n++;
    return n;
  };
  return links
    .map((k) => ({ k, n: within(k) }))
    .sort((a, b) => b.n - a.n || (a.k.id < b.k.id ? -1 : 1))
    .slice(0, max)
    .map(({ k, n }) => ({ kind: k.kind, value: displayValue(k), accounts: n }));
}

export function defaultEngine(accounts: ReadonlyMap<string, AccountMeta>): HuntEngine {
  return new DetectionEngine(accounts);
}

/** The default engine, matching exchanges against shared intel as well. */
export function engineWithIntel(intel: IntelMatcher): (accounts: ReadonlyMap<string, AccountMeta>) => HuntEngine {
  return (accounts) => new DetectionEngine(accounts, { intel });
}
