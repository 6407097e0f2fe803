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
  // A week of working in the same minutes as others, at hours of their own: as strong as a shared address-day.
  co_activity: 1.5,
};

/** An account fact too short to be proof (LinkKey.weak) weighs like an address shared on a day. */
const WEAK_FACT_WEIGHT = 1.5;

export interface Community {
  accounts: string[];
  links: LinkKey[];
}

/** What a node stands for, kept on it so that reading Louvain's assignment needs no lookups by name. */
type NodeOf = { account: string; key?: undefined } | { key: LinkKey; account?: undefined };

/**
 * The bipartite account–identifier graph, kept between Louvain runs and updated with what changed:
 * rebuilding it from every linking key at every run was most of the hunt's main-thread time.
 * Identifier nodes keep it linear in memberships: a key shared by 20,000 accounts is one star, not
 * 200 million edges.
 */
export class CommunityGraph {
  readonly #g = new UndirectedGraph<NodeOf>();
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
        if (drawn) this.#dropKeyNode(kn);
        g.addNode(kn, { key: k });
        drawn = { key: k, members: 0 };
        this.#drawn.set(k.id, drawn);
      }
      if (drawn.members === k.members.size) continue;
      const weight = k.weak ? WEAK_FACT_WEIGHT : LINK_WEIGHT[k.kind];
      // A key's members only grow while it links, and a Set iterates in insertion order: those past
      // the ones drawn are new and have no edge yet. Looking every member up again at each run (a key
      // of 20,000 accounts, 20,000 node and edge lookups) was half of what updates cost on a log of
      // many small accounts.
      let i = 0;
      for (const m of k.members) {
        if (i++ < drawn.members) continue;
        const an = `a\u0000${m}`;
        if (!g.hasNode(an)) g.addNode(an, { account: m });
        g.addEdge(an, kn, { weight });
      }
      drawn.members = k.members.size;
    }
    for (const [id] of this.#drawn) {
      if (now.has(id)) continue;
      this.#dropKeyNode(`k\u0000${id}`);
      this.#drawn.delete(id);
    }
  }

  /** A key's node, with the accounts only it held: an account left with no edge would stay a node of every later run. */
  #dropKeyNode(kn: string): void {
    const g = this.#g;
    for (const an of g.neighbors(kn)) if (g.degree(an) === 1) g.dropNode(an);
    g.dropNode(kn);
  }

  get memberships(): number {
    return this.#g.size;
  }

  /** Account and key nodes drawn: what a Louvain run walks. */
  get nodes(): number {
    return this.#g.order;
  }

  /** Louvain communities of two or more accounts, seeded so the same input gives the same clusters. */
  communities(seed = 42): Community[] {
    const g = this.#g;
    if (g.order === 0) return [];
    const assignment = louvain(g, { getEdgeWeight: "weight", rng: createRng(seed), resolution: 1 });
    const byCommunity = new Map<number, Community>();
    // In the graph's node order, which is the assignment's: Object.entries over it (hundreds of
    // thousands of pairs) and a name lookup per node were a tenth of a Louvain run's cost.
    g.forEachNode((node, of) => {
      const c = assignment[node] as number;
      let entry = byCommunity.get(c);
      if (!entry) byCommunity.set(c, (entry = { accounts: [], links: [] }));
      if (of.account !== undefined) entry.accounts.push(of.account);
      else entry.links.push(of.key);
    });
    return [...byCommunity.values()].filter((c) => c.accounts.length >= 2).map((c) => ({ accounts: c.accounts.sort(), links: c.links }));
  }
}

/** Communities of a set of keys, from scratch (tests and one-off analyses). */
export function findCommunities(keys: readonly LinkKey[], seed = 42): Community[] {
  const graph = new CommunityGraph();
  graph.update(keys);
  return graph.communities(seed);
}
