import { describe, expect, it } from "vitest";
import { PolicyError } from "../core/index.js";
import { conditionSchema, defaultPolicy, evaluatePolicy, outcomeBeforeReading, parsePolicy, type DecisionFacts } from "./index.js";

const facts = (over: { request?: Partial<DecisionFacts["request"]>; account?: Partial<DecisionFacts["account"]>; cluster?: Partial<DecisionFacts["cluster"]>; intel?: Partial<DecisionFacts["intel"]> } = {}): DecisionFacts => ({
  request: { cot: 0, style: 0.2, logit: false, multiSample: false, maxTokensAtCeiling: false, maxReasoning: false, domain: "chat", carriedConversation: false, ...over.request },
  account: {
    id: "acct_1",
    score: 0,
    flagged: false,
    onlineScore: 0,
    onlineRequests: 0,
    ageHours: 24 * 400,
    verified: false,
    program: null,
    covered: false,
    allowlisted: false,
    suspended: false,
    ...over.account,
  },
  cluster: { id: null, score: 0, flagged: false, size: 0, banned: false, ...over.cluster },
  intel: { matches: 0, sources: 0, maxConfidence: 0, ...over.intel },
});

/** A policy whose rules are `rules` (YAML list items), with small limits. */
const policyOfRules = (rules: string) =>
  parsePolicy(`
version: t
limits: { account: { requests_per_minute: 10, tokens_per_minute: 1000 } }
throttle: { account: { requests_per_minute: 1, tokens_per_minute: 10 } }
verification_url: https://verify.example/{account}
rules:
${rules}`);

describe("policy files", () => {
  it("reports every problem at once, saying where and how to fix it", () => {
    const bad = `
version: v1
mode: enforcing
limits: { account: { requests_per_minute: 10 } }
throttle: { account: { requests_per_minute: 1, tokens_per_minute: 10 } }
verification_url: https://verify.example/
rules:
  - name: r1
    when: { acount_score_gte: 0.9 }
    then: [suspend_forever]
  - name: r1
    when: {}
    then: [monitor]
`;
    let err: unknown;
    try {
      parsePolicy(bad, "bad.yaml");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PolicyError);
    const problems = (err as PolicyError).problems.join("\n");
    expect(problems).toContain("mode: must be one of enforce, shadow");
    expect(problems).toContain("limits.account.tokens_per_minute");
    expect(problems).toContain("verification_url: must contain {account}");
    expect(problems).toMatch(/rules\[0\]\.when: unknown key\(s\) acount_score_gte; conditions are: .*account_score_gte/);
    expect(problems).toContain("rules[0].then[0]: must be one of allow, monitor");
    expect((err as PolicyError).code).toBe("POLICY_INVALID");
  });

  it("rejects broken YAML and duplicate rule names", () => {
    expect(() => parsePolicy("version: [unclosed", "x.yaml")).toThrow(/YAML/);
    const dup = defaultPolicy();
    const text = `version: d\nlimits: { account: { requests_per_minute: 1, tokens_per_minute: 1 } }\nthrottle: { account: { requests_per_minute: 1, tokens_per_minute: 1 } }\nverification_url: "u?{account}"\nrules:\n  - { name: a, when: {}, then: [monitor] }\n  - { name: a, when: {}, then: [monitor] }\n`;
    expect(() => parsePolicy(text)).toThrow(/used twice/);
    expect(dup.rules.length).toBeGreaterThan(5);
  });
});

describe("evaluatePolicy with the default policy", () => {
  const policy = defaultPolicy();

  it("allows ordinary traffic", () => {
    expect(evaluatePolicy(policy, facts()).decision).toBe("allow");
  });

  it("bans a flagged cluster's members, but not an allowlisted one", () => {
    const member = facts({ cluster: { id: "c1", flagged: true, score: 0.95, size: 40 } });
    expect(evaluatePolicy(policy, member)).toMatchObject({ decision: "ban_cluster", rules: ["flagged-cluster"] });
    expect(evaluatePolicy(policy, facts({ cluster: { id: "c1", flagged: true, score: 0.95, size: 40 }, account: { allowlisted: true } })).decision).toBe("allow");
  });

  it("withholds the reasoning from what the hunt flagged under the ban and suspension lines, not from an allowlisted account", () => {
    const member = evaluatePolicy(policy, facts({ cluster: { id: "c1", flagged: true, score: 0.83, size: 15 }, account: { verified: true } }));
    expect(member).toMatchObject({ decision: "strip_reasoning", rules: ["flagged-below-ban"] });
    expect(member.actions).toEqual(["monitor", "answer_only", "strip_reasoning"]);
    expect(evaluatePolicy(policy, facts({ account: { flagged: true, score: 0.85 } }))).toMatchObject({ decision: "strip_reasoning", rules: ["flagged-below-suspend"] });
    // A member of a cluster over the ban line is banned, whatever its own score.
    expect(evaluatePolicy(policy, facts({ cluster: { id: "c2", flagged: true, score: 0.95, size: 40 }, account: { flagged: true, score: 0.6 } })).rules).toEqual(["flagged-cluster"]);
    expect(evaluatePolicy(policy, facts({ cluster: { id: "c1", flagged: true, score: 0.83, size: 15 }, account: { allowlisted: true } })).decision).toBe("allow");
  });

  it("keeps standing sanctions whatever the rules say, unless the account is allowlisted", () => {
    expect(evaluatePolicy(policy, facts({ account: { suspended: true } }))).toMatchObject({ decision: "suspend", rules: ["standing:suspended"] });
    expect(evaluatePolicy(policy, facts({ cluster: { id: "c9", banned: true } })).decision).toBe("ban_cluster");
    expect(evaluatePolicy(policy, facts({ account: { suspended: true, allowlisted: true } })).decision).toBe("allow");
  });

  it("withholds reasoning from a new unverified account that asks for it, not from an old one", () => {
    const young = evaluatePolicy(policy, facts({ request: { cot: 0.9 }, account: { ageHours: 5 } }));
    expect(young.actions).toEqual(["monitor", "answer_only", "strip_reasoning"]);
    expect(evaluatePolicy(policy, facts({ request: { cot: 0.9 } })).decision).toBe("allow");
  });

  it("lowers sensitivity for vetted researchers: the same online behaviour throttles others only", () => {
    const behaviour = { onlineScore: 0.85, onlineRequests: 200 };
    expect(evaluatePolicy(policy, facts({ account: behaviour })).actions).toContain("throttle");
    const researcher = evaluatePolicy(policy, facts({ account: { ...behaviour, program: "research", covered: true } }));
    expect(researcher.actions).not.toContain("throttle");
    expect(researcher.sensitivity).toBe(0.5);
  });

  it("requires verification when two consortium members share a confident indicator", () => {
    expect(evaluatePolicy(policy, facts({ intel: { matches: 2, sources: 2, maxConfidence: 80 } })).decision).toBe("require_verification");
    expect(evaluatePolicy(policy, facts({ intel: { matches: 1, sources: 1, maxConfidence: 80 } })).actions).toEqual(["monitor", "answer_only", "strip_reasoning"]);
    expect(evaluatePolicy(policy, facts({ intel: { matches: 2, sources: 2, maxConfidence: 80 }, account: { verified: true } })).decision).not.toBe("require_verification");
  });

  // Confidences as members export them (intel/export.ts): a campaign's template 65, a TLS fingerprint up
  // to 50, a proxy block 45, its carrier's ASN 35. A simulated receiver matched 332 of its 518 ordinary
  // accounts on ASNs alone.
  it("withholds reasoning on one shared harness or identifier and does nothing on shared infrastructure alone", () => {
    const one = (maxConfidence: number, account: Partial<DecisionFacts["account"]> = {}): string[] => evaluatePolicy(policy, facts({ intel: { matches: 1, sources: 1, maxConfidence }, account })).actions;
    expect(one(65)).toEqual(["monitor", "answer_only", "strip_reasoning"]);
    expect(one(50)).toEqual([]);
    expect(one(35)).toEqual([]);
    // A vetted researcher studying the same prompts a rival shared is weighed at the policy's sensitivity.
    expect(one(95, { program: "research", covered: true })).toEqual([]);
    expect(one(95, { verified: true, covered: true })).toEqual(["monitor", "answer_only", "strip_reasoning"]);
    expect(one(65, { verified: true, covered: true })).toEqual([]);
  });
});

describe("every condition key", () => {
  type Over = Parameters<typeof facts>[0];
  // Each key with a value, facts on which it holds, and facts just across its edge.
  const cases: Array<[string, string, Over, Over]> = [
    ["request_cot_gte", "0.7", { request: { cot: 0.7 } }, { request: { cot: 0.69 } }],
    ["request_style_gte", "0.8", { request: { style: 0.8 } }, { request: { style: 0.79 } }],
    ["request_logit", "true", { request: { logit: true } }, { request: { logit: false } }],
    ["request_multi_sample", "true", { request: { multiSample: true } }, {}],
    ["request_max_tokens_at_ceiling", "true", { request: { maxTokensAtCeiling: true } }, {}],
    ["request_max_reasoning", "true", { request: { maxReasoning: true } }, {}],
    ["request_domain_in", "[reasoning, coding]", { request: { domain: "coding" } }, { request: { domain: "chat" } }],
    ["account_score_gte", "0.9", { account: { score: 0.9 } }, { account: { score: 0.89 } }],
    ["account_score_lt", "0.9", { account: { score: 0.89 } }, { account: { score: 0.9 } }],
    ["account_flagged", "true", { account: { flagged: true } }, {}],
    ["online_score_gte", "0.8", { account: { onlineScore: 0.8 } }, { account: { onlineScore: 0.5 } }],
    ["account_requests_gte", "20", { account: { onlineRequests: 20 } }, { account: { onlineRequests: 19 } }],
    ["account_age_hours_lt", "72", { account: { ageHours: 71 } }, { account: { ageHours: 72 } }],
    ["verified", "false", {}, { account: { verified: true } }],
    ["program_in", "[research]", { account: { program: "research" } }, { account: { program: null } }],
    ["covered", "true", { account: { covered: true } }, {}],
    ["allowlisted", "false", {}, { account: { allowlisted: true } }],
    ["cluster_flagged", "true", { cluster: { flagged: true } }, {}],
    ["cluster_score_gte", "0.9", { cluster: { score: 0.95 } }, { cluster: { score: 0.5 } }],
    ["cluster_score_lt", "0.9", { cluster: { score: 0.85 } }, { cluster: { score: 0.9 } }],
    ["cluster_size_gte", "5", { cluster: { size: 5 } }, { cluster: { size: 4 } }],
    ["intel_matches_gte", "1", { intel: { matches: 1 } }, {}],
    ["intel_sources_gte", "2", { intel: { sources: 2 } }, { intel: { sources: 1 } }],
    ["intel_confidence_gte", "70", { intel: { maxConfidence: 70 } }, { intel: { maxConfidence: 69 } }],
    ["request_carried_conversation", "true", { request: { carriedConversation: true } }, {}],
  ];
  /** A policy of one rule, "only", whose condition is `when` (YAML flow mapping body). */
  const policyWith = (when: string, then = "[monitor]") => policyOfRules(`  - { name: only, when: { ${when} }, then: ${then} }
`);

  it("has a case for each key the schema knows", () => {
    expect(cases.map((c) => c[0]).sort()).toEqual(Object.keys(conditionSchema.shape).sort());
  });

  it.each(cases)("%s: %s holds on one side of its edge only", (key, value, yes, no) => {
    const p = policyWith(`${key}: ${value}`);
    expect(evaluatePolicy(p, facts(yes)).rules).toEqual(["only"]);
    expect(evaluatePolicy(p, facts(no)).rules).toEqual([]);
  });

  it("scales behavioural scores by the account's sensitivity before comparing", () => {
    const p = policyWith("request_cot_gte: 0.7");
    expect(evaluatePolicy(p, facts({ request: { cot: 0.9 } })).rules).toEqual(["only"]);
    // A vetted researcher's 0.9 counts as 0.45 under the default research sensitivity (0.5).
    expect(evaluatePolicy(p, facts({ request: { cot: 0.9 }, account: { program: "research" } })).rules).toEqual([]);
  });

  // The gateway refuses a request unread only through outcomeBeforeReading: a key that reads the
  // request, taken for one that does not, would decide on facts nobody read.
  it.each(cases)("%s: %s is known for whether it reads the request", (key, value, yes) => {
    const p = policyWith(`${key}: ${value}`, "[ban_cluster]");
    const { account, cluster } = facts(yes);
    const readsRequest = yes?.request !== undefined || yes?.intel !== undefined;
    expect(outcomeBeforeReading(p, { account, cluster })?.decision ?? "read").toBe(readsRequest ? "read" : "ban_cluster");
  });

  it("needs every key of a rule to hold", () => {
    const p = policyWith("request_cot_gte: 0.7, account_age_hours_lt: 72", "[strip_reasoning]");
    expect(evaluatePolicy(p, facts({ request: { cot: 0.8 }, account: { ageHours: 10 } })).decision).toBe("strip_reasoning");
    expect(evaluatePolicy(p, facts({ request: { cot: 0.8 } })).decision).toBe("allow");
    expect(evaluatePolicy(p, facts({ account: { ageHours: 10 } })).decision).toBe("allow");
  });
});

describe("outcomeBeforeReading: a refusal decided before the request is read", () => {
  const standing = (f: DecisionFacts) => ({ account: f.account, cluster: f.cluster });
  const flaggedMember = facts({ account: { score: 0.95, flagged: true }, cluster: { id: "c1", score: 0.97, flagged: true, size: 40 } });

  it("refuses a flagged cluster's member under the default policy with the decision reading the request gives, whatever it asks", () => {
    const unread = outcomeBeforeReading(defaultPolicy(), standing(flaggedMember));
    expect(unread?.decision).toBe("ban_cluster");
    expect(unread?.rules).toEqual(["flagged-cluster", "flagged-account"]);
    // Read, the same request could only add actions below the ban.
    const asking = { ...flaggedMember, request: { ...flaggedMember.request, cot: 0.9, logit: true }, intel: { matches: 2, sources: 2, maxConfidence: 90 } };
    const read = evaluatePolicy(defaultPolicy(), asking);
    expect(read.decision).toBe("ban_cluster");
    expect(read.rules).toEqual(expect.arrayContaining(unread?.rules ?? []));
    expect(read.rules.length).toBeGreaterThan(unread?.rules.length ?? 0);
  });

  it("reads the request of an account nothing refuses, and of an allowlisted member of a flagged cluster", () => {
    expect(outcomeBeforeReading(defaultPolicy(), standing(facts()))).toBeNull();
    expect(outcomeBeforeReading(defaultPolicy(), standing(facts({ ...flaggedMember, account: { ...flaggedMember.account, allowlisted: true } })))).toBeNull();
  });

  it("reads the request where a rule reading it could make the decision more severe", () => {
    const p = policyOfRules(`
  - { name: flagged, when: { account_flagged: true }, then: [suspend] }
  - { name: eliciting, when: { request_cot_gte: 0.9 }, then: [ban_cluster] }
`);
    expect(outcomeBeforeReading(p, standing(flaggedMember))).toBeNull();
  });

  it("reads the request where a rule reading it could stand up a sanction the outcome lacks, though a less severe one", () => {
    const rules = (clusterThen: string) => `
  - { name: cluster, when: { cluster_flagged: true }, then: ${clusterThen} }
  - { name: eliciting, when: { request_cot_gte: 0.9 }, then: [suspend] }
`;
    expect(outcomeBeforeReading(policyOfRules(rules("[ban_cluster]")), standing(flaggedMember))).toBeNull();
    expect(outcomeBeforeReading(policyOfRules(rules("[ban_cluster, suspend]")), standing(flaggedMember))?.decision).toBe("ban_cluster");
  });

  it("refuses unread on standing sanctions, which no rule decides", () => {
    const p = policyOfRules(`  - { name: eliciting, when: { request_cot_gte: 0.5 }, then: [strip_reasoning] }
`);
    expect(outcomeBeforeReading(p, standing(facts({ account: { suspended: true } })))?.rules).toEqual(["standing:suspended"]);
    expect(outcomeBeforeReading(p, standing(facts({ cluster: { id: "c1", banned: true } })))?.decision).toBe("ban_cluster");
  });
});
