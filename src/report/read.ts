import { createReadStream } from "node:fs";
import chain from "stream-chain";
import { parser } from "stream-json";
import type { Token } from "stream-json/parser.js";
import { pick } from "stream-json/filters/pick.js";
import { streamArray } from "stream-json/streamers/stream-array.js";
import { ArgumentError } from "../core/index.js";

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
  let found = false;
  const pipeline = chain([
    createReadStream(path),
    parser({ streamValues: false }),
    pick({ filter: key, once: true }),
    (token: Token): Token => {
      found = true;
      return token;
    },
    streamArray(),
  ]);
  try {
    for await (const item of pipeline as AsyncIterable<{ value: unknown }>) yield item.value;
  } catch (err) {
    const why = (err as Error).message;
    throw new ArgumentError(found && /array/i.test(why) ? `${path} is not a hunt report: "${key}" is not an array` : `cannot read report ${path}: ${why}`, { path });
  } finally {
    pipeline.destroy();
  }
  if (!found) throw new ArgumentError(`${path} is not a hunt report: it has no "${key}" array`, { path });
}
