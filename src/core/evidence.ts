/**
 * Additive evidence on a log-odds scale: each signal adds its weight, and the ones that moved the
 * score enough become the human-readable reasons, strongest first. Account and cluster scoring share it.
 */
export class Evidence {
  private z: number;
  private readonly reasons: Array<[number, () => string]> = [];

  constructor(
    prior: number,
    private readonly reasonAt: number,
  ) {
    this.z = prior;
  }

  /**
   * `why` is called only for the signals that become reasons: scoring runs for every active account
   * at every tick and most signals stay below the bar, so their text is never built.
   */
  add(weight: number, why: () => string): void {
    this.z += weight;
    if (weight >= this.reasonAt) this.reasons.push([weight, why]);
  }

  /** The score, and the strongest reasons, written out the first time they are read. */
  result(maxReasons = 5): EvidenceScore {
    return new EvidenceScore(1 / (1 + Math.exp(-this.z)), this.reasons, maxReasons);
  }
}

/**
 * A class rather than an object literal with a getter: V8 builds such literals through a slow
 * runtime path, which cost more than the reason strings it saves. Read `reasons`, never spread it.
 */
export class EvidenceScore {
  #written: string[] | null = null;

  constructor(
    readonly score: number,
    private readonly kept: ReadonlyArray<[number, () => string]>,
    private readonly maxReasons: number,
  ) {}

  get reasons(): string[] {
    this.#written ??= [...this.kept]
      .sort((a, b) => b[0] - a[0])
      .slice(0, this.maxReasons)
      .map((r) => r[1]());
    return this.#written;
  }
}
