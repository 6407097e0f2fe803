import type { Exchange } from "../core/index.js";
import { AdapterError, toExchange } from "./adapters.js";
import { validateEnvelope } from "./envelope.js";
import { jsonLineBatches, reject } from "./jsonlines.js";
import type { QuarantineWriter } from "./quarantine.js";
import { openSource, type InputSource } from "./source.js";
import { newFileCounts, type FileCounts } from "./summary.js";

export interface ExchangeBatch {
  file: FileCounts;
  exchanges: Exchange[];
  /** The accepted lines as received, parallel to `exchanges` (what the store keeps). */
  lines: string[];
}

export interface ReadOptions {
  quarantine: QuarantineWriter;
  /** Called with raw bytes read from disk, for progress. */
  onBytes?: (n: number) => void;
  maxLineBytes?: number;
}

export type LineVerdict = { ok: true; exchange: Exchange } | { ok: false; reason: string };

/** One line of text → an Exchange or the reason it is not one. Pure; shared by the reader, the gateway and `classify`. */
export function parseExchangeLine(text: string): LineVerdict {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `not JSON: ${(err as Error).message}` };
  }
  return parseExchangeValue(value);
}

export function parseExchangeValue(value: unknown): LineVerdict {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, reason: "not a JSON object" };
  const env = validateEnvelope(value);
  if (!env.ok) return env;
  try {
    return { ok: true, exchange: toExchange(env.envelope) };
  } catch (err) {
    if (err instanceof AdapterError) return { ok: false, reason: err.message };
    throw err;
  }
}

/** Opens every input first so that a missing file fails the run before any output is written. */
export async function openSources(names: readonly string[]): Promise<InputSource[]> {
  const sources: InputSource[] = [];
  for (const name of names) sources.push(await openSource(name));
  return sources;
}

/**
 * Streams exchanges from exchange-log files in batches (one per decoded chunk). Bad lines go to the
 * quarantine and are counted; duplicates are the consumer's call (it owns the dedupe state) and it
 * updates `file.exchanges` / `file.duplicates`.
 */
export async function* readExchangeLog(sources: readonly InputSource[], opts: ReadOptions): AsyncGenerator<ExchangeBatch> {
  for (const source of sources) {
    const counts = newFileCounts(source.name);
    for await (const lines of jsonLineBatches(source, opts.quarantine, counts, { maxLineBytes: opts.maxLineBytes, onBytes: opts.onBytes })) {
      const exchanges: Exchange[] = [];
      const raw: string[] = [];
      for (const line of lines) {
        const verdict = parseExchangeValue(line.value);
        if (verdict.ok) {
          exchanges.push(verdict.exchange);
          raw.push(line.text);
        } else reject(opts.quarantine, counts, source, line, verdict.reason);
      }
      yield { file: counts, exchanges, lines: raw };
    }
  }
}
