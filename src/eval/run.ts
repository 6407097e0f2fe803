import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { z } from "zod";
import { ArgumentError } from "../core/index.js";
import { describeIssue, inTimeOrder, openSources, QuarantineWriter, timeOrderedBatches } from "../ingest/index.js";
import { readReportArray } from "../report/index.js";
import { computeEval, ExchangeCounter, truthRowSchema, type EvalResult, type ReportAccount, type TruthRow } from "./eval.js";

/** Ground truth by account, read a line at a time: a truth file of millions of accounts can outgrow a string. */
export async function readTruth(path: string): Promise<Map<string, TruthRow>> {
  const out = new Map<string, TruthRow>();
  const lines = createInterface({ input: createReadStream(path, { encoding: "utf8" }), crlfDelay: Infinity });
  let i = 0;
  for await (const line of lines) {
    i++;
    if (!line.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new ArgumentError(`${path}:${i}: not a truth row (not JSON)`);
    }
    const r = truthRowSchema.safeParse(value);
    if (!r.success) throw new ArgumentError(`${path}:${i}: not a truth row (${r.error.issues[0]?.message ?? "invalid"})`);
    out.set(r.data.account, r.data);
  }
  return out;
}

const reportAccountSchema = z.object({ account: z.string(), flagged: z.boolean(), first_flagged_at: z.string().nullable() });

/** The verdict of every account in a report.json, read as a stream (a report can outgrow a string). */
export async function readReportAccounts(path: string): Promise<Map<string, ReportAccount>> {
  const out = new Map<string, ReportAccount>();
  let i = 0;
  for await (const value of readReportArray(path, "accounts")) {
    const a = reportAccountSchema.safeParse(value);
    if (!a.success) throw new ArgumentError(`${path} is not a hunt report: accounts[${i}]: ${describeIssue(a.error)}`, { path, index: i });
    out.set(a.data.account, { flagged: a.data.flagged, firstFlaggedAt: a.data.first_flagged_at === null ? null : Date.parse(a.data.first_flagged_at) });
    i++;
  }
  return out;
}

/**
 * Scores a hunt report against ground truth, reading the exchange log once for exchange-weighted
 * metrics, in time order and de-duplicated as the hunt reads it: a set of every exchange id would
 * have grown with the log, and V8 stops a Set at 2^24 entries (16.7M exchanges, about a year of the
 * published campaigns' traffic).
 */
export async function runEval(opts: { truth: string; report: string; exchanges: string[]; quarantinePath: string }): Promise<EvalResult> {
  const truth = await readTruth(opts.truth);
  const report = await readReportAccounts(opts.report);
  return inTimeOrder(opts.exchanges, async (order) => {
    const counter = new ExchangeCounter(truth, report);
    const quarantine = new QuarantineWriter(opts.quarantinePath);
    try {
      for await (const batch of timeOrderedBatches(await openSources(opts.exchanges), order, { quarantine }, { files: [], late: 0 })) {
        for (const ex of batch) counter.add(ex.account, ex.ts);
      }
    } finally {
      await quarantine.close();
    }
    return computeEval(truth, report, counter);
  });
}
