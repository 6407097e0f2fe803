import { readFileSync } from "node:fs";
import { z } from "zod";
import { ArgumentError } from "../core/index.js";
import { openSources, QuarantineWriter, readExchangeLog } from "../ingest/index.js";
import { computeEval, ExchangeCounter, truthRowSchema, type EvalResult, type ReportAccount, type TruthRow } from "./eval.js";

const reportSchema = z.object({
  accounts: z.array(z.object({ account: z.string(), flagged: z.boolean(), first_flagged_at: z.string().nullable() })),
});

export function readTruth(path: string): Map<string, TruthRow> {
  const out = new Map<string, TruthRow>();
  readFileSync(path, "utf8")
    .split("\n")
    .forEach((line, i) => {
      if (!line.trim()) return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new ArgumentError(`${path}:${i + 1}: not a truth row (not JSON)`);
      }
      const r = truthRowSchema.safeParse(value);
      if (!r.success) throw new ArgumentError(`${path}:${i + 1}: not a truth row (${r.error.issues[0]?.message ?? "invalid"})`);
      out.set(r.data.account, r.data);
    });
  return out;
}

export function readReportAccounts(path: string): Map<string, ReportAccount> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new ArgumentError(`cannot read report ${path}: ${(err as Error).message}`);
  }
  const parsed = reportSchema.safeParse(raw);
  if (!parsed.success) throw new ArgumentError(`${path} is not a hunt report: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return new Map(parsed.data.accounts.map((a) => [a.account, { flagged: a.flagged, firstFlaggedAt: a.first_flagged_at === null ? null : Date.parse(a.first_flagged_at) }]));
}

/** Scores a hunt report against ground truth, reading the exchange log once for exchange-weighted metrics. */
export async function runEval(opts: { truth: string; report: string; exchanges: string[]; quarantinePath: string }): Promise<EvalResult> {
  const truth = readTruth(opts.truth);
  const report = readReportAccounts(opts.report);
  const counter = new ExchangeCounter(truth, report);
  const quarantine = new QuarantineWriter(opts.quarantinePath);
  const seen = new Set<string>();
  for await (const batch of readExchangeLog(await openSources(opts.exchanges), { quarantine })) {
    for (const ex of batch.exchanges) {
      if (seen.has(ex.id)) continue;
      seen.add(ex.id);
      counter.add(ex.account, ex.ts);
    }
  }
  await quarantine.close();
  return computeEval(truth, report, counter);
}
