import { createReadStream } from "node:fs";
import chain from "stream-chain";
import { parser } from "stream-json";
import type { Token } from "stream-json/parser.js";
import { pick } from "stream-json/filters/pick.js";
import { streamArray } from "stream-json/streamers/stream-array.js";
import { ArgumentError, type ClusterVerdict } from "../core/index.js";

/** The top-level arrays of a hunt report (spec/hunt-report.md) that can grow with the log. */
export type ReportArray = "accounts" | "clusters";

/**
 * Each element of one top-level array of a report.json, read as a stream. A report holds every
 * account seen, and V8 will not make a string past 2^29 characters, so reading it whole with
 * JSON.parse failed from about 1.8M accounts (a 700 MB report, in session 30's test). Parsing JSON
 * incrementally is what stream-json is made for; streamValues off keeps only whole values, which
 * halved its time (2M accounts: 14 s and 100 MB, against 29 s).
 * A report without the array, or with something else under its name, is not a hunt report.
 */
export async function* readReportArray(path: string, key: ReportArray): AsyncGenerator<unknown> {
  // The first token under the key says what is there: the array, or something a report does not hold.
  let first: Token["name"] | null = null;
  const pipeline = chain([
    createReadStream(path),
    parser({ streamValues: false }),
    pick({ filter: key, once: true }),
    (token: Token): Token => {
      if (first === null) {
        first = token.name;
        if (first !== "startArray") throw new ArgumentError(`${path} is not a hunt report: "${key}" is not an array`, { path });
      }
      return token;
    },
    streamArray(),
  ]);
  try {
    for await (const item of pipeline as AsyncIterable<{ value: unknown }>) yield item.value;
  } catch (err) {
    if (err instanceof ArgumentError) throw err;
    throw new ArgumentError(`cannot read report ${path}: ${(err as Error).message}`, { path });
  } finally {
    pipeline.destroy();
  }
  if (first === null) throw new ArgumentError(`${path} is not a hunt report: it has no "${key}" array`, { path });
}

/** report.json clusters (snake_case, ISO times) back into the verdict shape the exporter reads; streamed, as a report can outgrow a string. */
export async function readReportClusters(path: string): Promise<ClusterVerdict[]> {
  const ms = (v: unknown): number => (typeof v === "string" ? Date.parse(v) : Number.NaN);
  const clusters: ClusterVerdict[] = [];
  for await (const value of readReportArray(path, "clusters")) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ArgumentError(`${path} is not a hunt report: clusters[${clusters.length}] is not an object`, { path });
    const c = value as Record<string, unknown>;
    clusters.push({
      id: String(c.id),
      accounts: Array.isArray(c.accounts) ? c.accounts.map(String) : [],
      exchanges: Number(c.exchanges ?? 0),
      score: Number(c.score ?? 0),
      flagged: c.flagged === true,
      firstSeen: ms(c.first_seen),
      lastSeen: ms(c.last_seen),
      firstFlaggedAt: Number.isNaN(ms(c.first_flagged_at)) ? null : ms(c.first_flagged_at),
      domains: (c.domains ?? {}) as Record<string, number>,
      links: (c.links ?? []) as ClusterVerdict["links"],
      reasons: (c.reasons ?? []) as string[],
      infrastructure: c.infrastructure as ClusterVerdict["infrastructure"],
      indicators: (c.indicators ?? []) as ClusterVerdict["indicators"],
    });
  }
  return clusters;
}
