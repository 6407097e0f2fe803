import { describe, expect, it } from "vitest";
import { beyondHabit, beyondHabitInOwnFrames, binomialTailAtLeast, HABIT_CHANCE, ORGANIC_SIGN_RATE, OWN_EVIDENCE_MIN_SHARE, OWN_FRAMES_MIN_SHARE } from "./own-evidence.js";

describe("binomialTailAtLeast", () => {
  it("matches the tail summed term by term", () => {
    // P(X ≥ 2), X ~ Bin(13, 0.02) = 1 − 0.98^13 − 13·0.02·0.98^12
    expect(binomialTailAtLeast(2, 13, 0.02)).toBeCloseTo(1 - 0.98 ** 13 - 13 * 0.02 * 0.98 ** 12, 12);
    expect(binomialTailAtLeast(0, 5, 0.3)).toBe(1);
    expect(binomialTailAtLeast(6, 5, 0.3)).toBe(0);
    expect(binomialTailAtLeast(5, 5, 0.5)).toBeCloseTo(1 / 32, 12);
  });
});

describe("beyondHabit: a cluster member's own signs against a person's habit", () => {
  it("takes two asks in a handful of requests, not two in thirteen (the homework helper a ring's cover prompts linked)", () => {
    expect(beyondHabit(2, 2)).toBe(true);
    expect(beyondHabit(2, 11)).toBe(true);
    expect(beyondHabit(2, 13)).toBe(false);
    expect(beyondHabit(3, 13)).toBe(true);
    expect(beyondHabit(3, 29)).toBe(true);
    expect(beyondHabit(3, 30)).toBe(false);
    expect(beyondHabit(4, 30)).toBe(true);
  });

  it("never takes one sign, nor any count under a tenth of the requests", () => {
    for (let n = 1; n <= 300; n++) expect(beyondHabit(1, n), `1 of ${n}`).toBe(false);
    expect(beyondHabit(9, 100)).toBe(false);
    expect(beyondHabit(10, 100)).toBe(true);
    expect(beyondHabit(0, 0)).toBe(false);
  });

  it("leaves the tenth as the only bar past the table, where it is the stricter one", () => {
    for (const n of [100, 101, 150, 500, 2_000, 20_000]) {
      const tenth = Math.ceil(OWN_EVIDENCE_MIN_SHARE * n);
      expect(binomialTailAtLeast(tenth, n, ORGANIC_SIGN_RATE), `n = ${n}`).toBeLessThan(HABIT_CHANCE);
      expect(beyondHabit(tenth, n)).toBe(true);
    }
  });
});

describe("beyondHabitInOwnFrames: signs sent in the ring's own words", () => {
  it("takes a careful ring member's one ask in ten (24 of 240) that the tenth left out", () => {
    expect(beyondHabit(22, 240)).toBe(false);
    expect(beyondHabitInOwnFrames(22, 240)).toBe(true);
  });

  it("still asks for a twentieth of the requests, at least two signs, and a count beyond the habit", () => {
    expect(beyondHabitInOwnFrames(1, 2)).toBe(false);
    expect(beyondHabitInOwnFrames(2, 2)).toBe(true);
    expect(beyondHabitInOwnFrames(11, 240)).toBe(false); // under the twentieth
    expect(beyondHabitInOwnFrames(3, 40)).toBe(false); // a twentieth, and what the habit reaches one time in twenty
    expect(beyondHabitInOwnFrames(0, 0)).toBe(false);
  });

  it("leaves the twentieth as the only bar from 300 requests on, where it is the stricter one", () => {
    for (const n of [300, 301, 500, 2_000, 20_000]) {
      const twentieth = Math.ceil(OWN_FRAMES_MIN_SHARE * n);
      expect(binomialTailAtLeast(twentieth, n, ORGANIC_SIGN_RATE), `n = ${n}`).toBeLessThan(HABIT_CHANCE);
      expect(beyondHabitInOwnFrames(twentieth, n)).toBe(true);
      expect(beyondHabitInOwnFrames(twentieth - 1, n)).toBe(false);
    }
  });
});
