import type { HuntReportJson } from "./json.js";
import { barChart, escapeHtml as esc, lineChart, PALETTE } from "./svg.js";

const WEEK = 7 * 86_400_000;
const n = (x: number): string => x.toLocaleString("en-US");
const day = (iso: string | null): string => (iso ? iso.slice(0, 10) : "—");

function domainsTargeted(d: Record<string, number>): string {
  return Object.entries(d)
    .filter(([, v]) => v >= 0.08)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k.replace("_", " ")} ${(v * 100).toFixed(0)}%`)
    .join(", ");
}

/** All its traffic's domains, and under them those of its asks for the reasoning, which cover traffic does not dilute. */
function domainsCell(c: HuntReportJson["clusters"][number]): string {
  const all = esc(domainsTargeted(c.domains));
  if (!c.ask_domains || !c.asks) return all;
  return `${all}<br><small>its ${n(c.asks)} asks for the reasoning: ${esc(domainsTargeted(c.ask_domains))}</small>`;
}

/** Node-link picture of the largest flagged clusters: member dots around the identifiers that link them. */
function clusterGraph(clusters: HuntReportJson["clusters"]): string {
  const shown = clusters.slice(0, 6);
  if (shown.length === 0) return "<p><em>No flagged clusters.</em></p>";
  const cell = 240;
  const cols = 3;
  const w = cols * cell;
  const h = Math.ceil(shown.length / cols) * cell;
  const parts: string[] = [];
  shown.forEach((c, i) => {
    const cx = (i % cols) * cell + cell / 2;
    const cy = Math.floor(i / cols) * cell + cell / 2 + 10;
    const color = PALETTE[i % PALETTE.length] as string;
    const hubs = c.links.slice(0, 3);
    const members = Math.min(c.accounts.length, 60);
    for (let j = 0; j < members; j++) {
      const a = (2 * Math.PI * j) / members;
      const x = cx + Math.cos(a) * 85;
      const y = cy + Math.sin(a) * 85;
      hubs.forEach((_, k) => {
        const hx = cx + (k - (hubs.length - 1) / 2) * 34;
        parts.push(`<line x1="${x.toFixed(1)}" y1="${y.toFixed(1)}" x2="${hx}" y2="${cy}" stroke="${color}" stroke-opacity="0.18"/>`);
      });
      parts.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3.2" fill="${color}"/>`);
    }
    hubs.forEach((l, k) => {
      const hx = cx + (k - (hubs.length - 1) / 2) * 34;
      parts.push(`<rect x="${hx - 7}" y="${cy - 7}" width="14" height="14" fill="#333"><title>${esc(`${l.kind} ${l.value} (${l.accounts} accounts)`)}</title></rect>`);
    });
    parts.push(`<text x="${cx}" y="${cy - 100}" text-anchor="middle" font-size="12" font-weight="bold">${esc(c.id)}: ${n(c.accounts.length)} accounts${c.accounts.length > members ? ` (${members} drawn)` : ""}</text>`);
    parts.push(`<text x="${cx}" y="${cy + 112}" text-anchor="middle" font-size="10">${esc(hubs.map((l) => l.kind).join(" · "))}</text>`);
  });
  return `<figure><svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" role="img" aria-label="cluster graph">${parts.join("")}</svg><figcaption>Dots are accounts; dark squares are the identifiers that link them (hover for the value).</figcaption></figure>`;
}

/** The campaign report a trust-and-safety analyst reads: one self-contained HTML file. */
export function reportHtml(r: HuntReportJson): string {
  const flagged = r.clusters.filter((c) => c.flagged).sort((a, b) => b.exchanges - a.exchanges);
  const start = r.time_span.first ? Date.parse(r.time_span.first) : 0;
  const weekLabel = (w: number): string => new Date(start + w * WEEK).toISOString().slice(0, 10);
  const series = flagged.slice(0, 6).map((c, i) => ({ name: c.id, color: PALETTE[i % PALETTE.length] as string, points: (c.weekly ?? []).map((v, w) => [w, v] as [number, number]) }));
  const reasonCounts = new Map<string, number>();
  for (const a of r.accounts) {
    if (!a.flagged) continue;
    for (const reason of a.reasons.slice(0, 2)) {
      const key = reason.replace(/[0-9][0-9.,]*/g, "N").replace(/\(.*$/, "").replace(/ (?:tf_|pf_|eh_|ph_)\w+/g, "").trim().slice(0, 60);
      reasonCounts.set(key, (reasonCounts.get(key) ?? 0) + 1);
    }
  }
  const topReasons = [...reasonCounts].sort((a, b) => b[1] - a[1]).slice(0, 10);
  const flaggedExchanges = flagged.reduce((a, c) => a + c.exchanges, 0);
  const s = r.summary;
  const rows = flagged
    .map(
      (c) => `<tr><td>${esc(c.id)}</td><td>${n(c.accounts.length)}</td><td>${n(c.exchanges)}</td><td>${day(c.first_seen)} → ${day(c.last_seen)}</td><td>${day(c.first_flagged_at)}</td><td>${domainsCell(c)}</td><td>${c.score.toFixed(2)}</td>
<td>${c.infrastructure ? `${n(c.infrastructure.countries)} countries, ${n(c.infrastructure.asns)} ASNs, ${n(c.infrastructure.slash24s)} /24s` : ""}</td><td>${esc(c.links.slice(0, 3).map((l) => `${l.kind} ${l.value} (${l.accounts})`).join("; "))}</td></tr>`,
    )
    .join("");
  const details = flagged
    .slice(0, 20)
    .map((c) => `<h3>${esc(c.id)}</h3><ul>${c.reasons.map((x) => `<li>${esc(x)}</li>`).join("")}</ul><p>User agents: ${esc((c.infrastructure?.userAgents ?? []).join(", "))}</p>`)
    .join("");
  return `<!doctype html><html><head><meta charset="utf-8"><title>hydrasentry campaign report</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:1100px;color:#222}table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:4px 6px;vertical-align:top}th{background:#f3f3f3}.big{font-size:20px;font-weight:bold}</style></head><body>
<h1>Distillation campaign report</h1>
<p>Log ${day(r.time_span.first)} → ${day(r.time_span.last)} · generated ${esc(r.generated_at)}</p>
<p><span class="big">${n(s.flagged_accounts)}</span> of ${n(s.accounts)} accounts flagged · <span class="big">${n(flagged.length)}</span> flagged clusters carrying ${n(flaggedExchanges)} of ${n(s.exchanges)} exchanges (${s.exchanges ? ((100 * flaggedExchanges) / s.exchanges).toFixed(1) : "0"}%) · input: ${n(s.lines)} lines, ${n(s.duplicates)} duplicates, ${n(s.quarantined)} quarantined${s.late ? `, ${n(s.late)} late` : ""}${s.sorted ? ", not in time order (sorted before the replay)" : ""}</p>
<h2>Campaigns</h2>
<table><tr><th>cluster</th><th>accounts</th><th>exchanges</th><th>active</th><th>first flagged</th><th>capability domains targeted</th><th>score</th><th>infrastructure</th><th>linked by</th></tr>${rows || '<tr><td colspan="9">none</td></tr>'}</table>
<h2>Timeline</h2>${lineChart({ title: "Exchanges per week, largest flagged clusters", series, xLabel: (w) => weekLabel(Math.round(w)), yLabel: (y) => n(Math.round(y)) })}
<h2>Cluster graph</h2>${clusterGraph(flagged)}
<h2>Top reasons</h2>${topReasons.length ? barChart({ title: "Most common first reasons on flagged accounts", bars: topReasons.map(([label, value]) => ({ label, value })), format: (v) => n(v), width: 900 }) : "<p>none</p>"}
<h2>Cluster evidence</h2>${details}
<p>Every flagged account's own reasons are in accounts.csv and report.json.</p></body></html>`;
}

export function* accountsCsvLines(r: HuntReportJson): Generator<string> {
  const q = (v: string): string => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  yield "account,score,flagged,cluster,first_flagged_at,exchanges,reasons\n";
  for (const a of r.accounts) yield `${[q(a.account), a.score.toFixed(4), String(a.flagged), q(a.cluster ?? ""), a.first_flagged_at ?? "", String(a.exchanges), q(a.reasons.join(" | "))].join(",")}\n`;
}
