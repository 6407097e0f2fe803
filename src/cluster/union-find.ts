/**
 * Disjoint sets over the indexes 0..n-1, with path halving; a join keeps the smaller root, so a set's
 * root is the first index joined into it. Written by hand: the groups it serves (a day's lockstep
 * pairs, a cluster's teams and pieces) are a few lines of arrays, and a graph library would build a
 * graph per call.
 */
export class IndexUnionFind {
  private readonly parent: number[];

  constructor(size: number) {
    this.parent = Array.from({ length: size }, (_, i) => i);
  }

  find(i: number): number {
    const parent = this.parent;
    while (parent[i] !== i) i = parent[i] = parent[parent[i] as number] as number;
    return i;
  }

  /** Joins the sets whose roots are `ra` and `rb` (both from find); returns the root they share. */
  joinRoots(ra: number, rb: number): number {
    const root = Math.min(ra, rb);
    this.parent[Math.max(ra, rb)] = root;
    return root;
  }

  union(a: number, b: number): number {
    return this.joinRoots(this.find(a), this.find(b));
  }

  /** Each set's indexes, ascending, by root; sets in the order of their first index. */
  sets(): Map<number, number[]> {
    const out = new Map<number, number[]>();
    for (let i = 0; i < this.parent.length; i++) {
      const root = this.find(i);
      const set = out.get(root);
      if (set) set.push(i);
      else out.set(root, [i]);
    }
    return out;
  }
}
