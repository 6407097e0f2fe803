import { parentPort } from "node:worker_threads";
import { loadDefaultModel, requestSignals } from "../detect/index.js";
import { packSignals, unpackInputs, type PackedInputs } from "./signal-codec.js";

/** A request-signal thread of the hunt: exchanges in, signals out, in the order received. */
const port = parentPort;
if (!port) throw new Error("signal-worker must run as a worker thread");
const model = loadDefaultModel();
port.on("message", (m: { seq: number; inputs: PackedInputs }) => {
  const signals = packSignals(unpackInputs(m.inputs).map((ex) => requestSignals(ex, model)));
  port.postMessage({ seq: m.seq, signals }, [signals.numbers.buffer, signals.minhash.buffer]);
});
