import { z } from "zod";

export const truthRowSchema = z.object({
  account: z.string(),
  role: z.string(),
  label: z.enum(["distill", "organic"]),
  campaign: z.string().nullable(),
});
export type TruthRow = z.infer<typeof truthRowSchema>;

export interface ReportAccount {
  flagged: boolean;
  firstFlaggedAt: number | null;
}

export interface GroupMetrics {
  group: string;
  kind: "role" | "campaign" | "label";
  label: "distill" | "organic" | "mixed";
  accounts: number;
  flagged: number;
  /** Share of the group's accounts flagged: recall for attackers, false-positive rate for organic groups. */
  flaggedRate: number;
  exchanges: number;
  /** Exchanges of flagged accounts over all of the group's exchanges. */
  exchangeWeightedRecall: number;
  /** Exchanges sent before the account was flagged (all of them if never flagged). */
  leaked: number;
  leakedRate: number;
  /** Exchanges sent before the first run of a scheduled hunt that flagged the account, per HUNT_SCHEDULES. */
  leakedBySchedule: ScheduledLeak[];
}

/**
 * How often a provider might run the hunt over its logs and load the verdicts into the gateway: runs
 * at the top of each hour, at midnight UTC, and at every seventh midnight (from the epoch). A run at T
 * flags what a time-ordered replay flags by T (the hunt flags only from the past, so a run over the log
 * so far agrees with a later run's first_flagged_at), so an account is stopped at the first run at or
 * after its first_flagged_at. The gateway's own per-request rules act between runs, so these are upper
 * bounds on what leaks with reasoning.
 */
export const HUNT_SCHEDULES: ReadonlyArray<{ label: string; everyMs: number }> = [
  { label: "hourly", everyMs: 3_600_000 },
  { label: "daily", everyMs: 86_400_000 },
  { label: "weekly", everyMs: 7 * 86_400_000 },
];

export interface ScheduledLeak {
  schedule: string;
  leaked: number;
  leakedRate: number;
}

/** When a hunt run every `everyMs` first holds a verdict flagged at `firstFlaggedAt`. */
export const stoppedByRunAt = (firstFlaggedAt: number, everyMs: number): number => Math.ceil(firstFlaggedAt / everyMs) * everyMs;

export interface EvalResult {
  overall: { precision: number; recall: number; fpr: number; f1: number; leakedRate: number; leakedBySchedule: ScheduledLeak[]; tp: number; fp: number; fn: number; tn: number };
  groups: GroupMetrics[];
  /** Per campaign, by day: cumulative share of exchanges sent, and cumulative share leaked before detection. */
  curves: Record<string, Array<{ day: number; sent: number; leaked: number; accountsFlagged: number }>>;
  unknownAccounts: number;
}

/** Per-account exchange tallies, gathered from the exchange log. */
export interface ExchangeTally {
  exchanges: number;
  leaked: number;
  /** Parallel to HUNT_SCHEDULES. */
  leakedBySchedule: number[];
}

const emptyTally = (): ExchangeTally => ({ exchanges: 0, leaked: 0, leakedBySchedule: HUNT_SCHEDULES.map(() => 0) });

/** Accumulates exchanges against report verdicts in one streaming pass. */
export class ExchangeCounter {
  readonly tallies = new Map<string, ExchangeTally>();
  /** campaign → day → [sent, leaked] */
  readonly daily = new Map<string, Map<number, [number, number]>>();
  private firstDay: number | null = null;

  constructor(
    private readonly truth: ReadonlyMap<string, TruthRow>,
    private readonly report: ReadonlyMap<string, ReportAccount>,
  ) {}

  add(account: string, ts: number): void {
    const flaggedAt = this.report.get(account)?.firstFlaggedAt ?? null;
    // Sent before the account was stopped: never, if it was never flagged.
    const sentBefore = (stop: (at: number) => number): boolean => flaggedAt === null || ts < stop(flaggedAt);
    const leaked = sentBefore((at) => at);
    let t = this.tallies.get(account);
    if (!t) this.tallies.set(account, (t = emptyTally()));
    t.exchanges++;
    if (leaked) t.leaked++;
    for (const [i, s] of HUNT_SCHEDULES.entries()) if (sentBefore((at) => stoppedByRunAt(at, s.everyMs))) t.leakedBySchedule[i] = (t.leakedBySchedule[i] ?? 0) + 1;
    const campaign = this.truth.get(account)?.campaign;
    if (campaign) {
      const day = Math.floor(ts / 86_400_000);
      if (this.firstDay === null || day < this.firstDay) this.firstDay = day;
      let m = this.daily.get(campaign);
      if (!m) this.daily.set(campaign, (m = new Map()));
      const cell = m.get(day) ?? [0, 0];
      cell[0]++;
      if (leaked) cell[1]++;
      m.set(day, cell);
    }
  }
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

function group(name: string, kind: GroupMetrics["kind"], rows: TruthRow[], report: ReadonlyMap<string, ReportAccount>, tallies: ReadonlyMap<string, ExchangeTally>): GroupMetrics {
  let flagged = 0;
  let exchanges = 0;
  let flaggedExchanges = 0;
  let leaked = 0;
  const leakedBySchedule = HUNT_SCHEDULES.map(() => 0);
  for (const r of rows) {
    const v = report.get(r.account);
    const t = tallies.get(r.account) ?? emptyTally();
    exchanges += t.exchanges;
    leaked += t.leaked;
    t.leakedBySchedule.forEach((n, i) => (leakedBySchedule[i] = (leakedBySchedule[i] ?? 0) + n));
    if (v?.flagged) {
      flagged++;
      flaggedExchanges += t.exchanges;
    }
  }
  const labels = new Set(rows.map((r) => r.label));
  return {
    group: name,
    kind,
    label: labels.size === 1 ? ([...labels][0] as "distill" | "organic") : "mixed",
    accounts: rows.length,
    flagged,
    flaggedRate: ratio(flagged, rows.length),
    exchanges,
    exchangeWeightedRecall: ratio(flaggedExchanges, exchanges),
    leaked,
    leakedRate: ratio(leaked, exchanges),
    leakedBySchedule: HUNT_SCHEDULES.map((s, i) => ({ schedule: s.label, leaked: leakedBySchedule[i] ?? 0, leakedRate: ratio(leakedBySchedule[i] ?? 0, exchanges) })),
  };
}

export function computeEval(truth: ReadonlyMap<string, TruthRow>, report: ReadonlyMap<string, ReportAccount>, counter: ExchangeCounter): EvalResult {
  const rows = [...truth.values()];
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (const r of rows) {
    const flagged = report.get(r.account)?.flagged === true;
    if (r.label === "distill") {
      if (flagged) tp++;
      else fn++;
    } else if (flagged) fp++;
    else tn++;
  }
  const by = (key: (r: TruthRow) => string | null): Map<string, TruthRow[]> => {
    const m = new Map<string, TruthRow[]>();
    for (const r of rows) {
      const k = key(r);
      if (k === null) continue;
      m.set(k, [...(m.get(k) ?? []), r]);
    }
    return m;
  };
  const groups: GroupMetrics[] = [];
  for (const [k, rs] of [...by((r) => r.label)].sort()) groups.push(group(k, "label", rs, report, counter.tallies));
  for (const [k, rs] of [...by((r) => r.campaign)].sort()) groups.push(group(k, "campaign", rs, report, counter.tallies));
  for (const [k, rs] of [...by((r) => r.role)].sort()) groups.push(group(k, "role", rs, report, counter.tallies));

  const curves: EvalResult["curves"] = {};
  for (const [campaign, days] of counter.daily) {
    const total = [...days.values()].reduce((a, c) => a + c[0], 0);
    const members = rows.filter((r) => r.campaign === campaign);
    let sent = 0;
    let leaked = 0;
    curves[campaign] = [...days.keys()]
      .sort((a, b) => a - b)
      .map((day) => {
        const c = days.get(day) as [number, number];
        sent += c[0];
        leaked += c[1];
        const end = (day + 1) * 86_400_000;
        const flaggedBy = members.filter((m) => {
          const f = report.get(m.account)?.firstFlaggedAt;
          return f !== null && f !== undefined && f < end;
        }).length;
        return { day, sent: ratio(sent, total), leaked: ratio(leaked, total), accountsFlagged: ratio(flaggedBy, members.length) };
      });
  }
  const attackers = groups.find((g) => g.kind === "label" && g.group === "distill");
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  return {
    overall: { precision, recall, fpr: ratio(fp, fp + tn), f1: ratio(2 * precision * recall, precision + recall), leakedRate: attackers?.leakedRate ?? 0, leakedBySchedule: attackers?.leakedBySchedule ?? [], tp, fp, fn, tn },
    groups,
    curves,
    unknownAccounts: [...report.keys()].filter((a) => !truth.has(a)).length,
  };
}
