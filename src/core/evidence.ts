/**
 * Additive evidence on a log-odds scale: each signal adds its weight, and the ones that moved the
 * score enough become the human-readable reasons, strongest first. Account and cluster scoring share it.
 */
export class Evidence {
  private z: number;
  private readonly reasons: Array<[number, string]> = [];

  constructor(
    prior: number,
    private readonly reasonAt: number,
  ) {
    this.z = prior;
  }

  add(weight: number, why: string): void {
    this.z += weight;
    if (weight >= this.reasonAt) this.reasons.push([weight, why]);
  }

  result(maxReasons = 5): { score: number; reasons: string[] } {
    const sorted = [...this.reasons].sort((a, b) => b[0] - a[0]);
    return { score: 1 / (1 + Math.exp(-this.z)), reasons: sorted.slice(0, maxReasons).map((r) => r[1]) };
  }
}
