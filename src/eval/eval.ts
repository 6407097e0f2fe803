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
}

export interface EvalResult {
  overall: { precision: number; recall: number; fpr: number; f1: number; leakedRate: number; tp: number; fp: number; fn: number; tn: number };
  groups: GroupMetrics[];
  /** Per campaign, by day: cumulative share of exchanges sent, and cumulative share leaked before detection. */
  curves: Record<string, Array<{ day: number; sent: number; leaked: number; accountsFlagged: number }>>;
  unknownAccounts: number;
}

/** Per-account exchange tallies, gathered from the exchange log. */
export interface ExchangeTally {
  exchanges: number;
  leaked: number;
}

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
    const r = this.report.get(account);
    const leaked = !r || r.firstFlaggedAt === null || ts < r.firstFlaggedAt;
    let t = this.tallies.get(account);
    if (!t) this.tallies.set(account, (t = { exchanges: 0, leaked: 0 }));
    t.exchanges++;
    if (leaked) t.leaked++;
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
  for (const r of rows) {
    const v = report.get(r.account);
    const t = tallies.get(r.account) ?? { exchanges: 0, leaked: 0 };
    exchanges += t.exchanges;
    leaked += t.leaked;
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
    overall: { precision, recall, fpr: ratio(fp, fp + tn), f1: ratio(2 * precision * recall, precision + recall), leakedRate: attackers?.leakedRate ?? 0, tp, fp, fn, tn },
    groups,
    curves,
    unknownAccounts: [...report.keys()].filter((a) => !truth.has(a)).length,
  };
}
