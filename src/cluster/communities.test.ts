import { describe, expect, it } from "vitest";
import { CommunityGraph, findCommunities } from "./communities.js";
import { LinkIndex } from "./links.js";

const T0 = Date.parse("2026-03-01T00:00:00Z");
const card = (ring: string): string => `pf_${ring}_5b0e1c9a77d24f31`;
const sorted = (communities: Array<{ accounts: string[] }>): string[][] => communities.map((c) => c.accounts).sort((a, b) => (a[0] as string).localeCompare(b[0] as string));

describe("CommunityGraph", () => {
  it("kept up to date run by run, draws each membership once and finds what a graph built from scratch finds", () => {
    const links = new LinkIndex();
    const graph = new CommunityGraph();
    const accounts = (ring: string, n: number): string[] => Array.from({ length: n }, (_, i) => `acct_${ring}${i}`);
    // Two rings, each on its own card, joining a few accounts at a time; the second ring's egress
    // address-day shared by its first members only.
    for (let step = 1; step <= 6; step++) {
      for (const a of accounts("a", step * 3)) links.add("payment_fp", card("a"), a, T0 + step);
      for (const a of accounts("b", step * 2)) links.add("payment_fp", card("b"), a, T0 + step);
      for (const a of accounts("b", 3)) links.add("ip_day", "198.51.100.7@20513", a, T0 + step);
      graph.update(links.linking());
      const linking = links.linking();
      expect(graph.memberships).toBe(linking.reduce((n, k) => n + k.members.size, 0));
      expect(sorted(graph.communities())).toEqual(sorted(findCommunities(linking)));
    }
    expect(sorted(graph.communities())).toEqual([accounts("a", 18).sort(), accounts("b", 12).sort()]);
  });

  it("drops a key that stops linking, with the accounts it alone held, and redraws one that comes back", () => {
    const links = new LinkIndex();
    const graph = new CommunityGraph();
    for (const a of ["acct_x1", "acct_x2", "acct_x3"]) links.add("payment_fp", card("x"), a, T0);
    for (const a of ["acct_y1", "acct_y2"]) links.add("payment_fp", card("y"), a, T0);
    graph.update(links.linking());
    expect(graph.memberships).toBe(5);
    // The second card drops out of the linking set (as a swept or crowd key does), then a new key of the same id links again.
    graph.update(links.linking().filter((k) => k.value !== card("y")));
    expect(graph.memberships).toBe(3);
    expect(graph.nodes).toBe(3 + 1);
    expect(sorted(graph.communities())).toEqual([["acct_x1", "acct_x2", "acct_x3"]]);
    const again = new LinkIndex();
    for (const a of ["acct_y1", "acct_y2", "acct_y3"]) again.add("payment_fp", card("y"), a, T0 + 1);
    graph.update([...links.linking().filter((k) => k.value !== card("y")), ...again.linking()]);
    expect(graph.memberships).toBe(6);
    expect(sorted(graph.communities())).toEqual([["acct_x1", "acct_x2", "acct_x3"], ["acct_y1", "acct_y2", "acct_y3"]]);
    // A key replaced while drawn (dropped and made again between runs) is drawn from its own members only.
    const replaced = new LinkIndex();
    for (const a of ["acct_y4", "acct_y5"]) replaced.add("payment_fp", card("y"), a, T0 + 2);
    graph.update([...links.linking().filter((k) => k.value !== card("y")), ...replaced.linking()]);
    expect(graph.memberships).toBe(5);
    expect(graph.nodes).toBe(5 + 2);
    expect(sorted(graph.communities())).toEqual([["acct_x1", "acct_x2", "acct_x3"], ["acct_y4", "acct_y5"]]);
  });
});
