import { gatewayStateContract } from "./testing/state-contract.js";
import { MemoryState } from "./memory-state.js";

gatewayStateContract("memory", async (clock) => new MemoryState(clock));
