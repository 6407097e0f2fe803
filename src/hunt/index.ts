export { HUNT_NODE_FLAGS, runHunt, type HuntEngine, type HuntOptions, type HuntResult } from "./hunt.js";
