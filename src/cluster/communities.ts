import { UndirectedGraph } from "graphology";
import louvainImport from "graphology-communities-louvain";
import { createRng } from "../core/index.js";
import type { LinkKey, LinkKind } from "./links.js";

// The package is CommonJS with an ESM-style .d.ts: at run time the default import is the function itself.
type Louvain = (graph: UndirectedGraph, options: { getEdgeWeight: string; rng: () => number; resolution: number }) => Record<string, number>;
const louvain = ((louvainImport as unknown as { default?: Louvain }).default ?? louvainImport) as unknown as Louvain;

/**
 * How much one shared identifier says that two accounts are run by one operator. Payment and
 * identity facts are near-proof; an IP on the same day or a tool-schema set is strong; a shared
 * template family is weak alone (popular CoT suffixes are used by unrelated parties), so it can join
 * a ring that shares nothing else but does not merge two campaigns that each have their own cards.
 */
export const LINK_WEIGHT: Record<LinkKind, number> = {
  payment_fp: 4,
  email_hash: 4,
  phone_hash: 4,
  api_key: 4,
  tool_schema: 2,
  ip_day: 1.5,
  system_prompt: 1,
  template: 0.5,
};

export interface Community {
  accounts: string[];
  links: LinkKey[];
}

/**
 * Communities of accounts on the bipartite account–identifier graph (Louvain, seeded so the same
 * input gives the same clusters). Identifier nodes keep the graph linear in memberships: a key
 * shared by 20,000 accounts is one star, not 200 million edges.
 */
export function findCommunities(keys: readonly LinkKey[], seed = 42): Community[] {
  const g = new UndirectedGraph();
  for (const k of keys) {
    const kn = `k\u0000${k.id}`;
    g.mergeNode(kn);
    for (const m of k.members) {
      const an = `a\u0000${m}`;
      g.mergeNode(an);
      g.mergeEdge(an, kn, { weight: LINK_WEIGHT[k.kind] });
    }
  }
  if (g.order === 0) return [];
  const assignment = louvain(g, { getEdgeWeight: "weight", rng: createRng(seed), resolution: 1 });
  const byCommunity = new Map<number, Community>();
  const keyById = new Map(keys.map((k) => [`k\u0000${k.id}`, k]));
  for (const [node, c] of Object.entries(assignment)) {
    let entry = byCommunity.get(c);
    if (!entry) byCommunity.set(c, (entry = { accounts: [], links: [] }));
    if (node.startsWith("a\u0000")) entry.accounts.push(node.slice(2));
    else entry.links.push(keyById.get(node) as LinkKey);
  }
  return [...byCommunity.values()].filter((c) => c.accounts.length >= 2).map((c) => ({ accounts: c.accounts.sort(), links: c.links }));
}
