export { replayRespondLoop, outcomeOf, type RespondReplayOptions, type RespondReplayResult, type RespondTally, type RespondGroup } from "./respond.js";
export { respondTable } from "./format.js";
