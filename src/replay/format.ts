import { textTable } from "../report/index.js";
import type { RespondReplayResult, RespondTally } from "./respond.js";

const pct = (n: number, of: number): string => (of === 0 ? "-" : `${((100 * n) / of).toFixed(2)}%`);

/** The replay's tallies as a text table, one row per group, then the totals a reader compares. */
export function respondTable(r: RespondReplayResult, everyLabel: string, quarantinePath: string): string {
  const rows = [...r.groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  const head = ["group", "requests", "refused", "reasoning withheld", "served with reasoning"];
  const cells = rows.map(([g, t]) => [g, String(t.requests), String(t.refused), String(t.withheld), `${t.served} (${pct(t.served, t.requests)})`]);
  const sum = (side: RespondTally["side"]): RespondTally => {
    const t: RespondTally = { side, requests: 0, refused: 0, withheld: 0, served: 0 };
    for (const [, x] of rows) {
      if (x.side !== side) continue;
      t.requests += x.requests;
      t.refused += x.refused;
      t.withheld += x.withheld;
      t.served += x.served;
    }
    return t;
  };
  const attackers = sum("attacker");
  const ordinary = sum("ordinary");
  const totals =
    attackers.requests + ordinary.requests > 0
      ? [
          `attackers: ${attackers.served} of ${attackers.requests} requests served with reasoning (${pct(attackers.served, attackers.requests)})`,
          `ordinary users: ${ordinary.refused} of ${ordinary.requests} requests refused, ${ordinary.withheld} with reasoning withheld`,
        ]
      : [];
  return [
    `${r.exchanges} exchanges decided in time order; the hunt ran ${r.runs} times (${everyLabel})${r.quarantined ? `; ${r.quarantined} lines quarantined in ${quarantinePath}` : ""}`,
    textTable(head, cells),
    ...totals,
  ].join("\n");
}
