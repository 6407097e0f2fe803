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
    domain: Domain;
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

/** Each condition key as a test; a missing key in a rule means "any". */
function holds(c: Condition, f: DecisionFacts, k: number): boolean {
  const r = f.request;
  const a = f.account;
  const cl = f.cluster;
  if (c.request_cot_gte !== undefined && !(r.cot * k >= c.request_cot_gte)) return false;
  if (c.request_style_gte !== undefined && !(r.style * k >= c.request_style_gte)) return false;
  if (c.request_logit !== undefined && r.logit !== c.request_logit) return false;
  if (c.request_multi_sample !== undefined && r.multiSample !== c.request_multi_sample) return false;
  if (c.request_max_tokens_at_ceiling !== undefined && r.maxTokensAtCeiling !== c.request_max_tokens_at_ceiling) return false;
  if (c.request_domain_in !== undefined && !c.request_domain_in.includes(r.domain)) return false;
  if (c.account_score_gte !== undefined && !(a.score * k >= c.account_score_gte)) return false;
  if (c.account_flagged !== undefined && a.flagged !== c.account_flagged) return false;
  if (c.online_score_gte !== undefined && !(a.onlineScore * k >= c.online_score_gte)) return false;
  if (c.account_requests_gte !== undefined && a.onlineRequests < c.account_requests_gte) return false;
  if (c.account_age_hours_lt !== undefined && !(a.ageHours < c.account_age_hours_lt)) return false;
  if (c.verified !== undefined && a.verified !== c.verified) return false;
  if (c.program_in !== undefined && (a.program === null || !c.program_in.includes(a.program))) return false;
  if (c.covered !== undefined && a.covered !== c.covered) return false;
  if (c.allowlisted !== undefined && a.allowlisted !== c.allowlisted) return false;
  if (c.cluster_flagged !== undefined && cl.flagged !== c.cluster_flagged) return false;
  if (c.cluster_score_gte !== undefined && !(cl.score >= c.cluster_score_gte)) return false;
  if (c.cluster_size_gte !== undefined && cl.size < c.cluster_size_gte) return false;
  if (c.intel_matches_gte !== undefined && f.intel.matches < c.intel_matches_gte) return false;
  if (c.intel_sources_gte !== undefined && f.intel.sources < c.intel_sources_gte) return false;
  if (c.intel_confidence_gte !== undefined && f.intel.maxConfidence < c.intel_confidence_gte) return false;
  return true;
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
  for (const rule of policy.rules) {
    if (!holds(rule.when, f, k)) continue;
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
