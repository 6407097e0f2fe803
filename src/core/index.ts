export * from "./exchange.js";
export * from "./errors.js";
export * from "./random.js";
export * from "./hash.js";
export * from "./canonical.js";
export * from "./verdict.js";
export * from "./evidence.js";
export { AgedMap } from "./aged-map.js";
export * from "./ip.js";
