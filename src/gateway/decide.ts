import { randomUUID } from "node:crypto";
import { accountAgeAt, continuingAnswer, mergeMeta, networkOf, standsAlone, type AuditEntry, type Exchange, type Sanction, type Usage } from "../core/index.js";
import { asksMaxReasoning, coverHolds, DOMAINS, handedOn, handOnKeys, isCovered, readWithHeld, isEstablishedAt, isYoungUnverified, NO_INTEL, requestSignals, type IntelMatcher, scoreAccount, type ExtractionStyleModel, type RequestSignals, type Domain, type HeldConversation, type CotEvidence } from "../detect/index.js";
import { evaluatePolicy, FACTS_NOT_READ, isBlocking, outcomeBeforeReading, type Action, type DecisionFacts, type Policy, type PolicyOutcome, type RequestFacts } from "../policy/index.js";
import type { Store } from "../store/index.js";
import { featuresOf, type BucketRequest, type GatewayState, type Rate, type RollingCounters } from "./state.js";
import type { SanctionBus } from "./sanction-bus.js";
import type { HeadMatch } from "./heads.js";
import type { DetectionView } from "./view.js";

export interface Decision {
  id: string;
  ts: number;
  account: string;
  cluster: string | null;
  /** The most severe action; what the caller reports. */
  decision: Action;
  actions: Action[];
  /** False in shadow mode: the decision is logged and audited, the request goes through untouched. */
  enforced: boolean;
  score: number;
  reasons: string[];
  rules: string[];
  policyVersion: string;
  retryAfterMs: number | null;
  /** Buckets charged for this request and the tokens reserved in them (settled after the call). */
  buckets: BucketRequest[];
  reservedTokens: number;
  /** Null when the request was refused on its account's standing before it was read (see outcomeBeforeReading). */
  signals: RequestSignals | null;
  /**
   * The request, when it was served and its answer can be continued from the provider's store (Responses
   * API): once the answer's id is known, what it carries is handed on to the requests continuing it (see answered).
   */
  continuable: Exchange | null;
}

export interface GatekeeperOptions {
  store: Store;
  state: GatewayState;
  view: DetectionView;
  model: ExtractionStyleModel;
  policy: () => Policy;
  intel?: IntelMatcher;
  clock?: () => number;
  /** Called when the state backend fails, for metrics and logs. */
  onStateError?: (err: unknown) => void;
  onAuditError?: (err: unknown) => void;
  /** Called with how many audit entries were given up on (see MAX_UNWRITTEN_AUDITS): the one way the audit log loses entries. */
  onAuditDropped?: (entries: number) => void;
  /** Pauses before each retry of a failed audit write, the last repeated (default AUDIT_RETRY_MS). */
  auditRetryMs?: readonly number[];
  /** Audit entries held while the store refuses them (default MAX_UNWRITTEN_AUDITS). */
  maxUnwrittenAudits?: number;
  /** Where standing sanctions this replica decides are announced to the other replicas. */
  sanctionBus?: SanctionBus;
  onBusError?: (err: unknown) => void;
  /** How long queued audit entries may wait for more before they are committed (default AUDIT_FLUSH_MS). */
  auditFlushMs?: number;
  /**
   * Runs work deferred past a decision (see #observeLater); by default in the next turn of the event
   * loop. The server runs it after the turn in which it sends its upstream calls and writes its answers.
   */
  deferAfterDecision?: (work: () => void) => void;
}

const HOUR = 3_600_000;
const DEFAULT_OUTPUT_ESTIMATE = 1024;
/** Why a continuing request asks: the part of the conversation the provider holds that asked, in its words. */
function heldAskReason(continues: string, ask: CotEvidence): string {
  const held = `continues ${continues}, held by the provider`;
  if (ask.where === "demonstration") return `${held}, whose earlier answers show the model the answer to follow: ${ask.match}`;
  return `${held}, whose ${ask.where === "opening" ? "opening" : "developer messages"} asked "${ask.match}"`;
}
/** Where a decided request's opening waits for the id of its answer (see Gatekeeper.awaitAnswer). */
const awaitingAnswer = (decisionId: string): string => `decision:${decisionId}`;

function rateOf(r: { requests_per_minute: number; tokens_per_minute: number }): Rate {
  return { requestsPerMinute: r.requests_per_minute, tokensPerMinute: r.tokens_per_minute };
}

/** A request's facts for the policy; its style and domain are computed only if a rule reads them (see SignalsOfRequest). */
class RequestFactsOf implements RequestFacts {
  readonly cot: number;
  readonly logit: boolean;
  readonly multiSample: boolean;
  readonly maxTokensAtCeiling: boolean;
  readonly #signals: RequestSignals;

  constructor(
    signals: RequestSignals,
    readonly maxReasoning: boolean,
    readonly carriedConversation: boolean,
  ) {
    this.#signals = signals;
    this.cot = signals.cotElicitation;
    this.logit = signals.params.logitExtraction;
    this.multiSample = signals.params.multiSample;
    this.maxTokensAtCeiling = signals.params.maxTokensAtCeiling;
  }

  get style(): number {
    return this.#signals.extractionStyle;
  }

  get domain(): Domain {
    return this.#signals.topDomain;
  }
}

/** Tokens to reserve before the call: the prompt's rough size plus the most it may generate. */
export function tokenEstimate(ex: Exchange, signals: RequestSignals, cap: number | null): number {
  const out = ex.params.maxTokens ?? DEFAULT_OUTPUT_ESTIMATE;
  return Math.ceil(signals.promptChars / 4) + (cap === null ? out : Math.min(out, cap)) * Math.max(1, ex.params.n ?? 1);
}

/** Audit entries per store transaction, at most. */
const AUDIT_BATCH = 1000;
/**
 * Queued audit entries are committed once this many wait, or this long after the first of them,
 * whichever comes first. Why not at the end of each event-loop turn, as before: a commit's fixed
 * cost (WAL frames, the wal-index, the checkpoints' fsyncs; a round trip for PostgreSQL) dwarfs a
 * row's, and a loaded turn holds only a few audited decisions. Measured on this VM with better-sqlite3
 * in WAL mode: 9 µs an entry at 8 entries a commit against 4 µs at 64; in the serving gateway the
 * difference stayed below this VM's run-to-run noise (interleaved runs, clean store copies).
 */
const AUDIT_FLUSH_ENTRIES = 256;
const AUDIT_FLUSH_MS = 10;
/**
 * A failed audit write (a store restarting, a lock held past its timeout, SQLite's writer thread
 * gone) goes back to the front of the queue and is tried again after these pauses, the last
 * repeated: the log keeps every entry and its order through a transient failure.
 */
const AUDIT_RETRY_MS: readonly number[] = [50, 200, 1000, 5000];
/**
 * Audit entries held while the store refuses them; past this the oldest are given up on and counted
 * (onAuditDropped), so a store that stays down cannot take the gateway's memory with it.
 */
const MAX_UNWRITTEN_AUDITS = 100_000;
/** On shutdown a store still refusing writes after this many tries has its queue given up on, counted, instead of holding the exit forever. */
const RETRIES_WHEN_DRAINING = 3;
/** The longest flushAudits waits for the queue to be written. */
const FLUSH_WAIT_MS = 5_000;

/**
 * The one decision function: the proxy, the decision API and the middleware all call `decide`.
 * It reads precomputed state only (view in memory, one round trip to the state backend), so the
 * added latency is the request-signal computation plus that round trip.
 */
export class Gatekeeper {
  readonly #o: GatekeeperOptions;
  readonly #clock: () => number;
  readonly #intel: IntelMatcher;
  /** Audit entries and sanctions decided, not yet handed to the store; written in batches, in order. */
  #unwrittenEntries: AuditEntry[] = [];
  #unwrittenSanctions: Sanction[] = [];
  #writer: Promise<void> | null = null;
  /** Ends the writer's wait for more entries (a full batch, or drain). */
  #flushNow: (() => void) | null = null;
  /** Set while drain() waits: a store that keeps failing then gets a few more tries, not forever. */
  #draining = false;
  /** Audit entries decided and not yet committed (queued, or being retried). */
  pendingAudits = 0;
  /** Held conversations handed on to the requests that continue them, and requests read with one (for /metrics). */
  readonly heldConversations = { handedOn: 0, readWith: 0 };
  /** Decided requests not yet added to the rolling counters (see #observeLater). */
  #unobserved: Array<{ ex: Exchange; s: RequestSignals; clusterId: string | null; now: number }> = [];
  #observeScheduled = false;
  readonly #defer: (work: () => void) => void;

  constructor(opts: GatekeeperOptions) {
    this.#o = opts;
    this.#clock = opts.clock ?? Date.now;
    this.#intel = opts.intel ?? NO_INTEL;
    this.#defer = opts.deferAfterDecision ?? ((work) => setImmediate(work));
  }

  async decide(ex: Exchange): Promise<Decision> {
    // What the requests decided before this one add to the rolling counters goes to the state first,
    // so that this one reads them, as if each had been observed as it was decided.
    this.#observeNow();
    const now = this.#clock();
    const policy = this.#o.policy();
    const { view, state } = this.#o;
    const verdict = view.accountVerdict(ex.account);
    let stateFailed = false;
    const onState = <T>(p: Promise<T>, fallback: T): Promise<T> =>
      p.catch((err: unknown) => {
        stateFailed = true;
        this.#o.onStateError?.(err);
        return fallback;
      });
    // A request continuing a conversation the provider holds is read with what was handed on to it,
    // fetched alongside the account's facts; every other request awaits the facts alone, as before.
    const holding = ex.continues === undefined ? null : onState(state.heldConversation(ex.continues, now), null);
    const knownMeta = await view.accountMeta(ex.account, now);
    const held = holding === null ? null : await holding;
    if (held !== null) {
      readWithHeld(ex, held);
      this.heldConversations.readWith++;
    }
    const meta = mergeMeta(knownMeta, ex.accountMeta);
    const ageMs = accountAgeAt(meta, now);
    const covered = isCovered(meta);
    let clusterId = view.clusterOf(ex.account);
    let cluster = view.clusterVerdict(clusterId);
    const flaggedByHunt = verdict?.flagged === true || cluster?.flagged === true;
    // A flagged account's request may be refused on its standing alone, before it is read (see
    // outcomeBeforeReading); everyone else's is read now, since a new head is found by what it sends.
    let signals = flaggedByHunt ? null : requestSignals(ex, this.#o.model);
    // Between hunts, a hydra's fresh account on a flagged cluster's card, harness or proxy block is
    // one of its heads from its first request, as the next hunt will find (see ClusterHeads).
    const head =
      signals === null
        ? null
        : view.headOf(ex.account, { meta, signals, ip: ex.client.ip, covered, youngUnverified: isYoungUnverified(meta, now), established: isEstablishedAt(meta, now), now });
    if (head) {
      clusterId = head.cluster;
      cluster = view.clusterVerdict(clusterId);
    }
    const allowlisted = view.sanctioned("account", ex.account, "allowlist");
    const suspended = view.sanctioned("account", ex.account, "suspend");
    const flaggedAlready = flaggedByHunt || suspended;

    // A follow-up's conversation, when another account carried it before: a pool rotating accounts per request.
    const carry = (s: RequestSignals): Promise<string | null> => {
      const conversation = s.conversationKey;
      return conversation ? onState(state.carryConversation(conversation, ex.account, ex.turnCount, now), null) : Promise.resolve(null);
    };
    // A cluster's rolling counters only name its volume in a flagged cluster's reasons: read them only
    // then. Read for every member's every request, their address sets (up to 512 entries per
    // generation) were unioned each time, or fetched from Redis, for nothing.
    const [online, clusterOnline, carriedBefore] = await Promise.all([
      onState(state.counters(`a:${ex.account}`, now), null as RollingCounters | null),
      clusterId && cluster?.flagged ? onState(state.counters(`c:${clusterId}`, now), null as RollingCounters | null) : Promise.resolve(null),
      signals === null ? Promise.resolve(null) : carry(signals),
    ]);
    const features = online ? featuresOf(online, meta) : null;
    const onlineScore = features ? scoreAccount(features) : null;
    // What the facts claim, as long as the account's traffic so far keeps to a seat's networks (see coverHolds).
    const vetted = features ? coverHolds(features) : covered;
    const standing: Omit<DecisionFacts, "request" | "intel"> = {
      account: {
        id: ex.account,
        score: verdict?.score ?? 0,
        flagged: verdict?.flagged ?? false,
        onlineScore: onlineScore?.score ?? 0,
        onlineRequests: online?.exchanges ?? 0,
        ageHours: Number.isNaN(ageMs) ? Infinity : ageMs / HOUR,
        verified: meta.verified === true,
        program: meta.program ?? null,
        covered: vetted,
        allowlisted,
        suspended,
      },
      cluster: {
        id: clusterId,
        score: cluster?.score ?? 0,
        flagged: cluster?.flagged ?? false,
        size: cluster?.accounts.length ?? 0,
        banned: clusterId !== null && view.sanctioned("cluster", clusterId, "ban"),
      },
    };
    const unread = signals === null ? outcomeBeforeReading(policy, standing) : null;
    let carriedFrom = carriedBefore;
    let facts: DecisionFacts;
    let outcome: PolicyOutcome;
    let intelReasons: string[] = [];
    if (unread) {
      // Refused unread: not observed, its conversation not carried, no intel matched on it.
      facts = { ...standing, ...FACTS_NOT_READ };
      outcome = unread;
    } else {
      signals ??= requestSignals(ex, this.#o.model);
      // A second round trip for a flagged account's conversation, only where its policy serves it.
      if (flaggedByHunt) carriedFrom = await carry(signals);
      const intel = this.#intel.match({ ...ex, accountMeta: meta }, signals, now, vetted);
      intelReasons = intel.reasons;
      facts = { ...standing, request: new RequestFactsOf(signals, asksMaxReasoning(ex.params), carriedFrom !== null), intel };
      outcome = evaluatePolicy(policy, facts);
    }
    const reasons = [...outcome.reasons];
    if (verdict?.flagged) reasons.push(...verdict.reasons.slice(0, 3).map((r) => `hunt: ${r}`));
    if (head) reasons.push(`new head of flagged cluster ${head.cluster}: ${head.kind} ${head.shown} is the cluster's own (${head.accounts} of its accounts carried it at the hunt)`);
    if (onlineScore && onlineScore.score >= 0.5) reasons.push(...onlineScore.reasons.slice(0, 3).map((r) => `online: ${r}`));
    reasons.push(...intelReasons.slice(0, 3));
    if (carriedFrom !== null) reasons.push(`conversation carried on from account ${carriedFrom} (one client rotating accounts)`);
    // The words that made a bare question an ask are in an earlier request: name them and where they were.
    const heldAsk =
      held !== null
        ? signals?.cotEvidence.find((e) => (e.where === "opening" && held.opening !== "") || (e.where === "system" && held.system.includes(e.match)) || (e.where === "demonstration" && held.shown.length > 0))
        : undefined;
    if (heldAsk) reasons.push(heldAskReason(ex.continues ?? "", heldAsk));
    if (clusterOnline && clusterOnline.exchanges > 0) reasons.push(`cluster ${clusterId} sent ${clusterOnline.exchanges} requests in the rolling window`);

    let decision = outcome.decision;
    let actions = outcome.actions;
    let retryAfterMs: number | null = null;
    let charged: BucketRequest[] = [];
    let reservedTokens = 0;

    if (signals !== null && !isBlocking(decision)) {
      const throttled = actions.includes("throttle");
      const limits = throttled ? policy.throttle : policy.limits;
      const prefix = throttled ? "t" : "l";
      const buckets: BucketRequest[] = [{ key: `${prefix}:a:${ex.account}`, rate: rateOf(limits.account) }];
      if (clusterId && limits.cluster) buckets.push({ key: `${prefix}:c:${clusterId}`, rate: rateOf(limits.cluster) });
      const estimate = tokenEstimate(ex, signals, actions.includes("cap_max_tokens") ? policy.max_tokens_cap : null);
      const reserved = await onState(state.reserve(buckets, estimate), null);
      if (reserved === null) {
        const mode = flaggedAlready ? policy.on_state_failure.flagged : policy.on_state_failure.others;
        if (mode === "closed") {
          decision = "throttle";
          actions = [...new Set<Action>([...actions, "throttle"])];
          retryAfterMs = 1000;
          reasons.push("state backend unavailable; failing closed for an account already flagged");
        } else {
          reasons.push("state backend unavailable; failing open");
        }
      } else if (!reserved.ok) {
        decision = "throttle";
        actions = [...new Set<Action>([...actions, "throttle"])];
        retryAfterMs = reserved.retryAfterMs;
        reasons.push(`rate limit: bucket ${reserved.blockedBy ?? "?"} empty, retry in ${Math.ceil(reserved.retryAfterMs / 1000)} s`);
      } else {
        charged = buckets;
        reservedTokens = estimate;
      }
    }
    const result: Decision = {
      id: `dec_${randomUUID()}`,
      ts: now,
      account: ex.account,
      cluster: clusterId,
      decision,
      actions,
      enforced: policy.mode === "enforce",
      score: Math.max(facts.account.score, facts.account.onlineScore, cluster?.flagged ? facts.cluster.score : 0) * outcome.sensitivity,
      reasons,
      rules: outcome.rules,
      policyVersion: policy.version,
      retryAfterMs,
      buckets: charged,
      reservedTokens,
      signals,
      continuable: ex.api === "openai.responses" && signals !== null && !isBlocking(decision) ? ex : null,
    };
    if (!stateFailed && signals !== null) this.#observeLater(ex, signals, clusterId, now);
    if (result.decision !== "allow") this.#record(result, facts, head);
    return result;
  }

  /** After the upstream answered: give back (or charge) the difference between estimate and use. */
  async settle(d: Pick<Decision, "buckets" | "reservedTokens">, usage: Usage): Promise<void> {
    if (d.buckets.length === 0) return;
    const used = (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0);
    if (used === 0) return;
    await this.#stateOr(this.#o.state.settle(d.buckets, d.reservedTokens - used), undefined);
  }

  /**
   * The answer to a decided request came back with the id `responseId`: requests that continue it are
   * handed what the request's conversation holds that carries (see handedOn). The proxy reads the id from the answer.
   */
  async answered(d: Pick<Decision, "continuable">, responseId: string): Promise<void> {
    const held = d.continuable ? handedOn(d.continuable) : null;
    if (held !== null) await this.#hold([continuingAnswer(responseId)], held, this.#clock());
  }

  /** Hands `held` on under `keys`; a state failure is reported, never thrown (nothing waits on it). */
  async #hold(keys: readonly string[], held: HeldConversation, now: number): Promise<void> {
    this.heldConversations.handedOn++;
    await this.#stateOr(this.#o.state.holdConversation(keys, held, now), undefined);
  }

  /**
   * For the decision API, whose caller reports the answer's id later (`/v1/outcomes`), perhaps to another
   * replica: what it hands on waits in the shared state under the decision's id (see answeredLater).
   */
  awaitAnswer(d: Pick<Decision, "id" | "continuable">): void {
    const ex = d.continuable;
    if (ex === null) return;
    // Read past the decision's answer, as the rolling counters are (see #observeLater).
    this.#defer(() => {
      const held = handedOn(ex);
      // Not counted as handed on: it waits for its answer's id (see answeredLater).
      if (held !== null) void this.#stateOr(this.#o.state.holdConversation([awaitingAnswer(d.id)], held, this.#clock()), undefined);
    });
  }

  /** The decision API's caller reports the id of the answer to decision `decisionId` (see awaitAnswer). */
  async answeredLater(decisionId: string, responseId: string): Promise<void> {
    const now = this.#clock();
    const held = await this.#stateOr(this.#o.state.heldConversation(awaitingAnswer(decisionId), now), null);
    if (held !== null) await this.#hold([continuingAnswer(responseId)], held, now);
  }

  /** A state call whose failure is reported, never thrown: `fallback` in its place. */
  #stateOr<T>(call: Promise<T>, fallback: T): Promise<T> {
    return call.catch((err: unknown) => {
      this.#o.onStateError?.(err);
      return fallback;
    });
  }

  /** The call never happened (upstream down): give the whole reservation back. */
  async refund(d: Pick<Decision, "buckets" | "reservedTokens">): Promise<void> {
    if (d.buckets.length === 0) return;
    await this.#stateOr(this.#o.state.settle(d.buckets, d.reservedTokens), undefined);
  }

  /**
   * The rolling counters need the request's capability domains and style, which no rule of the default
   * policy reads: they are computed and handed to the state after the decision is returned (the
   * proxy's upstream call on its way, the decision API's answer written; see deferAfterDecision), or
   * at the start of the next decision, whichever comes first.
   */
  #observeLater(ex: Exchange, s: RequestSignals, clusterId: string | null, now: number): void {
    this.#unobserved.push({ ex, s, clusterId, now });
    if (this.#observeScheduled) return;
    this.#observeScheduled = true;
    // Flushing sooner than asked (a decision did it first) is harmless: the queue is then empty or newer.
    this.#defer(() => this.#observeNow());
  }

  /**
   * What a request hands on where its keys are known with the request: a conversation object it opens or
   * keeps going, and an answer whose id came with it (a replayed log's exchange). A live answer's id
   * comes later, through answered.
   */
  #handOn(ex: Exchange, now: number): void {
    const keys = handOnKeys(ex);
    if (keys.length === 0) return;
    const held = handedOn(ex);
    if (held !== null) void this.#hold(keys, held, now);
  }

  #observeNow(): void {
    this.#observeScheduled = false;
    if (this.#unobserved.length === 0) return;
    const due = this.#unobserved;
    this.#unobserved = [];
    for (const o of due) this.#observe(o.ex, o.s, o.clusterId, o.now);
  }

  #observe(ex: Exchange, s: RequestSignals, clusterId: string | null, now: number): void {
    this.#handOn(ex, now);
    const subjects = clusterId ? [`a:${ex.account}`, `c:${clusterId}`] : [`a:${ex.account}`];
    void this.#stateOr(
      this.#o.state.observe(subjects, {
        ts: now,
        cot: s.cotElicitation >= 0.5,
        cotMatch: s.cotEvidence[0]?.match ?? "",
        style: s.extractionStyle,
        singleTurn: standsAlone(ex),
        logit: s.params.logitExtraction || s.params.multiSample,
        domains: DOMAINS.map((d) => s.domains[d]),
        slash24: ex.client.ip ? networkOf(ex.client.ip) : null,
        country: ex.client.country ?? null,
        asn: ex.client.asn ?? null,
      }),
      undefined,
    );
  }

  /** Audit and, for standing actions, the sanction; written in order, never blocking the request. */
  #record(d: Decision, f: DecisionFacts, head: HeadMatch | null): void {
    const entries: AuditEntry[] = [
      {
        ts: d.ts,
        actor: "gateway",
        kind: "decision",
        subject: d.account,
        action: d.decision,
        reasons: d.reasons,
        policyVersion: d.policyVersion,
        detail: { decisionId: d.id, actions: d.actions, rules: d.rules, cluster: d.cluster, enforced: d.enforced, score: d.score },
        // A retried batch whose first write had committed (its answer lost) is then held once.
        key: `decision:${d.id}`,
      },
    ];
    const sanctions: Sanction[] = [];
    if (d.enforced && d.actions.includes("suspend") && !f.account.suspended) {
      sanctions.push({ scope: "account", subject: d.account, action: "suspend", active: true, reason: d.reasons[0] ?? "", ts: d.ts, actor: "gateway", policyVersion: d.policyVersion });
    }
    if (d.enforced && d.actions.includes("ban_cluster") && d.cluster !== null && !f.cluster.banned) {
      sanctions.push({ scope: "cluster", subject: d.cluster, action: "ban", active: true, reason: d.reasons[0] ?? "", ts: d.ts, actor: "gateway", policyVersion: d.policyVersion });
    }
    // A new head is not in the cluster's member list until the next hunt, and a head that joined on a
    // prompt need not send it again: its place under the cluster's ban stands as its own suspension,
    // on every replica, until the next hunt that reads its traffic flags it or lets it lapse
    // (lapsedHeads), or an analyst lifts it (an appeal does). In a weekly replay, 818 of the broad
    // campaign's 919 requests served with reasoning came from heads already seen.
    if (d.enforced && head && d.actions.includes("ban_cluster") && !f.account.suspended) {
      const reason = `new head of banned cluster ${head.cluster} (${head.kind} ${head.shown})`;
      sanctions.push({
        scope: "account",
        subject: d.account,
        action: "suspend",
        active: true,
        reason,
        ts: d.ts,
        actor: "gateway",
        policyVersion: d.policyVersion,
        head: { cluster: head.cluster, via: head.kind },
      });
    }
    for (const s of sanctions) {
      this.#o.view.apply(s);
      this.#o.sanctionBus?.publish(s).catch((err: unknown) => this.#o.onBusError?.(err));
    }
    this.#unwrittenSanctions.push(...sanctions);
    this.#unwrittenEntries.push(...entries);
    this.pendingAudits += entries.length;
    this.#writer ??= this.#writeAudits();
    if (this.#unwrittenEntries.length >= AUDIT_FLUSH_ENTRIES) this.#flushNow?.();
  }

  /**
   * One writer drains the queue in order: it waits for a batch to gather (AUDIT_FLUSH_ENTRIES or
   * AUDIT_FLUSH_MS), then writes it as one transaction, so audit keeps up with the decision rate.
   */
  async #writeAudits(): Promise<void> {
    await new Promise<void>((resolve) => {
      const flush = (): void => {
        clearTimeout(timer);
        this.#flushNow = null;
        resolve();
      };
      const timer = setTimeout(flush, this.#o.auditFlushMs ?? AUDIT_FLUSH_MS);
      this.#flushNow = flush;
    });
    let failures = 0;
    while (this.#unwrittenEntries.length > 0 || this.#unwrittenSanctions.length > 0) {
      const sanctions = this.#unwrittenSanctions;
      const entries = this.#unwrittenEntries.splice(0, AUDIT_BATCH);
      this.#unwrittenSanctions = [];
      try {
        for (const s of sanctions) await this.#o.store.putSanction(s);
        await this.#o.store.appendAudits(entries);
        this.pendingAudits -= entries.length;
        failures = 0;
      } catch (err) {
        this.#o.onAuditError?.(err);
        // Sanctions are upserts that keep the newer change, so writing one again is harmless.
        this.#unwrittenSanctions = sanctions.concat(this.#unwrittenSanctions);
        this.#unwrittenEntries = entries.concat(this.#unwrittenEntries);
        failures++;
        if (this.#draining && failures >= RETRIES_WHEN_DRAINING) this.#giveUp(this.#unwrittenEntries.length);
        else {
          const max = this.#o.maxUnwrittenAudits ?? MAX_UNWRITTEN_AUDITS;
          if (this.#unwrittenEntries.length > max) this.#giveUp(this.#unwrittenEntries.length - max);
        }
        const pauses = this.#o.auditRetryMs ?? AUDIT_RETRY_MS;
        const pause = pauses[Math.min(failures, pauses.length) - 1] ?? 0;
        if (this.#unwrittenEntries.length > 0 || this.#unwrittenSanctions.length > 0) await new Promise((r) => setTimeout(r, pause));
      }
    }
    this.#writer = null;
  }

  /** Gives up on the oldest `n` queued audit entries (and, with the whole queue, its sanctions), counted. */
  #giveUp(n: number): void {
    this.#unwrittenEntries.splice(0, n);
    if (this.#unwrittenEntries.length === 0) this.#unwrittenSanctions = [];
    this.pendingAudits -= n;
    this.#o.onAuditDropped?.(n);
  }

  /**
   * Writes what is queued now. Called before an audit entry written elsewhere in this process that
   * may follow a queued decision (an appeal of it, a policy reload), so the log keeps their order.
   * Waits at most FLUSH_WAIT_MS: with the store refusing writes, the entry that follows fails too,
   * and its caller should hear so rather than wait for the store to come back.
   */
  async flushAudits(): Promise<void> {
    this.#flushNow?.();
    const writer = this.#writer;
    if (!writer) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([writer, new Promise<void>((r) => (timer = setTimeout(r, FLUSH_WAIT_MS)))]);
    clearTimeout(timer);
  }

  /**
   * Waits for every queued audit write (on shutdown, and in tests). A store that keeps refusing
   * writes gets RETRIES_WHEN_DRAINING more tries; then what is queued is given up on and counted.
   */
  async drain(): Promise<void> {
    this.#observeNow();
    this.#draining = true;
    try {
      while (this.#writer) {
        this.#flushNow?.();
        await this.#writer;
      }
    } finally {
      this.#draining = false;
    }
  }
}
