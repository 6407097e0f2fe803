import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { PolicyError } from "../core/index.js";
import { conditionSchema, policySchema, type Policy } from "./schema.js";

/**
 * The policy the gateway runs when none is given. Stored hunt verdicts and hard evidence act;
 * behaviour seen only online throttles and withholds reasoning before it blocks, because a single
 * replica's view of an account is partial. One shared indicator withholds reasoning only when it names
 * an identifier or a harness (confidence 60 and up as members export them: cards, emails, tool schemas,
 * system prompts, templates). Shared infrastructure alone (a proxy block, a TLS fingerprint, an ASN, a
 * user agent: 50 and under) does nothing here: a campaign shares its network and client with everyone
 * else on them, and even logging those matches logged 41% of a simulated receiver's ordinary requests
 * when a member's export held a common fingerprint. The hunt still weighs them with everything else.
 * An unverified account under 30 days old that asks for the reasoning in its own words (0.5 and up:
 * homework wording stays under it) gets the answer without it until it verifies: a careful hydra whose
 * accounts each have their own card, email and address links to nothing the hunt can see, and its
 * accounts live for days, mostly past the 72 hours this rule first covered (it then withheld the
 * reasoning from 152 of such a hydra's 1,326 asks; now from 1,322, at 15 of 22,495 ordinary requests).
 * An unverified account under 72 hours old that asks for the longest reasoning (effort high, a 16K thinking
 * budget) gets a summary of it: an agent fleet on accounts made hours before use, each with its own tool
 * names, asks for nothing in words and links to nothing until a hunt groups it (15.3% of its requests served
 * with reasoning under daily hunts; 2.6% with this). The price falls on people in their first three days on
 * an app that sets effort high for everyone: they get the summary, as some providers give everyone, until
 * they verify (a third of such newcomers' requests in that probe). At 24 hours it did little (13.1%).
 * What the hunt flags under the ban and suspension lines (0.8 to 0.9) gets the answer without its
 * reasoning, reversible and the one output defence that hurts a student model: before, nothing acted
 * on it, and a rubric and policy lab of 15 verified accounts the hunt flagged at 0.83-0.88 was served
 * all 6,688 of its requests with reasoning under daily hunts.
 */
export const DEFAULT_POLICY_YAML = `
version: default-4
mode: enforce
on_state_failure: { flagged: closed, others: open }
sensitivity: { research: 0.5, verified_org: 0.7, allowlisted: 0 }
limits:
  account: { requests_per_minute: 600, tokens_per_minute: 2000000 }
  cluster: { requests_per_minute: 6000, tokens_per_minute: 20000000 }
throttle:
  account: { requests_per_minute: 6, tokens_per_minute: 20000 }
  cluster: { requests_per_minute: 60, tokens_per_minute: 200000 }
max_tokens_cap: 4096
reasoning_summary_chars: 240
verification_url: https://example.com/verify?account={account}
rules:
  - name: flagged-cluster
    when: { cluster_flagged: true, cluster_score_gte: 0.9, allowlisted: false }
    then: [ban_cluster]
    reason: member of a flagged hydra cluster
  - name: flagged-account
    when: { account_flagged: true, account_score_gte: 0.9, allowlisted: false }
    then: [suspend]
    reason: account flagged by the latest hunt
  - name: flagged-below-ban
    when: { cluster_flagged: true, cluster_score_lt: 0.9, allowlisted: false }
    then: [strip_reasoning, answer_only, monitor]
    reason: member of a cluster the latest hunt flagged, below the line the ban needs
  - name: flagged-below-suspend
    when: { account_flagged: true, account_score_lt: 0.9, cluster_score_lt: 0.9, allowlisted: false }
    then: [strip_reasoning, answer_only, monitor]
    reason: account flagged by the latest hunt, below the line suspension needs
  - name: shared-intel
    when: { intel_sources_gte: 2, intel_confidence_gte: 70, verified: false, allowlisted: false }
    then: [require_verification]
    reason: matches indicators shared by two or more consortium members
  - name: intel-single-source
    when: { intel_matches_gte: 1, intel_confidence_gte: 60, allowlisted: false }
    then: [monitor, strip_reasoning, answer_only]
    reason: matches an identifier or harness a consortium member shared
  - name: online-suspicious
    when: { online_score_gte: 0.8, account_requests_gte: 20 }
    then: [throttle, summarise_reasoning, answer_only]
    reason: rolling behaviour of the account looks like harvesting
  - name: new-account-eliciting
    when: { request_cot_gte: 0.5, account_age_hours_lt: 720, verified: false }
    then: [strip_reasoning, answer_only, monitor]
    reason: a new unverified account asking for the model's reasoning
  - name: new-account-max-reasoning
    when: { request_max_reasoning: true, account_age_hours_lt: 72, verified: false }
    then: [summarise_reasoning]
    reason: a new unverified account asking for the longest reasoning the model gives
  - name: logit-extraction
    when: { request_logit: true, verified: false }
    then: [refuse_logprobs, monitor]
  - name: many-samples
    when: { request_multi_sample: true, online_score_gte: 0.5 }
    then: [drop_n]
  - name: ceiling-tokens
    when: { request_max_tokens_at_ceiling: true, online_score_gte: 0.5 }
    then: [cap_max_tokens]
`;

const CONDITION_KEYS = Object.keys(conditionSchema.shape);

/** Problems in the words an operator editing the file needs: where, what, and how to fix it. */
function describeProblems(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "") : "(top level)";
    if (issue.code === "unrecognized_keys") {
      const inCondition = issue.path.at(-1) === "when";
      const hint = inCondition ? `; conditions are: ${CONDITION_KEYS.join(", ")}` : "";
      return `${where}: unknown key(s) ${issue.keys.join(", ")}${hint}`;
    }
    if (issue.code === "invalid_value" && "values" in issue) return `${where}: must be one of ${issue.values.map(String).join(", ")}`;
    return `${where}: ${issue.message}`;
  });
}

/** Parses and validates policy YAML; throws PolicyError listing every problem at once. */
export function parsePolicy(text: string, source = "(inline)"): Policy {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) throw new PolicyError(source, doc.errors.map((e) => `YAML: ${e.message.split("\n")[0] ?? e.message}`));
  const parsed = policySchema.safeParse(doc.toJS());
  if (!parsed.success) throw new PolicyError(source, describeProblems(parsed.error));
  const names = new Set<string>();
  const dupes = parsed.data.rules.filter((r) => (names.has(r.name) ? true : (names.add(r.name), false)));
  if (dupes.length > 0) throw new PolicyError(source, dupes.map((r) => `rules: name "${r.name}" is used twice; rule names must be unique (the audit log cites them)`));
  return parsed.data;
}

export function loadPolicyFile(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new PolicyError(path, [`cannot read the file (${err instanceof Error ? err.message : String(err)})`]);
  }
  return parsePolicy(text, path);
}

export function defaultPolicy(): Policy {
  return parsePolicy(DEFAULT_POLICY_YAML, "built-in default");
}
