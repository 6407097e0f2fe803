import { describe, expect, it } from "vitest";
import { parseBuckets, quantileBetween } from "./histogram.js";

const scrape = (counts: Array<[string, number]>): string =>
  [
    "# HELP x_seconds Time",
    "# TYPE x_seconds histogram",
    ...counts.map(([le, n]) => `x_seconds_bucket{le="${le}"} ${n}`),
    `x_seconds_sum 1.5`,
    `x_seconds_count ${counts[counts.length - 1]?.[1] ?? 0}`,
    'other_bucket{le="0.1"} 99',
  ].join("\n");

describe("histogram quantiles between two scrapes", () => {
  it("reads only the named histogram's buckets", () => {
    const b = parseBuckets(scrape([["0.0001", 3], ["0.0005", 10], ["+Inf", 12]]), "x_seconds");
    expect([...b.entries()]).toEqual([
      [0.0001, 3],
      [0.0005, 10],
      [Infinity, 12],
    ]);
  });

  it("counts only what was observed between the scrapes, interpolating inside the bucket", () => {
    // Before: 100 observations at or below 0.1 ms. Then 100 more: 20 ≤ 0.1 ms, 60 in (0.1, 0.5], 20 in (0.5, 1].
    const before = parseBuckets(scrape([["0.0001", 100], ["0.0005", 100], ["0.001", 100], ["+Inf", 100]]), "x_seconds");
    const after = parseBuckets(scrape([["0.0001", 120], ["0.0005", 180], ["0.001", 200], ["+Inf", 200]]), "x_seconds");
    // Median: rank 50 of 100, 30 into the 60 of the second bucket: halfway from 0.1 to 0.5 ms.
    expect(quantileBetween(before, after, 0.5)).toBeCloseTo(0.0003, 9);
    // p90: rank 90, 10 into the 20 of the third bucket: halfway from 0.5 to 1 ms.
    expect(quantileBetween(before, after, 0.9)).toBeCloseTo(0.00075, 9);
  });

  it("reports the highest finite bound for a quantile beyond it, and NaN for an empty interval", () => {
    const before = parseBuckets(scrape([["0.001", 0], ["+Inf", 0]]), "x_seconds");
    const after = parseBuckets(scrape([["0.001", 1], ["+Inf", 10]]), "x_seconds");
    expect(quantileBetween(before, after, 0.99)).toBe(0.001);
    expect(quantileBetween(after, after, 0.5)).toBeNaN();
  });
});
