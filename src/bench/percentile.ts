/** The value at quantile `p` of ascending-sorted samples (nearest rank, no interpolation); 0 when there are none. */
export const percentile = (sorted: Float64Array, p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
