import { z } from "zod";
import { DOMAINS } from "../detect/index.js";

/**
 * The action ladder, least to most severe. A decision's label is its most severe action; every
 * action of every matching rule is applied (strip reasoning and cap tokens can go together).
 */
export const ACTIONS = [
  "allow",
  "monitor",
  "cap_max_tokens",
  "drop_n",
  "refuse_logprobs",
  // Asks the model for the final answer alone when the request asks for the reasoning in words (see ANSWER_ONLY_INSTRUCTION).
  "answer_only",
  "strip_reasoning",
  "summarise_reasoning",
  "throttle",
  "require_verification",
  "suspend",
  "ban_cluster",
] as const;
export type Action = (typeof ACTIONS)[number];

/** Actions that answer the request with an error instead of forwarding it. */
export const BLOCKING: ReadonlySet<Action> = new Set(["require_verification", "suspend", "ban_cluster"]);

export function severity(a: Action): number {
  return ACTIONS.indexOf(a);
}

const unit = z.number().min(0).max(1);
const rate = z.strictObject({
  requests_per_minute: z.number().positive().max(1e9),
  tokens_per_minute: z.number().positive().max(1e12),
});

/**
 * All listed conditions must hold. Scores are 0..1; behavioural ones, and shared intel's confidence
 * (0..100), are scaled by `sensitivity` first.
 */
export const conditionSchema = z.strictObject({
  request_cot_gte: unit.optional(),
  request_style_gte: unit.optional(),
  request_logit: z.boolean().optional(),
  request_multi_sample: z.boolean().optional(),
  request_max_tokens_at_ceiling: z.boolean().optional(),
  request_max_reasoning: z.boolean().optional(),
  request_domain_in: z.array(z.enum(DOMAINS)).min(1).optional(),
  request_carried_conversation: z.boolean().optional(),
  account_score_gte: unit.optional(),
  account_score_lt: unit.optional(),
  account_flagged: z.boolean().optional(),
  online_score_gte: unit.optional(),
  account_requests_gte: z.number().int().nonnegative().optional(),
  account_age_hours_lt: z.number().positive().optional(),
  verified: z.boolean().optional(),
  program_in: z.array(z.string().min(1)).min(1).optional(),
  covered: z.boolean().optional(),
  allowlisted: z.boolean().optional(),
  cluster_flagged: z.boolean().optional(),
  cluster_score_gte: unit.optional(),
  cluster_score_lt: unit.optional(),
  cluster_size_gte: z.number().int().positive().optional(),
  intel_matches_gte: z.number().int().positive().optional(),
  intel_sources_gte: z.number().int().positive().optional(),
  intel_confidence_gte: z.number().min(0).max(100).optional(),
});
export type Condition = z.infer<typeof conditionSchema>;

const ruleSchema = z.strictObject({
  name: z.string().min(1).max(128),
  when: conditionSchema,
  then: z.array(z.enum(ACTIONS)).min(1),
  reason: z.string().max(512).optional(),
});
export type Rule = z.infer<typeof ruleSchema>;

export const policySchema = z.strictObject({
  version: z.string().min(1).max(128),
  /** shadow: decide, log and audit as if enforcing, but forward every request untouched. */
  mode: z.enum(["enforce", "shadow"]).default("enforce"),
  /** What to do when the shared state backend (Redis) cannot be reached. */
  on_state_failure: z
    .strictObject({ flagged: z.enum(["open", "closed"]).default("closed"), others: z.enum(["open", "closed"]).default("open") })
    .default({ flagged: "closed", others: "open" }),
  /** Multipliers on behavioural scores (request, online and hunt account score) and intel confidence for covered accounts. */
  sensitivity: z
    .strictObject({ research: unit.default(0.5), verified_org: unit.default(0.7), allowlisted: unit.default(0) })
    .default({ research: 0.5, verified_org: 0.7, allowlisted: 0 }),
  limits: z.strictObject({ account: rate, cluster: rate.optional() }),
  throttle: z.strictObject({ account: rate, cluster: rate.optional() }),
  max_tokens_cap: z.number().int().positive().max(1_000_000).default(4096),
  reasoning_summary_chars: z.number().int().min(0).max(4000).default(240),
  verification_url: z.string().min(1).max(2048).refine((u) => u.includes("{account}"), "must contain {account}"),
  rules: z.array(ruleSchema).max(1000),
});
export type Policy = z.infer<typeof policySchema>;
