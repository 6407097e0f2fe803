import type { AccountVerdict, ClusterVerdict } from "../core/index.js";
import type { FileCounts, ReadTotals } from "../ingest/index.js";

/** report.json as shared/spec/hunt-report.md fixes it, plus extra fields other tools may ignore. */
export interface HuntReportJson {
  summary: {
    lines: number;
    exchanges: number;
    duplicates: number;
    quarantined: number;
    accounts: number;
    flagged_accounts: number;
    clusters: number;
    late?: number;
    /** True when the input was not in time order and was sorted before the replay. */
    sorted?: boolean;
  };
  accounts: Array<{
    account: string;
    score: number;
    flagged: boolean;
    cluster: string | null;
    first_flagged_at: string | null;
    exchanges: number;
    reasons: string[];
  }>;
  clusters: Array<{
    id: string;
    accounts: string[];
    exchanges: number;
    score: number;
    flagged: boolean;
    first_seen: string;
    last_seen: string;
    first_flagged_at: string | null;
    domains: Record<string, number>;
    /** Requests asking for the reasoning and their domains (see ClusterVerdict.askDomains). */
    asks?: number;
    ask_domains?: Record<string, number>;
    links: Array<{ kind: string; value: string; accounts: number }>;
    reasons: string[];
    infrastructure?: { countries: number; asns: number; slash24s: number; userAgents: string[] };
    weekly?: number[];
    indicators?: Array<{ kind: string; value: string; accounts: number }>;
  }>;
  files: FileCounts[];
  generated_at: string;
  time_span: { first: string | null; last: string | null };
}

const iso = (ms: number | null): string | null => (ms === null || !Number.isFinite(ms) ? null : new Date(ms).toISOString());
const round = (x: number, digits = 4): number => Math.round(x * 10 ** digits) / 10 ** digits;

export function buildReportJson(input: {
  totals: ReadTotals;
  late: number;
  sorted?: boolean;
  files: FileCounts[];
  accounts: readonly AccountVerdict[];
  clusters: readonly ClusterVerdict[];
  firstTs: number | null;
  lastTs: number | null;
  now?: Date;
}): HuntReportJson {
  return {
    summary: {
      lines: input.totals.lines,
      exchanges: input.totals.exchanges,
      duplicates: input.totals.duplicates,
      quarantined: input.totals.quarantined,
      accounts: input.accounts.length,
      flagged_accounts: input.accounts.filter((a) => a.flagged).length,
      clusters: input.clusters.length,
      late: input.late,
      ...(input.sorted ? { sorted: true } : {}),
    },
    accounts: input.accounts.map((a) => ({
      account: a.account,
      score: round(a.score),
      flagged: a.flagged,
      cluster: a.cluster,
      first_flagged_at: iso(a.firstFlaggedAt),
      exchanges: a.exchanges,
      reasons: a.reasons,
    })),
    clusters: input.clusters.map((c) => ({
      id: c.id,
      accounts: c.accounts,
      exchanges: c.exchanges,
      score: round(c.score),
      flagged: c.flagged,
      first_seen: iso(c.firstSeen) ?? "",
      last_seen: iso(c.lastSeen) ?? "",
      first_flagged_at: iso(c.firstFlaggedAt),
      domains: Object.fromEntries(Object.entries(c.domains).map(([k, v]) => [k, round(v, 3)])),
      asks: c.asks,
      ask_domains: c.askDomains && Object.fromEntries(Object.entries(c.askDomains).map(([k, v]) => [k, round(v, 3)])),
      links: c.links,
      reasons: c.reasons,
      infrastructure: c.infrastructure,
      weekly: c.weekly,
      indicators: c.indicators,
    })),
    files: input.files,
    generated_at: (input.now ?? new Date()).toISOString(),
    time_span: { first: iso(input.firstTs), last: iso(input.lastTs) },
  };
}
