export { huntNodeFlags, runHunt, type HuntEngine, type HuntOptions, type HuntResult } from "./hunt.js";
export { defaultEngine, engineWithIntel } from "./engine.js";
export { lapsedHeads, publishHuntResults } from "./publish.js";
