import { parentPort } from "node:worker_threads";
import { loadDefaultModel } from "../detect/index.js";
import { signalsOfInputs, type PackedInputs } from "./signal-codec.js";

/** A request-signal thread of the hunt: exchanges in, signals out, in the order received. */
const port = parentPort;
if (!port) throw new Error("signal-worker must run as a worker thread");
const model = loadDefaultModel();
port.on("message", (m: { inputs: PackedInputs }) => {
  // One exchange at a time from unpacking to packing: nothing per exchange outlives its turn.
  const signals = signalsOfInputs(m.inputs, model);
  port.postMessage({ signals }, [signals.numbers.buffer, signals.minhash.buffer]);
});
