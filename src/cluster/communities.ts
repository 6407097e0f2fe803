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
  conversation: 4,
  conversation_pool: 4,
  tool_schema: 2,
  ip_day: 1.5,
  system_prompt: 1,
  template: 0.5,
};

/** An account fact too short to be proof (LinkKey.weak) weighs like an address shared on a day. */
const WEAK_FACT_WEIGHT = 1.5;

export interface Community {
  accounts: string[];
  links: LinkKey[];
}

/**
 * The bipartite account–identifier graph, kept between Louvain runs and updated with what changed:
 * rebuilding it from every linking key at every run was most of the hunt's main-thread time.
 * Identifier nodes keep it linear in memberships: a key shared by 20,000 accounts is one star, not
 * 200 million edges.
 */
export class CommunityGraph {
  readonly #g = new UndirectedGraph();
  /** Key id → members currently drawn as edges (members of a key only grow while it links). */
  readonly #drawn = new Map<string, { key: LinkKey; members: number }>();

  /** Brings the graph in line with the keys that link now; keys absent from the list are removed. */
  update(linking: readonly LinkKey[]): void {
    const g = this.#g;
    const now = new Set<string>();
    for (const k of linking) {
      now.add(k.id);
      const kn = `k\u0000${k.id}`;
      let drawn = this.#drawn.get(k.id);
      if (!drawn || drawn.key !== k) {
        if (drawn) g.dropNode(kn);
        g.addNode(kn);
        drawn = { key: k, members: 0 };
        this.#drawn.set(k.id, drawn);
      }
      if (drawn.members === k.members.size) continue;
      const weight = k.weak ? WEAK_FACT_WEIGHT : LINK_WEIGHT[k.kind];
      for (const m of k.members) {
        const an = `a\u0000${m}`;
        if (!g.hasNode(an)) g.addNode(an);
        if (!g.hasEdge(an, kn)) g.addEdge(an, kn, { weight });
      }
      drawn.members = k.members.size;
    }
    for (const [id] of this.#drawn) {
      if (now.has(id)) continue;
      const kn = `k\u0000${id}`;
      for (const an of g.neighbors(kn)) if (g.degree(an) === 1) g.dropNode(an);
      g.dropNode(kn);
      this.#drawn.delete(id);
    }
  }

  get memberships(): number {
    return this.#g.size;
  }

  /** Louvain communities of two or more accounts, seeded so the same input gives the same clusters. */
  communities(seed = 42): Community[] {
    const g = this.#g;
    if (g.order === 0) return [];
    const assignment = louvain(g, { getEdgeWeight: "weight", rng: createRng(seed), resolution: 1 });
    const byCommunity = new Map<number, Community>();
    for (const [node, c] of Object.entries(assignment)) {
      let entry = byCommunity.get(c);
      if (!entry) byCommunity.set(c, (entry = { accounts: [], links: [] }));
      if (node.startsWith("a\u0000")) entry.accounts.push(node.slice(2));
      else entry.links.push((this.#drawn.get(node.slice(2)) as { key: LinkKey }).key);
    }
    return [...byCommunity.values()].filter((c) => c.accounts.length >= 2).map((c) => ({ accounts: c.accounts.sort(), links: c.links }));
  }
}

/** Communities of a set of keys, from scratch (tests and one-off analyses). */
export function findCommunities(keys: readonly LinkKey[], seed = 42): Community[] {
  const graph = new CommunityGraph();
  graph.update(keys);
  return graph.communities(seed);
}
