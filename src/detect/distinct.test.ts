import { describe, expect, it } from "vitest";
import { DistinctCounter, promptHash32 } from "./distinct.js";

/** Benchmark-like prompts: one template, a different question in each. */
const prompt = (i: number): string => `Q: A train leaves the station at ${i % 24}:00 carrying ${100 + i} passengers; at each of ${3 + (i % 7)} stops ${i % 13} get off. How many remain?\nA: Let's think step by step.`;

describe("DistinctCounter", () => {
  it("counts different prompts within a few percent, however often each is sent", () => {
    for (const distinct of [20, 150, 400, 2_000, 20_000]) {
      const c = new DistinctCounter();
      for (let round = 0; round < 3; round++) for (let i = 0; i < distinct; i++) c.add(promptHash32(prompt(i)));
      const error = Math.abs(c.estimate() - distinct) / distinct;
      expect(error, `${distinct} prompts read as ${c.estimate().toFixed(0)}`).toBeLessThan(distinct <= 640 ? 0.05 : 0.15);
    }
  });

  it("merges into the count of the union", () => {
    const a = new DistinctCounter();
    const b = new DistinctCounter();
    const both = new DistinctCounter();
    // Two students run overlapping slices of one benchmark: 0–299 and 200–499.
    for (let i = 0; i < 300; i++) a.add(promptHash32(prompt(i)));
    for (let i = 200; i < 500; i++) b.add(promptHash32(prompt(i)));
    for (let i = 0; i < 500; i++) both.add(promptHash32(prompt(i)));
    a.merge(b);
    expect(Array.from(a.registers)).toEqual(Array.from(both.registers));
    expect(Math.abs(a.estimate() - 500) / 500).toBeLessThan(0.05);
  });

  it("hashes prompts that differ in one character apart, and the same prompt alike", () => {
    expect(promptHash32(prompt(7))).toBe(promptHash32(prompt(7)));
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) seen.add(promptHash32(prompt(i)));
    // 10,000 different prompts in 32 bits: a collision or two at most.
    expect(seen.size).toBeGreaterThanOrEqual(9_998);
    expect(new DistinctCounter().estimate()).toBe(0);
  });
});
