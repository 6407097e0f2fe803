import type { Domain } from "../detect/index.js";
import { BLOCKING, severity, type Action, type Condition, type Policy } from "./schema.js";

/** What the request itself shows. The gateway's computes style and domain only when a rule reads them. */
export interface RequestFacts {
  readonly cot: number;
  readonly style: number;
  readonly logit: boolean;
  readonly multiSample: boolean;
  readonly maxTokensAtCeiling: boolean;
  /** Reasoning effort high or above, or a thinking budget of 16K or more (see asksMaxReasoning). */
  readonly maxReasoning: boolean;
  readonly domain: Domain;
  /** The request continues a conversation another account carried (see GatewayState.carryConversation). */
  readonly carriedConversation: boolean;
}

/** Everything a policy condition can look at for one request. Built by the gateway; read-only data. */
export interface DecisionFacts {
  request: RequestFacts;
  account: {
    id: string;
    /** Latest hunt score (0 when the hunt never scored it). */
    score: number;
    flagged: boolean;
    /** Score of the rolling online features (same scoring function as the hunt). */
    onlineScore: number;
    onlineRequests: number;
    /** Hours since creation at this request; Infinity when unknown. */
    ageHours: number;
    verified: boolean;
    program: string | null;
    covered: boolean;
    allowlisted: boolean;
    suspended: boolean;
  };
  cluster: { id: string | null; score: number; flagged: boolean; size: number; banned: boolean };
  intel: { matches: number; sources: number; maxConfidence: number };
}

export interface PolicyOutcome {
  decision: Action;
  actions: Action[];
  rules: string[];
  reasons: string[];
  /** The sensitivity multiplier applied to behavioural scores (1 = none). */
  sensitivity: number;
}

function sensitivityOf(policy: Policy, f: DecisionFacts["account"]): number {
  if (f.allowlisted) return policy.sensitivity.allowlisted;
  if (f.program === "research") return policy.sensitivity.research;
  if (f.covered) return policy.sensitivity.verified_org;
  return 1;
}

type Test<V> = (v: V, f: DecisionFacts, k: number) => boolean;
/** One test per condition key; `k` scales behavioural scores (sensitivity). Typed so a new key cannot lack its test. */
type ConditionTests = { [K in keyof Condition]-?: Test<NonNullable<Condition[K]>> };

const CONDITION_TESTS: ConditionTests = {
  request_cot_gte: (v, f, k) => f.request.cot * k >= v,
  request_style_gte: (v, f, k) => f.request.style * k >= v,
  request_logit: (v, f) => f.request.logit === v,
  request_multi_sample: (v, f) => f.request.multiSample === v,
  request_max_tokens_at_ceiling: (v, f) => f.request.maxTokensAtCeiling === v,
  request_max_reasoning: (v, f) => f.request.maxReasoning === v,
  request_domain_in: (v, f) => v.includes(f.request.domain),
  request_carried_conversation: (v, f) => f.request.carriedConversation === v,
  account_score_gte: (v, f, k) => f.account.score * k >= v,
  account_score_lt: (v, f, k) => f.account.score * k < v,
  account_flagged: (v, f) => f.account.flagged === v,
  online_score_gte: (v, f, k) => f.account.onlineScore * k >= v,
  account_requests_gte: (v, f) => f.account.onlineRequests >= v,
  account_age_hours_lt: (v, f) => f.account.ageHours < v,
  verified: (v, f) => f.account.verified === v,
  program_in: (v, f) => f.account.program !== null && v.includes(f.account.program),
  covered: (v, f) => f.account.covered === v,
  allowlisted: (v, f) => f.account.allowlisted === v,
  cluster_flagged: (v, f) => f.cluster.flagged === v,
  cluster_score_gte: (v, f) => f.cluster.score >= v,
  cluster_score_lt: (v, f) => f.cluster.score < v,
  cluster_size_gte: (v, f) => f.cluster.size >= v,
  intel_matches_gte: (v, f) => f.intel.matches >= v,
  intel_sources_gte: (v, f) => f.intel.sources >= v,
  // Another provider's claim weighs no more on a vetted researcher than our own scores do.
  intel_confidence_gte: (v, f, k) => f.intel.maxConfidence * k >= v,
};

type CompiledCondition = (f: DecisionFacts, k: number) => boolean;

/**
 * A rule's condition as the tests of the keys it names, and nothing else (a missing key means
 * "any"). Why not test every key of the condition object on each request: each rule's object has
 * its own shape, so reading 21 keys from 9 of them per request went through V8's megamorphic
 * property lookup, which showed in the gateway's profile.
 */
function compileCondition(c: Condition): CompiledCondition {
  const tests: CompiledCondition[] = [];
  for (const key of Object.keys(CONDITION_TESTS) as (keyof Condition)[]) {
    const v = c[key];
    if (v === undefined) continue;
    const test = CONDITION_TESTS[key] as Test<typeof v>;
    tests.push((f, k) => test(v, f, k));
  }
  return (f, k) => tests.every((t) => t(f, k));
}

/**
 * Whether each condition key's fact comes from reading the request (its signals, and intel matched on
 * them): outcomeBeforeReading leaves out the rules that name one. Typed as CONDITION_TESTS is, so a new
 * key cannot go unclassified.
 */
const READS_REQUEST: { [K in keyof Condition]-?: boolean } = {
  request_cot_gte: true,
  request_style_gte: true,
  request_logit: true,
  request_multi_sample: true,
  request_max_tokens_at_ceiling: true,
  request_max_reasoning: true,
  request_domain_in: true,
  request_carried_conversation: true,
  intel_matches_gte: true,
  intel_sources_gte: true,
  intel_confidence_gte: true,
  account_score_gte: false,
  account_score_lt: false,
  account_flagged: false,
  online_score_gte: false,
  account_requests_gte: false,
  account_age_hours_lt: false,
  verified: false,
  program_in: false,
  covered: false,
  allowlisted: false,
  cluster_flagged: false,
  cluster_score_gte: false,
  cluster_score_lt: false,
  cluster_size_gte: false,
};

interface CompiledPolicy {
  conditions: CompiledCondition[];
  /** Per rule: whether it reads the request (names a READS_REQUEST key). */
  readsRequest: boolean[];
  /** Every action a rule that reads the request can add. */
  requestActions: Action[];
}

/** Policies are immutable once parsed, so each is compiled once, on first use. */
const COMPILED = new WeakMap<Policy, CompiledPolicy>();

function compiled(policy: Policy): CompiledPolicy {
  let c = COMPILED.get(policy);
  if (!c) {
    const readsRequest = policy.rules.map((r) => (Object.keys(r.when) as (keyof Condition)[]).some((key) => r.when[key] !== undefined && READS_REQUEST[key]));
    c = {
      conditions: policy.rules.map((r) => compileCondition(r.when)),
      readsRequest,
      requestActions: [...new Set(policy.rules.flatMap((r, i) => (readsRequest[i] ? r.then : [])))],
    };
    COMPILED.set(policy, c);
  }
  return c;
}

/**
 * Applies the policy to one request's facts. Standing sanctions come first and are not a policy
 * choice: a suspended account stays suspended until an analyst lifts it, and a banned cluster's
 * members are refused unless individually allowlisted (the appeal path).
 */
export function evaluatePolicy(policy: Policy, f: DecisionFacts): PolicyOutcome {
  return evaluate(policy, f, true);
}

/** What a request's facts are taken as where it is not read (outcomeBeforeReading): no rule that reads them is tested. */
export const FACTS_NOT_READ: Pick<DecisionFacts, "request" | "intel"> = {
  request: { cot: 0, style: 0, logit: false, multiSample: false, maxTokensAtCeiling: false, maxReasoning: false, domain: "chat", carriedConversation: false },
  intel: { matches: 0, sources: 0, maxConfidence: 0 },
};

/** Sanctions the gateway stands up from a decision's actions (see Gatekeeper): reading the request must not be able to add one. */
const STANDING: ReadonlySet<Action> = new Set(["suspend", "ban_cluster"]);

/**
 * The outcome from the account's and cluster's facts alone, where reading the request could not change
 * the decision; null where it could. It can not when the outcome already blocks and no rule that reads
 * the request (its signals, or intel matched on them) has an action more severe, or a standing
 * sanction the outcome lacks: such a rule would only add actions below the decision to a request that
 * is refused anyway. A banned hydra keeps sending at full rate, and its refusals then cost the gateway
 * a lookup instead of the request-signal pass, which is most of a decision's CPU. The outcome's
 * actions, rules and reasons leave out what the request-reading rules would have added.
 */
export function outcomeBeforeReading(policy: Policy, f: Omit<DecisionFacts, "request" | "intel">): PolicyOutcome | null {
  const outcome = evaluate(policy, { ...f, ...FACTS_NOT_READ }, false);
  if (!isBlocking(outcome.decision)) return null;
  const ceiling = severity(outcome.decision);
  const unchanged = compiled(policy).requestActions.every((a) => severity(a) <= ceiling && (!STANDING.has(a) || outcome.actions.includes(a)));
  return unchanged ? outcome : null;
}

function evaluate(policy: Policy, f: DecisionFacts, readRequest: boolean): PolicyOutcome {
  const k = sensitivityOf(policy, f.account);
  const actions = new Set<Action>();
  const rules: string[] = [];
  const reasons: string[] = [];
  if (f.account.suspended && !f.account.allowlisted) {
    actions.add("suspend");
    rules.push("standing:suspended");
    reasons.push(`account ${f.account.id} is suspended`);
  }
  if (f.cluster.banned && !f.account.allowlisted) {
    actions.add("ban_cluster");
    rules.push("standing:cluster-banned");
    reasons.push(`cluster ${f.cluster.id ?? "?"} is banned`);
  }
  const { conditions, readsRequest } = compiled(policy);
  for (const [i, rule] of policy.rules.entries()) {
    if (!readRequest && readsRequest[i] === true) continue;
    if (!(conditions[i] as CompiledCondition)(f, k)) continue;
    for (const a of rule.then) actions.add(a);
    rules.push(rule.name);
    reasons.push(rule.reason ?? `rule ${rule.name}`);
  }
  actions.delete("allow");
  const sorted = [...actions].sort((x, y) => severity(x) - severity(y));
  return { decision: sorted.at(-1) ?? "allow", actions: sorted, rules, reasons, sensitivity: k };
}

export function isBlocking(a: Action): boolean {
  return BLOCKING.has(a);
}
