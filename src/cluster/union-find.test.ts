import { describe, expect, it } from "vitest";
import { IndexUnionFind } from "./union-find.js";

describe("IndexUnionFind", () => {
  it("joins sets under their smallest index and lists each set ascending, in the order of its first index", () => {
    const sets = new IndexUnionFind(7);
    expect(sets.union(5, 3)).toBe(3);
    expect(sets.union(6, 5)).toBe(3);
    expect(sets.union(1, 4)).toBe(1);
    // Already one set: the root stays.
    expect(sets.joinRoots(sets.find(6), sets.find(3))).toBe(3);
    expect([...sets.sets().entries()]).toEqual([
      [0, [0]],
      [1, [1, 4]],
      [2, [2]],
      [3, [3, 5, 6]],
    ]);
  });

  it("finds the root of a long chain and shortens the path on the way", () => {
    const sets = new IndexUnionFind(1_000);
    for (let i = 1; i < 1_000; i++) sets.union(i - 1, i);
    expect(sets.find(999)).toBe(0);
    expect(sets.sets().get(0)).toHaveLength(1_000);
  });
});
