export { replayRespondLoop, outcomeOf, type RespondReplayOptions, type RespondReplayResult, type RespondTally } from "./respond.js";
export { respondTable } from "./format.js";
