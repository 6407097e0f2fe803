export { ACTIONS, BLOCKING, severity, policySchema, conditionSchema, type Action, type Condition, type Policy, type Rule } from "./schema.js";
export { parsePolicy, loadPolicyFile, defaultPolicy, DEFAULT_POLICY_YAML } from "./load.js";
export { evaluatePolicy, outcomeBeforeReading, FACTS_NOT_READ, isBlocking, type DecisionFacts, type PolicyOutcome, type RequestFacts } from "./evaluate.js";
export { PolicySource } from "./source.js";
