export { simulate, type SimulateOptions, type SimulateResult } from "./simulate.js";
export { SCENARIOS, scenario, type ScenarioSpec } from "./scenarios.js";
export { ORGANIC_ROLES, type Role } from "./types.js";
