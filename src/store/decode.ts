import type { Exchange } from "../core/index.js";
import { parseExchangeLine } from "../ingest/read.js";
import { StoreError } from "../core/index.js";
import type { BodyFormat } from "./store.js";

/** A stored row back to an Exchange. Stored lines were valid when written, so failure means corruption. */
export function decodeBody(fmt: BodyFormat | string, body: string): Exchange {
  if (fmt === "n") return JSON.parse(body) as Exchange;
  const v = parseExchangeLine(body);
  if (!v.ok) throw new StoreError(`stored exchange no longer parses: ${v.reason}`);
  return v.exchange;
}
