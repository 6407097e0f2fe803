import { parentPort } from "node:worker_threads";
import { loadDefaultModel, requestSignals } from "../detect/index.js";
import { inputCount, SignalPacker, unpackInput, type PackedInputs } from "./signal-codec.js";

/** A request-signal thread of the hunt: exchanges in, signals out, in the order received. */
const port = parentPort;
if (!port) throw new Error("signal-worker must run as a worker thread");
const model = loadDefaultModel();
port.on("message", (m: { seq: number; inputs: PackedInputs }) => {
  // One exchange at a time from unpacking to packing: nothing per exchange outlives its turn.
  const count = inputCount(m.inputs);
  const packer = new SignalPacker(count);
  for (let i = 0; i < count; i++) packer.put(requestSignals(unpackInput(m.inputs, i), model));
  const signals = packer.packed();
  port.postMessage({ seq: m.seq, signals }, [signals.numbers.buffer, signals.minhash.buffer]);
});
