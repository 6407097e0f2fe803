export { ACTIONS, BLOCKING, severity, policySchema, conditionSchema, type Action, type Condition, type Policy, type Rule } from "./schema.js";
export { parsePolicy, loadPolicyFile, defaultPolicy, DEFAULT_POLICY_YAML } from "./load.js";
export { evaluatePolicy, isBlocking, type DecisionFacts, type PolicyOutcome } from "./evaluate.js";
export { PolicySource } from "./source.js";
