/** Cumulative bucket counts of one Prometheus histogram, by upper bound (`le`, +Inf included). */
export type Buckets = Map<number, number>;

/** Reads `<name>_bucket{le="…"} count` lines (no other labels) from a Prometheus text exposition. */
export function parseBuckets(text: string, name: string): Buckets {
  const out: Buckets = new Map();
  const re = new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\d+(?:\\.\\d+)?(?:e[+-]?\\d+)?)$`, "gm");
  for (let m = re.exec(text); m; m = re.exec(text)) out.set(m[1] === "+Inf" ? Infinity : Number(m[1]), Number(m[2]));
  return out;
}

/**
 * The q-quantile of what was observed between two scrapes, interpolated linearly inside its bucket
 * as Prometheus's histogram_quantile does; NaN when nothing was observed. A quantile landing in the
 * +Inf bucket reports the highest finite bound.
 */
export function quantileBetween(before: Buckets, after: Buckets, q: number): number {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const counts = bounds.map((le) => (after.get(le) ?? 0) - (before.get(le) ?? 0));
  const total = counts[counts.length - 1] ?? 0;
  if (total <= 0) return Number.NaN;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (let i = 0; i < bounds.length; i++) {
    const le = bounds[i] as number;
    const cum = counts[i] as number;
    if (cum >= rank) {
      if (le === Infinity) return lower;
      const inBucket = cum - below;
      return inBucket > 0 ? lower + ((le - lower) * (rank - below)) / inBucket : le;
    }
    lower = le;
    below = cum;
  }
  return lower;
}
