import type { Domain } from "../detect/index.js";
import { BLOCKING, severity, type Action, type Condition, type Policy } from "./schema.js";

/** Everything a policy condition can look at for one request. Built by the gateway; pure data. */
export interface DecisionFacts {
  request: {
    cot: number;
    style: number;
    logit: boolean;
    multiSample: boolean;
    maxTokensAtCeiling: boolean;
    /** Reasoning effort high or above, or a thinking budget of 16K or more (see asksMaxReasoning). */
    maxReasoning: boolean;
    domain: Domain;
    /** The request continues a conversation another account carried (see GatewayState.carryConversation). */
    carriedConversation: boolean;
  };
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

/** Policies are immutable once parsed, so each is compiled once, on first use. */
const COMPILED = new WeakMap<Policy, CompiledCondition[]>();

function compiledRules(policy: Policy): CompiledCondition[] {
  let rules = COMPILED.get(policy);
  if (!rules) {
    rules = policy.rules.map((r) => compileCondition(r.when));
    COMPILED.set(policy, rules);
  }
  return rules;
}

/**
 * Applies the policy to one request's facts. Standing sanctions come first and are not a policy
 * choice: a suspended account stays suspended until an analyst lifts it, and a banned cluster's
 * members are refused unless individually allowlisted (the appeal path).
 */
export function evaluatePolicy(policy: Policy, f: DecisionFacts): PolicyOutcome {
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
  const conditions = compiledRules(policy);
  for (const [i, rule] of policy.rules.entries()) {
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
