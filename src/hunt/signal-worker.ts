import { parentPort } from "node:worker_threads";
import type { Exchange } from "../core/index.js";
import { loadDefaultModel, requestSignals } from "../detect/index.js";

/** A request-signal thread of the hunt: exchanges in, signals out, in the order received. */
const port = parentPort;
if (!port) throw new Error("signal-worker must run as a worker thread");
const model = loadDefaultModel();
port.on("message", (m: { seq: number; exchanges: Exchange[] }) => {
  port.postMessage({ seq: m.seq, signals: m.exchanges.map((ex) => requestSignals(ex, model)) });
});
