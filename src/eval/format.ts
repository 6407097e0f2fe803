import { escapeHtml, lineChart, PALETTE, textTable } from "../report/index.js";
import type { EvalResult, GroupMetrics } from "./eval.js";

const pct = (x: number, d = 2): string => `${(x * 100).toFixed(d)}%`;

export function evalTable(r: EvalResult): string {
  const head = ["group", "kind", "accounts", "flagged", "recall / FPR", "exch-weighted recall", "leaked before detection"];
  const rows = r.groups.map((g) => [g.group, g.kind, String(g.accounts), String(g.flagged), `${g.label === "organic" ? "FPR " : "recall "}${pct(g.flaggedRate)}`, g.label === "organic" ? "" : pct(g.exchangeWeightedRecall), g.label === "organic" ? "" : `${g.leaked} (${pct(g.leakedRate)})`]);
  const o = r.overall;
  return [
    textTable(head, rows),
    "",
    `overall: precision ${pct(o.precision)}, recall ${pct(o.recall)}, FPR ${pct(o.fpr, 3)}, F1 ${o.f1.toFixed(3)}; attacker exchanges leaked before detection ${pct(o.leakedRate)}`,
    `(tp ${o.tp}, fp ${o.fp}, fn ${o.fn}, tn ${o.tn}${r.unknownAccounts ? `; ${r.unknownAccounts} report accounts not in truth` : ""})`,
    "",
    "leaked before detection if the hunt runs on a schedule and the gateway blocks what each run flags",
    "(the gateway's own rules act between runs, so these are upper bounds):",
    textTable(scheduleHead(r), scheduleRows(r)),
  ].join("\n");
}

/** Attackers and each campaign: leaked with a continuous hunt, then with each of HUNT_SCHEDULES. */
function scheduleRows(r: EvalResult): string[][] {
  return r.groups
    .filter((g) => (g.kind === "label" && g.group === "distill") || g.kind === "campaign")
    .map((g) => [g.kind === "label" ? "all attackers" : g.group, pct(g.leakedRate), ...g.leakedBySchedule.map((s) => pct(s.leakedRate))]);
}

const scheduleHead = (r: EvalResult): string[] => ["campaign", "continuous", ...(r.groups[0]?.leakedBySchedule ?? []).map((s) => s.schedule)];

function groupRows(groups: GroupMetrics[]): string {
  return groups
    .map((g) => `<tr><td>${escapeHtml(g.group)}</td><td>${g.kind}</td><td>${g.accounts}</td><td>${g.flagged}</td><td>${g.label === "organic" ? `FPR ${pct(g.flaggedRate)}` : `recall ${pct(g.flaggedRate)}`}</td><td>${g.label === "organic" ? "" : pct(g.exchangeWeightedRecall)}</td><td>${g.label === "organic" ? "" : `${g.leaked} (${pct(g.leakedRate)})`}</td></tr>`)
    .join("");
}

export function evalHtml(r: EvalResult, title: string): string {
  const day0 = Math.min(...Object.values(r.curves).flatMap((c) => c.map((p) => p.day)), 0);
  const dateOf = (d: number): string => new Date(d * 86_400_000).toISOString().slice(0, 10);
  const charts = Object.entries(r.curves)
    .map(([campaign, points], i) =>
      lineChart({
        title: `${campaign}: share of campaign exchanges sent vs leaked before detection, and accounts flagged`,
        series: [
          { name: "exchanges sent", color: PALETTE[0] as string, points: points.map((p) => [p.day, p.sent]) },
          { name: "leaked (pre-detection)", color: PALETTE[2] as string, points: points.map((p) => [p.day, p.leaked]) },
          { name: "accounts flagged", color: PALETTE[(4 + i) % PALETTE.length] as string, points: points.map((p) => [p.day, p.accountsFlagged]) },
        ],
        xLabel: dateOf,
        yLabel: (y) => pct(y, 0),
        yMax: 1,
      }),
    )
    .join("");
  const o = r.overall;
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:960px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p>Precision <b>${pct(o.precision)}</b> · recall <b>${pct(o.recall)}</b> · FPR <b>${pct(o.fpr, 3)}</b> · attacker exchanges leaked before detection <b>${pct(o.leakedRate)}</b> (day 0 = ${dateOf(day0)})</p>
<table><tr><th>group</th><th>kind</th><th>accounts</th><th>flagged</th><th>recall / FPR</th><th>exchange-weighted recall</th><th>leaked before detection</th></tr>${groupRows(r.groups)}</table>
<h2>Leaked before detection, by how often the hunt runs</h2>
<p>If the hunt runs on a schedule and the gateway blocks what each run flags. The gateway's own per-request rules act between runs, so these are upper bounds.</p>
<table><tr>${scheduleHead(r).map((h) => `<th>${h}</th>`).join("")}</tr>${scheduleRows(r).map((row) => `<tr>${row.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`).join("")}</table>
<h2>Detection over time</h2>${charts}</body></html>`;
}
