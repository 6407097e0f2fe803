/** Ranking metrics for binary scores (1 = positive). Ties are handled by averaging ranks. */
export function rocAuc(scores: readonly number[], labels: readonly number[]): number {
  const idx = scores.map((s, i) => [s, labels[i] as number] as const).sort((a, b) => a[0] - b[0]);
  let pos = 0;
  let neg = 0;
  let rankSum = 0;
  let i = 0;
  while (i < idx.length) {
    let j = i;
    while (j + 1 < idx.length && (idx[j + 1] as readonly [number, number])[0] === (idx[i] as readonly [number, number])[0]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if ((idx[k] as readonly [number, number])[1] === 1) {
        pos++;
        rankSum += avgRank;
      } else neg++;
    }
    i = j + 1;
  }
  if (pos === 0 || neg === 0) return Number.NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** TPR and precision at the threshold where at most `fpr` of negatives score above it. */
export function atFpr(scores: readonly number[], labels: readonly number[], fpr: number): { threshold: number; tpr: number; precision: number } {
  const negs = scores.filter((_, i) => labels[i] === 0).sort((a, b) => b - a);
  const k = Math.floor(negs.length * fpr);
  const threshold = negs.length === 0 ? 0.5 : (negs[k] ?? 0);
  let tp = 0;
  let fp = 0;
  let p = 0;
  scores.forEach((s, i) => {
    if (labels[i] === 1) p++;
    if (s > threshold) {
      if (labels[i] === 1) tp++;
      else fp++;
    }
  });
  return { threshold, tpr: p ? tp / p : Number.NaN, precision: tp + fp ? tp / (tp + fp) : Number.NaN };
}
